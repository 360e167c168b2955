"""The outermost layer of the service: one JSON line per request on the access log, and a generic
500 for anything that escaped a handler.

The log names the method, the path (without the query), the status, the duration and the sizes;
never a body, a query or a header, so no personal data reaches it. An unexpected exception is
logged by its type and the place it was raised, not its message (which may quote the input).
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import internal_error

ACCESS_LOGGER = "yiyang_rules.server.access"
ERROR_LOGGER = "yiyang_rules.server.error"


def json_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def log_event(logger: logging.Logger, **fields: object) -> None:
    record = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), **fields}
    logger.info(json.dumps(record, ensure_ascii=False))


def where_raised(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"{last.filename}:{last.lineno} in {last.name}"


def log_internal_error(exc: BaseException, method: str, path: str) -> None:
    log_event(
        json_logger(ERROR_LOGGER),
        event="internal_error",
        method=method,
        path=path,
        exception=type(exc).__name__,
        where=where_raised(exc),
    )


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.logger = json_logger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        sent = 0
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
            return message

        async def counting_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, counting_send)
        except Exception as exc:
            log_internal_error(exc, scope["method"], scope["path"])
            if status == 0:  # nothing sent yet: answer with the generic 500
                error = internal_error()
                body = error.json()
                await counting_send(
                    {
                        "type": "http.response.start",
                        "status": error.status,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))],
                    }
                )
                await counting_send({"type": "http.response.body", "body": body})
        finally:
            log_event(
                self.logger,
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                request_bytes=received,
                response_bytes=sent,
            )
