"""Shared test set-up: quiet TensorFlow, fixed seeds, a fresh Keras session per test."""

import gc
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import pytest  # noqa: E402

import cnnarch  # noqa: E402,F401  (imports TensorFlow quietly first)


@pytest.fixture(autouse=True)
def fresh_keras_session():
    """Reset Keras' global state and fix the seeds, so tests neither leak names nor flake.

    Garbage collection costs about half a second, so it runs once per module
    (below), not here.
    """
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)
    yield


@pytest.fixture(autouse=True, scope="module")
def free_memory_after_module():
    """Collect the big models a module's fixtures built once the module is done."""
    yield
    keras.backend.clear_session()
    gc.collect()


@pytest.fixture
def no_layers(monkeypatch):
    """Make creating any Keras layer or input fail, so a check that passes ran first.

    The one layer-building guard of the test suite: every layer (InputLayer,
    Conv2D, a Model itself) goes through ``keras.layers.Layer.__init__``.
    """

    def refuse(*args, **kwargs):
        raise AssertionError(
            "a layer was built before the arguments were checked"
        )

    monkeypatch.setattr(keras.layers.Layer, "__init__", refuse)
    monkeypatch.setattr(keras, "Input", refuse)
