"""Fetched values, exactly: the row fast path (DECIMAL text and int forms, DATETIME
decoders per column, ASCII and Latin-1 strings) and the native row buffer under
``for row in cursor`` / ``fetchone``."""

# ruff: noqa: F811  (pytest fixtures imported from tests.dbapi_support)

from __future__ import annotations

import datetime
import decimal
import gc
import weakref
from decimal import Decimal
from typing import Any

import pytest

import informix_db
from tests.conftest import ConnParams
from tests.dbapi_support import conn, connect, create_table, cur  # noqa: F401  (fixtures)

DT = datetime.datetime


def fetch_column(cur: informix_db.Cursor, column_type: str, values: list[Any]) -> list[Any]:
    """Stores ``values`` (None is NULL) in one column and reads them back in order."""
    table = create_table(cur, f"n SERIAL, v {column_type}")
    cur.executemany(f"INSERT INTO {table} (v) VALUES (?)", [(v,) for v in values])
    cur.execute(f"SELECT v FROM {table} ORDER BY n")
    return [r[0] for r in cur.fetchall()]


def reference_form(d: Decimal) -> Decimal:
    """What the reference driver returns: plain digits, no trailing fraction zeros."""
    return Decimal(format(d.normalize(decimal.Context(prec=100)), "f"))


def assert_exact_decimals(got: list[Any], want: list[Any]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if w is None:
            assert g is None
            continue
        assert type(g) is Decimal, g
        # Equal value is not enough: sign, coefficient and exponent must match too.
        assert g.as_tuple() == reference_form(w).as_tuple(), (g, w)


@pytest.mark.parametrize(
    ("column_type", "values"),
    [
        # Integral values: up to 18 digits travel as an int, longer ones as text.
        ("DECIMAL(32,0)", [0, 7, -7, 1200, -1200, 10**17, 999999999999999999,
                           -999999999999999999, 10**18, -(10**18), 2**63 - 1, 10**31,
                           -(10**31) + 1]),
        # Fixed scale: trailing fraction zeros go, integral values lose their point.
        ("DECIMAL(16,4)", [Decimal("0.5"), Decimal("-0.5"), Decimal("12.50"),
                           Decimal("7.0000"), Decimal("-0.0001"), Decimal("123456789012.3456"),
                           Decimal(0), Decimal("100.1000")]),
        ("DECIMAL(32,10)", [Decimal("1234567890123456789012.1234567890"),
                            Decimal("-9999999999999999999999.9999999999"),
                            Decimal("0.0000000001"), Decimal("-0.0000000010")]),
        # Floating DECIMAL(p): odd exponents, tiny and huge magnitudes.
        ("DECIMAL(32)", [Decimal("1E+100"), Decimal("-1E+100"), Decimal("1E-100"),
                         Decimal("1.5E-7"), Decimal(12345678901234567890123456789012),
                         Decimal("0.1234567890123456789012345678901"), Decimal(10),
                         Decimal("-0.05")]),
        ("MONEY(16,2)", [Decimal("1234.50"), Decimal("-0.99"), Decimal("99999999999999.99"),
                         Decimal("5.00"), Decimal("-5.00")]),
    ],
)  # fmt: skip
def test_decimal_sign_digits_and_exponent(
    cur: informix_db.Cursor, column_type: str, values: list[Any]
) -> None:
    # NULLs between values, so that NULL and non-NULL cells alternate in one batch.
    stored = [Decimal(v) if isinstance(v, int) else v for v in values]
    with_nulls = [x for v in stored for x in (v, None)]
    assert_exact_decimals(fetch_column(cur, column_type, with_nulls), with_nulls)


def test_decimal_integer_forms_are_the_constructors(cur: informix_db.Cursor) -> None:
    got = fetch_column(cur, "DECIMAL(20,0)", [5, -5, 1000, 0])
    assert [str(g) for g in got] == ["5", "-5", "1000", "0"]
    assert [g.as_tuple() for g in got] == [Decimal(s).as_tuple() for s in ("5", "-5", "1000", "0")]


def test_several_datetime_qualifiers_in_one_row(cur: informix_db.Cursor) -> None:
    table = create_table(
        cur,
        "n SERIAL, a DATETIME YEAR TO SECOND, b DATETIME YEAR TO FRACTION(5), "
        "c DATETIME YEAR TO FRACTION(3), d DATETIME HOUR TO SECOND, e DATETIME YEAR TO DAY, "
        "f DATETIME YEAR TO FRACTION(1)",
    )
    rows = [
        (DT(1, 1, 1), DT(1, 1, 1), DT(1, 1, 1), datetime.time(0, 0), datetime.date(1, 1, 1),
         DT(1, 1, 1)),
        (DT(9999, 12, 31, 23, 59, 59), DT(9999, 12, 31, 23, 59, 59, 999990),
         DT(9999, 12, 31, 23, 59, 59, 999000), datetime.time(23, 59, 59),
         datetime.date(9999, 12, 31), DT(9999, 12, 31, 23, 59, 59, 900000)),
        (None, None, None, None, None, None),
        (DT(2024, 2, 29, 12, 34, 56), DT(2024, 2, 29, 12, 34, 56, 123450),
         DT(2024, 2, 29, 12, 34, 56, 123000), datetime.time(12, 34, 56),
         datetime.date(2024, 2, 29), DT(2024, 2, 29, 12, 34, 56, 100000)),
    ]  # fmt: skip
    cur.executemany(f"INSERT INTO {table} (a, b, c, d, e, f) VALUES (?, ?, ?, ?, ?, ?)", rows)
    cur.execute(f"SELECT a, b, c, d, e, f FROM {table} ORDER BY n")
    got = cur.fetchall()
    assert got == rows
    for got_row, want_row in zip(got, rows, strict=True):
        for g, w in zip(got_row, want_row, strict=True):
            assert type(g) is type(w), (g, w)
            if isinstance(g, (DT, datetime.time)):
                assert g.tzinfo is None


def test_latin1_strings(cur: informix_db.Cursor) -> None:
    values = ["", "a", "é", "ab", "éé", "naïve café", "x" * 255, "ÿ" * 100, "a\x7f", None, "~"]
    got = fetch_column(cur, "VARCHAR(255)", values)
    assert got == values
    assert all(type(g) is str for g in got if g is not None)
    # The strings are canonical: ASCII ones are compact ASCII (equal hash and ordering).
    assert hash(got[3]) == hash("ab")
    assert {got[5]: 1}["naïve café"] == 1
    assert fetch_column(cur, "CHAR(4)", ["a", "é", "ab  ", ""]) == ["a", "é", "ab", ""]


def test_utf8_strings(conn_params: ConnParams) -> None:
    with connect(conn_params, client_locale="en_US.utf8") as c:
        values = ["", "a", "€", "ab", "日本語", "x" * 100, "mixed ascii + ü", None]
        got = fetch_column(c.cursor(), "VARCHAR(200)", values)
        assert got == values
        assert hash(got[3]) == hash("ab")


# ---------------------------------------------------------------------------
# the row buffer: for row in cursor, fetchone, fetchmany mixed
# ---------------------------------------------------------------------------


@pytest.fixture
def many(cur: informix_db.Cursor) -> str:
    """3000 rows: more than one batch."""
    table = create_table(cur, "id INT, name VARCHAR(20)")
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(i, f"n{i}") for i in range(3000)])
    return table


