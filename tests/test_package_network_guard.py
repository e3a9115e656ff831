"""Is the network really blocked in tests, except for the local servers tests start themselves?"""

from __future__ import annotations

import socket
import urllib.request

import pytest


def test_a_connection_to_the_internet_is_refused_before_it_is_made() -> None:
    """Does connecting to a non-loopback address (TEST-NET-1, RFC 5737) fail at once?"""
    with pytest.raises(RuntimeError, match="network blocked in tests"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(RuntimeError, match=r"network blocked in tests: connect to \('192.0.2.1', 80\)"),
    ):
        sock.connect(("192.0.2.1", 80))


def test_a_name_lookup_is_refused() -> None:
    """Would fetching a remote JSON-LD context (a DNS lookup first) fail inside the tests?"""
    with pytest.raises(RuntimeError, match="network blocked in tests: name lookup of 'example.org'"):
        urllib.request.urlopen("http://example.org/context.jsonld", timeout=1)


def test_loopback_stays_open_for_local_servers() -> None:
    """Can a test still talk to a server it started on 127.0.0.1?"""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with (
            socket.create_connection(("127.0.0.1", port), timeout=2),
            socket.create_connection(("localhost", port), timeout=2),
        ):
            pass
