//! Engine-level tests: sessions, SQL, types, errors, transactions, locks.

use super::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

const VERSION: &str = "IBM Informix Dynamic Server Version 15.0.1.0.3DE";

fn engine() -> Arc<Engine> {
    Engine::new(EngineConfig {
        data_dir: None,
        databases: vec![
            ("testdb".into(), DbMode::Logged),
            ("nolog".into(), DbMode::Unlogged),
            ("ansidb".into(), DbMode::Ansi),
        ],
        server_version_full: VERSION.into(),
    })
    .unwrap_or_else(|e| panic!("engine: {e}"))
}

fn sess(e: &Arc<Engine>, db: &str) -> Session {
    e.open_session(db, "tester")
        .unwrap_or_else(|e| panic!("open: {e}"))
}

fn run(
    s: &mut Session,
    sql: &str,
    params: &[Param],
) -> Result<(ExecResult, Vec<Vec<Cell>>, Prepared), SqlError> {
    let p = s.prepare(sql)?;
    if p.is_query {
        let rows = s.query(&p, params)?;
        Ok((ExecResult::default(), rows, p))
    } else {
        let r = s.execute(&p, params)?;
        Ok((r, Vec::new(), p))
    }
}

fn exec(s: &mut Session, sql: &str) -> ExecResult {
    exec_p(s, sql, &[])
}

fn exec_p(s: &mut Session, sql: &str, params: &[Param]) -> ExecResult {
    match run(s, sql, params) {
        Ok((r, _, _)) => r,
        Err(e) => panic!("{sql}: {e}"),
    }
}

fn q(s: &mut Session, sql: &str) -> Vec<Vec<Cell>> {
    q_p(s, sql, &[])
}

fn q_p(s: &mut Session, sql: &str, params: &[Param]) -> Vec<Vec<Cell>> {
    match run(s, sql, params) {
        Ok((_, rows, _)) => rows,
        Err(e) => panic!("{sql}: {e}"),
    }
}

fn err(s: &mut Session, sql: &str) -> (i32, i32) {
    err_p(s, sql, &[])
}

fn err_p(s: &mut Session, sql: &str, params: &[Param]) -> (i32, i32) {
    match run(s, sql, params) {
        Ok(_) => panic!("{sql}: expected an error"),
        Err(e) => (e.sqlcode, e.isam),
    }
}

fn full_err(s: &mut Session, sql: &str) -> SqlError {
    match run(s, sql, &[]) {
        Ok(_) => panic!("{sql}: expected an error"),
        Err(e) => e,
    }
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn one(s: &mut Session, sql: &str) -> Cell {
    let rows = q(s, sql);
    assert_eq!(rows.len(), 1, "{sql}");
    rows[0][0].clone()
}

#[test]
fn health_check_and_version_queries() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    let p = s
        .prepare("SELECT 1 FROM systables WHERE tabid = 1")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(p.is_query);
    assert_eq!(p.statement_type, 2);
    assert_eq!(p.columns.len(), 1);
    assert_eq!(p.columns[0].name, "(constant)");
    assert_eq!(p.columns[0].coltype & 0xFF, 2);
    assert_eq!(s.query(&p, &[]), Ok(vec![vec![Cell::Int(1)]]));
    let p = s
        .prepare("SELECT FIRST 1 DBINFO('version','full') FROM systables")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(p.columns[0].coltype & 0xFF, 0 | 13 | 40));
    assert_eq!(s.query(&p, &[]), Ok(vec![vec![t(VERSION)]]));
    assert_eq!(
        one(
            &mut s,
            "select dbinfo('version','major') from systables where tabid=1"
        ),
        t("15")
    );
    assert_eq!(
        one(
            &mut s,
            "select dbinfo('dbname') from systables where tabid=1"
        ),
        t("testdb")
    );
}

#[test]
fn catalog_has_realistic_rows() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    let n = match one(&mut s, "select count(*) from systables where tabid < 100") {
        Cell::Int(n) => n,
        c => panic!("{c:?}"),
    };
    assert!(n >= 25, "{n}");
    let rows = q(
        &mut s,
        "SELECT COUNT(*) FROM systables a, systables b, systables c WHERE a.tabid > 0",
    );
    assert_eq!(rows, vec![vec![Cell::Int(n * n * n)]]);
    assert_eq!(
        one(&mut s, "select tabname from systables where tabid = 1"),
        t("systables")
    );
    assert_eq!(
        one(&mut s, "select tabname from systables where tabid = 2"),
        t("syscolumns")
    );
    exec(&mut s, "create table t1 (a int)");
    assert_eq!(
        one(&mut s, "select tabid from systables where tabname = 't1'"),
        Cell::Int(100)
    );
    exec(&mut s, "create table t2 (a int)");
    assert_eq!(
        one(&mut s, "select max(tabid) from systables"),
        Cell::Int(101)
    );
    let rows = q(
        &mut s,
        "select colname, colno, coltype, collength from syscolumns where tabid = 100",
    );
    assert_eq!(
        rows,
        vec![vec![t("a"), Cell::Int(1), Cell::Int(2), Cell::Int(4)]]
    );
    // The catalog column itself is described with its Informix type.
    let p = s
        .prepare("select tabname, owner, tabid, created from systables")
        .unwrap_or_else(|e| panic!("{e}"));
    let codes: Vec<u16> = p.columns.iter().map(|c| c.coltype & 0xFF).collect();
    assert_eq!(codes, vec![13, 0, 6, 7]);
    assert!(one(&mut s, "select count(*) from sysmaster:sysdatabases") != Cell::Int(0));
    assert_eq!(
        one(&mut s, "select count(*) from sysmaster:sysdual"),
        Cell::Int(1)
    );
    assert_eq!(
        one(
            &mut s,
            "select is_ansi from sysmaster:sysdatabases where name = 'ansidb'"
        ),
        Cell::Int(1)
    );
}

#[test]
fn describe_types_and_names() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(
        &mut s,
        "create table ty (id serial not null, c char(10), vc varchar(100,10), lv lvarchar, lv2 lvarchar(500), si smallint, i int, i8 int8, bi bigint, \
         f float, sf smallfloat, d decimal(12,2), dflt decimal, m money, m8 money(8), dt date, ts datetime year to second, \
         tf datetime year to fraction(3), hm datetime hour to minute, iv interval day(3) to minute, ym interval year to month, \
         b boolean, s8 serial8, by byte, tx text, nc nchar(5), nv nvarchar(20))",
    );
    let p = s
        .prepare("select * from ty")
        .unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<(String, u16, u16, i32, String)> = p
        .columns
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.coltype,
                c.collength,
                c.extended_id,
                c.extended_name.clone(),
            )
        })
        .collect();
    let want: Vec<(&str, u16, u16, i32, &str)> = vec![
        ("id", 0x106, 4, 0, ""),
        ("c", 0, 10, 0, ""),
        ("vc", 13, 2660, 0, ""),
        ("lv", 40, 2048, 1, "lvarchar"),
        ("lv2", 40, 500, 1, "lvarchar"),
        ("si", 1, 2, 0, ""),
        ("i", 2, 4, 0, ""),
        ("i8", 17, 10, 0, ""),
        ("bi", 52, 8, 0, ""),
        ("f", 3, 8, 0, ""),
        ("sf", 4, 4, 0, ""),
        ("d", 5, 12 * 256 + 2, 0, ""),
        ("dflt", 5, 4351, 0, ""),
        ("m", 8, 16 * 256 + 2, 0, ""),
        ("m8", 8, 8 * 256 + 2, 0, ""),
        ("dt", 7, 4, 0, ""),
        ("ts", 10, 3594, 0, ""),
        ("tf", 10, 4365, 0, ""),
        ("hm", 10, 0x0468, 0, ""),
        ("iv", 14, 1864, 0, ""),
        ("ym", 14, 0x0602, 0, ""),
        ("b", 41, 1, 5, "boolean"),
        ("s8", 0x112, 10, 0, ""),
        ("by", 11, 56, 0, ""),
        ("tx", 12, 56, 0, ""),
        ("nc", 15, 5, 0, ""),
        ("nv", 16, 20, 0, ""),
    ];
    let want: Vec<(String, u16, u16, i32, String)> = want
        .into_iter()
        .map(|(a, b, c, d, e)| (a.to_string(), b, c, d, e.to_string()))
        .collect();
    assert_eq!(got, want);
    let p = s.prepare("select count(*), sum(i), max(d), avg(d), 1 + i, 'abc', today, current, user, i as alias from ty").unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = p.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "(count(*))",
            "(sum)",
            "(max)",
            "(avg)",
            "(expression)",
            "(constant)",
            "(today)",
            "(current)",
            "(user)",
            "alias"
        ]
    );
    assert_eq!(p.columns[0].coltype & 0xFF, 5);
    assert_eq!(p.columns[2].collength, 12 * 256 + 2);
    assert_eq!(p.columns[5].coltype, 0x100);
    assert_eq!(p.columns[5].collength, 3);
    assert_eq!(p.columns[6].coltype & 0xFF, 7);
    assert_eq!(p.columns[7].collength, 4365);
    // Parameterised INSERT describes its target columns.
    let p = s
        .prepare("insert into ty (c, i) values (?, ?)")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.statement_type, 6);
    assert!(!p.is_query);
    assert_eq!(
        p.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        vec!["c", "i"]
    );
    assert_eq!(p.params.len(), 2);
    assert_eq!(p.params[1].coltype, 2);
}

