"""Self-checking exercises that build a block: ``check_<block>(learner_fn)``.

A checker builds the package's block and the learner's on the same input
shape, gives the package's block random weights (batch-norm statistics
included, so that a missing or misplaced batch norm shows), copies them into
the learner's layers (in order, or by matching shapes where the order
differs) and compares the two outputs on a random batch. It prints one verdict
per case and "Correct" at the end, or raises an AssertionError that says which
case failed and how, with a hint when the learner's block computes the same
as a known mistake. A learner function that still raises
``NotImplementedError`` lets it propagate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import keras
import numpy as np
from keras import layers

from .blocks import sepconv_bn
from .densenet import transition_block
from .mobilenet_v2 import inverted_residual_block
from .xception import middle_block

__all__ = [
    "check_preactivation_block",
    "check_pool_first_transition",
    "check_xception_middle_block",
    "check_inverted_residual_block",
]

Block = Callable[..., keras.KerasTensor]
#: Layer types whose numbers the hints compare.
_COUNTED = "Conv2D DepthwiseConv2D SeparableConv2D BatchNormalization".split()
_COUNTED += ["AveragePooling2D", "MaxPooling2D", "Add"]


@dataclass(frozen=True)
class BlockExercise:
    """A block to build: the package's reference, the input shapes and
    arguments to try, and the mistakes worth a hint."""

    title: str
    reference: Block
    cases: Sequence[tuple[tuple[int, int, int], dict[str, Any]]]
    mistakes: Sequence[tuple[Block, str]] = field(default_factory=tuple)


def _build(block: Block, shape: tuple, kwargs: dict, name: str) -> Any:
    inputs = keras.Input(shape=shape, name=f"{name}_input")
    outputs = block(inputs, name=name, **kwargs)
    if not isinstance(outputs, keras.KerasTensor):
        raise AssertionError(
            f"Not yet: the block returned {outputs!r}; return the output "
            "tensor of its last layer."
        )
    return keras.Model(inputs, outputs)


def _randomize(model: keras.Model, rng: np.random.Generator) -> None:
    """Draw every weight at random: kernels at He's scale, batch-norm scales
    and variances in [0.5, 1.5], shifts, means and biases around 0."""
    for layer in model.layers:
        depthwise = isinstance(layer, layers.DepthwiseConv2D)
        for weight in layer.weights:
            shape, kind = tuple(weight.shape), weight.name
            if kind in ("gamma", "moving_variance"):
                value = rng.uniform(0.5, 1.5, shape)
            elif kind in ("beta", "moving_mean", "bias"):
                value = rng.normal(0.0, 0.5, shape)
            else:  # a depthwise kernel sees k*k inputs, another k*k*c_in
                per_channel = depthwise or kind == "depthwise_kernel"
                fan_in = np.prod(shape[:2] if per_channel else shape[:-1])
                value = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
            weight.assign(value.astype("float32"))


def _structure_hint(reference: keras.Model, model: keras.Model) -> str:
    """Name the first layer type the two blocks have in different numbers."""
    want, have = (
        Counter(type(layer).__name__ for layer in m.layers)
        for m in (reference, model)
    )
    for kind in _COUNTED:
        if want[kind] != have[kind]:
            return (
                f"{have[kind]} {kind} layers, the reference has {want[kind]}."
            )
    return "check use_bias, the kernel sizes and the numbers of filters."


def _copy_weights(reference: keras.Model, model: keras.Model) -> bool:
    """Copy the reference's weights into ``model``, in order or else by
    matching shapes; return False when the two hold different weights."""
    source = [(tuple(w.shape), w) for w in reference.weights]
    target = [(tuple(w.shape), w) for w in model.weights]
    if sorted(s for s, _ in source) != sorted(s for s, _ in target):
        return False
    unused = list(source)
    for shape, weight in target:
        match = next(i for i, (s, _) in enumerate(unused) if s == shape)
        weight.assign(unused.pop(match)[1].numpy())
    return True


def _outputs(model: keras.Model, x: np.ndarray) -> np.ndarray:
    return keras.ops.convert_to_numpy(model(x, training=False))


def _close(got: np.ndarray, expected: np.ndarray) -> bool:
    """Equal up to float32 rounding: within 1e-4 of the output's scale."""
    scale = 1.0 + float(np.abs(expected).max())
    return bool(np.abs(got - expected).max() <= 1e-4 * scale)


def _mistake_hint(
    exercise: BlockExercise,
    reference: keras.Model,
    model: keras.Model,
    case: tuple[tuple[int, int, int], dict[str, Any]],
    x: np.ndarray,
    got: np.ndarray,
) -> str:
    """The hint of the first known mistake that computes what the learner's
    block computed, else a hint from the layers' settings."""
    shape, kwargs = case
    for mistake, hint in exercise.mistakes:
        wrong = _build(mistake, shape, kwargs, "mistake")
        if _copy_weights(reference, wrong) and _close(got, _outputs(wrong, x)):
            return hint
    epsilons = [
        [layer.epsilon for layer in m.layers if hasattr(layer, "epsilon")]
        for m in (reference, model)
    ]
    if epsilons[0] != epsilons[1]:
        return f"the reference's batch norms use epsilon={epsilons[0][0]}."
    return "compare the order of the layers with the figure."


