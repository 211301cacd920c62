"""Xception (Chollet, CVPR 2017) and a small variant for CIFAR-sized images.

Built from named blocks; the mini-Xception of *Deep Learning with Python* is
in ``cnnarch.mini_xception``.

``Xception()`` matches ``keras.applications.Xception`` layer for layer and
weight for weight (same order, so ``ours.set_weights(ref.get_weights())``
works). Its names follow keras.applications exactly (``block1_conv1``,
``block2_sepconv1_bn``, ``block3_sepconv1_act``, ``block2_pool``,
``block14_sepconv2_act``, ``avg_pool``, ``predictions``). The layers keras
leaves auto-named get:

- ``input``: the input layer (keras: ``input_layer``);
- ``blockN_residual_conv`` and ``blockN_residual_bn``: the 1x1 stride-2
  shortcut convolution and its batch norm, in the downsampling blocks (N = 2,
  3, 4 and 13);
- ``blockN_add``: the residual addition of every block N = 2 ... 13;
- ``avg_pool`` / ``max_pool``: the global pooling when ``include_top=False``
  and ``pooling`` is set.

The exit flow is numbered after the middle flow, so with ``middle_blocks=m`` it
is blocks ``5 + m`` and ``6 + m`` (13 and 14 for the paper's m = 8). With an
``intermediate_activation`` a separable convolution ``name`` becomes
``name_depthwise`` -> ``name_inner_act`` -> ``name_pointwise`` (same weights,
same order, plus the activation between the two steps; paper Fig. 10). Its
unit, ``sepconv_bn``, lives in ``cnnarch.blocks``.
"""

from __future__ import annotations

import os
from typing import Any

import keras
from keras import layers

from .blocks import pooled_classifier, scale_filters, sepconv_bn
from .checks import (
    check_bool,
    check_builder_args,
    check_choice,
    check_int,
    check_number,
    check_small_args,
)
from .weights import load_weights

__all__ = [
    "residual_downsampling_block",
    "middle_block",
    "entry_flow",
    "middle_flow",
    "exit_flow",
    "Xception",
    "SmallXception",
]

# Paper Fig. 5: stem convs, then the entry-flow blocks; the exit flow's two
# convs per block.
ENTRY_FILTERS = (32, 64, 128, 256, 728)
EXIT_FILTERS = (728, 1024, 1536, 2048)
INTERMEDIATE_ACTIVATIONS = (None, "relu", "elu")


def residual_downsampling_block(
    x: keras.KerasTensor,
    filters: int | tuple[int, int],
    *,
    name: str,
    relu_first: bool = True,
    residual: bool = True,
    intermediate_activation: str | None = None,
) -> keras.KerasTensor:
    """Two separable convs + 3x3/2 max pool, added to a 1x1/2 conv + BN
    shortcut (Fig. 5, entry/exit)."""
    first, second = (filters, filters) if isinstance(filters, int) else filters
    shortcut = None
    if residual:
        shortcut = layers.Conv2D(
            second,
            1,
            strides=2,
            padding="same",
            use_bias=False,
            name=f"{name}_residual_conv",
        )(x)
        shortcut = layers.BatchNormalization(name=f"{name}_residual_bn")(
            shortcut
        )
    x = sepconv_bn(
        x,
        first,
        name=f"{name}_sepconv1",
        relu="before" if relu_first else None,
        intermediate_activation=intermediate_activation,
    )
    x = sepconv_bn(
        x,
        second,
        name=f"{name}_sepconv2",
        intermediate_activation=intermediate_activation,
    )
    x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"{name}_pool")(
        x
    )
    if shortcut is None:
        return x
    # [main path, shortcut] as in keras: Keras orders a functional model's
    # layers (so its weights) by walking the graph from the output, and this
    # order, not creation order, fixes theirs.
    return layers.Add(name=f"{name}_add")([x, shortcut])


def middle_block(
    x: keras.KerasTensor,
    *,
    name: str,
    residual: bool = True,
    intermediate_activation: str | None = None,
) -> keras.KerasTensor:
    """Three ReLU-SepConv-BN units at constant width plus an identity shortcut
    (Fig. 5, middle flow)."""
    filters = x.shape[-1]
    y = x
    for i in (1, 2, 3):
        y = sepconv_bn(
            y,
            filters,
            name=f"{name}_sepconv{i}",
            intermediate_activation=intermediate_activation,
        )
    return layers.Add(name=f"{name}_add")([y, x]) if residual else y


def entry_flow(
    x: keras.KerasTensor,
    filters: tuple[int, ...] = ENTRY_FILTERS,
    *,
    stem_strides: int = 2,
    residual: bool = True,
    intermediate_activation: str | None = None,
) -> keras.KerasTensor:
    """Two 3x3 stem convs then one downsampling block per remaining width (Fig.
    5, entry flow)."""
    stem1, stem2, *widths = filters
    for i, (width, strides) in enumerate(
        ((stem1, stem_strides), (stem2, 1)), start=1
    ):
        x = layers.Conv2D(
            width, 3, strides=strides, use_bias=False, name=f"block1_conv{i}"
        )(x)
        x = layers.BatchNormalization(name=f"block1_conv{i}_bn")(x)
        x = layers.Activation("relu", name=f"block1_conv{i}_act")(x)
    for i, width in enumerate(widths, start=2):
        x = residual_downsampling_block(
            x,
            width,
            name=f"block{i}",
            relu_first=i > 2,
            residual=residual,
            intermediate_activation=intermediate_activation,
        )
    return x


