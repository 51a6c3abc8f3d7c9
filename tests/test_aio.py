"""informix_db.aio: connections, cursors and the asyncio pool.

Covers the API, that asyncio's default executor is never used, that waiting for a pooled
connection occupies no thread, and cancellation: before a call starts (connection
kept), while an exchange is in flight (connection cut and evicted), while waiting in the
queue (no slot leaked), and under load (hundreds of tasks cancelled at random with the
pool never above max_size and every slot accounted for afterwards).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
import threading
import time
from typing import Any

import pytest

import informix_db
from informix_db import aio
from tests.conftest import ConnParams

pytestmark = pytest.mark.integration

QUERY = "SELECT tabid FROM systables WHERE tabid = 1"


def _kw(params: ConnParams) -> dict[str, Any]:
    return {"host": params.host, "port": params.port, "user": params.user,
            "password": params.password, "database": params.database,
            "server": params.server}


class _NoDefaultExecutor(concurrent.futures.ThreadPoolExecutor):
    """Installed as the loop's default executor: any use fails the test."""

    used = False

    def submit(self, *_a: object, **_k: object) -> Any:  # type: ignore[override]
        type(self).used = True
        raise AssertionError("asyncio's default executor was used")


@pytest.fixture
async def no_default_executor() -> Any:
    loop = asyncio.get_running_loop()
    guard = _NoDefaultExecutor()
    loop.set_default_executor(guard)
    yield guard
    assert not _NoDefaultExecutor.used


# -------- connection and cursor ---------------------------------------------------------


async def test_connect_cursor_fetch_and_close(conn_params: ConnParams,
                                              no_default_executor: Any) -> None:
    conn = await aio.connect(**_kw(conn_params))
    try:
        assert isinstance(conn, aio.AsyncConnection)
        cur = await conn.cursor()
        assert isinstance(cur, aio.AsyncCursor)
        await cur.execute("SELECT tabid, tabname FROM systables WHERE tabid = ?", (1,))
        assert cur.description is not None and cur.description[0][0] == "tabid"
        row = await cur.fetchone()
        assert row is not None and row[0] == 1
        assert await cur.fetchone() is None
        await cur.execute(QUERY)
        assert await cur.fetchall() == [(1,)]
        await cur.execute(QUERY)
        assert await cur.fetchmany(5) == [(1,)]
        await cur.execute(QUERY)
        assert [r async for r in cur] == [(1,)]
        await cur.close()
        assert cur.closed
        await conn.rollback()
        await conn.commit()
    finally:
        await conn.close()
    assert conn.closed


async def test_async_context_managers_and_execute_shortcut(conn_params: ConnParams) -> None:
    async with await aio.connect(**_kw(conn_params), autocommit=True) as conn:
        async with await conn.execute(QUERY) as cur:
            assert await cur.fetchone() == (1,)
        assert cur.closed
    assert conn.closed


async def test_errors_propagate_and_connection_survives(conn_params: ConnParams) -> None:
    async with await aio.connect(**_kw(conn_params)) as conn:
        cur = await conn.cursor()
        with pytest.raises(informix_db.ProgrammingError):
            await cur.execute("SELEC nonsense FROM nowhere")
        await cur.execute(QUERY)
        assert await cur.fetchone() == (1,)


async def test_connect_error_is_raised(conn_params: ConnParams) -> None:
    kw = _kw(conn_params) | {"password": "wrong"}
    with pytest.raises(informix_db.OperationalError):
        await aio.connect(**kw)


async def test_calls_on_one_connection_run_in_order(conn_params: ConnParams) -> None:
    """Concurrent tasks sharing a connection are serialised by its worker."""
    async with await aio.connect(**_kw(conn_params), autocommit=True) as conn:

        async def one() -> Any:
            cur = await conn.cursor()
            await cur.execute(QUERY)
            return await cur.fetchall()

        results = await asyncio.gather(*(one() for _ in range(20)))
        assert results == [[(1,)]] * 20


