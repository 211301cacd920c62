"""The shared building units: the classifier head, scale_filters, the separable unit."""

import keras
import numpy as np
import pytest

from cnnarch import blocks


@pytest.mark.parametrize(
    ("include_top", "pooling", "shape"),
    [
        (True, None, (None, 7)),
        (False, "avg", (None, 16)),
        (False, "max", (None, 16)),
        (False, None, (None, 4, 4, 16)),
    ],
)
def test_pooled_classifier_shapes_and_names(include_top, pooling, shape):
    inputs = keras.Input((4, 4, 3))
    features = keras.layers.Conv2D(16, 1, name="features")(inputs)
    outputs = blocks.pooled_classifier(
        features,
        include_top=include_top,
        pooling=pooling,
        classes=7,
        classifier_activation="softmax",
    )
    model = keras.Model(inputs, outputs)
    assert tuple(model.output.shape) == shape
    names = {layer.name for layer in model.layers}
    if include_top:
        assert {"avg_pool", "predictions"} <= names
    elif pooling:
        assert f"{pooling}_pool" in names


@pytest.mark.parametrize(
    ("filters", "multiplier", "expected"),
    [
        (728, 0.125, 91),
        (64, 0.5, 32),
        (8, 0.5, 4),
        (32, 0.01, 1),
        (3, 0.5, 2),
        (10, 1.5, 15),
    ],
)
def test_scale_filters_rounds_and_keeps_at_least_one(
    filters, multiplier, expected
):
    assert blocks.scale_filters(filters, multiplier) == expected


def test_conv_units_are_named_and_counted_like_keras_layers():
    inputs = keras.Input((8, 8, 4))
    y = blocks.conv_bn(inputs, 6, 3, strides=2, name="u")
    z = blocks.conv_relu(y, 5, 1, name="v", batch_norm=True)
    model = keras.Model(inputs, z)
    names = [layer.name for layer in model.layers[1:]]
    assert names == ["u_conv", "u_bn", "u_relu", "v_conv", "v_bn", "v_relu"]
    assert model.output.shape == (None, 4, 4, 5)
    # conv_bn: no bias, BN without scale (beta, mean, variance: 3 per channel)
    assert model.count_params() == 9 * 4 * 6 + 3 * 6 + 6 * 5 + 4 * 5


def test_epsilon_is_keras_applications_resnet_epsilon():
    ref = keras.applications.ResNet50(
        weights=None, include_top=False, input_shape=(32, 32, 3)
    )
    assert ref.get_layer("conv1_bn").epsilon == blocks.EPSILON


def test_sepconv_bn_decomposed_equals_fused():
    rng = np.random.default_rng(0)
    inputs = keras.Input((8, 8, 5))
    fused = keras.Model(inputs, blocks.sepconv_bn(inputs, 7, name="a"))
    split = keras.Model(
        inputs,
        blocks.sepconv_bn(
            inputs, 7, name="b", intermediate_activation="linear"
        ),
    )
    weights = [
        rng.normal(size=w.shape).astype("float32") for w in fused.get_weights()
    ]
    weights[-1] = np.abs(weights[-1]) + 0.5  # moving variance > 0
    fused.set_weights(weights)
    split.set_weights(weights)
    x = rng.normal(size=(2, 8, 8, 5)).astype("float32")
    assert np.allclose(
        fused(x, training=False), split(x, training=False), atol=1e-5
    )
