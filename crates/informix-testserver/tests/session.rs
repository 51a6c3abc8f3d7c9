//! Login, handshake, statements, transactions, pipelining, scroll cursors, errors and
//! disconnects, spoken as raw SQLI against the server binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use informix_protocol::login::LoginResponse;
use informix_protocol::message::ClientMessage;

fn rejected_code(r: Result<Client, LoginResponse>) -> (i32, String) {
    match r {
        Err(LoginResponse::Rejected { sqlcode, param, .. }) => (sqlcode, param),
        Err(other) => panic!("unexpected {other:?}"),
        Ok(_) => panic!("login was accepted"),
    }
}

#[test]
fn login_accepts_and_rejects_with_real_codes() {
    let srv = Server::start(&[]);
    let mut c = Client::login(srv.sqli, "informix", Some("in4mix"), "informix").expect("ok");
    c.handshake();
    Client::login(srv.sqli, "bob", Some("secret"), "informix").expect("second user");
    let (code, param) = rejected_code(Client::login(srv.sqli, "informix", Some("bad"), "informix"));
    assert_eq!(code, -951);
    assert_eq!(param, "informix@testhost");
    let (code, _) = rejected_code(Client::login(srv.sqli, "nobody", Some("x"), "informix"));
    assert_eq!(code, -951);
    let (code, _) = rejected_code(Client::login(srv.sqli, "informix", None, "informix"));
    assert_eq!(code, -951);
    let (code, _) = rejected_code(Client::login(srv.sqli, "informix", Some("in4mix"), "other"));
    assert_eq!(code, -761);
}

#[test]
fn database_in_login_pdu_opens_it_and_dbopen_fails_759() {
    let srv = Server::start(&[]);
    let tcp = std::net::TcpStream::connect(srv.sqli).unwrap();
    let local = tcp.local_addr().unwrap();
    let mut c = Client::login_over(
        Box::new(tcp),
        local,
        "informix",
        Some("in4mix"),
        "informix",
        Some("testdb"),
    )
    .expect("login");
    c.handshake();
    let r = c.request(&[ClientMessage::DbOpen {
        name: b"testdb",
        mode: 0,
    }]);
    assert_eq!(sqlcode_of(&r), -759);
    let rows = c.query("SELECT 1 FROM systables WHERE tabid = 1", vec![]);
    assert_eq!(rows, vec![vec!["1".to_owned()]]);
    let tcp = std::net::TcpStream::connect(srv.sqli).unwrap();
    let local = tcp.local_addr().unwrap();
    let r = Client::login_over(
        Box::new(tcp),
        local,
        "informix",
        Some("in4mix"),
        "informix",
        Some("nosuchdb"),
    );
    assert_eq!(rejected_code(r).0, -329);
}

#[test]
fn dbopen_reports_mode_and_unknown_database() {
    let srv = Server::start(&[]);
    let mut c = Client::login(srv.sqli, "informix", Some("in4mix"), "informix").unwrap();
    c.handshake();
    // No database yet: statements are refused.
    let r = c.prepare("SELECT 1 FROM systables WHERE tabid = 1", 0);
    assert_eq!(sqlcode_of(&r), -349);
    let r = c.request(&[ClientMessage::DbOpen {
        name: b"nosuchdb",
        mode: 0,
    }]);
    let e = error_of(&r).expect("error");
    assert_eq!(e.sqlcode, -329);
    // The session stays usable.
    for (db, warn) in [
        (&b"testdb"[..], 0x05),
        (&b"nologdb"[..], 0x04),
        (&b"ansidb"[..], 0x07),
    ] {
        let r = c.request(&[ClientMessage::DbOpen { name: db, mode: 0 }]);
        assert_eq!(done_of(&r).expect("DONE").warnings, warn, "{r:?}");
    }
}