#[test]
fn statement_types() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    let ty = |s: &mut Session, sql: &str| {
        s.prepare(sql)
            .map(|p| p.statement_type)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    assert_eq!(ty(&mut s, "create table st (a int)"), 14);
    exec(&mut s, "create table st (a int)");
    assert_eq!(ty(&mut s, "create temp table tt (a int)"), 45);
    assert_eq!(ty(&mut s, "drop table st"), 15);
    assert_eq!(ty(&mut s, "create index ix on st(a)"), 16);
    assert_eq!(ty(&mut s, "drop index ix"), 17);
    assert_eq!(ty(&mut s, "insert into st values (1)"), 6);
    assert_eq!(ty(&mut s, "update st set a = 1 where a = 2"), 4);
    assert_eq!(ty(&mut s, "update st set a = 1"), 33);
    assert_eq!(ty(&mut s, "delete from st where a = 1"), 5);
    assert_eq!(ty(&mut s, "delete from st"), 32);
    assert_eq!(ty(&mut s, "begin work"), 34);
    assert_eq!(ty(&mut s, "begin"), 34);
    assert_eq!(ty(&mut s, "commit work"), 35);
    assert_eq!(ty(&mut s, "commit"), 35);
    assert_eq!(ty(&mut s, "rollback work"), 36);
    assert_eq!(ty(&mut s, "rollback"), 36);
    assert_eq!(ty(&mut s, "set lock mode to wait 5"), 46);
    assert_eq!(ty(&mut s, "set isolation to dirty read"), 48);
    assert_eq!(ty(&mut s, "truncate table st"), 122);
    assert_eq!(ty(&mut s, "savepoint s1"), 159);
    assert_eq!(ty(&mut s, "release savepoint s1"), 160);
    assert_eq!(ty(&mut s, "rollback to savepoint s1"), 161);
    assert_eq!(ty(&mut s, "update statistics"), 30);
    assert_eq!(ty(&mut s, "set explain on"), 50);
    assert_eq!(ty(&mut s, "select a from st"), 2);
    assert_eq!(ty(&mut s, "create view v as select a from st"), 40);
}

#[test]
fn type_round_trips() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(
        &mut s,
        "create table rt (c char(6), vc varchar(10), lv lvarchar, si smallint, i int, i8 int8, bi bigint, f float, sf smallfloat, \
         d decimal(12,2), big decimal(32,10), fl decimal(10), m money, dt date, ts datetime year to second, tf datetime year to fraction(5), \
         hm datetime hour to minute, ivd interval day(9) to fraction(5), ivy interval year(4) to month, b boolean, by byte, tx text)",
    );
    let params = vec![
        Param::Text("ab".into()),
        Param::Text("hello  ".into()),
        Param::Text("long text".into()),
        Param::Int(-32767),
        Param::Int(2147483647),
        Param::Int(-9223372036854775807),
        Param::Int(9223372036854775807),
        Param::Float(1.5e300),
        Param::Float(0.1),
        Param::Decimal("-1234567890.12".into()),
        Param::Decimal("12345678901234567890.1234567890".into()),
        Param::Decimal("3.14159".into()),
        Param::Decimal("19.99".into()),
        Param::Date(45292),
        Param::DateTime("2024-01-02 03:04:05".into()),
        Param::DateTime("2024-01-02 03:04:05.12345".into()),
        Param::DateTime("13:45".into()),
        Param::Interval("-1 02:03:04.50000".into()),
        Param::Interval("1-02".into()),
        Param::Text("t".into()),
        Param::Bytes(vec![0, 1, 2, 255]),
        Param::Text("text blob".into()),
    ];
    let ph = vec!["?"; params.len()].join(", ");
    exec_p(&mut s, &format!("insert into rt values ({ph})"), &params);
    let rows = q(&mut s, "select * from rt");
    assert_eq!(
        rows,
        vec![vec![
            t("ab    "),
            t("hello  "),
            t("long text"),
            Cell::Int(-32767),
            Cell::Int(2147483647),
            Cell::Int(-9223372036854775807),
            Cell::Int(9223372036854775807),
            Cell::Float(1.5e300),
            Cell::Float(f64::from(0.1f32)),
            t("-1234567890.12"),
            t("12345678901234567890.1234567890"),
            t("3.14159"),
            t("19.99"),
            Cell::Int(45292),
            t("2024-01-02 03:04:05"),
            t("2024-01-02 03:04:05.12345"),
            t("13:45"),
            t("-1 02:03:04.50000"),
            t("1-02"),
            t("t"),
            Cell::Bytes(vec![0, 1, 2, 255]),
            t("text blob"),
        ]]
    );
    // String literals convert on assignment by target type.
    exec(
        &mut s,
        "insert into rt (c, i, d, dt, ts, ivy, b) values ('x', '42', 7, '2024-03-04', '2024-03-04 05:06:07', '2-03', 'f')",
    );
    let rows = q(
        &mut s,
        "select c, i, d, dt, ts, ivy, b from rt where i = 42",
    );
    assert_eq!(
        rows,
        vec![vec![
            t("x     "),
            Cell::Int(42),
            t("7.00"),
            Cell::Int(45354),
            t("2024-03-04 05:06:07"),
            t("2-03"),
            t("f")
        ]]
    );
    // Comparisons by type: CHAR ignores trailing blanks, decimals compare numerically.
    assert_eq!(q(&mut s, "select i from rt where c = 'ab'").len(), 1);
    assert_eq!(
        q_p(
            &mut s,
            "select i from rt where c = ?",
            &[Param::Text("ab  ".into())]
        )
        .len(),
        1
    );
    assert_eq!(
        q(&mut s, "select count(*) from rt where d > 6.5"),
        vec![vec![Cell::Int(1)]]
    );
    assert_eq!(
        q(&mut s, "select count(*) from rt where b = 't'"),
        vec![vec![Cell::Int(1)]]
    );
    assert_eq!(
        q(&mut s, "select count(*) from rt where dt = '2024-01-02'"),
        vec![vec![Cell::Int(1)]]
    );
    assert_eq!(
        q_p(
            &mut s,
            "select count(*) from rt where dt = ?",
            &[Param::Date(45292)]
        ),
        vec![vec![Cell::Int(1)]]
    );
    assert_eq!(
        q(
            &mut s,
            "select count(*) from rt where ts > datetime(2024-01-01 00:00:00) year to second"
        ),
        vec![vec![Cell::Int(2)]]
    );
    assert_eq!(
        q(
            &mut s,
            "select count(*) from rt where ivy > interval(1-06) year to month"
        ),
        vec![vec![Cell::Int(1)]]
    );
}

