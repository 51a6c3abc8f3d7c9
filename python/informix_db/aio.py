"""asyncio interface: connections, cursors and a connection pool.

    conn = await aio.connect(host=..., user=..., password=..., database=...)
    cur = await conn.cursor()
    await cur.execute("SELECT tabname FROM systables WHERE tabid = ?", (1,))
    row = await cur.fetchone()

    pool = await aio.create_pool(..., min_size=1, max_size=10)
    async with pool.connection() as conn:
        ...
    await pool.close()

How it works: ``execute`` of a statement the connection has prepared before (the usual
case: statements are cached per connection) runs on the event loop itself: the request
is written without waiting, the socket is watched with ``loop.add_reader``, and the
replies are parsed when they have all arrived, so no thread is involved and the loop
never blocks on the server. Everything else (the first execution of a statement,
fetches of further batches of a large result, commit, close, ...) runs on the
connection's own worker thread (a daemon thread started on first use and gone after a
while unused), in order, with the GIL released while it waits for the server; results
come back through ``loop.call_soon_threadsafe``. asyncio's default executor is never
used. Waiting for a pooled connection uses no thread at all: the Rust pool calls back
when a connection is handed over.

Cancellation: a call cancelled before its worker started it is simply dropped (the
connection stays usable). A call cancelled while its exchange with the server is in
flight cuts the connection's socket (``abort``) and marks it broken, so the pool
discards it instead of handing a half-finished exchange to someone else; a pooled
connection is always returned, whatever happens to the task. Results that arrive for a
task that is gone are cleaned up (connections closed or given back to the pool).
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import select
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self

from .connections import Connection, Cursor
from .connections import connect as _sync_connect
from .exceptions import InterfaceError
from .pool import _PoolBase, build_native_pool, call_site, evict_verdict

__all__ = ["AsyncConnection", "AsyncConnectionPool", "AsyncCursor", "connect", "create_pool"]

log = logging.getLogger("informix_db.aio")

_QUEUED, _RUNNING, _DONE, _SKIPPED = range(4)
_WORKER_IDLE_EXIT = 30.0
_FETCH_BATCH = 256


class _Job:
    __slots__ = ("args", "fn", "fut", "loop", "on_orphan", "state")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...],
                 loop: asyncio.AbstractEventLoop, fut: asyncio.Future[Any],
                 on_orphan: Callable[[Any], None] | None) -> None:
        self.fn = fn
        self.args = args
        self.loop = loop
        self.fut = fut
        self.on_orphan = on_orphan
        self.state = _QUEUED


def _orphan(job: _Job, value: Any) -> None:
    if job.on_orphan is not None:
        try:
            job.on_orphan(value)
        except Exception:  # cleanup of an abandoned result must not raise
            log.debug("cleanup of an abandoned result failed", exc_info=True)


def _settle(job: _Job, ok: bool, value: Any) -> None:
    """On the event loop: deliver, unless nobody is waiting any more."""
    fut = job.fut
    if fut.done():
        if ok:
            _orphan(job, value)
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


class _Worker:
    """One daemon thread running one connection's blocking calls, in order."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._cv = threading.Condition(threading.Lock())
        self._jobs: collections.deque[_Job] = collections.deque()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, job: _Job) -> None:
        with self._cv:
            if self._closed:
                raise InterfaceError("connection is closed")
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            else:
                self._cv.notify()

    def cancel(self, job: _Job) -> int:
        """Drops a job that has not started; returns its state after the attempt."""
        with self._cv:
            if job.state == _QUEUED:
                job.state = _SKIPPED
            return job.state

    def close(self) -> None:
        with self._cv:
            self._closed = True
            self._cv.notify()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._jobs:
                    if self._closed or not self._cv.wait(_WORKER_IDLE_EXIT) and not self._jobs:
                        self._thread = None
                        return
                job = self._jobs.popleft()
                if job.state != _QUEUED:
                    continue
                job.state = _RUNNING
            try:
                value, ok = job.fn(*job.args), True
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
                value, ok = exc, False
            with self._cv:
                job.state = _DONE
            try:
                job.loop.call_soon_threadsafe(_settle, job, ok, value)
            except RuntimeError:  # the loop is closed: nobody will ever take it
                if ok:
                    _orphan(job, value)
            del job, value


async def _run_on(worker: _Worker, fn: Callable[..., Any], *args: Any,
                  on_inflight_cancel: Callable[[], None] | None = None,
                  on_orphan: Callable[[Any], None] | None = None) -> Any:
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[Any] = loop.create_future()
    job = _Job(fn, args, loop, fut, on_orphan)
    worker.submit(job)
    try:
        return await fut
    except asyncio.CancelledError:
        state = worker.cancel(job)
        if state == _RUNNING and on_inflight_cancel is not None:
            on_inflight_cancel()
        elif fut.done() and not fut.cancelled() and fut.exception() is None:
            # Completed, but the task was cancelled before it could take the result.
            _orphan(job, fut.result())
        raise


