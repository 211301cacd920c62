"""Chapter 3's build exercise: a VGG block, checked by equal outputs.

``check_vgg_block(learner_fn)`` builds the learner's block and the package's
``vgg_block`` on the same input, copies the package block's (random) weights
into the learner's, and compares the two outputs on a random batch. Equal
weight shapes and equal outputs mean the same block; on the first case that
differs it prints what differs, with a hint when the learner's output matches
a common mistake (a missing ReLU, an average pool), and returns False.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
from keras import layers

from .vgg import vgg_block

__all__ = ["check_vgg_block"]

#: (input shape, filters, convs) of each case the checker tries.
CASES = [
    ((16, 16, 3), 8, 2),
    ((8, 8, 16), 16, 3),
    ((12, 12, 4), 6, 1),
]
TITLE = "vgg_block(x, filters, convs)"


def _mistake(x, filters: int, convs: int, *, relu: bool, pool: str):
    """The block with one known mistake: no ReLU, or another pooling."""
    for i in range(1, convs + 1):
        x = layers.Conv2D(
            filters,
            3,
            padding="same",
            activation="relu" if relu else None,
            name=f"conv{i}",
        )(x)
    pooling = layers.MaxPooling2D if pool == "max" else layers.AveragePooling2D
    return pooling(2, strides=2, name="pool")(x)


HINTS = [
    ({"relu": False, "pool": "max"}, "each 3x3 convolution needs its ReLU."),
    (
        {"relu": True, "pool": "avg"},
        "VGG pools with the maximum of each 2x2 window, not the average.",
    ),
]


def _model(build: Callable[..., Any], shape, **kwargs) -> keras.Model:
    inputs = keras.Input(shape)
    return keras.Model(inputs, build(inputs, **kwargs))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=1e-5)


def check_vgg_block(learner_fn: Callable[..., Any]) -> bool:
    """Chapter 3: ``learner_fn(x, filters, convs)`` must build ``convs`` 3x3
    'same' ReLU convolutions then a 2x2 max pool, as ``vgg_block`` does.

    Prints the verdict and returns True when, on every case, the learner's
    block has the same weight shapes as ``vgg_block`` and, with the package
    block's weights copied in, the same outputs (up to float32 rounding).
    """
    __tracebackhide__ = True  # IPython hides this frame if the stub raises
    if not callable(learner_fn):
        raise TypeError(
            "learner_fn must be a callable (x, filters, convs) -> tensor, "
            f"got {learner_fn!r}"
        )
    rng = np.random.default_rng(0)
    for number, (shape, filters, convs) in enumerate(CASES, start=1):
        where = (
            f"{TITLE} — case {number} of {len(CASES)} "
            f"(input {shape}, filters={filters}, convs={convs})"
        )
        args = {"filters": filters, "convs": convs}
        learner = _model(learner_fn, shape, **args)
        reference = _model(vgg_block, shape, name="reference", **args)
        weights = [
            rng.normal(scale=0.5, size=w.shape).astype("float32")
            for w in reference.get_weights()
        ]
        reference.set_weights(weights)
        got = [tuple(w.shape) for w in learner.get_weights()]
        expected = [tuple(w.shape) for w in weights]
        if got != expected:
            print(
                f"Not yet: {where}: expected weights of shapes {expected}, "
                f"got {got}. Hint: {convs} Conv2D layers with a bias, "
                "3x3 kernels, and no other layer with weights."
            )
            return False
        learner.set_weights(weights)
        x = rng.normal(size=(2, *shape)).astype("float32")
        want, out = reference(x).numpy(), learner(x).numpy()
        if _same(want, out):
            continue
        message = f"Not yet: {where}: "
        if want.shape != out.shape:
            message += (
                f"expected an output of shape {want.shape[1:]}, got "
                f"{out.shape[1:]}. Hint: padding='same' keeps the size; "
                "the 2x2 pool with stride 2 halves it."
            )
        else:
            message += "same weights, different outputs."
            for mistake, hint in HINTS:
                wrong = _model(_mistake, shape, **args, **mistake)
                wrong.set_weights(weights)
                if _same(wrong(x).numpy(), out):
                    message += f" Hint: {hint}"
                    break
        print(message)
        return False
    print(
        f"Correct: {TITLE} gives the same outputs as cnnarch.vgg_block "
        f"on all {len(CASES)} cases."
    )
    return True
