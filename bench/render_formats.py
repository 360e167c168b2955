"""How long each output format takes to render a batch (a script, not a test).

Checks N generated snapshots once (bench/run.py's deterministic generator), then renders the whole
run in every format, best of ``--repeat``, in this process: the renderer's own cost, without
reading, checking or writing. Streaming formats are rendered one item at a time (as the command
line does); the roll-up (``--summary``) is measured too.

Run:  python bench/render_formats.py [--count 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as generator

from yiyang_rules.engine import Engine
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import BatchItem, RenderOptions
from yiyang_rules.report import SourceRef


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = Engine.load()
    items = []
    for index in range(args.count):
        data = json.dumps(generator.make_snapshot(0, index), ensure_ascii=False)
        items.append(BatchItem(SourceRef(file="batch.jsonl", line=index + 1), engine.check(data, source="batch.jsonl")))
    print(
        f"{args.count} snapshots; seconds, best of {args.repeat}; output size (millions of characters, bytes for xlsx)"
    )
    for name, renderer in RENDERERS.items():
        for summary in (False, True):
            if summary and renderer.render_summary is None:
                continue
            options = RenderOptions(summary=summary, width=160)
            best, size = float("inf"), 0
            for _ in range(args.repeat):
                start = time.perf_counter()
                if renderer.render_one is not None and not summary:
                    size = sum(len(renderer.render_one(item, options)) for item in items)
                else:
                    size = len(renderer.render(items, options))
                best = min(best, time.perf_counter() - start)
            label = f"{name}{' --summary' if summary else ''}"
            print(f"{label:<20} {best:8.3f} s  {best / args.count * 1000:7.2f} ms/snapshot  {size / 1e6:8.2f} M")
    return 0


if __name__ == "__main__":
    sys.exit(main())
