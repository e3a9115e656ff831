"""A real HTTP server on 127.0.0.1 that plays Crossref, the DOI resolver and NCBI E-utilities.

It serves the recorded answers in tests/fixtures/registries/ (see its README) over real sockets,
and, per route, a scripted sequence of faults: a status with ``Retry-After``, a delay longer than
the client's time-out, a body cut short of its ``Content-Length``, or any body. Used by
tests/test_link_*.py; nothing here is a mock of evkg's code.

Routes (base URLs to give evkg through EVKG_CROSSREF_URL, EVKG_DOI_URL, EVKG_EUTILS_URL):
    {url}/crossref/works/<doi>          Crossref REST API
    {url}/doi/<doi>                     DOI resolver: 302 to {url}/csl/<doi>
    {url}/eutils/esummary.fcgi?id=N     E-utilities ESummary (JSON); efetch.fcgi (XML)
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RECORDED = Path(__file__).parent / "fixtures" / "registries"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate_to: int | None = None  # send only this many bytes of the body (Content-Length says more)


def recorded_name(doi: str) -> str:
    return doi.lower().replace("/", "_") + ".json"


class RegistryServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.log: list[tuple[str, str, dict[str, str]]] = []  # (path?query, user-agent, headers)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.log.append((self.path, self.headers.get("User-Agent", ""), dict(self.headers)))
                answer = server.answer_for(self.path)
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                if answer.truncate_to is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                body = answer.body if answer.truncate_to is None else answer.body[: answer.truncate_to]
                try:
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if answer.truncate_to is not None:
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def env(self) -> dict[str, str]:
        """Environment for evkg: base URLs at this server, fast retries, no rate limit."""
        return {
            "EVKG_CROSSREF_URL": f"{self.url}/crossref",
            "EVKG_DOI_URL": f"{self.url}/doi",
            "EVKG_EUTILS_URL": f"{self.url}/eutils",
            "EVKG_MAILTO": "evkg-tests@example.org",
            "EVKG_HTTP_TIMEOUT": "2",
            "EVKG_HTTP_RETRIES": "3",
            "EVKG_HTTP_BACKOFF": "0.05",
            "EVKG_HTTP_MAX_WAIT": "5",
            "EVKG_HTTP_MIN_INTERVAL": "0",
        }

    def start(self) -> RegistryServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- scripting ------------------------------------------------------------------------------
    def script(self, key: str, *answers: Answer) -> None:
        """Answers for a route key (``crossref:<doi>``, ``doi:<doi>``, ``esummary:<pmid>``,
        ``efetch:<pmid>``), used in order; the last one repeats."""
        self.routes[key] = list(answers)

    def hits(self, fragment: str) -> int:
        return sum(1 for path, _ua, _h in self.log if fragment in path)

    def answer_for(self, raw_path: str) -> Answer:
        parts = urlsplit(raw_path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        if path.startswith("/crossref/works/"):
            key = "crossref:" + path.removeprefix("/crossref/works/").lower()
        elif path.startswith("/doi/"):
            key = "doi:" + path.removeprefix("/doi/").lower()
        elif path.startswith("/csl/"):
            key = "csl:" + path.removeprefix("/csl/").lower()
        elif path == "/eutils/esummary.fcgi":
            key = "esummary:" + query.get("id", [""])[0]
        elif path == "/eutils/efetch.fcgi":
            key = "efetch:" + query.get("id", [""])[0]
        else:
            return Answer(404, b"no such route", "text/plain")
        scripted = self.routes.get(key)
        if scripted:
            return scripted.pop(0) if len(scripted) > 1 else scripted[0]
        return self.recorded(key)

    def recorded(self, key: str) -> Answer:
        kind, _, ident = key.partition(":")
        if kind == "crossref":
            f = RECORDED / "crossref" / recorded_name(ident)
            return Answer(200, f.read_bytes()) if f.is_file() else Answer(404, b"Resource not found.", "text/plain")
        if kind == "doi":
            f = RECORDED / "doi" / recorded_name(ident)
            if not f.is_file():
                return Answer(404, b"DOI Not Found", "text/html")
            return Answer(302, b"", "text/html", {"Location": f"{self.url}/csl/{ident}"})
        if kind == "csl":
            f = RECORDED / "doi" / recorded_name(ident)
            return Answer(200, f.read_bytes(), "application/vnd.citationstyles.csl+json")
        if kind == "esummary":
            f = RECORDED / "pubmed" / f"esummary-{ident}.json"
            if f.is_file():
                return Answer(200, f.read_bytes())
            missing = {
                "header": {"type": "esummary", "version": "0.3"},
                "result": {"uids": [ident], ident: {"uid": ident, "error": "cannot get document summary"}},
            }
            return Answer(200, json.dumps(missing).encode())
        if kind == "efetch":
            f = RECORDED / "pubmed" / f"efetch-{ident}.xml"
            return Answer(200, f.read_bytes(), "text/xml") if f.is_file() else Answer(400, b"", "text/xml")
        return Answer(404, b"", "text/plain")
