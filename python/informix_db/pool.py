"""Thread-safe connection pool over the Rust pool core.

    pool = informix_db.create_pool(host=..., user=..., password=..., database=...,
                                   min_size=1, max_size=10)
    with pool.connection() as conn:
        conn.cursor().execute(...)
    pool.close()

The bookkeeping lives in Rust (``informix_db._native.NativePool``): no lock is held
across network I/O, waiters are served first come first served, one deadline bounds
each acquire (queueing, connecting and checking), the GIL is released while waiting,
and connects, health checks and expiry run outside any lock. See docs/pool.md for
every option.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import threading
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from . import _native
from ._dsn import looks_like_dsn, parse_dsn
from .connections import _DEFAULTS, Connection, _tls_options
from .exceptions import (
    InterfaceError,
    OperationalError,
    PoolClosedError,
    PoolTimeoutError,
    ProgrammingError,
)

__all__ = ["ConnectionPool", "create_pool"]

log = logging.getLogger("informix_db.pool")

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))
_STDLIB = os.path.dirname(os.path.abspath(threading.__file__))

#: Pool options: (environment variable, parser, default). Keyword arguments win over the
#: environment, which wins over the default. Durations are in seconds; for the optional
#: ones ``None``/``0``/``"off"`` turns the feature off.
_OFF = ("", "0", "off", "none", "false", "no")


def _opt_seconds(text: str) -> float | None:
    return None if text.strip().lower() in _OFF else float(text)


_POOL_OPTIONS: dict[str, tuple[str, Callable[[str], Any], Any]] = {
    "min_size": ("INFORMIX_DB_POOL_MIN_SIZE", int, 0),
    "max_size": ("INFORMIX_DB_POOL_MAX_SIZE", int, 10),
    "acquire_timeout": ("INFORMIX_DB_POOL_ACQUIRE_TIMEOUT", float, 30.0),
    "max_lifetime": ("INFORMIX_DB_POOL_MAX_LIFETIME", _opt_seconds, 1800.0),
    "lifetime_jitter": ("INFORMIX_DB_POOL_LIFETIME_JITTER", float, 0.1),
    "idle_timeout": ("INFORMIX_DB_POOL_IDLE_TIMEOUT", _opt_seconds, 600.0),
    "health_check_after": ("INFORMIX_DB_POOL_HEALTH_CHECK_AFTER", float, 0.5),
    "check_timeout": ("INFORMIX_DB_POOL_CHECK_TIMEOUT", float, 5.0),
    "reset_timeout": ("INFORMIX_DB_POOL_RESET_TIMEOUT", float, 5.0),
    "leak_threshold": ("INFORMIX_DB_POOL_LEAK_THRESHOLD", _opt_seconds, None),
    "reconnect_base": ("INFORMIX_DB_POOL_RECONNECT_BASE", float, 0.1),
    "reconnect_max": ("INFORMIX_DB_POOL_RECONNECT_MAX", float, 5.0),
    "max_waiting": ("INFORMIX_DB_POOL_MAX_WAITING", int, 0),
    "housekeeping_interval": ("INFORMIX_DB_POOL_HOUSEKEEPING_INTERVAL", float, 1.0),
}

#: Connection settings the pool also reads from the environment when not given.
_CONNECT_ENV: dict[str, str] = {
    "dsn": "INFORMIX_DB_DSN",
    "host": "INFORMIX_DB_HOST",
    "port": "INFORMIX_DB_PORT",
    "user": "INFORMIX_DB_USER",
    "password": "INFORMIX_DB_PASSWORD",
    "database": "INFORMIX_DB_DATABASE",
    "server": "INFORMIXSERVER",
}

_CONNECT_KEYS = frozenset(_DEFAULTS) | {"dsn", "env", "row_factory"}


def pool_settings(kwargs: dict[str, Any], environ: Any = None) -> dict[str, Any]:
    """Resolves every pool option from ``kwargs``, then the environment, then defaults."""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for name, (var, parse, default) in _POOL_OPTIONS.items():
        if kwargs.get(name) is not None:
            out[name] = kwargs[name]
            continue
        text = environ.get(var)
        if text is None:
            out[name] = default
            continue
        try:
            out[name] = parse(text)
        except ValueError:
            raise ProgrammingError(f"{var}={text!r} is not a valid value for {name}") from None
    if out["min_size"] < 0 or out["max_size"] < 1 or out["min_size"] > out["max_size"]:
        raise ProgrammingError(
            f"need 0 <= min_size <= max_size and max_size >= 1 "
            f"(min_size={out['min_size']}, max_size={out['max_size']})")
    return out


def _resolve_connect(kwargs: dict[str, Any], environ: Any = None) -> dict[str, Any]:
    """The settings ``connect()`` would use for these keywords (plus environment)."""
    environ = os.environ if environ is None else environ
    unknown = set(kwargs) - _CONNECT_KEYS
    if unknown:
        raise ProgrammingError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    given = {k: v for k, v in kwargs.items() if v is not None}
    for key, var in _CONNECT_ENV.items():
        if key not in given and key != "server" and environ.get(var):
            given[key] = environ[var]
    dsn = given.pop("dsn", None)
    host = given.get("host")
    if dsn is None and isinstance(host, str) and looks_like_dsn(host):
        dsn = given.pop("host")
    settings = dict(_DEFAULTS)
    env_settings: dict[str, str] = {}
    if dsn is not None:
        parsed = parse_dsn(dsn)
        env_settings.update(parsed.pop("env", {}))
        settings.update(parsed)
    env_settings.update(given.pop("env", None) or {})
    row_factory = given.pop("row_factory", None)
    settings.update(given)
    if not settings["user"]:
        raise InterfaceError("create_pool() needs a user (keyword user=, a DSN or "
                             "INFORMIX_DB_USER)")
    if settings["server"] is None:
        settings["server"] = environ.get("INFORMIXSERVER", "informix")
    try:
        port = int(settings["port"])
    except (TypeError, ValueError):
        raise InterfaceError(f"port must be an integer, not {settings['port']!r}") from None
    if not 0 < port < 65536:
        raise InterfaceError(f"port {port} is out of range")
    settings["port"] = port
    settings["env"] = env_settings
    settings["row_factory"] = row_factory
    settings["tls_opts"] = _tls_options(
        settings["tls"], settings["tls_server_hostname"], settings["tls_ca_file"],
        settings["tls_client_cert"], settings["tls_client_key"],
        bool(settings["tls_insecure_skip_verify"]))
    return settings


def _on_event(kind: str, message: str) -> None:
    if kind in ("reconnected", "check_failed", "invalidated"):
        log.info("%s", message)
    else:
        log.warning("%s", message)


def build_native_pool(connect_kwargs: dict[str, Any],
                      pool_kwargs: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Creates the native pool (opening ``min_size`` connections); returns it with the
    settings the Python wrappers need. Blocks: call it off the event loop."""
    s = _resolve_connect(connect_kwargs)
    opts = pool_settings(pool_kwargs)
    spec = _native.ConnectSpec(
        str(s["host"]), s["port"], str(s["user"]), s["password"], s["database"],
        str(s["server"]), s["connect_timeout"], s["read_timeout"], bool(s["keepalive"]),
        str(s["client_locale"]), list(s["env"].items()), bool(s["autocommit"]), s["tls_opts"],
        int(s["statement_cache_size"]),
    )
    native = _native.NativePool(spec, on_event=_on_event, **opts)
    log.debug("pool created for %s:%s database=%s user=%s min_size=%s max_size=%s",
              s["host"], s["port"], s["database"], s["user"], opts["min_size"],
              opts["max_size"])
    info = {
        "host": str(s["host"]), "port": s["port"], "user": str(s["user"]),
        "database": s["database"], "row_factory": s["row_factory"],
        "client_locale": str(s["client_locale"]), "track_sites": opts["leak_threshold"]
        is not None or bool(pool_kwargs.get("track_call_sites")),
    }  # fmt: skip
    return native, info


