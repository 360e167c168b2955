"""Laws of the workbook: import(export(s)) == s, and a workbook checks like its JSON.

Snapshots are generated from the snapshot model itself (field by field, from the annotations), so a
field added to the model is generated, exported and read back here without a change to this file.
"""

from __future__ import annotations

import json
import re
import typing
import unicodedata
from datetime import date
from enum import StrEnum
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pydantic import BaseModel

from yiyang_rules.engine import Engine, to_snapshot
from yiyang_rules.errors import InputError
from yiyang_rules.jurisdiction import PROVINCES
from yiyang_rules.snapshot import Snapshot
from yiyang_rules.workbook.layout import _unwrap
from yiyang_rules.workbook.reader import read_workbook, workbook_json
from yiyang_rules.workbook.writer import write_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
BUNDLED = ROOT / "examples" / "beijing-sample.xlsx"


@cache
def engine() -> Engine:
    return Engine.load()


# -- snapshots from the model ----------------------------------------------------------------------
_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
# Free text is kept exactly as typed; only a cell of nothing but spaces reads as blank.
TEXT = st.text(_CHARS, min_size=1, max_size=12).filter(lambda t: not re.fullmatch(r"\s*", t))
# Identifiers are read NFKC-normalised without surrounding spaces (full-width digits → ASCII).
IDS = (
    st.text(_CHARS, min_size=1, max_size=8)
    .map(lambda t: unicodedata.normalize("NFKC", t).strip())
    .filter(lambda t: t != "" and unicodedata.normalize("NFKC", t) == t)
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def _value(name: str, tp: Any) -> st.SearchStrategy[Any]:
    if tp is date:
        return st.dates().map(date.isoformat)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(0, 150)
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        return st.sampled_from([m.value for m in tp])
    if tp is str:
        return IDS if name == "id" else TEXT
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return model_strategy(tp)
    origin = typing.get_origin(tp)
    if origin is Literal:
        return st.just(typing.get_args(tp)[0])
    if origin is list:
        inner, _ = _unwrap(typing.get_args(tp)[0])
        return st.lists(_value(name, inner), min_size=1 if name == "kinds" else 0, max_size=3)
    if origin is dict:
        key, _ = _unwrap(typing.get_args(tp)[0])
        if isinstance(key, type) and issubclass(key, StrEnum):
            return st.dictionaries(st.sampled_from([m.value for m in key]), st.booleans(), max_size=4)
        return st.dictionaries(TEXT, JSON_VALUES, max_size=3)
    raise AssertionError(f"no strategy for {name}: {tp!r}")


def model_strategy(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        tp, optional = _unwrap(info.annotation)
        strategy = _value(name, tp)
        fields[name] = st.none() | strategy if optional or not info.is_required() else strategy
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


def _fix(data: dict[str, Any], province: int, region: int | None) -> dict[str, Any]:
    """The model's cross-field rules: ordered period, bounded counts, a province that exists."""
    start, end = sorted([data["period"]["start"], data["period"]["end"]])
    data["period"] = {"start": start, "end": end}
    for section, (small, big) in (
        ("pressure_ulcers", ("new_grade2_plus", "residents")),
        ("training", ("staff_trained", "staff_in_scope")),
    ):
        counts = (data.get("quality") or {}).get(section)
        if counts:
            low, high = sorted([counts[small], counts[big]])
            counts.update({small: low, big: high})
    institution = data["institution"]
    chosen = PROVINCES[province]
    institution["province"] = chosen.name
    institution.pop("region_code", None)
    if region is not None:
        institution["region_code"] = chosen.code[:2] + f"{region:04d}"
    # Residents, hazards and agreements are one entry per id (a repeated id is an input error), and
    # a resident's assessments are tied to the resident by id in the workbook.
    for records in ("residents", "hazards", "agreements"):
        for index, record in enumerate(data.get(records) or []):
            record["id"] = f"{record['id']}-{index}"
    for resident in data.get("residents") or []:
        if resident.get("age", 0) > 150:
            resident["age"] = 150
    return data


SNAPSHOTS = st.builds(
    _fix,
    model_strategy(Snapshot),
    st.integers(0, len(PROVINCES) - 1),
    st.none() | st.integers(0, 9999),
).map(lambda d: Snapshot.model_validate_json(json.dumps(d)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(SNAPSHOTS, st.sampled_from(["zh", "en"]))
def test_import_of_export_gives_the_snapshot_back(snapshot: Snapshot, lang: str) -> None:
    catalog = engine().catalog_for(snapshot)
    assert read_workbook(write_workbook(snapshot, catalog, lang)) == snapshot


def test_the_sample_round_trips_and_checks_the_same_as_its_json() -> None:
    snapshot = to_snapshot(SAMPLE)
    content = write_workbook(snapshot, engine().catalog_for(snapshot))
    assert read_workbook(content) == snapshot
    day = date(2026, 9, 10)
    from_json = engine().check(SAMPLE.read_bytes(), as_of=day)
    from_workbook = engine().check(workbook_json(content), as_of=day)
    assert from_workbook.model_dump() == from_json.model_dump()
    assert from_json.summary.non_compliant > 0  # the comparison is not between two empty reports


def _cells(content: bytes | Path) -> dict[str, list[tuple[Any, ...]]]:
    source = BytesIO(content) if isinstance(content, bytes) else content
    book = load_workbook(source, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def test_the_bundled_workbook_is_the_export_of_the_bundled_sample() -> None:
    """Regenerate with: yiyang export examples/beijing-sample.json -o examples/beijing-sample.xlsx"""
    snapshot = to_snapshot(SAMPLE)
    assert read_workbook(BUNDLED) == snapshot
    fresh = write_workbook(snapshot, engine().catalog_for(snapshot))
    assert _cells(BUNDLED) == _cells(fresh), (
        "examples/beijing-sample.xlsx is stale (the rules or the layout changed): "
        "yiyang export examples/beijing-sample.json -o examples/beijing-sample.xlsx"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_list_and_an_unknown_list_stay_apart(lang: str) -> None:
    base = json.loads(SAMPLE.read_text(encoding="utf-8"))
    for value in ([], None):
        data = {**base, "agreements": value, "policies": {} if value == [] else None}
        data = {k: v for k, v in data.items() if v is not None}
        snapshot = Snapshot.model_validate_json(json.dumps(data))
        back = read_workbook(write_workbook(snapshot, engine().catalog_for(snapshot), lang))
        assert back.agreements == value
        assert back.policies == ({} if value == [] else None)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(SNAPSHOTS)
def test_checking_the_workbook_gives_the_report_of_the_json(snapshot: Snapshot) -> None:
    day = date(2026, 9, 10)
    content = write_workbook(snapshot, engine().catalog_for(snapshot))
    try:
        from_json = engine().check(snapshot.model_dump_json(exclude_unset=True).encode(), as_of=day)
    except InputError as refused:  # e.g. a window past the engine's limit: the workbook is refused alike
        with pytest.raises(InputError) as caught:
            engine().check(workbook_json(content), as_of=day)
        assert caught.value.problems == refused.problems
        return
    from_workbook = engine().check(workbook_json(content), as_of=day)
    assert from_workbook.model_dump() == from_json.model_dump()
