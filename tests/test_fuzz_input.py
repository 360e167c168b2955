"""Whatever a snapshot file holds, the engine answers with a report or an InputError naming what is
wrong — never another exception (the command line turns InputError into exit 2, no traceback).

The CI run is short. ``YIYANG_FUZZ_EXAMPLES=N`` multiplies every test's example count by N for a
longer hunt (docs/bad-input.md): ``YIYANG_FUZZ_EXAMPLES=50 pytest -q tests/test_fuzz_input.py``.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiyang_rules import Engine, InputError, Report

SCALE = max(1, int(os.environ.get("YIYANG_FUZZ_EXAMPLES", "1") or "1"))


def examples(count: int) -> int:
    """The example count of one test, scaled by YIYANG_FUZZ_EXAMPLES."""
    return count * SCALE


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


@settings(max_examples=examples(150), deadline=None)
@given(path=st.sampled_from(PATHS), value=values)
def test_any_single_field_replaced_gives_a_report_or_an_input_error(path: tuple[Any, ...], value: Any) -> None:
    mutated = _replace(SAMPLE, path, value)
    try:
        result = ENGINE.check(json.dumps(mutated, ensure_ascii=False), source="fuzz.json")
    except InputError as error:
        assert error.problems and error.source == "fuzz.json"
        return
    assert isinstance(result, Report) and len(result.findings) > 0


@settings(max_examples=examples(100), deadline=None)
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_arbitrary_text_gives_an_input_error(text: str) -> None:
    try:
        ENGINE.check(text if text.lstrip().startswith("{") else "{" + text, source="junk.json")
    except InputError as error:
        assert error.problems


def _check(data: Any) -> Report | InputError:
    """The only two outcomes allowed: a report, or an InputError with at least one problem."""
    try:
        result = ENGINE.check(data, source="fuzz")
    except InputError as error:
        assert error.problems and all(p.en and p.zh for p in error.problems)
        return error
    assert isinstance(result, Report) and result.findings
    return result


# Values at the edges: extreme dates, numbers past 64 bits, markup, control characters.
edge_scalars = st.one_of(
    scalars,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "9999-12-31",
            "0001-01-01",
            "2026-02-29",
            "2024-02-29",
            "[bold]x[/bold]",
            "\x1b[31mred\x1b[0m",
            "\u202e",
            "\x00",
            "R1",
        ]
    ),
)
edge_values = st.recursive(
    edge_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=examples(150), deadline=None)
@given(
    changes=st.lists(st.tuples(st.sampled_from(PATHS), edge_values), min_size=1, max_size=4),
    as_of=st.sampled_from([None, "9999-12-31", "0001-01-01", "2026-09-10"]),
)
def test_several_fields_at_their_edges_give_a_report_or_an_input_error(
    changes: list[tuple[tuple[Any, ...], Any]], as_of: str | None
) -> None:
    mutated = SAMPLE
    for path, value in changes:
        try:
            mutated = _replace(mutated, path, value)
        except (TypeError, KeyError, IndexError):
            continue  # an earlier change replaced this path's parent
    if as_of is not None:
        mutated = {**mutated, "as_of": as_of}
    _check(json.dumps(mutated, ensure_ascii=False))
    _check(mutated)  # a mapping from a library caller takes the same path


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(depth=st.integers(1, 3000), opener=st.sampled_from(["[", '{"a":']), where=st.sampled_from(PATHS[:40]))
def test_any_nesting_depth_anywhere_gives_a_report_or_an_input_error(depth: int, opener: str, where: Any) -> None:
    closer = "]" if opener == "[" else "}"
    mutated = _replace(SAMPLE, where, "__DEEP__")
    text = json.dumps(mutated, ensure_ascii=False).replace('"__DEEP__"', opener * depth + "1" + closer * depth)
    _check(text)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "gbk", "big5"]


@settings(max_examples=examples(60), deadline=None)
@given(encoding=st.sampled_from(ENCODINGS), path=st.sampled_from(PATHS), value=scalars)
def test_any_encoding_gives_a_report_or_an_input_error_naming_it(encoding: str, path: Any, value: Any) -> None:
    text = json.dumps(_replace(SAMPLE, path, value), ensure_ascii=False)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    outcome = _check(data)
    if encoding.startswith(("utf-16", "utf-32")):
        assert isinstance(outcome, InputError) and "UTF-" in outcome.problems[0].en
    if encoding == "utf-8-sig" and isinstance(outcome, InputError):
        assert not outcome.problems[0].en.startswith("the file is")


@settings(max_examples=examples(100), deadline=None)
@given(data=st.binary(max_size=300), prefix=st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"{"]))
def test_arbitrary_bytes_give_an_input_error(data: bytes, prefix: bytes) -> None:
    _check(prefix + data)


# --- the .jsonl path of the command line: every line accounted for ----------------------------

line_kinds = st.one_of(
    st.just(json.dumps(SAMPLE, ensure_ascii=False)),
    st.builds(
        lambda path, value: json.dumps(_replace(SAMPLE, path, value), ensure_ascii=False),
        st.sampled_from(PATHS),
        edge_values,
    ),
    st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and "\n" not in t and "\r" not in t),
    st.sampled_from(['{"schema_version": "1"}', "[]", "null", "{" * 5000, '{"a": 1, "a": 2}', "\ufeff{}"]),
)


@settings(max_examples=examples(6), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(line_kinds, min_size=1, max_size=8))
def test_cli_jsonl_exits_0_1_or_2_and_accounts_for_every_line(tmp_path_factory: Any, lines: list[str]) -> None:
    lines = [line for line in lines if "\x85" not in line and "\u2028" not in line and "\u2029" not in line]
    if not lines:
        return
    folder = tmp_path_factory.mktemp("jsonl")
    path = folder / "batch.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + b"\n")
    done = subprocess.run(
        [sys.executable, "-m", "yiyang_rules", "check", str(path), "--format", "json"],
        capture_output=True,
        check=False,
        timeout=300,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode in (0, 1, 2) and "Traceback" not in stderr, stderr
    records = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines() if line.strip()]
    bad_lines = {int(n) for n in re.findall(re.escape(str(path)) + r":(\d+)", stderr)}
    expected_bad = {number for number, line in enumerate(lines, start=1) if line.strip()}
    # One output record per non-blank line, in order: a report, or an error record in its place.
    assert [r["source"]["line"] for r in records] == sorted(expected_bad), stderr[-500:]
    errors = {r["source"]["line"] for r in records if "error" in r}
    assert errors == bad_lines, (sorted(errors), sorted(bad_lines), stderr[-500:])
    assert (done.returncode == 2) == bool(bad_lines)
    # The library judges each line the same way the command line did.
    library_bad = {
        n
        for n, line in enumerate(lines, start=1)
        if isinstance(_check(line.encode("utf-8", "surrogatepass")), InputError)
    }
    assert library_bad == bad_lines
