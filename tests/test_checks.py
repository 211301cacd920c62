"""The validation vocabulary, and one table of bad calls to every public function.

Every bad call must raise before anything is built (the ``no_layers`` guard of
conftest.py), with a ValueError or, for a wrong type, a TypeError whose message
names the argument and the value.
"""

import math
import os
import re

import keras
import numpy as np
import pytest

import cnnarch
from cnnarch import block_exercises, checks, cost, data, preprocessing, train

GOOD = dict(
    include_top=True,
    weights=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    default_size=224,
    min_size=32,
)


def check(**changes):
    return checks.check_builder_args("testnet", **{**GOOD, **changes})


def test_default_input_shape_follows_keras_applications():
    assert check() == (224, 224, 3)
    assert check(include_top=False) == (None, None, 3)
    assert check(input_shape=[64, 48, 1]) == (64, 48, 1)


def test_accepted_variants():
    accepted = check(
        include_top=False, pooling="max", weights="imagenet", classes=10
    )
    assert accepted == (None, None, 3)
    assert check(classifier_activation=None, weights="imagenet") == (
        224,
        224,
        3,
    )
    sigmoid = keras.activations.sigmoid
    assert check(classifier_activation=sigmoid) == (224, 224, 3)


@pytest.mark.parametrize(
    "value", [0, -0.5, float("nan"), float("inf"), True, "0.5", None]
)
def test_check_number_rejects_non_positive_or_non_finite(value):
    message = f"width_multiplier for net must be a number > 0, got {value!r}"
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        checks.check_number(
            "width_multiplier", value, low=0, low_open=True, owner="net"
        )


@pytest.mark.parametrize("value", [1, 0.0625, 2.5])
def test_check_number_accepts_positive_numbers(value):
    assert checks.check_number("w", value, low=0, low_open=True) == value


def test_check_ints_and_check_int():
    assert checks.check_ints("filters", [8, 16]) == (8, 16)
    assert checks.check_int("middle_blocks", 0, min=0) == 0
    with pytest.raises(TypeError, match=r"filters must be .* got \(True, 8\)"):
        checks.check_ints("filters", (True, 8))
    with pytest.raises(ValueError, match=r"sequence of 3 integers"):
        checks.check_ints("filters", (8, 8), length=3)


# ------------------------------------------------------------ bad-call table
TINY = object()  # replaced by a small built model in the test