def test_iteration_fetchone_and_fetchmany_share_one_position(
    cur: informix_db.Cursor, many: str
) -> None:
    cur.execute(f"SELECT id FROM {many} ORDER BY id")
    seen = []
    for (i,) in cur:
        seen.append(i)
        if i == 1500:
            break
    assert cur.rownumber == 1500
    assert cur.fetchone() == (1501,)
    assert [r[0] for r in cur.fetchmany(3)] == [1502, 1503, 1504]
    assert next(cur) == (1505,)
    seen += [r[0] for r in cur]
    assert seen == list(range(1501)) + list(range(1506, 3000))
    assert cur.fetchone() is None
    with pytest.raises(StopIteration):
        next(cur)
    with pytest.raises(StopIteration):
        next(cur)
    assert cur.rowcount == 3000


def test_fetchone_loop_over_batches(cur: informix_db.Cursor, many: str) -> None:
    cur.execute(f"SELECT id, name FROM {many} ORDER BY id")
    got = []
    while (row := cur.fetchone()) is not None:
        got.append(row)
    assert got == [(i, f"n{i}") for i in range(3000)]
    assert cur.fetchone() is None


def test_iteration_checks_the_cursor_state(cur: informix_db.Cursor, many: str) -> None:
    with pytest.raises(informix_db.ProgrammingError):
        next(cur)  # no result yet
    with pytest.raises(informix_db.ProgrammingError):
        cur.fetchone()
    cur.execute(f"SELECT id FROM {many}")
    assert next(cur) is not None
    cur.close()
    with pytest.raises(informix_db.InterfaceError):
        next(cur)
    with pytest.raises(informix_db.InterfaceError):
        cur.fetchone()


def test_iteration_of_scrollable_cursor_and_after_scrolling(
    conn: informix_db.Connection, many: str
) -> None:
    scroller = conn.cursor(scrollable=True)
    scroller.execute(f"SELECT id FROM {many} ORDER BY id")
    assert scroller.fetch_absolute(2997) == (2997,)
    assert [r[0] for r in scroller] == [2998, 2999]
    cur = conn.cursor()
    cur.execute(f"SELECT id FROM {many} ORDER BY id")
    assert cur.fetch_last() == (2999,)
    assert cur.fetch_absolute(5) == (5,)
    assert [r[0] for r in cur][:3] == [6, 7, 8]


def test_iteration_with_row_factory(conn: informix_db.Connection, many: str) -> None:
    cur = conn.cursor()
    cur.row_factory = informix_db.Row
    cur.execute(f"SELECT id, name FROM {many} WHERE id < 3 ORDER BY id")
    rows = list(cur)
    assert [r.name for r in rows] == ["n0", "n1", "n2"]
    assert all(isinstance(r, informix_db.Row) for r in rows)


def test_subclass_overriding_fetchone_is_iterated_through_it(
    conn: informix_db.Connection, many: str
) -> None:
    class Tagged(informix_db.Cursor):
        def fetchone(self) -> Any:
            row = super().fetchone()
            return None if row is None else ("tag", *row)

    cur = Tagged(conn)
    cur.execute(f"SELECT id FROM {many} WHERE id < 2 ORDER BY id")
    assert list(cur) == [("tag", 0), ("tag", 1)]


def test_cursor_in_a_reference_cycle_is_collected(conn: informix_db.Connection) -> None:
    cur = conn.cursor()
    cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
    cur._rows.append(cur)  # a cycle through the native row buffer
    ref = weakref.ref(cur)
    del cur
    gc.collect()
    assert ref() is None
