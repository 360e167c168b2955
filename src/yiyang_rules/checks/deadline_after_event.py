"""``deadline_after_event``: something must be done within N calendar months of an event.

国卫办老龄发〔2020〕23号 六（四）: an agreement is reported to the county health and civil-affairs
departments within one month of signing. Calendar-month arithmetic clamped to the month's end
(signed 2026-01-31 → due 2026-02-28). A deadline after ``as_of`` is not yet a violation. The event is
the signing: the engine judges each one under the rule version in force on the day it happened;
signings before the rule took effect are not judged (no retroactive enforcement), and an agreement
signed after ``as_of`` has not been signed yet. A record without ``reported`` (or with a ``reported``
after ``as_of``) is one the institution has not recorded as reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from ..declared import Spec
from ..facts import Agreement
from ..localtime import add_months
from .base import CheckParams, Event, Outcome, Ruled, SnapshotView, Status, missing, outcome

KIND = "deadline_after_event"


@dataclass(frozen=True, slots=True, kw_only=True)
class Params(CheckParams):
    kind: Literal["deadline_after_event"] = "deadline_after_event"
    records: Annotated[Literal["agreements"], Spec("the records the events are read from")] = "agreements"
    event: Annotated[Literal["signed"], Spec("the date that starts the time allowed")] = "signed"
    done: Annotated[Literal["reported"], Spec("the date by which it must be done")] = "reported"
    within_months: Annotated[int, Spec("calendar months allowed after the event", ge=1)]


def units(params: Params, view: SnapshotView) -> list[Event]:
    """One event per agreement: its signing."""
    agreements = view.snapshot.agreements or ()
    return [Event(a.id, a.signed, a) for a in sorted(agreements, key=lambda a: (a.signed, a.id))]


def judge(params: Params, ruled: Sequence[Ruled[Event, Params]], later: Sequence[Event], view: SnapshotView) -> Outcome:
    agreements = view.snapshot.agreements
    if agreements is None:
        return missing("agreements", "合作协议清单", "the list of agreements")
    if not agreements:
        return outcome(Status.NOT_APPLICABLE, "快照中没有合作协议", "there is no agreement in the snapshot", records=[])
    records: list[dict[str, Any]] = []
    late: list[str] = []
    judged = 0
    in_force = 0
    after = {"signed_after_as_of": [u.record_id for u in later]} if later else {}
    # Each signing with the parameters of the version in force on its day (None: before the rule).
    signings: list[tuple[Agreement, Params | None]] = [(unit.record, run.params) for run in ruled for unit in run.units]
    for agreement, version_params in signings:
        entry: dict[str, Any] = {"id": agreement.id, "signed": agreement.signed.isoformat()}
        records.append(entry)
        if version_params is None:
            entry["state"] = "before_in_force"
            continue
        in_force += 1
        due = add_months(agreement.signed, version_params.within_months)
        entry["due"] = due.isoformat()
        # Judged as things stood on as_of: a report dated later has not happened yet.
        done = agreement.reported if agreement.reported is not None and agreement.reported <= view.as_of else None
        if agreement.reported is not None and done is None:
            entry["reported_after_as_of"] = agreement.reported.isoformat()
        if done is not None:
            entry["reported"] = done.isoformat()
            entry["state"] = "on_time" if done <= due else "late"
        else:
            entry["state"] = "overdue" if due < view.as_of else "pending"
        if entry["state"] in ("late", "overdue"):
            late.append(agreement.id)
        if entry["state"] != "pending":
            judged += 1
    if late:
        return outcome(
            Status.NON_COMPLIANT,
            f"协议 {'、'.join(late)} 未在签订后规定期限内告知县级卫生健康和民政部门",
            f"agreement(s) {', '.join(late)} not reported to the county departments within the deadline",
            records=records,
            late=late,
            **after,
        )
    if judged:
        return outcome(
            Status.COMPLIANT,
            "已到期的协议均按期告知县级卫生健康和民政部门",
            "every agreement due so far was reported to the county departments in time",
            records=records,
            **after,
        )
    if not in_force:
        return outcome(
            Status.NOT_APPLICABLE,
            "评估日前没有在该规则施行期间签订的协议",
            "no agreement was signed while the rule was in force, on or before the evaluation date",
            records=records,
            **after,
        )
    return outcome(
        Status.INSUFFICIENT_DATA,
        "尚无已到告知期限的协议",
        "no agreement has reached its reporting deadline yet",
        records=records,
        **after,
    )


def at_least_as_strict(new: Params, base: Params) -> bool | None:
    return new.within_months <= base.within_months
