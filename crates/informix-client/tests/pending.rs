//! `Connection::start_execute` and `PendingExecute`: the event-loop half of execute.
//! Readiness is simulated by polling with `socket_readable` true in a loop, which is
//! allowed: a stale readiness report costs one non-blocking read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{Server, rows};
use informix_client::{Connection, ErrorKind, Execution, Param, PendingExecute, Polled};

/// Polls until every reply is in (as an event loop would on each readiness report).
fn finish(pending: PendingExecute) -> informix_client::Result<Execution> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut pending = pending;
    loop {
        match pending.poll(true)? {
            Polled::Ready(exec) => return Ok(exec),
            Polled::Waiting(p) => pending = p,
        }
        assert!(Instant::now() < deadline, "replies never completed");
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn start(conn: &Connection, sql: &str, params: &[Param]) -> PendingExecute {
    conn.start_execute(sql, params)
        .unwrap()
        .expect("runs in one flight")
}

fn collect(exec: Execution) -> Vec<i64> {
    use informix_protocol::row::{Cell, CellReader};
    let stream = exec.stream.expect("query");
    let mut out = Vec::new();
    while let Some(batch) = stream.next_batch().unwrap() {
        for i in 0..batch.len() {
            let mut cells = CellReader::new(batch.row(i));
            match cells.next(stream.columns.kinds[0]).unwrap() {
                Cell::Integer(v) => out.push(i64::from(v)),
                Cell::SmallInt(v) => out.push(i64::from(v)),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    out
}

#[test]
fn only_prepared_statements_start_without_waiting() {
    let server = Server::start();
    let conn = server.connect("testdb");
    let q = "SELECT tabid FROM systables WHERE tabid = ?";
    assert!(conn.start_execute(q, &[Param::Int(1)]).unwrap().is_none());
    rows(&conn, q, &[Param::Int(1)]);
    let pending = start(&conn, q, &[Param::Int(2)]);
    assert!(pending.socket().is_some());
    // While it holds the wire, nothing else can start on the connection.
    assert!(conn.start_execute(q, &[Param::Int(3)]).unwrap().is_none());
    assert_eq!(collect(finish(pending).unwrap()), vec![2]);
    // Wrong parameter counts fail before anything is sent.
    let e = conn
        .start_execute(q, &[])
        .err()
        .expect("marker count checked");
    assert_eq!(e.kind, ErrorKind::Programming);
    assert_eq!(
        collect(finish(start(&conn, q, &[Param::Int(1)])).unwrap()),
        vec![1]
    );
}

#[test]
fn same_round_trips_as_execute() {
    let server = Server::start();
    let conn = server.connect("testdb");
    conn.set_autocommit(true).unwrap();
    conn.execute("CREATE TEMP TABLE pe (id INT)", &[]).unwrap();
    let ins = "INSERT INTO pe VALUES (?)";
    conn.execute(ins, &[Param::Int(0)]).unwrap();
    let before = (conn.wire_stats().unwrap().1, server.round_trips());
    for i in 1..=5 {
        let exec = finish(start(&conn, ins, &[Param::Int(i)])).unwrap();
        assert_eq!(exec.summary.rowcount, 1);
    }
    let after = (conn.wire_stats().unwrap().1, server.round_trips());
    assert_eq!(after.0 - before.0, 5, "one flight per statement (client)");
    assert_eq!(after.1 - before.1, 5, "one turn per statement (server)");
}

#[test]
fn errors_leave_the_session_usable() {
    let server = Server::start();
    let conn = server.connect("testdb");
    conn.set_autocommit(true).unwrap();
    conn.execute("CREATE TEMP TABLE pu (id INT PRIMARY KEY)", &[])
        .unwrap();
    let ins = "INSERT INTO pu VALUES (?)";
    conn.execute(ins, &[Param::Int(1)]).unwrap();
    let e = finish(start(&conn, ins, &[Param::Int(1)]))
        .err()
        .expect("duplicate");
    assert!(e.sqlcode < 0 && !e.connection_lost, "{e:?}");
    // A failed OPEN (bad value for the marker): its cursor close is deferred to the
    // next flight, whose replies must still line up.
    let q = "SELECT id FROM pu WHERE id = ?";
    rows(&conn, q, &[Param::Int(1)]);
    let e = finish(start(&conn, q, &[Param::Str("nope".into())]))
        .err()
        .expect("conversion error");
    assert!(e.sqlcode < 0 && !e.connection_lost, "{e:?}");
    assert_eq!(
        collect(finish(start(&conn, q, &[Param::Int(1)])).unwrap()),
        vec![1]
    );
    assert_eq!(rows(&conn, q, &[Param::Int(1)]).len(), 1);
}

#[test]
fn large_results_keep_streaming_afterwards() {
    let server = Server::start();
    let conn = server.connect("testdb");
    conn.set_autocommit(true).unwrap();
    conn.execute("CREATE TEMP TABLE pl (id INT, pad VARCHAR(200))", &[])
        .unwrap();
    let data: Vec<Vec<Param>> = (0..3000)
        .map(|i| vec![Param::Int(i), Param::Str("y".repeat(150))])
        .collect();
    conn.execute_many("INSERT INTO pl VALUES (?, ?)", &data)
        .unwrap();
    let q = "SELECT id, pad FROM pl ORDER BY id";
    rows(&conn, q, &[]);
    let exec = finish(start(&conn, q, &[])).unwrap();
    assert_eq!(collect(exec), (0..3000).collect::<Vec<_>>());
}

#[test]
fn dropping_it_unfinished_cuts_the_session() {
    let server = Server::start();
    let conn = server.connect("testdb");
    let q = "SELECT tabid FROM systables WHERE tabid = ?";
    rows(&conn, q, &[Param::Int(1)]);
    server.control("delay 200");
    let pending = start(&conn, q, &[Param::Int(1)]);
    drop(pending);
    server.control("delay 0");
    assert!(conn.is_closed());
    let e = conn.execute(q, &[Param::Int(1)]).err().expect("closed");
    assert_eq!(e.kind, ErrorKind::Interface);
}

#[test]
fn tls_sessions_work_too() {
    let server = Server::start_with(true);
    let conn = Connection::connect(&server.tls_options("testdb")).unwrap();
    let q = "SELECT tabid FROM systables WHERE tabid = ?";
    rows(&conn, q, &[Param::Int(1)]);
    for i in 1..=3 {
        assert_eq!(
            collect(finish(start(&conn, q, &[Param::Int(i)])).unwrap()),
            vec![i]
        );
    }
}