def run_block_exercise(exercise: BlockExercise, learner_fn: Block) -> bool:
    """Check ``learner_fn`` against the exercise's reference block on every
    case: equal outputs after copying weights. Print a verdict per case."""
    __tracebackhide__ = True
    if not callable(learner_fn):
        raise TypeError(
            f"learner_fn must be a callable block function, got {learner_fn!r}"
        )
    total = len(exercise.cases)
    for number, (shape, kwargs) in enumerate(exercise.cases, start=1):
        given = "×".join(map(str, shape)) + "".join(
            f", {key}={value!r}" for key, value in kwargs.items()
        )
        where = (
            f"Not yet: {exercise.title} — case {number} of {total} "
            f"(input {given}): "
        )
        rng = np.random.default_rng(number)
        reference = _build(exercise.reference, shape, kwargs, "reference")
        _randomize(reference, rng)
        model = _build(learner_fn, shape, kwargs, "block")
        if model.output.shape != reference.output.shape:
            raise AssertionError(
                f"{where}output shape {model.output.shape[1:]}, expected "
                f"{reference.output.shape[1:]}."
            )
        if not _copy_weights(reference, model):
            raise AssertionError(
                f"{where}the weights do not fit the reference's. Hint: "
                + _structure_hint(reference, model)
            )
        x = rng.normal(0.0, 2.0, (2, *shape)).astype("float32")
        got = _outputs(model, x)
        if not _close(got, _outputs(reference, x)):
            hint = _mistake_hint(
                exercise, reference, model, (shape, kwargs), x, got
            )
            raise AssertionError(
                f"{where}same weights, different outputs. Hint: {hint}"
            )
        print(f"case {number} of {total}, input {given}: equal outputs: True")
    print(f"Correct: {exercise.title} computes the reference's outputs.")
    return True


# Chapter 4 — the full pre-activation residual unit.
def _residual_unit(
    x: keras.KerasTensor,
    *,
    name: str,
    preactivation: bool = True,
    relu_after_add: bool = False,
) -> keras.KerasTensor:
    """BN-ReLU-conv 3x3, BN-ReLU-conv 3x3 (no biases) plus the identity, and
    nothing after the addition: the full pre-activation unit (He et al.
    2016b, Fig. 1b and 4e). The mistakes: conv-BN-ReLU order (Fig. 4a without
    its last ReLU), a ReLU after the addition."""
    y = x
    for i in (1, 2):
        conv = layers.Conv2D(x.shape[-1], 3, padding="same", use_bias=False)
        if not preactivation:
            y = conv(y)
        y = layers.BatchNormalization(name=f"{name}_{i}_bn")(y)
        if preactivation or i == 1:
            y = layers.ReLU(name=f"{name}_{i}_relu")(y)
        if preactivation:
            y = conv(y)
    y = layers.Add(name=f"{name}_add")([x, y])
    return layers.ReLU(name=f"{name}_out")(y) if relu_after_add else y


PREACTIVATION_BLOCK = BlockExercise(
    title="preactivation_block(x, name=...)",
    reference=_residual_unit,
    cases=[((8, 8, 16), {}), ((5, 7, 8), {})],
    mistakes=[
        (
            partial(_residual_unit, relu_after_add=True),
            "nothing follows the addition: with a ReLU there, the shortcut "
            "is no longer an identity (Fig. 4e against 4a).",
        ),
        (
            partial(_residual_unit, preactivation=False),
            "batch norm and ReLU come before each convolution "
            "(pre-activation), not after it.",
        ),
    ],
)


def check_preactivation_block(learner_fn: Block) -> bool:
    """Chapter 4: the full pre-activation residual unit, identity shortcut
    (He et al. 2016b, Fig. 4e)."""
    __tracebackhide__ = True
    return run_block_exercise(PREACTIVATION_BLOCK, learner_fn)


# Chapter 5 — a DenseNet transition that pools before its 1x1 convolution.
def _pool_first(
    x: keras.KerasTensor,
    compression: float = 0.5,
    *,
    name: str,
    pool: type = layers.AveragePooling2D,
    before_relu: bool = False,
) -> keras.KerasTensor:
    """BN-ReLU-pool-1x1 conv; the mistakes: max pooling, or the pool before
    the ReLU."""
    filters = int(x.shape[-1] * compression)
    if before_relu:
        x = pool(2, name=f"{name}_pool")(x)
    x = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_bn")(x)
    x = layers.ReLU(name=f"{name}_relu")(x)
    if not before_relu:
        x = pool(2, name=f"{name}_pool")(x)
    return layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_conv")(x)


