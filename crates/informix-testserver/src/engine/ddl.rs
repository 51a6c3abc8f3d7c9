//! DDL: creates SQLite objects for Informix tables, keeps the Informix
//! system catalogue rows in step, and records undo for DDL run inside a
//! transaction.

use super::analyze::{Analyzer, Env};
use super::ast::*;
use super::catalog::{self, Catalog, ColMeta, ConsMeta, IndexMeta, TabKind, TableMeta};
use super::convert::{self, ConvCtx, Src, ident, sql_literal};
use super::db::{Capture, SessUndo, Shared, UndoRec, UndoTab};
use super::error::SqlError;
use super::types::{self as t, Class, Ty};
use rusqlite::types::Value;
use rusqlite::{Connection, params};
use std::collections::HashMap;
use std::sync::Arc;

/// Everything a DDL statement may touch.
pub struct DdlCx<'a> {
    pub conn: &'a Connection,
    pub shared: &'a Shared,
    pub cat: Catalog,
    pub cat_changed: bool,
    pub temps: &'a mut HashMap<String, Arc<TableMeta>>,
    pub sid: u64,
    pub in_txn: bool,
    pub ansi: bool,
    pub today: i64,
    pub user: &'a str,
    pub dbname: &'a str,
    pub version_full: &'a str,
    pub dropped_seq: &'a mut u64,
    pub temp_seq: &'a mut i64,
    /// SQL to run when the transaction commits.
    pub on_commit: Vec<String>,
    /// Tables the statement must hold an exclusive lock on.
    pub lock_keys: Vec<i64>,
    /// Rows reported to the client (CREATE TABLE AS / INTO TEMP).
    pub rows: i64,
}

fn sq(e: rusqlite::Error) -> SqlError {
    super::session::map_sqlite(e, None, WriteKind::None)
}

/// Which kind of write a statement does (for lock and constraint errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    None,
    Insert,
    Update,
    Delete,
    Ddl,
}

/// Quoted SQLite name of an index.
pub fn index_sqlite(tm: &TableMeta, name: &str) -> String {
    if tm.temp {
        format!("temp.{}", ident(&format!("__ix{}_{}", -tm.key, name)))
    } else {
        ident(&format!("__ix_{name}"))
    }
}

/// The table name without schema, as SQLite wants it after `ON`.
fn bare(tm: &TableMeta) -> &str {
    tm.sqlite.strip_prefix("temp.").unwrap_or(&tm.sqlite)
}

fn key_tag(key: i64) -> String {
    if key < 0 {
        format!("n{}", -key)
    } else {
        key.to_string()
    }
}

pub fn register_undo_tab(cap: &mut Capture, tm: &TableMeta) {
    if tm.logged && tm.kind != TabKind::View {
        cap.tabs.insert(
            tm.key,
            Arc::new(UndoTab {
                sqlite: tm.sqlite.clone(),
                cols: tm.cols.iter().map(|c| c.name.clone()).collect(),
            }),
        );
    }
}

fn index_sql(tm: &TableMeta, i: &IndexMeta) -> String {
    let cols: Vec<String> = i
        .cols
        .iter()
        .map(|(c, desc)| {
            let col = &tm.cols[*c];
            let e = if i.unique && !col.notnull {
                format!("ifx_key({})", ident(&col.name))
            } else {
                ident(&col.name)
            };
            format!("{e}{}", if *desc { " DESC" } else { "" })
        })
        .collect();
    format!(
        "CREATE {}INDEX {} ON {}({})",
        if i.unique { "UNIQUE " } else { "" },
        index_sqlite(tm, &i.name),
        bare(tm),
        cols.join(", ")
    )
}

fn trigger_sqls(tm: &TableMeta) -> Vec<String> {
    if !tm.logged || tm.kind == TabKind::View {
        return Vec::new();
    }
    let tag = key_tag(tm.key);
    let temp = if tm.temp { "TEMP " } else { "" };
    let olds: String = tm
        .cols
        .iter()
        .map(|c| format!(", old.{}", ident(&c.name)))
        .collect();
    vec![
        format!(
            "CREATE {temp}TRIGGER \"__ifx_ti_{tag}\" AFTER INSERT ON {} BEGIN SELECT ifx_undo({}, 1, new.rowid); END",
            bare(tm),
            tm.key
        ),
        format!(
            "CREATE {temp}TRIGGER \"__ifx_tu_{tag}\" AFTER UPDATE ON {} BEGIN SELECT ifx_undo({}, 2, old.rowid{olds}); END",
            bare(tm),
            tm.key
        ),
        format!(
            "CREATE {temp}TRIGGER \"__ifx_td_{tag}\" AFTER DELETE ON {} BEGIN SELECT ifx_undo({}, 3, old.rowid{olds}); END",
            bare(tm),
            tm.key
        ),
    ]
}

/// CREATE TABLE text for SQLite; `checks` are (name, SQLite expression).
fn table_sql(
    tm: &TableMeta,
    name_override: Option<&str>,
    checks: &[(String, String)],
    cat: &Catalog,
) -> String {
    let mut parts: Vec<String> = tm
        .cols
        .iter()
        .map(|c| {
            format!(
                "{} {}{}",
                ident(&c.name),
                c.ty.sqlite_decl(),
                if c.notnull { " NOT NULL" } else { "" }
            )
        })
        .collect();
    for (n, sql) in checks {
        parts.push(format!("CONSTRAINT {} CHECK ({sql})", ident(n)));
    }
    for k in &tm.cons {
        if let Some((pt, pcols, _, cascade)) = &k.refs {
            let parent = cat.tables.get(pt);
            let pcol_names: Vec<String> = match parent {
                Some(p) => pcols
                    .iter()
                    .filter_map(|c| p.cols.get(*c))
                    .map(|c| ident(&c.name))
                    .collect(),
                None => continue,
            };
            let cols: Vec<String> = k.cols.iter().map(|c| ident(&tm.cols[*c].name)).collect();
            let pname = parent.map(|p| bare(p).to_string()).unwrap_or_default();
            parts.push(format!(
                "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {pname}({}){}",
                ident(&k.name),
                cols.join(", "),
                pcol_names.join(", "),
                if *cascade { " ON DELETE CASCADE" } else { "" }
            ));
        }
    }
    let temp = if tm.temp { "TEMP " } else { "" };
    format!(
        "CREATE {temp}TABLE {} ({})",
        name_override.unwrap_or(bare(tm)),
        parts.join(", ")
    )
}

/// SQLite expressions of a table's CHECK constraints.
fn check_sqls(tm: &TableMeta, cx: &DdlCx<'_>) -> Result<Vec<(String, String)>, SqlError> {
    let mut out = Vec::new();
    for k in &tm.cons {
        if let Some(text) = &k.check {
            let e = super::parser::parse_expr(text)?;
            let env = Env {
                cat: &cx.cat,
                temps: cx.temps,
                ansi: cx.ansi,
                dbname: cx.dbname,
                version_full: cx.version_full,
                session_id: cx.sid as i64,
            };
            let mut an = Analyzer::new(&env, 0);
            let sql = an.check_sql(&e, tm)?;
            if !an.hidden.is_empty() {
                return Err(SqlError::syntax(0));
            }
            out.push((k.name.clone(), sql));
        }
    }
    Ok(out)
}

