"""The 豁免 (Exemptions) sheet of the ledger workbook: tolerant cells, strict entries, named cells."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from yiyang_rules.cli.app import app
from yiyang_rules.engine import Engine, to_snapshot
from yiyang_rules.errors import InputError
from yiyang_rules.exemptions import apply_exemptions, exemptions_from_text, is_exempted
from yiyang_rules.workbook.exemptions_sheet import exemption_row_count, read_workbook_exemptions
from yiyang_rules.workbook.reader import read_workbook
from yiyang_rules.workbook.writer import write_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
INSTITUTION = "91110108MA00EXAMPLE"
ENGINE = Engine.load()
KNOWN = {r.id for c in ENGINE.catalogs.values() for r in c.rules}
runner = CliRunner()

APRIL = ["fire.inspection-monthly", None, "2026-04", "装修停业期间", "海淀区卫生健康委员会", "海卫老龄函〔2026〕5号"]


def sample_workbook(rows: list[list[Any]], lang: str = "zh") -> bytes:
    """The bundled sample's export with ``rows`` typed into the 豁免 sheet from row 3."""
    snapshot = to_snapshot(SAMPLE)
    book = load_workbook(BytesIO(write_workbook(snapshot, ENGINE.catalog_for(snapshot), lang)))
    ws = book["豁免" if lang == "zh" else "Exemptions"]
    for number, row in enumerate(rows, start=3):
        for col, value in enumerate(row, start=1):
            ws.cell(row=number, column=col, value=value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def problems(content: bytes, **kwargs: Any) -> dict[str, tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        read_workbook_exemptions(content, KNOWN, source="台账.xlsx", **kwargs)
    assert caught.value.source == "台账.xlsx"
    return {p.path: (p.zh, p.en) for p in caught.value.problems}


def test_tolerant_spellings_read_like_the_yaml_file() -> None:
    content = sample_workbook(
        [
            [" fire.inspection-monthly ", None, "２０２６-04", *APRIL[3:], "2026年4月1日", datetime(2026, 9, 30)],
            [
                "safety.hazard-ledger",
                INSTITUTION,
                " H-07 ",
                "整改期内",
                "海淀区卫健委",
                "函〔2026〕12号",
                "2026/8/20",
                "2026.10.31",
            ],
            ["fire.inspection-monthly", 1001.0, 2026, "理由", "单位", "文号", 46113, "2026-06-30"],
        ]
    )
    found = read_workbook_exemptions(content, KNOWN, source="台账.xlsx")
    entries = [x.entry for x in found]
    assert [(e.rule, e.institution, e.unit) for e in entries] == [
        ("fire.inspection-monthly", INSTITUTION, "2026-04"),
        ("safety.hazard-ledger", INSTITUTION, "H-07"),
        ("fire.inspection-monthly", "1001", "2026"),
    ]
    assert [(str(e.granted), str(e.expires)) for e in entries] == [
        ("2026-04-01", "2026-09-30"),
        ("2026-08-20", "2026-10-31"),
        ("2026-04-01", "2026-06-30"),
    ]
    assert [x.source for x in found] == ["台账.xlsx!豁免!3", "台账.xlsx!豁免!4", "台账.xlsx!豁免!5"]
    # The same entries as the YAML file writes them.
    yaml_entry = exemptions_from_text((ROOT / "examples" / "beijing-exemptions.yaml").read_text(), known_rules=KNOWN)
    assert yaml_entry[1].entry == entries[0]


def test_an_explicit_institution_stands_for_blank_cells() -> None:
    content = sample_workbook([[*APRIL, "2026-04-01", "2026-09-30"]])
    (found,) = read_workbook_exemptions(content, KNOWN, institution="X-1")
    assert found.entry.institution == "X-1"


@pytest.mark.parametrize(
    ("row", "cell", "zh", "en"),
    [
        (["fire.no-such-rule", *APRIL[1:], "2026-04-01", "2026-09-30"], "豁免!A3", "没有编号为", "no rule"),
        ([*APRIL, "2026/13/1", "2026-09-30"], "豁免!G3", "不是日期", "is not a date"),
        ([*APRIL, "26/4/1", "2026-09-30"], "豁免!G3", "不是日期", "is not a date"),
        ([*APRIL, "2026-04-01", "2026-03-31"], "豁免!H3", "早于批准日期", "is before granted"),
        ([*APRIL, "2026-04-01", "2027-04-02"], "豁免!H3", "超过 12 个月", "more than 12 months"),
        ([*APRIL[:3], None, *APRIL[4:], "2026-04-01", "2026-09-30"], "豁免!D3", "必填", "required"),
        ([*APRIL, "2026-04-01", None], "豁免!H3", "必填", "required"),
        ([*APRIL[:2], datetime(2026, 4, 1), *APRIL[3:], "2026-04-01", "2026-09-30"], "豁免!C3", "日期格式", "date"),
        ([*APRIL, "2026-04-01", "2026-09-30", "多余"], "豁免!I3", "没有表头", "without a header"),
    ],
)
def test_every_error_names_its_cell_in_both_languages(row: list[Any], cell: str, zh: str, en: str) -> None:
    found = problems(sample_workbook([[*APRIL, "2026-04-01", "2026-09-30"], row]))
    assert set(found) == {cell.replace("3", "4")}
    message_zh, message_en = found[cell.replace("3", "4")]
    assert zh in message_zh and en in message_en
    assert message_zh != message_en


def test_every_problem_of_the_sheet_is_reported_at_once() -> None:
    found = problems(
        sample_workbook(
            [
                ["nope", *APRIL[1:], "2026-04-01", "2026-09-30"],
                [*APRIL, "bad", "2026-09-30"],
            ]
        )
    )
    assert set(found) == {"豁免!A3", "豁免!G4"}


def test_the_horizon_is_configurable() -> None:
    row = [*APRIL, "2026-04-01", "2027-04-01"]
    assert problems(sample_workbook([row]), max_months=6)["豁免!H3"][1].endswith("(the maximum horizon)")
    assert len(read_workbook_exemptions(sample_workbook([row]), KNOWN)) == 1


def test_english_sheet_and_contract_keys_as_headers() -> None:
    content = sample_workbook([[*APRIL, "2026-04-01", "2026-09-30"]], lang="en")
    (found,) = read_workbook_exemptions(content, KNOWN)
    assert (found.entry.rule, found.entry.unit) == ("fire.inspection-monthly", "2026-04")
    book = load_workbook(BytesIO(content))
    assert [c.value for c in book["Exemptions"][2]] == [
        "rule*",
        "institution",
        "unit",
        "reason*",
        "approved_by*",
        "document*",
        "granted*",
        "expires*",
    ]


def test_an_unknown_header_is_named() -> None:
    book = load_workbook(BytesIO(sample_workbook([[*APRIL, "2026-04-01", "2026-09-30"]])))
    book["豁免"]["D2"] = "原因"
    out = BytesIO()
    book.save(out)
    found = problems(out.getvalue())
    assert "未知列“原因”" in found["豁免!D2"][0]
    assert any("理由" in zh for zh, _ in found.values())  # the required column is missing


def test_the_template_has_the_sheet_with_headers_instruction_and_rule_ids(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "-j", "北京", "-o", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    catalog = ENGINE.catalogs["beijing"]
    content = (tmp_path / "t.xlsx").read_bytes()
    book = load_workbook(BytesIO(content))
    ws = book["豁免"]
    assert "每行一项经批准的豁免" in str(ws["A1"].value)
    assert [c.value for c in ws[2]] == [
        "规则编号*",
        "机构编号",
        "事项/期间",
        "理由*",
        "批准单位*",
        "批复文号*",
        "批准日期*",
        "截止日期*",
    ]
    (rule_list,) = [v for v in ws.data_validations.dataValidation if "A3" in str(v.sqref)]
    sheet, _, cells = rule_list.formula1.lstrip("=").partition("!")
    listed = [c.value for row in book[sheet.strip("'")][cells.replace("$", "")] for c in row]
    assert listed == [r.id for r in catalog.rules]
    assert read_workbook_exemptions(content, KNOWN) == ()


def test_export_writes_it_empty_and_a_snapshot_ignores_it() -> None:
    snapshot = to_snapshot(SAMPLE)
    book = load_workbook(BytesIO(write_workbook(snapshot, ENGINE.catalog_for(snapshot))))
    assert book["豁免"].max_row == 2
    content = sample_workbook([[*APRIL, "2026-04-01", "2026-09-30"]])
    assert read_workbook(content) == snapshot
    assert exemption_row_count(content) == 1


def test_import_leaves_exemptions_out_and_says_so(tmp_path: Path) -> None:
    workbook = tmp_path / "台账.xlsx"
    workbook.write_bytes(sample_workbook([[*APRIL, "2026-04-01", "2026-09-30"]]))
    result = runner.invoke(app, ["import", str(workbook), "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert "「豁免」表有 1 行豁免" in result.stderr
    assert to_snapshot(tmp_path / "s.json") == to_snapshot(SAMPLE)
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(sample_workbook([]))
    assert "豁免" not in runner.invoke(app, ["import", str(plain), "-o", str(tmp_path / "p.json")]).stderr


def test_the_sheet_exempts_the_april_fire_inspection_like_the_file() -> None:
    content = sample_workbook([[*APRIL, "2026-04-01", "2026-09-30"]])
    report = ENGINE.check(read_workbook(content))
    assert "fire.inspection-monthly" in [f.rule_id for f in report.mandatory_violations]
    exempted = apply_exemptions(report, read_workbook_exemptions(content, KNOWN))
    finding = next(f for f in exempted.findings if f.rule_id == "fire.inspection-monthly")
    assert finding.status == "non_compliant"  # keeps its real status
    assert is_exempted(finding) and finding.exemption is not None
    assert finding.exemption.units == ["2026-04"]
    assert "fire.inspection-monthly" not in [f.rule_id for f in exempted.mandatory_violations]
    assert [o.state for o in exempted.exemptions or []] == ["applied"]


def test_an_exemption_for_april_does_not_cover_may() -> None:
    may = [*APRIL[:2], "2026-05", *APRIL[3:], "2026-04-01", "2026-09-30"]
    content = sample_workbook([may])
    report = ENGINE.check(read_workbook(content))
    exempted = apply_exemptions(report, read_workbook_exemptions(content, KNOWN))
    finding = next(f for f in exempted.findings if f.rule_id == "fire.inspection-monthly")
    assert finding.exemption is None
    assert "fire.inspection-monthly" in [f.rule_id for f in exempted.mandatory_violations]
    assert [o.state for o in exempted.exemptions or []] == ["unmatched"]


def test_a_misspelt_sheet_name_lists_the_exemptions_sheet() -> None:
    book = load_workbook(BytesIO(sample_workbook([[*APRIL, "2026-04-01", "2026-09-30"]])))
    book["豁免"].title = "豁免表"
    out = BytesIO()
    book.save(out)
    with pytest.raises(InputError) as caught:
        read_workbook(out.getvalue())
    (problem,) = caught.value.problems
    assert problem.path == "豁免表" and "豁免" in problem.zh.partition("工作表应为：")[2]
    # Read as no exemptions would hide the rows: the snapshot reader refuses the workbook instead.
    assert read_workbook_exemptions(out.getvalue(), KNOWN, institution=INSTITUTION) == ()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_sheet_saved_by_libreoffice_reads_the_same_exemptions(tmp_path: Path) -> None:
    rows = [
        [*APRIL, "2026年4月1日", datetime(2026, 9, 30)],
        ["safety.hazard-ledger", 1001, "H-07", "r", "a", "d", 46254, "2026/10/31"],
    ]
    source = tmp_path / "in" / "台账.xlsx"
    source.parent.mkdir()
    source.write_bytes(sample_workbook(rows))
    subprocess.run(
        [
            str(shutil.which("soffice")),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    theirs = read_workbook_exemptions(tmp_path / "台账.xlsx", KNOWN)
    assert [x.entry for x in theirs] == [x.entry for x in read_workbook_exemptions(source, KNOWN)]
    assert [x.entry.institution for x in theirs] == [INSTITUTION, "1001"]


def test_check_applies_the_workbook_sheet_with_the_exemptions_file(tmp_path: Path) -> None:
    """`yiyang check 台账.xlsx`: the sheet's rows apply to the workbook's report, together with
    `--exemptions FILE`; a wrong row is an input error naming its cell."""
    workbook = tmp_path / "台账.xlsx"
    workbook.write_bytes(sample_workbook([[*APRIL, "2026-04-01", "2026-09-30"]]))
    result = runner.invoke(app, ["check", str(workbook), "--format", "json"])
    assert result.exit_code == 1, result.stderr  # R-0002 and H-07 are not exempted
    report = json.loads(result.stdout)
    fire = next(f for f in report["findings"] if f["rule_id"] == "fire.inspection-monthly")
    assert fire["status"] == "non_compliant" and fire["exemption"]["units"] == ["2026-04"]
    assert [o["state"] for o in report["exemptions"]] == ["applied"]

    exemptions_file = tmp_path / "ex.yaml"
    exemptions_file.write_text(
        "exemptions:\n"
        "  - {rule: safety.hazard-ledger, institution: 91110108MA00EXAMPLE, unit: H-07, reason: 整改期内,\n"
        "     approved_by: 海淀区民政局, document: 海民函〔2026〕7号, granted: 2026-08-01, expires: 2026-10-31}\n",
        encoding="utf-8",
    )
    both = runner.invoke(app, ["check", str(workbook), "--format", "json", "--exemptions", str(exemptions_file)])
    states = sorted(o["state"] for o in json.loads(both.stdout)["exemptions"])
    assert states == ["applied", "applied"], both.stderr

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sample_workbook([[*APRIL, "2026-04-01", "2026/13/40"]]))
    wrong = runner.invoke(app, ["check", str(bad), "--format", "json", "--lang", "en"])
    assert wrong.exit_code == 2
    assert "豁免!" in wrong.stderr and "Traceback" not in wrong.stderr
