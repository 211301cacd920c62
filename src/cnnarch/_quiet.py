"""Import TensorFlow without its pre-initialisation log lines when the user
asked for quiet.

TensorFlow writes a few lines to the C-level stderr while its shared libraries
load, before its own logging is set up, so ``TF_CPP_MIN_LOG_LEVEL=3`` cannot
silence them. When that variable is "3" we honour it by pointing file
descriptor 2 at /dev/null for the import alone, and we raise TensorFlow's
Python logger to ERROR, so that advice such as the tf.function retracing
warning (which prints a memory address) stays out of notebook outputs too.
"""

from __future__ import annotations

import os
import sys


def import_tensorflow_quietly() -> None:
    """Import TensorFlow once, with its log below errors hidden if
    TF_CPP_MIN_LOG_LEVEL is '3'."""
    quiet = os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "3"
    if quiet and "tensorflow" not in sys.modules:
        _import_with_stderr_closed()
    import tensorflow

    if quiet:
        tensorflow.get_logger().setLevel("ERROR")


def _import_with_stderr_closed() -> None:
    """Import TensorFlow with file descriptor 2 pointed at /dev/null."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
