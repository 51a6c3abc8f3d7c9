//! Server-wide state shared by listeners, sessions and the control channel: the
//! session registry with per-session counters, and the injectable faults.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::transport::Cutter;
use crate::engine::Engine;

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Static server settings from the command line.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub server_name: String,
    /// (user, password)
    pub users: Vec<(String, String)>,
    /// Internal version announced in CONACC.
    pub internal_version: String,
    /// `DBINFO('version','full')`; its product part (before ` Version`) prefixes the
    /// CONACC version text.
    pub version_full: String,
}

pub struct Shared {
    pub settings: ServerSettings,
    pub engine: Arc<Engine>,
    pub registry: Registry,
    pub faults: Faults,
    pub shutting_down: AtomicBool,
}

/// Faults injected through the control channel.
#[derive(Default)]
pub struct Faults {
    /// Delay before every reply, in milliseconds.
    pub delay_ms: AtomicU64,
    /// Refuse new logins with this sqlcode (0 = off).
    pub refuse: AtomicI64,
    /// Cut the next new session after this many requests (-1 = off).
    pub cut_next: Mutex<Option<i64>>,
}

impl Faults {
    pub fn delay(&self) -> Option<Duration> {
        match self.delay_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(Duration::from_millis(ms)),
        }
    }

    pub fn refused(&self) -> Option<i32> {
        match self.refuse.load(Ordering::Relaxed) {
            0 => None,
            code => i32::try_from(code).ok(),
        }
    }
}

/// One session as the control channel sees it.
pub struct SessionInfo {
    pub id: u64,
    pub peer: String,
    pub tls: bool,
    pub user: Mutex<String>,
    pub database: Mutex<String>,
    /// Client messages (tags) received.
    pub messages: AtomicU64,
    /// Client requests (PDUs, i.e. message runs ending in EOT, or a bare SQ_EXIT).
    pub requests: AtomicU64,
    pub bytes_in: Arc<AtomicU64>,
    pub bytes_out: AtomicU64,
    /// Replies sent (one per request answered, the login exchange included).
    /// Replies sent: one per request answered.
    pub replies: AtomicU64,
    /// Turns: times the server sent what it had and then waited for the client.
    pub round_trips: AtomicU64,
    /// Time spent handling requests (decoding, engine, encoding), excluding I/O waits.
    pub busy_ns: AtomicU64,
    pub in_transaction: AtomicBool,
    /// Requests still allowed before the session is cut (-1 = no limit).
    pub cut_after: AtomicI64,
    pub closed: AtomicBool,
    pub killed: AtomicBool,
    pub cutter: Mutex<Option<Cutter>>,
}

impl SessionInfo {
    pub fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
        if let Some(c) = lock(&self.cutter).as_ref() {
            c.cut();
        }
    }

    pub fn reset_counters(&self) {
        self.messages.store(0, Ordering::Relaxed);
        self.requests.store(0, Ordering::Relaxed);
        self.bytes_in.store(0, Ordering::Relaxed);
        self.bytes_out.store(0, Ordering::Relaxed);
        self.round_trips.store(0, Ordering::Relaxed);
        self.replies.store(0, Ordering::Relaxed);
        self.busy_ns.store(0, Ordering::Relaxed);
    }

    pub fn to_json(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "{{\"id\":{},\"user\":{},\"database\":{},\"peer\":{},\"tls\":{},\"messages\":{},\"requests\":{},\"bytes_in\":{},\"bytes_out\":{},\"round_trips\":{},\"replies\":{},\"busy_us\":{},\"in_transaction\":{},\"state\":\"{}\"}}",
            self.id,
            json_str(&lock(&self.user)),
            json_str(&lock(&self.database)),
            json_str(&self.peer),
            self.tls,
            self.messages.load(Ordering::Relaxed),
            self.requests.load(Ordering::Relaxed),
            self.bytes_in.load(Ordering::Relaxed),
            self.bytes_out.load(Ordering::Relaxed),
            self.round_trips.load(Ordering::Relaxed),
            self.replies.load(Ordering::Relaxed),
            self.busy_ns.load(Ordering::Relaxed) / 1000,
            self.in_transaction.load(Ordering::Relaxed),
            if self.closed.load(Ordering::Relaxed) {
                "closed"
            } else {
                "open"
            },
        );
        s
    }
}

pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Default)]
pub struct Registry {
    next_id: AtomicU64,
    sessions: Mutex<BTreeMap<u64, Arc<SessionInfo>>>,
    pub opened_total: AtomicU64,
}

impl Registry {
    pub fn register(&self, peer: String, tls: bool, cut_after: Option<i64>) -> Arc<SessionInfo> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let info = Arc::new(SessionInfo {
            id,
            peer,
            tls,
            user: Mutex::new(String::new()),
            database: Mutex::new(String::new()),
            messages: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            bytes_in: Arc::new(AtomicU64::new(0)),
            bytes_out: AtomicU64::new(0),
            round_trips: AtomicU64::new(0),
            replies: AtomicU64::new(0),
            busy_ns: AtomicU64::new(0),
            in_transaction: AtomicBool::new(false),
            cut_after: AtomicI64::new(cut_after.unwrap_or(-1)),
            closed: AtomicBool::new(false),
            killed: AtomicBool::new(false),
            cutter: Mutex::new(None),
        });
        self.opened_total.fetch_add(1, Ordering::Relaxed);
        lock(&self.sessions).insert(id, Arc::clone(&info));
        info
    }

    pub fn get(&self, id: u64) -> Option<Arc<SessionInfo>> {
        lock(&self.sessions).get(&id).cloned()
    }

    pub fn all(&self) -> Vec<Arc<SessionInfo>> {
        lock(&self.sessions).values().cloned().collect()
    }

    pub fn live(&self) -> Vec<Arc<SessionInfo>> {
        self.all()
            .into_iter()
            .filter(|s| !s.closed.load(Ordering::SeqCst))
            .collect()
    }

    /// Forgets closed sessions (their counters go with them).
    pub fn prune_closed(&self) {
        lock(&self.sessions).retain(|_, s| !s.closed.load(Ordering::SeqCst));
    }
}
