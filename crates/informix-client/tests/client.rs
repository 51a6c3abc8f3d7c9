//! The client against the bundled test server: login, statements, errors,
//! transactions, threads, round trips, TLS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::{Server, rows};
use informix_client::{Connection, ErrorKind, Param};

#[test]
fn connects_and_selects_one() {
    let server = Server::start();
    let conn = server.connect("testdb");
    assert_eq!(
        rows(&conn, "SELECT 1 FROM systables WHERE tabid = 1", &[]),
        vec![vec!["Integer(1)".to_owned()]]
    );
    assert_eq!(conn.server_info().identity.version, "15.0.1.0.3");
    conn.close();
    assert!(conn.is_closed());
    assert_eq!(
        conn.execute("SELECT 1 FROM systables", &[])
            .err()
            .map(|e| e.kind),
        Some(ErrorKind::Interface)
    );
}

#[test]
fn login_failures_carry_the_server_code() {
    let server = Server::start();
    let mut bad_pw = server.options("testdb");
    bad_pw.password = Some("wrong".into());
    let e = Connection::connect(&bad_pw)
        .err()
        .expect("bad password refused");
    assert_eq!((e.kind, e.sqlcode), (ErrorKind::Operational, -951));

    let mut bad_server = server.options("testdb");
    bad_server.server = "elsewhere".into();
    assert_eq!(
        Connection::connect(&bad_server).err().map(|e| e.sqlcode),
        Some(-761)
    );

    let e = Connection::connect(&server.options("nosuchdb"))
        .err()
        .expect("unknown db refused");
    assert_eq!((e.kind, e.sqlcode), (ErrorKind::Server, -329));

    let mut refused = server.options("testdb");
    refused.port = 1;
    let e = Connection::connect(&refused)
        .err()
        .expect("nothing listens on port 1");
    assert!(e.connection_lost && e.kind == ErrorKind::Operational, "{e}");
}

#[test]
fn statement_errors_keep_the_session_usable() {
    let server = Server::start();
    let conn = server.connect("testdb");
    let e = conn.execute("SELEC 1", &[]).err().unwrap();
    assert_eq!((e.kind, e.sqlcode), (ErrorKind::Server, -201));
    assert!(!e.connection_lost);
    let e = conn
        .execute("SELECT * FROM no_such_table", &[])
        .err()
        .unwrap();
    assert_eq!(e.sqlcode, -206);
    assert_eq!(
        rows(&conn, "SELECT 2 FROM systables WHERE tabid = 1", &[]).len(),
        1
    );
}

#[test]
fn dml_rowcount_serial_and_transactions() {
    let server = Server::start();
    let conn = server.connect("testdb");
    conn.set_autocommit(true).unwrap();
    conn.execute("CREATE TABLE t (id SERIAL, v INT)", &[])
        .unwrap();
    conn.set_autocommit(false).unwrap();
    let r = conn
        .execute("INSERT INTO t (id, v) VALUES (0, ?)", &[Param::Int(10)])
        .unwrap();
    assert_eq!((r.summary.rowcount, r.summary.serial), (1, 1));
    assert!(conn.in_transaction());
    conn.rollback().unwrap();
    assert!(!conn.in_transaction());
    assert!(rows(&conn, "SELECT v FROM t", &[]).is_empty());
    conn.execute("INSERT INTO t (id, v) VALUES (0, ?)", &[Param::Int(20)])
        .unwrap();
    conn.commit().unwrap();
    let other = server.connect("testdb");
    assert_eq!(
        rows(&other, "SELECT v FROM t", &[]),
        vec![vec!["Integer(20)".to_owned()]]
    );
    let n = conn
        .execute_many(
            "INSERT INTO t (id, v) VALUES (0, ?)",
            &(0..500).map(|i| vec![Param::Int(i)]).collect::<Vec<_>>(),
        )
        .unwrap();
    assert_eq!(n, 500);
    conn.commit().unwrap();
    assert_eq!(rows(&other, "SELECT COUNT(*) FROM t", &[]).len(), 1);
}

#[test]
fn unlogged_database_never_opens_a_transaction() {
    let server = Server::start();
    let conn = server.connect("nologdb");
    conn.execute("CREATE TABLE u (v INT)", &[]).unwrap();
    conn.execute("INSERT INTO u VALUES (?)", &[Param::Int(1)])
        .unwrap();
    assert!(!conn.in_transaction());
    conn.commit().unwrap();
    assert_eq!(rows(&conn, "SELECT v FROM u", &[]).len(), 1);
}

