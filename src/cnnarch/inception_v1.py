"""GoogLeNet, or Inception v1 (Szegedy et al. 2015, "Going deeper with
convolutions"), and a small cousin.

``GoogLeNet`` follows the paper's Table 1: a 7x7/2 convolution, a max pool, a
1x1 reduction and a 3x3 convolution, a max pool, the nine Inception modules of
``GOOGLENET_MODULES`` (3a-3b, pool, 4a-4e, pool, 5a-5b), global average
pooling, 40% dropout and a linear softmax classifier, with the two optional
auxiliary classifiers of section 5 on 4a and 4d. Convolutions carry a bias and
a ReLU, as in the paper (batch normalization came later). The two local
response normalizations of
figure 3 are left out: Table 1 does not list them, they hold no weights and
Keras has no such layer. There are no pretrained weights to copy
(``keras.applications`` has no GoogLeNet).

Layer names are modelled on the Caffe release (its ``inception_3a/1x1`` is
``inception_3a_1x1``): ``conv1``, ``pool1``, ``conv2_reduce``, ``conv2``,
``pool2``, ``inception_3a`` ... ``inception_5b`` (the concatenations),
``pool3``, ``pool4``, ``avg_pool``, ``dropout``, ``predictions``. Inside module
``<m>`` the units are ``<m>_1x1``, ``<m>_3x3_reduce``, ``<m>_3x3``,
``<m>_5x5_reduce``, ``<m>_5x5``, the pool ``<m>_pool`` and ``<m>_pool_proj``;
every unit is ``<unit>_conv`` + ``<unit>_relu`` (+ ``<unit>_bn`` in between
when built with batch normalization). The auxiliary classifiers are ``aux1``
(on 4a) and ``aux2`` (on 4d): ``aux<k>_avg_pool``, ``aux<k>_proj``,
``aux<k>_flatten``, ``aux<k>_fc``, ``aux<k>_dropout``, ``aux<k>_predictions``.
"""

from __future__ import annotations

import os
from typing import Any

import keras
from keras import layers

from .blocks import conv_relu, pooled_classifier, scale_filters
from .checks import (
    check_bool,
    check_builder_args,
    check_number,
    check_small_args,
)

__all__ = [
    "GOOGLENET_MODULES",
    "GOOGLENET_MIN_SIZE",
    "GOOGLENET_AUX_MIN_SIZE",
    "inception_naive_module",
    "inception_module",
    "auxiliary_classifier",
    "GoogLeNet",
    "INCEPTION_SMALL_STAGES",
    "SmallInception",
]

# Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj of each
# Inception module.
GOOGLENET_MODULES: dict[str, tuple[int, int, int, int, int, int]] = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}
# The network downsamples by 32 with 'same' padding; at 32x32 modules 5a-5b see
# a 1x1 map.
GOOGLENET_MIN_SIZE = 32
# An auxiliary classifier's 5x5 average pool needs a 5x5 map at stride 16:
# ceil(side / 16) >= 5.
GOOGLENET_AUX_MIN_SIZE = 65
# The small network's stages: modules at 32x32, a max pool, 16x16, a max pool,
# 8x8 (same widths).
INCEPTION_SMALL_STAGES: tuple[
    dict[str, tuple[int, int, int, int, int, int]], ...
] = (
    {"2a": (16, 24, 32, 4, 8, 8)},
    {"3a": (32, 32, 48, 8, 16, 16), "3b": (32, 48, 64, 8, 16, 16)},
    {"4a": (48, 48, 64, 12, 24, 24)},
)


def inception_naive_module(
    x: keras.KerasTensor, f1x1: int, f3x3: int, f5x5: int, *, name: str
) -> keras.KerasTensor:
    """Naive Inception module (figure 2a): 1x1, 3x3 and 5x5 convolutions and a
    3x3 max pool, concatenated."""
    branch1x1 = conv_relu(x, f1x1, 1, name=f"{name}_1x1")
    branch3x3 = conv_relu(x, f3x3, 3, name=f"{name}_3x3")
    branch5x5 = conv_relu(x, f5x5, 5, name=f"{name}_5x5")
    branch_pool = layers.MaxPooling2D(
        3, strides=1, padding="same", name=f"{name}_pool"
    )(x)
    return layers.Concatenate(name=name)(
        [branch1x1, branch3x3, branch5x5, branch_pool]
    )


