"""Bad parameters fail with ProgrammingError/DataError before anything reaches the server.

"Nothing sent" is checked with the client's own wire counters: the number of round trips
(``_native.wire_stats``) does not move when a call is refused.
"""

# ruff: noqa: F811  (pytest fixtures imported from tests.dbapi_support)

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

import informix_db
from tests.conftest import ConnParams
from tests.dbapi_support import conn, connect, create_table  # noqa: F401  (fixtures)


def _round_trips(conn: informix_db.Connection) -> int:
    stats = conn._native.wire_stats
    assert stats is not None
    return int(stats[1])


@pytest.fixture
def table(conn: informix_db.Connection) -> str:
    cur = conn.cursor()
    name = create_table(cur, "i INT, s VARCHAR(10), d DECIMAL(10,2), b BYTE")
    conn.commit()
    return name


def _refused(
    conn: informix_db.Connection, sql: str, params: Any, cls: type[informix_db.Error]
) -> informix_db.Error:
    cur = conn.cursor()
    before = _round_trips(conn)
    with pytest.raises(cls) as info:
        cur.execute(sql, params)
    assert _round_trips(conn) == before, "the refused call reached the server"
    assert info.value.sqlcode is None  # ours, not the server's
    # The connection is still perfectly usable.
    cur.execute("SELECT tabid FROM systables WHERE tabid = ?", (1,))
    assert cur.fetchone() == (1,)
    return info.value


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("INSERT INTO {t} (i, s) VALUES (?, ?)", (1,)),
        ("INSERT INTO {t} (i) VALUES (?)", (1, 2)),
        ("INSERT INTO {t} (i) VALUES (?)", ()),
        ("INSERT INTO {t} (i) VALUES (?)", None),
        ("INSERT INTO {t} (i) VALUES (:1)", ()),
        ("INSERT INTO {t} (i, s) VALUES (:1, :3)", (1, "a")),
        ("INSERT INTO {t} (i, s) VALUES (:1, ?)", (1, "a")),
        ("SELECT i FROM {t} WHERE i = 1", (5,)),
    ],
    ids=[
        "too-few",
        "too-many",
        "none-given-empty",
        "none-given",
        "numeric-none",
        "numeric-gap",
        "mixed-styles",
        "no-markers",
    ],
)
def test_wrong_parameter_count(
    conn: informix_db.Connection, table: str, sql: str, params: Any
) -> None:
    _refused(conn, sql.format(t=table), params, informix_db.ProgrammingError)


class Opaque:
    pass


@pytest.mark.parametrize(
    "value",
    [object(), Opaque(), {1, 2}, [1, 2], {"a": 1}, 1 + 2j, datetime.UTC],
    ids=["object", "class", "set", "list", "dict", "complex", "tzinfo"],
)
def test_unsupported_parameter_type(conn: informix_db.Connection, table: str, value: Any) -> None:
    exc = _refused(
        conn, f"INSERT INTO {table} (i) VALUES (?)", (value,), informix_db.ProgrammingError
    )
    assert type(value).__name__ in str(exc)


def test_named_parameters_not_supported(conn: informix_db.Connection, table: str) -> None:
    # The reference driver raises NotSupportedError for a mapping, and so do we.
    _refused(conn, f"INSERT INTO {table} (i) VALUES (?)", {"i": 1}, informix_db.NotSupportedError)


def test_string_as_parameter_sequence(conn: informix_db.Connection, table: str) -> None:
    _refused(conn, f"INSERT INTO {table} (s) VALUES (?)", "x", informix_db.ProgrammingError)


@pytest.mark.parametrize(
    "value",
    [
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        Decimal("1" * 33),  # 33 significant digits: more than DECIMAL(32) holds
        Decimal("1E+200"),  # beyond DECIMAL's exponent range
        2**200 + 1,  # a Python int with 61 significant digits
        datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        informix_db.IntervalYM(12 * 10**9),  # more years than YEAR(9) holds
    ],
    ids=[
        "nan",
        "inf",
        "-inf",
        "33-digits",
        "exponent",
        "huge-int",
        "aware-datetime",
        "interval-ym",
    ],
)
def test_out_of_range_values(conn: informix_db.Connection, table: str, value: Any) -> None:
    _refused(conn, f"INSERT INTO {table} (d) VALUES (?)", (value,), informix_db.DataError)


def test_string_not_encodable_in_session_codeset(conn: informix_db.Connection, table: str) -> None:
    # The default CLIENT_LOCALE is ISO-8859-1: the euro sign has no byte there.
    exc = _refused(conn, f"INSERT INTO {table} (s) VALUES (?)", ("€5",), informix_db.DataError)
    assert "€5" not in str(exc) or "8859" in str(exc)


def test_string_too_long_for_the_protocol(conn: informix_db.Connection, table: str) -> None:
    _refused(conn, f"INSERT INTO {table} (s) VALUES (?)", ("x" * 70000,), informix_db.DataError)


def test_sql_text_not_encodable(conn: informix_db.Connection, table: str) -> None:
    cur = conn.cursor()
    before = _round_trips(conn)
    with pytest.raises(informix_db.Error):
        cur.execute(f"SELECT i FROM {table} WHERE s = '€'")
    assert _round_trips(conn) == before


def test_executemany_checks_every_row_before_sending(
    conn: informix_db.Connection, table: str
) -> None:
    cur = conn.cursor()
    before = _round_trips(conn)
    rows = [(1, "a"), (2, "b"), (3, object()), (4, "d")]
    with pytest.raises(informix_db.ProgrammingError) as info:
        cur.executemany(f"INSERT INTO {table} (i, s) VALUES (?, ?)", rows)
    assert "row 3" in str(info.value)
    rows2 = [(1, "a"), (2, "€")]
    with pytest.raises(informix_db.DataError) as info2:
        cur.executemany(f"INSERT INTO {table} (i, s) VALUES (?, ?)", rows2)
    assert "row 2" in str(info2.value)
    with pytest.raises(informix_db.ProgrammingError):
        cur.executemany(f"INSERT INTO {table} (i, s) VALUES (?, ?)", [(1,), (2,)])
    assert _round_trips(conn) == before
    cur.execute(f"SELECT COUNT(*) FROM {table}")
    assert cur.fetchone() == (0,)


def test_utf8_session_accepts_what_latin1_refuses(conn_params: ConnParams) -> None:
    with connect(conn_params, client_locale="en_US.utf8") as conn:
        cur = conn.cursor()
        name = create_table(cur, "s VARCHAR(20)")
        cur.execute(f"INSERT INTO {name} VALUES (?)", ("€5",))
        cur.execute(f"SELECT s FROM {name}")
        assert cur.fetchone() == ("€5",)


def test_values_at_the_edges_are_accepted(conn: informix_db.Connection, table: str) -> None:
    cur = conn.cursor()
    cur.execute(f"INSERT INTO {table} (i, s, d) VALUES (?, ?, ?)",
                (2147483647, "x" * 10, Decimal("99999999.99")))  # fmt: skip
    cur.execute(f"SELECT i, s, d FROM {table}")
    assert cur.fetchone() == (2147483647, "x" * 10, Decimal("99999999.99"))
