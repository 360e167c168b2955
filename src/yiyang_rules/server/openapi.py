"""The OpenAPI 3.1 document of the service, built from the same pydantic models as the responses and
the JSON Schemas (``Snapshot``, ``Report``) — not written by hand, so it cannot drift from them.

Committed as ``schemas/openapi.json`` (regenerate with ``python -m yiyang_rules.server.openapi``; a
test fails when it is stale) so that a vendor can generate a client (Java: openapi-generator) from it.
This module imports no web framework: the document can be built without the ``server`` extra.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .._version import __version__
from ..report import Report
from ..resources import schemas_dir
from ..snapshot import Snapshot
from .models import BatchLineError, CheckEnvelope, ErrorResponse, Health, JurisdictionList, Ready, RuleDetail, RuleList
from .settings import DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY, ENV_MAX_BATCH, ENV_MAX_BODY

FILE_NAME = "openapi.json"
REF = "#/components/schemas/{model}"

_MODELS: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
    (Snapshot, "validation"),
    (Report, "serialization"),
    (CheckEnvelope, "validation"),
    (BatchLineError, "serialization"),
    (ErrorResponse, "serialization"),
    (RuleList, "serialization"),
    (RuleDetail, "serialization"),
    (JurisdictionList, "serialization"),
    (Health, "serialization"),
    (Ready, "serialization"),
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _json_content(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(name)}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json_content("ErrorResponse")}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


JURISDICTION = _query(
    "jurisdiction",
    "national, or a province: a slug (beijing), a Chinese name (北京市, 北京) or a GB/T 2260 code (110000). "
    "Without it, each snapshot's own province decides. Unknown: 404.",
    {"type": "string"},
)
AS_OF = _query(
    "as_of",
    "the evaluation date YYYY-MM-DD; overrides the snapshot's own as_of (default: today in Asia/Shanghai)",
    {"type": "string", "format": "date"},
)
LANG = _query(
    "lang",
    "zh or en. Accepted for symmetry with the command line; the JSON report carries both languages, "
    "so it does not change the answer.",
    {"type": "string", "enum": ["zh", "en"], "default": "zh"},
)
EXEMPTIONS = _query(
    "exemptions",
    "envelope: the body (each line of a batch) is a CheckEnvelope {snapshot, exemptions} instead of a bare "
    "Snapshot, and the report carries the exemptions' outcomes as `yiyang check --exemptions FILE` does. "
    "Without it the body is the bare snapshot. Bad exemptions: 422 invalid_exemptions, with field paths "
    "such as exemptions[0].expires.",
    {"type": "string", "enum": ["envelope"]},
)
_ENVELOPE_BODY = {"x-envelope-schema": _ref("CheckEnvelope")}

_COMMON_ERRORS = {
    "400": _error("an unknown or repeated query parameter, or a parameter that is not valid (as_of, lang, exemptions)"),
    "405": _error("the path does not accept this method"),
    "500": _error("an internal error: a generic message, never a trace; the server logs where it happened"),
}

_LIMITS = (
    f"Limits (defaults; GET /readyz shows those in force): one snapshot (this body, or one line of a batch) "
    f"at most {DEFAULT_MAX_BODY} bytes "
    f"(${ENV_MAX_BODY}, `yiyang serve --max-body-bytes`); a whole batch at most {DEFAULT_MAX_BATCH} bytes "
    f"(${ENV_MAX_BATCH}, `--max-batch-bytes`). The limit is counted while the body is read."
)


def _paths() -> dict[str, Any]:
    check_errors = {
        "404": _error("unknown jurisdiction"),
        "413": _error("the body is over the limit for one snapshot"),
        "422": _error(
            "the snapshot (invalid_snapshot) or, with exemptions=envelope, the envelope or an exemption "
            "(invalid_exemptions) is not valid: error.problems lists every field at fault (path, zh, en)"
        ),
    }
    return {
        "/v1/check": {
            "post": {
                "operationId": "check",
                "summary": "Check one snapshot",
                "description": "The report is byte for byte one line of `yiyang check --format json` for the same "
                "snapshot and options; its `source` is null (a request has no file). " + _LIMITS,
                "parameters": [JURISDICTION, AS_OF, LANG, EXEMPTIONS],
                "requestBody": {
                    "required": True,
                    "description": "a Snapshot; with exemptions=envelope, a CheckEnvelope (x-envelope-schema)",
                    "content": {"application/json": {"schema": _ref("Snapshot"), **_ENVELOPE_BODY}},
                },
                "responses": {
                    "200": {"description": "the report", "content": _json_content("Report")},
                    **check_errors,
                    **_COMMON_ERRORS,
                },
            }
        },
        "/v1/check/batch": {
            "post": {
                "operationId": "checkBatch",
                "summary": "Check many snapshots: JSON Lines in, JSON Lines out, streamed",
                "description": "One snapshot per line. The answer is streamed: one line per non-blank input line, "
                'in order, each either a Report whose source is {file: "<request>", line: N} or, for a bad line, '
                "a BatchLineError naming the same line. A bad line never fails the request. Blank lines are "
                "skipped (line numbers still count them). A line over the one-snapshot limit gets an error "
                "record; a body over the batch limit is refused with 413 when its Content-Length says so, and "
                "otherwise ends with an error record once the limit is reached. " + _LIMITS,
                "parameters": [JURISDICTION, AS_OF, LANG, EXEMPTIONS],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-ndjson": {
                            "schema": {"type": "string", "description": "one Snapshot JSON object per line"},
                            "x-line-schema": _ref("Snapshot"),
                            **_ENVELOPE_BODY,
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "one JSON object per line: a Report, or a BatchLineError in place of a bad line",
                        "content": {
                            "application/x-ndjson": {
                                "schema": {"type": "string", "description": "JSON Lines"},
                                "x-line-schema": {"oneOf": [_ref("Report"), _ref("BatchLineError")]},
                            }
                        },
                    },
                    "404": _error("unknown jurisdiction"),
                    "413": _error("the declared Content-Length is over the batch limit"),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/v1/rules": {
            "get": {
                "operationId": "listRules",
                "summary": "The rules of a jurisdiction, with citations and versions",
                "parameters": [{**JURISDICTION, "description": "national (default) or a province; unknown: 404"}],
                "responses": {
                    "200": {"description": "the catalog", "content": _json_content("RuleList")},
                    "404": _error("unknown jurisdiction"),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/v1/rules/{rule_id}": {
            "get": {
                "operationId": "getRule",
                "summary": "One rule: citations with quotes, applicability, versions, examples",
                "description": "The same object as `yiyang rules show ID --format json`.",
                "parameters": [
                    {
                        "name": "rule_id",
                        "in": "path",
                        "required": True,
                        "description": "the rule id, e.g. fire.inspection-monthly",
                        "schema": {"type": "string"},
                    },
                    {**JURISDICTION, "description": "the rule as this jurisdiction compiles it (default national)"},
                ],
                "responses": {
                    "200": {"description": "the rule", "content": _json_content("RuleDetail")},
                    "404": _error("unknown rule in this jurisdiction, or unknown jurisdiction"),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/v1/jurisdictions": {
            "get": {
                "operationId": "listJurisdictions",
                "summary": "The jurisdictions with rules of their own",
                "responses": {
                    "200": {"description": "the jurisdictions", "content": _json_content("JurisdictionList")},
                    **_COMMON_ERRORS,
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Liveness: the process answers",
                "responses": {"200": {"description": "alive", "content": _json_content("Health")}},
            }
        },
        "/readyz": {
            "get": {
                "operationId": "ready",
                "summary": "Readiness: the rules are compiled in this worker; the limits in force",
                "responses": {
                    "200": {"description": "ready", "content": _json_content("Ready")},
                    "503": _error("not ready yet"),
                },
            }
        },
    }


def build_openapi() -> dict[str, Any]:
    _, defs = models_json_schema(_MODELS, ref_template=REF, by_alias=True)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "yiyang-rules",
            "version": __version__,
            "summary": "Check 医养结合 institutions against versioned, cited policy rules",
            "description": "The HTTP service of yiyang-rules (`yiyang serve`). All bodies are JSON in UTF-8. "
            "Every error is an ErrorResponse; no response ever carries a stack trace.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": [{"url": "http://127.0.0.1:8000", "description": "yiyang serve (default address)"}],
        "paths": {
            path: {method: {**op, "responses": dict(sorted(op["responses"].items()))} for method, op in ops.items()}
            for path, ops in _paths().items()
        },
        "components": {"schemas": defs["$defs"]},
    }


def render_openapi() -> str:
    return json.dumps(build_openapi(), ensure_ascii=False, indent=2) + "\n"


def write_openapi(directory: Path | None = None) -> Path:
    path = (directory or schemas_dir()) / FILE_NAME
    path.write_text(render_openapi(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_openapi(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
