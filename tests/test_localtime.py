"""Calendar time in Asia/Shanghai: month arithmetic, calendar periods, local dates."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from yiyang_rules.localtime import (
    Period,
    PeriodUnit,
    add_months,
    parse_local_date,
    period_containing,
    periods_overlapping,
    to_shanghai_date,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # the contract's own example
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 2, 28), 1, date(2026, 3, 28)),  # no snapping to the month's end
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 1), 0, date(2026, 5, 1)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start: date, months: int, expected: date) -> None:
    result = add_months(start, months)
    assert result == expected
    assert (result.year, result.month, result.day) == (expected.year, expected.month, expected.day)


@pytest.mark.parametrize(
    ("unit", "day", "start", "end", "label"),
    [
        (PeriodUnit.MONTH, date(2026, 4, 15), date(2026, 4, 1), date(2026, 4, 30), "2026-04"),
        (PeriodUnit.MONTH, date(2026, 2, 1), date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        (PeriodUnit.MONTH, date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29), "2028-02"),
        (PeriodUnit.MONTH, date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
        (PeriodUnit.QUARTER, date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        (PeriodUnit.QUARTER, date(2026, 5, 20), date(2026, 4, 1), date(2026, 6, 30), "2026-Q2"),
        (PeriodUnit.QUARTER, date(2026, 9, 30), date(2026, 7, 1), date(2026, 9, 30), "2026-Q3"),
        (PeriodUnit.QUARTER, date(2026, 10, 1), date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        (PeriodUnit.HALF_YEAR, date(2026, 6, 30), date(2026, 1, 1), date(2026, 6, 30), "2026-H1"),
        (PeriodUnit.HALF_YEAR, date(2026, 7, 1), date(2026, 7, 1), date(2026, 12, 31), "2026-H2"),
        (PeriodUnit.YEAR, date(2026, 8, 8), date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_period_containing_and_labels(unit: PeriodUnit, day: date, start: date, end: date, label: str) -> None:
    period = period_containing(unit, day)
    assert (period.unit, period.start, period.end) == (unit, start, end)
    assert period.label == label
    assert period.contains(day)
    assert period.contains(start)
    assert period.contains(end)
    assert not period.contains(start - timedelta(days=1))
    assert not period.contains(end + timedelta(days=1))


def test_half_years_are_january_to_june_and_july_to_december() -> None:
    periods = periods_overlapping(PeriodUnit.HALF_YEAR, date(2026, 1, 1), date(2026, 12, 31))
    assert [(p.start, p.end, p.label) for p in periods] == [
        (date(2026, 1, 1), date(2026, 6, 30), "2026-H1"),
        (date(2026, 7, 1), date(2026, 12, 31), "2026-H2"),
    ]


def test_periods_overlapping_includes_partial_periods_at_both_ends() -> None:
    periods = periods_overlapping(PeriodUnit.MONTH, date(2026, 1, 15), date(2026, 3, 2))
    assert [p.label for p in periods] == ["2026-01", "2026-02", "2026-03"]
    assert periods[0].start == date(2026, 1, 1)
    assert periods[-1].end == date(2026, 3, 31)


def test_periods_overlapping_single_day_and_year_boundary() -> None:
    assert [p.label for p in periods_overlapping(PeriodUnit.MONTH, date(2026, 5, 5), date(2026, 5, 5))] == ["2026-05"]
    years = periods_overlapping(PeriodUnit.YEAR, date(2025, 12, 31), date(2026, 1, 1))
    assert [p.label for p in years] == ["2025", "2026"]
    quarters = periods_overlapping(PeriodUnit.QUARTER, date(2025, 11, 1), date(2026, 4, 1))
    assert [p.label for p in quarters] == ["2025-Q4", "2026-Q1", "2026-Q2"]


@pytest.mark.parametrize("unit", list(PeriodUnit))
def test_periods_overlapping_are_contiguous_and_cover_the_range(unit: PeriodUnit) -> None:
    start, end = date(2025, 2, 17), date(2027, 11, 3)
    periods = periods_overlapping(unit, start, end)
    assert periods[0].contains(start)
    assert periods[-1].contains(end)
    for before, after in itertools.pairwise(periods):
        assert after.start == before.end + timedelta(days=1)
        assert after.unit is unit
    assert len({p.label for p in periods}) == len(periods)


def test_period_is_a_value() -> None:
    assert Period(PeriodUnit.MONTH, date(2026, 1, 1), date(2026, 1, 31)) == period_containing(
        PeriodUnit.MONTH, date(2026, 1, 20)
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 3, 31, 20, 30, tzinfo=UTC), date(2026, 4, 1)),
        (datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC), date(2026, 3, 31)),
        (datetime(2026, 3, 31, 16, 0, tzinfo=UTC), date(2026, 4, 1)),
        (datetime(2026, 3, 31, 23, 30, tzinfo=timezone(timedelta(hours=8))), date(2026, 3, 31)),
        (datetime(2026, 3, 31, 11, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 4, 1)),
        (datetime(2026, 3, 31, 23, 30), date(2026, 3, 31)),  # naive: local time
        (date(2026, 3, 31), date(2026, 3, 31)),
    ],
)
def test_to_shanghai_date(value: date, expected: date) -> None:
    assert to_shanghai_date(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("2026-03-31T20:30:00Z", date(2026, 4, 1)),
        ("2026-03-31T23:30:00+08:00", date(2026, 3, 31)),
        ("2026-03-31T23:30:00", date(2026, 3, 31)),
    ],
)
def test_parse_local_date(text: str, expected: date) -> None:
    assert parse_local_date(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-02-30", "2026-13-01", ""])
def test_parse_local_date_rejects_non_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_local_date(text)
