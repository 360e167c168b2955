"""The lean ``yiyang check`` start-up (cli/entry.py) against the typer command it stands in for.

(a) For any command line the lean parser either declines or yields exactly the values typer's own
parsing (the click command's ``make_context``) yields; (b) the installed ``yiyang`` script writes
the same bytes and exits with the same code as the typer application; (c) a plain check loads
neither typer, click nor rich.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.main import _normalize_collection_value, get_command

from batch_helpers import SAMPLE, bad, clean, console_script, sample, subprocess_env, write_jsonl
from yiyang_rules.cli.app import app
from yiyang_rules.cli.check_cmd import CheckArgs
from yiyang_rules.cli.entry import parse_check
from yiyang_rules.render import RENDERERS

CHECK = get_command(app).commands["check"]  # type: ignore[attr-defined]


def typer_args(argv: list[str]) -> CheckArgs:
    """What typer hands the check command for ``argv`` (which starts with "check")."""
    ctx = CHECK.make_context("check", list(argv[1:]))
    params = {p.name: _normalize_collection_value(p, ctx.params[p.name]) for p in CHECK.params if p.name}
    return CheckArgs(**params)


def typed(args: CheckArgs) -> list[tuple[str, type, Any]]:
    # StrEnum members equal their strings: compare the types too.
    return [(f.name, type(getattr(args, f.name)), getattr(args, f.name)) for f in dataclasses.fields(args)]


def assert_agrees(argv: list[str]) -> CheckArgs | None:
    lean = parse_check(argv)
    if lean is not None:
        assert typed(lean) == typed(typer_args(argv)), argv
    return lean


# -- (a) the two parsers ------------------------------------------------------------------------

ACCEPTED = [
    ["check", "a.json"],
    ["check", "a.json", "--format", "json"],
    ["check", "a.json", "-f", "json"],
    ["check", "-f", "table", "a.json", "b.jsonl", "-"],
    ["check", "a.json", "--format=jsonl"] if "jsonl" in RENDERERS else ["check", "a.json", "--format=json"],
    ["check", "a.json", "-j", "beijing", "--as-of", "2026-03-01", "--lang", "en"],
    ["check", "a.json", "--jurisdiction=北京", "--as-of=not-a-date"],  # the body judges the date
    ["check", "a.json", "-o", "-"],
    ["check", "a.json", "-o", "out.json", "--summary", "--fail-on", "insufficient"],
    ["check", "a.json", "--status", "non_compliant,insufficient_data", "--workers", "2", "--no-progress"],
    ["check", "a.json", "--progress", "--config", "x.toml", "--rules", "rules"],
    ["check", "a.json", "--workers", "007"],
    ["check", "a.json", "-j", "-"],
    ["check", "a.json", "--status", ""],
    ["check", ""],
]

DECLINED = [
    ["check"],
    ["check", "--format", "json"],  # no input
    ["check", "--help"],
    ["check", "a.json", "--help"],
    ["--help"],
    ["rules", "list"],
    ["check", "a.json", "--exemptions", "e.yaml"],
    ["check", "a.json", "--exemption-max-months", "3"],
    ["check", "a.json", "--", "-x.json"],
    ["check", "a.json", "-fjson"],
    ["check", "a.json", "-f=json"],
    ["check", "a.json", "--format", "nope"],
    ["check", "a.json", "--format", "JSON"],
    ["check", "a.json", "--lang", "fr"],
    ["check", "a.json", "--fail-on", "never"],
    ["check", "a.json", "--workers", "0"],
    ["check", "a.json", "--workers", "two"],
    ["check", "a.json", "--workers", " 2"],
    ["check", "a.json", "--workers", "+2"],
    ["check", "a.json", "--workers", "٣"],
    ["check", "a.json", "--workers"],
    ["check", "a.json", "-f", "json", "-f", "table"],
    ["check", "a.json", "--progress", "--no-progress"],
    ["check", "a.json", "--summary=yes"],
    ["check", "a.json", "--formats", "json"],
    ["check", "a.json", "--form", "json"],  # click does not abbreviate; still typer's to say so
    ["check", "a.json", "-x"],
    ["check", "a.json", "-o", "--summary"],
    ["check", "a.json", "-o", ""],
    ["check", "a.\udcff.json"],
    ["check", "a.json", "-j", "\udcff"],
]


@pytest.mark.parametrize("argv", ACCEPTED, ids=" ".join)
def test_the_lean_parser_reads_the_common_command_lines_as_typer_does(argv: list[str]) -> None:
    assert assert_agrees(argv) is not None


@pytest.mark.parametrize("argv", DECLINED, ids=repr)
def test_the_lean_parser_leaves_the_rest_to_typer(argv: list[str]) -> None:
    assert parse_check(argv) is None


def test_an_existing_unreadable_path_is_left_to_typer(tmp_path: Path) -> None:
    locked = tmp_path / "locked.toml"
    locked.write_text("", encoding="utf-8")
    locked.chmod(0)
    try:
        argv = ["check", "a.json", "--config", str(locked)]
        lean = assert_agrees(argv)
        # As root everything is readable and both take it; otherwise typer refuses and so do we.
        assert (lean is None) == (not os.access(locked, os.R_OK))
    finally:
        locked.chmod(0o600)


def test_shell_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_YIYANG_COMPLETE", "bash_complete")
    assert parse_check(["check", "a.json"]) is None


_VALUES = st.sampled_from(
    [
        *RENDERERS,
        "JSON",
        "nope",
        "en",
        "zh",
        "EN",
        *("mandatory", "recommended", "insufficient"),
        *("0", "1", "2", "12", "007", " 3", "+4", "-1", "1.0", "1_0", "٣", "99999999999"),
        "",
        "-",
        "--summary",
        "-f",
        "2026-03-01",
        "beijing",
        "a.json",
        "dir/b.jsonl",
        str(SAMPLE),
        str(SAMPLE.parent),
        "ñ 名.json",
        "a=b",
        "\udcff",
    ]
)
_VALUE_OPTIONS = st.sampled_from(
    [
        *("-j", "--jurisdiction", "--as-of", "-f", "--format", "-o", "--output", "--lang", "--status"),
        *("--fail-on", "--workers", "--config", "--rules", "--exemptions", "--exemption-max-months"),
    ]
)
_LONE = st.sampled_from(
    ["--summary", "--progress", "--no-progress", "--help", "--", "-", "-x", "--nope", "--summary=1", "-fjson"]
)
_GOOD_VALUES = {
    "-j": ["beijing", "national", "北京", "-", ""],
    "--as-of": ["2026-03-01", "soon"],
    "-f": sorted(RENDERERS),
    "--lang": ["zh", "en"],
    "--status": ["non_compliant", "compliant,insufficient_data", "bogus"],
    "--fail-on": ["mandatory", "recommended", "insufficient"],
    "--workers": ["1", "2", "12", "007"],
    "-o": ["-", "out.json", str(SAMPLE.parent)],
    "--config": ["x.toml", str(SAMPLE)],
    "--rules": ["rules", str(SAMPLE.parent)],
}
_ALIASES = {"-j": "--jurisdiction", "-f": "--format", "-o": "--output"}
# Mostly command lines the lean parser takes (so that its values are compared), some it must not.
_GOOD_TOKENS = st.one_of(
    st.sampled_from(["a.json", "b.jsonl", "-", str(SAMPLE), "ñ 名.json"]).map(lambda v: [v]),
    st.sampled_from(["--summary", "--progress", "--no-progress"]).map(lambda flag: [flag]),
    st.sampled_from(sorted(_GOOD_VALUES)).flatmap(
        lambda option: st.tuples(
            st.sampled_from([option, _ALIASES.get(option, option)]),
            st.sampled_from(_GOOD_VALUES[option]),
            st.booleans(),
        ).map(lambda t: [f"{t[0]}={t[1]}"] if t[2] and t[0].startswith("--") else [t[0], t[1]])
    ),
)
_TOKENS = st.one_of(
    _GOOD_TOKENS,
    _GOOD_TOKENS,
    _GOOD_TOKENS,
    _VALUES.map(lambda v: [v]),  # a positional input (or a stray value)
    st.tuples(_VALUE_OPTIONS, _VALUES).map(list),
    st.tuples(_VALUE_OPTIONS, _VALUES).map(lambda pair: [f"{pair[0]}={pair[1]}"]),
    _LONE.map(lambda flag: [flag]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, max_size=7))
def test_the_lean_parser_declines_or_agrees_with_typer(tokens: list[list[str]]) -> None:
    argv = ["check", *(token for group in tokens for token in group)]
    lean = assert_agrees(argv)
    event(f"lean parser {'declined' if lean is None else 'took it'}")


# -- (b) the installed script against the typer application --------------------------------------

TYPER_MAIN = "from yiyang_rules.cli.app import main\nmain()\n"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lean")
    (folder / "bad.json").write_text(json.dumps(bad(1)), encoding="utf-8")
    (folder / "clean.json").write_text(json.dumps(clean(1)), encoding="utf-8")
    # A script named yiyang, so that typer's messages name the program as the console script does.
    typer_dir = folder / "typer"
    typer_dir.mkdir()
    (typer_dir / "yiyang").write_text(TYPER_MAIN, encoding="utf-8")
    return {
        "folder": folder,
        "typer": typer_dir / "yiyang",
        "batch": write_jsonl(folder / "batch.jsonl", [sample(1), bad(2), clean(3)]),
        "good_batch": write_jsonl(folder / "good.jsonl", [sample(4), clean(5)]),
    }


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = subprocess_env(YIYANG_NO_CONFIG="1", NO_COLOR="1")
    return subprocess.run(command, capture_output=True, check=False, env=env, cwd=cwd, timeout=300)


CASES = [
    ["check", str(SAMPLE), "--format", "json"],
    ["check", str(SAMPLE), "-f", "table"],
    ["check", "{clean}", "-f", "markdown", "--lang", "en"],
    ["check", "{good_batch}", "-f", "json", "--fail-on", "insufficient"],
    ["check", "{batch}", "-f", "json"],  # a bad line: exit 2 and its messages
    ["check", "{bad}", "--format=json"],
    ["check", str(SAMPLE), "{clean}", "--summary", "-f", "table"],
    ["check", str(SAMPLE), "--status", "bogus"],  # a usage error the body finds: typer reports it
    ["check", str(SAMPLE), "-j", "nowhere"],  # found while loading the rules: typer reports it
    ["check", str(SAMPLE), "--as-of", "soon"],
    ["check", str(SAMPLE), "-f", "xlsx"],  # binary to stdout: refused before any output
    ["check", str(SAMPLE), "--format", "nope"],
    ["check", "--help"],
    ["check"],
    ["version"],
]


@pytest.mark.parametrize("case", CASES, ids=" ".join)
def test_the_console_script_writes_what_the_typer_application_writes(case: list[str], inputs: dict[str, Path]) -> None:
    folder = inputs["folder"]
    args = [a.format(clean=folder / "clean.json", bad=folder / "bad.json", **inputs) for a in case]
    lean = _run([console_script(), *args], folder)
    typer_run = _run([sys.executable, str(inputs["typer"]), *args], folder)
    assert lean.returncode == typer_run.returncode, lean.stderr
    assert lean.stdout == typer_run.stdout
    assert lean.stderr == typer_run.stderr
    assert b"Traceback" not in lean.stderr


def test_python_dash_m_runs_the_same_entry(inputs: dict[str, Path]) -> None:
    args = ["check", str(SAMPLE), "-f", "json"]
    as_module = _run([sys.executable, "-m", "yiyang_rules", *args], inputs["folder"])
    script = _run([console_script(), *args], inputs["folder"])
    assert (as_module.returncode, as_module.stdout) == (script.returncode, script.stdout)
    assert as_module.returncode == 1  # the sample breaks a mandatory rule
    assert as_module.stdout.startswith(b'{"report_version":"1"')


def test_the_output_file_is_the_same(inputs: dict[str, Path], tmp_path: Path) -> None:
    lean_out, typer_out = tmp_path / "lean.json", tmp_path / "typer.json"
    lean = _run([console_script(), "check", str(inputs["batch"]), "-f", "json", "-o", str(lean_out)], tmp_path)
    typer_run = _run(
        [sys.executable, str(inputs["typer"]), "check", str(inputs["batch"]), "-f", "json", "-o", str(typer_out)],
        tmp_path,
    )
    assert lean.returncode == typer_run.returncode == 2
    assert lean_out.read_bytes() == typer_out.read_bytes() != b""


# -- (c) what a plain check loads -----------------------------------------------------------------

_MODULES_OF_A_CHECK = """
import json, sys
sys.argv = ["yiyang", "check", sys.argv[1], "--format", "json"]
from yiyang_rules.cli.entry import main
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def test_a_lean_check_loads_neither_typer_click_nor_rich() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _MODULES_OF_A_CHECK, str(SAMPLE)], capture_output=True, text=True, check=False
    )
    assert done.stdout.startswith('{"report_version":"1"'), done.stderr
    found = json.loads(done.stderr.strip().splitlines()[-1])
    assert found["code"] == 1
    loaded = [m for m in found["modules"] if m.split(".")[0] in {"typer", "click", "rich"}]
    assert loaded == []
    assert "yiyang_rules.cli.app" not in found["modules"]


