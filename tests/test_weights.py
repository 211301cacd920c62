"""cnnarch.weights: a weights file, and 'imagenet' from Keras' cache without a network."""

import socket

import h5py
import keras
import numpy as np
import pytest
from keras.src.backend import config as keras_config
from keras.src.legacy.saving import legacy_h5_format
from keras.src.utils import file_utils

import cnnarch
from cnnarch import network, weights


def _tiny():
    inputs = keras.Input((4, 4, 3))
    return keras.Model(inputs, keras.layers.Conv2D(2, 3, name="conv")(inputs))


def test_load_weights_from_a_file_round_trips(tmp_path):
    source, target = _tiny(), _tiny()
    path = tmp_path / "tiny.weights.h5"
    source.save_weights(path)
    weights.load_weights(target, str(path), reference=None)
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """An empty Keras home (ours and Keras' own view of it) and no network at all."""
    home = tmp_path / "keras"
    (home / "models").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(home))

    def no_network(*args, **kwargs):
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(file_utils, "urlretrieve", no_network)
    return home / "models"


def test_imagenet_weights_load_offline_from_keras_cache(offline, monkeypatch):
    # What Keras would have cached: keras.applications' VGG16 weights file.
    # Its hash is not the published one, so Keras' hash check is patched.
    shape = (32, 32, 3)
    ref = keras.applications.VGG16(
        weights=None, include_top=False, input_shape=shape
    )
    rng = np.random.default_rng(0)
    ref.set_weights(
        [rng.normal(size=w.shape).astype("float32") for w in ref.get_weights()]
    )
    path = offline / weights.imagenet_file("vgg16", include_top=False)
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, ref)
    monkeypatch.setattr(file_utils, "validate_file", lambda *a, **k: True)

    ours = cnnarch.VGG16(
        include_top=False, weights="imagenet", input_shape=shape
    )
    for a, b in zip(ours.get_weights(), ref.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_imagenet_weights_fail_clearly_when_neither_cached_nor_reachable(
    offline,
):
    def never(**kwargs):
        raise AssertionError("the reference must not be built when offline")

    model = _tiny()
    model.name = "vgg16"
    with pytest.raises(RuntimeError, match="not cached .* not reachable"):
        weights.load_weights(model, "imagenet", never, include_top=False)


def test_imagenet_file_names_are_keras_applications_names():
    # From keras/src/applications/{vgg16,xception}.py's get_file calls.
    assert weights.imagenet_file("vgg16", True) == (
        "vgg16_weights_tf_dim_ordering_tf_kernels.h5"
    )
    assert weights.imagenet_file("xception", False) == (
        "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"
    )
    assert network.keras_cache_dir("models").endswith("models")
