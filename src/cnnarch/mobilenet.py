"""MobileNet (Howard et al. 2017): a stem and 13 depthwise separable layers.

Each layer is a 3x3 depthwise conv + BN + ReLU6 and a 1x1 pointwise conv + BN
+ ReLU6 (Table 1, Fig. 3); the table is the data below. MobileNetV2 is in
``cnnarch.mobilenet_v2``.

``MobileNet()`` matches ``keras.applications.MobileNet`` layer for layer and
weight for weight, with keras' names (``conv1_bn``, ``conv_pad_2``,
``conv_dw_1_bn``, ``conv_pw_13_relu``, ``conv_preds``, ``reshape_2``). The
layers keras leaves auto-named get ``input_layer``, ``avg_pool`` and
``max_pool``. ``alpha`` is keras' name for the width multiplier; each layer
has ``int(filters * alpha)`` filters, as in keras.
"""

from __future__ import annotations

import os
from typing import Any

import keras
from keras import layers

from .blocks import pooled_classifier
from .checks import (
    check_builder_args,
    check_int,
    check_number,
    check_small_args,
)
from .weights import load_weights

__all__ = [
    "depthwise_separable_block",
    "MobileNet",
    "SmallMobileNet",
]

# Howard et al. 2017, Table 1: (pointwise filters, stride) of the 13
# depthwise separable layers after the 32-filter stride-2 stem.
MOBILENET_LAYERS = (
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    *((512, 1),) * 5,
    (1024, 2),
    (1024, 1),
)


