"""The compiled decoder (facts_json.decode_facts) against the reference path (scan_json + pydantic):
for every input both accept with equal content, or both refuse with the same InputError. A false
acceptance by the fast path is the bug these tests are for; the fast path must also really be
taken for valid snapshots, or it would be no faster."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from render_items import _bench
from yiyang_rules.decoding import Limits
from yiyang_rules.engine import parse_snapshot
from yiyang_rules.errors import InputError
from yiyang_rules.facts import Facts, facts_from_model
from yiyang_rules.facts_json import Counts, decode_facts
from yiyang_rules.localtime import to_shanghai_date

CORPUS = Path(__file__).resolve().parent / "corpus" / "snapshots"
VALID: dict[str, Any] = json.loads((CORPUS / "valid.json").read_text(encoding="utf-8"))
LIMITS = Limits()


def _plain(value: Any) -> Any:
    """A Facts or a pydantic model as nested builtins, keeping what equality would blur: a date
    stays a date of that day, an enum member is (its class, its value), a bool is not an int."""
    if isinstance(value, msgspec.Struct):
        return {name: _plain(getattr(value, name)) for name in value.__struct_fields__}
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, date):
        return ("date", value.isoformat())
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()} | {"__keys__": [_plain(k) for k in value]}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return (type(value).__name__, value)


def _outcome(decode: Any, data: str | bytes, limits: Limits) -> tuple[str, Any]:
    try:
        return "accepted", _plain(decode(data, "<s>", limits))
    except InputError as exc:
        return "refused", (exc.source, exc.problems)


def assert_same(data: str | bytes, limits: Limits = LIMITS) -> str:
    fast = _outcome(decode_facts, data, limits)
    reference = _outcome(parse_snapshot, data, limits)
    assert fast == reference
    return fast[0]


# --- the bad-input corpus and the hardening tests' inputs ------------------------------------------


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.json")), ids=lambda p: p.name)
def test_every_corpus_file_gets_the_reference_answer(path: Path) -> None:
    assert_same(path.read_bytes())


def _nested(depth: int) -> str:
    inner = "[" * depth + "]" * depth
    return json.dumps(VALID)[:-1] + ', "extensions": {"deep": ' + inner + "}}"


@pytest.mark.parametrize(
    "text",
    [
        _nested(58),
        _nested(59),
        _nested(60),
        _nested(61),
        _nested(62),
        _nested(70),
        _nested(990),
        json.dumps(VALID)[:-1] + ', "extensions": {"n": 9223372036854775807, "m": -9223372036854775808}}',
        json.dumps(VALID)[:-1] + ', "extensions": {"n": 92233720368547758070000}}',
        json.dumps(VALID)[:-1] + ', "extensions": {"n": ' + "9" * 5000 + "}}",
        json.dumps(VALID)[:-1] + ', "extensions": {"n": ' + "9" * 4300 + "}}",
        json.dumps(VALID)[:-1] + ', "extensions": {"n": -' + "9" * 4300 + "}}",
        json.dumps(VALID)[:-1] + ', "extensions": {"n": [' + "9" * 4301 + "]}}",
        json.dumps(VALID)[:-1] + ', "extensions": {"x": 1e400, "y": -0.0, "z": 1.5e-320}}',
        json.dumps(VALID)[:-1] + ', "extensions": {"a": 1, "\\u0061": 2}}',
        json.dumps(VALID)[:-1] + ', "extensions": {"s": "\\ud800"}}',
        json.dumps(VALID)[:-1] + ', "extensions": {"s": NaN}}',
        json.dumps(VALID)[:-1] + ', "schema_version": "1"}',
        json.dumps(VALID)[:-1] + ', "\\u0073chema_version": "1"}',
        "\ufeff" + json.dumps(VALID),
        json.dumps(VALID).encode("utf-8-sig"),
        json.dumps(VALID) + "\n\n",
        json.dumps(VALID) + " x",
        "[" + json.dumps(VALID) + "]",
        '"text"',
        "   ",
        b"\xef\xbb\xbf",
        json.dumps(VALID).encode().replace(b'"', b"\xff", 1),
        json.dumps(VALID).replace('"1"', '"1\\u0000"', 1),
    ],
)
def test_hardening_inputs_get_the_reference_answer(text: str | bytes) -> None:
    assert_same(text)


@pytest.mark.parametrize("depth", [3, 4, 5, 6, 7, 8])
def test_small_depth_limits_get_the_reference_answer(depth: int) -> None:
    limits = Limits(max_depth=depth)
    assert_same(json.dumps(VALID), limits)
    assert_same(_nested(1), limits)


def test_size_limit_gets_the_reference_answer() -> None:
    assert_same(json.dumps(VALID), Limits(max_snapshot_bytes=100))


# --- dates: the two text shapes, offsets, the ends of the calendar --------------------------------

DATE_TEXTS = [
    "2026-03-31",
    "20260331",
    "2026-3-31",
    "2026-02-29",
    "2024-02-29",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2026-13-01",
    "2026-00-10",
    "2026-03-31T20:30:00+08:00",
    "2026-03-31T20:30:00-08:00",
    "2026-03-31T16:00:00Z",
    "2026-03-31T15:59:59.999999Z",
    "2026-03-31T15:59:59.9999999Z",
    "2026-03-31t16:00:00z",
    "2026-03-31 16:00",
    "2026-03-31T16:00",
    "2026-03-31T24:00:00",
    "2026-03-31T23:60:00",
    "2026-03-31T23:59:60",
    "2026-03-31T10:00:00+0800",
    "2026-03-31T10:00:00+24:00",
    "2026-03-31T10:00:00+23:59",
    "2026-03-31T10:00:00-23:59",
    "2026-03-31T10:00:00+08",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-10:00",
    "9999-12-31T23:00:00-10:00",
    "9999-12-31T23:00:00+08:00",
    "1900-01-01T00:00:00Z",
    "1940-06-01T23:30:00Z",
    "1986-05-04T01:30:00+08:00",
    "1986-05-03T16:30:00Z",
    "２０２６-03-31",
    "2026-03-31\n",
    " 2026-03-31",
    "2026-03-31T",
    "",
    "1774915200",
]


@pytest.mark.parametrize("text", DATE_TEXTS)
@pytest.mark.parametrize("field", ["activity", "as_of", "period"])
def test_date_texts_get_the_reference_answer(text: str, field: str) -> None:
    data = copy.deepcopy(VALID)
    if field == "activity":
        data["activities"] = [{"kind": "fire_drill", "date": text}]
    elif field == "as_of":
        data["as_of"] = text
    else:
        data["period"] = {"start": text, "end": text}
    assert_same(json.dumps(data, ensure_ascii=False))


_OFFSETS = st.builds(timezone, st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda minutes: timedelta(minutes=minutes)))


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(timezones=st.none() | st.timezones() | _OFFSETS),
    st.sampled_from(["T", " "]),
)
def test_date_times_become_the_same_shanghai_day(moment: Any, separator: str) -> None:
    text = moment.isoformat(sep=separator)
    data = copy.deepcopy(VALID)
    data["activities"] = [{"kind": "fire_drill", "date": text}]
    if assert_same(json.dumps(data)) == "accepted":
        day = decode_facts(json.dumps(data), "<s>", LIMITS).activities
        assert day is not None
        assert day[0].date == to_shanghai_date(moment)


# --- mutations of a valid snapshot -----------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 150, 151, 2**63 - 1, 2**63, 1.0, 0.5, 20260331]),
    st.text(max_size=12),
    st.sampled_from(DATE_TEXTS),
    st.sampled_from(["medical", "elderly_care", "fire_drill", "admission", "hazard_ledger", "1", "110105"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*here, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from([VALID, _bench().make_snapshot(3, draw(st.integers(0, 50)))]))
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "drop", "add", "copy"]))
        if action == "replace":
            parent[path[-1]] = draw(_VALUES)
        elif action == "drop":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extensions", "note", "id", "date", "x", "as_of"]))] = draw(_VALUES)
        elif action == "copy" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    text = json.dumps(data, ensure_ascii=False)
    if draw(st.booleans()):  # a key given twice, somewhere
        where = draw(st.integers(0, max(0, text.count('":') - 1)))
        position = -1
        for _ in range(where + 1):
            position = text.find('":', position + 1)
        start = text.rfind('"', 0, position) if position > 0 else -1
        if start > 0 and text[start - 1] in "{, ":
            key = text[start : position + 1]
            text = text[:start] + key + ": null, " + text[start:]
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
@example(json.dumps(VALID))
def test_mutated_snapshots_get_the_reference_answer(text: str) -> None:
    assert_same(text)


# --- generated bench snapshots, and that they take the fast path ----------------------------------


def test_generated_snapshots_are_decoded_alike_and_on_the_fast_path() -> None:
    before_fast, before_reference = Counts.fast, Counts.reference
    lines = [json.dumps(_bench().make_snapshot(0, i), ensure_ascii=False).encode() for i in range(150)]
    assert {assert_same(line) for line in lines} == {"accepted"}
    assert Counts.fast - before_fast == len(lines)
    assert Counts.reference - before_reference == 0


def test_a_refusal_takes_the_reference_path_and_a_stricter_refusal_is_still_accepted() -> None:
    before = Counts.reference
    data = copy.deepcopy(VALID)
    data["institution"]["region_code"] = "１１０１０５"  # full-width digits: pydantic's \d takes them
    data["institution"].pop("province", None)
    text = json.dumps(data, ensure_ascii=False)
    assert assert_same(text) in {"accepted", "refused"}
    assert Counts.reference > before


def test_facts_from_a_model_equal_the_decoded_facts() -> None:
    text = json.dumps(_bench().make_snapshot(0, 7), ensure_ascii=False)
    model = parse_snapshot(text)
    assert _plain(facts_from_model(model)) == _plain(decode_facts(text, "<s>", LIMITS)) == _plain(model)
    assert isinstance(facts_from_model(model), Facts)


# --- The fast path's date reader (facts_json._read_day) against pydantic-core's readers, which the
# reference path (LocalDate) uses: whatever text it reads, pydantic-core reads as the same day.

_YEARS = ("0000", "0001", "0002", "1969", "2000", "2023", "2024", "2100", "9998", "9999")
_MONTHS = ("00", "01", "02", "09", "12", "13", "99")
_DAYS = ("00", "01", "28", "29", "30", "31", "32")
_CLOCKS = (
    "00:00", "23:59", "24:00", "12:60", "00:00:00", "23:59:59", "23:59:60", "10:00:00.5", "10:00:00.123456",
    "10:00:00.1234567", "10:00:00.000000001", "10:00:00.",
)  # fmt: skip
_OFFSETS = ("", "Z", "z", "+08:00", "+0800", "-00:00", "+00:00", "-23:59", "+23:59", "+24:00", "-12:60", "+8:00")


def _date_texts() -> list[str]:
    import random  # noqa: PLC0415

    rng = random.Random(9)
    texts = [f"{y}-{m}-{d}" for y in _YEARS for m in _MONTHS for d in _DAYS]
    for _ in range(20_000):
        day = f"{rng.choice(_YEARS)}-{rng.choice(_MONTHS)}-{rng.choice(_DAYS)}"
        texts.append(f"{day}{rng.choice('T ')}{rng.choice(_CLOCKS)}{rng.choice(_OFFSETS)}")
    return texts


def test_the_fast_date_reader_reads_each_text_as_pydantic_core_does() -> None:
    from pydantic_core import SchemaValidator, core_schema  # noqa: PLC0415

    from yiyang_rules.facts import shanghai_date  # noqa: PLC0415
    from yiyang_rules.facts_json import _read_day  # noqa: PLC0415

    readers = (
        SchemaValidator(core_schema.date_schema(strict=False)),
        SchemaValidator(core_schema.datetime_schema(strict=False)),
    )
    read = 0
    for text in _date_texts():
        try:
            fast = _read_day(text)
        except (ValueError, OverflowError):
            continue
        read += 1
        reader = readers[0] if len(text) == len("2026-01-01") else readers[1]
        assert shanghai_date(reader.validate_python(text)) == fast, text
    assert read > 1000  # the plain shapes are read here, not all left to the reference path
