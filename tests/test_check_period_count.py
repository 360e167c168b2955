"""``period_count`` (contract section 2): at least N activities in every calendar period."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from yiyang_rules.checks import KINDS, period_count
from yiyang_rules.checks.base import Outcome, Schedule, Status
from yiyang_rules.engine import judge
from yiyang_rules.localtime import PeriodUnit
from yiyang_rules.vocabulary import ActivityKind

FIRE = ActivityKind.FIRE_INSPECTION
MONTHLY = period_count.Params(activity=FIRE, period=PeriodUnit.MONTH, min_count=1)


def acts(*dates: str, kind: str = "fire_inspection", prefix: str = "a") -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{i}", "kind": kind, "date": d} for i, d in enumerate(dates)]


@pytest.fixture
def run(build: Any) -> Any:
    def _run(
        activities: list[dict[str, Any]] | None,
        *,
        window: tuple[str, str] = ("2026-01-01", "2026-06-30"),
        as_of: str = "2026-07-15",
        params: period_count.Params = MONTHLY,
        sched: Schedule[Any] | None = None,
    ) -> Outcome:
        view = build.view({"period": {"start": window[0], "end": window[1]}}, as_of=as_of, activities=activities)
        return judge(KINDS[period_count.KIND], sched or build.schedule(params), view)

    return _run


def states(result: Outcome) -> dict[str, str]:
    return {p["period"]: p["state"] for p in result.evidence["periods"]}


def counts(result: Outcome) -> dict[str, int]:
    return {p["period"]: p["count"] for p in result.evidence["periods"]}


SIX_MONTHS = ("2026-01-08", "2026-02-09", "2026-03-09", "2026-04-13", "2026-05-11", "2026-06-08")


def test_every_month_met_is_compliant(run: Any) -> None:
    result = run(acts(*SIX_MONTHS))
    assert result.status is Status.COMPLIANT
    assert set(states(result).values()) == {"met"}
    assert list(states(result)) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert "short_periods" not in result.evidence
    assert result.evidence["activity"] == "fire_inspection"
    assert result.evidence["min_count"] == 1


def test_a_missing_month_is_non_compliant_and_named(run: Any) -> None:
    result = run(acts("2026-01-08", "2026-03-09", "2026-05-11", "2026-06-08"))
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["short_periods"] == ["2026-02", "2026-04"]
    assert "2026-02" in result.message.zh and "2026-04" in result.message.zh
    assert "2026-02" in result.message.en and "2026-04" in result.message.en
    assert states(result)["2026-03"] == "met"


def test_activities_absent_is_insufficient_data(run: Any) -> None:
    result = run(None)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["missing"] == ["activities"]


def test_activities_empty_fails_every_ended_month(run: Any) -> None:
    result = run([])
    assert result.status is Status.NON_COMPLIANT
    assert len(result.evidence["short_periods"]) == 6


def test_other_activity_kinds_do_not_count(run: Any) -> None:
    result = run(acts(*SIX_MONTHS, kind="fire_drill"))
    assert result.status is Status.NON_COMPLIANT
    assert len(result.evidence["short_periods"]) == 6


def test_window_starting_mid_month_does_not_judge_that_month(run: Any) -> None:
    result = run(acts("2026-02-09", "2026-03-09"), window=("2026-01-15", "2026-03-31"))
    assert result.status is Status.COMPLIANT
    assert states(result)["2026-01"] != "short"
    assert "short_periods" not in result.evidence


def test_window_ending_mid_month_does_not_fail_that_month(run: Any) -> None:
    # March runs past the window's end: not judged even though as_of is long after.
    result = run(acts("2026-01-08", "2026-02-09"), window=("2026-01-01", "2026-03-15"))
    assert result.status is Status.COMPLIANT
    assert states(result)["2026-03"] == "open"
    # ... but it counts as met when the count is already reached.
    result = run(acts("2026-01-08", "2026-02-09", "2026-03-02"), window=("2026-01-01", "2026-03-15"))
    assert states(result)["2026-03"] == "met"


def test_only_partial_months_is_insufficient_data(run: Any) -> None:
    result = run([], window=("2026-01-10", "2026-02-20"), as_of="2026-03-10")
    assert result.status is Status.INSUFFICIENT_DATA
    assert "short_periods" not in result.evidence
    assert set(states(result).values()) == {"open"}


def test_month_running_at_as_of_is_open_not_failed(run: Any) -> None:
    result = run(acts("2026-01-08", "2026-02-09", "2026-03-09"), as_of="2026-04-15")
    assert result.status is Status.COMPLIANT
    assert states(result) == {"2026-01": "met", "2026-02": "met", "2026-03": "met", "2026-04": "open"}


def test_month_running_at_as_of_counts_as_met_once_reached(run: Any) -> None:
    result = run(acts("2026-01-08", "2026-02-09", "2026-03-09", "2026-04-02"), as_of="2026-04-15")
    assert states(result)["2026-04"] == "met"


def test_nothing_ended_yet_is_insufficient_data_or_met(run: Any) -> None:
    assert run([], as_of="2026-01-20").status is Status.INSUFFICIENT_DATA
    result = run(acts("2026-01-10"), as_of="2026-01-20")
    assert result.status is Status.COMPLIANT  # met, although not yet judged
    assert states(result) == {"2026-01": "met"}


def test_period_ending_on_as_of_is_judged(run: Any) -> None:
    result = run([], as_of="2026-01-31")
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["short_periods"] == ["2026-01"]


def test_periods_after_as_of_are_not_listed(run: Any) -> None:
    result = run(acts("2026-01-08", "2026-02-09"), as_of="2026-02-20")
    assert list(states(result)) == ["2026-01", "2026-02"]


def test_as_of_before_the_window_is_insufficient_data(run: Any) -> None:
    result = run(acts(*SIX_MONTHS), as_of="2025-12-20")
    assert result.status is Status.INSUFFICIENT_DATA
    assert "short_periods" not in result.evidence


def test_duplicate_ids_count_once(run: Any) -> None:
    twice = period_count.Params(activity=FIRE, period=PeriodUnit.MONTH, min_count=2)
    same = [{"id": "x", "kind": "fire_inspection", "date": "2026-01-08"}] * 2
    result = run(same, window=("2026-01-01", "2026-01-31"), params=twice)
    assert result.status is Status.NON_COMPLIANT
    assert counts(result) == {"2026-01": 1}
    distinct = acts("2026-01-08", "2026-01-08")
    assert run(distinct, window=("2026-01-01", "2026-01-31"), params=twice).status is Status.COMPLIANT


def test_repeated_id_with_another_date_still_counts_once(run: Any) -> None:
    records = [
        {"id": "x", "kind": "fire_inspection", "date": "2026-01-08"},
        {"id": "x", "kind": "fire_inspection", "date": "2026-02-08"},
    ]
    result = run(records, window=("2026-01-01", "2026-02-28"))
    assert sum(counts(result).values()) == 1
    assert result.status is Status.NON_COMPLIANT


def test_records_without_id_are_distinct(run: Any) -> None:
    twice = period_count.Params(activity=FIRE, period=PeriodUnit.MONTH, min_count=2)
    anonymous = [{"kind": "fire_inspection", "date": "2026-01-08"}] * 2
    result = run(anonymous, window=("2026-01-01", "2026-01-31"), params=twice)
    assert result.status is Status.COMPLIANT


def test_records_outside_the_window_are_reported_not_counted(run: Any) -> None:
    result = run(acts("2025-12-20", "2026-01-08", "2026-02-03", "2026-03-02"), window=("2026-01-01", "2026-01-31"))
    assert result.status is Status.COMPLIANT
    assert counts(result) == {"2026-01": 1}
    assert result.evidence["records_outside_window"] == ["2025-12-20", "2026-02-03", "2026-03-02"]


def test_records_outside_the_window_do_not_rescue_a_month(run: Any) -> None:
    # January is wholly inside the window; a record dated before the window does not count.
    result = run(acts("2025-12-31", "2026-02-02"), window=("2026-01-01", "2026-02-28"))
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["short_periods"] == ["2026-01"]


def test_records_after_as_of_are_reported_not_counted(run: Any) -> None:
    result = run(acts("2026-01-08", "2026-02-09", "2026-03-20"), as_of="2026-03-10")
    assert result.evidence["records_after_as_of"] == ["2026-03-20"]
    assert states(result)["2026-03"] == "open"  # the later record does not make March met
    assert counts(result)["2026-03"] == 0
    # A record after as_of never fills a month that has ended.
    result = run(acts("2026-01-08", "2026-03-20"), as_of="2026-03-10")
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["short_periods"] == ["2026-02"]


def test_half_years(run: Any) -> None:
    semi = period_count.Params(activity=ActivityKind.FIRE_DRILL, period=PeriodUnit.HALF_YEAR, min_count=1)
    kw: dict[str, Any] = {"window": ("2026-01-01", "2026-12-31"), "as_of": "2027-01-15", "params": semi}
    ok = run(acts("2026-03-01", "2026-08-01", kind="fire_drill"), **kw)
    assert ok.status is Status.COMPLIANT
    assert states(ok) == {"2026-H1": "met", "2026-H2": "met"}
    # 2026-06-30 is the last day of H1, 2026-07-01 the first of H2.
    only_h1 = run(acts("2026-06-30", kind="fire_drill"), **kw)
    assert only_h1.evidence["short_periods"] == ["2026-H2"]
    only_h2 = run(acts("2026-07-01", kind="fire_drill"), **kw)
    assert only_h2.evidence["short_periods"] == ["2026-H1"]


def test_quarters(run: Any) -> None:
    quarterly = period_count.Params(activity=FIRE, period=PeriodUnit.QUARTER, min_count=1)
    result = run(
        acts("2026-03-31", "2026-04-01", "2026-12-31"),
        window=("2026-01-01", "2026-12-31"),
        as_of="2027-01-15",
        params=quarterly,
    )
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["short_periods"] == ["2026-Q3"]
    assert counts(result) == {"2026-Q1": 1, "2026-Q2": 1, "2026-Q3": 0, "2026-Q4": 1}


def test_years_with_a_count_of_two(run: Any) -> None:
    yearly = period_count.Params(activity=ActivityKind.PSYCHOLOGY_LECTURE, period=PeriodUnit.YEAR, min_count=2)
    kw: dict[str, Any] = {"window": ("2025-01-01", "2026-12-31"), "as_of": "2027-02-01", "params": yearly}
    result = run(acts("2025-03-01", "2025-09-01", "2026-05-01", kind="psychology_lecture"), **kw)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["short_periods"] == ["2026"]
    assert "2026" in result.message.en


def test_half_year_still_running_is_not_failed(run: Any) -> None:
    semi = period_count.Params(activity=ActivityKind.FIRE_DRILL, period=PeriodUnit.HALF_YEAR, min_count=1)
    result = run([], window=("2026-01-01", "2026-12-31"), as_of="2026-05-01", params=semi)
    assert result.status is Status.INSUFFICIENT_DATA
    assert states(result) == {"2026-H1": "open"}


def test_no_retroactive_enforcement(build: Any, run: Any) -> None:
    # In force from 2025-12-25: December 2025 is not judged, January 2026 on are.
    sched = build.schedule(build.version(MONTHLY, start="2025-12-25"))
    result = run(acts("2026-01-05", "2026-02-05"), window=("2025-12-01", "2026-02-28"), as_of="2026-03-10", sched=sched)
    assert result.status is Status.COMPLIANT
    assert states(result) == {"2025-12": "not_in_force", "2026-01": "met", "2026-02": "met"}
    result = run(acts("2026-01-05"), window=("2025-12-01", "2026-02-28"), as_of="2026-03-10", sched=sched)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["short_periods"] == ["2026-02"]


def test_rule_in_force_from_the_first_of_a_month_judges_that_month(build: Any, run: Any) -> None:
    sched = build.schedule(build.version(MONTHLY, start="2026-03-01"))
    result = run(acts("2026-04-13", "2026-05-11", "2026-06-08"), sched=sched)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["short_periods"] == ["2026-03"]
    assert states(result)["2026-01"] == "not_in_force"
    assert states(result)["2026-02"] == "not_in_force"


def test_rule_not_yet_in_force_judges_nothing(build: Any, run: Any) -> None:
    sched = build.schedule(build.version(MONTHLY, start="2026-09-01"))
    result = run([], sched=sched)
    assert result.status is Status.INSUFFICIENT_DATA
    assert set(states(result).values()) == {"not_in_force"}


def test_version_change_judges_each_period_by_its_own_version(build: Any, run: Any) -> None:
    twice = period_count.Params(activity=FIRE, period=PeriodUnit.MONTH, min_count=2)
    sched = build.schedule(
        build.version(MONTHLY, start="2025-01-01", until="2026-03-31", name="1.0.0"),
        build.version(twice, start="2026-04-01", name="2.0.0"),
    )
    result = run(acts(*SIX_MONTHS), sched=sched)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["short_periods"] == ["2026-04", "2026-05", "2026-06"]
    by_period = {p["period"]: p for p in result.evidence["periods"]}
    assert (by_period["2026-03"]["required"], by_period["2026-03"]["version"]) == (1, "1.0.0")
    assert (by_period["2026-04"]["required"], by_period["2026-04"]["version"]) == (2, "2.0.0")
    doubled = acts(*SIX_MONTHS) + acts("2026-04-20", "2026-05-20", "2026-06-20", prefix="b")
    assert run(doubled, sched=sched).status is Status.COMPLIANT


def test_version_change_mid_month_leaves_that_month_unjudged(build: Any, run: Any) -> None:
    twice = period_count.Params(activity=FIRE, period=PeriodUnit.MONTH, min_count=2)
    sched = build.schedule(
        build.version(MONTHLY, start="2025-01-01", until="2026-03-15", name="1.0.0"),
        build.version(twice, start="2026-03-16", name="2.0.0"),
    )
    result = run([], window=("2026-02-01", "2026-04-30"), as_of="2026-05-10", sched=sched)
    assert result.evidence["short_periods"] == ["2026-02", "2026-04"]
    assert states(result)["2026-03"] == "not_in_force"


@pytest.mark.parametrize(
    ("stamp", "month"),
    [
        ("2026-03-31T20:30:00Z", "2026-04"),  # 2026-04-01 04:30 in Shanghai
        ("2026-03-31T16:00:00Z", "2026-04"),  # exactly midnight in Shanghai
        ("2026-03-31T15:59:59Z", "2026-03"),
        ("2026-03-31T23:30:00+08:00", "2026-03"),
        ("2026-03-31T23:30:00", "2026-03"),  # naive: local time
        ("2026-04-01T07:59:59+09:00", "2026-04"),
        ("2026-04-01T00:30:00+09:00", "2026-03"),  # 2026-03-31 23:30 in Shanghai
    ],
)
def test_offset_date_times_count_for_their_shanghai_month(run: Any, stamp: str, month: str) -> None:
    result = run(acts(stamp), window=("2026-03-01", "2026-04-30"), as_of="2026-05-15")
    assert result.status is Status.NON_COMPLIANT
    assert counts(result)[month] == 1
    other = "2026-03" if month == "2026-04" else "2026-04"
    assert result.evidence["short_periods"] == [other]


def test_offset_date_time_crossing_the_window_end(run: Any) -> None:
    # 2026-06-30T18:00Z is 2026-07-01 in Shanghai: outside a window ending 2026-06-30.
    result = run(acts("2026-05-10", "2026-06-30T18:00:00Z"), window=("2026-05-01", "2026-06-30"))
    assert result.evidence["short_periods"] == ["2026-06"]
    assert result.evidence["records_outside_window"] == ["2026-07-01"]


def test_evidence_lists_every_period_with_count_and_requirement(run: Any) -> None:
    result = run(acts("2026-01-08", "2026-01-20"), window=("2026-01-01", "2026-02-28"))
    assert result.evidence["periods"] == [
        {"period": "2026-01", "count": 2, "required": 1, "state": "met", "version": "1.0.0"},
        {"period": "2026-02", "count": 0, "required": 1, "state": "short", "version": "1.0.0"},
    ]
    assert result.evidence["period"] == "month"


def test_result_depends_on_dates_not_record_order(run: Any) -> None:
    records = acts(*SIX_MONTHS[:4])
    forward = run(records)
    backward = run(list(reversed(records)))
    assert forward == backward


def test_windows_across_years(run: Any) -> None:
    result = run(acts("2025-11-03", "2026-01-05"), window=("2025-11-01", "2026-01-31"), as_of=str(date(2026, 2, 1)))
    assert result.evidence["short_periods"] == ["2025-12"]
