"""Train and evaluate any model builder.

``train(builder, train_ds, val_ds, test_ds, epochs=...)`` builds the model,
compiles it with sparse categorical cross-entropy and accuracy, fits it with
Keras' progress bar, evaluates it on the test set and returns a
``TrainResult``: Keras' own ``compile``/``fit``/``evaluate``, no
hand-written loop.

``train_seeds(builder, (train, val, test), seeds, steps=..., log_every=...)``
is the harness of the ablations (chapter 9). Tiny models train faster
outside ``fit``: it traces one model's training step once, runs the steps
between two logs in one call, and restarts the model for every seed from that
seed's initial weights (``seeded_initial_weights``, equal across variants
wherever they share a layer), a fresh optimizer state and a seeded shuffle,
logging validation accuracy every ``log_every`` steps into a ``SeedRuns``.
``paired_permutation_test`` compares two variants seed by seed.

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

import itertools
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from .checks import check_int, check_ints, check_number

__all__ = [
    "SeedRuns",
    "TrainResult",
    "deterministic",
    "paired_permutation_test",
    "seeded_initial_weights",
    "train",
    "train_seeds",
]


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


@dataclass
class SeedRuns:
    """One model trained once per seed: validation accuracy every
    ``log_every`` steps and final test accuracy, one row per seed."""

    seeds: tuple[int, ...]
    steps: np.ndarray  # (logs,): the step after which each log was taken
    val_accuracy: np.ndarray  # (seeds, logs)
    test_accuracy: np.ndarray  # (seeds,)
    params: int
    seconds: float  # wall time of all the seeds, tracing included

    def at_step(self, step: int) -> np.ndarray:
        """Validation accuracy of every seed at the last log <= ``step``."""
        logged = np.flatnonzero(self.steps <= step)
        if not len(logged):
            raise ValueError(
                f"step must be >= the first log {self.steps[0]}, got {step}"
            )
        return self.val_accuracy[:, logged[-1]]


def _weight_key(path: str) -> str:
    """A variable's name with a separable conv's two steps spelled alike,
    whether built as one layer or as two."""
    return path.replace("_depthwise/kernel", "/depthwise_kernel").replace(
        "_pointwise/kernel", "/pointwise_kernel"
    )


def _batch_norms(model: keras.Model) -> list[keras.layers.BatchNormalization]:
    """Every BatchNormalization layer of ``model``, nested models included."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found.extend(_batch_norms(layer))
    return found


def seeded_initial_weights(model: keras.Model, seed: int) -> None:
    """Redraw every randomly initialised weight of ``model`` from a seed made
    of ``seed`` and the weight's name, so that two variants built with the
    same seed start with equal weights wherever a layer has the same name and
    shape."""
    check_int("seed", seed, min=0)
    for layer in model.layers:
        for attr, value in vars(layer).items():
            if not attr.endswith("_initializer") or not hasattr(value, "seed"):
                continue
            name = attr.removesuffix("_initializer")
            variable = getattr(layer, name, None)
            if variable is None and name in ("depthwise", "pointwise"):
                # SeparableConv2D: depthwise_kernel; DepthwiseConv2D: kernel
                variable = getattr(layer, f"{name}_kernel", None)
                if variable is None:
                    variable = getattr(layer, "kernel", None)
            if not isinstance(variable, keras.Variable):
                continue
            key = f"{seed}:{_weight_key(variable.path)}"
            config = {**value.get_config(), "seed": zlib.crc32(key.encode())}
            fresh = type(value).from_config(config)
            variable.assign(fresh(variable.shape, variable.dtype))