#[test]
fn large_results_stream_and_interleave() {
    let server = Server::start();
    let conn = server.connect("testdb");
    conn.set_autocommit(true).unwrap();
    conn.execute("CREATE TABLE big (id INT, name VARCHAR(40))", &[])
        .unwrap();
    let data: Vec<Vec<Param>> = (0..20_000)
        .map(|i| vec![Param::Int(i), Param::Str(format!("row {i}"))])
        .collect();
    assert_eq!(
        conn.execute_many("INSERT INTO big VALUES (?, ?)", &data)
            .unwrap(),
        20_000
    );
    let first = conn
        .execute("SELECT id, name FROM big ORDER BY id", &[])
        .unwrap()
        .stream
        .unwrap();
    let b1 = first.next_batch().unwrap().unwrap();
    assert!(
        b1.len() > 1 && b1.len() < 20_000,
        "one batch, not everything: {}",
        b1.len()
    );
    // Another statement while the first result is still streaming: the first is kept.
    assert_eq!(rows(&conn, "SELECT COUNT(*) FROM big", &[]).len(), 1);
    let mut total = b1.len();
    while let Some(b) = first.next_batch().unwrap() {
        total += b.len();
    }
    assert_eq!(total, 20_000);
}

#[test]
fn threads_share_one_connection() {
    let server = Server::start();
    let conn = Arc::new(server.connect("testdb"));
    conn.set_autocommit(true).unwrap();
    let handles: Vec<_> = (1..=8)
        .map(|t| {
            let conn = conn.clone();
            std::thread::spawn(move || {
                for _ in 0..50 {
                    let got = rows(
                        &conn,
                        "SELECT tabid FROM systables WHERE tabid = ?",
                        &[Param::Int(t)],
                    );
                    assert_eq!(got, vec![vec![format!("Integer({t})")]]);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn result_dropped_on_another_thread_is_cleaned_up_later() {
    let server = Server::start();
    let conn = server.connect("testdb");
    conn.set_autocommit(true).unwrap();
    let stream = conn
        .execute("SELECT tabid FROM systables", &[])
        .unwrap()
        .stream
        .unwrap();
    std::thread::spawn(move || drop(stream)).join().unwrap();
    assert_eq!(
        conn.pending_cleanup(),
        1,
        "the CLOSE waits for the next exchange"
    );
    let next = conn
        .execute("SELECT 1 FROM systables WHERE tabid = 1", &[])
        .unwrap()
        .stream
        .unwrap();
    assert_eq!(conn.pending_cleanup(), 0, "sent before the next statement");
    assert_eq!(next.next_batch().unwrap().map(|b| b.len()), Some(1));
}

#[test]
fn fast_path_calls_cache_handles_and_decode_values() {
    use informix_protocol::row::Cell;
    let server = Server::start();
    let conn = server.connect("testdb");
    let rt = |f: &dyn Fn()| {
        let before = conn.wire_stats().unwrap().1;
        f();
        conn.wire_stats().unwrap().1 - before
    };
    let close = "function informix.ifx_lo_close(integer)";
    let first = rt(&|| {
        let v = conn.fast_path_call(close, &[Param::Int(3)]).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].type_code, v[0].as_i64()), (2, Some(0)));
    });
    assert_eq!(first, 2, "GETROUTINE, then EXFPROUTINE");
    let later = rt(&|| {
        let v = conn.fast_path_call(close, &[Param::Int(4)]).unwrap();
        assert_eq!(v[0].as_i64(), Some(0));
    });
    assert_eq!(later, 1, "cached handle: EXFPROUTINE only");

    let v = conn
        .fast_path_call(
            "function informix.upper(varchar(30))",
            &[Param::Str("mixed Case".into())],
        )
        .unwrap();
    assert_eq!(v[0].cell().unwrap(), Cell::Text(b"MIXED CASE"));
    let v = conn
        .fast_path_call("function informix.abs(integer)", &[Param::Int(-12)])
        .unwrap();
    assert_eq!(v[0].as_i64(), Some(12));
    let v = conn
        .fast_path_call(
            "function informix.nvl(integer, integer)",
            &[Param::Null, Param::Null],
        )
        .unwrap();
    assert!(v[0].is_null());
    assert_eq!(v[0].cell().unwrap(), Cell::Null);

    // An unknown routine is -674 and the connection goes on; so is a routine error.
    let e = conn
        .fast_path_call("function informix.nosuch(integer)", &[Param::Int(1)])
        .unwrap_err();
    assert_eq!(e.sqlcode, -674);
    let e = conn
        .fast_path_call(
            "function informix.mod(integer, integer)",
            &[Param::Int(1), Param::Int(0)],
        )
        .unwrap_err();
    assert!(e.is_server(), "{e:?}");
    assert_eq!(
        rows(&conn, "SELECT 1 FROM systables WHERE tabid = 1", &[]),
        vec![vec!["Integer(1)".to_owned()]]
    );

    // A result still streaming is kept for its reader when a call needs the wire.
    conn.execute("CREATE TABLE fp (id INT)", &[]).unwrap();
    let many: Vec<Vec<Param>> = (0..3000).map(|i| vec![Param::Int(i)]).collect();
    conn.execute_many("INSERT INTO fp VALUES (?)", &many)
        .unwrap();
    let exec = conn.execute("SELECT id FROM fp", &[]).unwrap();
    let stream = exec.stream.expect("rows");
    let mut n = stream.next_batch().unwrap().map_or(0, |b| b.len());
    let v = conn.fast_path_call(close, &[Param::Int(5)]).unwrap();
    assert_eq!(v[0].as_i64(), Some(0));
    while let Some(b) = stream.next_batch().unwrap() {
        n += b.len();
    }
    assert_eq!(n, 3000);
    let e = conn
        .fast_path_call(close, &[Param::Bytes(vec![1])])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotSupported);
}

#[test]
fn round_trips_per_operation() {
    let server = Server::start();
    let conn = server.connect("testdb");
    conn.set_autocommit(true).unwrap();
    conn.execute("CREATE TABLE rt (id INT, v VARCHAR(10))", &[])
        .unwrap();
    // Round trips as the client counts them (flights it waited on) and as the server
    // counts them (turns: replies sent, then waiting for the client).
    let rt = |f: &dyn Fn()| {
        let (client, server_before) = (conn.wire_stats().unwrap().1, server.round_trips());
        f();
        let by_client = conn.wire_stats().unwrap().1 - client;
        let by_server = server.round_trips() - server_before;
        assert_eq!(
            by_client, by_server,
            "client and server agree on round trips"
        );
        by_client
    };
    let q = "SELECT id, v FROM rt WHERE id = ?";
    assert!(
        rt(&|| drop(rows(&conn, q, &[Param::Int(1)]))) <= 2,
        "first execution"
    );
    assert_eq!(
        rt(&|| drop(rows(&conn, q, &[Param::Int(2)]))),
        1,
        "repeated SELECT"
    );
    let ins = "INSERT INTO rt VALUES (?, ?)";
    conn.execute(ins, &[Param::Int(1), Param::Str("a".into())])
        .unwrap();
    assert_eq!(
        rt(&|| drop(
            conn.execute(ins, &[Param::Int(2), Param::Str("b".into())])
                .unwrap()
        )),
        1,
        "INSERT"
    );
    let many = |n: i64| {
        (0..n)
            .map(|i| vec![Param::Int(i), Param::Str("x".into())])
            .collect::<Vec<_>>()
    };
    let small = rt(&|| {
        conn.execute_many(ins, &many(10)).unwrap();
    });
    let before = server.round_trips();
    let large = {
        let client = conn.wire_stats().unwrap().1;
        conn.execute_many(ins, &many(5_000)).unwrap();
        conn.wire_stats().unwrap().1 - client
    };
    // The server may answer early rows while later ones are still arriving, so its
    // count can exceed the client's; it stays far below one per row.
    let server_large = server.round_trips() - before;
    assert!(
        server_large < 50,
        "server turns for 5000 pipelined rows: {server_large}"
    );
    assert_eq!(small, large, "executemany round trips do not grow with N");
}

#[test]
fn tls_verifies_the_server_certificate() {
    let server = Server::start_with(true);
    let conn =
        Connection::connect(&server.tls_options("testdb")).expect("TLS connect with the right CA");
    assert_eq!(
        rows(&conn, "SELECT 1 FROM systables WHERE tabid = 1", &[]).len(),
        1
    );

    let other_ca = common::make_tls("other");
    let mut wrong = server.tls_options("testdb");
    wrong.tls.as_mut().unwrap().ca_file = Some(other_ca.ca.clone());
    let e = Connection::connect(&wrong).err().expect("wrong CA refused");
    assert!(e.message.contains("TLS handshake failed"), "{e}");

    let mut insecure = server.tls_options("testdb");
    let t = insecure.tls.as_mut().unwrap();
    t.ca_file = Some(other_ca.ca.clone());
    t.danger_accept_invalid_certs = true;
    assert!(Connection::connect(&insecure).is_ok());
    let _ = std::fs::remove_dir_all(&other_ca.dir);
}

#[test]
fn connect_costs_two_round_trips() {
    let server = Server::start();
    let before = server.round_trips();
    let conn = server.connect("testdb");
    // The login, then PROTOCOLS + INFO + DBOPEN in one flight.
    assert_eq!(server.round_trips() - before, 2);
    assert_eq!(
        conn.wire_stats().unwrap().1,
        1,
        "one flight after the login packet"
    );
    assert_eq!(
        conn.server_info().database_mode,
        Some(informix_client::DatabaseMode::Logged)
    );
    let e = Connection::connect(&server.options("no_such_db"))
        .err()
        .expect("unknown database");
    assert!(e.sqlcode < 0 && e.connection_lost, "{e:?}");
}