#[test]
fn select_one_from_systables_exact_bytes() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    let r = c.prepare("SELECT 1 FROM systables WHERE tabid = 1", 0);
    assert!(
        matches!(r.as_slice(), [Reply::Describe(d), Reply::Done(_), Reply::Cost] if d.statement_type == 2 && d.columns.len() == 1 && d.statement_id == 0),
        "{r:?}"
    );
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"_ifxc0000000000001"),
        ClientMessage::Open,
        ClientMessage::StatementId(0),
        ClientMessage::NFetch { buffer_size: 4096 },
    ]);
    assert_eq!(tuples(&r), vec![vec![0, 0, 0, 1]]);
    assert_eq!(done_of(&r).unwrap().rows, 1);
    // The extra NFETCH after exhaustion: DONE + COST, no TUPLE.
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::NFetch { buffer_size: 4096 },
    ]);
    assert!(
        matches!(r.as_slice(), [Reply::Done(d), Reply::Cost] if d.rows == 1),
        "{r:?}"
    );
    assert!(
        c.request(&[ClientMessage::StatementId(0), ClientMessage::Close])
            .is_empty()
    );
    c.release();
    // SQ_EXIT: bare in, bare out, then the connection closes.
    c.send_raw(&[0, 0x38]);
    assert_eq!(c.read_reply(), vec![Reply::Exit]);
    assert!(c.reads_eof());
}

#[test]
fn dml_round_trip_and_fetch_batches() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("nologdb"));
    c.exec_ok("CREATE TABLE t (a INTEGER, b VARCHAR(40))");
    for i in 0..500 {
        let r = c.exec_params(
            "INSERT INTO t VALUES (?, ?)",
            vec![p_int(i), p_str(&format!("row number {i}"))],
        );
        assert_eq!(done_of(&r).expect("done").rows, 1, "{r:?}");
    }
    let d = c.exec_ok("UPDATE t SET b = 'x' WHERE a >= 490");
    assert_eq!(d.rows, 10);
    // Fetch with the reference client's 4096-byte buffer: several TUPLEs per reply,
    // no reply over the buffer size.
    c.prepare("SELECT a, b FROM t", 0);
    let mut r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"cur"),
        ClientMessage::Open,
        ClientMessage::StatementId(0),
        ClientMessage::NFetch { buffer_size: 4096 },
    ]);
    let mut total = 0;
    let mut replies = 0;
    while !tuples(&r).is_empty() {
        let t = tuples(&r);
        let bytes: usize = t.iter().map(Vec::len).sum();
        assert!(bytes <= 4096, "batch of {bytes} bytes");
        assert!(t.len() > 50, "batch of only {} rows", t.len());
        total += t.len();
        replies += 1;
        r = c.request(&[
            ClientMessage::StatementId(0),
            ClientMessage::NFetch { buffer_size: 4096 },
        ]);
    }
    assert_eq!(total, 500);
    assert!(replies >= 3, "{replies}");
    c.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
    c.release();
    let rows = c.query("SELECT a, b FROM t WHERE a = ?", vec![p_int(7)]);
    assert_eq!(rows, vec![vec!["7".to_owned(), "row number 7".to_owned()]]);
    let rows = c.query("SELECT b FROM t WHERE a = ?", vec![p_null()]);
    assert!(rows.is_empty());
}

#[test]
fn errors_leave_the_session_usable() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    let r = c.prepare("SELECT * FROM nosuchtable", 0);
    let e = error_of(&r).unwrap();
    assert_eq!(e.sqlcode, -206);
    assert_eq!(r.len(), 1, "SQ_ERR is the last message: {r:?}");
    // A failed PREPARE allocates nothing: the next statement is id 0 again.
    let r = c.prepare("SELECT 1 FROM systables WHERE tabid = 1", 0);
    assert!(matches!(r.first(), Some(Reply::Describe(d)) if d.statement_id == 0));
    c.release();
    // EXECUTE of a SELECT is refused like a real server (-260).
    c.prepare("SELECT 1 FROM systables WHERE tabid = 1", 0);
    let r = c.request(&[ClientMessage::StatementId(0), ClientMessage::Execute]);
    assert_eq!(sqlcode_of(&r), -260);
    c.release();
    // Stray CLOSE/RELEASE before a PREPARE get their own replies.
    let r = c.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
    assert_eq!(sqlcode_of(&r), -267);
    let r = c.request(&[ClientMessage::StatementId(0), ClientMessage::Release]);
    assert!(r.is_empty());
    // Fetch on a statement that was never opened.
    c.prepare("SELECT 1 FROM systables WHERE tabid = 1", 0);
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::NFetch { buffer_size: 4096 },
    ]);
    assert_eq!(sqlcode_of(&r), -400);
    c.release();
    // A statement not released keeps its id: the next PREPARE gets id 1.
    c.prepare("SELECT 1 FROM systables WHERE tabid = 1", 0);
    let r = c.prepare("SELECT 1 FROM systables WHERE tabid = 1", 0);
    assert!(
        matches!(r.first(), Some(Reply::Describe(d)) if d.statement_id == 1),
        "{r:?}"
    );
    let r = c.request(&[ClientMessage::StatementId(1), ClientMessage::Release]);
    assert!(r.is_empty());
    c.release();
    assert_eq!(
        c.query("SELECT 1 FROM systables WHERE tabid = 1", vec![])
            .len(),
        1
    );
}

