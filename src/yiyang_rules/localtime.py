"""Calendar time in Asia/Shanghai: the contract's date type, calendar periods, month arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any

import pendulum
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

SHANGHAI = pendulum.timezone("Asia/Shanghai")


def to_shanghai_date(value: date | datetime) -> date:
    """A date-time with an offset becomes its Asia/Shanghai local date; one without is local time."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.date()
        try:
            return value.astimezone(SHANGHAI).date()
        except OverflowError:
            # 0001-01-01T00:00:00+14:00 is still 0000-12-31 in Shanghai: a day no date can hold.
            raise PydanticCustomError(
                "date_out_of_range",
                "{value} falls outside the years 1 to 9999 in Asia/Shanghai time",
                {"value": value.isoformat()},
            ) from None
    return value


def today_in_shanghai() -> date:
    return pendulum.now(SHANGHAI).date()


def parse_local_date(text: str) -> date:
    """Parse a command-line date (``--as-of``) with the same rules as the snapshot."""
    parsed = pendulum.parse(text, exact=True, tz=SHANGHAI)
    if isinstance(parsed, datetime):
        return to_shanghai_date(parsed)
    if isinstance(parsed, date):
        return parsed
    raise ValueError(f"not a date: {text!r}")


_DATE_MESSAGE = "Input should be a date YYYY-MM-DD or an ISO 8601 date-time such as 2026-03-31T20:30:00+08:00"
_DATE_TEXT = r"^\d{4}-\d{2}-\d{2}$"
_DATETIME_TEXT = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|z|[+-]\d{2}:?\d{2})?$"


class _LocalDateAnnotation:
    """Pydantic type: ``YYYY-MM-DD`` or an ISO 8601 date-time, normalised to the Shanghai date.

    Text must have one of the two ISO shapes before pydantic parses it (on its own pydantic reads a
    digit string as a Unix timestamp: "20260331" → 1970-08-23); date objects (from YAML) pass as
    they are. All of it runs inside pydantic-core: no Python call per date. One custom error, so a
    bad date is reported at the field's own path, e.g. ``activities[3].date``.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: Any, _handler: GetCoreSchemaHandler) -> Any:
        date_text = core_schema.chain_schema(
            [core_schema.str_schema(pattern=_DATE_TEXT), core_schema.date_schema(strict=False)]
        )
        datetime_text = core_schema.chain_schema(
            [core_schema.str_schema(pattern=_DATETIME_TEXT), core_schema.datetime_schema(strict=False)]
        )
        text = core_schema.union_schema(
            [date_text, datetime_text],
            mode="left_to_right",
            custom_error_type="local_date",
            custom_error_message=_DATE_MESSAGE,
        )
        objects = core_schema.union_schema(
            [core_schema.date_schema(strict=True), core_schema.datetime_schema(strict=True), text],
            mode="left_to_right",
            custom_error_type="local_date",
            custom_error_message=_DATE_MESSAGE,
        )
        either = core_schema.json_or_python_schema(json_schema=text, python_schema=objects)
        return core_schema.no_info_after_validator_function(to_shanghai_date, either)

    @classmethod
    def __get_pydantic_json_schema__(cls, _schema: Any, _handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {
            "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
            "description": "YYYY-MM-DD, or a date-time (one with an offset becomes its Asia/Shanghai date)",
        }


LocalDate = Annotated[date, _LocalDateAnnotation]


def add_months(start: date, months: int) -> date:
    """Calendar-month arithmetic, clamped to the month's end: 2026-01-31 + 1 month = 2026-02-28."""
    return pendulum.Date(start.year, start.month, start.day).add(months=months)


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
