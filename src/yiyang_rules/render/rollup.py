"""The roll-up of a run (``--summary``): one row per institution and one row per rule.

A pure function of the items (:func:`rollup`), built incrementally (:meth:`Rollup.add`) so that a
front end streaming thousands of reports keeps only counts, never the reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..checks.base import Status
from ..levels import Level
from .base import BatchItem
from .text import source_text

if TYPE_CHECKING:  # only named: the renderer registry imports this module on every check
    from ..report import CitationOut, Text

STATUSES: tuple[Status, ...] = (
    Status.NON_COMPLIANT,
    Status.INSUFFICIENT_DATA,
    Status.COMPLIANT,
    Status.NOT_APPLICABLE,
)


@dataclass
class InstitutionRow:
    """One input: its institution and counts, or the input error that stopped it."""

    source: str
    institution_id: str | None
    name: str | None
    jurisdiction: list[str]
    as_of: str | None
    counts: dict[Status, int]
    mandatory_violations: list[str]
    recommended_violations: list[str]
    error: list[dict[str, object]] | None = None
    # Each rule's status for this institution (the institution x rule matrix).
    statuses: dict[str, Status] = field(default_factory=dict)
    period: tuple[str, str] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "institution": None if self.institution_id is None else {"id": self.institution_id, "name": self.name},
            "jurisdiction": self.jurisdiction,
            "as_of": self.as_of,
            "summary": {s.value: self.counts.get(s, 0) for s in STATUSES},
            "mandatory_violations": self.mandatory_violations,
            "recommended_violations": self.recommended_violations,
            **({"error": {"problems": self.error}} if self.error is not None else {}),
        }


@dataclass
class RuleRow:
    """One rule across the run: how many institutions got each status."""

    rule_id: str
    level: Level
    title: Text
    counts: dict[Status, int] = field(default_factory=dict)
    # Every article cited for this rule in the run (a province's overlay can add some), once each.
    citations: list[CitationOut] = field(default_factory=list)
    cited: set[tuple[str, str, str]] = field(default_factory=set, repr=False)

    @property
    def failing(self) -> int:
        return self.counts.get(Status.NON_COMPLIANT, 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "level": self.level.value,
            "title": self.title.model_dump(),
            "institutions_failing": self.failing,
            "counts": {s.value: self.counts.get(s, 0) for s in STATUSES},
            "citations": [c.model_dump() for c in self.citations],
        }


@dataclass
class Rollup:
    institutions: list[InstitutionRow] = field(default_factory=list)
    rules: dict[str, RuleRow] = field(default_factory=dict)

    def add(self, item: BatchItem) -> None:
        if item.error is not None:
            self.institutions.append(
                InstitutionRow(
                    source_text(item),
                    None,
                    None,
                    [],
                    None,
                    {},
                    [],
                    [],
                    error=[p.as_dict() for p in item.error.problems],
                )
            )
            return
        report = item.report
        assert report is not None  # BatchItem holds exactly one of the two
        counts = dict.fromkeys(STATUSES, 0)
        statuses: dict[str, Status] = {}
        mandatory: list[str] = []
        recommended: list[str] = []
        for finding in report.findings:
            counts[finding.status] += 1
            statuses[finding.rule_id] = finding.status
            if finding.status is Status.NON_COMPLIANT:
                (mandatory if finding.level is Level.MANDATORY else recommended).append(finding.rule_id)
            row = self.rules.get(finding.rule_id)
            if row is None:
                row = self.rules[finding.rule_id] = RuleRow(finding.rule_id, finding.level, finding.title)
            row.counts[finding.status] = row.counts.get(finding.status, 0) + 1
            for citation in finding.citations:
                key = (citation.document, citation.article, citation.quote)
                if key not in row.cited:
                    row.cited.add(key)
                    row.citations.append(citation)
        self.institutions.append(
            InstitutionRow(
                source_text(item),
                report.institution.id,
                report.institution.name,
                list(report.jurisdiction),
                report.as_of,
                counts,
                mandatory,
                recommended,
                statuses=statuses,
                period=(report.period["start"], report.period["end"]),
            )
        )

    @property
    def errors(self) -> int:
        return sum(1 for row in self.institutions if row.error is not None)

    def rule_rows(self) -> list[RuleRow]:
        """Rules most failed first (mandatory before recommended at equal counts), then by id."""
        return sorted(
            self.rules.values(),
            key=lambda r: (
                -r.failing,
                r.level is not Level.MANDATORY,
                -r.counts.get(Status.INSUFFICIENT_DATA, 0),
                r.rule_id,
            ),
        )

    def totals(self) -> dict[str, int]:
        checked = [row for row in self.institutions if row.error is None]
        return {
            "inputs": len(self.institutions),
            "checked": len(checked),
            "input_errors": self.errors,
            "with_mandatory_violations": sum(1 for row in checked if row.mandatory_violations),
            "mandatory_violations": sum(len(row.mandatory_violations) for row in checked),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary_version": "1",
            "totals": self.totals(),
            "institutions": [row.as_dict() for row in self.institutions],
            "rules": [row.as_dict() for row in self.rule_rows()],
        }


def rollup(items: Iterable[BatchItem]) -> Rollup:
    result = Rollup()
    for item in items:
        result.add(item)
    return result
