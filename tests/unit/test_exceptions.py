"""Exception hierarchy, diagnostics attributes and the sqlcode catalogue."""

from __future__ import annotations

import ast
import builtins
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from informix_db import _errcodes
from informix_db.exceptions import (
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
    error_from_server,
    exception_for,
    format_message,
    register_error_text,
    sqlstate_for,
    text_for,
)

PACKAGE_DIR = Path(_errcodes.__file__).resolve().parent


@pytest.fixture
def restore_catalogue() -> Iterator[None]:
    saved = dict(_errcodes._ERROR_TEXT)
    yield
    _errcodes._ERROR_TEXT.clear()
    _errcodes._ERROR_TEXT.update(saved)


# ---------------------------------------------------------------------------
# hierarchy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (Warning, Exception),
        (Error, Exception),
        (InterfaceError, Error),
        (DatabaseError, Error),
        (DataError, DatabaseError),
        (OperationalError, DatabaseError),
        (IntegrityError, DatabaseError),
        (InternalError, DatabaseError),
        (ProgrammingError, DatabaseError),
        (NotSupportedError, DatabaseError),
        (PoolTimeoutError, OperationalError),
        (PoolClosedError, InterfaceError),
    ],
)
def test_pep249_hierarchy(cls: type[Exception], parent: type[Exception]) -> None:
    assert issubclass(cls, parent)


def test_warning_is_not_an_error_nor_a_builtin_warning() -> None:
    assert not issubclass(Warning, Error)
    assert not issubclass(Error, Warning)
    assert not issubclass(Warning, builtins.Warning)


def test_database_error_branches_are_distinct() -> None:
    branches = [DataError, OperationalError, IntegrityError, InternalError, ProgrammingError]
    for a in branches + [NotSupportedError]:
        for b in branches + [NotSupportedError]:
            assert (a is b) == issubclass(a, b)


