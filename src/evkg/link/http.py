"""A polite HTTP client for registries: time-outs, retries with back-off, ``Retry-After``, rate limit.

:meth:`PoliteClient.get` returns a :class:`Fetched` (final URL, status, headers, body bytes) for a
2xx answer, and raises :class:`FetchError` with a one-line message for everything else:

- 404/410 → "not found" (no retry);
- other 4xx → the status and the start of the body (no retry);
- 429 and 5xx → retried after ``Retry-After`` (seconds or an HTTP date) or an exponential back-off,
  up to ``retries`` attempts; a ``Retry-After`` longer than ``max_wait`` gives up at once;
- time-outs, refused connections and bodies cut short (fewer bytes than ``Content-Length``) →
  retried like 5xx, then reported as such.

Requests are spaced by ``min_interval`` seconds (one client, one thread), and carry a
``User-Agent`` naming evkg and, when configured, the ``mailto`` contact, as Crossref asks.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from evkg.errors import EvkgError
from evkg.link.config import LinkConfig
from evkg.version import __version__


class FetchError(EvkgError):
    """A registry request that did not give a usable answer. ``str()`` is one line."""

    def __init__(self, message: str, *, url: str, status: int | None = None, not_found: bool = False) -> None:
        self.url = url
        self.status = status
        self.not_found = not_found
        super().__init__(message)


class MalformedResponse(EvkgError):
    """A registry answered 2xx, but the body is not what its format promises. One line."""


@dataclass(frozen=True)
class Fetched:
    """A successful answer: the URL asked (without contact parameters), the final URL, the body."""

    request_url: str
    url: str
    status: int
    content_type: str
    content: bytes
    retrieved_at: datetime


RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None.

    >>> retry_after_seconds("3")
    3.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", datetime(2015, 10, 21, 7, 28, tzinfo=UTC))
    10.0
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class PoliteClient:
    """One registry client (use as a context manager)."""

    def __init__(
        self,
        config: LinkConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._clock = clock
        self._last_request: float | None = None
        agent = f"evkg/{__version__} (https://w3id.org/evkg"
        agent += f"; mailto:{config.mailto})" if config.mailto else ")"
        self._client = httpx.Client(
            timeout=httpx.Timeout(config.timeout),
            follow_redirects=True,
            headers={"User-Agent": agent},
            transport=transport,
            trust_env=False,
        )
        self.attempts = 0  # requests sent, for reports and tests

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def _wait_turn(self) -> None:
        if self._last_request is not None and self.config.min_interval > 0:
            delay = self._last_request + self.config.min_interval - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._last_request = self._clock()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        contact_params: Mapping[str, str] | None = None,
        accept: str | None = None,
        what: str = "request",
    ) -> Fetched:
        """GET ``url`` with retries. ``contact_params`` (mailto, email) are sent but not recorded.

        ``what`` names the request in error messages ("crossref 10.1002/jev2.12404").
        """
        request_url = str(httpx.URL(url, params=dict(params or {})))
        headers = {"Accept": accept} if accept else {}
        all_params = {**(params or {}), **(contact_params or {})}
        last_problem = "no attempt made"
        for attempt in range(1, self.config.retries + 1):
            self._wait_turn()
            self.attempts += 1
            wait: float | None = None
            try:
                response = self._client.get(url, params=all_params, headers=headers)
                content = response.content
            except httpx.TimeoutException:
                last_problem = f"timed out after {self.config.timeout:g} s"
            except httpx.RemoteProtocolError as exc:
                last_problem = f"truncated or malformed response ({_short(exc)})"
            except httpx.TransportError as exc:
                last_problem = f"connection failed ({_short(exc)})"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return Fetched(
                        request_url=request_url,
                        url=str(response.url),
                        status=status,
                        content_type=response.headers.get("content-type", ""),
                        content=content,
                        retrieved_at=datetime.now(UTC).replace(microsecond=0),
                    )
                if status in (404, 410):
                    raise FetchError(
                        f"{what}: not found (HTTP {status} from {request_url})",
                        url=request_url,
                        status=status,
                        not_found=True,
                    )
                if status not in RETRY_STATUS:
                    raise FetchError(
                        f"{what}: HTTP {status} from {request_url}: {_body_start(content)}",
                        url=request_url,
                        status=status,
                    )
                last_problem = f"HTTP {status}"
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None and wait > self.config.max_wait:
                    raise FetchError(
                        f"{what}: HTTP {status} from {request_url} asks to retry after {wait:g} s "
                        f"(more than EVKG_HTTP_MAX_WAIT={self.config.max_wait:g} s); try again later",
                        url=request_url,
                        status=status,
                    )
            if attempt == self.config.retries:
                break
            if wait is None:
                wait = min(self.config.backoff * 2 ** (attempt - 1), self.config.max_wait)
            self._sleep(wait)
        raise FetchError(
            f"{what}: {last_problem} from {request_url}, gave up after {self.config.retries} attempt(s)",
            url=request_url,
        )


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def _body_start(content: bytes) -> str:
    text = " ".join(content[:200].decode("utf-8", "replace").split())
    return text or "(empty body)"


__all__ = ["FetchError", "Fetched", "MalformedResponse", "PoliteClient", "retry_after_seconds"]
