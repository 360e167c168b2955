"""``yiyang rules diff``: a reviewer sees every change an overlay makes — the check, and also the
subjects (``applies_to``), the title and the notes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from yiyang_rules.catalog import load_rules
from yiyang_rules.cli.app import app
from yiyang_rules.diff import layer_diff

ROOT = Path(__file__).resolve().parents[1]


def test_a_changed_applies_to_is_shown() -> None:
    changes = {c.rule_id: c for c in layer_diff(load_rules(), "national", "beijing")}
    dementia = changes["dementia.care-unit"]
    fields = {c.field: c for c in dementia.changes}
    assert set(fields) >= {"applies_to", "title", "notes"}
    assert fields["applies_to"].before["condition"] == "yiyang_institution"
    assert fields["applies_to"].after["condition"] == {"any_of": ["yiyang_institution", "elderly_care"]}
    assert "养老机构" in fields["applies_to"].after["zh"]


def test_a_restate_that_only_cites_shows_no_field_change() -> None:
    changes = {c.rule_id: c for c in layer_diff(load_rules(), "national", "beijing")}
    assert changes["fire.inspection-monthly"].changes == ()


def test_a_restated_title_is_shown_in_text_and_json() -> None:
    runner = CliRunner()
    text = runner.invoke(app, ["rules", "diff", "national", "beijing"])
    assert text.exit_code == 0
    block = text.stdout.split("naming.yiyang-title", 1)[1].split("\n= ", 1)[0]
    assert "title: national: 不具备相应资质的机构不得使用“医养结合”名称" in block
    assert "title: beijing: 未取得《医疗机构执业许可证》" in block
    dementia = text.stdout.split("dementia.care-unit", 1)[1].split("\n~ ", 1)[0]
    assert "applies_to: national: 医养结合机构" in dementia
    data = json.loads(runner.invoke(app, ["rules", "diff", "national", "beijing", "-f", "json"]).stdout)
    naming = next(c for c in data if c["rule_id"] == "naming.yiyang-title")
    assert naming["operation"] == "restate"
    assert [c["field"] for c in naming["changes"]] == ["title", "notes"]
