"""SET, MULTISET, LIST and ROW columns: DDL, literals, constructors, NULLs, DESCRIBE.

The server sends each value as the textual body real servers use with default
options (``SET{1          ,2          }``, ``ROW('Alice',30         )``); the driver
surfaces it undecoded as :class:`informix_db.RowValue` /
:class:`informix_db.CollectionValue` with the DESCRIBE extended name as schema.
"""

# ruff: noqa: F811  (pytest fixtures imported from tests.dbapi_support)

from __future__ import annotations

import informix_db
from tests.dbapi_support import conn, create_table, cur  # noqa: F401  (fixtures)

COLUMNS = (
    "id INT, s SET(INT NOT NULL), m MULTISET(VARCHAR(10) NOT NULL), "
    "l LIST(INTEGER NOT NULL), r ROW(name VARCHAR(10), age INT)"
)


def test_description_type_codes(cur: informix_db.Cursor) -> None:
    table = create_table(cur, COLUMNS)
    cur.execute(f"SELECT s, m, l, r FROM {table}")
    assert cur.description is not None
    assert [d[1] for d in cur.description] == [19, 20, 21, 22]
    assert cur.fetchall() == []


def test_literals_constructors_and_nulls(cur: informix_db.Cursor) -> None:
    table = create_table(cur, COLUMNS)
    cur.execute(
        f"INSERT INTO {table} VALUES "
        "(1, SET{3, 1, 3}, MULTISET{'x', 'y', 'x'}, LIST{10, 20, 30}, ROW('Alice', 30))"
    )
    cur.execute(
        f"INSERT INTO {table} VALUES (2, 'SET{{5}}', 'MULTISET{{}}', 'LIST{{1,2}}', 'ROW(''Bob'', 4)')"
    )
    cur.execute(f"INSERT INTO {table} VALUES (3, NULL, NULL, NULL, NULL)")
    cur.execute(f"SELECT s, m, l, r FROM {table} ORDER BY id")
    rows = cur.fetchall()
    assert rows[0] == (
        informix_db.CollectionValue(b"SET{3          ,1          }", "set", "SET(integer not null)"),
        informix_db.CollectionValue(
            b"MULTISET{'x','y','x'}", "multiset", "MULTISET(varchar(10) not null)"
        ),
        informix_db.CollectionValue(
            b"LIST{10         ,20         ,30         }", "list", "LIST(integer not null)"
        ),
        informix_db.RowValue(b"ROW('Alice',30         )", "ROW(name varchar(10),age integer)"),
    )
    assert rows[1] == (
        informix_db.CollectionValue(b"SET{5          }", "set", "SET(integer not null)"),
        informix_db.CollectionValue(b"MULTISET{}", "multiset", "MULTISET(varchar(10) not null)"),
        informix_db.CollectionValue(b"LIST{1          ,2          }", "list", "LIST(integer not null)"),
        informix_db.RowValue(b"ROW('Bob',4          )", "ROW(name varchar(10),age integer)"),
    )
    assert rows[2] == (None, None, None, None)


def test_whole_value_equality(cur: informix_db.Cursor) -> None:
    table = create_table(cur, COLUMNS)
    cur.execute(f"INSERT INTO {table} (id, s, l, r) VALUES (1, SET{{1, 2}}, LIST{{1, 2}}, ROW('a', 1))")
    cur.execute(f"INSERT INTO {table} (id, s, l, r) VALUES (2, SET{{3}}, LIST{{2, 1}}, ROW('b', 2))")

    def ids(where: str) -> list[int]:
        cur.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY id")
        return [r[0] for r in cur.fetchall()]

    assert ids("s = SET{2, 1}") == [1]
    assert ids("l = LIST{2, 1}") == [2]
    assert ids("r = ROW('b', 2)") == [2]
    assert ids("s <> SET{3}") == [1]


def test_constructor_in_select_list(cur: informix_db.Cursor) -> None:
    cur.execute("SELECT LIST{'a', 'bc'}, ROW(1, 'x') FROM systables WHERE tabid = 1")
    assert cur.description is not None
    assert [d[1] for d in cur.description] == [21, 22]
    assert cur.fetchone() == (
        informix_db.CollectionValue(b"LIST{'a','bc'}", "list", "LIST(varchar(2) not null)"),
        informix_db.RowValue(b"ROW(1          ,'x')", "ROW(field1 integer,field2 varchar(1))"),
    )


def test_fetched_values_bind_back(cur: informix_db.Cursor) -> None:
    """A RowValue / CollectionValue is a parameter too: it is sent as its text form."""
    table = create_table(cur, COLUMNS)
    cur.execute(
        f"INSERT INTO {table} VALUES "
        "(1, SET{3, 1}, MULTISET{'x'}, LIST{10, 20}, ROW('Alice', 30))"
    )
    cur.execute(f"SELECT s, m, l, r FROM {table} WHERE id = 1")
    values = cur.fetchone()
    cur.execute(f"INSERT INTO {table} VALUES (2, ?, ?, ?, ?)", values)
    cur.execute(f"SELECT s, m, l, r FROM {table} WHERE id = 2")
    assert cur.fetchone() == values
    cur.execute(f"SELECT COUNT(*) FROM {table} WHERE s = ? AND r = ?", (values[0], values[3]))
    assert cur.fetchone() == (2,)
