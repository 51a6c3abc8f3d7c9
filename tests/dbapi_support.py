"""Helpers shared by the ``test_dbapi_*`` suites.

The fixtures here are imported by name into each suite (``from tests.dbapi_support
import conn``): every test gets its own connection, and tables get names unique to
the process, because the test server's databases are shared by the whole session.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest

import informix_db
from tests.conftest import ConnParams

_counter = itertools.count(1)


def table_name(prefix: str = "t") -> str:
    """A table name no other test (or xdist worker) uses."""
    return f"{prefix}_{os.getpid()}_{next(_counter)}"


def connect(params: ConnParams, **overrides: Any) -> informix_db.Connection:
    """``informix_db.connect`` for ``params``, with keyword overrides."""
    kwargs: dict[str, Any] = {
        "host": params.host,
        "port": params.port,
        "user": params.user,
        "password": params.password,
        "database": params.database,
        "server": params.server,
        "connect_timeout": 10,
        "read_timeout": 60,
    }
    kwargs.update(overrides)
    return informix_db.connect(**kwargs)


def create_table(cur: informix_db.Cursor, columns: str, prefix: str = "t") -> str:
    """``CREATE TABLE <unique name> (<columns>)``; returns the name."""
    name = table_name(prefix)
    cur.execute(f"CREATE TABLE {name} ({columns})")
    return name


@pytest.fixture
def conn(conn_params: ConnParams) -> Iterator[informix_db.Connection]:
    """A connection to ``testdb`` (logged), autocommit off; closed afterwards."""
    c = connect(conn_params)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def cur(conn: informix_db.Connection) -> Iterator[informix_db.Cursor]:
    """A cursor on :func:`conn`."""
    c = conn.cursor()
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def autoconn(conn_params: ConnParams) -> Iterator[informix_db.Connection]:
    """A connection to ``testdb`` with autocommit on."""
    c = connect(conn_params, autocommit=True)
    try:
        yield c
    finally:
        c.close()
