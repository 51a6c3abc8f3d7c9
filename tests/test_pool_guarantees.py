"""The guarantees behind the four seed tests that reached into the reference driver's
private attributes (``_in_transaction``, ``_wire_lock``, ``_pending_cleanup``,
``_enqueue_cleanup``, ``_drain_pending_cleanup``), tested through our own design:

* rollback on release, checked with the public ``in_transaction`` property and with the
  server's own view of the session (the control channel's ``sessions``);
* committed work survives the checkout boundary;
* the deferred-cleanup queue: closing a cursor never waits for the wire, the cleanup is
  queued (``NativeConnection.pending_cleanup``) and sent before the next exchange, at a
  statement boundary, and the connection stays in step;
* a cursor finalised on another thread while the wire is busy uses that queue.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time

import pytest

import informix_db
from tests.conftest import ConnParams

pytestmark = pytest.mark.integration


def _pool(params: ConnParams, **kw: object) -> informix_db.ConnectionPool:
    return informix_db.create_pool(
        host=params.host, port=params.port, user=params.user, password=params.password,
        database=params.database, server=params.server, **kw,
    )


def _connect(params: ConnParams, **kw: object) -> informix_db.Connection:
    return informix_db.connect(
        host=params.host, port=params.port, user=params.user, password=params.password,
        database=params.database, server=params.server, **kw,
    )


def _server_session_in_transaction(control: object) -> list[bool]:
    sessions = control.json("sessions")  # type: ignore[attr-defined]
    return [bool(s["in_transaction"]) for s in sessions if s.get("database") == "testdb"]


def test_release_rolls_back_open_transaction(logged_db_params: ConnParams) -> None:
    """Uncommitted work never reaches the next borrower (public API only)."""
    table = "g_dirty_release"
    with _pool(logged_db_params, min_size=1, max_size=1) as pool:
        with pool.connection() as conn:
            cur = conn.cursor()
            with contextlib.suppress(Exception):
                cur.execute(f"DROP TABLE {table}")
            cur.execute(f"CREATE TABLE {table} (id INT)")
            conn.commit()
        a = pool.acquire()
        a.cursor().execute(f"INSERT INTO {table} VALUES (?)", (7,))
        assert a.in_transaction
        pool.release(a)
        # The rollback happened during release, before anyone else could get it.
        assert not a.in_transaction
        stats = pool.stats()
        assert stats["rollbacks_on_release"] >= 1
        b = pool.acquire()
        try:
            assert b is a
            cur = b.cursor()
            cur.execute(f"SELECT id FROM {table}")
            assert cur.fetchall() == []
        finally:
            pool.release(b)
        with pool.connection() as conn:
            conn.cursor().execute(f"DROP TABLE {table}")
            conn.commit()


def test_release_rollback_seen_by_server(logged_db_params: ConnParams, control: object) -> None:
    """The server itself reports no open transaction on the idle pooled session."""
    with _pool(logged_db_params, min_size=1, max_size=1) as pool:
        with pool.connection() as conn:
            cur = conn.cursor()
            cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
            cur.fetchall()
            assert conn.in_transaction  # a logged database opens one implicitly
        assert pool.idle_count == 1
        assert not any(_server_session_in_transaction(control))


def test_committed_work_survives_checkout(logged_db_params: ConnParams) -> None:
    table = "g_committed"
    with _pool(logged_db_params, min_size=1, max_size=1) as pool:
        with pool.connection() as conn:
            cur = conn.cursor()
            with contextlib.suppress(Exception):
                cur.execute(f"DROP TABLE {table}")
            cur.execute(f"CREATE TABLE {table} (id INT)")
            conn.commit()
        with pool.connection() as conn:
            conn.cursor().execute(f"INSERT INTO {table} VALUES (?)", (42,))
            conn.commit()
            assert not conn.in_transaction
        before = pool.stats()["rollbacks_on_release"]
        with pool.connection() as conn:
            cur = conn.cursor()
            cur.execute(f"SELECT id FROM {table}")
            assert cur.fetchall() == [(42,)]
            cur.execute(f"DROP TABLE {table}")
            conn.commit()
        # Nothing was open at that release: no rollback was sent.
        assert pool.stats()["rollbacks_on_release"] == before


def test_cursor_close_is_queued_and_drained_at_next_exchange(conn_params: ConnParams) -> None:
    """Closing a cursor with an open server cursor never takes the wire: the CLOSE is
    queued and goes out first in the next exchange, keeping the session in step."""
    conn = _connect(conn_params, autocommit=True)
    try:
        native = conn._native
        assert native.pending_cleanup == 0
        cur = conn.cursor()
        cur.execute("SELECT tabid FROM systables WHERE tabid < 5 ORDER BY tabid")
        first = cur.fetchone()
        assert first is not None
        cur.close()
        # Queued, not sent: close() never takes the wire (the result handle's own drop
        # may queue a second, idempotent entry for the same server cursor).
        assert native.pending_cleanup >= 1
        cur2 = conn.cursor()
        cur2.execute("SELECT tabid FROM systables WHERE tabid = 1")
        assert cur2.fetchone() == (1,)
        assert native.pending_cleanup == 0
    finally:
        conn.close()


def test_concurrent_cleanup_enqueue_loses_nothing(conn_params: ConnParams) -> None:
    """8 threads x 25 cursors closed concurrently: every close is accounted for and the
    connection answers correctly afterwards (the queue's own lock is tiny and separate
    from the wire mutex)."""
    conn = _connect(conn_params, autocommit=True)
    try:
        cursors = []
        for _ in range(200):
            c = conn.cursor()
            c.execute("SELECT tabid FROM systables WHERE tabid = 1")
            cursors.append(c)
        # Executing the next one closed the previous server cursor already; each close
        # is still accepted without touching the wire.
        barrier = threading.Barrier(8)

        def closer(chunk: list[informix_db.Cursor]) -> None:
            barrier.wait()
            for c in chunk:
                c.close()

        threads = [threading.Thread(target=closer, args=(cursors[i::8],)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
            assert not t.is_alive()
        assert all(c.closed for c in cursors)
        cur = conn.cursor()
        cur.execute("SELECT tabid FROM systables WHERE tabid = 2")
        assert cur.fetchone() == (2,)
        assert conn._native.pending_cleanup == 0
    finally:
        conn.close()


def test_cursor_finalised_on_other_thread_while_wire_busy(conn_params: ConnParams,
                                                          control: object) -> None:
    """A cursor garbage-collected on another thread while the wire is held by a slow
    exchange neither blocks nor corrupts the session."""
    conn = _connect(conn_params, autocommit=True)
    try:
        victim = conn.cursor()
        victim.execute("SELECT tabid FROM systables WHERE tabid < 10 ORDER BY tabid")
        holder_result: list[object] = []

        def slow() -> None:
            cur = conn.cursor()
            cur.execute("SELECT tabid FROM systables WHERE tabid = 3")
            holder_result.append(cur.fetchone())

        control.send("delay 300")  # type: ignore[attr-defined]
        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.1)  # the slow exchange now holds the wire mutex
        finalize_time: list[float] = []

        def finalize() -> None:
            nonlocal victim
            start = time.monotonic()
            victim.close()
            del victim
            gc.collect()
            finalize_time.append(time.monotonic() - start)

        f = threading.Thread(target=finalize)
        f.start()
        f.join(timeout=5)
        control.send("delay 0")  # type: ignore[attr-defined]
        t.join(timeout=10)
        assert finalize_time and finalize_time[0] < 0.2, finalize_time
        assert holder_result == [(3,)]
        cur = conn.cursor()
        cur.execute("SELECT tabid FROM systables WHERE tabid = 4")
        assert cur.fetchone() == (4,)
        assert conn._native.pending_cleanup == 0
    finally:
        conn.close()


def test_wire_mutex_serialises_threads_on_a_pooled_connection(conn_params: ConnParams) -> None:
    """Two threads sharing one pooled connection take turns on the wire: each gets its
    own answers, then the connection goes back to the pool intact."""
    with _pool(conn_params, max_size=1) as pool:
        conn = pool.acquire()
        errors: list[BaseException] = []
        seen: dict[int, int] = {1: 0, 2: 0}
        lock = threading.Lock()

        def worker(tabid: int) -> None:
            try:
                for _ in range(20):
                    cur = conn.cursor()
                    cur.execute("SELECT tabid FROM systables WHERE tabid = ?", (tabid,))
                    rows = cur.fetchall()
                    assert rows == [(tabid,)], rows
                    with lock:
                        seen[tabid] += 1
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in (1, 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert errors == []
        assert seen == {1: 20, 2: 20}
        pool.release(conn)
        assert pool.idle_count == 1


def test_ansi_database_uncommitted_work_never_leaks(ansi_params: ConnParams) -> None:
    """In an ANSI database the server opens a transaction with any statement (even the
    pool's own health check), so the pool rolls back every session that talked to the
    server since it was last known clean, whatever the client-side flag says."""
    table = "g_ansi_dirty"
    with _pool(ansi_params, min_size=1, max_size=1, health_check_after=0.0) as pool:
        with pool.connection() as conn:
            cur = conn.cursor()
            with contextlib.suppress(Exception):
                cur.execute(f"DROP TABLE {table}")
            conn.commit()
            cur.execute(f"CREATE TABLE {table} (id INT)")
            conn.commit()
        with pool.connection() as a:
            a.cursor().execute(f"INSERT INTO {table} VALUES (?)", (1,))
        with pool.connection() as b:
            cur = b.cursor()
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            assert cur.fetchone() == (0,)
        with pool.connection() as c:
            c.cursor().execute(f"INSERT INTO {table} VALUES (?)", (2,))
            c.commit()
        with pool.connection() as d:
            cur = d.cursor()
            cur.execute(f"SELECT id FROM {table}")
            assert cur.fetchall() == [(2,)]
            cur.execute(f"DROP TABLE {table}")
            d.commit()
        assert pool.stats()["rollbacks_on_release"] >= 2
