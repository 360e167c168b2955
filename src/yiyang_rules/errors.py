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


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with one input: where (a field path such as ``activities[3].kind``, a cell such
    as ``活动记录!B14``, or empty for the input as a whole) and what, in Chinese and English.

    ``str()`` gives ``where: English message``, the form the command line prints."""

    path: str
    en: str
    zh: str = ""

    def __post_init__(self) -> None:
        if not self.zh:
            object.__setattr__(self, "zh", self.en)

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def as_dict(self) -> dict[str, object]:
        """The machine form used by JSON error records (CLI JSON Lines, HTTP 422 bodies)."""
        return {"path": self.path, "message": {"zh": self.zh, "en": self.en}}

    def __str__(self) -> str:
        return f"{self.path}: {self.en}" if self.path else self.en


class InputError(YiyangError):
    """A snapshot (or a command argument) is wrong. ``problems`` lists every field at fault.

    A plain string problem is kept as an :class:`InputProblem` without a path."""

    def __init__(self, source: str, problems: Sequence[str | InputProblem]) -> None:
        self.source = source
        self.problems: tuple[InputProblem, ...] = tuple(
            p if isinstance(p, InputProblem) else InputProblem("", p) for p in problems
        )
        super().__init__(f"{source}: " + "; ".join(str(p) for p in self.problems))

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "problems": [p.as_dict() for p in self.problems]}


class RuleCatalogError(YiyangError):
    """The rule files cannot be loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class JurisdictionError(YiyangError):
    pass


class SettingsError(YiyangError, ValueError):
    """A limit or setting (an argument or an environment variable) is not a usable value."""
