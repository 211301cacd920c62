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
    # kept: img (by stem), x = stem output (by one and inner:0/c, once), each c output (by its
    # bn), one's output (by inner:1/c), the add output (by fc, through the flatten view)
    assert table.total.activations == 768 + 256 + 384 + 256 + 384 + 384
    assert [table[n].activations for n in ["inner:0/bn", "flat", "fc"]] == [
        0,
        0,
        0,
    ]
    assert table["add"].activations == 384  # counted where it was made
    # the older count: the input once, then every layer output
    assert table.total.outputs == 768 + 256 + 256 + 4 * 384 + 384 + 384 + 5
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


# ----------------------------------------------------------------- activation memory
def _same_outputs(first, second, shape) -> bool:
    """Copy first's weights into second and compare the outputs on one random image."""
    second.set_weights(first.get_weights())
    image = np.random.default_rng(0).normal(size=(1, *shape)).astype("float32")
    return np.allclose(first(image), second(image), atol=1e-5)


def _model(shape, build, name):
    inp = keras.Input(shape, name="img")
    return keras.Model(inp, build(inp), name=name)


def _nested_conv_bn_relu(x):
    block = keras.Sequential(
        [
            keras.Input(x.shape[1:]),
            layers.Conv2D(8, 3, padding="same", name="c"),
            layers.BatchNormalization(name="bn"),
            layers.ReLU(name="relu"),
        ],
        name="block",
    )
    return layers.Conv2D(4, 1, name="head")(block(x))


def _flat_conv_bn_relu(x):
    x = layers.Conv2D(8, 3, padding="same", name="c")(x)
    x = layers.Activation("relu")(layers.BatchNormalization(name="bn")(x))
    return layers.Conv2D(4, 1, name="head")(x)


SPLITS = {  # the same computation written as Keras layers in two ways
    "fused ReLU / ReLU layer": (
        lambda x: layers.Conv2D(8, 3, padding="same", activation="relu")(x),
        lambda x: layers.ReLU()(layers.Conv2D(8, 3, padding="same")(x)),
    ),
    "fused ReLU / Activation layer": (
        lambda x: layers.Dense(7, activation="relu")(layers.Flatten()(x)),
        lambda x: layers.Activation("relu")(
            layers.Dense(7)(layers.Flatten()(x))
        ),
    ),
    "fused swish / Activation layer": (
        lambda x: layers.Conv2D(8, 3, padding="same", activation="swish")(x),
        lambda x: layers.Activation("swish")(
            layers.Conv2D(8, 3, padding="same")(x)
        ),
    ),
    "separable / depthwise + pointwise": (
        lambda x: layers.SeparableConv2D(
            8, 3, padding="same", activation="relu"
        )(x),
        lambda x: layers.Conv2D(8, 1, activation="relu")(
            layers.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
        ),
    ),
    "ZeroPadding2D + valid / same": (
        lambda x: layers.Conv2D(8, 3)(layers.ZeroPadding2D(1)(x)),
        lambda x: layers.Conv2D(8, 3, padding="same")(x),
    ),
    "Conv-BN-ReLU nested / flat": (_nested_conv_bn_relu, _flat_conv_bn_relu),
    "Add layer / x + y": (
        lambda x: layers.Add()([layers.Conv2D(3, 1)(x), x]),
        lambda x: layers.Conv2D(3, 1)(x) + x,
    ),
    "with Dropout / without": (
        lambda x: layers.Dense(5)(layers.Dropout(0.5)(layers.Flatten()(x))),
        lambda x: layers.Dense(5)(layers.Flatten()(x)),
    ),
}


OLD_COUNT_AGREES = {"Conv-BN-ReLU nested / flat", "Add layer / x + y"}


@pytest.mark.parametrize("split", SPLITS)
def test_the_same_computation_split_differently_keeps_the_same_activations(
    split,
):
    """Equal outputs (weights copied across) show that the two graphs compute the same function;
    the convention then counts them alike, while the per-layer-output count does not."""
    shape = (10, 10, 3)
    first, second = (
        _model(shape, build, f"m{i}") for i, build in enumerate(SPLITS[split])
    )
    assert _same_outputs(first, second, shape)
    assert cost.activation_count(first) == cost.activation_count(second)
    if split not in OLD_COUNT_AGREES:
        old = [cost.cost_table(m).total.outputs for m in (first, second)]
        assert old[0] != old[1]


def test_a_resnet_stem_padded_by_hand_keeps_what_a_same_padded_one_keeps():
    """ResNet's stem, ZeroPadding2D(3) then a valid 7x7/2 convolution, against padding="same"
    (TensorFlow pads 2 and 3 there, so the outputs differ, but not their sizes)."""
    padded = _model(
        (32, 32, 3),
        lambda x: layers.Conv2D(8, 7, strides=2)(layers.ZeroPadding2D(3)(x)),
        "padded",
    )
    same = _model(
        (32, 32, 3),
        lambda x: layers.Conv2D(8, 7, strides=2, padding="same")(x),
        "same",
    )
    assert padded.output.shape == same.output.shape == (None, 16, 16, 8)
    assert cost.activation_count(padded) == cost.activation_count(same)
    assert cost.activation_count(padded) == 32 * 32 * 3  # the image only


