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
from ._dsn import looks_like_dsn, parse_dsn
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
                 row_factory: object | None = None,
                 client_locale: str = "en_US.8859-1") -> None:
        self._native = native
        self._client_locale = client_locale
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
        """Version text of the login reply, as the server sent it, e.g.
        ``IBM Informix Dynamic Server Version 15.0.1.0.3``."""
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
        """Python codec of character data, from ``client_locale`` (as in the reference)."""
        codeset = self._client_locale.rpartition(".")[2].lower()
        return "utf-8" if codeset in ("utf8", "utf-8", "57372") else "iso-8859-1"

    def ping(self) -> None:
        """A cheap round trip that fails if the session is gone."""
        self._check_open()
        self._native.ping()

    def fast_path_call(self, signature: str, *params: object) -> list[object]:
        """Invoke a server routine through the fast-path RPC.

        Skips PREPARE/EXECUTE/FETCH: the routine is resolved by signature
        (``SQ_GETROUTINE``) and called with the bound values
        (``SQ_EXFPROUTINE``). Handles are cached per connection, so repeated
        calls of a signature take one round trip.

        Args:
            signature: The routine with its argument types, e.g.
                ``"function informix.ifx_lo_close(integer)"``.
            *params: Positional arguments, as ``cursor.execute`` accepts them.

        Returns:
            The routine's return values as a list (one element for a
            function returning a single value).

        Example::

            conn.fast_path_call("function informix.ifx_lo_close(integer)", 42)
        """
        self._check_open()
        return list(self._native.fast_path_call(signature, params))

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