def call_site(skip: int = 2) -> str | None:
    """``file:line in function`` of the first frame outside this package and the stdlib."""
    try:
        f: Any = sys._getframe(skip)
    except ValueError:
        return None
    while f is not None:
        filename = f.f_code.co_filename
        if not filename.startswith((_PKG_DIR, _STDLIB)):
            return f"{filename}:{f.f_lineno} in {f.f_code.co_name}"
        f = f.f_back
    return None


def evict_verdict(exc: BaseException | None, conn: Connection) -> tuple[bool, bool]:
    """(broken, lost) for a connection whose ``with`` block ended with ``exc``.

    Decided by the error's ``connection_lost`` flag and the connection's state, not by
    the exception class alone: a server error the session survived (it carries a
    ``sqlcode``) keeps the connection; an ``OperationalError``/``InterfaceError`` without
    one (raised by the client or by application code) means the wire state cannot be
    vouched for, so it is evicted. Anything else (ValueError, IntegrityError...) keeps it.
    """
    if exc is None:
        return False, False
    lost = bool(getattr(exc, "connection_lost", False))
    if lost or conn.closed:
        return True, lost
    if isinstance(exc, (PoolTimeoutError, PoolClosedError)):
        return False, False
    if isinstance(exc, (OperationalError, InterfaceError)) and not getattr(exc, "sqlcode", None):
        return True, False
    return False, False


