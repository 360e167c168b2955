"""JSON text to :class:`~yiyang_rules.facts.Facts`: a compiled fast path, and today's errors.

The reference path (:func:`decoding.validate_json`: a Python scan for duplicate keys, depth, huge
numbers and NaN, then pydantic) defines what a snapshot may be and says what is wrong with one. It
costs about nine bare ``json.loads`` per snapshot. The fast path gets the same answer for a valid
snapshot in compiled code:

1. jiter parses (the parser pydantic itself uses), refusing duplicate keys, NaN and Infinity;
2. msgspec converts the tree into the Structs: strict types, unknown fields and values, lengths,
   bounds (a snapshot's integers fit 64 bits), the region code's digits; each date through one
   hook with a cache of the texts it has read, so a repeated day costs a dictionary look-up. A
   date text is read here only in its plain shapes, and only where pydantic-core reads it the same
   way (tests/test_fast_decode.py compares the two readers); anything else goes to pydantic;
3. what the models check across fields (window order, a location, counts within their whole,
   ids listed once), and the depth and integers of ``extensions`` (the one free-form place).

Whenever the fast path finds anything at all wrong, or is unsure, it stops and the reference path
runs on the same text: it raises today's :class:`InputError`, or (where the fast path was merely
stricter, e.g. a region code in full-width digits) returns its model, which is copied into Facts.
So messages never change and a false refusal costs only time; the fast path must never accept
what the reference refuses, which tests/test_fast_decode.py checks differentially.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import jiter
import msgspec

from .decoding import MAX_INTEGER, Limits, checked_text, validate_json
from .facts import Facts, ShanghaiDate, facts_from_model, shanghai_date

# The two shapes of localtime._DATE_TEXT and _DATETIME_TEXT, in ASCII digits (pydantic's regular
# expressions take any script's digits; those are left to the reference path).
_DATE_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
# Of the date-time shape, what is read here: a fraction of a second of at most six digits (pydantic
# truncates longer ones: left to it) and an offset of at most 23:59 (pydantic refuses larger ones).
_DATETIME_TEXT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?"
    r"(?:(Z|z)|([+-])([0-9]{2}):?([0-9]{2}))?\Z"
)

# Day texts already read: a snapshot repeats a few hundred days, a batch a few thousand.
_DAYS: dict[str, date] = {}
_MOST_DAYS = 100_000

# The deepest a valid snapshot nests without extensions (residents[i].assessments[j]), and the
# deepest an ``extensions`` object sits (activities[i].extensions: three containers above it).
_STRUCTURE_DEPTH = 5
_ABOVE_EXTENSIONS = 3


class _Refused(Exception):
    """The fast path stops: the reference path decides."""


def _read_day(text: str) -> date:
    """The day of a date or date-time text, as pydantic-core reads it (the reader LocalDate chains
    after its patterns); ValueError for any text this does not read (pydantic then decides)."""
    plain = _DATE_TEXT.match(text)
    if plain is not None:
        year, month, day_of_month = plain.groups()
        day = date(int(year), int(month), int(day_of_month))  # ValueError: year 0, no such day
    else:
        found = _DATETIME_TEXT.match(text)
        if found is None:
            raise ValueError("not a snapshot date")  # a digit string is not a day
        day = shanghai_date(_moment(found))  # OverflowError past the years 1 to 9999
    return ShanghaiDate(day.year, day.month, day.day)


def _moment(found: re.Match[str]) -> datetime:
    year, month, day, hour, minute, second, fraction, utc, sign, off_hours, off_minutes = found.groups()
    offset: timezone | None = None
    if utc is not None:
        offset = UTC
    elif sign is not None:
        hours, minutes = int(off_hours), int(off_minutes)
        if hours > 23 or minutes > 59:  # pydantic refuses such an offset
            raise ValueError("not a snapshot date")
        span = timedelta(hours=hours, minutes=minutes)
        offset = timezone(-span if sign == "-" else span)
    micro = int(fraction.ljust(6, "0")) if fraction is not None else 0
    # ValueError for year 0, an hour past 23, a minute or second past 59 (pydantic refuses them all)
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tzinfo=offset)


def _dec_hook(kind: type, value: Any) -> Any:
    # msgspec calls this once per date field: a text read before costs one look-up. Only texts
    # that _read_day accepted are keys, and only a str equals a str key (jiter makes no subclass),
    # so a hit is a date text; anything else (another type, a new text, an unhashable value: its
    # TypeError is a refusal like any other) takes the checked path below.
    try:
        day = _DAYS[value]
    except (KeyError, TypeError):
        return _read_new(kind, value)
    if kind is not ShanghaiDate:
        raise NotImplementedError
    return day


def _read_new(kind: type, value: Any) -> Any:
    if kind is not ShanghaiDate:
        raise NotImplementedError
    if value.__class__ is not str:
        raise TypeError("a snapshot date is text")
    try:
        day = _read_day(value)
    except Exception as exc:  # any refusal, whatever raised it, sends the text to the reference path
        raise ValueError("not a snapshot date") from exc
    if len(_DAYS) >= _MOST_DAYS:
        _DAYS.clear()
    _DAYS[value] = day
    return day


class Counts:
    """How often each path ran in this process (tests: a valid snapshot takes the fast one)."""

    fast = 0
    reference = 0


def decode_facts(data: str | bytes, source: str, limits: Limits) -> Facts:
    """The Facts of a snapshot's JSON text, or today's :class:`InputError` (size, encoding, empty
    input, then the reference path's problems)."""
    text = checked_text(data, source, limits)
    try:
        facts = _fast(text, limits)
    except _Refused:
        Counts.reference += 1
        return facts_from_model(validate_json(text, source, limits))
    Counts.fast += 1
    return facts


def _fast(text: str | bytes, limits: Limits) -> Facts:
    if limits.max_depth < _STRUCTURE_DEPTH:
        raise _Refused
    try:
        raw = text if isinstance(text, bytes) else text.encode()
        tree = jiter.from_json(raw, allow_inf_nan=False, catch_duplicate_keys=True)
    except (ValueError, UnicodeError):
        raise _Refused from None
    if tree.__class__ is not dict:
        raise _Refused
    try:
        facts = msgspec.convert(tree, Facts, dec_hook=_dec_hook)
    except (msgspec.ValidationError, ValueError, TypeError, OverflowError):
        raise _Refused from None
    _check_across(facts)
    _check_extensions(facts, limits.max_depth - _ABOVE_EXTENSIONS)
    return facts


def _check_across(facts: Facts) -> None:
    """What snapshot.py's model validators check across fields."""
    period = facts.period
    if period.start > period.end:
        raise _Refused
    institution = facts.institution
    if institution.province is None and institution.region_code is None:
        raise _Refused
    quality = facts.quality
    if quality is not None:
        ulcers, training = quality.pressure_ulcers, quality.training
        if ulcers is not None and ulcers.new_grade2_plus > ulcers.residents:
            raise _Refused
        if training is not None and training.staff_trained > training.staff_in_scope:
            raise _Refused
    for items in (facts.residents, facts.hazards, facts.agreements):
        if items and len({item.id for item in items}) != len(items):
            raise _Refused


def _check_extensions(facts: Facts, most: int) -> None:
    """Every ``extensions`` object nests at most ``most`` levels (counting itself) and holds no
    integer past 64 bits (the reference path takes some of those; it is asked)."""
    found: list[Any] = [facts.extensions, facts.institution.extensions]
    for records in (facts.activities, facts.residents, facts.hazards, facts.agreements):
        if records:
            found.extend(record.extensions for record in records)
    for extensions in found:
        if extensions is not None:
            _check_free_form(extensions, most)


def _check_free_form(value: Any, most: int) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > most:
            raise _Refused
        children = node.values() if node.__class__ is dict else node
        for child in children:
            kind = child.__class__
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
            elif kind is int and not -MAX_INTEGER <= child <= MAX_INTEGER:
                raise _Refused
