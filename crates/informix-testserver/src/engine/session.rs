//! A client session: statement plans, execution, Informix transaction
//! rules per database mode, table locks and undo.

use super::analyze::{Analyzer, Env, Hidden, OutCol, ParamSlot};
use super::ast::*;
use super::catalog::{Catalog, TabKind, TableMeta};
use super::convert::{self, ConvCtx, OutConv, ident};
use super::datetime as dt;
use super::db::{DbState, SessUndo, UndoRec};
use super::ddl::{DdlCx, WriteKind};
use super::error::{SqlError, sqlite_message};
use super::types::{self as t, Ty};
use super::{Cell, ColumnInfo, Database, DbMode, Engine, ExecResult, Param, Prepared};
use rusqlite::types::Value;
use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};
use std::time::{Duration, Instant};

/// Receives each row of [`Session::query_each`].
pub type RowSink<'a> = dyn FnMut(&mut Vec<Cell>) -> Result<(), SqlError> + 'a;

/// Microseconds since 1970 (UTC).
pub fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

#[derive(Debug, Clone)]
pub enum PlanKind {
    Query,
    Dml,
    Ddl(Box<Stmt>),
    Begin,
    Commit,
    Rollback,
    Savepoint(String),
    RollbackTo(String),
    Release(String),
    Isolation(Isolation),
    LockMode(Option<Option<u32>>),
    LockTable(ObjName, bool),
    UnlockTable(ObjName),
    CreateDb(String, DbMode),
    DropDb(String),
    Fail(SqlError),
    Noop,
}

/// A compiled statement.
#[derive(Debug)]
pub struct Plan {
    pub sql_text: String,
    pub kind: PlanKind,
    pub stmt_type: i16,
    pub columns: Vec<ColumnInfo>,
    pub param_info: Vec<ColumnInfo>,
    pub out: Vec<OutConv>,
    pub sql: String,
    pub params: Vec<ParamSlot>,
    pub hidden: Vec<Hidden>,
    pub reads: Vec<i64>,
    pub write: Option<i64>,
    pub wkind: WriteKind,
    pub target: Option<Arc<TableMeta>>,
    pub nparams: usize,
    pub cat_version: u64,
    pub temp_version: u64,
    pub is_query: bool,
}

impl Plan {
    fn new(sql_text: &str, kind: PlanKind, stmt_type: i16) -> Plan {
        Plan {
            sql_text: sql_text.to_string(),
            kind,
            stmt_type,
            columns: Vec::new(),
            param_info: Vec::new(),
            out: Vec::new(),
            sql: String::new(),
            params: Vec::new(),
            hidden: Vec::new(),
            reads: Vec::new(),
            write: None,
            wkind: WriteKind::None,
            target: None,
            nparams: 0,
            cat_version: 0,
            temp_version: 0,
            is_query: false,
        }
    }
}

fn col_info(name: &str, ty: Ty, notnull: bool, owner: &str) -> ColumnInfo {
    let udt = matches!(ty.code, t::UDTFIXED | t::UDTVAR);
    ColumnInfo {
        name: name.to_string(),
        coltype: u16::from(ty.code) | if notnull { 0x100 } else { 0 },
        collength: ty.wire_len(),
        extended_id: match ty.code {
            t::UDTFIXED => i32::from(ty.xid),
            t::UDTVAR => 1,
            _ => 0,
        },
        extended_name: ty.extended_name().to_string(),
        owner: if udt {
            "informix".to_string()
        } else {
            owner.trim_end().to_string()
        },
    }
}

