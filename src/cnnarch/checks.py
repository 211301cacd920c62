"""Argument checks: one small vocabulary that every public function uses.

Every check runs before any layer is built, so a bad argument costs nothing. A
wrong type raises TypeError, a value out of range ValueError; both messages
name the argument, what is allowed and
the value given: ``classes must be an integer >= 1 for vgg16, got 0``.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

POOLING_CHOICES = (None, "avg", "max")
IMAGENET_CLASSES = 1000


def _where(name: str, owner: str | None) -> str:
    return f"{name} for {owner}" if owner else name


def check_bool(name: str, value: Any, *, owner: str | None = None) -> bool:
    """Return ``value`` if it is True or False, else raise TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{_where(name, owner)} must be True or False, got {value!r}"
        )
    return value


def check_int(
    name: str,
    value: Any,
    *,
    min: int | None = 1,
    owner: str | None = None,
) -> int:
    """Return ``value`` as an int >= ``min``; a bool or a float is no integer
    here."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        kind = "an integer" if min is None else f"an integer >= {min}"
        raise TypeError(f"{_where(name, owner)} must be {kind}, got {value!r}")
    if min is not None and value < min:
        raise ValueError(
            f"{_where(name, owner)} must be an integer >= {min}, got {value!r}"
        )
    return int(value)


def check_number(
    name: str,
    value: Any,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
    owner: str | None = None,
) -> float:
    """Return ``value`` if it is a finite real number in the given interval."""
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    if low == 0 and high == math.inf:
        allowed = "a number > 0" if low_open else "a number >= 0"
    else:
        allowed = f"a number in {left}{low:g}, {high:g}{right}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{_where(name, owner)} must be {allowed}, got {value!r}"
        )
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not math.isfinite(value) or too_low or too_high:
        raise ValueError(
            f"{_where(name, owner)} must be {allowed}, got {value!r}"
        )
    return value


def check_choice(
    name: str, value: Any, choices: Sequence[Any], *, owner: str | None = None
) -> Any:
    """Return ``value`` if it is one of ``choices``."""
    if not any(
        value is choice or (type(value) is type(choice) and value == choice)
        for choice in choices
    ):
        allowed = ", ".join(
            getattr(c, "__name__", None) or repr(c) for c in choices
        )
        raise ValueError(
            f"{_where(name, owner)} must be one of {allowed}, got {value!r}"
        )
    return value


def check_ints(
    name: str,
    value: Any,
    *,
    min: int = 1,
    length: int | None = None,
    owner: str | None = None,
) -> tuple[int, ...]:
    """Return ``value`` as a non-empty tuple of integers >= ``min``."""
    allowed = f"a non-empty sequence of integers >= {min}"
    if length is not None:
        allowed = f"a sequence of {length} integers >= {min}"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(
            f"{_where(name, owner)} must be {allowed}, got {value!r}"
        )
    bad_type = any(
        isinstance(v, bool) or not isinstance(v, numbers.Integral)
        for v in value
    )
    if bad_type:
        raise TypeError(
            f"{_where(name, owner)} must be {allowed}, got {value!r}"
        )
    wrong_length = len(value) == 0 or (
        length is not None and len(value) != length
    )
    if wrong_length or any(v < min for v in value):
        raise ValueError(
            f"{_where(name, owner)} must be {allowed}, got {value!r}"
        )
    return tuple(int(v) for v in value)


def check_activation(
    name: str, value: Any, *, owner: str | None = None
) -> Any:
    """Return ``value`` if it is None, a callable or a Keras activation
    name."""
    if value is None or callable(value):
        return value
    try:
        keras.activations.get(value)
    except (ValueError, TypeError):
        raise ValueError(
            f"{_where(name, owner)} must be None, a callable or a Keras "
            f"activation name such as 'softmax', got {value!r}"
        ) from None
    return value


def check_input_shape(
    value: Any,
    *,
    min_size: int,
    owner: str,
    fixed: bool = False,
) -> tuple[int | None, ...]:
    """Return ``value`` as (height, width, channels), each side >=
    ``min_size``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(
            f"input_shape for {owner} must be a tuple (height, width, "
            "channels), "
            f"got {value!r}"
        )
    shape = tuple(value)
    if len(shape) != 3:
        raise ValueError(
            "input_shape must have rank 3 (height, width, channels) for "
            f"{owner}, "
            f"got {value!r}"
        )
    for side in shape:
        if side is not None and (
            isinstance(side, bool) or not isinstance(side, numbers.Integral)
        ):
            raise TypeError(
                f"input_shape for {owner} must hold integers or None, got "
                f"{value!r}"
            )
    if shape[2] is None or shape[2] < 1:
        raise ValueError(
            f"input_shape must have at least 1 channel for {owner}, got "
            f"{value!r}"
        )
    if fixed and None in shape[:2]:
        raise ValueError(
            "input_shape must have a fixed height and width for "
            f"{owner}, got {value!r}"
        )
    for side in shape[:2]:
        if side is not None and side < min_size:
            raise ValueError(
                f"input_shape must be at least {min_size}x{min_size} for "
                f"{owner}, "
                f"got {value!r}"
            )
    return shape


