"""The tolerant reader: one test per spelling people and spreadsheet programs produce, and the
errors (sheet!cell, value, what was expected; all of them; exit 2) for what it cannot read."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from yiyang_rules.cli.app import app
from yiyang_rules.engine import Engine, to_snapshot
from yiyang_rules.errors import InputError
from yiyang_rules.snapshot import Snapshot
from yiyang_rules.workbook.reader import read_workbook
from yiyang_rules.workbook.writer import write_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
runner = CliRunner()


@cache
def sample() -> Snapshot:
    return to_snapshot(SAMPLE)


@cache
def exported() -> bytes:
    return write_workbook(sample(), Engine.load().catalogs["beijing"])


def edited(change: Callable[[Workbook], None]) -> bytes:
    book = load_workbook(BytesIO(exported()))
    change(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def column_of(ws: Worksheet, header: str) -> int:
    for cell in ws[1]:
        if isinstance(cell.value, str) and cell.value.rstrip("*") == header:
            return int(cell.column)
    raise AssertionError(f"no column {header!r}")


def set_cell(sheet: str, header: str, row: int, value: Any) -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        ws = book[sheet]
        ws.cell(row=row, column=column_of(ws, header)).value = value

    return change


def item_row(book: Workbook, sheet: str, label: str) -> int:
    """The row of an item on a label / value sheet (机构信息)."""
    for row in book[sheet].iter_rows(min_col=1, max_col=1):
        if isinstance(row[0].value, str) and row[0].value.rstrip("*").startswith(label):
            return int(row[0].row)
    raise AssertionError(f"no item {label!r}")


def set_item(label: str, value: Any, sheet: str = "机构信息") -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        book[sheet].cell(row=item_row(book, sheet, label), column=2).value = value

    return change


def fact_row(book: Workbook, code: str) -> int:
    """The row of a fact on the questionnaire sheet, found by its 代码 column (the order follows the rules)."""
    ws = book["制度与设施"]
    column = column_of(ws, "代码")
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=column).value == code:
            return row
    raise AssertionError(f"no fact {code!r}")


def set_fact(code: str, value: Any) -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        ws = book["制度与设施"]
        ws.cell(row=fact_row(book, code), column=column_of(ws, "回答")).value = value

    return change


def problems(content: bytes) -> list[tuple[str, str, str]]:
    with pytest.raises(InputError) as caught:
        read_workbook(content, "台账.xlsx")
    return [(p.path, p.zh, p.en) for p in caught.value.problems]


# -- dates ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    [
        datetime(2026, 1, 8),
        date(2026, 1, 8),
        46030,  # the spreadsheet serial of 2026-01-08
        46030.0,
        46030.5,  # noon of that day
        "2026/1/8",
        "2026-1-8",
        "2026.01.08",
        "2026年1月8日",
        "２０２６年１月８日",
        " 2026-01-08 ",
        "2026 年 1 月 8 日",
        "2026-01-08T09:30:00+08:00",
    ],
)
def test_every_date_spelling_reads_as_the_same_day(typed: Any) -> None:
    snapshot = read_workbook(edited(set_cell("活动记录", "日期", 2, typed)))
    assert snapshot.activities is not None
    assert snapshot.activities[0].date == date(2026, 1, 8)


@pytest.mark.parametrize("typed", ["26/1/8", "1/8/2026", "2026/13/8", "2026-02-30", "下周一", "20260108x", True])
def test_a_date_that_is_not_one_is_an_error_naming_the_cell(typed: Any) -> None:
    found = problems(edited(set_cell("活动记录", "日期", 2, typed)))
    assert len(found) == 1
    path, zh, en = found[0]
    assert path == "活动记录!C2"
    assert "日期" in zh and "2026年3月5日" in zh
    assert "not a date" in en


@pytest.mark.parametrize("serial", [60, 0, -1, 3_000_000, 12.5])
def test_a_serial_outside_the_reliable_range_is_not_a_date(serial: float) -> None:
    def change(book: Workbook) -> None:
        set_cell("活动记录", "日期", 2, serial)(book)
        book["活动记录"]["C2"].number_format = "General"  # a plain number, as typed into an unformatted cell

    [(path, zh, _)] = problems(edited(change))
    assert path == "活动记录!C2" and "不是日期" in zh


def test_a_serial_in_an_unformatted_cell_is_a_date() -> None:
    def change(book: Workbook) -> None:
        set_cell("活动记录", "日期", 2, 46030)(book)
        book["活动记录"]["C2"].number_format = "General"

    activities = read_workbook(edited(change)).activities
    assert activities is not None and activities[0].date == date(2026, 1, 8)


# -- yes / no ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("是", True), ("否", False), ("√", True), ("×", False), ("Y", True), ("N", False),
        ("y", True), ("n", False), ("yes", True), ("No", False), (True, True), (False, False),
        (" 是 ", True), ("有", True), ("无", False), (1, True), (0, False), ("✓", True), ("Ｙ", True),
    ],
)  # fmt: skip
def test_yes_no_spellings(typed: Any, expected: bool) -> None:
    snapshot = read_workbook(edited(set_fact("practices.cooperation_funds_separate_account", typed)))
    assert snapshot.practices is not None
    assert snapshot.practices["cooperation_funds_separate_account"] is expected


def test_a_yes_no_cell_that_is_neither_is_an_error() -> None:
    [(path, zh, en)] = problems(edited(set_cell("制度与设施", "回答", 3, "大概有")))
    assert path == "制度与设施!C3"
    assert "大概有" in zh and "是 或 否" in zh
    assert "yes/no" in en


# -- vocabularies: labels, codes, English ---------------------------------------------------------------
@pytest.mark.parametrize("typed", ["防火检查", "fire_inspection", "FIRE_INSPECTION", "fire inspection", " 防火检查 "])
def test_activity_kind_by_label_or_code(typed: str) -> None:
    snapshot = read_workbook(edited(set_cell("活动记录", "活动类型", 2, typed)))
    assert snapshot.activities is not None
    assert snapshot.activities[0].kind.value == "fire_inspection"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("养老机构", ["elderly_care"]),
        ("养老机构、医疗卫生机构", ["elderly_care", "medical"]),
        ("medical, elderly_care", ["medical", "elderly_care"]),
        ("医疗卫生机构；养老机构", ["medical", "elderly_care"]),
    ],
)
def test_institution_kinds_by_label_or_code(typed: str, expected: list[str]) -> None:
    assert [k.value for k in read_workbook(edited(set_item("机构类型", typed))).institution.kinds] == expected


@pytest.mark.parametrize(("typed", "expected"), [("乡镇卫生院", "township_health_center"), ("clinic", "clinic")])
def test_primary_care_type_by_label_or_code(typed: str, expected: str) -> None:
    care = read_workbook(edited(set_item("基层医疗卫生机构类型", typed))).institution.primary_care_type
    assert care is not None and care.value == expected


def test_assessment_kind_by_label_or_code() -> None:
    snapshot = read_workbook(edited(set_cell("老年人评估", "评估类型", 2, "dynamic")))
    assert snapshot.residents is not None and snapshot.residents[0].assessments is not None
    assert snapshot.residents[0].assessments[0].kind.value == "dynamic"


def test_an_unknown_label_lists_the_choices() -> None:
    [(path, zh, _en)] = problems(edited(set_cell("活动记录", "活动类型", 3, "防火巡查")))
    assert path == "活动记录!B3"
    assert "防火巡查" in zh and "防火检查" in zh and "消防演练" in zh


# -- ids, numbers, spaces -------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", [1001, 1001.0, "1001", "１００１", " 1001 "])
def test_ids_typed_as_numbers_or_full_width(typed: Any) -> None:
    # R-0002 has no assessments to tie to its id.
    snapshot = read_workbook(edited(set_cell("入住老年人", "老年人编号", 3, typed)))
    assert snapshot.residents is not None
    assert snapshot.residents[1].id == "1001"


@pytest.mark.parametrize("typed", [84, 84.0, "84", "８４", " 84 "])
def test_whole_numbers(typed: Any) -> None:
    snapshot = read_workbook(edited(set_cell("入住老年人", "年龄", 2, typed)))
    assert snapshot.residents is not None and snapshot.residents[0].age == 84


def test_a_number_that_is_not_whole_is_an_error() -> None:
    [(path, zh, _en)] = problems(edited(set_cell("入住老年人", "年龄", 2, "八十四")))
    assert path == "入住老年人!D2" and "整数" in zh


def test_region_code_typed_as_a_number() -> None:
    assert read_workbook(edited(set_item("行政区划代码", 110108))).institution.region_code == "110108"


def test_empty_rows_and_blank_cells_are_skipped() -> None:
    def change(book: Workbook) -> None:
        ws = book["活动记录"]
        ws.insert_rows(3, amount=2)
        ws.cell(row=4, column=4, value="   ")

    assert read_workbook(edited(change)) == sample()


def test_columns_in_any_order_are_matched_by_header() -> None:
    def change(book: Workbook) -> None:
        ws = book["活动记录"]
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(reversed(row), start=1):
                ws.cell(row=r, column=c).value = value

    assert read_workbook(edited(change)) == sample()


def test_english_headers_and_sheet_names_are_read_too() -> None:
    english = write_workbook(sample(), Engine.load().catalogs["beijing"], "en")
    assert read_workbook(english) == sample()


def test_a_title_row_above_the_header_is_allowed() -> None:
    def change(book: Workbook) -> None:
        ws = book["活动记录"]
        ws.insert_rows(1)
        ws["A1"] = "2026年 防火检查与培训记录"

    assert read_workbook(edited(change)) == sample()


# -- errors: where, what, all of them ------------------------------------------------------------------
def test_all_errors_are_listed_with_sheet_and_cell() -> None:
    def change(book: Workbook) -> None:
        set_cell("活动记录", "日期", 14, "2026/13/5")(book)
        set_cell("入住老年人", "年龄", 3, -4)(book)
        set_cell("签约协议", "签订日期", 2, None)(book)
        set_item("评估期间开始", "2027-01-01")(book)  # after the period's end

    found = problems(edited(change))
    paths = [p for p, _, _ in found]
    book = load_workbook(BytesIO(exported()))

    def ref(sheet: str, header: str, row: int) -> str:
        return f"{sheet}!{get_column_letter(column_of(book[sheet], header))}{row}"

    date_cell, age_cell, signed_cell = (
        ref("活动记录", "日期", 14),
        ref("入住老年人", "年龄", 3),
        ref("签约协议", "签订日期", 2),
    )
    assert paths == ["机构信息!B3", date_cell, age_cell, signed_cell]
    messages = {p: zh for p, zh, _ in found}
    assert "2026/13/5" in messages[date_cell]
    assert "不能小于 0" in messages[age_cell]
    assert "必填" in messages[signed_cell]


def test_an_unknown_sheet_or_column_is_an_error_not_silently_dropped() -> None:
    def change(book: Workbook) -> None:
        book["活动记录"].title = "活动纪录"
        ws = book["隐患台账"]
        ws.cell(row=1, column=ws.max_column + 1, value="复查人")
        book.create_sheet("#我的备注")["A1"] = "自用，不导入"

    found = problems(edited(change))
    # The renamed sheet, and (so the list is not read as empty) the 有 it no longer backs.
    assert [p for p, _, _ in found] == ["机构信息!B18", "活动纪录", "隐患台账!J1"]
    assert "活动记录" in found[0][1] and "没有记录" in found[0][1]
    assert "未知工作表" in found[1][1] and "#" in found[1][1]
    assert "未知列“复查人”" in found[2][1]


def test_a_value_in_a_column_without_header_is_an_error() -> None:
    def change(book: Workbook) -> None:
        book["活动记录"]["J5"] = "补充说明"

    assert [p for p, _, _ in problems(edited(change))] == ["活动记录!J5"]


def test_a_missing_required_column_is_named_once() -> None:
    def change(book: Workbook) -> None:
        ws = book["活动记录"]
        ws.delete_cols(column_of(ws, "日期"))

    found = problems(edited(change))
    assert [(p, zh) for p, zh, _ in found] == [("活动记录!1:1", "缺少必填列「日期」")]


def test_none_with_rows_is_a_contradiction() -> None:
    [(path, zh, _)] = problems(edited(set_item("活动记录（有/无）", "无")))  # while the sheet has rows
    assert path == "机构信息!B18" and "活动记录" in zh and "17 条记录" in zh


def test_none_without_rows_is_an_empty_list_and_blank_is_unknown() -> None:
    def change(value: str | None) -> Callable[[Workbook], None]:
        def apply(book: Workbook) -> None:
            set_item("隐患台账（有/无）", value)(book)
            ws = book["隐患台账"]
            ws.delete_rows(2, ws.max_row)

        return apply

    assert read_workbook(edited(change("无"))).hazards == []
    assert read_workbook(edited(change(None))).hazards is None


def test_an_assessment_for_a_resident_who_is_not_listed_is_an_error() -> None:
    found = problems(edited(set_cell("老年人评估", "老年人编号", 2, "R-9999")))
    # R-0001's 评估记录 says 有 and now has no rows: reported too, at its own cell.
    assert [(p, "R-9999" in zh) for p, zh, _ in found] == [("入住老年人!E2", False), ("老年人评估!A2", True)]


def test_an_unknown_province_names_its_cell() -> None:
    def change(book: Workbook) -> None:
        set_item("所在省份", "北平")(book)
        set_item("行政区划代码", None)(book)

    [(path, zh, _)] = problems(edited(change))
    assert path == "机构信息!B7" and "北平" in zh


def test_not_a_workbook(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_workbook(b"not a zip file", "x.xlsx")
    assert "xlsx" in caught.value.problems[0].zh


# -- the command line ----------------------------------------------------------------------------------
def test_import_and_check_accept_a_workbook(tmp_path: Path) -> None:
    book = tmp_path / "台账.xlsx"
    book.write_bytes(exported())
    imported = runner.invoke(app, ["import", str(book)])
    assert imported.exit_code == 0, imported.output
    assert Snapshot.model_validate_json(imported.stdout) == sample()
    from_book = runner.invoke(app, ["check", str(book), "-f", "json", "--as-of", "2026-09-10"])
    from_json = runner.invoke(app, ["check", str(SAMPLE), "-f", "json", "--as-of", "2026-09-10"])
    assert from_book.exit_code == from_json.exit_code == 1
    assert json.loads(from_book.stdout)["findings"] == json.loads(from_json.stdout)["findings"]


@pytest.mark.parametrize("command", ["import", "check"])
def test_bad_cells_exit_2_in_chinese_or_english(tmp_path: Path, command: str) -> None:
    book = tmp_path / "台账.xlsx"
    book.write_bytes(edited(set_cell("活动记录", "日期", 14, "2026/13/5")))
    zh = runner.invoke(app, [command, str(book)])
    assert zh.exit_code == 2
    assert f"{book}: 活动记录!C14: 「日期」“2026/13/5”不是日期" in zh.stderr
    en = runner.invoke(app, [command, str(book), "--lang", "en"])
    assert en.exit_code == 2
    assert "活动记录!C14: date: '2026/13/5' is not a date" in en.stderr
    assert "Traceback" not in zh.output + en.output


def test_a_formula_error_is_not_read_as_text() -> None:
    [(path, zh, en)] = problems(edited(set_cell("活动记录", "主题", 10, "#N/A")))
    assert path == "活动记录!D10" and "公式错误" in zh and "#N/A" in en


def test_a_number_typed_into_a_date_formatted_column_is_explained() -> None:
    [(path, zh, _)] = problems(edited(set_cell("入住老年人", "年龄", 2, datetime(1900, 3, 24))))
    assert path == "入住老年人!D2" and "日期格式" in zh and "常规" in zh


@pytest.mark.parametrize("suffix", [".xls", ".et", ".ods"])
def test_old_and_other_formats_are_told_to_save_as_xlsx(tmp_path: Path, suffix: str) -> None:
    book = tmp_path / f"台账{suffix}"
    book.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    done = runner.invoke(app, ["check", str(book)])
    assert done.exit_code == 2 and "另存为" in done.stderr and "Traceback" not in done.output


def test_a_value_beside_the_value_column_of_the_institution_sheet_is_an_error() -> None:
    def change(book: Workbook) -> None:
        book["机构信息"].cell(row=item_row(book, "机构信息", "机构名称"), column=4).value = "旧名称"

    [(path, zh, _)] = problems(edited(change))
    assert path == "机构信息!D6" and "B 列" in zh
