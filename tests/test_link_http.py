"""Does evkg behave politely and clearly when a registry is slow, busy or broken? (real local sockets)"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from link_server import Answer, RegistryServer

from evkg.link import config, crossref
from evkg.link.http import FetchError, PoliteClient, retry_after_seconds

DOI = "10.1002/jev2.12404"


@pytest.fixture()
def server() -> Iterator[RegistryServer]:
    srv = RegistryServer().start()
    yield srv
    srv.stop()


def client_for(server: RegistryServer, **env: str) -> PoliteClient:
    return PoliteClient(config.from_env({**server.env(), **env}))


def test_is_the_contact_sent_but_never_recorded(server: RegistryServer) -> None:
    """Crossref's etiquette: mailto in the User-Agent and the query; the recorded URL has no address."""
    with client_for(server) as c:
        fetched = crossref.fetch(c, DOI)
    path, agent, _headers = server.log[-1]
    assert "mailto=evkg-tests%40example.org" in path and "mailto:evkg-tests@example.org" in agent
    assert "mailto" not in fetched.request_url and fetched.request_url.endswith("/crossref/works/10.1002/jev2.12404")


def test_does_a_429_with_retry_after_make_the_client_wait(server: RegistryServer) -> None:
    server.script(
        f"crossref:{DOI}",
        Answer(429, b"slow down", "text/plain", {"Retry-After": "1"}),
        Answer(200, (server.recorded(f"crossref:{DOI}")).body),
    )
    start = time.monotonic()
    with client_for(server) as c:
        fetched = crossref.fetch(c, DOI)
    assert time.monotonic() - start >= 1.0
    assert fetched.status == 200 and server.hits("/crossref/works/") == 2


def test_is_a_retry_after_longer_than_the_limit_refused_at_once(server: RegistryServer) -> None:
    server.script(f"crossref:{DOI}", Answer(429, b"", "text/plain", {"Retry-After": "3600"}))
    with client_for(server) as c, pytest.raises(FetchError) as caught:
        crossref.fetch(c, DOI)
    assert "retry after 3600 s" in str(caught.value) and server.hits("/crossref/works/") == 1


def test_is_a_500_retried_until_it_succeeds(server: RegistryServer) -> None:
    server.script(
        f"crossref:{DOI}",
        Answer(500, b"oops", "text/plain"),
        Answer(503, b"", "text/plain"),
        Answer(200, server.recorded(f"crossref:{DOI}").body),
    )
    with client_for(server) as c:
        assert crossref.fetch(c, DOI).status == 200
    assert server.hits("/crossref/works/") == 3


def test_is_a_404_reported_at_once_without_retrying(server: RegistryServer) -> None:
    with client_for(server) as c, pytest.raises(FetchError) as caught:
        crossref.fetch(c, "10.5555/evkg-unknown")
    assert caught.value.not_found and "not found (HTTP 404" in str(caught.value)
    assert server.hits("/crossref/works/") == 1


def test_does_a_registry_that_never_answers_time_out(server: RegistryServer) -> None:
    server.script(f"crossref:{DOI}", Answer(200, b"{}", delay=1.5))
    with client_for(server, EVKG_HTTP_TIMEOUT="0.3", EVKG_HTTP_RETRIES="2") as c, pytest.raises(FetchError) as caught:
        crossref.fetch(c, DOI)
    assert "timed out after 0.3 s" in str(caught.value) and "gave up after 2 attempt(s)" in str(caught.value)


def test_is_a_body_cut_short_detected(server: RegistryServer) -> None:
    body = server.recorded(f"crossref:{DOI}").body
    server.script(f"crossref:{DOI}", Answer(200, body, truncate_to=len(body) // 2))
    with client_for(server) as c, pytest.raises(FetchError) as caught:
        crossref.fetch(c, DOI)
    assert "truncated" in str(caught.value) and "\n" not in str(caught.value)


def test_are_requests_spaced_by_the_rate_limit(server: RegistryServer) -> None:
    with client_for(server, EVKG_HTTP_MIN_INTERVAL="0.2") as c:
        start = time.monotonic()
        for _ in range(3):
            crossref.fetch(c, DOI)
    assert time.monotonic() - start >= 0.4


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("garbage") is None
