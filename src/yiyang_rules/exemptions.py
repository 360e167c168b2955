"""Exemptions (豁免 / 整改期): approved, dated, accountable exceptions to findings (contract section 6).

An exemptions file is YAML with a top-level ``exemptions:`` list; each entry names a ``rule``, an
``institution`` (its id), optionally a ``unit`` (a period such as ``2026-04``, or a resident, hazard
or agreement id; absent = the finding as a whole), the ``reason``, who approved it
(``approved_by``), the approval's number (``document``, 批复文号), and the days it was ``granted`` and
``expires``. The file is validated as strictly as a rule file: unknown keys, bad dates, an unknown
rule id, ``granted`` after ``expires`` or a span longer than the maximum are errors naming the line.

:func:`apply_exemptions` is a pure function of a report and the exemptions. An exemption applies
on ``as_of`` only if ``granted <= as_of <= expires``: ``as_of`` is a date in Asia/Shanghai, so an
exemption holds to the end of its ``expires`` day there, and the day after it has expired. An
exempted finding keeps its real status; it carries the approval and no longer counts for the exit
code (:attr:`Report.mandatory_violations`) once every unit it is about is covered.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, field_validator

from .errors import Problem, YiyangError, format_loc
from .exemption_groups import DEFAULT_MAX_MONTHS, by_institution, is_exempted, unused_institutions
from .localdate import LocalDate
from .localtime import add_months, to_shanghai_date
from .report import ExemptionApproval, ExemptionOutcome, Finding, FindingExemption, Report, Text
from .units import Unit, finding_units
from .yamlfile import LoadedYaml, YamlError, load_yaml_file, load_yaml_text

NonEmpty = StrictStr
OutcomeState = Literal["applied", "expired", "not_yet_granted", "unmatched"]


class ExemptionEntry(BaseModel):
    """One entry as written in the file; keys exactly as the contract names them."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rule: NonEmpty = Field(min_length=1)
    institution: NonEmpty = Field(min_length=1)
    unit: NonEmpty | None = Field(default=None, min_length=1)
    reason: NonEmpty = Field(min_length=1)
    approved_by: NonEmpty = Field(min_length=1)
    document: NonEmpty = Field(min_length=1)
    granted: LocalDate
    expires: LocalDate

    @field_validator("unit", mode="before")
    @classmethod
    def _year_as_text(cls, value: Any) -> Any:
        # `unit: 2026` (a year) is read by YAML as a number; it names the period 2026.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


@dataclass(frozen=True)
class Exemption:
    """A validated entry and where it was written (``file:line``)."""

    entry: ExemptionEntry
    source: str

    def approval(self) -> ExemptionApproval:
        e = self.entry
        return ExemptionApproval.model_construct(
            rule=e.rule,
            institution=e.institution,
            unit=e.unit,
            reason=e.reason,
            approved_by=e.approved_by,
            document=e.document,
            granted=e.granted.isoformat(),
            expires=e.expires.isoformat(),
            source=self.source,
        )

    def state_on(self, day: date | datetime) -> str:
        """``applies``, ``expired`` or ``not_yet_granted`` on a day (a date-time is taken as its
        Asia/Shanghai date: the exemption lasts to the end of ``expires`` there)."""
        local = to_shanghai_date(day)
        if local < self.entry.granted:
            return "not_yet_granted"
        if local > self.entry.expires:
            return "expired"
        return "applies"


