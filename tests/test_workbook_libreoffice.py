"""Workbooks not written by openpyxl: a LibreOffice-saved fixture (always), and live round trips
through LibreOffice headless when ``soffice`` is installed.

Regenerate the fixture with ``python tools/make_libreoffice_fixture.py``.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from yiyang_rules.engine import Engine, to_snapshot
from yiyang_rules.snapshot import Snapshot
from yiyang_rules.workbook.reader import read_workbook
from yiyang_rules.workbook.writer import write_workbook

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "workbooks" / "libreoffice-filled.xlsx"
SAMPLE = ROOT / "examples" / "beijing-sample.json"
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@cache
def engine() -> Engine:
    return Engine.load()


def test_the_fixture_was_written_by_libreoffice() -> None:
    with zipfile.ZipFile(FIXTURE) as archive:
        assert "LibreOffice" in archive.read("docProps/app.xml").decode()


def test_a_libreoffice_saved_workbook_filled_in_by_hand_imports_as_expected() -> None:
    expected = Snapshot.model_validate_json(FIXTURE.with_suffix(".json").read_text(encoding="utf-8"))
    assert read_workbook(FIXTURE) == expected


def _convert(source: Path, target: str, outdir: Path) -> None:
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{outdir}/profile",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )


@needs_soffice
def test_an_export_saved_by_libreoffice_imports_identically(tmp_path: Path) -> None:
    snapshot = to_snapshot(SAMPLE)
    source = tmp_path / "in" / "sample.xlsx"
    source.parent.mkdir()
    source.write_bytes(write_workbook(snapshot, engine().catalog_for(snapshot)))
    _convert(source, "xlsx", tmp_path)
    saved = tmp_path / "sample.xlsx"
    with zipfile.ZipFile(saved) as archive:
        assert "LibreOffice" in archive.read("docProps/app.xml").decode()
    assert read_workbook(saved) == snapshot


@needs_soffice
def test_the_template_opens_in_libreoffice_with_its_sheets_and_drop_downs(tmp_path: Path) -> None:
    content = write_workbook(None, engine().catalogs["beijing"])
    source = tmp_path / "in" / "template.xlsx"
    source.parent.mkdir()
    source.write_bytes(content)
    # Every sheet to its own CSV: the headers LibreOffice reads are the template's.
    _convert(source, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", tmp_path)
    ours = load_workbook(BytesIO(content))
    for ws in ours.worksheets:
        exported = tmp_path / f"template-{ws.title}.csv"
        with exported.open(encoding="utf-8") as handle:
            first = next(csv.reader(handle), [])
        expected = [c.value or "" for c in ws[1]]
        assert first[: len(expected)] == expected, ws.title
    # Saved by LibreOffice as .xlsx: the drop-downs are still there, and it still reads as a template.
    _convert(source, "xlsx", tmp_path)
    theirs = load_workbook(tmp_path / "template.xlsx")
    for ws in ours.worksheets:
        mine = [(d.formula1, d.type) for d in ws.data_validations.dataValidation]
        kept = [(d.formula1.lstrip("="), d.type) for d in theirs[ws.title].data_validations.dataValidation]
        assert sorted(f.lstrip("=").replace("'", "") for f, _ in mine) == sorted(f.replace("'", "") for f, _ in kept)
    assert sum(len(ws.data_validations.dataValidation) for ws in theirs.worksheets) > 10