def _poll_blocking(pending: Any) -> Any:
    """On a worker thread, for loops that cannot watch sockets: waits for each read."""
    result = pending.poll(False)
    while result is None:
        fd = pending.fileno()
        if fd is None:
            return pending.poll(False)
        select.select([fd], [], [])
        result = pending.poll(True)
    return result


def _close_quietly(conn: Any) -> None:
    try:
        conn.close()
    except Exception:
        log.debug("closing an abandoned connection failed", exc_info=True)


class AsyncConnection:
    """An asyncio connection. Obtain one from :func:`connect` or a pool."""

    def __init__(self, connection: Connection, *, worker: _Worker | None = None) -> None:
        self._conn = connection
        self._worker = worker or _Worker("informix_db-conn")
        self._broken = False
        # The loop watching our socket, the socket, and the execute waiting on it.
        self._watch_loop: asyncio.AbstractEventLoop | None = None
        self._watch_fd = -1
        self._reading: tuple[Any, asyncio.Future[Any]] | None = None

    async def _call(self, fn: Callable[..., Any], *args: Any,
                    on_orphan: Callable[[Any], None] | None = None) -> Any:
        try:
            return await _run_on(self._worker, fn, *args, on_inflight_cancel=self._abort_inflight,
                                 on_orphan=on_orphan)
        finally:
            if self._watch_loop is not None and self._conn.closed:
                # A lost session frees its socket's number for reuse: stop watching it.
                self._stop_watching()

    async def _finish(self, pending: Any) -> Any:
        """Reads a started execute's replies on the event loop as they arrive: no thread
        hop, and the loop never waits on the server (reads happen on readiness only).

        The socket stays registered with the loop between statements (registering costs
        more than a query's own client-side work); it is unregistered when the connection
        leaves this object's hands (close, release to a pool) or turns out lost.
        """
        result = pending.poll(False)
        if result is not None:
            return result
        fd = pending.fileno()
        if fd is None:  # the connection is gone: poll reports why
            return pending.poll(False)
        loop = asyncio.get_running_loop()
        if self._watch_loop is not loop or self._watch_fd != fd:
            self._stop_watching()
            try:
                loop.add_reader(fd, self._on_readable)
            except NotImplementedError:  # a loop without readers (Windows' proactor)
                return await self._call(_poll_blocking, pending)
            self._watch_loop, self._watch_fd = loop, fd
        fut: asyncio.Future[Any] = loop.create_future()
        self._reading = (pending, fut)
        try:
            return await fut
        except asyncio.CancelledError:
            # The replies can no longer be read in order: the session is cut.
            self._reading = None
            self._broken = True
            self._stop_watching()
            pending.abort()
            raise
        except BaseException:
            if self._conn.closed:
                self._stop_watching()
            raise

    def _on_readable(self) -> None:
        reading = self._reading
        if reading is None:
            # Input nobody asked for (the server hung up, say): stop watching; the next
            # call on this connection reports what happened.
            self._stop_watching()
            return
        pending, fut = reading
        try:
            result = pending.poll(True)
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            self._reading = None
            if not fut.done():
                fut.set_exception(exc)
            return
        if result is not None:
            self._reading = None
            if fut.done():  # cancelled meanwhile: nobody takes this result
                result.close()
            else:
                fut.set_result(result)

    def _stop_watching(self) -> None:
        loop, self._watch_loop = self._watch_loop, None
        if loop is not None:
            try:
                loop.remove_reader(self._watch_fd)
            except Exception:  # a closed loop forgets its readers anyway
                log.debug("removing the socket reader failed", exc_info=True)
        self._watch_fd = -1

    def _abort_inflight(self) -> None:
        # The exchange is half done: nobody may use this session again.
        self._broken = True
        self._stop_watching()
        try:
            self._conn._native.abort()
        except Exception:
            log.debug("abort after cancellation failed", exc_info=True)

    @property
    def sync_connection(self) -> Connection:
        """The underlying blocking connection (do not use it from the event loop)."""
        return self._conn

    async def cursor(self, **kwargs: Any) -> AsyncCursor:
        return AsyncCursor(self, self._conn.cursor(**kwargs))

    async def execute(self, operation: str, parameters: Sequence[Any] | None = None
                      ) -> AsyncCursor:
        """Shortcut: a new cursor with ``operation`` executed."""
        cur = await self.cursor()
        await cur.execute(operation, parameters)
        return cur

    async def commit(self) -> None:
        await self._call(self._conn.commit)

    async def rollback(self) -> None:
        await self._call(self._conn.rollback)

    async def ping(self) -> None:
        await self._call(self._conn.ping)

    async def set_autocommit(self, value: bool) -> None:
        await self._call(setattr, self._conn, "autocommit", bool(value))

    async def close(self) -> None:
        self._stop_watching()
        if not self._conn.closed:
            try:
                await self._call(self._conn.close)
            except InterfaceError:
                pass
        self._worker.close()

    @property
    def closed(self) -> bool:
        return self._conn.closed

    @property
    def broken(self) -> bool:
        """True once a cancelled call cut this connection."""
        return self._broken or self._conn.closed

    @property
    def autocommit(self) -> bool:
        return self._conn.autocommit

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    @property
    def server_version_internal(self) -> str:
        return self._conn.server_version_internal

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<informix_db.aio.AsyncConnection wrapping {self._conn!r}>"


