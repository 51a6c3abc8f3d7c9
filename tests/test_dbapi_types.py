"""Every type, both directions: bound as a parameter, stored, fetched back, NULL included."""

# ruff: noqa: F811  (pytest fixtures imported from tests.dbapi_support)

from __future__ import annotations

import datetime
import decimal
from decimal import Decimal
from typing import Any

import pytest

import informix_db
from tests.conftest import ConnParams
from tests.dbapi_support import conn, connect, create_table, cur  # noqa: F401  (fixtures)

D = datetime.date
DT = datetime.datetime
T = datetime.time
TD = datetime.timedelta


def roundtrip(cur: informix_db.Cursor, column_type: str, values: list[Any]) -> list[Any]:
    """Insert ``values`` (plus NULL) into a one-column table and read them back in order."""
    table = create_table(cur, f"n SERIAL, v {column_type}")
    cur.executemany(f"INSERT INTO {table} (v) VALUES (?)", [(v,) for v in values])
    cur.execute(f"INSERT INTO {table} (v) VALUES (?)", (None,))
    cur.execute(f"SELECT v FROM {table} ORDER BY n")
    rows = [r[0] for r in cur.fetchall()]
    assert rows[-1] is None, f"NULL {column_type} came back as {rows[-1]!r}"
    return rows[:-1]


def assert_same(got: list[Any], want: list[Any]) -> None:
    assert got == want
    for g, w in zip(got, want, strict=True):
        assert type(g) is type(w), (g, w)


# ---------------------------------------------------------------------------
# integers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column_type", "values"),
    [
        ("SMALLINT", [0, 1, -1, 32767, -32767]),
        ("INTEGER", [0, 42, -42, 2147483647, -2147483647]),
        ("BIGINT", [0, 2**31, -(2**31), 9223372036854775807, -9223372036854775807]),
        ("INT8", [0, 2**40, -(2**40), 9223372036854775807, -9223372036854775807]),
    ],
)
def test_integers(cur: informix_db.Cursor, column_type: str, values: list[int]) -> None:
    assert_same(roundtrip(cur, column_type, values), values)


@pytest.mark.parametrize("columns", ["a SERIAL, b SERIAL8", "a SERIAL, b BIGSERIAL"])
def test_serial_types_fetch_as_int(cur: informix_db.Cursor, columns: str) -> None:
    # A table may have one SERIAL and one SERIAL8 or BIGSERIAL column.
    table = create_table(cur, f"{columns}, x INT")
    cur.execute(f"INSERT INTO {table} (x) VALUES (1)")
    cur.execute(f"SELECT a, b FROM {table}")
    row = cur.fetchone()
    assert all(type(v) is int and v >= 1 for v in row)
    assert all(d[1] == informix_db.NUMBER for d in cur.description or ())


def test_bool_binds_as_boolean_and_ints_do_not_become_bool(cur: informix_db.Cursor) -> None:
    assert_same(roundtrip(cur, "INTEGER", [1, 0]), [1, 0])


# ---------------------------------------------------------------------------
# floating point and exact numerics
# ---------------------------------------------------------------------------


def test_float(cur: informix_db.Cursor) -> None:
    values = [0.0, 1.5, -2.25, 1e308, -1e-308, 2.2250738585072014e-308, 3.141592653589793]
    assert_same(roundtrip(cur, "FLOAT", values), values)


def test_smallfloat(cur: informix_db.Cursor) -> None:
    # Values exact in 32 bits come back exactly, as Python floats.
    values = [0.0, 1.5, -2.25, 1024.0, 0.125]
    assert_same(roundtrip(cur, "SMALLFLOAT", values), values)


def test_decimal_32_digits(cur: informix_db.Cursor) -> None:
    values = [
        Decimal("1234567890123456789012.1234567890"),
        Decimal("-9999999999999999999999.9999999999"),
        Decimal("0E-10"),
        Decimal("0.0000000001"),
    ]
    got = roundtrip(cur, "DECIMAL(32,10)", values)
    assert got == values
    assert all(type(g) is Decimal for g in got)
    # All 32 digits survive (trailing fraction zeros are dropped, as in the reference).
    assert str(got[0]) == "1234567890123456789012.123456789"
    assert str(got[1]) == "-9999999999999999999999.9999999999"


