"""``evkg serve``: the SPARQL endpoint, dereferenceable IRIs and the bilingual pages, on uvicorn."""

from __future__ import annotations

import importlib.util
import socket
from typing import Annotated

import typer

from evkg.cli.common import DataOpt, StoreOpt, check_range
from evkg.errors import UsageError


def serve_command(
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="TCP port, 0 to 65535 (0: any free port).")
    ] = 8000,
    store: StoreOpt = None,
    data: DataOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="S", help="Time limit of one SPARQL query, in seconds (0.1 or more).")
    ] = 10.0,
    max_results: Annotated[
        int,
        typer.Option(
            "--max-results", metavar="N", help="Most rows or triples one SPARQL query may return (1 or more)."
        ),
    ] = 10_000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", metavar="N", help="Query worker processes kept ready, 1 to 64 (each can be stopped)."
        ),
    ] = 2,
    answer_cache: Annotated[
        int,
        typer.Option(
            "--answer-cache",
            metavar="N",
            help="SPARQL answers kept for queries asked again, 0 or more (0: none).",
        ),
    ] = 2048,
    log_level: Annotated[
        str,
        typer.Option("--log-level", metavar="LEVEL", help="uvicorn log level: critical, error, warning, info, debug."),
    ] = "info",
) -> None:
    """Serve evkg over HTTP: /sparql, /id/… with content negotiation, and the HTML pages."""
    check_range("--port", port, 0, 65535)
    check_range("--timeout", timeout, 0.1)
    check_range("--max-results", max_results, 1)
    check_range("--workers", workers, 1, 64)
    check_range("--answer-cache", answer_cache, 0)
    if log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
        raise UsageError(f"unknown --log-level {log_level!r}")
    # lazy: uvicorn and Starlette load only for evkg serve
    import uvicorn

    from evkg.serve import ServeConfig, create_app

    app = create_app(
        ServeConfig(
            data_dir=data,
            store_dir=store,
            timeout=timeout,
            max_results=max_results,
            workers=workers,
            answer_cache=answer_cache,
        )
    )
    if port == 0:  # choose the free port here, so that the message can name it
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"evkg: serving on http://{shown}:{port}/ (SPARQL: /sparql; Ctrl-C to stop)", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=log_level in ("debug", "trace"),
        proxy_headers=False,
        server_header=False,
        http=_fastest("httptools", "h11"),  # the C HTTP parser when installed (a third of the time per request)
        loop=_fastest("uvloop", "asyncio"),
        h11_max_incomplete_event_size=64 * 1024,
        timeout_graceful_shutdown=5,
    )


def _fastest(module: str, fallback: str) -> str:
    """``module`` if it can be imported (httptools, uvloop: dependencies on Linux and macOS), else ``fallback``."""
    return module if importlib.util.find_spec(module) is not None else fallback


def register(parent: typer.Typer) -> None:
    """Add ``evkg serve`` to the ``evkg`` command."""
    parent.command("serve")(serve_command)


__all__ = ["register", "serve_command"]
