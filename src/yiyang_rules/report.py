"""The report (contract section 3) as pydantic models: one finding per rule of the jurisdiction."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .checks.base import Status
from .rulefile import Level


class _Out(BaseModel):
    # Output models: every field is always written, so the schema (schemas/report.schema.json,
    # serialisation mode) lists every field as required, null where it may be null.
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)


class Text(_Out):
    zh: str
    en: str


class CitationOut(_Out):
    document: str
    article: str
    quote: str


class Finding(_Out):
    """One rule's verdict on one snapshot, with the evidence and the cited articles."""

    rule_id: str
    rule_version: str
    status: Status
    level: Level
    title: Text
    message: Text
    evidence: dict[str, Any]
    citations: list[CitationOut]
    layers: list[str] = Field(description="the layers that made this rule: national, then a province")
    overlay: str | None = Field(default=None, description="restate or tighten, when a province overlay applied")


class Summary(_Out):
    compliant: int = 0
    non_compliant: int = 0
    insufficient_data: int = 0
    not_applicable: int = 0


class EngineInfo(_Out):
    name: Literal["yiyang-rules"] = "yiyang-rules"
    version: str


class InstitutionRef(_Out):
    id: str
    name: str


class SourceRef(_Out):
    """Where a report's snapshot came from: the file, and the line for a ``.jsonl`` batch."""

    file: str
    line: int | None = None


class Report(_Out):
    """One snapshot's report: one finding per rule the jurisdiction holds (``yiyang check --format
    json`` prints one per line; ``source`` is set when the snapshot came from a file)."""

    report_version: Literal["1"] = "1"
    engine: EngineInfo
    jurisdiction: list[str]
    as_of: str
    period: dict[str, str]
    institution: InstitutionRef
    summary: Summary
    findings: list[Finding]
    source: SourceRef | None = Field(
        default=None, description="the snapshot's file (and line in a .jsonl batch), when it came from one"
    )

    @property
    def mandatory_violations(self) -> list[Finding]:
        return [f for f in self.findings if f.level is Level.MANDATORY and f.status is Status.NON_COMPLIANT]
