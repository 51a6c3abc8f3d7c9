"""PEP 249 Connection: close, commit, rollback, cursor, autocommit, state, version, with-block."""

# ruff: noqa: F811  (pytest fixtures imported from tests.dbapi_support)

from __future__ import annotations

import pytest

import informix_db
from tests.conftest import ConnParams, Control
from tests.dbapi_support import autoconn, conn, connect, create_table  # noqa: F401  (fixtures)


def _count(conn: informix_db.Connection, table: str) -> int:
    cur = conn.cursor()
    cur.execute(f"SELECT COUNT(*) FROM {table}")
    (n,) = cur.fetchone()
    cur.close()
    return int(n)


def test_cursor_belongs_to_connection(conn: informix_db.Connection) -> None:
    cur = conn.cursor()
    assert isinstance(cur, informix_db.Cursor)
    assert cur.connection is conn


def test_close_is_idempotent_and_final(conn_params: ConnParams) -> None:
    conn = connect(conn_params)
    cur = conn.cursor()
    assert conn.closed is False
    conn.close()
    assert conn.closed is True
    conn.close()  # a second close is harmless
    with pytest.raises(informix_db.InterfaceError):
        conn.cursor()
    with pytest.raises(informix_db.InterfaceError):
        conn.commit()
    with pytest.raises(informix_db.InterfaceError):
        conn.rollback()
    with pytest.raises(informix_db.InterfaceError):
        cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
    with pytest.raises(informix_db.Error):
        conn.autocommit = True


def test_context_manager_closes(conn_params: ConnParams) -> None:
    with connect(conn_params) as conn:
        assert not conn.closed
    assert conn.closed


def test_context_manager_closes_on_error(conn_params: ConnParams) -> None:
    with pytest.raises(ZeroDivisionError), connect(conn_params) as conn:
        raise ZeroDivisionError
    assert conn.closed


def test_commit_makes_changes_visible(conn_params: ConnParams) -> None:
    with connect(conn_params) as writer, connect(conn_params, autocommit=True) as reader:
        cur = writer.cursor()
        table = create_table(cur, "id INT")
        writer.commit()
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        assert writer.in_transaction
        writer.commit()
        assert not writer.in_transaction
        assert _count(reader, table) == 1


def test_rollback_discards_changes(conn: informix_db.Connection) -> None:
    cur = conn.cursor()
    table = create_table(cur, "id INT")
    conn.commit()
    cur.execute(f"INSERT INTO {table} VALUES (1)")
    cur.execute(f"INSERT INTO {table} VALUES (2)")
    assert _count(conn, table) == 2
    conn.rollback()
    assert not conn.in_transaction
    assert _count(conn, table) == 0


def test_rollback_of_ddl(conn: informix_db.Connection) -> None:
    cur = conn.cursor()
    table = create_table(cur, "id INT")
    conn.rollback()
    with pytest.raises(informix_db.ProgrammingError) as info:
        cur.execute(f"SELECT * FROM {table}")
    assert info.value.sqlcode == -206


def test_commit_and_rollback_without_transaction_are_no_ops(conn: informix_db.Connection) -> None:
    assert not conn.in_transaction
    conn.commit()
    conn.rollback()
    assert not conn.in_transaction


def test_close_rolls_back_open_transaction(conn_params: ConnParams) -> None:
    with connect(conn_params, autocommit=True) as setup:
        table = create_table(setup.cursor(), "id INT")
    conn = connect(conn_params)
    conn.cursor().execute(f"INSERT INTO {table} VALUES (1)")
    assert conn.in_transaction
    conn.close()
    with connect(conn_params) as check:
        assert _count(check, table) == 0


def test_autocommit_property(conn: informix_db.Connection, conn_params: ConnParams) -> None:
    assert conn.autocommit is False
    conn.autocommit = True
    assert conn.autocommit is True
    cur = conn.cursor()
    table = create_table(cur, "id INT")
    cur.execute(f"INSERT INTO {table} VALUES (1)")
    assert not conn.in_transaction
    with connect(conn_params) as other:
        assert _count(other, table) == 1  # committed without commit()
    conn.autocommit = False
    cur.execute(f"INSERT INTO {table} VALUES (2)")
    assert conn.in_transaction
    conn.rollback()
    assert _count(conn, table) == 1


