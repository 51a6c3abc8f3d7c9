//! DDL, DML and SELECT round trips of every type: binds in the client's own encodings,
//! literals, NULLs, DESCRIBE metadata and exact tuple widths.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use informix_protocol::codec::{self, Decimal, Qualifier};
use informix_protocol::message::{BindParam, ClientMessage};

fn p_bigint(v: i64) -> BindParam<'static> {
    p_raw(52, 0x1300, v.to_be_bytes().to_vec())
}

fn p_int8(v: i64) -> BindParam<'static> {
    let mut b = Vec::new();
    codec::encode_int8(Some(v), &mut b);
    p_raw(17, 0, b)
}

fn p_float(v: f64) -> BindParam<'static> {
    p_raw(3, 0, v.to_be_bytes().to_vec())
}

fn p_real(v: f32) -> BindParam<'static> {
    p_raw(4, 0, v.to_be_bytes().to_vec())
}

fn p_date(days: i32) -> BindParam<'static> {
    p_raw(7, 0, days.to_be_bytes().to_vec())
}

fn p_decimal(s: &str) -> BindParam<'static> {
    let d: Decimal = s.parse().unwrap();
    let mut b = Vec::new();
    let prec = codec::decimal::encode_bind(&d, &mut b).unwrap();
    p_raw(5, prec as i16, b)
}

fn p_datetime(text: &str, q: &str) -> BindParam<'static> {
    let q = Qualifier::parse_sql(q, false).unwrap();
    let v = codec::parse_datetime(text, &q).unwrap();
    let mut b = Vec::new();
    codec::encode_datetime_bind(&v, &q, &mut b).unwrap();
    p_raw(10, q.encoded() as i16, b)
}

fn p_interval(text: &str, q: &str) -> BindParam<'static> {
    let q = Qualifier::parse_sql(q, true).unwrap();
    let v = codec::parse_interval(text, &q).unwrap();
    let mut b = Vec::new();
    codec::encode_interval_bind(&v, &q, &mut b).unwrap();
    p_raw(14, q.encoded() as i16, b)
}

const CREATE: &str = "CREATE TABLE alltypes (
    s SERIAL NOT NULL, si SMALLINT, i INTEGER, bi BIGINT, i8 INT8, f FLOAT, sf SMALLFLOAT,
    d DECIMAL(10,2), m MONEY(8,2), dt DATE, ts DATETIME YEAR TO SECOND,
    iv INTERVAL DAY(3) TO SECOND, c CHAR(5), nc NCHAR(4), vc VARCHAR(20), nvc NVARCHAR(10),
    lv LVARCHAR(100), b BOOLEAN)";

const COLUMNS: &str = "s, si, i, bi, i8, f, sf, d, m, dt, ts, iv, c, nc, vc, nvc, lv, b";

fn run(db: &str) {
    let srv = Server::start(&[]);
    let mut c = srv.connect(Some(db));
    c.exec_ok(CREATE);
    let insert = "INSERT INTO alltypes (si, i, bi, i8, f, sf, d, m, dt, ts, iv, c, nc, vc, nvc, lv, b) \
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    let r = c.exec_params(
        insert,
        vec![
            p_int(-7),
            p_int(123_456),
            p_bigint(9_000_000_000),
            p_int8(-123_456_789_012),
            p_float(1.5),
            p_real(2.25),
            p_decimal("123.45"),
            p_str("9.99"),
            p_date(45292),
            p_datetime("2024-01-02 03:04:05", "YEAR TO SECOND"),
            p_interval("1 02:03:04", "DAY(3) TO SECOND"),
            p_str("ab"),
            p_str("xy"),
            p_str("hello "),
            p_str("nv"),
            p_str("long text"),
            p_str("t"),
        ],
    );
    let d = done_of(&r).unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!((d.rows, d.serial), (1, 1));
    let nulls = vec![p_null(); 17];
    let r = c.exec_params(insert, nulls);
    assert_eq!(
        done_of(&r).map(|d| (d.rows, d.serial)),
        Some((1, 2)),
        "{r:?}"
    );
    c.exec_ok(
        "INSERT INTO alltypes (si, i, d, dt, ts, c, vc, b) VALUES \
         (1, 2, -0.5, '2024-01-02', DATETIME(2023-12-31 23:59:59) YEAR TO SECOND, 'abcdef', '', 'f')",
    );

    let (desc, rows) = c
        .query_raw(
            &format!("SELECT {COLUMNS} FROM alltypes ORDER BY s"),
            vec![],
        )
        .unwrap();
    let types: Vec<(u8, u16)> = desc
        .columns
        .iter()
        .map(|c| ((c.type_code & 0xff) as u8, c.encoded_length))
        .collect();
    assert_eq!(
        types,
        vec![
            (6, 4),
            (1, 2),
            (2, 4),
            (52, 8),
            (17, 10),
            (3, 8),
            (4, 4),
            (5, 0x0a02),
            (8, 0x0802),
            (7, 4),
            (10, 0x0e0a),
            (14, 0x094a),
            (0, 5),
            (15, 4),
            (13, 20),
            (16, 10),
            (40, 100),
            (41, 1),
        ]
    );
    assert_eq!(
        desc.columns[0].type_code & 0x100,
        0x100,
        "SERIAL is NOT NULL"
    );
    assert_eq!(desc.columns[16].extended_name, "lvarchar");
    assert_eq!(desc.columns[17].extended_id, 5);
    let names: Vec<&str> = desc.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, COLUMNS.split(", ").collect::<Vec<_>>());
    let got = decode_rows(&desc, &rows);
    let row = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        got[0],
        row(&[
            "1",
            "-7",
            "123456",
            "9000000000",
            "-123456789012",
            "1.5",
            "2.25",
            "123.45",
            "9.99",
            "date:45292",
            "2024-01-02 03:04:05",
            "  1 02:03:04",
            "ab   ",
            "xy  ",
            "hello ",
            "nv",
            "long text",
            "t",
        ])
        .into_iter()
        .enumerate()
        .map(|(i, s)| if i == 11 { got[0][11].clone() } else { s })
        .collect::<Vec<_>>()
    );
    assert!(
        got[0][11].trim_start().starts_with("1 02:03:04"),
        "{}",
        got[0][11]
    );
    let mut expect_nulls = vec!["NULL".to_owned(); 18];
    expect_nulls[0] = "2".into();
    assert_eq!(got[1], expect_nulls);
    assert_eq!(got[2][7], "-0.5");
    assert_eq!(got[2][9], "date:45292");
    assert_eq!(got[2][10], "2023-12-31 23:59:59");
    assert_eq!(got[2][12], "abcde", "CHAR(5) keeps 5 characters");
    assert_eq!(got[2][14], "");
    assert_eq!(got[2][17], "f");

    // Parameters in WHERE, of several types.
    let rows = c.query(
        "SELECT i FROM alltypes WHERE d = ? AND vc = ? AND dt = ?",
        vec![p_decimal("123.45"), p_str("hello "), p_date(45292)],
    );
    assert_eq!(rows, vec![vec!["123456".to_owned()]]);
    // DBINFO as the reference client asks for the version.
    let rows = c.query(
        "SELECT FIRST 1 DBINFO('version','full') FROM systables",
        vec![],
    );
    assert!(rows[0][0].contains("Informix"), "{rows:?}");
    let r = c.request(&[ClientMessage::StatementId(0), ClientMessage::Release]);
    assert!(r.is_empty());
}

#[test]
fn every_type_logged() {
    run("testdb");
}

#[test]
fn every_type_unlogged() {
    run("nologdb");
}
