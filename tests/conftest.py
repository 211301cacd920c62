"""Shared test set-up: quiet TensorFlow, fixed seeds, a fresh Keras session per test."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import cnnarch  # noqa: E402,F401  (imports TensorFlow quietly first)
import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_keras_session():
    """Free the previous test's graphs and fix the seeds, so tests neither leak nor flake."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    yield
