"""Batches for the renderer tests: the bundled sample, 200 generated institutions (the bench's
deterministic generator), a bad input in between, and a snapshot whose ids and names are hostile."""

from __future__ import annotations

import copy
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from yiyang_rules.engine import Engine
from yiyang_rules.errors import InputError
from yiyang_rules.render.base import BatchItem
from yiyang_rules.report import SourceRef

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Markup for rich, Markdown and HTML, an escape sequence, a bidi override and a formula.
HOSTILE_ID = "[/]\x1b[31m<b>x</b>|[bold]y[/bold]\u202e"
HOSTILE_NAME = '=HYPERLINK("http://x")<script>alert(1)</script>\x1b]0;pwn\x07 & \'q\' "d"'


@cache
def engine() -> Engine:
    return Engine.load()


def sample_data() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def check(data: dict[str, Any], source: SourceRef) -> BatchItem:
    try:
        return BatchItem(source, engine().check(json.dumps(data, ensure_ascii=False), source=source.file))
    except InputError as exc:
        return BatchItem(source, error=exc)


def sample_item() -> BatchItem:
    return check(sample_data(), SourceRef(file="examples/beijing-sample.json"))


def hostile_item() -> BatchItem:
    data = copy.deepcopy(sample_data())
    data["institution"]["id"] = HOSTILE_ID
    data["institution"]["name"] = HOSTILE_NAME
    data["residents"][1]["id"] = "[/]\x1b[2J"
    return check(data, SourceRef(file="weird [bold]dir[/bold]/x.json"))


def bad_item(line: int = 3) -> BatchItem:
    data = copy.deepcopy(sample_data())
    data["activities"][0]["kind"] = "fire_inspetion"
    item = check(data, SourceRef(file="batch.jsonl", line=line))
    assert item.error is not None
    return item


@cache
def bench_module(name: str) -> Any:
    """A script of bench/ (``run``, ``peers``) loaded as a module: bench/ is not a package."""
    spec = importlib.util.spec_from_file_location(f"yiyang_bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bench() -> Any:
    return bench_module("run")


@cache
def batch(count: int = 200, with_error: bool = True) -> tuple[BatchItem, ...]:
    """``count`` generated institutions from a .jsonl (line numbers as sources), and, when asked,
    a bad line in third place."""
    items = [check(_bench().make_snapshot(0, i), SourceRef(file="batch.jsonl", line=i + 1)) for i in range(count)]
    if with_error:
        items.insert(2, bad_item(line=3))
        items = [
            BatchItem(SourceRef(file=i.source.file, line=n), i.report, i.error) for n, i in enumerate(items, start=1)
        ]
    return tuple(items)
