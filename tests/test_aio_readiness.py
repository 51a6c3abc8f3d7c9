"""informix_db.aio without a thread hop: a prepared statement's request is written from the
event loop and its replies are read there when the socket becomes readable.

Covers that the path is really taken (no worker call), that the loop keeps running while
the server works, errors (the connection stays usable), cleanup owed by an abandoned
result riding along, rows kept for another cursor (the path steps aside), transactions
(implicit BEGIN, ANSI autocommit), TLS, cancellation and a session lost mid-wait.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

import informix_db
from informix_db import aio
from tests.conftest import ConnParams

pytestmark = pytest.mark.integration

QUERY = "SELECT tabid FROM systables WHERE tabid = ?"


def _kw(params: ConnParams, **extra: Any) -> dict[str, Any]:
    kw = {"host": params.host, "port": params.port, "user": params.user,
          "password": params.password, "database": params.database,
          "server": params.server}
    kw.update(extra)
    return kw


class _WorkerCalls:
    """Counts the calls that go through the connection's thread."""

    def __init__(self, conn: aio.AsyncConnection) -> None:
        self.count = 0
        original = conn._call

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await original(fn, *args, **kwargs)

        conn._call = counted  # type: ignore[method-assign]


async def _warm(cur: aio.AsyncCursor, sql: str, params: Any = None) -> None:
    """Runs a statement once (the first run prepares it, on the connection's thread)."""
    await cur.execute(sql, params)
    if cur.description is not None:
        await cur.fetchall()


async def test_prepared_statement_runs_without_the_worker(conn_params: ConnParams) -> None:
    async with await aio.connect(**_kw(conn_params), autocommit=True) as conn:
        cur = await conn.cursor()
        await _warm(cur, QUERY, (1,))
        calls = _WorkerCalls(conn)
        for tabid in (1, 2, 3, 1):
            await cur.execute(QUERY, (tabid,))
            assert await cur.fetchall() == [(tabid,)]
            assert cur.description is not None and cur.description[0][0] == "tabid"
        await cur.execute(QUERY, (99999,))
        assert await cur.fetchone() is None
        assert calls.count == 0


async def test_loop_runs_while_the_server_works(conn_params: ConnParams, control: Any) -> None:
    async with await aio.connect(**_kw(conn_params), autocommit=True) as conn:
        cur = await conn.cursor()
        await _warm(cur, QUERY, (1,))
        calls = _WorkerCalls(conn)
        ticks = 0
        done = False

        async def ticker() -> None:
            nonlocal ticks
            while not done:
                ticks += 1
                await asyncio.sleep(0.01)

        tick_task = asyncio.ensure_future(ticker())
        control.send("delay 300")
        try:
            await cur.execute(QUERY, (1,))
        finally:
            control.send("delay 0")
            done = True
            await tick_task
        assert await cur.fetchall() == [(1,)]
        assert calls.count == 0
        assert ticks >= 10  # the loop kept turning during the 300 ms wait


async def test_server_errors_leave_the_connection_usable(logged_db_params: ConnParams) -> None:
    async with await aio.connect(**_kw(logged_db_params), autocommit=True) as conn:
        cur = await conn.cursor()
        await cur.execute("CREATE TEMP TABLE rd_uniq (id INT PRIMARY KEY, label VARCHAR(10))")
        insert = "INSERT INTO rd_uniq VALUES (?, ?)"
        await cur.execute(insert, (1, "one"))
        calls = _WorkerCalls(conn)
        await cur.execute(insert, (2, "two"))
        assert cur.rowcount == 1
        with pytest.raises(informix_db.IntegrityError) as info:
            await cur.execute(insert, (1, "again"))
        assert info.value.sqlcode < 0
        # A value the server cannot convert fails in its BIND reply: same statement,
        # replies drained, connection intact.
        select = "SELECT label FROM rd_uniq WHERE id = ?"
        await _warm(cur, select, (1,))
        calls.count = 0
        with pytest.raises(informix_db.DatabaseError):
            await cur.execute(select, ("not a number",))
        await cur.execute(select, (2,))
        assert await cur.fetchall() == [("two",)]
        assert calls.count == 0
        assert not conn.broken