class Cursor(_native.CursorBase):
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
        self._past_end = False  # a forward fetch ran off the end
        self._fetched = 0
        self._delivered = 0  # rows received from the server so far
        self._kept_from = 0  # first row still held after scrolling began
        self._closed = False
        self._maker: Any = None
        self.description: list[tuple[Any, ...]] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        #: Client files offered to the server (name -> bytes), as in the reference driver.
        self.virtual_files: dict[str, bytes] = {}
        #: Files the server wrote during the last read_blob_column (name -> bytes).
        self.blob_files: dict[str, bytes] = {}
        # Inherited from the connection, overridable per cursor (as in the reference).
        self.row_factory: object | None = connection.row_factory

    # -- execution -----------------------------------------------------------

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> Cursor:
        self._start(operation)
        return self._run(operation, parameters)

    def _start(self, operation: str) -> None:
        """Forgets the previous statement's result; checks and logs the new one."""
        self._check_open()
        self._discard()
        self.description = None
        self.rowcount = -1
        self.lastrowid = None
        if not isinstance(operation, str):
            raise ProgrammingError("operation must be a str")
        if log.isEnabledFor(logging.DEBUG):
            log.debug("execute: %s", operation if len(operation) <= 500 else operation[:500] + "...")

    def _run(self, operation: str, parameters: Sequence[Any] | None) -> Cursor:
        if self._scrollable:
            result = self.connection._native.execute(operation, parameters, True)
        else:
            result = self.connection._native.execute(operation, parameters)
        return self._take(result)

    def _start_nowait(self, operation: str, parameters: Sequence[Any] | None) -> Any:
        """For informix_db.aio: writes the statement and returns its pending execute, whose
        replies the event loop reads when the socket is readable; None when it cannot
        run that way (then call ``_run``, which waits)."""
        self._start(operation)
        if self._scrollable:
            return None
        return self.connection._native.start_execute(operation, parameters)

    def _take(self, result: Any) -> Cursor:
        """Adopts a native result: description and first rows, or the row count."""
        self._result = result
        if result.is_query:
            self.description = result.description
            names = tuple(d[0] for d in self.description or ())
            factory = self.row_factory
            self._maker = resolve_row_class(factory, names) if factory is not None else None
            self._exhausted = False
            if self._scrollable:
                self._pos = 0
            else:
                self._fetched = 0
                self._fill()
                self._note_rowcount()
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
        self.rowcount = -1
        self.lastrowid = None
        if not isinstance(operation, str):
            raise ProgrammingError("operation must be a str")
        if log.isEnabledFor(logging.DEBUG):
            log.debug("executemany: %s", operation[:500])
        self.rowcount = self.connection._native.executemany(operation, seq_of_parameters)
        return self

    # -- smart LOBs through client files -------------------------------------

    def write_blob_column(self, sql: str, blob_data: bytes, params: Sequence[Any] = (), *,
                          sentinel: str = "/tmp/_informix_db_blob_in",
                          clob: bool = False) -> None:
        """Stores ``blob_data`` in a BLOB (or CLOB) column.

        ``sql`` holds the token ``BLOB_PLACEHOLDER`` exactly once where the value goes;
        it becomes ``filetoblob('<sentinel>', 'client')`` and the server reads the bytes
        from this client during the statement (no temporary file is written).
        """
        self._check_open()
        count = sql.count("BLOB_PLACEHOLDER")
        if count != 1:
            raise ProgrammingError(
                "write_blob_column SQL must contain BLOB_PLACEHOLDER exactly once "
                f"(found {count})")
        function = "filetoclob" if clob else "filetoblob"
        rewritten = sql.replace("BLOB_PLACEHOLDER", f"{function}('{sentinel}', 'client')")
        inputs = [*self.virtual_files.items(), (sentinel, bytes(blob_data))]
        self._run_with_files(rewritten, params, inputs)

    def read_blob_column(self, select_blob_sql: str, params: Sequence[Any] = (), *,
                         sentinel: str = "/tmp/_informix_db_blob") -> bytes | None:
        """The bytes of the single BLOB/CLOB column a one-row SELECT returns.

        The column becomes ``lotofile(<column>, '<sentinel>', 'client')``: the server
        writes the value to this client, which keeps it in memory. None when no row
        matches or the value is NULL.
        """
        self._check_open()
        sql = select_blob_sql.strip()
        if not sql[:6].upper() == "SELECT":
            raise ProgrammingError("read_blob_column requires a SELECT statement")
        upper = sql.upper()
        at = upper.find(" FROM ")
        if at < 0:
            raise ProgrammingError("read_blob_column needs 'SELECT <column> FROM ...'")
        column = sql[6:at].strip()
        wrapped = f"SELECT lotofile({column}, '{sentinel}', 'client'){sql[at:]}"
        rows, outputs = self._run_with_files(wrapped, params, list(self.virtual_files.items()))
        self.blob_files = dict(outputs)
        if not rows or rows[0][0] is None or not outputs:
            return None
        return bytes(outputs[0][1])

    def _run_with_files(self, sql: str, params: Sequence[Any],
                        inputs: list[tuple[str, bytes]]) -> tuple[list[Any], list[Any]]:
        self._discard()
        rowcount, serial, description, rows, outputs = self.connection._native.execute_files(
            sql, params, inputs)
        self.description = description
        self.rowcount = rowcount if description is None else len(rows)
        self.lastrowid = serial or None
        if description is not None:
            self._rows = list(rows)
            self._pos = 0
            self._exhausted = True
        return list(rows), list(outputs)

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
            self._finish()
            return False
        self._delivered += len(batch)
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
        """One row of the server-side scroll cursor; None past either end.

        ``_pos`` is the 1-based position of the current row (0 = before the first); a
        fetch that finds no row leaves it where it was, as the reference driver does.
        """
        got = self._result.scroll_fetch(scroll_type, target)
        if got is None:
            return None
        row, position = got
        self._pos = position
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

    def _note_rowcount(self) -> None:
        """Rows in the result, once the server has reported the total (-1 until then)."""
        if self._result is not None and self.rowcount < 0:
            total = self._result.stream_rowcount
            if total >= 0:
                self.rowcount = total

    def _finish(self) -> None:
        """Every row has been received: the row count is now known."""
        self._exhausted = True
        self._note_rowcount()
        if self.rowcount < 0:
            self.rowcount = self._delivered

    @property
    def _rows_local(self) -> bool:
        """Every remaining row is already in memory: fetches will not touch the wire."""
        if self._scrollable:
            return False
        return self._exhausted or self._result is None or self._result.rows_buffered

    @property
    def _next_row_local(self) -> bool:
        """The next fetchone() will not touch the wire."""
        return self._rows_local or (not self._scrollable and self._pos < len(self._rows))

    def _fetchone(self) -> Any:
        """``fetchone`` when the current batch has no row left to hand out (or scrolling)."""
        self._check_result()
        if self._scrollable:
            return self._sfetch(_SCROLL_ABSOLUTE, self._pos + 1)
        if self._pos >= len(self._rows) and not self._fill_until_rows():
            self._past_end = True
            return None
        row = self._rows[self._pos]
        self._pos += 1
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
            rows: list[Any] = []
            while len(rows) < n and (row := self.fetchone()) is not None:
                rows.append(row)
            return rows
        out: list[Any] = []
        while len(out) < n:
            if self._pos >= len(self._rows) and not self._fill_until_rows():
                self._past_end = True
                break
            take = self._rows[self._pos:self._pos + (n - len(out))]
            self._pos += len(take)
            out.extend(take)
        return out

    def fetchall(self) -> list[Any]:
        self._check_result()
        if self._scrollable:
            rows: list[Any] = []
            while (row := self.fetchone()) is not None:
                rows.append(row)
            return rows
        out = self._rows[self._pos:]
        self._pos = len(self._rows)
        if not self._exhausted and self._result is not None:
            rest = self._result.fetch_all()
            self._delivered += len(rest)
            if self._maker is not None:
                rest = [self._maker(r) for r in rest]
            out.extend(rest)
            self._finish()
            if self._all:
                self._rows.extend(rest)
                self._pos = len(self._rows)
            elif rest:
                # The caller holds these rows now; the cursor need not.
                self._fetched += self._pos + len(rest)
                self._rows = []
                self._pos = 0
        self._past_end = True
        return out

    def __iter__(self) -> Iterator[Any]:
        return self

    # ``__next__`` and ``fetchone`` come from ``_native.CursorBase``: they hand out the
    # next row of the converted batch without running Python code per row, and call
    # ``_fetchone`` (above) for everything else: refills, the end, scrolling, errors.

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A subclass that overrides fetchone() gets iterated through it, as PEP 249's
        # "next() returns the next row as fetchone() would" reads.
        if "fetchone" in cls.__dict__ and "__next__" not in cls.__dict__:
            cls.__next__ = _next_via_fetchone  # type: ignore[method-assign]

    # -- scrolling -------------------------------------------------------------
    #
    # Positions follow the reference driver: the "current row" is the one last fetched
    # (0-based, -1 before the first, the row count once a forward fetch ran off the end);
    # fetch_absolute(n) is 0-based with negative n counting from the end; a fetch_* whose
    # target lies outside the result returns None and leaves the position alone.
    # A forward-only cursor keeps every row from its current batch on once scrolling
    # starts; ``scrollable=True`` fetches each row by position on the server instead.

    def _keep_everything(self) -> None:
        """Scrolling needs random access: hold every row of the result."""
        if self._all:
            return
        self._check_result()
        rest = list(self._rows)
        if not self._exhausted and self._result is not None:
            more = self._result.fetch_all()
            self._delivered += len(more)
            if self._maker is not None:
                more = [self._maker(r) for r in more]
            rest.extend(more)
            self._finish()
        # Rows of earlier batches were released while streaming; the current batch and
        # everything after it stay, indexed by their position in the result.
        self._kept_from = self._fetched
        self._rows = [None] * self._fetched + rest
        self._pos = self._fetched + self._pos
        self._all = True
        self.rowcount = len(self._rows)

    def _check_kept(self, index: int) -> None:
        if index < self._kept_from:
            raise NotSupportedError(
                f"row {index} was released while the result streamed; use "
                "connection.cursor(scrollable=True) to move back that far"
            )

    def _current(self) -> int:
        """0-based index of the current row (see the note above)."""
        if self._scrollable:
            return self._pos - 1
        base = 0 if self._all else self._fetched
        return base + self._pos - (0 if self._past_end else 1)

    def _move_to(self, index: int) -> Any:
        """Makes row ``index`` (0-based, in range) current and returns it."""
        self._check_kept(index)
        self._pos = index + 1
        self._past_end = False
        return self._rows[index]

    def scroll(self, value: int, mode: str = "relative") -> None:
        self._check_result()
        if mode == "relative":
            target = self._current() + value
        elif mode == "absolute":
            target = value - 1  # scroll(n, "absolute"): the next fetch returns row n
        else:
            raise ProgrammingError(f"scroll mode must be 'relative' or 'absolute', not {mode!r}")
        if self._scrollable:
            if target < -1:
                raise IndexError(f"scroll target out of range: position {target}")
            self._pos = target + 1
            return
        self._keep_everything()
        if not -1 <= target < len(self._rows):
            raise IndexError(
                f"scroll target out of range: position {target} of {len(self._rows)} rows"
            )
        if target >= 0:
            self._check_kept(target)
        self._pos = target + 1
        self._past_end = False

    def fetch_first(self) -> Any:
        self._check_result()
        if self._scrollable:
            return self._sfetch(_SCROLL_ABSOLUTE, 1)
        self._keep_everything()
        return self._move_to(0) if self._rows else None

    def fetch_last(self) -> Any:
        self._check_result()
        if self._scrollable:
            row = self._sfetch(_SCROLL_LAST, 0)
            if row is not None:
                self.rowcount = self._pos
            return row
        self._keep_everything()
        return self._move_to(len(self._rows) - 1) if self._rows else None

    def fetch_prior(self) -> Any:
        self._check_result()
        prev = self._current() - 1
        if self._scrollable:
            if prev < 0:
                self._pos = 0
                return None
            return self._sfetch(_SCROLL_ABSOLUTE, prev + 1)
        self._keep_everything()
        if prev < 0:
            self._pos = 0
            self._past_end = False
            return None
        return self._move_to(prev)

    def fetch_absolute(self, n: int) -> Any:
        """Row ``n`` (0-based; negative counts from the end), made current."""
        self._check_result()
        if self._scrollable:
            if n < 0:
                n += self._scroll_count()
                if n < 0:
                    return None
            return self._sfetch(_SCROLL_ABSOLUTE, n + 1)
        self._keep_everything()
        if n < 0:
            n += len(self._rows)
        if not 0 <= n < len(self._rows):
            return None
        return self._move_to(n)

    def fetch_relative(self, n: int) -> Any:
        """The row ``n`` after (or before, if negative) the current one, made current."""
        self._check_result()
        target = self._current() + n
        if self._scrollable:
            if target < 0:
                return None
            return self._sfetch(_SCROLL_ABSOLUTE, target + 1)
        self._keep_everything()
        if not 0 <= target < len(self._rows):
            return None
        return self._move_to(target)

    @property
    def rownumber(self) -> int | None:
        """0-based index of the current row, None before the first (as in the reference)."""
        if self.description is None or self._closed:
            return None
        current = self._current()
        return current if current >= 0 else None

    # -- lifecycle -------------------------------------------------------------

    def _discard(self) -> None:
        if self._result is not None:
            self._result.close()
            self._result = None
        self._rows = []
        self._pos = 0
        self._exhausted = True
        self._all = False
        self._past_end = False
        self._fetched = 0
        self._delivered = 0
        self._kept_from = 0

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