#[test]
fn transactions_per_mode() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    c.exec_ok("CREATE TABLE tx (a INTEGER)");
    assert!(c.request(&[ClientMessage::Begin]).is_empty());
    c.exec_ok("INSERT INTO tx VALUES (1)");
    assert!(
        c.request(&[ClientMessage::Rollback { savepoint: 0 }])
            .is_empty()
    );
    assert!(c.query("SELECT a FROM tx", vec![]).is_empty());
    assert!(c.request(&[ClientMessage::Begin]).is_empty());
    c.exec_ok("INSERT INTO tx VALUES (2)");
    assert!(c.request(&[ClientMessage::Commit]).is_empty());
    assert_eq!(
        c.query("SELECT a FROM tx", vec![]),
        vec![vec!["2".to_owned()]]
    );
    // Commit with no transaction open.
    assert_ne!(sqlcode_of(&c.request(&[ClientMessage::Commit])), 0);
    // BEGIN after PREPARE, as the reference client does, then BEGIN twice.
    c.prepare("SELECT a FROM tx", 0);
    assert!(c.request(&[ClientMessage::Begin]).is_empty());
    assert_ne!(sqlcode_of(&c.request(&[ClientMessage::Begin])), 0);
    c.release();
    assert!(
        c.request(&[ClientMessage::Rollback { savepoint: 0 }])
            .is_empty()
    );

    let mut u = srv.connect(Some("nologdb"));
    assert_eq!(sqlcode_of(&u.request(&[ClientMessage::Begin])), -201);
}

#[test]
fn pipelined_executemany_1000_pdus() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    c.exec_ok("CREATE TABLE pm (a INTEGER NOT NULL, b VARCHAR(100))");
    c.prepare("INSERT INTO pm VALUES (?, ?)", 2);
    let filler = "y".repeat(90);
    let mut bytes = Vec::new();
    for i in 0..1000 {
        let a = if i == 500 { p_null() } else { p_int(i) };
        for m in [
            ClientMessage::StatementId(0),
            ClientMessage::Bind(vec![a, p_str(&filler)]),
            ClientMessage::Execute,
            ClientMessage::Eot,
        ] {
            m.encode(&mut bytes);
        }
    }
    // Everything is written before anything is read, from a second thread so that the
    // test itself cannot deadlock; the server must keep reading while it replies.
    let mut writer = c.stream_clone();
    let w = std::thread::spawn(move || {
        use std::io::Write;
        writer.write_all(&bytes).unwrap();
    });
    std::thread::sleep(Duration::from_millis(300));
    let mut errors = 0;
    let mut done = 0;
    for _ in 0..1000 {
        let r = c.read_reply();
        if error_of(&r).is_some() {
            errors += 1;
        } else if done_of(&r).map(|d| d.rows) == Some(1) {
            done += 1;
        }
    }
    w.join().unwrap();
    assert_eq!((done, errors), (999, 1));
    c.release();
    let rows = c.query("SELECT count(*) FROM pm", vec![]);
    assert_eq!(rows, vec![vec!["999".to_owned()]]);
}

