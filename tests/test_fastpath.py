"""Connection.fast_path_call: routine calls over SQ_GETROUTINE / SQ_EXFPROUTINE."""

# ruff: noqa: F811  (pytest fixtures imported from tests.dbapi_support)

from __future__ import annotations

import datetime
import decimal
import inspect

import pytest

import informix_db
from tests.conftest import ConnParams
from tests.dbapi_support import conn, connect  # noqa: F401  (fixtures)

LO_CLOSE = "function informix.ifx_lo_close(integer)"


def test_signature_matches_the_reference() -> None:
    sig = inspect.signature(informix_db.Connection.fast_path_call)
    assert list(sig.parameters) == ["self", "signature", "params"]
    assert sig.parameters["params"].kind is inspect.Parameter.VAR_POSITIONAL


def test_ifx_lo_close_returns_a_one_element_list(conn: informix_db.Connection) -> None:
    assert conn.fast_path_call(LO_CLOSE, 42) == [0]
    # Later calls reuse the cached handle: one round trip each.
    before = conn._native.wire_stats[1]
    assert conn.fast_path_call(LO_CLOSE, 43) == [0]
    assert conn._native.wire_stats[1] - before == 1


def test_first_call_resolves_then_executes(conn_params: ConnParams) -> None:
    with connect(conn_params) as c:
        before = c._native.wire_stats[1]
        assert c.fast_path_call("function informix.abs(integer)", -9) == [9]
        assert c._native.wire_stats[1] - before == 2


@pytest.mark.parametrize(
    ("signature", "args", "expected"),
    [
        ("function informix.abs(integer)", (-7,), [7]),
        ("function informix.mod(integer, integer)", (17, 5), [2]),
        ("function informix.upper(varchar(20))", ("abc",), ["ABC"]),
        ("function informix.lower(char(10))", ("XY",), ["xy"]),
        ("function informix.length(lvarchar)", ("hello",), [5]),
        ("function informix.trim(varchar(20))", ("  a b  ",), ["a b"]),
        ("function informix.nvl(integer, integer)", (None, 3), [3]),
        ("function informix.nvl(integer, integer)", (None, None), [None]),
        ("function informix.round(decimal(10,3), integer)", (decimal.Decimal("2.345"), 1),
         [decimal.Decimal("2.3")]),
        ("function informix.round(float, integer)", (2.5, 0), [3.0]),
        ("function informix.mdy(integer, integer, integer)", (2, 29, 2024),
         [datetime.date(2024, 2, 29)]),
        ("function informix.ifx_lo_close(integer)", (None,), [None]),
    ],
)
def test_engine_functions(conn: informix_db.Connection, signature: str, args: tuple[object, ...],
                          expected: list[object]) -> None:
    got = conn.fast_path_call(signature, *args)
    assert got == expected
    assert [type(v) for v in got] == [type(v) for v in expected]


def test_unknown_routine_is_674_and_the_session_goes_on(conn: informix_db.Connection) -> None:
    with pytest.raises(informix_db.DatabaseError) as info:
        conn.fast_path_call("function informix.no_such_routine(integer)", 1)
    assert info.value.sqlcode == -674
    with pytest.raises(informix_db.DatabaseError):
        conn.fast_path_call("function informix.mod(integer, integer)", 1, 0)
    cur = conn.cursor()
    cur.execute("SELECT 1 FROM systables WHERE tabid = 1")
    assert cur.fetchone() == (1,)
    assert conn.fast_path_call(LO_CLOSE, 1) == [0]


def test_call_between_fetches_keeps_the_rows(conn: informix_db.Connection) -> None:
    cur = conn.cursor()
    cur.execute("SELECT tabid FROM systables")
    first = cur.fetchone()
    assert conn.fast_path_call(LO_CLOSE, 5) == [0]
    rest = cur.fetchall()
    assert first is not None
    assert len(rest) >= 1


def test_closed_connection_refuses(conn_params: ConnParams) -> None:
    c = connect(conn_params)
    c.close()
    with pytest.raises(informix_db.InterfaceError):
        c.fast_path_call(LO_CLOSE, 1)
