"""Where reports go: UTF-8 whatever the locale, -o never over an input, never half a file, and a
failed write (disk full, closed pipe) is a message and exit 2, never a traceback or exit 1."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from batch_helpers import SAMPLE, clean, console_script, run, sample, subprocess_env, write_json, write_jsonl, yiyang
from yiyang_rules.cli.output import OutputError, Sink


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "gbk"},
        {"PYTHONIOENCODING": "ascii"},
        {"LC_ALL": "C", "LANG": "C"},
        {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
    ],
    ids=["gbk", "ascii", "C", "C-no-coercion"],
)
def test_stdout_is_utf8_whatever_the_locale(env: dict[str, str]) -> None:
    done = yiyang("check", SAMPLE, env=subprocess_env(**env))
    assert done.returncode == 1, done.stderr  # the sample's violation, not a crash
    text = done.stdout.decode("utf-8")  # strict: every byte is UTF-8
    assert "✗" in text and "不合规" in text and "fire.inspection-monthly" in text
    assert b"Traceback" not in done.stderr
    listed = yiyang("rules", "list", env=subprocess_env(**env))
    assert listed.returncode == 0 and "消防" in listed.stdout.decode("utf-8")


def test_a_gbk_console_gets_readable_errors_not_a_traceback(tmp_path: Path) -> None:
    path = write_json(tmp_path / "空.json", "")
    done = yiyang("check", path, env=subprocess_env(PYTHONIOENCODING="gbk"))
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    # A Chinese Windows console: the message is in Chinese (the default --lang) and reads in GBK.
    assert "输入为空" in done.stderr.decode("gbk")


def test_output_file_is_utf8_under_any_locale(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    done = yiyang("check", SAMPLE, "-f", "markdown", "-o", target, env=subprocess_env(LC_ALL="C", PYTHONUTF8="0"))
    assert done.returncode == 1, done.stderr
    assert "北京市海淀区示例颐养中心" in target.read_text(encoding="utf-8")


def test_output_naming_an_input_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    snapshot = write_json(tmp_path / "s.json", sample(1))
    before = snapshot.read_bytes()
    for target in (snapshot, tmp_path / "." / "s.json"):
        result = run("check", snapshot, "-o", target, "--format", "json")
        assert result.exit_code == 2
        assert "is one of the inputs" in result.stderr
        assert snapshot.read_bytes() == before
    link = tmp_path / "link.json"
    link.symlink_to(snapshot)
    result = run("check", snapshot, "-o", link)
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    assert snapshot.read_bytes() == before


def test_output_inside_an_input_folder_is_refused_when_it_would_be_read_next_time(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_json(folder / "a.json", clean(1))
    result = run("check", folder, "-f", "json", "-o", folder / "report.jsonl")
    assert result.exit_code == 2 and "inside the input folder" in result.stderr
    assert not (folder / "report.jsonl").exists()
    fine = run("check", folder, "-f", "markdown", "-o", folder / "report.md")
    assert fine.exit_code == 0, fine.stderr


def test_a_successful_run_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old report\n", encoding="utf-8")
    target.chmod(0o640)
    result = run("check", SAMPLE, "-f", "json", "-o", target)
    assert result.exit_code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["institution"]["id"] == "91110108MA00EXAMPLE"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's mode is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    fresh = tmp_path / "new.jsonl"
    run("check", SAMPLE, "-f", "json", "-o", fresh)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_a_failed_run_leaves_the_old_file_and_no_half_report(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old report\n", encoding="utf-8")
    with pytest.raises(RuntimeError), Sink(target) as sink:
        sink.write("half of a new rep")
        raise RuntimeError("the run failed here")
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_an_interrupted_batch_leaves_no_half_report(tmp_path: Path) -> None:
    batch = write_jsonl(tmp_path / "b.jsonl", [sample(i) for i in range(400)])
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [console_script(), "check", str(batch), "-f", "json", "-o", str(target), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
    )
    # Wait until the temporary file holds part of the report, then interrupt.
    for _ in range(600):
        partial = [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl.") and p.stat().st_size > 0]
        if partial or process.poll() is not None:
            break
        subprocess.run(["sleep", "0.05"], check=True)
    process.send_signal(2)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.jsonl"]
    assert b"Traceback" not in err


def test_a_full_disk_is_a_message_and_exit_2() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    done = yiyang("check", SAMPLE, "-f", "json", "-o", "/dev/full")
    assert done.returncode == 2
    assert b"/dev/full: no space left on the device" in done.stderr
    assert b"Traceback" not in done.stderr
    with open("/dev/full", "wb") as full:
        redirected = subprocess.run(
            [console_script(), "check", str(SAMPLE)], stdout=full, stderr=subprocess.PIPE, check=False, timeout=120
        )
    assert redirected.returncode == 2
    assert b"stdout: no space left on the device" in redirected.stderr
    assert b"Traceback" not in redirected.stderr


def test_an_unwritable_output_folder_is_a_message_and_exit_2(tmp_path: Path) -> None:
    result = run("check", SAMPLE, "-o", tmp_path / "no" / "such" / "folder" / "r.json")
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_closed_pipe_is_exit_2_with_a_message_never_a_violation(tmp_path: Path, workers: str) -> None:
    batch = write_jsonl(tmp_path / "b.jsonl", [sample(i) for i in range(300)])
    process = subprocess.Popen(
        [console_script(), "check", str(batch), "-f", "json", "--workers", workers],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(1000)
    process.stdout.close()  # the reader goes away, like `| head -c 1000`
    err = process.stderr.read()
    assert process.wait(timeout=120) == 2, err
    assert b"stdout: the reader closed the pipe" in err
    assert b"Traceback" not in err and b"Exception ignored" not in err


def test_sink_write_errors_become_output_errors(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with pytest.raises(OutputError, match="no space left"), Sink(Path("/dev/full")) as sink:
        sink.write("x" * 100_000)
        sink.flush()


@pytest.mark.parametrize("args", [["rules", "list"], ["check", str(SAMPLE)]])
def test_a_pipe_closed_before_any_output_is_exit_2_for_every_command(args: list[str]) -> None:
    process = subprocess.Popen(
        [console_script(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env()
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # nobody will read: the first write fails with EPIPE
    err = process.stderr.read()
    assert process.wait(timeout=120) == 2, err
    assert b"the reader closed the pipe" in err
    assert b"Traceback" not in err and b"Exception ignored" not in err


def test_a_full_disk_under_other_commands_is_a_message_and_exit_2() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [console_script(), "rules", "list"], stdout=full, stderr=subprocess.PIPE, check=False, timeout=120
        )
    assert done.returncode == 2
    assert b"stdout: cannot write: No space left on device" in done.stderr
    assert b"Traceback" not in done.stderr


def test_a_closed_stdout_is_exit_2_with_a_message() -> None:
    done = subprocess.run(
        [console_script(), "check", str(SAMPLE)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
        timeout=120,
        env=subprocess_env(),
        preexec_fn=lambda: os.close(1),  # start the command with stdout closed, like `>&-`
    )
    assert done.returncode == 2
    assert b"stdout is closed" in done.stderr and b"Traceback" not in done.stderr
