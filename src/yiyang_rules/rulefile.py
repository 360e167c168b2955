"""The rule file format: one YAML file per rule, ``rules/<layer>/<id>.yaml``, file stem = id.

Four shapes, each with only its own fields, told apart by ``overlay.operation``: a file with no
``overlay`` key is a :class:`Rule` of its own layer; in a layer above another (a province over
national, a city over its province), a file whose stem is an id of a layer below declares
``overlay`` — :class:`Restate`, :class:`Tighten` or :class:`Retire` — and the version of the rule
below it was written against.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import date, timedelta
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, model_validator

from .checks import AnyCheck
from .checks.base import Status
from .conditions import Condition
from .levels import Level, OverlayOperation

RULE_ID = r"^[a-z][a-z0-9]*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$"
SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\+[0-9A-Za-z.-]+)?$"


class _RuleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


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


class Overlay(_RuleModel):
    operation: OverlayOperation
    base_version: str = Field(pattern=SEMVER, description="the base rule's version this was written against")
    note: str | None = None


def _versions_rise(versions: list[RuleVersion]) -> list[RuleVersion]:
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


Versions = Annotated[list[RuleVersion], Field(min_length=1), AfterValidator(_versions_rise)]


class _Shape(_RuleModel):
    id: str = Field(pattern=RULE_ID, description="stable id, equal to the file stem")
    citations: list[Citation] = Field(min_length=1)
    examples: list[Example] = Field(default_factory=list)
    notes: str | None = None


class Rule(_Shape):
    """A rule of its own layer (no ``overlay`` key): everything a finding needs."""

    title: Localized
    level: Level
    applies_to: Condition
    versions: Versions


class _RestateOverlay(Overlay):
    operation: Literal[OverlayOperation.RESTATE]


class _TightenOverlay(Overlay):
    operation: Literal[OverlayOperation.TIGHTEN]


class _RetireOverlay(Overlay):
    operation: Literal[OverlayOperation.RETIRE]


class Restate(_Shape):
    """The layer's own text says the same: the rule is unchanged, the layer's citations are added."""

    overlay: _RestateOverlay
    title: Localized | None = None


class Tighten(_Shape):
    """The layer asks more: its versions judge from their first day on; earlier days keep the base's."""

    overlay: _TightenOverlay
    title: Localized | None = None
    level: Level | None = None
    applies_to: Condition | None = None
    versions: Versions


class Retire(_Shape):
    """The rule does not bind in this layer (the layer's text replaces or repeals it)."""

    overlay: _RetireOverlay
    title: Localized | None = None


_SHAPES = {"restate": "restate", "tighten": "tighten", "retire": "retire"}


def _shape_of(data: Any) -> str | None:
    """``rule`` without an ``overlay`` key; else the overlay's operation (None: not a known one)."""
    if isinstance(data, dict):
        if data.get("overlay") is None:
            return "rule"
        overlay = data["overlay"]
        operation = overlay.get("operation") if isinstance(overlay, dict) else None
        return _SHAPES.get(operation) if isinstance(operation, str) else None
    overlay = getattr(data, "overlay", None)
    return "rule" if overlay is None else str(overlay.operation.value)


RuleFile = Annotated[
    Annotated[Rule, Tag("rule")]
    | Annotated[Restate, Tag("restate")]
    | Annotated[Tighten, Tag("tighten")]
    | Annotated[Retire, Tag("retire")],
    Discriminator(
        _shape_of,
        custom_error_type="overlay_operation",
        custom_error_message="must be restate, tighten or retire (a file without overlay is a rule of its own layer)",
    ),
]
"""One rule file: a rule, or an overlay (restate, tighten, retire) of a rule of a layer below."""

# Built when first used (reading rule files), not on import: a check whose catalogs come from the
# cache never validates a rule file.
RULE_FILE: TypeAdapter[Rule | Restate | Tighten | Retire] = TypeAdapter(RuleFile, config=ConfigDict(defer_build=True))
AnyRuleFile = Rule | Restate | Tighten | Retire
Overlays = Restate | Tighten | Retire


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


LAYER_NAME = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"


class PackFile(_RuleModel):
    """``rules/<layer>/pack.yaml``: where a layer sits. Optional: without it a layer's parent is
    ``national`` and it is chosen for institutions of the province its folder is named after."""

    parent: str = Field(
        default="national",
        pattern=LAYER_NAME,
        description="the layer this one overlays: national, a province (beijing) or another layer of the pack",
    )
    region_code: str | None = Field(
        default=None,
        pattern=r"^\d{6}$",
        description="GB/T 2260 code of the area this layer binds (e.g. 130100 for a city): institutions whose "
        "region_code lies in it are judged by this layer; trailing 00 pairs mean the whole area",
    )
    title: Localized | None = Field(default=None, description="the layer's name, for docs and listings")


class ExtraArticle(_RuleModel):
    label: str = Field(min_length=1, description="the article label rules cite, e.g. 附件")
    marker: str = Field(min_length=1, description="the text at which that part begins")


class SourceDocument(_RuleModel):
    """One entry of a ``registry.yaml``: a document the rules cite, and its pinned text."""

    number: str = Field(min_length=1, description="the document number as the document writes it")
    file: str = Field(min_length=1, description="the text file, in the registry's folder")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the text file's UTF-8 text")
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    layer: str = Field(pattern=LAYER_NAME, description="the layer whose rules it binds")
    date: dt.date | None = Field(description="the date the document states; null when it states none")
    date_note: str = ""
    in_force_no_later_than: dt.date | None = Field(
        default=None, description="when the text states no date: the earliest day it is known to be in force"
    )
    extra_articles: list[ExtraArticle] = Field(default_factory=list)


class SourceRegistry(_RuleModel):
    """``registry.yaml``: the bundled one (national and the bundled provinces), or a layer's own in
    ``rules/<layer>/sources/``."""

    documents: list[SourceDocument] = Field(min_length=1)
