"""JSON text to :class:`~yiyang_rules.facts.Facts`: a compiled fast path, and today's errors.

The reference path (:func:`decoding.validate_json`: a Python scan for duplicate keys, depth, huge
numbers and NaN, then pydantic) defines what a snapshot may be and says what is wrong with one. It
costs about nine bare ``json.loads`` per snapshot. The fast path gets the same answer for a valid
snapshot in compiled code:

1. msgspec decodes the text straight into the Structs: strict types, unknown fields and values,
   lengths, bounds (a snapshot's integers fit 64 bits), the region code's digits, ``YYYY-MM-DD``
   dates in C; an activity's date (an event, which may be a date-time) through one hook with a
   cache of the texts it has read, so a repeated day costs a dictionary look-up. The hook reads a
   text only in its plain shapes, and only where pydantic-core reads it the same way
   (tests/test_fast_decode.py compares the two readers); anything else goes to pydantic;
2. msgspec says nothing of a key given twice, so the Facts are encoded again and the quotation
   marks counted (:func:`_keys_once`): equal counts prove that no key was given twice; otherwise
   jiter parses the text once more for its check of duplicate keys;
3. when msgspec refused the text (most often a date-time in a date field other than an
   activity's), jiter parses it (refusing duplicate keys, NaN and Infinity), each date-time
   becomes its day, and msgspec converts that tree;
4. what the models check across fields (window order, a location, counts within their whole,
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
    # msgspec calls this once per activity's date: a text read before costs one look-up. Only texts
    # that _read_day accepted are keys, and only a str equals a str key (msgspec and jiter make no
    # subclass), so a hit is a date text; anything else (another type, a new text, an unhashable value: its
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
    """How often each path ran in this process (tests: a valid snapshot takes the fast one, and a
    plain one the direct decode)."""

    fast = 0
    direct = 0  # of ``fast``: msgspec from the text, no tree and no second parse
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


# What msgspec raises for text it cannot read into Facts, with what the hook raises that is not
# turned into a ValidationError, and the deepest nesting's RecursionError.
_NOT_READ = (msgspec.DecodeError, ValueError, TypeError, OverflowError, NotImplementedError, RecursionError)


def _fast(text: str | bytes, limits: Limits) -> Facts:
    if limits.max_depth < _STRUCTURE_DEPTH:
        raise _Refused
    try:
        facts = _DECODE(text)
    except _NOT_READ:
        # Not even JSON, a wrong field, or simply a date-time where msgspec reads a date: the tree.
        facts = _from_tree(text)
    else:
        if _keys_once(text, facts):
            Counts.direct += 1
        else:
            _refuse_duplicate_keys(text)
    _check_across(facts)
    _check_extensions(facts, limits.max_depth - _ABOVE_EXTENSIONS)
    return facts


def _as_text(value: Any) -> str:
    # the encoder meets one type it does not know, an activity's ShanghaiDate; any string will do
    # for counting (below), and the empty one is the cheapest
    return ""


_DECODE = msgspec.json.Decoder(Facts, dec_hook=_dec_hook).decode
_ENCODE = msgspec.json.Encoder(enc_hook=_as_text).encode


def _keys_once(text: str | bytes, facts: Facts) -> bool:
    """True only if no JSON object of ``text`` names a key twice (msgspec keeps the last value and
    says nothing); False may also mean merely "not sure".

    The proof counts the quotation marks, in ``text`` and in ``facts`` encoded again. In JSON text
    a ``"`` is a string's delimiter or, escaped as ``\\"``, inside one (UTF-8 never puts the byte
    0x22 inside another character), so the text has at least twice as many as string tokens.
    The encoding has exactly twice as many when it holds no ``\\"``, and every string token of it
    stands for its own string token of the text: a key only where the text gave that field or dict
    key (``omit_defaults``: None and the shared empty Qualifications, what an absent field becomes,
    are not written), a value only where the text gave that string (a date, a vocabulary member,
    an extension's text; the hook's dates are written as ""). A key given twice in one object is
    decoded, and so encoded, once: two fewer quotation marks than the text. Equal counts therefore
    mean no key twice. Text with escaped quotes, or with an explicit null or ``{}`` qualifications
    that the encoding omits, has more and is merely sent to the check below."""
    encoded = _ENCODE(facts)
    if b"\\" in encoded and b'\\"' in encoded:
        return False
    quotes = text.count(b'"') if isinstance(text, bytes) else text.count('"')
    return quotes == encoded.count(b'"')


def _refuse_duplicate_keys(text: str | bytes) -> None:
    """jiter's parse, for its check of duplicate keys alone (escaped ones included)."""
    try:
        jiter.from_json(_utf8(text), allow_inf_nan=False, catch_duplicate_keys=True)
    except (ValueError, UnicodeError):
        raise _Refused from None


def _utf8(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode()


def _from_tree(text: str | bytes) -> Facts:
    """The slower fast path: jiter parses (refusing duplicate keys, NaN and Infinity), date-times
    in date fields become their day's text, then msgspec converts the tree."""
    try:
        tree = jiter.from_json(_utf8(text), allow_inf_nan=False, catch_duplicate_keys=True)
    except (ValueError, UnicodeError):
        raise _Refused from None
    if tree.__class__ is not dict:
        raise _Refused
    _days_of_moments(tree)
    try:
        return msgspec.convert(tree, Facts, dec_hook=_dec_hook)
    except (msgspec.ValidationError, ValueError, TypeError, OverflowError):
        raise _Refused from None


def _days_of_moments(tree: dict[str, Any]) -> None:
    """Every date field that msgspec reads as ``YYYY-MM-DD`` only (all but an activity's, which
    the hook reads), a date-time replaced by its Asia/Shanghai day's text. Text of neither shape,
    or a date-time that cannot be placed (24:00, a day past 9999), is refused; what is not text
    is left for msgspec to refuse."""
    _day_of(tree, "as_of")
    period = tree.get("period")
    if period.__class__ is dict:
        _day_of(period, "start")
        _day_of(period, "end")
    for resident in _records(tree, "residents"):
        _day_of(resident, "admitted")
        _day_of(resident, "discharged")
        for assessment in _records(resident, "assessments"):
            _day_of(assessment, "date")
    for hazard in _records(tree, "hazards"):
        _day_of(hazard, "found")
        _day_of(hazard, "rectified")
        plan = hazard.get("plan")
        if plan.__class__ is dict:
            _day_of(plan, "deadline")
    for agreement in _records(tree, "agreements"):
        for name in AGREEMENT_DATES:
            _day_of(agreement, name)


# The date fields of each record, as _days_of_moments visits them (tests compare with facts.py).
AGREEMENT_DATES = ("signed", "reported", "expires", "renewed", "terminated")


def _records(parent: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = parent.get(key)
    if items.__class__ is not list:
        return []
    return [item for item in items if item.__class__ is dict]


def _day_of(record: dict[str, Any], key: str) -> None:
    text = record.get(key)
    if text.__class__ is not str or _DATE_TEXT.match(text):
        return  # msgspec reads a day, and refuses anything but text
    if not _DATETIME_TEXT.match(text):
        raise _Refused
    try:
        record[key] = _read_day(text).isoformat()
    except Exception:  # any refusal, whatever raised it, sends the text to the reference path
        raise _Refused from None


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
