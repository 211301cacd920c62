"""DenseNet: each layer receives the maps of all layers before it (Huang et
al., CVPR 2017).

The DenseNet-BC layer (1x1 bottleneck to 4k channels, then a 3x3 conv adding
k channels) and the compressing transition are small functions;
``DenseNet121/169/201`` match ``keras.applications`` weight for weight, layer
names included.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import keras
from keras import layers

from .blocks import EPSILON, pooled_classifier
from .checks import (
    check_builder_args,
    check_int,
    check_ints,
    check_number,
    check_small_args,
)
from .variants import variant
from .weights import load_weights

__all__ = [
    "dense_layer",
    "dense_block",
    "transition_block",
    "DenseNet",
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "SmallDenseNet",
]


def dense_layer(
    x: keras.KerasTensor, growth_rate: int, *, name: str
) -> keras.KerasTensor:
    """BN-ReLU-1x1 conv (4k), BN-ReLU-3x3 conv (k), concatenated to the input
    (DenseNet-B)."""
    y = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(
        4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv"
    )(y)
    y = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(
        growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv"
    )(y)
    return layers.Concatenate(name=f"{name}_concat")([x, y])


def dense_block(
    x: keras.KerasTensor, num_layers: int, growth_rate: int, *, name: str
) -> keras.KerasTensor:
    """``num_layers`` dense layers in a row: the channels grow by
    ``growth_rate`` each (Fig. 1)."""
    for i in range(1, num_layers + 1):
        x = dense_layer(x, growth_rate, name=f"{name}_block{i}")
    return x


def transition_block(
    x: keras.KerasTensor, compression: float = 0.5, *, name: str
) -> keras.KerasTensor:
    """BN-ReLU-1x1 conv keeping ``compression`` of the channels, 2x2 average
    pool (DenseNet-C)."""
    x = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    filters = int(x.shape[-1] * compression)
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def _dense_stages(
    x: keras.KerasTensor,
    depths: Sequence[int],
    growth_rate: int,
    compression: float,
) -> keras.KerasTensor:
    """Dense blocks ``conv2``, ``conv3``, ... with transitions ``pool2``, ...
    between them."""
    for i, num_layers in enumerate(depths):
        if i > 0:
            x = transition_block(x, compression, name=f"pool{i + 1}")
        x = dense_block(x, num_layers, growth_rate, name=f"conv{i + 2}")
    x = layers.BatchNormalization(epsilon=EPSILON, name="bn")(x)
    return layers.Activation("relu", name="relu")(x)


def _check_config(
    owner: str, depths: Any, growth_rate: Any, compression: Any
) -> None:
    """Reject depths, a growth rate or a compression that cannot build a
    DenseNet."""
    check_ints("depths", depths, owner=owner)
    check_int("growth_rate", growth_rate, owner=owner)
    check_number(
        "compression", compression, low=0, high=1, low_open=True, owner=owner
    )


_IMAGENET = {
    (6, 12, 24, 16): keras.applications.DenseNet121,
    (6, 12, 32, 32): keras.applications.DenseNet169,
    (6, 12, 48, 32): keras.applications.DenseNet201,
}


def DenseNet(
    depths: Sequence[int],
    *,
    growth_rate: int = 32,
    compression: float = 0.5,
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "densenet",
) -> keras.Model:
    """Build an ImageNet DenseNet-BC: a 7x7/2 conv (2k filters) and max-pool
    stem, then dense blocks.

    Args:
        depths: dense layers per dense block, a column of Table 1
            (``[6, 12, 24, 16]`` for DenseNet-121).
        growth_rate: k, the channels each dense layer adds.
        compression: share of the channels a transition keeps, in (0, 1].
        include_top: whether to end with ``avg_pool`` and ``predictions``.
        weights: None (random), 'imagenet' (the DenseNet-121/169/201
            configurations; copied from keras.applications, from Keras' cache
            when it holds the file) or the path of a weights file.
        input_shape: (height, width, channels), each side at least 32; default
            224x224x3 with the top and (None, None, 3) without it.
        pooling: without the top, None, 'avg' or 'max' global pooling.
        classes: number of classes of the top.
        classifier_activation: activation of ``predictions``: None (logits),
            a Keras activation name or a callable.
        name: model name.

    Returns:
        An uncompiled ``keras.Model``; dense blocks are named ``conv2`` to
        ``conv5`` and the transitions ``pool2`` to ``pool4``, as in
        keras.applications.

    Every argument is checked before any layer is built: a bad one raises
    ValueError (TypeError for a wrong type) naming it.
    """
    _check_config(name, depths, growth_rate, compression)
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
    reference = None
    if growth_rate == 32 and compression == 0.5:
        reference = _IMAGENET.get(tuple(depths))
    if weights == "imagenet" and reference is None:
        raise ValueError(
            "weights='imagenet' exists only for the DenseNet-121/169/201 "
            f"configurations, got depths {list(depths)}, growth_rate "
            f"{growth_rate} and compression {compression}"
        )

    inputs = keras.Input(shape=shape, name="input_layer")
    x = layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = layers.Conv2D(
        2 * growth_rate, 7, strides=2, use_bias=False, name="conv1_conv"
    )(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = _dense_stages(x, depths, growth_rate, compression)
    x = pooled_classifier(
        x,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )
    model = keras.Model(inputs, x, name=name)
    return load_weights(
        model,
        weights,
        reference,
        include_top=include_top,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


# Table 1 of Huang et al. 2017 (k = 32), one line per model.
DenseNet121 = variant(
    DenseNet,
    "DenseNet121",
    "DenseNet-121 (keras.applications.DenseNet121).",
    depths=(6, 12, 24, 16),
    name="densenet121",
)
DenseNet169 = variant(
    DenseNet,
    "DenseNet169",
    "DenseNet-169 (keras.applications.DenseNet169).",
    depths=(6, 12, 32, 32),
    name="densenet169",
)
DenseNet201 = variant(
    DenseNet,
    "DenseNet201",
    "DenseNet-201 (keras.applications.DenseNet201).",
    depths=(6, 12, 48, 32),
    name="densenet201",
)


def SmallDenseNet(
    *,
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    classifier_activation: Any = "softmax",
    depths: Sequence[int] = (4, 4, 4),
    growth_rate: int = 12,
    compression: float = 0.5,
) -> keras.Model:
    """The CIFAR DenseNet-BC of Sec. 4: a 3x3 stem of 2k filters, three dense
    blocks, no max-pool.

    With the defaults (k=12, 4 dense layers per block: DenseNet-BC-28) it has
    105,622 parameters (102,730 trainable); ``depths=(6, 6, 6)`` gives
    181,210.
    """
    owner = "SmallDenseNet"
    _check_config(owner, depths, growth_rate, compression)
    shape = check_small_args(
        owner,
        input_shape=input_shape,
        classes=classes,
        classifier_activation=classifier_activation,
        min_size=2 ** (len(depths) - 1),
    )
    inputs = keras.Input(shape=shape, name="input_layer")
    x = layers.Conv2D(
        2 * growth_rate, 3, padding="same", use_bias=False, name="conv1_conv"
    )(inputs)
    x = _dense_stages(x, depths, growth_rate, compression)
    x = pooled_classifier(
        x,
        include_top=True,
        pooling=None,
        classes=classes,
        classifier_activation=classifier_activation,
    )
    return keras.Model(inputs, x, name="densenet_small")
