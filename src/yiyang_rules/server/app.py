"""The ASGI application (Starlette): ``create_app()`` is what ``yiyang serve`` and uvicorn's
``--factory`` start. Each worker process compiles the catalogs once, at start-up, and shares them
between requests (they are immutable).

Bodies are read with a limit counted while reading, so an oversize body is refused (413) without
being held in memory. The snapshot is handed to the engine as bytes, never as a string (a string
that is not JSON would be read as a file path).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .._version import __version__
from ..catalog import NATIONAL, Catalog
from ..engine import Engine
from ..errors import InputError, JurisdictionError, RuleCatalogError
from ..exemptions import DEFAULT_MAX_MONTHS
from ..jurisdiction import ACCEPTED_FORMS, layer_named
from ..localtime import parse_local_date
from ..render.json_lines import one_line
from ..report import EngineInfo, Text
from ..sourceref import SourceRef
from .access import ACCESS_LOGGER, AccessLogMiddleware, json_logger, log_event, log_internal_error
from .docs_page import render_docs
from .envelope import ENVELOPE, EnvelopeError, check_envelope
from .errors import ApiError, internal_error, payload_too_large, problem_out
from .models import REQUEST_FILE, BatchLineError, Health, Limits, LineErrorDetail, ProblemOut, Ready
from .openapi import render_openapi
from .settings import Settings
from .views import jurisdiction_list, rule_detail, rule_list

JSON = "application/json"
JSON_LINES = "application/x-ndjson"

CHECK_PARAMS = frozenset({"jurisdiction", "as_of", "lang", "exemptions"})
RULES_PARAMS = frozenset({"jurisdiction"})


@dataclasses.dataclass(frozen=True)
class Service:
    """What one worker holds: the engine (its compiled catalogs), the settings and the answers that
    never change (rendered once)."""

    engine: Engine
    settings: Settings
    rule_lists: Mapping[str, bytes]
    jurisdictions: bytes
    ready: bytes
    openapi: bytes
    docs: str

    @classmethod
    def start(cls, engine: Engine, settings: Settings) -> Service:
        catalogs = dict(engine.catalogs)
        ready = Ready(
            engine=EngineInfo(version=__version__),
            catalogs={key: len(c.rules) for key, c in catalogs.items()},
            limits=Limits(max_body_bytes=settings.max_body_bytes, max_batch_bytes=settings.max_batch_bytes),
        )
        openapi = render_openapi()
        return cls(
            engine=engine,
            settings=settings,
            rule_lists={key: _json(rule_list(c)) for key, c in catalogs.items()},
            jurisdictions=_json(jurisdiction_list(catalogs)),
            ready=_json(ready),
            openapi=openapi.encode(),
            docs=render_docs(openapi),
        )

    def catalog_key(self, jurisdiction: str | None) -> str:
        """The catalog a ``jurisdiction`` query names: 404 when it names no province."""
        if jurisdiction is None:
            return NATIONAL
        try:
            # The one resolver (jurisdiction.layer_named): a layer's name or region code, or a
            # province in any form; a province without rules of its own is checked against national.
            return layer_named(jurisdiction, self.engine.catalogs, self.engine.regions)
        except JurisdictionError:
            raise ApiError(
                404,
                "unknown_jurisdiction",
                f"未知的辖区 {jurisdiction!r}；可用 national、省份拼音、中文名称或行政区划代码",
                f"unknown jurisdiction {jurisdiction!r}; use national or {ACCEPTED_FORMS}",
            ) from None

    def engine_for(self, jurisdiction: str | None) -> Engine:
        if jurisdiction is None:
            return self.engine  # each snapshot's own province decides
        return dataclasses.replace(self.engine, forced=self.catalog_key(jurisdiction))


def _json(model: Any) -> bytes:
    data: bytes = model.model_dump_json(by_alias=True).encode()
    return data + b"\n"


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _query(request: Request, allowed: frozenset[str]) -> dict[str, str]:
    """The query parameters, each at most once; an unknown one is an error, so a typo
    (``jurisdicton=beijing``) is never silently ignored."""
    params = request.query_params
    unknown = sorted(set(params.keys()) - allowed)
    if unknown:
        raise ApiError(
            400,
            "bad_request",
            f"未知的查询参数：{'、'.join(unknown)}；可用：{'、'.join(sorted(allowed))}",
            f"unknown query parameter(s): {', '.join(unknown)}; use: {', '.join(sorted(allowed)) or 'none'}",
        )
    repeated = sorted(k for k in allowed if len(params.getlist(k)) > 1)
    if repeated:
        raise ApiError(
            400,
            "bad_request",
            f"查询参数重复：{'、'.join(repeated)}",
            f"repeated query parameter(s): {', '.join(repeated)}",
        )
    return {k: params[k] for k in allowed if k in params}


@dataclasses.dataclass(frozen=True)
class CheckOptions:
    engine: Engine
    as_of: date | None
    envelope: bool = False  # ?exemptions=envelope: {"snapshot": ..., "exemptions": [...]} (server/envelope.py)
    max_exemption_months: int = DEFAULT_MAX_MONTHS

    def run(self, body: bytes, source: str, located: SourceRef | None = None) -> bytes:
        """The report of one body (a snapshot, or an envelope), with ``located`` as its ``source``,
        as one line of `yiyang check --format json` (UTF-8, newline included); bad input raises
        InputError or EnvelopeError. Without exemptions the line is assembled from pre-rendered
        fragments (byte-equal to the model's JSON: tests/test_oracle.py)."""
        if self.envelope:
            report = check_envelope(self.engine, body, self.as_of, source, self.max_exemption_months)
            if located is not None:
                report = report.model_copy(update={"source": located})
            return (one_line(report.model_dump_json()) + "\n").encode()
        assembled = self.engine.check_assembled(
            body, as_of=self.as_of, source=source, located=located, end=b"\n", one_line=True
        )
        return assembled.data


def _check_options(request: Request) -> CheckOptions:
    query = _query(request, CHECK_PARAMS)
    lang = query.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise ApiError(
            400, "bad_request", f"lang={lang!r} 无效；可用 zh 或 en", f"lang={lang!r} is unknown; use zh or en"
        )
    day = None
    if "as_of" in query:
        try:
            day = parse_local_date(query["as_of"])
        except Exception:  # pendulum raises several types for bad text
            raise ApiError(
                400,
                "bad_request",
                f"as_of={query['as_of']!r} 不是日期；格式为 YYYY-MM-DD",
                f"as_of={query['as_of']!r} is not a date; use YYYY-MM-DD",
            ) from None
    envelope = query.get("exemptions")
    if envelope not in (None, ENVELOPE):
        raise ApiError(
            400,
            "bad_request",
            f"exemptions={envelope!r} 无效；豁免随请求体提交：exemptions={ENVELOPE}",
            f"exemptions={envelope!r} is unknown; exemptions come in the body, with exemptions={ENVELOPE}",
        )
    service = _service(request)
    return CheckOptions(
        service.engine_for(query.get("jurisdiction")),
        day,
        envelope is not None,
        service.settings.max_exemption_months,
    )


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                raise ApiError(
                    400, "bad_request", "Content-Length 无效", "the Content-Length header is not a number"
                ) from None
    return None


async def _read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing (413) as soon as it is over ``limit``: first by its declared length,
    then by what has arrived, so a body without a length (chunked) is stopped as well."""
    declared = _declared_length(request.scope)
    if declared is not None and declared > limit:
        raise payload_too_large(limit, "one snapshot")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise payload_too_large(limit, "one snapshot")
    return bytes(body)


async def check(request: Request) -> Response:
    options = _check_options(request)
    body = await _read_body(request, _service(request).settings.max_body_bytes)
    try:
        line = options.run(body, REQUEST_FILE)
    except EnvelopeError as exc:
        raise ApiError(
            422, exc.code, "请求有误，见 problems", "the request is not valid; see problems", exc.problems
        ) from None
    except InputError as exc:
        raise ApiError(
            422, "invalid_snapshot", "快照有误，见 problems", "the snapshot is not valid; see problems", exc.problems
        ) from None
    # The same bytes as one line of `yiyang check --format json`.
    return Response(line, media_type=JSON)


def _line_error(number: int, problems: list[ProblemOut]) -> bytes:
    record = BatchLineError(source=SourceRef(file=REQUEST_FILE, line=number), error=LineErrorDetail(problems=problems))
    return one_line(record.model_dump_json()).encode() + b"\n"


_OVER_LIMIT = object()  # the reader's mark: the body went over the batch limit


class BatchEndpoint:
    """``POST /v1/check/batch``: JSON Lines in, JSON Lines out, streamed; one output line per
    non-blank input line, in order; a bad line gives an error record in its place.

    An ASGI app rather than a streaming response, because it reads the body while it writes the
    answer. Reading runs in its own task, ahead of the checking: most HTTP clients send the whole
    body before they read anything, and a server that stopped reading while its answer waited to be
    read would deadlock with them. So the unread part of a batch may wait in memory (bounded by the
    batch limit); the answer never does."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        service = _service(request)
        options = _check_options(request)
        limit = service.settings.max_batch_bytes
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            raise payload_too_large(limit, "a batch")
        chunks: asyncio.Queue[bytes | object | None] = asyncio.Queue()
        gone = asyncio.Event()  # the client disconnected: stop checking lines nobody will read
        reader = asyncio.create_task(self._read(receive, limit, chunks, gone))
        try:
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", JSON_LINES.encode())]}
            )
            async for line in self._results(chunks, service.settings, options):
                if gone.is_set():
                    return
                await send({"type": "http.response.body", "body": line, "more_body": True})
                await asyncio.sleep(0)  # let the reader and the worker's other requests run
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            reader.cancel()

    @staticmethod
    async def _read(
        receive: Receive, limit: int, chunks: asyncio.Queue[bytes | object | None], gone: asyncio.Event
    ) -> None:
        """Body chunks into the queue, then None at the end (or the over-limit mark, and stop
        reading); then wait for a disconnect, which sets ``gone``."""
        total = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                chunks.put_nowait(None)
                gone.set()
                return
            chunk: bytes = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                chunks.put_nowait(_OVER_LIMIT)
                return
            if chunk:
                chunks.put_nowait(chunk)
            if not message.get("more_body", False):
                chunks.put_nowait(None)
                break
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    async def _results(
        self, chunks: asyncio.Queue[bytes | object | None], settings: Settings, options: CheckOptions
    ) -> AsyncIterator[bytes]:
        line_limit = settings.max_body_bytes
        pending = bytearray()
        overflow = False  # the current line is over the limit: its bytes are dropped
        number = 0
        while (chunk := await chunks.get()) is not None:
            if not isinstance(chunk, bytes):
                yield _line_error(number + 1, [_over(settings.max_batch_bytes, "batch")])
                return
            start = 0
            while True:
                newline = chunk.find(b"\n", start)
                end = newline if newline >= 0 else len(chunk)
                if not overflow:
                    pending += chunk[start:end]
                    if len(pending) > line_limit:
                        overflow = True
                        pending.clear()
                if newline < 0:
                    break
                number += 1
                result = self._line(number, bytes(pending), overflow, line_limit, options)
                if result:
                    yield result
                pending.clear()
                overflow = False
                start = newline + 1
        if pending.strip() or overflow:
            number += 1
            result = self._line(number, bytes(pending), overflow, line_limit, options)
            if result:
                yield result

    @staticmethod
    def _line(number: int, line: bytes, overflow: bool, limit: int, options: CheckOptions) -> bytes:
        if overflow:
            return _line_error(number, [_over(limit, "line")])
        if not line.strip():
            return b""  # blank lines are skipped, as by the command line; numbers still count them
        try:
            located = SourceRef(file=REQUEST_FILE, line=number)
            report_line = options.run(line, f"{REQUEST_FILE}:{number}", located)
        except (InputError, EnvelopeError) as exc:
            return _line_error(number, [problem_out(p) for p in exc.problems])
        except Exception as exc:
            log_internal_error(exc, "POST", "/v1/check/batch")
            return _line_error(number, [ProblemOut(path="", message=internal_error().body.error.message)])
        return report_line


