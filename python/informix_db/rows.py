"""``Row``: a result tuple also addressable by column name and attribute.

Opt in with ``connect(..., row_factory=informix_db.Row)``. Rows stay real
tuples (``row == (1, "x")`` holds, unpacking works), and each result shape
gets a cached subclass holding its column names, so building a row from
the native layer is a single ``RowClass(values)`` call.

A column whose name collides with a tuple/Row method (``count``, ``index``,
``keys``, ``_asdict``, ``_fields``) resolves to the column: returning a
bound method where a value was expected would be a silent wrong answer.
The methods remain reachable through the class, e.g. ``Row.keys(row)``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, ClassVar

__all__ = ["Row", "make_row_class", "resolve_row_class"]


class Row(tuple[Any, ...]):
    """Tuple with access by position, by column name, or as an attribute."""

    __slots__ = ()

    # Per-shape data, set on the generated subclass. Name-mangled so that a
    # column called ``_fields`` cannot hide the machinery that needs them.
    __names: ClassVar[tuple[str, ...]] = ()
    __index: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if type(key) is str:
            try:
                position = self.__index[key]
            except KeyError:
                raise KeyError(
                    f"no column named {key!r}; columns are {list(self.__names)}"
                ) from None
            return tuple.__getitem__(self, position)
        return tuple.__getitem__(self, key)

    def __getattr__(self, name: str) -> Any:
        # Only reached when ordinary lookup failed, so it costs nothing
        # for the methods and properties above.
        try:
            position = self.__index[name]
        except KeyError:
            raise AttributeError(
                f"no column named {name!r}; columns are {list(self.__names)}"
            ) from None
        return tuple.__getitem__(self, position)

    @property
    def _fields(self) -> tuple[str, ...]:
        """Column names in select order, like ``namedtuple._fields``."""
        return self.__names

    def keys(self) -> tuple[str, ...]:
        """Column names in select order."""
        return self.__names

    def _asdict(self) -> dict[str, Any]:
        """The row as a ``dict``; with duplicate names the last one wins."""
        return dict(zip(self.__names, self, strict=False))

    def __repr__(self) -> str:
        names = self.__names
        if len(names) != len(self):
            return tuple.__repr__(self)
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(names, self, strict=True))
        return f"Row({inner})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Generated classes are not importable by name; rebuild from names.
        return (_restore_row, (self.__names, tuple(self)))


# Every public-ish name a Row answers to; columns with these names get a
# property so the column wins. Computed from the class so nothing is missed.
_SHADOWABLE = frozenset(n for n in dir(Row) if not n.startswith("__")) - {
    "_Row__names",
    "_Row__index",
}


def _restore_row(names: tuple[str, ...], values: tuple[Any, ...]) -> Row:
    return make_row_class(names)(values)


@lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...], base: type[Row]) -> type[Row]:
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index.setdefault(name, position)  # first occurrence wins
    namespace: dict[str, Any] = {
        "__slots__": (),
        "_Row__names": names,
        "_Row__index": index,
    }
    for name, position in index.items():
        if name in _SHADOWABLE:
            namespace[name] = property(operator.itemgetter(position))
    return type(base.__name__, (base,), namespace)


def make_row_class(fields: Sequence[str], base: type[Row] = Row) -> type[Row]:
    """Row class for one column-name shape (cached per shape).

    Cached because applications run the same few statement shapes
    repeatedly and a ``type()`` call per execute would be wasted work.
    """
    return _row_class(tuple(fields), base)


def resolve_row_class(
    factory: object, names: Sequence[str]
) -> Callable[[tuple[Any, ...]], Any] | None:
    """Turn a connection/cursor ``row_factory`` into a per-result row maker.

    ``None`` means plain tuples. ``Row`` (or a subclass) gets the cached
    per-shape class; any other callable is called with the name tuple and
    must return a callable taking the values tuple.
    """
    if factory is None:
        return None
    if isinstance(factory, type) and issubclass(factory, Row):
        return make_row_class(names, factory)
    if not callable(factory):
        raise TypeError(f"row_factory must be callable, got {type(factory).__name__}")
    return factory(tuple(names))  # type: ignore[no-any-return]