impl super::Prepared {
    /// The SERIAL, SERIAL8 and BIGSERIAL columns of an INSERT's target table, with
    /// their position in the table (what a client's "generated keys" are).
    pub fn serial_columns(&self) -> Vec<(usize, ColumnInfo)> {
        let plan = &self.plan;
        match (&plan.target, plan.wkind) {
            (Some(t), WriteKind::Insert) => t
                .cols
                .iter()
                .enumerate()
                .filter(|(_, c)| c.ty.is_serial())
                .map(|(i, c)| (i, col_info(&c.name, c.ty, c.notnull, &t.owner)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn out_info(c: &OutCol) -> ColumnInfo {
    col_info(&c.name, c.ty, c.notnull, &c.owner)
}

struct Txn {
    undo: Vec<UndoRec>,
    savepoints: Vec<(String, usize)>,
    on_commit: Vec<String>,
    work: bool,
}

impl Txn {
    fn new() -> Txn {
        Txn {
            undo: Vec::new(),
            savepoints: Vec::new(),
            on_commit: Vec::new(),
            work: false,
        }
    }
}

/// Context for translating a SQLite failure into an Informix error.
pub struct MapCx<'a> {
    pub target: Option<&'a TableMeta>,
    pub wk: WriteKind,
    pub logged: bool,
    pub cat: Option<&'a Catalog>,
}

/// Maps a SQLite error (with no statement context).
pub fn map_sqlite(e: rusqlite::Error, target: Option<&TableMeta>, wk: WriteKind) -> SqlError {
    map_err(
        e,
        &MapCx {
            target,
            wk,
            logged: true,
            cat: None,
        },
    )
}

/// Informix index name of a SQLite index name.
fn ifx_index_name(s: &str) -> String {
    if let Some(r) = s.strip_prefix("__ix_") {
        return r.to_string();
    }
    if let Some(r) = s.strip_prefix("__ix")
        && let Some((_, n)) = r.split_once('_')
    {
        return n.to_string();
    }
    s.to_string()
}

pub fn map_err(e: rusqlite::Error, cx: &MapCx<'_>) -> SqlError {
    let msg = sqlite_message(&e);
    if let Some(x) = SqlError::decode(&msg) {
        return x;
    }
    let owner = cx
        .target
        .map(|t| t.owner.trim_end().to_string())
        .unwrap_or_else(|| "informix".into());
    if let Some(rest) = msg.strip_prefix("UNIQUE constraint failed: ") {
        let idx = if let Some(n) = rest.strip_prefix("index '") {
            let n = n.trim_end_matches('\'');
            cx.target
                .and_then(|t| t.idx.iter().find(|i| ifx_index_name(n) == i.name).cloned())
        } else {
            let cols: Vec<&str> = rest
                .split(", ")
                .map(|c| c.rsplit('.').next().unwrap_or(c))
                .collect();
            cx.target.and_then(|t| {
                let want: Vec<usize> = cols.iter().filter_map(|c| t.col(c)).collect();
                let mut cands: Vec<_> = t
                    .idx
                    .iter()
                    .filter(|i| i.unique && i.cols.iter().map(|c| c.0).collect::<Vec<_>>() == want)
                    .cloned()
                    .collect();
                cands.sort_by_key(|i| !i.constr);
                cands.into_iter().next()
            })
        };
        if cx.wk == WriteKind::Update {
            return SqlError::new(-346, -100);
        }
        return match (idx, cx.target) {
            (Some(i), Some(t)) if i.constr && cx.logged => {
                let c = t
                    .cons
                    .iter()
                    .find(|c| c.idx.as_deref() == Some(&i.name))
                    .map(|c| c.name.clone())
                    .unwrap_or(i.name.clone());
                SqlError::near(-268, -100, format!("{owner}.{c}"))
            }
            (Some(i), _) => SqlError::near(-239, -100, format!("{owner}.{}", i.name)),
            (None, _) => SqlError::new(-239, -100),
        };
    }
    if let Some(rest) = msg.strip_prefix("NOT NULL constraint failed: ") {
        let col = rest.rsplit('.').next().unwrap_or(rest);
        let tab = cx
            .target
            .map(|t| t.name.clone())
            .unwrap_or_else(|| rest.split('.').next().unwrap_or("").to_string());
        return SqlError::near(-391, 0, format!("{tab}.{col}"));
    }
    if let Some(rest) = msg.strip_prefix("CHECK constraint failed: ") {
        return SqlError::near(-530, 0, format!("{owner}.{rest}"));
    }
    if msg.starts_with("FOREIGN KEY constraint failed") {
        if let Some(t) = cx.target {
            let child_fk = t.cons.iter().find(|c| c.kind == 'R');
            if matches!(cx.wk, WriteKind::Insert | WriteKind::Update)
                && let Some(k) = child_fk
            {
                return SqlError::near(-691, -111, format!("{owner}.{}", k.name));
            }
            // Parent side: find a constraint of this table that a child references.
            let pk = t
                .cons
                .iter()
                .find(|c| c.kind == 'P')
                .or_else(|| t.cons.iter().find(|c| c.kind == 'U'));
            if let Some(cat) = cx.cat {
                for ch in cat.tables.values() {
                    for k in &ch.cons {
                        if let Some((pt, _, pc, _)) = &k.refs
                            && pt == &t.name
                        {
                            return SqlError::near(-692, 0, format!("{owner}.{pc}"));
                        }
                    }
                }
            }
            return SqlError::near(
                -692,
                0,
                format!("{owner}.{}", pk.map(|p| p.name.clone()).unwrap_or_default()),
            );
        }
        return SqlError::new(-692, 0);
    }
    if let Some(n) = msg.strip_prefix("no such table: ") {
        return SqlError::near(-206, -111, n.rsplit('.').next().unwrap_or(n).to_string());
    }
    if let Some(n) = msg.strip_prefix("no such column: ") {
        return SqlError::near(-217, 0, n.to_string());
    }
    if msg.contains("integer overflow") {
        return SqlError::new(-1284, 0);
    }
    SqlError::near(-201, 0, msg)
}

/// One client session on one database.
pub struct Session {
    engine: Arc<Engine>,
    pub(crate) db: Arc<Database>,
    id: u64,
    user: String,
    txn: Option<Txn>,
    iso: Isolation,
    wait: Option<Option<u32>>,
    temps: HashMap<String, Arc<TableMeta>>,
    temp_version: u64,
    cache: HashMap<String, Arc<Plan>>,
    sqlerrd1: i64,
    sqlerrd2: i64,
    serial8: i64,
    bigserial: i64,
    held: Vec<i64>,
    /// LOCK TABLE locks held outside a transaction.
    table_locks: Vec<i64>,
    closed: bool,
}

/// Locks a database's state, surviving a poisoned mutex.
fn lock_db(db: &Database) -> MutexGuard<'_, DbState> {
    match db.state.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

fn lock_code(wk: WriteKind) -> i32 {
    match wk {
        WriteKind::None => -244,
        WriteKind::Insert => -271,
        WriteKind::Update => -346,
        WriteKind::Delete => -240,
        WriteKind::Ddl => -242,
    }
}

impl Session {
    pub(crate) fn new(engine: Arc<Engine>, db: Arc<Database>, id: u64, user: &str) -> Session {
        let txn = if db.mode == DbMode::Ansi {
            Some(Txn::new())
        } else {
            None
        };
        let iso = match db.mode {
            DbMode::Unlogged => Isolation::Dirty,
            DbMode::Logged => Isolation::Committed,
            DbMode::Ansi => Isolation::Repeatable,
        };
        Session {
            engine,
            db,
            id,
            user: user.to_string(),
            txn,
            iso,
            wait: None,
            temps: HashMap::new(),
            temp_version: 0,
            cache: HashMap::new(),
            sqlerrd1: 0,
            sqlerrd2: 0,
            serial8: 0,
            bigserial: 0,
            held: Vec::new(),
            table_locks: Vec::new(),
            closed: false,
        }
    }

    pub fn database(&self) -> &str {
        &self.db.name
    }

    pub fn mode(&self) -> DbMode {
        self.db.mode
    }

    /// Session id (as DBINFO('sessionid') reports it).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// True while a transaction is open (always in an ANSI database).
    pub fn in_transaction(&self) -> bool {
        self.txn.is_some()
    }

    fn ansi(&self) -> bool {
        self.db.mode == DbMode::Ansi
    }

    // --------------------------------------------------------------- prepare

    /// Parses and analyses a statement. Nothing stays allocated on error.
    pub fn prepare(&mut self, sql: &str) -> Result<Prepared, SqlError> {
        let cat = self.db.catalog();
        if let Some(p) = self.cache.get(sql)
            && p.cat_version == cat.version
            && p.temp_version == self.temp_version
        {
            return Ok(Self::prepared(p.clone()));
        }
        let plan = Arc::new(self.build_plan(sql, &cat)?);
        if self.cache.len() > 2000 {
            self.cache.clear();
        }
        self.cache.insert(sql.to_string(), plan.clone());
        Ok(Self::prepared(plan))
    }

    fn prepared(p: Arc<Plan>) -> Prepared {
        Prepared {
            statement_type: p.stmt_type,
            columns: p.columns.clone(),
            is_query: p.is_query,
            params: p.param_info.clone(),
            plan: p,
        }
    }

    fn build_plan(&self, sql: &str, cat: &Arc<Catalog>) -> Result<Plan, SqlError> {
        let (st, nparams) = super::parser::parse(sql)?;
        let env = Env {
            cat,
            temps: &self.temps,
            ansi: self.ansi(),
            dbname: &self.db.name,
            version_full: self.engine.server_version_full(),
            session_id: self.id as i64,
        };
        let mut an = Analyzer::new(&env, nparams);
        let mut plan = match st {
            Stmt::Query(q) if q.into_temp.is_some() => {
                let (name, nolog) = q.into_temp.clone().unwrap_or_default();
                let mut q2 = q.clone();
                q2.into_temp = None;
                // Validate now so name errors surface at PREPARE.
                an.query(&q2)?;
                let ct = CreateTable {
                    name: ObjName {
                        db: None,
                        owner: None,
                        name,
                        pos: 0,
                    },
                    temp: true,
                    if_not_exists: false,
                    cols: vec![],
                    constraints: vec![],
                    nolog,
                    lock_row: false,
                    as_query: Some(Box::new(q2)),
                };
                Plan::new(sql, PlanKind::Ddl(Box::new(Stmt::CreateTable(ct))), 2)
            }
            Stmt::Query(q) => {
                let out = an.query(&q)?;
                let mut p = Plan::new(sql, PlanKind::Query, 2);
                p.columns = out.cols.iter().map(out_info).collect();
                p.out = out
                    .cols
                    .iter()
                    .map(|c| OutConv {
                        ty: c.ty,
                        rep: c.rep,
                    })
                    .collect();
                p.sql = out.sql;
                p.is_query = true;
                p
            }
            Stmt::Insert { table, cols, src } => {
                self.plan_insert(&mut an, sql, &table, cols.as_deref(), &src)?
            }
            Stmt::Update {
                table,
                alias,
                sets,
                where_,
            } => {
                let tm = an.resolve(&table)?;
                Self::check_writable(&tm, &table)?;
                let qual = alias.clone().unwrap_or_else(|| tm.name.clone());
                let mut parts = Vec::new();
                for (c, pos, e) in &sets {
                    let i = tm
                        .col(c)
                        .ok_or_else(|| SqlError::near(-217, 0, c.clone()).at(*pos))?;
                    let ty = tm.cols[i].ty;
                    let s = an.assign(e, Self::assign_ty(ty), Some((&qual, &tm, "t0")))?;
                    parts.push(format!("{} = {s}", ident(c)));
                }
                let w = match &where_ {
                    Some(e) => format!(" WHERE {}", an.where_for(e, &qual, &tm, "t0")?),
                    None => String::new(),
                };
                let mut p = Plan::new(sql, PlanKind::Dml, if where_.is_some() { 4 } else { 33 });
                p.sql = format!("UPDATE {} AS \"t0\" SET {}{w}", tm.sqlite, parts.join(", "));
                p.wkind = WriteKind::Update;
                p.write = (!tm.temp).then_some(tm.key);
                p.target = Some(tm);
                p
            }
            Stmt::Delete { table, where_ } => {
                let tm = an.resolve(&table)?;
                Self::check_writable(&tm, &table)?;
                let w = match &where_ {
                    Some(e) => format!(" WHERE {}", an.where_for(e, &tm.name, &tm, "t0")?),
                    None => String::new(),
                };
                let mut p = Plan::new(sql, PlanKind::Dml, if where_.is_some() { 5 } else { 32 });
                p.sql = format!("DELETE FROM {} AS \"t0\"{w}", tm.sqlite);
                p.wkind = WriteKind::Delete;
                p.write = (!tm.temp).then_some(tm.key);
                p.target = Some(tm);
                p
            }
            Stmt::Truncate(name) => {
                let tm = an.resolve(&name)?;
                Self::check_writable(&tm, &name)?;
                let mut p = Plan::new(sql, PlanKind::Dml, 122);
                p.sql = format!("DELETE FROM {}", tm.sqlite);
                p.wkind = WriteKind::Delete;
                p.write = (!tm.temp).then_some(tm.key);
                p.target = Some(tm);
                p
            }
            Stmt::CreateTable(ref ct) => {
                let ty = if ct.temp { 45 } else { 14 };
                Plan::new(sql, PlanKind::Ddl(Box::new(st)), ty)
            }
            Stmt::DropTable { .. } => Plan::new(sql, PlanKind::Ddl(Box::new(st)), 15),
            Stmt::CreateIndex { .. } => Plan::new(sql, PlanKind::Ddl(Box::new(st)), 16),
            Stmt::DropIndex { .. } => Plan::new(sql, PlanKind::Ddl(Box::new(st)), 17),
            Stmt::CreateView { .. } => Plan::new(sql, PlanKind::Ddl(Box::new(st)), 40),
            Stmt::DropView { .. } => Plan::new(sql, PlanKind::Ddl(Box::new(st)), 41),
            Stmt::Alter { .. } => Plan::new(sql, PlanKind::Ddl(Box::new(st)), 29),
            Stmt::RenameTable { .. } => Plan::new(sql, PlanKind::Ddl(Box::new(st)), 20),
            Stmt::RenameColumn { .. } => Plan::new(sql, PlanKind::Ddl(Box::new(st)), 21),
            Stmt::UpdateStats(_) => Plan::new(sql, PlanKind::Ddl(Box::new(st)), 30),
            Stmt::Begin => Plan::new(sql, PlanKind::Begin, 34),
            Stmt::Commit => Plan::new(sql, PlanKind::Commit, 35),
            Stmt::Rollback => Plan::new(sql, PlanKind::Rollback, 36),
            Stmt::Savepoint(n) => Plan::new(sql, PlanKind::Savepoint(n), 159),
            Stmt::Release(n) => Plan::new(sql, PlanKind::Release(n), 160),
            Stmt::RollbackTo(n) => Plan::new(sql, PlanKind::RollbackTo(n), 161),
            Stmt::SetIsolation(i) => Plan::new(sql, PlanKind::Isolation(i), 48),
            Stmt::SetLockMode(m) => Plan::new(sql, PlanKind::LockMode(m), 46),
            Stmt::LockTable { name, exclusive } => {
                an.resolve(&name)?;
                Plan::new(sql, PlanKind::LockTable(name, exclusive), 10)
            }
            Stmt::UnlockTable(name) => {
                an.resolve(&name)?;
                Plan::new(sql, PlanKind::UnlockTable(name), 11)
            }
            Stmt::CreateDatabase { name, log } => {
                let m = match log {
                    0 => DbMode::Unlogged,
                    1 => DbMode::Logged,
                    _ => DbMode::Ansi,
                };
                Plan::new(sql, PlanKind::CreateDb(name, m), 12)
            }
            Stmt::DropDatabase(n) => Plan::new(sql, PlanKind::DropDb(n), 13),
            Stmt::Database(_) => Plan::new(sql, PlanKind::Fail(SqlError::new(-759, 0)), 1),
            Stmt::CloseDatabase => Plan::new(sql, PlanKind::Fail(SqlError::new(-759, 0)), 31),
            Stmt::ExecProc { name, .. } => return Err(SqlError::near(-674, 0, name)),
            Stmt::Noop(ty) => Plan::new(sql, PlanKind::Noop, ty),
        };
        plan.nparams = nparams;
        plan.params = an.params.clone();
        plan.hidden = an.hidden.clone();
        plan.reads = an.reads.clone();
        plan.cat_version = cat.version;
        plan.temp_version = self.temp_version;
        plan.param_info = plan
            .params
            .iter()
            .map(|s| match s {
                ParamSlot::Typed(ty) => col_info("", *ty, false, ""),
                ParamSlot::Raw => col_info("", Ty::char(1), false, ""),
            })
            .collect();
        Ok(plan)
    }

    /// Type a value is converted to on assignment (serials take integers).
    fn assign_ty(ty: Ty) -> Ty {
        match ty.code {
            t::SERIAL => Ty::int(),
            t::SERIAL8 => Ty::int8(),
            t::BIGSERIAL => Ty::bigint(),
            _ => ty,
        }
    }

    fn check_writable(tm: &TableMeta, n: &ObjName) -> Result<(), SqlError> {
        if tm.kind == TabKind::View || tm.name.starts_with("__") {
            return Err(SqlError::near(-206, -111, n.name.clone()).at(n.pos));
        }
        Ok(())
    }

    fn plan_insert(
        &self,
        an: &mut Analyzer<'_>,
        sql: &str,
        table: &ObjName,
        cols: Option<&[(String, usize)]>,
        src: &InsertSrc,
    ) -> Result<Plan, SqlError> {
        let tm = an.resolve(table)?;
        Self::check_writable(&tm, table)?;
        let targets: Vec<usize> = match cols {
            Some(list) => list
                .iter()
                .map(|(c, pos)| {
                    tm.col(c)
                        .ok_or_else(|| SqlError::near(-217, 0, c.clone()).at(*pos))
                })
                .collect::<Result<_, _>>()?,
            None => (0..tm.cols.len()).collect(),
        };
        let n_src = match src {
            InsertSrc::Values(v) => v.len(),
            InsertSrc::Query(_) => 0,
        };
        let mut values: Vec<Option<String>> = vec![None; tm.cols.len()];
        let mut from = String::new();
        match src {
            InsertSrc::Values(vals) => {
                if n_src != targets.len() {
                    return Err(SqlError::new(-236, 0));
                }
                for (k, &ci) in targets.iter().enumerate() {
                    values[ci] =
                        Some(an.assign(&vals[k], Self::assign_ty(tm.cols[ci].ty), None)?);
                }
            }
            InsertSrc::Query(q) => {
                let out = an.query(q)?;
                if out.cols.len() != targets.len() {
                    return Err(SqlError::new(-236, 0));
                }
                for (k, &ci) in targets.iter().enumerate() {
                    values[ci] = Some(an.assign_out(
                        &out.cols[k],
                        format!("\"q\".\"c{}\"", k + 1),
                        Self::assign_ty(tm.cols[ci].ty),
                    ));
                }
                from = format!(" FROM ({}) AS \"q\"", out.sql);
            }
        }
        let mut names = Vec::new();
        let mut exprs = Vec::new();
        for (i, c) in tm.cols.iter().enumerate() {
            let v = match values[i].take() {
                Some(v) => Some(v),
                None => match &c.default {
                    Some(d) => Some(an.default_sql(d, c.ty)?),
                    None => None,
                },
            };
            let v = if c.ty.is_serial() {
                let kind = if c.ty.code == t::SERIAL { 4 } else { 8 };
                Some(format!(
                    "ifx_serial({}, {kind}, {})",
                    tm.key,
                    v.unwrap_or_else(|| "NULL".into())
                ))
            } else {
                v
            };
            if let Some(v) = v {
                names.push(ident(&c.name));
                exprs.push(v);
            }
        }
        let mut p = Plan::new(sql, PlanKind::Dml, 6);
        p.sql = if names.is_empty() {
            format!("INSERT INTO {} DEFAULT VALUES", tm.sqlite)
        } else if from.is_empty() {
            format!(
                "INSERT INTO {} ({}) VALUES ({})",
                tm.sqlite,
                names.join(", "),
                exprs.join(", ")
            )
        } else {
            format!(
                "INSERT INTO {} ({}) SELECT {}{from}",
                tm.sqlite,
                names.join(", "),
                exprs.join(", ")
            )
        };
        if an.nparams > 0 && matches!(src, InsertSrc::Values(_)) {
            p.columns = targets
                .iter()
                .map(|&i| {
                    col_info(
                        &tm.cols[i].name,
                        tm.cols[i].ty,
                        tm.cols[i].notnull,
                        &tm.owner,
                    )
                })
                .collect();
        }
        p.wkind = WriteKind::Insert;
        p.write = (!tm.temp).then_some(tm.key);
        p.target = Some(tm);
        Ok(p)
    }

    // ------------------------------------------------------------- execution

    /// Runs a non-query statement.
    pub fn execute(&mut self, p: &Prepared, params: &[Param]) -> Result<ExecResult, SqlError> {
        let plan = self.fresh(p)?;
        if plan.is_query {
            return self.run(&plan, params, Some(&mut |_: &mut Vec<Cell>| Ok(())));
        }
        self.dispatch(&plan, params)
    }

    /// Runs a query and returns all rows.
    pub fn query(&mut self, p: &Prepared, params: &[Param]) -> Result<Vec<Vec<Cell>>, SqlError> {
        let mut rows = Vec::new();
        self.query_each(p, params, &mut |row: &mut Vec<Cell>| {
            rows.push(std::mem::take(row));
            Ok(())
        })?;
        Ok(rows)
    }

    /// Runs a query and hands each row to `sink` as it is produced, with exactly the
    /// cells, errors and side effects of [`Session::query`]. The row vector is reused
    /// for the next row (its text cells keep their buffers), so a sink that only reads
    /// it allocates nothing per row; a sink may also take it. A sink error stops the
    /// query and is returned.
    pub fn query_each(
        &mut self,
        p: &Prepared,
        params: &[Param],
        sink: &mut RowSink<'_>,
    ) -> Result<(), SqlError> {
        let plan = self.fresh(p)?;
        if !plan.is_query {
            self.dispatch(&plan, params)?;
            return Ok(());
        }
        self.run(&plan, params, Some(sink))?;
        Ok(())
    }

    /// The plan, recompiled if the schema changed since PREPARE.
    fn fresh(&mut self, p: &Prepared) -> Result<Arc<Plan>, SqlError> {
        if self.closed {
            return Err(SqlError::new(-349, 0));
        }
        let cat = self.db.catalog();
        if p.plan.cat_version == cat.version && p.plan.temp_version == self.temp_version {
            return Ok(p.plan.clone());
        }
        if let Some(c) = self.cache.get(&p.plan.sql_text)
            && c.cat_version == cat.version
            && c.temp_version == self.temp_version
        {
            return Ok(c.clone());
        }
        let plan = Arc::new(self.build_plan(&p.plan.sql_text, &cat)?);
        self.cache.insert(p.plan.sql_text.clone(), plan.clone());
        Ok(plan)
    }

    fn dispatch(&mut self, plan: &Arc<Plan>, params: &[Param]) -> Result<ExecResult, SqlError> {
        let done = |r: Result<(), SqlError>| r.map(|_| ExecResult::default());
        match &plan.kind {
            PlanKind::Query | PlanKind::Dml => self.run(plan, params, None),
            PlanKind::Ddl(st) => self.run_ddl(st),
            PlanKind::Begin => done(self.begin_sql()),
            PlanKind::Commit => done(self.commit_inner(true)),
            PlanKind::Rollback => done(self.rollback_inner(true)),
            PlanKind::Savepoint(n) => done(self.savepoint(n)),
            PlanKind::RollbackTo(n) => done(self.rollback_to(n)),
            PlanKind::Release(n) => done(self.release(n)),
            PlanKind::Isolation(i) => {
                self.iso = if self.db.mode == DbMode::Unlogged {
                    Isolation::Dirty
                } else {
                    *i
                };
                Ok(ExecResult::default())
            }
            PlanKind::LockMode(m) => {
                self.wait = *m;
                Ok(ExecResult::default())
            }
            PlanKind::LockTable(n, x) => done(self.lock_table(n, *x)),
            PlanKind::UnlockTable(n) => done(self.unlock_table(n)),
            PlanKind::CreateDb(n, m) => done(self.engine.create_database(n, *m)),
            PlanKind::DropDb(n) => {
                if n.eq_ignore_ascii_case(&self.db.name) {
                    return Err(SqlError::near(-425, 0, n.clone()));
                }
                done(self.engine.drop_database(n))
            }
            PlanKind::Fail(e) => Err(e.clone()),
            PlanKind::Noop => Ok(ExecResult::default()),
        }
    }

    fn convert_params(
        &self,
        plan: &Plan,
        params: &[Param],
        now: &dt::Fields,
        now_us: i64,
    ) -> Result<Vec<Value>, SqlError> {
        if params.len() != plan.nparams {
            return Err(SqlError::new(-254, 0));
        }
        let cx = ConvCtx {
            ansi: self.ansi(),
            now: *now,
        };
        let mut vals = Vec::with_capacity(params.len() + plan.hidden.len());
        for (p, slot) in params.iter().zip(&plan.params) {
            let (v, src) = convert::param_value(p);
            vals.push(match slot {
                ParamSlot::Raw => v,
                ParamSlot::Typed(ty) => convert::convert((&v).into(), src, *ty, &cx)?,
            });
        }
        for h in &plan.hidden {
            vals.push(match h {
                Hidden::Today => Value::Integer(dt::ifx_day(now[0], now[1], now[2])),
                Hidden::Current(q) => {
                    let f = dt::extend(now, super::types::Qual::dt(0, 15), *q, now)?;
                    Value::Text(dt::dt_text(&f, *q))
                }
                Hidden::User => Value::Text(self.user.clone()),
                Hidden::Sqlerrd1 => Value::Integer(self.sqlerrd1),
                Hidden::Sqlerrd2 => Value::Integer(self.sqlerrd2),
                Hidden::Serial8 => Value::Integer(self.serial8),
                Hidden::Bigserial => Value::Integer(self.bigserial),
                Hidden::UtcCurrent => Value::Integer(now_us / 1_000_000),
            });
        }
        Ok(vals)
    }

    fn lock_error(wk: WriteKind, isam: i32) -> SqlError {
        SqlError::new(lock_code(wk), isam)
    }

    /// Waits until no other session's lock blocks this statement.
    fn acquire<'g>(
        &self,
        mut g: MutexGuard<'g, DbState>,
        reads: &[i64],
        writes: &[i64],
        wk: WriteKind,
    ) -> Result<MutexGuard<'g, DbState>, SqlError> {
        let start = Instant::now();
        loop {
            let mut blocker = None;
            if self.iso != Isolation::Dirty || wk != WriteKind::None {
                for k in reads {
                    if self.iso == Isolation::Dirty {
                        break;
                    }
                    if let Some(b) = g.locks.read_blocker(*k, self.id) {
                        blocker = Some(b);
                        break;
                    }
                }
            }
            if blocker.is_none() {
                for k in writes {
                    if let Some(b) = g.locks.write_blocker(*k, self.id) {
                        blocker = Some(b);
                        break;
                    }
                }
            }
            let Some(holder) = blocker else {
                return Ok(g);
            };
            let limit = match self.wait {
                None => return Err(Self::lock_error(wk, -107)),
                Some(l) => l,
            };
            if g.locks.would_deadlock(self.id, holder) {
                return Err(Self::lock_error(wk, -143));
            }
            let remaining = match limit {
                Some(secs) => {
                    let d = Duration::from_secs(u64::from(secs));
                    let el = start.elapsed();
                    if el >= d {
                        return Err(Self::lock_error(wk, -154));
                    }
                    (d - el).min(Duration::from_millis(250))
                }
                None => Duration::from_millis(250),
            };
            g.locks.waiting.insert(self.id, holder);
            g = match self.db.cv.wait_timeout(g, remaining) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
            g.locks.waiting.remove(&self.id);
        }
    }

    /// Writes inside a transaction of a logging database keep their locks.
    fn txn_locks(&self) -> bool {
        self.txn.is_some() && self.db.mode != DbMode::Unlogged
    }

    fn run(
        &mut self,
        plan: &Arc<Plan>,
        params: &[Param],
        sink: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult, SqlError> {
        let now_us = now_micros();
        let now = dt::fields_from_micros(now_us);
        let vals = self.convert_params(plan, params, &now, now_us)?;
        let db = self.db.clone();
        let writes: Vec<i64> = plan.write.into_iter().collect();
        let mut g = self.acquire(lock_db(&db), &plan.reads, &writes, plan.wkind)?;
        let logging = self.txn_locks() && plan.target.as_ref().is_none_or(|t| t.logged);
        db.shared
            .now_us
            .store(now_us, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut cap) = db.shared.cap.lock() {
            cap.active = logging && plan.wkind != WriteKind::None;
            cap.log.clear();
            cap.last_serial = None;
            cap.last_serial8 = None;
            cap.serial_dirty = false;
        }
        let cat = db.catalog();
        let mcx = MapCx {
            target: plan.target.as_deref(),
            wk: plan.wkind,
            logged: db.mode != DbMode::Unlogged,
            cat: Some(&cat),
        };
        let res: Result<i64, SqlError> = (|| {
            let conn = &g.conn;
            let mut st = conn
                .prepare_cached(&plan.sql)
                .map_err(|e| map_err(e, &mcx))?;
            let n = st.parameter_count().min(vals.len());
            for (i, v) in vals.iter().take(n).enumerate() {
                st.raw_bind_parameter(i + 1, v)
                    .map_err(|e| map_err(e, &mcx))?;
            }
            if let Some(sink) = sink {
                let ncols = plan.out.len();
                let mut rows = st.raw_query();
                let mut row: Vec<Cell> = Vec::with_capacity(ncols);
                let mut count = 0i64;
                while let Some(r) = rows.next().map_err(|e| map_err(e, &mcx))? {
                    if row.len() != ncols {
                        // First row, or the sink took the previous one.
                        row.clear();
                        row.reserve(ncols);
                        row.resize(ncols, Cell::Null);
                    }
                    for (i, (oc, slot)) in plan.out.iter().zip(row.iter_mut()).enumerate() {
                        let v = r.get_ref(i).map_err(|e| map_err(e, &mcx))?;
                        convert::to_cell_into(v, *oc, slot)?;
                    }
                    sink(&mut row)?;
                    count += 1;
                }
                Ok(count)
            } else {
                let n = st.raw_execute().map_err(|e| map_err(e, &mcx))?;
                Ok(n as i64)
            }
        })();
        let (log, ls, ls8, dirty) = match db.shared.cap.lock() {
            Ok(mut cap) => {
                cap.active = false;
                (
                    std::mem::take(&mut cap.log),
                    cap.last_serial.take(),
                    cap.last_serial8.take(),
                    std::mem::replace(&mut cap.serial_dirty, false),
                )
            }
            Err(_) => (Vec::new(), None, None, false),
        };
        let rows = res?;
        if let Some(txn) = self.txn.as_mut() {
            txn.undo.extend(log);
            txn.work = true;
            if let Some(k) = plan.write
                && self.db.mode != DbMode::Unlogged
                && !self.held.contains(&k)
            {
                g.locks.lock_x(k, self.id);
                self.held.push(k);
            }
        }
        if dirty
            && db.file.is_some()
            && let Some(tm) = &plan.target
            && let Ok(cap) = db.shared.cap.lock()
            && let Some((a, b)) = cap.serials.get(&tm.key).copied()
        {
            drop(cap);
            let _ = g
                .conn
                .prepare_cached("INSERT OR REPLACE INTO __ifx_serial VALUES (?1, ?2, ?3)")
                .and_then(|mut s| s.execute([tm.key, a, b]));
        }
        drop(g);
        let mut r = ExecResult {
            rows,
            serial: 0,
            serial8: None,
        };
        if let Some(s) = ls {
            r.serial = s as i32;
            self.sqlerrd1 = s;
        }
        if let (Some(s), Some(tm)) = (ls8, &plan.target) {
            r.serial8 = Some(s);
            if tm.cols.iter().any(|c| c.ty.code == t::BIGSERIAL) {
                self.bigserial = s;
            } else {
                self.serial8 = s;
            }
        }
        self.sqlerrd2 = rows;
        Ok(r)
    }

    fn run_ddl(&mut self, st: &Stmt) -> Result<ExecResult, SqlError> {
        let db = self.db.clone();
        let in_txn = self.txn_locks();
        // Tables the statement changes must not be locked by others.
        let cat = db.catalog();
        let mut keys = Vec::new();
        let name_of = |n: &ObjName| -> Option<i64> {
            if self.temps.contains_key(&n.name) {
                return None;
            }
            cat.tables.get(&n.name).map(|t| t.key)
        };
        match st {
            Stmt::DropTable { name, .. }
            | Stmt::DropView { name, .. }
            | Stmt::Alter { name, .. } => keys.extend(name_of(name)),
            Stmt::CreateIndex { table, .. } => keys.extend(name_of(table)),
            Stmt::RenameTable { from, .. } => keys.extend(name_of(from)),
            Stmt::RenameColumn { table, .. } => keys.extend(name_of(table)),
            _ => {}
        }
        let g = self.acquire(lock_db(&db), &[], &keys, WriteKind::Ddl)?;
        let now_us = now_micros();
        db.shared
            .now_us
            .store(now_us, std::sync::atomic::Ordering::Relaxed);
        let today = dt::ifx_day(1970, 1, 1) + now_us.div_euclid(86_400_000_000);
        let mut g = g;
        let st_ref = &mut *g;
        let conn = &st_ref.conn;
        if let Ok(mut cap) = db.shared.cap.lock() {
            cap.active = in_txn;
            cap.log.clear();
        }
        let version_full = self.engine.server_version_full().to_string();
        let user = self.user.clone();
        let temps_before = self.temps.clone();
        let mut temps = std::mem::take(&mut self.temps);
        let _ = conn.execute_batch("SAVEPOINT ifx_ddl");
        let mut cx = DdlCx {
            conn,
            shared: &db.shared,
            cat: (*cat).clone(),
            cat_changed: false,
            temps: &mut temps,
            sid: self.id,
            in_txn,
            ansi: self.ansi(),
            today,
            user: &user,
            dbname: &db.name,
            version_full: &version_full,
            dropped_seq: &mut st_ref.dropped_seq,
            temp_seq: &mut st_ref.temp_seq,
            on_commit: Vec::new(),
            lock_keys: Vec::new(),
            rows: 0,
        };
        let res = cx.run(st);
        let DdlCx {
            cat: new_cat,
            cat_changed,
            on_commit,
            lock_keys,
            rows,
            ..
        } = cx;
        self.temps = temps;
        let log = match db.shared.cap.lock() {
            Ok(mut cap) => {
                cap.active = false;
                std::mem::take(&mut cap.log)
            }
            Err(_) => Vec::new(),
        };
        match res {
            Ok(()) => {
                let _ = st_ref.conn.execute_batch("RELEASE ifx_ddl");
                if cat_changed {
                    db.set_catalog(new_cat);
                }
                self.temp_version += 1;
                if let Some(txn) = self.txn.as_mut() {
                    txn.undo.extend(log);
                    txn.on_commit.extend(on_commit);
                    txn.work = true;
                    if in_txn {
                        for k in lock_keys {
                            if !self.held.contains(&k) {
                                st_ref.locks.lock_x(k, self.id);
                                self.held.push(k);
                            }
                        }
                    }
                } else {
                    for s in on_commit {
                        let _ = st_ref.conn.execute_batch(&s);
                    }
                }
                drop(g);
                self.sqlerrd2 = rows;
                Ok(ExecResult {
                    rows,
                    serial: 0,
                    serial8: None,
                })
            }
            Err(e) => {
                let _ = st_ref
                    .conn
                    .execute_batch("ROLLBACK TO ifx_ddl; RELEASE ifx_ddl");
                // The failed statement leaves the session's temp tables as they were.
                drop(log);
                self.temps = temps_before;
                drop(g);
                // Undo registrations made by the failed statement.
                self.reload_undo_tabs();
                Err(e)
            }
        }
    }

    fn reload_undo_tabs(&self) {
        let cat = self.db.catalog();
        if let Ok(mut cap) = self.db.shared.cap.lock() {
            for t in cat.tables.values().chain(self.temps.values()) {
                super::ddl::register_undo_tab(&mut cap, t);
            }
        }
    }

    fn apply_sess_undo(&mut self, s: SessUndo) {
        match s {
            SessUndo::DropTemp(n) => {
                self.temps.remove(&n);
            }
            SessUndo::RestoreTemp(tm) => {
                if let Ok(mut cap) = self.db.shared.cap.lock() {
                    super::ddl::register_undo_tab(&mut cap, &tm);
                }
                self.temps.insert(tm.name.clone(), tm);
            }
        }
        self.temp_version += 1;
    }

    // ---------------------------------------------------------- transactions

    /// SQ_BEGIN: -201 in a database without logging (what the reference
    /// client expects), -535 if a transaction is already open.
    pub fn begin(&mut self) -> Result<(), SqlError> {
        match self.db.mode {
            DbMode::Unlogged => Err(SqlError::new(-201, 0)),
            DbMode::Ansi => Ok(()),
            DbMode::Logged => {
                if self.txn.is_some() {
                    return Err(SqlError::new(-535, 0));
                }
                self.txn = Some(Txn::new());
                Ok(())
            }
        }
    }

    /// BEGIN WORK as SQL: -256 without logging.
    fn begin_sql(&mut self) -> Result<(), SqlError> {
        match self.db.mode {
            DbMode::Unlogged => Err(SqlError::new(-256, 0)),
            DbMode::Ansi => {
                if self.txn.as_ref().is_some_and(|t| t.work) {
                    return Err(SqlError::new(-535, 0));
                }
                Ok(())
            }
            DbMode::Logged => self.begin(),
        }
    }

    /// SQ_CMMTWORK.
    pub fn commit(&mut self) -> Result<(), SqlError> {
        self.commit_inner(false)
    }

    /// SQ_RBWORK.
    pub fn rollback(&mut self) -> Result<(), SqlError> {
        self.rollback_inner(false)
    }

    fn commit_inner(&mut self, _sql: bool) -> Result<(), SqlError> {
        if self.db.mode == DbMode::Unlogged {
            return Err(SqlError::new(-256, 0));
        }
        let Some(txn) = self.txn.take() else {
            return Err(SqlError::new(-255, 0));
        };
        {
            let db = self.db.clone();
            let mut g = lock_db(&db);
            for s in &txn.on_commit {
                let _ = g.conn.execute_batch(s);
            }
            self.release_locks(&mut g);
        }
        self.db.cv.notify_all();
        if self.db.mode == DbMode::Ansi {
            self.txn = Some(Txn::new());
        }
        Ok(())
    }

    fn rollback_inner(&mut self, _sql: bool) -> Result<(), SqlError> {
        if self.db.mode == DbMode::Unlogged {
            return Err(SqlError::new(-256, 0));
        }
        let Some(mut txn) = self.txn.take() else {
            return Err(SqlError::new(-255, 0));
        };
        let recs = std::mem::take(&mut txn.undo);
        {
            let db = self.db.clone();
            let mut g = lock_db(&db);
            let sess = self.apply_undo(&g, recs);
            self.release_locks(&mut g);
            drop(g);
            for s in sess {
                self.apply_sess_undo(s);
            }
        }
        self.db.cv.notify_all();
        if self.db.mode == DbMode::Ansi {
            self.txn = Some(Txn::new());
        }
        Ok(())
    }

    fn release_locks(&mut self, g: &mut MutexGuard<'_, DbState>) {
        for k in self.held.drain(..) {
            g.locks.release(k, self.id);
        }
        for k in self.table_locks.drain(..) {
            g.locks.release(k, self.id);
        }
    }

    /// Replays undo records backwards; returns session-side undo steps.
    fn apply_undo(&self, g: &MutexGuard<'_, DbState>, recs: Vec<UndoRec>) -> Vec<SessUndo> {
        let conn = &g.conn;
        let mut sess = Vec::new();
        let mut reload = false;
        if recs.is_empty() {
            return sess;
        }
        let _ = conn.execute_batch("PRAGMA foreign_keys=OFF; BEGIN");
        for r in recs.into_iter().rev() {
            let res = match r {
                UndoRec::Ins(tab, rowid) => conn
                    .prepare_cached(&format!("DELETE FROM {} WHERE rowid = ?1", tab.sqlite))
                    .and_then(|mut s| s.execute([rowid]))
                    .map(|_| ()),
                UndoRec::Upd(tab, rowid, vals) => {
                    let sets: Vec<String> = tab
                        .cols
                        .iter()
                        .enumerate()
                        .map(|(i, c)| format!("{} = ?{}", ident(c), i + 1))
                        .collect();
                    let sql = format!(
                        "UPDATE {} SET {} WHERE rowid = ?{}",
                        tab.sqlite,
                        sets.join(", "),
                        tab.cols.len() + 1
                    );
                    conn.prepare_cached(&sql)
                        .and_then(|mut s| {
                            let mut p: Vec<Value> = vals;
                            p.push(Value::Integer(rowid));
                            s.execute(rusqlite::params_from_iter(p))
                        })
                        .map(|_| ())
                }
                UndoRec::Del(tab, rowid, vals) => {
                    let names: Vec<String> = tab.cols.iter().map(|c| ident(c)).collect();
                    let ph: Vec<String> = (0..=tab.cols.len())
                        .map(|i| format!("?{}", i + 1))
                        .collect();
                    let sql = format!(
                        "INSERT INTO {} (rowid{}{}) VALUES ({})",
                        tab.sqlite,
                        if names.is_empty() { "" } else { ", " },
                        names.join(", "),
                        ph.join(", ")
                    );
                    conn.prepare_cached(&sql)
                        .and_then(|mut s| {
                            let mut p = vec![Value::Integer(rowid)];
                            p.extend(vals);
                            s.execute(rusqlite::params_from_iter(p))
                        })
                        .map(|_| ())
                }
                UndoRec::Sql(s) => conn.execute_batch(&s),
                UndoRec::Catalog => {
                    reload = true;
                    Ok(())
                }
                UndoRec::Session(s) => {
                    sess.push(s);
                    Ok(())
                }
            };
            if let Err(e) = res {
                log::warn!("undo step failed: {e}");
            }
        }
        let _ = conn.execute_batch("COMMIT; PRAGMA foreign_keys=ON");
        if reload {
            match super::db::load_catalog(conn) {
                Ok(c) => {
                    if let Ok(mut cap) = self.db.shared.cap.lock() {
                        for t in c.tables.values() {
                            super::ddl::register_undo_tab(&mut cap, t);
                        }
                    }
                    self.db.set_catalog(c);
                }
                Err(e) => log::warn!("catalogue reload failed: {e}"),
            }
        }
        sess
    }

    fn need_txn(&self) -> Result<(), SqlError> {
        match self.db.mode {
            DbMode::Unlogged => Err(SqlError::new(-256, 0)),
            _ if self.txn.is_none() => Err(SqlError::new(-255, 0)),
            _ => Ok(()),
        }
    }

    fn savepoint(&mut self, n: &str) -> Result<(), SqlError> {
        self.need_txn()?;
        if let Some(txn) = self.txn.as_mut() {
            let pos = txn.undo.len();
            txn.savepoints.push((n.to_string(), pos));
            txn.work = true;
        }
        Ok(())
    }

    fn rollback_to(&mut self, n: &str) -> Result<(), SqlError> {
        self.need_txn()?;
        let Some(txn) = self.txn.as_mut() else {
            return Ok(());
        };
        let k = if n.is_empty() {
            txn.savepoints.len().checked_sub(1)
        } else {
            txn.savepoints.iter().rposition(|(s, _)| s == n)
        };
        let Some(k) = k else {
            return Err(SqlError::near(-201, 0, n.to_string()));
        };
        let pos = txn.savepoints[k].1;
        txn.savepoints.truncate(k + 1);
        let recs: Vec<UndoRec> = txn.undo.drain(pos..).collect();
        let db = self.db.clone();
        let g = lock_db(&db);
        let sess = self.apply_undo(&g, recs);
        drop(g);
        for s in sess {
            self.apply_sess_undo(s);
        }
        Ok(())
    }

    fn release(&mut self, n: &str) -> Result<(), SqlError> {
        self.need_txn()?;
        let Some(txn) = self.txn.as_mut() else {
            return Ok(());
        };
        match txn.savepoints.iter().rposition(|(s, _)| s == n) {
            Some(k) => {
                txn.savepoints.truncate(k);
                Ok(())
            }
            None => Err(SqlError::near(-201, 0, n.to_string())),
        }
    }

    fn lock_table(&mut self, n: &ObjName, exclusive: bool) -> Result<(), SqlError> {
        let cat = self.db.catalog();
        let Some(tm) = cat.tables.get(&n.name).cloned() else {
            // Temp tables are private: nothing to lock.
            return if self.temps.contains_key(&n.name) {
                Ok(())
            } else {
                Err(SqlError::near(-206, -111, n.name.clone()))
            };
        };
        let reads = if exclusive { vec![tm.key] } else { vec![] };
        let db = self.db.clone();
        let mut g = self.acquire(lock_db(&db), &reads, &[tm.key], WriteKind::Ddl)?;
        if exclusive {
            g.locks.lock_x(tm.key, self.id);
        } else {
            g.locks.lock_s(tm.key, self.id);
        }
        if self.txn_locks() {
            self.held.push(tm.key);
        } else {
            self.table_locks.push(tm.key);
        }
        Ok(())
    }

    fn unlock_table(&mut self, n: &ObjName) -> Result<(), SqlError> {
        let cat = self.db.catalog();
        if let Some(tm) = cat.tables.get(&n.name) {
            let key = tm.key;
            if self.table_locks.contains(&key) {
                let db = self.db.clone();
                let mut g = lock_db(&db);
                g.locks.release(key, self.id);
                self.table_locks.retain(|k| *k != key);
                drop(g);
                self.db.cv.notify_all();
            }
        }
        Ok(())
    }

    /// Ends the session: rolls back open work and drops temp tables.
    pub fn close(&mut self) {
        if self.closed {
            return;
        }
        if self.txn.is_some() && self.db.mode != DbMode::Unlogged {
            let _ = self.rollback_inner(false);
        }
        self.txn = None;
        let temps: Vec<Arc<TableMeta>> = self.temps.drain().map(|(_, v)| v).collect();
        {
            let db = self.db.clone();
            let mut g = lock_db(&db);
            for tm in &temps {
                let _ = g
                    .conn
                    .execute_batch(&format!("DROP TABLE IF EXISTS {}", tm.sqlite));
                if let Ok(mut cap) = self.db.shared.cap.lock() {
                    cap.tabs.remove(&tm.key);
                    cap.serials.remove(&tm.key);
                }
            }
            self.release_locks(&mut g);
            g.locks.waiting.remove(&self.id);
        }
        self.db.cv.notify_all();
        self.closed = true;
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.close();
    }
}
