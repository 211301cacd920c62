"""Forward-pass time of each canonical cnnarch model next to its
keras.applications twin.

    python benchmarks/forward.py        # all ten, batch 2, 10 repetitions
    python benchmarks/forward.py --models xception resnet50 --batch 4

Both models are built with ``weights=None`` at their default input size and fed
the same random batch. After ``--warmup`` untimed calls each, the two are timed
in turns (ours then keras, then keras then ours, ...), so a slow spell on a
shared machine hits both alike; the table gives the median of ``--repeats``
timings each and ours/keras (goal: <= 1.05). ``--method predict`` (the default)
times ``model.predict_on_batch(x)`` (a compiled graph, no Python per layer),
``--method call`` times eager ``model(x, training=False)``. A model cnnarch
does not export yet is skipped with a note. Timings vary from run to run:
nothing here is asserted.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import cnnarch  # noqa: E402  (imports TensorFlow quietly first)

# One predict function per model is traced on purpose: TensorFlow's "retracing"
# warning is noise here.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

# cnnarch builder name -> keras.applications twin, in the course's order.
TWINS = {
    "vgg16": "VGG16",
    "vgg19": "VGG19",
    "resnet50": "ResNet50",
    "resnet101": "ResNet101",
    "resnet152": "ResNet152",
    "densenet121": "DenseNet121",
    "densenet169": "DenseNet169",
    "densenet201": "DenseNet201",
    "inception_v3": "InceptionV3",
    "xception": "Xception",
}
GOAL = 1.05


def forward(model: keras.Model, method: str):
    """A function of the batch ``x`` that runs one forward pass the chosen
    way."""
    if method == "predict":
        return model.predict_on_batch
    return lambda x: keras.ops.convert_to_numpy(model(x, training=False))


def time_pair(
    name: str, batch: int, repeats: int, warmup: int, method: str
) -> tuple[float, float, int, int]:
    """Median seconds per forward pass for ours and keras', and both parameter
    counts."""
    ours = getattr(cnnarch, TWINS[name])(weights=None)
    ref = getattr(keras.applications, TWINS[name])(weights=None)
    if ours.input.shape != ref.input.shape:
        raise RuntimeError(
            f"{name}: input {ours.input.shape} differs from keras' "
            f"{ref.input.shape}"
        )
    x = (
        np.random.default_rng(0)
        .normal(size=(batch, *ours.input.shape[1:]))
        .astype("float32")
    )
    runs = {"ours": forward(ours, method), "keras": forward(ref, method)}
    for run in runs.values():
        for _ in range(warmup):
            run(x)
    times: dict[str, list[float]] = {"ours": [], "keras": []}
    for r in range(repeats):
        for who in ("ours", "keras") if r % 2 == 0 else ("keras", "ours"):
            start = time.perf_counter()
            runs[who](x)
            times[who].append(time.perf_counter() - start)
    params = ours.count_params(), ref.count_params()
    del ours, ref, runs
    keras.backend.clear_session()
    gc.collect()
    return (
        statistics.median(times["ours"]),
        statistics.median(times["keras"]),
        *params,
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, time each pair, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--models",
        nargs="+",
        default=list(TWINS),
        choices=list(TWINS),
        metavar="NAME",
        help=f"models to time (default: all ten): {', '.join(TWINS)}",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=2,
        help="images per forward pass (default 2)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=10,
        help="timed passes per model (default 10)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="untimed passes per model first (default 2)",
    )
    parser.add_argument(
        "--method",
        choices=("predict", "call"),
        default="predict",
        help="predict_on_batch (compiled graph, default) or eager model(x)",
    )
    args = parser.parse_args(argv)
    for flag in ("batch", "repeats"):
        if getattr(args, flag) < 1:
            parser.error(
                f"--{flag} must be at least 1, got {getattr(args, flag)}"
            )
    if args.warmup < 0:
        parser.error(f"--warmup must be at least 0, got {args.warmup}")

    print(
        f"forward pass, batch {args.batch}, median of {args.repeats} "
        "interleaved runs after "
        f"{args.warmup} warm-up, method {args.method}, keras "
        f"{keras.__version__}, "
        f"backend {keras.backend.backend()}"
    )
    header = (
        f"{'model':<14}{'params':>13}{'ours ms':>10}{'keras ms':>10}"
        f"{'ratio':>8}"
    )
    print(header)
    ratios = []
    for name in args.models:
        if not callable(getattr(cnnarch, TWINS.get(name, ""), None)):
            print(f"note: cnnarch does not export {name} yet; skipped")
            continue
        ours_s, ref_s, ours_p, ref_p = time_pair(
            name, args.batch, args.repeats, args.warmup, args.method
        )
        params = f"{ours_p:,}" if ours_p == ref_p else f"{ours_p:,}!={ref_p:,}"
        ratio = ours_s / ref_s
        ratios.append(ratio)
        print(
            f"{name:<14}{params:>13}{ours_s * 1e3:>10.1f}"
            f"{ref_s * 1e3:>10.1f}{ratio:>8.3f}",
            flush=True,
        )
    if ratios:
        met = sum(r <= GOAL for r in ratios)
        print(f"ratio <= {GOAL}: {met} of {len(ratios)} models")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
