"""``period_count``: at least N activities of a kind in every calendar period.

Contract section 2: a period is judged when it lies wholly inside the window, has ended on or
before ``as_of``, and one version of the rule was in force for the whole of it. A period still
running (at ``as_of`` or past the window's end) is never failed: met if it already has the count,
otherwise reported as open. Records with the same ``id`` count once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date
from typing import Any, Literal

from pydantic import Field

from ..localtime import PERIOD_LABELS, PERIOD_MONTHS, Period, PeriodUnit, periods_overlapping
from ..snapshot import Activity
from ..vocabulary import ACTIVITY_LABELS, ActivityKind
from .base import CheckParams, Outcome, Schedule, SnapshotView, Status, missing, outcome

KIND = "period_count"


class Params(CheckParams):
    kind: Literal["period_count"] = "period_count"
    activity: ActivityKind
    period: PeriodUnit
    min_count: int = Field(ge=1)


def _distinct_dates(activities: tuple[Activity, ...]) -> tuple[list[date], list[str]]:
    """One date per record; records sharing an id count once (the earliest date is kept), and ids
    given with different dates are returned, to be shown in the evidence."""
    by_id: dict[str, date] = {}
    anonymous: list[date] = []
    conflicting: set[str] = set()
    for activity in activities:
        if activity.id is None:
            anonymous.append(activity.date)
            continue
        known = by_id.get(activity.id)
        if known is not None and known != activity.date:
            conflicting.add(activity.id)
        if known is None or activity.date < known:
            by_id[activity.id] = activity.date
    return sorted([*by_id.values(), *anonymous]), sorted(conflicting)


def _judge_period(
    period: Period, count: int, schedule: Schedule[Params], view: SnapshotView
) -> tuple[str, int | None, str | None]:
    """(state, required count, version) for one period."""
    start, end = view.window
    whole_in_window = start <= period.start and period.end <= end
    ended = period.end <= view.as_of
    covering = schedule.covering(period.start, period.end)
    if whole_in_window and ended:
        if covering is None:
            return "not_in_force", None, None
        needed = covering.params.min_count
        return ("met" if count >= needed else "short"), needed, covering.version
    # Open: judge against whatever version is in force at the period's last known day.
    probe = min(period.end, end, view.as_of)
    version = schedule.at(probe) or covering
    if version is None:
        return "not_in_force", None, None
    needed = version.params.min_count
    return ("met" if count >= needed else "open"), needed, version.version


def evaluate(schedule: Schedule[Params], view: SnapshotView) -> Outcome:
    params = schedule.versions[-1].params
    label = ACTIVITY_LABELS[params.activity]
    if view.snapshot.activities is None:
        return missing("activities", "活动记录", "activity records")
    start, end = view.window
    dates, conflicting = _distinct_dates(view.activities_by_kind.get(params.activity, ()))
    counted = [d for d in dates if start <= d <= end and d <= view.as_of]
    outside = [d.isoformat() for d in dates if not (start <= d <= end)]
    future = [d.isoformat() for d in dates if start <= d <= end and d > view.as_of]

    periods: list[dict[str, Any]] = []
    short: list[str] = []
    judged_or_met = 0
    for period in periods_overlapping(params.period, start, min(end, max(start, view.as_of))):
        count = bisect_right(counted, period.end) - bisect_left(counted, period.start)
        state, needed, version = _judge_period(period, count, schedule, view)
        periods.append({"period": period.label, "count": count, "required": needed, "state": state, "version": version})
        if state == "short":
            short.append(period.label)
        if state in ("met", "short"):
            judged_or_met += 1

    zh_every, en_every = PERIOD_LABELS[params.period]
    evidence: dict[str, Any] = {
        "activity": params.activity.value,
        "period": params.period.value,
        "min_count": params.min_count,
        "periods": periods,
    }
    if short:
        evidence["short_periods"] = short
    if outside:
        evidence["records_outside_window"] = outside
    if future:
        evidence["records_after_as_of"] = future
    if conflicting:
        evidence["ids_with_different_dates"] = conflicting

    if short:
        return outcome(
            Status.NON_COMPLIANT,
            f"{label.zh}：{'、'.join(short)} 未达到{zh_every}至少{params.min_count}次",
            f"{label.en}: {', '.join(short)} fell short of at least {params.min_count} per {en_every}",
            **evidence,
        )
    if judged_or_met:
        return outcome(
            Status.COMPLIANT,
            f"{label.zh}：已评估的各期均达到{zh_every}至少{params.min_count}次",
            f"{label.en}: every period assessed had at least {params.min_count} per {en_every}",
            **evidence,
        )
    return outcome(
        Status.INSUFFICIENT_DATA,
        f"{label.zh}：评估窗口内尚无可评判的完整周期（{zh_every}至少{params.min_count}次）",
        f"{label.en}: no whole {en_every} in the window could be judged yet "
        f"(at least {params.min_count} per {en_every})",
        **evidence,
    )


def at_least_as_strict(new: Params, base: Params) -> bool | None:
    """Stricter means: same activity, periods no longer, and at least as many per period."""
    if new.activity != base.activity:
        return None
    return PERIOD_MONTHS[new.period] <= PERIOD_MONTHS[base.period] and new.min_count >= base.min_count
