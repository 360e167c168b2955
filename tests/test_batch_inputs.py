"""What ``yiyang check`` reads: files, .jsonl batches, folders, stdin, workbooks; empty and bad inputs."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from batch_helpers import SAMPLE, bad, clean, line, run, sample, write_json, write_jsonl
from yiyang_rules.cli.inputs import Raw, _split_lines, count_inputs, read_inputs, stdin_inputs
from yiyang_rules.render.base import BatchItem


def records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(text) for text in stdout.splitlines()]


def sources(stdout: str) -> list[tuple[str, int | None]]:
    return [(r["source"]["file"], r["source"]["line"]) for r in records(stdout)]


def test_a_folder_is_read_recursively_in_sorted_path_order(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    write_json(folder / "b.json", sample(1))
    write_json(folder / "a" / "z.json", sample(2))
    write_json(folder / "a.json", sample(3))
    write_jsonl(folder / "c.jsonl", [sample(4), clean(5)])
    write_json(folder / ".git" / "x.json", sample(6))  # hidden folders are skipped
    write_json(folder / ".hidden.json", sample(7))
    write_json(folder / "notes.txt", "not a snapshot")
    write_json(folder / "A" / "upper.JSON", sample(8))  # suffixes in any case
    result = run("check", folder, "--format", "json", "--workers", "1")
    assert result.exit_code == 1, result.stderr
    expected = [
        (str(folder / "A" / "upper.JSON"), None),
        (str(folder / "a" / "z.json"), None),
        (str(folder / "a.json"), None),
        (str(folder / "b.json"), None),
        (str(folder / "c.jsonl"), 1),
        (str(folder / "c.jsonl"), 2),
    ]
    assert sources(result.stdout) == expected
    ids = [r["institution"]["id"] for r in records(result.stdout)]
    assert ids == [f"91110108MA0000000{n}" for n in (8, 2, 3, 1, 4)] + ["CLEAN-5"]


def test_files_folders_and_stdin_mix_in_argument_order(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    write_json(folder / "one.json", clean(1))
    single = write_json(tmp_path / "single.json", clean(2))
    result = run("check", single, "-", folder, "--format", "json", stdin=line(clean(3)) + "\n")
    assert result.exit_code == 0, result.stderr
    assert sources(result.stdout) == [(str(single), None), ("<stdin>", 1), (str(folder / "one.json"), None)]
    assert [r["institution"]["id"] for r in records(result.stdout)] == ["CLEAN-2", "CLEAN-3", "CLEAN-1"]


def test_stdin_takes_one_pretty_printed_document() -> None:
    text = json.dumps(sample(), ensure_ascii=False, indent=2)
    result = run("check", "-", "--format", "json", stdin=text)
    assert result.exit_code == 1, result.stderr
    (report,) = records(result.stdout)
    assert report["source"] == {"file": "<stdin>", "line": None}
    assert report["institution"]["id"] == "91110108MA00000000"


def test_stdin_takes_json_lines_even_when_the_first_line_is_broken() -> None:
    text = '{"schema_version": "1",\n' + line(clean(1)) + "\n\n" + line(clean(2)) + "\n"
    result = run("check", "--lang", "en", "-", "--format", "json", stdin=text)
    assert result.exit_code == 2
    assert sources(result.stdout) == [("<stdin>", 1), ("<stdin>", 2), ("<stdin>", 4)]
    assert "error" in records(result.stdout)[0]
    assert "<stdin>:1: not valid JSON" in result.stderr


def test_a_broken_pretty_document_on_stdin_is_one_error_not_one_per_line() -> None:
    text = json.dumps(sample(), ensure_ascii=False, indent=2)[:-3]
    result = run("check", "--lang", "en", "-", "--format", "json", stdin=text)
    assert result.exit_code == 2
    assert sources(result.stdout) == [("<stdin>", None)]
    assert "<stdin>: not valid JSON" in result.stderr


def test_stdin_is_streamed_not_read_whole() -> None:
    class OneWay(io.RawIOBase):
        """A stream that fails if read past the second line before the first is consumed."""

        def __init__(self, lines: list[bytes]) -> None:
            self.lines = lines
            self.given = 0

        def readable(self) -> bool:
            return True

        def readline(self, size: int | None = -1) -> bytes:
            if self.given >= len(self.lines):
                return b""
            self.given += 1
            return self.lines[self.given - 1]

        def __iter__(self) -> Any:
            return iter(self.readline, b"")

    stream = OneWay([(line(clean(i)) + "\n").encode() for i in range(3)])
    entries = stdin_inputs(stream)  # type: ignore[arg-type]
    first = next(entries)
    assert isinstance(first, Raw) and first.source.line == 1
    assert stream.given == 1  # only what was needed so far
    assert [e.source.line for e in entries] == [2, 3]


def test_a_utf8_bom_is_accepted_in_json_and_jsonl(tmp_path: Path) -> None:
    bom = "\ufeff"
    single = write_json(tmp_path / "bom.json", bom + line(clean(1)))
    batch = tmp_path / "bom.jsonl"
    batch.write_text(bom + line(clean(2)) + "\n" + line(clean(3)) + "\n", encoding="utf-8")
    result = run("check", single, batch, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["institution"]["id"] for r in records(result.stdout)] == ["CLEAN-1", "CLEAN-2", "CLEAN-3"]


def test_empty_inputs_check_nothing_and_exit_2(tmp_path: Path) -> None:
    cases = {
        "empty.json": "",
        "spaces.json": "  \n\t\n",
        "empty.jsonl": "",
        "blank-lines.jsonl": "\n   \n\n",
    }
    for name, text in cases.items():
        path = write_json(tmp_path / name, text)
        result = run("check", "--lang", "en", path, "--format", "json")
        assert result.exit_code == 2, (name, result.stdout)
        assert f"{path}: the input is empty" in result.stderr, name
        assert "nothing was judged" in result.stderr.strip().splitlines()[-1]
        (record,) = records(result.stdout)
        assert record["source"]["file"] == str(path) and "error" in record
    for stdin in ("", "   \n\n"):
        result = run("check", "--lang", "en", "-", "--format", "json", stdin=stdin)
        assert result.exit_code == 2
        assert "<stdin>: the input is empty" in result.stderr


def test_an_empty_folder_and_a_missing_path_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write_json(tmp_path / "other" / "readme.txt", "hello")
    result = run(
        "check", "--lang", "en", tmp_path / "empty", tmp_path / "other", tmp_path / "missing.json", "--format", "json"
    )
    assert result.exit_code == 2
    assert f"{tmp_path / 'empty'}: the folder holds no .json, .jsonl or .xlsx file" in result.stderr
    assert f"{tmp_path / 'other'}: the folder holds no" in result.stderr
    assert f"{tmp_path / 'missing.json'}: no such file or folder" in result.stderr
    assert len(records(result.stdout)) == 3


def test_a_broken_workbook_is_an_input_error_in_its_place(tmp_path: Path) -> None:
    workbook = tmp_path / "台账.xlsx"
    workbook.write_bytes(b"PK\x03\x04 not really a workbook")
    result = run("check", SAMPLE, workbook, "--format", "json", "--lang", "en")
    assert result.exit_code == 2
    assert f"error: {workbook}:" in result.stderr and "Traceback" not in result.stderr
    assert [r.get("error") is not None for r in records(result.stdout)] == [False, True]


def test_a_workbook_in_a_folder_is_checked_like_its_json(tmp_path: Path) -> None:
    shutil.copy(SAMPLE.with_suffix(".xlsx"), tmp_path / "台账.xlsx")
    from_workbook = run("check", tmp_path, "--format", "json")
    from_json = run("check", SAMPLE, "--format", "json")
    assert from_workbook.exit_code == from_json.exit_code == 1
    (workbook_report,) = records(from_workbook.stdout)
    (json_report,) = records(from_json.stdout)
    assert workbook_report["source"]["file"].endswith("台账.xlsx")
    assert workbook_report["findings"] == json_report["findings"]


def test_every_bad_line_is_reported_with_its_number_and_the_rest_are_checked(tmp_path: Path) -> None:
    rows: list[Any] = [
        sample(1),
        "not json at all",
        bad(2),
        '{"schema_version": "1", "schema_version": "1"}',
        "[1, 2, 3]",
        '"a string"',
        "9" * 5000,
        "[" * 100_000 + "]" * 100_000,
        clean(3),
    ]
    path = write_jsonl(tmp_path / "mixed.jsonl", rows)
    result = run("check", path, "--format", "json")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr + result.stdout
    out = records(result.stdout)
    assert [r["source"]["line"] for r in out] == list(range(1, 10))
    assert [("error" in r) for r in out] == [False, True, True, True, True, True, True, True, False]
    for number in range(2, 9):
        assert f"{path}:{number}: " in result.stderr, number
    assert "7 of 9 inputs could not be checked" in result.stderr.strip().splitlines()[-1]


def test_count_inputs_matches_what_is_read(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    write_jsonl(tmp_path / "d" / "a.jsonl", [clean(1), "", clean(2)])
    write_json(tmp_path / "d" / "b.json", clean(3))
    write_json(tmp_path / "c.jsonl", "")
    arguments = [str(tmp_path / "d"), str(tmp_path / "c.jsonl"), str(tmp_path / "nope.json")]
    entries = list(read_inputs(arguments))
    assert count_inputs(arguments) == len(entries) == 5
    assert [type(e) for e in entries] == [Raw, Raw, Raw, BatchItem, BatchItem]
    assert count_inputs(["-"]) is None


@pytest.mark.parametrize("block_size", [1, 2, 3, 7, 64, 1 << 20])
def test_jsonl_lines_are_cut_as_iterating_the_file_cuts_them(block_size: int) -> None:
    texts = [
        b"",
        b"\n",
        b"\n\n\n",
        b"no newline at the end",
        b'{"a": 1}\n{"b": 2}\n',
        b'{"a": 1}\r\n\r\n  \n{"b": "\xe2\x80\xa8\xc2\x85"}',
        b"\xef\xbb\xbf{}\n" + b"x" * 200 + b"\n" + b"y" * 150,
    ]
    for text in texts:
        assert list(_split_lines(io.BytesIO(text), block_size)) == list(io.BytesIO(text)), text