class ExemptionFileError(YiyangError):
    """The exemptions file is wrong; ``problems`` name the file and the line of each."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# Where a key of one entry is: (file or cell, line or None). A YAML file gives its line; a workbook
# sheet gives the cell (``豁免!C3``) and no line.
Locate = Callable[[tuple[str | int, ...]], tuple[str, int | None]]

_KEYS_HINT = "the keys are rule, institution, unit, reason, approved_by, document, granted, expires"


def validate_entry(
    raw: Any,
    label: str,
    locate: Locate,
    known_rules: Collection[str] | None = None,
    max_months: int = DEFAULT_MAX_MONTHS,
) -> tuple[Exemption | None, list[Problem]]:
    """One entry, checked strictly: the shared core of every exemptions source (a YAML file, a
    workbook sheet). ``label`` names the entry in messages (``exemptions[0]``)."""

    def problem(loc: tuple[str | int, ...], message: str) -> Problem:
        where, line = locate(loc)
        path = format_loc((label, *loc)) if label else format_loc(loc)
        return Problem(where, line, f"{path}: {message}" if path else message)

    if not isinstance(raw, dict):
        return None, [problem((), "an entry is a mapping of rule, institution, …")]
    try:
        entry = ExemptionEntry.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            message = item["msg"]
            if item["type"] == "extra_forbidden":
                message = f"unknown key; {_KEYS_HINT}"
            elif item["type"] == "missing":
                message = "required key is missing"
            problems.append(problem(tuple(item["loc"]), message))
        return None, problems
    problems = []
    if known_rules is not None and entry.rule not in known_rules:
        problems.append(problem(("rule",), f"no rule {entry.rule!r}; `yiyang rules list` shows the ids"))
    if entry.granted > entry.expires:
        problems.append(problem(("expires",), f"{entry.expires} is before granted {entry.granted}"))
    elif entry.expires > add_months(entry.granted, max_months):
        problems.append(
            problem(
                ("expires",),
                f"{entry.expires} is more than {max_months} months after granted {entry.granted} (the maximum horizon)",
            )
        )
    where, line = locate(())
    return Exemption(entry, f"{where}:{line}" if line else where), problems


def parse_exemptions(
    loaded: LoadedYaml,
    source: str,
    known_rules: Collection[str] | None = None,
    max_months: int = DEFAULT_MAX_MONTHS,
) -> tuple[Exemption, ...]:
    """Validate a loaded YAML document; every problem is collected before raising."""
    data = loaded.data
    if not isinstance(data, dict) or "exemptions" not in data:
        raise ExemptionFileError([Problem(source, 1, "an exemptions file is a mapping with an `exemptions:` list")])
    problems = [
        Problem(source, loaded.line_of((key,)), f"{key}: unknown top-level key; only `exemptions` is allowed")
        for key in data
        if key != "exemptions"
    ]
    # `exemptions:` with every entry removed (or commented out) is an empty list, not an error.
    entries = [] if data["exemptions"] is None else data["exemptions"]
    if not isinstance(entries, list):
        raise ExemptionFileError([Problem(source, loaded.line_of(("exemptions",)), "exemptions: must be a list")])
    found: list[Exemption] = []
    for index, raw in enumerate(entries):

        def locate(loc: tuple[str | int, ...], index: int = index) -> tuple[str, int | None]:
            return source, loaded.line_of(("exemptions", index, *loc))

        exemption, entry_problems = validate_entry(raw, f"exemptions[{index}]", locate, known_rules, max_months)
        problems.extend(entry_problems)
        if exemption is not None and not entry_problems:
            found.append(exemption)
    if problems:
        raise ExemptionFileError(problems)
    return tuple(found)


def exemptions_from_records(
    records: Iterable[tuple[str, Mapping[str, Any], Mapping[str, str]]],
    known_rules: Collection[str] | None = None,
    max_months: int = DEFAULT_MAX_MONTHS,
) -> tuple[Exemption, ...]:
    """Exemptions from rows of another source (a 豁免 sheet of the ledger workbook): each record is
    (where the row is, e.g. ``台账.xlsx!豁免!3``, its values by contract key, the cell of each key).
    The same strict checks as the YAML file; problems name the cell."""
    problems: list[Problem] = []
    found: list[Exemption] = []
    for where, values, cells in records:

        def locate(
            loc: tuple[str | int, ...], where: str = where, cells: Mapping[str, str] = cells
        ) -> tuple[str, None]:
            key = loc[0] if loc else None
            return (cells.get(key, where) if isinstance(key, str) else where), None

        exemption, entry_problems = validate_entry(dict(values), "", locate, known_rules, max_months)
        problems.extend(entry_problems)
        if exemption is not None and not entry_problems:
            found.append(exemption)
    if problems:
        raise ExemptionFileError(problems)
    return tuple(found)


def load_exemptions(
    path: Path,
    known_rules: Collection[str] | None = None,
    max_months: int = DEFAULT_MAX_MONTHS,
) -> tuple[Exemption, ...]:
    """Read and validate an exemptions file. ``known_rules``: the rule ids an entry may name."""
    try:
        loaded = load_yaml_file(path)
    except YamlError as exc:
        raise ExemptionFileError([Problem(str(path), exc.line, exc.message)]) from None
    except OSError as exc:
        raise ExemptionFileError([Problem(str(path), None, f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise ExemptionFileError([Problem(str(path), None, "not UTF-8 text")]) from None
    return parse_exemptions(loaded, str(path), known_rules, max_months)


def exemptions_from_text(
    text: str, source: str = "<exemptions>", known_rules: Collection[str] | None = None, max_months: int = 12
) -> tuple[Exemption, ...]:
    try:
        loaded = load_yaml_text(text)
    except YamlError as exc:
        raise ExemptionFileError([Problem(source, exc.line, exc.message)]) from None
    return parse_exemptions(loaded, source, known_rules, max_months)


# --- applying them --------------------------------------------------------------------------------


def _unit_text(unit: Unit) -> tuple[str, str]:
    return (unit, unit) if unit is not None else ("整项", "the whole finding")


def _covered(exemption: Exemption, units: tuple[Unit, ...]) -> list[Unit]:
    """The finding units an exemption covers: all of them when it names no unit, else its own."""
    if exemption.entry.unit is None:
        return list(units)
    return [u for u in units if u == exemption.entry.unit]


def _note(exemption: Exemption, state: str, units: Sequence[Unit]) -> Text:
    e = exemption.entry
    zh_units = "、".join(_unit_text(u)[0] for u in units) or _unit_text(e.unit)[0]
    en_units = ", ".join(_unit_text(u)[1] for u in units) or _unit_text(e.unit)[1]
    approval_zh = f"{e.approved_by}《{e.document}》"
    if state == "applied":
        return Text.model_construct(
            zh=f"已豁免（{zh_units}）：{e.reason}，{approval_zh}批准，有效期{e.granted}至{e.expires}",
            en=f"exempted ({en_units}): {e.reason}, approved by {e.approved_by} ({e.document}), "
            f"{e.granted} to {e.expires}",
        )
    if state == "expired":
        return Text.model_construct(
            zh=f"豁免已于{e.expires}到期，不再适用（{zh_units}，{approval_zh}）",
            en=f"the exemption expired on {e.expires} and no longer applies ({en_units}, {e.document})",
        )
    if state == "not_yet_granted":
        return Text.model_construct(
            zh=f"豁免自{e.granted}起生效，评估日尚未生效（{approval_zh}）",
            en=f"the exemption takes effect on {e.granted}, after the evaluation date ({e.document})",
        )
    return Text.model_construct(
        zh=f"豁免未匹配任何问题：规则 {e.rule}、单元 {_unit_text(e.unit)[0]} 在本报告中没有不合规或数据不足的发现",
        en=f"the exemption matches nothing: rule {e.rule}, unit {_unit_text(e.unit)[1]} has no "
        "non-compliant or insufficient-data finding in this report",
    )


def _with_note(finding: Finding, note: Text, exemption: FindingExemption | None) -> Finding:
    message = Text.model_construct(
        zh=f"{finding.message.zh}【{note.zh}】",
        en=f"{finding.message.en} [{note.en}]",
    )
    update: dict[str, Any] = {"message": message}
    if exemption is not None:
        update["exemption"] = exemption
    return finding.model_copy(update=update)


def _annotated(finding: Finding, applied: list[tuple[Exemption, list[Unit]]], expired: list[Text]) -> Finding:
    """The finding with a note per expired exemption and, when any apply, which units they cover."""
    result = finding
    for note in expired:
        result = _with_note(result, note, None)
    if applied:
        units = finding_units(finding.status, finding.evidence)
        covered = [u for u in units if any(u in got for _, got in applied)]
        remaining = [u for u in units if u not in covered]
        cover = FindingExemption.model_construct(
            state="partly_exempted" if remaining else "exempted",
            units=covered,
            remaining=remaining,
            approvals=[x.approval() for x, _ in applied],
        )
        for x, got in applied:
            result = _with_note(result, _note(x, "applied", got), cover)
    return result


def apply_exemptions(report: Report, exemptions: Iterable[Exemption]) -> Report:
    """The report with its institution's exemptions applied, judged on the report's ``as_of``.

    Every exemption naming this institution gets an outcome in ``report.exemptions``; findings keep
    their status, carry the approvals that cover them (``finding.exemption``) and say so in their
    message, so that every format shows it. Exemptions for other institutions are left out here
    (see :func:`unused_institutions` for a batch).
    """
    if report.exemptions is not None:
        raise ValueError("exemptions were already applied to this report; apply them once, to the report of check")
    as_of = date.fromisoformat(report.as_of)
    mine = [x for x in exemptions if x.entry.institution == report.institution.id]
    by_rule = {f.rule_id: f for f in report.findings}
    outcomes: list[ExemptionOutcome] = []
    covering: dict[str, list[tuple[Exemption, list[Unit]]]] = {}
    expired_notes: dict[str, list[Text]] = {}
    for exemption in mine:
        finding = by_rule.get(exemption.entry.rule)
        units = finding_units(finding.status, finding.evidence) if finding is not None else ()
        matched = _covered(exemption, units)
        on_day = exemption.state_on(as_of)
        state: OutcomeState
        if on_day == "applies":
            state = "applied" if matched else "unmatched"
        else:
            state = "expired" if on_day == "expired" else "not_yet_granted"
        if state == "applied":
            covering.setdefault(exemption.entry.rule, []).append((exemption, matched))
        elif state == "expired" and matched:
            expired_notes.setdefault(exemption.entry.rule, []).append(_note(exemption, state, matched))
        outcomes.append(
            ExemptionOutcome.model_construct(
                state=state,
                approval=exemption.approval(),
                units=matched,
                message=_note(exemption, state, matched),
            )
        )
    findings = [_annotated(f, covering.get(f.rule_id, []), expired_notes.get(f.rule_id, [])) for f in report.findings]
    return report.model_copy(update={"findings": findings, "exemptions": outcomes})


__all__ = [
    "DEFAULT_MAX_MONTHS",
    "Exemption",
    "ExemptionEntry",
    "ExemptionFileError",
    "apply_exemptions",
    "by_institution",
    "exemptions_from_records",
    "exemptions_from_text",
    "is_exempted",
    "load_exemptions",
    "parse_exemptions",
    "unused_institutions",
    "validate_entry",
]