#[test]
fn decimal_exactness() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(&mut s, "create table dx (id int, v decimal(12,2))");
    for (i, v) in ["0.10", "0.20", "10.05", "9.95", "-3.33", "100.00"]
        .iter()
        .enumerate()
    {
        exec_p(
            &mut s,
            "insert into dx values (?, ?)",
            &[Param::Int(i as i64), Param::Decimal((*v).into())],
        );
    }
    assert_eq!(one(&mut s, "select sum(v) from dx"), t("116.97"));
    assert_eq!(
        q(&mut s, "select v from dx order by v"),
        vec![
            vec![t("-3.33")],
            vec![t("0.10")],
            vec![t("0.20")],
            vec![t("9.95")],
            vec![t("10.05")],
            vec![t("100.00")]
        ]
    );
    assert_eq!(one(&mut s, "select max(v) from dx"), t("100.00"));
    assert_eq!(one(&mut s, "select min(v) from dx"), t("-3.33"));
    assert_eq!(one(&mut s, "select v * 3 from dx where id = 0"), t("0.30"));
    assert_eq!(
        one(&mut s, "select v + 0.005 from dx where id = 0"),
        t("0.105")
    );
    assert_eq!(
        one(&mut s, "select count(*) from dx where v between 0.1 and 10"),
        Cell::Int(3)
    );
    assert_eq!(
        one(&mut s, "select 7 / 2 from systables where tabid = 1"),
        t("3.5")
    );
    assert_eq!(
        one(&mut s, "select 7 * 2 from systables where tabid = 1"),
        Cell::Int(14)
    );
    assert_eq!(one(&mut s, "select avg(id) from dx"), t("2.5"));
    assert_eq!(
        one(
            &mut s,
            "select round(10.056, 2) from systables where tabid = 1"
        ),
        t("10.06")
    );
}

#[test]
fn serial_semantics() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(
        &mut s,
        "create table sr (id serial primary key, v varchar(10))",
    );
    assert_eq!(exec(&mut s, "insert into sr values (0, 'a')").serial, 1);
    assert_eq!(exec(&mut s, "insert into sr values (10, 'b')").serial, 10);
    assert_eq!(exec(&mut s, "insert into sr (v) values ('c')").serial, 11);
    assert_eq!(
        one(
            &mut s,
            "select dbinfo('sqlca.sqlerrd1') from systables where tabid = 1"
        ),
        Cell::Int(11)
    );
    exec(&mut s, "insert into sr values (5, 'low')");
    exec(&mut s, "delete from sr");
    assert_eq!(
        exec_p(
            &mut s,
            "insert into sr values (?, ?)",
            &[Param::Int(0), Param::Text("d".into())]
        )
        .serial,
        12
    );
    assert_eq!(one(&mut s, "select id from sr"), Cell::Int(12));
    exec(&mut s, "create table s8 (id serial8, v int)");
    let r = exec(&mut s, "insert into s8 (v) values (1)");
    assert_eq!(r.serial8, Some(1));
    exec(&mut s, "create table bs (id bigserial(100), v int)");
    assert_eq!(
        exec(&mut s, "insert into bs (v) values (1)").serial8,
        Some(100)
    );
    assert_eq!(
        one(
            &mut s,
            "select dbinfo('bigserial') from systables where tabid = 1"
        ),
        Cell::Int(100)
    );
    exec(&mut s, "create table s1 (id serial(50), v int)");
    assert_eq!(exec(&mut s, "insert into s1 (v) values (1)").serial, 50);
    exec(&mut s, "alter table s1 modify (id serial(1000))");
    assert_eq!(exec(&mut s, "insert into s1 (v) values (1)").serial, 1000);
    // INSERT ... SELECT generates one value per row.
    exec(
        &mut s,
        "insert into sr (v) select tabname[1,10] from systables where tabid < 4",
    );
    assert_eq!(one(&mut s, "select max(id) from sr"), Cell::Int(15));
    assert_eq!(
        err(&mut s, "create table two (a serial, b serial)"),
        (-362, 0)
    );
    assert_eq!(
        err(&mut s, "create table two (a serial8, b bigserial)"),
        (-362, 0)
    );
}

#[test]
fn syntax_and_name_errors() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(&mut s, "create table en (a int, b char(5))");
    assert_eq!(err(&mut s, "selec * from en"), (-201, 0));
    assert_eq!(err(&mut s, "select a from en limit 2 offset 1"), (-201, 0));
    assert_eq!(
        err(&mut s, "insert into en values (1, 'a'), (2, 'b')"),
        (-201, 0)
    );
    assert_eq!(err(&mut s, "select 'a\\'b' from en"), (-282, 0));
    let e206 = full_err(&mut s, "select * from nosuch");
    assert_eq!(
        (e206.sqlcode, e206.isam, e206.near.as_str()),
        (-206, -111, "nosuch")
    );
    let e217 = full_err(&mut s, "select zz from en");
    assert_eq!((e217.sqlcode, e217.near.as_str()), (-217, "zz"));
    assert_eq!(err(&mut s, "select a from en x, en y"), (-324, 0));
    assert_eq!(err(&mut s, "create table en (a int)"), (-310, 0));
    exec(&mut s, "create table if not exists en (a int)");
    exec(&mut s, "create index ien on en(a)");
    assert_eq!(err(&mut s, "create index ien on en(b)"), (-316, 0));
    assert_eq!(err(&mut s, "drop index nosuch"), (-319, 0));
    assert_eq!(err(&mut s, "drop table nosuch"), (-206, -111));
    exec(&mut s, "drop table if exists nosuch");
    assert_eq!(err(&mut s, "insert into en (a) values (1, 2)"), (-236, 0));
    assert_eq!(err(&mut s, "select nosuchfn(a) from en"), (-674, 0));
    assert_eq!(err(&mut s, "select 1"), (-201, 0));
    // A failed PREPARE leaves nothing behind; the session keeps working.
    assert_eq!(
        q(&mut s, "select count(*) from en"),
        vec![vec![Cell::Int(0)]]
    );
}

#[test]
fn conversion_errors() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(
        &mut s,
        "create table ce (si smallint, i int, b bigint, d decimal(5,2), dt date, ts datetime year to second, bo boolean, c char(3))",
    );
    let cases: Vec<(&str, Param, i32)> = vec![
        (
            "insert into ce (i) values (?)",
            Param::Text("abc".into()),
            -1213,
        ),
        ("insert into ce (si) values (?)", Param::Int(40000), -1214),
        (
            "insert into ce (i) values (?)",
            Param::Int(3_000_000_000),
            -1215,
        ),
        (
            "insert into ce (d) values (?)",
            Param::Decimal("1000".into()),
            -1226,
        ),
        (
            "insert into ce (dt) values (?)",
            Param::Text("2024-13-01".into()),
            -1205,
        ),
        (
            "insert into ce (dt) values (?)",
            Param::Text("2024-02-30".into()),
            -1206,
        ),
        (
            "insert into ce (dt) values (?)",
            Param::Text("10000-01-01".into()),
            -1204,
        ),
        (
            "insert into ce (dt) values (?)",
            Param::Text("garbage".into()),
            -1218,
        ),
        (
            "insert into ce (ts) values (?)",
            Param::Text("2024-01-01 25:00:00".into()),
            -1263,
        ),
        (
            "insert into ce (ts) values (?)",
            Param::Text("2024-01-01 10:00:00 junk".into()),
            -1264,
        ),
        (
            "insert into ce (ts) values (?)",
            Param::Text("x".into()),
            -1262,
        ),
        (
            "insert into ce (bo) values (?)",
            Param::Text("x".into()),
            -9648,
        ),
    ];
    for (sql, p, code) in cases {
        assert_eq!(
            err_p(&mut s, sql, std::slice::from_ref(&p)).0,
            code,
            "{sql} {p:?}"
        );
    }
    assert_eq!(err(&mut s, "insert into ce (i) values ('abc')").0, -1213);
    assert_eq!(
        err(&mut s, "select 1 / 0 from systables where tabid = 1").0,
        -1202
    );
    assert_eq!(
        err(&mut s, "select 1.5 / 0 from systables where tabid = 1").0,
        -1202
    );
    assert_eq!(
        err(
            &mut s,
            "select mdy(2, 30, 2024) from systables where tabid = 1"
        )
        .0,
        -1206
    );
    // Non-ANSI: over-long strings are truncated silently.
    exec(&mut s, "insert into ce (c) values ('abcdef')");
    assert_eq!(one(&mut s, "select c from ce"), t("abc"));
    // ANSI: -1279.
    let mut a = sess(&e, "ansidb");
    exec(&mut a, "create table ce (c char(3), v varchar(3))");
    assert_eq!(err(&mut a, "insert into ce (c) values ('abcdef')").0, -1279);
    assert_eq!(
        err_p(
            &mut a,
            "insert into ce (v) values (?)",
            &[Param::Text("abcd".into())]
        )
        .0,
        -1279
    );
}

