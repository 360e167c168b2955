"""Plan, compare and exemptions at batch scale (a script, not a test).

Uses the snapshots of ``bench/run.py`` (same generator, same seed) and measures:

    (p) the library: ``plan_snapshot`` for every snapshot, next to ``engine.check`` for the same;
    (e) ``check`` then ``apply_exemptions`` with two exemptions per institution, next to ``check``;
    (c) ``compare``: the reports of the batch checked at two ``as_of`` days, read and classified by
        the library, and the whole ``yiyang compare OLD NEW --format json`` as a subprocess.

Run:  python bench/plan_compare.py [--count 2000] [--seed 0]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import OUT_DIR, write_jsonl  # noqa: E402

from yiyang_rules.compare import compare_reports, read_reports  # noqa: E402
from yiyang_rules.engine import Engine  # noqa: E402
from yiyang_rules.exemptions import apply_exemptions, by_institution, exemptions_from_text  # noqa: E402
from yiyang_rules.plan import plan_snapshot  # noqa: E402


def timed(label: str, n: int, fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    took = time.perf_counter() - start
    print(f"{label:<58} {took:8.2f} s  {n / took:9.0f} /s")
    return took


def exemptions_yaml(ids: Sequence[str]) -> str:
    rows = ["exemptions:"]
    for number, institution in enumerate(ids):
        for rule, unit in (("fire.inspection-monthly", f"2026-{number % 12 + 1:02d}"), ("safety.hazard-ledger", None)):
            rows += [
                f"  - rule: {rule}",
                f"    institution: '{institution}'",
                *([f"    unit: '{unit}'"] if unit else []),
                "    reason: 整改期内",
                "    approved_by: 区卫生健康委员会",
                f"    document: 卫老龄函〔2026〕{number}号",
                "    granted: 2026-10-01",
                "    expires: 2027-03-31",
            ]
    return "\n".join(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    data = OUT_DIR / f"snapshots-{args.count}-seed{args.seed}.jsonl"
    lines = write_jsonl(data, args.count, args.seed)
    n = len(lines)
    engine = Engine.load()
    print(f"{n} snapshots from bench/run.py's generator, seed {args.seed}")

    timed("(p) check, library", n, lambda: [engine.check(line) for line in lines])
    plans: list[int] = []
    timed("(p) plan_snapshot, library", n, lambda: plans.extend(len(plan_snapshot(engine, x).items) for x in lines))
    print(f"    plan items per snapshot: {sum(plans) / n:.1f}")

    reports = [engine.check(line) for line in lines]
    ids = [r.institution.id for r in reports]
    start = time.perf_counter()
    exemptions = exemptions_from_text(exemptions_yaml(ids), "bench.yaml")
    print(f"(e) load {len(exemptions)} exemptions{'':<30} {time.perf_counter() - start:8.2f} s")
    grouped = by_institution(exemptions)
    timed(
        "(e) apply_exemptions to every report",
        n,
        lambda: [apply_exemptions(r, grouped[r.institution.id]) for r in reports],
    )

    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old.jsonl", Path(tmp) / "new.jsonl"
        old.write_text("".join(engine.check(x, as_of=date(2026, 10, 15)).model_dump_json() + "\n" for x in lines))
        new.write_text("".join(r.model_dump_json() + "\n" for r in reports))
        size = (old.stat().st_size + new.stat().st_size) / 2**20
        print(f"    report files: {size:.1f} MiB together")
        counts: dict[str, int] = {}
        timed(
            "(c) compare, library (read both, classify)",
            n,
            lambda: counts.update(compare_reports(read_reports(old), read_reports(new)).summary),
        )
        print(f"    {', '.join(f'{k} {v}' for k, v in counts.items() if v)}")
        cli = Path(sys.executable).parent / "yiyang"
        out = Path(tmp) / "cmp.json"
        start = time.perf_counter()
        done = subprocess.run([str(cli), "compare", str(old), str(new), "-f", "json", "-o", str(out)], check=False)
        took = time.perf_counter() - start
        print(f"{'(c) yiyang compare OLD NEW --format json (exit ' + str(done.returncode) + ')':<58} {took:8.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
