"""VGG: stacks of 3x3 convolutions and 2x2 max-pools (Simonyan & Zisserman,
ICLR 2015).

The paper's Table 1 is data here (``CONFIGS``); ``VGG16`` and ``VGG19`` are
configurations "D" and "E" and match ``keras.applications.VGG16``/``VGG19``
weight for weight, layer names included.
"""

from __future__ import annotations

import os
from typing import Any

import keras
from keras import layers

from .checks import (
    check_builder_args,
    check_choice,
    check_input_shape,
    check_int,
    check_ints,
    check_number,
    check_small_args,
)
from .variants import variant
from .weights import load_weights

__all__ = ["vgg_block", "VGG", "VGG16", "VGG19", "SmallVGG"]

#: Simonyan & Zisserman 2015, Table 1: (filters, number of 3x3 convs) for each
#: of the five blocks. A-LRN and C are left out: they add local response
#: normalisation or 1x1 convs.
CONFIGS: dict[str, list[tuple[int, int]]] = {
    "A": [(64, 1), (128, 1), (256, 2), (512, 2), (512, 2)],  # VGG-11
    "B": [(64, 2), (128, 2), (256, 2), (512, 2), (512, 2)],  # VGG-13
    "D": [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)],  # VGG-16
    "E": [(64, 2), (128, 2), (256, 4), (512, 4), (512, 4)],  # VGG-19
}
_IMAGENET = {"D": keras.applications.VGG16, "E": keras.applications.VGG19}


def vgg_block(
    x: keras.KerasTensor,
    filters: int,
    convs: int,
    *,
    name: str,
    batch_norm: bool = False,
) -> keras.KerasTensor:
    """``convs`` 3x3 ReLU convolutions then a 2x2 max-pool: a column group of
    Table 1."""
    for i in range(1, convs + 1):
        conv = f"{name}_conv{i}"
        if batch_norm:  # SmallVGG's variant: conv, BN, then ReLU
            x = layers.Conv2D(
                filters, 3, padding="same", use_bias=False, name=conv
            )(x)
            x = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
            x = layers.Activation("relu", name=f"{name}_relu{i}")(x)
        else:
            x = layers.Conv2D(
                filters, 3, padding="same", activation="relu", name=conv
            )(x)
    return layers.MaxPooling2D(2, strides=2, name=f"{name}_pool")(x)


def VGG(
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
    """Build the VGG network of one column of Table 1.

    Args:
        config: "A", "B", "D" or "E" (VGG-11, -13, -16, -19), a key of
            ``CONFIGS``.
        include_top: whether to end with the paper's (and keras.applications')
            classifier: flatten, two 4096-unit ReLU layers ``fc1`` and ``fc2``,
            then ``predictions``.
        weights: None (random), 'imagenet' ("D" and "E" only; copied from
            keras.applications, from Keras' cache when it holds the file) or
            the path of a weights file.
        input_shape: (height, width, channels), each side at least 32; default
            224x224x3 with the top and (None, None, 3) without it.
        pooling: without the top, None, 'avg' (``avg_pool``) or 'max'
            (``max_pool``) global pooling.
        classes: number of classes of the top.
        classifier_activation: activation of ``predictions``: None (logits),
            a Keras activation name or a callable.
        name: model name; default ``vgg<depth>``.

    Returns:
        An uncompiled ``keras.Model``.

    Every argument is checked before any layer is built: a bad one raises
    ValueError (TypeError for a wrong type) naming it.
    """
    check_choice("config", config, sorted(CONFIGS), owner="VGG")
    depth = 3 + sum(convs for _, convs in CONFIGS[config])
    name = name or f"vgg{depth}"
    shape = check_builder_args(
        name,
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        default_size=224,
        min_size=32,
    )
    if include_top:  # the flatten layer needs a known height and width
        check_input_shape(shape, min_size=32, owner=name, fixed=True)
    if weights == "imagenet" and config not in _IMAGENET:
        raise ValueError(
            "weights='imagenet' exists only for configs "
            f"{sorted(_IMAGENET)} of VGG, got config {config!r}"
        )

    inputs = keras.Input(shape=shape, name="input_layer")
    x = inputs
    for i, (filters, convs) in enumerate(CONFIGS[config], start=1):
        x = vgg_block(x, filters, convs, name=f"block{i}")
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(
            classes, activation=classifier_activation, name="predictions"
        )(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = keras.Model(inputs, x, name=name)
    return load_weights(
        model,
        weights,
        _IMAGENET.get(config),
        include_top=include_top,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


VGG16 = variant(
    VGG,
    "VGG16",
    "VGG-16 (keras.applications.VGG16).",
    config="D",
    name="vgg16",
)
VGG19 = variant(
    VGG,
    "VGG19",
    "VGG-19 (keras.applications.VGG19).",
    config="E",
    name="vgg19",
)


def SmallVGG(
    *,
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    classifier_activation: Any = "softmax",
    filters: tuple[int, ...] = (16, 32, 64),
    convs: int = 2,
    dense_units: int = 64,
    dropout: float = 0.5,
) -> keras.Model:
    """A VGG for 32x32 images: BN blocks of ``convs`` 3x3 convs, then a dropout
    MLP head.

    One ``vgg_block`` (with batch norm) per entry of ``filters``, then
    ``fc1`` (``dense_units``, ReLU, dropout) and ``predictions``. With the
    defaults it has 139,002 parameters (138,554 trainable): blocks of 16, 32
    and 64 filters leave a 4x4x64 map for the head. Each side of
    ``input_shape`` must be at least ``2 ** len(filters)``.
    """
    owner = "SmallVGG"
    filters = check_ints("filters", filters, owner=owner)
    check_int("convs", convs, owner=owner)
    check_int("dense_units", dense_units, owner=owner)
    check_number(
        "dropout", dropout, low=0, high=1, high_open=True, owner=owner
    )
    shape = check_small_args(
        owner,
        input_shape=input_shape,
        classes=classes,
        classifier_activation=classifier_activation,
        min_size=2 ** len(filters),
    )

    inputs = keras.Input(shape=shape, name="input_layer")
    x = inputs
    for i, width in enumerate(filters, start=1):
        x = vgg_block(x, width, convs, name=f"block{i}", batch_norm=True)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(dense_units, activation="relu", name="fc1")(x)
    x = layers.Dropout(dropout, name="fc1_dropout")(x)
    x = layers.Dense(
        classes, activation=classifier_activation, name="predictions"
    )(x)
    return keras.Model(inputs, x, name="vgg_small")
