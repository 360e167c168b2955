"""Whatever a snapshot file holds, the engine answers with a report or an InputError naming what is
wrong — never another exception (the command line turns InputError into exit 2, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from yiyang_rules import Engine, InputError, Report

SAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "examples" / "beijing-sample.json").read_text(encoding="utf-8")
)
ENGINE = Engine.load()

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["2026-02-30", "20260331", "2026-03-31T20:30:00Z", "fire_inspetion", "北京", "999999", ""]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, child in node.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found.extend(_paths(child, (*prefix, index)))
    return found


PATHS = _paths(SAMPLE)


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(data))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(PATHS), value=values)
def test_any_single_field_replaced_gives_a_report_or_an_input_error(path: tuple[Any, ...], value: Any) -> None:
    mutated = _replace(SAMPLE, path, value)
    try:
        result = ENGINE.check(json.dumps(mutated, ensure_ascii=False), source="fuzz.json")
    except InputError as error:
        assert error.problems and error.source == "fuzz.json"
        return
    assert isinstance(result, Report) and len(result.findings) > 0


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_arbitrary_text_gives_an_input_error(text: str) -> None:
    try:
        ENGINE.check(text if text.lstrip().startswith("{") else "{" + text, source="junk.json")
    except InputError as error:
        assert error.problems
