"""Informix type codes, PEP 249 type objects/constructors and value classes.

``cursor.description[i][1]`` is the *base* Informix type code (flag bits
stripped), as in the reference driver, so ``desc[1] == informix_db.NUMBER``
works for the same columns. The value classes are what the native layer
builds for values that have no natural Python type; they keep the
reference driver's fields so user code that inspects them runs unchanged.
Constructors take plain positional arguments so Rust can build them cheaply.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections.abc import Iterable
from enum import IntEnum

__all__ = [
    "BINARY",
    "DATETIME",
    "IFX_BIT_COLLCLIENT",
    "IFX_BIT_DBOOLEAN",
    "IFX_BIT_DISTINCT",
    "IFX_BIT_NAMEDROW",
    "IFX_BIT_NOTNULLABLE",
    "NUMBER",
    "ROWID",
    "STRING",
    "Binary",
    "BlobLocator",
    "ClobLocator",
    "CollectionValue",
    "DBAPITypeObject",
    "Date",
    "DateFromTicks",
    "IfxType",
    "IntervalYM",
    "RowValue",
    "Time",
    "TimeFromTicks",
    "Timestamp",
    "TimestampFromTicks",
    "base_type",
    "is_nullable",
]


class IfxType(IntEnum):
    """Informix type codes as they appear in DESCRIBE (low byte of the short)."""

    CHAR = 0
    SMALLINT = 1
    INT = 2
    FLOAT = 3
    SMFLOAT = 4
    DECIMAL = 5
    SERIAL = 6
    DATE = 7
    MONEY = 8
    NULL = 9
    DATETIME = 10
    BYTE = 11
    TEXT = 12
    VARCHAR = 13
    INTERVAL = 14
    NCHAR = 15
    NVCHAR = 16
    INT8 = 17
    SERIAL8 = 18
    SET = 19
    MULTISET = 20
    LIST = 21
    ROW = 22
    COLLECTION = 23
    ROWREF = 24
    UDTVAR = 40
    UDTFIXED = 41
    REFSER8 = 42
    LVARCHAR = 43
    SENDRECV = 44
    BOOL = 45
    IMPEXP = 46
    IMPEXPBIN = 47
    SQLUDRDEFAULT = 48
    UNKNOWN = 49
    BIGINT = 52
    BIGSERIAL = 53
    CLOB = 101
    BLOB = 102


# Flag bits carried in the high byte of a DESCRIBE type short.
IFX_BIT_NOTNULLABLE = 0x0100
IFX_BIT_DISTINCT = 0x0800
IFX_BIT_NAMEDROW = 0x1000
IFX_BIT_DBOOLEAN = 0x4000
IFX_BIT_COLLCLIENT = -0x8000  # sign bit of the i16


def base_type(type_code: int) -> int:
    """Type code without its flag bits (CLOB/BLOB driver-internal codes pass)."""
    if type_code in (IfxType.CLOB, IfxType.BLOB):
        return type_code
    return type_code & 0xFF


def is_nullable(type_code: int) -> bool:
    """Whether a raw DESCRIBE type short allows NULL."""
    return not type_code & IFX_BIT_NOTNULLABLE


# ---------------------------------------------------------------------------
# PEP 249 type objects and constructors
# ---------------------------------------------------------------------------


class DBAPITypeObject:
    """Compares equal to every Informix type code of one PEP 249 category.

    Flag bits are ignored, so a raw DESCRIBE short compares the same way
    as the base code found in ``cursor.description``.
    """

    __slots__ = ("name", "values")

    def __init__(self, name: str, values: Iterable[int]) -> None:
        self.name = name
        self.values: frozenset[int] = frozenset(int(v) for v in values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DBAPITypeObject):
            return self.values == other.values
        if isinstance(other, int) and not isinstance(other, bool):
            return base_type(other) in self.values
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(self.values)

    def __contains__(self, type_code: object) -> bool:
        return self == type_code

    def __repr__(self) -> str:
        return f"<DBAPITypeObject {self.name}>"


T = IfxType
# LVARCHAR is described as UDTVAR (40) by real servers; TEXT decodes to str.
STRING = DBAPITypeObject(
    "STRING", (T.CHAR, T.VARCHAR, T.NCHAR, T.NVCHAR, T.LVARCHAR, T.UDTVAR, T.TEXT)
)
BINARY = DBAPITypeObject("BINARY", (T.BYTE, T.BLOB, T.IMPEXPBIN))
NUMBER = DBAPITypeObject(
    "NUMBER",
    (
        T.SMALLINT,
        T.INT,
        T.FLOAT,
        T.SMFLOAT,
        T.DECIMAL,
        T.SERIAL,
        T.MONEY,
        T.INT8,
        T.SERIAL8,
        T.BIGINT,
        T.BIGSERIAL,
    ),
)
DATETIME = DBAPITypeObject("DATETIME", (T.DATE, T.DATETIME, T.INTERVAL))
# Informix's ROWID pseudo-column is described as INTEGER; only ROWREF is a row id type.
ROWID = DBAPITypeObject("ROWID", (T.ROWREF,))
del T

Date = datetime.date
Time = datetime.time
Timestamp = datetime.datetime
Binary = bytes


def DateFromTicks(ticks: float) -> datetime.date:
    """Local date for a POSIX timestamp (PEP 249)."""
    return Date(*time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> datetime.time:
    """Local time of day for a POSIX timestamp (PEP 249)."""
    return Time(*time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> datetime.datetime:
    """Local date and time for a POSIX timestamp (PEP 249)."""
    return Timestamp(*time.localtime(ticks)[:6])


# ---------------------------------------------------------------------------
# Value classes built by the native layer
# ---------------------------------------------------------------------------

_LOCATOR_SIZE = 72


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class IntervalYM:
    """INTERVAL YEAR TO MONTH value: a signed count of months.

    ``datetime.timedelta`` cannot hold it because months vary in length.
    """

    months: int

    @property
    def years(self) -> int:
        """Whole years, with the sign of the interval (truncates toward zero)."""
        whole = abs(self.months) // 12
        return -whole if self.months < 0 else whole

    @property
    def remainder_months(self) -> int:
        """Months beyond the whole years, with the sign of the interval."""
        rest = abs(self.months) % 12
        return -rest if self.months < 0 else rest

    def __str__(self) -> str:
        sign = "-" if self.months < 0 else ""
        years, months = divmod(abs(self.months), 12)
        return f"{sign}{years}-{months:02d}"

    def __neg__(self) -> IntervalYM:
        return IntervalYM(-self.months)

    def __pos__(self) -> IntervalYM:
        return self

    def __abs__(self) -> IntervalYM:
        return IntervalYM(abs(self.months))

    def __add__(self, other: object) -> IntervalYM:
        if isinstance(other, IntervalYM):
            return IntervalYM(self.months + other.months)
        return NotImplemented

    def __sub__(self, other: object) -> IntervalYM:
        if isinstance(other, IntervalYM):
            return IntervalYM(self.months - other.months)
        return NotImplemented


@dataclasses.dataclass(frozen=True, slots=True)
class BlobLocator:
    """Server-side reference to a smart-LOB BLOB (72 opaque bytes).

    Returned instead of the data so a locator is never mistaken for content.
    """

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != _LOCATOR_SIZE:
            raise ValueError(f"BlobLocator expects 72 bytes, got {len(self.raw)}")

    def __repr__(self) -> str:
        return "BlobLocator(<72-byte server reference>)"


@dataclasses.dataclass(frozen=True, slots=True)
class ClobLocator:
    """Server-side reference to a smart-LOB CLOB (72 opaque bytes)."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != _LOCATOR_SIZE:
            raise ValueError(f"ClobLocator expects 72 bytes, got {len(self.raw)}")

    def __repr__(self) -> str:
        return "ClobLocator(<72-byte server reference>)"


@dataclasses.dataclass(frozen=True, slots=True)
class RowValue:
    """A ROW-typed column value: undecoded payload plus the type's schema text."""

    raw: bytes
    schema: str

    def __repr__(self) -> str:
        return f"RowValue(<{len(self.raw)} bytes>, schema={self.schema!r})"


@dataclasses.dataclass(frozen=True, slots=True)
class CollectionValue:
    """A SET / MULTISET / LIST column value: undecoded payload and its kind.

    ``kind`` is ``"set"``, ``"multiset"`` or ``"list"``.
    """

    raw: bytes
    kind: str
    element_schema: str

    def __repr__(self) -> str:
        return (
            f"CollectionValue(<{len(self.raw)} bytes>, kind={self.kind!r}, "
            f"element_schema={self.element_schema!r})"
        )
