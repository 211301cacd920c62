"""Inception v3 (Szegedy et al. 2016, "Rethinking the Inception Architecture"),
built from its modules.

``InceptionV3`` matches ``keras.applications.InceptionV3`` weight for weight:
the same layers are created in the same order, so
``ours.set_weights(ref.get_weights())`` works and the outputs agree.
The network is a stem, then the eleven modules of ``INCEPTION_V3_MODULES``:
three ``inception_a`` (figure 5) at 35x35, ``reduction_a``, four
``inception_b`` (figure 6, n = 7) at 17x17, ``reduction_b``, two
``inception_c`` (figure 7) at 8x8, then the pooled classifier.

Figure 5 replaces a 5x5 convolution by two 3x3 ones. Keras (like the released
TensorFlow model) keeps a plain 5x5 branch (``branch5x5``) next to the
double-3x3 branch (``branch3x3dbl``) in mixed0-mixed2; we follow Keras, since
exactness is the point.

Layer names. Keras leaves most layers auto-named (``conv2d_12``,
``batch_normalization_12``); here every layer has a name that says where it
sits:

- every convolution is a ``conv_bn`` unit ``<unit>_conv``, ``<unit>_bn``,
  ``<unit>_relu``;
- the stem units are ``stem_conv1`` ... ``stem_conv5``, its max pools
  ``stem_pool1``, ``stem_pool2``;
- module *i* is the concatenation ``mixed<i>`` (as in Keras) and its units are
  ``mixed<i>_<branch>_<k>``: the branch keeps Keras' variable name
  (``branch1x1``, ``branch5x5``, ``branch3x3``, ``branch3x3dbl``,
  ``branch7x7``, ``branch7x7dbl``, ``branch7x7x3``) and ``k`` counts the units
  along it from 1 (a one-unit branch has no ``_k``);
- the pooling branch is ``mixed<i>_branch_pool`` (the pooling layer) followed,
  except in the two reduction modules, by the 1x1 unit
  ``mixed<i>_branch_pool_proj``;
- in ``inception_c`` a branch that splits into a 1x3 and a 3x1 unit names them
  ``_<k>a``, ``_<k>b`` and their concatenation ``mixed<i>_branch3x3`` /
  ``mixed<i>_branch3x3dbl`` (Keras: ``mixed9_0`` / ``mixed9_1`` and an unnamed
  ``concatenate``);
- the input is ``input_layer``; the head is ``avg_pool`` + ``predictions``, or
  ``avg_pool`` / ``max_pool`` without the top
  (``cnnarch.blocks.pooled_classifier``).
"""

from __future__ import annotations

import os
from typing import Any

import keras
from keras import layers

from .blocks import conv_bn, pooled_classifier
from .checks import check_builder_args
from .weights import load_weights

__all__ = [
    "INCEPTION_V3_MODULES",
    "inception_a",
    "reduction_a",
    "inception_b",
    "reduction_b",
    "inception_c",
    "InceptionV3",
]

# The module sequence of Table 1 as Keras builds it, as data: (module kind,
# width) for mixed0 ... mixed10. inception_a's width is the pool projection's
# filters, inception_b's the 7x7 branches'.
INCEPTION_V3_MODULES: tuple[tuple[str, int | None], ...] = (
    ("inception_a", 32),
    ("inception_a", 64),
    ("inception_a", 64),
    ("reduction_a", None),
    ("inception_b", 128),
    ("inception_b", 160),
    ("inception_b", 160),
    ("inception_b", 192),
    ("reduction_b", None),
    ("inception_c", None),
    ("inception_c", None),
)


def _avg_pool_proj(
    x: keras.KerasTensor, filters: int, *, name: str
) -> keras.KerasTensor:
    """The pooling branch of figures 5-7: 3x3 average pool, stride 1, then a
    1x1 projection."""
    x = layers.AveragePooling2D(
        3, strides=1, padding="same", name=f"{name}_branch_pool"
    )(x)
    return conv_bn(x, filters, 1, name=f"{name}_branch_pool_proj")


