"""DenseNet: each layer receives the concatenated maps of all layers before it (Huang et al., CVPR 2017).

The DenseNet-BC layer (1x1 bottleneck to 4k channels, then a 3x3 conv adding k channels) and the
compressing transition are small functions; ``densenet121/169/201`` match ``keras.applications``
weight for weight, layer names included.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import keras
from keras import layers

from .blocks import check_builder_args, load_weights, pooled_classifier

# The family builder ``densenet`` is left out of ``__all__`` so that ``cnnarch.densenet`` stays
# this module (``from .densenet import *`` in the package would otherwise replace it).
__all__ = [
    "dense_layer", "dense_block", "transition_block",
    "densenet121", "densenet169", "densenet201", "densenet_small",
]

EPSILON = 1.001e-5  # keras.applications' batch-norm epsilon, kept so outputs match exactly


def dense_layer(x: keras.KerasTensor, growth_rate: int, *, name: str) -> keras.KerasTensor:
    """BN-ReLU-1x1 conv (4k) then BN-ReLU-3x3 conv (k), concatenated to the input (Sec. 3, DenseNet-B)."""
    y = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(name=f"{name}_concat")([x, y])


def dense_block(x: keras.KerasTensor, layers: int, growth_rate: int, *, name: str) -> keras.KerasTensor:
    """``layers`` dense layers in a row: the channels grow by ``growth_rate`` each (Fig. 1)."""
    for i in range(1, layers + 1):
        x = dense_layer(x, growth_rate, name=f"{name}_block{i}")
    return x


def transition_block(x: keras.KerasTensor, compression: float = 0.5, *, name: str) -> keras.KerasTensor:
    """BN-ReLU-1x1 conv keeping ``compression`` of the channels, then 2x2 average pool (DenseNet-C)."""
    x = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[-1] * compression), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def _check_config(model_name: str, blocks: Sequence[int], growth_rate: int, compression: float) -> None:
    """Reject a dense-block list, growth rate or compression that cannot build a DenseNet."""
    if len(blocks) == 0 or any(not isinstance(b, int) or isinstance(b, bool) or b < 1 for b in blocks):
        raise ValueError(
            f"blocks must be a non-empty list of positive integers for {model_name}, got {blocks!r}"
        )
    if not isinstance(growth_rate, int) or isinstance(growth_rate, bool) or growth_rate < 1:
        raise ValueError(f"growth_rate must be an integer >= 1 for {model_name}, got {growth_rate!r}")
    if not 0.0 < compression <= 1.0:
        raise ValueError(f"compression must be in (0, 1] for {model_name}, got {compression!r}")


def densenet(
    blocks: Sequence[int],
    growth_rate: int = 32,
    *,
    compression: float = 0.5,
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "densenet",
) -> keras.Model:
    """Build an ImageNet DenseNet-BC: 7x7/2 conv (2k filters) and max-pool stem, dense blocks and transitions.

    ``blocks`` gives the number of dense layers per block (Table 1); blocks are named ``conv2`` to
    ``conv5`` and the transitions between them ``pool2`` to ``pool4``, as in keras.applications.
    ``weights="imagenet"`` exists for the DenseNet-121/169/201 configurations.
    """
    _check_config(name, blocks, growth_rate, compression)
    shape = check_builder_args(
        name, include_top=include_top, weights=weights, input_shape=input_shape, pooling=pooling,
        classes=classes, classifier_activation=classifier_activation, default_size=224, min_size=32,
    )
    reference = _IMAGENET.get((tuple(blocks), growth_rate, compression))
    if weights == "imagenet" and reference is None:
        raise ValueError(
            "weights='imagenet' exists only for the DenseNet-121/169/201 configurations, got blocks "
            f"{list(blocks)}, growth_rate {growth_rate} and compression {compression}"
        )

    inputs = keras.Input(shape=shape, name="input_layer")
    x = layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = layers.Conv2D(2 * growth_rate, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, n_layers in enumerate(blocks):
        if i > 0:
            x = transition_block(x, compression, name=f"pool{i + 1}")
        x = dense_block(x, n_layers, growth_rate, name=f"conv{i + 2}")
    x = layers.BatchNormalization(epsilon=EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = pooled_classifier(
        x, include_top=include_top, pooling=pooling, classes=classes,
        classifier_activation=classifier_activation,
    )
    model = keras.Model(inputs, x, name=name)
    return load_weights(
        model, weights, reference, include_top=include_top, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation,
    )


_IMAGENET = {
    ((6, 12, 24, 16), 32, 0.5): keras.applications.DenseNet121,
    ((6, 12, 32, 32), 32, 0.5): keras.applications.DenseNet169,
    ((6, 12, 48, 32), 32, 0.5): keras.applications.DenseNet201,
}


def densenet121(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """DenseNet-121: blocks [6, 12, 24, 16], k=32 (Table 1), weight for weight keras.applications."""
    return densenet(
        [6, 12, 24, 16], 32, include_top=include_top, weights=weights, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation, name="densenet121",
    )


def densenet169(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """DenseNet-169: blocks [6, 12, 32, 32], k=32 (Table 1), weight for weight keras.applications."""
    return densenet(
        [6, 12, 32, 32], 32, include_top=include_top, weights=weights, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation, name="densenet169",
    )


def densenet201(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """DenseNet-201: blocks [6, 12, 48, 32], k=32 (Table 1), weight for weight keras.applications."""
    return densenet(
        [6, 12, 48, 32], 32, include_top=include_top, weights=weights, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation, name="densenet201",
    )


def densenet_small(
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    *,
    blocks: Sequence[int] = (4, 4, 4),
    growth_rate: int = 12,
    compression: float = 0.5,
) -> keras.Model:
    """The CIFAR DenseNet-BC of Sec. 4: a 3x3 stem of 2k filters, three dense blocks, no max-pool.

    With the defaults (k=12, 4 dense layers per block: DenseNet-BC-28) it has 105,622 parameters
    (102,730 trainable); ``blocks=(6, 6, 6)`` gives 181,210.
    """
    _check_config("densenet_small", blocks, growth_rate, compression)
    shape = check_builder_args(
        "densenet_small", include_top=True, weights=None, input_shape=input_shape, pooling=None,
        classes=classes, classifier_activation="softmax", default_size=32,
        min_size=2 ** (len(blocks) - 1),
    )
    inputs = keras.Input(shape=shape, name="input_layer")
    x = layers.Conv2D(2 * growth_rate, 3, padding="same", use_bias=False, name="conv1_conv")(inputs)
    for i, n_layers in enumerate(blocks):
        if i > 0:
            x = transition_block(x, compression, name=f"pool{i + 1}")
        x = dense_block(x, n_layers, growth_rate, name=f"conv{i + 2}")
    x = layers.BatchNormalization(epsilon=EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = pooled_classifier(x, include_top=True, pooling=None, classes=classes, classifier_activation="softmax")
    return keras.Model(inputs, x, name="densenet_small")
