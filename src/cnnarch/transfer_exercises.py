"""Self-checking exercise of chapter 10 (reusing a trained network).

``check_xception_exit_side(learner_fn)`` tests a learner's
``xception_exit_side(side)``: the side of the feature map that Xception's
exit flow hands to the global pooling, for a ``side`` x ``side`` input. The
reference builds the entry and exit flows of ``cnnarch.xception`` on a
symbolic input and reads the shape Keras computes; the middle flow keeps the
side, so it is left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import keras

from .exercises import Exercise, run_exercise
from .xception import entry_flow, exit_flow

__all__ = ["check_xception_exit_side"]


def _exit_side_reference(side: int) -> int:
    inputs = keras.Input(shape=(side, side, 3))
    return int(exit_flow(entry_flow(inputs), first_block=5).shape[1])


XCEPTION_EXIT_SIDE = Exercise(
    title="xception_exit_side(side)",
    cases=[
        {"side": 299},
        {"side": 100},
        {"side": 71},
        {"side": 130},
        {"side": 224},
    ],
    reference=_exit_side_reference,
    mistakes=[
        (
            lambda side: math.ceil(side / 32),
            "block1_conv1 and block1_conv2 are 'valid' convolutions: each "
            "takes 2 pixels off the side before the strided blocks halve it.",
        ),
        (
            lambda side: side // 32,
            "a stride-2 'same' pooling rounds up: ceil(n / 2), not n // 2.",
        ),
    ],
)


def check_xception_exit_side(learner_fn: Callable[[int], int]) -> bool:
    """Chapter 10: side of Xception's last feature map for a side x side
    input (the entry and exit flows of Fig. 5)."""
    __tracebackhide__ = True
    if not callable(learner_fn):
        raise TypeError(
            "learner_fn must be a function of side, got "
            f"{type(learner_fn).__name__}"
        )
    return run_exercise(XCEPTION_EXIT_SIDE, learner_fn)
