"""Throughput and start-up benchmark for yiyang-rules (a script, not a test).

Generates N contract-shaped snapshots (seeded, deterministic) into a JSONL file, then measures on
that same file:

    (a) stdlib ``json.loads`` of every line: the bare parse baseline (best of ``--repeat``);
    (b) the library: ``Engine.load()`` once (timed apart), then ``engine.check(line, source=...)``
        and ``report.model_dump_json()`` for every line;
    (c) the whole command line ``yiyang check FILE.jsonl --format json --output OUT`` as a subprocess;
    (d) start-up: one snapshot through the command line, best of 5 wall-clock runs;
    (e) the file through ``yiyang check --workers N`` for N in ``--workers`` (1 2): wall and CPU time
        and peak memory.

Run:  python bench/run.py [--count 2000] [--seed 0] [--repeat 5] [--profile]
      python bench/run.py --only-workers [--workers 1 2] [--worker-runs 3]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "out"

TARGET_SNAPSHOTS = 2000
TARGET_LIBRARY_RATIO = 2.5  # library path (bytes in, JSON bytes out), CPU time, <= 2.5x the bare parse
TARGET_CLI_RATIO = 3.0  # whole CLI on 2,000 snapshots, CPU time, <= 3x the bare parse
TARGET_STARTUP_S = 0.25  # one snapshot through the CLI, wall clock
STARTUP_RUNS = 5

YEAR = 2026
WINDOW_START = date(YEAR, 1, 1)
WINDOW_END = date(YEAR, 12, 31)

# Each province in every spelling the contract allows; None = give only region_code.
PROVINCE_FORMS: dict[str, tuple[list[str | None], list[str]]] = {
    "beijing": (["beijing", "北京市", "北京", "110000", None], ["110101", "110105", "110108", "110114"]),
    "shaanxi": (["shaanxi", "陕西省", "陕西", "610000", None], ["610102", "610113", "610402", "610802"]),
    "hebei": (["hebei", "河北省", "河北", "130000", None], ["130102", "130203", "130602", "131002"]),
}
PROVINCE_NAMES = {"beijing": "北京市", "shaanxi": "陕西省", "hebei": "河北省"}

EDUCATION_TOPICS = [
    "冬季防跌倒",
    "高血压自我管理",
    "认知障碍早期识别",
    "春季养生",
    "合理用药",
    "防暑降温",
    "营养膳食",
    "八段锦",
    "糖尿病饮食",
    "口腔健康",
    "防诈骗",
    "居家康复训练",
]
TCM_TECHNIQUES = [
    ("针刺", "针刺类"),
    ("艾灸", "灸类"),
    ("拔罐", "拔罐类"),
    ("推拿", "推拿类"),
    ("刮痧", "刮痧类"),
    ("穴位贴敷", "敷熨熏浴类"),
    ("中药熏洗", "敷熨熏浴类"),
    ("耳穴压豆", "针刺类"),
    ("温针灸", "灸类"),
]
NAME_SUFFIXES = ["颐养中心", "养老院", "医养结合中心", "护理院"]
PARTNERS = ["区中医医院", "社区卫生服务中心", "区人民医院", "乡镇卫生院", "康复医院", "护理院"]
HAZARD_TEXTS = ["疏散通道堆放杂物", "灭火器过期", "电动车室内充电", "应急照明损坏", "烟感报警器失灵"]
PRIMARY_CARE_TYPES = [
    "community_health_center",
    "community_health_station",
    "township_health_center",
    "clinic",
]


# ---------------------------------------------------------------------------------------------------
# Data generation


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _in_month(rng: random.Random, month: int) -> date:
    return date(YEAR, month, rng.randint(1, 28))


def _as_text(rng: random.Random, day: date) -> str:
    """Mostly ``YYYY-MM-DD``; now and then a date-time with an offset, as the contract allows."""
    roll = rng.random()
    if roll < 0.04:
        return f"{day.isoformat()}T{rng.randint(8, 17):02d}:{rng.choice(['00', '30'])}:00+08:00"
    if roll < 0.06:
        return f"{day.isoformat()}T{rng.randint(0, 15):02d}:15:00Z"
    return day.isoformat()


def _activities(rng: random.Random) -> list[dict[str, Any]]:
    acts: list[dict[str, Any]] = []

    def add(kind: str, prefix: str, day: date, **extra: Any) -> None:
        acts.append({"id": f"{prefix}-{len(acts) + 1:03d}", "kind": kind, "date": _as_text(rng, day), **extra})

    for month in range(1, 13):
        if rng.random() < 0.95:  # an occasional missed month makes fire.inspection-monthly fail
            add("fire_inspection", "fi", _in_month(rng, month), participants=rng.randint(2, 8))
        if rng.random() < 0.08:
            add("fire_inspection", "fi", _in_month(rng, month), note="复查")
        if rng.random() < 0.93:
            add(
                "health_education",
                "he",
                _in_month(rng, month),
                topic=rng.choice(EDUCATION_TOPICS),
                participants=rng.randint(10, 80),
            )
    for first, last in ((1, 6), (7, 12)):
        if rng.random() < 0.9:
            add(
                "fire_drill",
                "fd",
                _in_month(rng, rng.randint(first, last)),
                participants=rng.randint(20, 120),
            )
    for _ in range(rng.choices([0, 1, 2, 3], weights=[5, 15, 60, 20])[0]):
        add("psychology_lecture", "pl", _in_month(rng, rng.randint(1, 12)), topic="老年心理健康")
    if rng.random() < 0.85:
        add("infection_drill", "id", _in_month(rng, rng.randint(1, 12)))
    for _ in range(rng.randint(0, 4)):
        add("onsite_health_checkup", "oc", _in_month(rng, rng.randint(1, 12)))
    if acts and rng.random() < 0.1:  # the same record sent twice: must count once
        acts.append(dict(rng.choice(acts)))
    rng.shuffle(acts)
    return acts


def _residents(rng: random.Random) -> list[dict[str, Any]]:
    residents: list[dict[str, Any]] = []
    for n in range(1, rng.randint(90, 110) + 1):
        if rng.random() < 0.7:
            admitted = _day(rng, date(2018, 1, 1), WINDOW_START - timedelta(days=1))
        else:
            admitted = _day(rng, WINDOW_START, WINDOW_END - timedelta(days=10))
        resident: dict[str, Any] = {
            "id": f"R-{n:04d}",
            "admitted": admitted.isoformat(),
            "age": rng.randint(60, 102),
        }
        assessments: list[dict[str, str]] = []
        if rng.random() < 0.985:  # a few residents never assessed on admission
            assessments.append(
                {
                    "kind": "admission",
                    "date": (admitted + timedelta(days=rng.choice([0, 0, 0, 1, 2]))).isoformat(),
                }
            )
        start = max(admitted, WINDOW_START)
        for _ in range(rng.choices([0, 1, 2, 3], weights=[20, 40, 30, 10])[0]):
            assessments.append({"kind": "dynamic", "date": _day(rng, start, WINDOW_END).isoformat()})
        resident["assessments"] = assessments
        if rng.random() < 0.06:
            resident["discharged"] = _day(rng, start, WINDOW_END).isoformat()
        residents.append(resident)
    return residents


def _hazards(rng: random.Random, as_of: date) -> list[dict[str, Any]]:
    hazards: list[dict[str, Any]] = []
    for n in range(1, rng.randint(0, 6) + 1):
        found = _day(rng, WINDOW_START, min(as_of, WINDOW_END))
        hazard: dict[str, Any] = {
            "id": f"H-{n:02d}",
            "found": found.isoformat(),
            "description": rng.choice(HAZARD_TEXTS),
        }
        if rng.random() < 0.7:
            hazard["rectified"] = (found + timedelta(days=rng.randint(0, 20))).isoformat()
        elif rng.random() < 0.7:
            plan: dict[str, Any] = {"deadline": (found + timedelta(days=rng.randint(7, 60))).isoformat()}
            if rng.random() < 0.8:
                plan["responsible"] = rng.choice(["后勤部", "安全员", "院长办公室"])
            if rng.random() < 0.5:
                plan["measures"] = "限期整改并复查"
            hazard["plan"] = plan
        hazards.append(hazard)
    return hazards


def _agreements(rng: random.Random) -> list[dict[str, Any]]:
    agreements: list[dict[str, Any]] = []
    for n in range(1, rng.randint(1, 3) + 1):
        signed = _day(rng, date(YEAR - 1, 6, 1), date(YEAR, 10, 31))
        agreement: dict[str, Any] = {
            "id": f"A-{n}",
            "partner": rng.choice(PARTNERS),
            "signed": signed.isoformat(),
        }
        roll = rng.random()
        if roll < 0.75:
            agreement["reported"] = (signed + timedelta(days=rng.randint(1, 25))).isoformat()
        elif roll < 0.9:
            agreement["reported"] = (signed + timedelta(days=rng.randint(35, 90))).isoformat()  # late
        agreement["expires"] = date(signed.year + rng.choice([1, 2, 3]), signed.month, 1).isoformat()
        agreements.append(agreement)
    return agreements


def _maybe_bools(rng: random.Random, keys: Sequence[str], present: float, true: float) -> dict[str, bool]:
    return {key: rng.random() < true for key in keys if rng.random() < present}


def make_snapshot(seed: int, index: int) -> dict[str, Any]:
    """One snapshot; depends only on (seed, index), so the first k are the same for any --count."""
    rng = random.Random(f"{seed}:{index}")
    province = rng.choice(list(PROVINCE_FORMS))
    forms, regions = PROVINCE_FORMS[province]
    form = rng.choice(forms)
    as_of = date(YEAR + 1, 1, rng.randint(5, 25)) if rng.random() < 0.8 else date(YEAR, 12, rng.randint(1, 20))

    kinds = rng.choice([["elderly_care"], ["elderly_care"], ["medical"], ["elderly_care", "medical"]])
    medical = "medical" in kinds or rng.random() < 0.85
    institution: dict[str, Any] = {
        "id": f"9111{index:06d}MA{rng.randint(0, 99999):05d}X",
        "name": f"{PROVINCE_NAMES[province]}第{index + 1}{rng.choice(NAME_SUFFIXES)}",
        "kinds": kinds,
        "public": rng.random() < 0.4,
        "qualifications": {
            "medical_practice_license": medical and rng.random() < 0.5,
            "clinic_filing": medical,
            "elderly_care_filing": "elderly_care" in kinds or rng.random() < 0.7,
            "business_scope_includes_elderly_care": rng.random() < 0.9,
        },
    }
    if form is not None:
        institution["province"] = form
    if form is None or rng.random() < 0.5:
        institution["region_code"] = rng.choice(regions)
    if medical and rng.random() < 0.3:
        institution["primary_care_type"] = rng.choice(PRIMARY_CARE_TYPES)

    residents = _residents(rng)
    snapshot: dict[str, Any] = {
        "schema_version": "1",
        "as_of": as_of.isoformat(),
        "period": {"start": WINDOW_START.isoformat(), "end": WINDOW_END.isoformat()},
        "institution": institution,
        "activities": _activities(rng),
        "residents": residents,
        "quality": {
            "pressure_ulcers": {
                "residents": len(residents),
                "new_grade2_plus": rng.choices([0, 1, 2, 4, 6, 9], weights=[40, 25, 15, 10, 6, 4])[0],
            }
        },
        "policies": _maybe_bools(
            rng,
            [
                "quality_safety_management",
                "self_brought_medication",
                "emergency_plan",
                "infection_emergency_plan",
                "hazard_ledger",
            ],
            0.9,
            0.85,
        ),
        "facilities": _maybe_bools(
            rng,
            ["zoned_management", "elderly_area_physically_separated", "flammable_color_steel_plate_occupied"],
            0.8,
            0.6,
        ),
        "hazards": _hazards(rng, as_of),
        "tcm_techniques": [
            {"name": n, "category": c} for n, c in rng.sample(TCM_TECHNIQUES, rng.randint(0, len(TCM_TECHNIQUES)))
        ],
        "agreements": _agreements(rng),
    }
    if rng.random() < 0.2:
        snapshot["extensions"] = {"vendor_system": "示例养老管理系统 v3", "export_id": rng.randint(1, 10**9)}
    return snapshot


def write_jsonl(path: Path, count: int, seed: int) -> list[bytes]:
    lines = [json.dumps(make_snapshot(seed, i), ensure_ascii=False).encode() for i in range(count)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return lines


# ---------------------------------------------------------------------------------------------------
# Measurements


def cpu_self() -> float:
    """User + system CPU seconds of this process so far (``getrusage``; one thread does the work)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    start, cpu = time.perf_counter(), cpu_self()
    fn()
    return time.perf_counter() - start, cpu_self() - cpu


