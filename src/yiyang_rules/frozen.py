"""Containers that refuse every change: the lists and mappings inside a compiled rule (its
parameters, its examples' snapshots) and the evidence of an outcome the engine shares between
snapshots. Plain containers to every reader and encoder (json, msgspec, pydantic). Apart from
:mod:`.catalog` so that checking a snapshot needs neither the rule file's models nor pydantic."""

from __future__ import annotations

import copy
from typing import Any


def _refuse(self: object, *_args: object, **_kwargs: object) -> Any:
    raise TypeError(f"a compiled rule's {type(self).__name__} cannot be changed (the engine is immutable)")


class FrozenList(list[Any]):
    """A list inside a compiled rule's parameters: still a list to readers and to pydantic's
    serialiser, but every change raises TypeError. Copies (``copy``, ``deepcopy``) are plain lists."""

    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return copy.deepcopy(list(self), memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))


class FrozenDict(dict[Any, Any]):
    """A mapping inside a compiled rule (parameters, example snapshots): every change raises."""

    clear = pop = popitem = setdefault = update = _refuse
    __setitem__ = __delitem__ = __ior__ = _refuse

    def __copy__(self) -> dict[Any, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[Any, Any]:
        return copy.deepcopy(dict(self), memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))
