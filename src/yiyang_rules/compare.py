"""Compare two runs of ``check`` (``yiyang compare OLD NEW``): what is new, resolved, still open.

Findings are keyed by (institution id, rule id, unit), the unit coming from
:func:`yiyang_rules.units.finding_units`: a period that fell short, a resident, an agreement, a
hazard, or ``None`` for a finding about the institution as a whole. So two violations of one rule
stay two entries, and a violation that moves from 2026-04 to 2026-05 is one ``resolved`` and one
``new``.

``change`` for each key:

- ``new`` / ``resolved`` / ``still_open``: a violation unit only in NEW, only in OLD, in both.
- ``changed_status``: neither side has a violation, and the status differs
  (``compliant`` → ``insufficient_data``); a change *to* ``non_compliant`` is ``new``.
- ``version_changed``: neither side has a violation, the status is the same, the rule version differs.
- ``unchanged``: the same status and version, no violation on either side.
- ``rule_added`` / ``rule_retired``: the institution is in both, the rule in only one report.
- ``institution_added`` / ``institution_removed``: the institution is in only one of the two.

Every entry also says whether the rule version differs (``version_changed``) and whether NEW
exempts it (``exempted``). A *new mandatory violation* (what ``--fail-on-new`` fails on) is an
entry whose NEW side is a mandatory ``non_compliant`` unit not covered by an exemption, with
``change`` one of ``new``, ``rule_added``, ``institution_added``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._version import __version__
from .checks.base import Status
from .errors import InputError, InputProblem, format_loc
from .levels import Level
from .report import EngineInfo, Finding, Report, Text
from .units import Unit, finding_units

ChangeKind = Literal[
    "new",
    "resolved",
    "still_open",
    "changed_status",
    "version_changed",
    "unchanged",
    "rule_added",
    "rule_retired",
    "institution_added",
    "institution_removed",
]
CHANGE_KINDS: tuple[str, ...] = ChangeKind.__args__  # type: ignore[attr-defined]
NEW_KINDS = frozenset({"new", "rule_added", "institution_added"})


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Change(_Out):
    change: ChangeKind
    institution: str
    rule_id: str
    unit: str | None = Field(description="the period, resident, agreement or hazard; null = the whole finding")
    level: Level
    title: Text
    old_status: Status | None
    new_status: Status | None
    old_version: str | None
    new_version: str | None
    version_changed: bool
    exempted: bool = Field(description="NEW's finding is exempted for this unit")
    message: Text = Field(description="NEW's message (OLD's when the finding is gone)")

    @property
    def is_new_mandatory_violation(self) -> bool:
        return (
            self.change in NEW_KINDS
            and self.new_status is Status.NON_COMPLIANT
            and self.level is Level.MANDATORY
            and not self.exempted
        )


class Side(_Out):
    sources: list[str]
    institutions: int
    as_of: list[str] = Field(description="the distinct as_of days of the side's reports")


class Comparison(_Out):
    comparison_version: Literal["1"] = "1"
    engine: EngineInfo
    old: Side
    new: Side
    summary: dict[str, int]
    new_mandatory_violations: int
    changes: list[Change]


@dataclass(frozen=True)
class SourcedReport:
    source: str  # file:line
    report: Report


# --- reading reports ------------------------------------------------------------------------------


def _describe(error: ValidationError) -> list[InputProblem]:
    return [InputProblem(format_loc(item["loc"]), item["msg"]) for item in error.errors()]


def _report(value: Any, source: str) -> SourcedReport:
    if not isinstance(value, dict):
        raise InputError(source, ["a report is a JSON object (the output of `yiyang check --format json`)"])
    try:
        return SourcedReport(source, Report.model_validate(value))
    except ValidationError as exc:
        raise InputError(source, _describe(exc)) from None


def parse_reports(text: str, name: str) -> list[SourcedReport]:
    """One JSON report, a JSON array of reports, or JSON Lines (one report per line)."""
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise InputError(f"{name}:{exc.lineno}", [f"not valid JSON: {exc.msg} (column {exc.colno})"]) from None
    else:
        if isinstance(whole, list):
            return [_report(item, f"{name}[{index}]") for index, item in enumerate(whole)]
        return [_report(whole, f"{name}:1")]
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            # Straight from JSON text (pydantic-core parses and validates in one pass: reports are big).
            found.append(SourcedReport(f"{name}:{number}", Report.model_validate_json(line)))
        except ValidationError:
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{name}:{number}", [f"not valid JSON: {exc.msg} (column {exc.colno})"]) from None
            found.append(_report(value, f"{name}:{number}"))
    return found


def read_reports(path: Path) -> list[SourcedReport]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise InputError(str(path), ["not UTF-8 text"]) from None
    reports = parse_reports(text, str(path))
    if not reports:
        raise InputError(str(path), ["no report in the file"])
    return reports


def _by_institution(reports: Sequence[SourcedReport]) -> dict[str, SourcedReport]:
    seen: dict[str, SourcedReport] = {}
    for item in reports:
        key = item.report.institution.id
        if key in seen:
            raise InputError(
                item.source,
                [f"institution {key!r} is also reported at {seen[key].source}; compare needs one report each"],
            )
        seen[key] = item
    return seen


# --- classifying ----------------------------------------------------------------------------------


def violation_units(finding: Finding) -> tuple[Unit, ...]:
    """The units a finding is in violation for; none unless it is ``non_compliant``."""
    if finding.status is not Status.NON_COMPLIANT:
        return ()
    return finding_units(finding.status, finding.evidence)


def _exempted(finding: Finding | None, unit: Unit) -> bool:
    if finding is None or finding.exemption is None:
        return False
    return unit in finding.exemption.units


def _entry(change: ChangeKind, institution: str, unit: Unit, old: Finding | None, new: Finding | None) -> Change:
    either = new or old
    assert either is not None
    return Change.model_construct(
        change=change,
        institution=institution,
        rule_id=either.rule_id,
        unit=unit,
        level=either.level,
        title=either.title,
        old_status=old.status if old else None,
        new_status=new.status if new else None,
        old_version=old.rule_version if old else None,
        new_version=new.rule_version if new else None,
        version_changed=bool(old and new and old.rule_version != new.rule_version),
        exempted=_exempted(new, unit),
        message=either.message,
    )


def _one_side(finding: Finding) -> tuple[Unit, ...]:
    return violation_units(finding) or (None,)


def _pair(institution: str, old: Finding | None, new: Finding | None, missing: str | None) -> Iterator[Change]:
    if old is None:
        assert new is not None
        kind: ChangeKind = "institution_added" if missing == "old" else "rule_added"
        for unit in _one_side(new):
            yield _entry(kind, institution, unit, None, new)
        return
    if new is None:
        gone: ChangeKind = "institution_removed" if missing == "new" else "rule_retired"
        for unit in _one_side(old):
            yield _entry(gone, institution, unit, old, None)
        return
    before, after = violation_units(old), violation_units(new)
    for unit in after:
        yield _entry("still_open" if unit in before else "new", institution, unit, old, new)
    for unit in before:
        if unit not in after:
            yield _entry("resolved", institution, unit, old, new)
    if not before and not after:
        same: ChangeKind
        if old.status is not new.status:
            same = "changed_status"
        elif old.rule_version != new.rule_version:
            same = "version_changed"
        else:
            same = "unchanged"
        yield _entry(same, institution, None, old, new)


def _side(reports: Sequence[SourcedReport]) -> Side:
    return Side.model_construct(
        sources=sorted({re.sub(r"(:\d+|\[\d+\])$", "", r.source) for r in reports}),
        institutions=len({r.report.institution.id for r in reports}),
        as_of=sorted({r.report.as_of for r in reports}),
    )


def compare_reports(old: Sequence[SourcedReport], new: Sequence[SourcedReport]) -> Comparison:
    """Classify every finding of two runs; raises :class:`InputError` for a duplicated institution."""
    before, after = _by_institution(old), _by_institution(new)
    changes: list[Change] = []
    for institution in sorted(before.keys() | after.keys()):
        old_report = before.get(institution)
        new_report = after.get(institution)
        missing = "old" if old_report is None else "new" if new_report is None else None
        old_findings = {f.rule_id: f for f in old_report.report.findings} if old_report else {}
        new_findings = {f.rule_id: f for f in new_report.report.findings} if new_report else {}
        rule_ids = list(new_findings) + [r for r in old_findings if r not in new_findings]
        for rule_id in rule_ids:
            changes.extend(_pair(institution, old_findings.get(rule_id), new_findings.get(rule_id), missing))
    summary = dict.fromkeys(CHANGE_KINDS, 0)
    for change in changes:
        summary[change.change] += 1
    return Comparison.model_construct(
        comparison_version="1",
        engine=EngineInfo.model_construct(name="yiyang-rules", version=__version__),
        old=_side(old),
        new=_side(new),
        summary=summary,
        new_mandatory_violations=sum(1 for c in changes if c.is_new_mandatory_violation),
        changes=changes,
    )
