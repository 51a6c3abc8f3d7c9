//! Results streamed while the query runs: fetches answered before the query has
//! produced all its rows, byte for byte as a cursor answered after it; errors that
//! come after such replies; control-channel faults, which turn streaming off.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;

use common::*;
use informix_protocol::message::{ClientMessage, ServerError};

const ROWS: usize = 100_000;

/// Every combination of five digits: 100,000 rows, built from a 10-row table. The
/// engine runs it as nested loops over tables scanned in insertion order, so the
/// all-nines row comes last whichever loop is outermost.
const FROM5: &str = "FROM digits t1, digits t2, digits t3, digits t4, digits t5";
const COLUMNS: &str = "t1.n + 10 * t2.n + 100 * t3.n + 1000 * t4.n + 10000 * t5.n, \
     'some text', (t1.n + t2.n) * 1.5";
/// A fourth column that fails (month 13) on rows whose digits add up to `sum`: 45
/// only for the last row, 0 only for the first.
fn failing_column(sum: u32) -> String {
    format!("mdy(CASE WHEN t1.n + t2.n + t3.n + t4.n + t5.n = {sum} THEN 13 ELSE 1 END, 1, 2000)")
}

fn fails_at_last_row() -> String {
    format!("SELECT {COLUMNS}, {} {FROM5}", failing_column(45))
}

fn setup(srv: &Server) -> Client {
    let mut c = srv.connect(Some("nologdb"));
    c.exec_ok("CREATE TABLE digits (n INTEGER)");
    for i in 0..10 {
        c.exec_ok(&format!("INSERT INTO digits VALUES ({i})"));
    }
    c
}

/// How a client opens its cursor.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// OPEN and the first NFETCH in one request (our client and the reference driver).
    OpenWithFetch,
    /// OPEN in a request of its own (IBM JDBC).
    OpenAlone,
}

fn nfetch(c: &mut Client, budget: i32) {
    c.send(&[
        ClientMessage::StatementId(0),
        ClientMessage::NFetch {
            buffer_size: budget,
        },
    ]);
}

/// PREPAREs `sql`, opens it and fetches with one more NFETCH in flight than the
/// reply being read (as our client does), a new one after each reply with TUPLEs, until
/// no NFETCH is outstanding. Returns every reply after PREPARE's, as received. The
/// requests sent do not depend on timing, so the replies must not either.
fn fetch_replies(c: &mut Client, sql: &str, shape: Shape, budget: i32) -> Vec<Vec<u8>> {
    let r = c.prepare(sql, 0);
    assert!(error_of(&r).is_none(), "{sql}: {r:?}");
    let open = [
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"_ifxc_stream"),
        ClientMessage::Open,
    ];
    let mut outstanding = match shape {
        Shape::OpenWithFetch => {
            let mut msgs = open.to_vec();
            msgs.push(ClientMessage::StatementId(0));
            msgs.push(ClientMessage::NFetch {
                buffer_size: budget,
            });
            c.send(&msgs);
            1
        }
        Shape::OpenAlone => {
            c.send(&open);
            nfetch(c, budget);
            2
        }
    };
    nfetch(c, budget);
    outstanding += 1;
    let mut replies = Vec::new();
    while outstanding > 0 {
        let bytes = c.read_reply_bytes();
        outstanding -= 1;
        let r = parse_reply(&bytes);
        if !tuples(&r).is_empty() && error_of(&r).is_none() {
            nfetch(c, budget);
            outstanding += 1;
        }
        replies.push(bytes);
    }
    c.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
    c.release();
    replies
}

/// The replies of [`fetch_replies`] with streaming turned off (a `cut` far away is an
/// active fault, and faults make the server answer only after the query), and the
/// session's counters as they moved meanwhile.
fn fetch_replies_unstreamed(
    c: &mut Client,
    ctl: &mut Control,
    sql: &str,
    shape: Shape,
    budget: i32,
) -> (Vec<Vec<u8>>, Vec<i64>) {
    let id = session_id(ctl, c);
    let before = counters(ctl, c);
    ctl.ok(&format!("cut {id} 1000000"));
    let replies = fetch_replies(c, sql, shape, budget);
    let moved = delta(&counters(ctl, c), &before);
    ctl.ok("reset");
    (replies, moved)
}

/// Rows delivered, the first error and the errors after it.
fn outcome(replies: &[Vec<u8>]) -> (Vec<Vec<u8>>, Vec<ServerError>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for bytes in replies {
        let r = parse_reply(bytes);
        rows.extend(tuples(&r));
        errors.extend(error_of(&r));
    }
    (rows, errors)
}

fn first_column(row: &[u8]) -> i32 {
    i32::from_be_bytes([row[0], row[1], row[2], row[3]])
}

fn counters(ctl: &mut Control, c: &Client) -> Vec<i64> {
    let id = session_id(ctl, c);
    let json = ctl.ok(&format!("counters {id}"));
    ["requests", "messages", "replies", "bytes_in", "bytes_out"]
        .iter()
        .map(|k| json_num(&json, k))
        .collect()
}

fn delta(after: &[i64], before: &[i64]) -> Vec<i64> {
    after.iter().zip(before).map(|(a, b)| a - b).collect()
}

