"""JSON Lines: one line per input in input order, the report JSON with its source, an error record
where an input could not be checked; every report validates against schemas/report.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from render_items import bad_item, batch, sample_item
from yiyang_rules.checks.base import Status
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import RenderOptions

ROOT = Path(__file__).resolve().parents[1]
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


def lines(text: str | bytes) -> list[dict[str, object]]:
    assert isinstance(text, str)
    return [json.loads(line) for line in text.splitlines()]


def test_outputs_align_with_inputs_and_carry_their_source() -> None:
    items = batch()
    records = lines(RENDERERS["json"].render(items, RenderOptions()))
    assert len(records) == len(items)
    for number, record in enumerate(records, start=1):
        assert record["source"] == {"file": "batch.jsonl", "line": number}
    assert "error" in records[2] and "findings" not in records[2]
    assert all("findings" in r for i, r in enumerate(records) if i != 2)


def test_a_bad_input_gives_an_error_record_naming_the_field() -> None:
    (record,) = lines(RENDERERS["json"].render([bad_item(line=7)], RenderOptions()))
    assert set(record) == {"source", "error"}
    assert record["source"] == {"file": "batch.jsonl", "line": 7}
    problems = record["error"]["problems"]  # type: ignore[index]
    assert set(problems[0]) == {"path", "message"}
    assert set(problems[0]["message"]) == {"zh", "en"}
    # Where: the field path (in ``path``, or at the head of the message until every problem is structured).
    assert "activities[0].kind" in problems[0]["path"] + problems[0]["message"]["en"]


def test_every_report_validates_against_the_report_schema() -> None:
    validator = jsonschema.Draft202012Validator(REPORT_SCHEMA)
    records = lines(RENDERERS["json"].render([sample_item(), *batch()[:40]], RenderOptions()))
    reports = [r for r in records if "findings" in r]
    assert len(reports) == 40
    for report in reports:
        errors = [e.message for e in validator.iter_errors(report)]
        assert errors == []


def test_the_report_schema_rejects_an_unknown_status() -> None:
    (report,) = lines(RENDERERS["json"].render([sample_item()], RenderOptions()))
    report["findings"][0]["status"] = "compliantish"  # type: ignore[index]
    try:
        jsonschema.validate(report, REPORT_SCHEMA)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted an unknown status")


def test_the_status_filter_never_drops_findings_from_the_report_json() -> None:
    """The contract: one finding per rule. --status is for the formats people read."""
    options = RenderOptions(statuses=frozenset({Status.NON_COMPLIANT}))
    (report,) = lines(RENDERERS["json"].render([sample_item()], options))
    assert len(report["findings"]) == len(sample_item().report.findings)  # type: ignore[union-attr, arg-type]


def test_the_json_summary_is_one_object() -> None:
    (summary,) = lines(RENDERERS["json"].render(batch(), RenderOptions(summary=True)))
    assert summary["totals"]["inputs"] == len(batch())  # type: ignore[index]
    assert {"institutions", "rules", "totals", "summary_version"} <= set(summary)