def test_decimal_values_are_normalised_like_the_reference(cur: informix_db.Cursor) -> None:
    # informix-driver returns fraction digits without trailing zeros and integers in plain
    # form, whatever the column's scale: Decimal('12.5') from a DECIMAL(8,2) 12.50.
    got = roundtrip(cur, "DECIMAL(8,2)", [Decimal("12.5"), Decimal("-0.01"), 7, Decimal("0.00"),
                                           Decimal("-0.50"), 1200])  # fmt: skip
    assert [str(g) for g in got] == ["12.5", "-0.01", "7", "0", "-0.5", "1200"]


def test_decimal_rounds_to_column_scale(cur: informix_db.Cursor) -> None:
    got = roundtrip(cur, "DECIMAL(8,2)", [Decimal("1.234"), Decimal("1.235")])
    assert got[0] == Decimal("1.23")
    assert got[1] in (Decimal("1.24"), Decimal("1.23"))  # server rounding mode


def test_floating_decimal(cur: informix_db.Cursor) -> None:
    values = [Decimal("1.5"), Decimal("-123456789.123456789"), Decimal("1E+100"), Decimal("1E-100")]
    assert roundtrip(cur, "DECIMAL(32)", values) == values


def test_money(cur: informix_db.Cursor) -> None:
    values = [Decimal("1234.50"), Decimal("-0.99"), Decimal("99999999999999.99")]
    got = roundtrip(cur, "MONEY(16,2)", values)
    assert got == values
    assert [str(g) for g in got] == ["1234.5", "-0.99", "99999999999999.99"]


def test_int_and_float_into_decimal(cur: informix_db.Cursor) -> None:
    got = roundtrip(cur, "DECIMAL(24,4)", [5, 2**62, 0.5])
    assert got == [Decimal(5), Decimal(2**62), Decimal("0.5")]


def test_python_int_beyond_64_bits_binds_as_decimal(cur: informix_db.Cursor) -> None:
    big = 2**70
    assert roundtrip(cur, "DECIMAL(32,0)", [big, -big]) == [Decimal(big), Decimal(-big)]


# ---------------------------------------------------------------------------
# character types
# ---------------------------------------------------------------------------


def test_char_is_padded_and_returned_trimmed(cur: informix_db.Cursor) -> None:
    # CHAR is blank-padded on the server; values come back without the padding (as in the
    # reference driver). Padding is visible through LENGTH vs OCTET_LENGTH semantics.
    table = create_table(cur, "c CHAR(10)")
    cur.execute(f"INSERT INTO {table} VALUES (?)", ("ab",))
    cur.execute(f"SELECT c, c || '|' FROM {table}")
    assert cur.fetchone() == ("ab", "ab        |")
    assert_same(roundtrip(cur, "CHAR(5)", ["abcde", "a", ""]), ["abcde", "a", ""])


def test_varchar(cur: informix_db.Cursor) -> None:
    values = ["", "hello", "trailing  ", " leading", "x" * 255, "quote ' and \" marks"]
    assert_same(roundtrip(cur, "VARCHAR(255)", values), values)


def test_varchar_empty_string_is_not_null(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "v VARCHAR(10)")
    cur.execute(f"INSERT INTO {table} VALUES (?)", ("",))
    cur.execute(f"SELECT COUNT(*) FROM {table} WHERE v IS NULL")
    assert cur.fetchone() == (0,)


def test_lvarchar(cur: informix_db.Cursor) -> None:
    values = ["", "short", "x" * 2000, "y" * 30000]
    assert_same(roundtrip(cur, "LVARCHAR(32000)", values), values)


def test_nchar_and_nvarchar(cur: informix_db.Cursor) -> None:
    assert_same(roundtrip(cur, "NCHAR(8)", ["abc", "ünï"]), ["abc", "ünï"])
    assert_same(roundtrip(cur, "NVARCHAR(20)", ["abc", "café  "]), ["abc", "café  "])


def test_latin1_characters_round_trip(cur: informix_db.Cursor) -> None:
    values = ["café", "Ærø", "ÿ", "©®"]
    assert_same(roundtrip(cur, "VARCHAR(20)", values), values)


