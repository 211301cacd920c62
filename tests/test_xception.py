"""Xception against keras.applications, its flows on their own, the small variants, bad arguments."""

import re

import keras
import numpy as np
import pytest
from keras import layers
from keras.src.utils.naming import to_snake_case

from cnnarch import (
    MiniXception,
    SmallXception,
    Xception,
    entry_flow,
    exit_flow,
    middle_flow,
    separable_conv2d_params,
    sepconv_bn,
)

from model_checks import counts

RNG = np.random.default_rng(0)


def bn_params(channels: int) -> tuple[int, int]:
    """(trainable, non-trainable) parameters of a BatchNormalization layer."""
    return 2 * channels, 2 * channels


def is_default_name(layer: keras.layers.Layer) -> bool:
    """Whether the name is one Keras makes up (``conv2d``, ``add_3``, ``input_layer``...)."""
    return (
        re.fullmatch(
            rf"{to_snake_case(type(layer).__name__)}(_\d+)?", layer.name
        )
        is not None
    )


@pytest.fixture(scope="class")
def pair():
    """Our Xception and the keras.applications one, logits out, built once for the class using them."""
    ref = keras.applications.Xception(weights=None, classifier_activation=None)
    ours = Xception(classifier_activation=None)
    return ours, ref


# ---------------------------------------------------------------- exactness against keras
class TestAgainstKeras:
    """The full-size model next to keras.applications.Xception (both built once here)."""

    def test_parameter_counts_match_keras(self, pair):
        ours, ref = pair
        assert counts(ours) == counts(ref) == (22_910_480, 22_855_952, 54_528)

    def test_same_weights_give_same_logits(self, pair):
        ours, ref = pair
        # Random batch-norm statistics too, so a swapped gamma/variance or mean/beta would show.
        weights = [
            w if w.ndim > 1 else RNG.uniform(0.5, 1.5, w.shape).astype(w.dtype)
            for w in ref.get_weights()
        ]
        ref.set_weights(weights)
        ours.set_weights(weights)
        x = RNG.normal(size=(2, 299, 299, 3)).astype("float32")
        expected = keras.ops.convert_to_numpy(ref(x, training=False))
        got = keras.ops.convert_to_numpy(ours(x, training=False))
        assert got.shape == (2, 1000)
        assert np.abs(expected).max() > 0
        assert np.abs(got - expected).max() <= 1e-4 * np.abs(expected).max()

    def test_layers_in_keras_order_with_keras_names(self, pair):
        ours, ref = pair
        assert [type(layer) for layer in ours.layers] == [
            type(layer) for layer in ref.layers
        ]
        ours_names = [layer.name for layer in ours.layers]
        kept = [
            layer.name for layer in ref.layers if not is_default_name(layer)
        ]
        # Named by keras: stem 6, block2 6, blocks 3-4 7 each, middle 8 x 9, block13 7, block14 6, head 2.
        assert (
            len(kept) == 6 + 6 + 2 * 7 + 8 * 9 + 7 + 6 + 2 == 113
            and len(ref.layers) == 134
        )
        assert set(kept) <= set(ours_names)
        assert len(set(ours_names)) == len(ours_names)
        assert not [
            layer.name for layer in ours.layers if is_default_name(layer)
        ]
        # What keras leaves anonymous has our documented names, in keras' positions.
        renamed = {
            r.name: o.name
            for o, r in zip(ours.layers, ref.layers)
            if is_default_name(r)
        }
        assert sorted(renamed.values()) == sorted(
            ["input"]
            + [
                f"block{b}_residual_{k}"
                for b in (2, 3, 4, 13)
                for k in ("conv", "bn")
            ]
            + [f"block{b}_add" for b in range(2, 14)]
        )

    def test_flows_build_alone_and_add_up(self, pair):
        ours, _ = pair
        inputs = keras.Input((299, 299, 3))
        entry = keras.Model(inputs, entry_flow(inputs))
        middle_in = keras.Input((19, 19, 728))
        middle = keras.Model(middle_in, middle_flow(middle_in, 8))
        exit_in = keras.Input((19, 19, 728))
        exit_ = keras.Model(exit_in, exit_flow(exit_in))
        assert entry.output.shape == (None, 19, 19, 728)
        assert middle.output.shape == (None, 19, 19, 728)
        assert exit_.output.shape == (None, 10, 10, 2048)
        head = 2048 * 1000 + 1000
        flows = (
            entry.count_params() + middle.count_params() + exit_.count_params()
        )
        assert flows + head == ours.count_params()


@pytest.mark.parametrize(
    "pooling",
    [
        None,
        pytest.param("avg", marks=pytest.mark.slow),
        pytest.param("max", marks=pytest.mark.slow),
    ],
)
def test_headless_output_shape_matches_keras(pooling):
    kwargs = dict(
        include_top=False,
        weights=None,
        input_shape=(71, 71, 3),
        pooling=pooling,
    )
    ours = Xception(**kwargs)
    ref = keras.applications.Xception(**kwargs)
    assert ours.output.shape == ref.output.shape
    assert ours.output.shape == (
        (None, 3, 3, 2048) if pooling is None else (None, 2048)
    )
    assert counts(ours) == counts(ref)


