"""Inception v3 against keras.applications.InceptionV3: parameters, weight order, outputs, names, checks."""

import re

import keras
import numpy as np
import pytest

from cnnarch.inception_v3 import INCEPTION_V3_MODULES, InceptionV3

SMALL = (
    75,
    75,
    3,
)  # the smallest input both accept, to keep the comparison fast
AUTO_NAME = re.compile(
    r"^(conv2d|batch_normalization|activation|average_pooling2d|max_pooling2d|concatenate|"
    r"global_average_pooling2d|global_max_pooling2d|dense)(_\d+)?$"
)


def _param_counts(model: keras.Model) -> tuple[int, int, int]:
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return model.count_params(), trainable, frozen


def _randomized(model: keras.Model, seed: int = 0) -> list[np.ndarray]:
    """Random weights for every variable (BN statistics too), so a swapped layer changes the output."""
    rng = np.random.default_rng(seed)
    values = []
    for w in model.weights:
        if w.path.endswith("moving_variance"):
            values.append(rng.uniform(0.5, 1.5, w.shape).astype("float32"))
        else:
            values.append(rng.normal(0.0, 0.05, w.shape).astype("float32"))
    return values


@pytest.fixture(scope="module")
def pair():
    """Ours and the Keras reference with the top, logits out, on a 75x75 input, each built once."""
    ours = InceptionV3(input_shape=SMALL, classifier_activation=None)
    ref = keras.applications.InceptionV3(
        weights=None, input_shape=SMALL, classifier_activation=None
    )
    return ours, ref


def test_parameter_counts_match_keras(pair):
    ours, ref = pair
    assert _param_counts(ours) == _param_counts(ref)
    assert ours.count_params() == 23_851_784
    assert len(ours.layers) == len(ref.layers)


def test_weights_transfer_and_logits_match(pair):
    ours, ref = pair
    assert [tuple(w.shape) for w in ours.weights] == [
        tuple(w.shape) for w in ref.weights
    ]
    ref.set_weights(_randomized(ref))
    ours.set_weights(ref.get_weights())
    x = (
        np.random.default_rng(1)
        .uniform(-1.0, 1.0, (2, *SMALL))
        .astype("float32")
    )
    expected = ref(x, training=False).numpy()
    got = ours(x, training=False).numpy()
    assert got.shape == (2, 1000)
    scale = max(1.0, float(np.abs(expected).max()))
    assert np.abs(got - expected).max() <= 1e-4 * scale
    assert (
        np.abs(expected).max() > 1e-3
    )  # the comparison is not between two near-zero outputs


def test_modules_keep_keras_names_and_shapes(pair):
    ours, ref = pair
    assert len(INCEPTION_V3_MODULES) == 11
    for index in range(11):
        name = f"mixed{index}"
        assert (
            ours.get_layer(name).output.shape
            == ref.get_layer(name).output.shape
        )
    assert ours.get_layer("mixed10").output.shape == (None, 1, 1, 2048)


def test_every_layer_has_an_explicit_name(pair):
    ours, _ = pair
    names = [layer.name for layer in ours.layers]
    assert not [n for n in names if AUTO_NAME.match(n)]
    assert len(set(names)) == len(names)
    assert ours.get_layer("mixed0_branch5x5_1_conv").kernel.shape == (
        1,
        1,
        192,
        48,
    )
    assert ours.get_layer("mixed0_branch5x5_2_conv").kernel.shape == (
        5,
        5,
        48,
        64,
    )
    assert ours.get_layer("mixed4_branch7x7_2_conv").kernel.shape == (
        1,
        7,
        128,
        128,
    )
    assert ours.get_layer("mixed9_branch3x3dbl_3b_conv").kernel.shape == (
        3,
        1,
        384,
        384,
    )
    assert ours.get_layer("mixed3_branch_pool").output.shape[-1] == 288
    # 94 conv units, each a _conv, a _bn and a _relu layer
    assert sum(n.endswith("_conv") for n in names) == 94
    assert (
        sum(n.endswith("_bn") for n in names)
        == sum(n.endswith("_relu") for n in names)
        == 94
    )


@pytest.mark.slow
def test_default_input_is_299():
    model = InceptionV3()
    assert model.input.shape == (None, 299, 299, 3)
    assert model.output.shape == (None, 1000)
    assert model.count_params() == 23_851_784


@pytest.mark.parametrize(
    "pooling, input_shape",
    [
        pytest.param(None, None, marks=pytest.mark.slow),
        pytest.param("avg", SMALL, marks=pytest.mark.slow),
        pytest.param("max", (139, 139, 3), marks=pytest.mark.slow),
    ],
)
def test_headless_output_shapes_match_keras(pooling, input_shape):
    ours = InceptionV3(
        include_top=False, input_shape=input_shape, pooling=pooling
    )
    ref = keras.applications.InceptionV3(
        weights=None,
        include_top=False,
        input_shape=input_shape,
        pooling=pooling,
    )
    assert ours.output.shape == ref.output.shape
    assert ours.count_params() == ref.count_params() == 21_802_784
    if pooling is not None:
        assert ours.layers[-1].name == f"{pooling}_pool"
