//! Server timings (ignored by default; run in release):
//! `cargo test --release -p informix-testserver --test bench -- --ignored --nocapture`
//!
//! The client side here only frames messages (no row decoding), so the figures are
//! dominated by server work: engine query, tuple encoding and socket writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::*;
use informix_protocol::message::ClientMessage;

const ROWS: i32 = 100_000;

fn busy_us(ctl: &mut Control) -> i64 {
    json_num(&ctl.ok("counters 1"), "busy_us")
}

fn fetch_all(c: &mut Client, sql: &str, buffer_size: i32) -> (usize, usize, Duration) {
    let r = c.prepare(sql, 0);
    assert!(error_of(&r).is_none(), "{r:?}");
    let t = Instant::now();
    let mut r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"_ifxc0000000000009"),
        ClientMessage::Open,
        ClientMessage::StatementId(0),
        ClientMessage::NFetch { buffer_size },
    ]);
    let mut rows = 0;
    let mut trips = 1;
    loop {
        let n = tuples(&r).len();
        if n == 0 {
            break;
        }
        rows += n;
        trips += 1;
        r = c.request(&[
            ClientMessage::StatementId(0),
            ClientMessage::NFetch { buffer_size },
        ]);
    }
    let elapsed = t.elapsed();
    c.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
    c.release();
    (rows, trips, elapsed)
}

#[test]
#[ignore = "benchmark; run with --ignored --nocapture in release"]
fn server_timings() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("nologdb"));
    c.exec_ok(
        "CREATE TABLE bench (id INTEGER, name VARCHAR(30), amount FLOAT, born DATE, price DECIMAL(10,2))",
    );

    // Pipelined executemany of ROWS inserts.
    c.prepare("INSERT INTO bench VALUES (?, ?, ?, ?, ?)", 5);
    let mut bytes = Vec::new();
    for i in 0..ROWS {
        let params = vec![
            p_int(i),
            p_str(&format!("name {i}")),
            p_raw(3, 0, (f64::from(i) * 1.5).to_bits().to_be_bytes().to_vec()),
            p_raw(7, 0, (40_000 + i % 5000).to_be_bytes().to_vec()),
            p_str(&format!("{}.{:02}", i % 10_000, i % 100)),
        ];
        for m in [
            ClientMessage::StatementId(0),
            ClientMessage::Bind(params),
            ClientMessage::Execute,
            ClientMessage::Eot,
        ] {
            m.encode(&mut bytes);
        }
    }
    let mut w = c.stream_clone();
    let t = Instant::now();
    let writer = std::thread::spawn(move || w.write_all(&bytes).unwrap());
    for _ in 0..ROWS {
        let r = c.read_reply();
        assert!(error_of(&r).is_none(), "{r:?}");
    }
    writer.join().unwrap();
    let insert = t.elapsed();
    c.release();
    println!(
        "executemany {ROWS} rows pipelined: {:.1} ms ({:.1} us/row)",
        insert.as_secs_f64() * 1e3,
        insert.as_secs_f64() * 1e6 / f64::from(ROWS)
    );

    let mut ctl = srv.control();
    let sql = "SELECT id, name, amount, born, price FROM bench";
    for buf in [4096, 1 << 20] {
        let mut best = Duration::MAX;
        let mut best_busy = i64::MAX;
        for _ in 0..3 {
            let before = busy_us(&mut ctl);
            let (rows, trips, el) = fetch_all(&mut c, sql, buf);
            best_busy = best_busy.min(busy_us(&mut ctl) - before);
            assert_eq!(rows, ROWS as usize);
            best = best.min(el);
            if buf == 4096 {
                assert!(trips > 100);
            }
        }
        println!(
            "SELECT {ROWS} rows x 5 cols, fetch buffer {buf}: wall {:.1} ms, server busy {:.1} ms (best of 3; PREPARE..CLOSE)",
            best.as_secs_f64() * 1e3,
            best_busy as f64 / 1e3
        );
    }

    c.exec_ok("CREATE UNIQUE INDEX bench_id ON bench (id)");
    // Small prepared query: PREPARE once, then BIND + OPEN/NFETCH, CLOSE per call
    // (the reference client's pattern minus PREPARE/RELEASE).
    let r = c.prepare("SELECT id, name FROM bench WHERE id = ?", 1);
    assert!(error_of(&r).is_none());
    let n = 2000;
    let before = busy_us(&mut ctl);
    let t = Instant::now();
    for i in 0..n {
        let r = c.request(&[
            ClientMessage::StatementId(0),
            ClientMessage::Bind(vec![p_int(i)]),
        ]);
        assert!(r.is_empty());
        let r = c.request(&[
            ClientMessage::StatementId(0),
            ClientMessage::CursorName(b"c"),
            ClientMessage::Open,
            ClientMessage::StatementId(0),
            ClientMessage::NFetch { buffer_size: 4096 },
        ]);
        assert_eq!(tuples(&r).len(), 1);
        c.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
    }
    let el = t.elapsed();
    let busy = busy_us(&mut ctl) - before;
    c.release();
    println!(
        "small prepared query (BIND, OPEN+NFETCH, CLOSE = 3 round trips): wall {:.1} us, server busy {:.1} us per query",
        el.as_secs_f64() * 1e6 / f64::from(n),
        busy as f64 / f64::from(n)
    );

    // Bare round trip: PROTOCOLS exchange.
    let n = 5000;
    let t = Instant::now();
    for _ in 0..n {
        c.request(&[ClientMessage::Protocols(
            &informix_protocol::message::CLIENT_PROTOCOLS,
        )]);
    }
    println!(
        "bare round trip (SQ_PROTOCOLS): {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
}
