"""The compiled decoder (facts_json.decode_facts) against the reference path (scan_json + pydantic):
for every input both accept with equal content, or both refuse with the same InputError. A false
acceptance by the fast path is the bug these tests are for; the fast path must also really be
taken for valid snapshots, or it would be no faster."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta, timezone
from enum import Enum
from functools import partial
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
from yiyang_rules.facts import (
    Activity,
    Agreement,
    Assessment,
    Facts,
    Hazard,
    HazardPlan,
    Resident,
    ShanghaiDate,
    Window,
    facts_from_model,
)
from yiyang_rules.facts_json import AGREEMENT_DATES, Counts, decode_facts
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
    "2026-03-31T1０:00:00Z",
    "2026-03-31T10:00:00+０８:00",
    "2024-02-29T23:30:00+08:00",
    "2024-02-28T16:00:00Z",
    "2023-02-28T16:00:00Z",
    "2024-02-29T16:00:00-00:30",
    "2026-12-31T16:00:00Z",
    "2026-12-31T15:59:59.999999999Z",
    "2027-01-01T00:00:00+08:00",
    "2027-01-01T07:59:59+23:59",
    "2026-03-31T20:30:00.5+08:00",
    "2026-03-31T20:30:00,5+08:00",
    "2026-03-31T20:30:00.+08:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+08:00",
    "0001-01-01T07:59:59+08:00",
    "9999-12-31T15:59:59Z",
    "9999-12-31T16:00:00Z",
    "9999-12-31T23:59:59+08:00",
    "9999-12-31",
    "2026-02-29T10:00:00Z",
    "2026-04-31",
    "2026-03-31T10:00:00Z ",
    "2026-03-31T10:00:00 Z",
    "2026-03-31\n",
    " 2026-03-31",
    "2026-03-31T",
    "",
    "1774915200",
]


def _put_in_agreement(name: str, data: dict[str, Any], text: str) -> None:
    data["agreements"][1][name] = text


# Where a date text can go, each a function that puts it there: every date field of Facts.
DATE_FIELDS: dict[str, Any] = {
    "activity": lambda data, text: data.update(activities=[{"kind": "fire_drill", "date": text}]),
    "as_of": lambda data, text: data.update(as_of=text),
    "period": lambda data, text: data.update(period={"start": text, "end": text}),
    "admitted": lambda data, text: data["residents"][0].update(admitted=text),
    "discharged": lambda data, text: data["residents"][0].update(discharged=text),
    "assessment": lambda data, text: data["residents"][1].update(assessments=[{"kind": "admission", "date": text}]),
    "found": lambda data, text: data["hazards"][0].update(found=text),
    "rectified": lambda data, text: data["hazards"][0].update(rectified=text),
    "deadline": lambda data, text: data["hazards"][1].update(plan={"deadline": text}),
    **{name: partial(_put_in_agreement, name) for name in AGREEMENT_DATES},
}


def _dated(field: str, text: str) -> str:
    data = copy.deepcopy(VALID)
    DATE_FIELDS[field](data, text)
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("text", DATE_TEXTS)
@pytest.mark.parametrize("field", sorted(DATE_FIELDS))
def test_date_texts_get_the_reference_answer(text: str, field: str) -> None:
    assert_same(_dated(field, text))


def test_every_date_field_of_facts_is_tested() -> None:
    """DATE_FIELDS above and _days_of_moments know the date fields by name: a new one must be
    added to both (the test below then checks that a date-time in it stays on the fast path)."""
    names = set()
    for struct in (Window, Activity, Assessment, Resident, HazardPlan, Hazard, Agreement, Facts):
        for field in msgspec.structs.fields(struct):
            if field.type in (date, ShanghaiDate) or field.type == date | None:
                names.add(field.name)
    assert names == {"start", "end", "date", "admitted", "discharged", "found", "rectified", "deadline", "as_of"} | set(
        AGREEMENT_DATES
    )


@pytest.mark.parametrize("field", sorted(DATE_FIELDS))
@pytest.mark.parametrize("text", ["2026-03-31T20:30:00+08:00", "2026-03-31T16:00:00Z", "2026-03-31 23:59"])
def test_a_date_time_in_any_date_field_is_read_on_the_fast_path(field: str, text: str) -> None:
    before = Counts.fast
    assert assert_same(_dated(field, text)) == "accepted"
    assert Counts.fast == before + 1


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


def test_decoded_facts_turn_back_into_the_same_snapshot_model() -> None:
    # to_snapshot(Facts) encodes the Facts and validates the JSON: an activity's date is a
    # ShanghaiDate, which msgspec does not encode by itself (a TypeError before the fix).
    from yiyang_rules.engine import to_snapshot  # noqa: PLC0415

    text = json.dumps(_bench().make_snapshot(0, 7), ensure_ascii=False)
    facts = decode_facts(text, "<s>", LIMITS)
    assert facts.activities
    assert to_snapshot(facts) == parse_snapshot(text)


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


# --- duplicate keys: msgspec keeps the last value silently, so the fast path must find them ----------

# A snapshot with every kind of object: each Struct, each vocabulary dict, extensions at two depths.
FULL: dict[str, Any] = copy.deepcopy(VALID) | {
    "policies": {"service_management": True, "quality_safety_management": False},
    "quality": {"training": {"staff_in_scope": 5, "staff_trained": 3}},
    "tcm_techniques": [{"name": "艾灸", "category": "灸类"}],
    "extensions": {"vendor": {"name": "x", "list": [{"k": 1}]}},
}
FULL["activities"][0]["date"] = "2026-01-08T10:00:00+08:00"
FULL["residents"][1]["assessments"] = [{"kind": "admission", "date": "2026-02-01"}]
FULL["hazards"][1]["plan"] = {"deadline": "2026-05-01", "responsible": "王"}

# (a key:value as json.dumps writes it in FULL, the object it sits in)
KEYS_IN_FULL = [
    '"as_of": "2026-07-10"',
    '"start": "2026-01-01"',
    '"id": "CORPUS-1"',
    '"kinds": ["elderly_care"]',
    '"kind": "fire_inspection"',
    '"date": "2026-01-08T10:00:00+08:00"',
    '"admitted": "2025-03-01"',
    '"kind": "admission"',
    '"deadline": "2026-05-01"',
    '"found": "2026-04-01"',
    '"signed": "2025-06-01"',
    '"staff_trained": 3',
    '"service_management": true',
    '"name": "艾灸"',
    '"vendor": {',
    '"name": "x"',
    '"k": 1',
]


def _escaped(pair: str) -> str:
    """The same key with its first letter as a \\u escape: the same key once decoded."""
    return f'"\\u{ord(pair[1]):04x}' + pair[2:]


@pytest.mark.parametrize("pair", KEYS_IN_FULL)
@pytest.mark.parametrize("spelling", ["same", "escaped", "null-second", "other-value"])
@pytest.mark.parametrize("separators", [(", ", ": "), (",", ":")])
def test_a_key_given_twice_is_refused_like_the_reference(pair: str, spelling: str, separators: tuple[str, str]) -> None:
    text = json.dumps(FULL, ensure_ascii=False)
    assert text.count(pair) >= 1
    key, value = pair.split(": ", 1)
    if value.endswith("{"):  # an object follows: the key's first appearance gets a small value
        first = {"same": f"{key}: {{}}", "escaped": _escaped(f"{key}: 0"), "null-second": f"{key}: null"}
        twice = f"{first.get(spelling, key + ': 0')}, {pair}"
    else:
        twice = {
            "same": f"{pair}, {pair}",
            "escaped": f"{_escaped(pair)}, {pair}",
            "null-second": f"{pair}, {key}: null",
            "other-value": f"{key}: 0, {pair}",
        }[spelling]
    text = text.replace(pair, twice, 1)
    if separators == (",", ":"):
        text = json.dumps(json.loads(text, object_pairs_hook=list), ensure_ascii=False, separators=separators)
        text = _objects_again(text)
    assert assert_same(text) == "refused"


def _objects_again(text: str) -> str:
    """object_pairs_hook=list writes objects as lists of pairs: write them as objects again, keeping
    every pair (json.dumps of a dict would drop the duplicate)."""
    value = json.loads(text)

    def write(node: Any) -> str:
        if (
            isinstance(node, list)
            and node
            and all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in node)
        ):
            return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + write(v) for k, v in node) + "}"
        if isinstance(node, list):
            if not node:
                return "{}"  # an empty object and an empty list both come back as []: FULL has no empty list
            return "[" + ",".join(write(item) for item in node) + "]"
        return json.dumps(node, ensure_ascii=False)

    return write(value)


def test_the_duplicate_helpers_write_what_they_mean() -> None:
    text = json.dumps(FULL, ensure_ascii=False)
    compact = _objects_again(json.dumps(json.loads(text, object_pairs_hook=list), ensure_ascii=False))
    assert json.loads(compact) == FULL
    assert json.loads("{" + _escaped('"kind": 1') + "}") == {"kind": 1}


@pytest.mark.parametrize(
    "change",
    [
        lambda text: text,
        lambda text: text.replace('"name": "x"', '"name": "say \\"hi\\": now"'),
        lambda text: text.replace('"name": "x"', '"name": "\\u0022:\\u0022"'),
        lambda text: text.replace('"name": "x"', '"name": ":", "n2": "\\":"'),
        lambda text: text.replace('"id": "a1", ', '"id": "a1", "topic": null, "note": null, '),
        lambda text: text.replace('"province": "hebei"', '"province": "hebei", "qualifications": {}'),
        lambda text: text.replace(
            '"province": "hebei"', '"province": "hebei", "qualifications": {"clinic_filing": null}'
        ),
        lambda text: text.replace('"name": "x"', '"name" : "x" , "n2"\n:\t"y"'),
        lambda text: text.replace('"name": "x"', '"na\\u006de": "x"'),
        lambda text: text.replace('"found": "2026-04-01"', '"found": "2026-04-01T10:00:00Z"'),
    ],
)
def test_text_the_count_cannot_vouch_for_is_still_accepted_alike(change: Any) -> None:
    text = change(json.dumps(FULL, ensure_ascii=False))
    assert assert_same(text) == "accepted"


def test_a_plain_snapshot_needs_no_second_parse() -> None:
    before_direct, before_fast = Counts.direct, Counts.fast
    for text in [json.dumps(FULL), json.dumps(FULL, ensure_ascii=False), json.dumps(FULL, indent=2)]:
        assert assert_same(text) == "accepted"
    assert Counts.fast - before_fast == 3
    assert Counts.direct - before_direct == 3


def test_an_absent_field_is_not_encoded_so_the_count_holds() -> None:
    """The premise of facts_json._keys_once: encoding writes a key only where the text gave one
    (omit_defaults, and one shared Qualifications as the default, compared by identity)."""
    minimal = {
        "schema_version": "1",
        "period": VALID["period"],
        "institution": {"id": "i", "name": "n", "kinds": ["medical"], "province": "p"},
    }
    facts = decode_facts(json.dumps(minimal), "<s>", LIMITS)
    assert json.loads(msgspec.json.encode(facts)) == minimal
    given = minimal | {"institution": minimal["institution"] | {"qualifications": {}}}
    assert json.loads(msgspec.json.encode(decode_facts(json.dumps(given), "<s>", LIMITS))) == given


# --- numbers in extensions: msgspec reads them, pydantic (jiter) does on the reference path ---------

_NUMBER_TEXTS = st.from_regex(r"-?(0|[1-9][0-9]{0,24})(\.[0-9]{1,24})?([eE][+-]?[0-9]{1,3})?", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NUMBER_TEXTS | st.floats(allow_nan=False, allow_infinity=False).map(repr), min_size=1, max_size=5))
@example(["1e308", "1.7976931348623157e308", "2.2250738585072011e-308", "4.9e-324", "5e-325", "-0.0", "0.1"])
@example(["9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616"])
def test_numbers_in_extensions_are_read_alike(numbers: list[str]) -> None:
    text = json.dumps(VALID)[:-1] + ', "extensions": {"n": [' + ", ".join(numbers) + "]}}"
    assert_same(text)


# --- the garbage collector ----------------------------------------------------------------------------


def test_facts_are_not_tracked_by_the_garbage_collector_but_what_they_hold_is() -> None:
    import gc  # noqa: PLC0415

    facts = decode_facts(json.dumps(FULL), "<s>", LIMITS)
    assert facts.activities is not None and facts.extensions is not None
    assert not gc.is_tracked(facts)
    assert not gc.is_tracked(facts.activities[0])
    assert gc.is_tracked(facts.activities)
    assert gc.is_tracked(facts.extensions)


@pytest.mark.parametrize("quotes", ["\\u0022\\u0022", '\\"\\"', "\\u0022\\u0022\\u0022\\u0022"])
def test_escaped_quotes_cannot_hide_a_key_given_twice(quotes: str) -> None:
    """Each decoded quotation mark is written again escaped, one more mark than a \\u0022 in the
    text: two of them would balance the two marks a duplicate key loses."""
    text = json.dumps(FULL, ensure_ascii=False).replace('"name": "x"', f'"name": "{quotes}", "k": 1', 1)
    assert assert_same(text) == "accepted"
    assert assert_same(text.replace('"k": 1', '"k": 1, "k": 1', 1)) == "refused"
    assert (
        assert_same(text.replace('"as_of": "2026-07-10"', '"as_of": "2026-07-10", "as_of": "2026-07-10"', 1))
        == "refused"
    )
