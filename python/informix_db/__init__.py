"""informix_db: a Python driver for IBM Informix with a Rust core.

Talks the native SQLI protocol (no IBM Client SDK), releases the GIL while it waits
for the server, and lets many threads share one connection pool.
"""

from __future__ import annotations

from ._types import (
    BINARY,
    DATETIME,
    NUMBER,
    ROWID,
    STRING,
    Binary,
    BlobLocator,
    ClobLocator,
    CollectionValue,
    Date,
    DateFromTicks,
    IntervalYM,
    RowValue,
    Time,
    TimeFromTicks,
    Timestamp,
    TimestampFromTicks,
)
from .connections import Connection, Cursor, connect
from .exceptions import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PoolClosedError,
    PoolTimeoutError,
    ProgrammingError,
    Warning,
)
from .pool import ConnectionPool, create_pool
from .rows import Row

apilevel = "2.0"
# Connections may be shared between threads: each exchange holds the wire mutex.
threadsafety = 2
paramstyle = "numeric"

try:
    from ._native import __version__
except ImportError:  # pragma: no cover - source tree without a build
    __version__ = "0.0.0+local"

__all__ = [
    "BINARY", "DATETIME", "NUMBER", "ROWID", "STRING", "Binary", "BlobLocator", "ClobLocator",
    "CollectionValue", "Connection", "ConnectionPool", "Cursor", "DataError", "DatabaseError",
    "Date", "DateFromTicks", "Error", "IntegrityError", "InterfaceError", "InternalError",
    "IntervalYM", "NotSupportedError", "OperationalError", "PoolClosedError", "PoolTimeoutError",
    "ProgrammingError", "Row", "RowValue", "Time", "TimeFromTicks", "Timestamp",
    "TimestampFromTicks", "Warning", "apilevel", "connect", "create_pool", "paramstyle",
    "threadsafety",
]


def __getattr__(name: str) -> object:
    # ``informix_db.aio`` is imported on first use, so ``import informix_db`` never pulls in
    # asyncio.
    if name == "aio":
        import importlib

        return importlib.import_module(".aio", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