def train_seeds(
    builder: Callable[..., keras.Model],
    data: Sequence[tuple[np.ndarray, np.ndarray]],
    seeds: Sequence[int],
    *,
    steps: int,
    log_every: int,
    batch_size: int = 32,
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = (
        1e-3
    ),
    batchnorm_momentum: float | None = None,
    **builder_kwargs: Any,
) -> SeedRuns:
    """Train ``builder(**builder_kwargs)`` for ``steps`` steps once per seed;
    log validation accuracy every ``log_every`` steps.

    ``data`` is ``(train, val, test)``, each ``(images, integer labels)`` as
    NumPy arrays. The model is built and its training step (Adam at a
    constant ``learning_rate``, sparse categorical cross-entropy, the steps
    between two logs in one traced call) is traced once; each seed then
    restarts it from its own initial weights
    (``seeded_initial_weights``: equal across variants where they share
    layers), a fresh optimizer state and its own seeded shuffle of the
    training set, so seeds and variants differ only in what they should. A
    constant learning rate keeps differences in speed visible: a decay to
    zero pulls every variant to the same end; a
    ``keras.optimizers.schedules`` schedule may be given instead, and restarts
    with every seed. ``batchnorm_momentum``, if
    given, replaces the momentum of every batch norm: a run of a few hundred
    steps needs about 0.9 for the moving statistics to forget their start.
    """
    if not callable(builder):
        raise TypeError(
            "builder must be a callable returning a keras.Model, got "
            f"{builder!r}"
        )
    if len(data) != 3:
        raise ValueError(
            "data must be (train, val, test), each (images, labels), got "
            f"{len(data)} parts"
        )
    seeds = check_ints("seeds", seeds, min=0)
    check_int("steps", steps)
    check_int("log_every", log_every)
    if steps % log_every:
        raise ValueError(
            f"steps must be a multiple of log_every={log_every}, got {steps}"
        )
    check_int("batch_size", batch_size)
    if not isinstance(
        learning_rate, keras.optimizers.schedules.LearningRateSchedule
    ):
        check_number("learning_rate", learning_rate, low=0, low_open=True)
    if batchnorm_momentum is not None:
        check_number(
            "batchnorm_momentum",
            batchnorm_momentum,
            low=0,
            high=1,
            high_open=True,
        )
    (x, y), (x_val, y_val), (x_test, y_test) = data
    if len(y) < batch_size:
        raise ValueError(
            f"batch_size must be at most the {len(y)} training images, got "
            f"{batch_size}"
        )

    start = time.perf_counter()
    keras.utils.set_random_seed(seeds[0])
    model = builder(**builder_kwargs)
    if batchnorm_momentum is not None:
        for layer in _batch_norms(model):
            layer.momentum = float(batchnorm_momentum)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=not _outputs_probabilities(model)
    )
    optimizer = keras.optimizers.Adam(learning_rate)
    # Create the optimizer's variables now, so that a reset can restore them
    # before every seed.
    optimizer.build(model.trainable_variables)
    fresh_state = [v.numpy() for v in optimizer.variables]
    fresh_weights = [v.numpy() for v in model.weights]
    images = tf.constant(x, dtype="float32")
    labels = tf.constant(y, dtype="int32")

    # Steps run inside one traced function, a chunk of log_every steps per
    # call, so the Python overhead of a step is paid once per log.
    @tf.function(
        input_signature=[tf.TensorSpec([None, batch_size], tf.int32)],
        reduce_retracing=True,
    )
    def train_steps(batches: tf.Tensor) -> None:
        variables = model.trainable_variables
        for i in tf.range(tf.shape(batches)[0]):
            rows = batches[i]
            with tf.GradientTape() as tape:
                outputs = model(tf.gather(images, rows), training=True)
                loss = loss_fn(tf.gather(labels, rows), outputs)
            grads = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(grads, variables))

    @tf.function(
        input_signature=[tf.TensorSpec([None, *x.shape[1:]], tf.float32)],
        reduce_retracing=True,
    )
    def predict(batch: tf.Tensor) -> tf.Tensor:
        outputs = model(batch, training=False)
        return tf.argmax(outputs, axis=-1, output_type=tf.int32)

    def accuracy(xs: np.ndarray, ys: np.ndarray) -> float:
        hits = sum(
            int(np.sum(predict(xs[i : i + 1000]).numpy() == ys[i : i + 1000]))
            for i in range(0, len(ys), 1000)
        )
        return hits / len(ys)

    def batches(seed: int) -> np.ndarray:
        # Seeded epochs of shuffled indices, each cut to whole batches.
        rng = np.random.default_rng(seed)
        per_epoch = len(y) // batch_size
        epochs = -(-steps // per_epoch)
        order = [
            rng.permutation(len(y))[: per_epoch * batch_size]
            for _ in range(epochs)
        ]
        flat = np.concatenate(order)[: steps * batch_size]
        return flat.reshape(steps, batch_size).astype("int32")

    rows, tests = [], []
    for seed in seeds:
        # The non-random start (batch norm), a fresh optimizer, then the
        # seed's own initial weights and shuffle.
        for variable, value in zip(model.weights, fresh_weights):
            variable.assign(value)
        for variable, value in zip(optimizer.variables, fresh_state):
            variable.assign(value)
        seeded_initial_weights(model, seed)
        order, log = batches(seed), []
        for first in range(0, steps, log_every):
            train_steps(tf.constant(order[first : first + log_every]))
            log.append(accuracy(x_val, y_val))
        rows.append(log)
        tests.append(accuracy(x_test, y_test))
    runs = SeedRuns(
        seeds=seeds,
        steps=np.arange(log_every, steps + 1, log_every),
        val_accuracy=np.array(rows),
        test_accuracy=np.array(tests),
        params=model.count_params(),
        seconds=time.perf_counter() - start,
    )
    keras.backend.clear_session()
    return runs


def paired_permutation_test(a: Sequence[float], b: Sequence[float]) -> float:
    """Exact two-sided p-value of the paired sign-flip test of mean(a - b)
    = 0: the share of the 2^n sign patterns of the differences whose mean is
    at least as far from 0 as the observed one. With n pairs it is never below
    2 / 2^n (0.0625 for 5 seeds, 0.031 for 6)."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.ndim != 1 or len(d) < 2 or len(d) > 20:
        raise ValueError(
            "a and b must be two sequences of 2 to 20 paired values, got "
            f"{len(np.atleast_1d(d))} differences"
        )
    observed = abs(d.mean())
    means = np.array(
        [
            abs((d * signs).mean())
            for signs in itertools.product((1, -1), repeat=len(d))
        ]
    )
    return float(np.mean(means >= observed - 1e-12))