def best_of(runs: int, fn: Callable[[], object]) -> tuple[float, float]:
    """The best wall and the best CPU time of ``runs`` calls (each minimum taken on its own)."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(runs):
        w, c = timed(fn)
        wall, cpu = min(wall, w), min(cpu, c)
    return wall, cpu


def parse_all(lines: Sequence[bytes]) -> None:
    for line in lines:
        json.loads(line)


def library_all(engine: Any, lines: Sequence[bytes], source: str) -> int:
    """The library path: bytes in, report JSON out (``Engine.check_json`` when there is one, else
    ``Engine.check`` and ``model_dump_json``)."""
    total = 0
    check_json = getattr(engine, "check_json", None)
    if check_json is not None:
        for n, line in enumerate(lines, 1):
            total += len(check_json(line, source=f"{source}:{n}"))
        return total
    return library_models(engine, lines, source)


def library_models(engine: Any, lines: Sequence[bytes], source: str) -> int:
    """The model path: ``Engine.check`` (a pydantic ``Report``) and ``model_dump_json``."""
    total = 0
    for n, line in enumerate(lines, 1):
        report = engine.check(line, source=f"{source}:{n}")
        total += len(report.model_dump_json().encode())
    return total


def stages(engine: Any, lines: Sequence[bytes], source: str, t_parse: float) -> None:
    """CPU time of each stage of the library path over all lines, one stage at a time (each stage
    gets its inputs from the previous one, prepared outside the clock). The garbage collector is
    off meanwhile: every stage's results for 2,000 snapshots stay alive, which the real path never
    does, and collecting them would be charged to whichever stage happened to trigger it."""
    gc.disable()
    try:
        _stages(engine, lines, source, t_parse)
    finally:
        gc.enable()


def _stages(engine: Any, lines: Sequence[bytes], source: str, t_parse: float) -> None:
    from yiyang_rules import engine as core  # noqa: PLC0415

    labels = [f"{source}:{n}" for n in range(1, len(lines) + 1)]
    models: list[Any] = []
    # what Engine.check reads: parse_facts (the compiled decoder) where this version has it
    parse = getattr(core, "parse_facts", core.parse_snapshot)
    decoder = "msgspec Facts" if parse is not core.parse_snapshot else "scan + model_validate_json"
    _, t_decode = timed(lambda: models.extend(parse(ln, lb) for ln, lb in zip(lines, labels, strict=True)))
    days = [m.as_of for m in models]
    catalogs = [engine.catalog_for(m) for m in models]
    views: list[Any] = []
    _, t_view = timed(lambda: views.extend(core.SnapshotView.of(m, d) for m, d in zip(models, days, strict=True)))
    outcomes: list[Any] = []

    def evaluate() -> None:
        for catalog, view in zip(catalogs, views, strict=True):
            outcomes.append([core.evaluate_rule(rule, view) for rule in catalog.rules])

    _, t_eval = timed(evaluate)
    # the evaluation again on fresh views, so that assembly below starts from the same state
    views2 = [core.SnapshotView.of(m, d) for m, d in zip(models, days, strict=True)]
    rows = [
        ([(rule, core.evaluate_rule(rule, view)) for rule in catalog.rules], view)
        for catalog, view in zip(catalogs, views2, strict=True)
    ]
    assemble: Any = None
    try:
        from yiyang_rules.report_json import assemble as assemble_report  # noqa: PLC0415
    except ImportError:  # before the byte path existed
        pass
    else:

        def assemble(*args: Any) -> Any:
            # What check_json returns: the report's bytes (``.data``; older trees built text).
            report = assemble_report(*args)
            return report.data if hasattr(report, "data") else report.text

    texts: list[Any] = []
    reports: list[Any] = []
    if assemble is not None:
        _, t_assemble = timed(
            lambda: texts.extend(
                assemble(catalog, model, day, pairs)
                for catalog, model, day, (pairs, _view) in zip(catalogs, models, days, rows, strict=True)
            )
        )
        t_dump = 0.0
        name = "report JSON assembled from fragments"
    else:
        _, t_assemble = timed(
            lambda: reports.extend(
                core.report_of(catalog, model, day, [core._finding(r, o, v) for r, o in pairs])
                for catalog, model, day, (pairs, v) in zip(catalogs, models, days, rows, strict=True)
            )
        )
        _, t_dump = timed(lambda: texts.extend(r.model_dump_json() for r in reports))
        name = "report models (model_construct)"
    print(f"stages of the library path, CPU time over {len(lines)} snapshots:")
    for label, t in [
        (f"decode + validate ({decoder})", t_decode),
        ("snapshot view (grouping, applicability memo)", t_view),
        ("evaluate the rules", t_eval),
        (name, t_assemble),
        ("model_dump_json", t_dump),
    ]:
        print(f"    {label:<48}{t:8.3f} s   {t / t_parse:6.2f}x (a)")


def run_cli(
    cli: Path, snapshot_file: Path, out_file: Path, workers: int = 1
) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Wall-clock time of one ``yiyang check``; exit 0 and 1 (findings) are both success."""
    wall, _, done, _ = run_cli_timed(cli, snapshot_file, out_file, workers)
    return wall, done


