"""Peak memory of checking one large snapshot (issue 8: "a single snapshot must not need ~18x its size").

A script, not a test. It writes one contract-shaped snapshot of about ``--mb`` MB (many activities
and residents; a year's window), then, in a fresh interpreter per measurement, loads the engine,
reads the file and checks it, and prints:

- the peak resident set size of the process over the check, minus the RSS before it (``ru_maxrss``,
  so allocations made by pydantic-core's Rust code count too), and that as a multiple of the size;
- the peak of Python allocations during the check (``tracemalloc``), as a multiple of the size.

    python bench/memory.py               # 20 MB
    python bench/memory.py --mb 5
    python bench/memory.py --shape minimal   # bare activity records: the worst ratio
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

_CHILD = r"""
import resource, sys, tracemalloc, gc
from pathlib import Path
from yiyang_rules import Engine
engine = Engine.load()
data = Path(sys.argv[1]).read_bytes()
gc.collect()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if sys.argv[2] == "tracemalloc":
    tracemalloc.start()
report = engine.check(data, source="big.json")
if sys.argv[2] == "tracemalloc":
    _, peak = tracemalloc.get_traced_memory()
    print(peak)
else:
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(after - before)
"""


def make_minimal(target_bytes: int) -> bytes:
    """The worst ratio: the smallest records the contract allows (an activity is a kind and a date)."""
    start = date(2026, 1, 1)
    count = target_bytes // 45
    days = [(start + timedelta(days=i % 365)).isoformat() for i in range(count)]
    activities = [{"kind": "fire_inspection", "date": day} for day in days]
    snapshot = {
        "schema_version": "1",
        "as_of": "2027-01-10",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "institution": {"id": "inst-1", "name": "示例医养结合机构", "province": "beijing", "kinds": ["elderly_care"]},
        "activities": activities,
    }
    return json.dumps(snapshot, ensure_ascii=False).encode("utf-8")


def make_snapshot(target_bytes: int) -> bytes:
    start = date(2026, 1, 1)
    activities = []
    residents = []
    kinds = ["fire_inspection", "health_education", "fire_drill", "psychology_lecture", "infection_drill"]
    index = 0
    size = 0
    while size < target_bytes:
        day = start + timedelta(days=index % 365)
        activities.append(
            {"id": f"act-{index}", "kind": kinds[index % len(kinds)], "date": day.isoformat(), "topic": "消防检查"}
        )
        residents.append(
            {
                "id": f"r-{index}",
                "admitted": day.isoformat(),
                "assessments": [{"kind": "admission", "date": day.isoformat()}],
                "service_plan": True,
            }
        )
        size += 235
        index += 1
    snapshot = {
        "schema_version": "1",
        "as_of": "2027-01-10",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "institution": {"id": "inst-1", "name": "示例医养结合机构", "province": "beijing", "kinds": ["elderly_care"]},
        "activities": activities,
        "residents": residents,
    }
    return json.dumps(snapshot, ensure_ascii=False).encode("utf-8")


def measure(path: Path, mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), mode], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the check failed:\n{done.stderr}")
    return int(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=20.0, help="snapshot size in MB (default 20)")
    parser.add_argument(
        "--shape",
        choices=("records", "minimal"),
        default="records",
        help="records: activities and residents with every usual field; minimal: bare activities",
    )
    args = parser.parse_args()
    make = make_minimal if args.shape == "minimal" else make_snapshot
    data = make(int(args.mb * 1_000_000))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.json"
        path.write_bytes(data)
        rss = measure(path, "rss")
        traced = measure(path, "tracemalloc")
    mb = len(data) / 1e6
    print(f"snapshot: {mb:.1f} MB")
    print(f"peak RSS growth during the check: {rss / 1e6:.0f} MB ({rss / len(data):.1f}x the snapshot)")
    print(f"peak Python allocations (tracemalloc): {traced / 1e6:.0f} MB ({traced / len(data):.1f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