def inception_module(
    x: keras.KerasTensor,
    f1x1: int,
    f3x3_reduce: int,
    f3x3: int,
    f5x5_reduce: int,
    f5x5: int,
    pool_proj: int,
    *,
    name: str,
    batch_norm: bool = False,
) -> keras.KerasTensor:
    """Inception module with dimension reductions (figure 2b): 1x1 convolutions
    shrink the input first."""
    unit = {"batch_norm": batch_norm}
    branch1x1 = conv_relu(x, f1x1, 1, name=f"{name}_1x1", **unit)
    branch3x3 = conv_relu(x, f3x3_reduce, 1, name=f"{name}_3x3_reduce", **unit)
    branch3x3 = conv_relu(branch3x3, f3x3, 3, name=f"{name}_3x3", **unit)
    branch5x5 = conv_relu(x, f5x5_reduce, 1, name=f"{name}_5x5_reduce", **unit)
    branch5x5 = conv_relu(branch5x5, f5x5, 5, name=f"{name}_5x5", **unit)
    branch_pool = layers.MaxPooling2D(
        3, strides=1, padding="same", name=f"{name}_pool"
    )(x)
    branch_pool = conv_relu(
        branch_pool, pool_proj, 1, name=f"{name}_pool_proj", **unit
    )
    return layers.Concatenate(name=name)(
        [branch1x1, branch3x3, branch5x5, branch_pool]
    )


def auxiliary_classifier(
    x: keras.KerasTensor,
    classes: int,
    classifier_activation: Any,
    *,
    name: str,
) -> keras.KerasTensor:
    """Side classifier of section 5: 5x5/3 average pool, 1x1 conv 128, FC 1024,
    70% dropout, linear softmax."""
    x = layers.AveragePooling2D(5, strides=3, name=f"{name}_avg_pool")(x)
    x = conv_relu(x, 128, 1, name=f"{name}_proj")
    x = layers.Flatten(name=f"{name}_flatten")(x)
    x = layers.Dense(1024, activation="relu", name=f"{name}_fc")(x)
    x = layers.Dropout(0.7, name=f"{name}_dropout")(x)
    return layers.Dense(
        classes, activation=classifier_activation, name=f"{name}_predictions"
    )(x)


def _check_googlenet_args(
    weights: Any, include_top: bool, aux_logits: Any, input_shape: Any
) -> None:
    """The checks ``check_builder_args`` cannot make: no 'imagenet', and what
    the side classifiers need."""
    if isinstance(weights, str) and weights == "imagenet":
        raise ValueError(
            "weights must be None or the path of a weights file for googlenet "
            "(keras.applications has no pretrained GoogLeNet), got 'imagenet'"
        )
    check_bool("aux_logits", aux_logits, owner="googlenet")
    if aux_logits and not include_top:
        raise ValueError(
            "aux_logits=True needs include_top=True for googlenet, got "
            "include_top=False"
        )
    if aux_logits and input_shape is not None and len(tuple(input_shape)) == 3:
        sides = tuple(input_shape)[:2]
        if any(
            side is None or side < GOOGLENET_AUX_MIN_SIZE for side in sides
        ):
            raise ValueError(
                "input_shape must be known and at least "
                f"{GOOGLENET_AUX_MIN_SIZE}x"
                f"{GOOGLENET_AUX_MIN_SIZE} for googlenet with "
                f"aux_logits=True, got {input_shape!r}"
            )