TIME = Path("/usr/bin/time")  # GNU time: the peak memory of the command itself, not of this script


def run_cli_timed(
    cli: Path, snapshot_file: Path, out_file: Path, workers: int, output_format: str = "json"
) -> tuple[float, float, subprocess.CompletedProcess[bytes], float | None]:
    """Wall-clock time, CPU time (user + system of the command and every worker process it started
    and waited for, from ``wait4``) and peak resident memory in MB of the largest of those processes
    (from GNU time when installed; ``wait4`` would also count this script's own memory, inherited
    until the child execs) of one ``yiyang check --workers N``."""
    cmd = [str(cli), "check", str(snapshot_file), "--format", output_format, "--output", str(out_file)]
    cmd += ["--workers", str(workers), "--no-progress"]
    with tempfile.TemporaryDirectory(prefix="yiyang-bench-") as tmp:
        memory = Path(tmp) / "maxrss"
        if TIME.exists():
            cmd = [str(TIME), "-f", "%M", "-o", str(memory), *cmd]
        err_path = Path(tmp) / "stderr"
        with err_path.open("wb") as err:
            start = time.perf_counter()
            process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        done = subprocess.CompletedProcess(cmd, process.returncode, b"", err_path.read_bytes())
        peak = None
        if memory.exists():
            text = memory.read_text().strip().splitlines()
            peak = int(text[-1]) / 1024 if text and text[-1].isdigit() else None
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, done, peak


