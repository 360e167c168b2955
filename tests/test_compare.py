"""``yiyang compare``: findings keyed by institution, rule and unit; classification; exit codes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from yiyang_rules.cli.app import app
from yiyang_rules.compare import Comparison, SourcedReport, compare_reports, parse_reports, violation_units
from yiyang_rules.engine import Engine
from yiyang_rules.errors import InputError
from yiyang_rules.exemptions import apply_exemptions, exemptions_from_text
from yiyang_rules.report import Report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
ENGINE = Engine.load()
runner = CliRunner()


def snapshot(drop: tuple[str, ...] = (), institution: str | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["activities"] = [a for a in data["activities"] if a.get("id") not in drop]
    if institution:
        data["institution"]["id"] = institution
    data.update(changes)
    return data


def report(data: dict[str, Any], as_of: str = "2026-09-10") -> Report:
    return ENGINE.check(data, as_of=date.fromisoformat(as_of))


def compare(old: list[Report], new: list[Report]) -> Comparison:
    return compare_reports(
        [SourcedReport(f"old:{n}", r) for n, r in enumerate(old, 1)],
        [SourcedReport(f"new:{n}", r) for n, r in enumerate(new, 1)],
    )


def changes(comparison: Comparison, rule_id: str) -> list[tuple[str, str | None]]:
    return sorted((c.change, c.unit) for c in comparison.changes if c.rule_id == rule_id)


FIRE = "fire.inspection-monthly"


def test_two_violations_of_one_rule_stay_two() -> None:
    both = report(snapshot(drop=("fi-2026-05",)))  # April and May short
    data = snapshot(drop=("fi-2026-05",))
    data["activities"].append({"id": "fi-2026-04", "kind": "fire_inspection", "date": "2026-04-13"})
    only_may = report(data)
    result = compare([both], [only_may])
    assert changes(result, FIRE) == [("resolved", "2026-04"), ("still_open", "2026-05")]
    assert result.new_mandatory_violations == 0


def test_a_violation_moving_from_april_to_may_is_one_resolved_and_one_new() -> None:
    april = report(snapshot())  # the sample: April short
    data = snapshot(drop=("fi-2026-05",))
    data["activities"].append({"id": "fi-2026-04", "kind": "fire_inspection", "date": "2026-04-13"})
    may = report(data)
    result = compare([april], [may])
    assert changes(result, FIRE) == [("new", "2026-05"), ("resolved", "2026-04")]
    (new,) = [c for c in result.changes if c.change == "new"]
    assert new.is_new_mandatory_violation and result.new_mandatory_violations == 1


def test_changed_status_version_changed_and_unchanged() -> None:
    old = report(snapshot())
    new_data = snapshot()
    del new_data["quality"]  # pressure-ulcer rate: compliant → insufficient_data
    new = report(new_data)
    new = new.model_copy(
        update={
            "findings": [
                f.model_copy(update={"rule_version": "9.9.9"}) if f.rule_id == "naming.yiyang-title" else f
                for f in new.findings
            ]
        }
    )
    result = compare([old], [new])
    assert changes(result, "quality.pressure-ulcer-rate") == [("changed_status", None)]
    assert changes(result, "naming.yiyang-title") == [("version_changed", None)]
    assert changes(result, "zoning.separate-areas") == [("unchanged", None)]
    (versioned,) = [c for c in result.changes if c.rule_id == "naming.yiyang-title"]
    before = next(f for f in old.findings if f.rule_id == "naming.yiyang-title").rule_version
    assert (versioned.old_version, versioned.new_version, versioned.version_changed) == (before, "9.9.9", True)


def test_rules_added_and_retired_and_institutions_added_and_removed() -> None:
    full = report(snapshot())
    fewer = full.model_copy(update={"findings": [f for f in full.findings if f.rule_id != FIRE]})
    added = compare([fewer], [full])
    assert changes(added, FIRE) == [("rule_added", "2026-04")]
    assert added.new_mandatory_violations == 1  # a new rule's violation is new
    assert changes(compare([full], [fewer]), FIRE) == [("rule_retired", "2026-04")]

    other = report(snapshot(institution="OTHER-1"))
    grown = compare([full], [full, other])
    assert {c.change for c in grown.changes if c.institution == "OTHER-1"} == {"institution_added"}
    units = sum(len(violation_units(f)) for f in other.mandatory_violations)
    assert grown.new_mandatory_violations == units == 3  # fire 2026-04, hazard H-07, resident R-0002
    shrunk = compare([full, other], [full])
    assert {c.change for c in shrunk.changes if c.institution == "OTHER-1"} == {"institution_removed"}


def test_an_exempted_new_violation_is_not_a_new_mandatory_violation() -> None:
    old = report(snapshot(), as_of="2026-05-10")
    new = report(snapshot())
    text = """exemptions:
  - rule: safety.hazard-ledger
    institution: 91110108MA00EXAMPLE
    unit: H-07
    reason: 整改期内
    approved_by: 海淀区卫生健康委员会
    document: 海卫老龄函〔2026〕12号
    granted: 2026-08-20
    expires: 2026-10-31
