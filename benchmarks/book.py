"""Time the book build (`make book`'s command) into a temporary folder and
print it.

    python benchmarks/book.py            # budget: 60 s on 2 cores

The build reads the stored notebook outputs (no execution), so its time is
mostly Sphinx and autodoc importing cnnarch. Nothing here is asserted; a build
over the budget is flagged.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "PYTHONHASHSEED": "0",
}


def main() -> int:
    """Build once, print the wall time and whether the build was clean."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds (default 60)"
    )
    args = parser.parse_args()
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    with tempfile.TemporaryDirectory() as out:
        cmd = [
            str(jupyter_book),
            "build",
            str(ROOT),
            "--path-output",
            out,
            "-W",
            "-n",
            "--keep-going",
        ]
        start = time.perf_counter()
        proc = subprocess.run(
            cmd,
            cwd=ROOT,
            env={**os.environ, **ENV},
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
    status = (
        "clean" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    )
    flag = (
        ""
        if seconds <= args.budget
        else f"  OVER the {args.budget:.0f} s budget"
    )
    print(f"book build: {seconds:.1f} s, {status}{flag}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
