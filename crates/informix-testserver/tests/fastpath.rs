//! Fast-path routine calls (SQ_GETROUTINE / SQ_EXFPROUTINE / SQ_FPROUTINE), spoken as
//! raw SQLI against the server binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use informix_protocol::codec::decimal;
use informix_protocol::message::{BindParam, ClientMessage};
use informix_protocol::row::Cell;

/// GETROUTINE; returns the handle (panics on anything but a handle reply).
fn get_routine(c: &mut Client, sig: &str) -> i32 {
    let r = c.request(&[ClientMessage::GetRoutine {
        by_name: 0,
        signature: sig.as_bytes(),
        flag: 0,
    }]);
    match r.as_slice() {
        [Reply::RoutineHandle(db, h)] => {
            assert_eq!(db, "testdb");
            *h
        }
        other => panic!("{sig}: {other:?}"),
    }
}

/// EXFPROUTINE + bare SQ_BIND; returns the whole reply.
fn call(c: &mut Client, handle: i32, params: Vec<BindParam<'_>>) -> Vec<Reply> {
    c.request(&[
        ClientMessage::ExecRoutine {
            database: b"testdb",
            handle,
            param_count: params.len() as i16,
            flag: 0,
        },
        ClientMessage::Bind(params),
    ])
}

/// The single value a call returned.
fn one(r: &[Reply]) -> FpOwned {
    match r {
        [Reply::RoutineResult(v), Reply::Done(_), Reply::Cost] if v.len() == 1 => v[0].clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ifx_lo_close_exact_bytes_and_handle_reuse() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    // SQLI-facts §8.4: the 51-byte request, answered by the handle and EOT.
    let sig = b"function informix.ifx_lo_close(integer)";
    let mut req = vec![0x00, 0x65, 0x00, 0x00, 0x00, 0x00, 0x27];
    req.extend_from_slice(sig);
    req.extend_from_slice(&[0x00, 0x00, 0x00, 0x00, 0x0c]);
    c.send_raw(&req);
    let mut want = vec![0x00, 0x65, 0x00, 0x06];
    want.extend_from_slice(b"testdb");
    want.extend_from_slice(&[0, 0, 0, 1, 0x00, 0x0c]);
    assert_eq!(c.take(want.len()), want);

    // EXFPROUTINE with its bare BIND: INTEGER 0, DONE, COST, EOT.
    let mut req = vec![0x00, 0x66, 0x00, 0x06];
    req.extend_from_slice(b"testdb");
    req.extend_from_slice(&[0, 0, 0, 1, 0, 1, 0, 0]);
    req.extend_from_slice(&[0, 5, 0, 1, 0, 2, 0, 0, 0x0a, 0, 0, 0, 0, 42, 0, 0x0c]);
    c.send_raw(&req);
    assert_eq!(
        c.take(14),
        vec![0, 0x67, 0, 1, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0]
    );
    let r = c.read_reply();
    assert!(
        matches!(r.as_slice(), [Reply::Done(_), Reply::Cost]),
        "{r:?}"
    );

    // The same signature (any spacing or case) keeps its handle; calls repeat.
    assert_eq!(
        get_routine(&mut c, "FUNCTION informix.ifx_lo_close( INTEGER )"),
        1
    );
    for fd in [1, 2, 3] {
        let v = one(&call(&mut c, 1, vec![p_int(fd)]));
        assert_eq!(v.value().cell().unwrap(), Cell::Integer(0));
    }
    // A NULL descriptor gives a NULL result: indicator -1, no value bytes.
    let v = one(&call(&mut c, 1, vec![p_null()]));
    assert_eq!((v.indicator, v.data.len()), (-1, 0));
}

#[test]
fn engine_functions_with_typed_results() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    let abs = get_routine(&mut c, "function informix.abs(integer)");
    let v = one(&call(&mut c, abs, vec![p_int(-7)]));
    assert_eq!(
        (v.type_code, v.value().cell().unwrap()),
        (2, Cell::Integer(7))
    );

    let upper = get_routine(&mut c, "function upper(varchar(20))");
    assert_ne!(upper, abs);
    let v = one(&call(&mut c, upper, vec![p_str("abc")]));
    // VARCHAR: u16 count + bytes, odd total padded on the wire.
    assert_eq!(v.type_code & 0xFF, 13);
    assert_eq!(v.data, b"\0\x03ABC");
    assert_eq!(v.value().cell().unwrap(), Cell::Text(b"ABC"));

    let length = get_routine(&mut c, "function informix.length(lvarchar)");
    let v = one(&call(&mut c, length, vec![p_str("hello")]));
    assert_eq!(v.value().cell().unwrap(), Cell::Integer(5));

    let m = get_routine(&mut c, "function informix.mod(integer, integer)");
    let v = one(&call(&mut c, m, vec![p_int(17), p_int(5)]));
    assert_eq!(v.value().cell().unwrap(), Cell::Integer(2));

    let nvl = get_routine(&mut c, "function informix.nvl(integer,integer)");
    let v = one(&call(&mut c, nvl, vec![p_null(), p_int(9)]));
    assert_eq!(v.value().cell().unwrap(), Cell::Integer(9));

    // DECIMAL: i16 count + packed bytes, qualifier in prec.
    let round = get_routine(&mut c, "function informix.round(decimal(10,3), integer)");
    let v = one(&call(&mut c, round, vec![p_str("2.345"), p_int(1)]));
    assert_eq!(v.type_code & 0xFF, 5);
    let Cell::Decimal(b) = v.value().cell().unwrap() else {
        panic!("{v:?}")
    };
    assert_eq!(
        decimal::decode_packed(b)
            .unwrap()
            .unwrap()
            .to_string_with_scale(Some(0)),
        "2.3"
    );

    // DATE: i32 days since 1899-12-31.
    let mdy = get_routine(&mut c, "function informix.mdy(integer, integer, integer)");
    let v = one(&call(&mut c, mdy, vec![p_int(1), p_int(1), p_int(1900)]));
    assert_eq!((v.type_code, v.value().cell().unwrap()), (7, Cell::Date(1)));

    // EXFPROUTINE without SQ_BIND is a call without arguments: abs needs one.
    let r = c.request(&[ClientMessage::ExecRoutine {
        database: b"testdb",
        handle: abs,
        param_count: 0,
        flag: 0,
    }]);
    assert_eq!(sqlcode_of(&r), -254, "{r:?}");
}

