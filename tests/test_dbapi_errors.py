"""Server errors raise the PEP 249 class for their sqlcode, carrying sqlcode/isam/SQLSTATE."""

# ruff: noqa: F811  (pytest fixtures imported from tests.dbapi_support)

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest

import informix_db
from tests.conftest import ConnParams
from tests.dbapi_support import autoconn, connect, create_table  # noqa: F401  (fixtures)

Setup = Callable[[informix_db.Cursor], str]


def _no_setup(_cur: informix_db.Cursor) -> str:
    return ""


def _with_pk(cur: informix_db.Cursor) -> str:
    table = create_table(cur, "id INT PRIMARY KEY, v INT NOT NULL, c INT CHECK (c > 0)")
    cur.execute(f"INSERT INTO {table} VALUES (1, 1, 1)")
    return table


def _with_unique_index(cur: informix_db.Cursor) -> str:
    table = create_table(cur, "id INT")
    cur.execute(f"CREATE UNIQUE INDEX ix_{table} ON {table} (id)")
    cur.execute(f"INSERT INTO {table} VALUES (1)")
    return table


def _with_fk(cur: informix_db.Cursor) -> str:
    parent = create_table(cur, "id INT PRIMARY KEY", prefix="p")
    child = create_table(cur, f"pid INT REFERENCES {parent}(id)", prefix="c")
    cur.execute(f"INSERT INTO {parent} VALUES (1)")
    cur.execute(f"INSERT INTO {child} VALUES (1)")
    return f"{parent} {child}"


def _with_small(cur: informix_db.Cursor) -> str:
    return create_table(cur, "s SMALLINT, i INT, d DECIMAL(5,2), dt DATE")


# (id, setup, SQL template, class, sqlcode, SQLSTATE)
CASES: list[tuple[str, Setup, str, type[informix_db.Error], int, str]] = [
    ("syntax", _no_setup, "SELEC tabid FROM systables", informix_db.ProgrammingError, -201,
     "42000"),
    ("no-table", _no_setup, "SELECT * FROM no_such_table_xyz", informix_db.ProgrammingError,
     -206, "42000"),
    ("no-column", _no_setup, "SELECT no_such_column FROM systables",
     informix_db.ProgrammingError, -217, "IX000"),
    ("table-exists", _with_pk, "CREATE TABLE {t} (x INT)", informix_db.ProgrammingError, -310,
     "S0001"),
    ("unique-constraint", _with_pk, "INSERT INTO {t} VALUES (1, 2, 2)",
     informix_db.IntegrityError, -268, "23000"),
    ("unique-index", _with_unique_index, "INSERT INTO {t} VALUES (1)",
     informix_db.IntegrityError, -239, "23000"),
    ("not-null", _with_pk, "INSERT INTO {t} VALUES (2, NULL, 1)", informix_db.IntegrityError,
     -391, "23000"),
    ("check", _with_pk, "INSERT INTO {t} VALUES (3, 3, -1)", informix_db.IntegrityError, -530,
     "23000"),
    ("fk-missing-parent", _with_fk, "INSERT INTO {t1} VALUES (99)",
     informix_db.IntegrityError, -691, "23000"),
    ("fk-still-referenced", _with_fk, "DELETE FROM {t0}", informix_db.IntegrityError, -692,
     "23000"),
    ("divide-by-zero", _no_setup, "SELECT 1 / 0 FROM systables WHERE tabid = 1",
     informix_db.DataError, -1202, "22012"),
    ("char-to-number", _with_small, "INSERT INTO {t} (i) VALUES ('abc')",
     informix_db.DataError, -1213, "IX000"),
    ("smallint-range", _with_small, "INSERT INTO {t} (s) VALUES (40000)",
     informix_db.DataError, -1214, "22003"),
    ("integer-range", _with_small, "INSERT INTO {t} (i) VALUES (3000000000)",
     informix_db.DataError, -1215, "22003"),
    ("decimal-precision", _with_small, "INSERT INTO {t} (d) VALUES (12345.6)",
     informix_db.DataError, -1226, "22003"),
    ("unknown-routine", _no_setup, "EXECUTE PROCEDURE no_such_proc_xyz()",
     informix_db.ProgrammingError, -674, "IX000"),
]  # fmt: skip


def _sql(template: str, tables: str) -> str:
    names = tables.split()
    return template.format(t=tables, **{f"t{i}": n for i, n in enumerate(names)})


