"""cnnarch.cost against Keras' own parameter counts, an independent MAC recount and published figures."""

import math
import random

import keras
import numpy as np
import pytest
from keras import layers

from cnnarch import cost

# ----------------------------------------------------------------- closed forms vs count_params()
RNG_SEED = 1234
N_CONFIGS = 40


def _kernel(rng: random.Random):
    """A square kernel as an int, or a non-square (kh, kw) pair, about half the time each."""
    return (
        rng.choice([1, 3, 5, 7])
        if rng.random() < 0.5
        else (rng.randint(1, 7), rng.randint(1, 7))
    )


def _built(layer, c_in):
    layer.build((None, 16, 16, c_in))
    return layer.count_params()


def test_conv2d_params_match_keras_over_a_random_sweep():
    rng = random.Random(RNG_SEED)
    for _ in range(N_CONFIGS):
        groups = rng.choice([1, 1, 2, 3, 4])
        c_in, c_out = groups * rng.randint(1, 24), groups * rng.randint(1, 24)
        k, bias = _kernel(rng), rng.random() < 0.5
        layer = layers.Conv2D(c_out, k, groups=groups, use_bias=bias, name="c")
        assert cost.conv2d_params(
            k, c_in, c_out, bias=bias, groups=groups
        ) == _built(layer, c_in), (k, c_in, c_out, groups, bias)


def test_depthwise_params_match_keras_over_a_random_sweep():
    rng = random.Random(RNG_SEED + 1)
    for _ in range(N_CONFIGS):
        c_in, m, k, bias = (
            rng.randint(1, 64),
            rng.randint(1, 4),
            _kernel(rng),
            rng.random() < 0.5,
        )
        layer = layers.DepthwiseConv2D(
            k, depth_multiplier=m, use_bias=bias, name="dw"
        )
        assert cost.depthwise_conv2d_params(
            k, c_in, depth_multiplier=m, bias=bias
        ) == _built(layer, c_in), (k, c_in, m, bias)


def test_pointwise_and_separable_params_match_keras_over_a_random_sweep():
    rng = random.Random(RNG_SEED + 2)
    for _ in range(N_CONFIGS):
        c_in, c_out, bias = (
            rng.randint(1, 64),
            rng.randint(1, 64),
            rng.random() < 0.5,
        )
        pw = layers.Conv2D(c_out, 1, use_bias=bias, name="pw")
        assert cost.pointwise_conv2d_params(c_in, c_out, bias=bias) == _built(
            pw, c_in
        )
        k, m = _kernel(rng), rng.randint(1, 3)
        sep = layers.SeparableConv2D(
            c_out, k, depth_multiplier=m, use_bias=bias, name="sep"
        )
        assert cost.separable_conv2d_params(
            k, c_in, c_out, bias=bias, depth_multiplier=m
        ) == _built(sep, c_in), (k, c_in, c_out, m, bias)


def test_closed_form_macs_match_model_macs_of_one_layer_models():
    rng = random.Random(RNG_SEED + 3)
    for _ in range(12):
        side, c_in, c_out, k = (
            rng.randint(5, 20),
            2 * rng.randint(1, 8),
            2 * rng.randint(1, 8),
            _kernel(rng),
        )
        stride, groups, m = (
            rng.choice([1, 2]),
            rng.choice([1, 2]),
            rng.randint(1, 3),
        )
        inp = keras.Input((side, side, c_in))
        cases = [
            (
                layers.Conv2D(
                    c_out, k, strides=stride, groups=groups, padding="same"
                ),
                lambda h, w: cost.conv2d_macs(
                    h, w, k, c_in, c_out, groups=groups
                ),
            ),
            (
                layers.DepthwiseConv2D(
                    k, strides=stride, depth_multiplier=m, padding="same"
                ),
                lambda h, w: cost.depthwise_conv2d_macs(
                    h, w, k, c_in, depth_multiplier=m
                ),
            ),
            (
                layers.Conv2D(c_out, 1, strides=stride),
                lambda h, w: cost.pointwise_conv2d_macs(h, w, c_in, c_out),
            ),
            (
                layers.SeparableConv2D(
                    c_out, k, strides=stride, padding="same"
                ),
                lambda h, w: cost.separable_conv2d_macs(h, w, k, c_in, c_out),
            ),
        ]
        for layer, formula in cases:
            out = layer(inp)
            h, w = out.shape[1], out.shape[2]
            assert h == math.ceil(side / stride)
            assert cost.model_macs(keras.Model(inp, out)) == formula(h, w), (
                layer,
                k,
                c_in,
                c_out,
            )


