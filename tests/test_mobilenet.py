"""MobileNet and MobileNetV2 against keras.applications, their blocks, the
small variants."""

import keras
import numpy as np
import pytest

from cnnarch import (
    MobileNet,
    MobileNetV2,
    SmallMobileNet,
    SmallMobileNetV2,
    depthwise_separable_block,
    inverted_residual_block,
    make_divisible,
)

from model_checks import assert_close, counts

RNG = np.random.default_rng(0)
AUTO_NAMED = ("input_layer", "avg_pool", "max_pool")


def assert_twins(ours: keras.Model, ref: keras.Model) -> None:
    """Same layer types, keras' names, counts, and equal outputs with the
    reference's weights (batch-norm statistics randomized)."""
    assert [type(layer) for layer in ours.layers] == [
        type(layer) for layer in ref.layers
    ]
    renamed = {
        o.name for o, r in zip(ours.layers, ref.layers) if o.name != r.name
    }
    assert renamed <= set(AUTO_NAMED)
    assert counts(ours) == counts(ref)
    assert ours.name == ref.name
    weights = [
        w if w.ndim > 1 else RNG.uniform(0.5, 1.5, w.shape).astype(w.dtype)
        for w in ref.get_weights()
    ]
    ref.set_weights(weights)
    ours.set_weights(weights)
    shape = [s or 67 for s in ref.input.shape[1:]]
    x = RNG.normal(size=(2, *shape)).astype("float32")
    expected = ref(x, training=False)
    assert np.abs(keras.ops.convert_to_numpy(expected)).max() > 0
    assert_close(ours(x, training=False), expected)


@pytest.mark.parametrize(
    "ours, ref, counted",
    [
        (MobileNet, keras.applications.MobileNet, (4_253_864, 4_231_976)),
        (
            MobileNetV2,
            keras.applications.MobileNetV2,
            (3_538_984, 3_504_872),
        ),
    ],
)
def test_default_models_equal_keras(ours, ref, counted):
    # Published in the Keras Applications table: 4.3M and 3.5M parameters.
    model = ours(classifier_activation=None)
    assert counts(model)[:2] == counted
    assert_twins(model, ref(weights=None, classifier_activation=None))


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(alpha=0.3, depth_multiplier=2, pooling="max"),
        pytest.param(
            dict(alpha=0.75, input_shape=(96, 96, 3), pooling="avg"),
            marks=pytest.mark.slow,
        ),
    ],
)
def test_mobilenet_options_equal_keras(kwargs):
    kwargs = {"include_top": False, "input_shape": (67, 45, 3), **kwargs}
    assert_twins(
        MobileNet(**kwargs),
        keras.applications.MobileNet(weights=None, **kwargs),
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(alpha=1.4, pooling="avg"),
        pytest.param(dict(alpha=0.35, pooling=None), marks=pytest.mark.slow),
    ],
)
def test_mobilenet_v2_options_equal_keras(kwargs):
    # 67x45: odd and even sides, so both of correct_pad's paddings occur.
    kwargs = {"include_top": False, "input_shape": (67, 45, 3), **kwargs}
    assert_twins(
        MobileNetV2(**kwargs),
        keras.applications.MobileNetV2(weights=None, **kwargs),
    )


def test_depthwise_separable_block_params():
    inputs = keras.Input((16, 16, 32))
    block = keras.Model(
        inputs, depthwise_separable_block(inputs, 64, strides=2, block_id=1)
    )
    # 3x3 depthwise + BN(32) + 1x1 pointwise + BN(64), no biases.
    assert block.count_params() == 9 * 32 + 4 * 32 + 32 * 64 + 4 * 64
    assert block.output.shape == (None, 8, 8, 64)


def test_inverted_residual_block_is_linear_at_the_end():
    inputs = keras.Input((8, 8, 24))
    out = inverted_residual_block(inputs, 24, expansion=6, name="block_2")
    block = keras.Model(inputs, out)
    hidden = 6 * 24
    assert block.count_params() == (
        24 * hidden + 4 * hidden + 9 * hidden + 4 * hidden + hidden * 24 + 96
    )
    # The last layers are projection BN then Add: no ReLU after projecting.
    assert [type(layer).__name__ for layer in block.layers[-2:]] == [
        "BatchNormalization",
        "Add",
    ]


@pytest.mark.parametrize(
    "value, rounded", [(32 * 0.35, 16), (24 * 0.35, 8), (1280 * 1.4, 1792)]
)
def test_make_divisible(value, rounded):
    assert make_divisible(value) == rounded


@pytest.mark.parametrize(
    "builder, counted",
    [
        (SmallMobileNet, (221_114, 215_642)),
        (SmallMobileNetV2, (423_018, 408_938)),
    ],
)
def test_small_variants(builder, counted):
    model = builder()
    assert counts(model)[:2] == counted
    assert model.output.shape == (None, 10) and not model.compiled
    x = RNG.normal(size=(3, 32, 32, 3)).astype("float32")
    rows = keras.ops.convert_to_numpy(model(x, training=False))
    assert np.allclose(rows.sum(axis=1), 1.0, atol=1e-5)
    # the last feature map is 2x2 for a 32x32 input (stem stride 1)
    last = "conv_pw_13_relu" if builder is SmallMobileNet else "out_relu"
    assert model.get_layer(last).output.shape[1:3] == (2, 2)
