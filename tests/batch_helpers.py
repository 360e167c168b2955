"""Shared by the tests/test_batch_*.py files: snapshots, batches and ways to run the command."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from yiyang_rules.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"

CLEAN: dict[str, Any] = {
    "schema_version": "1",
    "as_of": "2026-03-01",
    "period": {"start": "2026-01-01", "end": "2026-02-28"},
    "institution": {
        "id": "CLEAN-1",
        "name": "某养老院",
        "province": "130000",
        "kinds": ["elderly_care"],
        "qualifications": {"clinic_filing": False, "medical_practice_license": False, "elderly_care_filing": True},
    },
}


def sample(index: int = 0) -> dict[str, Any]:
    """The bundled Beijing sample (non-compliant on a mandatory rule), with its own id."""
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["institution"]["id"] = f"91110108MA{index:08d}"
    return data


def clean(index: int = 0) -> dict[str, Any]:
    """A Hebei home that breaks no mandatory rule (exit 0 on its own)."""
    data = copy.deepcopy(CLEAN)
    data["institution"]["id"] = f"CLEAN-{index}"
    return data


def bad(index: int = 0) -> dict[str, Any]:
    data = sample(index)
    data["activities"][0]["kind"] = "fire_inspetion"
    return data


def line(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else line(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else line(data), encoding="utf-8")
    return path


runner = CliRunner()


def run(*args: object, stdin: str | bytes | None = None) -> Any:
    """``yiyang …`` in process (messages on stderr follow --lang, zh by default)."""
    argv = [str(a) for a in args]
    return runner.invoke(app, argv, input=stdin)


def console_script() -> str:
    beside = Path(sys.executable).parent / "yiyang"
    found = str(beside) if beside.exists() else shutil.which("yiyang")
    if found is None:
        pytest.fail("the yiyang console script is not installed")
    return found


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONIOENCODING", "LC_", "LANG"))}
    env.update(extra)
    return env


def yiyang(*args: object, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [console_script(), *[str(a) for a in args]],
        capture_output=True,
        check=False,
        env=env or subprocess_env(),
        timeout=300,
        **kwargs,
    )
