"""Every self-checking exercise accepts a correct solution and rejects typical wrong ones with a hint."""

import pytest

from cnnarch import exercises


def conv2d_params(k, c_in, c_out):
    return k * k * c_in * c_out + c_out


def separable_conv2d_macs(h_out, w_out, k, c_in, c_out):
    return h_out * w_out * (k * k * c_in + c_in * c_out)


def bottleneck_params(c_in, filters, strides):
    convs = (
        (c_in + 1) * filters
        + (9 * filters + 1) * filters
        + (filters + 1) * 4 * filters
    )
    batch_norms = 4 * (filters + filters + 4 * filters)
    projection = 0
    if c_in != 4 * filters or strides != 1:
        projection = (c_in + 1) * 4 * filters + 4 * 4 * filters
    return convs + batch_norms + projection


def dense_block_channels(c_in, layers_in_block, growth_rate):
    return c_in + layers_in_block * growth_rate


def inception_module_params(
    c_in, f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj
):
    return (
        (c_in + 1) * f1x1
        + (c_in + 1) * f3x3_reduce
        + (9 * f3x3_reduce + 1) * f3x3
        + (c_in + 1) * f5x5_reduce
        + (25 * f5x5_reduce + 1) * f5x5
        + (c_in + 1) * pool_proj
    )


def middle_block_params(channels):
    return 3 * (9 * channels + channels * channels + 4 * channels)


def activation_bytes(
    height, width, channels, layers_in_stack, bytes_per_element
):
    return (
        height * width * (3 + channels * layers_in_stack) * bytes_per_element
    )


def inverted_residual_params(c_in, expansion, c_out):
    hidden = expansion * c_in
    expand = (c_in + 4) * hidden if expansion != 1 else 0
    return expand + (9 + 4) * hidden + hidden * c_out + 4 * c_out


# (checker, correct solution, wrong solution, words the hint for the wrong one must contain)
CASES = [
    (
        exercises.check_conv2d_params,
        conv2d_params,
        lambda k, c_in, c_out: k * k * c_in * c_out,
        "bias",
    ),
    (
        exercises.check_separable_conv2d_macs,
        separable_conv2d_macs,
        lambda h_out, w_out, k, c_in, c_out: h_out * w_out * k * k * c_in,
        "pointwise",
    ),
    (
        exercises.check_bottleneck_params,
        bottleneck_params,
        lambda c_in, filters, strides: (
            bottleneck_params(c_in, filters, strides)
            - (
                (c_in + 1) * 4 * filters + 4 * 4 * filters
                if c_in != 4 * filters or strides != 1
                else 0
            )
        ),
        "projection",
    ),
    (
        exercises.check_dense_block_channels,
        dense_block_channels,
        lambda c_in, layers_in_block, growth_rate: (
            layers_in_block * growth_rate
        ),
        "start from c_in",
    ),
    (
        exercises.check_inception_module_params,
        inception_module_params,
        lambda c_in, f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj: (
            inception_module_params(
                c_in, f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj
            )
            - f1x1
            - f3x3_reduce
            - f3x3
            - f5x5_reduce
            - f5x5
            - pool_proj
        ),
        "bias",
    ),
    (
        exercises.check_middle_block_params,
        middle_block_params,
        lambda channels: 3 * (9 * channels * channels + 4 * channels),
        "standard 3×3",
    ),
    (
        exercises.check_activation_bytes,
        activation_bytes,
        lambda height, width, channels, layers_in_stack, bytes_per_element: (
            height * width * channels * layers_in_stack * bytes_per_element
        ),
        "input image",
    ),
    (
        exercises.check_inverted_residual_params,
        inverted_residual_params,
        lambda c_in, expansion, c_out: (
            inverted_residual_params(c_in, expansion, c_out)
            - 2 * expansion * c_in * (expansion != 1)
            - 2 * expansion * c_in
            - 2 * c_out
        ),
        "moving mean",
    ),
]
IDS = [checker.__name__ for checker, *_ in CASES]


@pytest.mark.parametrize(
    ("checker", "correct", "wrong", "hint"), CASES, ids=IDS
)
def test_checker_accepts_the_correct_solution(
    checker, correct, wrong, hint, capsys
):
    assert checker(correct) is True
    out = capsys.readouterr().out
    assert out.startswith("Correct:")
    assert "all" in out and "cases" in out


@pytest.mark.parametrize(
    ("checker", "correct", "wrong", "hint"), CASES, ids=IDS
)
def test_checker_rejects_a_wrong_solution_with_a_specific_hint(
    checker, correct, wrong, hint, capsys
):
    assert checker(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:")
    assert "expected" in out and "got" in out and "case" in out
    assert hint in out, out


@pytest.mark.parametrize(
    ("checker", "correct", "wrong", "hint"), CASES, ids=IDS
)
def test_checker_rejects_an_answer_off_by_one(
    checker, correct, wrong, hint, capsys
):
    assert checker(lambda **case: correct(**case) + 1) is False
    assert "Not yet:" in capsys.readouterr().out


def test_unsolved_exercise_raises_not_implemented():
    def unsolved(k, c_in, c_out):
        raise NotImplementedError("Complete conv2d_params")

    with pytest.raises(NotImplementedError, match="Complete conv2d_params"):
        exercises.check_conv2d_params(unsolved)


def test_every_exported_checker_is_tested():
    assert sorted(exercises.__all__) == sorted(IDS)