/// Creates table, indexes and undo triggers in SQLite.
fn create_objects(cx: &DdlCx<'_>, tm: &TableMeta) -> Result<(), SqlError> {
    let checks = check_sqls(tm, cx)?;
    cx.conn
        .execute_batch(&table_sql(tm, None, &checks, &cx.cat))
        .map_err(sq)?;
    for i in &tm.idx {
        cx.conn.execute_batch(&index_sql(tm, i)).map_err(sq)?;
    }
    for s in trigger_sqls(tm) {
        cx.conn.execute_batch(&s).map_err(sq)?;
    }
    Ok(())
}

fn collength(ty: Ty) -> i64 {
    let l = i64::from(ty.wire_len());
    if l > 32767 { l - 65536 } else { l }
}

fn coltype(c: &ColMeta) -> i64 {
    i64::from(c.ty.code) | if c.notnull { 0x100 } else { 0 }
}

fn extended_id(ty: Ty) -> i64 {
    match ty.code {
        t::UDTFIXED => i64::from(ty.xid),
        t::UDTVAR => 1,
        _ => 0,
    }
}

/// Writes systables/syscolumns/... rows and the `__ifx_def` definition.
pub fn write_catalog(conn: &Connection, tm: &TableMeta) -> Result<(), rusqlite::Error> {
    let rowsize: i64 = tm
        .cols
        .iter()
        .map(|c| i64::from(c.ty.wire_len().min(32767)))
        .sum::<i64>()
        .min(32767);
    let tabtype = match tm.kind {
        TabKind::View => "V",
        _ if tm.name == "sysindexes" => "V",
        _ => "T",
    };
    conn.prepare_cached(
        "INSERT INTO \"systables\" (\"tabname\",\"owner\",\"partnum\",\"tabid\",\"rowsize\",\"ncols\",\"nindexes\",\"nrows\",\"created\",\"version\",\"tabtype\",\
         \"locklevel\",\"npused\",\"fextsize\",\"nextsize\",\"flags\",\"site\",\"dbname\",\"type_xid\",\"am_id\",\"pagesize\",\"ustlowts\",\"secpolicyid\",\
         \"protgranularity\",\"statchange\",\"statlevel\") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0.0, ?8, ?9, ?10, ?11, 0.0, 16, 16, 0, '', NULL, 0, 0, 2048, NULL, 0, ' ', NULL, 'A')",
    )?
    .execute(params![
        tm.name,
        format!("{:<32}", tm.owner),
        if tm.kind == TabKind::View { 0 } else { 1048576 + i64::from(tm.tabid) },
        tm.tabid,
        rowsize,
        tm.cols.len() as i64,
        tm.idx.len() as i64,
        tm.created,
        i64::from(tm.tabid) * 65536,
        tabtype,
        if tm.kind == TabKind::View { " " } else if tm.lock_row { "R" } else { "P" }
    ])?;
    {
        let mut st = conn.prepare_cached(
            "INSERT INTO \"syscolumns\" (\"colname\",\"tabid\",\"colno\",\"coltype\",\"collength\",\"colmin\",\"colmax\",\"extended_id\",\"seclabelid\",\"colattr\") \
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL, ?6, 0, 0)",
        )?;
        for (i, c) in tm.cols.iter().enumerate() {
            st.execute(params![
                c.name,
                tm.tabid,
                i as i64 + 1,
                coltype(c),
                collength(c.ty),
                extended_id(c.ty)
            ])?;
        }
    }
    {
        let mut st = conn.prepare_cached("INSERT INTO \"sysdefaults\" (\"tabid\",\"colno\",\"type\",\"default\",\"class\") VALUES (?1, ?2, ?3, ?4, 'T')")?;
        for (i, c) in tm.cols.iter().enumerate() {
            let (ty, text) = match &c.default {
                None => continue,
                Some(DefaultSpec::Null) => ("N", String::new()),
                Some(DefaultSpec::User) => ("U", String::new()),
                Some(DefaultSpec::Today) => ("T", String::new()),
                Some(DefaultSpec::Current(_)) => ("C", String::new()),
                Some(DefaultSpec::Lit(l)) => (
                    "L",
                    match l {
                        Lit::Int(s) | Lit::Dec(s) | Lit::Float(s) | Lit::Str(s) => s.clone(),
                        Lit::Bool(b) => if *b { "t" } else { "f" }.into(),
                        Lit::Null => String::new(),
                    },
                ),
            };
            st.execute(params![tm.tabid, i as i64 + 1, ty, text])?;
        }
    }
    for k in &tm.cons {
        conn.prepare_cached(
            "INSERT INTO \"sysconstraints\" (\"constrid\",\"constrname\",\"owner\",\"tabid\",\"constrtype\",\"idxname\",\"collation\") VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)",
        )?
        .execute(params![k.constrid, k.name, format!("{:<32}", tm.owner), tm.tabid, k.kind.to_string(), k.idx])?;
        if let Some(text) = &k.check {
            let mut st = conn.prepare_cached("INSERT INTO \"syschecks\" (\"constrid\",\"type\",\"seqno\",\"checktext\") VALUES (?1, 'T', ?2, ?3)")?;
            for (i, chunk) in chunks(text, 32).iter().enumerate() {
                st.execute(params![k.constrid, i as i64, chunk])?;
            }
        }
        if k.kind == 'N' || k.kind == 'C' {
            let mut st = conn.prepare_cached("INSERT INTO \"syscoldepend\" (\"constrid\",\"tabid\",\"colno\") VALUES (?1, ?2, ?3)")?;
            for c in &k.cols {
                st.execute(params![k.constrid, tm.tabid, *c as i64 + 1])?;
            }
        }
        if let Some((_, _, pname, cascade)) = &k.refs {
            conn.prepare_cached(
                "INSERT INTO \"sysreferences\" (\"constrid\",\"primary\",\"ptabid\",\"updrule\",\"delrule\",\"matchtype\",\"range\") \
                 SELECT ?1, \"constrid\", \"tabid\", 'R', ?3, 'N', NULL FROM \"sysconstraints\" WHERE \"constrname\" = ?2",
            )?
            .execute(params![k.constrid, pname, if *cascade { "C" } else { "R" }])?;
        }
    }
    for i in &tm.idx {
        write_index_rows(conn, tm, i)?;
    }
    if let Some(v) = &tm.view_text {
        let mut st = conn.prepare_cached(
            "INSERT INTO \"sysviews\" (\"tabid\",\"seqno\",\"viewtext\") VALUES (?1, ?2, ?3)",
        )?;
        for (i, chunk) in chunks(v, 64).iter().enumerate() {
            st.execute(params![tm.tabid, i as i64, chunk])?;
        }
        let mut st = conn.prepare_cached("INSERT INTO \"sysdepend\" (\"btabid\",\"btype\",\"dtabid\",\"dtype\") VALUES (?1, 'T', ?2, 'V')")?;
        for k in &tm.view_deps {
            st.execute(params![k, tm.tabid])?;
        }
    }
    conn.prepare_cached("INSERT INTO __ifx_def (tabid, name, def) VALUES (?1, ?2, ?3)")?
        .execute(params![tm.tabid, tm.name, catalog::encode(tm)])?;
    Ok(())
}

