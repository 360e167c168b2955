"""The workbook's shape, derived from the snapshot model and the vocabulary.

Nothing here lists the snapshot's fields by hand: every sheet, column and row comes from walking
:class:`~yiyang_rules.snapshot.Snapshot`'s pydantic fields. Where a field is filled in and what it
is called come from ``SHEET_LABELS`` and ``FIELD_LABELS`` in :mod:`yiyang_rules.vocabulary` (the
findings' messages read the same tables); drop-down lists come from the vocabulary's label tables,
found by the enum they are keyed by. A field added to the model therefore appears in the template,
the reader and the exporter without a change here (its header is its field name until it is given
a label).

Top-level fields become:

- a list of records (``activities``…): a sheet with one row per record and one column per field;
  a nested model is flattened into columns (``plan.deadline``); a list of records inside a record
  (a resident's ``assessments``) gets its own sheet, rows tied to their record by its ``id``;
- a map of boolean facts keyed by an enum (``policies``…): the questionnaire sheet, one row per fact;
- anything else (``period``, ``institution``, ``quality``…): a sheet of label / value rows.

An optional list or model that may be empty gets a presence cell (有/无): blank means "as the
rows say" (rows → given, none → unknown), 无 means "none" (an empty list; no model), 有 means
"given" (for a model, even with nothing filled in).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from .. import vocabulary
from ..snapshot import Snapshot
from ..vocabulary import FIELD_LABELS, SHEET_LABELS, Label


class CellKind(StrEnum):
    TEXT = "text"
    ID = "id"  # text that people type as numbers or with full-width digits: normalised
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    ENUM = "enum"
    ENUM_LIST = "enum_list"
    JSON = "json"
    NUMBER = "number"
    ANY = "any"  # a value of a type the workbook has no cell for: its JSON text
    PRESENCE = "presence"


@dataclass(frozen=True)
class Column:
    """One field of a record as one cell: its path inside the record (``("plan", "deadline")``),
    the path of the field in the snapshot without indexes (``hazards.plan.deadline``)."""

    path: tuple[str, ...]
    generic: str
    kind: CellKind
    required: bool
    enum: type[StrEnum] | None = None
    of_list: bool = False  # a 有/无 cell of a list (not of a nested model)
    title: Label | None = None  # for columns that are not snapshot fields (the questionnaire's)

    @property
    def label(self) -> Label:
        if self.title is not None:
            return self.title
        found = FIELD_LABELS.get(self.generic)
        if found is not None:
            return found
        if self.kind is CellKind.PRESENCE and self.generic in SHEET_LABELS:
            return SHEET_LABELS[self.generic]
        return Label(self.generic, self.generic)

    @property
    def code(self) -> str:
        return ".".join(self.path)

    def header(self, lang: str) -> str:
        text = self.label.en if lang == "en" else self.label.zh
        if self.kind is CellKind.PRESENCE:
            text += " (yes/no)" if lang == "en" else "（有/无）"
        return text + ("*" if self.required else "")


@dataclass(frozen=True)
class ChildList:
    """A list of records inside a record: ``residents[].assessments``."""

    name: str  # the field in the parent record
    sheet: RecordSheet
    presence: Column


@dataclass(frozen=True)
class RecordSheet:
    """A list of records, one row each."""

    key: str  # the snapshot field path without indexes: ``activities``, ``residents.assessments``
    model: type[BaseModel]
    columns: tuple[Column, ...]
    children: tuple[ChildList, ...] = ()
    parent_key: Column | None = None  # for a child list: the parent's id column

    @property
    def label(self) -> Label:
        return SHEET_LABELS.get(self.key, Label(self.key, self.key))


@dataclass(frozen=True)
class FactSection:
    key: str  # ``policies``
    enum: type[StrEnum]
    labels: dict[Any, Label]


@dataclass(frozen=True)
class Layout:
    """Every sheet of the workbook, in order."""

    values_sheets: tuple[tuple[Label, tuple[Column, ...]], ...]  # label / value sheets (机构信息, 质量指标)
    record_sheets: tuple[RecordSheet, ...]
    fact_sheet: Label
    fact_sections: tuple[FactSection, ...]
    record_presence: dict[str, Column] = field(default_factory=dict)  # top-level list → its 有/无 row
    fact_presence: dict[str, Column] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)  # schema_version


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip ``Annotated`` and ``| None``: (the type, whether None is allowed)."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) != 1:
                return annotation, optional
            annotation = args[0]
        else:
            return annotation, optional


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, StrEnum)


def _may_be_empty(model: type[BaseModel]) -> bool:
    return all(not f.is_required() for f in model.model_fields.values())


def _scalar_kind(name: str, tp: Any) -> tuple[CellKind, type[StrEnum] | None]:
    if tp in (date, datetime):
        return CellKind.DATE, None
    if tp is bool:
        return CellKind.BOOL, None
    if tp is int:
        return CellKind.INT, None
    if tp is float:
        return CellKind.NUMBER, None
    if _is_enum(tp):
        return CellKind.ENUM, tp
    if tp is str:
        return (CellKind.ID if name in ("id", "region_code") else CellKind.TEXT), None
    origin = typing.get_origin(tp)
    if origin is list:
        inner, _ = _unwrap(typing.get_args(tp)[0])
        if _is_enum(inner):
            return CellKind.ENUM_LIST, inner
    if origin is dict:
        return CellKind.JSON, None
    # A type added to the model that no cell kind knows yet still round-trips, as JSON text.
    return CellKind.ANY, None


def _columns(
    model: type[BaseModel], prefix: str, path: tuple[str, ...], required: bool, only: set[str] | None = None
) -> list[Column | ChildList]:
    """The cells of ``model``'s fields, nested models flattened, child lists kept apart."""
    found: list[Column | ChildList] = []
    for name, info in model.model_fields.items():
        if only is not None and name not in only:
            continue
        tp, optional = _unwrap(info.annotation)
        generic = f"{prefix}.{name}" if prefix else name
        here = (*path, name)
        needed = required and info.is_required()
        if _is_model(tp):
            if optional and _may_be_empty(tp):
                found.append(Column(here, generic, CellKind.PRESENCE, False))
            found.extend(_columns(tp, generic, here, needed))
            continue
        if typing.get_origin(tp) is list:
            inner, _ = _unwrap(typing.get_args(tp)[0])
            if _is_model(inner):
                presence = Column(here, generic, CellKind.PRESENCE, False, of_list=True)
                found.append(ChildList(name, _record_sheet(generic, inner, child=True), presence))
                continue
        kind, enum = _scalar_kind(name, tp)
        found.append(Column(here, generic, kind, needed, enum))
    return found


