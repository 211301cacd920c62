"""The shared builder pieces: argument checks, the pooled head, and weight loading."""

import re
import socket

import keras
import numpy as np
import pytest

from cnnarch import blocks

GOOD = dict(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
            classifier_activation="softmax", default_size=224, min_size=32)


def check(**changes):
    return blocks.check_builder_args("testnet", **{**GOOD, **changes})


def test_default_input_shape_follows_keras_applications():
    assert check() == (224, 224, 3)
    assert check(include_top=False) == (None, None, 3)
    assert check(input_shape=[64, 48, 1]) == (64, 48, 1)


@pytest.mark.parametrize(("changes", "argument"), [
    ({"input_shape": (224, 224)}, "input_shape"),
    ({"input_shape": (31, 64, 3)}, "input_shape"),
    ({"input_shape": (224, 224, 1), "weights": "imagenet"}, "input_shape"),
    ({"input_shape": (128, 128, 3), "weights": "imagenet"}, "input_shape"),
    ({"classes": 0}, "classes"),
    ({"classes": 2.5}, "classes"),
    ({"classes": True}, "classes"),
    ({"pooling": "mean"}, "pooling"),
    ({"classifier_activation": "softmaxx"}, "classifier_activation"),
    ({"classifier_activation": "sigmoid", "weights": "imagenet"}, "classifier_activation"),
    ({"classes": 10, "weights": "imagenet"}, "classes"),
    ({"weights": "no/such/file.weights.h5"}, "weights"),
    ({"weights": 3}, "weights"),
])
def test_bad_arguments_name_the_argument(changes, argument):
    with pytest.raises(ValueError, match=f"^{argument} ") as err:
        check(**changes)
    assert "testnet" in str(err.value) or argument == "weights"


def test_accepted_variants():
    assert check(include_top=False, pooling="max", weights="imagenet", classes=10) == (None, None, 3)
    assert check(classifier_activation=None, weights="imagenet") == (224, 224, 3)
    assert check(classifier_activation=keras.activations.sigmoid) == (224, 224, 3)


@pytest.mark.parametrize(("include_top", "pooling", "shape"), [
    (True, None, (None, 7)),
    (False, "avg", (None, 16)),
    (False, "max", (None, 16)),
    (False, None, (None, 4, 4, 16)),
])
def test_pooled_classifier_shapes_and_names(include_top, pooling, shape):
    inputs = keras.Input((4, 4, 3))
    features = keras.layers.Conv2D(16, 1, name="features")(inputs)
    outputs = blocks.pooled_classifier(features, include_top=include_top, pooling=pooling, classes=7,
                                       classifier_activation="softmax")
    model = keras.Model(inputs, outputs)
    assert tuple(model.output.shape) == shape
    names = {layer.name for layer in model.layers}
    if include_top:
        assert {"avg_pool", "predictions"} <= names
    elif pooling:
        assert f"{pooling}_pool" in names


def _tiny():
    inputs = keras.Input((4, 4, 3))
    return keras.Model(inputs, keras.layers.Conv2D(2, 3, name="conv")(inputs))


def test_load_weights_from_a_file_round_trips(tmp_path):
    source, target = _tiny(), _tiny()
    path = tmp_path / "tiny.weights.h5"
    source.save_weights(path)
    blocks.load_weights(target, str(path), reference=None)
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_imagenet_weights_fail_fast_when_offline(monkeypatch):
    with socket.socket() as sock:  # a local port with nothing listening: the connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(blocks, "_WEIGHTS_HOST", ("127.0.0.1", port))

    def never(**kwargs):
        raise AssertionError("the reference must not be built when offline")

    with pytest.raises(RuntimeError, match="not reachable"):
        blocks.load_weights(_tiny(), "imagenet", never)


@pytest.mark.parametrize("value", [0, -0.5, float("nan"), float("inf"), True, "0.5", None])
def test_check_width_multiplier_rejects_non_positive_or_non_finite_numbers(value):
    message = f"width_multiplier must be a number > 0 for net, got {value!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        blocks.check_width_multiplier(value, "net")


@pytest.mark.parametrize("value", [1, 0.0625, 2.5])
def test_check_width_multiplier_accepts_positive_numbers(value):
    blocks.check_width_multiplier(value, "net")  # returns without raising


@pytest.mark.parametrize(("filters", "multiplier", "expected"), [
    (728, 0.125, 91), (64, 0.5, 32), (8, 0.5, 4), (32, 0.01, 1), (3, 0.5, 2), (10, 1.5, 15),
])
def test_scale_filters_rounds_and_keeps_at_least_one(filters, multiplier, expected):
    assert blocks.scale_filters(filters, multiplier) == expected
