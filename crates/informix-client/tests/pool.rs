//! Pool behaviour against a real `informix-testserver` process.
//!
//! The binary is found through `$INFORMIX_TESTSERVER`, else `target/{release,debug}/`
//! of this workspace; without it these tests print why and pass vacuously (set
//! `INFORMIX_REQUIRE_SERVER=1` to make that a failure instead).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use informix_client::{AsyncAcquire, ConnectOptions, Pool, PoolConfig, PoolError};

/// Kills the server process when dropped.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Server {
    _child: ChildGuard,
    port: u16,
    control: Mutex<BufReader<TcpStream>>,
}

impl Server {
    fn start() -> Option<Server> {
        let binary = std::env::var_os("INFORMIX_TESTSERVER")
            .map(PathBuf::from)
            .or_else(|| {
                let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
                ["release", "debug"]
                    .iter()
                    .map(|p| root.join("target").join(p).join("informix-testserver"))
                    .find(|p| p.is_file())
            });
        let Some(binary) = binary else {
            return skip("informix-testserver binary not found");
        };
        let child = Command::new(&binary)
            .args([
                "--listen",
                "127.0.0.1:0",
                "--server-name",
                "informix",
                "--user",
                "informix:in4mix",
                "--database",
                "testdb:logged",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        // From here on the process is killed on every way out.
        let mut guard = ChildGuard(child);
        let stdout = guard.0.stdout.take()?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (mut port, mut control) = (None, None);
        let deadline = Instant::now() + Duration::from_secs(20);
        while port.is_none() || control.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = rx.recv_timeout(left) else {
                return skip("informix-testserver did not report its listeners");
            };
            let addr_port = |l: &str| l.rsplit(':').next().and_then(|p| p.trim().parse().ok());
            if line.starts_with("listening sqli ") {
                port = addr_port(&line);
            } else if line.starts_with("listening control ") {
                control = addr_port(&line);
            }
        }
        let control = TcpStream::connect(("127.0.0.1", control?)).ok()?;
        let port = port?;
        Some(Server {
            _child: guard,
            port,
            control: Mutex::new(BufReader::new(control)),
        })
    }

    fn send(&self, cmd: &str) -> String {
        let mut c = self.control.lock().expect("control lock");
        c.get_mut()
            .write_all(format!("{cmd}\n").as_bytes())
            .expect("control write");
        let mut line = String::new();
        c.read_line(&mut line).expect("control read");
        assert!(line.starts_with("ok"), "{cmd}: {line}");
        line
    }

    fn config(&self, min: usize, max: usize) -> PoolConfig {
        PoolConfig {
            connect: ConnectOptions {
                host: "127.0.0.1".into(),
                port: self.port,
                user: "informix".into(),
                password: Some("in4mix".into()),
                database: Some("testdb".into()),
                server: "informix".into(),
                connect_timeout: Some(Duration::from_secs(5)),
                ..ConnectOptions::default()
            },
            min_size: min,
            max_size: max,
            acquire_timeout: Duration::from_secs(5),
            ..PoolConfig::default()
        }
    }
}

fn skip<T>(why: &str) -> Option<T> {
    if std::env::var("INFORMIX_REQUIRE_SERVER").as_deref() == Ok("1") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
    None
}

fn query_one(conn: &informix_client::Connection) -> informix_client::Result<usize> {
    let exec = conn.execute("SELECT tabid FROM systables WHERE tabid = 1", &[])?;
    let mut rows = 0;
    if let Some(stream) = exec.stream {
        while let Some(batch) = stream.next_batch()? {
            rows += batch.len();
        }
    }
    Ok(rows)
}

#[test]
fn lifecycle_lifo_and_rollback_on_release() {
    let Some(srv) = Server::start() else { return };
    let pool = Pool::new(srv.config(2, 4)).expect("pool");
    assert_eq!(pool.size(), 2);
    assert_eq!(pool.idle_count(), 2);
    let a = pool.acquire(None, None).expect("a");
    assert_eq!(query_one(&a.conn).expect("query"), 1);
    assert!(a.conn.in_transaction());
    let id = a.id;
    pool.release(&a.conn, false, false, true).expect("release");
    assert!(!a.conn.in_transaction(), "rolled back on release");
    let b = pool.acquire(None, None).expect("b");
    assert_eq!(
        b.id, id,
        "LIFO: the most recently returned comes back first"
    );
    assert!(matches!(
        pool.release(&a.conn, false, false, true).map(|_| ()),
        Ok(())
    ));
    assert!(matches!(
        pool.release(&b.conn, false, false, true),
        Err(PoolError::NotCheckedOut)
    ));
    let s = pool.stats();
    assert_eq!(s.rollbacks_on_release, 1);
    assert_eq!(s.acquisitions, 2);
    pool.close(None);
    assert_eq!(pool.size(), 0);
    assert!(matches!(pool.acquire(None, None), Err(PoolError::Closed)));
}

#[test]
fn guard_returns_on_drop_and_broken_evicts() {
    let Some(srv) = Server::start() else { return };
    let pool = Pool::new(srv.config(0, 2)).expect("pool");
    {
        let conn = pool.get().expect("get");
        assert_eq!(query_one(&conn).expect("query"), 1);
    }
    assert_eq!(pool.idle_count(), 1);
    {
        let mut conn = pool.get().expect("get");
        conn.mark_broken();
    }
    assert_eq!(pool.size(), 0);
    assert_eq!(pool.stats().evicted_broken, 1);
}

#[test]
fn concurrent_threads_never_exceed_max_and_leak_nothing() {
    let Some(srv) = Server::start() else { return };
    let pool = Pool::new(srv.config(0, 3)).expect("pool");
    let peak = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let pool = pool.clone();
            let peak = peak.clone();
            std::thread::spawn(move || {
                for j in 0..15 {
                    let co = pool.acquire(None, None).expect("acquire");
                    peak.fetch_max(pool.size(), Ordering::Relaxed);
                    assert_eq!(query_one(&co.conn).expect("query"), 1);
                    let broken = (i + j) % 7 == 0;
                    pool.release(&co.conn, broken, false, true)
                        .expect("release");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("worker");
    }
    assert!(peak.load(Ordering::Relaxed) <= 3);
    let s = pool.stats();
    assert_eq!(s.in_use, 0);
    assert_eq!(s.waiting, 0);
    assert!(s.size <= 3);
    assert_eq!(s.acquisitions, 120);
}

#[test]
fn fifo_hand_off_and_deadline() {
    let Some(srv) = Server::start() else { return };
    let pool = Pool::new(srv.config(1, 1)).expect("pool");
    let held = pool.acquire(None, None).expect("held");
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for i in 0..5 {
        let pool2 = pool.clone();
        let order = order.clone();
        handles.push(std::thread::spawn(move || {
            let co = pool2
                .acquire(Some(Duration::from_secs(10)), None)
                .expect("waiter");
            order.lock().expect("order").push(i);
            std::thread::sleep(Duration::from_millis(2));
            pool2
                .release(&co.conn, false, false, true)
                .expect("release");
        }));
        let t = Instant::now();
        while pool.stats().waiting < i + 1 && t.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    // The deadline: nothing comes within 100 ms, and the message says why.
    let t = Instant::now();
    let err = pool
        .acquire(Some(Duration::from_millis(100)), None)
        .expect_err("full");
    assert!(t.elapsed() < Duration::from_millis(500));
    match err {
        PoolError::Timeout(m) => {
            assert!(m.contains("max_size=1") && m.contains("waiting=5"), "{m}")
        }
        other => panic!("unexpected {other:?}"),
    }
    pool.release(&held.conn, false, false, true)
        .expect("release");
    for h in handles {
        h.join().expect("waiter");
    }
    assert_eq!(*order.lock().expect("order"), vec![0, 1, 2, 3, 4]);
}

#[test]
fn async_acquire_callbacks_and_cancel() {
    let Some(srv) = Server::start() else { return };
    let pool = Pool::new(srv.config(1, 1)).expect("pool");
    let first = match pool
        .acquire_async(None, None, Box::new(|_| panic!("ready at once")))
        .expect("first")
    {
        AsyncAcquire::Ready(co) => co,
        AsyncAcquire::Pending(_) => panic!("an idle connection was available"),
    };
    let (tx, rx) = mpsc::channel();
    let tx2 = tx.clone();
    let ticket = match pool
        .acquire_async(
            Some(Duration::from_secs(5)),
            None,
            Box::new(move |r| {
                let _ = tx2.send(("cancelled", r.is_ok()));
            }),
        )
        .expect("second")
    {
        AsyncAcquire::Pending(t) => t,
        AsyncAcquire::Ready(_) => panic!("pool is full"),
    };
    assert!(pool.cancel_wait(ticket));
    assert!(!pool.cancel_wait(ticket));
    let _ = match pool
        .acquire_async(
            Some(Duration::from_secs(5)),
            None,
            Box::new(move |r| {
                if let Ok(co) = &r {
                    let _ = co.clone().release(false);
                }
                let _ = tx.send(("third", r.is_ok()));
            }),
        )
        .expect("third")
    {
        AsyncAcquire::Pending(t) => t,
        AsyncAcquire::Ready(_) => panic!("pool is full"),
    };
    pool.release(&first.conn, false, false, true)
        .expect("release");
    let got = rx.recv_timeout(Duration::from_secs(5)).expect("callback");
    assert_eq!(got, ("third", true));
    // The async waiter's deadline is enforced by the pool thread.
    let held = pool.acquire(None, None).expect("held");
    let (tx, rx) = mpsc::channel();
    let _ = pool
        .acquire_async(
            Some(Duration::from_millis(100)),
            None,
            Box::new(move |r| {
                let _ = tx.send(matches!(r, Err(PoolError::Timeout(_))));
            }),
        )
        .expect("fourth");
    assert!(
        rx.recv_timeout(Duration::from_secs(5))
            .expect("timeout callback")
    );
    pool.release(&held.conn, false, false, true)
        .expect("release");
}

#[test]
fn kill_all_then_server_down_then_up() {
    let Some(srv) = Server::start() else { return };
    let mut cfg = srv.config(2, 3);
    cfg.health_check_after = Duration::from_millis(50);
    cfg.reconnect_base = Duration::from_millis(50);
    cfg.reconnect_max = Duration::from_millis(200);
    let pool = Pool::new(cfg).expect("pool");
    std::thread::sleep(Duration::from_millis(100));
    srv.send("kill all");
    // One failed check discards every idle connection; the caller gets a fresh one.
    let co = pool.acquire(None, None).expect("after kill");
    assert_eq!(query_one(&co.conn).expect("query"), 1);
    pool.release(&co.conn, false, false, true).expect("release");
    let s = pool.stats();
    assert_eq!(s.checks_failed, 1);
    assert!(s.invalidations >= 1);

    srv.send("refuse -908");
    srv.send("kill all");
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    let err = pool.acquire(None, None).expect_err("down");
    match &err {
        PoolError::Connect(e) => assert_eq!(e.sqlcode, -908),
        other => panic!("expected the real connect error, got {other:?}"),
    }
    assert!(t.elapsed() < Duration::from_secs(2));
    srv.send("refuse off");
    let t = Instant::now();
    loop {
        match pool.acquire(Some(Duration::from_secs(1)), None) {
            Ok(co) => {
                assert_eq!(query_one(&co.conn).expect("query"), 1);
                pool.release(&co.conn, false, false, true).expect("release");
                break;
            }
            Err(_) if t.elapsed() < Duration::from_secs(5) => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Err(e) => panic!("pool did not recover: {e}"),
        }
    }
    assert!(!pool.stats().server_down);
}