def _next_via_fetchone(cursor: Cursor) -> Any:
    row = cursor.fetchone()
    if row is None:
        raise StopIteration
    return row


_DEFAULTS: dict[str, Any] = {
    "host": "127.0.0.1",
    "port": 9088,
    "user": None,
    "password": None,
    "database": None,
    "server": None,
    "connect_timeout": None,
    "read_timeout": None,
    "keepalive": True,
    "client_locale": "en_US.8859-1",
    "autocommit": False,
    "tls": False,
    "tls_server_hostname": None,
    "tls_ca_file": None,
    "tls_client_cert": None,
    "tls_client_key": None,
    "tls_insecure_skip_verify": False,
    "statement_cache_size": 32,
}


def connect(host: str | None = None, port: int | None = None, *, dsn: str | None = None,
            user: str | None = None, password: str | None = None,
            database: str | None = None, server: str | None = None,
            connect_timeout: float | None = None, read_timeout: float | None = None,
            keepalive: bool | None = None, client_locale: str | None = None,
            env: dict[str, str] | None = None, autocommit: bool | None = None,
            row_factory: object | None = None, tls: Any = None,
            tls_server_hostname: str | None = None, tls_ca_file: str | None = None,
            tls_client_cert: str | None = None, tls_client_key: str | None = None,
            tls_insecure_skip_verify: bool | None = None,
            statement_cache_size: int | None = None) -> Connection:
    """Opens a connection. Keyword names match the reference driver's ``connect``.

    ``host`` may instead be a connection string (or pass ``dsn=``): a URL
    ``informix://user:password@host:9088/database?server=informix&tls=true``, a JDBC URL
    ``jdbc:informix-sqli://host:9088/database:INFORMIXSERVER=informix;user=u;password=p``
    or ``key=value`` pairs (``host=h port=9088 database=d user=u password=p``). Keyword
    arguments given explicitly override the values in the string.

    ``server`` defaults to ``$INFORMIXSERVER``, else ``"informix"``.

    TLS: ``tls=True`` verifies the server certificate against ``tls_ca_file`` or the
    system trust store; an ``ssl.SSLContext`` is honoured for its CA certificates and
    verify mode; ``tls_insecure_skip_verify=True`` turns verification off (development
    servers only).
    """
    import os

    if dsn is None and host is not None and looks_like_dsn(host):
        dsn, host = host, None
    settings = dict(_DEFAULTS)
    env_settings: dict[str, str] = {}
    if dsn is not None:
        parsed = parse_dsn(dsn)
        env_settings.update(parsed.pop("env", {}))
        settings.update(parsed)
    explicit = {
        "host": host, "port": port, "user": user, "password": password,
        "database": database, "server": server, "connect_timeout": connect_timeout,
        "read_timeout": read_timeout, "keepalive": keepalive, "client_locale": client_locale,
        "autocommit": autocommit, "tls": tls, "tls_server_hostname": tls_server_hostname,
        "tls_ca_file": tls_ca_file, "tls_client_cert": tls_client_cert,
        "tls_client_key": tls_client_key, "tls_insecure_skip_verify": tls_insecure_skip_verify,
        "statement_cache_size": statement_cache_size,
    }  # fmt: skip
    settings.update({k: v for k, v in explicit.items() if v is not None})
    env_settings.update(env or {})
    if not settings["user"]:
        raise InterfaceError("connect() needs a user (keyword user= or in the DSN)")
    if settings["server"] is None:
        settings["server"] = os.environ.get("INFORMIXSERVER", "informix")
    try:
        port_number = int(settings["port"])
    except (TypeError, ValueError):
        raise InterfaceError(f"port must be an integer, not {settings['port']!r}") from None
    if not 0 < port_number < 65536:
        raise InterfaceError(f"port {port_number} is out of range")
    tls_opts = _tls_options(settings["tls"], settings["tls_server_hostname"],
                            settings["tls_ca_file"], settings["tls_client_cert"],
                            settings["tls_client_key"], bool(settings["tls_insecure_skip_verify"]))
    host_name = str(settings["host"])
    user_name = str(settings["user"])
    db = settings["database"]
    if log.isEnabledFor(logging.DEBUG):
        # Never the password: only where we are going and as whom.
        log.debug("connecting to %s:%s server=%s database=%s user=%s tls=%s", host_name,
                  port_number, settings["server"], db, user_name, tls_opts is not None)
    try:
        native = _native.connect(_native.ConnectSpec(
            host_name, port_number, user_name, settings["password"], db, settings["server"],
            settings["connect_timeout"], settings["read_timeout"], bool(settings["keepalive"]),
            settings["client_locale"], list(env_settings.items()), bool(settings["autocommit"]),
            tls_opts, int(settings["statement_cache_size"]),
        ))
    except Exception as exc:
        log.debug("connection to %s:%s as %s failed: %s", host_name, port_number, user_name,
                  exc)
        raise
    log.debug("connected to %s:%s database=%s user=%s", host_name, port_number, db, user_name)
    return Connection(native, host=host_name, port=port_number, user=user_name, database=db,
                      row_factory=row_factory, client_locale=str(settings["client_locale"]))


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
