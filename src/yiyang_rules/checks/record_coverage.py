"""``record_coverage``: every record in scope meets a requirement.

E.g. every resident admitted in the window has an admission assessment (国卫办老龄发〔2025〕29号
(十九)); every agreement states who handles disputes (国卫办老龄发〔2020〕23号 七). Residents are
named by id only. Booleans this project added to the contract (``service_plan``, the agreement
clauses) are unknown when absent, so that older snapshots read as unknown, not as failures. Dates
in a ledger record are the ledger's word, as with ``reported``: an agreement past its ``expires``
day with neither ``renewed`` nor ``terminated`` recorded has not been renewed in writing or ended.

Time (docs/semantics.md, "Time"): each record is an event, judged by the engine under the rule
version in force on its day, and only if it happened on or before ``as_of``: an admission (or a
signing) for ``admitted_in_window``; the day after ``expires`` (the agreement lapsed) for
``expired_by_as_of``, for an agreement signed while the rule was in force. ``all`` is a rule about
live records: only agreements in force on ``as_of`` (residents not discharged before it), each under
the version in force when it was signed (admitted).
Nothing dated after ``as_of`` counts as done. An admission assessment belongs to the admission only
if it is dated from ``ASSESSMENT_DAYS_BEFORE`` days before to ``ASSESSMENT_DAYS_AFTER`` days (or the
rule's ``within_days``) after it; until that time has passed, a missing assessment is pending.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from operator import attrgetter
from typing import Annotated, Any, Literal

from ..declared import Spec
from ..facts import Agreement, Resident, agreement_in_force
from ..vocabulary import AssessmentKind, Label, where_to_fill
from .base import CheckParams, Event, Outcome, Ruled, SnapshotView, Status, missing, outcome

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


_REQUIREMENT_LABELS: dict[str, Label] = {
    Requirement.ADMISSION_ASSESSMENT: Label("入住评估", "an admission assessment"),
    Requirement.SERVICE_PLAN: Label("针对性服务方案", "an individual service plan"),
    Requirement.DISPUTE_CLAUSE: Label("纠纷处置责任条款", "a dispute-handling clause"),
    Requirement.CONFIDENTIALITY_CLAUSE: Label("保密条款", "a confidentiality clause"),
    Requirement.RENEWED_OR_TERMINATED: Label("期满后书面续签或停止合作", "written renewal or termination"),
}

# The field each requirement reads, so an unknown one names where it is filled in.
_REQUIREMENT_FIELDS: dict[str, str] = {
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


class ResidentScope(StrEnum):
    ADMITTED_IN_WINDOW = "admitted_in_window"
    ALL = "all"


class ResidentRequirement(StrEnum):
    ADMISSION_ASSESSMENT = "admission_assessment"
    SERVICE_PLAN = "service_plan"


class AgreementRequirement(StrEnum):
    DISPUTE_CLAUSE = "dispute_clause"
    CONFIDENTIALITY_CLAUSE = "confidentiality_clause"
    RENEWED_OR_TERMINATED = "renewed_or_terminated"


# Residents and agreements are different records with different requirements: two parameter shapes,
# told apart by ``records``, so that an agreement cannot be asked for an admission assessment, nor a
# resident "expire" (a combination that no model allows is never evaluated).
@dataclass(frozen=True, slots=True, kw_only=True)
class ResidentCoverage(CheckParams):
    """Every resident in scope has the requirement."""

    kind: Literal["record_coverage"] = "record_coverage"
    records: Annotated[Literal["residents"], Spec("the residents' records")]
    scope: Annotated[
        ResidentScope, Spec("admitted_in_window: admitted in the window; all: every resident living there")
    ]
    requirement: Annotated[ResidentRequirement, Spec("what each resident's record must show")]
    within_days: Annotated[
        int | None, Spec("for admission_assessment: at most this many days after admission", ge=0)
    ] = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementCoverage(CheckParams):
    """Every cooperation agreement in scope has the requirement."""

    kind: Literal["record_coverage"] = "record_coverage"
    records: Annotated[Literal["agreements"], Spec("the cooperation agreements")]
    scope: Annotated[
        Scope,
        Spec(
            "admitted_in_window: signed in the window; all: in force on as_of; "
            "expired_by_as_of: expired on or before as_of"
        ),
    ]
    requirement: Annotated[AgreementRequirement, Spec("what each agreement must show")]


Params = Annotated[ResidentCoverage | AgreementCoverage, Spec(discriminator="records")]
AnyCoverage = ResidentCoverage | AgreementCoverage


# The texts say “在老年人入住时” (at admission) and give no number of days. An assessment made in
# the month before moving in (a pre-admission visit) or in the first month of the stay (commonly a
# trial stay) is the admission's; one further away belongs to an earlier stay, or is a later
# (dynamic) assessment recorded under the wrong kind. docs/semantics.md, "Time".
ASSESSMENT_DAYS_BEFORE = 30
ASSESSMENT_DAYS_AFTER = 30

PENDING: Literal["pending"] = "pending"
Verdict = bool | None | Literal["pending"]


_DAYS_BEFORE = timedelta(days=ASSESSMENT_DAYS_BEFORE)
_DAYS_AFTER = timedelta(days=ASSESSMENT_DAYS_AFTER)
_FIRST_DAY, _LAST_DAY = date.min.toordinal(), date.max.toordinal()


def _admission_check(params: ResidentCoverage, as_of: date) -> Callable[[Resident], Verdict]:
    after = _DAYS_AFTER if params.within_days is None else timedelta(days=params.within_days)
    # Day numbers (ordinals), not dates: a snapshot's dates are a subclass of date, whose arithmetic
    # costs five times a plain date's, and this runs for every resident of every snapshot.
    days_after = after.days
    as_of_day = as_of.toordinal()
    admission = AssessmentKind.ADMISSION

    def assessed(resident: Resident) -> Verdict:
        assessments = resident.assessments
        if assessments is None:
            return None
        admitted_day = resident.admitted.toordinal()
        earliest, latest = admitted_day - ASSESSMENT_DAYS_BEFORE, admitted_day + days_after
        if earliest < _FIRST_DAY or latest > _LAST_DAY:
            # What the date arithmetic raises off the calendar; the engine reports it as dates too
            # near the ends of the calendar.
            raise OverflowError("date value out of range")
        # An assessment dated after as_of had not happened yet on as_of.
        last_counted = latest if latest < as_of_day else as_of_day
        for assessment in assessments:
            if assessment.kind == admission and earliest <= assessment.date.toordinal() <= last_counted:
                return True
        # Not yet late while the time allowed after admission runs.
        return PENDING if latest >= as_of_day else False

    return assessed


def _renewal_check(as_of: date) -> Callable[[Agreement], Verdict]:
    def renewed_or_terminated(agreement: Agreement) -> Verdict:
        # A renewal or termination dated after as_of has not happened yet.
        renewed, terminated = agreement.renewed, agreement.terminated
        return (renewed is not None and renewed <= as_of) or (terminated is not None and terminated <= as_of)

    return renewed_or_terminated


def _requirement(params: AnyCoverage, as_of: date) -> Callable[[Any], Verdict]:
    requirement = params.requirement
    if requirement.value == Requirement.ADMISSION_ASSESSMENT.value:
        return _admission_check(params, as_of)  # type: ignore[arg-type]
    if requirement.value == Requirement.RENEWED_OR_TERMINATED.value:
        return _renewal_check(as_of)
    # The other requirements are the record's boolean of the same name (service_plan,
    # dispute_clause, confidentiality_clause): None when not given.
    return attrgetter(requirement.value)


def _agreement_live(agreement: Agreement, as_of: date) -> bool:
    """Not ended on as_of (a record not yet begun is the engine's: it has not happened)."""
    return agreement.signed > as_of or agreement_in_force(agreement, as_of)


def _resident_live(resident: Resident, as_of: date) -> bool:
    """Not discharged before as_of (or not yet admitted on it)."""
    discharged = resident.discharged
    return discharged is None or discharged >= as_of or resident.admitted > as_of


def units(params: AnyCoverage, view: SnapshotView) -> list[Event]:
    """The event that brings each record into scope (records that never come into scope: none).
    Kept in the view: the rules on the same records and scope list the same events."""
    key = (KIND, params.records, params.scope)
    found: list[Event] | None = view.memo.get(key)
    if found is None:
        found = view.memo[key] = _units(params, view)
    return found


def _units(params: AnyCoverage, view: SnapshotView) -> list[Event]:
    as_of = view.as_of
    if params.records == "residents":
        residents: Sequence[Resident] = view.snapshot.residents or ()
        if params.scope == ResidentScope.ADMITTED_IN_WINDOW:
            start, end = view.window
            return [Event(r.id, r.admitted, r) for r in residents if start <= r.admitted <= end]
        # _resident_live, inline: this runs for every resident of every snapshot.
        return [
            Event(r.id, r.admitted, r)
            for r in residents
            if r.discharged is None or r.discharged >= as_of or r.admitted > as_of
        ]
    agreements: Sequence[Agreement] = view.snapshot.agreements or ()
    if params.scope == Scope.ADMITTED_IN_WINDOW:
        start, end = view.window
        return [Event(a.id, a.signed, a) for a in agreements if start <= a.signed <= end]
    if params.scope == Scope.ALL:
        return [Event(a.id, a.signed, a) for a in agreements if _agreement_live(a, as_of)]
    # The lapse: the day after expires (an agreement that never expires never lapses), judged only
    # for an agreement signed while the rule was in force (its opening event).
    out: list[Event] = []
    for a in agreements:
        if a.expires is not None and a.expires < date.max:
            out.append(Event(a.id, a.signed, a, opening=True))
            out.append(Event(a.id, a.expires + timedelta(days=1), a))
    return out


@cache
def _unknown_place(requirement: str) -> Label:
    return where_to_fill(_REQUIREMENT_FIELDS[requirement])


def _sorted_records(
    ruled: Sequence[Ruled[Event, AnyCoverage]], as_of: date
) -> tuple[int, list[str], list[str], list[str], list[str]]:
    """How many records are in scope, and the ids of those lacking the requirement, unknown,
    pending, and judged before the rule was in force."""
    lacking: list[str] = []
    unknown: list[str] = []
    pending: list[str] = []
    before: list[str] = []
    in_scope = 0
    checks: dict[int, Callable[[Any], Verdict]] = {}
    opened_out_of_force: set[int] = set()  # records whose opening event predates the rule
    for run in ruled:
        version_params = run.params
        if version_params is None:
            for unit in run.units:
                if unit.opening:
                    opened_out_of_force.add(id(unit.record))
                else:
                    before.append(unit.record_id)
            continue
        # The version in force on the record's day decides (its own within_days, say).
        check = checks.get(id(version_params))
        if check is None:
            check = checks[id(version_params)] = _requirement(version_params, as_of)
        for unit in run.units:
            if unit.opening:
                continue
            if opened_out_of_force and id(unit.record) in opened_out_of_force:
                before.append(unit.record_id)
                continue
            in_scope += 1
            verdict = check(unit.record)
            if verdict is True:
                continue
            if verdict is False:
                lacking.append(unit.record_id)
            elif verdict is None:
                unknown.append(unit.record_id)
            elif verdict == PENDING:
                pending.append(unit.record_id)
    return in_scope, lacking, unknown, pending, before


# Everything the outcome depends on (:func:`reads`): how many records are in scope; the ids of
# those lacking the requirement, unknown, pending, judged before the rule was in force, not yet
# begun on as_of, and ended before it (scope ``all``). None: the snapshot does not list the records.
Readings = tuple[
    int, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]
]


