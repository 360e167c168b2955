"""The Excel workbook, read back with openpyxl and converted by LibreOffice: sheets, Chinese headers,
date cells, coloured statuses, autofilter and frozen panes, text that never becomes a formula."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from render_items import HOSTILE_NAME, batch, hostile_item, sample_item
from yiyang_rules.checks.base import Status
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import BatchItem, RenderOptions
from yiyang_rules.render.text import printable


def workbook(items: list[BatchItem] | tuple[BatchItem, ...], **options: object):  # type: ignore[no-untyped-def]
    data = RENDERERS["xlsx"].render(list(items), RenderOptions(**options))  # type: ignore[arg-type]
    assert isinstance(data, bytes) and data[:2] == b"PK"
    return load_workbook(BytesIO(data))


def rows(sheet) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_sheets_an_inspector_sorts_and_filters() -> None:
    items = batch()[:20]
    book = workbook(items)
    assert book.sheetnames == ["汇总", "机构×规则", "规则统计", "不合规明细", "需补充信息", "输入错误"]
    for sheet in book.worksheets:
        assert sheet.auto_filter.ref, sheet.title
        assert sheet.freeze_panes, sheet.title
    summary = rows(book["汇总"])
    assert summary[0][:5] == ["来源", "机构名称", "机构标识", "适用层级", "评估日"]
    assert len(summary) == 1 + len(items)
    first = items[0].report
    assert first is not None
    assert summary[1][2] == first.institution.id
    assert isinstance(summary[1][4], datetime) and summary[1][4].date().isoformat() == first.as_of
    assert book["汇总"].cell(row=2, column=5).number_format == "yyyy-mm-dd"
    assert str(summary[3][1]).startswith("输入有误")  # the bad third line, in its place


def test_the_matrix_has_a_coloured_status_per_institution_and_rule() -> None:
    items = [i for i in batch()[:10] if i.report]
    sheet = workbook(items)["机构×规则"]
    header = rows(sheet)[0]
    assert header[:3] == ["来源", "机构名称", "机构标识"]
    column = header.index("fire.inspection-monthly") + 1
    assert "每月至少组织1次防火检查" in sheet.cell(row=1, column=column).comment.text
    for number, item in enumerate(items, start=2):
        assert item.report is not None
        finding = next(f for f in item.report.findings if f.rule_id == "fire.inspection-monthly")
        cell = sheet.cell(row=number, column=column)
        assert cell.value == {"compliant": "合规", "non_compliant": "不合规", "insufficient_data": "数据不足",
                              "not_applicable": "不适用"}[finding.status.value]  # fmt: skip
        expected = {"non_compliant": "FFCDD2", "compliant": "C8E6C9", "insufficient_data": "FFF59D",
                    "not_applicable": "EEEEEE"}[finding.status.value]  # fmt: skip
        assert cell.fill.fgColor.rgb.endswith(expected)


def test_one_row_per_non_compliant_finding_with_citations_and_counts_per_rule() -> None:
    items = batch()[:20]
    book = workbook(items)
    details = rows(book["不合规明细"])
    expected = sum(1 for i in items if i.report for f in i.report.findings if f.status is Status.NON_COMPLIANT)
    assert len(details) == 1 + expected
    head = details[0]
    assert "依据（文号 条款）" in head and "原文" in head
    fire = [r for r in details[1:] if r[head.index("规则")] == "fire.inspection-monthly"]
    assert fire and all("每月至少组织1次防火检查" in str(r[head.index("原文")]) for r in fire)
    assert all("\n" in str(r[head.index("依据（文号 条款）")]) or str(r[head.index("依据（文号 条款）")]) for r in fire)
    per_rule = {r[0]: r for r in rows(book["规则统计"])[1:]}
    assert per_rule["fire.inspection-monthly"][3] == len(fire)


def test_data_is_text_never_a_formula_and_control_characters_are_visible() -> None:
    book = workbook([hostile_item()])
    sheet = book["汇总"]
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s"
    assert cell.value == printable(HOSTILE_NAME)
    assert str(cell.value).startswith("=HYPERLINK")


def test_summary_leaves_out_the_per_finding_sheets_and_english_headers() -> None:
    book = workbook(batch()[:5], summary=True, lang="en")
    assert book.sheetnames == ["Summary", "Matrix", "Rules", "Input errors"]
    assert rows(book["Summary"])[0][:2] == ["source", "institution"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook(tmp_path: Path) -> None:
    data = RENDERERS["xlsx"].render([sample_item(), *batch()[:5]], RenderOptions())
    assert isinstance(data, bytes)
    (tmp_path / "report.xlsx").write_bytes(data)
    # 76 = UTF-8; the last option (-1) writes every sheet to its own file.
    options = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--convert-to",
         options, "--outdir", str(tmp_path), str(tmp_path / "report.xlsx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with (tmp_path / "report-汇总.csv").open(encoding="utf-8") as handle:
        summary = list(csv.reader(handle))
    assert summary[0][:3] == ["来源", "机构名称", "机构标识"]
    assert summary[1][1] == "北京市海淀区示例颐养中心"
    assert summary[1][4] == "2026-09-10"  # a date cell, shown as a date
    with (tmp_path / "report-不合规明细.csv").open(encoding="utf-8") as handle:
        details = list(csv.reader(handle))
    assert any(r[4] == "fire.inspection-monthly" for r in details[1:])
