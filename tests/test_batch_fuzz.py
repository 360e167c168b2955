"""A property of the .jsonl path through the command: whatever the lines hold, the exit code is 0, 1
or 2, every non-blank line gets exactly one output record in its place, and no traceback appears.

Kept short for CI (``max_examples`` below); run longer with
``HYPOTHESIS_PROFILE=long pytest tests/test_batch_fuzz.py`` (see the profile at the bottom)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batch_helpers import bad, clean, line, run, sample

GOOD = [line(x).encode("utf-8") for x in (sample(1), clean(2), bad(3))]

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _mutate(data: dict[str, Any], key: str, value: Any) -> bytes:
    changed = dict(data)
    changed[key] = value
    return line(changed).encode("utf-8")


_lines = st.one_of(
    st.sampled_from(GOOD),
    st.binary(max_size=40).map(lambda b: b.replace(b"\n", b" ")),  # invalid UTF-8 included
    _json_values.map(lambda v: json.dumps(v).encode("utf-8")),
    st.builds(_mutate, st.just(sample(4)), st.sampled_from(["as_of", "period", "residents", "x"]), _json_values),
    st.sampled_from([b"", b"   ", b"\t", b"\r"]),
)

PROFILE_EXAMPLES = 200 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 25


@settings(max_examples=PROFILE_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_lines, min_size=0, max_size=8))
def test_every_line_is_accounted_for(tmp_path: Path, rows: list[bytes]) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"".join(r + b"\n" for r in rows))
    result = run("check", path, "--format", "json", "--workers", "1")
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    out = [json.loads(text) for text in result.stdout.splitlines()]
    # Blank: ASCII whitespace only (after the UTF-8 byte-order mark a first line may start with).
    numbers = [n for n, r in enumerate(rows, start=1) if (r.removeprefix(b"\xef\xbb\xbf") if n == 1 else r).strip()]
    if not numbers:
        assert result.exit_code == 2 and len(out) == 1 and "error" in out[0]
        return
    assert [r["source"]["line"] for r in out] == numbers
    errors = sum(1 for r in out if "error" in r)
    assert (result.exit_code == 2) == (errors > 0)
