"""The mini-Xception of *Deep Learning with Python* (Chollet, 2nd ed., ch. 9).

Not the paper's network (that is ``cnnarch.xception``): pre-activation
separable blocks, each halving the resolution, for small images.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

from .checks import check_ints, check_number, check_small_args

__all__ = ["preact_sepconv_block", "MiniXception"]


def preact_sepconv_block(
    x: keras.KerasTensor, filters: int, *, name: str
) -> keras.KerasTensor:
    """(BN -> ReLU -> SepConv) x 2 -> 3x3/2 max pool, plus a 1x1/2 conv
    shortcut (Chollet 2021, ch. 9)."""
    shortcut = x
    for i in (1, 2):
        x = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = layers.Activation("relu", name=f"{name}_relu{i}")(x)
        x = layers.SeparableConv2D(
            filters,
            3,
            padding="same",
            use_bias=False,
            name=f"{name}_sepconv{i}",
        )(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"{name}_pool")(
        x
    )
    shortcut = layers.Conv2D(
        filters,
        1,
        strides=2,
        padding="same",
        use_bias=False,
        name=f"{name}_residual_conv",
    )(shortcut)
    return layers.Add(name=f"{name}_add")([x, shortcut])


def MiniXception(
    *,
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    classifier_activation: Any = "softmax",
    filters: tuple[int, ...] = (32, 64, 128, 256),
    dropout: float = 0.5,
) -> keras.Model:
    """The mini-Xception of *Deep Learning with Python* (2nd ed., ch. 9) for
    small images.

    A 5x5 stem conv with ``filters[0]`` channels, one ``preact_sepconv_block``
    per width, global average pooling, dropout and a softmax dense layer;
    uncompiled, no rescaling layer (feed inputs already scaled). Defaults:
    189,642 parameters (188,170 trainable).
    """
    owner = "MiniXception"
    filters = check_ints("filters", filters, owner=owner)
    check_number(
        "dropout", dropout, low=0, high=1, high_open=True, owner=owner
    )
    shape = check_small_args(
        owner,
        input_shape=input_shape,
        classes=classes,
        classifier_activation=classifier_activation,
        min_size=5,
    )

    inputs = keras.Input(shape=shape, name="input")
    x = layers.Conv2D(filters[0], 5, use_bias=False, name="stem_conv")(inputs)
    for i, width in enumerate(filters, start=1):
        x = preact_sepconv_block(x, width, name=f"block{i}")
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.Dropout(dropout, name="head_dropout")(x)
    outputs = layers.Dense(
        classes, activation=classifier_activation, name="predictions"
    )(x)
    return keras.Model(inputs, outputs, name="mini_xception")
