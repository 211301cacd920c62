"""preprocess_input against keras.applications' on random images."""

import importlib

import numpy as np
import pytest

from cnnarch.preprocessing import FAMILY_MODES, preprocess_input


@pytest.mark.parametrize("family", sorted(FAMILY_MODES))
@pytest.mark.parametrize("dtype", ["uint8", "float32", "float64"])
def test_equals_keras(family, dtype):
    module = importlib.import_module(f"keras.applications.{family}")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(2, 5, 7, 3)).astype(dtype)
    original = x.copy()
    got = preprocess_input(x, family)
    expected = np.asarray(module.preprocess_input(x.copy()))
    assert np.array_equal(x, original)  # ours works on a copy
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.allclose(got, expected, rtol=1e-6, atol=1e-5)


def test_ranges_by_mode():
    white = np.full((1, 1, 3), 255.0, dtype="float32")
    black = np.zeros((1, 1, 3), dtype="float32")
    assert np.allclose(preprocess_input(white, "xception"), 1.0)
    assert np.allclose(preprocess_input(black, "mobilenet_v2"), -1.0)
    # caffe: BGR order, mean subtracted: black becomes minus the BGR mean
    assert np.allclose(
        preprocess_input(black, "resnet50"), [-103.939, -116.779, -123.68]
    )
    assert np.allclose(
        preprocess_input(white, "densenet"),
        (1 - np.array([0.485, 0.456, 0.406])) / [0.229, 0.224, 0.225],
    )
