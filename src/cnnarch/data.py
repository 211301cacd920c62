"""Real image data for the chapters: offline digits by default, CIFAR-10 when
online.

Two datasets, one pipeline, both ending as float32 images of shape (32, 32, 3)
in [0, 1] and int32 labels:

- ``"digits"`` (default, offline): scikit-learn's bundled handwritten digits
  (UCI, 1,797 grey 8x8 images, 10 classes, shipped inside scikit-learn so
  nothing is downloaded), resized bilinearly to 32x32, grey replicated to three
  channels, scaled from 0..16 to [0, 1]. A fixed, stratified 70/15/15 split
  (seed ``SPLIT_SEED``) gives 1,257 training, 270 validation and 270 test
  images.
- ``"cifar10"`` (online, e.g. Colab): ``keras.datasets.cifar10.load_data()``
  (Krizhevsky, 2009), scaled to [0, 1]; a fixed, stratified 5,000 images of the
  50,000 training images become the validation set, giving 45,000 / 5,000 /
  10,000. Offline and without a cached archive it raises a RuntimeError within
  seconds instead of hanging on the download.

A third, harder task is made from the same bundled digits:
``cluttered_digits`` puts each digit at a random position and size on a
larger dark canvas among fragments of other digits and pixel noise (the
"cluttered MNIST" of Mnih et al., 2014, in small), so that finding the digit
is part of the task and a linear model on the pixels falls far behind a
convolutional network.

Pick one with ``name=`` or the environment variable ``CNNARCH_DATASET``.
``load_arrays`` returns NumPy arrays; ``load_datasets`` returns ``tf.data``
pipelines (cache, seeded shuffle, batch, optional seeded augmentation with
Keras preprocessing layers, prefetch).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from . import network
from .checks import (
    check_bool,
    check_choice,
    check_int,
    check_ints,
    check_number,
)

__all__ = [
    "DATASETS",
    "DatasetInfo",
    "augmentation",
    "cluttered_digits",
    "load_arrays",
    "load_datasets",
]

DATASETS = ("digits", "cifar10")
ENV_VAR = "CNNARCH_DATASET"
SPLIT_SEED = 0
IMAGE_SIZE = 32
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
CIFAR10_VAL_SIZE = 5000
# The host in keras/src/datasets/cifar10.py: origin =
# "https://www.cs.toronto.edu/~kriz/...".
CIFAR10_HOST = ("www.cs.toronto.edu", 443)
# What keras' get_file checks before it downloads: the archive in
# <KERAS_HOME>/datasets (name of Keras >= 3.9; the second one is the name older
# Keras versions use).
CIFAR10_ARCHIVES = (
    "cifar-10-batches-py-target_archive",
    "cifar-10-batches-py.tar.gz",
)

Split = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class DatasetInfo:
    """What a model needs to know about a dataset: classes, input shape, split
    sizes."""

    name: str
    num_classes: int
    input_shape: tuple[int, int, int]
    sizes: dict[str, int]
    class_names: tuple[str, ...]


def _resolve_name(name: str | None) -> str:
    """The dataset to load: ``name``, else $CNNARCH_DATASET, else 'digits'."""
    chosen = name if name is not None else os.environ.get(ENV_VAR, "digits")
    return check_choice(
        "name" if name is not None else ENV_VAR, chosen, DATASETS
    )


def _stratified_split(
    y: np.ndarray, n_holdout: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (kept, held out), with ``n_holdout`` drawn stratified by
    label."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(y))
    kept, held = train_test_split(
        index, test_size=n_holdout, stratify=y, random_state=seed
    )
    return np.sort(kept), np.sort(held)


def _read_only(*arrays: np.ndarray) -> None:
    """Freeze cached arrays so one chapter cannot corrupt another's copy."""
    for a in arrays:
        a.flags.writeable = False


