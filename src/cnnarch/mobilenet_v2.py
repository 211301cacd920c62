"""MobileNetV2 (Sandler et al., CVPR 2018): inverted residuals and linear
bottlenecks.

A block expands its narrow input with a 1x1 conv (x6), filters it with a 3x3
depthwise conv, and projects it back with a *linear* 1x1 conv (no ReLU); an
identity shortcut joins the narrow ends (Table 1, Fig. 4d). Table 2 is the
data below.

``MobileNetV2()`` matches ``keras.applications.MobileNetV2`` layer for layer
and weight for weight, with keras' names (``Conv1``, ``bn_Conv1``,
``expanded_conv_depthwise``, ``block_3_expand_relu``, ``block_5_add``,
``Conv_1_bn``, ``out_relu``, ``predictions``). The layers keras leaves
auto-named get ``input_layer``, ``avg_pool`` and ``max_pool``. ``alpha`` is
keras' name for the width multiplier; widths round to multiples of 8
(``make_divisible``) and the last 1x1 conv stays 1280 wide unless
``alpha > 1``.
"""

from __future__ import annotations

import os
from typing import Any

import keras
from keras import layers

from .blocks import pooled_classifier
from .checks import check_builder_args, check_number, check_small_args
from .mobilenet import _default_size, _rows
from .weights import load_weights

__all__ = [
    "inverted_residual_block",
    "make_divisible",
    "MobileNetV2",
    "SmallMobileNetV2",
]

# Sandler et al. 2018, Table 2: expansion t, output channels c, repeats n,
# stride s of the first repeat, after the 32-filter stride-2 stem.
MOBILENET_V2_STAGES = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)
V2_BN = dict(epsilon=1e-3, momentum=0.999)  # keras.applications' V2 values


