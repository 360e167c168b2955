"""``yiyang serve``: the HTTP service under uvicorn. Nothing of the server is imported until the
command runs, so ``yiyang check`` never pays for it, and a missing ``server`` extra is a clear message."""

from __future__ import annotations

import importlib.util
import os
from typing import Annotated

import typer

from ..server.settings import ENV_MAX_BATCH, ENV_MAX_BODY, ENV_MAX_EXEMPTION_MONTHS, Settings, SettingsError

APP = "yiyang_rules.server.app:create_app"
EXTRA_MISSING = "the service needs the server extra: pip install 'yiyang-rules[server]'"


def serve(
    host: Annotated[str, typer.Option(help="the address to listen on (0.0.0.0 for every interface)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="the TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes; each compiles the rules once")] = 1,
    max_body_bytes: Annotated[
        int | None, typer.Option(min=1, help=f"largest snapshot (body or batch line) [env {ENV_MAX_BODY}; 16 MiB]")
    ] = None,
    max_batch_bytes: Annotated[
        int | None, typer.Option(min=1, help=f"largest batch body [env {ENV_MAX_BATCH}; 256 MiB]")
    ] = None,
    max_exemption_months: Annotated[
        int | None,
        typer.Option(min=1, help=f"longest exemption a request may carry [env {ENV_MAX_EXEMPTION_MONTHS}; 12]"),
    ] = None,
    graceful_timeout: Annotated[
        int, typer.Option(min=0, help="seconds to let running requests finish on SIGTERM or Ctrl-C")
    ] = 30,
    log_level: Annotated[str, typer.Option(help="uvicorn's own messages: critical, error, warning, info")] = "info",
) -> None:
    """Serve the HTTP API (POST /v1/check, /v1/check/batch, GET /v1/rules, /docs, /openapi.json)."""
    if importlib.util.find_spec("uvicorn") is None or importlib.util.find_spec("starlette") is None:
        typer.echo(f"error: {EXTRA_MISSING}", err=True)
        raise typer.Exit(2)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    settings = Settings(
        max_body_bytes=max_body_bytes or settings.max_body_bytes,
        max_batch_bytes=max_batch_bytes or settings.max_batch_bytes,
        max_exemption_months=max_exemption_months or settings.max_exemption_months,
    )
    # Workers are separate processes that build the app from the import string: they read the
    # settings from the environment.
    os.environ.update(settings.as_env())
    import uvicorn  # noqa: PLC0415 - the server extra, only for this command

    uvicorn.run(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # the app writes its own structured access log
        server_header=False,
        timeout_graceful_shutdown=graceful_timeout,
        log_level=log_level,
    )
