"""cnnarch.train: Keras compile/fit/evaluate on the digits, on one device and mirrored over two."""

import json
import math
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from keras import layers

from cnnarch import data, train


def tiny_cnn(
    input_shape=(32, 32, 3), classes=10, filters=8, activation="softmax"
):
    """Two conv-pool stages and a dense classifier: 7,162 weights with the defaults."""
    inputs = keras.Input(input_shape, name="input")
    x = layers.Conv2D(filters, 3, activation="relu", name="conv1")(inputs)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(2 * filters, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(classes, activation=activation, name="predictions")(
        x
    )
    return keras.Model(inputs, outputs, name="tiny_cnn")


def test_tiny_cnn_learns_the_digits():
    train_ds, val_ds, test_ds, info = data.load_datasets(
        "digits", batch_size=64
    )
    result = train.train(
        tiny_cnn,
        train_ds,
        val_ds,
        test_ds,
        epochs=3,
        learning_rate=3e-3,
        verbose=0,
        input_shape=info.input_shape,
        classes=info.num_classes,
    )
    # conv1 3*3*3*8+8, conv2 3*3*8*16+16, dense (6*6*16)*10+10
    assert result.params == 224 + 1168 + 5770
    assert set(result.history) == {
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
    }
    assert all(len(v) == 3 for v in result.history.values())
    assert result.history["loss"][-1] < 0.5 * result.history["loss"][0]
    assert (
        result.test_accuracy > 0.5
    )  # chance is 0.1; measured 0.90 on 2 CPU cores
    assert math.isfinite(result.test_loss) and result.train_seconds > 0
    assert result.model.loss.from_logits is False


@pytest.mark.slow
def test_same_seed_and_fresh_datasets_repeat_the_run():
    runs = []
    for _ in range(2):
        keras.backend.clear_session()
        train_ds, _, test_ds, _ = data.load_datasets(
            "digits", batch_size=64, seed=0
        )
        runs.append(
            train.train(
                tiny_cnn,
                train_ds.take(5),
                None,
                test_ds.take(2),
                epochs=2,
                verbose=0,
                filters=4,
            )
        )
    assert runs[0].history["loss"] == pytest.approx(
        runs[1].history["loss"], rel=1e-4
    )
    assert runs[0].test_loss == pytest.approx(runs[1].test_loss, rel=1e-4)


def test_logits_models_get_a_from_logits_loss():
    assert train._outputs_probabilities(tiny_cnn()) is True
    assert train._outputs_probabilities(tiny_cnn(activation=None)) is False
    inputs = keras.Input((4,), name="input")
    outputs = layers.Softmax(name="softmax")(
        layers.Dense(3, name="dense")(inputs)
    )
    assert train._outputs_probabilities(keras.Model(inputs, outputs)) is True


# Logical devices must be configured before TensorFlow initialises its devices: a fresh process.
MIRRORED_SCRIPT = textwrap.dedent(
    """
    import json, math
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
    )
    import keras
    from keras import layers
    from tensorflow.python.framework import config
    from cnnarch import data, train

    def tiny(input_shape, classes):
        inputs = keras.Input(input_shape, name="input")
        x = layers.Conv2D(8, 3, strides=2, activation="relu", name="conv")(inputs)
        x = layers.Flatten(name="flatten")(x)
        return keras.Model(inputs, layers.Dense(classes, name="logits")(x), name="tiny")

    train.deterministic()
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    train_ds, val_ds, test_ds, info = data.load_datasets("digits", batch_size=64)
    result = train.train(tiny, train_ds, val_ds, test_ds, epochs=2, strategy=strategy, verbose=0,
                         input_shape=info.input_shape, classes=info.num_classes)
    print(json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "variable": type(result.model.trainable_weights[0].value).__name__,
        "from_logits": result.model.loss.from_logits,
        "deterministic": config.is_op_determinism_enabled(),
        "history": result.history,
        "test_accuracy": result.test_accuracy,
        "test_loss": result.test_loss,
    }))
    """
)


@pytest.mark.slow
def test_mirrored_strategy_over_two_logical_cpus():
    env = dict(
        os.environ,
        TF_CPP_MIN_LOG_LEVEL="3",
        TF_ENABLE_ONEDNN_OPTS="0",
        CUDA_VISIBLE_DEVICES="",
    )
    done = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["replicas"] == 2
    assert (
        out["variable"] == "MirroredVariable"
    )  # built inside strategy.scope()
    assert out["from_logits"] is True and out["deterministic"] is True
    assert (
        all(len(v) == 2 for v in out["history"].values())
        and len(out["history"]) == 4
    )
    assert all(
        math.isfinite(v) for v in out["history"]["loss"]
    ) and math.isfinite(out["test_loss"])
    assert out["history"]["loss"][1] < out["history"]["loss"][0]


# ------------------------------------------------------------ train_seeds
def small_cluttered():
    *splits, info = data.cluttered_digits(
        200, 50, 50, canvas=16, digit_sizes=(8, 12)
    )
    return splits, info


def test_train_seeds_restarts_each_seed_from_its_own_start():
    splits, info = small_cluttered()
    runs = train.train_seeds(
        tiny_cnn,
        splits,
        [0, 0, 1],
        steps=6,
        log_every=3,
        batch_size=16,
        input_shape=info.input_shape,
        filters=4,
    )
    assert runs.seeds == (0, 0, 1) and list(runs.steps) == [3, 6]
    assert runs.val_accuracy.shape == (3, 2)
    assert runs.test_accuracy.shape == (3,)
    # conv1 9*1*4+4, conv2 9*4*8+8, dense on 2*2*8 features: 32*10+10
    assert runs.params == 40 + 296 + 330
    # The same seed after another run: weights, optimizer and shuffle reset.
    assert runs.val_accuracy[0] == pytest.approx(runs.val_accuracy[1])
    assert runs.test_accuracy[0] == pytest.approx(runs.test_accuracy[1])
    assert list(runs.at_step(5)) == list(runs.val_accuracy[:, 0])
    with pytest.raises(ValueError, match="step must be"):
        runs.at_step(2)


def test_same_seed_gives_same_weights_where_variants_share_layers():
    from cnnarch import AblationXception

    variants = [
        AblationXception(middle_blocks=1),
        AblationXception(middle_blocks=2, residual="none"),
        AblationXception(middle_blocks=1, intermediate_activation="relu"),
    ]
    for model in variants:
        train.seeded_initial_weights(model, 7)
    (a, b, c), d = variants, AblationXception(middle_blocks=1)
    train.seeded_initial_weights(d, 8)
    same = a.get_layer("block3_sepconv1")
    assert np.array_equal(
        same.depthwise_kernel, b.get_layer("block3_sepconv1").depthwise_kernel
    )
    split = c.get_layer("block3_sepconv1_depthwise").kernel
    assert np.array_equal(same.depthwise_kernel, split)
    assert np.array_equal(
        same.pointwise_kernel, c.get_layer("block3_sepconv1_pointwise").kernel
    )
    assert not np.array_equal(
        same.depthwise_kernel, d.get_layer("block3_sepconv1").depthwise_kernel
    )
    # Different layers get different draws.
    assert not np.array_equal(
        a.get_layer("block3_sepconv2").pointwise_kernel, same.pointwise_kernel
    )


def test_paired_permutation_test_counts_sign_patterns():
    # All 3 differences positive: only all-plus and all-minus reach the mean.
    assert train.paired_permutation_test([2, 3, 4], [1, 1, 1]) == 2 / 8
    assert train.paired_permutation_test([1] * 6, [0] * 6) == 2 / 64
    assert train.paired_permutation_test([1, 0], [0, 1]) == 1.0
    # d = (3, -1, 1, 1), mean 1: with the first sign +, two of the other
    # three terms must be +1 (4 of 8 patterns); mirrored with it -: 8 / 16.
    assert train.paired_permutation_test([3, -1, 1, 1], [0] * 4) == 8 / 16


def test_train_seeds_restarts_a_schedule_with_every_seed():
    splits, info = small_cluttered()
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, 6)
    runs = train.train_seeds(
        tiny_cnn,
        splits,
        [1, 1],
        steps=6,
        log_every=3,
        batch_size=16,
        learning_rate=schedule,
        input_shape=info.input_shape,
        filters=4,
    )
    # The second run of seed 1 starts the schedule again: the same numbers.
    assert runs.val_accuracy[0] == pytest.approx(runs.val_accuracy[1])
    assert runs.test_accuracy[0] == pytest.approx(runs.test_accuracy[1])
