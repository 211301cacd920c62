"""Train and evaluate any model builder with Keras' own
``compile``/``fit``/``evaluate``.

``train(builder, train_ds, val_ds, test_ds, epochs=...)`` builds the model,
compiles it with sparse categorical cross-entropy and accuracy, fits it with
Keras' progress bar, evaluates it on the test set and returns a
``TrainResult``. There is no hand-written training loop.

Scaling past one device goes through ``tf.distribute``: pass ``strategy=`` and
the model, its weights and the optimizer state are created inside
``strategy.scope()``, and Keras splits each batch of the datasets over the
replicas (the batch size is then the global batch size).

- several GPUs on one machine: ``tf.distribute.MirroredStrategy()``;
- a Colab TPU: ``resolver =
  tf.distribute.cluster_resolver.TPUClusterResolver()``,
  ``tf.config.experimental_connect_to_cluster(resolver)``,
  ``tf.tpu.experimental.initialize_tpu_system(resolver)``, then
  ``tf.distribute.TPUStrategy(resolver)``;
- default: ``tf.distribute.get_strategy()``, the one-device strategy Keras uses
  anyway.

Seeds are fixed with ``keras.utils.set_random_seed(seed)`` before the model is
built, which makes the initial weights, the dropout masks and seeded
``tf.data`` shuffles repeatable. Some GPU kernels still add in a varying order;
``deterministic()`` calls ``tf.config.experimental.enable_op_determinism()`` so
repeated runs give the same numbers bit for bit, at some cost in speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import keras
import tensorflow as tf

from .checks import check_int, check_number

__all__ = ["TrainResult", "deterministic", "train"]


@dataclass
class TrainResult:
    """What one training run produced: the model, its per-epoch history and its
    test scores."""

    model: keras.Model
    history: dict[str, list[float]]
    test_accuracy: float
    test_loss: float
    params: int
    train_seconds: float


def deterministic() -> None:
    """Make TensorFlow ops deterministic for the rest of the process (slower;
    irreversible)."""
    tf.config.experimental.enable_op_determinism()


def _outputs_probabilities(model: keras.Model) -> bool:
    """Whether the model's last layer applies a softmax (otherwise its outputs
    are logits)."""
    last = model.layers[-1]
    if isinstance(last, keras.layers.Softmax):
        return True
    return getattr(last, "activation", None) is keras.activations.softmax


def _make_optimizer(
    optimizer: str | keras.optimizers.Optimizer, learning_rate: float
) -> keras.optimizers.Optimizer:
    """An optimizer instance: a name gets ``learning_rate``, an instance is
    used as given."""
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer
    try:
        config = {
            "class_name": optimizer,
            "config": {"learning_rate": learning_rate},
        }
        return keras.optimizers.get(config)
    except (ValueError, TypeError):
        raise ValueError(
            "optimizer must be a keras.optimizers.Optimizer or a Keras "
            "optimizer name such as "
            f"'adam', got {optimizer!r}"
        ) from None


def train(
    builder: Callable[..., keras.Model],
    train_ds: tf.data.Dataset,
    val_ds: tf.data.Dataset | None,
    test_ds: tf.data.Dataset,
    *,
    epochs: int,
    optimizer: str | keras.optimizers.Optimizer = "adam",
    learning_rate: float = 1e-3,
    strategy: tf.distribute.Strategy | None = None,
    verbose: str | int = "auto",
    seed: int = 0,
    **builder_kwargs: Any,
) -> TrainResult:
    """Build ``builder(**builder_kwargs)``, fit it for ``epochs`` and evaluate
    it on ``test_ds``.

    The datasets yield ``(images, integer labels)`` batches, as
    ``cnnarch.data.load_datasets`` makes them. The loss is sparse categorical
    cross-entropy, on probabilities when the model ends in a softmax and on
    logits otherwise. ``learning_rate`` applies when ``optimizer`` is a name;
    an optimizer instance is used as it is. ``verbose`` is passed to ``fit``
    and ``evaluate`` ("auto" shows Keras' progress bar). ``val_ds`` may be
    None. ``train_seconds`` times ``fit`` alone, graph tracing of the first
    epoch included. To repeat a run exactly, pass the same ``seed`` and freshly
    made datasets: a seeded shuffle moves on each time it is iterated.
    """
    if not callable(builder):
        raise TypeError(
            "builder must be a callable returning a keras.Model, got "
            f"{builder!r}"
        )
    check_int("epochs", epochs)
    check_number("learning_rate", learning_rate, low=0, low_open=True)
    check_int("seed", seed, min=0)
    if strategy is not None and not isinstance(
        strategy, tf.distribute.Strategy
    ):
        raise TypeError(
            "strategy must be a tf.distribute.Strategy or None, got "
            f"{strategy!r}"
        )
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        _make_optimizer(
            optimizer, learning_rate
        )  # raises ValueError for an unknown name
    strategy = strategy or tf.distribute.get_strategy()

    keras.utils.set_random_seed(seed)
    with strategy.scope():
        model = builder(**builder_kwargs)
        if not isinstance(model, keras.Model):
            raise ValueError(
                "builder must return a keras.Model, got "
                f"{type(model).__name__}"
            )
        model.compile(
            optimizer=_make_optimizer(optimizer, learning_rate),
            loss=keras.losses.SparseCategoricalCrossentropy(
                from_logits=not _outputs_probabilities(model)
            ),
            metrics=["accuracy"],
        )

    start = time.perf_counter()
    # shuffle=False: a tf.data pipeline shuffles itself; Keras would ignore the
    # flag and warn.
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=epochs,
        verbose=verbose,
        shuffle=False,
    )
    seconds = time.perf_counter() - start
    scores = model.evaluate(test_ds, verbose=verbose, return_dict=True)
    return TrainResult(
        model=model,
        history={
            key: [float(v) for v in values]
            for key, values in history.history.items()
        },
        test_accuracy=float(scores["accuracy"]),
        test_loss=float(scores["loss"]),
        params=model.count_params(),
        train_seconds=seconds,
    )