def middle_flow(
    x: keras.KerasTensor,
    repeats: int,
    *,
    first_block: int = 5,
    residual: bool = True,
    intermediate_activation: str | None = None,
) -> keras.KerasTensor:
    """``repeats`` middle blocks named ``block{first_block}``, ... (Fig. 5,
    middle flow: 8 repeats)."""
    for i in range(repeats):
        x = middle_block(
            x,
            name=f"block{first_block + i}",
            residual=residual,
            intermediate_activation=intermediate_activation,
        )
    return x


def exit_flow(
    x: keras.KerasTensor,
    filters: tuple[int, int, int, int] = EXIT_FILTERS,
    *,
    first_block: int = 13,
    residual: bool = True,
    intermediate_activation: str | None = None,
) -> keras.KerasTensor:
    """A downsampling block then two separable convs with ReLU after BN (Fig.
    5, exit flow)."""
    f1, f2, f3, f4 = filters
    x = residual_downsampling_block(
        x,
        (f1, f2),
        name=f"block{first_block}",
        residual=residual,
        intermediate_activation=intermediate_activation,
    )
    last = f"block{first_block + 1}"
    for i, width in enumerate((f3, f4), start=1):
        x = sepconv_bn(
            x,
            width,
            name=f"{last}_sepconv{i}",
            relu="after",
            intermediate_activation=intermediate_activation,
        )
    return x


def Xception(
    *,
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, int | None, int] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    middle_blocks: int = 8,
) -> keras.Model:
    """Xception (Chollet 2017, Fig. 5): entry flow, ``middle_blocks`` middle
    blocks, exit flow.

    Args:
        include_top: whether to end with ``avg_pool`` and ``predictions``.
        weights: None (random), 'imagenet' (needs ``middle_blocks=8``; copied
            from keras.applications, from Keras' cache when it holds the file)
            or the path of a weights file.
        input_shape: (height, width, channels), each side at least 71;
            default 299x299x3 with the top and (None, None, 3) without it.
        pooling: without the top, None, 'avg' or 'max' global pooling.
        classes: number of classes of the top.
        classifier_activation: activation of ``predictions``: None (logits),
            a Keras activation name or a callable.
        middle_blocks: middle-flow blocks, 8 in the paper.

    Returns:
        An uncompiled ``keras.Model``. With ``middle_blocks=8`` it equals
        keras.applications.Xception: 22,910,480 parameters, 22,855,952
        trainable, 54,528 non-trainable (batch-norm statistics) with the top.

    Every argument is checked before any layer is built: a bad one raises
    ValueError (TypeError for a wrong type) naming it.
    """
    shape = check_builder_args(
        "xception",
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        default_size=299,
        min_size=71,
    )
    check_int("middle_blocks", middle_blocks, min=0, owner="xception")
    if weights == "imagenet" and middle_blocks != 8:
        raise ValueError(
            "middle_blocks must be 8 when weights='imagenet' for xception, "
            f"got {middle_blocks}"
        )

    inputs = keras.Input(shape=shape, name="input")
    x = entry_flow(inputs)
    x = middle_flow(x, middle_blocks)
    x = exit_flow(x, first_block=5 + middle_blocks)
    outputs = pooled_classifier(
        x,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )
    name = (
        "xception" if middle_blocks == 8 else f"xception_middle{middle_blocks}"
    )
    model = keras.Model(inputs, outputs, name=name)
    return load_weights(
        model,
        weights,
        keras.applications.Xception,
        include_top=include_top,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )


def SmallXception(
    *,
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    classifier_activation: Any = "softmax",
    width_multiplier: float = 0.125,
    middle_blocks: int = 2,
    residual: bool = True,
    intermediate_activation: str | None = None,
) -> keras.Model:
    """A scaled-down Xception for small images: Fig. 5's three flows, narrower
    and shallower.

    Widths are the paper's times ``width_multiplier`` (0.125: entry 4, 8, 16,
    32, 91; middle 91; exit 91, 128, 192, 256), the first stem conv has stride
    1 instead of 2 (a 32x32 image ends the exit flow at 2x2), then global
    average pooling and a softmax dense layer; uncompiled.
    Defaults: 192,889 parameters (189,349 trainable). ``residual=False`` drops
    every shortcut (176,621 parameters); ``intermediate_activation`` ("relu" or
    "elu") puts an activation between the depthwise and pointwise step of every
    separable conv, with the same parameters.
    """
    owner = "SmallXception"
    check_number(
        "width_multiplier", width_multiplier, low=0, low_open=True, owner=owner
    )
    check_int("middle_blocks", middle_blocks, min=0, owner=owner)
    check_bool("residual", residual, owner=owner)
    check_choice(
        "intermediate_activation",
        intermediate_activation,
        INTERMEDIATE_ACTIVATIONS,
        owner=owner,
    )
    shape = check_small_args(
        owner,
        input_shape=input_shape,
        classes=classes,
        classifier_activation=classifier_activation,
        min_size=5,
    )

    knobs = dict(
        residual=residual, intermediate_activation=intermediate_activation
    )
    entry, exit_ = (
        [scale_filters(w, width_multiplier) for w in f]
        for f in (ENTRY_FILTERS, EXIT_FILTERS)
    )
    inputs = keras.Input(shape=shape, name="input")
    x = entry_flow(inputs, entry, stem_strides=1, **knobs)
    x = middle_flow(x, middle_blocks, **knobs)
    x = exit_flow(x, exit_, first_block=5 + middle_blocks, **knobs)
    outputs = pooled_classifier(
        x,
        include_top=True,
        pooling=None,
        classes=classes,
        classifier_activation=classifier_activation,
    )
    return keras.Model(inputs, outputs, name="xception_small")
