"""What a field of a plain dataclass must satisfy, declared without importing pydantic.

The check kinds' parameters and the applicability conditions are stdlib dataclasses: the engine
reads them on every snapshot, and importing pydantic (with pydantic_core and annotated_types) to
evaluate costs start-up time the check path does not need. Rule files are still validated by
pydantic, from these same classes: a field says what it must be with the markers below inside
``Annotated[...]``, and pydantic calls their hooks when it builds a schema (reading a rule file,
generating the JSON Schemas and docs). The hooks import pydantic then, and only then: one declaration
per type, no second class that mirrors it (docs/decisions.md, "Plain parameter types").

A dataclass that pydantic validates gets its config from ``__pydantic_config__`` (a plain dict: the
``ConfigDict`` name would import pydantic); a field's alias from ``dataclasses.field(metadata=...)``,
which pydantic reads as it reads ``Field(alias=...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

# What a model's ``model_config = ConfigDict(extra="forbid", frozen=True)`` said: unknown keys are
# errors (frozen is the dataclass's own ``frozen=True``).
FORBID_EXTRA: dict[str, Any] = {"extra": "forbid"}


@dataclass(frozen=True, slots=True)
class Spec:
    """A field's meaning and bounds, as pydantic's ``Field`` takes them: ``description`` for the
    JSON Schema and docs, ``ge``/``le`` for numbers, ``min_length`` for lists and text, and for a
    union how its member is chosen (``discriminator``: by the value of that key; ``union_mode``)."""

    description: str | None = None
    ge: int | Decimal | None = None
    le: int | Decimal | None = None
    min_length: int | None = None
    discriminator: str | None = None
    union_mode: Literal["smart", "left_to_right"] | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic import Field  # noqa: PLC0415 - only validation and schema generation need it

        given = {name: getattr(self, name) for name in self.__slots__ if getattr(self, name) is not None}
        return handler(Annotated[source, Field(**given)])


@dataclass(frozen=True, slots=True)
class Checked:
    """A value that must also pass ``check`` (which returns it, or raises ValueError with the
    message a rule file's author reads): what a model's ``field_validator`` was, carried by the type."""

    check: Callable[[Any], Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic import AfterValidator  # noqa: PLC0415 - only validation needs it

        return handler(Annotated[source, AfterValidator(self.check)])


def to_json_data(value: Any) -> Any:
    """``value`` (a parameters or condition dataclass) as JSON data, as a model's
    ``model_dump(mode="json")`` gave it: for docs, diffs and rule views, never on the check path."""
    adapter = _ADAPTERS.get(type(value))
    if adapter is None:
        from pydantic import TypeAdapter  # noqa: PLC0415 - docs, diffs and views only

        adapter = _ADAPTERS[type(value)] = TypeAdapter(type(value))
    return adapter.dump_python(value, mode="json")


# One adapter per class: building one builds the class's whole schema.
_ADAPTERS: dict[type, Any] = {}
