"""Informix sqlcode catalogue: message text, PEP 249 category and SQLSTATE.

The server never sends message text in ``SQ_ERR``; the client owns the
catalogue. Codes the reference driver (``informix-driver``) knows keep its
short texts verbatim, so messages users already match on stay identical.
Other codes a driver test suite meets (conversion, locking, login, ...)
carry our own short wording. Unknown codes read ``Informix error <N>``.

This module is pure data plus lookups and imports nothing from the
package, so :mod:`informix_db.exceptions` can build on it without cycles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .exceptions import Error

__all__ = [
    "category_for",
    "exception_for",
    "register_error_text",
    "sqlstate_for",
    "text_for",
]

# Codes shared with the reference driver: identical text on purpose.
_REFERENCE_TEXT: dict[int, str] = {
    -201: "A syntax error has occurred",
    -202: "An illegal character has been found in the statement",
    -206: "The specified table is not in the database",
    -217: "Column not found in any table in the query",
    -239: "Could not insert new row - duplicate value in a UNIQUE INDEX column",
    -253: "Statement size exceeds language buffer size",
    -255: "Not in transaction",
    -256: "Transaction not available",
    -258: "Invalid statement identifier",
    -259: "Cursor not open",
    -260: "Cursor name already in use",
    -262: "No such cursor",
    -263: "Cannot open file for LOAD or UNLOAD",
    -264: "Cannot read from input file for LOAD",
    -267: "The transaction has been rolled back, all locks released",
    -268: "Cannot insert duplicate value - violates UNIQUE constraint",
    -269: "Default value not specified, cannot be NULL",
    -271: "Could not insert new row into the table",
    -272: "No SELECT permission",
    -273: "No UPDATE permission",
    -274: "No DELETE permission",
    -286: "The number of values does not match number of columns",
    -291: "Cannot insert duplicate row - violates unique index constraint",
    -292: "NOT NULL constraint violated",
    -297: "Lock timeout expired",
    -310: "The result of an aggregate function returned NULL",
    -311: "Column not found in named tables in the query",
    -316: "Index already exists",
    -329: "Database not found or no system permission",
    -349: "Database not selected yet",
    -390: "Synonym already exists in database",
    -391: "Cannot insert NULL value into a NOT NULL column",
    -407: "Begin transaction failed - already in a transaction",
    -408: "Commit transaction failed - not in a transaction",
    -440: "Connection not established",
    -451: "Cannot retrieve column data",
    -456: "Indicator variable required",
    -465: "BYTE or TEXT subscript out of range",
    -510: "Specified database does not exist",
    -517: "Statement is too long",
    -526: "Cursor is not on a SELECT statement",
    -567: "Cannot select column from view (no underlying table)",
    -608: "Number truncated converting from one type to another",
    -703: "Primary key on table has a field with a NULL key value",
    -722: "Out of memory",
    -748: "Server has rejected the connection",
    -751: "User not known to the database",
    -759: "Database not available",
    -908: "Attempt to connect to database server failed",
    -930: "Cannot connect to database server",
    -956: "Client/server unable to communicate",
    -25553: "Connection not authorized",
    -25563: "Server name unrecognized",
}

# Codes the reference does not catalogue; wording is ours.
_EXTRA_TEXT: dict[int, str] = {
    # syntax / objects
    -232: "A SERIAL column cannot be updated",
    -236: "Number of INSERT columns does not match number of VALUES",
    -282: "Quoted string has no closing quote",
    -283: "Comment is not terminated",
    -284: "A subquery did not return exactly one row",
    -285: "Invalid cursor received by the server",
    -294: "Column must appear in the GROUP BY list",
    -319: "Index does not exist",
    -324: "Ambiguous column reference",
    -362: "A table can have only one SERIAL and one SERIAL8 or BIGSERIAL column",
    -400: "Fetch attempted on a cursor that is not open",
    -674: "Routine cannot be resolved",
    -746: "Exception raised by a routine",
    -943: "Block comment is not terminated",
    -944: "FIRST, LIMIT or SKIP is not allowed in this context",
    -958: "Temporary table already exists in this session",
    -9628: "Type not found",
    # integrity
    -346: "Could not update a row in the table",
    -371: "Cannot create unique index on column with duplicate data",
    -525: "Existing data fails a referential constraint",
    -530: "Check constraint failed",
    -691: "Missing key in referenced table for referential constraint",
    -692: "Key value for constraint is still being referenced",
    # conversion / arithmetic
    -1200: "Number is too large for a DECIMAL value",
    -1201: "Number is too small for a DECIMAL value",
    -1202: "Attempt to divide by zero",
    -1204: "Invalid year in date",
    -1205: "Invalid month in date",
    -1206: "Invalid day in date",
    -1213: "Character to numeric conversion failed",
    -1214: "Value is out of range for SMALLINT",
    -1215: "Value is out of range for INTEGER",
    -1218: "String to date conversion failed",
    -1222: "Value does not fit in a SMALLFLOAT",
    -1223: "Value does not fit in a FLOAT",
    -1226: "DECIMAL or MONEY value exceeds the column precision",
    -1260: "Cannot convert between the specified types",
    -1261: "Too many digits in the first field of a DATETIME or INTERVAL",
    -1262: "Non-numeric character in a DATETIME or INTERVAL",
    -1263: "A DATETIME or INTERVAL field is out of range or the operation is invalid",
    -1264: "Extra characters at the end of a DATETIME or INTERVAL",
    -1265: "Overflow in DATETIME or INTERVAL arithmetic",
    -1266: "DATETIME or INTERVAL operands are incompatible",
    -1267: "DATETIME or INTERVAL result is out of range",
    -1268: "Invalid DATETIME or INTERVAL qualifier",
    -1279: "Value is longer than the string column",
    -1284: "Value does not fit in a BIGINT or INT8",
    -9648: "Invalid value for a BOOLEAN",
    # transactions
    -377: "Transaction must end before the database is closed",
    -535: "Already in transaction",
    -573: "Cannot set buffered logging in an ANSI database",
    -876: "Cannot SET TRANSACTION inside an active transaction",
    -878: "Operation not allowed in a READ ONLY transaction",
    # locking and row access
    -240: "Could not delete a row",
    -242: "Could not open database table",
    -243: "Could not position within a table",
    -244: "Could not do a physical-order read to fetch next row",
    -245: "Could not position within a file via an index",
    -246: "Could not do an indexed read to get the next row",
    # login / connection
    -387: "No connect permission",
    -761: "INFORMIXSERVER matches neither DBSERVERNAME nor DBSERVERALIASES",
    -929: "SQLI protocol error, session terminated",
    -951: "Incorrect password or user is not known on the database server",
    -952: "Password is not correct for the user",
    -25571: "Cannot create a user thread",
    -25582: "Network connection is broken",
    -27002: "No connections are allowed in quiescent mode",
}

_ERROR_TEXT: dict[int, str] = {**_EXTRA_TEXT, **_REFERENCE_TEXT}

# PEP 249 category names (resolved to classes by informix_db.exceptions).
INTEGRITY = "IntegrityError"
PROGRAMMING = "ProgrammingError"
OPERATIONAL = "OperationalError"
NOT_SUPPORTED = "NotSupportedError"
DATA = "DataError"
DATABASE = "DatabaseError"

_CATEGORY: dict[int, str] = {}


def _assign(category: str, codes: tuple[int, ...]) -> None:
    for code in codes:
        _CATEGORY[code] = category


# Reference driver's classification (kept for parity), then our additions.
# fmt: off
_assign(INTEGRITY, (-239, -268, -269, -291, -292, -391, -703))
_assign(PROGRAMMING, (
    -201, -202, -206, -217, -253, -258, -259, -260, -262, -272, -273, -274,
    -286, -310, -311, -316, -390, -451, -456, -465, -517, -526, -567, -608,
))
_assign(OPERATIONAL, (
    -255, -256, -267, -297, -407, -408, -440, -748, -751, -759, -908, -930,
    -956, -25553, -25563,
))
_assign(NOT_SUPPORTED, (-329, -349, -510))

_assign(INTEGRITY, (-371, -525, -530, -536, -551, -676, -691, -692))
_assign(PROGRAMMING, (
    -232, -236, -266, -275, -276, -282, -283, -284, -285, -294, -319, -324, -362,
    -400, -586, -674, -943, -944, -958, -9628,
))
_assign(OPERATIONAL, (
    # transactions
    -377, -535, -573, -876, -878,
    # lock-related row access failures
    -242, -243, -244, -245, -246,
    # login, connection, session
    -387, -761, -929, -951, -952, -25571, -25582, -27002,
))
_assign(DATA, (-1279, -9648, -306, -472, -22283))
# fmt: on

# ISAM codes that turn an otherwise generic row failure into a category.
_ISAM_DUPLICATE = -100
_ISAM_LOCK_CODES = frozenset({-107, -113, -134, -143, -144, -154})

# SQLSTATE as the IBM JDBC client derives it; anything else is IX000.
_SQLSTATE: dict[int, str] = {0: "00000", 100: "02000"}


def _state(state: str, codes: tuple[int, ...]) -> None:
    for code in codes:
        _SQLSTATE[code] = state


_state("42000", (-201, -206, -272, -273, -274, -275, -886, -942))
_state("23000", (-239, -268, -371, -391, -525, -530, -536, -551, -676, -691, -692))
_state("22012", (-1202,))
_state("22003", (-1214, -1215, -1222, -1226, -306, -472, -22283))
_state("22001", (-1279,))
_state("22025", (-1278,))
_state("21000", (-284,))
_state("21S01", (-236,))
_state("S0001", (-310,))
_state("S0011", (-316, -350))
_state("S0012", (-319,))
_state("S0021", (-328,))
_state("S0002", (-352, -839))
_state("08004", (-908, -930, -1809))
_state("08006", (-934, -1806))
_state("08002", (-1802,))
_state("08003", (-1803,))
_state("28000", (-901, -902))
_state("24000", (-259, -262, -266, -276, -285, -400, -586))
_state("40000", (-699,))
_state("25000", (-1800,))

# Category implied by a SQLSTATE class, used only for codes with no entry.
_STATE_CLASS_CATEGORY: dict[str, str] = {
    "22": DATA,
    "23": INTEGRITY,
    "42": PROGRAMMING,
    "21": PROGRAMMING,
    "24": PROGRAMMING,
    "08": OPERATIONAL,
    "28": OPERATIONAL,
    "40": OPERATIONAL,
    "25": OPERATIONAL,
}


def text_for(sqlcode: int) -> str:
    """Catalogue text for ``sqlcode``; a generic text for unknown codes."""
    text = _ERROR_TEXT.get(sqlcode)
    return text if text is not None else f"Informix error {sqlcode}"


def register_error_text(sqlcode: int, text: str) -> None:
    """Add or override the message text used for ``sqlcode``.

    Lets applications give site-specific codes (e.g. ``RAISE EXCEPTION``
    numbers from their own stored procedures) a readable message.
    """
    _ERROR_TEXT[int(sqlcode)] = str(text)


def sqlstate_for(sqlcode: int) -> str:
    """Five-character SQLSTATE for ``sqlcode`` (``IX000`` when unmapped)."""
    return _SQLSTATE.get(sqlcode, "IX000")


def category_for(sqlcode: int, isam_code: int = 0) -> str:
    """Name of the PEP 249 exception class for a server error.

    Explicit entries win; then the -12xx conversion family; then the ISAM
    code (duplicate key, lock conflicts) for generic row failures such as
    -271/-346; then the SQLSTATE class; ``DatabaseError`` otherwise.
    """
    category = _CATEGORY.get(sqlcode)
    if category is not None:
        return category
    if -1299 <= sqlcode <= -1200:
        return DATA
    if isam_code == _ISAM_DUPLICATE:
        return INTEGRITY
    if isam_code in _ISAM_LOCK_CODES:
        return OPERATIONAL
    state = _SQLSTATE.get(sqlcode)
    if state is not None:
        implied = _STATE_CLASS_CATEGORY.get(state[:2])
        if implied is not None:
            return implied
    return DATABASE


def exception_for(sqlcode: int, isam_code: int = 0) -> type[Error]:
    """PEP 249 class for ``sqlcode`` (same helper name as the reference's)."""
    from . import exceptions  # deferred: exceptions imports this module

    return exceptions.exception_for(sqlcode, isam_code)