async def _big_table(cur: aio.AsyncCursor, name: str, rows: int) -> None:
    await cur.execute(f"CREATE TEMP TABLE {name} (id INT, pad VARCHAR(200))")
    await cur.executemany(f"INSERT INTO {name} VALUES (?, ?)",
                          [(i, "x" * 150) for i in range(rows)])


async def test_abandoned_result_is_closed_in_the_same_flight(conn_params: ConnParams) -> None:
    async with await aio.connect(**_kw(conn_params), autocommit=True) as conn:
        cur = await conn.cursor()
        await _big_table(cur, "rd_big1", 3000)  # ~500 KB: many fetch batches
        big = await conn.cursor()
        await _warm(big, "SELECT id, pad FROM rd_big1")
        await _warm(cur, QUERY, (1,))
        await big.execute("SELECT id, pad FROM rd_big1")
        assert (await big.fetchone())[0] == 0
        await big.close()  # rows left on the server: its cursor is closed later
        calls = _WorkerCalls(conn)
        await cur.execute(QUERY, (2,))
        assert await cur.fetchall() == [(2,)]
        assert calls.count == 0
        await cur.execute("SELECT COUNT(*) FROM rd_big1")
        assert await cur.fetchall() == [(3000,)]


async def test_rows_still_streaming_are_kept_for_their_cursor(conn_params: ConnParams) -> None:
    async with await aio.connect(**_kw(conn_params), autocommit=True) as conn:
        cur = await conn.cursor()
        await _big_table(cur, "rd_big2", 3000)
        await _warm(cur, QUERY, (1,))
        big = await conn.cursor()
        await big.execute("SELECT id FROM rd_big2 ORDER BY id")
        first = await big.fetchone()
        # The other cursor's statement needs the wire while rows are still coming: it
        # waits for them on the worker instead, and every row stays deliverable.
        await cur.execute(QUERY, (3,))
        assert await cur.fetchall() == [(3,)]
        rest = await big.fetchall()
        assert [first, *rest] == [(i,) for i in range(3000)]


async def test_implicit_begin_rides_along(logged_db_params: ConnParams) -> None:
    kw = _kw(logged_db_params)
    async with await aio.connect(**kw, autocommit=True) as setup:
        cur = await setup.cursor()
        await cur.execute("CREATE TABLE rd_tx (id INT)")
    try:
        async with await aio.connect(**kw, autocommit=False) as conn:
            cur = await conn.cursor()
            await cur.execute("INSERT INTO rd_tx VALUES (?)", (1,))
            await conn.commit()
            calls = _WorkerCalls(conn)
            assert not conn.in_transaction
            await cur.execute("INSERT INTO rd_tx VALUES (?)", (2,))  # BEGIN in the same flight
            assert conn.in_transaction
            assert calls.count == 0
            await conn.rollback()
            await cur.execute("SELECT id FROM rd_tx ORDER BY id")
            assert await cur.fetchall() == [(1,)]
            await conn.rollback()
    finally:
        async with await aio.connect(**kw, autocommit=True) as setup:
            await (await setup.cursor()).execute("DROP TABLE rd_tx")


async def test_ansi_autocommit_commits_in_the_same_flight(ansi_params: ConnParams) -> None:
    kw = _kw(ansi_params)
    async with await aio.connect(**kw, autocommit=True) as conn:
        cur = await conn.cursor()
        await cur.execute("CREATE TABLE rd_ansi (id INT)")
        try:
            await cur.execute("INSERT INTO rd_ansi VALUES (?)", (1,))
            calls = _WorkerCalls(conn)
            await cur.execute("INSERT INTO rd_ansi VALUES (?)", (2,))
            assert calls.count == 0
            async with await aio.connect(**kw, autocommit=True) as other:
                ocur = await other.cursor()
                await ocur.execute("SELECT id FROM rd_ansi ORDER BY id")
                assert await ocur.fetchall() == [(1,), (2,)]
        finally:
            await cur.execute("DROP TABLE rd_ansi")