@functools.cache
def _digits() -> tuple[Split, Split, Split]:
    """scikit-learn's 8x8 digits as 32x32x3 floats in [0, 1], split 70/15/15
    stratified."""
    from sklearn.datasets import (
        load_digits,
    )  # a dependency of cnnarch; ships the data offline

    bunch = load_digits()
    x = (bunch.images / 16.0).astype("float32")[..., None]
    x = keras.ops.image.resize(
        x, (IMAGE_SIZE, IMAGE_SIZE), interpolation="bilinear"
    )
    x = np.repeat(np.clip(keras.ops.convert_to_numpy(x), 0.0, 1.0), 3, axis=-1)
    y = bunch.target.astype("int32")
    n_test = round(0.15 * len(y))
    rest, test = _stratified_split(y, n_test, SPLIT_SEED)
    train, val = _stratified_split(y[rest], n_test, SPLIT_SEED)
    train, val = rest[train], rest[val]
    splits = (x[train], y[train]), (x[val], y[val]), (x[test], y[test])
    _read_only(*(a for split in splits for a in split))
    return splits


def _cifar10_cached() -> bool:
    """Whether keras would find the CIFAR-10 archive without downloading it."""
    folder = network.keras_cache_dir("datasets")
    return any(
        os.path.exists(os.path.join(folder, f)) for f in CIFAR10_ARCHIVES
    )


@functools.cache
def _cifar10() -> tuple[Split, Split, Split]:
    """keras' CIFAR-10 as floats in [0, 1], 5,000 training images held out for
    validation."""
    if not _cifar10_cached() and not network.reachable(CIFAR10_HOST):
        raise RuntimeError(
            "CIFAR-10 is not cached in "
            f"{network.keras_cache_dir('datasets')} and {CIFAR10_HOST[0]} is "
            "not "
            "reachable, so keras.datasets.cifar10.load_data() cannot "
            "download it. Run where the "
            "internet is reachable (e.g. Colab) once to cache it, or use "
            "name='digits' "
            f"(unset {ENV_VAR})."
        )
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    x_train = (x_train / np.float32(255)).astype("float32")
    x_test = (x_test / np.float32(255)).astype("float32")
    y_train, y_test = (
        y_train.reshape(-1).astype("int32"),
        y_test.reshape(-1).astype("int32"),
    )
    train, val = _stratified_split(y_train, CIFAR10_VAL_SIZE, SPLIT_SEED)
    splits = (
        (x_train[train], y_train[train]),
        (x_train[val], y_train[val]),
        (x_test, y_test),
    )
    _read_only(*(a for split in splits for a in split))
    return splits


def load_arrays(
    name: str | None = None,
) -> tuple[Split, Split, Split, DatasetInfo]:
    """Return ``(x_train, y_train), (x_val, y_val), (x_test, y_test), info`` as
    NumPy arrays.

    Images are float32 (n, 32, 32, 3) in [0, 1], labels int32 (n,). The arrays
    are cached and read-only: copy one (``x.copy()``) before changing it in
    place.
    """
    name = _resolve_name(name)
    splits = _digits() if name == "digits" else _cifar10()
    class_names = (
        tuple(str(i) for i in range(10))
        if name == "digits"
        else CIFAR10_CLASSES
    )
    info = DatasetInfo(
        name=name,
        num_classes=len(class_names),
        input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3),
        sizes={
            part: len(split[1])
            for part, split in zip(("train", "val", "test"), splits)
        },
        class_names=class_names,
    )
    return (*splits, info)


def augmentation(
    *, flip: bool = True, translate: float = 0.1, seed: int = 0
) -> keras.Sequential:
    """Random horizontal flip and translation as Keras preprocessing layers,
    seeded."""
    check_bool("flip", flip)
    check_number("translate", translate, low=0, high=1)
    check_int("seed", seed, min=0)
    steps: list[layers.Layer] = []
    if flip:
        steps.append(
            layers.RandomFlip("horizontal", seed=seed, name="aug_flip")
        )
    steps.append(
        layers.RandomTranslation(
            translate,
            translate,
            fill_mode="constant",
            seed=seed,
            name="aug_translate",
        )
    )
    return keras.Sequential(steps, name="augmentation")