def test_utf8_locale(conn_params: ConnParams) -> None:
    with connect(conn_params, client_locale="en_US.utf8") as conn:
        cur = conn.cursor()
        values = ["€100", "日本語", "emoji 😀"]
        assert_same(roundtrip(cur, "VARCHAR(40)", values), values)


def test_text_literal_types(cur: informix_db.Cursor) -> None:
    cur.execute("SELECT 'abc', 42, 1.5 FROM systables WHERE tabid = 1")
    row = cur.fetchone()
    assert row[0] == "abc"
    assert row[1] == 42


# ---------------------------------------------------------------------------
# boolean
# ---------------------------------------------------------------------------


def test_boolean(cur: informix_db.Cursor) -> None:
    assert_same(roundtrip(cur, "BOOLEAN", [True, False]), [True, False])


def test_boolean_in_where(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT, b BOOLEAN")
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(1, True), (2, False), (3, None)])
    cur.execute(f"SELECT id FROM {table} WHERE b = ? ORDER BY id", (True,))
    assert cur.fetchall() == [(1,)]
    cur.execute(f"SELECT id FROM {table} WHERE b = 'f'")
    assert cur.fetchall() == [(2,)]


# ---------------------------------------------------------------------------
# dates, datetimes, intervals
# ---------------------------------------------------------------------------


def test_date_extremes(cur: informix_db.Cursor) -> None:
    values = [D(1, 1, 1), D(9999, 12, 31), D(1899, 12, 31), D(1900, 1, 1), D(2024, 2, 29),
              D(1970, 1, 1)]  # fmt: skip
    assert_same(roundtrip(cur, "DATE", values), values)


def test_datetime_year_to_second(cur: informix_db.Cursor) -> None:
    values = [DT(2024, 2, 29, 23, 59, 59), DT(1, 1, 1, 0, 0, 0), DT(9999, 12, 31, 23, 59, 59)]
    assert_same(roundtrip(cur, "DATETIME YEAR TO SECOND", values), values)


def test_datetime_year_to_fraction(cur: informix_db.Cursor) -> None:
    values = [DT(2024, 1, 15, 10, 30, 0, 123450), DT(2000, 6, 1, 0, 0, 0, 10)]
    got = roundtrip(cur, "DATETIME YEAR TO FRACTION(5)", values)
    # FRACTION(5) holds 10 microsecond steps.
    assert got == [DT(2024, 1, 15, 10, 30, 0, 123450), DT(2000, 6, 1, 0, 0, 0, 10)]
    got3 = roundtrip(cur, "DATETIME YEAR TO FRACTION(3)", [DT(2024, 1, 15, 10, 30, 0, 123456)])
    assert got3 == [DT(2024, 1, 15, 10, 30, 0, 123000)]


def test_datetime_year_to_day_is_a_date(cur: informix_db.Cursor) -> None:
    got = roundtrip(cur, "DATETIME YEAR TO DAY", [D(2024, 5, 17), DT(2024, 5, 18, 12, 0)])
    assert_same(got, [D(2024, 5, 17), D(2024, 5, 18)])


def test_datetime_year_to_minute(cur: informix_db.Cursor) -> None:
    got = roundtrip(cur, "DATETIME YEAR TO MINUTE", [DT(2024, 5, 17, 8, 45, 59)])
    assert_same(got, [DT(2024, 5, 17, 8, 45)])


def test_datetime_hour_to_second_is_a_time(cur: informix_db.Cursor) -> None:
    values = [T(0, 0, 0), T(23, 59, 59), T(12, 30, 15)]
    assert_same(roundtrip(cur, "DATETIME HOUR TO SECOND", values), values)


def test_datetime_hour_to_fraction(cur: informix_db.Cursor) -> None:
    values = [T(1, 2, 3, 450000)]
    assert_same(roundtrip(cur, "DATETIME HOUR TO FRACTION(5)", values), values)


def test_datetime_hour_to_minute(cur: informix_db.Cursor) -> None:
    assert_same(roundtrip(cur, "DATETIME HOUR TO MINUTE", [T(7, 15)]), [T(7, 15)])


