"""The PyYAML half of :mod:`.yamlfile`, imported only when YAML is actually read: a start-up that
finds its compiled catalogs in the cache reads no YAML and so never imports PyYAML."""

from __future__ import annotations

from typing import Any

import yaml

from .yamlfile import MAX_DEPTH, MAX_INTEGER, MAX_NODES, LoadedYaml, Path_, YamlError

# libyaml's parser when PyYAML has it (about ten times faster: rule loading is start-up time),
# the pure-Python one otherwise; both use the safe constructors only.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Builder(_BaseLoader):  # type: ignore[valid-type,misc]
    pass


_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp"))


class _Budget:
    __slots__ = ("nodes",)

    def __init__(self) -> None:
        self.nodes = 0


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _check_tag(node: yaml.Node) -> None:
    allowed: frozenset[str] | set[str] = _SCALAR_TAGS
    if isinstance(node, yaml.MappingNode):
        allowed = {_MAP_TAG}
    elif isinstance(node, yaml.SequenceNode):
        allowed = {_SEQ_TAG}
    if node.tag not in allowed:
        raise YamlError(f"the tag {node.tag!r} is not allowed in a rule file; remove it", _line(node))


def _scalar(loader: _Builder, node: yaml.Node) -> Any:
    _check_tag(node)
    if node.tag == "tag:yaml.org,2002:int" and len(str(node.value).lstrip("+-").replace("_", "")) > 19:
        raise YamlError(f"the number {str(node.value)[:12]}… is too large (the largest is {MAX_INTEGER})", _line(node))
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        text = str(node.value)
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise YamlError(f"{shown!r} cannot be read: {exc}", _line(node)) from None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        raise YamlError(f"the number {str(node.value)[:12]}… is too large (the largest is {MAX_INTEGER})", _line(node))
    return value


def _build(
    loader: _Builder, node: yaml.Node, path: Path_, lines: dict[Path_, int], budget: _Budget, open_nodes: set[int]
) -> Any:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise YamlError(
            f"the file expands to more than {MAX_NODES:,} values (YAML aliases repeating aliases?); refused",
            _line(node),
        )
    if len(path) > MAX_DEPTH:
        raise YamlError(f"nested deeper than {MAX_DEPTH} levels", _line(node))
    if id(node) in open_nodes:
        raise YamlError("a YAML alias refers to a node that contains it (a recursive alias)", _line(node))
    lines[path] = _line(node)
    if isinstance(node, yaml.MappingNode):
        _check_tag(node)
        open_nodes.add(id(node))
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("mapping keys must be strings, not a list or a mapping", _line(key_node))
            key = _scalar(loader, key_node)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise YamlError(f"mapping keys must be strings, got {key!r}", _line(key_node))
            if key in result:
                raise YamlError(
                    f"duplicate key {key!r} (first at line {lines[(*path, key)]}); keep one of them",
                    _line(key_node),
                )
            result[key] = _build(loader, value_node, (*path, key), lines, budget, open_nodes)
        open_nodes.discard(id(node))
        return result
    if isinstance(node, yaml.SequenceNode):
        _check_tag(node)
        open_nodes.add(id(node))
        items = [_build(loader, item, (*path, i), lines, budget, open_nodes) for i, item in enumerate(node.value)]
        open_nodes.discard(id(node))
        return items
    return _scalar(loader, node)


_OPENERS = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSERS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _check_nesting(text: str) -> None:
    """Refuse nesting past MAX_DEPTH before the parser builds nodes: libyaml's composer recurses in
    C, and tens of thousands of ``[`` overflow the C stack (a crash, not an exception). The scanner
    that counts here is a loop."""
    scanner = _Builder(text)
    try:
        depth = 0
        while (token := scanner.get_token()) is not None:
            if isinstance(token, _OPENERS):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(f"nested deeper than {MAX_DEPTH} levels", int(token.start_mark.line) + 1)
            elif isinstance(token, _CLOSERS):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml (from PyYAML 6.0.4's wheels) scans ahead and refuses past its own limit (far above
        # ours) before handing over a token: deeper than that is deeper than ours too.
        if "maximum nesting depth" not in str(exc.problem):
            raise
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(f"nested deeper than {MAX_DEPTH} levels", mark.line + 1 if mark else None) from None
    finally:
        scanner.dispose()


def parse_yaml_text(text: str) -> LoadedYaml:
    loader = _Builder(text)
    try:
        _check_nesting(text)
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = None if node is None else _build(loader, node, (), lines, _Budget(), set())
        return LoadedYaml(data, lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlError(f"not valid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}", None) from None
    except RecursionError:
        raise YamlError(f"nested deeper than {MAX_DEPTH} levels", None) from None
    finally:
        loader.dispose()
