"""The rule file format: one YAML file per rule, ``rules/<layer>/<id>.yaml``, file stem = id.

A file with no ``overlay`` key is a rule of its own layer. In a province folder, a file whose
stem is a national id must declare ``overlay`` (restate, tighten or retire) and the national
version it was written against.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .checks import AnyCheck
from .checks.base import Status
from .conditions import Condition

RULE_ID = r"^[a-z][a-z0-9]*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$"
SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\+[0-9A-Za-z.-]+)?$"


class _RuleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Level(StrEnum):
    MANDATORY = "mandatory"
    RECOMMENDED = "recommended"


class Localized(_RuleModel):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Citation(_RuleModel):
    document: str = Field(min_length=1, description="the document number as the document writes it")
    article: str = Field(min_length=1, description="e.g. 七（二十四）; a section alone (六) or 前言, 附件")
    quote: str = Field(min_length=2, description="verbatim from the source (NFKC and whitespace-insensitive)")


class InForce(_RuleModel):
    from_: date = Field(alias="from", description="first day in force")
    until: date | None = Field(default=None, description="last day in force (a repeal), if any")
    basis: str = Field(min_length=1, description="what the text says about the date, or why this date is used")

    @model_validator(mode="after")
    def _ordered(self) -> InForce:
        if self.until is not None and self.until < self.from_:
            raise ValueError(f"in_force.until {self.until} is before in_force.from {self.from_}")
        return self


class RuleVersion(_RuleModel):
    version: str = Field(pattern=SEMVER, description="semver; a changed obligation is a new version")
    in_force: InForce
    check: AnyCheck
    changes: str | None = Field(default=None, description="what changed against the previous version")


class Example(_RuleModel):
    name: str = Field(min_length=1)
    expect: Status
    as_of: date | None = None
    snapshot: dict[str, Any] = Field(
        default_factory=dict,
        description="merged onto the base example snapshot: maps merge, lists replace, null removes",
    )


class OverlayOperation(StrEnum):
    RESTATE = "restate"
    TIGHTEN = "tighten"
    RETIRE = "retire"


class Overlay(_RuleModel):
    operation: OverlayOperation
    base_version: str = Field(pattern=SEMVER, description="the base rule's version this was written against")
    note: str | None = None


class RuleFile(_RuleModel):
    id: str = Field(pattern=RULE_ID, description="stable id, equal to the file stem")
    title: Localized | None = None
    level: Level | None = None
    applies_to: Condition | None = None
    overlay: Overlay | None = None
    citations: list[Citation] = Field(min_length=1)
    versions: list[RuleVersion] | None = None
    examples: list[Example] = Field(default_factory=list)
    notes: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> RuleFile:
        if self.overlay is None:
            absent = [k for k in ("title", "level", "applies_to", "versions") if getattr(self, k) is None]
            if absent:
                raise ValueError(f"a rule needs {', '.join(absent)}")
        elif self.overlay.operation is OverlayOperation.TIGHTEN:
            if not self.versions:
                raise ValueError("a tighten overlay gives the stricter check under versions")
        else:
            extra = [k for k in ("level", "applies_to", "versions") if getattr(self, k) is not None]
            if extra:
                op = self.overlay.operation.value
                raise ValueError(f"a {op} overlay leaves the rule unchanged: remove {', '.join(extra)}")
        return self

    @field_validator("versions")
    @classmethod
    def _versions_rise(cls, versions: list[RuleVersion] | None) -> list[RuleVersion] | None:
        if not versions:
            return versions
        kinds = {v.check.kind for v in versions}
        if len(kinds) > 1:
            raise ValueError(f"all versions of a rule use one check kind, found {sorted(kinds)}")
        for before, after in pairwise(versions):
            if semver_key(after.version) <= semver_key(before.version):
                raise ValueError(f"versions must rise: {after.version} follows {before.version}")
            if after.in_force.from_ <= before.in_force.from_:
                raise ValueError(
                    f"in_force.from must rise: {after.version} starts {after.in_force.from_}, "
                    f"not after {before.version} ({before.in_force.from_})"
                )
            if before.in_force.until is not None and before.in_force.until >= after.in_force.from_:
                raise ValueError(f"{before.version} is still in force when {after.version} starts")
        return versions


def semver_key(version: str) -> tuple[int, int, int]:
    match = re.match(SEMVER, version)
    if match is None:
        raise ValueError(f"not a semantic version: {version}")
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def major(version: str) -> int:
    return semver_key(version)[0]


def version_spans(versions: list[RuleVersion]) -> list[tuple[RuleVersion, date, date | None]]:
    """Each version with its first and last day; an open version ends the day before the next."""
    spans: list[tuple[RuleVersion, date, date | None]] = []
    for index, version in enumerate(versions):
        until = version.in_force.until
        if until is None and index + 1 < len(versions):
            until = versions[index + 1].in_force.from_ - timedelta(days=1)
        spans.append((version, version.in_force.from_, until))
    return spans
