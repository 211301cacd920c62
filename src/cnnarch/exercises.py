"""Self-checking exercises: each ``check_<name>(learner_fn)`` tests a learner's
function.

A checker calls the learner's function on several cases and compares it with a
reference the package computes by building the real layers or blocks and
counting. On the first wrong case it prints which case, what was expected and
what came back, plus a hint when the wrong value matches a common mistake, and
returns False; when every case agrees it prints a short "correct" and returns
True. A learner function that still raises ``NotImplementedError`` lets it
propagate, so the unsolved exercise cell fails the way the chapter says it
will.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
from keras import layers

__all__ = [
    "check_conv2d_params",
    "check_separable_conv2d_macs",
    "check_bottleneck_params",
    "check_dense_block_channels",
    "check_inception_module_params",
    "check_middle_block_params",
    "check_activation_bytes",
    "check_inverted_residual_params",
]

Mistake = tuple[Callable[..., Any], str]


@dataclass(frozen=True)
class Exercise:
    """A named exercise: the cases to try, the reference, and the mistakes
    worth a hint."""

    title: str
    cases: Sequence[dict[str, Any]]
    reference: Callable[..., Any]
    mistakes: Sequence[Mistake] = field(default_factory=tuple)


def _describe(case: dict[str, Any]) -> str:
    """Format a case's arguments as a call signature a learner can paste."""
    return ", ".join(f"{key}={value!r}" for key, value in case.items())


