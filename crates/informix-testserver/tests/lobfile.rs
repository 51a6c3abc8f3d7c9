//! Smart LOBs through client files: `filetoblob(..., 'client')` reads a file from the
//! client with SQ_FILE during EXECUTE, `lotofile(..., 'client')` writes one during the fetch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use informix_protocol::message::ClientMessage;

const SQ_FILE: i16 = 98;

/// Expects `SQ_FILE op`; returns nothing (the op-specific body is read by the caller).
fn expect_file_op(c: &mut Client, op: i16) {
    assert_eq!(c.take_i16(), SQ_FILE);
    assert_eq!(c.take_i16(), op);
}

#[test]
fn filetoblob_and_lotofile_exchange() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    c.exec_ok("CREATE TABLE lf (id INTEGER, b BLOB)");
    let content: Vec<u8> = (0..40_000u32).map(|i| (i % 253) as u8).collect();

    let r = c.prepare(
        "INSERT INTO lf VALUES (?, filetoblob('/tmp/in', 'client'))",
        1,
    );
    assert!(error_of(&r).is_none(), "{r:?}");
    c.send(&[
        ClientMessage::StatementId(0),
        ClientMessage::Bind(vec![p_int(7)]),
        ClientMessage::Execute,
    ]);
    // open
    expect_file_op(&mut c, 0);
    assert_eq!(c.take_pstr(), b"/tmp/in");
    c.take(12);
    assert_eq!(c.take_i16(), 12);
    c.send_raw(&[0, 12]);
    // read from client
    expect_file_op(&mut c, 2);
    let buf = c.take_i16() as u16 as usize;
    assert!(buf > 0);
    assert_eq!(c.take_i32(), -1);
    assert_eq!(c.take_i16(), 12);
    let mut reply = vec![0, 106];
    reply.extend_from_slice(&(content.len() as i32).to_be_bytes());
    for chunk in content.chunks(buf) {
        reply.extend_from_slice(&[0, 106]);
        reply.extend_from_slice(&(chunk.len() as i16).to_be_bytes());
        reply.extend_from_slice(chunk);
        if chunk.len() % 2 == 1 {
            reply.push(0);
        }
    }
    reply.extend_from_slice(&[0, 12]);
    c.send_raw(&reply);
    // close
    expect_file_op(&mut c, 1);
    assert_eq!(c.take_i16(), 12);
    c.send_raw(&[0, 12]);
    let r = c.read_reply();
    assert_eq!(done_of(&r).map(|d| d.rows), Some(1), "{r:?}");
    c.release();

    let r = c.prepare("SELECT id, lotofile(b, '/tmp/out', 'client') FROM lf", 0);
    let Some(Reply::Describe(d)) = r.first() else {
        panic!("{r:?}")
    };
    assert_eq!(d.columns[1].type_code & 0xff, 40);
    assert_eq!(d.columns[1].extended_name, "lvarchar");
    c.send(&[
        ClientMessage::StatementId(0),
        ClientMessage::CursorName(b"c"),
        ClientMessage::Open,
        ClientMessage::StatementId(0),
        ClientMessage::NFetch { buffer_size: 4096 },
    ]);
    expect_file_op(&mut c, 0);
    let name = String::from_utf8(c.take_pstr()).unwrap();
    assert!(name.starts_with("/tmp/out"), "{name}");
    c.take(12);
    assert_eq!(c.take_i16(), 12);
    c.send_raw(&[0, 12]);
    expect_file_op(&mut c, 3);
    let mut got = Vec::new();
    loop {
        match c.take_i16() {
            107 => got.extend(c.take_pstr()),
            12 => break,
            other => panic!("tag {other}"),
        }
    }
    assert_eq!(got, content);
    let mut ack = vec![0, 107];
    ack.extend_from_slice(&(got.len() as i32).to_be_bytes());
    ack.extend_from_slice(&[0, 12]);
    c.send_raw(&ack);
    expect_file_op(&mut c, 1);
    assert_eq!(c.take_i16(), 12);
    c.send_raw(&[0, 12]);
    let r = c.read_reply();
    let rows = decode_rows(d, &tuples(&r));
    assert_eq!(rows, vec![vec!["7".to_owned(), name]]);
    c.request(&[ClientMessage::StatementId(0), ClientMessage::Close]);
    c.release();
}
