//! One database: a single SQLite connection shared by all sessions, the
//! emulator catalogue and the lock table.
//!
//! SQLite allows one writer per database, while Informix lets several
//! transactions write different tables at once. So every session executes
//! on the same connection (statements are serialised by a mutex and SQLite
//! runs in autocommit mode), and Informix transactions are implemented
//! above it: triggers record an undo log while a transaction is open and
//! ROLLBACK replays it backwards. Isolation between sessions comes from the
//! emulator's table locks, which is what Informix's default page-level
//! locking amounts to for small test tables.

use super::DbMode;
use super::catalog::{self, Catalog, TabKind, TableMeta};
use super::ddl;
use super::functions;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Condvar, Mutex, RwLock};

/// Where an undo record applies: SQLite table name and column names at the
/// time the record was made.
#[derive(Debug)]
pub struct UndoTab {
    pub sqlite: String,
    pub cols: Vec<String>,
}

/// Session-side effects that a rollback must also undo.
#[derive(Debug, Clone)]
pub enum SessUndo {
    /// A temp table created in the transaction.
    DropTemp(String),
    /// A temp table dropped in the transaction.
    RestoreTemp(Arc<TableMeta>),
}

#[derive(Debug)]
pub enum UndoRec {
    Ins(Arc<UndoTab>, i64),
    Upd(Arc<UndoTab>, i64, Vec<Value>),
    Del(Arc<UndoTab>, i64, Vec<Value>),
    Sql(String),
    /// The emulator catalogue must be reloaded after undoing this point.
    Catalog,
    Session(SessUndo),
}

/// State the SQLite user functions share with the executor.
#[derive(Debug, Default)]
pub struct Capture {
    /// Record undo information (a transaction is open).
    pub active: bool,
    pub log: Vec<UndoRec>,
    pub tabs: HashMap<i64, Arc<UndoTab>>,
    /// SERIAL and SERIAL8/BIGSERIAL counters per table key.
    pub serials: HashMap<i64, (i64, i64)>,
    pub last_serial: Option<i64>,
    pub last_serial8: Option<i64>,
    pub serial_dirty: bool,
}

#[derive(Debug)]
pub struct Shared {
    /// CURRENT of the executing statement, microseconds since 1970 (UTC).
    pub now_us: AtomicI64,
    pub cap: Mutex<Capture>,
}

/// A table lock: exclusive owner and shared owners (LOCK TABLE ... SHARE).
#[derive(Debug, Default, Clone)]
pub struct TLock {
    pub x: Option<u64>,
    pub s: Vec<u64>,
}

#[derive(Debug, Default)]
pub struct LockTable {
    pub tables: HashMap<i64, TLock>,
    /// Session -> session it waits for (deadlock detection).
    pub waiting: HashMap<u64, u64>,
}

impl LockTable {
    /// Session holding a lock that blocks `me` from reading `key`.
    pub fn read_blocker(&self, key: i64, me: u64) -> Option<u64> {
        self.tables.get(&key).and_then(|l| l.x.filter(|o| *o != me))
    }

    /// Session holding a lock that blocks `me` from writing `key`.
    pub fn write_blocker(&self, key: i64, me: u64) -> Option<u64> {
        let l = self.tables.get(&key)?;
        l.x.filter(|o| *o != me)
            .or_else(|| l.s.iter().copied().find(|o| *o != me))
    }

    pub fn lock_x(&mut self, key: i64, me: u64) {
        let l = self.tables.entry(key).or_default();
        l.x = Some(me);
        l.s.retain(|o| *o != me);
    }

    pub fn lock_s(&mut self, key: i64, me: u64) {
        let l = self.tables.entry(key).or_default();
        if l.x != Some(me) && !l.s.contains(&me) {
            l.s.push(me);
        }
    }

    pub fn release(&mut self, key: i64, me: u64) {
        if let Some(l) = self.tables.get_mut(&key) {
            if l.x == Some(me) {
                l.x = None;
            }
            l.s.retain(|o| *o != me);
            if l.x.is_none() && l.s.is_empty() {
                self.tables.remove(&key);
            }
        }
    }

