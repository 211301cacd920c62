"""Canonical models as data: one line turns a family builder and a
configuration into a builder.

``VGG16 = variant(VGG, "VGG16", "...", config="D", name="vgg16")`` is a
function that takes
the family builder's remaining (keyword-only) arguments, has the family
builder's signature minus the configuration, and is documented once, on the
family builder (as timm's ``model_args`` and torchvision's one-line models).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import keras

__all__ = ["variant"]


def variant(
    family: Callable[..., keras.Model],
    function_name: str,
    summary: str,
    **config: Any,
) -> Callable[..., keras.Model]:
    """A builder ``function_name(...)`` that calls ``family(**config,
    ...)``."""
    signature = inspect.signature(family)
    fixed = set(config)
    parameters = [
        p for p in signature.parameters.values() if p.name not in fixed
    ]

    def builder(**kwargs: Any) -> keras.Model:
        unknown = sorted(set(kwargs) - {p.name for p in parameters})
        if unknown:
            raise TypeError(
                f"{builder.__name__}() got unexpected arguments {unknown}; "
                f"it takes {[p.name for p in parameters]}"
            )
        return family(**config, **kwargs)

    builder.__signature__ = signature.replace(parameters=parameters)
    builder.__name__ = builder.__qualname__ = function_name
    builder.__module__ = family.__module__
    builder.__doc__ = (
        f"{summary}\n\nThe ``{family.__name__}`` family builder with "
        + ", ".join(f"``{k}={v!r}``" for k, v in config.items())
        + "; the other arguments are those of"
        f" :func:`{family.__module__}.{family.__name__}`."
    )
    return builder
