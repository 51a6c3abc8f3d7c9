"""PEP 249 Cursor: description, rowcount, lastrowid, execute*, fetch*, scroll, close, ..."""

# ruff: noqa: F811  (pytest fixtures imported from tests.dbapi_support)

from __future__ import annotations

from typing import Any

import pytest

import informix_db
from tests.dbapi_support import conn, create_table, cur  # noqa: F401  (fixtures)


@pytest.fixture
def numbers(cur: informix_db.Cursor) -> str:
    """A table holding id 1..10 with name 'n<id>'."""
    table = create_table(cur, "id INT NOT NULL, name VARCHAR(20)")
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(i, f"n{i}") for i in range(1, 11)])
    return table


# ---------------------------------------------------------------------------
# description
# ---------------------------------------------------------------------------


def test_description_is_none_before_execute_and_after_dml(
    cur: informix_db.Cursor, numbers: str
) -> None:
    fresh = cur.connection.cursor()
    assert fresh.description is None
    cur.execute(f"UPDATE {numbers} SET name = 'x' WHERE id = 1")
    assert cur.description is None


def test_description_seven_tuples(cur: informix_db.Cursor) -> None:
    table = create_table(
        cur,
        "i INTEGER NOT NULL, s SMALLINT, b BIGINT, f FLOAT, m MONEY(10,2), d DECIMAL(12,4), "
        "c CHAR(8), v VARCHAR(30), lv LVARCHAR(100), dt DATE, ts DATETIME YEAR TO SECOND, "
        "iv INTERVAL DAY TO SECOND, by BYTE, tx TEXT, bo BOOLEAN",
    )
    cur.execute(f"SELECT * FROM {table}")
    desc = cur.description
    assert desc is not None
    assert [d[0] for d in desc] == [
        "i", "s", "b", "f", "m", "d", "c", "v", "lv", "dt", "ts", "iv", "by", "tx", "bo",
    ]  # fmt: skip
    for column in desc:
        assert isinstance(column, tuple)
        assert len(column) == 7
        assert isinstance(column[0], str)
    by_name = {d[0]: d for d in desc}
    expected = {
        "i": informix_db.NUMBER, "s": informix_db.NUMBER, "b": informix_db.NUMBER,
        "f": informix_db.NUMBER, "m": informix_db.NUMBER, "d": informix_db.NUMBER,
        "c": informix_db.STRING, "v": informix_db.STRING, "lv": informix_db.STRING,
        "tx": informix_db.STRING, "dt": informix_db.DATETIME, "ts": informix_db.DATETIME,
        "iv": informix_db.DATETIME, "by": informix_db.BINARY,
    }  # fmt: skip
    for name, type_object in expected.items():
        assert by_name[name][1] == type_object, name
        for other in (informix_db.STRING, informix_db.BINARY, informix_db.NUMBER,
                      informix_db.DATETIME, informix_db.ROWID):  # fmt: skip
            if other is not type_object:
                assert by_name[name][1] != other, (name, other)
    assert by_name["i"][6] is False  # NOT NULL
    assert by_name["s"][6] is True
    assert by_name["d"][4:6] == (12, 4)  # precision, scale
    assert by_name["m"][4:6] == (10, 2)
    assert by_name["c"][3] == 8


def test_description_of_expressions(cur: informix_db.Cursor) -> None:
    cur.execute("SELECT tabid, tabname, 1 + 1 AS two FROM systables WHERE tabid = 1")
    assert cur.description is not None
    names = [d[0] for d in cur.description]
    assert names == ["tabid", "tabname", "two"]
    assert cur.description[0][1] == informix_db.NUMBER
    assert cur.description[1][1] == informix_db.STRING


def test_description_reset_by_failed_execute(cur: informix_db.Cursor) -> None:
    cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
    assert cur.description is not None
    with pytest.raises(informix_db.ProgrammingError):
        cur.execute("SELECT nope FROM no_such_table_anywhere")
    assert cur.description is None
    assert cur.rowcount == -1


# ---------------------------------------------------------------------------
# rowcount and lastrowid
# ---------------------------------------------------------------------------