def load_datasets(
    name: str | None = None,
    *,
    batch_size: int = 64,
    augment: bool = False,
    seed: int = 0,
) -> tuple[tf.data.Dataset, tf.data.Dataset, tf.data.Dataset, DatasetInfo]:
    """Return ``(train_ds, val_ds, test_ds, info)``: batched ``tf.data``
    pipelines of one dataset.

    All three are cached and prefetched; only the training set is shuffled
    (seeded, reshuffled every epoch) and, with ``augment=True``, augmented:
    random translation, plus a horizontal flip for CIFAR-10 only, since a
    mirrored digit is often another digit or none.
    """
    check_int("batch_size", batch_size)
    check_bool("augment", augment)
    check_int("seed", seed, min=0)
    train, val, test, info = load_arrays(name)

    def pipeline(split: Split, training: bool) -> tf.data.Dataset:
        ds = tf.data.Dataset.from_tensor_slices(split).cache()
        if training:
            ds = ds.shuffle(
                len(split[1]), seed=seed, reshuffle_each_iteration=True
            )
        ds = ds.batch(batch_size)
        if training and augment:
            aug = augmentation(flip=info.name != "digits", seed=seed)
            ds = ds.map(
                lambda x, y: (aug(x, training=True), y),
                num_parallel_calls=tf.data.AUTOTUNE,
            )
        return ds.prefetch(tf.data.AUTOTUNE)

    return (
        pipeline(train, True),
        pipeline(val, False),
        pipeline(test, False),
        info,
    )


def _placed(
    sources: np.ndarray, sizes: np.ndarray, canvas: int
) -> dict[int, np.ndarray]:
    """Each 8x8 source digit resized bilinearly to every size in ``sizes``."""
    x = sources[..., None]
    return {
        int(s): np.clip(
            keras.ops.convert_to_numpy(
                keras.ops.image.resize(x, (s, s), interpolation="bilinear")
            )[..., 0],
            0.0,
            1.0,
        )
        for s in sizes
    }