CANONICAL = [
    cnnarch.VGG16,
    cnnarch.VGG19,
    cnnarch.ResNet18,
    cnnarch.ResNet34,
    cnnarch.ResNet50,
    cnnarch.ResNet101,
    cnnarch.ResNet152,
    cnnarch.DenseNet121,
    cnnarch.DenseNet169,
    cnnarch.DenseNet201,
    cnnarch.InceptionV3,
    cnnarch.Xception,
    cnnarch.GoogLeNet,
    cnnarch.MobileNet,
    cnnarch.MobileNetV2,
]
# (keyword arguments, exception, what the message must contain)
CANONICAL_BAD = [
    ({"input_shape": (224, 224)}, ValueError, "input_shape must have rank 3"),
    ({"input_shape": "224"}, TypeError, "input_shape"),
    ({"input_shape": (224.5, 224, 3)}, TypeError, "input_shape"),
    (
        {"include_top": False, "input_shape": (31, 300, 3)},
        ValueError,
        "input_shape must be at least",
    ),
    ({"include_top": "yes"}, TypeError, "include_top .*must be True or False"),
    ({"classes": 0}, ValueError, "classes .*must be an integer >= 1, got 0"),
    (
        {"classes": 2.5},
        TypeError,
        "classes .*must be an integer >= 1, got 2.5",
    ),
    ({"classes": True}, TypeError, "classes .*got True"),
    (
        {"include_top": False, "pooling": "mean"},
        ValueError,
        "pooling .*must be one of None, 'avg', 'max', got 'mean'",
    ),
    (
        {"classifier_activation": "softmaxx"},
        ValueError,
        "classifier_activation .*got 'softmaxx'",
    ),
    ({"weights": "no/such/file.weights.h5"}, ValueError, "weights must be"),
    ({"weights": 3}, ValueError, "weights must be .* got 3"),
    ({"wieghts": None}, TypeError, "wieghts"),
]
IMAGENET_BAD = [
    (
        {"weights": "imagenet", "classes": 10},
        ValueError,
        "classes must be 1000",
    ),
    (
        {"weights": "imagenet", "classifier_activation": "sigmoid"},
        ValueError,
        "classifier_activation must be None or 'softmax'",
    ),
    (
        {
            "weights": "imagenet",
            "include_top": False,
            "input_shape": (224, 224, 1),
        },
        ValueError,
        "input_shape must have 3 channels",
    ),
]
SMALL = [
    cnnarch.SmallVGG,
    cnnarch.SmallResNet,
    cnnarch.SmallDenseNet,
    cnnarch.SmallInception,
    cnnarch.SmallXception,
    cnnarch.MiniXception,
    cnnarch.SmallMobileNet,
    cnnarch.SmallMobileNetV2,
    cnnarch.AblationXception,
]
SMALL_BAD = [
    ({"input_shape": (32, 32)}, ValueError, "input_shape must have rank 3"),
    ({"input_shape": (None, None, 3)}, ValueError, "fixed height and width"),
    ({"input_shape": (2, 32, 3)}, ValueError, "input_shape must be at least"),
    ({"classes": 0}, ValueError, "classes .*got 0"),
    ({"classes": "10"}, TypeError, "classes .*got '10'"),
    ({"classifier_activation": "nope"}, ValueError, "classifier_activation"),
    ({"width": 2}, TypeError, "width"),
]
OWN_BAD = [
    # VGG, the family and its small variant
    (cnnarch.VGG, ("C",), {}, ValueError, "config .*got 'C'"),
    (
        cnnarch.VGG,
        ("A",),
        {"weights": "imagenet", "include_top": False},
        ValueError,
        "weights='imagenet' exists only for configs",
    ),
    (
        cnnarch.VGG,
        ("D",),
        {"input_shape": (None, None, 3)},
        ValueError,
        "fixed height and width",
    ),
    (cnnarch.SmallVGG, (), {"convs": 2.5}, TypeError, "convs .*got 2.5"),
    (cnnarch.SmallVGG, (), {"convs": 0}, ValueError, "convs .*>= 1, got 0"),
    (
        cnnarch.SmallVGG,
        (),
        {"filters": (8.5,)},
        TypeError,
        r"filters .*\(8.5,\)",
    ),
    (cnnarch.SmallVGG, (), {"filters": ()}, ValueError, r"filters .*got \(\)"),
    (
        cnnarch.SmallVGG,
        (),
        {"dropout": 1.0},
        ValueError,
        r"dropout .*\[0, 1\)",
    ),
    (cnnarch.SmallVGG, (), {"dense_units": 0}, ValueError, "dense_units"),
    # ResNet
    (cnnarch.ResNet, (cnnarch.bottleneck_block, []), {}, ValueError, "depths"),
    (
        cnnarch.ResNet,
        (cnnarch.bottleneck_block, [3, 0, 6, 3]),
        {},
        ValueError,
        "depths",
    ),
    (
        cnnarch.ResNet,
        (cnnarch.bottleneck_block, [3, 4, 6]),
        {},
        ValueError,
        "filters .*sequence of 3 integers",
    ),
    (cnnarch.ResNet, ("bottleneck", [3, 4, 6, 3]), {}, TypeError, "block"),
    (
        cnnarch.ResNet,
        (cnnarch.basic_block, [2, 2, 2, 2]),
        {"weights": "imagenet"},
        ValueError,
        "weights='imagenet' exists only",
    ),
    (cnnarch.SmallResNet, (), {"depths": (2, 2)}, ValueError, "filters"),
    (cnnarch.SmallResNet, (), {"filters": (16, 0, 64)}, ValueError, "filters"),
    # DenseNet
    (cnnarch.DenseNet, ([],), {}, ValueError, "depths"),
    (
        cnnarch.DenseNet,
        ([6, 12, 24, 16],),
        {"growth_rate": 0},
        ValueError,
        "growth_rate",
    ),
    (
        cnnarch.DenseNet,
        ([6, 12, 24, 16],),
        {"compression": 0.0},
        ValueError,
        r"compression .*\(0, 1\]",
    ),
    (
        cnnarch.DenseNet,
        ([6, 12, 24, 16],),
        {"growth_rate": 12, "weights": "imagenet"},
        ValueError,
        "weights='imagenet' exists only",
    ),
    (
        cnnarch.SmallDenseNet,
        (),
        {"compression": "0.5"},
        TypeError,
        "compression .*got '0.5'",
    ),
    (
        cnnarch.SmallDenseNet,
        (),
        {"growth_rate": 1.5},
        TypeError,
        "growth_rate",
    ),
    (cnnarch.SmallDenseNet, (), {"depths": (4, 0, 4)}, ValueError, "depths"),
    # Inception v1 and v3
    (
        cnnarch.GoogLeNet,
        (),
        {"weights": "imagenet"},
        ValueError,
        "no pretrained GoogLeNet",
    ),
    (cnnarch.GoogLeNet, (), {"aux_logits": "yes"}, TypeError, "aux_logits"),
    (
        cnnarch.GoogLeNet,
        (),
        {"aux_logits": True, "include_top": False},
        ValueError,
        "aux_logits=True needs include_top=True",
    ),
    (
        cnnarch.GoogLeNet,
        (),
        {"aux_logits": True, "input_shape": (64, 224, 3)},
        ValueError,
        "65x65",
    ),
    (
        cnnarch.SmallInception,
        (),
        {"width_multiplier": 0},
        ValueError,
        "width_multiplier",
    ),
    (
        cnnarch.SmallInception,
        (),
        {"width_multiplier": True},
        TypeError,
        "width_multiplier",
    ),
    (
        cnnarch.InceptionV3,
        (),
        {"input_shape": (74, 75, 3)},
        ValueError,
        r"at least 75x75 .*\(74, 75, 3\)",
    ),
    # Xception and its small variants
    (cnnarch.Xception, (), {"middle_blocks": -1}, ValueError, "middle_blocks"),
    (cnnarch.Xception, (), {"middle_blocks": 2.0}, TypeError, "middle_blocks"),
    (
        cnnarch.Xception,
        (),
        {"middle_blocks": True},
        TypeError,
        "middle_blocks",
    ),
    (
        cnnarch.Xception,
        (),
        {"weights": "imagenet", "middle_blocks": 4},
        ValueError,
        "middle_blocks must be 8",
    ),
    (
        cnnarch.SmallXception,
        (),
        {"intermediate_activation": "tanh"},
        ValueError,
        "intermediate_activation",
    ),
    (cnnarch.SmallXception, (), {"residual": "yes"}, TypeError, "residual"),
    (
        cnnarch.SmallXception,
        (),
        {"width_multiplier": math.inf},
        ValueError,
        "width_multiplier",
    ),
    (
        cnnarch.SmallXception,
        (),
        {"middle_blocks": -2},
        ValueError,
        "middle_blocks",
    ),
    (
        cnnarch.MiniXception,
        (),
        {"filters": (True, 8)},
        TypeError,
        r"filters .*\(True, 8\)",
    ),
    (cnnarch.MiniXception, (), {"filters": (32, 0)}, ValueError, "filters"),
    (cnnarch.MiniXception, (), {"dropout": -0.1}, ValueError, "dropout"),
    # MobileNet and MobileNetV2
    (cnnarch.MobileNet, (), {"alpha": 0.01}, ValueError, "alpha"),
    (cnnarch.MobileNet, (), {"alpha": "1"}, TypeError, "alpha"),
    (
        cnnarch.MobileNet,
        (),
        {"depth_multiplier": 0},
        ValueError,
        "depth_multiplier .*got 0",
    ),
    (cnnarch.MobileNet, (), {"dropout": 1.0}, ValueError, "dropout"),
    (
        cnnarch.MobileNet,
        (),
        {"weights": "imagenet", "alpha": 0.3},
        ValueError,
        "weights='imagenet' exists only for alpha",
    ),
    (
        cnnarch.MobileNet,
        (),
        {"weights": "imagenet", "depth_multiplier": 2},
        ValueError,
        "depth_multiplier 1",
    ),
    (cnnarch.MobileNetV2, (), {"alpha": 0}, ValueError, "alpha .*got 0"),
    (cnnarch.MobileNetV2, (), {"alpha": True}, TypeError, "alpha"),
    (
        cnnarch.MobileNetV2,
        (),
        {"weights": "imagenet", "alpha": 0.6},
        ValueError,
        "weights='imagenet' exists only for alpha",
    ),
    (
        cnnarch.MobileNetV2,
        (),
        {"depth_multiplier": 1},
        TypeError,
        "depth_multiplier",
    ),
    (cnnarch.SmallMobileNet, (), {"alpha": -1}, ValueError, "alpha"),
    (
        cnnarch.SmallMobileNet,
        (),
        {"depth_multiplier": 1.5},
        TypeError,
        "depth_multiplier",
    ),
    (cnnarch.SmallMobileNet, (), {"dropout": -0.1}, ValueError, "dropout"),
    (cnnarch.SmallMobileNetV2, (), {"alpha": math.nan}, ValueError, "alpha"),
    # preprocessing
    (
        preprocessing.preprocess_input,
        (np.zeros((2, 2, 3)), "alexnet"),
        {},
        ValueError,
        "family must be one of .* got 'alexnet'",
    ),
    (
        preprocessing.preprocess_input,
        (np.zeros((2, 2, 4)), "vgg16"),
        {},
        ValueError,
        "x must have 3 channels",
    ),
    (
        cnnarch.AblationXception,
        (),
        {"residual": True},
        ValueError,
        "residual .*must be one of 'all', 'projections', 'none', got True",
    ),
    (
        cnnarch.AblationXception,
        (),
        {"groups": 5},
        ValueError,
        "groups must divide the middle width 24 .* got 5",
    ),
    (cnnarch.AblationXception, (), {"groups": 0}, ValueError, "groups"),
    (
        cnnarch.AblationXception,
        (),
        {"filters": (12, 24)},
        ValueError,
        "filters .*sequence of 4 integers",
    ),
    (
        cnnarch.AblationXception,
        (),
        {"intermediate_activation": "tanh"},
        ValueError,
        "intermediate_activation",
    ),
    (
        cnnarch.AblationXception,
        (),
        {"middle_blocks": 1.0},
        TypeError,
        "middle_blocks",
    ),
    # cost: closed forms
    (
        cost.conv2d_params,
        (0, 3, 8),
        {},
        ValueError,
        "k must be an integer >= 1",
    ),
    (cost.conv2d_params, ((3, 3, 3), 3, 8), {}, ValueError, "pair"),
    (
        cost.conv2d_params,
        (3, 6, 8),
        {"groups": 4},
        ValueError,
        "divisible by groups=4",
    ),
    (cost.conv2d_params, (3, 6, 8, False), {}, TypeError, "positional"),
    (cost.conv2d_macs, (-1, 7, 3, 3, 8), {}, ValueError, "h_out .*got -1"),
    (cost.conv2d_macs, (7, 7, 3, 3.0, 8), {}, TypeError, "c_in .*got 3.0"),
    (
        cost.depthwise_conv2d_params,
        (3, 8),
        {"depth_multiplier": 1.5},
        TypeError,
        "depth_multiplier",
    ),
    (cost.depthwise_conv2d_macs, (7, 7, 3, 0), {}, ValueError, "c_in"),
    (
        cost.pointwise_conv2d_params,
        (3, 8),
        {"bias": "yes"},
        TypeError,
        "bias must be True or False",
    ),
    (cost.pointwise_conv2d_macs, (7, 7, 3, None), {}, TypeError, "c_out"),
    (
        cost.separable_conv2d_params,
        (3, 8, 8),
        {"depth_multiplier": 0},
        ValueError,
        "depth_multiplier",
    ),
    (cost.separable_conv2d_macs, (7, 7, 3, True, 8), {}, TypeError, "c_in"),
    (cost.separable_reduction, (3, 0), {}, ValueError, "c_out .*got 0"),
    # cost: models
    (
        cost.model_macs,
        ("vgg16",),
        {},
        TypeError,
        "model must be a keras.Model",
    ),
    (cost.activation_count, (None,), {}, TypeError, "model must be"),
    (cost.cost_table, (keras.layers,), {}, TypeError, "model must be"),
    (
        cost.activation_bytes,
        (TINY,),
        {"dtype": "float31"},
        ValueError,
        "dtype must be one of",
    ),
    # data
    (data.load_arrays, ("mnist",), {}, ValueError, "name must be one of"),
    (data.load_datasets, (), {"batch_size": 0}, ValueError, "batch_size"),
    (data.load_datasets, (), {"batch_size": 2.0}, TypeError, "batch_size"),
    (data.load_datasets, (), {"augment": "yes"}, TypeError, "augment"),
    (data.load_datasets, (), {"seed": -1}, ValueError, "seed"),
    (data.augmentation, (), {"translate": 2}, ValueError, "translate"),
    (data.augmentation, (), {"flip": 1}, TypeError, "flip"),
    (data.cluttered_digits, (5,), {}, ValueError, "n_train .*>= 10, got 5"),
    (data.cluttered_digits, (), {"canvas": 24.0}, TypeError, "canvas"),
    (
        data.cluttered_digits,
        (),
        {"digit_sizes": (20, 10)},
        ValueError,
        r"digit_sizes must be \(low, high\)",
    ),
    (data.cluttered_digits, (), {"noise": 2}, ValueError, "noise"),
    (data.cluttered_digits, (), {"boxes": 1}, TypeError, "boxes"),
    (data.cluttered_digits, (), {"seed": -1}, ValueError, "seed"),
    # train
    (
        train.train,
        ("tiny", None, None, None),
        {"epochs": 1},
        TypeError,
        "builder must be a callable",
    ),
    (
        train.train,
        (TINY, None, None, None),
        {"epochs": 0},
        ValueError,
        "epochs .*got 0",
    ),
    (
        train.train,
        (TINY, None, None, None),
        {"epochs": 1.5},
        TypeError,
        "epochs",
    ),
    (
        train.train,
        (TINY, None, None, None),
        {"epochs": 1, "learning_rate": 0.0},
        ValueError,
        "learning_rate .*got 0.0",
    ),
    (
        train.train,
        (TINY, None, None, None),
        {"epochs": 1, "optimizer": "sgdd"},
        ValueError,
        "optimizer must be .* got 'sgdd'",
    ),
    (
        train.train,
        (TINY, None, None, None),
        {"epochs": 1, "strategy": "mirrored"},
        TypeError,
        "strategy",
    ),
]
DATA3 = (None, None, None)
OWN_BAD += [
    (
        train.train_seeds,
        ("tiny", DATA3, [0]),
        {"steps": 10, "log_every": 5},
        TypeError,
        "builder must be a callable",
    ),
    (
        train.train_seeds,
        (TINY, DATA3[:2], [0]),
        {"steps": 10, "log_every": 5},
        ValueError,
        r"data must be \(train, val, test\)",
    ),
    (
        train.train_seeds,
        (TINY, DATA3, [-1]),
        {"steps": 10, "log_every": 5},
        ValueError,
        "seeds",
    ),
    (
        train.train_seeds,
        (TINY, DATA3, []),
        {"steps": 10, "log_every": 5},
        ValueError,
        "seeds",
    ),
    (
        train.train_seeds,
        (TINY, DATA3, [0]),
        {"steps": 0, "log_every": 5},
        ValueError,
        "steps .*got 0",
    ),
    (
        train.train_seeds,
        (TINY, DATA3, [0]),
        {"steps": 10, "log_every": 3},
        ValueError,
        "multiple of log_every=3, got 10",
    ),
    (
        train.train_seeds,
        (TINY, DATA3, [0]),
        {"steps": 10, "log_every": 5, "learning_rate": -1.0},
        ValueError,
        "learning_rate",
    ),
    (
        train.train_seeds,
        (TINY, DATA3, [0]),
        {"steps": 10, "log_every": 5, "batchnorm_momentum": 1.0},
        ValueError,
        "batchnorm_momentum",
    ),
    (
        train.paired_permutation_test,
        ([1.0], [2.0]),
        {},
        ValueError,
        "2 to 20 paired values, got 1",
    ),
    (
        train.seeded_initial_weights,
        (TINY, -1),
        {},
        ValueError,
        "seed must be an integer >= 0, got -1",
    ),
]
OWN_BAD += [
    (
        cnnarch.check_vgg_block,
        ("vgg_block",),
        {},
        TypeError,
        "learner_fn must be a callable .*got 'vgg_block'",
    ),
]
OWN_BAD += [
    (
        cnnarch.check_sign_flip_p,
        ("sign_flip_p",),
        {},
        TypeError,
        "learner_fn must be a function .*got 'sign_flip_p'",
    ),
]
OWN_BAD += [
    # build-a-block exercises: the learner's block must be a function
    (
        checker,
        ("middle_block",),
        {},
        TypeError,
        "learner_fn must be a callable",
    )
    for checker in (
        block_exercises.check_preactivation_block,
        block_exercises.check_pool_first_transition,
        block_exercises.check_xception_middle_block,
        block_exercises.check_inverted_residual_block,
    )
]
# transfer (chapter 10)
from cnnarch import transfer, transfer_exercises  # noqa: E402

