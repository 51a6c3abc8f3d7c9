"""PEP 249 Connection and Cursor over the native session.

The native layer owns the wire: it serialises threads on the connection's wire
mutex, releases the GIL while waiting for the server, and builds result rows
straight from the received bytes. These classes add the Python-facing surface.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator, Sequence
from typing import Any, Self

from . import _native
from .exceptions import InterfaceError, NotSupportedError, ProgrammingError
from .rows import resolve_row_class

log = logging.getLogger("informix_db")

_TX_BEGIN, _TX_COMMIT, _TX_ROLLBACK = 34, 35, 36
# SQ_SFETCH scroll types.
_SCROLL_LAST, _SCROLL_ABSOLUTE = 4, 6


class Connection:
    """A session with an Informix server. Obtain one from :func:`informix_db.connect`.

    Threads may share a connection: each exchange with the server holds the
    connection's wire mutex, so concurrent calls take turns.
    """

    def __init__(self, native: Any, *, host: str, port: int, user: str, database: str | None,
                 row_factory: object | None = None) -> None:
        self._native = native
        self._host = host
        self._port = port
        self._user = user
        self._database = database
        self._server_version: str | None = None
        self._version_lock = threading.Lock()
        self.row_factory = row_factory
        self._pool_ref: weakref.ref[Any] | None = None

    # -- PEP 249 -----------------------------------------------------------

    def cursor(self, *, scrollable: bool = False) -> Cursor:
        if self._native.closed:
            raise InterfaceError("connection is closed")
        return Cursor(self, scrollable=scrollable)

    def commit(self) -> None:
        self._check_open()
        self._native.commit()

    def rollback(self) -> None:
        self._check_open()
        self._native.rollback()

    def close(self) -> None:
        self._native.close()

    @property
    def closed(self) -> bool:
        return bool(self._native.closed)

    @property
    def autocommit(self) -> bool:
        return bool(self._native.autocommit)

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        self._check_open()
        self._native.autocommit = bool(value)

    @property
    def in_transaction(self) -> bool:
        """True while a transaction this connection started is open."""
        return bool(self._native.in_transaction)

    # The reference driver's private name, kept for code that reached into it.
    @property
    def _in_transaction(self) -> bool:
        return self.in_transaction

    @property
    def server_version_internal(self) -> str:
        """Protocol-level version from the login reply, e.g. ``15.0.1.0.3``."""
        return str(self._native.server_version_internal)

    @property
    def server_version(self) -> str:
        """Full product version (``DBINFO('version','full')``), queried once and cached."""
        with self._version_lock:
            if self._server_version is None:
                try:
                    result = self._native.execute(
                        "SELECT FIRST 1 DBINFO('version','full') FROM systables")
                    rows = result.fetch_all()
                    result.close()
                    self._server_version = str(rows[0][0]).strip() if rows else ""
                except Exception:  # noqa: BLE001 - never raise from a version probe
                    self._server_version = ""
                if not self._server_version:
                    self._server_version = self.server_version_internal
            return self._server_version

    @property
    def database_mode(self) -> str | None:
        """``"logged"``, ``"unlogged"`` or ``"ansi"``, as the server reported at open."""
        mode = self._native.database_mode
        return None if mode is None else str(mode)

    @property
    def encoding(self) -> str:
        return "utf-8" if "utf" in str(self._native.label).lower() else "iso-8859-1"

    def ping(self) -> None:
        """A cheap round trip that fails if the session is gone."""
        self._check_open()
        self._native.ping()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return (f"<informix_db.Connection {state} user={self._user!r} host={self._host!r} "
                f"port={self._port} database={self._database!r}>")

    def _check_open(self) -> None:
        if self._native.closed:
            raise InterfaceError("connection is closed")


class Cursor:
    """Runs statements and fetches their rows.

    Rows stream from the server in batches; fetchall() builds the whole list in
    native code. ``scroll`` on a non-scrollable cursor first keeps every row.
    """

    arraysize: int = 1

    def __init__(self, connection: Connection, *, scrollable: bool = False) -> None:
        self.connection = connection
        self._scrollable = scrollable
        self._result: Any = None
        self._rows: list[Any] = []
        self._pos = 0
        self._exhausted = True
        self._all: bool = False  # every row kept (for scroll)
        self._rownumber: int | None = None
        self._fetched = 0
        self._closed = False
        self._maker: Any = None
        self.description: list[tuple[Any, ...]] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    # -- execution -----------------------------------------------------------

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> Cursor:
        self._check_open()
        self._discard()
        if not isinstance(operation, str):
            raise ProgrammingError("operation must be a str")
        if self._scrollable:
            result = self.connection._native.execute(operation, parameters, True)
        else:
            result = self.connection._native.execute(operation, parameters)
        self._result = result
        self.lastrowid = None
        if result.is_query and self._scrollable:
            self.description = result.description
            names = tuple(d[0] for d in self.description or ())
            factory = self.connection.row_factory
            self._maker = resolve_row_class(factory, names) if factory is not None else None
            self._exhausted = False
            self._pos = 0
            self._rownumber = 0
            self.rowcount = -1
        elif result.is_query:
            self.description = result.description
            names = tuple(d[0] for d in self.description or ())
            factory = self.connection.row_factory
            self._maker = resolve_row_class(factory, names) if factory is not None else None
            self._exhausted = False
            self._fetched = 0
            self._rownumber = 0
            self.rowcount = -1
            self._fill()
            if self._exhausted:
                self.rowcount = len(self._rows)
        else:
            self.description = None
            self.rowcount = result.rowcount
            serial = result.serial8 if result.serial8 else result.serial
            if serial:
                self.lastrowid = serial
            result.close()
            self._result = None
        return self

    def executemany(self, operation: str, seq_of_parameters: Any) -> Cursor:
        self._check_open()
        self._discard()
        self.description = None
        self.rowcount = self.connection._native.executemany(operation, seq_of_parameters)
        return self

    def callproc(self, procname: str, parameters: Sequence[Any] = ()) -> Sequence[Any]:
        """Runs ``EXECUTE PROCEDURE name(?, ...)``; rows, if any, are fetched as usual."""
        marks = ", ".join("?" for _ in parameters)
        self.execute(f"EXECUTE PROCEDURE {procname}({marks})", tuple(parameters))
        return parameters

    def setinputsizes(self, sizes: Any) -> None:
        """Accepted and ignored, as PEP 249 allows."""

    def setoutputsize(self, size: int, column: int | None = None) -> None:
        """Accepted and ignored, as PEP 249 allows."""

    # -- fetching ------------------------------------------------------------

    def _fill(self) -> bool:
        """Loads the next batch; False when there are no more rows."""
        if self._exhausted or self._result is None:
            return False
        batch = self._result.fetch_batch()
        if batch is None:
            self._exhausted = True
            self.rowcount = self._fetched + (len(self._rows) - self._pos if not self._all else 0)
            if self.rowcount < 0:
                self.rowcount = self._fetched
            return False
        if self._maker is not None:
            batch = [self._maker(r) for r in batch]
        if self._all:
            self._rows.extend(batch)
        else:
            self._fetched += self._pos
            self._rows = batch
            self._pos = 0
        return True

    def _sfetch(self, scroll_type: int, target: int) -> Any:
        """One row of the server-side scroll cursor; None past either end."""
        got = self._result.scroll_fetch(scroll_type, target)
        if got is None:
            if scroll_type == _SCROLL_ABSOLUTE:
                self._pos = 0 if target < 1 else target
            return None
        row, position = got
        self._pos = position
        self._rownumber = position
        return self._maker(row) if self._maker is not None else row

    def _scroll_count(self) -> int:
        if self.rowcount < 0:
            keep = self._pos
            if self._sfetch(_SCROLL_LAST, 0) is None:
                self.rowcount = 0
            else:
                self.rowcount = self._pos
            self._pos = keep
        return self.rowcount

    def fetchone(self) -> Any:
        self._check_result()
        if self._scrollable:
            return self._sfetch(_SCROLL_ABSOLUTE, self._pos + 1)
        if self._pos >= len(self._rows) and not self._fill_until_rows():
            return None
        row = self._rows[self._pos]
        self._pos += 1
        self._rownumber = (self._rownumber or 0) + 1
        return row

    def _fill_until_rows(self) -> bool:
        while self._pos >= len(self._rows):
            if not self._fill():
                return False
        return True

    def fetchmany(self, size: int | None = None) -> list[Any]:
        self._check_result()
        n = self.arraysize if size is None else size
        if self._scrollable:
            rows = []
            while len(rows) < n and (row := self.fetchone()) is not None:
                rows.append(row)
            return rows
        out: list[Any] = []
        while len(out) < n:
            if self._pos >= len(self._rows) and not self._fill_until_rows():
                break
            take = self._rows[self._pos:self._pos + (n - len(out))]
            self._pos += len(take)
            out.extend(take)
        self._rownumber = (self._rownumber or 0) + len(out)
        return out

    def fetchall(self) -> list[Any]:
        self._check_result()
        if self._scrollable:
            rows = []
            while (row := self.fetchone()) is not None:
                rows.append(row)
            return rows
        out = self._rows[self._pos:]
        self._pos = len(self._rows)
        if not self._exhausted and self._result is not None:
            rest = self._result.fetch_all()
            if self._maker is not None:
                rest = [self._maker(r) for r in rest]
            out.extend(rest)
            self._exhausted = True
            if self._all:
                self._rows.extend(rest)
                self._pos = len(self._rows)
        self._rownumber = (self._rownumber or 0) + len(out)
        if self.rowcount < 0:
            self.rowcount = (self._rownumber or 0)
        return out

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    # -- scrolling -------------------------------------------------------------

    def _keep_everything(self) -> None:
        """Scrolling needs random access: hold every row of the result."""
        if self._all:
            return
        self._check_result()
        consumed = self._fetched + self._pos
        rest = self._rows[self._pos:]
        if not self._exhausted and self._result is not None:
            more = self._result.fetch_all()
            if self._maker is not None:
                more = [self._maker(r) for r in more]
            rest.extend(more)
            self._exhausted = True
        # Rows already consumed are gone; index from the first row still held.
        self._rows = [None] * consumed + rest
        self._pos = consumed
        self._all = True
        self.rowcount = len(self._rows)

    def scroll(self, value: int, mode: str = "relative") -> None:
        if self._scrollable:
            self._check_result()
            target = self._pos + value if mode == "relative" else value
            if mode not in ("relative", "absolute"):
                raise ProgrammingError(f"scroll mode must be 'relative' or 'absolute', not {mode!r}")
            if not 0 <= target <= self._scroll_count():
                raise IndexError("scroll target out of range")
            self._pos = target
            self._rownumber = target
            return
        self._keep_everything()
        if mode == "relative":
            target = self._pos + value
        elif mode == "absolute":
            target = value
        else:
            raise ProgrammingError(f"scroll mode must be 'relative' or 'absolute', not {mode!r}")
        if not 0 <= target <= len(self._rows):
            raise IndexError("scroll target out of range")
        self._pos = target
        self._rownumber = target

    def fetch_first(self) -> Any:
        if self._scrollable:
            self._check_result()
            return self._sfetch(_SCROLL_ABSOLUTE, 1)
        return self._fetch_at(0)

    def fetch_last(self) -> Any:
        if self._scrollable:
            self._check_result()
            row = self._sfetch(_SCROLL_LAST, 0)
            if row is not None:
                self.rowcount = self._pos
            return row
        self._keep_everything()
        return self._fetch_at(len(self._rows) - 1)

    def fetch_prior(self) -> Any:
        if self._scrollable:
            self._check_result()
            return self._sfetch(_SCROLL_ABSOLUTE, self._pos - 1)
        self._keep_everything()
        return self._fetch_at(self._pos - 2)

    def fetch_absolute(self, n: int) -> Any:
        if self._scrollable:
            self._check_result()
            if n < 0:
                n = self._scroll_count() + 1 + n
            return self._sfetch(_SCROLL_ABSOLUTE, n)
        self._keep_everything()
        return self._fetch_at(n - 1 if n > 0 else len(self._rows) + n)

    def fetch_relative(self, n: int) -> Any:
        if self._scrollable:
            self._check_result()
            return self._sfetch(_SCROLL_ABSOLUTE, self._pos + n)
        self._keep_everything()
        return self._fetch_at(self._pos - 1 + n)

    def _fetch_at(self, index: int) -> Any:
        self._keep_everything()
        if not 0 <= index < len(self._rows):
            self._pos = max(0, min(index, len(self._rows)))
            return None
        self._pos = index + 1
        self._rownumber = index + 1
        return self._rows[index]

    @property
    def rownumber(self) -> int | None:
        return self._rownumber

    # -- lifecycle -------------------------------------------------------------

    def _discard(self) -> None:
        if self._result is not None:
            self._result.close()
            self._result = None
        self._rows = []
        self._pos = 0
        self._exhausted = True
        self._all = False
        self._rownumber = None
        self._fetched = 0

    def close(self) -> None:
        self._discard()
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise InterfaceError("cursor is closed")
        self.connection._check_open()

    def _check_result(self) -> None:
        if self._closed:
            raise InterfaceError("cursor is closed")
        if self.description is None:
            raise ProgrammingError("no result set: execute a query first")


def connect(host: str = "127.0.0.1", port: int = 9088, *, user: str, password: str | None = None,
            database: str | None = None, server: str | None = None,
            connect_timeout: float | None = None, read_timeout: float | None = None,
            keepalive: bool = True, client_locale: str = "en_US.8859-1",
            env: dict[str, str] | None = None, autocommit: bool = False,
            row_factory: object | None = None, tls: Any = False,
            tls_server_hostname: str | None = None, tls_ca_file: str | None = None,
            tls_client_cert: str | None = None, tls_client_key: str | None = None,
            tls_insecure_skip_verify: bool = False,
            statement_cache_size: int = 32) -> Connection:
    """Opens a connection. Keyword names match the reference driver's ``connect``.

    TLS: ``tls=True`` verifies the server certificate against ``tls_ca_file`` or the
    system trust store; an ``ssl.SSLContext`` is honoured for its CA certificates and
    verify mode; ``tls_insecure_skip_verify=True`` turns verification off (development
    servers only).
    """
    import os

    if server is None:
        server = os.environ.get("INFORMIXSERVER", "informix")
    tls_opts = _tls_options(tls, tls_server_hostname, tls_ca_file, tls_client_cert,
                            tls_client_key, tls_insecure_skip_verify)
    native = _native.connect(
        host, int(port), user, password, database, server, connect_timeout, read_timeout,
        keepalive, client_locale, list((env or {}).items()), autocommit, tls_opts,
        statement_cache_size,
    )
    log.debug("connected to %s:%s database=%s user=%s", host, port, database, user)
    return Connection(native, host=host, port=int(port), user=user, database=database,
                      row_factory=row_factory)


def _tls_options(tls: Any, server_hostname: str | None, ca_file: str | None,
                 client_cert: str | None, client_key: str | None,
                 insecure: bool) -> dict[str, Any] | None:
    if tls is False or tls is None:
        if ca_file or insecure:
            tls = True
        else:
            return None
    opts: dict[str, Any] = {}
    if server_hostname:
        opts["server_name"] = server_hostname
    if ca_file:
        opts["ca_file"] = ca_file
    if client_cert and client_key:
        opts["client_cert"] = client_cert
        opts["client_key"] = client_key
    if insecure:
        opts["danger_accept_invalid_certs"] = True
    if tls is not True:
        import ssl

        if not isinstance(tls, ssl.SSLContext):
            raise NotSupportedError("tls must be a bool or an ssl.SSLContext")
        if tls.verify_mode == ssl.CERT_NONE:
            opts["danger_accept_invalid_certs"] = True
        else:
            opts["ca_der"] = [bytes(c) for c in tls.get_ca_certs(binary_form=True)]
    return opts