    /// True if `me` waiting for `holder` closes a cycle.
    pub fn would_deadlock(&self, me: u64, holder: u64) -> bool {
        let mut cur = holder;
        for _ in 0..64 {
            if cur == me {
                return true;
            }
            match self.waiting.get(&cur) {
                Some(n) => cur = *n,
                None => return false,
            }
        }
        false
    }
}

pub struct DbState {
    pub conn: Connection,
    pub locks: LockTable,
    /// Counter for names of tables dropped inside a transaction.
    pub dropped_seq: u64,
    /// Counter for temp table keys (negative).
    pub temp_seq: i64,
}

pub struct Database {
    pub name: String,
    pub mode: DbMode,
    pub state: Mutex<DbState>,
    pub cv: Condvar,
    pub shared: Arc<Shared>,
    pub catalog: RwLock<Arc<Catalog>>,
    pub file: Option<PathBuf>,
}

/// Undo key of the hidden `__ifx_def` table.
pub const DEF_KEY: i64 = -2_000_000;

fn e2s(e: rusqlite::Error) -> String {
    e.to_string()
}

impl Database {
    /// Opens (or creates) a database; `file` None = in memory.
    pub fn open(
        name: &str,
        mode: DbMode,
        file: Option<PathBuf>,
        today: i64,
    ) -> Result<Arc<Database>, String> {
        let conn = match &file {
            Some(p) => Connection::open(p).map_err(e2s)?,
            None => Connection::open_in_memory().map_err(e2s)?,
        };
        conn.execute_batch("PRAGMA foreign_keys=ON; PRAGMA recursive_triggers=OFF;")
            .map_err(e2s)?;
        if file.is_some() {
            conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;")
                .map_err(e2s)?;
        }
        conn.set_prepared_statement_cache_capacity(512);
        let shared = Arc::new(Shared {
            now_us: AtomicI64::new(0),
            cap: Mutex::new(Capture::default()),
        });
        functions::register(&conn, &shared).map_err(e2s)?;
        let exists: Option<String> = conn
            .query_row(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='__ifx_meta'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(e2s)?;
        let mut cat = Catalog::default();
        if exists.is_none() {
            conn.execute_batch(
                "CREATE TABLE __ifx_meta (k TEXT PRIMARY KEY, v TEXT);
                 CREATE TABLE __ifx_def (tabid INTEGER, name TEXT, def TEXT);
                 CREATE TABLE __ifx_serial (tabid INTEGER PRIMARY KEY, s4 INTEGER, s8 INTEGER);",
            )
            .map_err(e2s)?;
            // Definitions are transactional like the catalogue rows.
            conn.execute_batch(&format!(
                "CREATE TRIGGER __ifx_def_i AFTER INSERT ON __ifx_def BEGIN SELECT ifx_undo({DEF_KEY}, 1, new.rowid); END;
                 CREATE TRIGGER __ifx_def_u AFTER UPDATE ON __ifx_def BEGIN SELECT ifx_undo({DEF_KEY}, 2, old.rowid, old.tabid, old.name, old.def); END;
                 CREATE TRIGGER __ifx_def_d AFTER DELETE ON __ifx_def BEGIN SELECT ifx_undo({DEF_KEY}, 3, old.rowid, old.tabid, old.name, old.def); END;"
            ))
            .map_err(e2s)?;
            // Not under the shared lock: the catalogue inserts fire undo triggers.
            let mut tmp = Capture::default();
            ddl::create_system_catalog(&conn, &mut cat, &mut tmp, name, today)
                .map_err(|e| format!("{e}"))?;
            shared
                .cap
                .lock()
                .map_err(|_| "poisoned".to_string())?
                .tabs
                .extend(tmp.tabs);
        } else {
            cat = load_catalog(&conn)?;
            let mut cap = shared.cap.lock().map_err(|_| "poisoned".to_string())?;
            for t in cat.tables.values() {
                ddl::register_undo_tab(&mut cap, t);
            }
            load_serials(&conn, &cat, &mut cap)?;
        }
        if let Ok(mut cap) = shared.cap.lock() {
            cap.tabs.insert(
                DEF_KEY,
                Arc::new(UndoTab {
                    sqlite: "__ifx_def".into(),
                    cols: vec!["tabid".into(), "name".into(), "def".into()],
                }),
            );
        }
        conn.execute(
            "INSERT OR REPLACE INTO __ifx_meta VALUES ('mode', ?1)",
            [mode_name(mode)],
        )
        .map_err(e2s)?;
        cat.version = 1;
        Ok(Arc::new(Database {
            name: name.to_string(),
            mode,
            state: Mutex::new(DbState {
                conn,
                locks: LockTable::default(),
                dropped_seq: 0,
                temp_seq: 0,
            }),
            cv: Condvar::new(),
            shared,
            catalog: RwLock::new(Arc::new(cat)),
            file,
        }))
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        match self.catalog.read() {
            Ok(c) => c.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    pub fn set_catalog(&self, cat: Catalog) {
        let mut c = cat;
        let mut guard = match self.catalog.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        c.version = guard.version + 1;
        *guard = Arc::new(c);
    }
}

pub fn mode_name(m: DbMode) -> &'static str {
    match m {
        DbMode::Unlogged => "unlogged",
        DbMode::Logged => "logged",
        DbMode::Ansi => "ansi",
    }
}

/// Mode stored in an existing database file.
pub fn stored_mode(path: &std::path::Path) -> Option<DbMode> {
    let conn = Connection::open(path).ok()?;
    let v: String = conn
        .query_row("SELECT v FROM __ifx_meta WHERE k='mode'", [], |r| r.get(0))
        .ok()?;
    Some(match v.as_str() {
        "unlogged" => DbMode::Unlogged,
        "ansi" => DbMode::Ansi,
        _ => DbMode::Logged,
    })
}

/// Rebuilds the emulator catalogue from `__ifx_def`.
pub fn load_catalog(conn: &Connection) -> Result<Catalog, String> {
    let mut cat = Catalog::default();
    let mut st = conn
        .prepare_cached("SELECT def FROM __ifx_def")
        .map_err(e2s)?;
    let rows = st.query_map([], |r| r.get::<_, String>(0)).map_err(e2s)?;
    for r in rows {
        let def = r.map_err(e2s)?;
        let t = catalog::decode(&def).ok_or_else(|| format!("bad table definition: {def}"))?;
        for i in &t.idx {
            cat.indexes.insert(i.name.clone(), t.name.clone());
        }
        cat.tables.insert(t.name.clone(), Arc::new(t));
    }
    Ok(cat)
}

fn load_serials(conn: &Connection, cat: &Catalog, cap: &mut Capture) -> Result<(), String> {
    let mut stored: HashMap<i64, (i64, i64)> = HashMap::new();
    {
        let mut st = conn
            .prepare("SELECT tabid, s4, s8 FROM __ifx_serial")
            .map_err(e2s)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    (r.get::<_, i64>(1)?, r.get::<_, i64>(2)?),
                ))
            })
            .map_err(e2s)?;
        for r in rows {
            let (k, v) = r.map_err(e2s)?;
            stored.insert(k, v);
        }
    }
    for t in cat.tables.values() {
        if t.kind != TabKind::Table {
            continue;
        }
        let (s4, s8) = t.serial_cols();
        if s4.is_none() && s8.is_none() {
            continue;
        }
        let mx = |c: Option<usize>| -> i64 {
            c.and_then(|c| {
                conn.query_row(
                    &format!(
                        "SELECT max(\"{}\") FROM {}",
                        t.cols[c].name.replace('"', "\"\""),
                        t.sqlite
                    ),
                    [],
                    |r| r.get::<_, Option<i64>>(0),
                )
                .ok()
                .flatten()
            })
            .unwrap_or(0)
        };
        let st = stored.get(&t.key).copied().unwrap_or((0, 0));
        let c4 = st.0.max(mx(s4)).max(t.serial_start - 1);
        let c8 = st.1.max(mx(s8)).max(t.serial8_start - 1);
        cap.serials.insert(t.key, (c4, c8));
    }
    Ok(())
}
