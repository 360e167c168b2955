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
    from .report import Report
    from .sourceref import SourceRef


_ENCODER = msgspec.json.Encoder()
_encode = _ENCODER.encode


def _json(value: object) -> bytes:
    """``value`` as JSON, UTF-8 bytes: what pydantic-core writes for it."""
    try:
        return _encode(value)
    except (TypeError, msgspec.EncodeError):
        # A type msgspec does not know: pydantic-core's serializer, the one model_dump_json uses.
        from pydantic_core import to_json  # noqa: PLC0415 - no value of today's checks comes here

        return to_json(value)


def _text(value: object) -> str:
    """:func:`_json` as text."""
    return _json(value).decode()


_MESSAGE_KEY = len(b'{"message":')


def rendered_body(outcome: Outcome) -> bytes:
    """An outcome's message and evidence as they follow ``"message":`` in a finding, UTF-8:
    ``{"zh":…,"en":…},"evidence":{…}``. One encoder call: the object ``{"message":…,"evidence":…}``
    without its opening key and closing brace."""
    if outcome.rendered is not None:
        return outcome.rendered
    message = outcome.message
    return _json({"message": {"zh": message.zh, "en": message.en}, "evidence": outcome.evidence})[_MESSAGE_KEY:-1]


_STATUS = {s: b',"status":' + _json(s.value) for s in Status}

# NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR, which end a line for some readers: a one-line report
# (the CLI's JSON Lines) writes them as escapes, as render.json_lines.one_line does to text.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _has_line_break(piece: bytes) -> bool:
    """Whether UTF-8 ``piece`` holds U+0085 (C2 85), U+2028 (E2 80 A8) or U+2029 (E2 80 A9). The
    lead bytes are looked for one at a time: a one-byte find is memchr, while ``in`` with the
    three-byte sequences is ten times slower on CJK text (its bytes are mostly those of the
    sequences' tails)."""
    find = piece.find
    at = find(b"\xc2")
    while at >= 0:
        if piece[at + 1 : at + 2] == b"\x85":
            return True
        at = find(b"\xc2", at + 1)
    at = find(b"\xe2")
    while at >= 0:
        if piece[at + 1 : at + 3] in (b"\x80\xa8", b"\x80\xa9"):
            return True
        at = find(b"\xe2", at + 1)
    return False


def one_line_piece(piece: bytes) -> bytes:
    """A UTF-8 piece of JSON with the line breaks above escaped (the piece itself when it has none).
    Pieces cut at character boundaries escape to what escaping their join gives."""
    return piece.decode().translate(_LINE_BREAKS).encode() if _has_line_break(piece) else piece


# Shared outcomes' bodies (the same bytes object in every report that has them) and their one-line
# form, worked out once. Bounded like the engine's memos, whose outcomes these are.
_ONE_LINE_BODIES: dict[bytes, bytes] = {}
_ONE_LINE_BODIES_LIMIT = 4096


def _one_line_body(body: bytes) -> bytes:
    done = _ONE_LINE_BODIES.get(body)
    if done is None:
        if len(_ONE_LINE_BODIES) >= _ONE_LINE_BODIES_LIMIT:
            _ONE_LINE_BODIES.clear()
        done = _ONE_LINE_BODIES[body] = one_line_piece(body)
    return done


_COMMA = b","


@dataclass(frozen=True)
class RuleJson:
    """One compiled rule's constant fragments, UTF-8, in the field order of ``Finding``."""

    head: bytes  # {"rule_id":…,"rule_version":
    level_title: bytes  # ,"level":…,"title":{…},"message":
    tail: bytes  # ,"citations":[…],"layers":[…],"overlay":…,"exemption":null}
    # A rule with one version: everything before the message, by status (the version is the same
    # whatever the day). None for a rule with several.
    openings: dict[Status, bytes] | None = None
    # ``tail`` and the comma that separates it from the next finding: every finding but the last
    # ends so, one piece fewer to join.
    tail_comma: bytes = b""

    @classmethod
    def of(cls, rule: CompiledRule) -> RuleJson:
        # The fields of the report's CitationOut and Text, in their order, from the rule's own.
        citations = b",".join(
            _json({"document": c.document, "article": c.article, "quote": c.quote}) for c in rule.citations
        )
        overlay = rule.operation.value if rule.operation is not None else None
        head = b'{"rule_id":' + _json(rule.id) + b',"rule_version":'
        # plain dicts in the models' field order: a model's own model_dump_json would build its
        # validator, and with it pydantic's scan of installed distributions for plugins, at start-up
        title = _json({"zh": rule.title.zh, "en": rule.title.en})
        level_title = b',"level":' + _json(rule.level.value) + b',"title":' + title + b',"message":'
        versions = rule.schedule.versions
        openings = (
            {s: head + _json(versions[0].version) + _STATUS[s] + level_title for s in Status}
            if len(versions) == 1
            else None
        )
        tail = (
            b',"citations":['
            + citations
            + b'],"layers":'
            + _json(list(rule.layers))
            + b',"overlay":'
            + _json(overlay)
            + b',"exemption":null}'
        )
        return cls(head=head, level_title=level_title, openings=openings, tail=tail, tail_comma=tail + _COMMA)