class _Checkouts:
    """Python-side bookkeeping shared by the sync and async pools: one wrapper object per
    pooled connection (so sequential acquires return the same object), and reclaiming a
    connection whose wrapper was garbage collected while checked out."""

    def __init__(self, native: Any, make: Callable[[int, Any], Any]) -> None:
        self._native = native
        self._make = make
        self._lock = threading.Lock()
        self._wrappers: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
        self._serial: dict[int, int] = {}  # id -> serial of the wrapper now alive
        self._out: dict[int, int] = {}  # id -> serial of the wrapper holding the checkout
        self._counter = itertools.count(1)

    def wrap(self, pid: int, native_conn: Any) -> Any:
        with self._lock:
            w = self._wrappers.get(pid)
            if w is None:
                w = self._make(pid, native_conn)
                serial = next(self._counter)
                self._wrappers[pid] = w
                self._serial[pid] = serial
                weakref.finalize(w, _reclaim_collected, weakref.ref(self), pid, serial)
            self._out[pid] = self._serial[pid]
            return w

    def returned(self, pid: int) -> None:
        with self._lock:
            self._out.pop(pid, None)

    def detach(self) -> None:
        """After fork (one thread left; the lock may have been held by a thread that no
        longer exists): never touch the inherited native pool again."""
        self._lock = threading.Lock()
        self._native = None
        self._out = {}

    def _collected(self, pid: int, serial: int) -> None:
        with self._lock:
            if self._native is None:
                return
            if self._serial.get(pid) == serial:
                del self._serial[pid]
            if self._out.get(pid) != serial:
                return
            del self._out[pid]
        try:
            if self._native.reclaim(pid):
                log.warning("a pooled connection was garbage-collected without being "
                            "released; its slot was reclaimed (release it, or use "
                            "pool.connection())")
        except Exception:  # never raise from a finalizer
            log.debug("reclaiming a collected connection failed", exc_info=True)


def _reclaim_collected(ref: weakref.ref[_Checkouts], pid: int, serial: int) -> None:
    book = ref()
    if book is not None:
        book._collected(pid, serial)


# -- fork safety ------------------------------------------------------------------------
#
# A child process inherits the parent's sockets. Using, closing or even dropping an
# inherited pool there would talk over (or shut down) the parent's sessions, and its
# threads did not survive the fork. So in the child every pool forgets its native pool
# (kept referenced forever, never touched) and transparently opens a new one on first use.

_live_pools: weakref.WeakSet[_PoolBase] = weakref.WeakSet()
_inherited: list[Any] = []


