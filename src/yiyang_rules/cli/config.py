"""The settings file of ``yiyang check``: ``yiyang.toml``, or ``[tool.yiyang]`` in ``pyproject.toml``.

Found by walking up from the current folder: in each folder ``yiyang.toml`` is read first, then a
``pyproject.toml`` that has a ``[tool.yiyang]`` table (a pyproject.toml without one is passed over,
as ruff and black do). The first found is the only one read; nothing is merged. Options on the
command line override it. An unknown key or a wrong value is an error naming the file and the key,
so a typo never silently means "the default".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any


class Language(StrEnum):
    zh = "zh"
    en = "en"


class FailOn(StrEnum):
    """Which findings make the exit code 1. Each level includes the ones before it."""

    mandatory = "mandatory"  # a mandatory obligation is non_compliant (the contract's default)
    recommended = "recommended"  # any obligation, mandatory or recommended, is non_compliant
    insufficient = "insufficient"  # as recommended, or a finding lacks the data to judge


CONFIG_FILE = "yiyang.toml"
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    """The settings file is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """Settings from the file; None where the file is silent."""

    origin: Path | None = None
    jurisdiction: str | None = None
    lang: Language | None = None
    format: str | None = None
    fail_on: FailOn | None = None
    workers: int | None = None


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value.strip()


def _choice(kind: type[Enum]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        names = [m.value for m in kind]
        if value not in names:
            raise ValueError(f"must be one of {', '.join(names)}, not {value!r}")
        return kind(value)

    return parse


def _workers(value: Any) -> int:
    # bool is an int in Python; `workers = true` is a mistake, not one worker.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of at least 1, not {value!r}")
    return value


_KEYS: dict[str, Callable[[Any], Any]] = {
    "jurisdiction": _text,
    "lang": _choice(Language),
    "format": _text,
    "fail_on": _choice(FailOn),
    "workers": _workers,
}


def find_config(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """The nearest settings file at or above ``start``, with its yiyang table."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate, _read(candidate)
        project = folder / PYPROJECT
        if project.is_file():
            tool = _read(project).get("tool")
            if isinstance(tool, dict) and "yiyang" in tool:
                table = tool["yiyang"]
                if not isinstance(table, dict):
                    raise ConfigError(f"{project}: [tool.yiyang] must be a table")
                return project, table
    return None


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # noqa: PLC0415 - only when a settings file exists

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file: {exc.strerror}") from None


def parse_config(path: Path, table: Mapping[str, Any], formats: Mapping[str, object]) -> Config:
    """Check every key of ``table``; ``formats`` are the names ``format`` may take."""
    where = f"{path} [tool.yiyang]" if path.name == PYPROJECT else str(path)
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        # `fail-on` as well as `fail_on`: TOML files usually spell keys with hyphens.
        key = raw_key.replace("-", "_")
        parse = _KEYS.get(key)
        if parse is None:
            raise ConfigError(f"{where}: unknown key {raw_key!r}; the keys are {', '.join(_KEYS)}")
        if key in values:
            raise ConfigError(f"{where}: {raw_key!r} is given twice (as fail_on and fail-on)")
        try:
            values[key] = parse(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: {raw_key}: {exc}") from None
    if "format" in values and values["format"] not in formats:
        raise ConfigError(f"{where}: format: must be one of {', '.join(formats)}, not {values['format']!r}")
    return Config(origin=path, **values)


def load_config(formats: Mapping[str, object], explicit: Path | None = None, start: Path | None = None) -> Config:
    """The settings in force: ``explicit`` (``--config``) if given, else the nearest file found
    upwards from ``start`` (the current folder), else none. ``YIYANG_NO_CONFIG=1`` turns discovery
    off (for scripts that must not depend on where they run)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"--config {explicit}: no such file")
        table: Mapping[str, Any] = _read(explicit)
        if explicit.name == PYPROJECT:
            tool = table.get("tool")
            table = tool.get("yiyang", {}) if isinstance(tool, dict) else {}
        return parse_config(explicit, table, formats)
    if os.environ.get("YIYANG_NO_CONFIG"):
        return Config()
    found = find_config(start or Path.cwd())
    if found is None:
        return Config()
    return parse_config(found[0], found[1], formats)