def reads(
    params: AnyCoverage, ruled: Sequence[Ruled[Event, AnyCoverage]], later: Sequence[Event], view: SnapshotView
) -> Readings | None:
    records: Sequence[Resident | Agreement] | None = getattr(view.snapshot, params.records)
    if records is None:
        return None
    as_of = view.as_of
    in_scope, lacking, unknown, pending, before = _sorted_records(ruled, as_of)
    not_yet = tuple([u.record_id for u in later if not u.opening])
    ended: tuple[str, ...] = ()
    if params.scope == Scope.ALL:
        live = _resident_live if params.records == "residents" else _agreement_live
        ended = tuple([r.id for r in records if not live(r, as_of)])  # type: ignore[arg-type]
    return in_scope, tuple(lacking), tuple(unknown), tuple(pending), tuple(before), not_yet, ended


def judge(
    params: AnyCoverage, ruled: Sequence[Ruled[Event, AnyCoverage]], later: Sequence[Event], view: SnapshotView
) -> Outcome:
    return verdict(params, reads(params, ruled, later, view))


def verdict(params: AnyCoverage, readings: Readings | None) -> Outcome:
    """The outcome from the readings alone (:func:`reads`)."""
    record_label = _RECORD_LABELS[params.records]
    need = _REQUIREMENT_LABELS[params.requirement]
    if readings is None:
        return missing(params.records, record_label.zh + "记录", record_label.en + " records")
    in_scope, lacking_ids, unknown_ids, pending_ids, before, not_yet, ended = readings
    lacking, unknown, pending = list(lacking_ids), list(unknown_ids), list(pending_ids)
    scope = params.scope.value
    evidence: dict[str, Any] = {
        "records": params.records,
        "scope": scope,
        "requirement": params.requirement.value,
        "in_scope": in_scope,
    }
    if before:
        evidence["before_in_force"] = list(before)
    if not_yet:
        evidence["after_as_of"] = list(not_yet)
    if ended:
        evidence["ended"] = list(ended)
    if pending:
        evidence["pending"] = pending
    if not in_scope:
        return outcome(
            Status.NOT_APPLICABLE,
            f"范围内没有{record_label.zh}（{scope}）",
            f"no {record_label.en} in scope ({scope})",
            **evidence,
        )
    if lacking:
        return outcome(
            Status.NON_COMPLIANT,
            f"{len(lacking)}/{in_scope} 个{record_label.zh}缺少{need.zh}：{'、'.join(lacking)}",
            f"{len(lacking)} of {in_scope} {record_label.en}(s) lack {need.en}: {', '.join(lacking)}",
            lacking=lacking,
            **({"unknown": unknown} if unknown else {}),
            **evidence,
        )
    if unknown:
        place = _unknown_place(params.requirement)
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"{len(unknown)} 个{record_label.zh}无法判断是否有{need.zh}：{'、'.join(unknown)}（填写于{place.zh}）",
            f"cannot tell whether {len(unknown)} {record_label.en}(s) have {need.en}: {', '.join(unknown)}"
            f" (filled in on {place.en})",
            unknown=unknown,
            **evidence,
        )
    if len(pending) == in_scope:
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"{record_label.zh}{'、'.join(pending)}尚在{need.zh}的期限内，暂无法评判",
            f"{record_label.en}(s) {', '.join(pending)} still within the time allowed for {need.en}; "
            "nothing to judge yet",
            **evidence,
        )
    return outcome(
        Status.COMPLIANT,
        f"范围内 {in_scope - len(pending)} 个{record_label.zh}均有{need.zh}"
        + (f"（{'、'.join(pending)}尚在期限内）" if pending else ""),
        f"all {in_scope - len(pending)} {record_label.en}(s) due have {need.en}"
        + (f" ({', '.join(pending)} still within the time allowed)" if pending else ""),
        **evidence,
    )


def at_least_as_strict(new: AnyCoverage, base: AnyCoverage) -> bool | None:
    if (new.records, new.requirement) != (base.records, base.requirement):
        return None
    if not isinstance(base, ResidentCoverage) or not isinstance(new, ResidentCoverage) or base.within_days is None:
        return new.scope in (base.scope, Scope.ALL)
    return new.within_days is not None and new.within_days <= base.within_days
