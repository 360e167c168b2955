"""``hazard_ledger``: a hazard ledger (隐患台账) is kept and hazards are rectified.

National (国卫办老龄发〔2025〕29号 (二十四)): keep a ledger and rectify in time; the text sets no
deadline, so open hazards are listed in the evidence but not failed. Beijing tightens this
(京卫老龄〔2025〕3号 (二十一)): a hazard not rectified at once needs a plan with a responsible
person and a deadline, and a passed deadline is a violation.

Time (docs/semantics.md, "Time"): whether a ledger is kept is judged under the version in force on
``as_of``; each hazard's events under the version in force on the day they happened: the plan duty
under the version of the day it was found, a passed deadline under the version of the day after the
deadline. So a deadline that passed before Beijing's rule took effect is judged under the national
version then in force (or not at all, before any). A hazard found after ``as_of`` is not yet in the
ledger, and a rectification dated after ``as_of`` has not happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from ..conditions import fact_value
from ..declared import Spec
from ..facts import Hazard
from .base import CheckParams, Outcome, Ruled, SnapshotView, Status, missing, outcome

KIND = "hazard_ledger"

PlanField = Literal["responsible", "deadline", "measures"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Params(CheckParams):
    kind: Literal["hazard_ledger"] = "hazard_ledger"
    require_plan_for_open: Annotated[
        bool, Spec("a hazard not yet rectified needs a rectification plan (hazards[].plan)")
    ] = False
    plan_fields: Annotated[list[PlanField], Spec("what such a plan must name")] = field(
        default_factory=lambda: list[PlanField](["responsible", "deadline"])
    )
    overdue_is_violation: Annotated[
        bool, Spec("a hazard rectified after its plan's deadline, or still open past it, is non_compliant")
    ] = False


@dataclass(frozen=True, slots=True)
class HazardEvent:
    """``ledger``: the ledger as it stands on as_of; ``found``: a hazard entered the ledger;
    ``deadline``: the day after a hazard's rectification deadline (the deadline has passed)."""

    what: Literal["ledger", "found", "deadline"]
    day: date
    hazard: Hazard | None = field(default=None, compare=False)

    @property
    def first(self) -> date:
        return self.day

    @property
    def last(self) -> date:
        return self.day


def units(params: Params, view: SnapshotView) -> list[HazardEvent]:
    out = [HazardEvent("ledger", view.as_of)]
    for hazard in sorted(view.snapshot.hazards or (), key=lambda h: (h.found, h.id)):
        out.append(HazardEvent("found", hazard.found, hazard))
        deadline = hazard.plan.deadline if hazard.plan is not None else None
        if deadline is not None and deadline < date.max:
            out.append(HazardEvent("deadline", deadline + timedelta(days=1), hazard))
    return out


def _state(hazard: Hazard, params: Params, view: SnapshotView) -> tuple[str, list[PlanField]]:
    plan = hazard.plan
    deadline = plan.deadline if plan is not None else None
    if hazard.rectified is not None and hazard.rectified <= view.as_of:
        if deadline is not None and hazard.rectified > deadline:
            return "rectified_late", []
        return "rectified", []
    absent = [f for f in params.plan_fields if plan is None or getattr(plan, f) in (None, "")]
    if deadline is not None and deadline < view.as_of:
        return "overdue", absent
    return ("open_without_plan" if absent else "open_with_plan"), absent


def judge(
    latest: Params, ruled: Sequence[Ruled[HazardEvent, Params]], later: Sequence[HazardEvent], view: SnapshotView
) -> Outcome:
    params: Params | None = None
    found_under: list[tuple[Hazard, Params | None, str | None]] = []
    deadline_under: dict[str, Params | None] = {}
    for run in ruled:
        for unit in run.units:
            hazard = unit.hazard
            if unit.what == "ledger":
                params = run.params
            elif hazard is not None and unit.what == "found":
                found_under.append((hazard, run.params, run.version))
            elif hazard is not None:
                deadline_under[hazard.id] = run.params
    if params is None:
        return outcome(
            Status.NOT_APPLICABLE, "该规则在评估日已不再施行", "the rule is no longer in force on the evaluation date"
        )
    hazards = view.snapshot.hazards
    declared = fact_value(view.snapshot, "policies.hazard_ledger")
    kept = declared if declared is not None else (True if hazards else None)
    if kept is False:
        return outcome(Status.NON_COMPLIANT, "未建立隐患台账", "no hazard ledger is kept", ledger=False)
    if kept is None:
        return missing("policies.hazard_ledger", "隐患台账情况", "whether a hazard ledger is kept")
    if hazards is None:
        if params.require_plan_for_open or params.overdue_is_violation:
            # The rule judges each open hazard, and the snapshot does not list them.
            return missing("hazards", "隐患台账明细", "the hazards in the ledger")
        return outcome(
            Status.COMPLIANT,
            "已建立隐患台账（快照未列出隐患明细）",
            "a hazard ledger is kept (the snapshot does not list its hazards)",
            ledger=True,
            hazards_missing=True,
        )
    entries: list[dict[str, Any]] = []
    violations: list[str] = []
    # As things stood on as_of: a hazard found later was not yet known.
    later_ids = sorted({u.hazard.id for u in later if u.what == "found" and u.hazard is not None})
    for hazard, found_params, found_version in found_under:
        state, absent = _state(hazard, found_params or params, view)
        entry: dict[str, Any] = {
            "id": hazard.id,
            "found": hazard.found.isoformat(),
            "state": state,
            "version": found_version,
        }
        if hazard.plan is not None and hazard.plan.deadline is not None:
            entry["deadline"] = hazard.plan.deadline.isoformat()
        if absent:
            entry["plan_missing"] = absent
        if found_params is None:
            entry["found_before_in_force"] = True
        entries.append(entry)
        deadline_params = deadline_under.get(hazard.id)
        violated = (
            deadline_params is not None
            and deadline_params.overdue_is_violation
            and state in ("overdue", "rectified_late")
        ) or (
            found_params is not None
            and found_params.require_plan_for_open
            and state not in {"rectified", "rectified_late"}
            and bool(absent)
        )
        if violated:
            violations.append(hazard.id)
    evidence: dict[str, Any] = {"ledger": True, "hazards": entries}
    if later_ids:
        evidence["found_after_as_of"] = later_ids
    if violations:
        evidence["violations"] = violations
        return outcome(
            Status.NON_COMPLIANT,
            f"隐患 {'、'.join(violations)} 未按期整改或缺少明确责任人和整改期限的整改方案",
            f"hazard(s) {', '.join(violations)} overdue, or open without a plan naming a responsible "
            "person and a deadline",
            **evidence,
        )
    open_ids = [e["id"] for e in entries if e["state"].startswith("open") or e["state"] == "overdue"]
    if open_ids:
        return outcome(
            Status.COMPLIANT,
            f"已建立隐患台账；尚未整改的隐患：{'、'.join(open_ids)}",
            f"a hazard ledger is kept; still open: {', '.join(open_ids)}",
            **evidence,
        )
    return outcome(
        Status.COMPLIANT,
        "已建立隐患台账，无未整改隐患",
        "a hazard ledger is kept with no open hazard",
        **evidence,
    )


def at_least_as_strict(new: Params, base: Params) -> bool | None:
    return (
        new.require_plan_for_open >= base.require_plan_for_open
        and new.overdue_is_violation >= base.overdue_is_violation
        and set(new.plan_fields) >= (set(base.plan_fields) if base.require_plan_for_open else set())
    )