def _over(limit: int, what: str) -> ProblemOut:
    if what == "line":
        text = Text(
            zh=f"该行超过单个快照的上限 {limit} 字节，未检查",
            en=f"the line is over the limit of {limit} bytes for one snapshot; not checked",
        )
    else:
        text = Text(
            zh=f"批量请求体超过上限 {limit} 字节；其余各行未读取",
            en=f"the batch is over the limit of {limit} bytes; the rest of the body was not read",
        )
    return ProblemOut(path="", message=text)


def _rules_key(request: Request) -> str:
    return _service(request).catalog_key(_query(request, RULES_PARAMS).get("jurisdiction"))


async def list_rules(request: Request) -> Response:
    service = _service(request)
    return Response(service.rule_lists[_rules_key(request)], media_type=JSON)


async def show_rule(request: Request) -> Response:
    service = _service(request)
    key = _rules_key(request)
    rule_id: str = request.path_params["rule_id"]
    catalog: Catalog = service.engine.catalogs[key]
    rule = catalog.get(rule_id)
    if rule is None:
        elsewhere = [k for k, c in service.engine.catalogs.items() if c.get(rule_id) is not None]
        hint_en = (
            f"; it is in: {', '.join(elsewhere)} (add ?jurisdiction=…)"
            if elsewhere
            else "; GET /v1/rules lists the ids"
        )
        hint_zh = (
            f"；该规则见于：{'、'.join(elsewhere)}（加 ?jurisdiction=…）"
            if elsewhere
            else "；GET /v1/rules 列出全部规则"
        )
        raise ApiError(
            404,
            "unknown_rule",
            f"{key} 辖区没有规则 {rule_id!r}{hint_zh}",
            f"no rule {rule_id!r} in jurisdiction {key}{hint_en}",
        )
    return Response(_json(rule_detail(rule)), media_type=JSON)


