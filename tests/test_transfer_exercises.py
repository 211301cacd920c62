"""The chapter-10 exercise accepts a correct solution and rejects typical
wrong ones with a hint."""

import math

import pytest

from cnnarch.transfer_exercises import check_xception_exit_side


def xception_exit_side(side):
    side = (side - 3) // 2 + 1  # block1_conv1: 3x3, stride 2, valid
    side = side - 2  # block1_conv2: 3x3, valid
    for _ in range(4):  # blocks 2, 3, 4 and 13: stride-2 'same' pooling
        side = math.ceil(side / 2)
    return side


def test_correct_solution_passes(capsys):
    assert check_xception_exit_side(xception_exit_side) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda side: math.ceil(side / 32), "valid"),
        (lambda side: side // 32, "rounds up"),
        (lambda side: 3, None),
    ],
)
def test_wrong_solutions_fail_with_a_hint(wrong, hint, capsys):
    assert check_xception_exit_side(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet")
    if hint:
        assert hint in out


def test_the_reference_matches_keras_applications():
    import keras

    model = keras.applications.Xception(
        weights=None, include_top=False, input_shape=(100, 100, 3)
    )
    assert model.output_shape[1] == xception_exit_side(100) == 3


def test_unsolved_stub_raises():
    def stub(side):
        raise NotImplementedError

    with pytest.raises(NotImplementedError):
        check_xception_exit_side(stub)
