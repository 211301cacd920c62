"""Every build-a-block exercise accepts a correct block, the chapter's own
solution included, and rejects plausible wrong blocks with a hint."""

import json
import re
from pathlib import Path

import pytest
from keras import layers

from cnnarch import block_exercises

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


# Correct blocks, written from the papers' figures, not from the package.
def preactivation_block(x, *, name):
    y = x
    for i in (1, 2):
        y = layers.BatchNormalization(name=f"{name}_bn{i}")(y)
        y = layers.ReLU(name=f"{name}_relu{i}")(y)
        y = layers.Conv2D(
            x.shape[-1], 3, padding="same", use_bias=False,
            name=f"{name}_conv{i}",
        )(y)  # fmt: skip
    return layers.Add(name=f"{name}_add")([x, y])


def transition_pool_first(x, compression=0.5, *, name, pool="avg", bn=True):
    filters = int(x.shape[-1] * compression)
    if bn:
        x = layers.BatchNormalization(epsilon=1.001e-5)(x)
    x = layers.ReLU()(x)
    pooling = layers.AveragePooling2D if pool == "avg" else layers.MaxPooling2D
    x = pooling(2)(x)
    return layers.Conv2D(filters, 1, use_bias=False)(x)


def xception_middle_block(x, *, name, relu_first=True):
    y = x
    for _ in range(3):
        if relu_first:
            y = layers.ReLU()(y)
        y = layers.SeparableConv2D(
            x.shape[-1], 3, padding="same", use_bias=False
        )(y)
        y = layers.BatchNormalization()(y)
        if not relu_first:
            y = layers.ReLU()(y)
    return layers.Add()([x, y])


def inverted_residual(x, *, expansion, name, relu=6.0, linear=True):
    c = x.shape[-1]
    y = layers.Conv2D(expansion * c, 1, use_bias=False)(x)
    y = layers.ReLU(relu)(layers.BatchNormalization()(y))
    y = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(y)
    y = layers.ReLU(relu)(layers.BatchNormalization()(y))
    y = layers.BatchNormalization()(layers.Conv2D(c, 1, use_bias=False)(y))
    if not linear:
        y = layers.ReLU(relu)(y)
    return layers.Add()([x, y])


def with_relu_after_add(block):
    def wrong(x, **kwargs):
        return layers.ReLU()(block(x, **kwargs))

    return wrong


def without_batch_norms(x, *, name):
    y = x
    for _ in range(2):
        y = layers.ReLU()(y)
        y = layers.Conv2D(x.shape[-1], 3, padding="same", use_bias=False)(y)
    return layers.Add()([x, y])


def with_biases(x, *, name):
    y = x
    for _ in range(2):
        y = layers.ReLU()(layers.BatchNormalization()(y))
        y = layers.Conv2D(x.shape[-1], 3, padding="same")(y)
    return layers.Add()([x, y])


def default_epsilon(x, compression=0.5, *, name):
    filters = int(x.shape[-1] * compression)
    x = layers.AveragePooling2D(2)(
        layers.ReLU()(layers.BatchNormalization()(x))
    )
    return layers.Conv2D(filters, 1, use_bias=False)(x)


def pool_before_relu(x, compression=0.5, *, name):
    filters = int(x.shape[-1] * compression)
    x = layers.AveragePooling2D(2)(x)
    x = layers.ReLU()(layers.BatchNormalization(epsilon=1.001e-5)(x))
    return layers.Conv2D(filters, 1, use_bias=False)(x)


def with_kwargs(block, **fixed):
    def bound(x, **kwargs):
        return block(x, **kwargs, **fixed)

    return bound


