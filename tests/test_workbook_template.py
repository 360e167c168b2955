"""The template follows the rules and the model: its sheets, its questionnaire, its drop-downs; and
findings name where a missing fact is filled in."""

from __future__ import annotations

import json
import typing
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from pydantic import BaseModel
from typer.testing import CliRunner

from yiyang_rules.cli.app import app
from yiyang_rules.engine import Engine
from yiyang_rules.snapshot import Snapshot
from yiyang_rules.vocabulary import FIELD_LABELS, SHEET_LABELS, generic_path, where_to_fill
from yiyang_rules.workbook.layout import CellKind, _unwrap, all_record_sheets, layout
from yiyang_rules.workbook.needs import needs
from yiyang_rules.workbook.writer import write_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
runner = CliRunner()


@cache
def engine() -> Engine:
    return Engine.load()


@cache
def template(jurisdiction: str = "beijing", lang: str = "zh") -> Workbook:
    return load_workbook(BytesIO(write_workbook(None, engine().catalogs[jurisdiction], lang)))


def _leaf_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, info in model.model_fields.items():
        tp, _ = _unwrap(info.annotation)
        path = f"{prefix}.{name}" if prefix else name
        origin = typing.get_origin(tp)
        inner = _unwrap(typing.get_args(tp)[0])[0] if origin is list else None
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            paths.extend(_leaf_paths(tp, path))
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            paths.extend(_leaf_paths(inner, path))
        elif origin is not typing.Literal:
            paths.append(path)
    return paths


def test_every_snapshot_field_has_a_cell_and_a_label() -> None:
    """A field added to the model gets a column by itself; give it a label in vocabulary.FIELD_LABELS."""
    spec = layout()
    cells = {c.generic for _, cols in spec.values_sheets for c in cols}
    cells |= {c.generic for sheet in all_record_sheets() for c in sheet.columns}
    facts = {s.key for s in spec.fact_sections}
    for path in _leaf_paths(Snapshot):
        assert path in cells or path in facts, path
        assert path in FIELD_LABELS or path in SHEET_LABELS, f"{path}: no label in vocabulary.FIELD_LABELS"
    stale = [k for k in FIELD_LABELS if generic_path(k) == k and k.split(".")[0] not in Snapshot.model_fields]
    assert stale == []


def test_the_template_has_every_sheet_in_order() -> None:
    book = template()
    assert book.sheetnames == [
        "说明", "机构信息", "活动记录", "入住老年人", "老年人评估", "隐患台账", "中医适宜技术", "签约协议",
        "质量指标", "制度与设施", "豁免", "下拉选项",
    ]  # fmt: skip
    assert book["下拉选项"].sheet_state == "hidden"
    english = template("beijing", "en")
    assert english.sheetnames[:3] == ["Instructions", "Institution", "Activities"]


def test_record_sheets_have_frozen_required_headers_date_formats_and_drop_downs() -> None:
    book = template()
    for sheet in all_record_sheets():
        ws = book[sheet.label.zh]
        assert ws.freeze_panes == "A2"
        headers = [c.value for c in ws[1]]
        columns = ((sheet.parent_key,) if sheet.parent_key else ()) + sheet.columns
        assert headers == [c.header("zh") for c in columns]
        validated = {str(r.sqref).split(":")[0] for r in ws.data_validations.dataValidation}
        for index, column in enumerate(columns, start=1):
            letter = ws.cell(row=1, column=index).column_letter
            if column.kind in (CellKind.ENUM, CellKind.ENUM_LIST, CellKind.BOOL, CellKind.PRESENCE):
                assert f"{letter}2" in validated, (sheet.key, column.code)
            if column.kind is CellKind.DATE:
                assert ws.column_dimensions[letter].number_format == "yyyy-mm-dd"
            assert ws.column_dimensions[letter].width >= 10


