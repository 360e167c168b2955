"""``deadline_after_event``: an agreement is reported within one calendar month of signing."""

from __future__ import annotations

from typing import Any

import pytest

from yiyang_rules.checks import KINDS, deadline_after_event
from yiyang_rules.checks.base import Outcome, Status
from yiyang_rules.engine import judge

ONE_MONTH = deadline_after_event.Params(within_months=1)


def agreement(aid: str, signed: str, reported: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"id": aid, "partner": "某社区卫生服务中心", "signed": signed}
    if reported is not None:
        record["reported"] = reported
    return record


@pytest.fixture
def run(build: Any) -> Any:
    def _run(
        agreements: list[dict[str, Any]] | None,
        as_of: str = "2026-07-15",
        params: deadline_after_event.Params = ONE_MONTH,
        start: str = "2020-12-11",
    ) -> Outcome:
        sched = build.schedule(build.version(params, start=start))
        return judge(KINDS[deadline_after_event.KIND], sched, build.view(as_of=as_of, agreements=agreements))

    return _run


def records(result: Outcome) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in result.evidence["records"]}


def test_due_date_is_clamped_to_the_end_of_the_month_and_the_last_day_is_on_time(run: Any) -> None:
    result = run([agreement("a1", "2026-01-31", "2026-02-28")])
    assert result.status is Status.COMPLIANT
    assert records(result)["a1"] == {
        "id": "a1",
        "signed": "2026-01-31",
        "due": "2026-02-28",
        "reported": "2026-02-28",
        "state": "on_time",
    }


def test_one_day_after_the_due_date_is_late(run: Any) -> None:
    result = run([agreement("a1", "2026-01-31", "2026-03-01")])
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["late"] == ["a1"]
    assert records(result)["a1"]["state"] == "late"
    assert "a1" in result.message.zh and "a1" in result.message.en


def test_leap_year_due_date(run: Any) -> None:
    result = run([agreement("a1", "2028-01-31", "2028-02-29")], as_of="2028-04-01", start="2020-12-11")
    assert records(result)["a1"]["due"] == "2028-02-29"
    assert result.status is Status.COMPLIANT


def test_deadline_after_as_of_is_pending_not_a_violation(run: Any) -> None:
    result = run([agreement("a1", "2026-06-20")])  # due 2026-07-20
    assert result.status is Status.INSUFFICIENT_DATA
    assert records(result)["a1"]["state"] == "pending"
    assert "late" not in result.evidence


def test_deadline_on_as_of_is_not_yet_overdue(run: Any) -> None:
    result = run([agreement("a1", "2026-06-15")])  # due 2026-07-15 == as_of
    assert records(result)["a1"]["state"] == "pending"
    assert result.status is Status.INSUFFICIENT_DATA
    assert run([agreement("a1", "2026-06-14")]).status is Status.NON_COMPLIANT


def test_overdue_unreported_is_non_compliant(run: Any) -> None:
    result = run([agreement("a1", "2026-05-01")])
    assert result.status is Status.NON_COMPLIANT
    assert records(result)["a1"]["state"] == "overdue"
    assert result.evidence["late"] == ["a1"]


def test_pending_alongside_an_on_time_agreement_is_compliant(run: Any) -> None:
    result = run([agreement("a2", "2026-06-20"), agreement("a1", "2026-03-10", "2026-03-20")])
    assert result.status is Status.COMPLIANT
    assert [r["id"] for r in result.evidence["records"]] == ["a1", "a2"]  # ordered by signing day


def test_only_the_late_agreements_are_named(run: Any) -> None:
    result = run(
        [
            agreement("ok", "2026-02-01", "2026-02-10"),
            agreement("late", "2026-02-01", "2026-03-02"),
            agreement("unreported", "2026-04-01"),
            agreement("pending", "2026-07-01"),
        ]
    )
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["late"] == ["late", "unreported"]


