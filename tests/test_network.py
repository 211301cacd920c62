"""The one reachability probe (cnnarch.network), used by cnnarch.weights and cnnarch.data."""

import socket
import threading

from cnnarch import data, network, weights


def test_a_listening_port_is_reachable_and_a_closed_one_is_not():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert network.reachable(server.getsockname(), timeout=2.0) is True
        port = server.getsockname()[1]
    assert network.reachable(("127.0.0.1", port), timeout=2.0) is False


def test_a_hanging_dns_lookup_does_not_hang_the_probe(monkeypatch):
    """The probe answers while the look-up is still blocked (no wall-clock assert)."""
    released = threading.Event()

    def stuck_lookup(*args, **kwargs):
        released.wait(30)
        raise socket.gaierror("released by the test")

    monkeypatch.setattr(socket, "getaddrinfo", stuck_lookup)
    try:
        assert (
            network.reachable(("weights.invalid", 443), timeout=0.2) is False
        )
        assert not released.is_set()  # returned before the look-up ended
    finally:
        released.set()


def test_weights_and_data_share_the_probe():
    assert weights.network is network and data.network is network
