"""threadsafety = 2: threads share one connection; a cursor dropped on another thread while
the connection is busy is cleaned up later (deferred cleanup) without disturbing anyone."""

# ruff: noqa: F811  (pytest fixtures imported from tests.dbapi_support)

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

import pytest

import informix_db
from tests.conftest import ConnParams, Control
from tests.dbapi_support import autoconn, connect, create_table  # noqa: F401  (fixtures)

THREADS = 8


def _run_threads(target: Callable[[int], None], n: int = THREADS) -> None:
    """Runs ``target(i)`` on n threads released together; re-raises the first failure."""
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def wrapper(i: int) -> None:
        try:
            start.wait(timeout=30)
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=wrapper, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a worker thread hung"
    if errors:
        raise errors[0]


@pytest.fixture
def big_table(autoconn: informix_db.Connection) -> str:
    cur = autoconn.cursor()
    table = create_table(cur, "id INT, tag VARCHAR(20)")
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(i, f"tag{i}") for i in range(2000)])
    return table


def test_threads_share_one_connection(autoconn: informix_db.Connection, big_table: str) -> None:
    def work(i: int) -> None:
        cur = autoconn.cursor()
        for j in range(20):
            lo = (i * 97 + j * 13) % 1900
            cur.execute(f"SELECT id, tag FROM {big_table} WHERE id >= ? AND id < ? ORDER BY id",
                        (lo, lo + 50))  # fmt: skip
            rows = cur.fetchall()
            assert rows == [(k, f"tag{k}") for k in range(lo, lo + 50)]
        cur.close()

    _run_threads(work)


def test_threads_stream_large_results_concurrently(
    autoconn: informix_db.Connection, big_table: str
) -> None:
    # Each thread iterates a full result in small steps while others do the same: the
    # connection must hand each its own rows, in order, with nothing lost or mixed up.
    def work(i: int) -> None:
        cur = autoconn.cursor()
        cur.execute(f"SELECT id FROM {big_table} WHERE MOD(id, ?) = ? ORDER BY id", (THREADS, i))
        got: list[int] = []
        while batch := cur.fetchmany(7):
            got.extend(r[0] for r in batch)
        assert got == list(range(i, 2000, THREADS))

    _run_threads(work)


def test_threads_mixing_writes_and_reads(autoconn: informix_db.Connection) -> None:
    cur = autoconn.cursor()
    table = create_table(cur, "thread INT, n INT")

    def work(i: int) -> None:
        c = autoconn.cursor()
        for n in range(25):
            c.execute(f"INSERT INTO {table} VALUES (?, ?)", (i, n))
            assert c.rowcount == 1
        c.execute(f"SELECT COUNT(*) FROM {table} WHERE thread = ?", (i,))
        assert c.fetchone() == (25,)

    _run_threads(work)
    cur.execute(f"SELECT COUNT(*) FROM {table}")
    assert cur.fetchone() == (25 * THREADS,)


def test_threads_with_transactions(conn_params: ConnParams) -> None:
    # One connection per thread, each committing or rolling back its own work.
    with connect(conn_params, autocommit=True) as setup:
        table = create_table(setup.cursor(), "thread INT")

    def work(i: int) -> None:
        with connect(conn_params) as c:
            cur = c.cursor()
            # Concurrent writers wait for each other's locks instead of failing at once.
            cur.execute("SET LOCK MODE TO WAIT 30")
            cur.executemany(f"INSERT INTO {table} VALUES (?)", [(i,)] * 10)
            if i % 2:
                c.commit()
            else:
                c.rollback()

    _run_threads(work)
    with connect(conn_params) as check:
        cur = check.cursor()
        cur.execute(f"SELECT thread, COUNT(*) FROM {table} GROUP BY thread ORDER BY thread")
        assert cur.fetchall() == [(i, 10) for i in range(THREADS) if i % 2]


def test_errors_on_one_thread_do_not_disturb_others(
    autoconn: informix_db.Connection, big_table: str
) -> None:
    def work(i: int) -> None:
        cur = autoconn.cursor()
        for _ in range(15):
            if i % 2:
                with pytest.raises(informix_db.ProgrammingError):
                    cur.execute("SELECT * FROM no_such_table_in_threads")
            else:
                cur.execute(f"SELECT COUNT(*) FROM {big_table}")
                assert cur.fetchone() == (2000,)

    _run_threads(work)


def _round_trips(conn: informix_db.Connection) -> int:
    stats = conn._native.wire_stats
    assert stats is not None
    return int(stats[1])