def test_exceptions_module_never_imports_native() -> None:
    """The Rust layer imports these modules, so they must not import it back."""
    for name in ("exceptions.py", "_errcodes.py", "_types.py", "rows.py"):
        tree = ast.parse((PACKAGE_DIR / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any("_native" in n for n in names), (name, names)


# ---------------------------------------------------------------------------
# attributes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [Warning, Error, InterfaceError, DataError, PoolTimeoutError])
def test_default_attributes(cls: type[Error]) -> None:
    exc = cls("boom")
    assert str(exc) == "boom"
    assert exc.args == ("boom",)
    assert exc.sqlcode is None
    assert exc.isam_code is None
    assert exc.isamcode is None
    assert exc.sqlstate is None
    assert exc.offset is None
    assert exc.near is None
    assert exc.connection_lost is False


def test_keyword_attributes() -> None:
    exc = OperationalError(
        "lost",
        sqlcode=-25582,
        isam_code=-3,
        sqlstate="08006",
        offset=7,
        near="t1",
        connection_lost=True,
    )
    assert (exc.sqlcode, exc.isam_code, exc.sqlstate, exc.offset, exc.near) == (
        -25582,
        -3,
        "08006",
        7,
        "t1",
    )
    assert exc.connection_lost is True
    assert exc.isamcode == -3


def test_isamcode_alias_is_read_only() -> None:
    exc = Error("x", isam_code=-100)
    with pytest.raises(AttributeError):
        exc.isamcode = 5  # type: ignore[misc]
    exc.isam_code = -111
    assert exc.isamcode == -111


def test_attributes_survive_pickling() -> None:
    exc = error_from_server(-239, -100, 0, "ix1", connection_lost=True)
    copy = pickle.loads(pickle.dumps(exc))
    assert type(copy) is IntegrityError
    assert copy.args == exc.args
    assert (copy.sqlcode, copy.isamcode, copy.near, copy.sqlstate) == (-239, -100, "ix1", "23000")
    assert copy.connection_lost is True


def test_can_be_raised_and_caught_by_pep249_base() -> None:
    with pytest.raises(DatabaseError) as info:
        raise error_from_server(-206, -111, 0, "missing")
    assert isinstance(info.value, ProgrammingError)
    assert info.value.sqlcode == -206


# ---------------------------------------------------------------------------
# message format
# ---------------------------------------------------------------------------


def test_message_format_matches_reference_example() -> None:
    exc = error_from_server(-239, -100, 0, "ix1")
    assert str(exc) == (
        "[-239] Could not insert new row - duplicate value in a UNIQUE INDEX column "
        "(near 'ix1') [ISAM -100]"
    )


def test_message_suffixes() -> None:
    assert format_message(-201) == "[-201] A syntax error has occurred"
    assert format_message(-201, 0, 12) == "[-201] A syntax error has occurred (offset 12)"
    assert format_message(-201, 0, -1) == "[-201] A syntax error has occurred"
    assert format_message(-206, -111, 5, "t") == (
        "[-206] The specified table is not in the database (near 't') [ISAM -111] (offset 5)"
    )


def test_prefix_is_prepended() -> None:
    exc = error_from_server(-268, -100, prefix="executemany row 3/10: ")
    assert str(exc) == (
        "executemany row 3/10: [-268] Cannot insert duplicate value - violates UNIQUE "
        "constraint [ISAM -100]"
    )
    assert isinstance(exc, IntegrityError)
    assert exc.sqlcode == -268


def test_unknown_code() -> None:
    exc = error_from_server(-31999)
    assert type(exc) is DatabaseError
    assert str(exc) == "[-31999] Informix error -31999"
    assert exc.sqlstate == "IX000"
    assert exc.offset == 0
    assert exc.near == ""
    assert exc.isam_code == 0


def test_register_error_text(restore_catalogue: None) -> None:
    register_error_text(-31998, "Site specific failure")
    assert text_for(-31998) == "Site specific failure"
    assert str(error_from_server(-31998)) == "[-31998] Site specific failure"
    register_error_text(-201, "Custom syntax text")
    assert str(error_from_server(-201)) == "[-201] Custom syntax text"
    assert type(error_from_server(-201)) is ProgrammingError


def test_reference_private_helpers_exist() -> None:
    assert _errcodes.text_for(-201) == "A syntax error has occurred"
    assert _errcodes.exception_for(-239) is IntegrityError
    assert _errcodes.register_error_text is register_error_text


# ---------------------------------------------------------------------------
# catalogue: reference parity (SQLI-facts §6.3)
# ---------------------------------------------------------------------------

REFERENCE_CATALOGUE: dict[int, tuple[type[Error], str]] = {
    -239: (IntegrityError, "Could not insert new row - duplicate value in a UNIQUE INDEX column"),
    -268: (IntegrityError, "Cannot insert duplicate value - violates UNIQUE constraint"),
    -269: (IntegrityError, "Default value not specified, cannot be NULL"),
    -291: (IntegrityError, "Cannot insert duplicate row - violates unique index constraint"),
    -292: (IntegrityError, "NOT NULL constraint violated"),
    -391: (IntegrityError, "Cannot insert NULL value into a NOT NULL column"),
    -703: (IntegrityError, "Primary key on table has a field with a NULL key value"),
    -201: (ProgrammingError, "A syntax error has occurred"),
    -202: (ProgrammingError, "An illegal character has been found in the statement"),
    -206: (ProgrammingError, "The specified table is not in the database"),
    -217: (ProgrammingError, "Column not found in any table in the query"),
    -253: (ProgrammingError, "Statement size exceeds language buffer size"),
    -258: (ProgrammingError, "Invalid statement identifier"),
    -259: (ProgrammingError, "Cursor not open"),
    -260: (ProgrammingError, "Cursor name already in use"),
    -262: (ProgrammingError, "No such cursor"),
    -272: (ProgrammingError, "No SELECT permission"),
    -273: (ProgrammingError, "No UPDATE permission"),
    -274: (ProgrammingError, "No DELETE permission"),
    -286: (ProgrammingError, "The number of values does not match number of columns"),
    -310: (ProgrammingError, "The result of an aggregate function returned NULL"),
    -311: (ProgrammingError, "Column not found in named tables in the query"),
    -316: (ProgrammingError, "Index already exists"),
    -390: (ProgrammingError, "Synonym already exists in database"),
    -451: (ProgrammingError, "Cannot retrieve column data"),
    -456: (ProgrammingError, "Indicator variable required"),
    -465: (ProgrammingError, "BYTE or TEXT subscript out of range"),
    -517: (ProgrammingError, "Statement is too long"),
    -526: (ProgrammingError, "Cursor is not on a SELECT statement"),
    -567: (ProgrammingError, "Cannot select column from view (no underlying table)"),
    -608: (ProgrammingError, "Number truncated converting from one type to another"),
    -255: (OperationalError, "Not in transaction"),
    -256: (OperationalError, "Transaction not available"),
    -267: (OperationalError, "The transaction has been rolled back, all locks released"),
    -297: (OperationalError, "Lock timeout expired"),
    -407: (OperationalError, "Begin transaction failed - already in a transaction"),
    -408: (OperationalError, "Commit transaction failed - not in a transaction"),
    -440: (OperationalError, "Connection not established"),
    -748: (OperationalError, "Server has rejected the connection"),
    -751: (OperationalError, "User not known to the database"),
    -759: (OperationalError, "Database not available"),
    -908: (OperationalError, "Attempt to connect to database server failed"),
    -930: (OperationalError, "Cannot connect to database server"),
    -956: (OperationalError, "Client/server unable to communicate"),
    -25553: (OperationalError, "Connection not authorized"),
    -25563: (OperationalError, "Server name unrecognized"),
    -329: (NotSupportedError, "Database not found or no system permission"),
    -349: (NotSupportedError, "Database not selected yet"),
    -510: (NotSupportedError, "Specified database does not exist"),
    -263: (DatabaseError, "Cannot open file for LOAD or UNLOAD"),
    -264: (DatabaseError, "Cannot read from input file for LOAD"),
    -271: (DatabaseError, "Could not insert new row into the table"),
    -722: (DatabaseError, "Out of memory"),
}


@pytest.mark.parametrize("code", sorted(REFERENCE_CATALOGUE))
def test_reference_catalogue_parity(code: int) -> None:
    cls, text = REFERENCE_CATALOGUE[code]
    assert text_for(code) == text
    assert exception_for(code) is cls
    exc = error_from_server(code)
    assert type(exc) is cls
    assert str(exc) == f"[{code}] {text}"


# ---------------------------------------------------------------------------
# catalogue: our additions (emulator-semantics §1.2)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "isam", "cls"),
    [
        # conversion / arithmetic family
        (-1202, 0, DataError),
        (-1213, 0, DataError),
        (-1214, 0, DataError),
        (-1215, 0, DataError),
        (-1226, 0, DataError),
        (-1262, 0, DataError),
        (-1279, 0, DataError),
        (-1284, 0, DataError),
        (-1299, 0, DataError),
        (-9648, 0, DataError),
        # integrity
        (-530, 0, IntegrityError),
        (-691, -111, IntegrityError),
        (-692, 0, IntegrityError),
        (-525, -111, IntegrityError),
        (-346, -100, IntegrityError),
        (-271, -100, IntegrityError),
        # locks and transactions
        (-244, -107, OperationalError),
        (-245, -154, OperationalError),
        (-246, -107, OperationalError),
        (-271, -107, OperationalError),
        (-346, -154, OperationalError),
        (-240, -143, OperationalError),
        (-535, 0, OperationalError),
        (-876, 0, OperationalError),
        (-878, 0, OperationalError),
        # login / connection
        (-951, 0, OperationalError),
        (-952, 0, OperationalError),
        (-761, 0, OperationalError),
        (-387, 0, OperationalError),
        (-25582, 0, OperationalError),
        # syntax / objects
        (-282, 0, ProgrammingError),
        (-236, 0, ProgrammingError),
        (-284, 0, ProgrammingError),
        (-324, 0, ProgrammingError),
        (-958, 0, ProgrammingError),
        (-400, 0, ProgrammingError),
        # generic row failure without a telling ISAM code
        (-346, 0, DatabaseError),
        (-271, -999, DatabaseError),
    ],
)
def test_classification(code: int, isam: int, cls: type[Error]) -> None:
    assert exception_for(code, isam) is cls
    assert type(error_from_server(code, isam)) is cls


@pytest.mark.parametrize(
    "code",
    [-282, -324, -530, -691, -692, -1202, -1213, -1279, -951, -761, -535, -244, -346],
)
def test_additional_codes_have_text(code: int) -> None:
    assert not text_for(code).startswith("Informix error")


@pytest.mark.parametrize(
    ("code", "state"),
    [
        (-201, "42000"),
        (-206, "42000"),
        (-275, "42000"),
        (-239, "23000"),
        (-268, "23000"),
        (-391, "23000"),
        (-691, "23000"),
        (-1202, "22012"),
        (-1214, "22003"),
        (-1226, "22003"),
        (-1279, "22001"),
        (-284, "21000"),
        (-236, "21S01"),
        (-310, "S0001"),
        (-316, "S0011"),
        (-319, "S0012"),
        (-908, "08004"),
        (-259, "24000"),
        (100, "02000"),
        (0, "00000"),
        (-217, "IX000"),
        (-255, "IX000"),
        (-256, "IX000"),
        (-535, "IX000"),
        (-244, "IX000"),
        (-329, "IX000"),
        (-951, "IX000"),
        (-31999, "IX000"),
    ],
)
def test_sqlstate(code: int, state: str) -> None:
    assert sqlstate_for(code) == state
    if code < 0:
        assert error_from_server(code).sqlstate == state


def test_connection_lost_flag_is_carried() -> None:
    exc = error_from_server(-25582, connection_lost=True)
    assert isinstance(exc, OperationalError)
    assert exc.connection_lost is True
    assert error_from_server(-25582).connection_lost is False
