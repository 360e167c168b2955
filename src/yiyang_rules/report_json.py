"""Report JSON assembled from strings: the bytes of ``Report.model_dump_json()`` without building
the report's pydantic models.

A finding's constant parts (rule id, level, title, citations, layers, overlay) are rendered once
per compiled catalog; a report is then those fragments joined with each finding's status, message
and evidence, rendered by msgspec's JSON encoder in one call per finding (an outcome shared
between snapshots carries its rendering, made once). For what a report holds (strings, integers,
booleans, null, lists and objects of them: no check puts a float in its evidence) msgspec writes
the bytes pydantic-core's serializer (the one ``model_dump_json`` uses) does, non-ASCII text and
escapes included. The equality is not assumed: tests/test_oracle.py compares both paths byte for
byte on generated snapshots, and tests/test_report_json_encoder.py the two encoders on every
character and the value types a report has. A value msgspec cannot encode at all (none that a
check makes today) is written by pydantic-core itself, imported only then, so the bytes are
pydantic's whatever a report holds, and the usual report imports no pydantic.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import msgspec

from ._version import __version__
from .checked_catalog import CheckedCatalog, CheckedRule
from .checks.base import Outcome, Status
from .levels import Level

if TYPE_CHECKING:
    from .catalog import Catalog, CompiledRule
    from .facts import Facts
    from .sourceref import SourceRef


_ENCODER = msgspec.json.Encoder()
_encode = _ENCODER.encode


def _text(value: object) -> str:
    try:
        return _encode(value).decode()
    except (TypeError, msgspec.EncodeError):
        # A type msgspec does not know: pydantic-core's serializer, the one model_dump_json uses.
        from pydantic_core import to_json  # noqa: PLC0415 - no value of today's checks comes here

        return to_json(value).decode()


_MESSAGE_KEY = len('{"message":')


def rendered_body(outcome: Outcome) -> str:
    """An outcome's message and evidence as they follow ``"message":`` in a finding:
    ``{"zh":…,"en":…},"evidence":{…}``. One encoder call: the object ``{"message":…,"evidence":…}``
    without its opening key and closing brace."""
    if outcome.rendered is not None:
        return outcome.rendered
    message = outcome.message
    return _text({"message": {"zh": message.zh, "en": message.en}, "evidence": outcome.evidence})[_MESSAGE_KEY:-1]


_STATUS = {s: ',"status":' + _text(s.value) for s in Status}


@dataclass(frozen=True)
class RuleJson:
    """One compiled rule's constant fragments, in the field order of ``Finding``."""

    head: str  # {"rule_id":…,"rule_version":
    level_title: str  # ,"level":…,"title":{…},"message":
    tail: str  # ,"citations":[…],"layers":[…],"overlay":…,"exemption":null}
    # A rule with one version: everything before the message, by status (the version is the same
    # whatever the day). None for a rule with several.
    openings: dict[Status, str] | None = None

    @classmethod
    def of(cls, rule: CompiledRule) -> RuleJson:
        # The fields of the report's CitationOut and Text, in their order, from the rule's own.
        citations = ",".join(
            _text({"document": c.document, "article": c.article, "quote": c.quote}) for c in rule.citations
        )
        overlay = rule.operation.value if rule.operation is not None else None
        head = '{"rule_id":' + _text(rule.id) + ',"rule_version":'
        # plain dicts in the models' field order: a model's own model_dump_json would build its
        # validator, and with it pydantic's scan of installed distributions for plugins, at start-up
        title = _text({"zh": rule.title.zh, "en": rule.title.en})
        level_title = ',"level":' + _text(rule.level.value) + ',"title":' + title + ',"message":'
        versions = rule.schedule.versions
        openings = (
            {s: head + _text(versions[0].version) + _STATUS[s] + level_title for s in Status}
            if len(versions) == 1
            else None
        )
        return cls(
            head=head,
            level_title=level_title,
            openings=openings,
            tail=',"citations":['
            + citations
            + '],"layers":'
            + _text(list(rule.layers))
            + ',"overlay":'
            + _text(overlay)
            + ',"exemption":null}',
        )