def test_rowcount(cur: informix_db.Cursor, numbers: str) -> None:
    fresh = cur.connection.cursor()
    assert fresh.rowcount == -1
    cur.execute(f"INSERT INTO {numbers} VALUES (11, 'n11')")
    assert cur.rowcount == 1
    cur.execute(f"UPDATE {numbers} SET name = 'odd' WHERE MOD(id, 2) = 1")
    assert cur.rowcount == 6
    cur.execute(f"DELETE FROM {numbers} WHERE id > 8")
    assert cur.rowcount == 3
    cur.execute(f"UPDATE {numbers} SET name = 'none' WHERE id > 100")
    assert cur.rowcount == 0
    cur.execute(f"SELECT * FROM {numbers}")
    assert cur.rowcount in (-1, 8)  # known once the server has said
    assert len(cur.fetchall()) == 8
    assert cur.rowcount == 8


def test_rowcount_of_executemany(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT")
    cur.executemany(f"INSERT INTO {table} VALUES (?)", [(i,) for i in range(25)])
    assert cur.rowcount == 25
    cur.executemany(f"UPDATE {table} SET id = id + 100 WHERE id < ?", [(5,), (10,)])
    assert cur.rowcount == 10  # 5 rows, then 5 more (the first five are now >= 100)


@pytest.mark.parametrize("serial_type", ["SERIAL", "SERIAL8", "BIGSERIAL"])
def test_lastrowid_from_serial(cur: informix_db.Cursor, serial_type: str) -> None:
    table = create_table(cur, f"id {serial_type}, name VARCHAR(10)")
    assert cur.lastrowid is None
    cur.execute(f"INSERT INTO {table} (name) VALUES ('a')")
    first = cur.lastrowid
    assert isinstance(first, int)
    assert first >= 1
    cur.execute(f"INSERT INTO {table} (name) VALUES (?)", ("b",))
    assert cur.lastrowid == first + 1
    cur.execute(f"INSERT INTO {table} VALUES (0, 'c')")  # 0 = generate
    assert cur.lastrowid == first + 2
    cur.execute(f"INSERT INTO {table} VALUES (1000, 'd')")  # an explicit value is reported
    assert cur.lastrowid == 1000
    cur.execute(f"SELECT id FROM {table} WHERE name = 'd'")
    assert cur.fetchone() == (1000,)
    assert cur.lastrowid is None
    cur.execute(f"UPDATE {table} SET name = 'e' WHERE id = 1000")
    assert cur.lastrowid is None


def test_lastrowid_none_without_serial(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT")
    cur.execute(f"INSERT INTO {table} VALUES (5)")
    assert cur.lastrowid is None


# ---------------------------------------------------------------------------
# execute / executemany
# ---------------------------------------------------------------------------


def test_execute_with_qmark_and_numeric_placeholders(cur: informix_db.Cursor, numbers: str) -> None:
    cur.execute(f"SELECT name FROM {numbers} WHERE id = ?", (3,))
    assert cur.fetchall() == [("n3",)]
    cur.execute(f"SELECT name FROM {numbers} WHERE id = :1", [4])
    assert cur.fetchall() == [("n4",)]
    cur.execute(f"SELECT id FROM {numbers} WHERE id BETWEEN :1 AND :2 ORDER BY id", (2, 4))
    assert cur.fetchall() == [(2,), (3,), (4,)]
    # numeric placeholders may repeat and come in any order
    cur.execute(f"SELECT id FROM {numbers} WHERE id = :2 OR id = :1 OR id + 1 = :2 ORDER BY id",
                (1, 5))  # fmt: skip
    assert cur.fetchall() == [(1,), (4,), (5,)]


def test_placeholders_inside_literals_are_text(cur: informix_db.Cursor, numbers: str) -> None:
    cur.execute(f"SELECT '?', ':1', id FROM {numbers} WHERE id = ? -- a comment ?", (7,))
    assert cur.fetchall() == [("?", ":1", 7)]


def test_execute_returns_the_cursor(cur: informix_db.Cursor, numbers: str) -> None:
    assert cur.execute(f"SELECT COUNT(*) FROM {numbers}") is cur
    assert cur.fetchone() == (10,)


def test_execute_without_parameters_accepts_none_and_empty(
    cur: informix_db.Cursor, numbers: str
) -> None:
    empty: tuple[Any, ...] | list[Any] | None
    for empty in (None, (), []):
        cur.execute(f"SELECT COUNT(*) FROM {numbers}", empty)
        assert cur.fetchone() == (10,)


def test_executemany_inserts_every_row(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT, name VARCHAR(20)")
    rows = [(i, f"row {i}") for i in range(500)]
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)
    assert cur.rowcount == 500
    cur.execute(f"SELECT id, name FROM {table} ORDER BY id")
    assert cur.fetchall() == rows


def test_executemany_accepts_iterators_and_numeric_style(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT, name VARCHAR(20)")
    cur.executemany(f"INSERT INTO {table} VALUES (:1, :2)", ((i, str(i)) for i in range(3)))
    assert cur.rowcount == 3
    cur.executemany(f"INSERT INTO {table} (name, id) VALUES (:2, :1)", [(10, "ten")])
    cur.execute(f"SELECT name FROM {table} WHERE id = 10")
    assert cur.fetchone() == ("ten",)


def test_executemany_empty_sequence(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT")
    cur.executemany(f"INSERT INTO {table} VALUES (?)", [])
    assert cur.rowcount == 0


def test_executemany_reports_failing_row(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT PRIMARY KEY")
    with pytest.raises(informix_db.IntegrityError) as info:
        cur.executemany(f"INSERT INTO {table} VALUES (?)", [(1,), (2,), (2,), (3,)])
    assert info.value.sqlcode in (-239, -268)
    assert "row 3" in str(info.value)


def test_executemany_rejects_queries(cur: informix_db.Cursor, numbers: str) -> None:
    with pytest.raises(informix_db.Error):
        cur.executemany(f"SELECT * FROM {numbers} WHERE id = ?", [(1,), (2,)])
    cur.execute(f"SELECT COUNT(*) FROM {numbers}")  # still usable
    assert cur.fetchone() == (10,)


def test_executemany_rows_of_different_widths(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT, name VARCHAR(10)")
    with pytest.raises(informix_db.ProgrammingError):
        cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(1, "a"), (2,)])
    cur.execute(f"SELECT COUNT(*) FROM {table}")
    assert cur.fetchone() == (0,)


def test_non_string_operation(cur: informix_db.Cursor) -> None:
    with pytest.raises(informix_db.ProgrammingError):
        cur.execute(b"SELECT 1 FROM systables")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# fetching
# ---------------------------------------------------------------------------


def test_fetch_before_execute_and_after_dml_raises(cur: informix_db.Cursor, numbers: str) -> None:
    fresh = cur.connection.cursor()
    for method in (fresh.fetchone, fresh.fetchall, fresh.fetchmany):
        with pytest.raises(informix_db.Error):
            method()
    cur.execute(f"DELETE FROM {numbers} WHERE id = 10")
    with pytest.raises(informix_db.Error):
        cur.fetchone()


def test_fetchone_fetchmany_fetchall(cur: informix_db.Cursor, numbers: str) -> None:
    cur.execute(f"SELECT id FROM {numbers} ORDER BY id")
    assert cur.fetchone() == (1,)
    assert cur.arraysize == 1
    assert cur.fetchmany() == [(2,)]
    assert cur.fetchmany(3) == [(3,), (4,), (5,)]
    cur.arraysize = 2
    assert cur.fetchmany() == [(6,), (7,)]
    assert cur.fetchall() == [(8,), (9,), (10,)]
    assert cur.fetchone() is None
    assert cur.fetchmany(5) == []
    assert cur.fetchall() == []


def test_rows_are_tuples(cur: informix_db.Cursor, numbers: str) -> None:
    cur.execute(f"SELECT id, name FROM {numbers} WHERE id = 1")
    row = cur.fetchone()
    assert type(row) is tuple
    assert row == (1, "n1")


def test_empty_result(cur: informix_db.Cursor, numbers: str) -> None:
    cur.execute(f"SELECT id FROM {numbers} WHERE id < 0")
    assert cur.description is not None
    assert cur.fetchone() is None
    assert cur.fetchall() == []
    assert cur.rowcount == 0


def test_iteration(cur: informix_db.Cursor, numbers: str) -> None:
    cur.execute(f"SELECT id FROM {numbers} ORDER BY id")
    assert iter(cur) is cur
    assert [r[0] for r in cur] == list(range(1, 11))
    cur.execute(f"SELECT id FROM {numbers} ORDER BY id")
    assert next(cur) == (1,)
    assert [r for (r,) in cur][:2] == [2, 3]


def test_large_result_streams_in_batches(cur: informix_db.Cursor) -> None:
    table = create_table(cur, "id INT, pad CHAR(100)")
    n = 5000
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(i, "x" * 100) for i in range(n)])
    cur.execute(f"SELECT id, pad FROM {table} ORDER BY id")
    seen = 0
    for expected, (value, pad) in enumerate(cur):
        assert value == expected
        assert pad == "x" * 100
        seen += 1
    assert seen == n
    assert cur.rowcount == n
    cur.execute(f"SELECT id FROM {table} ORDER BY id")
    head = cur.fetchmany(10)
    rest = cur.fetchall()
    assert [r[0] for r in head + rest] == list(range(n))


def test_two_cursors_interleave_on_one_connection(conn: informix_db.Connection) -> None:
    cur = conn.cursor()
    table = create_table(cur, "id INT")
    cur.executemany(f"INSERT INTO {table} VALUES (?)", [(i,) for i in range(3000)])
    a = conn.cursor()
    b = conn.cursor()
    a.execute(f"SELECT id FROM {table} ORDER BY id")
    first = a.fetchmany(5)
    b.execute(f"SELECT COUNT(*) FROM {table}")  # needs the wire while a is mid-stream
    assert b.fetchone() == (3000,)
    b.execute(f"UPDATE {table} SET id = id WHERE id = 0")
    rest = a.fetchall()
    assert [r[0] for r in first + rest] == list(range(3000))


def test_row_factory_row(conn: informix_db.Connection, numbers: str) -> None:
    conn.row_factory = informix_db.Row
    cur = conn.cursor()
    cur.execute(f"SELECT id, name FROM {numbers} WHERE id = 2")
    row = cur.fetchone()
    assert row == (2, "n2")
    assert row.id == 2
    assert row["name"] == "n2"
    plain = conn.cursor()
    plain.row_factory = None  # overridable per cursor, as in the reference
    plain.execute(f"SELECT id, name FROM {numbers} WHERE id = 2")
    assert type(plain.fetchone()) is tuple


# ---------------------------------------------------------------------------
# scrolling
# ---------------------------------------------------------------------------


def test_scroll_on_a_forward_cursor(cur: informix_db.Cursor, numbers: str) -> None:
    cur.execute(f"SELECT id FROM {numbers} ORDER BY id")
    assert cur.fetchone() == (1,)
    cur.scroll(2)
    assert cur.fetchone() == (4,)
    cur.scroll(-2)
    assert cur.fetchone() == (3,)
    cur.scroll(0, mode="absolute")
    assert cur.fetchone() == (1,)
    cur.scroll(9, mode="absolute")
    assert cur.fetchone() == (10,)
    assert cur.fetchone() is None
    with pytest.raises(IndexError):
        cur.scroll(5)
    with pytest.raises(IndexError):
        cur.scroll(-1, mode="absolute")
    with pytest.raises(IndexError):
        cur.scroll(11, mode="absolute")
    with pytest.raises(informix_db.ProgrammingError):
        cur.scroll(1, mode="sideways")


@pytest.mark.parametrize("scrollable", [False, True])
def test_fetch_first_last_prior_absolute_relative(
    conn: informix_db.Connection, numbers: str, scrollable: bool
) -> None:
    # Positions as in the reference driver: rownumber is the 0-based index of the row
    # last fetched, fetch_absolute is 0-based (negative from the end), and a target
    # outside the result returns None without moving.
    cur = conn.cursor(scrollable=scrollable)
    cur.execute(f"SELECT id FROM {numbers} ORDER BY id")
    assert cur.rownumber is None
    assert cur.fetch_last() == (10,)
    assert cur.rownumber == 9
    assert cur.fetch_first() == (1,)
    assert cur.rownumber == 0
    assert cur.fetchone() == (2,)
    assert cur.fetch_absolute(4) == (5,)
    assert cur.fetch_prior() == (4,)
    assert cur.fetch_relative(3) == (7,)
    assert cur.fetch_relative(-6) == (1,)
    assert cur.fetch_absolute(-1) == (10,)
    assert cur.fetch_absolute(-10) == (1,)
    assert cur.fetch_absolute(10) is None
    assert cur.fetch_absolute(-11) is None
    assert cur.fetch_relative(-1) is None
    assert cur.rownumber == 0  # unchanged by the misses
    assert cur.fetch_absolute(2) == (3,)
    assert cur.fetchall() == [(4,), (5,), (6,), (7,), (8,), (9,), (10,)]
    cur.scroll(2, mode="absolute")
    assert cur.fetchone() == (3,)
    cur.scroll(1)
    assert cur.fetchone() == (5,)
    assert cur.fetch_prior() == (4,)
    assert cur.fetch_prior() == (3,)
    cur.scroll(0, mode="absolute")
    assert cur.fetch_prior() is None
    assert cur.rownumber is None
    assert cur.fetchone() == (1,)
    cur.close()


def test_fetch_prior_after_running_off_the_end(cur: informix_db.Cursor, numbers: str) -> None:
    cur.execute(f"SELECT id FROM {numbers} ORDER BY id")
    assert len(cur.fetchall()) == 10
    assert cur.rownumber == 10  # past the last row
    assert cur.fetch_prior() == (10,)
    assert cur.rownumber == 9


def test_scrolling_back_into_released_rows_is_refused(cur: informix_db.Cursor) -> None:
    # A forward-only cursor streams: rows of batches already consumed are gone.
    table = create_table(cur, "id INT, pad CHAR(200)")
    cur.executemany(f"INSERT INTO {table} VALUES (?, 'x')", [(i,) for i in range(3000)])
    cur.execute(f"SELECT id, pad FROM {table} ORDER BY id")
    for _ in range(2500):
        cur.fetchone()
    assert cur.rownumber == 2499
    with pytest.raises(informix_db.NotSupportedError):
        cur.fetch_absolute(0)
    assert cur.fetch_last()[0] == 2999
    assert cur.fetch_relative(-1)[0] == 2998
    scroller = cur.connection.cursor(scrollable=True)
    scroller.execute(f"SELECT id FROM {table} ORDER BY id")
    assert scroller.fetch_absolute(2999) == (2999,)
    assert scroller.fetch_absolute(0) == (0,)


def test_scrollable_cursor_and_another_statement(
    conn: informix_db.Connection, numbers: str
) -> None:
    scroller = conn.cursor(scrollable=True)
    scroller.execute(f"SELECT id FROM {numbers} ORDER BY id")
    assert scroller.fetch_absolute(3) == (4,)
    other = conn.cursor()
    other.execute(f"SELECT COUNT(*) FROM {numbers}")
    assert other.fetchone() == (10,)
    # One open cursor per session: the scroll cursor is either still usable or says why.
    try:
        row = scroller.fetch_absolute(4)
    except informix_db.Error:
        pass
    else:
        assert row == (5,)


# ---------------------------------------------------------------------------
# close, context manager, extras
# ---------------------------------------------------------------------------


def test_close(cur: informix_db.Cursor, numbers: str) -> None:
    cur.execute(f"SELECT id FROM {numbers}")
    cur.close()
    assert cur.closed
    cur.close()  # idempotent
    with pytest.raises(informix_db.InterfaceError):
        cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
    with pytest.raises(informix_db.InterfaceError):
        cur.fetchone()
    with pytest.raises(informix_db.InterfaceError):
        cur.executemany("SELECT tabid FROM systables WHERE tabid = ?", [(1,)])


def test_close_mid_result_leaves_connection_usable(
    conn: informix_db.Connection, numbers: str
) -> None:
    a = conn.cursor()
    a.execute(f"SELECT id FROM {numbers} ORDER BY id")
    assert a.fetchone() == (1,)
    a.close()
    b = conn.cursor()
    b.execute(f"SELECT COUNT(*) FROM {numbers}")
    assert b.fetchone() == (10,)


def test_cursor_context_manager(conn: informix_db.Connection, numbers: str) -> None:
    with conn.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {numbers}")
        assert cur.fetchone() == (10,)
    assert cur.closed


def test_setinputsizes_and_setoutputsize_are_accepted(cur: informix_db.Cursor) -> None:
    cur.setinputsizes([int, str])
    cur.setoutputsize(1000)
    cur.setoutputsize(1000, 0)
    cur.execute("SELECT tabid FROM systables WHERE tabid = ?", (1,))
    assert cur.fetchone() == (1,)


def test_callproc_runs_execute_procedure(cur: informix_db.Cursor) -> None:
    # The test server has no SPL; an unknown routine proves the call reached the server
    # as EXECUTE PROCEDURE with its parameters bound.
    with pytest.raises(informix_db.ProgrammingError) as info:
        cur.callproc("no_such_routine", (1, "a"))
    assert info.value.sqlcode == -674
    with pytest.raises(informix_db.ProgrammingError) as info:
        cur.callproc("no_such_routine")
    assert info.value.sqlcode == -674


def test_callproc_returns_parameters() -> None:
    class Recorder(informix_db.Cursor):
        def __init__(self) -> None:  # no connection needed
            self.sql: list[tuple[str, object]] = []

        def execute(self, operation: str, parameters: Any = None) -> Recorder:
            self.sql.append((operation, parameters))
            return self

    rec = Recorder()
    params = (1, "two")
    assert rec.callproc("proc", params) == params
    assert rec.sql == [("EXECUTE PROCEDURE proc(?, ?)", (1, "two"))]
