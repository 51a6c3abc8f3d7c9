"""An application written only against the public API of ``informix-driver`` 2026.9.3.

It must print exactly the same thing when run with the reference driver and with
``informix_db`` (tests/test_dropin.py runs it both ways against the test server).
Nothing here knows which driver it runs on.

Connection parameters come from the environment: IFX_HOST, IFX_PORT, IFX_USER,
IFX_PASSWORD, IFX_DATABASE (a logged database) and IFX_SERVER.

Each section prints ``== <name>`` and its results. A section that raises prints
``!! <name> failed: <ExceptionType>: <message>`` and the script goes on, so one missing
feature (the pool and aio sections depend on other work) shows up as exactly one
differing section instead of hiding the rest.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import informix_db

PARAMS: dict[str, Any] = {
    "host": os.environ["IFX_HOST"],
    "port": int(os.environ["IFX_PORT"]),
    "user": os.environ["IFX_USER"],
    "password": os.environ["IFX_PASSWORD"],
    "database": os.environ["IFX_DATABASE"],
    "server": os.environ["IFX_SERVER"],
}
TAG = f"{os.getpid()}"
SECTIONS: list[tuple[str, Callable[[], None]]] = []


def section(fn: Callable[[], None]) -> Callable[[], None]:
    SECTIONS.append((fn.__name__, fn))
    return fn


def connect(**overrides: object) -> informix_db.Connection:
    kwargs = dict(PARAMS, connect_timeout=10, read_timeout=60)
    kwargs.update(overrides)
    return informix_db.connect(**kwargs)


def table(name: str) -> str:
    return f"dropin_{name}_{TAG}"


def show(label: str, value: object) -> None:
    print(f"{label}: {value!r}")


def show_row(label: str, row: Sequence[Any] | None) -> None:
    """Values with their Python types, so a float that should be a Decimal shows up."""
    if row is None:
        print(f"{label}: None")
        return
    parts = [
        f"{type(v).__name__}:{v!r}"
        if not isinstance(v, informix_db.IntervalYM)
        else f"IntervalYM:{v.months}"
        for v in row
    ]
    print(f"{label}: ({', '.join(parts)})")


def drop(cur: informix_db.Cursor, name: str) -> None:
    try:
        cur.execute(f"DROP TABLE {name}")
    except informix_db.Error:
        pass


# ---------------------------------------------------------------------------


@section
def module() -> None:
    show("apilevel", informix_db.apilevel)
    show("paramstyle", informix_db.paramstyle)
    for name in (
        "Error",
        "DatabaseError",
        "IntegrityError",
        "ProgrammingError",
        "OperationalError",
        "InterfaceError",
        "DataError",
        "NotSupportedError",
        "InternalError",
        "Warning",
        "PoolTimeoutError",
        "PoolClosedError",
        "IntervalYM",
        "Row",
        "BlobLocator",
        "ClobLocator",
        "connect",
        "create_pool",
    ):
        print(f"has {name}: {hasattr(informix_db, name)}")
    show(
        "IntegrityError is DatabaseError",
        issubclass(informix_db.IntegrityError, informix_db.DatabaseError),
    )


@section
def connecting() -> None:
    conn = connect()
    show("closed after connect", conn.closed)
    show("server_version_internal", conn.server_version_internal)
    cur = conn.cursor()
    cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
    show("one row", cur.fetchone())
    cur.close()
    show("cursor closed", cur.closed)
    conn.close()
    show("closed after close", conn.closed)
    with connect(autocommit=True) as conn2, conn2.cursor() as cur2:
        cur2.execute("SELECT COUNT(*) FROM systables WHERE tabid < 0")
        show("count", cur2.fetchone())
    show("closed after with", conn2.closed)
    try:
        connect(password="not-the-password")
    except informix_db.OperationalError:
        print("bad password: OperationalError")
    try:
        connect(server="no_such_server")
    except informix_db.OperationalError:
        print("bad server name: OperationalError")


@section
def basic_sql() -> None:
    with connect(autocommit=True) as conn:
        cur = conn.cursor()
        name = table("basic")
        drop(cur, name)
        cur.execute(f"CREATE TABLE {name} (id INT NOT NULL, name VARCHAR(40), score FLOAT)")
        cur.execute(f"INSERT INTO {name} VALUES (?, ?, ?)", (1, "alice", 9.5))
        show("insert rowcount", cur.rowcount)
        cur.execute(f"INSERT INTO {name} VALUES (:1, :2, :3)", (2, "bob", 7.25))
        cur.executemany(
            f"INSERT INTO {name} VALUES (?, ?, ?)", [(i, f"user{i}", i / 4) for i in range(3, 13)]
        )
        show("executemany rowcount", cur.rowcount)
        cur.execute(f"UPDATE {name} SET score = score + 1 WHERE id > ?", (10,))
        show("update rowcount", cur.rowcount)
        cur.execute(f"SELECT id, name, score FROM {name} ORDER BY id")
        print("description:", [(d[0], d[1]) for d in cur.description or []])
        show("fetchone", cur.fetchone())
        show("fetchmany(2)", cur.fetchmany(2))
        cur.arraysize = 3
        show("fetchmany()", cur.fetchmany())
        rest = cur.fetchall()
        show("fetchall count", len(rest))
        show("last", rest[-1])
        show("after end", cur.fetchone())
        show("rowcount after fetch", cur.rowcount)
        cur.execute(f"SELECT name FROM {name} WHERE id <= ? ORDER BY id", (3,))
        print("iterated:", [row[0] for row in cur])
        cur.execute(f"SELECT id FROM {name} WHERE name = '?' OR name = 'it''s :1'")
        show("placeholders in literals", cur.fetchall())
        cur.execute(f"DELETE FROM {name} WHERE id > ?", (5,))
        show("delete rowcount", cur.rowcount)
        cur.execute(f"SELECT COUNT(*) FROM {name} WHERE name IS NULL")
        show("null count", cur.fetchone())
        drop(cur, name)


@section
def types() -> None:
    with connect(autocommit=True) as conn:
        cur = conn.cursor()
        name = table("types")
        drop(cur, name)
        cur.execute(
            f"CREATE TABLE {name} (n INT, i INT, b BIGINT, f FLOAT, d DECIMAL(12,2), "
            "m MONEY(10,2), c CHAR(6), v VARCHAR(20), lv LVARCHAR(500), bo BOOLEAN, "
            "dt DATE, ts DATETIME YEAR TO SECOND, tf DATETIME YEAR TO FRACTION(5), "
            "iv INTERVAL DAY(5) TO SECOND, ym INTERVAL YEAR(4) TO MONTH, by BYTE, tx TEXT)"
        )
        rows = [
            (
                1,
                2147483647,
                9223372036854775807,
                1.5,
                decimal.Decimal("1234567890.12"),
                decimal.Decimal("19.99"),
                "ab",
                "hello world",
                "x" * 300,
                True,
                datetime.date(2024, 2, 29),
                datetime.datetime(2024, 1, 15, 10, 30, 45),
                datetime.datetime(2024, 1, 15, 10, 30, 45, 123450),
                datetime.timedelta(days=3, hours=4, minutes=5, seconds=6),
                informix_db.IntervalYM(26),
                b"\x00\x01binary\xff",
                b"some text",
            ),
            (
                2,
                -2147483647,
                -9223372036854775807,
                -0.25,
                decimal.Decimal("-0.50"),
                decimal.Decimal("0.00"),
                "",
                "",
                "",
                False,
                datetime.date(1, 1, 1),
                datetime.datetime(9999, 12, 31, 23, 59, 59),
                datetime.datetime(2000, 1, 1, 0, 0, 0, 10),
                -datetime.timedelta(seconds=90),
                informix_db.IntervalYM(-14),
                b"",
                b"",
            ),
            (3,) + (None,) * 16,
        ]
        cur.executemany(f"INSERT INTO {name} VALUES ({', '.join(['?'] * 17)})", rows)
        cur.execute(f"SELECT * FROM {name} ORDER BY n")
        print("type codes:", [d[1] for d in cur.description or []])
        for row in cur.fetchall():
            show_row(f"row {row[0]}", row)
        cur.execute(f"SELECT d, ym FROM {name} WHERE n = 1")
        d, ym = cur.fetchone()
        print("decimal str:", str(d), "interval str:", str(ym), ym.years, ym.remainder_months)
        drop(cur, name)


@section
def rows_by_name() -> None:
    with connect(autocommit=True, row_factory=informix_db.Row) as conn:
        cur = conn.cursor()
        cur.execute("SELECT tabid, tabname FROM systables WHERE tabid = 1")
        row = cur.fetchone()
        print("row == tuple:", row == (row[0], row[1]))
        print("by attribute:", row.tabid, "by key:", row["tabname"].strip())
        print("asdict keys:", sorted(row._asdict()))


@section
def errors() -> None:
    with connect(autocommit=True) as conn:
        cur = conn.cursor()
        name = table("errors")
        drop(cur, name)
        cur.execute(f"CREATE TABLE {name} (id INT PRIMARY KEY, v INT NOT NULL)")
        cur.execute(f"INSERT INTO {name} VALUES (1, 1)")
        attempts = [
            ("duplicate", f"INSERT INTO {name} VALUES (1, 2)"),
            ("not null", f"INSERT INTO {name} VALUES (2, NULL)"),
            ("missing table", "SELECT * FROM dropin_no_such_table"),
            ("missing column", f"SELECT nope FROM {name}"),
            ("syntax", "SELEC 1 FROM systables"),
            ("divide by zero", "SELECT 1/0 FROM systables WHERE tabid = 1"),
        ]
        for label, sql in attempts:
            try:
                cur.execute(sql)
                cur.fetchall()
            except informix_db.IntegrityError as exc:
                print(f"{label}: IntegrityError {exc.sqlcode}")
            except informix_db.ProgrammingError as exc:
                print(f"{label}: ProgrammingError {exc.sqlcode}")
            except informix_db.DatabaseError as exc:
                print(f"{label}: DatabaseError {exc.sqlcode}")
            else:
                print(f"{label}: no error")
        cur.execute(f"SELECT COUNT(*) FROM {name}")
        show("still usable", cur.fetchone())
        try:
            cur.execute(f"INSERT INTO {name} VALUES (?)", (1, 2))
        except informix_db.Error:
            print("wrong parameter count: Error")
        cur.close()
        try:
            cur.execute("SELECT 1 FROM systables")
        except informix_db.InterfaceError:
            print("closed cursor: InterfaceError")
        drop(conn.cursor(), name)
    try:
        conn.cursor()
    except informix_db.InterfaceError:
        print("closed connection: InterfaceError")


@section
def transactions() -> None:
    name = table("tx")
    with connect(autocommit=True) as setup:
        drop(setup.cursor(), name)
        setup.cursor().execute(f"CREATE TABLE {name} (id INT)")
    conn = connect()
    other = connect(autocommit=True)
    cur = conn.cursor()
    check = other.cursor()

    def count() -> int:
        check.execute(f"SELECT COUNT(*) FROM {name}")
        return int(check.fetchone()[0])

    cur.execute(f"INSERT INTO {name} VALUES (1)")
    conn.rollback()
    show("after rollback", count())
    cur.execute(f"INSERT INTO {name} VALUES (2)")
    cur.executemany(f"INSERT INTO {name} VALUES (?)", [(3,), (4,)])
    conn.commit()
    show("after commit", count())
    conn.commit()  # nothing open: harmless
    conn.rollback()
    cur.execute(f"DELETE FROM {name}")
    conn.close()  # closing with an open transaction rolls it back
    show("after close without commit", count())
    drop(check, name)
    other.close()


@section
def scrolling() -> None:
    with connect(autocommit=True) as conn:
        cur = conn.cursor()
        name = table("scroll")
        drop(cur, name)
        cur.execute(f"CREATE TABLE {name} (id INT)")
        cur.executemany(f"INSERT INTO {name} VALUES (?)", [(i,) for i in range(1, 21)])
        for scrollable in (False, True):
            sc = conn.cursor(scrollable=scrollable)
            sc.execute(f"SELECT id FROM {name} ORDER BY id")
            print(
                f"scrollable={scrollable}:",
                sc.fetch_last(),
                sc.fetch_first(),
                sc.fetch_absolute(10),
                sc.fetch_prior(),
                sc.fetch_relative(5),
                sc.fetch_absolute(-2),
                sc.fetch_absolute(99),
            )
            sc.scroll(3, mode="absolute")
            show("after scroll(3, absolute)", sc.fetchone())
            sc.scroll(-2)
            show("after scroll(-2)", sc.fetchone())
            show("rownumber", sc.rownumber)
            sc.close()
        drop(cur, name)


@section
def blobs() -> None:
    with connect(autocommit=True) as conn:
        cur = conn.cursor()
        name = table("blob")
        drop(cur, name)
        cur.execute(f"CREATE TABLE {name} (id INT, data BYTE, note TEXT)")
        payloads = [bytes(range(256)) * 64, b"", None]
        for i, p in enumerate(payloads):
            cur.execute(f"INSERT INTO {name} VALUES (?, ?, ?)", (i, p, b"note %d" % i))
        cur.execute(f"SELECT id, data, note FROM {name} ORDER BY id")
        for row in cur.fetchall():
            data = row[1]
            print(
                row[0],
                type(data).__name__,
                None if data is None else len(data),
                data == payloads[row[0]],
                repr(row[2]),
            )
        drop(cur, name)


@section
def pool() -> None:
    p = informix_db.create_pool(**PARAMS, min_size=1, max_size=3, acquire_timeout=10)
    show("min/max", (p.min_size, p.max_size))
    with p.connection() as conn:
        cur = conn.cursor()
        cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
        show("pooled query", cur.fetchone())
        cur.close()
    c1 = p.acquire()
    c2 = p.acquire()
    show("size with two out", p.size)
    p.release(c1)
    p.release(c2)
    show("idle after release", p.idle_count)
    try:
        with p.connection() as conn:
            conn.cursor().execute("SELECT * FROM dropin_no_such_table")
    except informix_db.ProgrammingError:
        print("error inside pool.connection(): ProgrammingError")
    p.close()
    try:
        p.acquire()
    except informix_db.PoolClosedError:
        print("acquire after close: PoolClosedError")
    with informix_db.create_pool(**PARAMS, max_size=1, acquire_timeout=0.2) as small:
        held = small.acquire()
        try:
            small.acquire(timeout=0.2)
        except informix_db.PoolTimeoutError:
            print("exhausted pool: PoolTimeoutError")
        small.release(held)


@section
def aio() -> None:
    from informix_db import aio as ifx_aio

    async def main() -> None:
        conn = await ifx_aio.connect(**PARAMS)
        cur = await conn.cursor()
        await cur.execute(
            "SELECT tabid, tabname FROM systables WHERE tabid <= ? ORDER BY tabid", (3,)
        )
        show("aio description", [d[0] for d in cur.description or []])
        show("aio fetchone", (await cur.fetchone())[0])
        show("aio fetchmany", [r[0] for r in await cur.fetchmany(1)])
        show("aio fetchall", [r[0] for r in await cur.fetchall()])
        await cur.execute("SELECT tabid FROM systables WHERE tabid <= 2 ORDER BY tabid")
        print("aio async for:", [row[0] async for row in cur])
        await cur.close()
        await conn.commit()
        await conn.close()
        show("aio closed", conn.closed)
        async with await ifx_aio.connect(**PARAMS) as conn2:
            cur2 = await conn2.cursor()
            await cur2.execute("SELECT COUNT(*) FROM systables WHERE tabid = 1")
            show("aio with-block", await cur2.fetchone())
        pool = await ifx_aio.create_pool(**PARAMS, min_size=1, max_size=2)
        async with pool.connection() as pconn:
            pcur = await pconn.cursor()
            await pcur.execute("SELECT tabid FROM systables WHERE tabid = 1")
            show("aio pool query", await pcur.fetchall())
        show("aio pool size", pool.size)
        await pool.close()

    asyncio.run(main())


def run() -> int:
    failures = 0
    for name, fn in SECTIONS:
        print(f"== {name}", flush=True)
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reported, and the script goes on
            failures += 1
            first_line = str(exc).splitlines()[0] if str(exc) else ""
            print(f"!! {name} failed: {type(exc).__name__}: {first_line}", flush=True)
            traceback.print_exc(file=sys.stderr)
        sys.stdout.flush()
    print(f"== done, {failures} failed section(s)")
    return 0


if __name__ == "__main__":
    sys.exit(run())
