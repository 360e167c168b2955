"""``period_count``: at least N activities of a kind in every calendar period.

Contract section 2: a period is judged when it lies wholly inside the window, has ended on or
before ``as_of``, and one version of the rule was in force for the whole of it (the engine picks
that version: this kind lists its periods and the span each must be covered for). A period still
running (at ``as_of`` or past the window's end) is never failed: met if it already has the count
under the version in force on its last known day, otherwise reported as open. Records with the same
``id`` count once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal

from ..declared import Spec
from ..facts import Activity
from ..localtime import PERIOD_LABELS, PERIOD_MONTHS, Period, PeriodUnit, periods_overlapping
from ..vocabulary import ACTIVITY_LABELS, ActivityKind
from .base import CheckParams, Outcome, Ruled, SnapshotView, Status, missing, outcome

KIND = "period_count"


@dataclass(frozen=True, slots=True, kw_only=True)
class Params(CheckParams):
    kind: Literal["period_count"] = "period_count"
    activity: Annotated[ActivityKind, Spec("the kind of activity counted (activities[].kind)")]
    period: Annotated[PeriodUnit, Spec("the calendar period each count is due in (Asia/Shanghai calendar)")]
    min_count: Annotated[int, Spec("at least this many, in every period judged", ge=1)]


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


def _dates(view: SnapshotView, kind: ActivityKind) -> tuple[list[date], list[str]]:
    """Per snapshot and activity kind, once: several rules count the same activity."""
    known = view.dates_memo.get(kind)
    if known is None:
        known = view.dates_memo[kind] = _distinct_dates(view.activities_by_kind.get(kind, ()))
    return known


@dataclass(frozen=True, slots=True)
class PeriodSlot:
    """A calendar period's place in a window as of a day, the same for every snapshot with that
    window and day (so worked out once, and the unit the engine judges: no object per period per
    snapshot). A whole, ended period must be covered by one version from its first to its last day;
    a running one is read under the version of its last known day."""

    period: Period
    label: str  # the period's label
    low: date  # the days counted: records inside both the period and the window, dated on or
    high: date  # before as_of (none when low > high)
    whole: bool
    first: date
    last: date


@lru_cache(maxsize=1024)
def _layout(unit: PeriodUnit, start: date, end: date, as_of: date) -> tuple[PeriodSlot, ...]:
    """The periods of a window as of a day."""
    out: list[PeriodSlot] = []
    for period in periods_overlapping(unit, start, min(end, max(start, as_of))):
        low, high = max(period.start, start), min(period.end, end, as_of)
        if start <= period.start and period.end <= end and period.end <= as_of:
            out.append(PeriodSlot(period, period.label, low, high, True, period.start, period.end))
        else:
            probe = min(period.end, end, as_of)
            out.append(PeriodSlot(period, period.label, low, high, False, probe, probe))
    return tuple(out)


def units(params: Params, view: SnapshotView) -> tuple[PeriodSlot, ...]:
    if view.snapshot.activities is None:
        return ()
    start, end = view.window
    return _layout(params.period, start, end, view.as_of)


def _state(count: int, whole: bool, params: Params | None) -> tuple[str, int | None]:
    if params is None:
        return "not_in_force", None
    needed = params.min_count
    if count >= needed:
        return "met", needed
    return ("short" if whole else "open"), needed


# Everything the outcome depends on (:func:`reads`): per period judged (label, count, state,
# required, version); the dates outside the window and after as_of; the ids given with different
# dates. None: the snapshot gives no activities.
Readings = tuple[
    tuple[tuple[str, int, str, int | None, str | None], ...], tuple[date, ...], tuple[date, ...], tuple[str, ...]
]


def reads(
    params: Params, ruled: Sequence[Ruled[PeriodSlot, Params]], later: Sequence[PeriodSlot], view: SnapshotView
) -> Readings | None:
    if view.snapshot.activities is None:
        return None
    start, end = view.window
    as_of = view.as_of
    dates, conflicting = _dates(view, params.activity)
    outside = tuple([d for d in dates if not (start <= d <= end)])
    future = tuple([d for d in dates if start <= d <= end and d > as_of])
    periods = []
    for run in ruled:
        version_params, version = run.params, run.version
        for slot in run.units:
            low, high = slot.low, slot.high
            count = bisect_right(dates, high) - bisect_left(dates, low) if low <= high else 0
            state, needed = _state(count, slot.whole, version_params)
            periods.append((slot.label, count, state, needed, version if needed is not None else None))
    return tuple(periods), outside, future, tuple(conflicting)


def judge(
    params: Params, ruled: Sequence[Ruled[PeriodSlot, Params]], later: Sequence[PeriodSlot], view: SnapshotView
) -> Outcome:
    return verdict(params, reads(params, ruled, later, view))


def verdict(params: Params, readings: Readings | None) -> Outcome:
    """The outcome from the readings alone (:func:`reads`)."""
    label = ACTIVITY_LABELS[params.activity]
    if readings is None:
        return missing("activities", "活动记录", "activity records")
    counted, outside, future, conflicting = readings
    periods: list[dict[str, Any]] = []
    short: list[str] = []
    judged_or_met = 0
    for period_label, count, state, needed, version in counted:
        periods.append({"period": period_label, "count": count, "required": needed, "state": state, "version": version})
        if state == "short":
            short.append(period_label)
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
        evidence["records_outside_window"] = [d.isoformat() for d in outside]
    if future:
        evidence["records_after_as_of"] = [d.isoformat() for d in future]
    if conflicting:
        evidence["ids_with_different_dates"] = list(conflicting)

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
