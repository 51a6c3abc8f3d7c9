"""Transactions on logged, unlogged and ANSI databases, with autocommit off and on."""

from __future__ import annotations

import pytest

import informix_db
from tests.conftest import ConnParams
from tests.dbapi_support import connect, create_table


def _count(conn: informix_db.Connection, table: str) -> int:
    cur = conn.cursor()
    cur.execute(f"SELECT COUNT(*) FROM {table}")
    (n,) = cur.fetchone()
    cur.close()
    return int(n)


def _table(params: ConnParams) -> str:
    with connect(params, autocommit=True) as setup:
        return create_table(setup.cursor(), "id INT")


# ---------------------------------------------------------------------------
# logged database
# ---------------------------------------------------------------------------


def test_logged_commit_and_rollback(logged_db_params: ConnParams) -> None:
    table = _table(logged_db_params)
    with connect(logged_db_params) as conn, connect(logged_db_params) as other:
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        assert conn.in_transaction
        conn.rollback()
        assert not conn.in_transaction
        assert _count(other, table) == 0
        cur.execute(f"INSERT INTO {table} VALUES (2)")
        cur.executemany(f"INSERT INTO {table} VALUES (?)", [(3,), (4,)])
        conn.commit()
        assert _count(other, table) == 3


def test_logged_autocommit_commits_each_statement(logged_db_params: ConnParams) -> None:
    table = _table(logged_db_params)
    with connect(logged_db_params, autocommit=True) as conn, connect(logged_db_params) as other:
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        assert not conn.in_transaction
        conn.rollback()  # nothing to undo
        assert _count(other, table) == 1
        cur.executemany(f"INSERT INTO {table} VALUES (?)", [(2,), (3,)])
        assert _count(other, table) == 3


def test_logged_explicit_begin_under_autocommit(logged_db_params: ConnParams) -> None:
    table = _table(logged_db_params)
    with connect(logged_db_params, autocommit=True) as conn:
        cur = conn.cursor()
        cur.execute("BEGIN WORK")
        assert conn.in_transaction
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        conn.rollback()
        assert not conn.in_transaction
        assert _count(conn, table) == 0


def test_logged_savepoints(logged_db_params: ConnParams) -> None:
    table = _table(logged_db_params)
    with connect(logged_db_params) as conn:
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        cur.execute("SAVEPOINT sp1")
        cur.execute(f"INSERT INTO {table} VALUES (2)")
        cur.execute("ROLLBACK WORK TO SAVEPOINT sp1")
        assert conn.in_transaction
        conn.commit()
        cur.execute(f"SELECT id FROM {table}")
        assert cur.fetchall() == [(1,)]


def test_logged_error_inside_transaction_keeps_it_open(logged_db_params: ConnParams) -> None:
    table = _table(logged_db_params)
    with connect(logged_db_params) as conn:
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        with pytest.raises(informix_db.ProgrammingError):
            cur.execute("SELECT * FROM no_such_table_tx")
        assert conn.in_transaction
        cur.execute(f"INSERT INTO {table} VALUES (2)")
        conn.commit()
        assert _count(conn, table) == 2


def test_logged_disconnect_rolls_back(logged_db_params: ConnParams) -> None:
    table = _table(logged_db_params)
    conn = connect(logged_db_params)
    conn.cursor().execute(f"INSERT INTO {table} VALUES (1)")
    conn.close()
    with connect(logged_db_params) as check:
        assert _count(check, table) == 0


# ---------------------------------------------------------------------------
# unlogged database: every statement is final
# ---------------------------------------------------------------------------


def test_unlogged_has_no_transactions(nolog_params: ConnParams) -> None:
    table = _table(nolog_params)
    with connect(nolog_params) as conn, connect(nolog_params) as other:
        assert conn.database_mode == "unlogged"
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        assert not conn.in_transaction
        assert _count(other, table) == 1  # already permanent
        conn.rollback()  # accepted, changes nothing
        conn.commit()
        assert _count(other, table) == 1
        cur.executemany(f"INSERT INTO {table} VALUES (?)", [(2,), (3,)])
        assert not conn.in_transaction
        assert _count(other, table) == 3


def test_unlogged_autocommit(nolog_params: ConnParams) -> None:
    table = _table(nolog_params)
    with connect(nolog_params, autocommit=True) as conn:
        conn.cursor().execute(f"INSERT INTO {table} VALUES (1)")
        assert _count(conn, table) == 1


# ---------------------------------------------------------------------------
# ANSI database: implicit transactions
# ---------------------------------------------------------------------------


def test_ansi_rollback_and_commit(ansi_params: ConnParams) -> None:
    table = _table(ansi_params)
    with connect(ansi_params) as conn:
        assert conn.database_mode == "ansi"
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        conn.rollback()
        assert _count(conn, table) == 0
        conn.rollback()  # ends the implicit transaction the SELECT started
        cur.execute(f"INSERT INTO {table} VALUES (2)")
        conn.commit()
    with connect(ansi_params) as other:
        assert _count(other, table) == 1


def test_ansi_autocommit_commits_each_statement(ansi_params: ConnParams) -> None:
    table = _table(ansi_params)
    with connect(ansi_params, autocommit=True) as conn:
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        cur.executemany(f"INSERT INTO {table} VALUES (?)", [(2,), (3,)])
    with connect(ansi_params, autocommit=True) as other:
        assert _count(other, table) == 3


def test_ansi_close_rolls_back(ansi_params: ConnParams) -> None:
    table = _table(ansi_params)
    conn = connect(ansi_params)
    conn.cursor().execute(f"INSERT INTO {table} VALUES (1)")
    conn.close()
    with connect(ansi_params, autocommit=True) as check:
        assert _count(check, table) == 0


def test_ansi_string_truncation_is_an_error(ansi_params: ConnParams) -> None:
    with connect(ansi_params, autocommit=True) as conn:
        cur = conn.cursor()
        table = create_table(cur, "s CHAR(3)")
        with pytest.raises(informix_db.DataError) as info:
            cur.execute(f"INSERT INTO {table} VALUES (?)", ("toolong",))
        assert info.value.sqlcode == -1279


def test_non_ansi_string_truncation_is_silent(logged_db_params: ConnParams) -> None:
    with connect(logged_db_params, autocommit=True) as conn:
        cur = conn.cursor()
        table = create_table(cur, "s CHAR(3)")
        cur.execute(f"INSERT INTO {table} VALUES (?)", ("toolong",))
        cur.execute(f"SELECT s FROM {table}")
        assert cur.fetchone() == ("too",)