CORRECT = [
    (block_exercises.check_preactivation_block, preactivation_block),
    (block_exercises.check_pool_first_transition, transition_pool_first),
    (block_exercises.check_xception_middle_block, xception_middle_block),
    (block_exercises.check_inverted_residual_block, inverted_residual),
]
# (checker, wrong block, words the hint must contain)
WRONG = [
    (
        block_exercises.check_preactivation_block,
        with_relu_after_add(preactivation_block),
        "nothing follows the addition",
    ),
    (
        block_exercises.check_preactivation_block,
        without_batch_norms,
        "0 BatchNormalization layers, the reference has 2",
    ),
    (
        block_exercises.check_preactivation_block,
        with_biases,
        "use_bias",
    ),
    (
        block_exercises.check_pool_first_transition,
        with_kwargs(transition_pool_first, pool="max"),
        "average, not max",
    ),
    (
        block_exercises.check_pool_first_transition,
        pool_before_relu,
        "pool after the ReLU",
    ),
    (
        block_exercises.check_pool_first_transition,
        default_epsilon,
        "epsilon=1.001e-05",
    ),
    (
        block_exercises.check_pool_first_transition,
        with_kwargs(transition_pool_first, bn=False),
        "0 BatchNormalization layers",
    ),
    (
        block_exercises.check_xception_middle_block,
        with_kwargs(xception_middle_block, relu_first=False),
        "before each separable convolution",
    ),
    (
        block_exercises.check_xception_middle_block,
        with_relu_after_add(xception_middle_block),
        "no ReLU after the addition",
    ),
    (
        block_exercises.check_inverted_residual_block,
        with_kwargs(inverted_residual, relu=None),
        "ReLU6",
    ),
    (
        block_exercises.check_inverted_residual_block,
        with_kwargs(inverted_residual, linear=False),
        "linear bottleneck",
    ),
]


@pytest.mark.parametrize(
    ("checker", "block"), CORRECT, ids=[c.__name__ for c, _ in CORRECT]
)
def test_checker_accepts_a_correct_block(checker, block, capsys):
    assert checker(block) is True
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("Correct:")
    assert all(line.endswith("equal outputs: True") for line in lines[:-1])


@pytest.mark.parametrize(
    ("checker", "block", "hint"),
    WRONG,
    ids=[f"{c.__name__}-{h.split()[0]}" for c, _, h in WRONG],
)
def test_checker_rejects_a_wrong_block_with_a_hint(checker, block, hint):
    with pytest.raises(AssertionError, match="Not yet:") as raised:
        checker(block)
    assert hint in str(raised.value), str(raised.value)
    assert "case 1 of" in str(raised.value)


def test_wrong_output_shape_is_named():
    def no_compression(x, compression=0.5, *, name):
        return transition_pool_first(x, 1.0, name=name)

    with pytest.raises(AssertionError, match=r"output shape \(4, 4, 32\)"):
        block_exercises.check_pool_first_transition(no_compression)


def test_unsolved_exercise_raises_not_implemented():
    def unsolved(x, *, name):
        raise NotImplementedError("Your turn")

    with pytest.raises(NotImplementedError, match="Your turn"):
        block_exercises.check_preactivation_block(unsolved)


def test_learner_fn_must_be_callable(no_layers):
    with pytest.raises(TypeError, match="learner_fn must be a callable"):
        block_exercises.check_xception_middle_block("middle_block")


def test_every_exported_checker_is_tested():
    tested = {checker.__name__ for checker, _ in CORRECT}
    rejected = {checker.__name__ for checker, _, _ in WRONG}
    assert tested == rejected == set(block_exercises.__all__)


# The solution each chapter folds away, run against its checker.
SOLUTIONS = [
    ("04_resnet", "preactivation_block", "check_preactivation_block"),
    ("05_densenet", "transition_pool_first", "check_pool_first_transition"),
    ("07_xception", "xception_middle_block", "check_xception_middle_block"),
    (
        "11_after_xception",
        "inverted_residual",
        "check_inverted_residual_block",
    ),
]


def solution_code(notebook: str, function: str) -> str:
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text())["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        for code in re.findall(r"```python\n(.*?)```", source, re.S):
            if cell["cell_type"] == "markdown" and f"def {function}(" in code:
                return code
    raise AssertionError(f"no solution defining {function} in {notebook}")


@pytest.mark.parametrize(("notebook", "function", "checker"), SOLUTIONS)
def test_the_chapters_solution_passes(notebook, function, checker, capsys):
    namespace = {"layers": layers}
    exec(solution_code(notebook, function), namespace)
    assert getattr(block_exercises, checker)(namespace[function]) is True