def _after_fork_in_child() -> None:
    for pool in list(_live_pools):
        pool._abandon_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _PoolBase:
    """What the sync and asyncio pools share: the native pool, the wrapper bookkeeping,
    the state properties, and rebuilding after fork."""

    def __init__(self, native: Any, info: dict[str, Any],
                 build_args: tuple[dict[str, Any], dict[str, Any]] | None,
                 make: Callable[[int, Any], Any]) -> None:
        self._native: Any = native
        self._info = info
        self._track_sites = bool(info.get("track_sites"))
        self._build_args = build_args
        self._make = make
        self._book = _Checkouts(native, make)
        self._closed_here = False
        self._rebuild_lock = threading.Lock()
        _live_pools.add(self)

    def _abandon_after_fork(self) -> None:
        if self._native is not None:
            _inherited.append(self._native)
        self._book.detach()
        self._native = None
        self._rebuild_lock = threading.Lock()

    def _pool(self) -> Any:
        """The native pool of this process (opened anew after a fork)."""
        native = self._native
        if native is not None:
            return native
        with self._rebuild_lock:
            if self._native is None:
                if self._closed_here or self._build_args is None:
                    raise PoolClosedError("the connection pool is closed")
                log.info("pool used in a forked child process: opening new connections")
                native, _ = build_native_pool(*self._build_args)
                self._book = _Checkouts(native, self._make)
                self._native = native
            return self._native

    def _release_native(self, conn_native: Any, broken: bool, lost: bool, wait: bool) -> None:
        pid = self._pool().release(conn_native, broken, lost, wait)
        self._book.returned(pid)

    @property
    def size(self) -> int:
        """Open connections: idle, in use, and being opened, checked or rolled back."""
        return 0 if self._native is None else int(self._native.size)

    @property
    def idle_count(self) -> int:
        return 0 if self._native is None else int(self._native.idle_count)

    @property
    def min_size(self) -> int:
        return int(self._pool().min_size)

    @property
    def max_size(self) -> int:
        return int(self._pool().max_size)

    @property
    def closed(self) -> bool:
        return self._closed_here or (self._native is not None and bool(self._native.closed))

    def stats(self) -> dict[str, Any]:
        """Sizes, counters and acquire-wait percentiles (see docs/pool.md)."""
        return dict(self._pool().stats())

    def resize(self, min_size: int | None = None, max_size: int | None = None) -> None:
        """Changes the limits; surplus connections close when idle or when returned."""
        self._pool().resize(min_size, max_size)

    def drain(self) -> None:
        """Replaces every connection: idle ones now (``min_size`` is reopened), those in
        use when they come back. For failover or rotated credentials."""
        self._pool().drain()

    def __repr__(self) -> str:
        i = self._info
        state = "closed" if self.closed else f"size={self.size} idle={self.idle_count}"
        return (f"<{type(self).__module__}.{type(self).__qualname__} {state} "
                f"user={i['user']!r} host={i['host']!r} port={i['port']} "
                f"database={i['database']!r}>")


class _ConnectionContext:
    """``with pool.connection() as conn:`` – returns the connection, evicting it when the
    block fails at the connection level (see :func:`evict_verdict`)."""

    __slots__ = ("_conn", "_pool", "_timeout")

    def __init__(self, pool: ConnectionPool, timeout: float | None) -> None:
        self._pool = pool
        self._timeout = timeout
        self._conn: Connection | None = None

    def __enter__(self) -> Connection:
        self._conn = self._pool._acquire(self._timeout, 3)
        return self._conn

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if exc is None:
            self._pool.release(conn)
            return
        broken, lost = evict_verdict(exc, conn)
        try:
            self._pool._release(conn, broken, lost)
        except Exception as release_error:  # noqa: BLE001 - never mask the block's error
            log.debug("release after a failed block: %s", release_error)