PAIR = (None, None)
OWN_BAD += [
    (
        transfer.few_shot_indices,
        (np.array([0, 1]), 0, 0),
        {},
        ValueError,
        "per_class .*>= 1, got 0",
    ),
    (
        transfer.few_shot_indices,
        (np.zeros((2, 2)), 1, 0),
        {},
        ValueError,
        "labels must be a non-empty 1-D array",
    ),
    (
        transfer.set_batchnorm_momentum,
        (TINY, 1.0),
        {},
        ValueError,
        r"momentum must be a number in \[0, 1\), got 1.0",
    ),
    (
        transfer.set_batchnorm_momentum,
        ("model", 0.9),
        {},
        TypeError,
        "model must be a keras.Model",
    ),
    (transfer.freeze_batchnorm, (None,), {}, TypeError, "model must be"),
    (
        transfer.cut_backbone,
        (TINY, "avg_pool"),
        {},
        ValueError,
        "layer must be one of .* got 'avg_pool'",
    ),
    (transfer.with_new_head, (TINY, 0), {}, ValueError, "classes .*got 0"),
    (
        transfer.few_shot_runs,
        (TINY, PAIR, PAIR, (), (0,)),
        {"steps": 1},
        ValueError,
        "per_class must name at least one setting",
    ),
    (
        transfer.few_shot_runs,
        (TINY, PAIR, PAIR, (5,), (0,)),
        {"steps": 0},
        ValueError,
        "steps .*got 0",
    ),
    (
        transfer.few_shot_runs,
        ("model", PAIR, PAIR, (5,), (0,)),
        {"steps": 1},
        TypeError,
        "model must be a keras.Model",
    ),
    (
        transfer_exercises.check_xception_exit_side,
        (3,),
        {},
        TypeError,
        "learner_fn must be a function",
    ),
]
BAD_CALLS = (
    [
        (fn, (), kw, exc, msg)
        for fn in CANONICAL
        for kw, exc, msg in CANONICAL_BAD
    ]
    + [
        (fn, (), kw, exc, msg)
        for fn in CANONICAL
        if fn is not cnnarch.GoogLeNet
        for kw, exc, msg in IMAGENET_BAD
    ]
    + [(fn, (), kw, exc, msg) for fn in SMALL for kw, exc, msg in SMALL_BAD]
    + OWN_BAD
)


