"""Calendar time in Asia/Shanghai: local dates, calendar periods, month arithmetic (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

# The standard library's zone database; on a system without /usr/share/zoneinfo the ``tzdata``
# package (a dependency) supplies it.
SHANGHAI = ZoneInfo("Asia/Shanghai")


class DateOutOfRange(ValueError):
    """A date-time whose Asia/Shanghai date falls outside the years 1 to 9999."""

    def __init__(self, value: datetime) -> None:
        super().__init__(f"{value.isoformat()} falls outside the years 1 to 9999 in Asia/Shanghai time")
        self.value = value


def to_shanghai_date(value: date | datetime) -> date:
    """A date-time with an offset becomes its Asia/Shanghai local date; one without is local time."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.date()
        try:
            return value.astimezone(SHANGHAI).date()
        except OverflowError:
            # 0001-01-01T00:00:00+14:00 is still 0000-12-31 in Shanghai: a day no date can hold.
            raise DateOutOfRange(value) from None
    return value


def today_in_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


def parse_local_date(text: str) -> date:
    """Parse a command-line date (``--as-of``, a workbook cell) to its Asia/Shanghai date.

    Accepts exactly what this function accepted when it was ``pendulum.parse(text, exact=True)``
    (pendulum 3.3): see :mod:`._isoparse`, tests/test_localtime.py holds the table. A date-time with
    an offset is converted to Shanghai; one without is Shanghai time. Raises ``ValueError``.
    """
    from ._isoparse import parse_date_or_datetime  # noqa: PLC0415 - only --as-of and workbooks parse text

    if text == "now":
        return today_in_shanghai()
    return to_shanghai_date(parse_date_or_datetime(text))


def add_months(start: date, months: int) -> date:
    """Calendar-month arithmetic, clamped to the month's end: 2026-01-31 + 1 month = 2026-02-28."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, _month_end(year, month).day))


class PeriodUnit(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


PERIOD_MONTHS: dict[PeriodUnit, int] = {
    PeriodUnit.MONTH: 1,
    PeriodUnit.QUARTER: 3,
    PeriodUnit.HALF_YEAR: 6,
    PeriodUnit.YEAR: 12,
}

PERIOD_LABELS: dict[PeriodUnit, tuple[str, str]] = {
    PeriodUnit.MONTH: ("每月", "month"),
    PeriodUnit.QUARTER: ("每季度", "quarter"),
    PeriodUnit.HALF_YEAR: ("每半年", "half-year"),
    PeriodUnit.YEAR: ("每年", "year"),
}


@dataclass(frozen=True, slots=True)
class Period:
    """One calendar period, inclusive at both ends."""

    unit: PeriodUnit
    start: date
    end: date

    @property
    def label(self) -> str:
        """``2026-04``, ``2026-Q2``, ``2026-H1``, ``2026``."""
        if self.unit is PeriodUnit.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.unit is PeriodUnit.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.unit is PeriodUnit.HALF_YEAR:
            return f"{self.start.year}-H{1 if self.start.month <= 6 else 2}"
        return f"{self.start.year}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    """The last day of a month (plain arithmetic: this sits on the hot path)."""
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def period_containing(unit: PeriodUnit, day: date) -> Period:
    length = PERIOD_MONTHS[unit]
    first_month = ((day.month - 1) // length) * length + 1
    return Period(unit, date(day.year, first_month, 1), _month_end(day.year, first_month + length - 1))


@lru_cache(maxsize=4096)
def periods_overlapping(unit: PeriodUnit, start: date, end: date) -> tuple[Period, ...]:
    """Every calendar period of ``unit`` that shares at least one day with ``[start, end]``.

    Cached: a batch of snapshots shares a handful of windows, and each rule asks again.
    """
    periods: list[Period] = []
    current = period_containing(unit, start)
    while current.start <= end:
        periods.append(current)
        current = period_containing(unit, current.end + timedelta(days=1))
    return tuple(periods)
