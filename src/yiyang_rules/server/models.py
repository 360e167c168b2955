"""The service's own response bodies, as pydantic models: the OpenAPI document is generated from
them and from the core's ``Report`` and ``Snapshot``, so the document and the responses cannot drift."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..checks.base import Status
from ..exemptions import ExemptionEntry
from ..levels import Level
from ..report import CitationOut, EngineInfo, Text
from ..snapshot import Snapshot
from ..sourceref import SourceRef

REQUEST_FILE = "<request>"
"""What a batch report's ``source.file`` and a bad line's error record name as the file."""


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class ProblemOut(_Body):
    """One thing wrong with the input: the field path (``activities[3].kind``; empty for the body as a
    whole) and the message in Chinese and English, exactly as the command line reports it."""

    path: str
    message: Text


ErrorCode = Literal[
    "invalid_snapshot",
    "invalid_exemptions",
    "bad_request",
    "not_found",
    "unknown_jurisdiction",
    "unknown_rule",
    "method_not_allowed",
    "payload_too_large",
    "not_ready",
    "internal_error",
]


class ErrorDetail(_Body):
    code: ErrorCode
    message: Text
    problems: list[ProblemOut] = Field(
        default_factory=list, description="for invalid_snapshot: every field at fault, with its path"
    )


class ErrorResponse(_Body):
    """The body of every 4xx and 5xx response."""

    error: ErrorDetail


class LineErrorDetail(_Body):
    problems: list[ProblemOut]


class BatchLineError(_Body):
    """In a batch response, the line that stands in place of a report when an input line is bad: the
    same record the command line writes for a bad line of a ``.jsonl`` file."""

    source: SourceRef
    error: LineErrorDetail


class VersionSpan(_Body):
    version: str
    from_: str = Field(alias="from", description="first day in force, YYYY-MM-DD")
    until: str | None = Field(description="last day in force, when repealed or replaced")
    layer: str


class RuleSummary(_Body):
    id: str
    version: str = Field(description="the newest version")
    level: Level
    kind: str = Field(description="the check kind")
    layers: list[str]
    overlay: str | None
    title: Text
    citations: list[CitationOut]
    versions: list[VersionSpan]


class RuleList(_Body):
    jurisdiction: list[str] = Field(description="the layers of the catalog: national, then a province")
    rules: list[RuleSummary]


class VersionDetail(_Body):
    version: str
    from_: str = Field(alias="from")
    until: str | None
    layer: str
    basis: str = Field(description="what the source says about the date")
    changes: str | None
    check: dict[str, Any] = Field(description="the check's parameters in this version")


class ExampleRef(_Body):
    layer: str
    name: str
    expect: Status


class RuleDetail(_Body):
    """The same object as ``yiyang rules show ID --format json``."""

    id: str
    title: Text
    level: Level
    layers: list[str]
    overlay: str | None
    applies_to: Text
    check_kind: str
    citations: list[CitationOut]
    versions: list[VersionDetail]
    examples: list[ExampleRef]


class Jurisdiction(_Body):
    id: str = Field(description="the value to pass as ?jurisdiction=")
    name: Text
    layers: list[str]
    rules: int = Field(description="how many rules the catalog holds")


class JurisdictionList(_Body):
    jurisdictions: list[Jurisdiction]
    other_provinces: str = Field(description="what a province without rules of its own is checked against")


class Health(_Body):
    status: Literal["ok"] = "ok"


class Limits(_Body):
    max_body_bytes: int
    max_batch_bytes: int


class Ready(_Body):
    status: Literal["ready"] = "ready"
    engine: EngineInfo
    catalogs: dict[str, int] = Field(description="rules per jurisdiction, compiled once in this worker")
    limits: Limits


class CheckEnvelope(BaseModel):
    """The body of ``POST /v1/check?exemptions=envelope`` (and each line of a batch with that flag):
    one snapshot and the approved exemptions for its institution, each entry with exactly the keys of
    an exemptions file. Documentation for clients: the service validates an envelope with the same
    code as ``yiyang check --exemptions FILE`` (server/envelope.py), problems named by field path."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    snapshot: Snapshot
    exemptions: list[ExemptionEntry] = Field(
        description="may be empty; every entry must name the snapshot's institution"
    )