async def test_cancel_before_start_keeps_connection(conn_params: ConnParams,
                                                    control: Any) -> None:
    """A call still queued behind another when cancelled never reaches the server."""
    async with await aio.connect(**_kw(conn_params), autocommit=True) as conn:
        control.send("delay 200")
        slow_cur = await conn.cursor()
        slow = asyncio.ensure_future(slow_cur.execute(QUERY))
        await asyncio.sleep(0.05)  # the slow call is in flight on the worker
        queued_cur = await conn.cursor()
        queued = asyncio.ensure_future(queued_cur.execute(QUERY))
        await asyncio.sleep(0.01)
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued
        await slow
        control.send("delay 0")
        assert not conn.broken
        assert await slow_cur.fetchone() == (1,)


async def test_cancel_in_flight_cuts_the_connection(conn_params: ConnParams,
                                                    control: Any) -> None:
    conn = await aio.connect(**_kw(conn_params), autocommit=True)
    control.send("delay 300")
    cur = await conn.cursor()
    task = asyncio.ensure_future(cur.execute(QUERY))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    control.send("delay 0")
    assert conn.broken
    with pytest.raises(informix_db.InterfaceError):
        await (await conn.cursor()).execute(QUERY)
    await conn.close()


# -------- pool -------------------------------------------------------------------------------


async def test_pool_basics(conn_params: ConnParams, no_default_executor: Any) -> None:
    pool = await aio.create_pool(**_kw(conn_params), min_size=1, max_size=3)
    try:
        assert (pool.size, pool.idle_count, pool.min_size, pool.max_size) == (1, 1, 1, 3)
        async with pool.connection() as conn:
            assert isinstance(conn, aio.AsyncConnection)
            assert pool.idle_count == 0
            cur = await conn.cursor()
            await cur.execute(QUERY)
            assert await cur.fetchone() == (1,)
        # Returned at once; its rollback runs on a pool thread, then it is idle again.
        for _ in range(100):
            if pool.idle_count == 1:
                break
            await asyncio.sleep(0.01)
        assert pool.idle_count == 1
        c1 = await pool.acquire()
        await pool.release(c1)
        c2 = await pool.acquire()
        assert c2 is c1  # same wrapper object, LIFO reuse
        await pool.release(c2)
        assert pool.stats()["acquisitions"] == 3
    finally:
        await pool.close()
    assert pool.closed
    with pytest.raises(informix_db.PoolClosedError):
        await pool.acquire()
    await pool.close()  # idempotent


async def test_pool_async_with(conn_params: ConnParams) -> None:
    pool = await aio.create_pool(**_kw(conn_params), max_size=1)
    async with pool, pool.connection() as conn:
        assert await (await conn.execute(QUERY)).fetchone() == (1,)
    with pytest.raises(informix_db.PoolClosedError):
        await pool.acquire()


async def test_pool_acquire_timeout(conn_params: ConnParams) -> None:
    async with await aio.create_pool(**_kw(conn_params), max_size=1,
                                     acquire_timeout=0.2) as pool:
        held = await pool.acquire()
        start = time.monotonic()
        with pytest.raises(informix_db.PoolTimeoutError, match="max_size=1"):
            await pool.acquire()
        assert 0.15 < time.monotonic() - start < 1.0
        with pytest.raises(informix_db.PoolTimeoutError):
            await pool.acquire(timeout=0.05)
        await pool.release(held)
        assert pool.stats()["waiting"] == 0


async def test_waiting_uses_no_threads(conn_params: ConnParams) -> None:
    async with await aio.create_pool(**_kw(conn_params), max_size=1,
                                     acquire_timeout=10.0) as pool:
        held = await pool.acquire()
        before = threading.active_count()
        waiters = [asyncio.ensure_future(pool.acquire()) for _ in range(200)]
        await asyncio.sleep(0.2)
        assert pool.stats()["waiting"] == 200
        assert threading.active_count() - before < 5
        await pool.release(held)
        for w in waiters:
            conn = await w
            await pool.release(conn)
        assert pool.stats()["in_use"] == 0


async def test_cancelled_waiter_leaks_nothing(conn_params: ConnParams) -> None:
    async with await aio.create_pool(**_kw(conn_params), max_size=1,
                                     acquire_timeout=10.0) as pool:
        held = await pool.acquire()
        waiter = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert pool.stats()["waiting"] == 0
        await pool.release(held)
        again = await pool.acquire(timeout=1.0)
        await pool.release(again)
        assert pool.size == 1 and pool.idle_count == 1