#[test]
fn constraint_errors() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(
        &mut s,
        "create table p (id int primary key, u varchar(10) unique, c int check (c > 0) constraint ck_c, n int not null)",
    );
    exec(&mut s, "insert into p values (1, 'a', 1, 1)");
    let e268 = full_err(&mut s, "insert into p values (1, 'b', 1, 1)");
    assert_eq!((e268.sqlcode, e268.isam), (-268, -100));
    assert!(e268.near.starts_with("tester.u100_"), "{}", e268.near);
    assert_eq!(
        err(&mut s, "insert into p values (2, 'a', 1, 1)"),
        (-268, -100)
    );
    let e391 = full_err(&mut s, "insert into p (id, c) values (3, 1)");
    assert_eq!((e391.sqlcode, e391.near.as_str()), (-391, "p.n"));
    let e530 = full_err(&mut s, "insert into p values (4, 'd', -1, 1)");
    assert_eq!((e530.sqlcode, e530.near.as_str()), (-530, "tester.ck_c"));
    exec(&mut s, "insert into p values (2, 'b', 1, 1)");
    assert_eq!(
        err(&mut s, "update p set id = 1 where id = 2"),
        (-346, -100)
    );
    // One NULL per unique column.
    exec(&mut s, "insert into p values (10, null, 1, 1)");
    assert_eq!(
        err(&mut s, "insert into p values (11, null, 1, 1)"),
        (-268, -100)
    );
    // Unique index (not a constraint) -> -239.
    exec(&mut s, "create table ui (a int, b int)");
    exec(&mut s, "create unique index ui_a on ui(a)");
    exec(&mut s, "insert into ui values (1, 1)");
    let e239 = full_err(&mut s, "insert into ui values (1, 2)");
    assert_eq!((e239.sqlcode, e239.isam), (-239, -100));
    exec(&mut s, "insert into ui values (null, 1)");
    assert_eq!(err(&mut s, "insert into ui values (null, 2)"), (-239, -100));
    assert_eq!(
        err(&mut s, "create unique index ui_b on ui(b)"),
        (-371, -100)
    );
    // Foreign keys.
    exec(&mut s, "create table ch (id int, pid int references p(id))");
    exec(&mut s, "insert into ch values (1, 1)");
    let e691 = full_err(&mut s, "insert into ch values (2, 99)");
    assert_eq!(e691.sqlcode, -691);
    assert!(e691.near.starts_with("tester.r"), "{}", e691.near);
    let e692 = full_err(&mut s, "delete from p where id = 1");
    assert_eq!(e692.sqlcode, -692);
    assert!(e692.near.starts_with("tester.u100_"), "{}", e692.near);
    // Unlogged database: unique constraint violations are -239.
    let mut u = sess(&e, "nolog");
    exec(&mut u, "create table p (id int primary key)");
    exec(&mut u, "insert into p values (1)");
    assert_eq!(err(&mut u, "insert into p values (1)"), (-239, -100));
}

#[test]
fn logged_transactions() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(&mut s, "create table tx (a int, b varchar(10))");
    assert!(!s.in_transaction());
    assert_eq!(s.commit().map_err(|e| e.sqlcode), Err(-255));
    assert_eq!(s.rollback().map_err(|e| e.sqlcode), Err(-255));
    assert_eq!(err(&mut s, "commit work"), (-255, 0));
    s.begin().unwrap_or_else(|e| panic!("{e}"));
    assert!(s.in_transaction());
    assert_eq!(s.begin().map_err(|e| e.sqlcode), Err(-535));
    assert_eq!(err(&mut s, "begin work"), (-535, 0));
    exec(&mut s, "insert into tx values (1, 'a')");
    exec(&mut s, "insert into tx values (2, 'b')");
    exec(&mut s, "update tx set b = 'changed' where a = 1");
    exec(&mut s, "delete from tx where a = 2");
    s.rollback().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        q(&mut s, "select count(*) from tx"),
        vec![vec![Cell::Int(0)]]
    );
    // Committed work stays, rolled-back updates/deletes are restored.
    exec(&mut s, "insert into tx values (1, 'a')");
    exec(&mut s, "insert into tx values (2, 'b')");
    exec(&mut s, "begin work");
    exec(&mut s, "update tx set b = 'changed' where a = 1");
    exec(&mut s, "delete from tx where a = 2");
    exec(&mut s, "insert into tx values (3, 'c')");
    exec(&mut s, "rollback work");
    assert_eq!(
        q(&mut s, "select a, b from tx order by a"),
        vec![vec![Cell::Int(1), t("a")], vec![Cell::Int(2), t("b")]]
    );
    // Savepoints.
    exec(&mut s, "begin");
    exec(&mut s, "insert into tx values (10, 'x')");
    exec(&mut s, "savepoint sp1");
    exec(&mut s, "insert into tx values (11, 'y')");
    exec(&mut s, "rollback to savepoint sp1");
    exec(&mut s, "insert into tx values (12, 'z')");
    exec(&mut s, "release savepoint sp1");
    exec(&mut s, "commit");
    assert_eq!(
        q(&mut s, "select a from tx where a >= 10 order by a"),
        vec![vec![Cell::Int(10)], vec![Cell::Int(12)]]
    );
    // DDL is transactional.
    exec(&mut s, "begin");
    exec(&mut s, "create table ddl1 (a int)");
    exec(&mut s, "insert into ddl1 values (1)");
    exec(&mut s, "drop table tx");
    exec(&mut s, "rollback");
    assert_eq!(err(&mut s, "select * from ddl1"), (-206, -111));
    assert_eq!(
        q(&mut s, "select count(*) from tx"),
        vec![vec![Cell::Int(4)]]
    );
    assert_eq!(
        q(
            &mut s,
            "select count(*) from systables where tabname = 'ddl1'"
        ),
        vec![vec![Cell::Int(0)]]
    );
    exec(&mut s, "begin");
    exec(&mut s, "drop table tx");
    exec(&mut s, "commit");
    assert_eq!(err(&mut s, "select * from tx"), (-206, -111));
    // close() rolls back.
    exec(&mut s, "create table cl (a int)");
    s.begin().unwrap_or_else(|e| panic!("{e}"));
    exec(&mut s, "insert into cl values (1)");
    s.close();
    let mut s2 = sess(&e, "testdb");
    assert_eq!(
        q(&mut s2, "select count(*) from cl"),
        vec![vec![Cell::Int(0)]]
    );
}

#[test]
fn ansi_and_unlogged_modes() {
    let e = engine();
    let mut a = sess(&e, "ansidb");
    assert!(a.in_transaction());
    a.begin().unwrap_or_else(|e| panic!("{e}"));
    a.commit().unwrap_or_else(|e| panic!("{e}"));
    exec(&mut a, "create table ta (a int, d decimal(5))");
    a.commit().unwrap_or_else(|e| panic!("{e}"));
    exec(&mut a, "insert into ta values (1, 1.6)");
    assert_eq!(err(&mut a, "begin work"), (-535, 0));
    a.rollback().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        q(&mut a, "select count(*) from ta"),
        vec![vec![Cell::Int(0)]]
    );
    exec(&mut a, "insert into ta values (1, 1.6)");
    exec(&mut a, "commit work");
    // DECIMAL(p) is DECIMAL(p,0) in an ANSI database.
    assert_eq!(one(&mut a, "select d from ta"), t("2"));
    let mut u = sess(&e, "nolog");
    assert_eq!(u.begin().map_err(|e| e.sqlcode), Err(-201));
    assert_eq!(err(&mut u, "begin work"), (-256, 0));
    assert_eq!(u.commit().map_err(|e| e.sqlcode), Err(-256));
    assert_eq!(u.rollback().map_err(|e| e.sqlcode), Err(-256));
    assert!(!u.in_transaction());
    exec(&mut u, "create table tu (a int, d decimal(5))");
    exec(&mut u, "insert into tu values (1, 1.6)");
    assert_eq!(one(&mut u, "select d from tu"), t("1.6"));
}

