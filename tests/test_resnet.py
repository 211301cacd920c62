"""cnnarch.resnet against keras.applications.ResNet50/101/152 (weights=None), and the CIFAR variant."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import cnnarch
from cnnarch import resnet

from model_checks import assert_close, counts

# name: (ours, reference, published total with the 1000-class top, keras.applications docs)
MODELS = {
    "resnet50": (cnnarch.ResNet50, keras.applications.ResNet50, 25_636_712),
    "resnet101": (cnnarch.ResNet101, keras.applications.ResNet101, 44_707_176),
    "resnet152": (cnnarch.ResNet152, keras.applications.ResNet152, 60_419_944),
}
HEAD = 2048 * 1000 + 1000
SMALL = (64, 64, 3)


@pytest.mark.slow
def test_default_resnet50_matches_reference_with_softmax_head():
    ours, ref = cnnarch.ResNet50(), keras.applications.ResNet50(weights=None)
    assert ours.input_shape == ref.input_shape == (None, 224, 224, 3)
    assert counts(ours) == counts(ref) == (25_636_712, 25_583_592, 53_120)
    ours.set_weights(ref.get_weights())
    x = (
        np.random.default_rng(1)
        .uniform(0, 255, (2, 224, 224, 3))
        .astype("float32")
    )
    probs, ref_probs = (
        keras.ops.convert_to_numpy(ours(x)),
        keras.ops.convert_to_numpy(ref(x)),
    )
    np.testing.assert_allclose(probs, ref_probs, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    "builder, torchvision_params, conv_channels",
    [
        (cnnarch.ResNet18, 11_689_512, 4_800),
        (cnnarch.ResNet34, 21_797_672, 8_512),
    ],
)
def test_basic_block_resnets_match_torchvision_plus_keras_biases(
    builder, torchvision_params, conv_channels
):
    # Our convs keep keras' v1 biases (torchvision has none) and Keras counts BN's moving mean and
    # variance (torchvision keeps them as buffers): one bias and two statistics per conv channel.
    assert counts(builder()) == (
        torchvision_params + 3 * conv_channels,
        torchvision_params + conv_channels,
        2 * conv_channels,
    )


def block_model(block, shape, filters, strides):
    x = keras.Input(shape)
    return keras.Model(x, block(x, filters, strides=strides, name="b"))


def test_bottleneck_block_uses_projection_only_when_the_shape_changes():
    kept = block_model(resnet.bottleneck_block, (8, 8, 256), 64, 1)
    assert kept.output_shape == (None, 8, 8, 256)
    assert "b_0_conv" not in [layer.name for layer in kept.layers]
    convs = (
        (256 * 64 + 64) + (9 * 64 * 64 + 64) + (64 * 256 + 256)
    )  # kernels and biases
    assert kept.count_params() == convs + 4 * (
        64 + 64 + 256
    )  # BN: 4 numbers per channel
    widened = block_model(
        resnet.bottleneck_block, (8, 8, 64), 64, 1
    )  # conv2_block1: 64 -> 256
    assert widened.get_layer("b_0_conv").kernel.shape == (1, 1, 64, 256)
    strided = block_model(resnet.bottleneck_block, (8, 8, 256), 128, 2)
    assert strided.output_shape == (None, 4, 4, 512)
    assert strided.get_layer("b_1_conv").strides == (
        2,
        2,
    )  # the stride sits on the first 1x1, as keras


def test_basic_block_and_stack():
    kept = block_model(resnet.basic_block, (8, 8, 16), 16, 1)
    assert kept.output_shape == (None, 8, 8, 16)
    assert "b_0_conv" not in [layer.name for layer in kept.layers]
    x = keras.Input((16, 16, 16))
    y = resnet.stack(x, resnet.basic_block, 32, 3, strides=2, name="conv3")
    model = keras.Model(x, y)
    assert y.shape == (None, 8, 8, 32)
    adds = [
        layer.name
        for layer in model.layers
        if isinstance(layer, keras.layers.Add)
    ]
    assert adds == ["conv3_block1_add", "conv3_block2_add", "conv3_block3_add"]
    assert [
        layer.name for layer in model.layers if layer.name.endswith("_0_conv")
    ] == ["conv3_block1_0_conv"]


def test_small_resnet_parameter_count_and_output():
    model = cnnarch.SmallResNet()
    assert counts(model) == (176_938, 175_818, 1_120)
    assert cnnarch.SmallResNet(depths=(1, 1, 1)).count_params() == 79_050
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
POOLING = {"resnet50": "max", "resnet101": None, "resnet152": "avg"}
POOLED_SHAPE = {
    None: (None, 2, 2, 2048),
    "avg": (None, 2048),
    "max": (None, 2048),
}
LAST_LAYER = {None: "conv5_block3_out", "avg": "avg_pool", "max": "max_pool"}


# ResNet-101 and -152 only in the full run (`make test`): same blocks, more of them.
DEEP = pytest.mark.slow
PARAMS = [
    pytest.param(n, marks=DEEP) if n != "resnet50" else n
    for n in sorted(MODELS)
]


@pytest.fixture(scope="module", params=PARAMS)
def pair(request):
    """Ours and the reference for one model: (name, pooling, ours, reference)."""
    ours_fn, ref_fn, _ = MODELS[request.param]
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
    assert ours.name == name
    assert counts(ours) == counts(ref)
    assert ours.count_params() + HEAD == MODELS[name][2]
    assert [layer.name for layer in ours.layers[1:]] == [
        layer.name for layer in ref.layers[1:]
    ]
    assert [w.path for w in ours.weights] == [w.path for w in ref.weights]
    assert ours.output_shape == ref.output_shape == POOLED_SHAPE[pooling]
    assert ours.layers[-1].name == ref.layers[-1].name == LAST_LAYER[pooling]


def test_outputs_match_after_copying_weights(pair):
    _, _, ours, ref = pair
    ours.set_weights(ref.get_weights())
    x = np.random.default_rng(0).uniform(0, 255, (2, *SMALL)).astype("float32")
    assert_close(ours(x), ref(x))
