"""Every rule's pass/fail examples, one pytest item each: ``pytest -k fire.inspection-monthly``."""

from __future__ import annotations

import pytest

from yiyang_rules.catalog import load_rules
from yiyang_rules.validation import ExampleCase, example_cases

CASES = list(example_cases(load_rules()))


def test_examples_were_collected() -> None:
    assert len(CASES) >= 26  # the 13 core rules alone carry at least two examples each


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_rule_example(case: ExampleCase) -> None:
    status, message = case.run()
    assert status is case.example.expect, f"{case.source.path}: {case.example.name}: {message}"