/// An error at the last of 100,000 rows: the first reply still carries rows. A server
/// that answered after the query would have answered it with the error, so this
/// reply went out while the query was still running.
#[test]
fn first_fetch_is_answered_while_the_query_runs() {
    let srv = Server::start(&[]);
    let mut c = setup(&srv);
    let mut ctl = srv.control();
    let sql = fails_at_last_row();

    let (unstreamed, _) =
        fetch_replies_unstreamed(&mut c, &mut ctl, &sql, Shape::OpenWithFetch, 32767);
    let first = parse_reply(&unstreamed[0]);
    assert!(tuples(&first).is_empty(), "{first:?}");
    let open_error = error_of(&first).expect("OPEN fails after the query");

    let replies = fetch_replies(&mut c, &sql, Shape::OpenWithFetch, 32767);
    let first = parse_reply(&replies[0]);
    assert!(error_of(&first).is_none(), "{first:?}");
    assert!(!tuples(&first).is_empty(), "{first:?}");

    // Every row before the failing one arrives, then the error OPEN used to report,
    // then the cursor is dead.
    let (rows, errors) = outcome(&replies);
    assert_eq!(rows.len(), ROWS - 1);
    let ids: HashSet<i32> = rows.iter().map(|r| first_column(r)).collect();
    assert_eq!(ids.len(), ROWS - 1);
    assert!(!ids.contains(&99_999));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0], open_error);
    assert_eq!(errors[1].sqlcode, -267);
    let with_error = replies
        .iter()
        .position(|b| error_of(&parse_reply(b)).is_some())
        .unwrap();
    assert!(tuples(&parse_reply(&replies[with_error])).is_empty());
    assert!(
        replies.iter().all(|b| done_of(&parse_reply(b)).is_none()),
        "a result cut short has no DONE"
    );

    // The session goes on normally.
    assert_eq!(c.query("SELECT COUNT(*) FROM digits", vec![]), [["10"]]);
}

/// OPEN in its own request is acknowledged (EOT) while the query runs: the query fails
/// at its last row, yet the OPEN reply carries no error.
#[test]
fn open_alone_is_acknowledged_while_the_query_runs() {
    let srv = Server::start(&[]);
    let mut c = setup(&srv);
    let replies = fetch_replies(&mut c, &fails_at_last_row(), Shape::OpenAlone, 4096);
    assert!(parse_reply(&replies[0]).is_empty(), "OPEN reply: EOT only");
    let (rows, errors) = outcome(&replies);
    assert_eq!(rows.len(), ROWS - 1);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[1].sqlcode, -267);
}

/// What goes on the wire does not change, only when: for small and large results, both
/// request shapes and several fetch buffers, the replies and the session's counters
/// are those of the server answering after the query.
#[test]
fn streamed_replies_are_the_unstreamed_ones() {
    let srv = Server::start(&[]);
    let mut c = setup(&srv);
    let mut ctl = srv.control();
    let small = format!(
        "SELECT {COLUMNS} FROM digits t1, digits t2, digits t3, digits t4, digits t5 WHERE t3.n = 0 AND t4.n = 0 AND t5.n = 0"
    );
    let large = format!("SELECT {COLUMNS} {FROM5}");
    for (sql, rows) in [(&small, 100), (&large, ROWS)] {
        for shape in [Shape::OpenWithFetch, Shape::OpenAlone] {
            for budget in [4096, 32767, 1 << 20] {
                let (expected, expected_counts) =
                    fetch_replies_unstreamed(&mut c, &mut ctl, sql, shape, budget);
                let before = counters(&mut ctl, &c);
                let replies = fetch_replies(&mut c, sql, shape, budget);
                let counts = delta(&counters(&mut ctl, &c), &before);
                assert_eq!(outcome(&expected).0.len(), rows);
                assert!(
                    replies == expected,
                    "{shape:?}, buffer {budget}, {rows} rows: replies differ ({} vs {})",
                    replies.len(),
                    expected.len()
                );
                assert_eq!(
                    counts, expected_counts,
                    "{shape:?}, buffer {budget}, {rows} rows: counters"
                );
            }
        }
    }
}

/// An error among the first rows, before anything could go out early, fails OPEN as
/// it always did.
#[test]
fn early_errors_still_fail_open() {
    let srv = Server::start(&[]);
    let mut c = setup(&srv);
    let sql = format!("SELECT {COLUMNS}, {} {FROM5}", failing_column(0));
    let replies = fetch_replies(&mut c, &sql, Shape::OpenWithFetch, 32767);
    let first = parse_reply(&replies[0]);
    assert!(tuples(&first).is_empty(), "{first:?}");
    assert!(error_of(&first).is_some(), "{first:?}");
    let (rows, _) = outcome(&replies);
    assert!(rows.is_empty());
}

/// While the control channel injects a fault (delay, cut, refuse), replies wait for the
/// end of the query as before: the query failing at its last row fails OPEN.
#[test]
fn faults_turn_streaming_off() {
    let srv = Server::start(&[]);
    let mut c = setup(&srv);
    let mut ctl = srv.control();
    let sql = fails_at_last_row();
    for fault in ["delay 1", "refuse -27002"] {
        ctl.ok(fault);
        let replies = fetch_replies(&mut c, &sql, Shape::OpenWithFetch, 32767);
        ctl.ok("reset");
        let first = parse_reply(&replies[0]);
        assert!(tuples(&first).is_empty(), "{fault}: {first:?}");
        assert!(error_of(&first).is_some(), "{fault}: {first:?}");
    }

    // cut <id> 2: the OPEN+NFETCH and the NFETCH behind it are answered after the
    // query, the third request is not answered at all.
    let id = session_id(&mut ctl, &c);
    let r = c.prepare(&format!("SELECT {COLUMNS} {FROM5}"), 0);
    assert!(error_of(&r).is_none());
    ctl.ok(&format!("cut {id} 2"));
    c.send(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"_ifxc_stream"),
        ClientMessage::Open,
        ClientMessage::StatementId(0),
        ClientMessage::NFetch { buffer_size: 4096 },
    ]);
    nfetch(&mut c, 4096);
    nfetch(&mut c, 4096);
    assert!(!tuples(&c.read_reply()).is_empty());
    assert!(!tuples(&c.read_reply()).is_empty());
    assert!(c.reads_eof());
}
