"""Bad snapshots of every kind get an InputError naming the field (library) and exit 2 with the
file and the field on stderr (command line) — never a traceback, never exit 1.

The committed corpus is tests/corpus/snapshots/ with expected.json (file → exit code, field path,
message fragment); inputs that are large or binary are generated here, into tmp_path.
"""

from __future__ import annotations

import codecs
import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from yiyang_rules import Engine, InputError, Report
from yiyang_rules.decoding import Limits
from yiyang_rules.errors import SettingsError

CORPUS = Path(__file__).resolve().parent / "corpus" / "snapshots"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
VALID: dict[str, Any] = json.loads((CORPUS / "valid.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGINE = Engine.load()


def _cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in English (messages follow --lang, zh by default), as a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "yiyang_rules", *map(str, args), "--lang", "en"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        check=False,
        timeout=120,
    )


def _assert_problem(error: InputError, path: str, fragment: str) -> None:
    matching = [p for p in error.problems if p.path == path and fragment in p.en]
    assert matching, f"expected {path!r}: …{fragment}…, got {[str(p) for p in error.problems]}"
    for problem in matching:
        assert CJK.search(problem.zh), f"no Chinese message for {problem}"


# --- the committed corpus ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_library_gives_the_expected_outcome_for_each_corpus_file(name: str) -> None:
    expected = EXPECTED[name]
    if expected["exit"] != 2:
        report = ENGINE.check(CORPUS / name)
        assert isinstance(report, Report)
        assert bool(report.mandatory_violations) == (expected["exit"] == 1)
        return
    with pytest.raises(InputError) as caught:
        ENGINE.check(CORPUS / name)
    assert caught.value.source == str(CORPUS / name)
    _assert_problem(caught.value, expected["path"], expected["message"])


def test_the_corpus_covers_many_kinds_of_bad_input() -> None:
    assert sum(1 for e in EXPECTED.values() if e["exit"] == 2) >= 30


def test_the_cli_exits_2_for_every_bad_corpus_file_naming_file_and_field() -> None:
    """One process per file: each exit code is seen on its own."""
    failures = []
    for name, expected in sorted(EXPECTED.items()):
        done = _cli("check", CORPUS / name, "--format", "json")
        line = f"{name}: exit {done.returncode}, stderr {done.stderr[-300:]!r}"
        if "Traceback" in done.stderr or done.returncode != expected["exit"]:
            failures.append(line)
            continue
        if expected["exit"] == 2:
            wanted = [str(CORPUS / name), expected["message"]]
            if expected["path"]:
                wanted.append(expected["path"])
            if not all(w in done.stderr for w in wanted):
                failures.append(line)
    assert failures == []


def test_one_cli_batch_of_the_whole_corpus_reports_every_file() -> None:
    names = sorted(EXPECTED)
    done = _cli("check", *(CORPUS / n for n in names), "--format", "json")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    # One record per file in input order: a report, or an error record in the bad file's place.
    assert [r["source"]["file"] for r in records] == [str(CORPUS / n) for n in names]
    assert [n for n, r in zip(names, records, strict=True) if "error" in r] == [
        n for n in names if EXPECTED[n]["exit"] == 2
    ]
    for name in names:
        if EXPECTED[name]["exit"] == 2:
            assert str(CORPUS / name) in done.stderr, name


# --- generated: encodings ------------------------------------------------------------------------

VALID_TEXT = json.dumps(VALID, ensure_ascii=False, indent=1)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(codecs.BOM_UTF8 + VALID_TEXT.encode("utf-8"))
    plain = ENGINE.check(VALID_TEXT.encode("utf-8"))
    assert ENGINE.check(path).model_dump() == plain.model_dump()
    assert ENGINE.check("\ufeff" + VALID_TEXT).model_dump() == plain.model_dump()
    done = _cli("check", path, "--format", "json")
    assert done.returncode == 1 and json.loads(done.stdout)["summary"] == plain.model_dump()["summary"]


ENCODED = {
    "utf-16-le-bom": (codecs.BOM_UTF16_LE + VALID_TEXT.encode("utf-16-le"), "UTF-16 LE"),
    "utf-16-be-bom": (codecs.BOM_UTF16_BE + VALID_TEXT.encode("utf-16-be"), "UTF-16 BE"),
    "utf-16-le-no-bom": (VALID_TEXT.encode("utf-16-le"), "UTF-16 LE (without"),
    "utf-16-be-no-bom": (VALID_TEXT.encode("utf-16-be"), "UTF-16 BE (without"),
    "utf-32-bom": (VALID_TEXT.encode("utf-32"), "UTF-32"),
    "gb18030": (VALID_TEXT.encode("gb18030"), "iconv -f GB18030 -t UTF-8"),
    "gbk": (VALID_TEXT.encode("gbk"), "GB18030/GBK"),
    "binary": (b'{"schema_version": "1", "x": "\xff\xfe\xfd\x80\x81"}', "byte 0xff at line 1 column 31"),
}


@pytest.mark.parametrize("label", sorted(ENCODED))
def test_other_encodings_are_named_with_how_to_convert(tmp_path: Path, label: str) -> None:
    data, fragment = ENCODED[label]
    path = tmp_path / f"{label}.json"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        ENGINE.check(path)
    problem = caught.value.problems[0]
    assert fragment in problem.en and CJK.search(problem.zh)
    if label != "binary":
        assert "UTF-8" in problem.en and ("Save As" in problem.en or "iconv" in problem.en)
    with pytest.raises(InputError):  # bytes given to the library: the same path
        ENGINE.check(data)
    done = _cli("check", path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and fragment in done.stderr


# --- generated: depth, size, numbers ------------------------------------------------------------


def _with_extensions(value: Any) -> str:
    return json.dumps({**VALID, "extensions": {"deep": value}}, ensure_ascii=False)


@pytest.mark.parametrize("depth", [70, 990, 5_000, 200_000])
def test_deep_nesting_anywhere_is_an_input_error(tmp_path: Path, depth: int) -> None:
    text = _with_extensions("__X__").replace('"__X__"', "[" * depth + "]" * depth)
    with pytest.raises(InputError, match="nested deeper than 64 levels") as caught:
        ENGINE.check(text)
    assert caught.value.problems[0].path.startswith(("extensions.deep", "line 1 column"))
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    done = _cli("check", path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "nested deeper" in done.stderr


@pytest.mark.parametrize("depth", [70, 3_000, 100_000])
def test_deeply_nested_dicts_from_library_callers_are_input_errors(depth: int) -> None:
    nested: Any = "leaf"
    for _ in range(depth):
        nested = {"a": nested}
    data = copy.deepcopy(VALID)
    data["activities"][0]["extensions"] = nested
    with pytest.raises(InputError, match="nested deeper than 64") as caught:
        ENGINE.check(data)
    assert caught.value.problems[0].path.startswith("activities[0].extensions.a.a")


def test_nesting_within_the_limit_is_fine_and_the_limit_can_be_raised() -> None:
    text = _with_extensions("__X__").replace('"__X__"', "[" * 70 + "]" * 70)
    assert isinstance(ENGINE.check(text, limits=Limits(max_depth=100)), Report)
    assert isinstance(ENGINE.check(_with_extensions([[[[1]]]])), Report)


def test_integers_too_large_are_refused_with_their_path_but_extensions_keep_64_bit_and_beyond() -> None:
    with pytest.raises(InputError) as caught:
        ENGINE.check(_with_extensions("__X__").replace('"__X__"', "9" * 5000))
    _assert_problem(caught.value, "extensions.deep", "5000 digits")
    assert isinstance(ENGINE.check(_with_extensions(2**80)), Report)  # free-form data keeps big numbers
    data = copy.deepcopy(VALID)
    data["residents"][0]["age"] = 2**70
    with pytest.raises(InputError) as caught:
        ENGINE.check(data)
    _assert_problem(caught.value, "residents[0].age", "too large")


def test_snapshot_size_ceiling_from_limits_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(VALID_TEXT, encoding="utf-8")
    small = Limits(max_snapshot_bytes=500)
    for given in (path, VALID_TEXT, VALID_TEXT.encode("utf-8"), VALID):
        with pytest.raises(InputError, match="YIYANG_MAX_SNAPSHOT_BYTES"):
            ENGINE.check(given, limits=small)
    with pytest.raises(InputError, match="more than the limit of 500"):
        Engine.load(limits=small).check(path)
    done = _cli("check", path, env={"YIYANG_MAX_SNAPSHOT_BYTES": "500"})
    assert done.returncode == 2 and "more than the limit of 500" in done.stderr
    assert _cli("check", path, env={"YIYANG_MAX_SNAPSHOT_BYTES": "5000000"}).returncode == 1


def test_limits_from_the_environment_and_bad_settings() -> None:
    assert Limits.from_env({"YIYANG_MAX_DEPTH": "9", "YIYANG_MAX_WINDOW_YEARS": "3"}) == Limits(
        max_depth=9, max_window_years=3
    )
    assert Limits.from_env({}) == Limits()
    for bad in ("ten", "0", "-5"):
        with pytest.raises(SettingsError, match="YIYANG_MAX_DEPTH"):
            Limits.from_env({"YIYANG_MAX_DEPTH": bad})
    with pytest.raises(SettingsError):
        Limits(max_depth=0)
    done = _cli("check", CORPUS / "valid.json", env={"YIYANG_MAX_DEPTH": "lots"})
    assert done.returncode == 2 and "Traceback" not in done.stderr and "YIYANG_MAX_DEPTH" in done.stderr


def test_window_ceiling_bounds_the_report_and_can_be_raised() -> None:
    data = copy.deepcopy(VALID)
    data["period"] = {"start": "1900-01-01", "end": "2026-06-30"}
    with pytest.raises(InputError) as caught:
        ENGINE.check(data)
    _assert_problem(caught.value, "period", "126 years long")
    report = ENGINE.check(data, limits=Limits(max_window_years=200))
    assert len(report.model_dump_json()) < 5_000_000


def test_as_of_after_the_last_checked_year_is_refused_whoever_gives_it() -> None:
    from datetime import date  # noqa: PLC0415

    with pytest.raises(InputError) as caught:
        ENGINE.check(VALID, as_of=date(9999, 12, 31))
    _assert_problem(caught.value, "--as-of", "too late to check")


def test_problems_carry_path_english_and_chinese_for_json_error_records() -> None:
    with pytest.raises(InputError) as caught:
        ENGINE.check(CORPUS / "unknown-enum.json")
    record = caught.value.as_dict()
    problem = record["problems"][0]  # type: ignore[index]
    assert problem["path"] == "activities[0].kind"
    assert "unknown value" in problem["message"]["en"] and "未知取值" in problem["message"]["zh"]


def test_thousands_of_faults_list_the_first_hundred_and_count_the_rest() -> None:
    data = copy.deepcopy(VALID)
    data["activities"] = [{"kind": "fire_inspetion", "date": "2026-01-01"}] * 5000
    with pytest.raises(InputError) as caught:
        ENGINE.check(data)
    problems = caught.value.problems
    assert len(problems) == 101 and problems[0].path == "activities[0].kind"
    assert "4,900 more problems" in problems[-1].en and "4,900" in problems[-1].zh
    text = json.dumps(VALID)[:-1] + "".join(f',"e{i}": 1, "e{i}": 2' for i in range(300)) + "}"
    with pytest.raises(InputError) as caught:
        ENGINE.check(text)
    assert len(caught.value.problems) == 101 and "200 more problems" in caught.value.problems[-1].en


def test_calendar_overflow_inside_the_evaluation_becomes_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard behind the up-front limits: arithmetic that still leaves years 1..9999 (a rule's
    deadline computed from a date near the ends) is bad input naming the dates, not a crash."""
    import yiyang_rules.engine as engine_module  # noqa: PLC0415

    def overflowing(*_args: Any) -> Report:
        from datetime import date, timedelta  # noqa: PLC0415

        return date(9999, 12, 31) + timedelta(days=1)  # type: ignore[return-value]

    monkeypatch.setattr(engine_module, "evaluate", overflowing)
    data = copy.deepcopy(VALID)
    data["hazards"] = [{"id": "H9", "found": "9999-12-30"}]
    with pytest.raises(InputError) as caught:
        ENGINE.check(data)
    assert "hazards[0].found = 9999-12-30" in caught.value.problems[0].en
    monkeypatch.setattr(engine_module, "evaluate", lambda *_a: int("not a number"))
    with pytest.raises(ValueError, match="invalid literal"):  # a bug stays a bug
        ENGINE.check(VALID)