def cli_failure(done: subprocess.CompletedProcess[bytes], out_file: Path, expected_lines: int | None) -> str | None:
    """Why a run does not count, or None. A traceback on stderr or a short output is a failure."""
    err = done.stderr.decode(errors="replace").strip().splitlines()
    last = err[-1] if err else "(no stderr)"
    if done.returncode not in (0, 1) or "Traceback (most recent call last)" in "\n".join(err):
        return f"exit code {done.returncode}: {last}"
    if not out_file.exists():
        return f"exit code {done.returncode}, no output file was written; stderr: {last}"
    if expected_lines is None:
        return None if out_file.stat().st_size else "the output file is empty"
    lines = [ln for ln in out_file.read_bytes().splitlines() if ln.strip()]
    if len(lines) != expected_lines:
        return f"expected {expected_lines} report lines in the output, found {len(lines)}"
    return None


def profile_library(engine: Any, lines: Sequence[bytes], source: str, top: int = 15) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    library_all(engine, lines, source)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------
# Main


def _verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def measure_cli(
    cli: Path, data: Path, first: bytes, n: int, t_parse: float, t_parse_wall: float
) -> tuple[float | None, float | None]:
    """(c) the whole file through ``yiyang check`` (CPU time of it and its children, from ``wait4``;
    returned for the target); (d) one snapshot, best of STARTUP_RUNS, wall clock."""
    if not cli.exists():
        print(f"(c) CLI: NOT MEASURED: {cli} does not exist (the CLI is not installed yet)")
        print("(d) start-up: NOT MEASURED: no CLI")
        return None, None
    t_cli: float | None = None
    t_start: float | None = None
    with tempfile.TemporaryDirectory(prefix="yiyang-bench-") as tmp:
        tmp_dir = Path(tmp)
        out_file = tmp_dir / "reports.jsonl"
        elapsed, cpu, done, _ = run_cli_timed(cli, data, out_file, 1)
        problem = cli_failure(done, out_file, n)
        if problem:
            print(f"(c) CLI: NOT MEASURED: `yiyang check` failed: {problem}")
        else:
            t_cli = cpu
            print(
                f"(c) CLI `yiyang check FILE.jsonl` wall {elapsed:7.3f} s {elapsed / t_parse_wall:5.1f}x (a) wall; "
                f"CPU {cpu:7.3f} s {cpu / t_parse:5.1f}x (a) CPU; {n / elapsed:6.0f} snapshots/s "
                f"(exit {done.returncode})"
            )

        one = tmp_dir / "one.json"
        one.write_bytes(first)
        one_out = tmp_dir / "one-report.json"
        times: list[float] = []
        for _ in range(STARTUP_RUNS):
            one_out.unlink(missing_ok=True)
            elapsed, done = run_cli(cli, one, one_out)
            problem = cli_failure(done, one_out, 1)
            if problem:
                print(f"(d) start-up: NOT MEASURED: `yiyang check` failed: {problem}")
                return t_cli, None
            times.append(elapsed)
        t_start = min(times)
        print(f"(d) start-up, one snapshot via CLI, best of {STARTUP_RUNS}: {t_start:.3f} s (worst {max(times):.3f} s)")
    return t_cli, t_start