def test_separable_reduction_equals_the_ratio_of_keras_weight_counts():
    """At stride 1 every kernel weight is used once per output position, so the MAC ratio of
    Howard et al. 2017 (eq. 5) is the ratio of Keras' own bias-free weight counts."""
    for k, c_in, c_out in [
        (3, 64, 64),
        (3, 728, 728),
        (5, 16, 32),
        ((1, 7), 8, 192),
    ]:
        separable = layers.SeparableConv2D(
            c_out, k, use_bias=False, name="sep"
        )
        standard = layers.Conv2D(c_out, k, use_bias=False, name="std")
        ratio = _built(separable, c_in) / _built(standard, c_in)
        assert cost.separable_reduction(k, c_out) == pytest.approx(
            ratio, rel=1e-12
        )


def test_model_walk_rejects_unknown_shapes_and_unknown_kernels():
    inp = keras.Input((None, None, 3))
    with pytest.raises(ValueError, match="fixed input shape"):
        cost.model_macs(keras.Model(inp, layers.Conv2D(4, 3)(inp)))
    inp = keras.Input((8, 8, 3))
    with pytest.raises(ValueError, match="Conv2DTranspose"):
        cost.model_macs(keras.Model(inp, layers.Conv2DTranspose(4, 3)(inp)))


# ----------------------------------------------------------------- nested and shared layers
def test_cost_table_walks_nested_models_and_counts_shared_weights_once():
    inner = keras.Sequential(
        [
            keras.Input((8, 8, 4)),
            layers.Conv2D(6, 3, padding="same", name="c"),
            layers.BatchNormalization(name="bn"),
        ],
        name="inner",
    )
    inp = keras.Input((16, 16, 3), name="img")
    x = layers.Conv2D(4, 3, strides=2, padding="same", name="stem")(inp)
    a, b = inner(x), inner(layers.Conv2D(4, 1, name="one")(x))
    y = layers.Dense(5, name="fc")(
        layers.Flatten(name="flat")(layers.Add(name="add")([a, b]))
    )
    table = cost.cost_table(keras.Model(inp, y))
    assert [r.name for r in table] == [
        "img",
        "stem",
        "one",
        "inner:0/c",
        "inner:0/bn",
        "inner:1/c",
        "inner:1/bn",
        "add",
        "flat",
        "fc",
    ]
    conv_inner = 8 * 8 * 3 * 3 * 4 * 6
    assert table["inner:0/c"].macs == table["inner:1/c"].macs == conv_inner
    assert (
        table["inner:1/c"].params == 0
        and table["inner:0/c"].params == 3 * 3 * 4 * 6 + 6
    )
    assert table.total.params == keras.Model(inp, y).count_params()
    assert (
        table.total.macs
        == 8 * 8 * 9 * 3 * 4 + 8 * 8 * 4 * 4 + 2 * conv_inner + 8 * 8 * 6 * 5
    )
    # input once, then every layer output: 16*16*3 + stem, one, 2x(c, bn), add, flat, fc
    assert table.total.activations == 768 + 256 + 256 + 4 * 384 + 384 + 384 + 5
    assert table.subtotal("inner").macs == 2 * conv_inner
    text = str(table).splitlines()
    assert text[0].split() == [
        "layer",
        "type",
        "output",
        "shape",
        "params",
        "MACs",
        "activations",
    ]
    assert text[-1].split()[-3:] == [
        f"{table.total.params:,}",
        f"{table.total.macs:,}",
        f"{table.total.activations:,}",
    ]


# ----------------------------------------------------------------- keras.applications models
def _independent_macs(model) -> int:
    """Recount MACs from each layer's kernel shapes and output shape, without cnnarch.cost."""
    total, counted = 0, 0
    for layer in model.layers:
        kernels = [
            w
            for w in layer.weights
            if w.path.split("/")[-1].endswith("kernel")
        ]
        if not kernels:
            continue
        counted += 1
        out = layer.output.shape[1:]
        total += math.prod(out[:-1]) * sum(math.prod(w.shape) for w in kernels)
    assert counted > 10
    return total


@pytest.fixture(scope="module")
def resnet50():
    return keras.applications.ResNet50(weights=None)


@pytest.fixture(scope="module")
def mobilenet():
    return keras.applications.MobileNet(weights=None)


@pytest.fixture(scope="module")
def xception():
    return keras.applications.Xception(weights=None)