BY_FUNCTION: dict = {}
for _case in BAD_CALLS:
    BY_FUNCTION.setdefault(_case[0], []).append(_case[1:])


def tiny_model(**kwargs) -> keras.Model:
    inputs = keras.Input((8, 8, 3))
    return keras.Model(inputs, keras.layers.Conv2D(4, 3)(inputs))


@pytest.fixture
def tiny():
    return tiny_model()


# One test per public function, not per case: each test pays for a Keras
# session reset (conftest.py). The message says which case failed.
@pytest.mark.parametrize(
    "fn", list(BY_FUNCTION), ids=lambda fn: f"{fn.__module__}.{fn.__name__}"
)
def test_bad_calls_raise_before_building(fn, tiny, no_layers):
    for args, kwargs, exception, message in BY_FUNCTION[fn]:
        args = tuple(tiny if a is TINY else a for a in args)
        if fn in (train.train, train.train_seeds) and args[0] is tiny:
            args = (tiny_model, *args[1:])
        call = f"{fn.__name__}(*{args!r}, **{kwargs!r})"
        with pytest.raises(exception, match=message) as raised:
            fn(*args, **kwargs)
        # exactly the documented class, not a subclass leaking from Keras
        assert type(raised.value) is exception, call


def test_every_public_function_is_in_the_table():
    called = {case[0] for case in BAD_CALLS}
    public = {
        getattr(cnnarch, name)
        for name in dir(cnnarch)
        if name[:1].isupper() and callable(getattr(cnnarch, name))
    }
    public -= {cnnarch.CostRow, cnnarch.CostTable}
    public |= {
        getattr(cost, name) for name in cost.__all__ if name[0].islower()
    }
    public |= {data.load_arrays, data.load_datasets, data.augmentation}
    public |= {train.train, preprocessing.preprocess_input}
    public |= {data.cluttered_digits}
    public |= {
        train.train,
        train.train_seeds,
        train.paired_permutation_test,
        train.seeded_initial_weights,
    }
    public |= {
        getattr(block_exercises, name) for name in block_exercises.__all__
    }
    public |= {
        getattr(transfer, name)
        for name in transfer.__all__
        if name[0].islower()
    }
    assert not {f.__name__ for f in public - called}


def test_weights_path_must_exist(tmp_path):
    path = tmp_path / "w.weights.h5"
    with pytest.raises(ValueError, match="existing weights file"):
        check(weights=str(path))
    path.write_bytes(b"")
    assert check(weights=os.fspath(path)) == (224, 224, 3)