def _spin(n: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    return time.perf_counter() - start


def parallel_ceiling(n: int = 20_000_000) -> float:
    """What two processes can gain on this machine at best: the same pure-Python loop once alone,
    then twice at the same time in two processes; the ratio of the work done per second. 2.0 on
    two free cores; less when the cores are shared (SMT siblings, a CPU quota, other load)."""
    import multiprocessing  # noqa: PLC0415

    alone = _spin(n)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [1000, 1000])  # start both processes first
        start = time.perf_counter()
        pool.map(_spin, [n, n])
        both = time.perf_counter() - start
    return 2 * alone / both


def measure_workers(
    cli: Path, data: Path, n: int, runs: int, counts: Sequence[int], output_format: str = "json"
) -> None:
    """(e) the same file through ``yiyang check --workers N`` for each N: best wall clock of ``runs``
    (with the CPU time of that run), and whether the outputs are byte-identical."""
    if not cli.exists():
        print(f"(e) workers: NOT MEASURED: {cli} does not exist")
        return
    outputs: dict[int, bytes] = {}
    best: dict[int, tuple[float, float, float | None]] = {}
    with tempfile.TemporaryDirectory(prefix="yiyang-bench-") as tmp:
        for workers in counts:
            out_file = Path(tmp) / f"reports-{workers}.jsonl"
            for _ in range(runs):
                out_file.unlink(missing_ok=True)
                wall, cpu, done, peak = run_cli_timed(cli, data, out_file, workers, output_format)
                # One line per snapshot in JSON Lines; the other formats are one document.
                problem = cli_failure(done, out_file, n if output_format == "json" else None)
                if problem:
                    print(f"(e) --workers {workers}: NOT MEASURED: {problem}")
                    return
                if workers not in best or wall < best[workers][0]:
                    best[workers] = (wall, cpu, peak)
            outputs[workers] = out_file.read_bytes()
    base_wall = best[counts[0]][0]
    print(f"(e0) two processes on this machine do {parallel_ceiling():.2f}x the work of one (the ceiling)")
    print(f"(e) `yiyang check FILE.jsonl --format {output_format} --workers N`, best wall clock of {runs}:")
    for workers in counts:
        wall, cpu, peak = best[workers]
        memory = f"{peak:5.0f} MB" if peak is not None else "not measured (no /usr/bin/time)"
        print(
            f"    --workers {workers}: wall {wall:7.3f} s  CPU {cpu:7.3f} s  {n / wall:6.0f} snapshots/s"
            f"  speed-up {base_wall / wall:4.2f}x  peak RSS {memory}"
        )
    same = all(outputs[w] == outputs[counts[0]] for w in counts)
    print(f"    outputs byte-identical across worker counts: {'yes' if same else 'NO'}")