def GoogLeNet(
    *,
    include_top: bool = True,
    weights: str | os.PathLike | None = None,
    input_shape: tuple[int | None, int | None, int] | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    aux_logits: bool = False,
) -> keras.Model:
    """GoogLeNet (Szegedy et al. 2015, Table 1 and figure 3), optionally with
    its auxiliary classifiers.

    Args:
        include_top: whether to end with ``avg_pool``, ``dropout`` (40 %) and
            ``predictions``.
        weights: None (random) or the path of a weights file;
            keras.applications has no GoogLeNet, so 'imagenet' raises
            ValueError.
        input_shape: (height, width, channels), each side at least
            ``GOOGLENET_MIN_SIZE`` (32), and known and at least
            ``GOOGLENET_AUX_MIN_SIZE`` (65) with ``aux_logits=True``; default
            224x224x3 with the top and (None, None, 3) without it.
        pooling: without the top, None, 'avg' or 'max' global pooling.
        classes: number of classes of the top.
        classifier_activation: activation of ``predictions``: None (logits),
            a Keras activation name or a callable.
        aux_logits: add the auxiliary classifiers on 4a and 4d (needs the top).

    Returns:
        An uncompiled ``keras.Model``; with ``aux_logits=True`` it has three
        outputs ``[predictions, aux1_predictions, aux2_predictions]`` (section
        5: the side losses are added with weight 0.3 in training and dropped
        at inference).

    Every argument is checked before any layer is built: a bad one raises
    ValueError (TypeError for a wrong type) naming it.
    """
    shape = check_builder_args(
        "googlenet",
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        default_size=224,
        min_size=GOOGLENET_MIN_SIZE,
    )
    _check_googlenet_args(weights, include_top, aux_logits, input_shape)
    inputs = keras.Input(shape=shape, name="input_layer")
    x = conv_relu(inputs, 64, 7, strides=2, name="conv1")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = conv_relu(x, 64, 1, name="conv2_reduce")
    x = conv_relu(x, 192, 3, name="conv2")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)

    aux_outputs = []
    for key, filters in GOOGLENET_MODULES.items():
        if key in ("4a", "5a"):
            x = layers.MaxPooling2D(
                3, strides=2, padding="same", name=f"pool{key[0]}"
            )(x)
        x = inception_module(x, *filters, name=f"inception_{key}")
        if aux_logits and key in ("4a", "4d"):
            aux_name = f"aux{len(aux_outputs) + 1}"
            aux_outputs.append(
                auxiliary_classifier(
                    x, classes, classifier_activation, name=aux_name
                )
            )

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(0.4, name="dropout")(x)
        x = layers.Dense(
            classes, activation=classifier_activation, name="predictions"
        )(x)
    else:
        x = pooled_classifier(
            x,
            include_top=False,
            pooling=pooling,
            classes=classes,
            classifier_activation=None,
        )
    outputs = [x, *aux_outputs] if aux_logits else x
    model = keras.Model(inputs, outputs, name="googlenet")
    if weights is not None:
        model.load_weights(weights)
    return model


def SmallInception(
    *,
    input_shape: tuple[int, int, int] = (32, 32, 3),
    classes: int = 10,
    classifier_activation: Any = "softmax",
    width_multiplier: float = 1.0,
) -> keras.Model:
    """A small Inception network for 32x32 images (figure 2b modules with batch
    norm), uncompiled.

    Stem: a 3x3 convolution with 32 filters. Then ``INCEPTION_SMALL_STAGES``:
    module 2a (64 channels) at 32x32, a 2x2 max pool, 3a and 3b (112, 128
    channels) at 16x16, a max pool, 4a (160 channels) at 8x8; then global
    average pooling and a dense softmax classifier. Every convolution is
    bias-free and followed by batch normalization (Ioffe & Szegedy 2015),
    which lets it train quickly from scratch. With the defaults it has 131,466
    parameters (130,106 trainable, 1,360 non-trainable batch-norm statistics).
    ``width_multiplier`` scales the stem and every filter count of the modules
    (rounded, at least 1): 0.5 gives 34,170 parameters, in the range of the
    other families' small variants. Each side must be at least 16.
    """
    owner = "SmallInception"
    check_number(
        "width_multiplier", width_multiplier, low=0, low_open=True, owner=owner
    )
    shape = check_small_args(
        owner,
        input_shape=input_shape,
        classes=classes,
        classifier_activation=classifier_activation,
        min_size=16,
    )

    def scaled(filters: int) -> int:
        return scale_filters(filters, width_multiplier)

    inputs = keras.Input(shape=shape, name="input_layer")
    x = conv_relu(inputs, scaled(32), 3, name="stem", batch_norm=True)
    for index, stage in enumerate(INCEPTION_SMALL_STAGES):
        if index > 0:
            x = layers.MaxPooling2D(2, name=f"pool{index}")(x)
        for key, filters in stage.items():
            x = inception_module(
                x,
                *map(scaled, filters),
                name=f"inception_{key}",
                batch_norm=True,
            )
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(
        classes, activation=classifier_activation, name="predictions"
    )(x)
    return keras.Model(inputs, outputs, name="inception_small")