def _record_sheet(key: str, model: type[BaseModel], child: bool = False) -> RecordSheet:
    parts = _columns(model, key, (), True)
    columns = tuple(p if isinstance(p, Column) else p.presence for p in parts)
    children = tuple(p for p in parts if isinstance(p, ChildList))
    parent_key = None
    if child:
        parent = key.rpartition(".")[0]
        parent_key = Column(("__parent__",), f"{parent}.id", CellKind.ID, True)
    return RecordSheet(key, model, columns, children, parent_key)


def enum_labels(enum: type[Enum]) -> dict[Any, Label]:
    """The vocabulary's label table for ``enum``: the dict in vocabulary.py keyed by its members
    (codes stand in for labels when there is none)."""
    return _enum_labels(enum)


@cache
def _enum_labels(enum: type[Enum]) -> dict[Any, Label]:
    for value in vars(vocabulary).values():
        if (
            isinstance(value, dict)
            and value
            and all(isinstance(k, enum) for k in value)
            and all(isinstance(v, Label) for v in value.values())
        ):
            return {member: value.get(member, Label(member.value, member.value)) for member in enum}
    return {member: Label(member.value, member.value) for member in enum}


@cache
def layout() -> Layout:
    values: dict[Label, list[Column]] = {}
    records: list[RecordSheet] = []
    facts: list[FactSection] = []
    record_presence: dict[str, Column] = {}
    fact_presence: dict[str, Column] = {}
    constants: dict[str, Any] = {}
    institution_sheet = SHEET_LABELS["institution"]
    fact_sheet: Label | None = None
    for name, info in Snapshot.model_fields.items():
        tp, _ = _unwrap(info.annotation)
        sheet = SHEET_LABELS.get(name, Label(name, name))
        origin = typing.get_origin(tp)
        if typing.get_origin(tp) is Literal:
            constants[name] = typing.get_args(tp)[0]
            continue
        if origin is list and _is_model(_unwrap(typing.get_args(tp)[0])[0]):
            records.append(_record_sheet(name, _unwrap(typing.get_args(tp)[0])[0]))
            record_presence[name] = Column((name,), name, CellKind.PRESENCE, False, of_list=True)
            continue
        if origin is dict and _is_enum(typing.get_args(tp)[0]):
            enum = typing.get_args(tp)[0]
            facts.append(FactSection(name, enum, enum_labels(enum)))
            fact_presence[name] = Column((name,), name, CellKind.PRESENCE, False, of_list=True)
            fact_sheet = fact_sheet or sheet
            continue
        for part in _top_level_columns():
            if isinstance(part, Column) and part.path[0] == name:
                values.setdefault(sheet, []).append(part)
    # The 有/无 rows of the lists and fact sections sit on the institution sheet, after its fields.
    institution_rows = values.setdefault(institution_sheet, [])
    institution_rows.extend(record_presence.values())
    institution_rows.extend(fact_presence.values())
    return Layout(
        values_sheets=tuple((label, tuple(cols)) for label, cols in values.items()),
        record_sheets=tuple(records),
        fact_sheet=fact_sheet or Label("facts", "facts"),
        fact_sections=tuple(facts),
        record_presence=record_presence,
        fact_presence=fact_presence,
        constants=constants,
    )


@cache
def _top_level_columns() -> tuple[Column, ...]:
    plain = {
        n
        for n, f in Snapshot.model_fields.items()
        if typing.get_origin(_unwrap(f.annotation)[0]) not in (list, Literal)
    }
    return tuple(p for p in _columns(Snapshot, "", (), True, plain) if isinstance(p, Column))


def all_record_sheets() -> list[RecordSheet]:
    """Record sheets with their child sheets right after their parent."""
    found: list[RecordSheet] = []
    for sheet in layout().record_sheets:
        found.append(sheet)
        found.extend(child.sheet for child in sheet.children)
    return found