def test_a_hand_worked_model():
    inp = keras.Input((8, 8, 3), name="img")
    x = layers.Conv2D(4, 3, name="conv")(layers.ZeroPadding2D(1)(inp))
    x = layers.ReLU(name="relu")(layers.BatchNormalization(name="bn")(x))
    pool = layers.MaxPooling2D(2, name="pool")(x)
    y = layers.SeparableConv2D(6, 3, padding="same", name="sep")(pool)
    y = layers.BatchNormalization(name="sep_bn")(y)
    y = layers.Add(name="add")([y, layers.Conv2D(6, 1, name="short")(pool)])
    y = layers.GlobalAveragePooling2D(name="gap")(y)
    out = layers.Dense(10, activation="softmax", name="fc")(y)
    table = cost.cost_table(keras.Model(inp, out))
    by_hand = {
        "img": 8 * 8 * 3,  # kept by conv, through the padding view
        "conv": 8 * 8 * 4,  # kept by bn
        "relu": 8 * 8 * 4,  # kept by relu itself (and pool)
        "pool": 4 * 4 * 4,  # kept by sep and short, counted once
        "sep": 4 * 4 * 4
        + 4 * 4 * 6,  # its depthwise output, and its output kept by sep_bn
        "gap": 6,  # kept by fc
        "fc": 10,  # the softmax output
    }
    assert {r.name: r.activations for r in table if r.activations} == by_hand
    assert cost.activation_count(keras.Model(inp, out)) == 944
    assert cost.activation_bytes(keras.Model(inp, out), "float16") == 2 * 944


def test_a_layer_without_a_rule_is_refused_not_counted_as_zero():
    inp = keras.Input((4, 4, 3))
    model = keras.Model(
        inp, layers.Lambda(lambda t: t * 2, name="double")(inp)
    )
    with pytest.raises(ValueError, match="rule for Lambda .*'double'"):
        cost.activation_count(model)
    assert cost.model_macs(model) == 0  # the MAC count does not need the rule


def test_vgg16_activations_match_the_hand_count_and_cs231n_list():
    """Convention vs CS231n's VGGNet walk-through (cs231n.github.io/convolutional-networks).

    Every VGG layer that keeps something keeps the input of a weight layer or the output of a
    ReLU or softmax: the image, every conv output (ReLU fused), every pool output (the input of
    the next conv, or of fc1 through Flatten, a view) and the three FC outputs. CS231n lists
    exactly these. The notes' per-layer numbers sum to about 15.2M; the total they print,
    "24M * 4 bytes ~= 93MB", does not follow from their own list, so we check the list.
    """
    model = keras.applications.VGG16(weights=None)
    convs_per_block, channels = [2, 2, 3, 3, 3], [64, 128, 256, 512, 512]
    hand, side = 224 * 224 * 3, 224
    for n, c in zip(convs_per_block, channels):
        hand += n * side * side * c  # conv outputs
        side //= 2
        hand += side * side * c  # pool output
    fcs = 4096 + 4096 + 1000
    assert cost.activation_count(model) == hand + fcs == 15_237_608
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
    assert cost.activation_count(model) == pytest.approx(cs231n_list, rel=0.01)
    table = cost.cost_table(model)
    assert table["flatten"].activations == 0  # a view of block5_pool
    assert (
        table["flatten"].outputs
        == table["block5_pool"].activations
        == 7 * 7 * 512
    )


def _output_size(layer) -> int:
    return math.prod(layer.output.shape[1:])


def test_vgg16_and_resnet50_recounted_from_layer_output_shapes(resnet50):
    """A second route: sum, over keras' own layer list, the output shapes the rule names."""
    vgg = keras.applications.VGG16(weights=None)
    kept = [
        layer
        for layer in vgg.layers
        if isinstance(
            layer,
            (
                layers.InputLayer,
                layers.Conv2D,
                layers.MaxPooling2D,
                layers.Dense,
            ),
        )
    ]
    assert cost.activation_count(vgg) == sum(map(_output_size, kept))
    # ResNet-50: each Conv2D output is kept by the BN after it, each ReLU keeps its output, and
    # the image (conv1 keeps it through conv1_pad), pool1 (input of conv2_block1's convs),
    # avg_pool (input of the classifier) and the softmax output.
    kept = [
        layer
        for layer in resnet50.layers
        if isinstance(layer, (layers.Conv2D, layers.Activation))
        or layer.name
        in {"input_layer", "pool1_pool", "avg_pool", "predictions"}
    ]
    assert len(kept) == 53 + 49 + 4
    assert cost.activation_count(resnet50) == sum(map(_output_size, kept))
    # the per-layer-output count is the sum over every layer, views and sums included
    assert cost.cost_table(resnet50).total.outputs == sum(
        map(_output_size, resnet50.layers)
    )


def test_activation_bytes_equal_the_bytes_of_the_arrays_kept():
    """Run a small model and add up the nbytes of the arrays the rule names, as computed."""
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
    conv, bn, pool, flat, fc = (
        keras.ops.convert_to_numpy(o) for o in probe(image)
    )
    # conv keeps the image and its ReLU output, bn its input, pool its input (bn's output),
    # fc its input (the pool output, through flat)
    kept = [image, conv, bn, pool]
    assert cost.activation_bytes(model) == sum(a.nbytes for a in kept)
    assert cost.activation_bytes(model, dtype="float16") == sum(
        a.astype("float16").nbytes for a in kept
    )
    every = [image, conv, bn, pool, flat, fc]
    assert 4 * cost.cost_table(model).total.outputs == sum(
        a.nbytes for a in every
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
