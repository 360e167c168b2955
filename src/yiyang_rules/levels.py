"""The rule file's two enumerations that reports and the engine carry: a rule's level and an
overlay's operation. Apart from :mod:`.rulefile` (the pydantic models of a rule file) so that
checking a snapshot and writing its report JSON need no pydantic: a compiled rule keeps these,
never the models it was read from."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    MANDATORY = "mandatory"
    RECOMMENDED = "recommended"


class OverlayOperation(StrEnum):
    RESTATE = "restate"
    TIGHTEN = "tighten"
    RETIRE = "retire"