def inception_a(
    x: keras.KerasTensor, pool_filters: int, *, name: str
) -> keras.KerasTensor:
    """35x35 module (figure 5: 5x5 factorized into two 3x3; Keras keeps a 5x5
    branch too)."""
    branch1x1 = conv_bn(x, 64, 1, name=f"{name}_branch1x1")
    branch5x5 = conv_bn(x, 48, 1, name=f"{name}_branch5x5_1")
    branch5x5 = conv_bn(branch5x5, 64, 5, name=f"{name}_branch5x5_2")
    branch3x3dbl = conv_bn(x, 64, 1, name=f"{name}_branch3x3dbl_1")
    branch3x3dbl = conv_bn(branch3x3dbl, 96, 3, name=f"{name}_branch3x3dbl_2")
    branch3x3dbl = conv_bn(branch3x3dbl, 96, 3, name=f"{name}_branch3x3dbl_3")
    branch_pool = _avg_pool_proj(x, pool_filters, name=name)
    return layers.Concatenate(axis=3, name=name)(
        [branch1x1, branch5x5, branch3x3dbl, branch_pool]
    )


def reduction_a(x: keras.KerasTensor, *, name: str) -> keras.KerasTensor:
    """35x35 -> 17x17 grid reduction (figure 10): stride-2 convolutions beside
    a stride-2 max pool."""
    branch3x3 = conv_bn(
        x, 384, 3, strides=2, padding="valid", name=f"{name}_branch3x3"
    )
    branch3x3dbl = conv_bn(x, 64, 1, name=f"{name}_branch3x3dbl_1")
    branch3x3dbl = conv_bn(branch3x3dbl, 96, 3, name=f"{name}_branch3x3dbl_2")
    branch3x3dbl = conv_bn(
        branch3x3dbl,
        96,
        3,
        strides=2,
        padding="valid",
        name=f"{name}_branch3x3dbl_3",
    )
    branch_pool = layers.MaxPooling2D(
        3, strides=2, name=f"{name}_branch_pool"
    )(x)
    return layers.Concatenate(axis=3, name=name)(
        [branch3x3, branch3x3dbl, branch_pool]
    )


def inception_b(
    x: keras.KerasTensor, channels_7x7: int, *, name: str
) -> keras.KerasTensor:
    """17x17 module (figure 6, n = 7): each n x n convolution factorized into 1
    x n then n x 1."""
    c = channels_7x7
    branch1x1 = conv_bn(x, 192, 1, name=f"{name}_branch1x1")
    branch7x7 = conv_bn(x, c, 1, name=f"{name}_branch7x7_1")
    branch7x7 = conv_bn(branch7x7, c, (1, 7), name=f"{name}_branch7x7_2")
    branch7x7 = conv_bn(branch7x7, 192, (7, 1), name=f"{name}_branch7x7_3")
    branch7x7dbl = conv_bn(x, c, 1, name=f"{name}_branch7x7dbl_1")
    branch7x7dbl = conv_bn(
        branch7x7dbl, c, (7, 1), name=f"{name}_branch7x7dbl_2"
    )
    branch7x7dbl = conv_bn(
        branch7x7dbl, c, (1, 7), name=f"{name}_branch7x7dbl_3"
    )
    branch7x7dbl = conv_bn(
        branch7x7dbl, c, (7, 1), name=f"{name}_branch7x7dbl_4"
    )
    branch7x7dbl = conv_bn(
        branch7x7dbl, 192, (1, 7), name=f"{name}_branch7x7dbl_5"
    )
    branch_pool = _avg_pool_proj(x, 192, name=name)
    return layers.Concatenate(axis=3, name=name)(
        [branch1x1, branch7x7, branch7x7dbl, branch_pool]
    )


def reduction_b(x: keras.KerasTensor, *, name: str) -> keras.KerasTensor:
    """17x17 -> 8x8 grid reduction (figure 10's scheme): stride-2 3x3 units
    beside a stride-2 max pool."""
    branch3x3 = conv_bn(x, 192, 1, name=f"{name}_branch3x3_1")
    branch3x3 = conv_bn(
        branch3x3,
        320,
        3,
        strides=2,
        padding="valid",
        name=f"{name}_branch3x3_2",
    )
    branch7x7x3 = conv_bn(x, 192, 1, name=f"{name}_branch7x7x3_1")
    branch7x7x3 = conv_bn(
        branch7x7x3, 192, (1, 7), name=f"{name}_branch7x7x3_2"
    )
    branch7x7x3 = conv_bn(
        branch7x7x3, 192, (7, 1), name=f"{name}_branch7x7x3_3"
    )
    branch7x7x3 = conv_bn(
        branch7x7x3,
        192,
        3,
        strides=2,
        padding="valid",
        name=f"{name}_branch7x7x3_4",
    )
    branch_pool = layers.MaxPooling2D(
        3, strides=2, name=f"{name}_branch_pool"
    )(x)
    return layers.Concatenate(axis=3, name=name)(
        [branch3x3, branch7x7x3, branch_pool]
    )