def test_datetime_literal_qualifiers(cur: informix_db.Cursor) -> None:
    cur.execute(
        "SELECT DATETIME(2024-01-15 10:30:45) YEAR TO SECOND, "
        "DATETIME(10:30) HOUR TO MINUTE, DATETIME(2024-01-15) YEAR TO DAY "
        "FROM systables WHERE tabid = 1"
    )
    assert cur.fetchone() == (DT(2024, 1, 15, 10, 30, 45), T(10, 30), D(2024, 1, 15))
    assert all(d[1] == informix_db.DATETIME for d in cur.description or ())


def test_datetime_without_leading_fields(cur: informix_db.Cursor) -> None:
    # Fields a qualifier lacks are filled as the reference driver fills them: year 1,
    # January, day 1.
    got = roundtrip(cur, "DATETIME MONTH TO DAY", [D(2024, 5, 17)])
    assert_same(got, [D(1, 5, 17)])
    cur.execute(
        "SELECT DATETIME(17 08) DAY TO HOUR, DATETIME(05-17 10:30) MONTH TO MINUTE "
        "FROM systables WHERE tabid = 1"
    )
    assert cur.fetchone() == (DT(1, 1, 17, 8), DT(1, 5, 17, 10, 30))


def test_interval_day_to_second(cur: informix_db.Cursor) -> None:
    values = [TD(0), TD(days=3, hours=4, minutes=5, seconds=6), -TD(days=1, seconds=30),
              TD(days=999, seconds=86399)]  # fmt: skip
    assert_same(roundtrip(cur, "INTERVAL DAY(3) TO SECOND", values), values)


def test_interval_day_to_fraction(cur: informix_db.Cursor) -> None:
    values = [TD(days=1, microseconds=123450), -TD(microseconds=10)]
    assert_same(roundtrip(cur, "INTERVAL DAY(9) TO FRACTION(5)", values), values)


def test_interval_hour_to_minute(cur: informix_db.Cursor) -> None:
    values = [TD(hours=5, minutes=30), TD(hours=100)]
    assert_same(roundtrip(cur, "INTERVAL HOUR(3) TO MINUTE", values), values)


def test_interval_year_to_month(cur: informix_db.Cursor) -> None:
    ym = informix_db.IntervalYM
    values = [ym(0), ym(14), ym(-14), ym(12 * 9999 + 11)]
    got = roundtrip(cur, "INTERVAL YEAR(4) TO MONTH", values)
    assert_same(got, values)
    assert str(got[1]) == "1-02"
    assert got[2].years == -1
    assert got[2].remainder_months == -2


def test_interval_literals(cur: informix_db.Cursor) -> None:
    cur.execute(
        "SELECT INTERVAL(5 10:30) DAY TO MINUTE, INTERVAL(2-06) YEAR TO MONTH "
        "FROM systables WHERE tabid = 1"
    )
    assert cur.fetchone() == (TD(days=5, hours=10, minutes=30), informix_db.IntervalYM(30))


def test_datetime_arithmetic_results(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "a DATETIME YEAR TO SECOND, b DATETIME YEAR TO SECOND")
    cur.execute(f"INSERT INTO {table} VALUES (?, ?)", (DT(2024, 1, 2, 3, 4, 5), DT(2024, 1, 1)))
    cur.execute(f"SELECT a - b FROM {table}")
    assert cur.fetchone() == (TD(days=1, hours=3, minutes=4, seconds=5),)


# ---------------------------------------------------------------------------
# BYTE and TEXT
# ---------------------------------------------------------------------------


def test_byte(cur: informix_db.Cursor) -> None:
    values = [b"", b"\x00\x01\x02\xff", bytes(range(256)) * 400, bytearray(b"ba")]
    got = roundtrip(cur, "BYTE", values)
    assert got == [bytes(v) for v in values]
    assert all(type(g) is bytes for g in got)


def test_byte_in_description(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "b BYTE, t TEXT")
    cur.execute(f"SELECT b, t FROM {table}")
    assert cur.description is not None
    assert cur.description[0][1] == informix_db.BINARY
    assert cur.description[1][1] == informix_db.STRING


def test_memoryview_binds_as_byte(cur: informix_db.Cursor) -> None:
    assert roundtrip(cur, "BYTE", [memoryview(b"view")]) == [b"view"]


def test_text(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT, t TEXT")
    long_text = "line of text\n" * 5000
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)",
                    [(1, b"short"), (2, long_text.encode("latin-1")), (3, None)])  # fmt: skip
    cur.execute(f"SELECT t FROM {table} ORDER BY id")
    assert cur.fetchall() == [("short",), (long_text,), (None,)]


