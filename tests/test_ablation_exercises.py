"""check_sign_flip_p against SciPy's exact test: right answers pass, the
common mistakes fail with their hint."""

import itertools

import numpy as np
import pytest

from cnnarch import train
from cnnarch.ablation_exercises import check_sign_flip_p


def by_enumeration(a, b):
    d = np.asarray(a) - np.asarray(b)
    means = [
        abs((d * s).mean()) for s in itertools.product((1, -1), repeat=len(d))
    ]
    return float(np.mean(np.array(means) >= abs(d.mean()) - 1e-12))


def test_correct_solutions_pass(capsys):
    assert check_sign_flip_p(by_enumeration)
    assert check_sign_flip_p(train.paired_permutation_test)
    assert "Correct" in capsys.readouterr().out


def test_one_sided_p_fails_with_hint(capsys):
    def one_sided(a, b):
        d = np.asarray(a) - np.asarray(b)
        means = [
            (d * s).mean() for s in itertools.product((1, -1), repeat=len(d))
        ]
        return float(np.mean(np.array(means) >= d.mean() - 1e-12))

    assert not check_sign_flip_p(one_sided)
    out = capsys.readouterr().out
    assert "expected 0.0625" in out and "either side" in out


def test_strict_inequality_fails_with_hint(capsys):
    def strict(a, b):
        return by_enumeration(a, b) - 2 / 2 ** len(a)

    assert not check_sign_flip_p(strict)
    assert "Not yet" in capsys.readouterr().out


def test_a_t_test_is_not_the_exact_test(capsys):
    from scipy import stats

    assert not check_sign_flip_p(lambda a, b: stats.ttest_rel(a, b).pvalue)
    assert "Not yet" in capsys.readouterr().out


def test_unsolved_stub_raises():
    def stub(a, b):
        raise NotImplementedError

    with pytest.raises(NotImplementedError):
        check_sign_flip_p(stub)
