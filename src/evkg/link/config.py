"""Settings of the link module, read from the environment (and overridable per call).

==========================  =====================================================  ==========
environment variable        meaning                                                default
==========================  =====================================================  ==========
``EVKG_CROSSREF_URL``       Crossref REST API base                                 ``https://api.crossref.org``
``EVKG_DOI_URL``            DOI resolver used for content negotiation              ``https://doi.org``
``EVKG_EUTILS_URL``         NCBI E-utilities base                                  ``https://eutils.ncbi.nlm.nih.gov/entrez/eutils``
``EVKG_MAILTO``             contact address sent to Crossref and NCBI (polite)     none
``EVKG_HTTP_TIMEOUT``       seconds to wait for a connection or for data           20
``EVKG_HTTP_RETRIES``       attempts per request (429, 5xx, time-outs, cut bodies)  4
``EVKG_HTTP_BACKOFF``       first back-off in seconds (doubles each retry)         1
``EVKG_HTTP_MAX_WAIT``      longest single wait, also for ``Retry-After``          60
``EVKG_HTTP_MIN_INTERVAL``  seconds between two requests (rate limit)              0.34
==========================  =====================================================  ==========

The defaults keep evkg within NCBI's limit of 3 requests per second without an API key and
within Crossref's etiquette (identify yourself with ``mailto``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from evkg.errors import UsageError


@dataclass(frozen=True)
class LinkConfig:
    crossref_url: str = "https://api.crossref.org"
    doi_url: str = "https://doi.org"
    eutils_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    mailto: str | None = None
    timeout: float = 20.0
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 60.0
    min_interval: float = 0.34


_ENV = {
    "crossref_url": ("EVKG_CROSSREF_URL", str),
    "doi_url": ("EVKG_DOI_URL", str),
    "eutils_url": ("EVKG_EUTILS_URL", str),
    "mailto": ("EVKG_MAILTO", str),
    "timeout": ("EVKG_HTTP_TIMEOUT", float),
    "retries": ("EVKG_HTTP_RETRIES", int),
    "backoff": ("EVKG_HTTP_BACKOFF", float),
    "max_wait": ("EVKG_HTTP_MAX_WAIT", float),
    "min_interval": ("EVKG_HTTP_MIN_INTERVAL", float),
}


def from_env(environ: Mapping[str, str] | None = None) -> LinkConfig:
    """The configuration from ``environ`` (default ``os.environ``).

    Raises:
        UsageError: a numeric variable does not parse, or a base URL is not http(s).
    """
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, (var, kind) in _ENV.items():
        raw = env.get(var)
        if raw is None or raw.strip() == "":
            continue
        try:
            values[name] = kind(raw.strip())
        except ValueError:
            raise UsageError(f"{var}={raw!r}: expected a {kind.__name__}") from None
    config = LinkConfig(**values)  # type: ignore[arg-type]
    for name in ("crossref_url", "doi_url", "eutils_url"):
        url = getattr(config, name)
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"{_ENV[name][0]}={url!r}: expected an http(s) URL")
    if config.retries < 1:
        raise UsageError("EVKG_HTTP_RETRIES must be at least 1")
    return replace(
        config,
        crossref_url=config.crossref_url.rstrip("/"),
        doi_url=config.doi_url.rstrip("/"),
        eutils_url=config.eutils_url.rstrip("/"),
    )


__all__ = ["LinkConfig", "from_env"]