async def test_tls(conn_params: ConnParams, tls_port: int, tls_ca_file: Path) -> None:
    kw = _kw(conn_params, port=tls_port, tls=True, tls_ca_file=str(tls_ca_file))
    async with await aio.connect(**kw, autocommit=True) as conn:
        cur = await conn.cursor()
        await _big_table(cur, "rd_tls", 500)
        await _warm(cur, QUERY, (1,))
        await _warm(cur, "SELECT id, pad FROM rd_tls ORDER BY id")
        calls = _WorkerCalls(conn)
        for _ in range(20):
            await cur.execute(QUERY, (2,))
            assert await cur.fetchall() == [(2,)]
        await cur.execute("SELECT id, pad FROM rd_tls ORDER BY id")
        rows = await cur.fetchall()
        assert [r[0] for r in rows] == list(range(500))
        assert calls.count <= 2  # only later batches of the large result use the thread


async def test_cancel_while_waiting_cuts_the_connection(conn_params: ConnParams,
                                                        control: Any) -> None:
    conn = await aio.connect(**_kw(conn_params), autocommit=True)
    cur = await conn.cursor()
    await _warm(cur, QUERY, (1,))
    control.send("delay 300")
    task = asyncio.ensure_future(cur.execute(QUERY, (1,)))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    control.send("delay 0")
    assert conn.broken
    with pytest.raises(informix_db.InterfaceError):
        await (await conn.cursor()).execute(QUERY, (1,))
    await conn.close()


async def test_session_lost_while_waiting(nolog_params: ConnParams, control: Any) -> None:
    conn = await aio.connect(**_kw(nolog_params), autocommit=True)
    try:
        cur = await conn.cursor()
        await _warm(cur, QUERY, (1,))
        sessions = json.loads(control.send("sessions"))
        mine = max(s["id"] for s in sessions if s["database"] == nolog_params.database)
        control.send("delay 500")
        task = asyncio.ensure_future(cur.execute(QUERY, (1,)))
        await asyncio.sleep(0.05)
        control.send(f"kill {mine}")
        with pytest.raises(informix_db.OperationalError):
            await asyncio.wait_for(task, 10)
        assert conn.closed
    finally:
        control.send("delay 0")
        await conn.close()


async def test_pooled_connections_unregister_on_release(conn_params: ConnParams) -> None:
    pool = await aio.create_pool(**_kw(conn_params), min_size=2, max_size=2)
    try:
        loop = asyncio.get_running_loop()
        for _ in range(3):
            async with pool.connection() as conn:
                cur = await conn.cursor()
                await _warm(cur, QUERY, (1,))
                await cur.execute(QUERY, (1,))
                assert await cur.fetchall() == [(1,)]
                assert conn._watch_loop is loop
            assert conn._watch_loop is None

        async def one(i: int) -> Any:
            async with pool.connection() as conn:
                cur = await conn.cursor()
                await cur.execute(QUERY, (1 + i % 3,))
                return await cur.fetchall()

        results = await asyncio.gather(*(one(i) for i in range(60)))
        assert results == [[(1 + i % 3,)] for i in range(60)]
    finally:
        await pool.close()


async def test_session_lost_on_the_worker_stops_watching(nolog_params: ConnParams,
                                                        control: Any) -> None:
    conn = await aio.connect(**_kw(nolog_params), autocommit=True)
    try:
        cur = await conn.cursor()
        await _warm(cur, QUERY, (1,))
        await cur.execute(QUERY, (1,))  # now watched by the loop
        assert conn._watch_loop is asyncio.get_running_loop()
        sessions = json.loads(control.send("sessions"))
        mine = max(s["id"] for s in sessions if s["database"] == nolog_params.database)
        control.send(f"kill {mine}")
        with pytest.raises(informix_db.OperationalError):
            await conn.ping()  # runs on the worker and finds the session gone
        assert conn.closed
        assert conn._watch_loop is None
    finally:
        await conn.close()