def check_small_args(
    owner: str,
    *,
    input_shape: Any,
    classes: Any,
    classifier_activation: Any,
    min_size: int,
) -> tuple[int, int, int]:
    """The arguments every small builder shares; return the input shape."""
    shape = check_input_shape(
        input_shape, min_size=min_size, owner=owner, fixed=True
    )
    check_int("classes", classes, owner=owner)
    check_activation(
        "classifier_activation", classifier_activation, owner=owner
    )
    return shape


def check_builder_args(
    owner: str,
    *,
    include_top: bool,
    weights: str | os.PathLike | None,
    input_shape: tuple[int | None, ...] | None,
    pooling: str | None,
    classes: int,
    classifier_activation: Any,
    default_size: int,
    min_size: int,
) -> tuple[int | None, ...]:
    """Check the keras.applications arguments; return the input shape to build.

    Follows keras.applications: with ``input_shape=None`` the input is
    ``default_size`` square when the top is included and ``(None, None, 3)``
    otherwise.
    """
    check_bool("include_top", include_top, owner=owner)
    if weights is not None and weights != "imagenet":
        if not isinstance(weights, (str, os.PathLike)) or not os.path.exists(
            weights
        ):
            raise ValueError(
                "weights must be None, 'imagenet' or the path of an existing "
                f"weights file, got {weights!r}"
            )
    check_int("classes", classes, owner=owner)
    check_choice("pooling", pooling, POOLING_CHOICES, owner=owner)
    check_activation(
        "classifier_activation", classifier_activation, owner=owner
    )
    imagenet_top = weights == "imagenet" and include_top
    if imagenet_top and classifier_activation not in (None, "softmax"):
        raise ValueError(
            "classifier_activation must be None or 'softmax' when "
            f"weights='imagenet' and include_top=True for {owner}, "
            f"got {classifier_activation!r}"
        )
    if imagenet_top and classes != IMAGENET_CLASSES:
        raise ValueError(
            f"classes must be {IMAGENET_CLASSES} when weights='imagenet' and "
            f"include_top=True for {owner}, got {classes}"
        )
    if input_shape is None:
        return (
            (default_size, default_size, 3) if include_top else (None, None, 3)
        )
    shape = check_input_shape(input_shape, min_size=min_size, owner=owner)
    if weights == "imagenet" and shape[2] != 3:
        raise ValueError(
            "input_shape must have 3 channels when weights='imagenet' for "
            f"{owner}, got {input_shape!r}"
        )
    if imagenet_top and shape != (default_size, default_size, 3):
        raise ValueError(
            f"input_shape must be {(default_size, default_size, 3)} when "
            f"weights='imagenet' and include_top=True for {owner}, "
            f"got {input_shape!r}"
        )
    return shape
