"""The oracle: the report JSON assembled from fragments (``Engine.check_json``) is byte for byte the
JSON of the report model (``Engine.check(...).model_dump_json()``), on generated snapshots.

``YIYANG_ORACLE_COUNT`` scales it (default 150 per seed, two seeds); run once by hand with
``YIYANG_ORACLE_COUNT=5000`` before changing the evaluator or the report path (bench/README.md
records the count and the time of the last such run).
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from render_items import _bench
from yiyang_rules.engine import Engine
from yiyang_rules.errors import InputError
from yiyang_rules.report import SourceRef

ROOT = Path(__file__).resolve().parents[1]
COUNT = int(os.environ.get("YIYANG_ORACLE_COUNT", "150"))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def _lines(seed: int, count: int) -> list[bytes]:
    make: Any = _bench().make_snapshot
    return [json.dumps(make(seed, i), ensure_ascii=False).encode() for i in range(count)]


@pytest.mark.parametrize("seed", [0, 11])
def test_assembled_report_json_is_the_model_json(engine: Engine, seed: int) -> None:
    statuses: set[str] = set()
    for n, line in enumerate(_lines(seed, COUNT), 1):
        model = engine.check(line, source=f"batch.jsonl:{n}")
        assert engine.check_json(line, source=f"batch.jsonl:{n}") == model.model_dump_json().encode(), n
        statuses.update(f.status.value for f in model.findings)
    # the generated snapshots exercise every verdict, so the comparison covers every status
    assert statuses == {"compliant", "non_compliant", "insufficient_data", "not_applicable"}


@pytest.mark.parametrize("as_of", [date(2026, 3, 31), date(2026, 12, 31), date(2028, 1, 1)])
def test_equal_on_other_evaluation_days_and_forced_jurisdictions(as_of: date) -> None:
    for jurisdiction in (None, "national", "beijing"):
        forced = Engine.load(jurisdiction=jurisdiction)
        for line in _lines(3, 20):
            expected = forced.check(line, as_of=as_of).model_dump_json().encode()
            assert forced.check_json(line, as_of=as_of) == expected


def test_located_report_carries_its_source(engine: Engine) -> None:
    line = _lines(0, 1)[0]
    where = SourceRef(file="batch.jsonl", line=7)
    expected = engine.check(line).model_copy(update={"source": where}).model_dump_json().encode()
    assert engine.check_json(line, located=where) == expected
    assert json.loads(expected)["source"] == {"file": "batch.jsonl", "line": 7}


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.json")), ids=lambda p: p.name)
def test_equal_on_the_examples(engine: Engine, path: Path) -> None:
    try:
        expected = engine.check(path).model_dump_json().encode()
    except Exception as exc:  # an example that is not a snapshot fails the same way on both paths
        with pytest.raises(type(exc)):
            engine.check_json(path)
        return
    assert engine.check_json(path) == expected


def test_bad_input_fails_the_same_way(engine: Engine) -> None:
    bad = b'{"institution": {"id": "x", "id": "y"}}'
    with pytest.raises(InputError) as old:
        engine.check(bad)
    with pytest.raises(InputError) as new:
        engine.check_json(bad)
    assert str(old.value) == str(new.value)


@pytest.mark.parametrize("line", [False, True], ids=["report", "json-lines-line"])
def test_the_report_model_is_read_back_from_the_assembled_bytes(engine: Engine, line: bool) -> None:
    # The Report model is built from the bytes only when asked for, and is the model path's report.
    snapshot = json.dumps(_bench().make_snapshot(3, 0), ensure_ascii=False)
    assembled = engine.check_assembled(snapshot, end=b"\n" if line else b"", one_line=line)
    assert assembled.report() == engine.check(snapshot)