async def test_in_flight_cancellation_evicts_from_pool(conn_params: ConnParams,
                                                       control: Any) -> None:
    async with await aio.create_pool(**_kw(conn_params), max_size=2) as pool:
        async with pool.connection() as conn:
            await (await conn.execute(QUERY)).fetchall()
        assert pool.size == 1
        for _ in range(100):  # its rollback runs on a pool thread
            if pool.idle_count == 1:
                break
            await asyncio.sleep(0.01)
        control.send("delay 300")

        async def slow() -> None:
            async with pool.connection() as c:
                await (await c.cursor()).execute(QUERY)

        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(slow(), timeout=0.1)
        control.send("delay 0")
        assert pool.size == 0  # evicted at once, not after the exchange
        assert pool.stats()["evicted_broken"] == 1
        async with pool.connection() as conn:
            assert await (await conn.execute(QUERY)).fetchone() == (1,)


async def test_cancellation_between_calls_keeps_connection(conn_params: ConnParams) -> None:
    async with await aio.create_pool(**_kw(conn_params), max_size=1) as pool:

        async def body(started: asyncio.Event) -> None:
            async with pool.connection() as c:
                await (await c.execute(QUERY)).fetchall()
                started.set()
                await asyncio.sleep(10)

        started = asyncio.Event()
        task = asyncio.ensure_future(body(started))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert pool.size == 1  # nothing was in flight: kept (after its rollback)
        assert pool.stats()["evicted_broken"] == 0


async def test_cancellation_under_load(conn_params: ConnParams, control: Any) -> None:
    """Hundreds of tasks, cancelled at random moments (waiting, in flight, releasing):
    size never exceeds max_size and no slot leaks."""
    max_size = 4
    async with await aio.create_pool(**_kw(conn_params), max_size=max_size,
                                     acquire_timeout=30.0) as pool:
        control.send("delay 2")
        rng = random.Random(1234)
        sizes: list[int] = []
        stop = False

        async def monitor() -> None:
            while not stop:
                sizes.append(pool.size)
                await asyncio.sleep(0.001)

        async def work() -> None:
            async with pool.connection() as conn:
                cur = await conn.cursor()
                await cur.execute(QUERY)
                await cur.fetchall()
                if rng.random() < 0.3:
                    await asyncio.sleep(0.002)

        mon = asyncio.ensure_future(monitor())
        tasks = [asyncio.ensure_future(work()) for _ in range(400)]
        for _ in range(250):
            await asyncio.sleep(rng.random() * 0.004)
            rng.choice(tasks).cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        stop = True
        await mon
        control.send("delay 0")
        cancelled = sum(isinstance(r, asyncio.CancelledError) for r in results)
        failures = [r for r in results
                    if isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError)]
        assert failures == []
        assert cancelled > 50
        assert max(sizes) <= max_size
        # Let pending rollbacks of returned connections finish.
        for _ in range(200):
            s = pool.stats()
            if s["in_use"] == 0 and s["waiting"] == 0 and s["size"] == s["idle"]:
                break
            await asyncio.sleep(0.01)
        s = pool.stats()
        assert s["in_use"] == 0 and s["waiting"] == 0
        assert s["size"] <= max_size
        # Every slot can be taken again.
        conns = await asyncio.wait_for(
            asyncio.gather(*(pool.acquire(timeout=5.0) for _ in range(max_size))), 10)
        assert len({id(c) for c in conns}) == max_size
        for c in conns:
            await pool.release(c)
        assert pool.size <= max_size


async def test_pool_from_threads_and_asyncio_share_nothing_wrong(conn_params: ConnParams
                                                                 ) -> None:
    """A sync pool used from threads while an async pool serves tasks, same server."""
    sync_pool = informix_db.create_pool(**_kw(conn_params), max_size=2)
    errors: list[BaseException] = []

    def thread_work() -> None:
        try:
            for _ in range(20):
                with sync_pool.connection() as c:
                    cur = c.cursor()
                    cur.execute(QUERY)
                    assert cur.fetchone() == (1,)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=thread_work) for _ in range(4)]
    for t in threads:
        t.start()
    async with await aio.create_pool(**_kw(conn_params), max_size=2) as pool:

        async def task_work() -> None:
            for _ in range(10):
                async with pool.connection() as c:
                    assert await (await c.execute(QUERY)).fetchone() == (1,)

        await asyncio.gather(*(task_work() for _ in range(8)))
    for t in threads:
        t.join(timeout=30)
    sync_pool.close()
    assert errors == []
