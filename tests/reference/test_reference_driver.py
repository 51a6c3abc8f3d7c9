"""Conformance: the unmodified reference driver must work against our server.

Each test is a short script written only against ``informix-driver``'s
public API (``connect``, cursors, ``create_pool``, ``aio``), run in its own
virtualenv by the ``run_reference`` fixture. A failing assertion inside a
script fails the test with the script's traceback.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from tests.reference.conftest import RunReference

# Tests that use the server are also marked ``integration`` by tests/conftest.py.
pytestmark = pytest.mark.reference


def test_reference_driver_is_installed(reference_python: Path) -> None:
    """The venv works even before a server exists."""
    out = subprocess.run(
        [str(reference_python), "-I", "-c", "import informix_db; print(informix_db.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "2026.9.3"


# ---------------------------------------------------------------------------
# login
# ---------------------------------------------------------------------------


def test_login_ok(run_reference: RunReference) -> None:
    run_reference(
        """
        conn = connect()
        assert not conn.closed
        conn.close()
        assert conn.closed
        with connect(user="app", password="secret") as conn2:
            cur = conn2.cursor()
            cur.execute("SELECT 1 FROM systables WHERE tabid = 1")
            assert cur.fetchone() == (1,)
        """
    )


def test_login_without_database(run_reference: RunReference) -> None:
    run_reference(
        """
        conn = connect(database=None)
        conn.close()
        """
    )


def test_login_bad_password(run_reference: RunReference) -> None:
    run_reference(
        """
        try:
            connect(password="definitely-wrong")
        except informix_db.OperationalError as exc:
            print("raised:", repr(exc))
        else:
            raise AssertionError("bad password was accepted")
        """
    )


def test_login_unknown_user(run_reference: RunReference) -> None:
    run_reference(
        """
        try:
            connect(user="nobody", password="x")
        except informix_db.OperationalError as exc:
            print("raised:", repr(exc))
        else:
            raise AssertionError("unknown user was accepted")
        """
    )


def test_login_unknown_database(run_reference: RunReference) -> None:
    # SQ_DBOPEN answers SQ_ERR -329, which the reference classifies as
    # NotSupportedError and annotates with the structured fields.
    run_reference(
        """
        try:
            connect(database="no_such_db")
        except informix_db.DatabaseError as exc:
            assert isinstance(exc, informix_db.NotSupportedError), repr(exc)
            assert exc.sqlcode == -329, exc.sqlcode
            assert str(exc).startswith("[-329] "), str(exc)
        else:
            raise AssertionError("unknown database was accepted")
        """
    )


def test_login_wrong_server_name(run_reference: RunReference) -> None:
    run_reference(
        """
        try:
            connect(server="not_this_server")
        except informix_db.OperationalError as exc:
            print("raised:", repr(exc))
        else:
            raise AssertionError("wrong INFORMIXSERVER name was accepted")
        """
    )


# ---------------------------------------------------------------------------
# queries and types
# ---------------------------------------------------------------------------


def test_select_one(run_reference: RunReference) -> None:
    run_reference(
        """
        with connect() as conn:
            cur = conn.cursor()
            cur.execute("SELECT 1 FROM systables WHERE tabid = 1")
            assert cur.description is not None and len(cur.description) == 1
            assert cur.fetchone() == (1,)
            assert cur.fetchone() is None
            cur.execute("SELECT tabid, tabname FROM systables WHERE tabid = ?", (1,))
            row = cur.fetchone()
            assert row[0] == 1 and row[1].strip() == "systables", row
            cur.close()
        """
    )


def test_row_factory_row(run_reference: RunReference) -> None:
    run_reference(
        """
        with connect(row_factory=informix_db.Row) as conn:
            cur = conn.cursor()
            cur.execute("SELECT tabid, tabname FROM systables WHERE tabid = 1")
            row = cur.fetchone()
            assert row.tabid == 1 and row["tabid"] == 1 and row[0] == 1, row
            assert row.keys() == ("tabid", "tabname"), row.keys()
        """
    )


@dataclasses.dataclass(frozen=True)
class TypeCase:
    """One column type: values to bind (Python source) and what comes back."""

    coldef: str
    values: str
    expected: str
    type_code: int
    literal: bool = False  # values are SQL literals, not bound parameters


TYPE_CASES: dict[str, TypeCase] = {
    "int": TypeCase("INT", "[0, -2147483647, 2147483647, None]", "VALUES", 2),
    "smallint": TypeCase("SMALLINT", "[7, -32767, 32767, None]", "VALUES", 1),
    "bigint": TypeCase("BIGINT", "[2**40, -(2**63) + 1, 2**63 - 1, 5, None]", "VALUES", 52),
    "int8": TypeCase("INT8", "[123456789012, -123456789012, 42, None]", "VALUES", 17),
    "serial": TypeCase("SERIAL", "[0, 10, 0]", "[1, 10, 11]", 6),
    "float": TypeCase("FLOAT", "[3.141592653589793, -1e300, 0.0, None]", "VALUES", 3),
    "smallfloat": TypeCase("SMALLFLOAT", "[1.5, -0.25, None]", "VALUES", 4),
    "decimal": TypeCase(
        "DECIMAL(16,2)",
        "[Decimal('12345.67'), Decimal('-0.05'), Decimal('99999999999999.99'), None]",
        "VALUES",
        5,
    ),
    "money": TypeCase("MONEY", "[Decimal('99.95'), Decimal('-1.10'), None]", "VALUES", 8),
    "char": TypeCase(
        "CHAR(10)", "['abc', '', 'ten chars!', None]", "['abc', '', 'ten chars!', None]", 0
    ),
    "varchar": TypeCase("VARCHAR(50)", "['hello world', '', None]", "VALUES", 13),
    "lvarchar": TypeCase("LVARCHAR", "['lv' * 500, 'x', None]", "VALUES", 40),
    "nchar": TypeCase("NCHAR(10)", "['nch', None]", "VALUES", 15),
    "boolean": TypeCase("BOOLEAN", "[True, False, None]", "VALUES", 41),
    "date": TypeCase(
        "DATE", "[date(2024, 2, 29), date(1899, 12, 31), date(1, 1, 1), None]", "VALUES", 7
    ),
    "datetime_y2s": TypeCase(
        "DATETIME YEAR TO SECOND",
        "[datetime(2024, 1, 2, 3, 4, 5), datetime(1999, 12, 31, 23, 59, 59), None]",
        "VALUES",
        10,
    ),
    "datetime_y2f5": TypeCase(
        "DATETIME YEAR TO FRACTION(5)",
        "[datetime(2024, 1, 2, 3, 4, 5, 123450), datetime(2024, 1, 2, 3, 4, 5), None]",
        "VALUES",
        10,
    ),
    "datetime_h2m": TypeCase(
        "DATETIME HOUR TO MINUTE",
        "['DATETIME(10:30) HOUR TO MINUTE', 'DATETIME(00:00) HOUR TO MINUTE', 'NULL']",
        "[time(10, 30), time(0, 0), None]",
        10,
        literal=True,
    ),
    "interval_d2s": TypeCase(
        "INTERVAL DAY TO SECOND",
        "[timedelta(days=3, hours=4, minutes=5, seconds=6), -timedelta(hours=1), None]",
        "VALUES",
        14,
    ),
    "interval_y2m": TypeCase(
        "INTERVAL YEAR TO MONTH",
        "[informix_db.IntervalYM(14), informix_db.IntervalYM(-5), None]",
        "VALUES",
        14,
    ),
    "byte": TypeCase("BYTE", "[bytes(range(256)) * 5, b'x', None]", "VALUES", 11),
    # The reference binds every bytes value as BYTE; TEXT comes back as str.
    "text": TypeCase(
        "TEXT",
        "[b'plain text body', b'x' * 3000, None]",
        "['plain text body', 'x' * 3000, None]",
        12,
    ),
}


@pytest.mark.parametrize("name", sorted(TYPE_CASES))
def test_type_round_trip(run_reference: RunReference, name: str) -> None:
    case = TYPE_CASES[name]
    expected = case.values if case.expected == "VALUES" else case.expected
    if case.literal:
        insert = 'cur.execute(f"INSERT INTO {TABLE} VALUES ({i}, {v})")'
    else:
        insert = 'cur.execute(f"INSERT INTO {TABLE} VALUES (?, ?)", (i, v))'
    run_reference(
        f"""
        from datetime import date, datetime, time, timedelta
        from decimal import Decimal

        TABLE = "ref_rt_{name}"
        with connect(autocommit=True) as conn:
            cur = conn.cursor()
            drop_table(cur, TABLE)
            cur.execute(f"CREATE TABLE {{TABLE}} (id INT, v {case.coldef})")
            for i, v in enumerate({case.values}):
                {insert}
            cur.execute(f"SELECT v FROM {{TABLE}} ORDER BY id")
            desc = cur.description
            assert desc[0][0] == "v", desc
            assert desc[0][1] == {case.type_code}, ("type_code", desc)
            got = [row[0] for row in cur.fetchall()]
            expected = {expected}
            assert got == expected, ("got", got, "expected", expected)
            assert [type(g) for g in got] == [type(e) for e in expected], got
            drop_table(cur, TABLE)
        """
    )


def test_multi_type_row_and_nulls(run_reference: RunReference) -> None:
    run_reference(
        """
        from datetime import date
        from decimal import Decimal

        TABLE = "ref_multi"
        with connect(autocommit=True) as conn:
            cur = conn.cursor()
            drop_table(cur, TABLE)
            cur.execute(
                f"CREATE TABLE {TABLE} (id SERIAL PRIMARY KEY, n INT, s VARCHAR(20),"
                " d DATE, m DECIMAL(10,3), f FLOAT)"
            )
            rows = [
                (1, "one", date(2020, 1, 1), Decimal("1.500"), 0.5),
                (None, None, None, None, None),
                (3, "three", date(2021, 6, 30), Decimal("-3.125"), -2.0),
            ]
            for r in rows:
                cur.execute(f"INSERT INTO {TABLE} (n, s, d, m, f) VALUES (?, ?, ?, ?, ?)", r)
            cur.execute(f"SELECT n, s, d, m, f FROM {TABLE} ORDER BY id")
            got = cur.fetchall()
            assert got == rows, got
            assert [d[6] for d in cur.description] == [True] * 5, cur.description
            cur.execute(f"SELECT id FROM {TABLE} ORDER BY id")
            assert cur.description[0][6] is False, cur.description
            assert [r[0] for r in cur.fetchall()] == [1, 2, 3]
            cur.execute(f"UPDATE {TABLE} SET n = n + 1 WHERE n IS NOT NULL")
            assert cur.rowcount == 2, cur.rowcount
            cur.execute(f"DELETE FROM {TABLE} WHERE n IS NULL")
            assert cur.rowcount == 1, cur.rowcount
            drop_table(cur, TABLE)
        """
    )


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------


def test_syntax_error(run_reference: RunReference) -> None:
    run_reference(
        """
        with connect() as conn:
            cur = conn.cursor()
            try:
                cur.execute("SELEC 1 FROM systables")
            except informix_db.ProgrammingError as exc:
                assert exc.sqlcode == -201, exc.sqlcode
                assert str(exc).startswith("[-201] A syntax error has occurred"), str(exc)
            else:
                raise AssertionError("syntax error not raised")
            # The connection stays usable after a statement error.
            cur.execute("SELECT 1 FROM systables WHERE tabid = 1")
            assert cur.fetchone() == (1,)
        """
    )


def test_missing_table(run_reference: RunReference) -> None:
    run_reference(
        """
        with connect() as conn:
            cur = conn.cursor()
            try:
                cur.execute("SELECT * FROM no_such_table_xyz")
            except informix_db.ProgrammingError as exc:
                assert exc.sqlcode == -206, exc.sqlcode
                assert "-206" in str(exc)
            else:
                raise AssertionError("-206 not raised")
            cur.execute("SELECT 1 FROM systables WHERE tabid = 1")
            assert cur.fetchone() == (1,)
        """
    )


def test_duplicate_key(run_reference: RunReference) -> None:
    run_reference(
        """
        TABLE = "ref_dup"
        with connect(autocommit=True) as conn:
            cur = conn.cursor()
            drop_table(cur, TABLE)
            cur.execute(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, v INT)")
            cur.execute(f"CREATE UNIQUE INDEX ref_dup_v ON {TABLE} (v)")
            cur.execute(f"INSERT INTO {TABLE} VALUES (?, ?)", (1, 10))
            for params in ((1, 20), (2, 10)):
                try:
                    cur.execute(f"INSERT INTO {TABLE} VALUES (?, ?)", params)
                except informix_db.IntegrityError as exc:
                    assert exc.sqlcode in (-239, -268), exc.sqlcode
                    print(params, repr(exc))
                else:
                    raise AssertionError(f"duplicate {params} accepted")
            cur.execute(f"SELECT COUNT(*) FROM {TABLE}")
            assert cur.fetchone() == (1,)
            drop_table(cur, TABLE)
        """
    )


# ---------------------------------------------------------------------------
# transactions
# ---------------------------------------------------------------------------


def test_commit_and_rollback_visibility(run_reference: RunReference) -> None:
    run_reference(
        """
        TABLE = "ref_tx"
        with connect(autocommit=True) as setup:
            cur = setup.cursor()
            drop_table(cur, TABLE)
            cur.execute(f"CREATE TABLE {TABLE} (id INT)")

        conn = connect()  # autocommit off: the driver opens transactions itself
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {TABLE} VALUES (?)", (1,))
        cur.execute(f"SELECT COUNT(*) FROM {TABLE}")
        assert cur.fetchone() == (1,), "own uncommitted row must be visible"
        conn.rollback()
        cur.execute(f"SELECT COUNT(*) FROM {TABLE}")
        assert cur.fetchone() == (0,), "rollback did not discard the insert"

        cur.execute(f"INSERT INTO {TABLE} VALUES (?)", (2,))
        conn.commit()
        conn.rollback()  # nothing open: must be a harmless no-op

        with connect() as other:
            ocur = other.cursor()
            ocur.execute(f"SELECT id FROM {TABLE}")
            assert ocur.fetchall() == [(2,)]
            other.commit()
        conn.close()

        # Closing with an open transaction rolls it back on the server.
        conn = connect()
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {TABLE} VALUES (?)", (3,))
        conn.close()
        with connect(autocommit=True) as check:
            ccur = check.cursor()
            ccur.execute(f"SELECT id FROM {TABLE} ORDER BY id")
            assert ccur.fetchall() == [(2,)]
            drop_table(ccur, TABLE)
        """
    )


def test_sql_transaction_statements(run_reference: RunReference) -> None:
    run_reference(
        """
        TABLE = "ref_tx_sql"
        with connect(autocommit=True) as conn:
            cur = conn.cursor()
            drop_table(cur, TABLE)
            cur.execute(f"CREATE TABLE {TABLE} (id INT)")
            cur.execute("BEGIN WORK")
            cur.execute(f"INSERT INTO {TABLE} VALUES (1)")
            cur.execute("ROLLBACK WORK")
            cur.execute("BEGIN WORK")
            cur.execute(f"INSERT INTO {TABLE} VALUES (2)")
            cur.execute("COMMIT WORK")
            cur.execute(f"SELECT id FROM {TABLE}")
            assert cur.fetchall() == [(2,)]
            drop_table(cur, TABLE)
        """
    )


def test_unlogged_database_autocommit(run_reference: RunReference) -> None:
    run_reference(
        """
        TABLE = "ref_nolog"
        with connect(autocommit=True) as conn:
            cur = conn.cursor()
            drop_table(cur, TABLE)
            cur.execute(f"CREATE TABLE {TABLE} (id INT, s CHAR(5))")
            cur.execute(f"INSERT INTO {TABLE} VALUES (?, ?)", (1, "a"))
            cur.execute(f"SELECT id, s FROM {TABLE}")
            assert cur.fetchall() == [(1, "a")]
            drop_table(cur, TABLE)
        """,
        database="nologdb",
    )


def test_ansi_database_select(run_reference: RunReference) -> None:
    run_reference(
        """
        with connect(autocommit=True) as conn:
            cur = conn.cursor()
            cur.execute("SELECT 1 FROM systables WHERE tabid = 1")
            assert cur.fetchone() == (1,)
        """,
        database="ansidb",
    )


# ---------------------------------------------------------------------------
# bulk and cursors
# ---------------------------------------------------------------------------


def test_executemany_1000_rows(run_reference: RunReference) -> None:
    run_reference(
        """
        TABLE = "ref_many"
        with connect(autocommit=True) as setup:
            cur = setup.cursor()
            drop_table(cur, TABLE)
            cur.execute(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, label VARCHAR(40))")

        with connect() as conn:
            cur = conn.cursor()
            rows = [(i, f"row {i}") for i in range(1000)]
            cur.executemany(f"INSERT INTO {TABLE} VALUES (?, ?)", rows)
            assert cur.rowcount == 1000, cur.rowcount
            conn.commit()
            cur.execute(f"SELECT COUNT(*), SUM(id) FROM {TABLE}")
            count, total = cur.fetchone()
            assert (count, int(total)) == (1000, 499500), (count, total)
            cur.execute(f"SELECT id, label FROM {TABLE} ORDER BY id")
            assert cur.fetchall() == rows

            # A failing row is reported with its position in the batch.
            try:
                cur.executemany(
                    f"INSERT INTO {TABLE} VALUES (?, ?)", [(5000, "a"), (5, "dup"), (5001, "b")]
                )
            except informix_db.IntegrityError as exc:
                assert exc.sqlcode in (-239, -268), exc.sqlcode
                assert str(exc).startswith("executemany row "), str(exc)
            else:
                raise AssertionError("duplicate in executemany not reported")
            conn.rollback()
            cur.execute(f"SELECT COUNT(*) FROM {TABLE}")
            assert cur.fetchone() == (1000,)
            conn.commit()
            drop_table(cur, TABLE)
            conn.commit()
        """
    )


def test_fetch_variants(run_reference: RunReference) -> None:
    run_reference(
        """
        TABLE = "ref_fetch"
        with connect(autocommit=True) as conn:
            cur = conn.cursor()
            drop_table(cur, TABLE)
            cur.execute(f"CREATE TABLE {TABLE} (id INT)")
            cur.executemany(f"INSERT INTO {TABLE} VALUES (?)", [(i,) for i in range(250)])
            cur.execute(f"SELECT id FROM {TABLE} ORDER BY id")
            assert cur.fetchone() == (0,)
            assert cur.fetchmany(3) == [(1,), (2,), (3,)]
            rest = cur.fetchall()
            assert rest == [(i,) for i in range(4, 250)]
            assert cur.fetchone() is None
            cur.execute(f"SELECT id FROM {TABLE} WHERE id < 5 ORDER BY id DESC")
            assert [r[0] for r in cur] == [4, 3, 2, 1, 0]
            cur.execute(f"SELECT id FROM {TABLE} WHERE id < 0")
            assert cur.fetchall() == []
            drop_table(cur, TABLE)
        """
    )


def test_scroll_cursor(run_reference: RunReference) -> None:
    run_reference(
        """
        TABLE = "ref_scroll"
        with connect(autocommit=True) as conn:
            cur = conn.cursor()
            drop_table(cur, TABLE)
            cur.execute(f"CREATE TABLE {TABLE} (id INT)")
            cur.executemany(f"INSERT INTO {TABLE} VALUES (?)", [(i,) for i in range(10)])
            cur.close()

            scur = conn.cursor(scrollable=True)
            scur.execute(f"SELECT id FROM {TABLE} ORDER BY id")
            assert scur.fetchone() == (0,)
            assert scur.fetch_last() == (9,)
            assert scur.fetchone() is None
            assert scur.fetch_first() == (0,)
            assert scur.fetch_absolute(5) == (5,)
            assert scur.rownumber == 5
            assert scur.fetch_prior() == (4,)
            assert scur.fetch_relative(3) == (7,)
            assert scur.fetch_absolute(-1) == (9,)
            scur.scroll(2, mode="absolute")
            assert scur.fetchone() == (2,)
            assert scur.fetchmany(2) == [(3,), (4,)]
            scur.close()

            cur = conn.cursor()
            drop_table(cur, TABLE)
        """
    )


# ---------------------------------------------------------------------------
# pools
# ---------------------------------------------------------------------------


def test_pool_from_8_threads(run_reference: RunReference) -> None:
    run_reference(
        """
        import threading

        pool = informix_db.create_pool(**PARAMS, min_size=1, max_size=4, acquire_timeout=60)
        errors = []
        done = []

        def worker(n):
            try:
                for i in range(10):
                    with pool.connection() as conn:
                        cur = conn.cursor()
                        cur.execute(
                            "SELECT tabid FROM systables WHERE tabid = ?", (1 + (n + i) % 2,)
                        )
                        assert cur.fetchone() == (1 + (n + i) % 2,)
                        cur.close()
                done.append(n)
            except BaseException as exc:
                errors.append(repr(exc))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors, errors
        assert sorted(done) == list(range(8)), done
        assert 1 <= pool.size <= 4, pool.size
        pool.close()
        try:
            pool.acquire(timeout=1)
        except informix_db.PoolClosedError:
            pass
        else:
            raise AssertionError("closed pool handed out a connection")
        """
    )


def test_pool_timeout(run_reference: RunReference) -> None:
    run_reference(
        """
        pool = informix_db.create_pool(**PARAMS, max_size=1)
        held = pool.acquire()
        try:
            pool.acquire(timeout=0.5)
        except informix_db.PoolTimeoutError:
            pass
        else:
            raise AssertionError("acquire beyond max_size did not time out")
        pool.release(held)
        pool.close()
        """
    )


def test_aio_pool(run_reference: RunReference) -> None:
    run_reference(
        """
        import asyncio
        from informix_db import aio

        async def main():
            pool = await aio.create_pool(**PARAMS, min_size=1, max_size=3)

            async def one(i):
                async with pool.connection() as conn:
                    cur = await conn.cursor()
                    await cur.execute("SELECT tabid FROM systables WHERE tabid = ?", (1,))
                    row = await cur.fetchone()
                    await cur.close()
                    return row

            rows = await asyncio.gather(*(one(i) for i in range(12)))
            assert rows == [(1,)] * 12, rows
            assert pool.size <= 3
            await pool.close()

            conn = await aio.connect(**PARAMS)
            async with conn:
                cur = await conn.cursor()
                await cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
                assert await cur.fetchall() == [(1,)]

        asyncio.run(main())
        """
    )


# ---------------------------------------------------------------------------
# fast-path routine calls
# ---------------------------------------------------------------------------


def test_fast_path_call(run_reference: RunReference) -> None:
    run_reference(
        """
        with connect() as conn:
            sig = "function informix.ifx_lo_close(integer)"
            assert conn.fast_path_call(sig, 42) == [0]
            assert conn.fast_path_call(sig, 43) == [0]  # cached handle
            assert conn.fast_path_call("function informix.abs(integer)", -5) == [5]
            assert conn.fast_path_call("function informix.mod(integer, integer)", 17, 5) == [2]
            assert conn.fast_path_call("function informix.nvl(integer, integer)", None, None) == [None]
            try:
                conn.fast_path_call("function informix.nosuchfn(integer)", 1)
            except informix_db.Error as exc:
                assert "-674" in str(exc), exc
            else:
                raise AssertionError("an unknown routine was resolved")
            cur = conn.cursor()
            cur.execute("SELECT 1 FROM systables WHERE tabid = 1")
            assert cur.fetchone() == (1,)
            assert conn.fast_path_call(sig, 44) == [0]
        """
    )


# ---------------------------------------------------------------------------
# TLS
# ---------------------------------------------------------------------------


def test_tls_unverified(run_reference: RunReference, tls_port: int) -> None:
    run_reference(
        """
        with connect(port=TLS_PORT, tls=True) as conn:
            cur = conn.cursor()
            cur.execute("SELECT 1 FROM systables WHERE tabid = 1")
            assert cur.fetchone() == (1,)
        """
    )


def test_tls_verified_with_test_ca(run_reference: RunReference, tls_ca_file: Path) -> None:
    run_reference(
        """
        import ssl

        ctx = ssl.create_default_context(cafile=TLS_CA)
        with connect(host="127.0.0.1", port=TLS_PORT, tls=ctx, tls_server_hostname="localhost") as conn:
            cur = conn.cursor()
            cur.execute("SELECT 1 FROM systables WHERE tabid = 1")
            assert cur.fetchone() == (1,)
        """
    )


def test_tls_port_rejects_plain_client(run_reference: RunReference, tls_port: int) -> None:
    run_reference(
        """
        try:
            connect(port=TLS_PORT, connect_timeout=5, read_timeout=5)
        except informix_db.Error as exc:
            print("raised:", repr(exc))
        else:
            raise AssertionError("plain SQLI login succeeded on the TLS port")
        """
    )


# ---------------------------------------------------------------------------
# complex types
# ---------------------------------------------------------------------------


def test_complex_types(run_reference: RunReference) -> None:
    run_reference(
        """
        from informix_db.converters import CollectionValue, RowValue

        with connect() as conn:
            cur = conn.cursor()
            cur.execute("DROP TABLE IF EXISTS ref_complex")
            cur.execute(
                "CREATE TABLE ref_complex (id INT, s SET(INT NOT NULL), "
                "l LIST(VARCHAR(5) NOT NULL), r ROW(a INT, b VARCHAR(10)), v VARCHAR(5))"
            )
            cur.execute(
                "INSERT INTO ref_complex VALUES (1, SET{1, 2}, LIST{'x'}, ROW(30, 'Alice'), 'xyz')"
            )
            cur.execute("INSERT INTO ref_complex VALUES (2, NULL, NULL, NULL, 'xyz')")
            cur.execute("SELECT id, s, l, r, v FROM ref_complex ORDER BY id")
            assert [d[1] for d in cur.description][1:4] == [19, 21, 22], cur.description
            rows = cur.fetchall()
            assert rows[0] == (
                1,
                CollectionValue(b"SET{1          ,2          }", "set", "SET(integer not null)"),
                CollectionValue(b"LIST{'x'}", "list", "LIST(varchar(5) not null)"),
                RowValue(b"ROW(30         ,'Alice')", "ROW(a integer,b varchar(10))"),
                "xyz",
            ), rows[0]
            # The NULL envelope keeps its length word: the VARCHAR after it is intact.
            assert rows[1] == (2, None, None, None, "xyz"), rows[1]
            cur.execute("DROP TABLE ref_complex")
            conn.commit()
        """
    )