def _compose(
    sources: np.ndarray,
    labels: np.ndarray,
    n: int,
    *,
    canvas: int,
    sizes: tuple[int, int],
    fragments: int,
    noise: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` canvases, each one digit of ``sources`` among fragments and
    noise; return images, labels and the digits' boxes (top, left, size)."""
    resized = _placed(sources, np.arange(sizes[0], sizes[1] + 1), canvas)
    # Balanced labels: every class n // 10 or n // 10 + 1 times, shuffled.
    wanted = rng.permutation(np.arange(n) % 10)
    by_class = [np.flatnonzero(labels == c) for c in range(10)]
    index = np.array([rng.choice(by_class[c]) for c in wanted])
    size = rng.integers(sizes[0], sizes[1] + 1, n)
    top = rng.integers(0, canvas - size + 1)
    left = rng.integers(0, canvas - size + 1)
    x = np.zeros((n, canvas, canvas), "float32")
    piece = max(2, sizes[0] // 3)
    for i in range(n):
        for _ in range(fragments):
            other = resized[sizes[0]][rng.integers(len(sources))]
            r, c = rng.integers(0, sizes[0] - piece + 1, 2)
            fr, fc = rng.integers(0, canvas - piece + 1, 2)
            window = x[i, fr : fr + piece, fc : fc + piece]
            np.maximum(window, other[r : r + piece, c : c + piece], window)
        s, t, l_ = size[i], top[i], left[i]
        window = x[i, t : t + s, l_ : l_ + s]
        np.maximum(window, resized[int(s)][index[i]], window)
    x += noise * rng.random(x.shape, dtype="float32")
    np.clip(x, 0.0, 1.0, out=x)
    boxes = np.stack([top, left, size], axis=1).astype("int32")
    return x[..., None], wanted.astype("int32"), boxes


@functools.cache
def _cluttered(
    sizes_: tuple[int, int, int],
    canvas: int,
    digit_sizes: tuple[int, int],
    fragments: int,
    noise: float,
    seed: int,
) -> tuple[tuple[np.ndarray, ...], ...]:
    """The three cluttered splits, each from its own part of the digits."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = (bunch.images / 16.0).astype("float32")
    y = bunch.target.astype("int32")
    n_test = round(0.15 * len(y))
    rest, test = _stratified_split(y, n_test, SPLIT_SEED)
    train, val = _stratified_split(y[rest], n_test, SPLIT_SEED)
    parts = (rest[train], rest[val], test)
    splits = []
    for part, (index, n) in enumerate(zip(parts, sizes_)):
        rng = np.random.default_rng([seed, part])
        split = _compose(
            x[index],
            y[index],
            n,
            canvas=canvas,
            sizes=digit_sizes,
            fragments=fragments,
            noise=noise,
            rng=rng,
        )
        _read_only(*split)
        splits.append(split)
    return tuple(splits)


def cluttered_digits(
    n_train: int = 4000,
    n_val: int = 500,
    n_test: int = 1000,
    *,
    canvas: int = 32,
    digit_sizes: tuple[int, int] = (12, 20),
    fragments: int = 4,
    noise: float = 0.2,
    seed: int = 0,
    boxes: bool = False,
) -> tuple[Split, Split, Split, DatasetInfo]:
    """Return ``(x_train, y_train), (x_val, y_val), (x_test, y_test), info``:
    the bundled digits, each at a random place and size on a cluttered canvas.

    Every image is float32 ``(canvas, canvas, 1)`` in [0, 1]: one 8x8 digit
    resized bilinearly to a random side in ``digit_sizes`` (inclusive) at a
    random position, over ``fragments`` random crops of other digits
    (a third of the smallest digit's side) at random positions, plus uniform
    pixel noise in [0, ``noise``]; digit and fragments combine by maximum.
    Training, validation and test images are drawn from the disjoint
    70/15/15 split of the 1,797 digits that ``load_arrays("digits")`` uses, so
    no test digit is seen in training, only placed anew. Labels are int32 and
    balanced (each class ``n // 10`` or ``n // 10 + 1`` times). The same
    arguments give the same arrays (cached, read-only). With ``boxes=True``
    each split is ``(x, y, boxes)``, a box being the digit's
    ``(top, left, size)`` in pixels.
    """
    owner = "cluttered_digits"
    for name, value in (
        ("n_train", n_train),
        ("n_val", n_val),
        ("n_test", n_test),
    ):
        check_int(name, value, min=10, owner=owner)
    check_int("canvas", canvas, min=8, owner=owner)
    low, high = check_ints("digit_sizes", digit_sizes, min=3, length=2)
    if low > high or high > canvas:
        raise ValueError(
            "digit_sizes must be (low, high) with low <= high <= canvas="
            f"{canvas} for {owner}, got {digit_sizes!r}"
        )
    check_int("fragments", fragments, min=0, owner=owner)
    check_number("noise", noise, low=0, high=1, owner=owner)
    check_int("seed", seed, min=0, owner=owner)
    check_bool("boxes", boxes, owner=owner)
    splits = _cluttered(
        (n_train, n_val, n_test),
        canvas,
        (low, high),
        fragments,
        float(noise),
        seed,
    )
    info = DatasetInfo(
        name="cluttered_digits",
        num_classes=10,
        input_shape=(canvas, canvas, 1),
        sizes={"train": n_train, "val": n_val, "test": n_test},
        class_names=tuple(str(i) for i in range(10)),
    )
    if not boxes:
        splits = tuple(split[:2] for split in splits)
    return (*splits, info)
