"""Building units that more than one family uses, and the classifier head.

A unit takes the input tensor first and a ``name`` prefix, and returns the
output tensor; its layers are named ``<name>_conv``, ``<name>_bn``, ...
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

__all__ = [
    "conv_bn",
    "conv_relu",
    "sepconv_bn",
    "pooled_classifier",
    "scale_filters",
]

#: keras.applications' batch-norm epsilon in ResNet and DenseNet, kept so that
#: outputs match exactly.
EPSILON = 1.001e-5


def conv_bn(
    x: keras.KerasTensor,
    filters: int,
    kernel: int | tuple[int, int],
    strides: int = 1,
    padding: str = "same",
    *,
    name: str,
) -> keras.KerasTensor:
    """Bias-free convolution, batch norm without scale, ReLU (Inception v3's
    unit)."""
    x = layers.Conv2D(
        filters,
        kernel,
        strides=strides,
        padding=padding,
        use_bias=False,
        name=f"{name}_conv",
    )(x)
    x = layers.BatchNormalization(axis=3, scale=False, name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def conv_relu(
    x: keras.KerasTensor,
    filters: int,
    kernel: int,
    strides: int = 1,
    *,
    name: str,
    batch_norm: bool = False,
) -> keras.KerasTensor:
    """Convolution + ReLU (GoogLeNet, Table 1); with batch_norm: bias-free conv
    + BN + ReLU."""
    x = layers.Conv2D(
        filters,
        kernel,
        strides=strides,
        padding="same",
        use_bias=not batch_norm,
        name=f"{name}_conv",
    )(x)
    if batch_norm:
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def sepconv_bn(
    x: keras.KerasTensor,
    filters: int,
    *,
    name: str,
    relu: str | None = "before",
    intermediate_activation: str | None = None,
) -> keras.KerasTensor:
    """ReLU -> 3x3 separable conv -> BN, Xception's unit (Fig. 5);
    ``relu="after"``: conv -> BN -> ReLU.

    With an ``intermediate_activation`` the separable convolution is built as
    ``<name>_depthwise`` -> ``<name>_inner_act`` -> ``<name>_pointwise``: the
    same weights, plus an activation between the two steps (Fig. 10).
    """
    if relu == "before":
        x = layers.Activation("relu", name=f"{name}_act")(x)
    if intermediate_activation is None:
        x = layers.SeparableConv2D(
            filters, 3, padding="same", use_bias=False, name=name
        )(x)
    else:
        x = layers.DepthwiseConv2D(
            3, padding="same", use_bias=False, name=f"{name}_depthwise"
        )(x)
        x = layers.Activation(
            intermediate_activation, name=f"{name}_inner_act"
        )(x)
        x = layers.Conv2D(
            filters, 1, use_bias=False, name=f"{name}_pointwise"
        )(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    if relu == "after":
        x = layers.Activation("relu", name=f"{name}_act")(x)
    return x


def pooled_classifier(
    x: keras.KerasTensor,
    *,
    include_top: bool,
    pooling: str | None,
    classes: int,
    classifier_activation: Any,
) -> keras.KerasTensor:
    """Global average pool + dense classifier, or the bare pooling without the
    top.

    Names follow keras.applications' ResNet, DenseNet, Inception v3 and
    Xception: ``avg_pool``, ``max_pool``, ``predictions``.
    """
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return layers.Dense(
            classes, activation=classifier_activation, name="predictions"
        )(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def scale_filters(filters: int, width_multiplier: float) -> int:
    """A filter count times the width multiplier, rounded, and at least 1."""
    return max(1, round(filters * width_multiplier))