def test_agreements_before_the_rule_took_effect_are_not_judged(run: Any) -> None:
    old = agreement("old", "2019-05-01")  # never reported, but signed before 2020-12-11
    result = run([old])
    assert result.status is not Status.NON_COMPLIANT
    assert records(result)["old"]["state"] == "before_in_force"
    assert "due" not in records(result)["old"]
    mixed = run([old, agreement("new", "2021-03-01", "2021-03-05")])
    assert mixed.status is Status.COMPLIANT
    overdue = run([old, agreement("new", "2021-03-01")])
    assert overdue.evidence["late"] == ["new"]


def test_agreement_signed_on_the_in_force_day_is_judged(run: Any) -> None:
    result = run([agreement("a1", "2020-12-11")])
    assert records(result)["a1"]["state"] == "overdue"


def test_no_agreements_is_not_applicable(run: Any) -> None:
    result = run([])
    assert result.status is Status.NOT_APPLICABLE


def test_agreements_absent_is_insufficient_data(run: Any) -> None:
    result = run(None)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["missing"] == ["agreements"]


def test_within_several_months(run: Any) -> None:
    three = deadline_after_event.Params(within_months=3)
    result = run([agreement("a1", "2025-11-30", "2026-02-28")], params=three)
    assert records(result)["a1"]["due"] == "2026-02-28"
    assert result.status is Status.COMPLIANT


def test_offset_date_times_use_the_shanghai_date(run: Any) -> None:
    # Signed 2026-02-01 in Shanghai, so due 2026-03-01; reported 2026-03-01 in Shanghai.
    result = run([agreement("a1", "2026-01-31T18:00:00Z", "2026-03-01T09:00:00+08:00")])
    assert records(result)["a1"]["signed"] == "2026-02-01"
    assert records(result)["a1"]["due"] == "2026-03-01"
    assert result.status is Status.COMPLIANT
    late = run([agreement("a1", "2026-01-31T12:00:00Z", "2026-02-28T16:30:00Z")])  # 01-31 → due 02-28; 03-01
    assert late.status is Status.NON_COMPLIANT


def test_each_agreement_is_judged_by_the_version_in_force_when_signed(build: Any) -> None:
    two = deadline_after_event.Params(within_months=2)
    sched = build.schedule(
        build.version(two, start="2020-01-01", until="2025-12-31", name="1.0.0"),
        build.version(ONE_MONTH, start="2026-01-01", name="2.0.0"),
    )
    view = build.view(
        agreements=[agreement("old", "2025-12-15", "2026-02-10"), agreement("new", "2026-01-15", "2026-03-10")]
    )
    result = judge(KINDS[deadline_after_event.KIND], sched, view)
    assert records(result)["old"]["state"] == "on_time"  # due 2026-02-15 under 1.0.0
    assert records(result)["new"]["state"] == "late"  # due 2026-02-15 under 2.0.0
    assert result.evidence["late"] == ["new"]


def test_a_report_dated_after_as_of_is_not_yet_a_violation(run: Any) -> None:
    # Signed 2026-06-20, due 2026-07-20; as_of 2026-07-15; the record says reported 2026-07-25.
    result = run([agreement("a1", "2026-06-20", "2026-07-25")])
    assert result.status is not Status.NON_COMPLIANT
    assert records(result)["a1"]["state"] == "pending"


# --- time: the signing is the event ---------------------------------------------------------------


def test_an_agreement_signed_after_as_of_has_not_happened(run: Any) -> None:
    result = run([agreement("a1", "2026-07-16"), agreement("a2", "2026-05-01", "2026-05-20")])
    assert result.status is Status.COMPLIANT
    assert result.evidence["signed_after_as_of"] == ["a1"]
    assert [r["id"] for r in result.evidence["records"]] == ["a2"]


def test_only_agreements_signed_before_the_rule_is_not_applicable(run: Any) -> None:
    result = run([agreement("old", "2020-12-10")])
    assert result.status is Status.NOT_APPLICABLE
    assert records(result)["old"]["state"] == "before_in_force"