"""
    exempted = apply_exemptions(new, exemptions_from_text(text))
    plain, waived = compare([old], [new]), compare([old], [exempted])
    assert plain.new_mandatory_violations == 2  # the hazard and the resident R-0002
    assert waived.new_mandatory_violations == 1
    (hazard,) = [c for c in waived.changes if c.rule_id == "safety.hazard-ledger"]
    assert (hazard.change, hazard.exempted) == ("new", True)


# --- laws ------------------------------------------------------------------------------------------

MONTHS = [f"fi-2026-{m:02d}" for m in (1, 2, 3, 5, 6, 7, 8)]


@settings(max_examples=30, deadline=None)
@given(st.sets(st.sampled_from(MONTHS)), st.sets(st.sampled_from(MONTHS)))
def test_swapping_old_and_new_swaps_new_and_resolved(drop_old: set[str], drop_new: set[str]) -> None:
    old, new = report(snapshot(drop=tuple(drop_old))), report(snapshot(drop=tuple(drop_new)))
    forward, backward = compare([old], [new]), compare([new], [old])
    assert {(c.rule_id, c.unit) for c in forward.changes if c.change == "new"} == {
        (c.rule_id, c.unit) for c in backward.changes if c.change == "resolved"
    }
    same = compare([old], [old])
    assert {c.change for c in same.changes} <= {"still_open", "unchanged"}
    # Every short month of NEW is exactly one entry: new or still open.
    short_new = set(next(f for f in new.findings if f.rule_id == FIRE).evidence.get("short_periods", []))
    assert {c.unit for c in forward.changes if c.rule_id == FIRE and c.change in ("new", "still_open")} == short_new


# --- reading reports and the command line ----------------------------------------------------------


def write(path: Path, reports: list[Report], jsonl: bool = True) -> Path:
    if jsonl:
        path.write_text("".join(r.model_dump_json() + "\n" for r in reports), encoding="utf-8")
    else:
        path.write_text(json.dumps([json.loads(r.model_dump_json()) for r in reports], indent=2), encoding="utf-8")
    return path


def test_compare_command_on_batches_with_fail_on_new(tmp_path: Path) -> None:
    old = write(tmp_path / "old.jsonl", [report(snapshot(), "2026-05-10"), report(snapshot(institution="B"))])
    new = write(tmp_path / "new.json", [report(snapshot()), report(snapshot(institution="B"))], jsonl=False)
    result = runner.invoke(app, ["compare", str(old), str(new), "--format", "json"])
    assert result.exit_code == 0  # without --fail-on-new the comparison only informs
    data = json.loads(result.stdout)
    assert data["summary"]["new"] == 2 and data["new_mandatory_violations"] == 2
    assert {c["institution"] for c in data["changes"] if c["change"] == "new"} == {"91110108MA00EXAMPLE"}
    failing = runner.invoke(app, ["compare", str(old), str(new), "--fail-on-new"])
    assert failing.exit_code == 1
    assert "新增问题" in failing.stdout and "R-0002" in failing.stdout
    calm = runner.invoke(app, ["compare", str(new), str(new), "--fail-on-new", "--format", "html", "--lang", "en"])
    assert calm.exit_code == 0 and "<table>" in calm.stdout and "new mandatory violations: 0" in calm.stdout


def test_compare_reads_check_output_directly(tmp_path: Path) -> None:
    out = tmp_path / "now.jsonl"
    assert runner.invoke(app, ["check", str(SAMPLE), "--format", "json", "--output", str(out)]).exit_code == 1
    result = runner.invoke(app, ["compare", str(out), str(out), "--fail-on-new"])
    assert result.exit_code == 0
    assert "仍未整改" in result.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"report_version": "1",\n  "engine": ', "bad.json:2: not valid JSON"),
        ("GOOD\n[1, 2\n", "bad.json:2: not valid JSON"),
        ('{"x": 1}\n', "bad.json:1: engine: Field required"),
        ("[1]", "bad.json[0]: a report is a JSON object"),
        ("", "bad.json:1: not valid JSON"),
    ],
)
def test_bad_report_input_exits_2_with_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    good = write(tmp_path / "good.jsonl", [report(snapshot())])
    bad = tmp_path / "bad.json"
    bad.write_text(text.replace("GOOD", report(snapshot()).model_dump_json()), encoding="utf-8")
    result = runner.invoke(app, ["compare", str(good), str(bad)])
    assert result.exit_code == 2
    assert f"{tmp_path}/{expected}" in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_an_institution_twice_in_one_side_is_an_error(tmp_path: Path) -> None:
    twice = write(tmp_path / "twice.jsonl", [report(snapshot()), report(snapshot())])
    with pytest.raises(InputError, match="also reported at"):
        compare_reports(parse_reports(twice.read_text(), "twice.jsonl"), [])
    result = runner.invoke(app, ["compare", str(twice), str(twice)])
    assert result.exit_code == 2 and f"{twice}:2" in result.stderr


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", str(tmp_path / "nope.json"), str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "cannot read the file" in result.stderr


def test_unchanged_findings_are_hidden_from_people_unless_asked_for(tmp_path: Path) -> None:
    path = write(tmp_path / "r.jsonl", [report(snapshot())])
    brief = runner.invoke(app, ["compare", str(path), str(path), "--lang", "en"]).stdout
    full = runner.invoke(app, ["compare", str(path), str(path), "--lang", "en", "--all"]).stdout
    assert "zoning.separate-areas" not in brief and "still open" in brief
    assert "zoning.separate-areas" in full and "unchanged" in full
