"""The command line, in-process (typer's runner) and through the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from yiyang_rules.catalog import load_rules
from yiyang_rules.cli.app import app
from yiyang_rules.localtime import today_in_shanghai

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
runner = CliRunner()


def run(*args: str) -> Any:
    """``yiyang …`` in process (messages on stderr follow --lang, zh by default)."""
    argv = [str(a) for a in args]
    return runner.invoke(app, argv)


def test_input_errors_are_in_chinese_by_default(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "no-such-file.json")])
    assert result.exit_code == 2
    assert "文件或文件夹不存在" in result.stderr and "no such file" not in result.stderr


def sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, data: Any, name: str = "snapshot.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def findings(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["rule_id"]: f for f in report["findings"]}


def test_the_sample_gives_explained_findings_and_exit_1() -> None:
    result = run("check", SAMPLE, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["report_version"] == "1" and report["as_of"] == "2026-09-10"
    assert report["jurisdiction"] == ["national", "beijing"]
    by_id = findings(report)
    fire = by_id["fire.inspection-monthly"]
    assert fire["status"] == "non_compliant" and fire["evidence"]["short_periods"] == ["2026-04"]
    assert {
        "document": "国卫办老龄发〔2025〕29号",
        "article": "七（二十四）",
        "quote": "每月至少组织1次防火检查",
    } in fire["citations"]
    assert any(c["document"] == "京卫老龄〔2025〕3号" for c in fire["citations"])  # restated by Beijing
    assert by_id["admission.assessment"]["evidence"]["lacking"] == ["R-0002"]
    assert by_id["safety.hazard-ledger"]["status"] == "non_compliant"  # Beijing: H-07's deadline passed
    assert by_id["safety.hazard-ledger"]["overlay"] == "tighten"
    assert by_id["fire.drill-semiannual"]["status"] == "compliant"
    assert by_id["psychology.lecture-yearly"]["status"] == "insufficient_data"
    assert by_id["quality.pressure-ulcer-rate"]["status"] == "compliant"
    assert by_id["tcm.appropriate-techniques"]["status"] == "not_applicable"
    counted = {s: sum(1 for f in report["findings"] if f["status"] == s) for s in report["summary"]}
    assert counted == report["summary"]


def test_one_finding_per_rule_of_the_jurisdiction() -> None:
    report = json.loads(run("check", SAMPLE, "--format", "json").stdout)
    listed = json.loads(run("rules", "list", "-j", "beijing", "--format", "json").stdout)
    assert sorted(f["rule_id"] for f in report["findings"]) == sorted(r["id"] for r in listed)


def test_forcing_national_drops_the_beijing_tightening() -> None:
    report = json.loads(run("check", SAMPLE, "-j", "national", "--format", "json").stdout)
    assert report["jurisdiction"] == ["national"]
    assert findings(report)["safety.hazard-ledger"]["status"] == "compliant"


def test_the_table_is_readable_in_chinese_and_english() -> None:
    zh = run("check", SAMPLE)
    assert zh.exit_code == 1
    assert "不合规" in zh.stdout and "fire.inspection-monthly" in zh.stdout and "2026-04" in zh.stdout
    en = run("check", SAMPLE, "--lang", "en")
    assert "non-compliant" in en.stdout and "fell short" in en.stdout


@pytest.mark.parametrize("fmt", ["markdown", "sarif"])
def test_other_renderers(fmt: str) -> None:
    result = run("check", SAMPLE, "--format", fmt)
    assert result.exit_code == 1
    assert "fire.inspection-monthly" in result.stdout
    if fmt == "sarif":
        sarif = json.loads(result.stdout)
        levels = {r["ruleId"]: r["level"] for r in sarif["runs"][0]["results"]}
        assert levels["fire.inspection-monthly"] == "error"


def test_as_of_overrides_the_snapshot(tmp_path: Path) -> None:
    report = json.loads(run("check", SAMPLE, "--as-of", "2026-05-15", "--format", "json").stdout)
    assert report["as_of"] == "2026-05-15"
    # April ended before 2026-05-15 and still has no inspection.
    assert findings(report)["fire.inspection-monthly"]["evidence"]["short_periods"] == ["2026-04"]


def test_as_of_defaults_to_today_in_shanghai(tmp_path: Path) -> None:
    data = sample()
    del data["as_of"]
    report = json.loads(run("check", write(tmp_path, data), "--format", "json").stdout)
    assert report["as_of"] == today_in_shanghai().isoformat()


def test_a_clean_snapshot_exits_0(tmp_path: Path) -> None:
    data = {
        "schema_version": "1",
        "as_of": "2026-03-01",
        "period": {"start": "2026-01-01", "end": "2026-02-28"},
        "institution": {
            "id": "X",
            "name": "某养老院",
            "province": "130000",
            "kinds": ["elderly_care"],
            "qualifications": {"clinic_filing": False, "medical_practice_license": False, "elderly_care_filing": True},
        },
    }
    result = run("check", write(tmp_path, data), "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["jurisdiction"] == ["national"]


def test_jsonl_batches_stream_and_a_bad_line_is_reported_with_its_number(tmp_path: Path) -> None:
    good = json.dumps(sample(), ensure_ascii=False)
    bad = sample()
    bad["activities"][0]["kind"] = "fire_inspetion"
    path = write(tmp_path, "\n".join([good, json.dumps(bad, ensure_ascii=False), "", good]) + "\n", "batch.jsonl")
    result = run("check", path, "--format", "json")
    assert result.exit_code == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    # One output line per snapshot line: the bad one gives an error record in its place.
    assert len(lines) == 3
    assert [r["source"] for r in lines] == [{"file": str(path), "line": n} for n in (1, 2, 4)]
    assert lines[0]["report_version"] == "1" and lines[2]["report_version"] == "1"
    problem = lines[1]["error"]["problems"][0]
    # The field path is the problem's own `path` once the engine gives it apart, else in the message.
    assert "activities[0].kind" in problem["path"] + problem["message"]["en"]
    assert f"{path}:2: activities[0].kind" in result.stderr


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run("check", SAMPLE, "--format", "json", "--output", target)
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["institution"]["id"] == "91110108MA00EXAMPLE"


def _mutated(change: Any) -> dict[str, Any]:
    data = sample()
    change(data)
    return data


BAD_INPUTS: list[tuple[str, Any, str]] = [
    ("invalid JSON", '{"schema_version": "1",', "not valid JSON"),
    (
        "typo in an activity kind",
        _mutated(lambda d: d["activities"][0].update(kind="fire_inspetion")),
        "activities[0].kind",
    ),
    ("unknown top-level key", _mutated(lambda d: d.update(activites=[])), "activites: unknown field"),
    ("unknown nested key", _mutated(lambda d: d["institution"].update(kind=["medical"])), "institution.kind"),
    ("unknown policy key", _mutated(lambda d: d["policies"].update(hazard_ledgr=True)), "policies.hazard_ledgr"),
    ("wrong type", _mutated(lambda d: d["policies"].update(emergency_plan="yes")), "policies.emergency_plan"),
    ("impossible date", _mutated(lambda d: d["residents"][0].update(admitted="2026-02-30")), "residents[0].admitted"),
    ("window reversed", _mutated(lambda d: d.update(period={"start": "2026-09-01", "end": "2026-01-01"})), "period"),
    (
        "ulcers above residents",
        _mutated(lambda d: d["quality"]["pressure_ulcers"].update(new_grade2_plus=99)),
        "quality.pressure_ulcers",
    ),
    (
        "negative count",
        _mutated(lambda d: d["quality"]["pressure_ulcers"].update(residents=-1)),
        "quality.pressure_ulcers.residents",
    ),
    (
        "unknown province",
        _mutated(lambda d: d["institution"].update(province="火星", region_code=None)),
        "institution.province",
    ),
    ("schema version", _mutated(lambda d: d.update(schema_version="2")), "schema_version"),
    ("duplicate key", '{"schema_version": "1", "schema_version": "1"}', "duplicate key 'schema_version'"),
]


@pytest.mark.parametrize(("label", "data", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exits_2_naming_file_and_field(tmp_path: Path, label: str, data: Any, expected: str) -> None:
    if isinstance(data, dict):
        data = dict(data)
        if data.get("institution", {}).get("region_code", "") is None:
            del data["institution"]["region_code"]
    path = write(tmp_path, data)
    result = run("check", path, "--lang", "en")
    assert result.exit_code == 2, result.stdout
    assert str(path) in result.stderr and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "no-such-file.json", "--lang", "en"], "no-such-file.json: no such file"),
        (["check", str(SAMPLE), "--as-of", "2026-13-01"], "--as-of"),
        (["check", str(SAMPLE), "--format", "xml"], "'xml' is not one of"),
        (["check", str(SAMPLE), "-j", "mars"], "GB/T 2260"),
        (["rules", "show", "no.such-rule"], "no rule 'no.such-rule'"),
        (["rules", "validate", "/no/such/dir"], "no such rules directory"),
        (["rules", "diff", "national", "atlantis"], "is not a province"),
    ],
)
def test_bad_commands_exit_2_with_a_message(args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_list_show_validate_and_diff() -> None:
    listed = run("rules", "list", "-j", "shaanxi")
    assert listed.exit_code == 0 and "facility.color-steel-plate-ban" in listed.stdout
    shown = run("rules", "show", "safety.hazard-ledger", "-j", "beijing")
    assert shown.exit_code == 0
    assert "京卫老龄〔2025〕3号" in shown.stdout and "1.0.0" in shown.stdout and "beijing" in shown.stdout
    validated = run("rules", "validate")
    assert validated.exit_code == 0, validated.stdout
    assert validated.stdout.strip().endswith("0 problem(s)")
    diff = json.loads(run("rules", "diff", "national", "beijing", "--format", "json").stdout)
    operations = {c["rule_id"]: c["operation"] for c in diff}
    assert operations["safety.hazard-ledger"] == "tighten" and operations["fire.inspection-monthly"] == "restate"
    shaanxi = {
        c["rule_id"]: c["operation"] for c in json.loads(run("rules", "diff", "national", "陕西", "-f", "json").stdout)
    }
    assert shaanxi["zoning.separate-areas"] == "tighten" and shaanxi["facility.color-steel-plate-ban"] == "add"


def test_rules_show_prints_the_version_history_across_layers() -> None:
    # Shaanxi's own 1.0.0 judges what lies before 40号 (2024-12-12); its 1.1.0 from then on.
    data = json.loads(run("rules", "show", "zoning.separate-areas", "-j", "shaanxi", "--format", "json").stdout)
    assert [v["layer"] for v in data["versions"]] == ["shaanxi", "shaanxi"]
    assert data["versions"][0]["until"] == "2024-12-11" and data["versions"][1]["from"] == "2024-12-12"
    # A restate keeps the national history: Beijing's naming rule is the national check unchanged.
    naming = json.loads(run("rules", "show", "naming.yiyang-title", "-j", "beijing", "--format", "json").stdout)
    assert [v["layer"] for v in naming["versions"]] == ["national"]


def test_validate_exits_1_and_lists_problems_with_lines(tmp_path: Path) -> None:
    broken = tmp_path / "rules" / "national"
    broken.mkdir(parents=True)
    text = (ROOT / "rules/national/fire.inspection-monthly.yaml").read_text(encoding="utf-8")
    (broken / "fire.inspection-monthly.yaml").write_text(text.replace("组织1次防火", "组织2次防火"), encoding="utf-8")
    result = run("rules", "validate", tmp_path / "rules")
    assert result.exit_code == 1
    assert "fire.inspection-monthly.yaml:" in result.stdout and "closest passage" in result.stdout


def _console_script() -> str:
    beside = Path(sys.executable).parent / "yiyang"
    found = str(beside) if beside.exists() else shutil.which("yiyang")
    if found is None:
        pytest.fail("the yiyang console script is not installed")
    return found


def test_the_installed_console_script() -> None:
    done = subprocess.run(
        [_console_script(), "check", str(SAMPLE), "--format", "json"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1, done.stderr
    assert findings(json.loads(done.stdout))["fire.inspection-monthly"]["status"] == "non_compliant"


def test_the_console_script_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, _mutated(lambda d: d["activities"][0].update(kind="fire_inspetion")))
    done = subprocess.run([_console_script(), "check", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "activities[0].kind" in done.stderr and str(path) in done.stderr
    assert "Traceback" not in done.stderr


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "yiyang_rules", "rules", "list"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "fire.inspection-monthly" in done.stdout


def test_every_bundled_rule_is_listed() -> None:
    result = json.loads(run("rules", "list", "--format", "json").stdout)
    national = set(load_rules().layer("national"))
    assert {r["id"] for r in result} == national


def test_check_help_lists_every_format_and_the_new_options() -> None:
    result = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "400"})  # no wrapping inside names
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for name in ("--workers", "--fail-on", "--summary", "--status", "--config", "--progress"):
        assert name in text
    from yiyang_rules.render import RENDERERS  # noqa: PLC0415

    for fmt in RENDERERS:
        assert fmt in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--workers", "0"], "--workers"),
        (["--lang", "fr"], "'fr' is not one of"),
        (["--fail-on", "never"], "'never' is not one of"),
        (["--status", "ok"], "--status 'ok'"),
    ],
)
def test_bad_check_options_exit_2_before_reading_anything(tmp_path: Path, args: list[str], expected: str) -> None:
    target = tmp_path / "out.json"
    result = run("check", "no-such-input.json", "-o", target, *args)
    assert result.exit_code == 2
    assert expected in " ".join(result.stderr.split())
    assert "no-such-input.json" not in result.stderr  # refused before any input was read
    assert not target.exists()


def test_escape_sequences_in_bad_input_never_reach_the_terminal(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"\\u001b[31mred\\u0085": 1}\n', encoding="utf-8")
    result = run("check", str(batch), "--lang", "en")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x85" not in result.stderr
    assert "\\x1b[31mred\\x85" in result.stderr


def test_json_lines_output_keeps_one_record_per_line_whatever_the_strings_hold(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"\\u2028": 1}\n{"\\u0085": 2}\n', encoding="utf-8")
    result = run("check", str(batch), "--format", "json")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()  # str.splitlines also breaks at U+0085, U+2028, U+2029
    assert [json.loads(line)["source"]["line"] for line in lines] == [1, 2]
