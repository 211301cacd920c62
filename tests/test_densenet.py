"""cnnarch.densenet against keras.applications.DenseNet121/169/201 (weights=None), and the CIFAR variant."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import cnnarch
from cnnarch import densenet

from model_checks import assert_close, counts

# name: (ours, reference, published total with the 1000-class top, channels before the head)
MODELS = {
    "densenet121": (
        cnnarch.DenseNet121,
        keras.applications.DenseNet121,
        8_062_504,
        1024,
    ),
    "densenet169": (
        cnnarch.DenseNet169,
        keras.applications.DenseNet169,
        14_307_880,
        1664,
    ),
    "densenet201": (
        cnnarch.DenseNet201,
        keras.applications.DenseNet201,
        20_242_984,
        1920,
    ),
}
SMALL = (64, 64, 3)


@pytest.mark.slow
def test_default_densenet121_is_224_with_the_published_parameter_count():
    model = cnnarch.DenseNet121()
    assert model.name == "densenet121"
    assert model.input_shape == (None, 224, 224, 3)
    assert model.output_shape == (None, 1000)
    assert model.layers[-1].activation is keras.activations.softmax
    assert model.count_params() == 8_062_504


def test_dense_layer_grows_channels_by_k_and_transition_compresses():
    x = keras.Input((8, 8, 40))
    y = densenet.dense_block(x, 3, 12, name="d")
    assert y.shape == (None, 8, 8, 40 + 3 * 12)
    z = densenet.transition_block(y, 0.5, name="t")
    assert z.shape == (None, 4, 4, 38)
    model = keras.Model(x, z)
    layer_names = [layer.name for layer in model.layers]
    assert layer_names[1:8] == [
        "d_block1_0_bn",
        "d_block1_0_relu",
        "d_block1_1_conv",
        "d_block1_1_bn",
        "d_block1_1_relu",
        "d_block1_2_conv",
        "d_block1_concat",
    ]
    assert layer_names[-4:] == ["t_bn", "t_relu", "t_conv", "t_pool"]
    # Each dense layer: BN(c) + 1x1 conv c->4k + BN(4k) + 3x3 conv 4k->k; BN has 4 numbers per channel.
    per_layer = [4 * c + c * 48 + 4 * 48 + 9 * 48 * 12 for c in (40, 52, 64)]
    assert model.count_params() == sum(per_layer) + 4 * 76 + 76 * 38


def test_small_densenet_parameter_count_and_output():
    model = cnnarch.SmallDenseNet()
    assert counts(model) == (105_622, 102_730, 2_892)
    assert cnnarch.SmallDenseNet(depths=(6, 6, 6)).count_params() == 181_210
    assert model.output_shape == (None, 10)
    x = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    with tf.GradientTape() as tape:
        probs = model(x, training=True)
        loss = keras.losses.sparse_categorical_crossentropy(
            np.array([3, 7]), probs
        )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(probs).sum(axis=1), 1.0, rtol=1e-5
    )
    grads = tape.gradient(loss, model.trainable_weights)
    assert all(
        g is not None and float(tf.reduce_max(tf.abs(g))) > 0 for g in grads
    )


# The big models last: while a module fixture holds them, every test's session reset is slower.
# Each model is built once, without the top at 64x64 (conv5 is 2x2), with one of the three pooling
# modes, so that every mode is compared with the reference without building more models.
POOLING = {"densenet121": None, "densenet169": "max", "densenet201": "avg"}
LAST_LAYER = {None: "relu", "avg": "avg_pool", "max": "max_pool"}


# DenseNet-169 and -201 only in the full run (`make test`): same layers, more of them.
DEEP = pytest.mark.slow
PARAMS = [
    pytest.param(n, marks=DEEP) if n != "densenet121" else n
    for n in sorted(MODELS)
]


@pytest.fixture(scope="module", params=PARAMS)
def pair(request):
    """Ours and the reference for one model: (name, pooling, ours, reference)."""
    ours_fn, ref_fn, _, _ = MODELS[request.param]
    kwargs = {
        "include_top": False,
        "input_shape": SMALL,
        "pooling": POOLING[request.param],
    }
    return (
        request.param,
        kwargs["pooling"],
        ours_fn(**kwargs),
        ref_fn(weights=None, **kwargs),
    )


def test_structure_matches_reference(pair):
    name, pooling, ours, ref = pair
    _, _, published, channels = MODELS[name]
    assert ours.name == name
    assert counts(ours) == counts(ref)
    assert ours.count_params() + channels * 1000 + 1000 == published
    # keras.applications leaves its two ZeroPadding2D layers unnamed; we name them like ResNet's.
    pads = [
        layer.name
        for layer in ours.layers
        if isinstance(layer, keras.layers.ZeroPadding2D)
    ]
    assert pads == ["conv1_pad", "pool1_pad"]
    named = [
        i
        for i, layer in enumerate(ref.layers)
        if i > 0 and not isinstance(layer, keras.layers.ZeroPadding2D)
    ]
    assert [ours.layers[i].name for i in named] == [
        ref.layers[i].name for i in named
    ]
    assert [w.path for w in ours.weights] == [w.path for w in ref.weights]
    shape = (None, 2, 2, channels) if pooling is None else (None, channels)
    assert ours.output_shape == ref.output_shape == shape
    assert ours.layers[-1].name == ref.layers[-1].name == LAST_LAYER[pooling]


def test_outputs_match_after_copying_weights(pair):
    _, _, ours, ref = pair
    ours.set_weights(ref.get_weights())
    x = np.random.default_rng(0).uniform(0, 255, (2, *SMALL)).astype("float32")
    assert_close(ours(x), ref(x))
