"""PEP 249 exception hierarchy and the server-error factory.

Every class carries the Informix diagnostics as attributes so callers can
branch on ``exc.sqlcode`` instead of parsing messages. The native (Rust)
layer imports this module to raise these exact classes; it therefore must
never import ``informix_db._native`` itself.
"""

from __future__ import annotations

import builtins

from . import _errcodes
from ._errcodes import register_error_text, sqlstate_for, text_for

__all__ = [
    "DataError",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "PoolClosedError",
    "PoolTimeoutError",
    "ProgrammingError",
    "Warning",
    "error_from_server",
    "exception_for",
    "format_message",
    "register_error_text",
    "sqlstate_for",
    "text_for",
]


class _Diagnostics(builtins.Exception):
    """Shared constructor: positional message args plus keyword diagnostics.

    Attributes live in the instance ``__dict__`` so exceptions pickle (and
    cross process boundaries) with their diagnostics intact.
    """

    sqlcode: int | None
    isam_code: int | None
    sqlstate: str | None
    offset: int | None
    near: str | None
    connection_lost: bool

    def __init__(
        self,
        *args: object,
        sqlcode: int | None = None,
        isam_code: int | None = None,
        sqlstate: str | None = None,
        offset: int | None = None,
        near: str | None = None,
        connection_lost: bool = False,
    ) -> None:
        super().__init__(*args)
        self.sqlcode = sqlcode
        self.isam_code = isam_code
        self.sqlstate = sqlstate
        self.offset = offset
        self.near = near
        self.connection_lost = bool(connection_lost)

    @property
    def isamcode(self) -> int | None:
        """Alias of :attr:`isam_code` under the reference driver's name."""
        return self.isam_code


class Warning(_Diagnostics):  # shadows builtins.Warning: PEP 249 mandates it
    """PEP 249 Warning: informational, not an error."""


class Error(_Diagnostics):
    """PEP 249 base of every driver error."""


class InterfaceError(Error):
    """Misuse of the driver itself (closed connection, bad arguments)."""


class DatabaseError(Error):
    """An error reported by, or about, the database."""


class DataError(DatabaseError):
    """Bad data: conversion failure, overflow, division by zero, truncation."""


class OperationalError(DatabaseError):
    """Environment trouble: connection, login, locks, transaction state."""


class IntegrityError(DatabaseError):
    """A constraint was violated (unique, NOT NULL, check, foreign key)."""


class InternalError(DatabaseError):
    """The server or driver reached an inconsistent internal state."""


class ProgrammingError(DatabaseError):
    """Wrong SQL: syntax error, missing object, wrong parameter count."""


class NotSupportedError(DatabaseError):
    """Operation not supported by the driver or by the database."""


class PoolTimeoutError(OperationalError):
    """No pooled connection became free within the acquire timeout."""


class PoolClosedError(InterfaceError):
    """The pool was closed before or while acquiring a connection."""


_CLASSES: dict[str, type[Error]] = {
    "DatabaseError": DatabaseError,
    "DataError": DataError,
    "IntegrityError": IntegrityError,
    "NotSupportedError": NotSupportedError,
    "OperationalError": OperationalError,
    "ProgrammingError": ProgrammingError,
}


def exception_for(sqlcode: int, isam_code: int = 0) -> type[Error]:
    """PEP 249 class for a server error code (see ``_errcodes.category_for``)."""
    return _CLASSES[_errcodes.category_for(sqlcode, isam_code)]


def format_message(sqlcode: int, isam_code: int = 0, offset: int = 0, near: str = "") -> str:
    """Compose the message text exactly as the reference driver lays it out.

    ``[<sqlcode>] <text>`` + `` (near '<token>')`` + `` [ISAM <n>]`` +
    `` (offset <n>)``, each suffix only when it carries information.
    """
    message = f"[{sqlcode}] {text_for(sqlcode)}"
    if near:
        message += f" (near {near!r})"
    if isam_code:
        message += f" [ISAM {isam_code}]"
    if offset > 0:
        message += f" (offset {offset})"
    return message


def error_from_server(
    sqlcode: int,
    isam_code: int = 0,
    offset: int = 0,
    near: str = "",
    *,
    connection_lost: bool = False,
    prefix: str = "",
) -> Error:
    """Build (not raise) the exception for an ``SQ_ERR`` or login rejection.

    ``prefix`` is prepended to the message, e.g. ``"executemany row 3/10: "``,
    while the class and structured fields stay those of the server error.
    """
    cls = exception_for(sqlcode, isam_code)
    return cls(
        prefix + format_message(sqlcode, isam_code, offset, near),
        sqlcode=sqlcode,
        isam_code=isam_code,
        sqlstate=sqlstate_for(sqlcode),
        offset=offset,
        near=near,
        connection_lost=connection_lost,
    )
