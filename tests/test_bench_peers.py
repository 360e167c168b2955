"""bench/peers.py judges the same obligations as our engine: the facts it hands the peers, and each
peer's verdicts, agree with ours on generated snapshots (the peers' part is skipped when the optional
``bench`` extra is not installed; the plain-Python reference part always runs)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from typing import Any

import pytest

from render_items import bench_module
from yiyang_rules.engine import Engine

COUNT = 300

peers = bench_module("peers")


@pytest.fixture(scope="module")
def judged() -> list[tuple[dict[str, str], dict[str, Any]]]:
    """(our statuses, the peers' facts) of COUNT snapshots of bench/run.py's generator, seed 0."""
    run = peers.bench_run()
    decoded = peers.decode(Engine.load(), [run.make_snapshot(0, i) for i in range(COUNT)])
    return [(peers.our_verdicts(d), peers.extract(d)) for d in decoded]


def _disagreements(judged: list[tuple[dict[str, str], dict[str, Any]]], verdicts: Any) -> list[str]:
    """Every (snapshot, rule) where the peer's verdict is not ours: compliant and non_compliant must
    match, and the peer must not decide where ours is insufficient_data or not_applicable."""
    wrong = []
    for n, (ours, facts) in enumerate(judged):
        got = verdicts(facts)
        for rule_id in peers.RULES:
            want = peers._folded(ours[rule_id])
            if got[rule_id] != want:
                wrong.append(f"snapshot {n} {rule_id}: ours {ours[rule_id]}, peer {got[rule_id]}")
    return wrong


def test_the_sample_has_both_verdicts_for_every_rule(judged: list[tuple[dict[str, str], dict[str, Any]]]) -> None:
    # the agreement below means something only if each rule is both met and failed in the sample
    seen = Counter((rule_id, ours[rule_id]) for ours, _ in judged for rule_id in peers.RULES)
    for rule_id in peers.RULES:
        assert seen[(rule_id, "compliant")] > 0, rule_id
        assert seen[(rule_id, "non_compliant")] > 0, rule_id


def test_reference_over_the_extracted_facts_agrees_with_ours(
    judged: list[tuple[dict[str, str], dict[str, Any]]],
) -> None:
    assert _disagreements(judged, peers.reference_verdicts) == []


def test_reference_sees_a_change_in_the_facts(judged: list[tuple[dict[str, str], dict[str, Any]]]) -> None:
    # the facts carry the judgement: without the records every periodic rule is undecided, and
    # a rate above the limit fails
    facts = next(f for o, f in judged if o["fire.inspection-monthly"] == "compliant")
    changed = {**facts, "acts": None, "ulcers": {"num": 3, "den": 40}}
    verdicts = peers.reference_verdicts(changed)
    assert all(verdicts[r] == peers.OTHER for r in peers.PERIODIC_RULES)
    assert verdicts[peers.RATE_RULE] == peers.NON_COMPLIANT
    emptied = {**facts, "acts": []}
    assert peers.reference_verdicts(emptied)["fire.inspection-monthly"] == peers.NON_COMPLIANT


@pytest.mark.skipif(importlib.util.find_spec("regopy") is None, reason="regopy not installed (the bench extra)")
def test_rego_agrees_with_ours(judged: list[tuple[dict[str, str], dict[str, Any]]]) -> None:
    assert _disagreements(judged, peers.RegoPeer().verdicts) == []


@pytest.mark.skipif(importlib.util.find_spec("durable") is None, reason="durable-rules not installed (the bench extra)")
def test_durable_rules_agrees_with_ours(judged: list[tuple[dict[str, str], dict[str, Any]]]) -> None:
    peer = peers.DurablePeer(peers.rate_lim_den(judged[0][1]))
    assert _disagreements(judged, peer.verdicts) == []