async def jurisdictions(request: Request) -> Response:
    _query(request, frozenset())
    return Response(_service(request).jurisdictions, media_type=JSON)


async def healthz(request: Request) -> Response:
    return Response(_json(Health()), media_type=JSON)


async def readyz(request: Request) -> Response:
    service: Service | None = getattr(request.app.state, "service", None)
    if service is None:
        raise ApiError(503, "not_ready", "规则尚未编译完成", "the rules are not compiled yet")
    return Response(service.ready, media_type=JSON)


async def openapi(request: Request) -> Response:
    return Response(_service(request).openapi, media_type=JSON)


async def docs(request: Request) -> Response:
    return HTMLResponse(_service(request).docs)


async def root(request: Request) -> Response:
    return RedirectResponse("/docs")


_HTTP_CODES: dict[int, tuple[Any, str, str]] = {
    404: ("not_found", "没有这个地址；GET /docs 列出全部接口", "no such path; GET /docs lists the endpoints"),
    405: ("method_not_allowed", "该地址不接受此方法", "this path does not accept this method"),
}


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return Response(exc.json(), status_code=exc.status, media_type=JSON)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, zh, en = _HTTP_CODES.get(exc.status_code, ("bad_request", "请求有误", "bad request"))
    error = ApiError(exc.status_code, code, zh, en)
    return Response(error.json(), status_code=exc.status_code, media_type=JSON, headers=exc.headers)


def load_engine() -> Engine:
    return Engine.load()


def create_app(settings: Settings | None = None, engine_loader: Callable[[], Engine] = load_engine) -> Starlette:
    """The application; the catalogs are compiled when the worker starts (lifespan), once."""
    chosen = settings or Settings.from_env()
    access = json_logger(ACCESS_LOGGER)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            engine = engine_loader()
        except RuleCatalogError as exc:
            log_event(access, event="startup_failed", reason="the rule files do not load", problems=len(exc.problems))
            raise
        app.state.service = Service.start(engine, chosen)
        log_event(access, event="ready", catalogs={k: len(c.rules) for k, c in engine.catalogs.items()})
        yield
        log_event(access, event="stopped")

    routes = [
        Route("/", root, methods=["GET"], include_in_schema=False),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/v1/check", check, methods=["POST"]),
        Route("/v1/check/batch", BatchEndpoint(), methods=["POST"]),
        Route("/v1/rules", list_rules, methods=["GET"]),
        Route("/v1/rules/{rule_id}", show_rule, methods=["GET"]),
        Route("/v1/jurisdictions", jurisdictions, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(AccessLogMiddleware)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
        lifespan=lifespan,
    )
