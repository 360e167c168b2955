"""The settings file: yiyang.toml or [tool.yiyang] in pyproject.toml, found upwards; the command line
overrides it; unknown keys and wrong values are errors naming the file and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batch_helpers import SAMPLE, clean, run, sample, write_jsonl
from yiyang_rules.cli.config import Config, ConfigError, FailOn, Language, find_config, load_config
from yiyang_rules.render import RENDERERS


@pytest.fixture(autouse=True)
def _discovery_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YIYANG_NO_CONFIG", raising=False)


def test_yiyang_toml_is_found_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "yiyang.toml").write_text(
        'jurisdiction = "national"\nlang = "en"\nformat = "json"\nfail_on = "recommended"\nworkers = 1\n',
        encoding="utf-8",
    )
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    config = load_config(RENDERERS)
    assert config == Config(
        origin=tmp_path / "yiyang.toml",
        jurisdiction="national",
        lang=Language.en,
        format="json",
        fail_on=FailOn.recommended,
        workers=1,
    )
    result = run("check", SAMPLE)
    report = json.loads(result.stdout)  # format = "json" from the file
    assert report["jurisdiction"] == ["national"]  # jurisdiction from the file, not the sample's Beijing


def test_the_command_line_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "yiyang.toml").write_text('format = "json"\njurisdiction = "national"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", SAMPLE, "-f", "markdown", "-j", "beijing")
    assert result.stdout.startswith("#") and "京卫老龄" in result.stdout


def test_fail_on_from_the_file_sets_the_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = write_jsonl(tmp_path / "b.jsonl", [clean(1)])
    monkeypatch.chdir(tmp_path)
    assert run("check", batch, "-f", "json").exit_code == 0
    (tmp_path / "yiyang.toml").write_text('fail-on = "insufficient"\n', encoding="utf-8")
    assert run("check", batch, "-f", "json").exit_code == 1
    assert run("check", batch, "-f", "json", "--fail-on", "mandatory").exit_code == 0


def test_pyproject_tool_table_and_pyprojects_without_one_are_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.yiyang]\nlang = "en"\n', encoding="utf-8")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\nline-length = 99\n', encoding="utf-8")
    monkeypatch.chdir(inner)
    found = find_config(inner)
    assert found is not None and found[0] == tmp_path / "pyproject.toml"
    assert load_config(RENDERERS).lang is Language.en
    result = run("check", SAMPLE)
    assert "non-compliant" in result.stdout


def test_yiyang_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.yiyang]\nlang = "en"\n', encoding="utf-8")
    (tmp_path / "yiyang.toml").write_text('lang = "zh"\n', encoding="utf-8")
    assert load_config(RENDERERS, start=tmp_path).lang is Language.zh


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('formt = "json"\n', "unknown key 'formt'"),
        ('lang = "fr"\n', "lang: must be one of zh, en, not 'fr'"),
        ('format = "pdf"\n', "format: must be one of"),
        ("workers = 0\n", "workers: must be a whole number of at least 1"),
        ("workers = true\n", "workers: must be a whole number"),
        ('fail_on = "optional"\n', "fail_on: must be one of mandatory, recommended, insufficient"),
        ('jurisdiction = ""\n', "jurisdiction: must be a non-empty string"),
        ('lang = "en"\nlang = "zh"\n', "not valid TOML"),
        ('fail_on = "mandatory"\nfail-on = "recommended"\n', "given twice"),
    ],
)
def test_a_wrong_file_is_an_error_naming_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    config = tmp_path / "yiyang.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"yiyang\.toml") as caught:
        load_config(RENDERERS)
    assert expected in str(caught.value) and str(config) in str(caught.value)
    result = run("check", SAMPLE)
    assert result.exit_code == 2
    assert str(config) in result.stderr and expected in result.stderr


def test_a_wrong_pyproject_table_names_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.yiyang]\njurisdicton = "beijing"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml \[tool.yiyang\]: unknown key 'jurisdicton'"):
        load_config(RENDERERS, start=tmp_path)


def test_an_explicit_config_and_turning_discovery_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "yiyang.toml").write_text('format = "json"\n', encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('format = "markdown"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("check", SAMPLE, "--config", other).stdout.startswith("#")
    missing = run("check", SAMPLE, "--config", tmp_path / "nope.toml")
    assert missing.exit_code == 2 and "nope.toml: no such file" in missing.stderr
    monkeypatch.setenv("YIYANG_NO_CONFIG", "1")
    table = run("check", SAMPLE).stdout  # the default format again: the table
    assert "不合规" in table and not table.startswith("{")


def test_workers_from_the_file_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "yiyang.toml").write_text("workers = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    batch = write_jsonl(tmp_path / "b.jsonl", [sample(i) for i in range(3)])
    result = run("check", batch, "-f", "json")
    assert result.exit_code == 1 and len(result.stdout.splitlines()) == 3


def test_a_wrong_jurisdiction_in_the_file_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "yiyang.toml"
    config.write_text('jurisdiction = "mars"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", SAMPLE)
    assert result.exit_code == 2
    assert f"{config}: jurisdiction:" in result.stderr
