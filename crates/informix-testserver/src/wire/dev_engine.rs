//! TEMPORARY stand-in for `crate::engine` with the agreed API, used only until the real
//! engine lands. Minimal: SQLite pass-through, declared types mapped roughly.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusqlite::types::{Value, ValueRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbMode {
    Unlogged,
    Logged,
    Ansi,
}

pub struct EngineConfig {
    pub data_dir: Option<PathBuf>,
    pub databases: Vec<(String, DbMode)>,
    pub server_version_full: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlError {
    pub sqlcode: i32,
    pub isam: i32,
    pub offset: i32,
    pub near: String,
}

impl SqlError {
    fn new(sqlcode: i32) -> Self {
        SqlError {
            sqlcode,
            isam: 0,
            offset: 0,
            near: String::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ColumnInfo {
    pub name: String,
    pub coltype: u16,
    pub collength: u16,
    pub extended_id: i32,
    pub extended_name: String,
    pub owner: String,
}

#[derive(Debug, Clone)]
pub struct Prepared {
    pub statement_type: i16,
    pub columns: Vec<ColumnInfo>,
    pub is_query: bool,
    sql: String,
}

#[derive(Debug, Clone)]
pub enum Param {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Decimal(String),
    Date(i32),
    DateTime(String),
    Interval(String),
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ExecResult {
    pub rows: i64,
    pub serial: i32,
    pub serial8: Option<i64>,
}

pub struct Engine {
    dbs: HashMap<String, DbMode>,
    keep: Mutex<Vec<rusqlite::Connection>>,
    seq: u64,
}

impl Engine {
    pub fn new(cfg: EngineConfig) -> Result<Arc<Engine>, String> {
        let seq = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let e = Engine {
            dbs: cfg.databases.into_iter().collect(),
            keep: Mutex::new(Vec::new()),
            seq,
        };
        for name in e.dbs.keys() {
            let c = e.connect(name).map_err(|x| format!("{x:?}"))?;
            c.execute_batch(
                "CREATE TABLE IF NOT EXISTS systables(tabid INTEGER, tabname VARCHAR(128));
                 INSERT INTO systables VALUES (1, 'systables');",
            )
            .map_err(|x| x.to_string())?;
            e.keep.lock().map_err(|_| "poisoned")?.push(c);
        }
        Ok(Arc::new(e))
    }

    fn connect(&self, name: &str) -> Result<rusqlite::Connection, SqlError> {
        let uri = format!("file:{name}_{}?mode=memory&cache=shared", self.seq);
        rusqlite::Connection::open_with_flags(
            uri,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                | rusqlite::OpenFlags::SQLITE_OPEN_CREATE
                | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|_| SqlError::new(-329))
    }

    pub fn database_mode(&self, name: &str) -> Option<DbMode> {
        self.dbs.get(name).copied()
    }

    pub fn open_session(
        self: &Arc<Self>,
        database: &str,
        _user: &str,
    ) -> Result<Session, SqlError> {
        let mode = self.database_mode(database).ok_or(SqlError {
            near: database.to_owned(),
            ..SqlError::new(-329)
        })?;
        let conn = self.connect(database)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).ok();
        Ok(Session {
            conn,
            db: database.to_owned(),
            mode,
            in_tx: false,
        })
    }
}

pub struct Session {
    conn: rusqlite::Connection,
    db: String,
    mode: DbMode,
    in_tx: bool,
}

fn map_err(e: rusqlite::Error) -> SqlError {
    let msg = e.to_string();
    let code = if msg.contains("no such table") {
        -206
    } else if msg.contains("no such column") {
        -217
    } else if msg.contains("UNIQUE") {
        -268
    } else if msg.contains("NOT NULL") {
        -391
    } else {
        -201
    };
    SqlError::new(code)
}

fn map_decl(decl: Option<&str>) -> (u16, u16) {
    let d = decl.unwrap_or("").to_ascii_uppercase();
    let num = |d: &str| -> Option<u16> {
        let a = d.find('(')?;
        let b = d.find([')', ','])?;
        d[a + 1..b].trim().parse().ok()
    };
    if d.starts_with("INT") || d == "SERIAL" {
        (2, 4)
    } else if d.starts_with("SMALLINT") {
        (1, 2)
    } else if d.starts_with("BIGINT") {
        (52, 8)
    } else if d.starts_with("INT8") {
        (17, 10)
    } else if d.starts_with("FLOAT") || d.starts_with("REAL") || d.starts_with("DOUBLE") {
        (3, 8)
    } else if d.starts_with("SMALLFLOAT") {
        (4, 4)
    } else if d.starts_with("DATE") && !d.starts_with("DATETIME") {
        (7, 4)
    } else if d.starts_with("CHAR") {
        (0, num(&d).unwrap_or(1))
    } else if d.starts_with("NCHAR") {
        (15, num(&d).unwrap_or(1))
    } else if d.starts_with("VARCHAR") {
        (13, num(&d).unwrap_or(255))
    } else if d.starts_with("BYTE") {
        (11, 56)
    } else if d.starts_with("TEXT") && d.len() == 4 {
        (12, 56)
    } else if d.starts_with("LVARCHAR") {
        (40, 2048)
    } else if d.starts_with("BLOB") {
        (41, 72)
    } else if d.starts_with("CLOB") {
        (41, 73)
    } else if d.starts_with("DECIMAL") {
        (5, 0x10FF)
    } else {
        (13, 255)
    }
}

fn stmt_type(sql: &str) -> (i16, bool) {
    let w = sql
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    match w.as_str() {
        "SELECT" | "WITH" => (2, true),
        "INSERT" => (6, false),
        "UPDATE" => (4, false),
        "DELETE" => (5, false),
        "CREATE" => (14, false),
        "DROP" => (15, false),
        "BEGIN" => (34, false),
        "COMMIT" => (35, false),
        "ROLLBACK" => (36, false),
        _ => (0, false),
    }
}

fn to_sqlite(p: &Param) -> Value {
    match p {
        Param::Null => Value::Null,
        Param::Int(i) => Value::Integer(*i),
        Param::Float(f) => Value::Real(*f),
        Param::Text(s) | Param::Decimal(s) | Param::DateTime(s) | Param::Interval(s) => {
            Value::Text(s.clone())
        }
        Param::Date(d) => Value::Integer(i64::from(*d)),
        Param::Bytes(b) => Value::Blob(b.clone()),
    }
}

impl Session {
    pub fn database(&self) -> &str {
        &self.db
    }
    pub fn mode(&self) -> DbMode {
        self.mode
    }
    pub fn prepare(&mut self, sql: &str) -> Result<Prepared, SqlError> {
        let sql = sql.replace("FIRST 1 ", "").replace("first 1 ", "");
        let stmt = self.conn.prepare(&sql).map_err(map_err)?;
        let (statement_type, is_query) = stmt_type(&sql);
        let mut columns = Vec::new();
        if is_query {
            for c in stmt.columns() {
                let (coltype, collength) = map_decl(c.decl_type());
                let (coltype, collength) = if c.decl_type().is_none() && c.name().len() < 4 {
                    (2, 4)
                } else {
                    (coltype, collength)
                };
                let (collength, extended_id) = match (coltype, collength) {
                    (41, 72) => (72, 10),
                    (41, 73) => (72, 11),
                    other => (other.1, 0),
                };
                columns.push(ColumnInfo {
                    name: c.name().to_ascii_lowercase(),
                    coltype,
                    collength,
                    extended_id,
                    extended_name: String::new(),
                    owner: String::new(),
                });
            }
        }
        Ok(Prepared {
            statement_type,
            columns,
            is_query,
            sql,
        })
    }
    pub fn execute(&mut self, p: &Prepared, params: &[Param]) -> Result<ExecResult, SqlError> {
        match p.statement_type {
            34 => return self.begin().map(|_| ExecResult::default()),
            35 => return self.commit().map(|_| ExecResult::default()),
            36 => return self.rollback().map(|_| ExecResult::default()),
            _ => {}
        }
        let mut st = self.conn.prepare_cached(&p.sql).map_err(map_err)?;
        let vals: Vec<Value> = params.iter().map(to_sqlite).collect();
        let n = st
            .execute(rusqlite::params_from_iter(vals))
            .map_err(map_err)?;
        Ok(ExecResult {
            rows: n as i64,
            serial: 0,
            serial8: None,
        })
    }
    pub fn query(&mut self, p: &Prepared, params: &[Param]) -> Result<Vec<Vec<Cell>>, SqlError> {
        let mut st = self.conn.prepare_cached(&p.sql).map_err(map_err)?;
        let vals: Vec<Value> = params.iter().map(to_sqlite).collect();
        let n = st.column_count();
        let mut rows = st
            .query(rusqlite::params_from_iter(vals))
            .map_err(map_err)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(map_err)? {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(match r.get_ref(i).map_err(map_err)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(i) => Cell::Int(i),
                    ValueRef::Real(f) => Cell::Float(f),
                    ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Cell::Bytes(b.to_vec()),
                });
            }
            out.push(row);
        }
        Ok(out)
    }
    pub fn begin(&mut self) -> Result<(), SqlError> {
        if self.mode == DbMode::Unlogged {
            return Err(SqlError::new(-256));
        }
        if self.in_tx {
            return Err(SqlError::new(-535));
        }
        self.conn.execute_batch("BEGIN").map_err(map_err)?;
        self.in_tx = true;
        Ok(())
    }
    pub fn commit(&mut self) -> Result<(), SqlError> {
        if !self.in_tx {
            return Err(SqlError::new(-255));
        }
        self.conn.execute_batch("COMMIT").map_err(map_err)?;
        self.in_tx = false;
        Ok(())
    }
    pub fn rollback(&mut self) -> Result<(), SqlError> {
        if !self.in_tx {
            return Err(SqlError::new(-255));
        }
        self.conn.execute_batch("ROLLBACK").map_err(map_err)?;
        self.in_tx = false;
        Ok(())
    }
    pub fn in_transaction(&self) -> bool {
        self.in_tx
    }
    pub fn close(&mut self) {
        if self.in_tx {
            let _ = self.rollback();
        }
    }
}
