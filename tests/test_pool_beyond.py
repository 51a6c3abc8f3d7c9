"""What the pool does beyond the users' acceptance tests (issue 5, "Beyond them"), driven
through the test server's control channel: sessions killed under it, the server refusing
logins (down) and coming back, lifetime and idle expiry, background refill, FIFO
fairness, one deadline per acquire, the health-check bypass window, leak warnings,
garbage-collected checkouts, statistics, resize and configuration from the environment.
Cancellation under load is in tests/test_aio.py.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable

import pytest

import informix_db
from tests.conftest import ConnParams

pytestmark = pytest.mark.integration

QUERY = "SELECT tabid FROM systables WHERE tabid = 1"


def _pool(params: ConnParams, **kw: object) -> informix_db.ConnectionPool:
    return informix_db.create_pool(
        host=params.host, port=params.port, user=params.user, password=params.password,
        database=params.database, server=params.server, **kw,
    )


def _query(conn: informix_db.Connection) -> object:
    cur = conn.cursor()
    cur.execute(QUERY)
    row = cur.fetchone()
    cur.close()
    return row


def _wait_until(cond: Callable[[], bool], timeout: float = 5.0, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


# -------- server-side failures --------------------------------------------------------


def test_kill_all_sessions_one_failure_cleans_the_pool(conn_params: ConnParams,
                                                       control: object) -> None:
    """Every session killed while idle: the first acquire's check finds its connection
    dead, which marks every older idle connection stale at once; no borrower sees an
    error, and only one check ever fails."""
    with _pool(conn_params, min_size=4, max_size=4, health_check_after=0.1) as pool:
        held = [pool.acquire() for _ in range(4)]
        for c in held:
            assert _query(c) == (1,)
        for c in held:
            pool.release(c)
        del held
        time.sleep(0.2)  # older than the bypass window: acquires check first
        control.send("kill all")  # type: ignore[attr-defined]

        with pool.connection() as conn:
            assert _query(conn) == (1,)
        s = pool.stats()
        assert s["checks_failed"] == 1
        assert s["invalidations"] >= 1
        assert pool.size <= 4

        errors: list[BaseException] = []

        def worker() -> None:
            try:
                for _ in range(10):
                    with pool.connection() as c:
                        assert _query(c) == (1,)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert errors == []
        assert pool.stats()["checks_failed"] == 1
        assert pool.size <= 4


def test_kill_inside_bypass_window_costs_one_error_then_clean(conn_params: ConnParams,
                                                              control: object) -> None:
    """A connection used a moment ago is handed out without a round trip, so a kill in
    that window reaches one borrower: its error says connection_lost, the with-block
    evicts it, and the same moment makes every other idle connection stale."""
    with _pool(conn_params, min_size=3, max_size=3, health_check_after=30.0) as pool:
        held = [pool.acquire() for _ in range(3)]
        for c in held:
            _query(c)
        for c in held:
            pool.release(c)
        del held
        control.send("kill all")  # type: ignore[attr-defined]
        time.sleep(0.05)
        with pytest.raises(informix_db.Error) as info, pool.connection() as conn:
            _query(conn)
        assert info.value.connection_lost
        assert pool.idle_count == 0  # the other two were discarded, unchecked
        for _ in range(5):
            with pool.connection() as conn:
                assert _query(conn) == (1,)
        s = pool.stats()
        assert s["invalidations"] >= 1
        assert s["checks_failed"] == 0


def test_server_down_fails_fast_with_real_error_then_recovers(conn_params: ConnParams,
                                                              control: object) -> None:
    """While the server refuses logins, acquirers that need a new connection fail at once
    with the server's own error (not a PoolTimeoutError after acquire_timeout); only one
    background probe retries, with backoff; when the server is back the pool recovers
    without anybody re-creating it."""
    with _pool(conn_params, min_size=1, max_size=3, acquire_timeout=10.0,
               health_check_after=0.0, reconnect_base=0.05, reconnect_max=0.3) as pool:
        control.send("refuse -908")  # type: ignore[attr-defined]
        control.send("kill all")  # type: ignore[attr-defined]
        start = time.monotonic()
        with pytest.raises(informix_db.OperationalError) as info:
            pool.acquire()
        assert time.monotonic() - start < 2.0
        assert not isinstance(info.value, informix_db.PoolTimeoutError)
        assert info.value.sqlcode == -908

        # A burst of acquirers while down: all fail fast, the server sees no storm.
        failed_before = pool.stats()["connections_failed"]
        attempts = 0
        fast = 0
        burst_end = time.monotonic() + 1.0
        while time.monotonic() < burst_end:
            t0 = time.monotonic()
            with pytest.raises(informix_db.OperationalError):
                pool.acquire()
            attempts += 1
            fast += time.monotonic() - t0 < 0.5
        s = pool.stats()
        assert s["server_down"]
        assert attempts > 50
        assert fast == attempts
        # Backoff 50 ms doubling to 300 ms: a handful of probes in a second, not one per
        # acquire.
        assert s["connections_failed"] - failed_before <= 12
        assert s["fail_fast"] > 0
        assert pool.size <= 3

        control.send("refuse off")  # type: ignore[attr-defined]

        def usable() -> bool:
            try:
                with pool.connection(timeout=1.0) as conn:
                    return _query(conn) == (1,)
            except informix_db.OperationalError:
                return False

        assert _wait_until(usable, timeout=5.0)
        assert not pool.stats()["server_down"]
        assert _wait_until(lambda: pool.size >= 1)


def test_timeout_when_full_names_the_last_connect_error(conn_params: ConnParams,
                                                       control: object) -> None:
    """Exhausted while the server also refuses new logins: the timeout says both."""
    with _pool(conn_params, max_size=2, reconnect_base=5.0, reconnect_max=5.0) as pool:
        held = pool.acquire()
        control.send("refuse -908")  # type: ignore[attr-defined]
        with pytest.raises(informix_db.OperationalError) as info:
            pool.acquire()  # needs a new connection: the real error, at once
        assert info.value.sqlcode == -908
        pool.resize(max_size=1)  # now full: the next caller waits, then times out
        with pytest.raises(informix_db.PoolTimeoutError) as timeout:
            pool.acquire(timeout=0.2)
        message = str(timeout.value)
        assert "max_size=1" in message and "in use=1" in message
        assert "last connect error" in message and "-908" in message, message
        control.send("refuse off")  # type: ignore[attr-defined]
        pool.release(held)
        with pool.connection(timeout=1.0) as conn:  # idle connection: no connect needed
            assert _query(conn) == (1,)


# -------- lifetime, idle expiry, refill -----------------------------------------------


def test_max_lifetime_retires_connections(conn_params: ConnParams) -> None:
    with _pool(conn_params, min_size=1, max_size=2, max_lifetime=0.4, lifetime_jitter=0.0,
               housekeeping_interval=0.05) as pool:
        first = pool.acquire()
        first_native = first._native
        pool.release(first)
        assert _wait_until(lambda: pool.stats()["expired_lifetime"] >= 1, timeout=3.0)
        # min_size is refilled in the background with a fresh connection.
        assert _wait_until(lambda: pool.idle_count == 1, timeout=3.0)
        second = pool.acquire()
        try:
            assert second._native is not first_native
            assert _query(second) == (1,)
        finally:
            pool.release(second)
        assert first_native.closed


def test_lifetime_checked_on_return(conn_params: ConnParams) -> None:
    """A connection out on loan past its lifetime is not reused when it comes back."""
    with _pool(conn_params, max_size=1, max_lifetime=0.2, lifetime_jitter=0.0) as pool:
        conn = pool.acquire()
        time.sleep(0.3)
        pool.release(conn)
        assert pool.idle_count == 0
        assert pool.stats()["expired_lifetime"] == 1


def test_idle_timeout_shrinks_to_min_size(conn_params: ConnParams) -> None:
    with _pool(conn_params, min_size=1, max_size=4, idle_timeout=0.3,
               housekeeping_interval=0.05) as pool:
        held = [pool.acquire() for _ in range(4)]
        for c in held:
            pool.release(c)
        assert pool.size == 4
        assert _wait_until(lambda: pool.size == 1, timeout=3.0)
        time.sleep(0.5)
        assert pool.size == 1  # never below min_size
        assert pool.stats()["expired_idle"] == 3


def test_min_size_refilled_in_background(conn_params: ConnParams) -> None:
    with _pool(conn_params, min_size=2, max_size=4) as pool:
        a, b = pool.acquire(), pool.acquire()
        pool.release(a, broken=True)
        pool.release(b, broken=True)
        assert _wait_until(lambda: pool.idle_count == 2, timeout=3.0)
        assert pool.size == 2
        assert pool.stats()["connections_created"] == 4


# -------- fairness, deadline, bypass window -----------------------------------------------


def test_waiters_served_strictly_first_come_first_served(conn_params: ConnParams) -> None:
    with _pool(conn_params, max_size=1, acquire_timeout=10.0) as pool:
        held = pool.acquire()
        order: list[int] = []
        lock = threading.Lock()

        def waiter(i: int) -> None:
            conn = pool.acquire()
            with lock:
                order.append(i)
            time.sleep(0.005)
            pool.release(conn)

        threads = []
        for i in range(6):
            t = threading.Thread(target=waiter, args=(i,))
            t.start()
            threads.append(t)
            assert _wait_until(lambda n=i + 1: pool.stats()["waiting"] == n)
        pool.release(held)
        # A latecomer arriving while the queue drains must not overtake it.
        late = pool.acquire()
        order.append(99)
        pool.release(late)
        for t in threads:
            t.join(timeout=10)
        assert order == [0, 1, 2, 3, 4, 5, 99]


def test_one_deadline_covers_connecting(conn_params: ConnParams, control: object) -> None:
    """A slow server (each reply delayed) makes connecting slower than the deadline: the
    acquire gives up on time and says what the pool was doing; the connection still
    being opened is not wasted."""
    with _pool(conn_params, max_size=1) as pool:
        control.send("delay 250")  # type: ignore[attr-defined]
        start = time.monotonic()
        with pytest.raises(informix_db.PoolTimeoutError) as info:
            pool.acquire(timeout=0.3)
        elapsed = time.monotonic() - start
        control.send("delay 0")  # type: ignore[attr-defined]
        assert 0.25 < elapsed < 0.6
        message = str(info.value)
        assert "max_size=1" in message
        assert "connecting=1" in message
        assert _wait_until(lambda: pool.idle_count == 1, timeout=10.0)
        with pool.connection(timeout=1.0) as conn:
            assert _query(conn) == (1,)


def test_timeout_message_reports_pool_state_and_holder(conn_params: ConnParams) -> None:
    with _pool(conn_params, max_size=1, track_call_sites=True) as pool:
        held = pool.acquire()
        with pytest.raises(informix_db.PoolTimeoutError) as info:
            pool.acquire(timeout=0.1)
        message = str(info.value)
        for part in ("max_size=1", "size=1", "idle=0", "in use=1", "waiting=0",
                     "oldest checkout held", "test_pool_beyond.py"):
            assert part in message, message
        pool.release(held)


def test_health_check_bypass_window(conn_params: ConnParams) -> None:
    """Used within the window: no round trip on acquire. Older: one liveness check
    (``Connection.ping``: one exchange, plus the deferred close of the previous result
    when one is pending)."""
    with _pool(conn_params, max_size=1, health_check_after=0.3) as pool:
        with pool.connection() as conn:
            _query(conn)
            conn.rollback()
        native = conn._native
        _, rt0 = native.wire_stats
        with pool.connection():
            pass
        assert native.wire_stats[1] == rt0
        time.sleep(0.4)
        with pool.connection():
            pass
        assert rt0 < native.wire_stats[1] <= rt0 + 2
        assert pool.stats()["checks"] == 1


def test_dead_idle_connection_checked_and_replaced(conn_params: ConnParams,
                                                   control: object) -> None:
    with _pool(conn_params, max_size=2, health_check_after=0.05) as pool:
        with pool.connection() as conn:
            _query(conn)
        time.sleep(0.1)
        control.send("kill all")  # type: ignore[attr-defined]
        with pool.connection() as conn:
            assert _query(conn) == (1,)
        assert pool.stats()["checks_failed"] == 1


# -------- leaks -------------------------------------------------------------------------


def test_leak_warning_names_the_acquiring_call_site(conn_params: ConnParams,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="informix_db.pool")
    with _pool(conn_params, max_size=2, leak_threshold=0.2, housekeeping_interval=0.05) as pool:
        conn = pool.acquire()  # this line is the call site
        assert _wait_until(lambda: pool.stats()["leaks_suspected"] == 1, timeout=3.0)
        pool.release(conn)
    messages = [r.getMessage() for r in caplog.records if r.name == "informix_db.pool"]
    leak = [m for m in messages if "possible leak" in m]
    assert leak, messages
    assert "test_pool_beyond.py" in leak[0]
    assert "test_leak_warning_names_the_acquiring_call_site" in leak[0]


def test_garbage_collected_checkout_is_reclaimed(conn_params: ConnParams,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="informix_db.pool")
    with _pool(conn_params, max_size=1) as pool:
        conn = pool.acquire()
        _query(conn)
        del conn
        gc.collect()
        assert pool.stats()["reclaimed"] == 1
        assert pool.stats()["in_use"] == 0
        with pool.connection(timeout=1.0) as again:  # the slot came back
            assert _query(again) == (1,)
    assert any("garbage-collected" in r.getMessage() for r in caplog.records)


# -------- statistics, resize, close, configuration ------------------------------------------


def test_stats_report_sizes_counters_and_wait_percentiles(conn_params: ConnParams) -> None:
    with _pool(conn_params, min_size=1, max_size=3) as pool:
        for _ in range(5):
            with pool.connection() as conn:
                _query(conn)
        s = pool.stats()
        for key in ("size", "idle", "in_use", "waiting", "acquisitions", "timeouts",
                    "connections_created", "connections_closed", "connections_failed",
                    "wait_p50_ms", "wait_p90_ms", "wait_p99_ms", "wait_max_ms"):
            assert key in s
        assert s["size"] == 1 and s["idle"] == 1 and s["in_use"] == 0
        assert s["acquisitions"] == 5
        assert s["connections_created"] == 1
        assert 0.0 <= s["wait_p50_ms"] <= s["wait_p99_ms"] <= s["wait_max_ms"]


def test_resize_grows_and_shrinks(conn_params: ConnParams) -> None:
    with _pool(conn_params, min_size=0, max_size=1, acquire_timeout=0.2) as pool:
        a = pool.acquire()
        with pytest.raises(informix_db.PoolTimeoutError):
            pool.acquire()
        pool.resize(max_size=2)
        b = pool.acquire()
        assert pool.max_size == 2 and pool.size == 2
        pool.resize(min_size=0, max_size=1)
        pool.release(a)
        pool.release(b)
        assert pool.size == 1
        pool.resize(min_size=2, max_size=3)
        assert _wait_until(lambda: pool.size == 2)
        with pytest.raises(informix_db.ProgrammingError):
            pool.resize(min_size=4, max_size=3)


def test_close_wakes_waiters_and_waits_for_borrowers(conn_params: ConnParams) -> None:
    pool = _pool(conn_params, max_size=1, acquire_timeout=10.0)
    held = pool.acquire()
    errors: list[BaseException] = []

    def waiter() -> None:
        try:
            pool.acquire()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=waiter)
    t.start()
    assert _wait_until(lambda: pool.stats()["waiting"] == 1)
    start = time.monotonic()
    pool.close(timeout=0.3)
    assert 0.25 < time.monotonic() - start < 2.0
    t.join(timeout=5)
    assert len(errors) == 1 and isinstance(errors[0], informix_db.PoolClosedError)
    assert held.closed  # still out after the grace period: cut
    pool.release(held)  # returning it afterwards is fine
    assert pool.size == 0


def test_drain_replaces_every_connection(conn_params: ConnParams) -> None:
    with _pool(conn_params, min_size=2, max_size=3) as pool:
        both = [pool.acquire() for _ in range(2)]
        for c in both:
            pool.release(c)
        busy = pool.acquire()
        old_idle = [c._native for c in both if c is not busy]
        assert len(old_idle) == 1
        pool.drain()
        # Idle ones are closed at once and min_size reopened in the background.
        assert _wait_until(lambda: all(n.closed for n in old_idle))
        assert _wait_until(lambda: pool.idle_count >= 1)
        # The one in use is retired when it comes back, not reused.
        busy_native = busy._native
        pool.release(busy)
        assert _wait_until(lambda: busy_native.closed)
        with pool.connection() as conn:
            assert conn._native is not busy_native
            assert conn._native not in old_idle
            assert _query(conn) == (1,)


def _child_uses_inherited_pool(pool: informix_db.ConnectionPool, out: object) -> None:
    try:
        with pool.connection() as conn:
            out.put(("ok", _query(conn), pool.size))  # type: ignore[attr-defined]
        pool.close()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        out.put(("error", repr(exc), 0))  # type: ignore[attr-defined]


def test_pool_survives_fork(conn_params: ConnParams, control: object) -> None:
    """A forked child never touches the parent's sessions: it opens its own; the parent's
    pool keeps working on its own connections afterwards."""
    import multiprocessing

    with _pool(conn_params, min_size=2, max_size=2) as pool:
        with pool.connection() as conn:
            assert _query(conn) == (1,)
        parent_natives = {id(c._native) for c in [pool.acquire(), pool.acquire()]}
        assert len(parent_natives) == 2
        # (those two wrappers were dropped: reclaimed on GC, so give the pool a moment)
        gc.collect()
        opened_before = control.json("counters")["sessions_opened"]  # type: ignore[attr-defined]
        ctx = multiprocessing.get_context("fork")
        out = ctx.Queue()
        child = ctx.Process(target=_child_uses_inherited_pool, args=(pool, out))
        child.start()
        status, value, child_size = out.get(timeout=30)
        child.join(timeout=30)
        assert child.exitcode == 0
        assert status == "ok", value
        assert value == (1,)
        assert child_size >= 1
        opened_after = control.json("counters")["sessions_opened"]  # type: ignore[attr-defined]
        assert opened_after > opened_before  # the child opened its own sessions
        for _ in range(5):
            with pool.connection() as conn:
                assert _query(conn) == (1,)
        assert pool.stats()["checks_failed"] == 0


def test_release_of_a_foreign_connection_is_refused(conn_params: ConnParams) -> None:
    with _pool(conn_params, max_size=1) as pool:
        other = informix_db.connect(host=conn_params.host, port=conn_params.port,
                                    user=conn_params.user, password=conn_params.password,
                                    database=conn_params.database)
        try:
            with pytest.raises(informix_db.InterfaceError):
                pool.release(other)
        finally:
            other.close()
        conn = pool.acquire()
        pool.release(conn)
        with pytest.raises(informix_db.InterfaceError):
            pool.release(conn)  # twice


def test_configuration_from_environment(conn_params: ConnParams,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFORMIXSERVER", conn_params.server)
    monkeypatch.setenv("INFORMIX_DB_POOL_MIN_SIZE", "2")
    monkeypatch.setenv("INFORMIX_DB_POOL_MAX_SIZE", "3")
    monkeypatch.setenv("INFORMIX_DB_POOL_ACQUIRE_TIMEOUT", "0.25")
    monkeypatch.setenv("INFORMIX_DB_HOST", conn_params.host)
    monkeypatch.setenv("INFORMIX_DB_PORT", str(conn_params.port))
    monkeypatch.setenv("INFORMIX_DB_USER", conn_params.user)
    monkeypatch.setenv("INFORMIX_DB_PASSWORD", conn_params.password)
    monkeypatch.setenv("INFORMIX_DB_DATABASE", conn_params.database)
    with informix_db.create_pool() as pool:
        assert (pool.min_size, pool.max_size, pool.size) == (2, 3, 2)
        held = [pool.acquire() for _ in range(3)]
        start = time.monotonic()
        with pytest.raises(informix_db.PoolTimeoutError, match="max_size=3"):
            pool.acquire()
        assert time.monotonic() - start < 1.0
        for c in held:
            pool.release(c)
    # Keyword arguments win over the environment.
    with informix_db.create_pool(min_size=0, max_size=1) as pool:
        assert (pool.min_size, pool.max_size) == (0, 1)
    monkeypatch.setenv("INFORMIX_DB_POOL_MAX_SIZE", "lots")
    with pytest.raises(informix_db.ProgrammingError, match="INFORMIX_DB_POOL_MAX_SIZE"):
        informix_db.create_pool()


def test_create_pool_accepts_every_connect_keyword() -> None:
    """The pool takes exactly what connect() takes (guards against drift)."""
    import inspect

    from informix_db.pool import _CONNECT_KEYS

    params = set(inspect.signature(informix_db.connect).parameters)
    assert params <= _CONNECT_KEYS, params - _CONNECT_KEYS