def test_headless_default_input_is_any_size():
    assert Xception(include_top=False).input.shape == (None, None, None, 3)


# ---------------------------------------------------------------- flows and depth
def middle_block_params() -> int:
    """Three 728-wide separable convs (no bias) and their batch norms."""
    return 3 * (
        separable_conv2d_params(3, 728, 728, bias=False) + sum(bn_params(728))
    )


@pytest.mark.parametrize("middle_blocks", [0, 2])
def test_fewer_middle_blocks(middle_blocks):
    model = Xception(middle_blocks=middle_blocks)
    assert middle_block_params() == 1_618_344
    assert (
        model.count_params()
        == 22_910_480 - (8 - middle_blocks) * middle_block_params()
    )
    names = {layer.name for layer in model.layers}
    exit_block = 5 + middle_blocks
    assert {
        f"block{exit_block}_residual_conv",
        f"block{exit_block + 1}_sepconv2_act",
    } <= names
    assert (
        f"block{exit_block - 1}_add" in names
    )  # last middle block, or block4 when there is none
    assert "block13_pool" not in names and model.output.shape == (None, 1000)


# ---------------------------------------------------------------- small variants
def softmax_rows(model: keras.Model) -> np.ndarray:
    """The model's outputs for three random images."""
    x = RNG.normal(size=(3, *model.input.shape[1:])).astype("float32")
    return keras.ops.convert_to_numpy(model(x, training=False))


def test_small_xception_counts_and_softmax():
    model = SmallXception()
    assert counts(model) == (192_889, 189_349, 3_540)
    assert model.output.shape == (None, 10) and not model.compiled
    assert np.allclose(softmax_rows(model).sum(axis=1), 1.0, atol=1e-5)
    assert (
        model.get_layer("block6_add") is not None
    )  # 2 middle blocks: 5 and 6, exit is 7-8
    assert model.get_layer("block8_sepconv2").filters == 256  # 2048 x 0.125


def test_small_xception_without_residuals_drops_exactly_the_shortcuts():
    # Entry widths 4, 8 | 16, 32, 91, exit 91 -> 128: one 1x1 conv + BN per downsampling block.
    shortcuts = [(8, 16), (16, 32), (32, 91), (91, 128)]
    dropped = sum(
        c_in * c_out + sum(bn_params(c_out)) for c_in, c_out in shortcuts
    )
    plain = SmallXception(residual=False)
    assert counts(plain)[0] == 176_621 == 192_889 - dropped
    assert not [
        layer for layer in plain.layers if isinstance(layer, layers.Add)
    ]


@pytest.mark.parametrize(
    "activation", ["relu", pytest.param("elu", marks=pytest.mark.slow)]
)
def test_intermediate_activation_same_weights_different_function(activation):
    base = SmallXception(classifier_activation=None)
    inner = SmallXception(
        classifier_activation=None, intermediate_activation=activation
    )
    assert counts(inner) == counts(base)
    acts = [
        layer for layer in inner.layers if layer.name.endswith("_inner_act")
    ]
    # 2 per downsampling block x 4, 3 per middle block x 2, 2 in the last exit block.
    assert len(acts) == 16 and all(
        layer.activation.__name__ == activation for layer in acts
    )
    inner.set_weights(base.get_weights())
    x = RNG.normal(size=(3, 32, 32, 3)).astype("float32")
    logits_base, logits_inner = (
        keras.ops.convert_to_numpy(m(x, training=False)) for m in (base, inner)
    )
    assert (
        np.abs(logits_inner - logits_base).max()
        > 0.01 * np.abs(logits_base).max()
    )


def test_decomposed_separable_conv_equals_separable_conv():
    inputs = keras.Input((8, 8, 5))
    fused = keras.Model(inputs, sepconv_bn(inputs, 7, name="a"))
    split = keras.Model(
        inputs,
        sepconv_bn(inputs, 7, name="b", intermediate_activation="linear"),
    )
    weights = [
        RNG.normal(size=w.shape).astype("float32") for w in fused.get_weights()
    ]
    weights[-1] = np.abs(weights[-1]) + 0.5  # moving variance > 0
    fused.set_weights(weights)
    split.set_weights(weights)
    x = RNG.normal(size=(2, 8, 8, 5)).astype("float32")
    assert np.allclose(
        fused(x, training=False), split(x, training=False), atol=1e-5
    )


def test_mini_xception_counts():
    model = MiniXception()
    stem = 5 * 5 * 3 * 32
    blocks, c_in = 0, 32
    for c_out in (32, 64, 128, 256):
        blocks += separable_conv2d_params(3, c_in, c_out, bias=False)
        blocks += separable_conv2d_params(3, c_out, c_out, bias=False)
        blocks += c_in * c_out + sum(bn_params(c_in)) + sum(bn_params(c_out))
        c_in = c_out
    head = 256 * 10 + 10
    assert counts(model)[0] == stem + blocks + head == 189_642
    assert (
        counts(model)[2]
        == 1_472
        == 2 * (32 + 32 + 32 + 64 + 64 + 128 + 128 + 256)
    )
    assert model.output.shape == (None, 10)
    assert np.allclose(softmax_rows(model).sum(axis=1), 1.0, atol=1e-5)
    assert not [layer.name for layer in model.layers if is_default_name(layer)]
