#![allow(clippy::unwrap_used)]
use informix_testserver::engine::*;
use std::time::Instant;
#[test]
#[ignore]
fn probe() {
    let e = Engine::new(EngineConfig { data_dir: None, databases: vec![("d".into(), DbMode::Unlogged)], server_version_full: "x".into() }).unwrap();
    let mut s = e.open_session("d", "informix").unwrap();
    let p = s.prepare("CREATE TABLE bench (id INTEGER, name VARCHAR(30), amount FLOAT, born DATE, price DECIMAL(10,2))").unwrap();
    s.execute(&p, &[]).unwrap();
    let ins = s.prepare("INSERT INTO bench VALUES (?, ?, ?, ?, ?)").unwrap();
    let t = Instant::now();
    for i in 0..100_000i64 {
        s.execute(&ins, &[Param::Int(i), Param::Text(format!("name {i}")), Param::Float(i as f64 * 1.5), Param::Date(40000 + (i % 5000) as i32), Param::Text(format!("{}.{:02}", i % 10000, i % 100))]).unwrap();
    }
    println!("insert {:?}", t.elapsed());
    let p = s.prepare("CREATE UNIQUE INDEX bench_id ON bench (id)").unwrap();
    s.execute(&p, &[]).unwrap();
    let q = s.prepare("SELECT id, name, amount, born, price FROM bench").unwrap();
    let t = Instant::now();
    let rows = s.query(&q, &[]).unwrap();
    println!("select all {} {:?}", rows.len(), t.elapsed());
    let q = s.prepare("SELECT id, name FROM bench WHERE id = ?").unwrap();
    let t = Instant::now();
    for i in 0..200 { let r = s.query(&q, &[Param::Int(i)]).unwrap(); assert_eq!(r.len(), 1); }
    println!("point query {:?} each", t.elapsed() / 200);
}