def test_cursor_collected_on_another_thread_is_cleaned_up_later(
    autoconn: informix_db.Connection, big_table: str
) -> None:
    """Dropping a cursor never touches the wire: its CLOSE is queued (deferred cleanup)
    and goes out, without fetching the abandoned rows, before the next operation."""
    native = autoconn._native
    wide = create_table(autoconn.cursor(), "id INT, pad CHAR(500)")
    autoconn.cursor().executemany(f"INSERT INTO {wide} VALUES (?, ?)",
                                  [(i, "x") for i in range(1000)])  # fmt: skip
    abandoned = autoconn.cursor()
    # About 500 KB of rows: many fetch batches, most of them still on the server.
    abandoned.execute(f"SELECT id, pad FROM {wide} ORDER BY id")
    assert abandoned.fetchone()[0] == 0  # open on the server, mid-result
    before = _round_trips(autoconn)

    def drop() -> None:
        nonlocal abandoned
        del abandoned
        gc.collect()

    dropper = threading.Thread(target=drop)
    dropper.start()
    dropper.join(timeout=30)
    assert not dropper.is_alive()
    assert native.pending_cleanup == 1  # queued, nothing sent
    assert _round_trips(autoconn) == before

    cur = autoconn.cursor()
    cur.execute(f"SELECT COUNT(*), MIN(id), MAX(id) FROM {big_table}")
    assert cur.fetchone() == (2000, 0, 1999)
    assert native.pending_cleanup == 0
    # The abandoned result was closed, not read to its end: a handful of round trips
    # (reading the rest would take a dozen more).
    assert _round_trips(autoconn) - before <= 4
    cur.execute(f"SELECT tag FROM {big_table} WHERE id = ?", (1234,))
    assert cur.fetchall() == [("tag1234",)]


def test_cursors_collected_on_other_threads_while_connection_is_busy(
    autoconn: informix_db.Connection, big_table: str
) -> None:
    """Workers keep the shared connection busy; another thread keeps opening cursors
    mid-result and dropping them. Nobody blocks, every result stays exact, and the
    cleanup queue is empty once the next operation has run."""
    stop = threading.Event()

    def busy(i: int) -> None:
        cur = autoconn.cursor()
        n = 0
        while not stop.is_set() or n < 5:
            lo = (i * 131 + n * 17) % 1900
            cur.execute(f"SELECT id FROM {big_table} WHERE id >= ? AND id < ? ORDER BY id",
                        (lo, lo + 100))  # fmt: skip
            assert [r[0] for r in cur.fetchall()] == list(range(lo, lo + 100))
            n += 1

    def abandon(_: int) -> None:
        try:
            for k in range(40):
                cur = autoconn.cursor()
                cur.execute(f"SELECT id FROM {big_table} WHERE id >= ? ORDER BY id", (k,))
                assert cur.fetchone() == (k,)
                del cur  # dropped mid-result, on this thread, while others hold the wire
                gc.collect()
        finally:
            stop.set()

    _run_threads(lambda i: abandon(i) if i == 0 else busy(i), n=4)
    check = autoconn.cursor()
    check.execute(f"SELECT COUNT(*) FROM {big_table}")
    assert check.fetchone() == (2000,)
    assert autoconn._native.pending_cleanup == 0


def test_many_abandoned_cursors_do_not_leak(
    autoconn: informix_db.Connection, big_table: str
) -> None:
    native = autoconn._native
    for i in range(60):
        cur = autoconn.cursor()
        cur.execute(f"SELECT id FROM {big_table} WHERE id >= ? ORDER BY id", (i,))
        assert cur.fetchone() == (i,)
        del cur
    gc.collect()
    check = autoconn.cursor()
    check.execute(f"SELECT COUNT(*) FROM {big_table}")
    assert check.fetchone() == (2000,)
    assert native.pending_cleanup == 0


def test_close_from_another_thread_is_safe(conn_params: ConnParams, big_table: str) -> None:
    conn = connect(conn_params)
    cur = conn.cursor()
    cur.execute(f"SELECT id FROM {big_table} ORDER BY id")
    closer = threading.Thread(target=conn.close)
    closer.start()
    closer.join(timeout=30)
    assert not closer.is_alive()
    assert conn.closed
    with pytest.raises(informix_db.Error):
        cur.fetchall()
        cur.execute("SELECT 1 FROM systables")


def test_other_threads_run_while_one_waits_for_the_server(
    autoconn: informix_db.Connection, control: Control
) -> None:
    # The GIL is released around network waits: once the server holds a request of
    # thread A (it delays every reply by 2 s), thread B runs Python code to completion
    # before A's call returns. With the GIL held during the wait, B could not run at all.
    autoconn.cursor().execute("SELECT tabid FROM systables WHERE tabid = 1")
    sessions = control.json("sessions")
    assert isinstance(sessions, list)
    ours = max(sessions, key=lambda s: s["id"])  # the newest session is this test's

    def requests() -> int:
        info = control.json(f"counters {ours['id']}")
        assert isinstance(info, dict)
        return int(info["requests"])

    events: list[str] = []
    before = requests()

    def slow_query() -> None:
        cur = autoconn.cursor()
        cur.execute("SELECT tabid FROM systables WHERE tabid = 2")
        assert cur.fetchone() == (2,)
        events.append("query returned")

    def python_work() -> None:
        while requests() == before:  # until the server has A's request in hand
            threading.Event().wait(0.01)
        events.append(f"python ran {sum(range(10_000)) > 0}")

    control.send("delay 2000")
    try:
        a = threading.Thread(target=slow_query)
        b = threading.Thread(target=python_work)
        a.start()
        b.start()
        b.join(timeout=60)
        a.join(timeout=60)
    finally:
        control.send("delay 0")
    assert events == ["python ran True", "query returned"]
