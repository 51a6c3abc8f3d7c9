"""PEP 249 type objects and constructors, value classes and ``Row``."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import pickle
import time

import pytest

from informix_db import _types
from informix_db._types import (
    BINARY,
    DATETIME,
    NUMBER,
    ROWID,
    STRING,
    Binary,
    BlobLocator,
    ClobLocator,
    CollectionValue,
    Date,
    DateFromTicks,
    IfxType,
    IntervalYM,
    RowValue,
    Time,
    TimeFromTicks,
    Timestamp,
    TimestampFromTicks,
    base_type,
    is_nullable,
)
from informix_db.rows import Row, make_row_class, resolve_row_class

# ---------------------------------------------------------------------------
# type codes and type objects
# ---------------------------------------------------------------------------


def test_type_codes_match_informix() -> None:
    expected = {
        "CHAR": 0, "SMALLINT": 1, "INT": 2, "FLOAT": 3, "SMFLOAT": 4, "DECIMAL": 5,
        "SERIAL": 6, "DATE": 7, "MONEY": 8, "NULL": 9, "DATETIME": 10, "BYTE": 11,
        "TEXT": 12, "VARCHAR": 13, "INTERVAL": 14, "NCHAR": 15, "NVCHAR": 16, "INT8": 17,
        "SERIAL8": 18, "SET": 19, "MULTISET": 20, "LIST": 21, "ROW": 22, "COLLECTION": 23,
        "ROWREF": 24, "UDTVAR": 40, "UDTFIXED": 41, "REFSER8": 42, "LVARCHAR": 43,
        "SENDRECV": 44, "BOOL": 45, "IMPEXP": 46, "IMPEXPBIN": 47, "SQLUDRDEFAULT": 48,
        "UNKNOWN": 49, "BIGINT": 52, "BIGSERIAL": 53, "CLOB": 101, "BLOB": 102,
    }  # fmt: skip
    assert {m.name: m.value for m in IfxType} == expected


def test_base_type_and_nullability() -> None:
    assert base_type(0x0106) == IfxType.SERIAL
    assert base_type(0x0100 | 13) == IfxType.VARCHAR
    assert base_type(IfxType.BLOB) == 102
    assert is_nullable(2)
    assert not is_nullable(0x0102)


CATEGORY = {
    "STRING": (STRING, {0, 12, 13, 15, 16, 40, 43}),
    "BINARY": (BINARY, {11, 47, 102}),
    "NUMBER": (NUMBER, {1, 2, 3, 4, 5, 6, 8, 17, 18, 52, 53}),
    "DATETIME": (DATETIME, {7, 10, 14}),
    "ROWID": (ROWID, {24}),
}


@pytest.mark.parametrize("name", sorted(CATEGORY))
@pytest.mark.parametrize("code", [m.value for m in IfxType])
def test_type_object_membership(name: str, code: int) -> None:
    type_object, members = CATEGORY[name]
    assert (code == type_object) is (code in members)
    assert (type_object == code) is (code in members)
    assert (type_object != code) is (code not in members)


def test_categories_do_not_overlap() -> None:
    seen: set[int] = set()
    for _, members in CATEGORY.values():
        assert not seen & members
        seen |= members


def test_type_object_ignores_flag_bits() -> None:
    assert NUMBER == 0x0106  # SERIAL NOT NULL, as DESCRIBE sends it
    assert STRING == 0x0100  # CHAR NOT NULL
    assert IfxType.DECIMAL == NUMBER


def test_type_object_odd_comparisons() -> None:
    assert NUMBER != "2"
    assert NUMBER != True
    assert NUMBER != STRING
    assert _types.DBAPITypeObject("N", NUMBER.values) == NUMBER
    assert 2 in NUMBER
    assert hash(NUMBER) == hash(NUMBER)
    assert "NUMBER" in repr(NUMBER)
    assert len({STRING, BINARY, NUMBER, DATETIME, ROWID}) == 5


def test_description_style_comparison() -> None:
    description = [("id", 2, 4, 4, 0, 0, False), ("name", 13, 50, 50, 0, 0, True)]
    assert description[0][1] == NUMBER
    assert description[1][1] == STRING
    assert description[1][1] != NUMBER


# ---------------------------------------------------------------------------
# constructors
# ---------------------------------------------------------------------------


def test_constructors() -> None:
    assert Date(2024, 2, 29) == datetime.date(2024, 2, 29)
    assert Time(12, 30, 1) == datetime.time(12, 30, 1)
    assert Timestamp(2024, 2, 29, 12, 30) == datetime.datetime(2024, 2, 29, 12, 30)
    assert Binary(b"\x00\x01") == b"\x00\x01"
    assert isinstance(Binary(b"x"), bytes)


def test_from_ticks_use_local_time() -> None:
    ticks = 1_700_000_000.75
    local = time.localtime(ticks)
    assert DateFromTicks(ticks) == datetime.date(*local[:3])
    assert TimeFromTicks(ticks) == datetime.time(*local[3:6])
    assert TimestampFromTicks(ticks) == datetime.datetime(*local[:6])
    assert TimestampFromTicks(ticks) == datetime.datetime.fromtimestamp(int(ticks))


def test_public_names_exported() -> None:
    for name in _types.__all__:
        assert hasattr(_types, name), name


# ---------------------------------------------------------------------------
# IntervalYM
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "years", "rest", "text"),
    [
        (0, 0, 0, "0-00"),
        (14, 1, 2, "1-02"),
        (-14, -1, -2, "-1-02"),
        (-5, 0, -5, "-0-05"),
        (24, 2, 0, "2-00"),
        (1_199_999_999, 99_999_999, 11, "99999999-11"),
    ],
)
def test_interval_ym_fields(months: int, years: int, rest: int, text: str) -> None:
    value = IntervalYM(months)
    assert value.months == months
    assert value.years == years
    assert value.remainder_months == rest
    assert str(value) == text
    assert value.years * 12 + value.remainder_months == months


def test_interval_ym_value_semantics() -> None:
    assert IntervalYM(months=3) == IntervalYM(3)
    assert IntervalYM(3) != IntervalYM(4)
    assert IntervalYM(3) != 3  # type: ignore[comparison-overlap]
    assert hash(IntervalYM(3)) == hash(IntervalYM(3))
    assert repr(IntervalYM(14)) == "IntervalYM(months=14)"
    assert dataclasses.asdict(IntervalYM(5)) == {"months": 5}
    assert pickle.loads(pickle.dumps(IntervalYM(-7))) == IntervalYM(-7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        IntervalYM(1).months = 2  # type: ignore[misc]


def test_interval_ym_arithmetic_and_order() -> None:
    assert IntervalYM(14) + IntervalYM(-2) == IntervalYM(12)
    assert IntervalYM(1) - IntervalYM(13) == IntervalYM(-12)
    assert -IntervalYM(5) == IntervalYM(-5)
    assert abs(IntervalYM(-5)) == IntervalYM(5)
    assert +IntervalYM(5) == IntervalYM(5)
    assert IntervalYM(1) < IntervalYM(2)
    assert sorted([IntervalYM(3), IntervalYM(-1)]) == [IntervalYM(-1), IntervalYM(3)]
    with pytest.raises(TypeError):
        IntervalYM(1) + 1


# ---------------------------------------------------------------------------
# locators and composite values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [BlobLocator, ClobLocator])
def test_locators(cls: type[BlobLocator | ClobLocator]) -> None:
    raw = bytes(range(72))
    loc = cls(raw)
    assert loc.raw == raw
    assert loc == cls(raw)
    assert hash(loc) == hash(cls(raw))
    assert repr(loc) == f"{cls.__name__}(<72-byte server reference>)"
    with pytest.raises(ValueError, match="expects 72 bytes, got 71"):
        cls(raw[:-1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        loc.raw = b""  # type: ignore[misc]
    assert BlobLocator(raw) != ClobLocator(raw)  # type: ignore[comparison-overlap]


def test_row_value() -> None:
    value = RowValue(b"ROW('Alice',30)", "row(name varchar(20), age int)")
    assert value.raw == b"ROW('Alice',30)"
    assert value.schema == "row(name varchar(20), age int)"
    assert repr(value) == "RowValue(<15 bytes>, schema='row(name varchar(20), age int)')"
    assert value == RowValue(b"ROW('Alice',30)", "row(name varchar(20), age int)")


def test_collection_value() -> None:
    value = CollectionValue(b"LIST{10,20,30}", "list", "integer")
    assert (value.raw, value.kind, value.element_schema) == (b"LIST{10,20,30}", "list", "integer")
    assert repr(value) == ("CollectionValue(<14 bytes>, kind='list', element_schema='integer')")


# ---------------------------------------------------------------------------
# Row
# ---------------------------------------------------------------------------


def test_row_access_styles() -> None:
    cls = make_row_class(("tabid", "tabname"))
    row = cls((1, "systables"))
    assert row == (1, "systables")
    assert isinstance(row, tuple) and isinstance(row, Row)
    assert row[0] == 1 and row[-1] == "systables" and row[0:1] == (1,)
    assert row["tabname"] == "systables"
    assert row.tabid == 1
    tabid, tabname = row
    assert (tabid, tabname) == (1, "systables")
    assert row.keys() == ("tabid", "tabname")
    assert row._fields == ("tabid", "tabname")
    assert row._asdict() == {"tabid": 1, "tabname": "systables"}
    assert repr(row) == "Row(tabid=1, tabname='systables')"


def test_row_missing_names() -> None:
    row = make_row_class(("a",))((1,))
    with pytest.raises(KeyError, match="no column named 'b'"):
        row["b"]
    with pytest.raises(AttributeError, match="no column named 'b'"):
        _ = row.b


def test_row_columns_shadow_methods() -> None:
    names = ("count", "index", "keys", "_asdict", "_fields")
    row = make_row_class(names)((1, 2, 3, 4, 5))
    shadowed: tuple[object, ...] = (row.count, row.index, row.keys, row._asdict, row._fields)
    assert shadowed == (1, 2, 3, 4, 5)
    assert Row.keys(row) == names
    assert tuple.count(row, 3) == 1
    assert repr(row) == "Row(count=1, index=2, keys=3, _asdict=4, _fields=5)"


def test_row_duplicate_names() -> None:
    row = make_row_class(("a", "b", "a"))((1, 2, 3))
    assert row.a == 1 and row["a"] == 1
    assert row._asdict() == {"a": 3, "b": 2}


def test_row_expression_names() -> None:
    row = make_row_class(("(count(*))",))((7,))
    assert row["(count(*))"] == 7


def test_row_class_cache_and_pickle() -> None:
    assert make_row_class(("x", "y")) is make_row_class(["x", "y"])
    row = make_row_class(("x", "y"))((1, None))
    for clone in (pickle.loads(pickle.dumps(row)), copy.copy(row), copy.deepcopy(row)):
        assert clone == row
        assert clone.y is None
        assert clone.keys() == ("x", "y")


def test_row_length_mismatch_repr_falls_back() -> None:
    row = make_row_class(("x",))((1, 2))
    assert repr(row) == "(1, 2)"


def test_resolve_row_class() -> None:
    assert resolve_row_class(None, ("a",)) is None
    maker = resolve_row_class(Row, ("a", "b"))
    assert maker is not None
    assert maker((1, 2)).b == 2

    class MyRow(Row):
        __slots__ = ()

    sub = resolve_row_class(MyRow, ("a",))
    assert sub is not None and isinstance(sub((1,)), MyRow)

    dict_maker = resolve_row_class(lambda names: lambda values: dict(zip(names, values)), ("a",))
    assert dict_maker is not None and dict_maker((5,)) == {"a": 5}
    with pytest.raises(TypeError):
        resolve_row_class(42, ("a",))
