"""Reuse a trained network: cut off its head, put a new one on, train on a
few labels.

The workflow of the Keras guide *Transfer learning & fine-tuning* and of
Chollet's *Deep Learning with Python* (ch. 8), as four small functions:

- ``cut_backbone(model)``: the trained model up to its global pooling, as a
  model of its own;
- ``with_new_head(backbone, classes)``: inputs -> ``backbone(x,
  training=False)`` -> a new softmax ``Dense`` named ``new_head``, as in the
  guide. Whether the backbone's weights train is ``backbone.trainable``, set
  before the model is compiled;
- ``freeze_batchnorm(model)``: ``trainable = False`` on every batch norm, so
  that they stay in inference mode while the rest of an unfrozen backbone is
  fine-tuned. In Keras 3 the ``training=False`` of the call above does not do
  this: ``fit`` calls the outer model with ``training=True``, which overrides
  it (keras-team/keras#20285); a batch norm runs in inference mode during
  ``fit`` only when it is not trainable;
- ``few_shot_indices(labels, per_class, seed)``: a seeded subset with
  ``per_class`` examples of every class, nested across ``per_class``;
- ``few_shot_runs(model, train, test, per_class, seeds, steps=...)``: one
  compiled model trained once per (labels per class, seed), each run from the
  model's starting weights with a seeded new head (or, for a model without a
  nested backbone, seeded weights everywhere), a fresh optimizer and a seeded
  subset; returns test accuracies.

``set_batchnorm_momentum(model, momentum)`` sets the momentum of every batch
norm of a model before it is compiled: Keras' default of 0.99 needs several
hundred steps before the moving statistics, which inference uses, forget
their starting values (mean 0, variance 1).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from .checks import check_choice, check_int, check_ints, check_number
from .train import _batch_norms, seeded_initial_weights

__all__ = [
    "FewShotRuns",
    "cut_backbone",
    "few_shot_indices",
    "few_shot_runs",
    "freeze_batchnorm",
    "set_batchnorm_momentum",
    "with_new_head",
]

Split = tuple[np.ndarray, np.ndarray]


def _check_model(name: str, value: object) -> keras.Model:
    if not isinstance(value, keras.Model):
        raise TypeError(
            f"{name} must be a keras.Model, got {type(value).__name__}"
        )
    return value


def set_batchnorm_momentum(model: keras.Model, momentum: float) -> int:
    """Set the momentum of every batch norm in ``model`` (nested models
    included) before it is compiled; return how many there are.

    A moving statistic after ``n`` training steps keeps ``momentum ** n`` of
    its starting value: 0.99 ** 100 = 37 %, 0.9 ** 100 = 0.003 %.
    """
    _check_model("model", model)
    check_number("momentum", momentum, low=0, high=1, high_open=True)
    norms = _batch_norms(model)
    for layer in norms:
        layer.momentum = float(momentum)
    return len(norms)


def freeze_batchnorm(model: keras.Model) -> int:
    """Set ``trainable = False`` on every batch norm of ``model`` (nested
    models included), which in Keras 3 also runs them in inference mode;
    return how many there are. Call it after ``model.trainable = True``."""
    _check_model("model", model)
    norms = _batch_norms(model)
    for layer in norms:
        layer.trainable = False
    return len(norms)


def cut_backbone(model: keras.Model, layer: str = "avg_pool") -> keras.Model:
    """``model`` from its input to the output of ``layer`` (by default the
    global pooling of every ``cnnarch`` classifier), sharing its weights."""
    _check_model("model", model)
    names = [each.name for each in model.layers]
    check_choice("layer", layer, names)
    return keras.Model(
        model.inputs, model.get_layer(layer).output, name="backbone"
    )


def with_new_head(backbone: keras.Model, classes: int) -> keras.Model:
    """Inputs -> ``backbone(x, training=False)`` -> a new
    ``Dense(classes, softmax)`` named ``new_head`` (the Keras guide's model).

    ``training=False`` holds when the model is called on its own, but during
    ``fit`` Keras 3 calls it with ``training=True``, which reaches the
    backbone: its batch norms then stay in inference mode only if they are
    not trainable (``backbone.trainable = False``, or ``freeze_batchnorm``).
    """
    _check_model("backbone", backbone)
    check_int("classes", classes, owner="with_new_head")
    inputs = keras.Input(backbone.input_shape[1:], name="input")
    x = backbone(inputs, training=False)
    outputs = layers.Dense(classes, activation="softmax", name="new_head")(x)
    return keras.Model(inputs, outputs, name=f"{backbone.name}_new_head")


def few_shot_indices(
    labels: np.ndarray, per_class: int | None, seed: int
) -> np.ndarray:
    """Sorted indices of ``per_class`` examples of every class in ``labels``
    (all of them for None), drawn with ``seed``.

    Each class is shuffled once per seed and its first ``per_class`` indices
    kept, so for one seed the 5-per-class subset lies inside the
    20-per-class one.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not len(labels):
        raise ValueError(
            "labels must be a non-empty 1-D array of class labels, got shape "
            f"{labels.shape}"
        )
    if per_class is not None:
        check_int("per_class", per_class, owner="few_shot_indices")
    check_int("seed", seed, min=0, owner="few_shot_indices")
    classes, counts = np.unique(labels, return_counts=True)
    if per_class is not None and per_class > counts.min():
        raise ValueError(
            f"per_class must be at most {counts.min()}, the examples of the "
            f"rarest class, got {per_class}"
        )
    chosen = []
    for c in classes:
        rng = np.random.default_rng([seed, int(c)])
        members = rng.permutation(np.flatnonzero(labels == c))
        chosen.append(members[:per_class])
    return np.sort(np.concatenate(chosen))


@dataclass
class FewShotRuns:
    """Test accuracy of one model trained once per labels-per-class setting
    and seed."""

    per_class: tuple[int | None, ...]
    seeds: tuple[int, ...]
    accuracy: np.ndarray  # (len(per_class), len(seeds))
    seconds: float  # wall time of all runs, tracing included

    def mean(self) -> np.ndarray:
        """Mean accuracy per labels-per-class setting."""
        return self.accuracy.mean(axis=1)

    def std(self) -> np.ndarray:
        """Sample standard deviation (ddof=1) over the seeds, per setting."""
        return self.accuracy.std(axis=1, ddof=1)


def few_shot_runs(
    model: keras.Model,
    train: Split,
    test: Split,
    per_class: Sequence[int | None],
    seeds: Sequence[int],
    *,
    steps: int,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
) -> FewShotRuns:
    """Train ``model`` once per labels-per-class setting and seed; return
    test accuracies.

    ``train`` and ``test`` are ``(images, integer labels)``. The model is
    compiled once (Adam at ``learning_rate``, sparse categorical
    cross-entropy), with the ``trainable`` flags it has now, and traced once.
    Every run starts from the weights ``model`` holds when this is called,
    then redraws the randomly initialised weights of the model's own layers
    from the seed (``seeded_initial_weights``; a nested backbone is one layer
    and keeps its weights), resets the optimizer, takes ``few_shot_indices``
    of the training set and trains ``steps`` batches of ``batch_size`` drawn
    by a seeded shuffle of the repeated subset.
    """
    _check_model("model", model)
    if len(train) != 2 or len(test) != 2:
        raise ValueError(
            "train and test must each be (images, labels), got "
            f"{len(train)} and {len(test)} parts"
        )
    settings = tuple(per_class)
    if not settings:
        raise ValueError("per_class must name at least one setting, got ()")
    for value in settings:
        if value is not None:
            check_int("per_class", value, owner="few_shot_runs")
    seeds = check_ints("seeds", seeds, min=0)
    check_int("steps", steps)
    check_int("batch_size", batch_size)
    check_number("learning_rate", learning_rate, low=0, low_open=True)
    (x, y), (x_test, y_test) = train, test

    start = time.perf_counter()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.optimizer.build(model.trainable_variables)
    start_weights = [v.numpy() for v in model.weights]
    fresh_state = [v.numpy() for v in model.optimizer.variables]
    rows = []
    for setting in settings:
        row = []
        for seed in seeds:
            for variable, value in zip(model.weights, start_weights):
                variable.assign(value)
            for variable, value in zip(model.optimizer.variables, fresh_state):
                variable.assign(value)
            seeded_initial_weights(model, seed)
            index = few_shot_indices(y, setting, seed)
            batches = (
                tf.data.Dataset.from_tensor_slices((x[index], y[index]))
                .repeat()
                .shuffle(len(index) * 2, seed=seed)
                .batch(batch_size, drop_remainder=True)
            )
            model.fit(
                batches,
                steps_per_epoch=steps,
                epochs=1,
                shuffle=False,  # the dataset shuffles itself, seeded
                verbose=0,
            )
            scores = model.evaluate(
                x_test,
                y_test,
                batch_size=len(y_test),
                verbose=0,
                return_dict=True,
            )
            row.append(scores["accuracy"])
        rows.append(row)
    for variable, value in zip(model.weights, start_weights):
        variable.assign(value)
    return FewShotRuns(
        per_class=settings,
        seeds=seeds,
        accuracy=np.array(rows),
        seconds=time.perf_counter() - start,
    )