class ConnectionPool(_PoolBase):
    """A thread-safe pool of connections. Create it with :func:`create_pool`."""

    def __init__(self, native: Any, info: dict[str, Any],
                 build_args: tuple[dict[str, Any], dict[str, Any]] | None = None) -> None:
        host, port, user, database = info["host"], info["port"], info["user"], info["database"]
        row_factory, locale = info["row_factory"], info["client_locale"]

        def make(_pid: int, native_conn: Any) -> Connection:
            return Connection(native_conn, host=host, port=port, user=user, database=database,
                              row_factory=row_factory, client_locale=locale)

        super().__init__(native, info, build_args, make)

    # -- checkout --------------------------------------------------------------

    def acquire(self, timeout: float | None = None) -> Connection:
        """Checks out a connection, waiting at most ``timeout`` seconds (default: the
        pool's ``acquire_timeout``). Raises PoolTimeoutError, PoolClosedError, or the
        real connect error (OperationalError) while the server is unreachable."""
        return self._acquire(timeout, 3)

    def _acquire(self, timeout: float | None, depth: int) -> Connection:
        site = call_site(depth) if self._track_sites else None
        native = self._native if self._native is not None else self._pool()
        pid, native_conn = native.acquire(timeout, site)
        conn: Connection = self._book.wrap(pid, native_conn)
        return conn

    def release(self, conn: Connection, broken: bool = False) -> None:
        """Returns a connection. An open transaction is rolled back first; ``broken=True``
        closes it instead of keeping it."""
        self._release(conn, broken, False)

    def _release(self, conn: Connection, broken: bool, lost: bool) -> None:
        native_conn = getattr(conn, "_native", None)
        if native_conn is None:
            raise InterfaceError("not a connection from this pool")
        self._release_native(native_conn, broken, lost, True)

    def connection(self, timeout: float | None = None) -> _ConnectionContext:
        """Context manager: ``with pool.connection() as conn: ...``."""
        return _ConnectionContext(self, timeout)

    def close(self, timeout: float | None = None) -> None:
        """Closes idle connections and refuses new acquires; connections in use close
        when returned. With ``timeout``, first waits that long for them. Idempotent."""
        self._closed_here = True
        if self._native is not None:
            self._native.close(timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def create_pool(host: str | None = None, port: int | None = None, *,
                min_size: int | None = None, max_size: int | None = None,
                acquire_timeout: float | None = None, max_lifetime: float | None = None,
                lifetime_jitter: float | None = None, idle_timeout: float | None = None,
                health_check_after: float | None = None, check_timeout: float | None = None,
                reset_timeout: float | None = None, leak_threshold: float | None = None,
                reconnect_base: float | None = None, reconnect_max: float | None = None,
                max_waiting: int | None = None, housekeeping_interval: float | None = None,
                track_call_sites: bool = False, **connect_kwargs: Any) -> ConnectionPool:
    """Creates a pool; ``connect_kwargs`` are those of :func:`informix_db.connect`.

    ``min_size`` connections are opened before this returns (in parallel); the pool grows
    on demand up to ``max_size``. Any option left ``None`` comes from its environment
    variable (``INFORMIX_DB_POOL_MIN_SIZE``, ..., see docs/pool.md), else its default.
    """
    pool_kwargs = {
        "min_size": min_size, "max_size": max_size, "acquire_timeout": acquire_timeout,
        "max_lifetime": max_lifetime, "lifetime_jitter": lifetime_jitter,
        "idle_timeout": idle_timeout, "health_check_after": health_check_after,
        "check_timeout": check_timeout, "reset_timeout": reset_timeout,
        "leak_threshold": leak_threshold, "reconnect_base": reconnect_base,
        "reconnect_max": reconnect_max, "max_waiting": max_waiting,
        "housekeeping_interval": housekeeping_interval, "track_call_sites": track_call_sites,
    }  # fmt: skip
    build_args = ({"host": host, "port": port, **connect_kwargs}, pool_kwargs)
    native, info = build_native_pool(*build_args)
    return ConnectionPool(native, info, build_args)
