"""cnnarch.transfer: backbones, new heads, few-shot subsets and runs, and the
batch-norm behaviour the chapter relies on."""

import keras
import numpy as np
import pytest

import cnnarch
from cnnarch import transfer


def small():
    return cnnarch.SmallResNet(
        input_shape=(8, 8, 1), classes=3, depths=(1, 1, 1), filters=(4, 8, 8)
    )


def test_few_shot_indices_balanced_seeded_and_nested():
    labels = np.repeat(np.arange(3), [10, 12, 7])
    five = transfer.few_shot_indices(labels, 5, seed=1)
    two = transfer.few_shot_indices(labels, 2, seed=1)
    assert np.bincount(labels[five]).tolist() == [5, 5, 5]
    assert set(two) <= set(five)
    assert np.array_equal(five, transfer.few_shot_indices(labels, 5, seed=1))
    assert not np.array_equal(
        five, transfer.few_shot_indices(labels, 5, seed=2)
    )
    assert len(transfer.few_shot_indices(labels, None, seed=0)) == 29
    with pytest.raises(ValueError, match="at most 7"):
        transfer.few_shot_indices(labels, 8, seed=0)


def test_set_batchnorm_momentum_reaches_nested_models():
    backbone = transfer.cut_backbone(small())
    model = transfer.with_new_head(backbone, 2)
    count = transfer.set_batchnorm_momentum(model, 0.9)
    norms = [
        layer
        for layer in backbone.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert count == len(norms) > 0
    assert all(layer.momentum == 0.9 for layer in norms)


def test_cut_backbone_shares_weights_and_ends_at_the_pooling():
    model = small()
    backbone = transfer.cut_backbone(model)
    assert backbone.output_shape == (None, 8)
    assert backbone.get_layer("conv1_conv") is model.get_layer("conv1_conv")
    head = transfer.with_new_head(backbone, 4)
    assert head.output_shape == (None, 4)
    assert head.layers[-1].name == "new_head"


def moved(model, backbone, x):
    """Whether one call in training mode moves the first batch norm's mean."""
    bn = backbone.get_layer("conv1_bn")
    before = bn.moving_mean.numpy().copy()
    model(x, training=True)
    changed = not np.allclose(before, bn.moving_mean.numpy())
    bn.moving_mean.assign(before)
    return changed


def test_keras3_batchnorm_follows_trainable_not_the_training_argument():
    """The behaviour chapter 10 shows: with_new_head calls the backbone with
    training=False, yet an outer training=True call (what fit does) moves the
    statistics of a trainable backbone (keras-team/keras#20285); a frozen
    backbone or frozen batch norms do not move."""
    backbone = transfer.cut_backbone(small())
    model = transfer.with_new_head(backbone, 2)
    x = np.random.default_rng(0).random((4, 8, 8, 1), "float32") + 3
    assert moved(model, backbone, x)
    backbone.trainable = False
    assert not moved(model, backbone, x)
    backbone.trainable = True
    assert transfer.freeze_batchnorm(backbone) > 0
    assert not moved(model, backbone, x)
    assert backbone.get_layer("conv1_conv").trainable


def test_few_shot_runs_restores_the_start_and_learns():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 20).astype("int32")
    x = rng.random((60, 8, 8, 1), "float32") * 0.1
    for c in range(3):  # class c: a bright block in its own rows
        x[y == c, 2 * c : 2 * c + 2] += 1.0
    model = small()
    transfer.set_batchnorm_momentum(model, 0.5)
    start = [w.copy() for w in model.get_weights()]
    runs = transfer.few_shot_runs(
        model, (x, y), (x, y), (2, None), (0, 1), steps=40, batch_size=8
    )
    assert runs.accuracy.shape == (2, 2)
    assert runs.per_class == (2, None) and runs.seeds == (0, 1)
    assert runs.mean()[1] > 0.9  # all labels of an easy task
    assert runs.std().shape == (2,)
    assert all(
        np.array_equal(a, b) for a, b in zip(start, model.get_weights())
    )