class AsyncCursor:
    """An asyncio cursor: ``await`` every method that talks to the server."""

    def __init__(self, connection: AsyncConnection, cursor: Cursor) -> None:
        self.connection = connection
        self._cur = cursor
        self._buffer: collections.deque[Any] = collections.deque()

    @property
    def description(self) -> Any:
        return self._cur.description

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    @property
    def lastrowid(self) -> Any:
        return self._cur.lastrowid

    @property
    def rownumber(self) -> int | None:
        return self._cur.rownumber

    @property
    def arraysize(self) -> int:
        return self._cur.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cur.arraysize = value

    @property
    def closed(self) -> bool:
        return self._cur.closed

    async def execute(self, operation: str, parameters: Sequence[Any] | None = None
                      ) -> AsyncCursor:
        self._buffer.clear()
        cur = self._cur
        pending = cur._start_nowait(operation, parameters)
        if pending is None:
            await self.connection._call(cur._run, operation, parameters)
        else:
            cur._take(await self.connection._finish(pending))
        return self

    async def executemany(self, operation: str, seq_of_parameters: Any) -> AsyncCursor:
        self._buffer.clear()
        await self.connection._call(self._cur.executemany, operation, seq_of_parameters)
        return self

    async def callproc(self, procname: str, parameters: Sequence[Any] = ()) -> Sequence[Any]:
        self._buffer.clear()
        result: Sequence[Any] = await self.connection._call(self._cur.callproc, procname,
                                                            parameters)
        return result

    async def fetchone(self) -> Any:
        if self._buffer:
            return self._buffer.popleft()
        if self._cur._next_row_local:
            # Nothing to wait for: answer on the loop instead of a worker hop.
            return self._cur.fetchone()
        return await self.connection._call(self._cur.fetchone)

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        n = self._cur.arraysize if size is None else size
        out: list[Any] = []
        while self._buffer and len(out) < n:
            out.append(self._buffer.popleft())
        if len(out) < n and self._cur._rows_local:
            out.extend(self._cur.fetchmany(n - len(out)))
        elif len(out) < n:
            out.extend(await self.connection._call(self._cur.fetchmany, n - len(out)))
        return out

    async def fetchall(self) -> list[Any]:
        out = list(self._buffer)
        self._buffer.clear()
        if self._cur._rows_local:
            out.extend(self._cur.fetchall())
        else:
            out.extend(await self.connection._call(self._cur.fetchall))
        return out

    async def close(self) -> None:
        self._buffer.clear()
        if self.connection._conn.closed:
            self._cur.close()
            return
        await self.connection._call(self._cur.close)

    def __aiter__(self) -> AsyncCursor:
        return self

    async def __anext__(self) -> Any:
        if not self._buffer:
            rows = await self.connection._call(self._cur.fetchmany,
                                               max(_FETCH_BATCH, self._cur.arraysize))
            if not rows:
                raise StopAsyncIteration
            self._buffer.extend(rows)
        return self._buffer.popleft()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


async def connect(*args: Any, **kwargs: Any) -> AsyncConnection:
    """Opens a connection; the arguments are those of :func:`informix_db.connect`."""
    worker = _Worker("informix_db-conn")
    conn = await _run_on(worker, functools.partial(_sync_connect, *args, **kwargs),
                         on_orphan=_close_quietly)
    return AsyncConnection(conn, worker=worker)


class _AsyncConnectionContext:
    __slots__ = ("_conn", "_pool", "_timeout")

    def __init__(self, pool: AsyncConnectionPool, timeout: float | None) -> None:
        self._pool = pool
        self._timeout = timeout
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        self._conn = await self._pool._acquire(self._timeout, 3)
        return self._conn

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        # Nothing here awaits: a second cancellation cannot interrupt the release.
        conn, self._conn = self._conn, None
        if conn is None:
            return
        broken, lost = evict_verdict(exc, conn._conn)
        try:
            self._pool._release(conn, broken or conn._broken, lost)
        except Exception as release_error:  # never mask the block's error
            if exc is None:
                raise
            log.debug("release after a failed block: %s", release_error)


