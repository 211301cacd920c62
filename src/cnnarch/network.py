"""Whether a download can happen: Keras' cache folder and one bounded probe.

``cnnarch.weights`` (pretrained ImageNet weights) and ``cnnarch.data``
(CIFAR-10) both ask the same two questions before Keras downloads anything:
is the file already in Keras' cache, and if not, does the host answer?
"""

from __future__ import annotations

import os
import socket
import threading

__all__ = ["keras_cache_dir", "reachable"]


def keras_cache_dir(subdir: str) -> str:
    """Where Keras caches downloads: ``$KERAS_HOME/<subdir>``, else
    ``~/.keras``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    return os.path.join(home, subdir)


def reachable(host: tuple[str, int], timeout: float = 3.0) -> bool:
    """Whether a TCP connection to ``host`` opens within ``timeout`` seconds.

    The whole probe, DNS look-up included, runs in a daemon thread that is
    waited for at most ``timeout + 0.5`` s: ``socket.create_connection``'s own
    timeout does not cover the look-up, which can hang far longer offline.
    """
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection(host, timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 0.5)
    return bool(result and result[0])