def inception_c(x: keras.KerasTensor, *, name: str) -> keras.KerasTensor:
    """8x8 module with the expanded filter bank (figure 7): 3x3s split into
    parallel 1x3 and 3x1."""
    branch1x1 = conv_bn(x, 320, 1, name=f"{name}_branch1x1")
    branch3x3 = conv_bn(x, 384, 1, name=f"{name}_branch3x3_1")
    branch3x3_a = conv_bn(branch3x3, 384, (1, 3), name=f"{name}_branch3x3_2a")
    branch3x3_b = conv_bn(branch3x3, 384, (3, 1), name=f"{name}_branch3x3_2b")
    branch3x3 = layers.Concatenate(axis=3, name=f"{name}_branch3x3")(
        [branch3x3_a, branch3x3_b]
    )
    branch3x3dbl = conv_bn(x, 448, 1, name=f"{name}_branch3x3dbl_1")
    branch3x3dbl = conv_bn(branch3x3dbl, 384, 3, name=f"{name}_branch3x3dbl_2")
    branch3x3dbl_a = conv_bn(
        branch3x3dbl, 384, (1, 3), name=f"{name}_branch3x3dbl_3a"
    )
    branch3x3dbl_b = conv_bn(
        branch3x3dbl, 384, (3, 1), name=f"{name}_branch3x3dbl_3b"
    )
    branch3x3dbl = layers.Concatenate(axis=3, name=f"{name}_branch3x3dbl")(
        [branch3x3dbl_a, branch3x3dbl_b]
    )
    branch_pool = _avg_pool_proj(x, 192, name=name)
    return layers.Concatenate(axis=3, name=name)(
        [branch1x1, branch3x3, branch3x3dbl, branch_pool]
    )


_MODULES = {
    "inception_a": inception_a,
    "reduction_a": reduction_a,
    "inception_b": inception_b,
    "reduction_b": reduction_b,
    "inception_c": inception_c,
}


def InceptionV3(
    *,
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, int | None, int] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
) -> keras.Model:
    """Inception v3 (Szegedy et al. 2016, figures 5-7 and Table 1), exact
    against keras.applications.

    Args:
        include_top: whether to end with ``avg_pool`` and ``predictions``.
        weights: None (random), 'imagenet' (copied from keras.applications,
            from Keras' cache when it holds the file) or a weights file.
        input_shape: (height, width, channels), each side at least 75;
            default 299x299x3 with the top and (None, None, 3) without it.
        pooling: without the top, None, 'avg' or 'max' global pooling.
        classes: number of classes of the top.
        classifier_activation: activation of ``predictions``: None (logits),
            a Keras activation name or a callable.

    Returns:
        An uncompiled ``keras.Model`` named ``inception_v3``.

    Every argument is checked before any layer is built: a bad one raises
    ValueError (TypeError for a wrong type) naming it.
    """
    shape = check_builder_args(
        "inception_v3",
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        default_size=299,
        min_size=75,
    )
    inputs = keras.Input(shape=shape, name="input_layer")
    x = conv_bn(inputs, 32, 3, strides=2, padding="valid", name="stem_conv1")
    x = conv_bn(x, 32, 3, padding="valid", name="stem_conv2")
    x = conv_bn(x, 64, 3, name="stem_conv3")
    x = layers.MaxPooling2D(3, strides=2, name="stem_pool1")(x)
    x = conv_bn(x, 80, 1, padding="valid", name="stem_conv4")
    x = conv_bn(x, 192, 3, padding="valid", name="stem_conv5")
    x = layers.MaxPooling2D(3, strides=2, name="stem_pool2")(x)

    for index, (kind, width) in enumerate(INCEPTION_V3_MODULES):
        module = _MODULES[kind]
        name = f"mixed{index}"
        x = (
            module(x, name=name)
            if width is None
            else module(x, width, name=name)
        )

    x = pooled_classifier(
        x,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )
    model = keras.Model(inputs, x, name="inception_v3")
    return load_weights(
        model,
        weights,
        keras.applications.InceptionV3,
        include_top=include_top,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
    )
