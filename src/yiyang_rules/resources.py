"""Where the bundled data lives: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_bundled"
_CHECKOUT = _PACKAGE.parent.parent


def _data(name: str) -> Path:
    bundled = _BUNDLED / name
    if bundled.is_dir():
        return bundled
    return _CHECKOUT / name


def rules_dir() -> Path:
    return _data("rules")


def schemas_dir() -> Path:
    return _data("schemas")


def examples_dir() -> Path:
    return _data("examples")


def sources_dir() -> Path:
    return _PACKAGE / "sources"
