"""The batch pipeline: worker processes give the same bytes in the same order as one process; error
records stay aligned; --fail-on, --status and --summary; the exit code's precedence; progress."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from batch_helpers import bad, clean, console_script, run, sample, subprocess_env, write_jsonl, yiyang
from yiyang_rules.cli import batch
from yiyang_rules.cli.batch import PARALLEL_FROM, CheckRun, Result, WorkerSetup, in_workers, verdict_of
from yiyang_rules.cli.config import FailOn
from yiyang_rules.cli.inputs import read_inputs
from yiyang_rules.engine import Engine
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import RenderOptions


def mixed_rows(count: int) -> list[Any]:
    """Violating, clean and broken snapshots interleaved, every one with its own id."""
    rows: list[Any] = []
    for index in range(count):
        kind = index % 7
        if kind == 3:
            rows.append(bad(index))
        elif kind == 5:
            rows.append("{not json")
        elif kind in (1, 4):
            rows.append(clean(index))
        else:
            rows.append(sample(index))
    return rows


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Large enough that --workers 2 really starts worker processes.
    return write_jsonl(tmp_path_factory.mktemp("batch") / "big.jsonl", mixed_rows(PARALLEL_FROM + 37))


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_two_workers_give_the_bytes_of_one(big_batch: Path, tmp_path: Path, fmt: str) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    first = yiyang("check", big_batch, "--format", fmt, "--workers", "1", "-o", one, "-j", "beijing")
    second = yiyang("check", big_batch, "--format", fmt, "--workers", "2", "-o", two, "-j", "beijing")
    assert first.returncode == second.returncode == 2, first.stderr
    assert one.read_bytes() == two.read_bytes(), (one.stat().st_size, two.stat().st_size)
    assert first.stderr.decode().splitlines() == second.stderr.decode().splitlines()
    assert b"Traceback" not in first.stderr + second.stderr


@pytest.mark.parametrize("fmt", sorted(set(RENDERERS) - {"json", "table"}))
@pytest.mark.parametrize("summary", [False, True])
def test_worker_processes_give_the_bytes_of_one_process_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, summary: bool
) -> None:
    renderer = RENDERERS[fmt]
    if summary and renderer.render_summary is None:
        pytest.skip(f"{fmt} has no summary")
    path = write_jsonl(tmp_path / "b.jsonl", mixed_rows(50))
    outputs = []
    for workers in (1, 2):
        target = tmp_path / f"out-{workers}.{fmt}"
        options = RenderOptions(summary=summary)
        # parallel_from=1: real worker processes even for a small batch.
        run_ = CheckRun(
            inputs=(str(path),), format=fmt, options=options, output=target, workers=workers, parallel_from=1
        )
        assert batch.run_check(run_) == 2
        outputs.append(_content(target, binary=renderer.binary))
    assert outputs[0] == outputs[1] and outputs[0]
    assert "Traceback" not in capsys.readouterr().err


def _content(path: Path, binary: bool) -> Any:
    """The bytes; for a workbook, every sheet's cell values (a zip holds its write time)."""
    if not binary:
        return path.read_bytes()
    from openpyxl import load_workbook  # noqa: PLC0415

    book = load_workbook(path)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_json_lines_output_is_aligned_with_the_input(big_batch: Path) -> None:
    done = yiyang("check", big_batch, "--format", "json", "--workers", "2")
    assert done.returncode == 2
    out = [json.loads(text) for text in done.stdout.decode("utf-8").splitlines()]
    rows = mixed_rows(PARALLEL_FROM + 37)
    assert len(out) == len(rows)
    for number, (record, row) in enumerate(zip(out, rows, strict=True), start=1):
        assert record["source"] == {"file": str(big_batch), "line": number}
        if (number - 1) % 7 in (3, 5):  # the broken rows of mixed_rows
            assert set(record) == {"source", "error"}, number
            assert record["error"]["problems"], number
        else:
            assert record["institution"]["id"] == row["institution"]["id"], number
    errors = sum(1 for r in out if "error" in r)
    last = done.stderr.decode("utf-8").strip().splitlines()[-1]
    assert f"{errors} of {len(rows)} inputs could not be checked" in last
    assert "also fail --fail-on mandatory" in last and "exit 2 outranks 1" in last