def make_divisible(value: float, divisor: int = 8) -> int:
    """Round to the nearest multiple of ``divisor``, never 10 % below
    ``value`` (MobileNetV2's width rule)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _stride2_pad(x: keras.KerasTensor, name: str) -> keras.KerasTensor:
    """Pad a 3x3 stride-2 'valid' conv's input as keras' ``correct_pad``: one
    pixel after an even (or unknown) side, one on each side of an odd one."""
    rows, cols = x.shape[1:3]
    odd = (0, 0) if rows is None else (rows % 2, cols % 2)
    return layers.ZeroPadding2D(((odd[0], 1), (odd[1], 1)), name=name)(x)


def inverted_residual_block(
    x: keras.KerasTensor,
    filters: int,
    *,
    expansion: int,
    strides: int = 1,
    name: str,
) -> keras.KerasTensor:
    """1x1 expand + ReLU6, 3x3 depthwise + ReLU6, linear 1x1 projection, plus
    the input when shapes allow (Sandler et al. 2018, Table 1, Fig. 4d)."""
    inputs, c_in = x, x.shape[-1]
    if expansion != 1:
        x = layers.Conv2D(
            expansion * c_in, 1, use_bias=False, name=f"{name}_expand"
        )(x)
        x = layers.BatchNormalization(name=f"{name}_expand_BN", **V2_BN)(x)
        x = layers.ReLU(6.0, name=f"{name}_expand_relu")(x)
    if strides != 1:
        x = _stride2_pad(x, f"{name}_pad")
    x = layers.DepthwiseConv2D(
        3,
        strides=strides,
        padding="same" if strides == 1 else "valid",
        use_bias=False,
        name=f"{name}_depthwise",
    )(x)
    x = layers.BatchNormalization(name=f"{name}_depthwise_BN", **V2_BN)(x)
    x = layers.ReLU(6.0, name=f"{name}_depthwise_relu")(x)
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_project")(x)
    x = layers.BatchNormalization(name=f"{name}_project_BN", **V2_BN)(x)
    if strides == 1 and c_in == filters:  # linear bottleneck: no ReLU here
        return layers.Add(name=f"{name}_add")([inputs, x])
    return x


def _mobilenet_v2_features(
    x: keras.KerasTensor, alpha: float, stem_strides: int
) -> keras.KerasTensor:
    """The stem, Table 2's 17 inverted residual blocks and the 1x1 conv."""
    x = layers.Conv2D(
        make_divisible(32 * alpha),
        3,
        strides=stem_strides,
        padding="same",
        use_bias=False,
        name="Conv1",
    )(x)
    x = layers.BatchNormalization(name="bn_Conv1", **V2_BN)(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    block = 0
    for t, c, n, s in MOBILENET_V2_STAGES:
        for i in range(n):
            x = inverted_residual_block(
                x,
                make_divisible(int(c * alpha)),
                expansion=t,
                strides=s if i == 0 else 1,
                name=f"block_{block}" if block else "expanded_conv",
            )
            block += 1
    last = make_divisible(1280 * alpha) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, 1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(name="Conv_1_bn", **V2_BN)(x)
    return layers.ReLU(6.0, name="out_relu")(x)


def MobileNetV2(
    *,
    input_shape: tuple[int | None, int | None, int] | None = None,
    alpha: float = 1.0,
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """MobileNetV2 (Sandler et al. 2018, Table 2), keras.applications'
    signature.

    Args:
        input_shape: (height, width, channels), each side at least 32;
            default 224x224x3 with the top and (None, None, 3) without it.
        alpha: width multiplier; widths round to multiples of 8 (ImageNet
            weights for 0.35, 0.5, 0.75, 1.0, 1.3, 1.4).
        include_top: whether to end with ``avg_pool`` and ``predictions``.
        weights: None, 'imagenet' (copied from keras.applications) or a path.
        pooling: without the top, None, 'avg' or 'max' global pooling.
        classes: number of classes of the top.
        classifier_activation: activation of ``predictions``.

    Returns:
        An uncompiled ``keras.Model``; with the defaults it equals
        keras.applications.MobileNetV2: 3,538,984 parameters, 3,504,872
        trainable.
    """
    owner = "mobilenetv2"
    sizes = (96, 128, 160, 192, 224)
    shape = check_builder_args(
        owner,
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        default_size=_default_size(input_shape, sizes),
        min_size=32,
    )
    check_number("alpha", alpha, low=0, low_open=True, owner=owner)
    if weights == "imagenet" and alpha not in (0.35, 0.5, 0.75, 1.0, 1.3, 1.4):
        raise ValueError(
            "weights='imagenet' exists only for alpha 0.35, 0.5, 0.75, 1.0, "
            f"1.3 or 1.4 for {owner}, got alpha={alpha}"
        )
    rows = _rows(shape, weights, sizes)
    inputs = keras.Input(shape=shape, name="input_layer")
    x = _mobilenet_v2_features(inputs, alpha, stem_strides=2)
    x = pooled_classifier(
        x,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )
    model = keras.Model(inputs, x, name=f"mobilenetv2_{alpha:0.2f}_{rows}")
    top = "" if include_top else "_no_top"
    return load_weights(
        model,
        weights,
        keras.applications.MobileNetV2,
        file_name=(
            "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_"
            f"{float(alpha)}_{rows}{top}.h5"
        ),
        input_shape=input_shape,
        alpha=alpha,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


def SmallMobileNetV2(
    *,
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    classifier_activation: Any = "softmax",
    alpha: float = 0.35,
) -> keras.Model:
    """MobileNetV2 for 32x32 images: Table 2 at ``alpha`` (0.35: 16, 8, 8,
    16, 24, 32, 56, 112 channels, last conv 1280), stem stride 1.

    A 32x32 image ends at 2x2. Defaults: 423,018 parameters (408,938
    trainable); uncompiled.
    """
    owner = "SmallMobileNetV2"
    check_number("alpha", alpha, low=0, low_open=True, owner=owner)
    shape = check_small_args(
        owner,
        input_shape=input_shape,
        classes=classes,
        classifier_activation=classifier_activation,
        min_size=16,
    )
    inputs = keras.Input(shape=shape, name="input_layer")
    x = _mobilenet_v2_features(inputs, alpha, stem_strides=1)
    x = pooled_classifier(
        x,
        include_top=True,
        pooling=None,
        classes=classes,
        classifier_activation=classifier_activation,
    )
    return keras.Model(inputs, x, name="mobilenetv2_small")
