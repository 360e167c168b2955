"""The units a finding is about: the one function that names them, used by exemptions and compare.

A finding is one per rule, but a violation is about something smaller: a period that fell short
(``2026-04``), a resident lacking an assessment, an agreement reported late, a hazard past its
deadline. The check kinds name those in their evidence under fixed keys; this module reads them.
A finding whose evidence names no unit is about the institution as a whole (the unit ``None``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .checks.base import Status

# Evidence keys that list the units a non-compliant finding is about, in the order they are read:
# short periods (period_count), residents or agreements lacking a requirement (record_coverage),
# agreements reported late or not at all (deadline_after_event), hazards in violation (hazard_ledger).
UNIT_EVIDENCE_KEYS: tuple[str, ...] = ("short_periods", "lacking", "late", "violations")

Unit = str | None


def finding_units(status: Status | str, evidence: Mapping[str, Any]) -> tuple[Unit, ...]:
    """The units of a finding that needs attention (``non_compliant`` or ``insufficient_data``).

    - ``non_compliant``: every unit its evidence names under :data:`UNIT_EVIDENCE_KEYS`, in order and
      without repeats; ``(None,)`` when it names none (the finding as a whole is the violation).
    - ``insufficient_data``: ``(None,)``: what is missing is about the finding as a whole.
    - ``compliant`` and ``not_applicable``: ``()``: nothing to act on.
    """
    if status == Status.INSUFFICIENT_DATA:
        return (None,)
    if status != Status.NON_COMPLIANT:
        return ()
    units: list[Unit] = []
    for key in UNIT_EVIDENCE_KEYS:
        value = evidence.get(key)
        if isinstance(value, list):
            units.extend(str(item) for item in value if str(item) not in units)
    return tuple(units) if units else (None,)
