"""The report (contract section 3) as pydantic models: one finding per rule of the jurisdiction."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .checks.base import Status
from .levels import Level
from .sourceref import SourceRef


class _Out(BaseModel):
    # Output models: every field is always written, so the schema (schemas/report.schema.json,
    # serialisation mode) lists every field as required, null where it may be null.
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True, defer_build=True)


class Text(_Out):
    zh: str
    en: str


class CitationOut(_Out):
    document: str
    article: str
    quote: str


class ExemptionApproval(_Out):
    """One entry of an exemptions file, as approved (contract section 6)."""

    rule: str
    institution: str
    unit: str | None = None
    reason: str
    approved_by: str
    document: str
    granted: str
    expires: str
    source: str | None = Field(default=None, description="the exemptions file and line of the entry")


class FindingExemption(_Out):
    """How a finding is exempted: every unit it is about (``exempted``), or only some
    (``partly_exempted``: the ``remaining`` units still count)."""

    state: Literal["exempted", "partly_exempted"]
    units: list[str | None] = Field(description="the units covered; null = the finding as a whole")
    remaining: list[str | None] = Field(default_factory=list, description="units not covered")
    approvals: list[ExemptionApproval]


class ExemptionOutcome(_Out):
    """What became of one exemption for one report: ``applied``, ``expired`` (past ``expires`` on
    ``as_of``), ``not_yet_granted`` (``as_of`` before ``granted``), or ``unmatched``."""

    state: Literal["applied", "expired", "not_yet_granted", "unmatched"]
    approval: ExemptionApproval
    units: list[str | None] = Field(default_factory=list, description="the finding units it covers or would cover")
    message: Text


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
    exemption: FindingExemption | None = Field(
        default=None, description="the approved exemptions (豁免/整改期) that cover this finding, when any do"
    )


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
    exemptions: list[ExemptionOutcome] | None = Field(
        default=None, description="what became of each exemption for this institution, when exemptions were given"
    )

    @property
    def mandatory_violations(self) -> list[Finding]:
        """Mandatory non-compliant findings, except those an exemption covers entirely."""
        return [
            f
            for f in self.findings
            if f.level is Level.MANDATORY
            and f.status is Status.NON_COMPLIANT
            and (f.exemption is None or f.exemption.state != "exempted")
        ]
