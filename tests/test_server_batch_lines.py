"""Laws of the batch endpoint's line reader, in process (the HTTP behaviour is in test_server.py):
however the body is cut into chunks on the way, the answer is the same — one result per non-blank
line, numbered by input line, a line over the limit an error in its place."""

from __future__ import annotations

import asyncio
import json
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from yiyang_rules.engine import Engine
from yiyang_rules.examples import BASE_EXAMPLE
from yiyang_rules.server.app import BatchEndpoint, CheckOptions
from yiyang_rules.server.settings import Settings

ENGINE = Engine.load()
OPTIONS = CheckOptions(ENGINE, None)
LIMIT = 600  # bytes per line: the base example fits, the padded one does not
SETTINGS = Settings(max_body_bytes=LIMIT, max_batch_bytes=1_000_000)

GOOD = json.dumps(BASE_EXAMPLE).encode()
LINES = {
    "good": GOOD,
    "bad_json": b'{"schema_version": "1",',
    "typo": GOOD.replace(b'"elderly_care"]', b'"elderly_car"]'),
    "blank": b"",
    "spaces": b"   \t",
    "too_long": json.dumps({**BASE_EXAMPLE, "extensions": {"pad": "x" * LIMIT}}).encode(),
}
assert len(GOOD) <= LIMIT < len(LINES["too_long"])


def answer(chunks: list[bytes]) -> list[bytes]:
    async def run() -> list[bytes]:
        queue: asyncio.Queue[bytes | object | None] = asyncio.Queue()
        for chunk in chunks:
            queue.put_nowait(chunk)
        queue.put_nowait(None)
        return [line async for line in BatchEndpoint()._results(queue, SETTINGS, OPTIONS)]

    return asyncio.run(run())


def cut(body: bytes, points: list[int]) -> list[bytes]:
    edges = sorted({0, len(body), *(p % (len(body) + 1) for p in points)})
    return [body[a:b] for a, b in pairwise(edges)]


@settings(max_examples=40, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(sorted(LINES)), min_size=1, max_size=6),
    final_newline=st.booleans(),
    points=st.lists(st.integers(min_value=0, max_value=10_000), max_size=12),
)
def test_the_chunking_never_changes_the_answer(kinds: list[str], final_newline: bool, points: list[int]) -> None:
    body = b"\n".join(LINES[k] for k in kinds) + (b"\n" if final_newline else b"")
    whole = answer([body])
    assert answer(cut(body, points)) == whole

    expected = [(n, k) for n, k in enumerate(kinds, start=1) if k not in ("blank", "spaces")]
    records = [json.loads(line) for line in whole]
    assert [r["source"]["line"] for r in records] == [n for n, _ in expected]
    for record, (_, kind) in zip(records, expected, strict=True):
        assert ("error" in record) == (kind != "good")
        if kind == "too_long":
            assert str(LIMIT) in record["error"]["problems"][0]["message"]["en"]


def test_a_body_over_the_batch_limit_ends_with_an_error_naming_the_next_line() -> None:
    """What the reader does when a body without a length passes the limit: the lines before it are
    answered, then one error record, and nothing more is read."""
    from yiyang_rules.server.app import _OVER_LIMIT  # noqa: PLC0415

    async def run() -> list[bytes]:
        queue: asyncio.Queue[bytes | object | None] = asyncio.Queue()
        queue.put_nowait(GOOD + b"\n" + GOOD + b"\n" + GOOD[:20])  # a third line, cut by the limit
        queue.put_nowait(_OVER_LIMIT)
        return [line async for line in BatchEndpoint()._results(queue, SETTINGS, OPTIONS)]

    records = [json.loads(line) for line in asyncio.run(run())]
    assert [r["source"]["line"] for r in records] == [1, 2, 3]
    assert ["error" in r for r in records] == [False, False, True]
    assert "1000000" in records[2]["error"]["problems"][0]["message"]["en"]
