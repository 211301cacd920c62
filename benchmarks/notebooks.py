"""Execute each chapter notebook and print its wall time; flag any over the
per-notebook budget.

    python benchmarks/notebooks.py                      # every
    notebooks/*.ipynb python benchmarks/notebooks.py
    notebooks/01_convolution_cost.ipynb --limit 90

Each notebook is executed from an in-memory copy, in its own directory and with
the environment the Makefile exports, and the executed copy is written to a
temporary folder (or --output-dir): the stored notebook is never modified. The
time includes starting the kernel, as in `make test`. Exit status 1 if a
notebook fails to execute, or (with --strict) if one exceeds the limit.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
# The same variables as the Makefile's `export` line: quiet TensorFlow, and
# otherwise TensorFlow's default numerics, as `make execute` and learners run.
MAKEFILE_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3"}


def run_notebook(
    path: Path, output_dir: Path, cell_timeout: int
) -> tuple[float, str | None]:
    """Execute a copy of ``path``; return its wall time in seconds and an error
    line or None."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    error = None
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as err:
        lines = (
            re.sub(r"\x1b\[[0-9;]*m", "", str(err)).strip().splitlines()
        )  # drop ANSI colours
        error = lines[-1] if lines else type(err).__name__
    # a timeout or a dead kernel: report it and go on to the next one
    except Exception as err:
        error = f"{type(err).__name__}: {err}"
    seconds = time.perf_counter() - start
    nbformat.write(nb, output_dir / path.name)
    return seconds, error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to run (default: every notebooks/*.ipynb)",
    )
    parser.add_argument(
        "--limit",
        type=float,
        default=90.0,
        help="seconds allowed per notebook (default: 90)",
    )
    parser.add_argument(
        "--cell-timeout",
        type=int,
        default=600,
        help="seconds allowed per cell before giving up (default: 600)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help=(
            "keep the executed copies here (default: a temporary folder, "
            "deleted)"
        ),
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when a notebook exceeds --limit",
    )
    args = parser.parse_args(argv)

    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    if not paths:
        print("no notebooks to run")
        return 0
    os.environ.update(MAKEFILE_ENV)  # the kernels inherit it

    with tempfile.TemporaryDirectory(prefix="nbbench-") as tmp:
        out = args.output_dir or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        width = max(len(p.name) for p in paths)
        results = []
        for path in paths:
            seconds, error = run_notebook(
                path.resolve(), out, args.cell_timeout
            )
            flag = (
                "FAILED: " + error
                if error
                else ("OVER LIMIT" if seconds > args.limit else "ok")
            )
            print(
                f"{path.name:<{width}}  {seconds:7.1f} s  {flag}", flush=True
            )
            results.append((path.name, seconds, error))

    total = sum(seconds for _, seconds, _ in results)
    over = [name for name, seconds, _ in results if seconds > args.limit]
    failed = [name for name, _, error in results if error]
    print(
        f"{'total':<{width}}  {total:7.1f} s  ({len(results)} notebooks, "
        f"limit {args.limit:g} s each)"
    )
    if over:
        print(f"over the {args.limit:g} s limit: {', '.join(over)}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed or (args.strict and over) else 0


if __name__ == "__main__":
    sys.exit(main())