def test_in_workers_keeps_order_and_bounds_what_is_in_flight(tmp_path: Path) -> None:
    window = batch.IN_FLIGHT_PER_WORKER * 2 * batch.CHUNK
    count = window * 2
    path = write_jsonl(tmp_path / "b.jsonl", [clean(i) for i in range(count)])
    setup = WorkerSetup(None, None, None, "json", RenderOptions(), keep_reports=False)
    pulled = 0

    def entries() -> Any:
        nonlocal pulled
        for entry in read_inputs([str(path)]):
            pulled += 1
            yield entry

    stream = in_workers(entries(), setup, 2, Engine.load)
    first = next(stream)
    # Only the chunks in flight were read, not the whole batch.
    assert pulled <= window + batch.CHUNK < count
    rest = list(stream)
    ids = [json.loads(r.text or "")["institution"]["id"] for r in [first, *rest]]
    assert ids == [f"CLEAN-{i}" for i in range(count)]


def _failing_init_worker(setup: WorkerSetup, engine: Engine | None = None) -> None:
    raise RuntimeError("this worker cannot start")


def test_a_dead_worker_does_not_lose_its_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [clean(i) for i in range(40)])
    # A worker that cannot start (its initializer fails) breaks the pool; every chunk is then
    # checked in this process instead. A spawned worker fails to load rules that are not there; a
    # forked one is handed this process's engine, so its initializer is made to fail (the forked
    # child has this process's module, patched).
    broken = WorkerSetup(None, None, tmp_path / "no-rules-here", "json", RenderOptions(), keep_reports=False)
    if batch._start_method() == "fork":
        monkeypatch.setattr(batch, "_init_worker", _failing_init_worker)
    results: list[Result] = list(in_workers(read_inputs([str(path)]), broken, 2, Engine.load))
    assert [json.loads(r.text or "")["institution"]["id"] for r in results] == [f"CLEAN-{i}" for i in range(40)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_workers_are_forked_only_while_this_process_runs_no_other_thread() -> None:
    import threading  # noqa: PLC0415

    assert batch._start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert batch._start_method() == "spawn"
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_forked_and_spawned_workers_give_the_bytes_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    if method == "fork" and not sys.platform.startswith("linux"):
        pytest.skip("workers are forked on Linux only")
    path = write_jsonl(tmp_path / "b.jsonl", mixed_rows(120))
    setup = WorkerSetup(None, None, None, "json", RenderOptions(), keep_reports=False)
    alone = [r.text for r in batch.in_process(read_inputs([str(path)]), setup, Engine.load())]
    monkeypatch.setattr(batch, "_start_method", lambda: method)
    # A line still in stdout's buffer when the workers start: a forked worker must not write it again.
    together = [r.text for r in in_workers(read_inputs([str(path)]), setup, 2, Engine.load)]
    assert together == alone


_BUFFERED_THEN_WORKERS = """
import sys
from yiyang_rules.cli.batch import WorkerSetup, in_workers
from yiyang_rules.cli.inputs import read_inputs
from yiyang_rules.engine import Engine
from yiyang_rules.render.base import RenderOptions
print("before the workers")  # stdout is a pipe: this stays in the buffer
setup = WorkerSetup(None, None, None, "json", RenderOptions(), keep_reports=False)
print(sum(1 for _ in in_workers(read_inputs([sys.argv[1]]), setup, 2, Engine.load)))
"""


def test_what_stdout_holds_when_the_workers_start_is_written_once(tmp_path: Path) -> None:
    # A forked worker has a copy of this process's stdout buffer and flushes it when it exits
    # (multiprocessing flushes stdout and stderr before it forks).
    path = write_jsonl(tmp_path / "b.jsonl", [clean(i) for i in range(60)])
    done = subprocess.run(
        [sys.executable, "-c", _BUFFERED_THEN_WORKERS, str(path)],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["before the workers", "60"]


@pytest.mark.parametrize(
    ("fail_on", "rows", "expected"),
    [
        ("mandatory", [clean(1)], 0),
        ("mandatory", [sample(1)], 1),
        ("recommended", [clean(1)], 0),
        ("recommended", [sample(1)], 1),
        ("insufficient", [clean(1)], 1),  # the minimal snapshot lacks data for many rules
        ("insufficient", [sample(1), bad(2)], 2),  # bad input outranks every --fail-on
    ],
)
def test_fail_on(tmp_path: Path, fail_on: str, rows: list[Any], expected: int) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", rows)
    result = run("check", path, "--format", "json", "--fail-on", fail_on)
    assert result.exit_code == expected, result.stderr


def test_fail_on_recommended_counts_a_recommended_violation() -> None:
    """Pick a report with a recommended non_compliant finding and no mandatory one, from real output."""
    engine = Engine.load()
    report = engine.check(json.dumps(clean(1)))
    verdict = verdict_of(batch.BatchItem(source=batch.SourceRef(file="x"), report=report))
    assert not verdict.mandatory
    assert verdict.fails(FailOn.insufficient) == verdict.insufficient
    assert verdict.fails(FailOn.recommended) == verdict.recommended
    levels = {(f.level.value, f.status.value) for f in report.findings}
    assert verdict.recommended == (("recommended", "non_compliant") in levels)
    assert verdict.insufficient == any(status == "insufficient_data" for _, status in levels)


def test_fail_on_rejects_unknown_values(tmp_path: Path) -> None:
    result = run("check", write_jsonl(tmp_path / "b.jsonl", [clean(1)]), "--fail-on", "optional")
    assert result.exit_code == 2
    assert "'optional' is not one of" in result.stderr


def test_status_filter_is_passed_to_the_renderer(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [sample(1)])
    everything = run("check", path, "--format", "markdown")
    result = run("check", path, "--format", "markdown", "--status", "non_compliant")
    assert result.exit_code == everything.exit_code == 1  # the exit code judges every finding, shown or not
    assert "fire.drill-semiannual" in everything.stdout  # compliant in the sample
    assert "fire.inspection-monthly" in result.stdout and "fire.drill-semiannual" not in result.stdout
    wrong = run("check", path, "--status", "noncompliant")
    assert wrong.exit_code == 2 and "--status 'noncompliant'" in wrong.stderr


def test_summary_is_passed_to_the_renderer(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [sample(1), clean(2), "{oops"])
    result = run("check", path, "--format", "json", "--summary")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    ids = [row["institution"]["id"] if row["institution"] else None for row in summary["institutions"]]
    assert ids == ["91110108MA00000001", "CLEAN-2", None]


def test_summary_for_a_format_without_one_is_refused_before_any_output(tmp_path: Path) -> None:
    lacking = [name for name, r in RENDERERS.items() if r.render_summary is None and not r.streaming]
    if not lacking:
        pytest.skip("every format renders a summary")
    target = tmp_path / "out"
    result = run("check", write_jsonl(tmp_path / "b.jsonl", [clean(1)]), "-f", lacking[0], "--summary", "-o", target)
    assert result.exit_code == 2 and "--summary is not available" in result.stderr
    assert not target.exists()


def test_binary_formats_need_an_output_file(tmp_path: Path) -> None:
    binary = [name for name, r in RENDERERS.items() if r.binary]
    if not binary:
        pytest.skip("no binary format registered")
    result = run("check", write_jsonl(tmp_path / "b.jsonl", [clean(1)]), "--format", binary[0])
    assert result.exit_code == 2 and "-o" in result.stderr


def test_check_run_defaults_match_the_contract() -> None:
    run_ = CheckRun(inputs=("x",))
    assert run_.fail_on is FailOn.mandatory and run_.format == "table" and run_.workers == 1


def _read_all(fd: int, timeout: float = 120.0) -> bytes:
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        try:
            data = os.read(fd, 65536)
        except OSError:  # the other end closed (EIO on Linux)
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def test_a_progress_bar_on_a_terminal_and_silence_otherwise(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [clean(i) for i in range(30)])
    out = tmp_path / "out.jsonl"
    primary, secondary = pty.openpty()
    env = subprocess_env(COLUMNS="100", TERM="xterm")
    process = subprocess.Popen(
        [console_script(), "check", str(path), "-f", "json", "-o", str(out), "--workers", "1"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    shown = _read_all(primary)
    os.close(primary)
    assert process.wait(timeout=120) == 0
    assert b"checking" in shown and b"30" in shown
    assert len(out.read_text(encoding="utf-8").splitlines()) == 30
    quiet = yiyang("check", path, "-f", "json", "-o", out, "--workers", "1")
    assert quiet.returncode == 0 and quiet.stderr == b""


# When a worker dies, the pool's manager thread marks every pending future failed, and a future this
# process has just cancelled (a chunk it checks itself instead) makes Python 3.11's
# terminate_broken raise InvalidStateError in that thread: CPython gh-107219, fixed in 3.12 by
# ignoring it there. Only that thread error is ignored; the test still requires every input checked.
@pytest.mark.filterwarnings(
    r"ignore:(?s)Exception in thread.*InvalidStateError. CANCELLED:pytest.PytestUnhandledThreadExceptionWarning"
)
def test_a_worker_killed_mid_run_loses_no_input(tmp_path: Path) -> None:
    import multiprocessing  # noqa: PLC0415
    import signal  # noqa: PLC0415
    import time  # noqa: PLC0415

    count = 400
    path = write_jsonl(tmp_path / "b.jsonl", [clean(i) for i in range(count)])
    setup = WorkerSetup(None, None, None, "json", RenderOptions(), keep_reports=False)
    stream = in_workers(read_inputs([str(path)]), setup, 2, Engine.load)
    results = [next(stream)]
    deadline = time.monotonic() + 60
    while not multiprocessing.active_children() and time.monotonic() < deadline:
        results.append(next(stream))
    killed = multiprocessing.active_children()
    assert killed, "no worker process was started"
    for child in killed:
        os.kill(child.pid or 0, signal.SIGKILL)
    results.extend(stream)
    ids = [json.loads(r.text or "")["institution"]["id"] for r in results]
    assert ids == [f"CLEAN-{i}" for i in range(count)]


_DIE_MID_SEND_RUN = """
import json, sys
from yiyang_rules.cli.batch import WorkerSetup, in_workers
from yiyang_rules.cli.inputs import read_inputs
from yiyang_rules.engine import Engine
from yiyang_rules.render.base import RenderOptions
setup = WorkerSetup(None, None, None, "json", RenderOptions(), keep_reports=False)
for result in in_workers(read_inputs([sys.argv[1]]), setup, 2, Engine.load):
    print(json.loads(result.text or "")["institution"]["id"], flush=True)
"""


def test_a_worker_dying_while_sending_its_results_neither_hangs_nor_loses_input(tmp_path: Path) -> None:
    # The worker (through the test hook batch._DIE_MID_SEND) writes half of its first chunk's results
    # and exits, as a worker killed at that moment does: the pool's manager thread then waits for the
    # rest of the message for ever. Run in a child process so that a hang is a bounded failure here.
    count = 200
    path = write_jsonl(tmp_path / "b.jsonl", [clean(i) for i in range(count)])
    env = subprocess_env(**{batch._DIE_MID_SEND: "1"})
    try:
        done = subprocess.run(
            [sys.executable, "-c", _DIE_MID_SEND_RUN, str(path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("in_workers hung after a worker died while sending its results")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [f"CLEAN-{i}" for i in range(count)]