@pytest.mark.parametrize(
    ("setup", "template", "cls", "sqlcode", "sqlstate"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_server_error_class_and_codes(
    autoconn: informix_db.Connection,
    setup: Setup,
    template: str,
    cls: type[informix_db.Error],
    sqlcode: int,
    sqlstate: str,
) -> None:
    cur = autoconn.cursor()
    sql = _sql(template, setup(cur))
    with pytest.raises(informix_db.Error) as info:
        cur.execute(sql)
        cur.fetchall()
    exc = info.value
    assert type(exc) is cls, f"{type(exc).__name__}: {exc}"
    assert isinstance(exc, informix_db.DatabaseError)
    assert exc.sqlcode == sqlcode
    assert isinstance(exc.isam_code, int)
    assert exc.sqlstate == sqlstate
    assert f"[{sqlcode}]" in str(exc)
    assert not exc.connection_lost
    # The connection is still good after an ordinary statement error.
    cur.execute("SELECT tabid FROM systables WHERE tabid = 1")
    assert cur.fetchone() == (1,)


def test_bad_date_string(autoconn: informix_db.Connection) -> None:
    cur = autoconn.cursor()
    table = _with_small(cur)
    with pytest.raises(informix_db.DataError) as info:
        cur.execute(f"INSERT INTO {table} (dt) VALUES ('not a date')")
    # Which of the string-to-date codes fires depends on where parsing gives up.
    assert info.value.sqlcode in (-1204, -1205, -1206, -1218)


def test_duplicate_key_isam_code(autoconn: informix_db.Connection) -> None:
    cur = autoconn.cursor()
    table = _with_pk(cur)
    with pytest.raises(informix_db.IntegrityError) as info:
        cur.execute(f"INSERT INTO {table} VALUES (1, 1, 1)")
    assert info.value.isam_code == -100
    assert info.value.isamcode == -100  # the reference's attribute name


def test_unique_violation_in_unlogged_database_is_239(nolog_params: ConnParams) -> None:
    with connect(nolog_params) as conn:
        cur = conn.cursor()
        table = create_table(cur, "id INT PRIMARY KEY")
        cur.execute(f"INSERT INTO {table} VALUES (1)")
        with pytest.raises(informix_db.IntegrityError) as info:
            cur.execute(f"INSERT INTO {table} VALUES (1)")
        assert info.value.sqlcode == -239


def test_error_raised_with_parameters(autoconn: informix_db.Connection) -> None:
    cur = autoconn.cursor()
    table = _with_pk(cur)
    with pytest.raises(informix_db.IntegrityError) as info:
        cur.execute(f"INSERT INTO {table} VALUES (?, ?, ?)", (1, 5, 5))
    assert info.value.sqlcode == -268


def test_error_during_fetch_of_a_query(autoconn: informix_db.Connection) -> None:
    cur = autoconn.cursor()
    table = create_table(cur, "a INT, b INT")
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(1, 1), (2, 0)])
    with pytest.raises(informix_db.DataError) as info:
        cur.execute(f"SELECT a / b FROM {table} ORDER BY a")
        cur.fetchall()
    assert info.value.sqlcode == -1202
    cur.execute(f"SELECT COUNT(*) FROM {table}")
    assert cur.fetchone() == (2,)


def test_transaction_errors_via_sql(autoconn: informix_db.Connection) -> None:
    cur = autoconn.cursor()
    with pytest.raises(informix_db.OperationalError) as info:
        cur.execute("COMMIT WORK")
    assert info.value.sqlcode == -255
    cur.execute("BEGIN WORK")
    with pytest.raises(informix_db.OperationalError) as info:
        cur.execute("BEGIN WORK")
    assert info.value.sqlcode == -535
    cur.execute("ROLLBACK WORK")


def test_begin_in_unlogged_database(nolog_params: ConnParams) -> None:
    with connect(nolog_params, autocommit=True) as conn:
        with pytest.raises(informix_db.OperationalError) as info:
            conn.cursor().execute("BEGIN WORK")
        assert info.value.sqlcode == -256


def test_statement_without_database(conn_params: ConnParams) -> None:
    with connect(conn_params, database=None) as conn:
        with pytest.raises(informix_db.DatabaseError) as info:
            conn.cursor().execute("SELECT tabid FROM systables")
        assert info.value.sqlcode == -349


def test_interface_errors_have_no_server_code(autoconn: informix_db.Connection) -> None:
    cur = autoconn.cursor()
    cur.close()
    with pytest.raises(informix_db.InterfaceError) as info:
        cur.execute("SELECT tabid FROM systables")
    assert info.value.sqlcode is None
    assert info.value.sqlstate is None


def test_errors_pickle_with_their_codes(autoconn: informix_db.Connection) -> None:
    with pytest.raises(informix_db.ProgrammingError) as info:
        autoconn.cursor().execute("SELECT * FROM no_such_table_xyz")
    clone = pickle.loads(pickle.dumps(info.value))
    assert type(clone) is informix_db.ProgrammingError
    assert (clone.sqlcode, clone.isam_code, clone.sqlstate) == (-206, info.value.isam_code, "42000")


def test_register_error_text(autoconn: informix_db.Connection) -> None:
    from informix_db.exceptions import register_error_text, text_for

    old = text_for(-206)
    register_error_text(-206, "No such table, friend")
    try:
        with pytest.raises(informix_db.ProgrammingError) as info:
            autoconn.cursor().execute("SELECT * FROM no_such_table_xyz")
        assert "No such table, friend" in str(info.value)
    finally:
        register_error_text(-206, old)
