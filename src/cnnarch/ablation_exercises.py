"""The self-checking exercise of chapter 9: the exact paired sign-flip test.

``check_sign_flip_p(learner_fn)`` compares a learner's
``sign_flip_p(a, b)`` with SciPy's exact permutation test of paired samples
(``scipy.stats.permutation_test`` with ``permutation_type="samples"``), an
implementation independent of ``cnnarch.train.paired_permutation_test``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats

__all__ = ["check_sign_flip_p"]

CASES: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...] = (
    ((0.72, 0.70, 0.75, 0.69, 0.71), (0.50, 0.55, 0.49, 0.52, 0.47)),
    ((0.70, 0.62, 0.75, 0.66, 0.71), (0.68, 0.65, 0.70, 0.69, 0.66)),
    ((0.6, 0.7, 0.8), (0.7, 0.6, 0.8)),
    (
        (0.31, 0.42, 0.28, 0.39, 0.35, 0.30),
        (0.30, 0.35, 0.33, 0.31, 0.36, 0.2),
    ),
)


def _scipy_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Exact two-sided p-value of mean(a - b) = 0, by SciPy."""

    def mean_difference(x, y, axis):
        return np.mean(np.asarray(x) - np.asarray(y), axis=axis)

    result = stats.permutation_test(
        (np.asarray(a), np.asarray(b)),
        mean_difference,
        permutation_type="samples",
        vectorized=True,
        n_resamples=np.inf,
        alternative="two-sided",
    )
    return float(result.pvalue)


def _pattern_means(
    a: Sequence[float], b: Sequence[float]
) -> tuple[np.ndarray, float]:
    """The mean of a - b under each of the 2^n sign patterns, and the
    observed mean."""
    d = np.asarray(a) - np.asarray(b)
    signs = np.array(list(itertools.product((1, -1), repeat=len(d))))
    return (signs * d).mean(axis=1), float(d.mean())


def _one_sided(a: Sequence[float], b: Sequence[float]) -> float:
    """A common mistake: only the patterns at least as large, not as far."""
    means, observed = _pattern_means(a, b)
    return float(np.mean(means >= observed - 1e-12))


def _strict(a: Sequence[float], b: Sequence[float]) -> float:
    """A common mistake: the observed pattern itself not counted."""
    means, observed = _pattern_means(a, b)
    return float(np.mean(np.abs(means) > abs(observed) + 1e-12))


MISTAKES = (
    (
        _one_sided,
        "count the patterns whose mean is at least as far from 0 "
        "as the observed one, on either side (abs).",
    ),
    (
        _strict,
        "the observed sign pattern is one of the 2^n patterns: count "
        "it too (>=, not >).",
    ),
)


def check_sign_flip_p(
    learner_fn: Callable[[Sequence[float], Sequence[float]], float],
) -> bool:
    """Check ``learner_fn(a, b)``, the exact two-sided paired sign-flip
    p-value, against SciPy on a few paired samples; print the verdict."""
    __tracebackhide__ = True
    if not callable(learner_fn):
        raise TypeError(
            f"learner_fn must be a function sign_flip_p(a, b), got "
            f"{learner_fn!r}"
        )
    for number, (a, b) in enumerate(CASES, start=1):
        expected = _scipy_p(a, b)
        got = learner_fn(list(a), list(b))
        if not isinstance(got, (int, float, np.floating)) or not math.isclose(
            float(got), expected, abs_tol=1e-9
        ):
            hint = next(
                (
                    f" Hint: {text}"
                    for mistake, text in MISTAKES
                    if isinstance(got, (int, float, np.floating))
                    and math.isclose(float(got), mistake(a, b), abs_tol=1e-9)
                ),
                "",
            )
            print(
                f"Not yet: sign_flip_p, case {number} of {len(CASES)} "
                f"(a={list(a)}, b={list(b)}): expected {expected:.4f} "
                f"(SciPy's exact test), got {got!r}.{hint}"
            )
            return False
    print(
        f"Correct: sign_flip_p agrees with SciPy's exact permutation test "
        f"on all {len(CASES)} cases."
    )
    return True