#[test]
fn unknown_routines_and_handles_fail_674() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    let r = c.request(&[ClientMessage::GetRoutine {
        by_name: 0,
        signature: b"function informix.nosuchfn(integer)",
        flag: 0,
    }]);
    let e = error_of(&r).expect("error");
    assert_eq!((e.sqlcode, e.near.as_str()), (-674, "nosuchfn"));
    // Wrong argument count for a known function, and a malformed signature.
    for sig in ["function informix.abs(integer, integer)", "abs integer"] {
        let r = c.request(&[ClientMessage::GetRoutine {
            by_name: 0,
            signature: sig.as_bytes(),
            flag: 0,
        }]);
        assert_eq!(sqlcode_of(&r), -674, "{sig}: {r:?}");
    }
    // An unknown handle: the BIND behind it is not run as a statement's.
    let r = call(&mut c, 99, vec![p_int(1)]);
    assert_eq!(sqlcode_of(&r), -674);
    assert!(!r.iter().any(|m| matches!(m, Reply::RoutineResult(_))));
    // A routine error is reported and the session goes on.
    let m = get_routine(&mut c, "function informix.mod(integer, integer)");
    let r = call(&mut c, m, vec![p_int(1), p_int(0)]);
    assert!(error_of(&r).is_some(), "{r:?}");
    let rows = c.query("SELECT 1 FROM systables WHERE tabid = 1", vec![]);
    assert_eq!(rows, vec![vec!["1".to_owned()]]);
    let v = one(&call(&mut c, m, vec![p_int(7), p_int(4)]));
    assert_eq!(v.value().cell().unwrap(), Cell::Integer(3));
}
