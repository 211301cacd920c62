"""An Xception for the ablations of chapter 9: small, but with spatial work
left in every flow.

``AblationXception`` keeps the three flows of the paper's Fig. 5 at a size a
CPU trains in seconds: a stride-2 stem, one downsampling block, the middle
flow on maps of a quarter of the input side (8x8 for a 32x32 input) and one
downsampling block plus a separable convolution as the exit flow (4x4). Its
switches are the paper's ablations and its open question:

- ``residual``: "all" (the paper's network), "projections" (the identity
  shortcuts of the middle flow removed, the 1x1 projection shortcuts of the
  downsampling blocks kept: the same parameters as "all") or "none" (every
  shortcut removed, projections included: fewer parameters, Fig. 9);
- ``intermediate_activation``: None, "relu" or "elu" between the depthwise and
  the pointwise step of every separable convolution (Fig. 10);
- ``groups``: None for the depthwise step in the middle flow, or g for a
  grouped 3x3 convolution with g groups in its place, followed by the same
  pointwise step (``groups=1`` is a full 3x3 convolution, ``groups`` equal to
  the middle width is a depthwise one; the paper's Sec. 5).
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

from .blocks import sepconv_bn
from .checks import (
    check_choice,
    check_int,
    check_ints,
    check_small_args,
)
from .xception import INTERMEDIATE_ACTIVATIONS, residual_downsampling_block

__all__ = ["grouped_sepconv_bn", "AblationXception"]

RESIDUAL_CHOICES = ("all", "projections", "none")
# Batch-norm momentum: Keras' 0.99 leaves the moving averages near their
# start after a few hundred steps, so evaluation would use the wrong
# statistics; 0.9 forgets the start within tens of steps.
BN_MOMENTUM = 0.9


def grouped_sepconv_bn(
    x: keras.KerasTensor,
    filters: int,
    groups: int,
    *,
    name: str,
    intermediate_activation: str | None = None,
) -> keras.KerasTensor:
    """ReLU -> grouped 3x3 conv (``groups`` groups) -> 1x1 conv -> BN: the
    separable unit with its depthwise step widened (Sec. 5)."""
    x = layers.Activation("relu", name=f"{name}_act")(x)
    x = layers.Conv2D(
        x.shape[-1],
        3,
        padding="same",
        groups=groups,
        use_bias=False,
        name=f"{name}_grouped",
    )(x)
    if intermediate_activation is not None:
        x = layers.Activation(
            intermediate_activation, name=f"{name}_inner_act"
        )(x)
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_pointwise")(x)
    return layers.BatchNormalization(name=f"{name}_bn")(x)


def _middle_block(
    x: keras.KerasTensor,
    *,
    name: str,
    residual: bool,
    groups: int | None,
    intermediate_activation: str | None,
) -> keras.KerasTensor:
    """Three units at constant width plus an identity shortcut (Fig. 5)."""
    filters, y = x.shape[-1], x
    for i in (1, 2, 3):
        unit = f"{name}_sepconv{i}"
        if groups is None:
            y = sepconv_bn(
                y,
                filters,
                name=unit,
                intermediate_activation=intermediate_activation,
            )
        else:
            y = grouped_sepconv_bn(
                y,
                filters,
                groups,
                name=unit,
                intermediate_activation=intermediate_activation,
            )
    return layers.Add(name=f"{name}_add")([y, x]) if residual else y


def AblationXception(
    *,
    input_shape: tuple[int, int, int] = (24, 24, 1),
    classes: int = 10,
    classifier_activation: Any = "softmax",
    filters: tuple[int, int, int, int] = (12, 24, 24, 48),
    middle_blocks: int = 4,
    residual: str = "all",
    intermediate_activation: str | None = None,
    groups: int | None = None,
) -> keras.Model:
    """A small Xception (Fig. 5) whose middle flow runs at a quarter of the
    input side, with the switches of the paper's ablations.

    Args:
        input_shape: (height, width, channels), each side at least 16.
        classes: number of classes.
        classifier_activation: activation of ``predictions``.
        filters: widths of the stem, the entry block, the middle flow and the
            exit block.
        middle_blocks: middle-flow blocks (0 or more).
        residual: "all", "projections" (identity shortcuts removed, same
            parameters) or "none" (every shortcut removed).
        intermediate_activation: None, "relu" or "elu" between the spatial
            and the pointwise step of every separable unit.
        groups: None (depthwise) or the groups of the middle flow's 3x3 step;
            must divide the middle width.

    Returns:
        An uncompiled ``keras.Model``: stem conv 3x3/2 -> downsampling block
        -> 1x1 conv to the middle width when it differs from the entry width
        -> middle blocks -> downsampling block -> ReLU-SepConv-BN-ReLU ->
        global average pooling -> dense. With the defaults: 21,826
        parameters.
    """
    owner = "AblationXception"
    shape = check_small_args(
        owner,
        input_shape=input_shape,
        classes=classes,
        classifier_activation=classifier_activation,
        min_size=16,
    )
    stem, entry, middle, exit_ = check_ints(
        "filters", filters, length=4, owner=owner
    )
    check_int("middle_blocks", middle_blocks, min=0, owner=owner)
    check_choice("residual", residual, RESIDUAL_CHOICES, owner=owner)
    check_choice(
        "intermediate_activation",
        intermediate_activation,
        INTERMEDIATE_ACTIVATIONS,
        owner=owner,
    )
    if groups is not None:
        check_int("groups", groups, owner=owner)
        if middle % groups:
            raise ValueError(
                f"groups must divide the middle width {middle} for {owner}, "
                f"got {groups}"
            )

    knobs = dict(intermediate_activation=intermediate_activation)
    projections = residual != "none"
    inputs = keras.Input(shape=shape, name="input")
    x = layers.Conv2D(
        stem, 3, strides=2, padding="same", use_bias=False, name="block1_conv"
    )(inputs)
    x = layers.BatchNormalization(name="block1_conv_bn")(x)
    x = layers.Activation("relu", name="block1_conv_act")(x)
    x = residual_downsampling_block(
        x, entry, name="block2", residual=projections, **knobs
    )
    if middle != entry:
        x = layers.Conv2D(middle, 1, use_bias=False, name="block2_widen")(x)
    for i in range(middle_blocks):
        x = _middle_block(
            x,
            name=f"block{3 + i}",
            residual=residual == "all",
            groups=groups,
            **knobs,
        )
    last = 3 + middle_blocks
    x = residual_downsampling_block(
        x, exit_, name=f"block{last}", residual=projections, **knobs
    )
    x = sepconv_bn(
        x, exit_, name=f"block{last + 1}_sepconv", relu="after", **knobs
    )
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(
        classes, activation=classifier_activation, name="predictions"
    )(x)
    model = keras.Model(inputs, outputs, name="ablation_xception")
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.momentum = BN_MOMENTUM
    return model
