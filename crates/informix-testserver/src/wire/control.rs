//! The control channel: a line-based text protocol on a loopback TCP port for tests
//! and tools. One command per line; one reply line, `ok [JSON]` or `err <reason>`.
//! The grammar is documented in docs/testserver.md.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::state::{SessionInfo, Shared, lock};

pub fn serve(listener: TcpListener, shared: Arc<Shared>) {
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        let shared = Arc::clone(&shared);
        let _ = std::thread::Builder::new()
            .name("control".into())
            .spawn(move || client(conn, &shared));
    }
}

fn client(conn: TcpStream, shared: &Shared) {
    let _ = conn.set_nodelay(true);
    let Ok(mut writer) = conn.try_clone() else {
        return;
    };
    let reader = BufReader::new(conn);
    for line in reader.lines() {
        let Ok(line) = line else { return };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "quit" {
            let _ = writer.write_all(b"ok bye\n");
            return;
        }
        let reply = match command(line, shared) {
            Ok(body) if body.is_empty() => "ok\n".to_owned(),
            Ok(body) => format!("ok {body}\n"),
            Err(e) => format!("err {e}\n"),
        };
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn parse_id(s: Option<&str>) -> Result<u64, String> {
    s.ok_or("missing session id")?
        .parse()
        .map_err(|_| "session id must be a number".to_owned())
}

fn parse_count(s: Option<&str>) -> Result<i64, String> {
    s.ok_or("missing count")?
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| "count must be a non-negative number".to_owned())
}

/// Waits (bounded) until a killed session has rolled back and closed.
fn wait_closed(sessions: &[Arc<SessionInfo>]) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && sessions.iter().any(|s| !s.closed.load(Ordering::SeqCst)) {
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn list(sessions: &[Arc<SessionInfo>]) -> String {
    let items: Vec<String> = sessions.iter().map(|s| s.to_json()).collect();
    format!("[{}]", items.join(","))
}

pub fn command(line: &str, shared: &Shared) -> Result<String, String> {
    let all: Vec<&str> = line.split_whitespace().collect();
    let verb = all
        .first()
        .copied()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let max_args = match verb.as_str() {
        "ping" | "reset" | "help" => 0,
        "cut" => 2,
        _ => 1,
    };
    if all.len() > max_args + 1 {
        return Err("too many arguments".into());
    }
    let mut words = all.iter().skip(1).copied();
    let reg = &shared.registry;
    let faults = &shared.faults;
    let out = match verb.as_str() {
        "ping" => "\"pong\"".to_owned(),
        "sessions" => match words.next() {
            None => list(&reg.live()),
            Some("all") => list(&reg.all()),
            Some(other) => return Err(format!("unknown sessions filter {other:?}")),
        },
        "kill" => {
            let targets = match words.next() {
                Some("all") => reg.live(),
                other => {
                    let id = parse_id(other)?;
                    vec![reg.get(id).ok_or(format!("no session {id}"))?]
                }
            };
            for s in &targets {
                s.kill();
            }
            wait_closed(&targets);
            format!("{{\"killed\":{}}}", targets.len())
        }
        "delay" => {
            let ms = parse_count(words.next())?;
            faults.delay_ms.store(ms.unsigned_abs(), Ordering::SeqCst);
            format!("{{\"delay_ms\":{ms}}}")
        }
        "refuse" => match words.next() {
            Some("off") => {
                faults.refuse.store(0, Ordering::SeqCst);
                "{\"refuse\":null}".to_owned()
            }
            Some(code) => {
                let code: i64 = code
                    .parse()
                    .ok()
                    .filter(|c: &i64| *c != 0 && i32::try_from(*c).is_ok())
                    .ok_or("refuse needs a non-zero sqlcode or off")?;
                faults.refuse.store(code, Ordering::SeqCst);
                format!("{{\"refuse\":{code}}}")
            }
            None => return Err("refuse needs a sqlcode or off".into()),
        },
        "cut" => match words.next() {
            Some("next") => {
                let n = parse_count(words.next())?;
                *lock(&faults.cut_next) = Some(n);
                format!("{{\"cut_next\":{n}}}")
            }
            Some("off") => {
                *lock(&faults.cut_next) = None;
                "{\"cut_next\":null}".to_owned()
            }
            other => {
                let id = parse_id(other)?;
                let n = parse_count(words.next())?;
                let s = reg.get(id).ok_or(format!("no session {id}"))?;
                if n == 0 {
                    s.kill();
                    wait_closed(std::slice::from_ref(&s));
                } else {
                    s.cut_after.store(n, Ordering::SeqCst);
                }
                format!("{{\"id\":{id},\"cut_after\":{n}}}")
            }
        },
        "counters" => match words.next() {
            Some(id) => {
                let id = parse_id(Some(id))?;
                reg.get(id).ok_or(format!("no session {id}"))?.to_json()
            }
            None => {
                let all = reg.all();
                let sum = |f: &dyn Fn(&SessionInfo) -> u64| -> u64 { all.iter().map(|s| f(s)).sum() };
                format!(
                    "{{\"sessions_opened\":{},\"sessions_live\":{},\"messages\":{},\"requests\":{},\"bytes_in\":{},\"bytes_out\":{},\"round_trips\":{},\"replies\":{},\"delay_ms\":{},\"refuse\":{}}}",
                    reg.opened_total.load(Ordering::Relaxed),
                    reg.live().len(),
                    sum(&|s| s.messages.load(Ordering::Relaxed)),
                    sum(&|s| s.requests.load(Ordering::Relaxed)),
                    sum(&|s| s.bytes_in.load(Ordering::Relaxed)),
                    sum(&|s| s.bytes_out.load(Ordering::Relaxed)),
                    sum(&|s| s.round_trips.load(Ordering::Relaxed)),
                    sum(&|s| s.replies.load(Ordering::Relaxed)),
                    faults.delay_ms.load(Ordering::Relaxed),
                    match faults.refused() {
                        Some(c) => c.to_string(),
                        None => "null".into(),
                    },
                )
            }
        },
        "reset" => {
            faults.delay_ms.store(0, Ordering::SeqCst);
            faults.refuse.store(0, Ordering::SeqCst);
            *lock(&faults.cut_next) = None;
            reg.prune_closed();
            reg.opened_total.store(0, Ordering::Relaxed);
            for s in reg.all() {
                s.reset_counters();
                s.cut_after.store(-1, Ordering::SeqCst);
            }
            String::new()
        }
        "help" => "\"commands: ping | sessions [all] | kill <id>|all | delay <ms> | refuse <sqlcode>|off | cut <id> <n> | cut next <n> | cut off | counters [<id>] | reset | quit\"".to_owned(),
        other => return Err(format!("unknown command {other:?}")),
    };
    Ok(out)
}
