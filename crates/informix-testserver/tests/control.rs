//! The control channel: session listing, counters, kill, delay, refuse, cut, reset;
//! and the TLS listener.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use informix_protocol::login::LoginResponse;
use informix_protocol::message::ClientMessage;

#[test]
fn sessions_and_round_trip_counters() {
    let srv = Server::start(&[]);
    let mut ctl = srv.control();
    assert_eq!(ctl.ok("ping"), "\"pong\"");
    assert_eq!(ctl.ok("sessions"), "[]");
    let mut c = srv.connect(Some("testdb"));
    let id = session_id(&mut ctl, &c);
    let before = ctl.ok(&format!("counters {id}"));
    assert!(before.contains("\"user\":\"informix\""), "{before}");
    assert!(before.contains("\"database\":\"testdb\""), "{before}");
    // login + PROTOCOLS + INFO + DBOPEN
    assert_eq!(json_num(&before, "round_trips"), 4);
    // A one-row SELECT as the reference client runs it: PREPARE, OPEN+NFETCH,
    // NFETCH, CLOSE, RELEASE = 5 round trips.
    c.query("SELECT 1 FROM systables WHERE tabid = 1", vec![]);
    let after = ctl.ok(&format!("counters {id}"));
    assert_eq!(
        json_num(&after, "round_trips") - json_num(&before, "round_trips"),
        5
    );
    assert!(json_num(&after, "bytes_in") > json_num(&before, "bytes_in"));
    assert!(json_num(&after, "bytes_out") > json_num(&before, "bytes_out"));
    assert!(json_num(&after, "messages") > json_num(&before, "messages"));
    assert_eq!(json_num(&after, "requests"), 9);
    assert!(after.contains("\"in_transaction\":false"));
    assert!(c.request(&[ClientMessage::Begin]).is_empty());
    assert!(
        ctl.ok(&format!("counters {id}"))
            .contains("\"in_transaction\":true")
    );
    let totals = ctl.ok("counters");
    assert_eq!(json_num(&totals, "sessions_live"), 1);
    ctl.ok("reset");
    assert_eq!(
        json_num(&ctl.ok(&format!("counters {id}")), "round_trips"),
        0
    );
    assert!(ctl.cmd("frobnicate").starts_with("err "));
    assert!(ctl.cmd("counters 999").starts_with("err "));
    assert!(ctl.cmd("kill x").starts_with("err "));
}

#[test]
fn kill_rolls_back_and_closes() {
    let srv = Server::start(&[]);
    let mut ctl = srv.control();
    let mut a = srv.connect(Some("testdb"));
    a.exec_ok("CREATE TABLE k (a INTEGER)");
    assert!(a.request(&[ClientMessage::Begin]).is_empty());
    a.exec_ok("INSERT INTO k VALUES (1)");
    let id = session_id(&mut ctl, &a);
    let r = ctl.ok(&format!("kill {id}"));
    assert_eq!(json_num(&r, "killed"), 1);
    assert!(a.reads_eof());
    assert!(ctl.ok("sessions all").contains("\"state\":\"closed\""));
    let mut b = srv.connect(Some("testdb"));
    assert!(b.query("SELECT a FROM k", vec![]).is_empty());
    let _c = srv.connect(Some("testdb"));
    assert_eq!(json_num(&ctl.ok("kill all"), "killed"), 2);
}

#[test]
fn delay_refuse_and_cut() {
    let srv = Server::start(&[]);
    let mut ctl = srv.control();
    let mut c = srv.connect(Some("testdb"));
    ctl.ok("delay 150");
    let t = Instant::now();
    c.query("SELECT 1 FROM systables WHERE tabid = 1", vec![]);
    assert!(
        t.elapsed() >= Duration::from_millis(5 * 150),
        "{:?}",
        t.elapsed()
    );
    ctl.ok("delay 0");

    ctl.ok("refuse -27002");
    match Client::login(srv.sqli, "informix", Some("in4mix"), "informix") {
        Err(LoginResponse::Rejected { sqlcode, .. }) => assert_eq!(sqlcode, -27002),
        _ => panic!("login not refused"),
    }
    ctl.ok("refuse off");
    srv.connect(None);

    // cut <id> <n>: n more requests are answered, the next one is not.
    let id = session_id(&mut ctl, &c);
    ctl.ok(&format!("cut {id} 2"));
    let r = c.prepare("SELECT 1 FROM systables WHERE tabid = 1", 0);
    assert!(error_of(&r).is_none());
    c.release();
    c.send(&[ClientMessage::StatementId(0), ClientMessage::Release]);
    assert!(c.reads_eof());

    // cut next <n>: applies to the next new session (login counts as no request).
    ctl.ok("cut next 2");
    let mut d = Client::login(srv.sqli, "informix", Some("in4mix"), "informix").unwrap();
    d.handshake();
    d.send(&[ClientMessage::DbOpen {
        name: b"testdb",
        mode: 0,
    }]);
    assert!(d.reads_eof());
}

#[test]
fn tls_listener_speaks_the_same_protocol() {
    let dir = std::env::temp_dir().join(format!("ifx-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let srv = Server::start(&[
        "--tls-listen",
        "127.0.0.1:0",
        "--tls-cert",
        cert_path.to_str().unwrap(),
        "--tls-key",
        key_path.to_str().unwrap(),
    ]);
    let addr = srv.tls.expect("TLS listener");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn =
        rustls::ClientConnection::new(Arc::new(config), "localhost".try_into().unwrap()).unwrap();
    let tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let local = tcp.local_addr().unwrap();
    let tls = rustls::StreamOwned::new(conn, tcp);
    let mut c = Client::login_over(
        Box::new(tls),
        local,
        "informix",
        Some("in4mix"),
        "informix",
        None,
    )
    .expect("login over TLS");
    c.handshake();
    let r = c.request(&[ClientMessage::DbOpen {
        name: b"testdb",
        mode: 0,
    }]);
    assert!(error_of(&r).is_none());
    c.exec_ok("CREATE TABLE tl (a INTEGER, b VARCHAR(200))");
    // Enough data to need many TLS records both ways.
    for i in 0..300 {
        c.exec_params(
            "INSERT INTO tl VALUES (?, ?)",
            vec![p_int(i), p_str(&"z".repeat(150))],
        );
    }
    let rows = c.query("SELECT a, b FROM tl", vec![]);
    assert_eq!(rows.len(), 300);
    let mut ctl = srv.control();
    assert!(ctl.ok("sessions").contains("\"tls\":true"));
}
