"""Date text as ``--as-of`` and workbook cells have always accepted it, without pendulum.

The accepted language is what ``pendulum.parse(text, exact=True)`` (pendulum 3.3) accepted, so that
removing the dependency changes no answer: its ISO 8601 reader (compact and extended dates, ordinal
``2026-090`` and week ``2026-W12-3`` dates, an optional time after ``T`` or a space, an offset), then
its "common" fall-back (``2026/03/31``, ``2026:03:31``, ``2026 10:30``). What pendulum returned as a
time, a duration or an interval is not a date and is refused. tests/test_localtime.py pins a table
of inputs recorded from pendulum itself.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

_DAY_OF_WEEK_TABLE = (0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4)
_MONTHS_OFFSETS = (
    (-1, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365),
    (-1, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366),
)


class _Refused(ValueError):
    pass


def _quot(a: int, b: int) -> int:
    """Integer division truncating toward zero (the original's arithmetic, for year 0)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _rem(a: int, b: int) -> int:
    return a - b * _quot(a, b)


def _p(year: int) -> int:
    return year + _quot(year, 4) - _quot(year, 100) + _quot(year, 400)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _is_long_year(year: int) -> bool:
    return _rem(_p(year), 7) == 4 or _rem(_p(year - 1), 7) == 3


def _days_in_year(year: int) -> int:
    return 366 if _is_leap(year) else 365


def _week_day(year: int, month: int, day: int) -> int:
    y = year - (1 if month < 3 else 0)
    w = _rem(_p(y) + _DAY_OF_WEEK_TABLE[month - 1] + day, 7)
    return 7 if w == 0 else abs(w)


def _ordinal_to_ymd(year: int, ordinal: int, allow_out_of_bounds: bool) -> tuple[int, int, int]:
    y = year
    if ordinal < 1:
        if not allow_out_of_bounds:
            raise _Refused("ordinal day too small")
        ordinal += _days_in_year(year - 1)
        y -= 1
    if ordinal > _days_in_year(y):
        if not allow_out_of_bounds:
            raise _Refused("ordinal day too large")
        ordinal -= _days_in_year(y)
        y += 1
    offsets = _MONTHS_OFFSETS[_is_leap(y)]
    for i in range(1, 14):
        if ordinal <= offsets[i]:
            return y, i - 1, ordinal - offsets[i - 1]
    raise _Refused("ordinal day too large")


def _iso_to_ymd(iso_year: int, iso_week: int, iso_day: int) -> tuple[int, int, int]:
    if iso_week > 53 or (iso_week > 52 and not _is_long_year(iso_year)):
        raise _Refused("week out of range")
    if iso_day > 7:
        raise _Refused("week day out of range")
    ordinal = iso_week * 7 + iso_day - (_week_day(iso_year, 1, 4) + 3)
    return _ordinal_to_ymd(iso_year, ordinal, True)


class _Fields:
    __slots__ = (
        "day",
        "extended",
        "has_date",
        "has_time",
        "hour",
        "microsecond",
        "minute",
        "month",
        "offset",
        "second",
        "year",
    )

    def __init__(self) -> None:
        self.year = 0
        self.month = 1
        self.day = 1
        self.hour = 0
        self.minute = 0
        self.second = 0
        self.microsecond = 0
        self.offset: int | None = None
        self.has_date = False
        self.has_time = False
        self.extended = False


class _Reader:
    """A character-at-a-time ISO 8601 reader; "" stands for the end of the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    @property
    def current(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def end(self) -> bool:
        return self.at >= len(self.text)

    def step(self) -> None:
        if self.at < len(self.text):
            self.at += 1

    def integer(self, length: int) -> int:
        value = 0
        for _ in range(length):
            char = self.current
            if char == "" or char not in "0123456789":
                raise _Refused("digit expected")
            value = value * 10 + int(char)
            self.step()
        return value

    def fraction(self) -> int:
        micro = 0
        digits = 0
        while digits < 6:
            char = self.current
            if char != "" and char in "0123456789":
                micro = micro * 10 + int(char)
            elif digits == 0:
                raise _Refused("subsecond digit expected")
            else:
                break
            self.step()
            digits += 1
        while self.current != "" and self.current in "0123456789":
            self.step()
        for _ in range(6 - digits):
            micro *= 10
        return micro

    def parse(self) -> date | datetime | None:
        """A date or date-time; None for what is not a date (a time, a duration, an interval)."""
        if self.current == "P":
            raise _Refused("a duration")  # parsed as a duration, or refused: never a date
        fields = _Fields()
        if self.current == "T":
            return None  # a time of day (or refused): never a date
        fields.year = self.integer(2)
        if self.current == ":":
            return None  # hh:mm: a time (or refused)
        fields.has_date = True
        fields.year = fields.year * 100 + self.integer(2)
        self._date(fields)
        if not self.end():
            self._time(fields)
        if not self.end():
            if self.current == "/":
                raise _Refused("an interval")  # never a date (the original returned none for it)
            raise _Refused("unconverted data remains")
        return _build(fields)

    def _date(self, fields: _Fields) -> None:
        if self.current == "-":
            self.step()
            fields.extended = True
            if self.current == "W":
                self.step()
                week = self.integer(2)
                day = 1
                if not self.end() and self.current not in (" ", "T"):
                    if self.current != "-":
                        raise _Refused("date separator expected")
                    self.step()
                    day = self.integer(1)
                fields.year, fields.month, fields.day = _iso_to_ymd(fields.year, week, day)
            else:
                fields.month = self.integer(2)
                if not self.end() and self.current not in (" ", "T"):
                    if self.current == "-":
                        self.step()
                        fields.day = self.integer(2)
                    else:
                        ordinal = fields.month * 10 + self.integer(1)
                        fields.year, fields.month, fields.day = _ordinal_to_ymd(fields.year, ordinal, False)
                else:
                    fields.day = 1
        elif self.current == "W":
            self.step()
            week = self.integer(2)
            day = 1
            if not self.end() and self.current not in (" ", "T"):
                day = self.integer(1)
            fields.year, fields.month, fields.day = _iso_to_ymd(fields.year, week, day)
        else:
            fields.month = self.integer(2)
            ordinal = self.integer(1)
            if self.end() or self.current in (" ", "T"):
                ordinal += fields.month * 10
                fields.year, fields.month, fields.day = _ordinal_to_ymd(fields.year, ordinal, False)
            else:
                fields.day = ordinal * 10 + self.integer(1)

    def _time(self, fields: _Fields) -> None:
        if self.current not in ("T", " ") or self.end():
            raise _Refused("date and time separator expected")
        fields.has_time = True
        self.step()
        fields.hour = self.integer(2)
        if not self.end() and self.current not in ("Z", "+", "-"):
            if self.current == ":":
                self.step()
                fields.minute = self.integer(2)
                if not self.end() and self.current not in ("Z", "+", "-"):
                    if self.current != ":":
                        raise _Refused("time separator expected")
                    self.step()
                    fields.second = self.integer(2)
                    if self.current in (".", ",") and not self.end():
                        self.step()
                        fields.microsecond = self.fraction()
                    if not fields.extended:
                        raise _Refused("basic date with extended time")
            else:
                fields.minute = self.integer(2)
                if not self.end() and self.current not in ("Z", "+", "-"):
                    fields.second = self.integer(2)
                    if self.current in (".", ",") and not self.end():
                        self.step()
                        fields.microsecond = self.fraction()
                if fields.extended:
                    raise _Refused("extended date with basic time")
        if self.current == "Z":
            fields.offset = 0
            self.step()
        elif self.current in ("+", "-") and not self.end():
            sign = 1 if self.current == "+" else -1
            self.step()
            hours = self.integer(2)
            if self.current == ":":
                self.step()
            minutes = 0 if self.end() else self.integer(2)
            minutes = (minutes + hours * 60) * sign
            if minutes > 24 * 60:
                raise _Refused("offset too large")
            fields.offset = minutes * 60


def _build(fields: _Fields) -> date | datetime:
    """The value the original made of the fields; ``ValueError`` where Python refuses it."""
    if not fields.has_time:
        return date(fields.year, fields.month, fields.day)
    tz = None if fields.offset is None else timezone(timedelta(seconds=fields.offset))
    return datetime(
        fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second, fields.microsecond, tz
    )


# pendulum's fall-back for what its ISO reader refuses: ``YYYY[sep MM sep DD]`` with ``/`` or ``:``
# as optional separators, then an optional ``h:m[:s][.f]`` (a space before it optional). ``\d`` is
# Unicode's here, as it was there: "２０２６/０３/３１" was accepted, and still is.
_COMMON = re.compile(
    r"(?P<date>(?P<year>\d{4})(?P<monthday>[/:]?(?P<month>\d{2})[/:]?(?P<day>\d{2}))?)?"
    r"(?P<time>\ ?(?P<hour>\d{1,2}):(?P<minute>\d{1,2})?(?::(?P<second>\d{1,2}))?"
    r"(?:[.|,](?P<subsecond>\d{1,9}))?)?"
)


def _common(text: str) -> date | datetime:
    match = _COMMON.fullmatch(text)
    if match is None or not (match["date"] or match["time"]):
        raise _Refused("not a date")
    if not match["date"]:
        raise _Refused("a time of day")
    year = int(match["year"])
    month = int(match["month"]) if match["monthday"] else 1
    day = int(match["day"]) if match["monthday"] else 1
    if not match["time"]:
        return date(year, month, day)
    if match["minute"] is None:
        raise _Refused("minute expected")
    second = int(match["second"]) if match["second"] else 0
    micro = int(f"{match['subsecond'][:6]:0<6}") if match["subsecond"] else 0
    return datetime(year, month, day, int(match["hour"]), int(match["minute"]), second, micro)


def parse_date_or_datetime(text: str) -> date | datetime:
    """The date or (naive or offset) date-time ``text`` names; ``ValueError`` when it names none."""
    try:
        parsed = _Reader(text).parse()
    except ValueError:
        parsed = None
        iso_failed = True
    else:
        iso_failed = False
    if not iso_failed:
        if parsed is None:
            raise _Refused(f"not a date: {text!r}")
        return parsed
    try:
        return _common(text)
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None