@dataclass(frozen=True)
class CatalogJson:
    """The fragments of every rule of one catalog, and the report's constant opening."""

    rules: tuple[RuleJson, ...]
    opening: bytes  # {"report_version":"1","engine":{…},"jurisdiction":[…],"as_of":
    # Whether any constant fragment holds a character that one_line escapes (a rule's text could).
    line_breaks: bool
    levels: tuple[Level, ...]  # each rule's, in order: a finding's level, for the verdicts

    @classmethod
    def of(cls, catalog: Catalog) -> CatalogJson:
        engine = _json({"name": "yiyang-rules", "version": __version__})
        rules = tuple(RuleJson.of(rule) for rule in catalog.rules)
        opening = b'{"report_version":"1","engine":' + engine + b',"jurisdiction":' + _json(list(catalog.layers))
        opening += b',"as_of":'
        constants = [opening] + [piece for r in rules for piece in (r.head, r.level_title, r.tail_comma)]
        constants += _STATUS.values()
        constants += [version.version.encode() for rule in catalog.rules for version in rule.schedule.versions]
        return cls(
            rules,
            opening,
            any(_has_line_break(piece) for piece in constants),
            tuple(rule.level for rule in catalog.rules),
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
    """A report as JSON (UTF-8 bytes), with what a caller needs without reading it back: whose
    report it is and which (level, status) pairs its findings have (for exit codes)."""

    data: bytes
    institution: str
    verdicts: frozenset[tuple[Level, Status]]

    @property
    def text(self) -> str:
        """The report as JSON text."""
        return self.data.decode()

    def report(self) -> Report:
        """The public :class:`~yiyang_rules.report.Report` model, built from the bytes when a caller
        asks for it (the only step here that imports pydantic). ``end`` and ``one_line`` do not
        matter: a line's newline and its escapes read back as the same report."""
        from .report import Report  # noqa: PLC0415 - the model only for a caller who wants it

        return Report.model_validate_json(self.data)


def _opening(rule: CompiledRule | CheckedRule, frag: RuleJson, status: Status, as_of: date) -> bytes:
    """Everything before the message, for a rule with several versions: the one in force on as_of."""
    version = rule.schedule.at(as_of) or rule.schedule.versions[-1]
    return frag.head + _json(version.version) + _STATUS[status] + frag.level_title


_COMPLIANT, _NON_COMPLIANT, _INSUFFICIENT, _NOT_APPLICABLE = (
    Status.COMPLIANT,
    Status.NON_COMPLIANT,
    Status.INSUFFICIENT_DATA,
    Status.NOT_APPLICABLE,
)


def assemble(
    catalog: Catalog | CheckedCatalog,
    snapshot: Facts,
    as_of: date,
    outcomes: Sequence[tuple[CompiledRule | CheckedRule, Outcome]],
    source: SourceRef | None = None,
    end: bytes = b"",
    one_line: bool = False,
) -> AssembledReport:
    """The report of ``outcomes`` (one per rule of ``catalog``, in order) as JSON in UTF-8 bytes,
    equal to ``report.model_dump_json()`` of the report the model path builds (with ``source``
    set), followed by ``end`` (a line's newline, written with the report rather than copied onto
    it); with the institution and the verdicts. ``one_line``:
    with U+0085, U+2028 and U+2029 escaped, as render.json_lines.one_line escapes the text (what
    the CLI's JSON Lines write), found piece by piece without a pass over the whole report."""
    parts = fragments(catalog)
    if one_line and parts.line_breaks:  # never with today's rules: the whole report, as text
        whole = assemble(catalog, snapshot, as_of, outcomes, source)
        data = whole.text.translate(_LINE_BREAKS).encode() + end
        return AssembledReport(data, whole.institution, whole.verdicts)
    statuses: list[Status] = []
    # One list of UTF-8 pieces, joined once: no intermediate string per finding, and no text to
    # encode afterwards.
    pieces: list[bytes] = [b""]  # the report's opening goes first, once the counts are known
    add_status = statuses.append
    add = pieces.append
    one_line_of_shared = _ONE_LINE_BODIES.get  # looked up here: most bodies are shared and known
    for (rule, result), frag in zip(outcomes, parts.rules, strict=True):
        status = result.status
        add_status(status)
        openings = frag.openings
        add(openings[status] if openings is not None else _opening(rule, frag, status, as_of))
        body = result.rendered
        if body is None:
            body = rendered_body(result)
            if one_line:
                body = one_line_piece(body)
        elif one_line:
            known = one_line_of_shared(body)
            body = known if known is not None else _one_line_body(body)
        add(body)
        add(frag.tail_comma)
    if statuses:
        pieces[-1] = parts.rules[-1].tail  # no comma after the last finding
    verdicts = frozenset(zip(parts.levels, statuses, strict=True))
    institution = snapshot.institution
    period = snapshot.period
    count = statuses.count
    pieces[0] = (
        parts.opening
        + _json(as_of.isoformat())
        + b',"period":{"start":'
        + _json(period.start.isoformat())
        + b',"end":'
        + _json(period.end.isoformat())
        + b'},"institution":{"id":'
        + _json(institution.id)
        + b',"name":'
        + _json(institution.name)
        + b'},"summary":{"compliant":'
        + b'%d,"non_compliant":%d,"insufficient_data":%d,"not_applicable":%d'
        % (count(_COMPLIANT), count(_NON_COMPLIANT), count(_INSUFFICIENT), count(_NOT_APPLICABLE))
        + b'},"findings":['
    )
    closing = (
        b'],"source":'
        + (_json({"file": source.file, "line": source.line}) if source is not None else b"null")
        + b',"exemptions":null}'
    )
    if one_line:  # the input's names and the file's: any character may be there
        pieces[0] = one_line_piece(pieces[0])
        closing = one_line_piece(closing)
    add(closing + end)
    return AssembledReport(b"".join(pieces), institution.id, verdicts)