@pytest.mark.parametrize("name", ["resnet50", "mobilenet", "xception"])
def test_model_macs_equals_an_independent_recount(name, request):
    model = request.getfixturevalue(name)
    table = cost.cost_table(model)
    assert table.total.macs == _independent_macs(model)
    assert table.total.params == model.count_params()
    assert len(table) == len(model.layers)


def test_resnet50_matches_he_2016_table_1(resnet50):
    """He et al. 2016, Table 1: ResNet-50 costs 3.8 x 10^9 FLOPs (multiply-adds)."""
    assert cost.model_macs(resnet50) == pytest.approx(3.8e9, rel=0.02)


def test_mobilenet_matches_howard_2017_table_8(mobilenet):
    """Howard et al. 2017, Table 8: 1.0 MobileNet-224 costs 569 million mult-adds."""
    assert cost.model_macs(mobilenet) == pytest.approx(569e6, rel=0.02)


# ----------------------------------------------------------------- activation memory, VGG-16
def test_vgg16_activations_match_the_hand_count_and_cs231n_list():
    """Convention vs CS231n's VGGNet walk-through (cs231n.github.io/convolutional-networks).

    CS231n lists the input and every conv, pool and FC output. Keras' VGG16 has the same
    outputs (ReLU and softmax fused into Conv2D/Dense, so not counted twice) plus one more, the
    Flatten output (7*7*512), which CS231n does not list. The notes' per-layer numbers sum to
    about 15.2M; the total they print, "24M * 4 bytes ~= 93MB", does not follow from their own
    list, so we check against the list, not the printed total.
    """
    model = keras.applications.VGG16(weights=None)
    convs_per_block, channels = [2, 2, 3, 3, 3], [64, 128, 256, 512, 512]
    hand, side = 224 * 224 * 3, 224
    for n, c in zip(convs_per_block, channels):
        hand += n * side * side * c  # conv outputs
        side //= 2
        hand += side * side * c  # pool output
    flatten, fcs = 7 * 7 * 512, 4096 + 4096 + 1000
    assert cost.activation_count(model) == hand + flatten + fcs == 15_262_696
    cs231n_list = (
        150e3
        + 2 * 3.2e6
        + 800e3
        + 2 * 1.6e6
        + 400e3
        + 3 * 800e3
        + 200e3
        + 3 * 400e3
        + 100e3
        + 3 * 100e3
        + 25e3
        + 4096
        + 4096
        + 1000
    )
    assert cost.activation_count(model) - flatten == pytest.approx(
        cs231n_list, rel=0.01
    )
    assert cost.cost_table(model)["flatten"].activations == flatten


def test_activation_bytes_equal_the_bytes_of_every_computed_output():
    """Run a small model and add up the nbytes of the arrays its layers really produce."""
    inp = keras.Input((12, 12, 3), name="img")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="conv")(
        inp
    )
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.MaxPooling2D(2, name="pool")(x)
    y = layers.Dense(5, name="fc")(layers.Flatten(name="flat")(x))
    model = keras.Model(inp, y)
    probe = keras.Model(inp, [layer.output for layer in model.layers[1:]])
    image = np.zeros((1, 12, 12, 3), "float32")
    outputs = [keras.ops.convert_to_numpy(o) for o in probe(image)]
    computed = image.nbytes + sum(o.nbytes for o in outputs)
    assert cost.activation_bytes(model) == computed
    assert cost.activation_bytes(model, dtype="float16") == sum(
        o.astype("float16").nbytes for o in [image, *outputs]
    )


# ----------------------------------------------------------------- the graph walk
def test_keras_graph_internals_are_there():
    """Fails, naming the Keras version, if Keras drops an attribute the walk reads."""
    shared = layers.Dense(3, name="shared")
    inp = keras.Input((4,), name="x")
    model = keras.Model(
        inp, layers.Add(name="add")([shared(inp), shared(inp)])
    )
    calls = {op.name: len(nodes) for op, nodes in cost._keras_graph(model)}
    assert calls == {"x": 1, "shared": 2, "add": 1}
    seq = keras.Sequential([keras.Input((4,)), layers.Dense(2, name="d")])
    assert [op.name for op, _ in cost._keras_graph(seq)][-1] == "d"


def test_a_missing_keras_internal_is_reported_with_the_keras_version(
    monkeypatch,
):
    inp = keras.Input((4,), name="x")
    model = keras.Model(inp, layers.Dense(2, name="d")(inp))
    monkeypatch.delattr(model, "_nodes_by_depth")
    with pytest.raises(RuntimeError, match=f"Keras {keras.__version__}"):
        cost.model_macs(model)
