"""Weights for a built model: a file, or keras.applications' ImageNet weights.

Our canonical builders create the same weights in the same order as their
keras.applications twins, so ``weights="imagenet"`` builds the twin with its
pretrained weights and copies them across. Keras downloads the file once into
``$KERAS_HOME/models`` (``~/.keras/models``); with the file there, nothing is
downloaded and no network is needed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import keras

from . import network

__all__ = ["imagenet_file", "load_weights"]

WEIGHTS_HOST = ("storage.googleapis.com", 443)


def imagenet_file(model_name: str, include_top: bool) -> str:
    """Keras' file name for the ImageNet weights of ``model_name``.

    The names of keras.applications' ``get_file`` calls:
    ``<name>_weights_tf_dim_ordering_tf_kernels[_notop].h5``.
    """
    suffix = "" if include_top else "_notop"
    return f"{model_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"


def _check_available(file_name: str) -> None:
    """Raise RuntimeError if the weights are neither cached nor
    downloadable."""
    cached = os.path.join(network.keras_cache_dir("models"), file_name)
    if os.path.exists(cached) or network.reachable(WEIGHTS_HOST):
        return
    raise RuntimeError(
        f"weights='imagenet' needs {os.path.basename(cached)} from keras."
        f"applications, but it is not cached in {os.path.dirname(cached)} "
        f"and {WEIGHTS_HOST[0]} is not reachable from this machine. Run once "
        "where the internet is reachable (e.g. Colab) to cache it, or pass "
        "weights=None or a file path."
    )


def load_weights(
    model: keras.Model,
    weights: str | os.PathLike | None,
    reference: Callable[..., keras.Model] | None,
    *,
    file_name: str | None = None,
    **reference_kwargs: Any,
) -> keras.Model:
    """Load ``weights`` into ``model``: a file directly, or 'imagenet' via
    ``reference``.

    For 'imagenet' the ``reference`` keras.applications model is built with
    its pretrained weights (from Keras' cache when the file is there) and they
    are copied across in order. ``file_name`` is Keras' name of the weights
    file when it does not follow :func:`imagenet_file` (MobileNet's do not).
    """
    if weights is None:
        return model
    if weights != "imagenet":
        model.load_weights(weights)
        return model
    include_top = reference_kwargs.get("include_top", True)
    _check_available(file_name or imagenet_file(model.name, include_top))
    ref = reference(weights="imagenet", **reference_kwargs)
    model.set_weights(ref.get_weights())
    return model
