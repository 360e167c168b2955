"""The workbook is an outer layer: the core never imports it, and nothing loads openpyxl until a
workbook is read or written (checking JSON pays nothing for it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_architecture import _imports

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "yiyang_rules"
OUTER = {"cli", "render", "server", "workbook"}


def test_the_core_never_imports_the_workbook_package() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] in OUTER or path.name == "__main__.py":
            continue
        bad = {m for m in _imports(path) if m.split(".")[0] == "workbook"}
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE)} imports {sorted(bad)}")
    assert offenders == []


def test_the_command_line_and_the_library_load_no_openpyxl() -> None:
    code = (
        "import sys, yiyang_rules.engine, yiyang_rules.cli.app;"
        "import yiyang_rules.workbook.layout, yiyang_rules.workbook.needs;"
        "print(sorted(m for m in sys.modules if m.startswith('openpyxl')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