@dataclass(frozen=True)
class CatalogJson:
    """The fragments of every rule of one catalog, and the report's constant opening."""

    rules: tuple[RuleJson, ...]
    opening: str  # {"report_version":"1","engine":{…},"jurisdiction":[…],"as_of":

    @classmethod
    def of(cls, catalog: Catalog) -> CatalogJson:
        engine = _text({"name": "yiyang-rules", "version": __version__})
        return cls(
            tuple(RuleJson.of(rule) for rule in catalog.rules),
            '{"report_version":"1","engine":' + engine + ',"jurisdiction":' + _text(list(catalog.layers)) + ',"as_of":',
        )


_CACHE: dict[int, tuple[weakref.ref[Catalog], CatalogJson]] = {}


def fragments(catalog: Catalog | CheckedCatalog) -> CatalogJson:
    """The catalog's fragments: a checked catalog's own; a full catalog's, rendered the first time
    they are asked for (catalogs are immutable; the entry goes when the catalog does)."""
    if isinstance(catalog, CheckedCatalog):
        return catalog.json
    key = id(catalog)
    entry = _CACHE.get(key)
    if entry is not None and entry[0]() is catalog:
        return entry[1]
    built = CatalogJson.of(catalog)
    _CACHE[key] = (weakref.ref(catalog, lambda _ref, key=key: _CACHE.pop(key, None)), built)  # type: ignore[misc]
    return built


@dataclass(frozen=True)
class AssembledReport:
    """A report as JSON text, with what a caller needs without reading it back: whose report it
    is and which (level, status) pairs its findings have (for exit codes)."""

    text: str
    institution: str
    verdicts: frozenset[tuple[Level, Status]]


def _opening(rule: CompiledRule | CheckedRule, frag: RuleJson, status: Status, as_of: date) -> str:
    """Everything before the message, for a rule with several versions: the one in force on as_of."""
    version = rule.schedule.at(as_of) or rule.schedule.versions[-1]
    return frag.head + _text(version.version) + _STATUS[status] + frag.level_title


def assemble_json(
    catalog: Catalog | CheckedCatalog,
    snapshot: Facts,
    as_of: date,
    outcomes: Sequence[tuple[CompiledRule | CheckedRule, Outcome]],
    source: SourceRef | None = None,
) -> str:
    """The report of ``outcomes`` (one per rule of ``catalog``, in order) as JSON text, equal to
    ``report.model_dump_json()`` of the report the model path builds (with ``source`` set)."""
    return assemble(catalog, snapshot, as_of, outcomes, source).text


def assemble(
    catalog: Catalog | CheckedCatalog,
    snapshot: Facts,
    as_of: date,
    outcomes: Sequence[tuple[CompiledRule | CheckedRule, Outcome]],
    source: SourceRef | None = None,
) -> AssembledReport:
    """:func:`assemble_json`, with the institution and the verdicts."""
    parts = fragments(catalog)
    statuses: list[Status] = []
    # One list of pieces, joined once: no intermediate string per finding.
    pieces: list[str] = [""]  # the report's opening goes first, once the counts are known
    add_status = statuses.append
    add = pieces.append
    for (rule, result), frag in zip(outcomes, parts.rules, strict=True):
        status = result.status
        add_status(status)
        openings = frag.openings
        add(openings[status] if openings is not None else _opening(rule, frag, status, as_of))
        body = result.rendered
        add(body if body is not None else rendered_body(result))
        add(frag.tail)
        add(",")
    if statuses:
        pieces.pop()  # the comma after the last finding
    counts = {status: statuses.count(status) for status in Status}
    verdicts = frozenset(zip([rule.level for rule, _ in outcomes], statuses, strict=True))
    institution = snapshot.institution
    period = snapshot.period
    pieces[0] = (
        parts.opening
        + _text(as_of.isoformat())
        + ',"period":{"start":'
        + _text(period.start.isoformat())
        + ',"end":'
        + _text(period.end.isoformat())
        + '},"institution":{"id":'
        + _text(institution.id)
        + ',"name":'
        + _text(institution.name)
        + '},"summary":{"compliant":'
        + str(counts[Status.COMPLIANT])
        + ',"non_compliant":'
        + str(counts[Status.NON_COMPLIANT])
        + ',"insufficient_data":'
        + str(counts[Status.INSUFFICIENT_DATA])
        + ',"not_applicable":'
        + str(counts[Status.NOT_APPLICABLE])
        + '},"findings":['
    )
    add(
        '],"source":'
        + (_text({"file": source.file, "line": source.line}) if source is not None else "null")
        + ',"exemptions":null}'
    )
    return AssembledReport("".join(pieces), institution.id, verdicts)
