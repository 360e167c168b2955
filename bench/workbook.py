"""Workbook import benchmark (a script, not a test).

Builds a filled workbook the size of a real institution's 台账 — 200 residents (each with an
admission and a dynamic assessment), 3 years of activity records (weekly fire inspections, monthly
health education, drills…), a hazard ledger and the questionnaire answered — written by the
exporter, then times ``read_workbook`` (openpyxl read-only load, tolerant cell reading, strict
validation) and ``yiyang check FILE.xlsx`` end to end.

Run:  python bench/workbook.py [--residents 200] [--years 3] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from yiyang_rules.engine import Engine
from yiyang_rules.snapshot import Snapshot
from yiyang_rules.vocabulary import ActivityKind, PolicyKey, PracticeKey
from yiyang_rules.workbook.reader import read_workbook
from yiyang_rules.workbook.writer import write_workbook

TARGET_S = 1.0  # "well under a second"


def snapshot(residents: int, years: int, seed: int = 0) -> Snapshot:
    rng = random.Random(seed)
    start = date(2026 - years, 1, 1)
    end = date(2025, 12, 31)
    activities: list[dict[str, Any]] = []
    day = start
    number = 0
    while day <= end:
        number += 1
        activities.append({"id": f"fi-{number}", "kind": "fire_inspection", "date": day.isoformat()})
        if day.day <= 7:
            activities.append(
                {"id": f"he-{number}", "kind": "health_education", "date": day.isoformat(), "topic": "健康讲座"}
            )
        if day.month in (3, 9) and day.day <= 7:
            activities.append({"id": f"fd-{number}", "kind": "fire_drill", "date": day.isoformat(), "participants": 40})
        day += timedelta(days=7)
    people = []
    for index in range(residents):
        admitted = start + timedelta(days=rng.randrange((end - start).days))
        people.append(
            {
                "id": f"R-{index:04d}",
                "admitted": admitted.isoformat(),
                "age": rng.randrange(60, 100),
                "service_plan": rng.random() < 0.9,
                "assessments": [
                    {"kind": "admission", "date": admitted.isoformat()},
                    {"kind": "dynamic", "date": (admitted + timedelta(days=180)).isoformat()},
                ],
            }
        )
    hazards = [
        {"id": f"H-{i}", "found": (start + timedelta(days=30 * i)).isoformat(), "plan": {"responsible": "后勤部"}}
        for i in range(years * 12)
    ]
    data = {
        "schema_version": "1",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "institution": {"id": "BENCH", "name": "基准测试颐养院", "province": "北京市", "kinds": ["elderly_care"]},
        "activities": activities,
        "residents": people,
        "hazards": hazards,
        "policies": {k.value: True for k in PolicyKey},
        "practices": {k.value: rng.random() < 0.8 for k in PracticeKey},
    }
    assert {a["kind"] for a in activities} <= {k.value for k in ActivityKind}
    return Snapshot.model_validate_json(json.dumps(data))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    model = snapshot(args.residents, args.years)
    engine = Engine.load()
    content = write_workbook(model, engine.catalog_for(model))
    rows = len(model.activities or []) + len(model.residents or []) * 3 + len(model.hazards or [])
    print(
        f"workbook: {len(content) / 1024:.0f} KiB; {len(model.activities or [])} activities, "
        f"{len(model.residents or [])} residents ({rows} record rows in all)"
    )
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        back = read_workbook(content)
        times.append(time.perf_counter() - started)
    assert back == model
    best, worst = min(times), max(times)
    verdict = "met" if best < TARGET_S else "NOT met"
    print(f"read_workbook: best {best:.3f} s, worst {worst:.3f} s of {args.repeat} (target < {TARGET_S} s: {verdict})")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "台账.xlsx"
        path.write_bytes(content)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            command = ["-m", "yiyang_rules", "check", str(path), "-f", "json", "-o", str(Path(tmp) / "r.json")]
            done = subprocess.run(
                [sys.executable, *command],
                capture_output=True,
                check=False,
            )
            runs.append(time.perf_counter() - started)
            assert done.returncode in (0, 1), done.stderr.decode()
    print(f"yiyang check 台账.xlsx --format json (whole CLI, wall clock): best {min(runs):.3f} s of 3")


if __name__ == "__main__":
    main()