def print_targets(n: int, t_parse: float, t_lib: float, t_cli: float | None, t_start: float | None) -> None:
    print("targets (CPU time, as multiples of the bare parse's CPU time):")
    scale = "" if n == TARGET_SNAPSHOTS else f" (the target is set at {TARGET_SNAPSHOTS}; measured at {n})"
    lib_ratio = t_lib / t_parse
    print(
        f"  library path (bytes in, JSON out) <= {TARGET_LIBRARY_RATIO:g}x bare parse: {lib_ratio:.1f}x -> "
        f"{_verdict(lib_ratio <= TARGET_LIBRARY_RATIO)}{scale}"
    )
    cli_target = f"whole CLI on {TARGET_SNAPSHOTS} snapshots <= {TARGET_CLI_RATIO:g}x bare parse"
    if t_cli is None:
        print(f"  {cli_target}: NOT MEASURED")
    else:
        ratio = t_cli / t_parse
        scale = "" if n == TARGET_SNAPSHOTS else f" (the target is set at {TARGET_SNAPSHOTS}; measured at {n})"
        print(f"  {cli_target}: {ratio:.1f}x -> {_verdict(ratio <= TARGET_CLI_RATIO)}{scale}")
    start_target = f"start-up for one snapshot < {TARGET_STARTUP_S:g} s"
    if t_start is None:
        print(f"  {start_target}: NOT MEASURED")
    else:
        print(f"  {start_target}: {t_start:.3f} s -> {_verdict(t_start < TARGET_STARTUP_S)}")


