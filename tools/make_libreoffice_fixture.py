"""Regenerate tests/fixtures/workbooks/libreoffice-filled.xlsx: a workbook as staff fill it in, saved
by LibreOffice, so the tests read a file no openpyxl wrote (CI needs no LibreOffice).

    python tools/make_libreoffice_fixture.py        # needs `soffice` (Debian: libreoffice-calc)

It fills the Beijing template the way people do (dates typed as 2026/3/5, 2026年3月5日 or as date
cells, ids as numbers, 是/否/√/×/Y/N, Chinese labels and codes, stray spaces, an empty row, columns
moved), lets LibreOffice open and save it as .xlsx, and writes next to it the snapshot the test
expects — written out by hand below, not produced by the reader under test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from yiyang_rules.engine import Engine
from yiyang_rules.workbook.writer import write_workbook

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "tests" / "fixtures" / "workbooks" / "libreoffice-filled.xlsx"

EXPECTED = {
    "schema_version": "1",
    "as_of": "2026-07-01",
    "period": {"start": "2026-01-01", "end": "2026-06-30"},
    "institution": {
        "id": "12110000MB0000001X",
        "name": "北京市示例医养结合中心",
        "province": "北京",
        "region_code": "110105",
        "kinds": ["elderly_care", "medical"],
        "qualifications": {"medical_practice_license": True, "elderly_care_filing": True},
    },
    "activities": [
        {"id": "1", "kind": "fire_inspection", "date": "2026-01-05"},
        {"id": "2", "kind": "fire_inspection", "date": "2026-02-03", "participants": 6},
        {"id": "3", "kind": "fire_drill", "date": "2026-03-05", "topic": "夜间疏散"},
        {"id": "4", "kind": "health_education", "date": "2026-04-20", "topic": "防跌倒"},
    ],
    "residents": [
        {
            "id": "1001",
            "admitted": "2026-02-01",
            "age": 82,
            "service_plan": True,
            "assessments": [{"kind": "admission", "date": "2026-02-01"}, {"kind": "dynamic", "date": "2026-05-01"}],
        },
        {"id": "1002", "admitted": "2026-03-15", "age": 77, "service_plan": False, "assessments": []},
    ],
    "hazards": [
        {
            "id": "H1",
            "found": "2026-05-06",
            "plan": {"responsible": "后勤科", "deadline": "2026-06-30"},
            "description": "二楼安全出口指示灯不亮",
        },
        {"id": "H2", "found": "2026-06-01", "rectified": "2026-06-03"},
    ],
    "agreements": [
        {
            "id": "2026-001",
            "partner": "朝阳区某社区卫生服务中心",
            "signed": "2026-01-10",
            "reported": "2026-01-25",
            "dispute_clause": True,
            "confidentiality_clause": False,
        }
    ],
    "quality": {"pressure_ulcers": {"residents": 40, "new_grade2_plus": 1}},
    "policies": {"hazard_ledger": True, "emergency_plan": True, "dynamic_assessment": False},
    "practices": {"cooperation_mechanism": True},
}


def _item(ws, label: str, value) -> None:  # type: ignore[no-untyped-def]
    for row in ws.iter_rows(min_col=1, max_col=1):
        if isinstance(row[0].value, str) and row[0].value.rstrip("*").startswith(label):
            ws.cell(row=row[0].row, column=2).value = value
            return
    raise SystemExit(f"no item {label!r}")


def _rows(ws, rows: list[list[object]]) -> None:  # type: ignore[no-untyped-def]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c).value = value


def filled() -> bytes:
    catalog = Engine.load().catalogs["beijing"]
    book = load_workbook(BytesIO(write_workbook(None, catalog)))
    info = book["机构信息"]
    _item(info, "评估日", "2026年7月1日")
    _item(info, "评估期间开始", "2026/1/1")
    _item(info, "评估期间结束", date(2026, 6, 30))
    _item(info, "机构编号", " 12110000MB0000001X ")
    _item(info, "机构名称", "北京市示例医养结合中心")
    _item(info, "所在省份", "北京")
    _item(info, "行政区划代码", 110105)
    _item(info, "机构类型", "养老机构、medical")
    _item(info, "《医疗机构执业许可证》", "√")
    _item(info, "养老机构备案", "Y")
    # 活动记录: columns moved (date first), one empty row, ids typed as numbers.
    acts = book["活动记录"]
    header = ["日期*", "活动类型*", "记录编号", "主题", "参加人数", "备注", "扩展数据（JSON）"]
    _rows(acts, [[]])
    for c, text in enumerate(header, start=1):
        acts.cell(row=1, column=c).value = text
    # Moving a column moves its format: the date format goes with 日期 to column A.
    acts.column_dimensions["A"].number_format = acts.column_dimensions["C"].number_format
    acts.column_dimensions["C"].number_format = "General"
    _rows(
        acts,
        [
            ["2026-1-5", "防火检查", 1, None, None],
            ["2026.02.03", "fire_inspection", 2.0, None, "６"],
            [None, None, None, None, None],
            ["2026年3月5日", "消防演练", "3", "夜间疏散", None],
            [date(2026, 4, 20), " 健康教育或技能培训 ", 4, "防跌倒", None],
        ],
    )
    _rows(book["入住老年人"], [[1001, "2026/2/1", None, 82, "有", "是"], ["1002", 46096, None, "77", "无", "否"]])
    _rows(book["老年人评估"], [[1001, "入住评估", "2026-02-01"], [1001.0, "dynamic", "2026/5/1"]])
    _rows(
        book["隐患台账"],
        [
            ["H1", "2026/5/6", None, "有", "后勤科", "2026年6月30日", None, "二楼安全出口指示灯不亮"],
            ["H2", "2026/6/1", "2026/6/3", None, None, None, None, None],
        ],
    )
    # 本机构在协议中的角色 left blank: unknown, as most ledgers have it
    agreement = ["2026-001", "朝阳区某社区卫生服务中心", None, "2026/1/10", "2026/1/25", None, None, None, "√", "×"]
    _rows(book["签约协议"], [agreement])
    quality = book["质量指标"]
    _item(quality, "压疮统计：入住老年人数", 40)
    _item(quality, "压疮统计：新发Ⅱ度及以上压疮人数", "1")
    facts = book["制度与设施"]
    answers = {
        "policies.hazard_ledger": "是",
        "policies.emergency_plan": "Y",
        "policies.dynamic_assessment": "否",
        "practices.cooperation_mechanism": "√",
    }
    for row in facts.iter_rows(min_row=2):
        code = row[5].value
        if code in answers:
            row[2].value = answers[code]
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice (LibreOffice) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "libreoffice-filled.xlsx"
        source.write_bytes(filled())
        outdir = Path(tmp) / "out"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(outdir),
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(outdir / source.name, TARGET)
    TARGET.with_suffix(".json").write_text(json.dumps(EXPECTED, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(TARGET)


if __name__ == "__main__":
    main()
