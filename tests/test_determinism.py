"""The same input gives byte-identical output whatever the machine's time zone, locale and hash
seed: a report is evidence, and two runs of it must agree to the byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "examples" / "beijing-sample.json", ROOT / "tests" / "corpus" / "snapshots" / "valid.json"]
BAD = ROOT / "tests" / "corpus" / "snapshots" / "duplicate-key-nested.json"
ENVIRONMENTS = [
    {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"},
    {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "12345"},
    {"TZ": "America/Los_Angeles", "LC_ALL": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8", "PYTHONHASHSEED": "random"},
    {"TZ": "Asia/Kolkata", "LC_ALL": "", "LANG": "en_US.ISO-8859-1", "PYTHONHASHSEED": "4294967295"},
]


def _run(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ", "PYTHONHASHSEED"))}
    return subprocess.run(
        [sys.executable, "-m", "yiyang_rules", *map(str, args)],
        capture_output=True,
        env={**clean, **env},
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(("output_format", "lang"), [("json", "zh"), ("markdown", "zh"), ("sarif", "en")])
def test_reports_are_byte_identical_across_time_zones_locales_and_hash_seeds(
    tmp_path: Path, output_format: str, lang: str
) -> None:
    outputs = []
    for index, env in enumerate(ENVIRONMENTS):
        target = tmp_path / f"out-{index}"
        done = _run(env, "check", *INPUTS, "--format", output_format, "--lang", lang, "--output", target)
        assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
        outputs.append(target.read_bytes())
    assert len(outputs[0]) > 1000
    assert all(output == outputs[0] for output in outputs[1:])


def test_error_messages_are_byte_identical_too() -> None:
    runs = [_run(env, "check", BAD) for env in ENVIRONMENTS]
    assert {r.returncode for r in runs} == {2}
    assert b"activities[1].date" in runs[0].stderr
    assert all(r.stderr == runs[0].stderr for r in runs[1:])
