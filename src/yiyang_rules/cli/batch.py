"""The batch pipeline behind ``yiyang check``: read, check (in worker processes), render, write.

``run_check(CheckRun)`` is the whole command without the option parsing, so other front ends and
later options (exemptions, plans) extend one dataclass and one function.

Order and memory: inputs are read lazily and cut into chunks; at most ``2 × workers`` chunks are in
flight; results come back in input order. For the streaming formats (JSON Lines, table, Markdown)
each report is rendered inside its worker and written as soon as the reports before it are, so the
parent holds a few chunks of text, never the batch. The other formats (HTML, xlsx, JUnit, SARIF) are
one document for the whole run and need every report at the end; ``--summary`` keeps counts only.

Exit codes (the contract's, extended by ``--fail-on``), highest first:

- 2: the command or an input was wrong, the report could not be written, or nothing was checked;
- 1: a checked snapshot has a finding that ``--fail-on`` counts (by default a mandatory obligation
  that is non_compliant);
- 0: otherwise.

A batch with both bad inputs and failing findings exits 2 and its last stderr line says both.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks.base import Status
from ..engine import Engine
from ..errors import InputError, InputProblem
from ..exemption_groups import DEFAULT_MAX_MONTHS, by_institution, is_exempted, unused_institutions
from ..levels import Level
from ..render import RENDERERS, Renderer
from ..render.base import BatchItem, RenderOptions
from ..render.rollup import Rollup
from ..render.text import printable
from ..sourceref import SourceRef
from .config import FailOn
from .inputs import Entry, count_inputs, read_inputs
from .output import OutputError, Sink

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    # Only named: a run without exemptions, or with --format json, never imports the report
    # models nor the exemption file's (pydantic).
    from ..exemptions import Exemption
    from ..report import Report

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT = 0, 1, 2

# Snapshots per task sent to a worker: large enough that the hand-over costs little next to
# checking (~1.5 ms a snapshot), small enough that memory stays about a MB per chunk in flight.
CHUNK = 16
# Chunks read ahead per worker: enough slack that this process, which also reads and writes, and
# the workers rarely wait for each other, while a batch of any size holds a few MB (8 × 16 reports
# of ~60 KB per worker).
IN_FLIGHT_PER_WORKER = 8
# The cyclic garbage collector during a batch: young collections after this many allocations
# (Python's default is 700). A check allocates tens of thousands of short-lived objects and leaves
# almost no cycles, so at 700 the collector runs ~1,900 times on 2,000 snapshots and its older
# generations keep walking the engine's compiled rules: timed with gc.callbacks over bench/run.py's
# 2,000 snapshots, 0.8-1.0 s of a 3.7-3.9 s loop of check_assembled (a loaded 2-core VM), 0.03 s with
# this setting. With the engine frozen (``gc.freeze``: the rules are never garbage) the collector
# still runs (~90 young collections), so a cycle left by some input is still freed: the command's
# peak RSS stayed at 47 MB with the default, with this setting and with the collector off.
GC_YOUNG_THRESHOLD = 50_000
# Below this many snapshots the batch is checked in this process: starting a worker (an interpreter,
# the imports and the rules: about 0.5 s of CPU each) costs more than it saves. Measured with
# bench/run.py (see bench/README.md): 300 snapshots took longer with two workers than with one.
PARALLEL_FROM = 500


# Text formats that get an exemptions section after each report (JSON and SARIF carry them as data);
# the value says whether it is Markdown.
_EXEMPTION_SECTIONS = {"table": False, "markdown": True}


class _Interrupt:
    """Whether Ctrl-C arrived in this process. An interrupt raised inside compiled code can come back
    wrapped in another exception (pydantic's serializer turns it into a serialization error); the
    per-input handlers below would then report it as a bad input (exit 2). They re-raise it instead,
    so an interrupted run always ends with 130."""

    seen = False

    @classmethod
    def handler(cls, signum: int, frame: object) -> None:
        cls.seen = True
        raise KeyboardInterrupt

    @classmethod
    def reraise(cls) -> None:
        if cls.seen:
            raise KeyboardInterrupt


class UsageError(Exception):
    """The command line asks for something impossible; the message says what to do instead."""


@dataclass(frozen=True)
class CheckRun:
    """Everything ``yiyang check`` was asked to do, options already resolved."""

    inputs: tuple[str, ...]
    format: str = "table"
    options: RenderOptions = field(default_factory=RenderOptions)
    jurisdiction: str | None = None
    as_of: date | None = None
    output: Path | None = None
    fail_on: FailOn = FailOn.mandatory
    workers: int = 1
    # None: a progress bar when stderr is a terminal and the reports do not go to that terminal.
    progress: bool | None = None
    rules_dir: Path | None = None
    # Batches smaller than this are checked in this process whatever ``workers`` says.
    parallel_from: int = PARALLEL_FROM
    # Approvals (``--exemptions FILE``) applied to every report of the run, by institution id; a
    # workbook's own 豁免 sheet adds to them for its report.
    exemptions: tuple[Exemption, ...] = ()
    exemption_max_months: int = DEFAULT_MAX_MONTHS


@dataclass(frozen=True)
class Verdict:
    """What one input counts towards the exit code."""

    error: bool = False
    mandatory: bool = False  # a mandatory obligation is non_compliant
    recommended: bool = False  # a recommended obligation is non_compliant
    insufficient: bool = False  # some finding lacks the data to judge

    def fails(self, fail_on: FailOn) -> bool:
        if fail_on is FailOn.mandatory:
            return self.mandatory
        if fail_on is FailOn.recommended:
            return self.mandatory or self.recommended
        return self.mandatory or self.recommended or self.insufficient


def verdict_of(item: BatchItem) -> Verdict:
    if item.report is None:
        return Verdict(error=True)
    # An exempted violation keeps its status in the report but counts towards no exit code.
    pairs = frozenset(
        (f.level, f.status) for f in item.report.findings if not (f.status is Status.NON_COMPLIANT and is_exempted(f))
    )
    return _verdict_of_pairs(pairs)


@dataclass(frozen=True)
class Result:
    """One input after checking, as it crosses from a worker: the report (when the parent needs
    it), the error (as plain data: an exception does not survive pickling with its fields), and the
    rendered text (when the worker rendered it)."""

    source: SourceRef
    verdict: Verdict
    report: Report | None = None
    error_source: str | None = None
    problems: tuple[InputProblem, ...] = ()
    # UTF-8, encoded where it was rendered: a worker's text then crosses back as bytes (a copy), not
    # as a str that the pickle encodes, this process decodes and the output encodes again.
    text: bytes | None = None
    institution: str | None = None  # whose report it is: exemptions for no institution of the run are reported

    @property
    def item(self) -> BatchItem:
        if self.report is not None:
            return BatchItem(source=self.source, report=self.report)
        return BatchItem(source=self.source, error=InputError(self.error_source or "", self.problems))


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker needs to check and (for streaming formats) render, sent once per worker."""

    jurisdiction: str | None
    as_of: date | None
    rules_dir: Path | None
    render_format: str | None  # render in the worker with this format's render_one
    options: RenderOptions
    keep_reports: bool  # send reports back (whole-run formats, --summary)
    exemptions: Mapping[str, tuple[Exemption, ...]] = field(default_factory=dict)  # by institution id
    exemption_max_months: int = DEFAULT_MAX_MONTHS


def check_entry(
    engine: Engine,
    entry: Entry,
    as_of: date | None,
    exemptions: Mapping[str, tuple[Exemption, ...]] | None = None,
    max_months: int = DEFAULT_MAX_MONTHS,
) -> BatchItem:
    """One input's report, or its error: never an exception, whatever goes wrong inside."""
    if isinstance(entry, BatchItem):
        return entry
    label = entry.label
    try:
        report = engine.check(entry.data, as_of=as_of, source=label)
    except InputError as exc:
        return BatchItem(source=entry.source, error=exc)
    except RecursionError:
        problem = InputProblem("", "nested too deeply to check", "嵌套层级过深，无法检查")
        return BatchItem(source=entry.source, error=InputError(label, [problem]))
    except Exception as exc:  # one input must never stop the batch
        _Interrupt.reraise()
        problem = InputProblem(
            "", f"could not be checked: {type(exc).__name__}: {exc}", f"无法检查：{type(exc).__name__}: {exc}"
        )
        return BatchItem(source=entry.source, error=InputError(label, [problem]))
    report = report.model_copy(update={"source": entry.source})
    granted = (exemptions or {}).get(report.institution.id, ())
    if entry.workbook is not None:
        try:
            granted += _sheet_exemptions(engine, entry.workbook, report.institution.id, max_months)
        except InputError as exc:  # a wrong 豁免 row: named by its cell, like any other bad cell
            return BatchItem(source=entry.source, error=exc)
    if granted:
        from ..exemptions import apply_exemptions  # noqa: PLC0415 - only runs with exemptions

        report = apply_exemptions(report, granted)
    return BatchItem(source=entry.source, report=report)


def _sheet_exemptions(engine: Engine, workbook: Path, institution: str, max_months: int) -> tuple[Exemption, ...]:
    from ..workbook.exemptions_sheet import read_workbook_exemptions  # noqa: PLC0415 - workbooks only

    known = engine.rule_ids
    return read_workbook_exemptions(
        workbook, known, source=str(workbook), institution=institution, max_months=max_months
    )


# Verdicts by the set of (level, status) pairs of a report's findings: a batch has a handful.
_VERDICTS: dict[frozenset[tuple[Level, Status]], Verdict] = {}


def _verdict_of_pairs(pairs: frozenset[tuple[Level, Status]]) -> Verdict:
    verdict = _VERDICTS.get(pairs)
    if verdict is None:
        verdict = Verdict(
            mandatory=(Level.MANDATORY, Status.NON_COMPLIANT) in pairs,
            recommended=any(level is not Level.MANDATORY and s is Status.NON_COMPLIANT for level, s in pairs),
            insufficient=any(s is Status.INSUFFICIENT_DATA for _, s in pairs),
        )
        if len(_VERDICTS) < 1024:  # a bound that no catalog reaches (pairs are level × status)
            _VERDICTS[pairs] = verdict
    return verdict


def _fast_json_line(engine: Engine, setup: WorkerSetup, entry: Entry) -> Result | None:
    """The JSON Lines line of a snapshot straight from the report bytes (``Engine.check_assembled``,
    equal to the model's ``model_dump_json``: tests/test_oracle.py), when nothing needs the report
    model: no exemptions, not a workbook (its 豁免 sheet), no report kept. None: take the model path,
    which also turns every error into its record."""
    if (
        setup.render_format != "json"
        or setup.keep_reports
        or setup.exemptions
        or isinstance(entry, BatchItem)
        or entry.workbook is not None
    ):
        return None
    try:
        # The line as it is written: one_line's escapes made piece by piece as the report is
        # assembled, and the newline joined with it (no copy of 60 KiB to end it, no text to encode).
        assembled = engine.check_assembled(
            entry.data, as_of=setup.as_of, source=entry.label, located=entry.source, end=b"\n", one_line=True
        )
    except Exception:  # the model path reports it, as a record, exactly as before
        return None
    verdict = _verdict_of_pairs(assembled.verdicts)
    return Result(entry.source, verdict, None, text=assembled.data, institution=assembled.institution)


def process_entry(engine: Engine, setup: WorkerSetup, entry: Entry) -> Result:
    fast = _fast_json_line(engine, setup, entry)
    if fast is not None:
        return fast
    item = check_entry(engine, entry, setup.as_of, setup.exemptions, setup.exemption_max_months)
    verdict = verdict_of(item)
    text = None
    if setup.render_format is not None:
        render_one = RENDERERS[setup.render_format].render_one
        assert render_one is not None, "only streaming formats render in the worker"
        try:
            rendered = render_one(item, setup.options)
            if setup.exemptions and item.report is not None and setup.render_format in _EXEMPTION_SECTIONS:
                # Its labels are report models, built on import: loaded only when there are exemptions.
                from ..render.exemptions_text import render_section  # noqa: PLC0415

                markdown = _EXEMPTION_SECTIONS[setup.render_format]
                rendered += render_section(item.report, setup.options.lang, markdown=markdown)
            text = rendered.encode()
        except Exception as exc:  # a renderer bug must not lose the other inputs
            _Interrupt.reraise()
            label = item.error.source if item.error else str(entry.source.file)
            problem = InputProblem("", f"could not be rendered: {type(exc).__name__}: {exc}")
            item = BatchItem(source=item.source, error=InputError(label, [problem]))
            verdict = Verdict(error=True)
            try:
                text = render_one(item, setup.options).encode()
            except Exception:  # the error is on stderr all the same; the output keeps going
                text = b""
    keep = setup.keep_reports or setup.render_format is None
    if item.error is not None:
        return Result(item.source, verdict, None, item.error.source, item.error.problems, text)
    assert item.report is not None
    institution = item.report.institution.id
    return Result(item.source, verdict, item.report if keep else None, text=text, institution=institution)


# One engine per worker process, compiled by the initializer, used for every chunk it is given.
_WORKER: tuple[Engine, WorkerSetup] | None = None


# Test hook, read only by tests/test_batch_pipeline.py: a worker started with this variable set dies
# half-way through sending its first chunk's results, as a worker killed at that moment does.
_DIE_MID_SEND = "YIYANG_TEST_WORKER_DIES_MID_SEND"


def _die_mid_send() -> None:
    from multiprocessing.connection import Connection  # noqa: PLC0415

    send_bytes = Connection.send_bytes

    def dying(self: Connection, buf: bytes, offset: int = 0, size: int | None = None) -> None:
        data = bytes(memoryview(buf)[offset:][:size])
        if len(data) < 4096:  # the start-up sign and the pool's own small messages go through
            send_bytes(self, buf, offset, size)
            return
        os.write(self.fileno(), len(data).to_bytes(4, "big") + data[: len(data) // 2])
        os._exit(1)

    Connection.send_bytes = dying  # type: ignore[method-assign, assignment]


def _init_worker(setup: WorkerSetup, engine: Engine | None = None) -> None:
    """Ready a worker: ``engine`` is the parent's own when the worker was forked (it is already in
    this process's memory: nothing to import, read or compile), None when it was spawned (then it is
    loaded here, from the catalog cache when there is one)."""
    global _WORKER  # noqa: PLW0603 - the per-process engine is the point of the initializer
    # Ctrl-C goes to the whole process group; the parent stops the pool, the workers stay quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.environ.get(_DIE_MID_SEND):
        _die_mid_send()
    _WORKER = (engine if engine is not None else Engine.load(setup.jurisdiction, setup.rules_dir), setup)
    # The worker lives for one batch: the collector is set as this process sets it for the batch
    # (see GC_YOUNG_THRESHOLD), for good, with the engine frozen (a forked worker then never writes to
    # the pages it shares with the parent to walk them).
    _collect_for_batch()


def _work(chunk: Sequence[Entry]) -> list[Result]:
    assert _WORKER is not None, "the initializer did not run"
    engine, setup = _WORKER
    return [process_entry(engine, setup, entry) for entry in chunk]


def _started() -> bool:
    """A task that returns as soon as a worker is up: the parent's sign that work can be handed over."""
    return _WORKER is not None


def _collect_for_batch() -> tuple[int, int, int]:
    """Set the collector as a batch wants it (see GC_YOUNG_THRESHOLD): what is alive now (the
    engine, the imports) is frozen out of every collection, and young collections are rarer. Returns
    the thresholds it replaced."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *threshold[1:])
    return threshold


@contextlib.contextmanager
def _batch_collector() -> Iterator[None]:
    """:func:`_collect_for_batch` for one batch, restored on the way out, for a caller (a test, a
    server) whose process goes on after the batch."""
    threshold = _collect_for_batch()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _chunks(entries: Iterable[Entry], size: int) -> Iterator[list[Entry]]:
    iterator = iter(entries)
    while chunk := list(islice(iterator, size)):
        yield chunk


def in_process(entries: Iterable[Entry], setup: WorkerSetup, engine: Engine) -> Iterator[Result]:
    for entry in entries:
        yield process_entry(engine, setup, entry)


# How long a wait on a worker's result lasts before the pool's health is looked at again.
_POLL_SECONDS = 0.2


def _pool_failed(pool: ProcessPoolExecutor) -> bool:
    """Whether a result not yet in may never come: the pool is broken, one of its workers has exited,
    or its manager thread (which resolves the futures) is gone. Python 3.11's pool can lose a future
    outright when a worker dies while a task is being submitted (its manager marks the pool broken and
    fails the pending tasks without the submit lock, so a task added in between is never resolved),
    so the parent never waits on a future without looking at this."""
    if getattr(pool, "_broken", False):
        return True
    processes = getattr(pool, "_processes", None) or {}
    if any(process.exitcode is not None for process in list(processes.values())):
        return True
    manager = getattr(pool, "_executor_manager_thread", None)
    return isinstance(manager, threading.Thread) and not manager.is_alive()


def _release_failed_pool(pool: ProcessPoolExecutor) -> None:
    """Free a failed pool's manager thread so that neither shutdown nor interpreter exit (which joins
    that thread) blocks. A worker killed while sending a result leaves a partial message in the result
    pipe, and the manager thread waits in ``recv`` for the rest for ever: this process holds the pipe's
    write end too, so no end of file comes. Once every worker is dead and this process's write end is
    closed, that read ends, and the manager marks the pool broken, fails its tasks and exits."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.exitcode is None:
            process.kill()
    for process in processes:
        process.join(timeout=5)
    result_queue = getattr(pool, "_result_queue", None)
    writer = getattr(result_queue, "_writer", None)
    if writer is not None and not writer.closed:
        with contextlib.suppress(OSError):
            writer.close()


def _start_method() -> str:
    """fork where it is safe, else spawn. A forked worker starts in milliseconds with the parent's
    engine; a spawned one starts an interpreter, imports the package and loads the rules (about half a
    second of CPU, measured as docs/cli.md says). fork is safe only while this process runs no other
    thread (a lock another thread holds at the fork, say the progress bar's, would stay held for ever
    in the child) and only on Linux (macOS's system libraries are not fork-safe; Windows has no fork)."""
    import multiprocessing  # noqa: PLC0415

    if (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        return "fork"
    return "spawn"


def _ready(outcome: list[Result] | Future[list[Result]] | None) -> bool:
    """Whether a chunk's results can be had without waiting."""
    return isinstance(outcome, list) or (outcome is not None and outcome.done())


def _start_pool(setup: WorkerSetup, workers: int, local: Callable[[], Engine]) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, forked where that is safe (see _start_method)."""
    import multiprocessing  # noqa: PLC0415 - a one-snapshot run never pays for it
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    method = _start_method()
    # A forked worker is handed this process's engine (in memory, never pickled); a spawned one loads
    # its own.
    engine = local() if method == "fork" else None
    # This process checks nothing while the workers run. It used to be one of the ``workers`` and
    # check a chunk whenever its one worker had two queued; timed with bench/run.py's 2,000
    # snapshots (--workers 2, a shared 2-core VM), it then checked 1,100-1,550 of them and its worker
    # sat idle: while it checked, the pool's threads in this process (handing chunks over, taking
    # results back) waited for the interpreter lock, so its worker waited for them.
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(setup, engine),
    )


def in_workers(
    entries: Iterable[Entry], setup: WorkerSetup, workers: int, local: Callable[[], Engine]
) -> Iterator[Result]:
    """Results in input order from ``workers`` started processes, with at most
    ``IN_FLIGHT_PER_WORKER × workers`` chunks read and not yet written. This process reads, hands
    over, collects and writes; it checks a chunk itself only until the first worker is up, or when the
    pool has failed. If a worker dies (killed, out of memory) or its result cannot be sent back, its
    chunk is checked here instead, so no input is lost. No wait is unbounded: a result is waited for
    in short steps, and once the pool has failed every chunk not yet back is checked here."""
    # Imported here: a one-snapshot run never pays for them.
    from concurrent.futures import wait as wait_for  # noqa: PLC0415
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

    pool = _start_pool(setup, workers, local)
    # Each chunk with its results: computed here, a worker's future, or None for a chunk to check here
    # when its turn comes (the pool was broken when it was read).
    pending: deque[tuple[list[Entry], list[Result] | Future[list[Result]] | None]] = deque()
    # Set once the pool is seen to have failed: from then on nothing is handed over or waited for.
    failed = False

    def here(chunk: list[Entry]) -> list[Result]:
        engine = local()
        return [process_entry(engine, setup, entry) for entry in chunk]

    def arrived(outcome: Future[list[Result]]) -> bool:
        """Whether ``outcome`` has been resolved, waiting only while the pool is healthy."""
        nonlocal failed
        while not failed:
            if wait_for([outcome], timeout=_POLL_SECONDS).done:
                return True
            failed = _pool_failed(pool)
        return outcome.done()

    def collect() -> list[Result]:
        chunk, outcome = pending.popleft()
        if isinstance(outcome, list):
            return outcome
        # A chunk no worker has started yet is checked here rather than waited for.
        if outcome is not None and (outcome.done() or not outcome.cancel()) and arrived(outcome):
            try:
                return outcome.result(timeout=0)
            except Exception:  # a dead worker (BrokenProcessPool) or a result that could not cross back
                pass
        return here(chunk)

    # Until a worker has started (forked: a few milliseconds; spawned: about half a second, an
    # interpreter, the imports, the rules), this process checks every chunk itself instead of queueing
    # work nobody can take yet. The gate is only looked at, never waited on: a worker that dies while
    # starting leaves it unresolved for good. The first submit starts every worker (a forked pool
    # starts them all at once, before its own threads).
    started = pool.submit(_started)
    finished = False
    try:
        for chunk in _chunks(entries, CHUNK):
            outcome: list[Result] | Future[list[Result]] | None = None
            failed = failed or _pool_failed(pool)
            if failed or not started.done():
                outcome = here(chunk)
            else:
                with contextlib.suppress(BrokenProcessPool, RuntimeError):
                    outcome = pool.submit(_work, chunk)
            pending.append((chunk, outcome))
            # Written as soon as they are in order, so this process holds little; the bound below
            # only matters while the oldest chunk is still with a worker.
            while pending and _ready(pending[0][1]):
                yield from collect()
            while len(pending) >= IN_FLIGHT_PER_WORKER * workers:
                yield from collect()
        while pending:
            yield from collect()
        finished = True
    finally:
        # Waiting for a failed pool to shut down can block for good (a lost task is never done).
        healthy = finished and not failed and not _pool_failed(pool)
        if not healthy:
            _release_failed_pool(pool)
        pool.shutdown(wait=healthy, cancel_futures=not healthy)


def results(
    run: CheckRun, setup: WorkerSetup, entries: Iterator[Entry], engine: Callable[[], Engine]
) -> Iterator[Result]:
    """In this process for one worker or a small batch, else in worker processes."""
    if run.workers <= 1:
        yield from in_process(entries, setup, engine())
        return
    head = list(islice(entries, run.parallel_from))
    if len(head) < run.parallel_from:
        yield from in_process(head, setup, engine())
        return
    yield from in_workers(_prepend(head, entries), setup, run.workers, engine)


def _prepend(head: list[Entry], rest: Iterator[Entry]) -> Iterator[Entry]:
    yield from head
    yield from rest


@dataclass
class Tally:
    inputs: int = 0
    errors: int = 0
    failing: int = 0


def _stderr(line: str) -> None:
    if sys.stderr is None:  # started with stderr closed: the exit code still tells
        return
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except OSError:  # stderr gone too (a closed pipe): the exit code still tells
        pass


def report_problems(result: Result, lang: str = "zh") -> None:
    """Every problem of a bad input on stderr, in the run's language, with the field path or cell."""
    for problem in result.problems:
        where = f"{problem.path}: " if problem.path else ""
        # Paths and messages quote the input (an unknown key, a bad value): control characters and
        # escape sequences in it are shown, never sent to the terminal.
        _stderr(printable(f"error: {result.error_source}: {where}{problem.message(lang)}"))


def _progress(run: CheckRun) -> AbstractContextManager[Callable[[], None]]:
    wanted = run.progress
    if wanted is None:
        to_terminal = run.output is None or str(run.output) == "-"
        wanted = (
            sys.stderr is not None
            and sys.stderr.isatty()
            and not (to_terminal and sys.stdout is not None and sys.stdout.isatty())
        )
    if not wanted:
        return nullcontext(lambda: None)
    return _ProgressBar(count_inputs(run.inputs))


class _ProgressBar(AbstractContextManager[Callable[[], None]]):
    """rich's progress bar on stderr, removed when the run ends."""

    def __init__(self, total: int | None) -> None:
        from rich.console import Console  # noqa: PLC0415 - only a terminal run pays for rich
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task("check", total=total)

    def __enter__(self) -> Callable[[], None]:
        self._progress.start()
        return lambda: self._progress.advance(self._task)

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()


def _validate(run: CheckRun, renderer: Renderer) -> None:
    to_stdout = run.output is None or str(run.output) == "-"
    if to_stdout and sys.stdout is None:  # started with stdout closed (`>&-`)
        raise UsageError("stdout is closed: there is nowhere to write the report; name a file with -o")
    if renderer.binary and to_stdout:
        raise UsageError(
            f"--format {renderer.name} writes a binary file: name it with -o, e.g. -o report.{renderer.name}"
        )
    if run.options.summary and renderer.render_summary is None and not renderer.streaming:
        usable = ", ".join(n for n, r in RENDERERS.items() if r.render_summary is not None)
        raise UsageError(f"--summary is not available for --format {renderer.name}; use one of: {usable}")
    if run.output is not None and not to_stdout:
        refuse_output_over_inputs(run.output, run.inputs)


def refuse_output_over_inputs(output: Path, inputs: Sequence[str]) -> None:
    """``-o`` must not name an input (it would be destroyed before it is read), nor a snapshot-like
    file inside an input folder (the next run would read the report as a snapshot)."""
    from .inputs import FOLDER_SUFFIXES, STDIN  # noqa: PLC0415
    from .output import same_file  # noqa: PLC0415

    target = output.resolve()
    for argument in inputs:
        if argument == STDIN:
            continue
        path = Path(argument)
        if same_file(path, output) or path.resolve() == target:
            raise UsageError(f"-o {output} is one of the inputs; write the report to another file")
        if path.is_dir() and output.suffix.lower() in FOLDER_SUFFIXES and target.is_relative_to(path.resolve()):
            raise UsageError(
                f"-o {output} lies inside the input folder {argument}, where the next run would read it as a "
                "snapshot; write it elsewhere"
            )


def run_check(run: CheckRun, load_engine: Callable[[], Engine] | None = None) -> int:
    """Run the whole check; messages go to stderr; returns the exit code. Raises UsageError (and
    lets the engine's JurisdictionError and RuleCatalogError through) before anything is written."""
    renderer = RENDERERS[run.format]
    _validate(run, renderer)
    loaded: list[Engine] = []

    def engine() -> Engine:
        if not loaded:
            loaded.append(load_engine() if load_engine else Engine.load(run.jurisdiction, run.rules_dir))
        return loaded[0]

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _Interrupt.handler)
    engine()  # a bad -j or a broken rule pack is reported before any output exists
    summary = run.options.summary and renderer.render_summary is not None
    streaming = renderer.streaming and not summary
    setup = WorkerSetup(
        jurisdiction=run.jurisdiction,
        as_of=run.as_of,
        rules_dir=run.rules_dir,
        render_format=run.format if streaming else None,
        options=run.options,
        keep_reports=not streaming,
        exemptions=by_institution(run.exemptions),
        exemption_max_months=run.exemption_max_months,
    )
    tally = Tally()
    rollup = Rollup() if summary else None
    collected: list[BatchItem] = []
    institutions: set[str] = set()
    try:
        with Sink(run.output) as sink, _progress(run) as tick, _batch_collector():
            for result in results(run, setup, read_inputs(run.inputs), engine):
                tally.inputs += 1
                if result.verdict.error:
                    tally.errors += 1
                    report_problems(result, run.options.lang)
                elif result.verdict.fails(run.fail_on):
                    tally.failing += 1
                if result.institution is not None:
                    institutions.add(result.institution)
                if result.text is not None:
                    sink.write(result.text)
                elif rollup is not None:
                    rollup.add(result.item)
                else:
                    collected.append(result.item)
                tick()
            if tally.inputs == tally.errors and tally.errors == 0:
                _stderr("error: no input: nothing was checked")
                return EXIT_BAD_INPUT
            if rollup is not None:
                assert renderer.render_summary is not None
                sink.write(renderer.render_summary(rollup, run.options))
            elif not streaming:
                sink.write(renderer.render(collected, run.options))
    except OutputError as exc:
        _stderr(f"error: {exc}")
        return EXIT_BAD_INPUT
    for exemption in unused_institutions(run.exemptions, institutions):
        entry = exemption.entry
        _stderr(
            f"warning: {exemption.source}: exemption for {entry.rule} at institution {entry.institution!r} "
            "matches nothing: no snapshot of this run is about that institution"
        )
    return _exit_code(run, tally)


def _exit_code(run: CheckRun, tally: Tally) -> int:
    checked = tally.inputs - tally.errors
    if tally.errors:
        also = ""
        if tally.failing:
            also = (
                f"; {tally.failing} of the {checked} checked also fail --fail-on {run.fail_on.value} "
                f"(exit 2 outranks 1)"
            )
        if checked == 0:
            _stderr(f"error: {tally.errors} input(s), none could be checked: nothing was judged{also}")
        else:
            _stderr(f"error: {tally.errors} of {tally.inputs} inputs could not be checked{also}")
        return EXIT_BAD_INPUT
    return EXIT_VIOLATION if tally.failing else EXIT_OK


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
