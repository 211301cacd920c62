"""VGG: stacks of 3x3 convolutions and 2x2 max-pools (Simonyan & Zisserman, ICLR 2015).

The paper's Table 1 is data here (``CONFIGS``); ``vgg16`` and ``vgg19`` are configurations "D" and
"E" and match ``keras.applications.VGG16``/``VGG19`` weight for weight, layer names included.
"""

from __future__ import annotations

import os
from typing import Any

import keras
from keras import layers

from .blocks import check_builder_args, load_weights

# The family builder ``vgg`` is left out of ``__all__`` so that ``cnnarch.vgg`` stays this module
# (``from .vgg import *`` in the package would otherwise replace it): call ``cnnarch.vgg.vgg("D")``.
__all__ = ["vgg_block", "vgg16", "vgg19", "vgg_small"]

#: Simonyan & Zisserman 2015, Table 1: (filters, number of 3x3 convs) for each of the five blocks.
#: Configurations A-LRN and C are left out: they add local response normalisation or 1x1 convs.
CONFIGS: dict[str, list[tuple[int, int]]] = {
    "A": [(64, 1), (128, 1), (256, 2), (512, 2), (512, 2)],  # VGG-11
    "B": [(64, 2), (128, 2), (256, 2), (512, 2), (512, 2)],  # VGG-13
    "D": [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)],  # VGG-16
    "E": [(64, 2), (128, 2), (256, 4), (512, 4), (512, 4)],  # VGG-19
}
_IMAGENET = {"D": keras.applications.VGG16, "E": keras.applications.VGG19}


def vgg_block(
    x: keras.KerasTensor, filters: int, convs: int, *, name: str, batch_norm: bool = False
) -> keras.KerasTensor:
    """``convs`` 3x3 ReLU convolutions then a 2x2 max-pool: one column group of Table 1."""
    for i in range(1, convs + 1):
        if batch_norm:  # the BN variant used by vgg_small: conv, BN, then ReLU
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv{i}")(x)
            x = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
            x = layers.Activation("relu", name=f"{name}_relu{i}")(x)
        else:
            x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv{i}")(x)
    return layers.MaxPooling2D(2, strides=2, name=f"{name}_pool")(x)


def vgg(
    config: str,
    *,
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Build the VGG network of ``config`` ("A", "B", "D" or "E"; Table 1 of the paper).

    The top is the paper's (and keras.applications') classifier: flatten, two 4096-unit ReLU
    layers ``fc1`` and ``fc2``, then ``predictions``. Without the top, ``pooling`` may add a
    global average (``avg_pool``) or max (``max_pool``) pooling. ``weights="imagenet"`` is
    available for "D" and "E" only.
    """
    if config not in CONFIGS:
        raise ValueError(f"config must be one of {sorted(CONFIGS)} for vgg, got {config!r}")
    name = name or f"vgg{3 + sum(convs for _, convs in CONFIGS[config])}"
    shape = check_builder_args(
        name, include_top=include_top, weights=weights, input_shape=input_shape, pooling=pooling,
        classes=classes, classifier_activation=classifier_activation, default_size=224, min_size=32,
    )
    if include_top and None in shape[:2]:
        raise ValueError(
            f"input_shape must have a fixed height and width when include_top=True for {name} "
            f"(the flatten layer needs them), got {input_shape!r}"
        )
    if weights == "imagenet" and config not in _IMAGENET:
        raise ValueError(
            f"weights='imagenet' exists only for configs {sorted(_IMAGENET)} of vgg, got config {config!r}"
        )

    inputs = keras.Input(shape=shape, name="input_layer")
    x = inputs
    for i, (filters, convs) in enumerate(CONFIGS[config], start=1):
        x = vgg_block(x, filters, convs, name=f"block{i}")
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = keras.Model(inputs, x, name=name)
    return load_weights(
        model, weights, _IMAGENET.get(config), include_top=include_top, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation,
    )


def vgg16(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """VGG-16, configuration "D": the same weights, in the same order, as keras.applications.VGG16."""
    return vgg(
        "D", include_top=include_top, weights=weights, input_shape=input_shape, pooling=pooling,
        classes=classes, classifier_activation=classifier_activation, name="vgg16",
    )


def vgg19(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """VGG-19, configuration "E": the same weights, in the same order, as keras.applications.VGG19."""
    return vgg(
        "E", include_top=include_top, weights=weights, input_shape=input_shape, pooling=pooling,
        classes=classes, classifier_activation=classifier_activation, name="vgg19",
    )


def vgg_small(
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    *,
    widths: tuple[int, ...] = (16, 32, 64),
    convs: int = 2,
    dense_units: int = 64,
    dropout: float = 0.5,
) -> keras.Model:
    """A VGG for 32x32 images: ``len(widths)`` BN blocks of ``convs`` 3x3 convs, then a dropout MLP head.

    With the defaults it has 139,002 parameters (138,554 trainable): blocks of 16, 32 and 64
    filters leave a 4x4x64 map, flattened into ``fc1`` (64 units, dropout 0.5) and ``predictions``.
    """
    if not widths or any(w < 1 for w in widths):
        raise ValueError(
            f"widths must be a non-empty tuple of positive integers for vgg_small, got {widths!r}"
        )
    if convs < 1:
        raise ValueError(f"convs must be >= 1 for vgg_small, got {convs!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1) for vgg_small, got {dropout!r}")
    shape = check_builder_args(
        "vgg_small", include_top=True, weights=None, input_shape=input_shape, pooling=None,
        classes=classes, classifier_activation="softmax", default_size=32,
        min_size=2 ** len(widths),
    )
    if None in shape[:2]:
        raise ValueError(f"input_shape must have a fixed height and width for vgg_small, got {input_shape!r}")

    inputs = keras.Input(shape=shape, name="input_layer")
    x = inputs
    for i, filters in enumerate(widths, start=1):
        x = vgg_block(x, filters, convs, name=f"block{i}", batch_norm=True)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(dense_units, activation="relu", name="fc1")(x)
    x = layers.Dropout(dropout, name="fc1_dropout")(x)
    x = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, x, name="vgg_small")
