"""PEP 249 module interface: globals, exports, exception tree, type objects, constructors."""

from __future__ import annotations

import datetime
import time

import pytest

import informix_db

PEP249_NAMES = (
    "apilevel", "threadsafety", "paramstyle", "connect",
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
    "Date", "Time", "Timestamp", "DateFromTicks", "TimeFromTicks", "TimestampFromTicks",
    "Binary", "STRING", "BINARY", "NUMBER", "DATETIME", "ROWID",
)  # fmt: skip

# Names the reference driver (informix-driver 2026.9.3) exports in __all__, minus the
# pool's, which tests/test_pool*.py cover.
REFERENCE_NAMES = (
    "BlobLocator", "ClobLocator", "CollectionValue", "Connection", "DataError",
    "DatabaseError", "Error", "IntegrityError", "InterfaceError", "InternalError",
    "IntervalYM", "NotSupportedError", "OperationalError", "PoolClosedError",
    "PoolTimeoutError", "ProgrammingError", "Row", "RowValue", "Warning", "__version__",
    "apilevel", "connect", "paramstyle", "threadsafety",
)  # fmt: skip


def test_globals() -> None:
    assert informix_db.apilevel == "2.0"
    # Connections may be shared between threads (the wire mutex serialises them).
    assert informix_db.threadsafety == 2
    assert informix_db.paramstyle == "numeric"


@pytest.mark.parametrize("name", PEP249_NAMES)
def test_pep249_name_exported(name: str) -> None:
    assert hasattr(informix_db, name)
    assert name in informix_db.__all__ or name.startswith("__")


@pytest.mark.parametrize("name", REFERENCE_NAMES)
def test_reference_name_exported(name: str) -> None:
    assert hasattr(informix_db, name)


def test_version_is_a_string() -> None:
    version = getattr(informix_db, "__version__", None)
    assert isinstance(version, str)
    assert version


def test_exception_hierarchy() -> None:
    e = informix_db
    assert issubclass(e.Warning, Exception)
    assert issubclass(e.Error, Exception)
    assert not issubclass(e.Warning, e.Error)
    for cls in (e.InterfaceError, e.DatabaseError):
        assert issubclass(cls, e.Error)
    for cls in (
        e.DataError, e.OperationalError, e.IntegrityError, e.InternalError,
        e.ProgrammingError, e.NotSupportedError,
    ):  # fmt: skip
        assert issubclass(cls, e.DatabaseError)
    assert issubclass(e.PoolTimeoutError, e.OperationalError)
    assert issubclass(e.PoolClosedError, e.InterfaceError)


@pytest.mark.parametrize(
    "cls",
    [
        informix_db.Warning, informix_db.Error, informix_db.InterfaceError,
        informix_db.DatabaseError, informix_db.DataError, informix_db.OperationalError,
        informix_db.IntegrityError, informix_db.InternalError, informix_db.ProgrammingError,
        informix_db.NotSupportedError,
    ],
)  # fmt: skip
def test_every_class_carries_diagnostics(cls: type[Exception]) -> None:
    exc = cls("boom", sqlcode=-201, isam_code=-111, sqlstate="42000")  # type: ignore[call-arg]
    assert exc.sqlcode == -201  # type: ignore[attr-defined]
    assert exc.isam_code == -111  # type: ignore[attr-defined]
    assert exc.isamcode == -111  # type: ignore[attr-defined]  # the reference's name
    assert exc.sqlstate == "42000"  # type: ignore[attr-defined]
    bare = cls("no codes")
    assert bare.sqlcode is None  # type: ignore[attr-defined]
    assert bare.isam_code is None  # type: ignore[attr-defined]
    assert bare.sqlstate is None  # type: ignore[attr-defined]


def test_date_time_constructors() -> None:
    assert informix_db.Date(2024, 2, 29) == datetime.date(2024, 2, 29)
    assert informix_db.Time(23, 59, 58) == datetime.time(23, 59, 58)
    assert informix_db.Timestamp(2024, 2, 29, 1, 2, 3) == datetime.datetime(2024, 2, 29, 1, 2, 3)
    ticks = 1_700_000_000.0
    local = time.localtime(ticks)
    assert informix_db.DateFromTicks(ticks) == datetime.date(*local[:3])
    assert informix_db.TimeFromTicks(ticks) == datetime.time(*local[3:6])
    assert informix_db.TimestampFromTicks(ticks) == datetime.datetime(*local[:6])


def test_binary_constructor() -> None:
    value = informix_db.Binary(b"\x00\x01\xff")
    assert value == b"\x00\x01\xff"
    assert isinstance(value, bytes)


@pytest.mark.parametrize(
    ("type_object", "codes", "others"),
    [
        ("STRING", (0, 13, 15, 16, 40, 43, 12), (2, 7, 11)),
        ("BINARY", (11, 102), (0, 2, 12)),
        ("NUMBER", (1, 2, 3, 4, 5, 6, 8, 17, 18, 52, 53), (0, 7, 10)),
        ("DATETIME", (7, 10, 14), (0, 2, 11)),
        ("ROWID", (24,), (2, 0)),
    ],
)
def test_type_objects_compare_with_codes(
    type_object: str, codes: tuple[int, ...], others: tuple[int, ...]
) -> None:
    obj = getattr(informix_db, type_object)
    for code in codes:
        assert code == obj
        assert obj == code
        assert code | 0x0100 == obj  # NOT NULL flag ignored
    for code in others:
        assert code != obj