#[test]
fn two_sessions_and_locks() {
    let e = engine();
    let mut s1 = sess(&e, "testdb");
    let mut s2 = sess(&e, "testdb");
    exec(&mut s1, "create table lk (a int)");
    exec(&mut s1, "create table other (a int)");
    exec(&mut s1, "insert into lk values (1)");
    assert_eq!(
        q(&mut s2, "select count(*) from lk"),
        vec![vec![Cell::Int(1)]]
    );
    s1.begin().unwrap_or_else(|e| panic!("{e}"));
    exec(&mut s1, "insert into lk values (2)");
    assert_eq!(err(&mut s2, "select * from lk"), (-244, -107));
    assert_eq!(err(&mut s2, "insert into lk values (3)"), (-271, -107));
    assert_eq!(err(&mut s2, "update lk set a = 5"), (-346, -107));
    assert_eq!(err(&mut s2, "delete from lk"), (-240, -107));
    // Other tables stay usable, also for writes in another transaction.
    exec(&mut s2, "insert into other values (1)");
    s2.begin().unwrap_or_else(|e| panic!("{e}"));
    exec(&mut s2, "insert into other values (2)");
    assert_eq!(err(&mut s1, "select * from other"), (-244, -107));
    s2.commit().unwrap_or_else(|e| panic!("{e}"));
    // Dirty read sees uncommitted rows.
    exec(&mut s2, "set isolation to dirty read");
    assert_eq!(
        q(&mut s2, "select count(*) from lk"),
        vec![vec![Cell::Int(2)]]
    );
    exec(&mut s2, "set isolation to committed read");
    // WAIT n times out with -154.
    exec(&mut s2, "set lock mode to wait 1");
    let t0 = Instant::now();
    assert_eq!(err(&mut s2, "select * from lk"), (-244, -154));
    assert!(t0.elapsed() >= Duration::from_millis(900));
    // WAIT succeeds once the holder commits.
    exec(&mut s2, "set lock mode to wait");
    let h = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        s1.commit().unwrap_or_else(|e| panic!("{e}"));
        s1
    });
    assert_eq!(
        q(&mut s2, "select count(*) from lk"),
        vec![vec![Cell::Int(2)]]
    );
    let mut s1 = h.join().unwrap_or_else(|_| panic!("join"));
    // Rolled-back work of one session is not seen by the other.
    s1.begin().unwrap_or_else(|e| panic!("{e}"));
    exec(&mut s1, "delete from lk");
    s1.rollback().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        q(&mut s2, "select count(*) from lk"),
        vec![vec![Cell::Int(2)]]
    );
    // Deadlock detection.
    exec(&mut s1, "set lock mode to wait");
    s1.begin().unwrap_or_else(|e| panic!("{e}"));
    s2.begin().unwrap_or_else(|e| panic!("{e}"));
    exec(&mut s1, "insert into lk values (9)");
    exec(&mut s2, "insert into other values (9)");
    let h = std::thread::spawn(move || {
        let r = run(&mut s1, "insert into other values (10)", &[]).map(|_| ());
        (s1, r)
    });
    std::thread::sleep(Duration::from_millis(300));
    let r2 = err(&mut s2, "insert into lk values (10)");
    assert_eq!(r2, (-271, -143));
    s2.rollback().unwrap_or_else(|e| panic!("{e}"));
    let (mut s1, r1) = h.join().unwrap_or_else(|_| panic!("join"));
    assert_eq!(r1, Ok(()));
    s1.rollback().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn concurrent_autocommit_inserts() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(&mut s, "create table cc (id serial, t int)");
    let mut hs = Vec::new();
    for k in 0..4 {
        let e = e.clone();
        hs.push(std::thread::spawn(move || {
            let mut s = sess(&e, "testdb");
            let p = s
                .prepare("insert into cc (t) values (?)")
                .unwrap_or_else(|e| panic!("{e}"));
            for _ in 0..200 {
                s.execute(&p, &[Param::Int(k)])
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }));
    }
    for h in hs {
        h.join().unwrap_or_else(|_| panic!("join"));
    }
    assert_eq!(
        q(
            &mut s,
            "select count(*), count(distinct id), max(id) from cc"
        ),
        vec![vec![Cell::Int(800), Cell::Int(800), Cell::Int(800)]]
    );
}

#[test]
fn temp_tables() {
    let e = engine();
    let mut s1 = sess(&e, "testdb");
    let mut s2 = sess(&e, "testdb");
    exec(&mut s1, "create temp table tmp (a int)");
    assert_eq!(err(&mut s1, "create temp table tmp (a int)"), (-958, 0));
    exec(&mut s1, "insert into tmp values (1)");
    assert_eq!(err(&mut s2, "select * from tmp"), (-206, -111));
    exec(&mut s2, "create temp table tmp (b char(2)) with no log");
    exec(&mut s2, "insert into tmp values ('x')");
    assert_eq!(q(&mut s1, "select * from tmp"), vec![vec![Cell::Int(1)]]);
    assert_eq!(q(&mut s2, "select * from tmp"), vec![vec![t("x ")]]);
    assert_eq!(
        q(
            &mut s1,
            "select count(*) from systables where tabname = 'tmp'"
        ),
        vec![vec![Cell::Int(0)]]
    );
    exec(
        &mut s1,
        "select tabid, tabname from systables where tabid < 3 into temp st2 with no log",
    );
    let p = s1
        .prepare("select * from st2 order by tabid")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.columns[1].coltype & 0xFF, 13);
    assert_eq!(
        s1.query(&p, &[]),
        Ok(vec![
            vec![Cell::Int(1), t("systables")],
            vec![Cell::Int(2), t("syscolumns")]
        ])
    );
    s1.close();
    let mut s3 = sess(&e, "testdb");
    assert_eq!(err(&mut s3, "select * from tmp"), (-206, -111));
    exec(&mut s3, "create temp table tmp (a int)");
}