def test_drop_down_lists_hold_the_vocabulary_labels() -> None:
    book = template()
    lists = book["下拉选项"]
    columns = [[c for c in col if c is not None] for col in lists.iter_cols(values_only=True)]
    assert columns[[c[0] for c in columns].index("防火检查")][:2] == ["防火检查", "消防演练"]
    assert ["是", "否"] in columns and ["有", "无"] in columns
    assert any("北京市" in c and "陕西省" in c for c in columns)


@pytest.mark.parametrize("jurisdiction", ["national", "beijing"])
def test_the_questionnaire_asks_every_fact_the_rules_need_with_rules_and_citations(jurisdiction: str) -> None:
    ws = template(jurisdiction)["制度与设施"]
    rows = {r[5]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    wanted = [
        n
        for n in needs(engine().catalogs[jurisdiction])
        if n.path.split(".")[0] in ("policies", "facilities", "practices")
    ]
    assert set(rows) == {n.path for n in wanted}
    for need in wanted:
        _category, label, answer, rules, citations, _code = rows[need.path]
        assert label == need.label.zh and answer is None
        for rule in need.rules:
            assert f"{rule.id} {rule.title.zh}" in rules
            for citation in rule.citations:
                assert f"{citation.document} {citation.article}" in citations
    beijing_only = "practices.signs_all_willing_elderly_care"
    assert (beijing_only in rows) == (jurisdiction == "beijing")


def test_needs_include_facts_a_check_kind_reads_without_naming_them() -> None:
    paths = {n.path: n for n in needs(engine().catalogs["national"])}
    assert "safety.hazard-ledger" in {r.id for r in paths["policies.hazard_ledger"].rules}
    assert "institution.qualifications.elderly_care_filing" in paths  # from yiyang_institution


def test_findings_name_the_sheet_and_label_and_keep_the_path_in_evidence() -> None:
    report = engine().check(SAMPLE.read_bytes())
    liaison = next(f for f in report.findings if f.rule_id == "agreement.liaison-mechanism")
    assert liaison.status == "insufficient_data"
    assert "「制度与设施」：签约双方沟通协作工作机制" in liaison.message.zh
    assert "practices.cooperation_mechanism" not in liaison.message.zh
    assert liaison.evidence["missing"] == ["practices.cooperation_mechanism"]
    for finding in report.findings:
        for path in finding.evidence.get("missing", []):
            assert path not in finding.message.zh, (finding.rule_id, finding.message.zh)


def test_where_to_fill_names_sheets_fields_and_records() -> None:
    assert where_to_fill("activities").zh == "「活动记录」"
    assert where_to_fill("residents[3].age").zh == "「入住老年人」：年龄"
    assert where_to_fill("institution.qualifications.elderly_care_filing").zh == "「机构信息」：养老机构备案"
    assert where_to_fill("policies.hazard_ledger").en == "the “Systems and facilities” sheet: hazard ledger"


def test_template_and_rules_facts_commands(tmp_path: Path) -> None:
    target = tmp_path / "台账.xlsx"
    made = runner.invoke(app, ["template", "-j", "北京", "-o", str(target)])
    assert made.exit_code == 0, made.output
    assert load_workbook(target).sheetnames[1] == "机构信息"
    bad = runner.invoke(app, ["template", "-j", "火星"])
    assert bad.exit_code == 2 and "火星" in bad.stderr
    listing = runner.invoke(app, ["rules", "facts", "-j", "beijing", "--format", "json"])
    assert listing.exit_code == 0
    rows = {r["path"]: r for r in json.loads(listing.stdout)}
    assert rows["practices.cooperation_mechanism"]["sheet"]["zh"] == "制度与设施"
    assert rows["practices.cooperation_mechanism"]["rules"][0]["citations"][0]["document"].startswith("国卫办老龄发")
    table = runner.invoke(app, ["rules", "facts"])
    assert "「制度与设施」：签约双方沟通协作工作机制" in table.stdout
    markdown = runner.invoke(app, ["rules", "facts", "--format", "markdown", "--lang", "en"])
    assert markdown.stdout.startswith("| fact | filled in | rules | citations |")


def test_export_command_and_bad_snapshot(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    done = runner.invoke(app, ["export", str(SAMPLE), "-o", str(target)])
    assert done.exit_code == 0, done.output
    assert load_workbook(target)["机构信息"]["B6"].value == "北京市海淀区示例颐养中心"
    broken = tmp_path / "bad.json"
    broken.write_text('{"schema_version": "1"}', encoding="utf-8")
    failed = runner.invoke(app, ["export", str(broken), "-o", str(target)])
    assert failed.exit_code == 2 and "period" in failed.stderr


def test_cells_are_derived_from_field_types() -> None:
    """How a field added on another branch would be laid out, without a change to the workbook code."""
    from datetime import date as Date  # noqa: PLC0415
    from typing import Any as AnyType  # noqa: PLC0415

    from yiyang_rules.vocabulary import ActivityKind  # noqa: PLC0415
    from yiyang_rules.workbook.layout import _record_sheet  # noqa: PLC0415

    class Inner(BaseModel):
        note: str | None = None

    class Future(BaseModel):
        id: str
        kind: ActivityKind | None = None
        ratio: float | None = None
        when: Date | None = None
        inner: Inner | None = None
        tags: set[str] | None = None
        blob: dict[str, AnyType] | None = None

    sheet = _record_sheet("future", Future)
    kinds = {c.code: c.kind for c in sheet.columns}
    assert kinds == {
        "id": CellKind.ID,
        "kind": CellKind.ENUM,
        "ratio": CellKind.NUMBER,
        "when": CellKind.DATE,
        "inner": CellKind.PRESENCE,
        "inner.note": CellKind.TEXT,
        "tags": CellKind.ANY,
        "blob": CellKind.JSON,
    }
    assert sheet.columns[0].required and not sheet.columns[1].required


def test_a_staff_member_fills_in_the_template_and_reads_what_to_fix(tmp_path: Path) -> None:
    """The issue's “done when”: template for the province, fill it in, check it, read what to fix."""
    target = tmp_path / "台账.xlsx"
    assert runner.invoke(app, ["template", "-j", "北京", "-o", str(target)]).exit_code == 0
    book = load_workbook(target)
    info = book["机构信息"]
    items = {str(r[0].value).rstrip("*"): r[0].row for r in info.iter_rows(min_col=1, max_col=1) if r[0].value}
    for label, value in {
        "评估日": "2026年9月10日",
        "评估期间开始": "2026/1/1",
        "评估期间结束": "2026/8/31",
        "机构编号（统一社会信用代码）": "12110000TEST",
        "机构名称": "某某颐养院",
        "所在省份": "北京市",
        "机构类型": "养老机构",
        "诊所备案/内设医疗机构备案": "是",
        "养老机构备案": "是",
    }.items():
        info.cell(row=items[label], column=2).value = value
    acts = book["活动记录"]
    acts.append([None, "防火检查", "2026-01-08"])
    facts = book["制度与设施"]
    for row in facts.iter_rows(min_row=2):
        if row[5].value == "policies.hazard_ledger":
            row[2].value = "否"
    book.save(target)
    done = runner.invoke(app, ["check", str(target), "-f", "json"])
    assert done.exit_code == 1, done.output
    report = {f["rule_id"]: f for f in json.loads(done.stdout)["findings"]}
    assert report["safety.hazard-ledger"]["status"] == "non_compliant"
    assert report["fire.inspection-monthly"]["status"] == "non_compliant"  # only January
    service = report["management.service-management-system"]
    assert service["message"]["zh"] == "快照未提供：「制度与设施」：服务管理制度"
    assert service["evidence"]["missing"] == ["policies.service_management"]
    # No agreement rows and no 有/无 answer: whether the agreement rules apply is unknown, and said where.
    assert report["agreement.liaison-mechanism"]["message"]["zh"] == "无法判断是否适用，快照未提供：「签约协议」"