#[test]
fn scroll_cursor_fetches() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    c.exec_ok("CREATE TABLE sc (a INTEGER)");
    for i in 1..=5 {
        c.exec_params("INSERT INTO sc VALUES (?)", vec![p_int(i * 10)]);
    }
    c.prepare("SELECT a FROM sc ORDER BY a", 0);
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"_ifxc0000000000002"),
        ClientMessage::Scroll,
        ClientMessage::Open,
    ]);
    assert!(r.is_empty(), "{r:?}");
    let sfetch = |c: &mut Client, ty: i16, target: i32| {
        c.request(&[
            ClientMessage::StatementId(0),
            ClientMessage::SFetch {
                scroll_type: ty,
                target,
                buffer_size: 4096,
            },
        ])
    };
    let r = sfetch(&mut c, 4, 0);
    assert_eq!(tuples(&r), vec![50i32.to_be_bytes().to_vec()]);
    assert!(r.contains(&Reply::TupId(5)));
    let r = sfetch(&mut c, 6, 3);
    assert_eq!(tuples(&r), vec![30i32.to_be_bytes().to_vec()]);
    assert!(r.contains(&Reply::TupId(3)));
    let r = sfetch(&mut c, 1, 0);
    assert!(r.contains(&Reply::TupId(4)));
    let r = sfetch(&mut c, 2, 0);
    assert!(r.contains(&Reply::TupId(3)));
    let r = sfetch(&mut c, 3, 0);
    assert!(r.contains(&Reply::TupId(1)));
    let r = sfetch(&mut c, 7, 2);
    assert!(r.contains(&Reply::TupId(3)));
    // Past the end: no TUPLE, no error.
    let r = sfetch(&mut c, 6, 9);
    assert!(tuples(&r).is_empty() && error_of(&r).is_none(), "{r:?}");
    // A second statement addressed at the open scroll cursor's id: -285, then -267.
    let r = c.prepare("SELECT a FROM sc", 0);
    assert!(matches!(r.first(), Some(Reply::Describe(d)) if d.statement_id == 1));
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"other"),
        ClientMessage::Open,
    ]);
    assert_eq!(sqlcode_of(&r), -285);
    assert_eq!(sqlcode_of(&sfetch(&mut c, 6, 1)), -267);
    assert!(
        c.request(&[ClientMessage::StatementId(0), ClientMessage::Close])
            .is_empty()
    );
    c.release();
    assert!(
        c.request(&[ClientMessage::StatementId(1), ClientMessage::Release])
            .is_empty()
    );
}

#[test]
fn byte_values_bind_and_fetch() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    c.exec_ok("CREATE TABLE bl (id INTEGER, data BYTE)");
    let value: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let mut descriptor = vec![0u8; 56];
    descriptor[16..20].copy_from_slice(&(value.len() as i32).to_be_bytes());
    c.prepare("INSERT INTO bl VALUES (?, ?)", 2);
    let mut msgs = vec![
        ClientMessage::StatementId(0),
        ClientMessage::Bind(vec![p_int(1), p_raw(11, 0, descriptor)]),
        ClientMessage::BlobBind { count: 1 },
    ];
    for chunk in value.chunks(1024) {
        msgs.push(ClientMessage::Blob(chunk));
    }
    msgs.push(ClientMessage::Blob(&[]));
    msgs.push(ClientMessage::Execute);
    let r = c.request(&msgs);
    assert_eq!(done_of(&r).map(|d| d.rows), Some(1), "{r:?}");
    c.release();
    c.prepare("SELECT id, data FROM bl", 0);
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"c"),
        ClientMessage::Open,
        ClientMessage::StatementId(0),
        ClientMessage::NFetch { buffer_size: 4096 },
    ]);
    let t = tuples(&r);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].len(), 4 + 56);
    let desc = t[0][4..].to_vec();
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::FetchBlob(&desc),
    ]);
    let mut got = Vec::new();
    for m in &r {
        if let Reply::Blob(b) = m {
            got.extend_from_slice(b);
        }
    }
    assert_eq!(r.last(), Some(&Reply::Blob(Vec::new())));
    assert_eq!(got, value);
    c.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
    c.release();
}

#[test]
fn unknown_message_gets_408_then_close() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    c.send_raw(&[0x00, 0x7b, 0x00, 0x0c]);
    let r = c.read_reply();
    assert_eq!(sqlcode_of(&r), -408);
    assert!(c.reads_eof());
    // The server is still fine.
    let mut c = srv.connect(Some("testdb"));
    assert_eq!(
        c.query("SELECT 1 FROM systables WHERE tabid = 1", vec![])
            .len(),
        1
    );
}

#[test]
fn abrupt_disconnect_rolls_back() {
    let srv = Server::start(&[]);
    let mut a = srv.connect(Some("testdb"));
    a.exec_ok("CREATE TABLE ab (a INTEGER)");
    assert!(a.request(&[ClientMessage::Begin]).is_empty());
    a.exec_ok("INSERT INTO ab VALUES (1)");
    // Half a message, then gone.
    a.send_raw(&[0x00, 0x02, 0x00]);
    drop(a);
    let mut ctl = srv.control();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while ctl.ok("sessions").contains("testdb") {
        assert!(std::time::Instant::now() < deadline, "session did not end");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut b = srv.connect(Some("testdb"));
    assert!(b.query("SELECT a FROM ab", vec![]).is_empty());
}

#[test]
fn sigterm_rolls_back_and_exits_zero() {
    let mut srv = Server::start(&["--data-dir", &tempdir("sigterm")]);
    let mut c = srv.connect(Some("testdb"));
    c.exec_ok("CREATE TABLE st (a INTEGER)");
    assert!(c.request(&[ClientMessage::Begin]).is_empty());
    c.exec_ok("INSERT INTO st VALUES (1)");
    srv.signal("TERM");
    assert_eq!(srv.wait_exit(Duration::from_secs(15)), Some(0));
    assert!(c.reads_eof());
}

#[test]
fn unknown_argument_is_a_usage_error() {
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_informix-testserver"))
        .arg("--bogus")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(2));
}

