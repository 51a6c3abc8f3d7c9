//! SET / MULTISET / LIST / ROW over the wire: DESCRIBE base types and extended names,
//! and the exact tuple bytes (opaque envelope with a textual body, NULL `01 00 00 00 00`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

fn envelope(body: &[u8]) -> Vec<u8> {
    let mut v = vec![0u8];
    v.extend_from_slice(&(body.len() as i32).to_be_bytes());
    v.extend_from_slice(body);
    v
}

#[test]
fn complex_columns_on_the_wire() {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some("testdb"));
    c.exec_ok(
        "CREATE TABLE cw (id INT, s SET(INT NOT NULL), m MULTISET(SMALLINT NOT NULL), \
         l LIST(VARCHAR(5) NOT NULL), r ROW(a INT, b VARCHAR(10)), v VARCHAR(5))",
    );
    c.exec_ok(
        "INSERT INTO cw VALUES (1, SET{1,2}, MULTISET{7,7}, LIST{'x','y'}, ROW(30,'Alice'), 'xyz')",
    );
    c.exec_ok("INSERT INTO cw VALUES (2, NULL, NULL, NULL, NULL, 'xyz')");
    let (d, rows) = c
        .query_raw("SELECT s, m, l, r, v FROM cw ORDER BY id", vec![])
        .unwrap();
    let meta: Vec<(u16, &str)> = d
        .columns
        .iter()
        .map(|c| (c.type_code & 0xff, c.extended_name.as_str()))
        .collect();
    assert_eq!(
        meta,
        vec![
            (19, "SET(integer not null)"),
            (20, "MULTISET(smallint not null)"),
            (21, "LIST(varchar(5) not null)"),
            (22, "ROW(a integer,b varchar(10))"),
            (13, ""),
        ]
    );
    let mut want = Vec::new();
    want.extend(envelope(b"SET{1          ,2          }"));
    want.extend(envelope(b"MULTISET{7     ,7     }"));
    want.extend(envelope(b"LIST{'x','y'}"));
    want.extend(envelope(b"ROW(30         ,'Alice')"));
    want.extend([3, b'x', b'y', b'z']);
    assert_eq!(rows[0], want);
    let mut want = Vec::new();
    for _ in 0..4 {
        want.extend([1, 0, 0, 0, 0]);
    }
    want.extend([3, b'x', b'y', b'z']);
    assert_eq!(rows[1], want);
}
