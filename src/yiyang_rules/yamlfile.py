"""Strict YAML: safe constructors only, duplicate keys rejected, a line number for every path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class YamlError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class LoadedYaml:
    data: Any
    lines: dict[Path_, int]

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of the deepest node of ``path`` that exists in the file."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


# libyaml's parser when PyYAML has it (about ten times faster: rule loading is start-up time),
# the pure-Python one otherwise; both use the safe constructors only.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Builder(_BaseLoader):  # type: ignore[valid-type,misc]
    pass


def _build(loader: _Builder, node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)):
                raise YamlError(f"mapping keys must be strings, got {key!r}", key_node.start_mark.line + 1)
            if key in result:
                raise YamlError(
                    f"duplicate key {key!r} (first at line {lines[(*path, key)]}); keep one of them",
                    key_node.start_mark.line + 1,
                )
            result[key] = _build(loader, value_node, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), lines) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # a scalar YAML resolves but cannot build, e.g. the date 2026-13-01
        raise YamlError(f"{node.value!r} is not a valid value: {exc}", node.start_mark.line + 1) from None


def load_yaml_text(text: str) -> LoadedYaml:
    loader = _Builder(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = None if node is None else _build(loader, node, (), lines)
        return LoadedYaml(data, lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlError(f"not valid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}", None) from None
    finally:
        loader.dispose()


def load_yaml_file(path: Path) -> LoadedYaml:
    return load_yaml_text(path.read_text(encoding="utf-8"))
