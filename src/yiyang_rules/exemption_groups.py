"""What a batch asks of its exemptions on every run, with or without any: the default longest
term, the exemptions grouped by institution, those that matched no report, whether a finding is
exempted. Apart from :mod:`.exemptions` (the file's pydantic model, applying exemptions to a
report) so that a run without exemptions (``yiyang check --format json``) imports no pydantic."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .exemptions import Exemption
    from .report import Finding

# The longest an exemption may run, in calendar months from ``granted`` (a 整改期 longer than a year
# is a policy decision, not a waiver): configurable per call and on the command line.
DEFAULT_MAX_MONTHS = 12


def by_institution(exemptions: Iterable[Exemption]) -> dict[str, tuple[Exemption, ...]]:
    """Exemptions grouped by institution id, in file order: a batch looks each report's up once."""
    grouped: dict[str, list[Exemption]] = {}
    for exemption in exemptions:
        grouped.setdefault(exemption.entry.institution, []).append(exemption)
    return {key: tuple(value) for key, value in grouped.items()}


def unused_institutions(exemptions: Iterable[Exemption], institution_ids: Collection[str]) -> list[Exemption]:
    """Exemptions naming an institution none of a batch's reports is about: they match nothing."""
    return [x for x in exemptions if x.entry.institution not in institution_ids]


def is_exempted(finding: Finding) -> bool:
    """Every unit the finding is about is covered by an exemption in force."""
    return finding.exemption is not None and finding.exemption.state == "exempted"