def test_switching_autocommit_on_commits(
    conn: informix_db.Connection, conn_params: ConnParams
) -> None:
    cur = conn.cursor()
    table = create_table(cur, "id INT")
    cur.execute(f"INSERT INTO {table} VALUES (1)")
    assert conn.in_transaction
    conn.autocommit = True
    assert not conn.in_transaction
    with connect(conn_params) as other:
        assert _count(other, table) == 1


def test_in_transaction_follows_sql_transaction_statements(conn: informix_db.Connection) -> None:
    conn.autocommit = True
    cur = conn.cursor()
    table = create_table(cur, "id INT")
    assert not conn.in_transaction
    cur.execute("BEGIN WORK")
    assert conn.in_transaction
    cur.execute(f"INSERT INTO {table} VALUES (1)")
    cur.execute("ROLLBACK WORK")
    assert not conn.in_transaction
    assert _count(conn, table) == 0
    cur.execute("BEGIN WORK")
    cur.execute(f"INSERT INTO {table} VALUES (1)")
    cur.execute("COMMIT WORK")
    assert not conn.in_transaction
    assert _count(conn, table) == 1


def test_reference_private_in_transaction_alias(conn: informix_db.Connection) -> None:
    cur = conn.cursor()
    create_table(cur, "id INT")
    assert conn._in_transaction is conn.in_transaction is True


def test_server_version(conn: informix_db.Connection) -> None:
    version = conn.server_version
    assert isinstance(version, str)
    assert "Informix" in version
    assert conn.server_version is version  # cached
    internal = conn.server_version_internal
    assert internal
    # `<product> Version <version>`, the form IBM JDBC parses.
    assert internal.split("Version")[-1].strip()[0].isdigit()


def test_server_version_without_database(conn_params: ConnParams) -> None:
    # DBINFO needs a database; the property falls back to the login's version, never raises.
    with connect(conn_params, database=None) as conn:
        assert conn.server_version
        assert conn.server_version_internal


@pytest.mark.parametrize(
    ("database", "mode"), [("testdb", "logged"), ("nologdb", "unlogged"), ("ansidb", "ansi")]
)
def test_database_mode(conn_params: ConnParams, database: str, mode: str) -> None:
    with connect(conn_params, database=database) as conn:
        assert conn.database_mode == mode


def test_ping(conn: informix_db.Connection) -> None:
    conn.ping()
    conn.close()
    with pytest.raises(informix_db.InterfaceError):
        conn.ping()


def test_encoding_follows_client_locale(conn_params: ConnParams) -> None:
    with connect(conn_params) as conn:
        assert conn.encoding == "iso-8859-1"
    with connect(conn_params, client_locale="en_US.utf8") as conn:
        assert conn.encoding == "utf-8"


def test_read_timeout_ends_the_session(conn_params: ConnParams, control: Control) -> None:
    conn = connect(conn_params, read_timeout=0.5)
    cur = conn.cursor()
    control.send("delay 3000")  # every reply now comes 3 s late
    with pytest.raises(informix_db.OperationalError) as info:
        cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
    control.send("delay 0")
    assert info.value.connection_lost
    assert conn.closed  # a timed-out exchange is never reused
    with pytest.raises(informix_db.InterfaceError):
        cur.execute("SELECT tabid FROM systables WHERE tabid = 1")


def test_connection_lost_mid_session(conn_params: ConnParams, control: Control) -> None:
    conn = connect(conn_params)
    cur = conn.cursor()
    cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
    assert cur.fetchone() == (1,)
    sessions = control.json("sessions")
    assert isinstance(sessions, list)
    newest = max(s["id"] for s in sessions)  # the session just opened is ours
    control.send(f"kill {newest}")  # the server drops it abruptly
    with pytest.raises(informix_db.OperationalError) as info:
        cur.execute("SELECT tabid FROM systables WHERE tabid = 2")
    assert info.value.connection_lost
    assert conn.closed
    conn.close()  # still harmless
    with connect(conn_params) as fresh:  # the server itself is fine
        c = fresh.cursor()
        c.execute("SELECT tabid FROM systables WHERE tabid = 1")
        assert c.fetchone() == (1,)