def _format(value: Any) -> str:
    """Show integers with thousands separators, everything else as repr."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return repr(value)


def _hint(exercise: Exercise, case: dict[str, Any], got: Any) -> str:
    """Return the hint of the first known mistake that reproduces the learner's
    wrong value."""
    for mistake, hint in exercise.mistakes:
        if mistake(**case) == got:
            return f" Hint: {hint}"
    return ""


def run_exercise(exercise: Exercise, learner_fn: Callable[..., Any]) -> bool:
    """Check ``learner_fn`` against the exercise's reference on every case;
    print the verdict."""
    __tracebackhide__ = (
        True  # IPython hides this frame if the learner's stub raises
    )
    for number, case in enumerate(exercise.cases, start=1):
        expected = exercise.reference(**case)
        got = learner_fn(**case)
        if got != expected:
            print(
                f"Not yet: {exercise.title} — case {number} of "
                f"{len(exercise.cases)}, "
                f"({_describe(case)}): expected {_format(expected)}, got "
                f"{_format(got)}." + _hint(exercise, case, got)
            )
            return False
    print(
        f"Correct: {exercise.title} agrees with the reference on all "
        f"{len(exercise.cases)} cases."
    )
    return True


def _params_of(
    build: Callable[[keras.KerasTensor], keras.KerasTensor], input_shape: tuple
) -> int:
    """Count the parameters of whatever ``build`` adds on top of an input of
    ``input_shape``."""
    inputs = keras.Input(shape=input_shape)
    return keras.Model(inputs, build(inputs)).count_params()


# Chapter 1 — a standard convolution.
def _conv2d_params_reference(k: int, c_in: int, c_out: int) -> int:
    return _params_of(
        lambda x: layers.Conv2D(c_out, k, name="conv")(x), (8, 8, c_in)
    )


CONV2D_PARAMS = Exercise(
    title="conv2d_params(k, c_in, c_out), with bias",
    cases=[
        {"k": 3, "c_in": 3, "c_out": 16},
        {"k": 1, "c_in": 64, "c_out": 128},
        {"k": 5, "c_in": 32, "c_out": 32},
        {"k": 7, "c_in": 3, "c_out": 64},
    ],
    reference=_conv2d_params_reference,
    mistakes=[
        (
            lambda k, c_in, c_out: k * k * c_in * c_out,
            "each output channel also has one bias.",
        ),
        (
            lambda k, c_in, c_out: k * c_in * c_out + c_out,
            "a k×k kernel has k·k weights per input channel.",
        ),
        (
            lambda k, c_in, c_out: k * k * c_out + c_out,
            "every filter spans all c_in input channels.",
        ),
    ],
)


def check_conv2d_params(learner_fn: Callable[..., int]) -> bool:
    """Chapter 1: parameters of a k×k Conv2D with bias, from c_in to c_out
    channels."""
    __tracebackhide__ = True
    return run_exercise(CONV2D_PARAMS, learner_fn)


# Chapter 2 — a depthwise separable convolution.
def _separable_conv2d_macs_reference(
    h_out: int, w_out: int, k: int, c_in: int, c_out: int
) -> int:
    from .cost import model_macs

    inputs = keras.Input(shape=(h_out, w_out, c_in))
    outputs = layers.SeparableConv2D(c_out, k, padding="same", name="sepconv")(
        inputs
    )
    return model_macs(keras.Model(inputs, outputs))


SEPARABLE_CONV2D_MACS = Exercise(
    title="separable_conv2d_macs(h_out, w_out, k, c_in, c_out)",
    cases=[
        {"h_out": 8, "w_out": 8, "k": 3, "c_in": 16, "c_out": 32},
        {"h_out": 19, "w_out": 19, "k": 3, "c_in": 728, "c_out": 728},
        {"h_out": 14, "w_out": 7, "k": 5, "c_in": 32, "c_out": 64},
    ],
    reference=_separable_conv2d_macs_reference,
    mistakes=[
        (
            lambda h_out, w_out, k, c_in, c_out: (
                h_out * w_out * k * k * c_in * c_out
            ),
            "that is a standard convolution; split it into a depthwise and a "
            "pointwise step.",
        ),
        (
            lambda h_out, w_out, k, c_in, c_out: h_out * w_out * k * k * c_in,
            "you counted the depthwise step only; add the 1×1 pointwise step "
            "(c_in·c_out per position).",
        ),
        (
            lambda h_out, w_out, k, c_in, c_out: h_out * w_out * c_in * c_out,
            "you counted the pointwise step only; add the depthwise step "
            "(k·k·c_in per position).",
        ),
        (
            lambda h_out, w_out, k, c_in, c_out: k * k * c_in + c_in * c_out,
            "those are the weights; every weight is used once per output "
            "position (h_out·w_out).",
        ),
    ],
)


def check_separable_conv2d_macs(learner_fn: Callable[..., int]) -> bool:
    """Chapter 2: MACs of a SeparableConv2D (depthwise k×k, then pointwise
    1×1)."""
    __tracebackhide__ = True
    return run_exercise(SEPARABLE_CONV2D_MACS, learner_fn)


# Chapter 4 — the ResNet bottleneck block.
def _bottleneck_params_reference(c_in: int, filters: int, strides: int) -> int:
    from .resnet import bottleneck_block

    return _params_of(
        lambda x: bottleneck_block(x, filters, strides=strides, name="block"),
        (8, 8, c_in),
    )


def _bottleneck_residual_path(c_in: int, filters: int, strides: int) -> int:
    """Weights, biases and batch-norm values of the three convolutions, without
    the shortcut."""
    convs = (
        (c_in + 1) * filters
        + (9 * filters + 1) * filters
        + (filters + 1) * 4 * filters
    )
    return convs + 4 * (filters + filters + 4 * filters)


def _projection(c_in: int, filters: int) -> int:
    """A 1×1 conv with bias from c_in to 4·filters channels, then its batch
    norm."""
    return (c_in + 1) * 4 * filters + 4 * 4 * filters


BOTTLENECK_PARAMS = Exercise(
    title=(
        "bottleneck_params(c_in, filters, strides), conv weights + biases + "
        "4 per BN channel"
    ),
    cases=[
        {"c_in": 256, "filters": 64, "strides": 1},
        {"c_in": 64, "filters": 64, "strides": 1},
        {"c_in": 256, "filters": 128, "strides": 2},
        {"c_in": 1024, "filters": 512, "strides": 2},
    ],
    reference=_bottleneck_params_reference,
    mistakes=[
        (
            lambda c_in, filters, strides: (
                _bottleneck_residual_path(c_in, filters, strides)
                + _projection(c_in, filters)
            ),
            "when the input already has 4·filters channels and the stride is "
            "1, the shortcut is the "
            "identity: no projection, no parameters.",
        ),
        (
            _bottleneck_residual_path,
            "when the channels or the resolution change, the shortcut is a "
            "1×1 projection "
            "(conv with bias, then batch norm).",
        ),
        (
            lambda c_in, filters, strides: (
                c_in * filters
                + 9 * filters * filters
                + 4 * filters * filters
                + (
                    c_in * 4 * filters
                    if c_in != 4 * filters or strides != 1
                    else 0
                )
            ),
            "you counted only the convolution kernels: add one bias per conv "
            "output channel and four "
            "batch-norm values (γ, β, mean, variance) per channel.",
        ),
    ],
)


def check_bottleneck_params(learner_fn: Callable[..., int]) -> bool:
    """Chapter 4: parameters of a ResNet bottleneck block, projection shortcut
    when shapes change."""
    __tracebackhide__ = True
    return run_exercise(BOTTLENECK_PARAMS, learner_fn)


# Chapter 5 — channels through a dense block.
def _dense_block_channels_reference(
    c_in: int, layers_in_block: int, growth_rate: int
) -> int:
    from .densenet import dense_block

    inputs = keras.Input(shape=(4, 4, c_in))
    return int(
        dense_block(inputs, layers_in_block, growth_rate, name="block").shape[
            -1
        ]
    )


DENSE_BLOCK_CHANNELS = Exercise(
    title="dense_block_channels(c_in, layers_in_block, growth_rate)",
    cases=[
        {"c_in": 64, "layers_in_block": 6, "growth_rate": 32},
        {"c_in": 128, "layers_in_block": 12, "growth_rate": 32},
        {"c_in": 24, "layers_in_block": 16, "growth_rate": 12},
    ],
    reference=_dense_block_channels_reference,
    mistakes=[
        (
            lambda c_in, layers_in_block, growth_rate: (
                layers_in_block * growth_rate
            ),
            "the block's input is concatenated too: start from c_in.",
        ),
        (
            lambda c_in, layers_in_block, growth_rate: c_in + growth_rate,
            "every one of the layers adds growth_rate channels, not just the "
            "last.",
        ),
        (
            lambda c_in, layers_in_block, growth_rate: (
                c_in + 4 * growth_rate * layers_in_block
            ),
            "the 1×1 bottleneck (4k channels) is internal; each layer "
            "concatenates only its k outputs.",
        ),
    ],
)


def check_dense_block_channels(learner_fn: Callable[..., int]) -> bool:
    """Chapter 5: channels coming out of a dense block (input + layers × growth
    rate)."""
    __tracebackhide__ = True
    return run_exercise(DENSE_BLOCK_CHANNELS, learner_fn)


# Chapter 6 — the GoogLeNet Inception module with 1×1 reductions.
def _inception_module_params_reference(
    c_in: int,
    f1x1: int,
    f3x3_reduce: int,
    f3x3: int,
    f5x5_reduce: int,
    f5x5: int,
    pool_proj: int,
) -> int:
    from .inception_v1 import inception_module

    return _params_of(
        lambda x: inception_module(
            x, f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj, name="m"
        ),
        (28, 28, c_in),
    )


def _inception_weights(
    c_in, f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj
) -> int:
    return (
        c_in * f1x1
        + c_in * f3x3_reduce
        + 9 * f3x3_reduce * f3x3
        + c_in * f5x5_reduce
        + 25 * f5x5_reduce * f5x5
        + c_in * pool_proj
    )


INCEPTION_MODULE_PARAMS = Exercise(
    title=(
        "inception_module_params(c_in, f1x1, f3x3_reduce, f3x3, f5x5_reduce, "
        "f5x5, pool_proj), with biases"
    ),
    cases=[
        {
            "c_in": 192,
            "f1x1": 64,
            "f3x3_reduce": 96,
            "f3x3": 128,
            "f5x5_reduce": 16,
            "f5x5": 32,
            "pool_proj": 32,
        },
        {
            "c_in": 256,
            "f1x1": 128,
            "f3x3_reduce": 128,
            "f3x3": 192,
            "f5x5_reduce": 32,
            "f5x5": 96,
            "pool_proj": 64,
        },
        {
            "c_in": 832,
            "f1x1": 384,
            "f3x3_reduce": 192,
            "f3x3": 384,
            "f5x5_reduce": 48,
            "f5x5": 128,
            "pool_proj": 128,
        },
    ],
    reference=_inception_module_params_reference,
    mistakes=[
        (
            _inception_weights,
            "each of the six convolutions also has one bias per output "
            "channel.",
        ),
        (
            lambda c_in, f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj: (  # noqa: E501
                _inception_weights(
                    c_in, f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj
                )
                - c_in * pool_proj
                + f1x1
                + f3x3_reduce
                + f3x3
                + f5x5_reduce
                + f5x5
            ),
            "the pooling branch has parameters too: the 1×1 pool projection "
            "after the max pool.",
        ),
        (
            lambda c_in, f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj: (  # noqa: E501
                c_in * f1x1
                + 9 * c_in * f3x3
                + 25 * c_in * f5x5
                + c_in * pool_proj
                + f1x1
                + f3x3
                + f5x5
                + pool_proj
            ),
            "the 3×3 and 5×5 convolutions see the reduced channels "
            "(f3x3_reduce, f5x5_reduce), "
            "and the reductions themselves are 1×1 convolutions from c_in.",
        ),
    ],
)


def check_inception_module_params(learner_fn: Callable[..., int]) -> bool:
    """Chapter 6: parameters of GoogLeNet's Inception module with 1×1
    reductions (figure 2b)."""
    __tracebackhide__ = True
    return run_exercise(INCEPTION_MODULE_PARAMS, learner_fn)


# Chapter 7 — one Xception middle-flow block.
def _middle_block_params_reference(channels: int) -> int:
    from .xception import middle_block

    return _params_of(
        lambda x: middle_block(x, name="block5"), (19, 19, channels)
    )


MIDDLE_BLOCK_PARAMS = Exercise(
    title="middle_block_params(channels)",
    cases=[{"channels": 728}, {"channels": 64}, {"channels": 256}],
    reference=_middle_block_params_reference,
    mistakes=[
        (
            lambda channels: 3 * (9 * channels + channels * channels),
            "each separable convolution is followed by a batch norm: 4 "
            "values per channel.",
        ),
        (
            lambda channels: (
                3 * (9 * channels + channels * channels + 2 * channels)
            ),
            "a batch norm holds 4 values per channel: γ and β (trained) plus "
            "the moving mean and variance.",
        ),
        (
            lambda channels: (
                3
                * (
                    9 * channels
                    + channels * channels
                    + channels
                    + 4 * channels
                )
            ),
            "Xception's separable convolutions have no bias (batch norm "
            "follows them).",
        ),
        (
            lambda channels: 3 * (9 * channels * channels + 4 * channels),
            "that is a standard 3×3 convolution; a separable one is "
            "depthwise 3×3 (9·C) + pointwise (C²).",
        ),
    ],
)


def check_middle_block_params(learner_fn: Callable[..., int]) -> bool:
    """Chapter 7: parameters of one Xception middle-flow block (three
    ReLU-SepConv-BN units)."""
    __tracebackhide__ = True
    return run_exercise(MIDDLE_BLOCK_PARAMS, learner_fn)


# Chapter 8 — activation memory of a stack of convolutions.
_DTYPES_BY_SIZE = {4: "float32", 2: "float16", 1: "uint8"}


def _activation_bytes_reference(
    height: int,
    width: int,
    channels: int,
    layers_in_stack: int,
    bytes_per_element: int,
) -> int:
    from .cost import activation_bytes

    inputs = keras.Input(shape=(height, width, 3))
    x = inputs
    for i in range(layers_in_stack):
        x = layers.Conv2D(
            channels, 3, padding="same", activation="relu", name=f"conv{i + 1}"
        )(x)
    return activation_bytes(
        keras.Model(inputs, x), dtype=_DTYPES_BY_SIZE[bytes_per_element]
    )


ACTIVATION_BYTES = Exercise(
    title=(
        "activation_bytes(height, width, channels, layers_in_stack, "
        "bytes_per_element)"
    ),
    cases=[
        {
            "height": 224,
            "width": 224,
            "channels": 64,
            "layers_in_stack": 2,
            "bytes_per_element": 4,
        },
        {
            "height": 32,
            "width": 32,
            "channels": 16,
            "layers_in_stack": 3,
            "bytes_per_element": 2,
        },
        {
            "height": 56,
            "width": 28,
            "channels": 128,
            "layers_in_stack": 1,
            "bytes_per_element": 1,
        },
    ],
    reference=_activation_bytes_reference,
    mistakes=[
        (
            lambda height, width, channels, layers_in_stack, bytes_per_element: (  # noqa: E501
                height * width * channels * layers_in_stack * bytes_per_element
            ),
            "the RGB input image (height·width·3 values) is kept too.",
        ),
        (
            lambda height, width, channels, layers_in_stack, bytes_per_element: (  # noqa: E501
                height * width * (3 + channels * layers_in_stack)
            ),
            "that is the number of values; multiply by bytes_per_element for "
            "bytes.",
        ),
        (
            lambda height, width, channels, layers_in_stack, bytes_per_element: (  # noqa: E501
                height * width * (3 + channels) * bytes_per_element
            ),
            "every layer's output is kept for the backward pass, not only "
            "the last one.",
        ),
    ],
)


def check_activation_bytes(learner_fn: Callable[..., int]) -> bool:
    """Chapter 8: bytes to keep the input and every conv output of one image
    (same padding)."""
    __tracebackhide__ = True
    return run_exercise(ACTIVATION_BYTES, learner_fn)


def _inverted_residual_params_reference(
    c_in: int, expansion: int, c_out: int
) -> int:
    from .mobilenet_v2 import inverted_residual_block

    inputs = keras.Input(shape=(8, 8, c_in))
    out = inverted_residual_block(
        inputs, c_out, expansion=expansion, name="block"
    )
    return keras.Model(inputs, out).count_params()


def _no_moving_statistics(c_in: int, expansion: int, c_out: int) -> int:
    hidden = expansion * c_in
    expand = (c_in + 2) * hidden if expansion != 1 else 0
    return expand + 11 * hidden + hidden * c_out + 2 * c_out


INVERTED_RESIDUAL_PARAMS = Exercise(
    title="inverted_residual_params(c_in, expansion, c_out)",
    cases=[
        {"c_in": 24, "expansion": 6, "c_out": 24},
        {"c_in": 64, "expansion": 6, "c_out": 96},
        {"c_in": 32, "expansion": 1, "c_out": 16},
    ],
    reference=_inverted_residual_params_reference,
    mistakes=[
        (
            _no_moving_statistics,
            "a batch norm holds four values per channel: gamma, beta and "
            "the moving mean and variance.",
        ),
        (
            lambda c_in, expansion, c_out: (
                (c_in + 4) * c_in * (expansion != 1)
                + 13 * c_in
                + c_in * c_out
                + 4 * c_out
            ),
            "the depthwise and projection layers work on the expanded "
            "expansion * c_in channels.",
        ),
        (
            lambda c_in, expansion, c_out: (
                (c_in + 4) * expansion * c_in
                + 13 * expansion * c_in
                + expansion * c_in * c_out
                + 4 * c_out
            ),
            "with expansion 1 there is no expansion layer (block 0 of "
            "Table 2).",
        ),
    ],
)


def check_inverted_residual_params(learner_fn: Callable[..., int]) -> bool:
    """Chapter 11: parameters of one MobileNetV2 inverted residual block
    (no biases, three batch norms)."""
    __tracebackhide__ = True
    return run_exercise(INVERTED_RESIDUAL_PARAMS, learner_fn)
