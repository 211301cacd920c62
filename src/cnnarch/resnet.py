"""ResNet: stages of residual blocks, y = F(x) + shortcut(x) (He et al., CVPR
2016).

As in torchvision, the family builder ``ResNet`` takes a block and one depth
per stage, and each canonical model is one line of configuration.
``ResNet50/101/152`` match ``keras.applications`` (ResNet v1) weight for
weight, layer names included.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import keras
from keras import layers

from .blocks import EPSILON, pooled_classifier
from .checks import (
    check_builder_args,
    check_ints,
    check_small_args,
)
from .variants import variant
from .weights import load_weights

__all__ = [
    "basic_block",
    "bottleneck_block",
    "ResNet",
    "ResNet18",
    "ResNet34",
    "ResNet50",
    "ResNet101",
    "ResNet152",
    "SmallResNet",
]


def shortcut(
    x: keras.KerasTensor, filters: int, strides: int, *, name: str
) -> keras.KerasTensor:
    """Identity when the shape is kept, else a strided 1x1 conv + BN (Sec. 3.3,
    option B)."""
    if strides == 1 and x.shape[-1] == filters:
        return x
    x = layers.Conv2D(filters, 1, strides=strides, name=f"{name}_0_conv")(x)
    return layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_0_bn")(x)


def basic_block(
    x: keras.KerasTensor, filters: int, *, strides: int = 1, name: str
) -> keras.KerasTensor:
    """Two 3x3 convs plus a shortcut: the ResNet-18/34 block (Fig. 5, left)."""
    skip = shortcut(x, filters, strides, name=name)
    x = layers.Conv2D(
        filters, 3, strides=strides, padding="same", name=f"{name}_1_conv"
    )(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Add(name=f"{name}_add")([skip, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def bottleneck_block(
    x: keras.KerasTensor, filters: int, *, strides: int = 1, name: str
) -> keras.KerasTensor:
    """1x1 reduce, 3x3, 1x1 expand to 4*filters, plus a shortcut (Fig. 5,
    right).

    The stride sits on the first 1x1 conv, as in the original model and
    keras.applications (torchvision's "v1.5" moves it to the 3x3).
    """
    skip = shortcut(x, 4 * filters, strides, name=name)
    x = layers.Conv2D(filters, 1, strides=strides, name=f"{name}_1_conv")(x)
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
    x: keras.KerasTensor,
    block: Block,
    filters: int,
    depth: int,
    *,
    strides: int = 1,
    name: str,
) -> keras.KerasTensor:
    """One stage, a row of Table 1: ``depth`` blocks, the first one strided
    (torchvision's _make_layer)."""
    x = block(x, filters, strides=strides, name=f"{name}_block1")
    for i in range(2, depth + 1):
        x = block(x, filters, name=f"{name}_block{i}")
    return x


def _stages(
    x: keras.KerasTensor,
    block: Block,
    depths: Sequence[int],
    filters: Sequence[int],
) -> keras.KerasTensor:
    """Stages ``conv2``, ``conv3``, ...: the first keeps the resolution, the
    others halve it."""
    for i, (width, depth) in enumerate(zip(filters, depths)):
        strides = 1 if i == 0 else 2
        x = stack(x, block, width, depth, strides=strides, name=f"conv{i + 2}")
    return x


def _check_stages(owner: str, block: Any, depths: Any, filters: Any) -> None:
    """Reject a block, depths or filters that cannot build a ResNet."""
    if not callable(block):
        raise TypeError(
            f"block for {owner} must be a block function such as "
            f"basic_block or bottleneck_block, got {block!r}"
        )
    depths = check_ints("depths", depths, owner=owner)
    check_ints("filters", filters, length=len(depths), owner=owner)


_IMAGENET = {
    (3, 4, 6, 3): keras.applications.ResNet50,
    (3, 4, 23, 3): keras.applications.ResNet101,
    (3, 8, 36, 3): keras.applications.ResNet152,
}


def ResNet(
    block: Block,
    depths: Sequence[int],
    *,
    filters: Sequence[int] = (64, 128, 256, 512),
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "resnet",
) -> keras.Model:
    """Build an ImageNet ResNet: a 7x7/2 conv and 3x3/2 max-pool stem, then one
    stage per depth.

    Args:
        block: ``basic_block`` (ResNet-18/34) or ``bottleneck_block``
            (ResNet-50 and deeper).
        depths: blocks per stage, a row of Table 1 (``[3, 4, 6, 3]``).
        filters: filters per stage (a bottleneck stage outputs 4x as many).
        include_top: whether to end with ``avg_pool`` and ``predictions``.
        weights: None (random), 'imagenet' (the ResNet-50/101/152
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
        An uncompiled ``keras.Model`` whose stages are named ``conv2`` to
        ``conv5`` as in Table 1.

    Every argument is checked before any layer is built: a bad one raises
    ValueError (TypeError for a wrong type) naming it.
    """
    _check_stages(name, block, depths, filters)
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
    if block is bottleneck_block and tuple(filters) == (64, 128, 256, 512):
        reference = _IMAGENET.get(tuple(depths))
    if weights == "imagenet" and reference is None:
        raise ValueError(
            "weights='imagenet' exists only for the ResNet-50/101/152 "
            f"configurations, got {getattr(block, '__name__', block)} with "
            f"depths {list(depths)} "
            f"and filters {list(filters)}"
        )

    inputs = keras.Input(shape=shape, name="input_layer")
    x = layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = layers.Conv2D(filters[0], 7, strides=2, name="conv1_conv")(x)
    x = layers.BatchNormalization(epsilon=EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = _stages(x, block, depths, filters)
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


# Table 1 of He et al. 2016, one line per model.
ResNet18 = variant(
    ResNet,
    "ResNet18",
    "ResNet-18 (no keras.applications twin).",
    block=basic_block,
    depths=(2, 2, 2, 2),
    name="resnet18",
)
ResNet34 = variant(
    ResNet,
    "ResNet34",
    "ResNet-34 (no keras.applications twin).",
    block=basic_block,
    depths=(3, 4, 6, 3),
    name="resnet34",
)
ResNet50 = variant(
    ResNet,
    "ResNet50",
    "ResNet-50 (keras.applications.ResNet50).",
    block=bottleneck_block,
    depths=(3, 4, 6, 3),
    name="resnet50",
)
ResNet101 = variant(
    ResNet,
    "ResNet101",
    "ResNet-101 (keras.applications.ResNet101).",
    block=bottleneck_block,
    depths=(3, 4, 23, 3),
    name="resnet101",
)
ResNet152 = variant(
    ResNet,
    "ResNet152",
    "ResNet-152 (keras.applications.ResNet152).",
    block=bottleneck_block,
    depths=(3, 8, 36, 3),
    name="resnet152",
)


def SmallResNet(
    *,
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    classifier_activation: Any = "softmax",
    depths: Sequence[int] = (2, 2, 2),
    filters: Sequence[int] = (16, 32, 64),
    block: Block = basic_block,
) -> keras.Model:
    """The CIFAR ResNet of Sec. 4.2: a 3x3 stem, stages of 16, 32 and 64
    filters, no max-pool.

    With the defaults (ResNet-14: 3 stages of 2 basic blocks, projection
    shortcuts where the shape changes) it has 176,938 parameters (175,818
    trainable); ``depths=(1, 1, 1)`` gives 79,050.
    """
    owner = "SmallResNet"
    _check_stages(owner, block, depths, filters)
    shape = check_small_args(
        owner,
        input_shape=input_shape,
        classes=classes,
        classifier_activation=classifier_activation,
        min_size=2 ** (len(filters) - 1),
    )
    inputs = keras.Input(shape=shape, name="input_layer")
    x = layers.Conv2D(filters[0], 3, padding="same", name="conv1_conv")(inputs)
    x = layers.BatchNormalization(epsilon=EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = _stages(x, block, depths, filters)
    x = pooled_classifier(
        x,
        include_top=True,
        pooling=None,
        classes=classes,
        classifier_activation=classifier_activation,
    )
    return keras.Model(inputs, x, name="resnet_small")