#[test]
fn dialect_features() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(
        &mut s,
        "create table dl (id int, name varchar(20), d date, c char(5))",
    );
    for (i, n) in ["Alpha", "beta", "Gamma", "delta", "alphabet"]
        .iter()
        .enumerate()
    {
        exec_p(
            &mut s,
            "insert into dl values (?, ?, mdy(1, ?, 2024), ?)",
            &[
                Param::Int(i as i64 + 1),
                Param::Text((*n).into()),
                Param::Int(i as i64 + 1),
                Param::Text((*n)[..1].into()),
            ],
        );
    }
    assert_eq!(
        q(&mut s, "select id from dl where name like 'A%' order by id"),
        vec![vec![Cell::Int(1)]]
    );
    assert_eq!(
        q(&mut s, "select id from dl where name like '_eta'"),
        vec![vec![Cell::Int(2)]]
    );
    assert_eq!(
        q(
            &mut s,
            "select id from dl where name matches '[a-d]*' order by id"
        ),
        vec![vec![Cell::Int(2)], vec![Cell::Int(4)], vec![Cell::Int(5)]]
    );
    assert_eq!(
        q(&mut s, "select id from dl where name matches '?amma'"),
        vec![vec![Cell::Int(3)]]
    );
    assert_eq!(
        q(&mut s, "select skip 1 first 2 id from dl order by id"),
        vec![vec![Cell::Int(2)], vec![Cell::Int(3)]]
    );
    assert_eq!(
        q(&mut s, "select first 2 id from dl order by id desc"),
        vec![vec![Cell::Int(5)], vec![Cell::Int(4)]]
    );
    assert_eq!(
        q(&mut s, "select limit 1 id from dl order by id"),
        vec![vec![Cell::Int(1)]]
    );
    assert_eq!(
        q(&mut s, "select id from dl order by id limit 1"),
        vec![vec![Cell::Int(1)]]
    );
    assert_eq!(
        q(&mut s, "select skip 4 id from dl order by id"),
        vec![vec![Cell::Int(5)]]
    );
    assert_eq!(
        one(&mut s, "select name || '-' || id from dl where id = 1"),
        t("Alpha-1")
    );
    assert_eq!(
        one(&mut s, "select c || 'x' from dl where id = 1"),
        t("A    x")
    );
    assert_eq!(
        one(&mut s, "select nvl(null, 'dflt') from dl where id = 1"),
        t("dflt")
    );
    assert_eq!(
        one(
            &mut s,
            "select decode(id, 1, 'one', 2, 'two', 'many') from dl where id = 2"
        ),
        t("two ")
    );
    assert_eq!(
        one(
            &mut s,
            "select decode(id, 1, 'one', 2, 'two', 'many') from dl where id = 4"
        ),
        t("many")
    );
    assert_eq!(
        one(&mut s, "select length(c) from dl where id = 1"),
        Cell::Int(1)
    );
    assert_eq!(
        one(&mut s, "select upper(name) from dl where id = 2"),
        t("BETA")
    );
    assert_eq!(
        one(&mut s, "select d + 1 from dl where id = 1"),
        Cell::Int(45292)
    );
    assert_eq!(
        one(&mut s, "select d - mdy(1, 1, 2024) from dl where id = 3"),
        Cell::Int(2)
    );
    assert_eq!(
        one(&mut s, "select day(d) from dl where id = 3"),
        Cell::Int(3)
    );
    assert_eq!(
        one(&mut s, "select year(d) from dl where id = 3"),
        Cell::Int(2024)
    );
    assert_eq!(
        one(&mut s, "select weekday(mdy(1,7,2024)) from dl where id = 3"),
        Cell::Int(0)
    );
    assert_eq!(
        one(&mut s, "select count(*) from dl where d < today"),
        Cell::Int(5)
    );
    assert_eq!(
        one(
            &mut s,
            "select extend(d, year to minute) from dl where id = 1"
        ),
        t("2024-01-01 00:00")
    );
    assert_eq!(
        one(&mut s, "select d + 2 units day from dl where id = 1"),
        t("2024-01-03")
    );
    assert_eq!(
        one(
            &mut s,
            "select datetime(2024-01-31 10:00:00) year to second + interval(1 02:00:00) day to second from dl where id = 1"
        ),
        t("2024-02-01 12:00:00")
    );
    assert_eq!(
        one(
            &mut s,
            "select datetime(2024-02-01 12:00:00) year to second - datetime(2024-01-31 10:00:00) year to second from dl where id = 1"
        ),
        t("1 02:00:00")
    );
    assert_eq!(
        one(&mut s, "select '12'::int + 1 from dl where id = 1"),
        Cell::Int(13)
    );
    assert_eq!(
        one(
            &mut s,
            "select cast('3.25' as decimal(5,2)) from dl where id = 1"
        ),
        t("3.25")
    );
    assert_eq!(
        one(
            &mut s,
            "select case when id > 3 then 'big' else 'small' end from dl where id = 4"
        ),
        t("big  ")
    );
    assert_eq!(
        q(
            &mut s,
            "select id from dl where id in (select id from dl where id < 3) order by 1"
        ),
        vec![vec![Cell::Int(1)], vec![Cell::Int(2)]]
    );
    assert_eq!(
        one(
            &mut s,
            "select (select max(id) from dl) from dl where id = 1"
        ),
        Cell::Int(5)
    );
    assert_eq!(
        err(&mut s, "select (select id from dl) from dl where id = 1").0,
        -284
    );
    assert_eq!(
        q(
            &mut s,
            "select a.id from dl a, outer dl b where a.id = b.id + 10 order by 1"
        )
        .len(),
        5
    );
    assert_eq!(
        q(
            &mut s,
            "select id from dl where exists (select 1 from dl x where x.id = dl.id + 1) order by id"
        )
        .len(),
        4
    );
    assert_eq!(
        one(
            &mut s,
            "select count(*) from (select id from dl where id > 2) x"
        ),
        Cell::Int(3)
    );
    assert_eq!(
        q(
            &mut s,
            "select id from dl where id = 1 union select id from dl where id = 2 order by 1"
        ),
        vec![vec![Cell::Int(1)], vec![Cell::Int(2)]]
    );
    assert_eq!(
        q(&mut s, "select name[1,2] from dl where id = 1"),
        vec![vec![t("Al")]]
    );
    assert_eq!(
        one(
            &mut s,
            "select trim(leading 'A' from name) from dl where id = 1"
        ),
        t("lpha")
    );
    assert_eq!(
        q(
            &mut s,
            "select id, count(*) from dl group by id having count(*) > 0 order by 1"
        )
        .len(),
        5
    );
    assert_eq!(
        one(&mut s, "select id from dl where name = \"beta\""),
        Cell::Int(2)
    );
    exec(&mut s, "set isolation to committed read");
    exec(&mut s, "set lock mode to not wait");
    exec(&mut s, "set explain off");
    exec(&mut s, "update statistics high for table dl");
    assert_eq!(
        one(&mut s, "select nrows from systables where tabname = 'dl'"),
        Cell::Float(5.0)
    );
    exec(&mut s, "truncate table dl");
    assert_eq!(one(&mut s, "select count(*) from dl"), Cell::Int(0));
}

#[test]
fn ddl_variants() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(&mut s, "create table al (a int, b varchar(5))");
    exec(&mut s, "insert into al values (1, 'x')");
    exec(&mut s, "alter table al add (c int default 7, d date)");
    assert_eq!(
        q(&mut s, "select * from al"),
        vec![vec![Cell::Int(1), t("x"), Cell::Int(7), Cell::Null]]
    );
    exec(&mut s, "alter table al drop (d)");
    exec(&mut s, "alter table al modify (b varchar(10))");
    exec(&mut s, "insert into al values (2, 'long value', 1)");
    assert_eq!(one(&mut s, "select b from al where a = 2"), t("long value"));
    exec(&mut s, "rename column al.b to bb");
    assert_eq!(one(&mut s, "select bb from al where a = 1"), t("x"));
    exec(&mut s, "rename table al to al2");
    assert_eq!(one(&mut s, "select count(*) from al2"), Cell::Int(2));
    exec(
        &mut s,
        "create view v1 (x, y) as select a, bb from al2 where a > 1",
    );
    assert_eq!(
        q(&mut s, "select x, y from v1"),
        vec![vec![Cell::Int(2), t("long value")]]
    );
    let p = s
        .prepare("select y from v1")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.columns[0].coltype & 0xFF, 13);
    exec(&mut s, "drop view v1");
    assert_eq!(err(&mut s, "select * from v1"), (-206, -111));
    exec(&mut s, "create table cta as select a, bb from al2");
    assert_eq!(one(&mut s, "select count(*) from cta"), Cell::Int(2));
    // Prepared statements survive DDL by being recompiled.
    let p = s
        .prepare("select count(*) from cta")
        .unwrap_or_else(|e| panic!("{e}"));
    exec(&mut s, "drop table cta");
    exec(&mut s, "create table cta (z int)");
    assert_eq!(s.query(&p, &[]), Ok(vec![vec![Cell::Int(0)]]));
}