def test_many_rows_with_byte_columns(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT, b BYTE")
    rows = [(i, bytes([i % 256]) * (i * 7 % 300)) for i in range(300)]
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)
    cur.execute(f"SELECT id, b FROM {table} ORDER BY id")
    assert cur.fetchall() == rows


# ---------------------------------------------------------------------------
# smart large objects
# ---------------------------------------------------------------------------


def test_blob_and_clob_columns_fetch_as_locators(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT, b BLOB, c CLOB")
    cur.execute(f"INSERT INTO {table} (id) VALUES (1)")
    cur.execute(f"SELECT id, b, c FROM {table}")
    assert cur.fetchone() == (1, None, None)
    assert cur.description is not None
    assert cur.description[1][1] == informix_db.BINARY


def test_blob_write_and_read_helpers(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT, b BLOB, c CLOB")
    cur.write_blob_column(f"INSERT INTO {table} (id, b) VALUES (?, BLOB_PLACEHOLDER)",
                          b"\x00blob bytes\xff", (1,))  # fmt: skip
    cur.execute(f"SELECT b FROM {table} WHERE id = 1")
    (locator,) = cur.fetchone()
    assert isinstance(locator, informix_db.BlobLocator)
    data = cur.read_blob_column(f"SELECT b FROM {table} WHERE id = ?", (1,))
    assert data == b"\x00blob bytes\xff"
    cur.write_blob_column(f"INSERT INTO {table} (id, c) VALUES (?, BLOB_PLACEHOLDER)",
                          "clob text".encode("iso-8859-1"), (2,), clob=True)
    assert cur.read_blob_column(f"SELECT c FROM {table} WHERE id = ?", (2,)) == b"clob text"
    assert cur.read_blob_column(f"SELECT b FROM {table} WHERE id = ?", (99,)) is None


# ---------------------------------------------------------------------------
# everything at once, and NULL of every type in one row
# ---------------------------------------------------------------------------

ALL_TYPES = (
    "a SMALLINT, b INTEGER, c BIGINT, d INT8, e FLOAT, f SMALLFLOAT, g DECIMAL(10,3), "
    "h MONEY(8,2), i CHAR(4), j VARCHAR(10), k LVARCHAR(100), l NCHAR(4), m NVARCHAR(10), "
    "n BOOLEAN, o DATE, p DATETIME YEAR TO SECOND, q DATETIME HOUR TO MINUTE, "
    "r INTERVAL DAY TO SECOND, s INTERVAL YEAR TO MONTH, t BYTE, u TEXT"
)


def test_null_of_every_type(cur: informix_db.Cursor) -> None:
    table = create_table(cur, ALL_TYPES)
    cur.execute(f"INSERT INTO {table} VALUES ({', '.join(['?'] * 21)})", (None,) * 21)
    cur.execute(f"SELECT * FROM {table}")
    assert cur.fetchone() == (None,) * 21


def test_one_row_of_every_type(cur: informix_db.Cursor) -> None:
    table = create_table(cur, ALL_TYPES)
    row = (
        1, 2, 3, 4, 5.5, 6.5, Decimal("7.125"), Decimal("8.50"), "i", "j", "k", "l", "m",
        True, D(2024, 1, 2), DT(2024, 1, 2, 3, 4, 5), T(6, 7), TD(days=8, seconds=9),
        informix_db.IntervalYM(10), b"t", "u",
    )  # fmt: skip
    params = list(row)
    params[-1] = b"u"  # TEXT is bound as bytes (a BYTE-style blob stream)
    cur.execute(f"INSERT INTO {table} VALUES ({', '.join(['?'] * 21)})", params)
    cur.execute(f"SELECT * FROM {table}")
    got = cur.fetchone()
    assert got == row
    for g, w in zip(got, row, strict=True):
        assert type(g) is type(w)


def test_decimal_context_is_not_consulted(cur: informix_db.Cursor) -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 5
        got = roundtrip(cur, "DECIMAL(30,10)", [Decimal("12345678901234567890.0123456789")])
    assert got == [Decimal("12345678901234567890.0123456789")]