POOL_FIRST_TRANSITION = BlockExercise(
    title="transition_pool_first(x, compression, name=...)",
    reference=transition_block,
    cases=[
        ((8, 8, 32), {"compression": 0.5}),
        ((7, 9, 24), {"compression": 0.5}),
        ((4, 6, 12), {"compression": 1.0}),
    ],
    mistakes=[
        (
            partial(_pool_first, pool=layers.MaxPooling2D),
            "average, not max: only an average commutes with the 1×1 "
            "convolution (both are linear).",
        ),
        (
            partial(_pool_first, before_relu=True),
            "pool after the ReLU: a ReLU is not linear, so the pooling "
            "cannot move before it.",
        ),
    ],
)


def check_pool_first_transition(learner_fn: Block) -> bool:
    """Chapter 5: a DenseNet transition with the 2x2 average pool before its
    1x1 convolution (Huang et al. 2017, Sec. 3)."""
    __tracebackhide__ = True
    return run_block_exercise(POOL_FIRST_TRANSITION, learner_fn)


# Chapter 7 — one Xception middle-flow block.
def _relu_after_bn(x: keras.KerasTensor, *, name: str) -> keras.KerasTensor:
    """The mistake: SepConv-BN-ReLU three times, plus the identity."""
    y = x
    for i in (1, 2, 3):
        y = sepconv_bn(y, x.shape[-1], name=f"{name}_{i}", relu="after")
    return layers.Add(name=f"{name}_add")([y, x])


def _relu_after_add(x: keras.KerasTensor, *, name: str) -> keras.KerasTensor:
    """The mistake: a ReLU after the middle block's addition."""
    return layers.ReLU(name=f"{name}_out")(middle_block(x, name=name))


XCEPTION_MIDDLE_BLOCK = BlockExercise(
    title="xception_middle_block(x, name=...)",
    reference=middle_block,
    cases=[((8, 8, 16), {}), ((5, 7, 24), {})],
    mistakes=[
        (
            _relu_after_bn,
            "the ReLU comes before each separable convolution, not after "
            "its batch norm (Fig. 5).",
        ),
        (
            partial(middle_block, residual=False),
            "add the block's input to the third unit's output: the "
            "identity shortcut.",
        ),
        (
            _relu_after_add,
            "no ReLU after the addition: the next block starts with one.",
        ),
    ],
)


def check_xception_middle_block(learner_fn: Block) -> bool:
    """Chapter 7: one Xception middle-flow block, three ReLU-SepConv-BN units
    plus the identity (Fig. 5)."""
    __tracebackhide__ = True
    return run_block_exercise(XCEPTION_MIDDLE_BLOCK, learner_fn)


# Chapter 11 — MobileNetV2's inverted residual block, stride 1.
def _inverted_residual(
    x: keras.KerasTensor,
    *,
    expansion: int,
    name: str,
    max_value: float | None = 6.0,
    projection_relu: bool = False,
) -> keras.KerasTensor:
    """The package's stride-1 block with equal channels in and out (Table 1),
    or a mistake: ReLU for ReLU6, or a ReLU6 after the projection."""
    if max_value == 6.0 and not projection_relu:
        return inverted_residual_block(
            x, x.shape[-1], expansion=expansion, name=name
        )
    y = layers.Conv2D(expansion * x.shape[-1], 1, use_bias=False)(x)
    y = layers.ReLU(max_value)(layers.BatchNormalization()(y))
    y = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(y)
    y = layers.ReLU(max_value)(layers.BatchNormalization()(y))
    y = layers.Conv2D(x.shape[-1], 1, use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if projection_relu:
        y = layers.ReLU(max_value)(y)
    return layers.Add()([x, y])


INVERTED_RESIDUAL_BLOCK = BlockExercise(
    title="inverted_residual(x, expansion=..., name=...)",
    reference=_inverted_residual,
    cases=[((8, 8, 16), {"expansion": 6}), ((5, 7, 24), {"expansion": 4})],
    mistakes=[
        (
            partial(_inverted_residual, projection_relu=True),
            "the projection is linear: nothing follows its batch norm "
            "(linear bottleneck, Sec. 3.2).",
        ),
        (
            partial(_inverted_residual, max_value=None),
            "clip the activations at 6: layers.ReLU(6.0), the paper's "
            "ReLU6 (Table 1).",
        ),
    ],
)


def check_inverted_residual_block(learner_fn: Block) -> bool:
    """Chapter 11: MobileNetV2's inverted residual block, stride 1, equal
    channels in and out (Sandler et al. 2018, Table 1, Fig. 4d)."""
    __tracebackhide__ = True
    return run_block_exercise(INVERTED_RESIDUAL_BLOCK, learner_fn)