#[test]
fn persistence_across_restart() {
    let dir = std::env::temp_dir().join(format!(
        "ifx-engine-test-{}-{}",
        std::process::id(),
        session::now_micros()
    ));
    let cfg = EngineConfig {
        data_dir: Some(dir.clone()),
        databases: vec![("pdb".into(), DbMode::Logged)],
        server_version_full: VERSION.into(),
    };
    {
        let e = Engine::new(cfg.clone()).unwrap_or_else(|e| panic!("{e}"));
        let mut s = sess(&e, "pdb");
        exec(&mut s, "create table keep (id serial, v decimal(8,2))");
        exec(&mut s, "insert into keep (v) values (1.5)");
        exec(&mut s, "insert into keep (v) values (2.5)");
        exec(&mut s, "delete from keep where id = 2");
    }
    {
        let e = Engine::new(cfg).unwrap_or_else(|e| panic!("{e}"));
        let mut s = sess(&e, "pdb");
        assert_eq!(
            q(&mut s, "select id, v from keep"),
            vec![vec![Cell::Int(1), t("1.50")]]
        );
        assert_eq!(exec(&mut s, "insert into keep (v) values (3)").serial, 3);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_database() {
    let e = engine();
    match e.open_session("nope", "u") {
        Err(err) => assert_eq!((err.sqlcode, err.near.as_str()), (-329, "nope")),
        Ok(_) => panic!("expected -329"),
    }
    assert_eq!(e.database_mode("ansidb"), Some(DbMode::Ansi));
}

#[test]
fn bulk_select_speed() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(
        &mut s,
        "create table big (i int, v varchar(40), d decimal(12,2), ts datetime year to second, f float)",
    );
    s.begin().unwrap_or_else(|e| panic!("{e}"));
    let p = s
        .prepare("insert into big values (?, ?, ?, ?, ?)")
        .unwrap_or_else(|e| panic!("{e}"));
    for i in 0..100_000i64 {
        let params = [
            Param::Int(i),
            Param::Text(format!("row number {i}")),
            Param::Decimal(format!("{}.{:02}", i, i % 100)),
            Param::DateTime(format!("2024-01-02 03:04:{:02}", i % 60)),
            Param::Float(i as f64 / 3.0),
        ];
        s.execute(&p, &params).unwrap_or_else(|e| panic!("{e}"));
    }
    s.commit().unwrap_or_else(|e| panic!("{e}"));
    let p = s
        .prepare("select i, v, d, ts, f from big")
        .unwrap_or_else(|e| panic!("{e}"));
    let t0 = Instant::now();
    let rows = s.query(&p, &[]).unwrap_or_else(|e| panic!("{e}"));
    let el = t0.elapsed();
    assert_eq!(rows.len(), 100_000);
    eprintln!("100k-row select: {el:?}");
    {
        let g = s.db.state.lock().unwrap_or_else(|p| p.into_inner());
        let t0 = Instant::now();
        let mut st = g
            .conn
            .prepare_cached(&p.plan.sql)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut rows = st.raw_query();
        let mut n = 0usize;
        while let Ok(Some(r)) = rows.next() {
            for i in 0..5 {
                if let Ok(v) = r.get_ref(i) {
                    n += matches!(v, rusqlite::types::ValueRef::Null) as usize;
                }
            }
        }
        eprintln!("raw sqlite iteration: {:?} ({n})", t0.elapsed());
    }
    // Unoptimised test builds are slower; the release bound is ~100 ms.
    assert!(
        el < Duration::from_secs(if cfg!(debug_assertions) { 3 } else { 1 }),
        "{el:?}"
    );
    exec(
        &mut s,
        "create table small (i int primary key, v varchar(10))",
    );
    for i in 0..50 {
        exec_p(
            &mut s,
            "insert into small values (?, 'x')",
            &[Param::Int(i)],
        );
    }
    let sql = "select v from small where i = ?";
    let t0 = Instant::now();
    for i in 0..1000 {
        let p2 = s.prepare(sql).unwrap_or_else(|e| panic!("{e}"));
        let r = s
            .query(&p2, &[Param::Int(i % 50)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.len(), 1);
    }
    eprintln!("small prepared select: {:?} each", t0.elapsed() / 1000);
}

#[test]
fn defaults_literals_and_misc() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    let rows = q(
        &mut s,
        "SELECT 'abc', 42, 1.5 FROM systables WHERE tabid = 1",
    );
    assert_eq!(rows, vec![vec![t("abc"), Cell::Int(42), t("1.5")]]);
    exec(
        &mut s,
        "create table df (id int, d date default today, u varchar(32) default user, ts datetime year to second default current year to second, \
         c char(3) default 'x', n decimal(5,2) default 1.5, b boolean default 't')",
    );
    exec(&mut s, "insert into df (id) values (1)");
    let rows = q(
        &mut s,
        "select d = today, u, ts is not null, c, n, b from df",
    );
    assert_eq!(
        rows,
        vec![vec![
            t("t"),
            t("tester"),
            t("t"),
            t("x  "),
            t("1.50"),
            t("t")
        ]]
    );
    assert_eq!(
        err(&mut s, "create table bad (a int default 'abc')").0,
        -1213
    );
    // BLOB/CLOB columns are described as UDTFIXED with their extended ids.
    exec(&mut s, "create table lobs (id int, b blob, c clob)");
    exec(&mut s, "insert into lobs (id) values (1)");
    let p = s
        .prepare("select id, b, c from lobs")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            p.columns[1].coltype,
            p.columns[1].extended_id,
            p.columns[1].collength
        ),
        (41, 10, 72)
    );
    assert_eq!(p.columns[2].extended_id, 11);
    assert_eq!(
        s.query(&p, &[]),
        Ok(vec![vec![Cell::Int(1), Cell::Null, Cell::Null]])
    );
    // Failed CREATE TEMP ... AS leaves nothing behind.
    assert_eq!(
        err(&mut s, "select 1 / 0 x from systables into temp tz").0,
        -1202
    );
    exec(
        &mut s,
        "select 1 x from systables where tabid = 1 into temp tz",
    );
    // Runtime CREATE DATABASE.
    exec(&mut s, "create database newdb with log mode ansi");
    assert_eq!(e.database_mode("newdb"), Some(DbMode::Ansi));
    assert_eq!(err(&mut s, "create database newdb").0, -330);
    let n = sess(&e, "newdb");
    assert!(n.in_transaction());
    // Rolled-back TRUNCATE restores the rows.
    exec(&mut s, "create table tr (a int)");
    exec(&mut s, "insert into tr values (1)");
    exec(&mut s, "begin work");
    exec(&mut s, "truncate table tr");
    exec(&mut s, "rollback work");
    assert_eq!(one(&mut s, "select count(*) from tr"), Cell::Int(1));
    // LOCK TABLE blocks other sessions until the transaction ends.
    let mut s2 = sess(&e, "testdb");
    exec(&mut s, "begin work");
    exec(&mut s, "lock table tr in exclusive mode");
    assert_eq!(err(&mut s2, "select * from tr"), (-244, -107));
    exec(&mut s, "commit work");
    assert_eq!(
        q(&mut s2, "select count(*) from tr"),
        vec![vec![Cell::Int(1)]]
    );
    // Parameters in expressions take the other operand's type.
    assert_eq!(
        q_p(&mut s, "select a + ? from tr", &[Param::Int(41)]),
        vec![vec![Cell::Int(42)]]
    );
    assert_eq!(
        q_p(
            &mut s,
            "select count(*) from tr where a between ? and ?",
            &[Param::Int(0), Param::Int(5)]
        ),
        vec![vec![Cell::Int(1)]]
    );
    assert_eq!(
        q_p(
            &mut s,
            "select count(*) from tr where mod(a, ?) = ?",
            &[Param::Int(2), Param::Int(1)]
        ),
        vec![vec![Cell::Int(1)]]
    );
    assert_eq!(
        err_p(&mut s, "select count(*) from tr where a = ?", &[]).0,
        -254
    );
}

#[test]
fn correlated_and_complex_queries() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(
        &mut s,
        "create table cq (id int, grp char(2), amt decimal(8,2))",
    );
    for (i, g, a) in [
        (1, "a", "1.50"),
        (2, "a", "2.25"),
        (3, "b", "10.00"),
        (4, "b", "0.05"),
        (5, "c", "7.00"),
    ] {
        exec_p(
            &mut s,
            "insert into cq values (?, ?, ?)",
            &[
                Param::Int(i),
                Param::Text(g.into()),
                Param::Decimal(a.into()),
            ],
        );
    }
    assert_eq!(
        q(
            &mut s,
            "select id, (select count(*) from cq x where x.id < cq.id) from cq order by id"
        ),
        (1..=5)
            .map(|i| vec![Cell::Int(i), Cell::Int(i - 1)])
            .collect::<Vec<_>>()
    );
    assert_eq!(
        q(
            &mut s,
            "select grp, sum(amt), count(*) from cq group by grp order by 2 desc"
        ),
        vec![
            vec![t("b "), t("10.05"), Cell::Int(2)],
            vec![t("c "), t("7.00"), Cell::Int(1)],
            vec![t("a "), t("3.75"), Cell::Int(2)]
        ]
    );
    assert_eq!(
        q(
            &mut s,
            "select id from cq where amt > all (select amt from cq where grp = 'a') order by id"
        ),
        vec![vec![Cell::Int(3)], vec![Cell::Int(5)]]
    );
    assert_eq!(
        q(
            &mut s,
            "select id from cq where amt = any (select max(amt) from cq group by grp) order by id"
        ),
        vec![vec![Cell::Int(2)], vec![Cell::Int(3)], vec![Cell::Int(5)]]
    );
    assert_eq!(
        q(&mut s, "select distinct grp from cq order by grp"),
        vec![vec![t("a ")], vec![t("b ")], vec![t("c ")]]
    );
    assert_eq!(
        one(&mut s, "select count(distinct grp) from cq"),
        Cell::Int(3)
    );
    assert_eq!(
        q(
            &mut s,
            "select a.id, b.id from cq a left join cq b on b.id = a.id + 4 where a.id < 3 order by 1"
        ),
        vec![
            vec![Cell::Int(1), Cell::Int(5)],
            vec![Cell::Int(2), Cell::Null]
        ]
    );
    assert_eq!(
        q(
            &mut s,
            "select c.grp, c.total from (select grp, sum(amt) total from cq group by grp) c where c.total > 5 order by c.total"
        ),
        vec![vec![t("b "), t("10.05")], vec![t("c "), t("7.00")]]
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
    );
    exec(&mut s, "update cq set amt = amt * 2 where grp = 'a'");
    assert_eq!(
        one(&mut s, "select sum(amt) from cq where grp = 'a'"),
        t("7.50")
    );
    exec(&mut s, "update cq set (grp, amt) = ('z', 0) where id = 5");
    assert_eq!(
        q(&mut s, "select grp, amt from cq where id = 5"),
        vec![vec![t("z "), t("0.00")]]
    );
    exec(
        &mut s,
        "delete cq where id in (select id from cq where amt < 1)",
    );
    assert_eq!(one(&mut s, "select count(*) from cq"), Cell::Int(3));
    exec(
        &mut s,
        "insert into cq (id, grp, amt) select id + 10, grp, amt from cq where id < 3",
    );
    assert_eq!(one(&mut s, "select count(*) from cq"), Cell::Int(5));
    assert_eq!(
        one(&mut s, "select nvl(max(amt), 0) from cq where id > 100"),
        t("0.00")
    );
}