def measure_library(
    lines: Sequence[bytes], data: Path, t_parse: float, t_parse_wall: float, with_stages: bool
) -> float:
    """(b): the library path, CPU time returned for the target; with ``with_stages`` its stages."""
    n = len(lines)
    # (b) library; imported here so that its import is not part of anything measured above
    from yiyang_rules import engine as core_engine  # noqa: PLC0415
    from yiyang_rules.engine import Engine  # noqa: PLC0415

    start = time.perf_counter()
    engine = Engine.load()
    t_load = time.perf_counter() - start
    sizes: list[int] = []
    wall, t_lib = timed(lambda: sizes.append(library_all(engine, lines, str(data))))
    what = "check_json" if hasattr(engine, "check_json") else "check + model_dump_json"
    print(
        f"(b) library {what}: wall {wall:7.3f} s {wall / t_parse_wall:5.1f}x (a) wall; "
        f"CPU {t_lib:7.3f} s {t_lib / t_parse:5.1f}x (a) CPU; {n / wall:6.0f} snapshots/s"
    )
    if hasattr(engine, "check_json"):
        wall_m, cpu_m = timed(lambda: library_models(engine, lines, str(data)))
        print(
            f"(b') library check + model_dump_json (the Report model): wall {wall_m:7.3f} s; "
            f"CPU {cpu_m:7.3f} s {cpu_m / t_parse:5.1f}x (a) CPU"
        )
    print(f"    Engine.load() once, not included: {t_load:.3f} s; reports average {sizes[0] / n / 1024:.1f} KiB")
    if with_stages and not hasattr(core_engine, "report_of"):
        print("    (--stages needs engine.report_of, which this version of the library does not have)")
    elif with_stages:
        stages(engine, lines, str(data), t_parse)
    return t_lib


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=TARGET_SNAPSHOTS, help="snapshots to generate (2000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the parse baseline; best counts (5)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where the data goes (bench/out)")
    parser.add_argument("--profile", action="store_true", help="also cProfile path (b): top 15 cumulative")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="(e): worker counts to compare (1 2)")
    parser.add_argument("--worker-runs", type=int, default=3, help="(e): runs per worker count; best counts (3)")
    parser.add_argument("--only-workers", action="store_true", help="measure (e) alone")
    parser.add_argument("--worker-format", default="json", help="(e): the output format (json)")
    parser.add_argument("--stages", action="store_true", help="also the CPU time of each stage of path (b)")
    parser.add_argument("--no-workers", action="store_true", help="skip (e)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.repeat < 1:
        parser.error("--count and --repeat must be at least 1")

    data = args.out / f"snapshots-{args.count}-seed{args.seed}.jsonl"
    lines = write_jsonl(data, args.count, args.seed)
    size = data.stat().st_size
    n = len(lines)
    print(f"yiyang-rules benchmark: {n} snapshots, seed {args.seed}, Python {sys.version.split()[0]}")
    print(f"data: {data} ({size / 1e6:.1f} MB), average {size / n / 1024:.1f} KiB per snapshot")
    print()
    cli = Path(sys.executable).parent / "yiyang"
    if args.only_workers:
        measure_workers(cli, data, n, args.worker_runs, args.workers, args.worker_format)
        return 0

    # (a) bare parse
    t_parse_wall, t_parse = best_of(args.repeat, lambda: parse_all(lines))
    print(
        f"(a) json.loads, best of {args.repeat}: wall {t_parse_wall:7.3f} s; CPU {t_parse:7.3f} s; "
        f"{n / t_parse_wall:6.0f} snapshots/s"
    )

    t_lib = measure_library(lines, data, t_parse, t_parse_wall, args.stages)

    # (c), (d): the command line, found next to this interpreter
    t_cli, t_start = measure_cli(cli, data, lines[0], n, t_parse, t_parse_wall)
    if not args.no_workers:
        measure_workers(cli, data, n, args.worker_runs, args.workers, args.worker_format)

    print()
    print_targets(n, t_parse, t_lib, t_cli, t_start)
    if args.profile:
        print()
        print("profile of path (b), top 15 by cumulative time:")
        from yiyang_rules.engine import Engine  # noqa: PLC0415

        print(profile_library(Engine.load(), lines, str(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
