"""``informix_db.connect``: keyword names, DSN strings, TLS, login failures, repr, logging."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path
from urllib.parse import quote

import pytest

import informix_db
from informix_db._dsn import parse_dsn
from tests.conftest import ConnParams, TestServer
from tests.dbapi_support import connect

# ---------------------------------------------------------------------------
# keyword arguments
# ---------------------------------------------------------------------------


def _one(conn: informix_db.Connection) -> object:
    cur = conn.cursor()
    cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
    row = cur.fetchone()
    cur.close()
    return row


def test_connect_with_reference_keywords(conn_params: ConnParams) -> None:
    conn = informix_db.connect(
        host=conn_params.host,
        port=conn_params.port,
        user=conn_params.user,
        password=conn_params.password,
        database=conn_params.database,
        server=conn_params.server,
        connect_timeout=10,
        read_timeout=30,
        keepalive=True,
        client_locale="en_US.8859-1",
        env={"DBDATE": "Y4MD-"},
        autocommit=False,
        row_factory=None,
        tls=False,
        tls_server_hostname=None,
    )
    try:
        assert isinstance(conn, informix_db.Connection)
        assert _one(conn) == (1,)
    finally:
        conn.close()


def test_connect_positional_host_and_port(conn_params: ConnParams) -> None:
    conn = informix_db.connect(
        conn_params.host,
        conn_params.port,
        user=conn_params.user,
        password=conn_params.password,
        database=conn_params.database,
        server=conn_params.server,
    )
    with conn:
        assert _one(conn) == (1,)


def test_connect_without_database(conn_params: ConnParams) -> None:
    with connect(conn_params, database=None) as conn:
        assert not conn.closed
        assert conn.database_mode is None
        with pytest.raises(informix_db.DatabaseError) as info:
            conn.cursor().execute("SELECT tabid FROM systables WHERE tabid = 1")
        assert info.value.sqlcode == -349


def test_connect_autocommit_keyword(conn_params: ConnParams) -> None:
    with connect(conn_params, autocommit=True) as conn:
        assert conn.autocommit is True
    with connect(conn_params) as conn:
        assert conn.autocommit is False


def test_server_defaults_to_informixserver(
    conn_params: ConnParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFORMIXSERVER", conn_params.server)
    conn = informix_db.connect(
        host=conn_params.host, port=conn_params.port, user=conn_params.user,
        password=conn_params.password, database=conn_params.database,
    )  # fmt: skip
    with conn:
        assert _one(conn) == (1,)
    monkeypatch.setenv("INFORMIXSERVER", "not_this_server")
    with pytest.raises(informix_db.OperationalError) as info:
        informix_db.connect(
            host=conn_params.host, port=conn_params.port, user=conn_params.user,
            password=conn_params.password, database=conn_params.database,
        )  # fmt: skip
    assert info.value.sqlcode == -761


def test_missing_user_is_an_interface_error() -> None:
    with pytest.raises(informix_db.InterfaceError):
        informix_db.connect(host="127.0.0.1", port=9088, password="x")


# ---------------------------------------------------------------------------
# DSN strings
# ---------------------------------------------------------------------------


def test_dsn_url(conn_params: ConnParams) -> None:
    p = conn_params
    dsn = f"informix://{p.user}:{p.password}@{p.host}:{p.port}/{p.database}?server={p.server}"
    with informix_db.connect(dsn) as conn:
        assert _one(conn) == (1,)
        assert conn.database_mode == "logged"
    with informix_db.connect(dsn=dsn) as conn:
        assert _one(conn) == (1,)


def test_dsn_key_value(conn_params: ConnParams) -> None:
    p = conn_params
    dsn = (
        f"host={p.host} port={p.port} database={p.database} user={p.user} "
        f"password='{p.password}' server={p.server} connect_timeout=10"
    )
    with informix_db.connect(dsn) as conn:
        assert _one(conn) == (1,)
    odbc = f"Host={p.host};Service={p.port};Database={p.database};UID={p.user};PWD={p.password};Server={p.server}"
    with informix_db.connect(odbc) as conn:
        assert _one(conn) == (1,)


def test_dsn_jdbc(conn_params: ConnParams) -> None:
    p = conn_params
    dsn = (
        f"jdbc:informix-sqli://{p.host}:{p.port}/{p.database}:"
        f"INFORMIXSERVER={p.server};user={p.user};password={p.password}"
    )
    with informix_db.connect(dsn) as conn:
        assert _one(conn) == (1,)


def test_keywords_override_dsn(conn_params: ConnParams, nolog_params: ConnParams) -> None:
    p = conn_params
    dsn = f"informix://{p.user}:wrong-password@{p.host}:{p.port}/{p.database}?server={p.server}"
    with informix_db.connect(dsn, password=p.password, database=nolog_params.database) as conn:
        assert conn.database_mode == "unlogged"
        assert "wrong-password" not in repr(conn)


def test_dsn_percent_encoding_and_env() -> None:
    parsed = parse_dsn(
        "informix://us%40er:p%40ss%3Aw%2Fd@db.example.com:9089/stores"
        "?server=ol_prod&tls=true&tls_ca_file=/etc/ca.pem&read_timeout=2.5&DBDATE=Y4MD-"
    )
    assert parsed == {
        "host": "db.example.com", "port": 9089, "user": "us@er", "password": "p@ss:w/d",
        "database": "stores", "server": "ol_prod", "tls": True, "tls_ca_file": "/etc/ca.pem",
        "read_timeout": 2.5, "env": {"DBDATE": "Y4MD-"},
    }  # fmt: skip
    assert parse_dsn("host=h user=u password='it''s secret' autocommit=yes") == {
        "host": "h", "user": "u", "password": "it's secret", "autocommit": True,
    }  # fmt: skip
    assert parse_dsn("jdbc:informix-sqli://h:1526/db:INFORMIXSERVER=s;DB_LOCALE=en_US.utf8") == {
        "host": "h", "port": 1526, "database": "db", "server": "s",
        "env": {"DB_LOCALE": "en_US.utf8"},
    }  # fmt: skip


@pytest.mark.parametrize(
    "dsn",
    [
        "informix://u:s3cr3t@h:9088/db?colour=blue",
        "postgresql://u:s3cr3t@h/db",
        "host=h password=s3cr3t bogus",
        "informix://u:s3cr3t@h:notaport/db",
        "host=h password=s3cr3t tls=maybe",
    ],
)
def test_bad_dsn_never_echoes_the_password(dsn: str) -> None:
    with pytest.raises(informix_db.InterfaceError) as info:
        informix_db.connect(dsn)
    assert "s3cr3t" not in str(info.value)


def test_dsn_password_with_reserved_characters(server: TestServer) -> None:
    # app's password is plain, so check the round trip through quote() on the real login.
    p = server.params("testdb", user="app")
    dsn = f"informix://{quote(p.user)}:{quote(p.password, safe='')}@{p.host}:{p.port}/{p.database}"
    with informix_db.connect(dsn, server=p.server) as conn:
        assert _one(conn) == (1,)


# ---------------------------------------------------------------------------
# login failures carry the server's code
# ---------------------------------------------------------------------------


def test_bad_password(conn_params: ConnParams) -> None:
    with pytest.raises(informix_db.OperationalError) as info:
        connect(conn_params, password="definitely-wrong")
    assert info.value.sqlcode == -951
    assert info.value.sqlstate == "IX000"
    assert "definitely-wrong" not in str(info.value)


def test_unknown_user(conn_params: ConnParams) -> None:
    with pytest.raises(informix_db.OperationalError) as info:
        connect(conn_params, user="nobody", password="x")
    assert info.value.sqlcode == -951


def test_wrong_server_name(conn_params: ConnParams) -> None:
    with pytest.raises(informix_db.OperationalError) as info:
        connect(conn_params, server="not_this_server")
    assert info.value.sqlcode == -761


def test_unknown_database(conn_params: ConnParams) -> None:
    # -329 is a NotSupportedError in the reference driver's classification; kept for parity.
    with pytest.raises(informix_db.DatabaseError) as info:
        connect(conn_params, database="no_such_db")
    assert info.value.sqlcode == -329


def test_connection_refused() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connect is refused
        with pytest.raises(informix_db.OperationalError) as info:
            informix_db.connect(host="127.0.0.1", port=port, user="u", password="p",
                                connect_timeout=5)  # fmt: skip
    assert info.value.connection_lost


# ---------------------------------------------------------------------------
# TLS
# ---------------------------------------------------------------------------


def test_tls_with_ca_file(conn_params: ConnParams, tls_port: int, tls_ca_file: Path) -> None:
    with connect(conn_params, port=tls_port, tls=True, tls_ca_file=str(tls_ca_file)) as conn:
        assert _one(conn) == (1,)


def test_tls_server_hostname_override(
    conn_params: ConnParams, tls_port: int, tls_ca_file: Path
) -> None:
    # The certificate names localhost and 127.0.0.1; connect by IP but verify "localhost".
    with connect(conn_params, host="127.0.0.1", port=tls_port, tls=True,
                 tls_ca_file=str(tls_ca_file), tls_server_hostname="localhost") as conn:  # fmt: skip
        assert _one(conn) == (1,)
    with pytest.raises(informix_db.OperationalError):
        connect(conn_params, port=tls_port, tls=True, tls_ca_file=str(tls_ca_file),
                tls_server_hostname="db.example.com")  # fmt: skip


def test_tls_verifies_by_default(conn_params: ConnParams, tls_port: int) -> None:
    # The test CA is not in the system trust store: verification must fail.
    with pytest.raises(informix_db.OperationalError):
        connect(conn_params, port=tls_port, tls=True)


def test_tls_insecure_skip_verify(conn_params: ConnParams, tls_port: int) -> None:
    with connect(conn_params, port=tls_port, tls=True, tls_insecure_skip_verify=True) as conn:
        assert _one(conn) == (1,)


def test_tls_ssl_context(conn_params: ConnParams, tls_port: int, tls_ca_file: Path) -> None:
    verifying = ssl.create_default_context(cafile=str(tls_ca_file))
    with connect(conn_params, port=tls_port, tls=verifying) as conn:
        assert _one(conn) == (1,)
    relaxed = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    relaxed.check_hostname = False
    relaxed.verify_mode = ssl.CERT_NONE
    with connect(conn_params, port=tls_port, tls=relaxed) as conn:
        assert _one(conn) == (1,)


def test_tls_through_dsn(conn_params: ConnParams, tls_port: int, tls_ca_file: Path) -> None:
    p = conn_params
    dsn = (
        f"informix://{p.user}:{p.password}@{p.host}:{tls_port}/{p.database}"
        f"?server={p.server}&tls=true&tls_ca_file={quote(str(tls_ca_file))}"
    )
    with informix_db.connect(dsn) as conn:
        assert _one(conn) == (1,)


def test_plain_client_on_tls_port_fails_cleanly(conn_params: ConnParams, tls_port: int) -> None:
    with pytest.raises(informix_db.OperationalError):
        connect(conn_params, port=tls_port, connect_timeout=5, read_timeout=5)


# ---------------------------------------------------------------------------
# repr and logging never show the password
# ---------------------------------------------------------------------------


def test_repr_shows_where_never_the_password(conn_params: ConnParams) -> None:
    conn = connect(conn_params)
    text = repr(conn)
    assert conn_params.host in text
    assert str(conn_params.port) in text
    assert conn_params.database in text
    assert conn_params.user in text
    assert conn_params.password not in text
    assert "open" in text
    conn.close()
    assert "closed" in repr(conn)
    assert conn_params.password not in repr(conn)


def _all_log_text(records: list[logging.LogRecord]) -> str:
    return "\n".join(f"{r.getMessage()} {r.args!r}" for r in records)


def test_logging_never_shows_passwords(
    conn_params: ConnParams, caplog: pytest.LogCaptureFixture
) -> None:
    secret = conn_params.password
    caplog.set_level(logging.DEBUG, logger="informix_db")
    with connect(conn_params) as conn:
        cur = conn.cursor()
        cur.execute("SELECT tabid FROM systables WHERE tabid = ?", (1,))
        cur.fetchall()
        conn.commit()
    with pytest.raises(informix_db.OperationalError):
        connect(conn_params, password="wrong-" + secret)
    p = conn_params
    with informix_db.connect(
        f"informix://{p.user}:{p.password}@{p.host}:{p.port}/{p.database}?server={p.server}"
    ):
        pass
    records = [r for r in caplog.records if r.name.startswith("informix_db")]
    assert records, "the driver logs under 'informix_db'"
    text = _all_log_text(records)
    assert secret not in text
    assert conn_params.user in text  # it does say who connected