def test_a_command_line_it_declines_loads_typer() -> None:
    # The same probe with an option the lean parser leaves alone: proves the probe can see typer.
    probe = _MODULES_OF_A_CHECK.replace('"--format", "json"]', '"--format", "json", "--exemption-max-months", "12"]')
    done = subprocess.run([sys.executable, "-c", probe, str(SAMPLE)], capture_output=True, text=True, check=False)
    assert done.stdout.startswith('{"report_version":"1"'), done.stderr
    assert "typer" in json.loads(done.stderr.strip().splitlines()[-1])["modules"]


def test_the_closed_pipe_stream_ignores_only_a_closed_pipe_on_flush() -> None:
    import errno  # noqa: PLC0415
    import io  # noqa: PLC0415

    from yiyang_rules.cli.entry import _PipeClosedStream  # noqa: PLC0415

    class Failing(io.StringIO):
        def __init__(self, code: int) -> None:
            super().__init__()
            self.code = code

        def flush(self) -> None:
            raise OSError(self.code, os.strerror(self.code))

    _PipeClosedStream(Failing(errno.EPIPE)).flush()  # the interpreter's last flush: silent
    with pytest.raises(OSError) as raised:
        _PipeClosedStream(Failing(errno.ENOSPC)).flush()
    assert raised.value.errno == errno.ENOSPC
    wrapped = _PipeClosedStream(Failing(errno.EPIPE))
    wrapped.write("text")
    assert wrapped.getvalue() == "text"