fn write_index_rows(
    conn: &Connection,
    tm: &TableMeta,
    i: &IndexMeta,
) -> Result<(), rusqlite::Error> {
    let owner = format!("{:<32}", tm.owner);
    let keys: String = i
        .cols
        .iter()
        .map(|(c, d)| format!("{}{} [1]", if *d { "-" } else { "" }, c + 1))
        .collect::<Vec<_>>()
        .join(", ");
    conn.prepare_cached(
        "INSERT INTO \"sysindices\" (\"idxname\",\"owner\",\"tabid\",\"idxtype\",\"clustered\",\"levels\",\"leaves\",\"nunique\",\"clust\",\"nrows\",\"indexkeys\",\"amid\",\"amparam\",\"collation\",\"pagesize\") \
         VALUES (?1, ?2, ?3, ?4, ' ', 1, 1.0, 1.0, 0.0, 0.0, ?5, 1, NULL, NULL, 2048)",
    )?
    .execute(params![i.name, owner, tm.tabid, if i.unique { "U" } else { "D" }, keys])?;
    let mut parts: Vec<Value> = i
        .cols
        .iter()
        .map(|(c, d)| Value::Integer(if *d { -(*c as i64 + 1) } else { *c as i64 + 1 }))
        .collect();
    parts.resize(16, Value::Integer(0));
    let mut vals: Vec<Value> = vec![
        Value::Text(i.name.clone()),
        Value::Text(owner),
        Value::Integer(i64::from(tm.tabid)),
        Value::Text(if i.unique { "U" } else { "D" }.into()),
    ];
    vals.extend(parts);
    let cols: String = (1..=16).map(|k| format!(",\"part{k}\"")).collect();
    let ph: String = (5..=20).map(|k| format!(", ?{k}")).collect();
    conn.prepare_cached(&format!(
        "INSERT INTO \"sysindexes\" (\"idxname\",\"owner\",\"tabid\",\"idxtype\",\"clustered\"{cols},\"levels\",\"leaves\",\"nunique\",\"clust\") VALUES (?1, ?2, ?3, ?4, ' '{ph}, 1, 1, 1, 0)"
    ))?
    .execute(rusqlite::params_from_iter(vals))?;
    Ok(())
}

fn chunks(s: &str, n: usize) -> Vec<String> {
    let cs: Vec<char> = s.chars().collect();
    cs.chunks(n).map(|c| c.iter().collect()).collect()
}

/// Deletes every catalogue row of a table.
pub fn delete_catalog(conn: &Connection, tabid: i32) -> Result<(), rusqlite::Error> {
    for (tab, col) in [
        (
            "sysreferences",
            "constrid IN (SELECT constrid FROM sysconstraints WHERE tabid = ?1)",
        ),
        (
            "syschecks",
            "constrid IN (SELECT constrid FROM sysconstraints WHERE tabid = ?1)",
        ),
        ("syscoldepend", "tabid = ?1"),
        ("sysconstraints", "tabid = ?1"),
        ("syscolumns", "tabid = ?1"),
        ("sysdefaults", "tabid = ?1"),
        ("sysindices", "tabid = ?1"),
        ("sysindexes", "tabid = ?1"),
        ("sysviews", "tabid = ?1"),
        ("sysdepend", "dtabid = ?1"),
        ("systables", "tabid = ?1"),
        ("__ifx_def", "tabid = ?1"),
    ] {
        conn.prepare_cached(&format!("DELETE FROM \"{tab}\" WHERE {col}"))?
            .execute([tabid])?;
    }
    Ok(())
}

/// Rewrites the catalogue rows of a changed table.
fn rewrite_catalog(cx: &DdlCx<'_>, tm: &TableMeta) -> Result<(), SqlError> {
    if tm.temp {
        return Ok(());
    }
    delete_catalog(cx.conn, tm.tabid).map_err(sq)?;
    write_catalog(cx.conn, tm).map_err(sq)
}