def depthwise_separable_block(
    x: keras.KerasTensor,
    filters: int,
    *,
    strides: int = 1,
    depth_multiplier: int = 1,
    block_id: int,
) -> keras.KerasTensor:
    """3x3 depthwise conv + BN + ReLU6, then 1x1 conv + BN + ReLU6 (Howard et
    al. 2017, Fig. 3)."""
    if strides != 1:
        x = layers.ZeroPadding2D(
            ((0, 1), (0, 1)), name=f"conv_pad_{block_id}"
        )(x)
    x = layers.DepthwiseConv2D(
        3,
        padding="same" if strides == 1 else "valid",
        depth_multiplier=depth_multiplier,
        strides=strides,
        use_bias=False,
        name=f"conv_dw_{block_id}",
    )(x)
    x = layers.BatchNormalization(name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"conv_pw_{block_id}")(
        x
    )
    x = layers.BatchNormalization(name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _mobilenet_features(
    x: keras.KerasTensor,
    alpha: float,
    depth_multiplier: int,
    stem_strides: int,
) -> keras.KerasTensor:
    """The stem and Table 1's 13 depthwise separable layers."""
    x = layers.Conv2D(
        int(32 * alpha),
        3,
        strides=stem_strides,
        padding="same",
        use_bias=False,
        name="conv1",
    )(x)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    for i, (filters, strides) in enumerate(MOBILENET_LAYERS, start=1):
        x = depthwise_separable_block(
            x,
            int(filters * alpha),
            strides=strides,
            depth_multiplier=depth_multiplier,
            block_id=i,
        )
    return x


def _mobilenet_top(
    x: keras.KerasTensor, dropout: float, classes: int, activation: Any
) -> keras.KerasTensor:
    """Keras' MobileNet head: pool, dropout, 1x1 conv as classifier."""
    x = layers.GlobalAveragePooling2D(keepdims=True, name="avg_pool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    x = layers.Conv2D(classes, 1, padding="same", name="conv_preds")(x)
    x = layers.Reshape((classes,), name="reshape_2")(x)
    return layers.Activation(activation, name="predictions")(x)


def _rows(shape: tuple, weights: Any, sizes: tuple[int, ...]) -> Any:
    """The side keras names the model and its weights file after."""
    rows, cols = shape[:2]
    if weights == "imagenet" and (rows != cols or rows not in sizes):
        return 224
    return rows


def _default_size(input_shape: Any, sizes: tuple[int, ...]) -> int:
    """Keras' default size: a square input of a pretrained size, else 224."""
    try:
        rows, cols = input_shape[0], input_shape[1]
        return rows if rows == cols and rows in sizes else 224
    except (TypeError, IndexError, KeyError):
        return 224


def MobileNet(
    *,
    input_shape: tuple[int | None, int | None, int] | None = None,
    alpha: float = 1.0,
    depth_multiplier: int = 1,
    dropout: float = 1e-3,
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """MobileNet v1 (Howard et al. 2017, Table 1), keras.applications'
    signature.

    Args:
        input_shape: (height, width, channels), each side at least 32;
            default 224x224x3 with the top and (None, None, 3) without it.
        alpha: width multiplier; each layer has ``int(filters * alpha)``
            filters (ImageNet weights for 0.25, 0.5, 0.75, 1.0).
        depth_multiplier: channels each depthwise conv makes per input
            channel (keras calls it the resolution multiplier; it is not).
        dropout: dropout rate before the classifier, in [0, 1).
        include_top: whether to end with ``conv_preds`` and ``predictions``.
        weights: None, 'imagenet' (copied from keras.applications) or a path.
        pooling: without the top, None, 'avg' or 'max' global pooling.
        classes: number of classes of the top.
        classifier_activation: activation of ``predictions``.

    Returns:
        An uncompiled ``keras.Model``; with the defaults it equals
        keras.applications.MobileNet: 4,253,864 parameters, 4,231,976
        trainable.
    """
    owner = "mobilenet"
    sizes = (128, 160, 192, 224)
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
    check_number("alpha", alpha, low=1 / 32, owner=owner)
    check_int("depth_multiplier", depth_multiplier, owner=owner)
    check_number(
        "dropout", dropout, low=0, high=1, high_open=True, owner=owner
    )
    if weights == "imagenet" and (
        alpha not in (0.25, 0.5, 0.75, 1.0) or depth_multiplier != 1
    ):
        raise ValueError(
            "weights='imagenet' exists only for alpha 0.25, 0.5, 0.75 or 1.0 "
            f"and depth_multiplier 1 for {owner}, got alpha={alpha}, "
            f"depth_multiplier={depth_multiplier}"
        )
    rows = _rows(shape, weights, sizes)
    inputs = keras.Input(shape=shape, name="input_layer")
    x = _mobilenet_features(inputs, alpha, depth_multiplier, stem_strides=2)
    if include_top:
        x = _mobilenet_top(x, dropout, classes, classifier_activation)
    else:
        x = pooled_classifier(
            x,
            include_top=False,
            pooling=pooling,
            classes=classes,
            classifier_activation=None,
        )
    model = keras.Model(inputs, x, name=f"mobilenet_{alpha:0.2f}_{rows}")
    alpha_text = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0"}.get(alpha, "2_5")
    top = "" if include_top else "_no_top"
    return load_weights(
        model,
        weights,
        keras.applications.MobileNet,
        file_name=f"mobilenet_{alpha_text}_{rows}_tf{top}.h5",
        input_shape=input_shape,
        alpha=alpha,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


def SmallMobileNet(
    *,
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    classifier_activation: Any = "softmax",
    alpha: float = 0.25,
    depth_multiplier: int = 1,
    dropout: float = 1e-3,
) -> keras.Model:
    """MobileNet for 32x32 images: Table 1 at ``alpha`` (0.25: 8 ... 256
    filters), stem stride 1.

    A 32x32 image ends the 13 layers at 2x2. Defaults: 221,114 parameters
    (215,642 trainable); uncompiled.
    """
    owner = "SmallMobileNet"
    check_number("alpha", alpha, low=1 / 32, owner=owner)
    check_int("depth_multiplier", depth_multiplier, owner=owner)
    check_number(
        "dropout", dropout, low=0, high=1, high_open=True, owner=owner
    )
    shape = check_small_args(
        owner,
        input_shape=input_shape,
        classes=classes,
        classifier_activation=classifier_activation,
        min_size=16,
    )
    inputs = keras.Input(shape=shape, name="input_layer")
    x = _mobilenet_features(inputs, alpha, depth_multiplier, stem_strides=1)
    x = _mobilenet_top(x, dropout, classes, classifier_activation)
    return keras.Model(inputs, x, name="mobilenet_small")
