"""Old engine against new: the same generated snapshots through an earlier revision's engine and
through this checkout's, report bytes compared one by one.

The earlier engine is taken from git (``git archive REV src``), unpacked in a temporary folder and
run in a subprocess of the same interpreter with ``PYTHONPATH`` set to it, so that nothing of it is
imported here. Each side writes one report per line (``Engine.check_json``), or the error's text
for a snapshot it refuses; the lines must be byte-identical.

    python tools/engine_equality.py --old d9e1e3c --count 2500 --seeds 0 11

Exit 0: every report equal; 1: differences (the first few are printed); 2: could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run by both sides: reads the snapshot lines of argv[1], writes one report (or error) per line.
_RUNNER = r"""
import sys
import yiyang_rules
if not yiyang_rules.__file__.startswith(sys.argv[3]):
    sys.exit(f"imported {yiyang_rules.__file__}, not the engine under {sys.argv[3]}")
from yiyang_rules.engine import Engine
from yiyang_rules.errors import InputError
engine = Engine.load()
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as out:
    for n, line in enumerate(src, 1):
        try:
            out.write(engine.check_json(line.rstrip(b"\n"), source=f"s:{n}") + b"\n")
        except InputError as exc:
            out.write(("ERROR " + str(exc)).encode() + b"\n")
"""


def _snapshots(path: Path, count: int, seeds: list[int]) -> int:
    sys.path.insert(0, str(ROOT / "bench"))
    import run as bench  # noqa: PLC0415  (the benchmark's generator: one definition of the data)

    written = 0
    with path.open("wb") as out:
        for seed in seeds:
            for index in range(count):
                out.write(json.dumps(bench.make_snapshot(seed, index), ensure_ascii=False).encode() + b"\n")
                written += 1
    return written


def _old_tree(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "src", "rules"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _run(src_path: Path, inputs: Path, out: Path) -> None:
    env = dict(os.environ, YIYANG_NO_CACHE="1", PYTHONPATH=str(src_path))
    subprocess.run([sys.executable, "-c", _RUNNER, str(inputs), str(out), str(src_path)], check=True, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", required=True, help="the git revision whose engine is the oracle")
    parser.add_argument("--count", type=int, default=2500, help="snapshots per seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 11])
    parser.add_argument("--keep", type=Path, help="keep the inputs and both outputs in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        inputs = work / "snapshots.jsonl"
        total = _snapshots(inputs, args.count, args.seeds)
        old = _old_tree(args.old, Path(tmp) / "old")
        _run(old / "src", inputs, work / "old.jsonl")
        _run(ROOT / "src", inputs, work / "new.jsonl")
        old_lines = (work / "old.jsonl").read_bytes().split(b"\n")
        new_lines = (work / "new.jsonl").read_bytes().split(b"\n")
        differ = [n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), 1) if a != b]
        if len(old_lines) != len(new_lines):
            print(f"line counts differ: old {len(old_lines)}, new {len(new_lines)}")
            return 1
        for n in differ[:5]:
            a, b = old_lines[n - 1], new_lines[n - 1]
            at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            print(f"snapshot {n}: first difference at byte {at}")
            print(f"  old: …{a[max(0, at - 120) : at + 120].decode(errors='replace')}…")
            print(f"  new: …{b[max(0, at - 120) : at + 120].decode(errors='replace')}…")
        errors = sum(1 for line in new_lines if line.startswith(b"ERROR"))
        print(
            f"{total} snapshots (seeds {' '.join(map(str, args.seeds))}, {args.count} each): "
            f"{total - len(differ)} reports identical, {len(differ)} different, {errors} refused by both"
        )
        return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