impl DdlCx<'_> {
    fn push_undo(&self, r: UndoRec) {
        if !self.in_txn {
            return;
        }
        if let Ok(mut cap) = self.shared.cap.lock() {
            cap.log.push(r);
        }
    }

    fn env(&self) -> Env<'_> {
        Env {
            cat: &self.cat,
            temps: self.temps,
            ansi: self.ansi,
            dbname: self.dbname,
            version_full: self.version_full,
            session_id: self.sid as i64,
        }
    }

    fn lookup(&self, n: &ObjName) -> Option<Arc<TableMeta>> {
        if let Some(t) = self.temps.get(&n.name) {
            return Some(t.clone());
        }
        self.cat
            .tables
            .get(&n.name)
            .filter(|t| !t.name.starts_with("__"))
            .cloned()
    }

    fn put_table(&mut self, tm: TableMeta) {
        let tm = Arc::new(tm);
        if let Ok(mut cap) = self.shared.cap.lock() {
            cap.tabs.remove(&tm.key);
            register_undo_tab(&mut cap, &tm);
        }
        if tm.temp {
            self.temps.insert(tm.name.clone(), tm);
        } else {
            self.cat.indexes.retain(|_, t| *t != tm.name);
            for i in &tm.idx {
                self.cat.indexes.insert(i.name.clone(), tm.name.clone());
            }
            self.cat.tables.insert(tm.name.clone(), tm);
            self.cat_changed = true;
        }
    }

    fn remove_table(&mut self, tm: &TableMeta) {
        if tm.temp {
            self.temps.remove(&tm.name);
        } else {
            self.cat.tables.remove(&tm.name);
            self.cat.indexes.retain(|_, t| *t != tm.name);
            self.cat_changed = true;
        }
    }

    fn mark_catalog(&self) {
        self.push_undo(UndoRec::Catalog);
    }

    /// Converts a default literal to the column type (validates it).
    fn check_default(&self, d: &DefaultSpec, ty: Ty) -> Result<(), SqlError> {
        if let DefaultSpec::Lit(l) = d {
            let (v, src) = match l {
                Lit::Int(s) => (
                    s.parse::<i64>()
                        .map(Value::Integer)
                        .unwrap_or_else(|_| Value::Text(s.clone())),
                    Src {
                        rep: t::Rep::Int,
                        len: 10,
                    },
                ),
                Lit::Dec(s) | Lit::Float(s) => (
                    Value::Text(s.clone()),
                    Src {
                        rep: t::Rep::Dec,
                        len: 0,
                    },
                ),
                Lit::Str(s) => (
                    Value::Text(s.clone()),
                    Src {
                        rep: t::Rep::Text,
                        len: 0,
                    },
                ),
                Lit::Bool(b) => (
                    Value::Integer(i64::from(*b)),
                    Src {
                        rep: t::Rep::Bool,
                        len: 1,
                    },
                ),
                Lit::Null => return Ok(()),
            };
            convert::convert(
                (&v).into(),
                src,
                ty,
                &ConvCtx {
                    ansi: self.ansi,
                    now: [2000, 1, 1, 0, 0, 0, 0],
                },
            )?;
        }
        Ok(())
    }

    /// Builds the metadata of a new table from its definition.
    fn build_table(
        &mut self,
        ct: &CreateTable,
        cols_in: Vec<ColMeta>,
        tabid: i32,
        key: i64,
        sqlite: String,
    ) -> Result<TableMeta, SqlError> {
        let mut cols = cols_in;
        let mut serial_start = 1;
        let mut serial8_start = 1;
        let (mut n4, mut n8) = (0, 0);
        for (i, c) in cols.iter_mut().enumerate() {
            if c.ty.is_serial() {
                c.notnull = true;
                let start = ct
                    .cols
                    .get(i)
                    .and_then(|d| d.serial_start)
                    .unwrap_or(1)
                    .max(1);
                if c.ty.code == t::SERIAL {
                    n4 += 1;
                    serial_start = start;
                } else {
                    n8 += 1;
                    serial8_start = start;
                }
            }
            if let Some(d) = &c.default {
                self.check_default(d, c.ty)?;
            }
        }
        if n4 > 1 || n8 > 1 {
            return Err(SqlError::new(-362, 0));
        }
        for (i, c) in cols.iter().enumerate() {
            if cols[..i].iter().any(|p| p.name == c.name) {
                return Err(SqlError::near(-246, 0, c.name.clone()));
            }
        }
        let mut tm = TableMeta {
            tabid,
            name: ct.name.name.clone(),
            owner: ct
                .name
                .owner
                .clone()
                .unwrap_or_else(|| self.user.to_string()),
            kind: TabKind::Table,
            sqlite,
            cols,
            cons: Vec::new(),
            idx: Vec::new(),
            temp: ct.temp,
            logged: !ct.nolog,
            lock_row: ct.lock_row,
            serial_start,
            serial8_start,
            view_text: None,
            view_deps: Vec::new(),
            created: self.today,
            key,
        };
        let mut constrid = self.cat.next_constrid();
        // NOT NULL constraints first, as Informix numbers them.
        for i in 0..tm.cols.len() {
            if tm.cols[i].notnull
                || ct
                    .constraints
                    .iter()
                    .any(|k| k.kind == ConsKind::Primary && k.cols.contains(&tm.cols[i].name))
            {
                tm.cols[i].notnull = true;
                let named = ct
                    .constraints
                    .iter()
                    .find(|k| {
                        k.kind == ConsKind::NotNull && k.cols.first() == Some(&tm.cols[i].name)
                    })
                    .and_then(|k| k.name.clone());
                push_not_null(&mut tm, i, named, &mut constrid);
            }
        }
        for k in &ct.constraints {
            if k.kind == ConsKind::NotNull {
                continue;
            }
            self.add_constraint(&mut tm, k, &mut constrid)?;
        }
        Ok(tm)
    }

    fn add_constraint(
        &mut self,
        tm: &mut TableMeta,
        k: &Constraint,
        constrid: &mut i32,
    ) -> Result<(), SqlError> {
        let tabid = tm.tabid;
        let mut cols = Vec::new();
        for c in &k.cols {
            cols.push(
                tm.col(c)
                    .ok_or_else(|| SqlError::near(-217, 0, c.clone()))?,
            );
        }
        let id = *constrid;
        *constrid += 1;
        let (kind, prefix) = match &k.kind {
            ConsKind::Primary => ('P', 'u'),
            ConsKind::Unique => ('U', 'u'),
            ConsKind::Check(..) => ('C', 'c'),
            ConsKind::Foreign(_) => ('R', 'r'),
            ConsKind::NotNull => ('N', 'n'),
        };
        let name = k
            .name
            .clone()
            .unwrap_or_else(|| format!("{prefix}{tabid}_{id}"));
        if self.cat.constraint_exists(&name) || tm.cons.iter().any(|c| c.name == name) {
            return Err(SqlError::near(-252, 0, name));
        }
        let mut cm = ConsMeta {
            name,
            constrid: id,
            kind,
            cols: cols.clone(),
            idx: None,
            check: None,
            refs: None,
        };
        match &k.kind {
            ConsKind::Primary | ConsKind::Unique => {
                if kind == 'P' {
                    if tm.cons.iter().any(|c| c.kind == 'P') {
                        return Err(SqlError::new(-531, 0));
                    }
                    for c in &cols {
                        tm.cols[*c].notnull = true;
                    }
                }
                let idxname = format!(" {tabid}_{id}");
                tm.idx.push(IndexMeta {
                    name: idxname.clone(),
                    cols: cols.iter().map(|c| (*c, false)).collect(),
                    unique: true,
                    constr: true,
                });
                cm.idx = Some(idxname);
            }
            ConsKind::Check(_, text) => {
                cm.check = Some(text.clone());
            }
            ConsKind::Foreign(fr) => {
                let parent = if fr.table.name == tm.name {
                    Arc::new(tm.clone())
                } else {
                    self.cat
                        .tables
                        .get(&fr.table.name)
                        .cloned()
                        .ok_or_else(|| SqlError::near(-206, -111, fr.table.name.clone()))?
                };
                let pcols: Vec<usize> = if fr.cols.is_empty() {
                    parent
                        .cons
                        .iter()
                        .find(|c| c.kind == 'P')
                        .map(|c| c.cols.clone())
                        .ok_or_else(|| SqlError::new(-297, 0))?
                } else {
                    fr.cols
                        .iter()
                        .map(|c| {
                            parent
                                .col(c)
                                .ok_or_else(|| SqlError::near(-217, 0, c.clone()))
                        })
                        .collect::<Result<_, _>>()?
                };
                if pcols.len() != cols.len() {
                    return Err(SqlError::new(-297, 0));
                }
                let pk = parent
                    .cons
                    .iter()
                    .find(|c| matches!(c.kind, 'P' | 'U') && c.cols == pcols)
                    .ok_or_else(|| SqlError::new(-297, 0))?;
                cm.refs = Some((parent.name.clone(), pcols, pk.name.clone(), fr.cascade));
            }
            ConsKind::NotNull => {}
        }
        tm.cons.push(cm);
        Ok(())
    }

    /// Executes one DDL statement.
    pub fn run(&mut self, st: &Stmt) -> Result<(), SqlError> {
        match st {
            Stmt::CreateTable(ct) => self.create_table(ct),
            Stmt::DropTable { name, if_exists } => self.drop_table(name, *if_exists, false),
            Stmt::DropView { name, if_exists } => self.drop_table(name, *if_exists, true),
            Stmt::CreateIndex {
                name,
                table,
                cols,
                unique,
                if_not_exists,
            } => self.create_index(name, table, cols, *unique, *if_not_exists),
            Stmt::DropIndex { name, if_exists } => self.drop_index(name, *if_exists),
            Stmt::CreateView {
                name,
                cols,
                q,
                text,
                if_not_exists,
            } => self.create_view(name, cols.as_deref(), q, text, *if_not_exists),
            Stmt::Alter { name, ops } => self.alter(name, ops),
            Stmt::RenameTable { from, to } => self.rename_table(from, to),
            Stmt::RenameColumn { table, from, to } => self.rename_column(table, from, to),
            Stmt::UpdateStats(t) => self.update_stats(t.as_ref()),
            _ => Err(SqlError::syntax(0)),
        }
    }

    fn create_table(&mut self, ct: &CreateTable) -> Result<(), SqlError> {
        let n = &ct.name.name;
        if ct.temp {
            if self.temps.contains_key(n) {
                return if ct.if_not_exists {
                    Ok(())
                } else {
                    Err(SqlError::near(-958, 0, n.clone()))
                };
            }
        } else if self.cat.tables.contains_key(n) || n.starts_with("__") {
            return if ct.if_not_exists {
                Ok(())
            } else {
                Err(SqlError::near(-310, 0, n.clone()).at(ct.name.pos))
            };
        }
        let (tabid, key, sqlite) = if ct.temp {
            *self.temp_seq += 1;
            let k = -*self.temp_seq;
            (0, k, format!("temp.{}", ident(&format!("__t{}_{}", -k, n))))
        } else {
            let id = self.cat.next_tabid();
            (id, i64::from(id), ident(n))
        };
        let (cols, query) = if let Some(q) = &ct.as_query {
            let env = self.env();
            let mut an = Analyzer::new(&env, 0);
            let out = an.query(q)?;
            let hidden = an.hidden.clone();
            if !hidden.is_empty() {
                return Err(SqlError::syntax(0));
            }
            let cols: Vec<ColMeta> = out
                .cols
                .iter()
                .enumerate()
                .map(|(i, c)| ColMeta {
                    name: temp_col_name(&c.name, i),
                    ty: storable(c.ty),
                    notnull: false,
                    default: None,
                })
                .collect();
            (cols, Some(out))
        } else {
            let env = self.env();
            let an = Analyzer::new(&env, 0);
            let cols = ct
                .cols
                .iter()
                .map(|c| ColMeta {
                    name: c.name.clone(),
                    ty: an.ddl_type(c.ty),
                    notnull: c.notnull,
                    default: c.default.clone(),
                })
                .collect();
            (cols, None)
        };
        let tm = self.build_table(ct, cols, tabid, key, sqlite)?;
        self.push_undo(UndoRec::Sql(format!("DROP TABLE IF EXISTS {}", tm.sqlite)));
        if tm.temp {
            self.push_undo(UndoRec::Session(SessUndo::DropTemp(tm.name.clone())));
        } else {
            self.mark_catalog();
        }
        create_objects(self, &tm)?;
        if !tm.temp {
            write_catalog(self.conn, &tm).map_err(sq)?;
            self.lock_keys.push(tm.key);
        }
        if let Ok(mut cap) = self.shared.cap.lock() {
            cap.serials
                .insert(tm.key, (tm.serial_start - 1, tm.serial8_start - 1));
        }
        let (names, sqlite) = (
            tm.cols
                .iter()
                .map(|c| ident(&c.name))
                .collect::<Vec<_>>()
                .join(", "),
            tm.sqlite.clone(),
        );
        let out_cols = tm.cols.clone();
        self.put_table(tm);
        if let Some(out) = query {
            let mut sel = Vec::new();
            let env = self.env();
            let mut an = Analyzer::new(&env, 0);
            for (i, (oc, c)) in out.cols.iter().zip(&out_cols).enumerate() {
                sel.push(an.assign_out(oc, format!("\"q\".\"c{}\"", i + 1), c.ty));
            }
            let sql = format!(
                "INSERT INTO {sqlite} ({names}) SELECT {} FROM ({}) AS \"q\"",
                sel.join(", "),
                out.sql
            );
            self.rows = self.conn.execute(&sql, []).map_err(sq)? as i64;
        }
        Ok(())
    }

    fn drop_table(&mut self, name: &ObjName, if_exists: bool, view: bool) -> Result<(), SqlError> {
        let Some(tm) = self.lookup(name) else {
            return if if_exists {
                Ok(())
            } else {
                Err(SqlError::near(-206, -111, name.name.clone()).at(name.pos))
            };
        };
        if tm.kind == TabKind::System {
            return Err(SqlError::near(-206, -111, name.name.clone()));
        }
        if view != (tm.kind == TabKind::View) {
            return Err(SqlError::near(-206, -111, name.name.clone()).at(name.pos));
        }
        // Views over this table go with it.
        if !view {
            let deps: Vec<Arc<TableMeta>> = self
                .cat
                .tables
                .values()
                .filter(|v| v.kind == TabKind::View && v.view_deps.contains(&tm.key))
                .cloned()
                .collect();
            for v in deps {
                self.drop_one(&v)?;
            }
        }
        self.drop_one(&tm)
    }

    fn drop_one(&mut self, tm: &Arc<TableMeta>) -> Result<(), SqlError> {
        let kw = if tm.kind == TabKind::View {
            "VIEW"
        } else {
            "TABLE"
        };
        if !tm.temp {
            self.lock_keys.push(tm.key);
            self.mark_catalog();
            delete_catalog(self.conn, tm.tabid).map_err(sq)?;
        } else {
            self.push_undo(UndoRec::Session(SessUndo::RestoreTemp(tm.clone())));
        }
        if self.in_txn && tm.kind != TabKind::View && tm.logged {
            // Keep the data until COMMIT: rename, drop on commit.
            *self.dropped_seq += 1;
            let tmp = format!("__dropped_{}_{}", self.sid, *self.dropped_seq);
            let bare_old = bare(tm).to_string();
            self.conn
                .execute_batch(&format!(
                    "ALTER TABLE {} RENAME TO {}",
                    tm.sqlite,
                    ident(&tmp)
                ))
                .map_err(sq)?;
            let schema = if tm.temp { "temp." } else { "" };
            self.push_undo(UndoRec::Sql(format!(
                "ALTER TABLE {schema}{} RENAME TO {bare_old}",
                ident(&tmp)
            )));
            self.on_commit
                .push(format!("DROP TABLE IF EXISTS {schema}{}", ident(&tmp)));
        } else {
            self.conn
                .execute_batch(&format!("DROP {kw} IF EXISTS {}", tm.sqlite))
                .map_err(sq)?;
        }
        if !self.in_txn
            && let Ok(mut cap) = self.shared.cap.lock()
        {
            cap.tabs.remove(&tm.key);
        }
        self.remove_table(tm);
        Ok(())
    }

    fn create_index(
        &mut self,
        name: &ObjName,
        table: &ObjName,
        cols: &[(String, bool)],
        unique: bool,
        ine: bool,
    ) -> Result<(), SqlError> {
        let tm = self
            .lookup(table)
            .ok_or_else(|| SqlError::near(-206, -111, table.name.clone()).at(table.pos))?;
        if tm.kind != TabKind::Table {
            return Err(SqlError::near(-206, -111, table.name.clone()));
        }
        if self.cat.indexes.contains_key(&name.name) || tm.idx.iter().any(|i| i.name == name.name) {
            return if ine {
                Ok(())
            } else {
                Err(SqlError::near(-316, 0, name.name.clone()).at(name.pos))
            };
        }
        let mut icols = Vec::new();
        for (c, d) in cols {
            icols.push((
                tm.col(c)
                    .ok_or_else(|| SqlError::near(-217, 0, c.clone()))?,
                *d,
            ));
        }
        let im = IndexMeta {
            name: name.name.clone(),
            cols: icols,
            unique,
            constr: false,
        };
        let mut nt = (*tm).clone();
        nt.idx.push(im.clone());
        self.push_undo(UndoRec::Sql(format!(
            "DROP INDEX IF EXISTS {}",
            index_sqlite(&tm, &im.name)
        )));
        self.mark_catalog();
        self.conn.execute_batch(&index_sql(&nt, &im)).map_err(|e| {
            let m = super::error::sqlite_message(&e);
            if m.contains("UNIQUE") {
                SqlError::new(-371, -100)
            } else {
                sq(e)
            }
        })?;
        if !tm.temp {
            self.lock_keys.push(tm.key);
            rewrite_catalog(self, &nt)?;
        }
        self.put_table(nt);
        Ok(())
    }

    fn drop_index(&mut self, name: &ObjName, if_exists: bool) -> Result<(), SqlError> {
        let tabname = self.cat.indexes.get(&name.name).cloned().or_else(|| {
            self.temps
                .values()
                .find(|t| t.idx.iter().any(|i| i.name == name.name))
                .map(|t| t.name.clone())
        });
        let Some(tabname) = tabname else {
            return if if_exists {
                Ok(())
            } else {
                Err(SqlError::near(-319, 0, name.name.clone()).at(name.pos))
            };
        };
        let tm = self
            .temps
            .get(&tabname)
            .cloned()
            .or_else(|| self.cat.tables.get(&tabname).cloned())
            .ok_or_else(|| SqlError::new(-319, 0))?;
        let Some(im) = tm.idx.iter().find(|i| i.name == name.name).cloned() else {
            return Err(SqlError::near(-319, 0, name.name.clone()));
        };
        let mut nt = (*tm).clone();
        nt.idx.retain(|i| i.name != im.name);
        for k in nt.cons.iter_mut() {
            if k.idx.as_deref() == Some(&im.name) {
                k.idx = None;
            }
        }
        self.push_undo(UndoRec::Sql(index_sql(&tm, &im)));
        self.mark_catalog();
        self.conn
            .execute_batch(&format!(
                "DROP INDEX IF EXISTS {}",
                index_sqlite(&tm, &im.name)
            ))
            .map_err(sq)?;
        if !tm.temp {
            self.lock_keys.push(tm.key);
            rewrite_catalog(self, &nt)?;
        }
        self.put_table(nt);
        Ok(())
    }

    fn create_view(
        &mut self,
        name: &ObjName,
        cols: Option<&[String]>,
        q: &Query,
        text: &str,
        ine: bool,
    ) -> Result<(), SqlError> {
        if self.cat.tables.contains_key(&name.name) {
            return if ine {
                Ok(())
            } else {
                Err(SqlError::near(-310, 0, name.name.clone()).at(name.pos))
            };
        }
        let (out, reads) = {
            let env = self.env();
            let mut an = Analyzer::new(&env, 0);
            let out = an.query(q)?;
            if !an.hidden.is_empty() {
                return Err(SqlError::syntax(0));
            }
            (out, an.reads.clone())
        };
        if let Some(c) = cols
            && c.len() != out.cols.len()
        {
            return Err(SqlError::new(-201, 0));
        }
        let vcols: Vec<ColMeta> = out
            .cols
            .iter()
            .enumerate()
            .map(|(i, c)| ColMeta {
                name: cols
                    .and_then(|v| v.get(i).cloned())
                    .unwrap_or_else(|| c.name.clone()),
                ty: c.ty,
                notnull: c.notnull,
                default: None,
            })
            .collect();
        let tabid = self.cat.next_tabid();
        let tm = TableMeta {
            tabid,
            name: name.name.clone(),
            owner: name.owner.clone().unwrap_or_else(|| self.user.to_string()),
            kind: TabKind::View,
            sqlite: ident(&name.name),
            cols: vcols,
            cons: vec![],
            idx: vec![],
            temp: false,
            logged: false,
            lock_row: false,
            serial_start: 1,
            serial8_start: 1,
            view_text: Some(text.to_string()),
            view_deps: reads,
            created: self.today,
            key: i64::from(tabid),
        };
        let aliases: Vec<String> = tm.cols.iter().map(|c| ident(&c.name)).collect();
        let sql = format!(
            "CREATE VIEW {} ({}) AS {}",
            tm.sqlite,
            aliases.join(", "),
            out.sql
        );
        self.push_undo(UndoRec::Sql(format!("DROP VIEW IF EXISTS {}", tm.sqlite)));
        self.mark_catalog();
        self.conn.execute_batch(&sql).map_err(sq)?;
        write_catalog(self.conn, &tm).map_err(sq)?;
        self.put_table(tm);
        Ok(())
    }

    /// ALTER TABLE by rebuilding the table (not undone by ROLLBACK).
    fn alter(&mut self, name: &ObjName, ops: &[AlterOp]) -> Result<(), SqlError> {
        let tm = self
            .lookup(name)
            .ok_or_else(|| SqlError::near(-206, -111, name.name.clone()).at(name.pos))?;
        if tm.kind != TabKind::Table {
            return Err(SqlError::near(-206, -111, name.name.clone()));
        }
        let mut nt = (*tm).clone();
        // Source expression (old column index) of each new column.
        let mut src: Vec<Option<usize>> = (0..nt.cols.len()).map(Some).collect();
        let mut constrid = self
            .cat
            .next_constrid()
            .max(nt.cons.iter().map(|c| c.constrid).max().unwrap_or(0) + 1);
        let mut rebuild = false;
        let mut serial_reset: Option<(bool, i64)> = None;
        for op in ops {
            match op {
                AlterOp::Add(cd, cons) => {
                    if nt.col(&cd.name).is_some() {
                        return Err(SqlError::near(-328, 0, cd.name.clone()));
                    }
                    let env = self.env();
                    let ty = Analyzer::new(&env, 0).ddl_type(cd.ty);
                    nt.cols.push(ColMeta {
                        name: cd.name.clone(),
                        ty,
                        notnull: cd.notnull || ty.is_serial(),
                        default: cd.default.clone(),
                    });
                    src.push(None);
                    if nt.cols[nt.cols.len() - 1].notnull {
                        let i = nt.cols.len() - 1;
                        push_not_null(&mut nt, i, None, &mut constrid);
                    }
                    for k in cons {
                        self.add_constraint(&mut nt, k, &mut constrid)?;
                    }
                    rebuild = true;
                }
                AlterOp::Drop(c) => {
                    let i = nt
                        .col(c)
                        .ok_or_else(|| SqlError::near(-217, 0, c.clone()))?;
                    nt.cols.remove(i);
                    src.remove(i);
                    let fix = |v: &mut Vec<usize>| -> bool {
                        if v.contains(&i) {
                            return false;
                        }
                        for x in v.iter_mut() {
                            if *x > i {
                                *x -= 1;
                            }
                        }
                        true
                    };
                    nt.cons.retain_mut(|k| fix(&mut k.cols));
                    nt.idx.retain_mut(|ix| {
                        let mut cols: Vec<usize> = ix.cols.iter().map(|(c, _)| *c).collect();
                        let keep = fix(&mut cols);
                        for (slot, c) in ix.cols.iter_mut().zip(cols) {
                            slot.0 = c;
                        }
                        keep
                    });
                    let live: Vec<String> = nt.cons.iter().filter_map(|k| k.idx.clone()).collect();
                    nt.idx.retain(|ix| !ix.constr || live.contains(&ix.name));
                    rebuild = true;
                }
                AlterOp::Modify(cd, cons) => {
                    let i = nt
                        .col(&cd.name)
                        .ok_or_else(|| SqlError::near(-217, 0, cd.name.clone()))?;
                    let env = self.env();
                    let ty = Analyzer::new(&env, 0).ddl_type(cd.ty);
                    if ty.is_serial() && nt.cols[i].ty.code == ty.code {
                        if let Some(s) = cd.serial_start {
                            serial_reset = Some((ty.code == t::SERIAL, s));
                            if ty.code == t::SERIAL {
                                nt.serial_start = s;
                            } else {
                                nt.serial8_start = s;
                            }
                        }
                        if ops.len() == 1 && cons.is_empty() {
                            continue;
                        }
                    }
                    nt.cols[i] = ColMeta {
                        name: cd.name.clone(),
                        ty,
                        notnull: cd.notnull || ty.is_serial(),
                        default: cd.default.clone(),
                    };
                    nt.cons.retain(|k| !(k.kind == 'N' && k.cols == vec![i]));
                    if nt.cols[i].notnull {
                        push_not_null(&mut nt, i, None, &mut constrid);
                    }
                    for k in cons {
                        self.add_constraint(&mut nt, k, &mut constrid)?;
                    }
                    rebuild = true;
                }
                AlterOp::AddConstraint(k) => {
                    self.add_constraint(&mut nt, k, &mut constrid)?;
                    rebuild = true;
                }
                AlterOp::DropConstraint(n) => {
                    let k = nt
                        .cons
                        .iter()
                        .find(|k| &k.name == n)
                        .cloned()
                        .ok_or_else(|| SqlError::near(-623, 0, n.clone()))?;
                    nt.cons.retain(|x| &x.name != n);
                    if let Some(ix) = &k.idx {
                        nt.idx.retain(|i| &i.name != ix);
                    }
                    if k.kind == 'N' {
                        for c in &k.cols {
                            nt.cols[*c].notnull = false;
                        }
                    }
                    rebuild = true;
                }
                AlterOp::LockMode(row) => nt.lock_row = *row,
            }
        }
        if let Some((s4, start)) = serial_reset
            && let Ok(mut cap) = self.shared.cap.lock()
        {
            let e = cap.serials.entry(nt.key).or_insert((0, 0));
            if s4 {
                e.0 = start - 1;
            } else {
                e.1 = start - 1;
            }
        }
        if rebuild {
            self.rebuild(&tm, &nt, &src)?;
        }
        if !nt.temp {
            self.lock_keys.push(nt.key);
            rewrite_catalog(self, &nt)?;
        }
        self.put_table(nt);
        Ok(())
    }

    fn rebuild(
        &mut self,
        old: &TableMeta,
        nt: &TableMeta,
        src: &[Option<usize>],
    ) -> Result<(), SqlError> {
        let tmp = format!("__rebuild_{}", self.sid);
        let schema = if nt.temp { "temp." } else { "" };
        let checks = check_sqls(nt, self)?;
        self.conn
            .execute_batch(&table_sql(nt, Some(&ident(&tmp)), &checks, &self.cat))
            .map_err(sq)?;
        let mut names = vec!["rowid".to_string()];
        let mut vals = vec!["rowid".to_string()];
        {
            let env = self.env();
            let mut an = Analyzer::new(&env, 0);
            for (i, c) in nt.cols.iter().enumerate() {
                names.push(ident(&c.name));
                match src[i] {
                    Some(o) => {
                        let oc = &old.cols[o];
                        let out = super::analyze::OutCol {
                            name: oc.name.clone(),
                            ty: oc.ty,
                            rep: oc.ty.rep(),
                            notnull: oc.notnull,
                            owner: String::new(),
                        };
                        vals.push(an.assign_out(&out, ident(&oc.name), c.ty));
                    }
                    None => vals.push(match &c.default {
                        Some(d) => an.default_sql(d, c.ty)?,
                        None if c.ty.is_serial() => format!(
                            "ifx_serial({}, {}, NULL)",
                            nt.key,
                            if c.ty.code == t::SERIAL { 4 } else { 8 }
                        ),
                        None => "NULL".into(),
                    }),
                }
            }
            if !an.hidden.is_empty() {
                // TODAY/CURRENT/USER defaults for new columns: evaluate now.
                for (k, h) in an.hidden.iter().enumerate() {
                    let v = match h {
                        super::analyze::Hidden::Today => Value::Integer(self.today),
                        super::analyze::Hidden::User => Value::Text(self.user.to_string()),
                        _ => Value::Null,
                    };
                    let ph = format!("?{}", k + 1);
                    for x in vals.iter_mut() {
                        *x = x.replace(&ph, &sql_literal(&v));
                    }
                }
            }
        }
        let copy = format!(
            "INSERT INTO {schema}{} ({}) SELECT {} FROM {}",
            ident(&tmp),
            names.join(", "),
            vals.join(", "),
            old.sqlite
        );
        let fk_off = !nt.temp;
        if fk_off {
            self.conn
                .execute_batch("PRAGMA foreign_keys=OFF")
                .map_err(sq)?;
        }
        let r = (|| -> Result<(), SqlError> {
            self.conn
                .execute_batch(&copy)
                .map_err(|e| super::session::map_sqlite(e, Some(nt), WriteKind::Insert))?;
            self.conn
                .execute_batch(&format!("DROP TABLE {}", old.sqlite))
                .map_err(sq)?;
            self.conn
                .execute_batch(&format!(
                    "ALTER TABLE {schema}{} RENAME TO {}",
                    ident(&tmp),
                    bare(nt)
                ))
                .map_err(sq)?;
            for i in &nt.idx {
                self.conn.execute_batch(&index_sql(nt, i)).map_err(|e| {
                    let m = super::error::sqlite_message(&e);
                    if m.contains("UNIQUE") {
                        SqlError::new(-371, -100)
                    } else {
                        sq(e)
                    }
                })?;
            }
            for s in trigger_sqls(nt) {
                self.conn.execute_batch(&s).map_err(sq)?;
            }
            Ok(())
        })();
        if fk_off {
            let _ = self.conn.execute_batch("PRAGMA foreign_keys=ON");
        }
        if r.is_err() {
            let _ = self
                .conn
                .execute_batch(&format!("DROP TABLE IF EXISTS {schema}{}", ident(&tmp)));
        }
        r
    }

    fn rename_table(&mut self, from: &ObjName, to: &str) -> Result<(), SqlError> {
        let tm = self
            .lookup(from)
            .ok_or_else(|| SqlError::near(-206, -111, from.name.clone()).at(from.pos))?;
        if self.cat.tables.contains_key(to) || self.temps.contains_key(to) {
            return Err(SqlError::near(-310, 0, to.to_string()));
        }
        let mut nt = (*tm).clone();
        nt.name = to.to_string();
        nt.sqlite = if tm.temp {
            format!("temp.{}", ident(&format!("__t{}_{}", -tm.key, to)))
        } else {
            ident(to)
        };
        self.push_undo(UndoRec::Sql(format!(
            "ALTER TABLE {} RENAME TO {}",
            nt.sqlite,
            bare(&tm)
        )));
        self.mark_catalog();
        self.conn
            .execute_batch(&format!(
                "ALTER TABLE {} RENAME TO {}",
                tm.sqlite,
                bare(&nt)
            ))
            .map_err(sq)?;
        self.remove_table(&tm);
        if !nt.temp {
            self.lock_keys.push(nt.key);
            rewrite_catalog(self, &nt)?;
        }
        self.put_table(nt);
        Ok(())
    }

    fn rename_column(&mut self, table: &ObjName, from: &str, to: &str) -> Result<(), SqlError> {
        let tm = self
            .lookup(table)
            .ok_or_else(|| SqlError::near(-206, -111, table.name.clone()).at(table.pos))?;
        let i = tm
            .col(from)
            .ok_or_else(|| SqlError::near(-217, 0, from.to_string()))?;
        if tm.col(to).is_some() {
            return Err(SqlError::near(-328, 0, to.to_string()));
        }
        let mut nt = (*tm).clone();
        nt.cols[i].name = to.to_string();
        self.push_undo(UndoRec::Sql(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            tm.sqlite,
            ident(to),
            ident(from)
        )));
        self.mark_catalog();
        self.conn
            .execute_batch(&format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                tm.sqlite,
                ident(from),
                ident(to)
            ))
            .map_err(sq)?;
        if !nt.temp {
            self.lock_keys.push(nt.key);
            rewrite_catalog(self, &nt)?;
        }
        self.put_table(nt);
        Ok(())
    }

    fn update_stats(&mut self, t: Option<&ObjName>) -> Result<(), SqlError> {
        let tables: Vec<Arc<TableMeta>> = match t {
            Some(n) => vec![
                self.lookup(n)
                    .ok_or_else(|| SqlError::near(-206, -111, n.name.clone()).at(n.pos))?,
            ],
            None => self
                .cat
                .tables
                .values()
                .filter(|t| t.kind == TabKind::Table)
                .cloned()
                .collect(),
        };
        for tm in tables {
            if tm.temp || tm.kind != TabKind::Table {
                continue;
            }
            let n: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {}", tm.sqlite), [], |r| {
                    r.get(0)
                })
                .map_err(sq)?;
            self.conn
                .prepare_cached("UPDATE \"systables\" SET \"nrows\" = ?1 WHERE \"tabid\" = ?2")
                .map_err(sq)?
                .execute(params![n as f64, tm.tabid])
                .map_err(sq)?;
        }
        Ok(())
    }
}

