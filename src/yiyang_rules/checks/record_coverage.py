"""``record_coverage``: every record in scope meets a requirement.

E.g. every resident admitted in the window has an admission assessment (国卫办老龄发〔2025〕29号
(十九)); every agreement states who handles disputes (国卫办老龄发〔2020〕23号 七). Residents are
named by id only. Booleans this project added to the contract (``service_plan``, the agreement
clauses) are unknown when absent, so that older snapshots read as unknown, not as failures. Dates
in a ledger record are the ledger's word, as with ``reported``: an agreement past its ``expires``
day with neither ``renewed`` nor ``terminated`` recorded has not been renewed in writing or ended.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from ..snapshot import Agreement, Resident
from ..vocabulary import AssessmentKind, Label, where_to_fill
from .base import CheckParams, Outcome, Schedule, SnapshotView, Status, current, missing, outcome

KIND = "record_coverage"


class Scope(StrEnum):
    ADMITTED_IN_WINDOW = "admitted_in_window"
    ALL = "all"
    EXPIRED_BY_AS_OF = "expired_by_as_of"


class Requirement(StrEnum):
    ADMISSION_ASSESSMENT = "admission_assessment"
    SERVICE_PLAN = "service_plan"
    DISPUTE_CLAUSE = "dispute_clause"
    CONFIDENTIALITY_CLAUSE = "confidentiality_clause"
    RENEWED_OR_TERMINATED = "renewed_or_terminated"


_REQUIREMENT_LABELS: dict[Requirement, Label] = {
    Requirement.ADMISSION_ASSESSMENT: Label("入住评估", "an admission assessment"),
    Requirement.SERVICE_PLAN: Label("针对性服务方案", "an individual service plan"),
    Requirement.DISPUTE_CLAUSE: Label("纠纷处置责任条款", "a dispute-handling clause"),
    Requirement.CONFIDENTIALITY_CLAUSE: Label("保密条款", "a confidentiality clause"),
    Requirement.RENEWED_OR_TERMINATED: Label("期满后书面续签或停止合作", "written renewal or termination"),
}

# The field each requirement reads, so an unknown one names where it is filled in.
_REQUIREMENT_FIELDS: dict[Requirement, str] = {
    Requirement.ADMISSION_ASSESSMENT: "residents.assessments",
    Requirement.SERVICE_PLAN: "residents.service_plan",
    Requirement.DISPUTE_CLAUSE: "agreements.dispute_clause",
    Requirement.CONFIDENTIALITY_CLAUSE: "agreements.confidentiality_clause",
    Requirement.RENEWED_OR_TERMINATED: "agreements.renewed",
}

_RECORD_LABELS: dict[str, Label] = {
    "residents": Label("入住老年人", "resident"),
    "agreements": Label("协议", "agreement"),
}


class Params(CheckParams):
    kind: Literal["record_coverage"] = "record_coverage"
    records: Literal["residents", "agreements"]
    scope: Scope
    requirement: Requirement
    within_days: int | None = Field(
        default=None, ge=0, description="for assessments: at most this many days after admission"
    )


def _admission_assessed(resident: Resident, params: Params, view: SnapshotView) -> bool | None:
    if resident.assessments is None:
        return None
    for assessment in resident.assessments:
        # An assessment dated after as_of had not happened yet on as_of.
        if assessment.kind is not AssessmentKind.ADMISSION or assessment.date > view.as_of:
            continue
        if params.within_days is None or (assessment.date - resident.admitted).days <= params.within_days:
            return True
    return False


def _requirement(params: Params, view: SnapshotView) -> Callable[[Any], bool | None]:
    checks: dict[Requirement, Callable[[Any], bool | None]] = {
        Requirement.ADMISSION_ASSESSMENT: lambda r: _admission_assessed(r, params, view),
        Requirement.SERVICE_PLAN: lambda r: r.service_plan,
        Requirement.DISPUTE_CLAUSE: lambda a: a.dispute_clause,
        Requirement.CONFIDENTIALITY_CLAUSE: lambda a: a.confidentiality_clause,
        Requirement.RENEWED_OR_TERMINATED: lambda a: a.renewed is not None or a.terminated is not None,
    }
    return checks[params.requirement]


def _in_scope(record: Resident | Agreement, params: Params, view: SnapshotView) -> bool:
    start, end = view.window
    if params.scope is Scope.ALL:
        return True
    if params.scope is Scope.ADMITTED_IN_WINDOW:
        admitted: date = record.admitted if isinstance(record, Resident) else record.signed
        return start <= admitted <= end and admitted <= view.as_of
    expires = record.expires if isinstance(record, Agreement) else None
    return expires is not None and expires < view.as_of


def evaluate(schedule: Schedule[Params], view: SnapshotView) -> Outcome:
    version = current(schedule, view)
    if isinstance(version, Outcome):
        return version
    params = version.params
    records: Sequence[Resident | Agreement] | None = getattr(view.snapshot, params.records)
    record_label = _RECORD_LABELS[params.records]
    need = _REQUIREMENT_LABELS[params.requirement]
    if records is None:
        return missing(params.records, record_label.zh + "记录", record_label.en + " records")
    check = _requirement(params, view)
    in_scope = [r for r in records if _in_scope(r, params, view)]
    lacking = [r.id for r in in_scope if check(r) is False]
    unknown = [r.id for r in in_scope if check(r) is None]
    evidence: dict[str, Any] = {
        "records": params.records,
        "scope": params.scope.value,
        "requirement": params.requirement.value,
        "in_scope": len(in_scope),
    }
    if not in_scope:
        return outcome(
            Status.NOT_APPLICABLE,
            f"范围内没有{record_label.zh}（{params.scope.value}）",
            f"no {record_label.en} in scope ({params.scope.value})",
            **evidence,
        )
    if lacking:
        return outcome(
            Status.NON_COMPLIANT,
            f"{len(lacking)}/{len(in_scope)} 个{record_label.zh}缺少{need.zh}：{'、'.join(lacking)}",
            f"{len(lacking)} of {len(in_scope)} {record_label.en}(s) lack {need.en}: {', '.join(lacking)}",
            lacking=lacking,
            **({"unknown": unknown} if unknown else {}),
            **evidence,
        )
    if unknown:
        place = where_to_fill(_REQUIREMENT_FIELDS[params.requirement])
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"{len(unknown)} 个{record_label.zh}无法判断是否有{need.zh}：{'、'.join(unknown)}（填写于{place.zh}）",
            f"cannot tell whether {len(unknown)} {record_label.en}(s) have {need.en}: {', '.join(unknown)}"
            f" (filled in on {place.en})",
            unknown=unknown,
            **evidence,
        )
    return outcome(
        Status.COMPLIANT,
        f"范围内 {len(in_scope)} 个{record_label.zh}均有{need.zh}",
        f"all {len(in_scope)} {record_label.en}(s) in scope have {need.en}",
        **evidence,
    )


def at_least_as_strict(new: Params, base: Params) -> bool | None:
    if (new.records, new.requirement) != (base.records, base.requirement):
        return None
    if base.within_days is None:
        return new.scope == base.scope or new.scope is Scope.ALL
    return new.within_days is not None and new.within_days <= base.within_days
