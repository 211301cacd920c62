"""How fast the offline paths fail: the probe, CIFAR-10 without a cache.

    python benchmarks/data.py

Prints the seconds (1) ``cnnarch.network.reachable`` takes for a host whose
name does not resolve, (2) ``load_arrays("cifar10")`` takes to raise its
RuntimeError with an empty Keras cache and a closed port, and (3) loading the
offline digits. Goals (not asserted; timings depend on the machine): under 2 s,
under 5 s, and a few seconds for the digits.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cnnarch import data, network  # noqa: E402


def closed_port() -> int:
    """A local TCP port nothing listens on, so connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(label: str, goal: float, fn) -> None:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    flag = "" if seconds <= goal else f"  OVER the {goal:g} s goal"
    print(f"{label:<46} {seconds:6.2f} s{flag}", flush=True)


def cifar_offline() -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["KERAS_HOME"] = home
        data.CIFAR10_HOST = ("127.0.0.1", closed_port())
        data._cifar10.cache_clear()
        try:
            data.load_arrays("cifar10")
        except RuntimeError:
            return
        raise SystemExit("load_arrays('cifar10') did not fail offline")


def main() -> None:
    timed(
        "probe of an unresolvable host (timeout 1 s)",
        2.0,
        lambda: network.reachable(("cifar.invalid", 443), timeout=1.0),
    )
    timed("CIFAR-10 offline, nothing cached: RuntimeError", 5.0, cifar_offline)
    digits = lambda: data.load_arrays("digits")  # noqa: E731
    timed("offline digits (first load)", 10.0, digits)


if __name__ == "__main__":
    main()