/// Column name for INTO TEMP / CREATE TABLE AS from a described name.
fn temp_col_name(n: &str, i: usize) -> String {
    if n.starts_with('(') || n.is_empty() {
        format!("expr{}", i + 1)
    } else {
        n.to_string()
    }
}

/// A described expression type that can be a column type.
fn storable(ty: Ty) -> Ty {
    match ty.class() {
        Class::Null => Ty::char(1),
        _ if ty.code == t::TEXT && ty.len == 0 => Ty::lvarchar(2048),
        _ => ty,
    }
}

/// Creates the system catalogue of a new database.
pub fn create_system_catalog(
    conn: &Connection,
    cat: &mut Catalog,
    cap: &mut Capture,
    dbname: &str,
    today: i64,
) -> Result<(), SqlError> {
    let mut metas = Vec::new();
    for (name, tabid, _tt, cols) in catalog::SYSTEM_TABLES {
        let mut cm = Vec::new();
        for (cn, tyt) in *cols {
            let (ty, _) = super::parser::parse_type_text(tyt)?;
            cm.push(ColMeta {
                name: (*cn).to_string(),
                ty,
                notnull: false,
                default: None,
            });
        }
        let logged = catalog::MAINTAINED.contains(name);
        let tm = TableMeta {
            tabid: *tabid,
            name: (*name).to_string(),
            owner: "informix".into(),
            kind: TabKind::System,
            sqlite: ident(name),
            cols: cm,
            cons: vec![],
            idx: vec![],
            temp: false,
            logged,
            lock_row: false,
            serial_start: 1,
            serial8_start: 1,
            view_text: None,
            view_deps: vec![],
            created: today,
            key: i64::from(*tabid),
        };
        let empty = Catalog::default();
        conn.execute_batch(&table_sql(&tm, None, &[], &empty))
            .map_err(sq)?;
        for s in trigger_sqls(&tm) {
            conn.execute_batch(&s).map_err(sq)?;
        }
        register_undo_tab(cap, &tm);
        metas.push(tm);
    }
    conn.execute_batch("CREATE INDEX \"__ix_systables_name\" ON \"systables\"(\"tabname\"); CREATE INDEX \"__ix_syscolumns_tabid\" ON \"syscolumns\"(\"tabid\");").map_err(sq)?;
    for tm in &metas {
        write_catalog(conn, tm).map_err(sq)?;
    }
    // Locale and version rows every Informix database has (tabid 90, 91, 99).
    for (tabid, name, site) in [
        (90, " GL_COLLATE", "en_US.819"),
        (91, " GL_CTYPE", "en_US.819"),
        (99, " VERSION", ""),
    ] {
        conn.prepare_cached(
            "INSERT INTO \"systables\" (\"tabname\",\"owner\",\"partnum\",\"tabid\",\"rowsize\",\"ncols\",\"nindexes\",\"nrows\",\"created\",\"version\",\"tabtype\",\"locklevel\",\"npused\",\"fextsize\",\"nextsize\",\"flags\",\"site\",\"dbname\",\"type_xid\",\"am_id\",\"pagesize\",\"statlevel\") \
             VALUES (?1, 'informix                        ', 0, ?2, 0, 0, 0, 0.0, ?3, 0, 'L', ' ', 0.0, 0, 0, 0, ?4, NULL, 0, 0, 2048, 'A')",
        )
        .map_err(sq)?
        .execute(params![name, tabid, today, site])
        .map_err(sq)?;
    }
    conn.execute_batch(
        "INSERT INTO \"sysusers\" VALUES ('informix                        ', 'D', 9, NULL, NULL);
         INSERT INTO \"sysusers\" VALUES ('public                          ', 'C', 5, NULL, NULL);",
    )
    .map_err(sq)?;
    // sysmaster stand-ins (hidden; reached as sysmaster:sysdual etc.).
    let dual = TableMeta {
        tabid: 0,
        name: "__sysmaster_sysdual".into(),
        owner: "informix".into(),
        kind: TabKind::System,
        sqlite: ident("__sysmaster_sysdual"),
        cols: vec![ColMeta {
            name: "dummy".into(),
            ty: Ty::char(1),
            notnull: false,
            default: None,
        }],
        cons: vec![],
        idx: vec![],
        temp: false,
        logged: false,
        lock_row: false,
        serial_start: 1,
        serial8_start: 1,
        view_text: None,
        view_deps: vec![],
        created: today,
        key: -1_000_000,
    };
    let dbs_cols: Vec<ColMeta> = [
        ("name", Ty::char(128)),
        ("partnum", Ty::int()),
        ("owner", Ty::char(32)),
        ("created", Ty::date()),
        ("is_logging", Ty::int()),
        ("is_buff_log", Ty::int()),
        ("is_ansi", Ty::int()),
        ("is_nls", Ty::int()),
        ("is_case_insens", Ty::int()),
        ("flags", Ty::smallint()),
    ]
    .into_iter()
    .map(|(n, ty)| ColMeta {
        name: n.into(),
        ty,
        notnull: false,
        default: None,
    })
    .collect();
    let dbs = TableMeta {
        name: "__sysmaster_sysdatabases".into(),
        sqlite: ident("__sysmaster_sysdatabases"),
        cols: dbs_cols,
        key: -1_000_001,
        ..dual.clone()
    };
    let empty = Catalog::default();
    for tm in [&dual, &dbs] {
        conn.execute_batch(&table_sql(tm, None, &[], &empty))
            .map_err(sq)?;
        conn.prepare_cached("INSERT INTO __ifx_def (tabid, name, def) VALUES (?1, ?2, ?3)")
            .map_err(sq)?
            .execute(params![tm.tabid, tm.name, catalog::encode(tm)])
            .map_err(sq)?;
    }
    conn.execute_batch("INSERT INTO \"__sysmaster_sysdual\" VALUES ('x')")
        .map_err(sq)?;
    let _ = dbname;
    for tm in metas.into_iter().chain([dual, dbs]) {
        cat.tables.insert(tm.name.clone(), Arc::new(tm));
    }
    Ok(())
}

