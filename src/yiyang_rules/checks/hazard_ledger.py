"""``hazard_ledger``: a hazard ledger (隐患台账) is kept and hazards are rectified.

National (国卫办老龄发〔2025〕29号 (二十四)): keep a ledger and rectify in time; the text sets no
deadline, so open hazards are listed in the evidence but not failed. Beijing tightens this
(京卫老龄〔2025〕3号 (二十一)): a hazard not rectified at once needs a plan with a responsible
person and a deadline, and a passed deadline is a violation.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..conditions import fact_value
from ..snapshot import Hazard
from .base import CheckParams, Outcome, Schedule, SnapshotView, Status, current, missing, outcome

KIND = "hazard_ledger"

PlanField = Literal["responsible", "deadline", "measures"]


class Params(CheckParams):
    kind: Literal["hazard_ledger"] = "hazard_ledger"
    require_plan_for_open: bool = False
    plan_fields: list[PlanField] = Field(default_factory=lambda: list[PlanField](["responsible", "deadline"]))
    overdue_is_violation: bool = False


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


def evaluate(schedule: Schedule[Params], view: SnapshotView) -> Outcome:
    version = current(schedule, view)
    if isinstance(version, Outcome):
        return version
    params = version.params
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
    later = sorted(h.id for h in hazards if h.found > view.as_of)
    for hazard in sorted((h for h in hazards if h.found <= view.as_of), key=lambda h: (h.found, h.id)):
        state, absent = _state(hazard, params, view)
        entry: dict[str, Any] = {"id": hazard.id, "found": hazard.found.isoformat(), "state": state}
        if hazard.plan is not None and hazard.plan.deadline is not None:
            entry["deadline"] = hazard.plan.deadline.isoformat()
        if absent:
            entry["plan_missing"] = absent
        entries.append(entry)
        violated = (params.overdue_is_violation and state in ("overdue", "rectified_late")) or (
            params.require_plan_for_open and state not in {"rectified", "rectified_late"} and bool(absent)
        )
        if violated:
            violations.append(hazard.id)
    evidence: dict[str, Any] = {"ledger": True, "hazards": entries}
    if later:
        evidence["found_after_as_of"] = later
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
