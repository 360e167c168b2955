"""Errors that carry where they happened: the file, the field path and (for YAML) the line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def format_loc(loc: Sequence[str | int]) -> str:
    """``('activities', 3, 'kind')`` → ``activities[3].kind``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text


@dataclass(frozen=True)
class Problem:
    """One problem in one file, with the line when known."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class YiyangError(Exception):
    """Base of the errors the command line turns into exit code 2."""


class InputError(YiyangError):
    """A snapshot (or a command argument) is wrong. ``problems`` lists every field at fault."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


class RuleCatalogError(YiyangError):
    """The rule files cannot be loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class JurisdictionError(YiyangError):
    pass