fn tempdir(tag: &str) -> String {
    let dir = std::env::temp_dir().join(format!(
        "ifx-testserver-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.to_string_lossy().into_owned()
}

/// The messages IBM JDBC 4.50 sends beyond the reference driver's set (see
/// docs/protocol.md, "What IBM JDBC sends"): SQ_COMMAND, SQ_CIDESCRIBE, SQ_RET_TYPE,
/// BIND of LVARCHAR/BOOLEAN with type names, savepoint messages, SQ_AUTOFREE.
#[test]
fn ibm_jdbc_messages() {
    use informix_protocol::message::{BindParam, ReturnType};
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    // SQ_COMMAND + NDESCRIBE + EXECUTE + RELEASE in one request.
    let r = c.request(&[
        ClientMessage::Command {
            param_count: 0,
            sql: b"CREATE TABLE jt (k INT, lv LVARCHAR(100), b BOOLEAN, d DECIMAL(15,0))",
        },
        ClientMessage::NDescribe,
        ClientMessage::Execute,
        ClientMessage::Release,
    ]);
    assert!(
        matches!(r.as_slice(), [Reply::Describe(d), Reply::Done(_), Reply::Cost] if d.statement_type == 14),
        "{r:?}"
    );
    // A failing EXECUTE still honours the RELEASE queued behind it: id 0 is free again.
    let r = c.request(&[
        ClientMessage::Command {
            param_count: 0,
            sql: b"CREATE TABLE jt (k INT)",
        },
        ClientMessage::NDescribe,
        ClientMessage::Execute,
        ClientMessage::Release,
    ]);
    assert_eq!(sqlcode_of(&r), -310, "{r:?}");
    // SQ_CIDESCRIBE: the parameters' types.
    let r = c.prepare("INSERT INTO jt VALUES (?, ?, ?, ?)", 4);
    assert!(
        matches!(r.first(), Some(Reply::Describe(d)) if d.statement_id == 0),
        "{r:?}"
    );
    let r = c.request(&[ClientMessage::StatementId(0), ClientMessage::DescribeInput]);
    let [Reply::InputDescribe(d)] = r.as_slice() else {
        panic!("{r:?}")
    };
    let types: Vec<u16> = d.params.iter().map(|p| p.type_code & 0xFF).collect();
    assert_eq!(types, vec![2, 40, 41, 5]);
    assert_eq!(d.params[2].extended_name, "boolean");
    // LVARCHAR (43) and BOOLEAN (45) as JDBC binds them: owner/name, i32-counted value.
    let bind = |k: i32, b: u8| {
        vec![
            p_int(k),
            BindParam {
                type_code: 43,
                data: b"\0\0\0\x05hello",
                ..BindParam::default()
            },
            BindParam {
                type_code: 45,
                prec: 1,
                data: if b == 1 {
                    &[0, 0, 0, 1, 1]
                } else {
                    &[0, 0, 0, 1, 0]
                },
                owner: b"informix",
                type_name: b"boolean",
                ..BindParam::default()
            },
            p_raw(5, 0, vec![0, 2, 0xc1, 0]),
        ]
    };
    for (k, b) in [(1, 1), (2, 0)] {
        let r = c.request(&[
            ClientMessage::StatementId(0),
            ClientMessage::Bind(bind(k, b)),
            ClientMessage::Execute,
        ]);
        assert_eq!(done_of(&r).expect("done").rows, 1, "{r:?}");
    }
    c.release();
    // Without SQ_RET_TYPE BOOLEAN comes back as 't'/'f'; with type 45 asked, as 1/0,
    // also when the request arrives after OPEN (as JDBC sends it). Zero DECIMAL is c1 00….
    let rows = c.query("SELECT lv, b FROM jt ORDER BY k", vec![]);
    assert_eq!(rows[0], vec!["hello".to_owned(), "t".to_owned()]);
    c.prepare("SELECT b, d FROM jt ORDER BY k", 0);
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"c1"),
        ClientMessage::Open,
    ]);
    assert!(r.is_empty(), "{r:?}");
    let ret = ClientMessage::ReturnTypes {
        direction: 1,
        columns: vec![
            ReturnType {
                type_code: 45,
                owner: b"informix",
                name: b"boolean",
                length: 1,
            },
            ReturnType {
                type_code: 5,
                owner: b"",
                name: b"",
                length: 0x0f00,
            },
        ],
    };
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ret,
        ClientMessage::NFetch { buffer_size: 4096 },
    ]);
    let zero = [0xc1, 0, 0, 0, 0, 0, 0, 0, 0];
    let row = |b: u8| [&[0, 0, 0, 0, 1, b][..], &zero[..]].concat();
    assert_eq!(tuples(&r), vec![row(1), row(0)]);
    // The types stay with the statement: a second OPEN encodes the same way.
    c.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"c1"),
        ClientMessage::Open,
        ClientMessage::StatementId(0),
        ClientMessage::NFetch { buffer_size: 4096 },
    ]);
    assert_eq!(tuples(&r), vec![row(1), row(0)]);
    // SQ_AUTOFREE: CLOSE frees the statement, so RELEASE finds nothing and CLOSE -267.
    let r = c.request(&[
        ClientMessage::StatementId(0),
        ClientMessage::AutoFree,
        ClientMessage::StatementId(0),
        ClientMessage::Close,
    ]);
    assert!(r.is_empty(), "{r:?}");
    let r = c.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
    assert_eq!(sqlcode_of(&r), -267);
    // Savepoints as messages.
    assert!(c.request(&[ClientMessage::Begin]).is_empty());
    c.exec_ok("DELETE FROM jt WHERE k = 1");
    let r = c.request(&[ClientMessage::SetSavepoint {
        name: b"sp1",
        unique: 0,
    }]);
    assert!(r.is_empty(), "{r:?}");
    c.exec_ok("DELETE FROM jt WHERE k = 2");
    assert!(
        c.request(&[ClientMessage::RollbackSavepoint(b"sp1")])
            .is_empty()
    );
    assert!(
        c.request(&[ClientMessage::ReleaseSavepoint(b"sp1")])
            .is_empty()
    );
    assert!(c.request(&[ClientMessage::Commit]).is_empty());
    let rows = c.query("SELECT k FROM jt", vec![]);
    assert_eq!(rows, vec![vec!["2".to_owned()]]);
    // Generated keys (SQ_SGKPREPARE): SQ_SGKDESCRIBE after the DESCRIBE, and one
    // SQ_SGKTUPLE per EXECUTE ahead of its DONE.
    c.exec_ok("CREATE TABLE gk (id SERIAL, v INT)");
    let r = c.request(&[
        ClientMessage::Prepare {
            param_count: 1,
            sql: b"INSERT INTO gk (v) VALUES (?)",
        },
        ClientMessage::GeneratedKeys {
            mode: 1,
            positions: vec![],
            names: vec![],
        },
        ClientMessage::NDescribe,
        ClientMessage::WantDone,
    ]);
    let [
        Reply::Describe(_),
        Reply::KeysDescribe(k),
        Reply::Done(_),
        Reply::Cost,
    ] = r.as_slice()
    else {
        panic!("{r:?}")
    };
    assert_eq!(k.columns.len(), 1);
    assert_eq!(
        (k.columns[0].name.as_str(), k.columns[0].type_code),
        ("id", 0x106)
    );
    for expect in 1..=2u8 {
        let r = c.request(&[
            ClientMessage::StatementId(0),
            ClientMessage::Bind(vec![p_int(7)]),
            ClientMessage::Execute,
        ]);
        assert!(
            matches!(r.as_slice(), [Reply::KeysTuple(t), Reply::Done(d), Reply::Cost] if t == &[0, 0, 0, expect] && d.serial == i32::from(expect)),
            "{r:?}"
        );
    }
    c.release();
    // SQ_VERSION (IBM JDBC's isValid ping): the internal version.
    let r = c.request(&[ClientMessage::Version]);
    assert!(
        matches!(r.as_slice(), [Reply::Version(v)] if v == b"15.0.1.0.3"),
        "{r:?}"
    );
    // SQ_INFO's bare request is accepted.
    let r = c.request(&[ClientMessage::Info {
        subtype: 1,
        pairs: vec![],
    }]);
    assert!(r.is_empty(), "{r:?}");
}