#[test]
fn odd_input_never_panics() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    let deep = format!(
        "select {}1{} from systables",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let negs = format!("select {}1 from systables", "-".repeat(50000));
    let nots = format!(
        "select 1 from systables where {} 1 = 1",
        "not ".repeat(50000)
    );
    let inputs = [
        "",
        ";",
        "select",
        "select * from",
        "select 1 from systables where",
        "insert into",
        "(((",
        "'",
        "\"",
        "{",
        "/*",
        "select 99999999999999999999999999999999999999999 from systables",
        "select 1e999 from systables",
        "select 'é€😀' from systables",
        "select col[9223372036854775807, -9223372036854775807] from systables",
        "select datetime(9999-99-99) year to day from systables",
        "select interval(99999999999999999-1) year(9) to month from systables",
        "create table x (a decimal(99,99))",
        "create table x (a char(0))",
        "select mdy(999999999999, 1, 1) from systables",
        "select ? from systables",
        "update systables set tabid = tabid where 1 = 0",
        deep.as_str(),
        negs.as_str(),
        nots.as_str(),
    ];
    for sql in inputs {
        let _ = run(&mut s, sql, &[]);
    }
    assert_eq!(
        one(&mut s, "select count(*) from systables where tabid = 1"),
        Cell::Int(1)
    );
}

// ------------------------------------------------------- complex types

fn txt(s: &str) -> Cell {
    Cell::Text(s.into())
}

#[test]
fn complex_columns_describe_store_and_compare() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    exec(
        &mut s,
        "CREATE TABLE cx (id INT, s SET(INT NOT NULL), m MULTISET(VARCHAR(10) NOT NULL), \
         l LIST(INTEGER NOT NULL), r ROW(a INT, b VARCHAR(10)))",
    );
    exec(
        &mut s,
        "INSERT INTO cx VALUES (1, SET{3,1,3}, MULTISET{'x','y','x'}, LIST{10,20,30}, ROW(30,'Alice'))",
    );
    exec(
        &mut s,
        "INSERT INTO cx VALUES (2, 'SET{5}', 'MULTISET{}', \"LIST{1, 2}\", 'ROW(1, ''it''''s'')')",
    );
    exec(&mut s, "INSERT INTO cx VALUES (3, NULL, NULL, NULL, NULL)");
    let (_, rows, p) = run(&mut s, "SELECT s, m, l, r FROM cx ORDER BY id", &[]).unwrap();
    let codes: Vec<u16> = p.columns.iter().map(|c| c.coltype).collect();
    assert_eq!(codes, vec![19, 20, 21, 22]);
    let names: Vec<&str> = p.columns.iter().map(|c| c.extended_name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "SET(integer not null)",
            "MULTISET(varchar(10) not null)",
            "LIST(integer not null)",
            "ROW(a integer,b varchar(10))"
        ]
    );
    assert_eq!(
        rows[0],
        vec![
            txt("SET{3          ,1          }"),
            txt("MULTISET{'x','y','x'}"),
            txt("LIST{10         ,20         ,30         }"),
            txt("ROW(30         ,'Alice')"),
        ]
    );
    assert_eq!(
        rows[1],
        vec![
            txt("SET{5          }"),
            txt("MULTISET{}"),
            txt("LIST{1          ,2          }"),
            txt("ROW(1          ,'it''s')"),
        ]
    );
    assert_eq!(
        rows[2],
        vec![Cell::Null, Cell::Null, Cell::Null, Cell::Null]
    );
    // Whole-value equality: SET/MULTISET ignore order, LIST does not.
    let ids = |s: &mut Session, w: &str| -> Vec<Vec<Cell>> {
        q(s, &format!("SELECT id FROM cx WHERE {w} ORDER BY id"))
    };
    assert_eq!(ids(&mut s, "s = SET{1,3}"), vec![vec![Cell::Int(1)]]);
    assert_eq!(ids(&mut s, "s = 'SET{5}'"), vec![vec![Cell::Int(2)]]);
    assert_eq!(
        ids(&mut s, "m = MULTISET{'y','x','x'}"),
        vec![vec![Cell::Int(1)]]
    );
    assert!(ids(&mut s, "m = MULTISET{'y','x'}").is_empty());
    assert_eq!(ids(&mut s, "l = LIST{10,20,30}"), vec![vec![Cell::Int(1)]]);
    assert!(ids(&mut s, "l = LIST{30,20,10}").is_empty());
    assert_eq!(ids(&mut s, "r = ROW(30,'Alice')"), vec![vec![Cell::Int(1)]]);
    assert_eq!(
        ids(&mut s, "r <> ROW(30,'Alice')"),
        vec![vec![Cell::Int(2)]]
    );
    assert_eq!(ids(&mut s, "s IS NULL"), vec![vec![Cell::Int(3)]]);
    // UPDATE with a constructor; catalogue rows.
    exec(&mut s, "UPDATE cx SET l = LIST{7} WHERE id = 3");
    assert_eq!(
        q(&mut s, "SELECT l FROM cx WHERE id = 3"),
        vec![vec![txt("LIST{7          }")]]
    );
    assert_eq!(
        q(
            &mut s,
            "SELECT coltype FROM syscolumns c, systables t WHERE c.tabid = t.tabid \
             AND t.tabname = 'cx' ORDER BY colno"
        ),
        vec![
            vec![Cell::Int(2)],
            vec![Cell::Int(19)],
            vec![Cell::Int(20)],
            vec![Cell::Int(21)],
            vec![Cell::Int(22)]
        ]
    );
}

#[test]
fn complex_constructors_in_select_lists() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    let (_, rows, p) = run(
        &mut s,
        "SELECT SET{1,2}, LIST{'a','bc'}, ROW(1,'x'), MULTISET{1.5, 2} FROM systables WHERE tabid = 1",
        &[],
    )
    .unwrap();
    let names: Vec<&str> = p.columns.iter().map(|c| c.extended_name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "SET(integer not null)",
            "LIST(varchar(2) not null)",
            "ROW(field1 integer,field2 varchar(1))",
            "MULTISET(decimal(32) not null)"
        ]
    );
    assert_eq!(
        rows,
        vec![vec![
            txt("SET{1          ,2          }"),
            txt("LIST{'a','bc'}"),
            txt("ROW(1          ,'x')"),
            txt("MULTISET{1.5,2}"),
        ]]
    );
}

#[test]
fn complex_errors() {
    let e = engine();
    let mut s = sess(&e, "testdb");
    // Elements must be declared NOT NULL.
    assert_eq!(err(&mut s, "CREATE TABLE bad (s SET(INT))").0, -201);
    exec(
        &mut s,
        "CREATE TABLE cy (s SET(INT NOT NULL), r ROW(a INT, b INT))",
    );
    assert_eq!(err(&mut s, "INSERT INTO cy (s) VALUES ('hello')").0, -1260);
    assert_eq!(
        err(&mut s, "INSERT INTO cy (s) VALUES ('SET{1,x}')").0,
        -1213
    );
    assert_eq!(err(&mut s, "INSERT INTO cy (r) VALUES (ROW(1))").0, -1260);
    assert_eq!(
        err(&mut s, "INSERT INTO cy (s) VALUES (SET{1, NULL})").0,
        -9978
    );
    assert_eq!(err(&mut s, "SELECT s FROM cy WHERE s = ROW(1,2)").0, -1260);
}
