"""Pieces every architecture family shares: argument checks, the classifier head, weight loading.

Families import this module; it imports no family. Every check runs before any layer is built,
so a bad argument costs nothing and its message names the argument, the limit and the value.
"""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Callable
from typing import Any

import keras
from keras import layers

POOLING_CHOICES = (None, "avg", "max")
IMAGENET_CLASSES = 1000
_WEIGHTS_HOST = ("storage.googleapis.com", 443)


def check_activation(classifier_activation: Any, model_name: str) -> None:
    """Reject a classifier activation that Keras cannot resolve, naming the argument."""
    if classifier_activation is None or callable(classifier_activation):
        return
    try:
        keras.activations.get(classifier_activation)
    except (ValueError, TypeError):
        raise ValueError(
            "classifier_activation must be None, a callable or a Keras activation name "
            f"such as 'softmax' for {model_name}, got {classifier_activation!r}"
        ) from None


def check_width_multiplier(width_multiplier: Any, model_name: str) -> None:
    """Reject a width multiplier that is not a finite number > 0 (a bool is no number here)."""
    if (
        isinstance(width_multiplier, bool)
        or not isinstance(width_multiplier, (int, float))
        or not 0 < width_multiplier < math.inf
    ):
        raise ValueError(
            f"width_multiplier must be a number > 0 for {model_name}, got {width_multiplier!r}"
        )


def scale_filters(filters: int, width_multiplier: float) -> int:
    """A filter count times the width multiplier, rounded, and at least 1."""
    return max(1, round(filters * width_multiplier))


def check_builder_args(
    model_name: str,
    *,
    include_top: bool,
    weights: str | os.PathLike | None,
    input_shape: tuple[int | None, ...] | None,
    pooling: str | None,
    classes: int,
    classifier_activation: Any,
    default_size: int,
    min_size: int,
) -> tuple[int | None, int | None, int]:
    """Validate the keras.applications-style arguments and return the input shape to build with.

    Follows keras.applications: with ``input_shape=None`` the input is ``default_size`` square
    when the top is included and ``(None, None, 3)`` otherwise.
    """
    if weights is not None and weights != "imagenet":
        if not isinstance(weights, (str, os.PathLike)) or not os.path.exists(weights):
            raise ValueError(
                f"weights must be None, 'imagenet' or the path of an existing weights file, got {weights!r}"
            )
    if not isinstance(classes, int) or isinstance(classes, bool) or classes < 1:
        raise ValueError(f"classes must be an integer >= 1 for {model_name}, got {classes!r}")
    if pooling not in POOLING_CHOICES:
        raise ValueError(f"pooling must be None, 'avg' or 'max' for {model_name}, got {pooling!r}")
    check_activation(classifier_activation, model_name)
    if weights == "imagenet" and include_top and classifier_activation not in (None, "softmax"):
        raise ValueError(
            "classifier_activation must be None or 'softmax' when weights='imagenet' and "
            f"include_top=True for {model_name}, got {classifier_activation!r}"
        )
    if weights == "imagenet" and include_top and classes != IMAGENET_CLASSES:
        raise ValueError(
            f"classes must be {IMAGENET_CLASSES} when weights='imagenet' and include_top=True "
            f"for {model_name}, got {classes}"
        )

    if input_shape is None:
        return (default_size, default_size, 3) if include_top else (None, None, 3)
    shape = tuple(input_shape)
    if len(shape) != 3:
        raise ValueError(
            f"input_shape must have rank 3 (height, width, channels) for {model_name}, got {input_shape!r}"
        )
    if weights == "imagenet" and shape[2] != 3:
        raise ValueError(
            f"input_shape must have 3 channels when weights='imagenet' for {model_name}, got {input_shape!r}"
        )
    for side in shape[:2]:
        if side is not None and side < min_size:
            raise ValueError(
                f"input_shape must be at least {min_size}x{min_size} for {model_name}, got {input_shape!r}"
            )
    if weights == "imagenet" and include_top and shape != (default_size, default_size, 3):
        raise ValueError(
            f"input_shape must be {(default_size, default_size, 3)} when weights='imagenet' and "
            f"include_top=True for {model_name}, got {input_shape!r}"
        )
    return shape


def pooled_classifier(
    x: keras.KerasTensor,
    *,
    include_top: bool,
    pooling: str | None,
    classes: int,
    classifier_activation: Any,
) -> keras.KerasTensor:
    """Global-average-pool then a dense classifier, or the bare pooling when the top is left off.

    Names follow keras.applications' ResNet, DenseNet, Inception v3 and Xception: ``avg_pool``,
    ``max_pool``, ``predictions``.
    """
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def _check_weights_reachable(timeout: float = 5.0) -> None:
    """Fail fast, with a clear message, when the pretrained weights cannot be downloaded."""
    try:
        with socket.create_connection(_WEIGHTS_HOST, timeout=timeout):
            return
    except OSError as err:
        raise RuntimeError(
            "weights='imagenet' downloads the keras.applications weights, but "
            f"{_WEIGHTS_HOST[0]} is not reachable from this machine ({err}). "
            "Run where the internet is reachable (e.g. Colab), or pass weights=None or a file path."
        ) from None


def load_weights(
    model: keras.Model,
    weights: str | os.PathLike | None,
    reference: Callable[..., keras.Model],
    **reference_kwargs: Any,
) -> keras.Model:
    """Load ``weights`` into ``model``: a file path directly, or 'imagenet' via the reference model.

    For 'imagenet' the matching ``keras.applications`` model is built with its pretrained weights
    and they are copied across in order, which works because our builders create the same
    weights in the same order.
    """
    if weights is None:
        return model
    if weights != "imagenet":
        model.load_weights(weights)
        return model
    _check_weights_reachable()
    ref = reference(weights="imagenet", **reference_kwargs)
    model.set_weights(ref.get_weights())
    return model
