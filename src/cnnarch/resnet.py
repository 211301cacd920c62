"""ResNet: stages of residual blocks, y = F(x) + shortcut(x) (He et al., CVPR 2016).

As in torchvision, a family builder takes a block and one depth per stage, and each canonical
model is one line of configuration. ``resnet50/101/152`` match ``keras.applications`` (ResNet v1)
weight for weight, layer names included.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import keras
from keras import layers

from .blocks import check_builder_args, load_weights, pooled_classifier

# The family builder ``resnet`` is left out of ``__all__`` so that ``cnnarch.resnet`` stays this
# module (``from .resnet import *`` in the package would otherwise replace it); so are the generic
# names ``stack`` and ``shortcut``: use ``cnnarch.resnet.resnet``, ``cnnarch.resnet.stack``.
__all__ = [
    "basic_block", "bottleneck_block",
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnet_small",
]

EPSILON = 1.001e-5  # keras.applications' batch-norm epsilon, kept so outputs match exactly


def shortcut(x: keras.KerasTensor, channels: int, stride: int, *, name: str) -> keras.KerasTensor:
    """Identity when the shape is kept, else a strided 1x1 conv + BN projection (Sec. 3.3, option B)."""
    if stride == 1 and x.shape[-1] == channels:
        return x
    x = layers.Conv2D(channels, 1, strides=stride, name=f"{name}_0_conv")(x)
    return layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_0_bn")(x)


def basic_block(x: keras.KerasTensor, filters: int, *, stride: int = 1, name: str) -> keras.KerasTensor:
    """Two 3x3 convs plus a shortcut: the ResNet-18/34 block (Fig. 5, left)."""
    skip = shortcut(x, filters, stride, name=name)
    x = layers.Conv2D(filters, 3, strides=stride, padding="same", name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Add(name=f"{name}_add")([skip, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def bottleneck_block(x: keras.KerasTensor, filters: int, *, stride: int = 1, name: str) -> keras.KerasTensor:
    """1x1 reduce, 3x3, 1x1 expand to 4*filters, plus a shortcut: the ResNet-50+ block (Fig. 5, right).

    The stride sits on the first 1x1 conv, as in the original model and keras.applications
    (torchvision's "v1.5" moves it to the 3x3).
    """
    skip = shortcut(x, 4 * filters, stride, name=name)
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([skip, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


Block = Callable[..., keras.KerasTensor]


def stack(
    x: keras.KerasTensor, block: Block, filters: int, blocks: int, stride: int = 1, *, name: str
) -> keras.KerasTensor:
    """One stage (a row of Table 1): ``blocks`` blocks, the first one strided (torchvision's _make_layer)."""
    x = block(x, filters, stride=stride, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = block(x, filters, name=f"{name}_block{i}")
    return x


def _check_stages(model_name: str, depths: Sequence[int], widths: Sequence[int]) -> None:
    """Reject depths/widths that are not one positive integer per stage."""
    for arg, values in (("depths", depths), ("widths", widths)):
        if len(values) == 0 or any(not isinstance(v, int) or isinstance(v, bool) or v < 1 for v in values):
            raise ValueError(
                f"{arg} must be a non-empty list of positive integers for {model_name}, got {values!r}"
            )
    if len(depths) != len(widths):
        raise ValueError(
            f"depths must have one entry per stage ({len(widths)} widths) for {model_name}, got {depths!r}"
        )


def resnet(
    block: Block,
    depths: Sequence[int],
    *,
    widths: Sequence[int] = (64, 128, 256, 512),
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "resnet",
) -> keras.Model:
    """Build an ImageNet ResNet: 7x7/2 conv and 3x3/2 max-pool stem, then one ``stack`` per depth.

    Stages are named ``conv2`` to ``conv5`` as in Table 1; the first stage keeps the resolution,
    each later one halves it. ``weights="imagenet"`` exists for the ResNet-50/101/152 configurations.
    """
    _check_stages(name, depths, widths)
    shape = check_builder_args(
        name, include_top=include_top, weights=weights, input_shape=input_shape, pooling=pooling,
        classes=classes, classifier_activation=classifier_activation, default_size=224, min_size=32,
    )
    reference = _IMAGENET.get((block, tuple(depths), tuple(widths)))
    if weights == "imagenet" and reference is None:
        raise ValueError(
            "weights='imagenet' exists only for the ResNet-50/101/152 configurations, got "
            f"{getattr(block, '__name__', block)} with depths {list(depths)} and widths {list(widths)}"
        )

    inputs = keras.Input(shape=shape, name="input_layer")
    x = layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = layers.Conv2D(widths[0], 7, strides=2, name="conv1_conv")(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for i, (filters, blocks) in enumerate(zip(widths, depths)):
        x = stack(x, block, filters, blocks, stride=1 if i == 0 else 2, name=f"conv{i + 2}")
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
    (bottleneck_block, (3, 4, 6, 3), (64, 128, 256, 512)): keras.applications.ResNet50,
    (bottleneck_block, (3, 4, 23, 3), (64, 128, 256, 512)): keras.applications.ResNet101,
    (bottleneck_block, (3, 8, 36, 3), (64, 128, 256, 512)): keras.applications.ResNet152,
}


def resnet18(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """ResNet-18: basic blocks [2, 2, 2, 2] (Table 1); keras.applications has no twin."""
    return resnet(
        basic_block, [2, 2, 2, 2], include_top=include_top, weights=weights, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation, name="resnet18",
    )


def resnet34(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """ResNet-34: basic blocks [3, 4, 6, 3] (Table 1); keras.applications has no twin."""
    return resnet(
        basic_block, [3, 4, 6, 3], include_top=include_top, weights=weights, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation, name="resnet34",
    )


def resnet50(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """ResNet-50: bottleneck blocks [3, 4, 6, 3] (Table 1), weight for weight keras.applications.ResNet50."""
    return resnet(
        bottleneck_block, [3, 4, 6, 3], include_top=include_top, weights=weights, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation, name="resnet50",
    )


def resnet101(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """ResNet-101: bottleneck blocks [3, 4, 23, 3] (Table 1), as keras.applications.ResNet101."""
    return resnet(
        bottleneck_block, [3, 4, 23, 3], include_top=include_top, weights=weights, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation, name="resnet101",
    )


def resnet152(
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """ResNet-152: bottleneck blocks [3, 8, 36, 3] (Table 1), as keras.applications.ResNet152."""
    return resnet(
        bottleneck_block, [3, 8, 36, 3], include_top=include_top, weights=weights, input_shape=input_shape,
        pooling=pooling, classes=classes, classifier_activation=classifier_activation, name="resnet152",
    )


def resnet_small(
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    *,
    depths: Sequence[int] = (2, 2, 2),
    widths: Sequence[int] = (16, 32, 64),
    block: Block = basic_block,
) -> keras.Model:
    """The CIFAR ResNet of Sec. 4.2: a 3x3 stem, then stages of 16, 32 and 64 filters, no max-pool.

    With the defaults (ResNet-14: 3 stages of 2 basic blocks, projection shortcuts where the shape
    changes) it has 176,938 parameters (175,818 trainable); ``depths=(1, 1, 1)`` gives 79,050.
    """
    _check_stages("resnet_small", depths, widths)
    shape = check_builder_args(
        "resnet_small", include_top=True, weights=None, input_shape=input_shape, pooling=None,
        classes=classes, classifier_activation="softmax", default_size=32,
        min_size=2 ** (len(widths) - 1),
    )
    inputs = keras.Input(shape=shape, name="input_layer")
    x = layers.Conv2D(widths[0], 3, padding="same", name="conv1_conv")(inputs)
    x = layers.BatchNormalization(epsilon=EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    for i, (filters, blocks) in enumerate(zip(widths, depths)):
        x = stack(x, block, filters, blocks, stride=1 if i == 0 else 2, name=f"conv{i + 2}")
    x = pooled_classifier(x, include_top=True, pooling=None, classes=classes, classifier_activation="softmax")
    return keras.Model(inputs, x, name="resnet_small")