class AsyncConnectionPool(_PoolBase):
    """A pool for asyncio. Create it with ``await aio.create_pool(...)``."""

    def __init__(self, native: Any, info: dict[str, Any],
                 build_args: tuple[dict[str, Any], dict[str, Any]] | None = None) -> None:
        host, port, user, database = info["host"], info["port"], info["user"], info["database"]
        row_factory, locale = info["row_factory"], info["client_locale"]

        def make(_pid: int, native_conn: Any) -> AsyncConnection:
            conn = Connection(native_conn, host=host, port=port, user=user, database=database,
                              row_factory=row_factory, client_locale=locale)
            return AsyncConnection(conn)

        super().__init__(native, info, build_args, make)

    def _give_back(self, native: Any, native_conn: Any) -> None:
        """A connection handed to a waiter that is gone: back to the pool, unused."""
        try:
            native.release(native_conn, False, False, False)
        except Exception:
            log.debug("giving back an undelivered connection failed", exc_info=True)

    async def _native_pool(self) -> Any:
        if self._native is not None:
            return self._native
        worker = _Worker("informix_db-pool-open")
        try:
            return await _run_on(worker, self._pool)
        finally:
            worker.close()

    async def acquire(self, timeout: float | None = None) -> AsyncConnection:
        """Checks out a connection, waiting at most ``timeout`` seconds (default: the
        pool's ``acquire_timeout``). Waiting occupies no thread."""
        return await self._acquire(timeout, 3)

    async def _acquire(self, timeout: float | None, depth: int) -> AsyncConnection:
        native = self._native if self._native is not None else await self._native_pool()
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()

        def settle(result: Any, error: BaseException | None) -> None:
            if fut.done():
                if result is not None:
                    self._give_back(native, result[1])
                return
            if error is not None:
                fut.set_exception(error)
            else:
                fut.set_result(result)

        def callback(result: Any, error: BaseException | None) -> None:
            # Called once, from a pool thread. Never raises.
            try:
                loop.call_soon_threadsafe(settle, result, error)
            except RuntimeError:
                if result is not None:
                    self._give_back(native, result[1])

        site = call_site(depth) if self._track_sites else None
        started = native.acquire_async(callback, timeout, site)
        if isinstance(started, tuple):
            pid, native_conn = started
        else:
            try:
                pid, native_conn = await fut
            except asyncio.CancelledError:
                if not native.cancel_wait(started) and fut.done() and \
                        not fut.cancelled() and fut.exception() is None:
                    self._give_back(native, fut.result()[1])
                raise
        conn: AsyncConnection = self._book.wrap(pid, native_conn)
        conn._broken = False
        return conn

    async def release(self, conn: AsyncConnection, broken: bool = False) -> None:
        """Returns a connection (never blocks the loop: a needed rollback runs on a pool
        thread before the connection is reused)."""
        self._release(conn, broken or conn._broken, False)

    def _release(self, conn: AsyncConnection, broken: bool, lost: bool) -> None:
        conn._stop_watching()
        self._release_native(conn._conn._native, broken, lost, False)

    def connection(self, timeout: float | None = None) -> _AsyncConnectionContext:
        """``async with pool.connection() as conn: ...``"""
        return _AsyncConnectionContext(self, timeout)

    async def close(self, timeout: float | None = None) -> None:
        """Closes the pool (idempotent); waiting acquirers get PoolClosedError."""
        self._closed_here = True
        native = self._native
        if native is None:
            return
        worker = _Worker("informix_db-pool-close")
        try:
            await _run_on(worker, native.close, timeout)
        finally:
            worker.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


async def create_pool(host: str | None = None, port: int | None = None, *,
                      track_call_sites: bool = False, **kwargs: Any) -> AsyncConnectionPool:
    """Creates a pool; same arguments as :func:`informix_db.create_pool`. The
    ``min_size`` connections are opened on a driver thread, not on the event loop."""
    from .pool import _POOL_OPTIONS

    pool_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in _POOL_OPTIONS}
    pool_kwargs["track_call_sites"] = track_call_sites
    connect_kwargs = {"host": host, "port": port, **kwargs}
    worker = _Worker("informix_db-pool-open")
    try:
        native, info = await _run_on(worker, build_native_pool, connect_kwargs, pool_kwargs,
                                     on_orphan=lambda r: r[0].close())
    finally:
        worker.close()
    return AsyncConnectionPool(native, info, (connect_kwargs, pool_kwargs))