/// Refreshes `sysmaster:sysdatabases` rows.
pub fn write_sysdatabases(
    conn: &Connection,
    dbs: &[(String, super::DbMode)],
    today: i64,
) -> Result<(), rusqlite::Error> {
    conn.execute_batch("DELETE FROM \"__sysmaster_sysdatabases\"")?;
    let mut st = conn.prepare_cached("INSERT INTO \"__sysmaster_sysdatabases\" VALUES (?1, ?2, 'informix                        ', ?3, ?4, 0, ?5, 0, 0, ?6)")?;
    for (i, (n, m)) in dbs.iter().enumerate() {
        let (log, ansi, flags) = match m {
            super::DbMode::Unlogged => (0, 0, 0),
            super::DbMode::Logged => (1, 0, 1),
            super::DbMode::Ansi => (1, 1, 4),
        };
        st.execute(params![
            format!("{n:<128}"),
            1048577 + i as i64,
            today,
            log,
            ansi,
            flags
        ])?;
    }
    Ok(())
}

/// Records column `i`'s NOT NULL constraint, named `n<tabid>_<constrid>` unless the DDL
/// named it, as a real server's catalogue does.
fn push_not_null(tm: &mut TableMeta, i: usize, name: Option<String>, constrid: &mut i32) {
    let id = *constrid;
    tm.cons.push(ConsMeta {
        name: name.unwrap_or_else(|| format!("n{}_{id}", tm.tabid)),
        constrid: id,
        kind: 'N',
        cols: vec![i],
        idx: None,
        check: None,
        refs: None,
    });
    *constrid += 1;
}
