"""cnnarch.vgg against keras.applications.VGG16/VGG19 (weights=None), and the small CIFAR variant."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import cnnarch
from cnnarch import vgg

from model_checks import assert_close, counts

PAIRS = {
    "vgg16": (cnnarch.VGG16, keras.applications.VGG16),
    "vgg19": (cnnarch.VGG19, keras.applications.VGG19),
}
# Published totals (torchvision's VGG tables; the same layers and biases as keras.applications).
KNOWN_PARAMS = {"vgg16": 138_357_544, "vgg19": 143_667_240}
SMALL = (64, 64, 3)


# VGG-19 only in the full run (`make test`): VGG-16 with more convolutions.
NAMES = [
    pytest.param(n, marks=pytest.mark.slow) if n == "vgg19" else n
    for n in sorted(PAIRS)
]


@pytest.fixture(scope="module", params=NAMES)
def logit_pair(request):
    """Our model and the reference with the full top at 32x32 (fc1 then has 512 inputs), logits out."""
    ours_fn, ref_fn = PAIRS[request.param]
    kwargs = {"input_shape": (32, 32, 3), "classifier_activation": None}
    return request.param, ours_fn(**kwargs), ref_fn(weights=None, **kwargs)


def test_default_vgg16_is_224_with_the_published_parameter_count():
    model = cnnarch.VGG16()
    assert model.name == "vgg16"
    assert model.input_shape == (None, 224, 224, 3)
    assert model.output_shape == (None, 1000)
    assert model.layers[-1].activation is keras.activations.softmax
    assert counts(model) == (KNOWN_PARAMS["vgg16"], KNOWN_PARAMS["vgg16"], 0)


def test_structure_matches_reference(logit_pair):
    name, ours, ref = logit_pair
    assert ours.name == name
    assert counts(ours) == counts(ref)
    # At 32x32 only fc1's fan-in changes: 1x1x512 instead of 7x7x512 inputs.
    assert ours.count_params() == KNOWN_PARAMS[name] - (7 * 7 - 1) * 512 * 4096
    assert [layer.name for layer in ours.layers[1:]] == [
        layer.name for layer in ref.layers[1:]
    ]
    assert [w.path for w in ours.weights] == [w.path for w in ref.weights]


def test_logits_match_after_copying_weights(logit_pair):
    _, ours, ref = logit_pair
    ours.set_weights(ref.get_weights())
    x = (
        np.random.default_rng(0)
        .uniform(0, 255, (2, 32, 32, 3))
        .astype("float32")
    )
    assert_close(
        keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(ref(x))
    )


@pytest.mark.parametrize("name", NAMES)
def test_pooling_output_shapes_match_reference(name):
    ours_fn, ref_fn = PAIRS[name]
    for pooling, shape, last in [
        (None, (None, 2, 2, 512), "block5_pool"),
        ("avg", (None, 512), "avg_pool"),
        ("max", (None, 512), "max_pool"),
    ]:
        ours = ours_fn(include_top=False, input_shape=SMALL, pooling=pooling)
        ref = ref_fn(
            weights=None, include_top=False, input_shape=SMALL, pooling=pooling
        )
        assert ours.output_shape == ref.output_shape == shape
        assert ours.layers[-1].name == last


def test_default_softmax_head_matches_reference():
    ours = cnnarch.VGG16(input_shape=(32, 32, 3), classes=7)
    ref = keras.applications.VGG16(
        weights=None, input_shape=(32, 32, 3), classes=7
    )
    assert counts(ours) == counts(ref)
    ours.set_weights(ref.get_weights())
    x = (
        np.random.default_rng(1)
        .uniform(0, 255, (2, 32, 32, 3))
        .astype("float32")
    )
    probs = keras.ops.convert_to_numpy(ours(x))
    np.testing.assert_allclose(
        probs, keras.ops.convert_to_numpy(ref(x)), rtol=1e-4, atol=1e-7
    )
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_config_table_gives_the_paper_depths():
    # Weight layers = 3x3 convs of Table 1 + the three fully connected layers.
    depths = {
        config: sum(convs for _, convs in rows) + 3
        for config, rows in vgg.CONFIGS.items()
    }
    assert depths == {"A": 11, "B": 13, "D": 16, "E": 19}
    model = vgg.VGG("A", include_top=False)
    assert model.name == "vgg11"
    assert (
        sum(isinstance(layer, keras.layers.Conv2D) for layer in model.layers)
        == 8
    )
    # torchvision's VGG-11 has 132,863,336 parameters, 123,642,856 of them in the three FC layers.
    assert model.count_params() == 132_863_336 - 123_642_856


def test_vgg_block_is_small_and_named():
    x = keras.Input((8, 8, 3))
    y = vgg.vgg_block(x, 5, 3, name="blk")
    model = keras.Model(x, y)
    assert y.shape == (None, 4, 4, 5)
    assert [layer.name for layer in model.layers[1:]] == [
        "blk_conv1",
        "blk_conv2",
        "blk_conv3",
        "blk_pool",
    ]


def test_small_vgg_parameter_count_and_output():
    model = cnnarch.SmallVGG()
    assert counts(model) == (139_002, 138_554, 448)
    assert model.output_shape == (None, 10)
    assert any(
        isinstance(layer, keras.layers.BatchNormalization)
        for layer in model.layers
    )
    assert any(
        isinstance(layer, keras.layers.Dropout) for layer in model.layers
    )
    probs = keras.ops.convert_to_numpy(
        model(np.zeros((2, 32, 32, 3), "float32"))
    )
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_small_vgg_every_trainable_weight_gets_a_gradient():
    model = cnnarch.SmallVGG()
    x = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    with tf.GradientTape() as tape:
        loss = keras.losses.sparse_categorical_crossentropy(
            np.array([3, 7]), model(x, training=True)
        )
    grads = tape.gradient(loss, model.trainable_weights)
    assert (
        len(grads) == len(model.trainable_weights) == 22
    )  # 6 kernels, 6 BN pairs, 2 dense pairs
    assert all(
        g is not None and float(tf.reduce_max(tf.abs(g))) > 0 for g in grads
    )
