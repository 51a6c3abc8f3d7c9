//! Semantic analysis: resolves names against the catalogue, types every
//! expression the way Informix would describe it, and emits the SQLite SQL
//! that computes it on the chosen storage representation.
//!
//! Name errors (-206, -217, -324) come from here, before SQLite sees
//! anything, so they carry the Informix parameter.

use super::ast::*;
use super::catalog::{Catalog, TabKind, TableMeta};
use super::complex;
use super::convert::{self, ConvCtx, Src, ident, sql_literal};
use super::decimal::Dec;
use super::error::SqlError;
use super::types::{self as t, Class, Qual, Rep, Ty};
use rusqlite::types::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// How a `?` is converted before binding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamSlot {
    /// Bound as the client sent it.
    Raw,
    /// Converted to this type's storage form (assignment semantics).
    Typed(Ty),
}

/// Values bound after the client's parameters, fixed per execution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hidden {
    Today,
    Current(Qual),
    User,
    Sqlerrd1,
    Sqlerrd2,
    Serial8,
    Bigserial,
    UtcCurrent,
}

/// A described result column.
#[derive(Debug, Clone, PartialEq)]
pub struct OutCol {
    pub name: String,
    pub ty: Ty,
    pub rep: Rep,
    pub notnull: bool,
    pub owner: String,
}

/// An analysed query: SQLite text and its described columns.
#[derive(Debug, Clone)]
pub struct QOut {
    pub sql: String,
    pub cols: Vec<OutCol>,
}

/// What the analyser needs to know about the session.
pub struct Env<'a> {
    pub cat: &'a Catalog,
    pub temps: &'a HashMap<String, Arc<TableMeta>>,
    pub ansi: bool,
    pub dbname: &'a str,
    pub version_full: &'a str,
    pub session_id: i64,
}

#[derive(Debug, Clone)]
enum EK {
    Col(String),
    Const(Value, Src),
    Param(usize),
    Agg(&'static str),
    Named(&'static str),
    Expr,
}

/// A typed expression.
#[derive(Debug, Clone)]
struct TE {
    sql: String,
    ty: Ty,
    rep: Rep,
    notnull: bool,
    kind: EK,
    owner: String,
}

impl TE {
    fn new(sql: String, ty: Ty, rep: Rep) -> TE {
        TE {
            sql,
            ty,
            rep,
            notnull: false,
            kind: EK::Expr,
            owner: String::new(),
        }
    }
    fn typed(sql: String, ty: Ty) -> TE {
        TE::new(sql, ty, ty.rep())
    }
    fn is_null_lit(&self) -> bool {
        matches!(&self.kind, EK::Const(Value::Null, _))
    }
    fn is_param(&self) -> bool {
        matches!(self.kind, EK::Param(_))
    }
    fn class(&self) -> Class {
        self.ty.class()
    }
}

#[derive(Debug, Clone)]
struct SCol {
    name: String,
    sql: String,
    ty: Ty,
    rep: Rep,
    notnull: bool,
}

#[derive(Debug, Clone)]
struct STable {
    name: String,
    alias: String,
    cols: Vec<SCol>,
    owner: String,
}

struct Scope<'p> {
    tables: Vec<STable>,
    parent: Option<&'p Scope<'p>>,
    /// Aggregates are allowed (select list, HAVING, ORDER BY).
    agg_ok: bool,
}

impl<'p> Scope<'p> {
    fn new(parent: Option<&'p Scope<'p>>) -> Self {
        Scope {
            tables: Vec::new(),
            parent,
            agg_ok: false,
        }
    }
}

/// Domain types used for comparisons (wide enough that nothing is
/// truncated or rounded before comparing).
fn dom_text() -> Ty {
    Ty::new(t::TEXT, 0)
}
fn dom_dec() -> Ty {
    Ty::decimal(32, 255)
}

pub struct Analyzer<'a> {
    env: &'a Env<'a>,
    pub nparams: usize,
    pub params: Vec<ParamSlot>,
    pub hidden: Vec<Hidden>,
    /// Lock keys of every table the statement reads.
    pub reads: Vec<i64>,
    next_alias: usize,
    /// Table aliases referenced while analysing the current conjunct.
    touched: Vec<String>,
}

fn int_ty_join(a: Ty, b: Ty) -> Ty {
    let big = |x: Ty| matches!(x.code, t::INT8 | t::SERIAL8 | t::BIGINT | t::BIGSERIAL);
    if big(a) || big(b) {
        if matches!(a.code, t::BIGINT | t::BIGSERIAL) || matches!(b.code, t::BIGINT | t::BIGSERIAL)
        {
            Ty::bigint()
        } else {
            Ty::int8()
        }
    } else {
        Ty::int()
    }
}

/// (precision, scale) of a numeric type for decimal arithmetic.
fn num_ps(ty: Ty) -> (u32, u32, bool) {
    match ty.code {
        t::SMALLINT => (5, 0, false),
        t::INTEGER | t::SERIAL => (10, 0, false),
        t::INT8 | t::SERIAL8 | t::BIGINT | t::BIGSERIAL => (19, 0, false),
        t::DECIMAL | t::MONEY => {
            let (p, s) = ty.prec_scale();
            if s == 255 {
                (u32::from(p), 0, true)
            } else {
                (u32::from(p), u32::from(s), false)
            }
        }
        _ => (32, 0, true),
    }
}

fn dec_result(p: u32, s: u32, floating: bool) -> Ty {
    if floating {
        return dom_dec();
    }
    let s = s.min(32);
    let p = p.clamp(s.max(1), 32);
    Ty::decimal(p as u8, s as u8)
}

fn is_numeric(c: Class) -> bool {
    matches!(c, Class::Int | Class::Float | Class::Dec)
}

impl<'a> Analyzer<'a> {
    pub fn new(env: &'a Env<'a>, nparams: usize) -> Self {
        Analyzer {
            env,
            nparams,
            params: vec![ParamSlot::Raw; nparams],
            hidden: Vec::new(),
            reads: Vec::new(),
            next_alias: 0,
            touched: Vec::new(),
        }
    }

    fn cx(&self) -> ConvCtx {
        ConvCtx {
            ansi: self.env.ansi,
            now: [2000, 1, 1, 0, 0, 0, 0],
        }
    }

    fn hidden_ref(&mut self, h: Hidden) -> String {
        if let Some(i) = self.hidden.iter().position(|x| *x == h) {
            return format!("?{}", self.nparams + i + 1);
        }
        self.hidden.push(h);
        format!("?{}", self.nparams + self.hidden.len())
    }

    fn alias(&mut self) -> String {
        self.next_alias += 1;
        format!("t{}", self.next_alias)
    }

    /// Resolves a table name: session temp tables first, then the catalogue.
    pub fn resolve(&self, n: &ObjName) -> Result<Arc<TableMeta>, SqlError> {
        if let Some(db) = &n.db
            && db != self.env.dbname
            && db != "sysmaster"
        {
            return Err(SqlError::near(-206, -111, n.name.clone()).at(n.pos));
        }
        if n.db.as_deref() == Some("sysmaster") {
            let key = format!("__sysmaster_{}", n.name);
            return self
                .env
                .cat
                .tables
                .get(&key)
                .cloned()
                .ok_or_else(|| SqlError::near(-206, -111, n.name.clone()).at(n.pos));
        }
        if let Some(t) = self.env.temps.get(&n.name) {
            return Ok(t.clone());
        }
        self.env
            .cat
            .tables
            .get(&n.name)
            .filter(|t| !t.name.starts_with("__"))
            .cloned()
            .ok_or_else(|| SqlError::near(-206, -111, n.name.clone()).at(n.pos))
    }

    fn note_read(&mut self, tm: &TableMeta) {
        if tm.kind == TabKind::View {
            for k in &tm.view_deps {
                if !self.reads.contains(k) {
                    self.reads.push(*k);
                }
            }
        } else if !tm.temp && !self.reads.contains(&tm.key) {
            self.reads.push(tm.key);
        }
    }

    fn set_param(&mut self, i: usize, slot: ParamSlot) {
        if let Some(p) = self.params.get_mut(i)
            && *p == ParamSlot::Raw
        {
            *p = slot;
        }
    }

    // --------------------------------------------------------------- coercion

    /// Converts an expression to the storage form of `ty`.
    fn coerce(&mut self, te: TE, ty: Ty) -> TE {
        let rep = ty.rep();
        match &te.kind {
            EK::Param(i) => {
                self.set_param(*i, ParamSlot::Typed(ty));
                return TE { ty, rep, ..te };
            }
            EK::Const(v, src) => {
                if let Value::Null = v {
                    return TE { ty, rep, ..te };
                }
                if let Ok(nv) = convert::convert(v.into(), *src, ty, &self.cx()) {
                    return TE {
                        sql: sql_literal(&nv),
                        ty,
                        rep,
                        kind: EK::Const(nv, Src::of(ty, rep)),
                        ..te
                    };
                }
            }
            _ => {}
        }
        if self.noop_conv(&te, ty) {
            return TE {
                ty: if ty.code == t::TEXT || ty == dom_dec() {
                    te.ty
                } else {
                    ty
                },
                ..te
            };
        }
        if te.rep == Rep::Dec && ty.class() == Class::Float {
            return TE {
                sql: format!("CAST({} AS REAL)", te.sql),
                ty,
                rep,
                ..te
            };
        }
        let sql = format!(
            "ifx_cv({}, {}, {}, {}, {}, {}, {})",
            te.sql,
            te.rep.code(),
            te.ty.len,
            ty.code,
            ty.len,
            ty.xid,
            u8::from(self.env.ansi)
        );
        TE {
            sql,
            ty,
            rep,
            kind: EK::Expr,
            ..te
        }
    }

    /// True when a value of `te` already is valid storage of `ty`.
    fn noop_conv(&self, te: &TE, ty: Ty) -> bool {
        if te.rep == Rep::Null {
            return true;
        }
        if te.ty == ty && te.rep == ty.rep() {
            return true;
        }
        match (te.rep, ty.class()) {
            (Rep::Text, Class::Char) => {
                ty.code == t::TEXT
                    || (ty.code == t::UDTVAR
                        && te.ty.max_len() <= ty.max_len()
                        && te.ty.class() == Class::Char
                        && !te.ty.is_char_fixed())
            }
            (Rep::Dec, Class::Dec) => ty == dom_dec(),
            (Rep::Int, Class::Int) => {
                let rank = |c: u8| match c {
                    t::SMALLINT => 1,
                    t::INTEGER | t::SERIAL => 2,
                    _ => 3,
                };
                te.ty.class() == Class::Int && rank(te.ty.code) <= rank(ty.code)
            }
            (Rep::Int, Class::Float) | (Rep::Real, Class::Float) => ty.code == t::FLOAT,
            (Rep::Date, Class::Date) | (Rep::Int, Class::Date) => te.rep == Rep::Date,
            (Rep::DtText, Class::DateTime) => te.ty.code == t::DATETIME && te.ty.len == ty.len,
            (Rep::IvInt, Class::Interval) => {
                te.ty.code == t::INTERVAL
                    && te.ty.qual().is_year_month() == ty.qual().is_year_month()
                    && te.ty.qual().end == ty.qual().end
            }
            (Rep::Bool, Class::Bool) => true,
            (Rep::Blob, Class::Byte) => true,
            _ => false,
        }
    }

    /// Common comparison type of two operands.
    fn domain(&self, a: &TE, b: &TE) -> Result<Ty, SqlError> {
        let (ca, cb) = (a.class(), b.class());
        if a.is_param() || a.is_null_lit() {
            return Ok(self.widen(b.ty));
        }
        if b.is_param() || b.is_null_lit() {
            return Ok(self.widen(a.ty));
        }
        Ok(match (ca, cb) {
            (Class::Int, Class::Int) => Ty::int8(),
            (x, y) if is_numeric(x) && is_numeric(y) => {
                if x == Class::Float || y == Class::Float {
                    Ty::float()
                } else {
                    dom_dec()
                }
            }
            (Class::Char, Class::Char) => dom_text(),
            (Class::Char, _) => self.widen(b.ty),
            (_, Class::Char) => self.widen(a.ty),
            (Class::Date, Class::Int) | (Class::Int, Class::Date) | (Class::Date, Class::Date) => {
                Ty::date()
            }
            (Class::DateTime, Class::DateTime) => {
                let (qa, qb) = (a.ty.qual(), b.ty.qual());
                Ty::datetime(Qual::dt(qa.start.min(qb.start), qa.end.max(qb.end)))
            }
            (Class::DateTime, Class::Date) => a.ty,
            (Class::Date, Class::DateTime) => b.ty,
            (Class::Interval, Class::Interval) => {
                if a.ty.qual().is_year_month() != b.ty.qual().is_year_month() {
                    return Err(SqlError::new(-1266, 0));
                }
                let (qa, qb) = (a.ty.qual(), b.ty.qual());
                Ty::interval(Qual {
                    start: qa.start.min(qb.start),
                    end: qa.end.max(qb.end),
                    prec: 9,
                })
            }
            (Class::Complex, Class::Complex) => {
                // Compare in the column's type when there is one.
                let coll = |c: u8| matches!(c, t::SET | t::MULTISET | t::LIST);
                if (a.ty.code == t::ROW) != (b.ty.code == t::ROW)
                    || (coll(a.ty.code) && a.ty.code != b.ty.code)
                {
                    return Err(SqlError::new(-1260, 0));
                }
                if matches!(b.kind, EK::Col(_)) && !matches!(a.kind, EK::Col(_)) {
                    b.ty
                } else {
                    a.ty
                }
            }
            (Class::Bool, Class::Bool) => Ty::boolean(),
            (Class::Byte, Class::Byte) => a.ty,
            (Class::Null, _) => self.widen(b.ty),
            (_, Class::Null) => self.widen(a.ty),
            (Class::Int, Class::Bool) | (Class::Bool, Class::Int) => Ty::boolean(),
            _ => return Err(SqlError::new(-1260, 0)),
        })
    }

    fn widen(&self, ty: Ty) -> Ty {
        match ty.class() {
            Class::Int => Ty::int8(),
            Class::Dec => dom_dec(),
            Class::Char => dom_text(),
            Class::Float => Ty::float(),
            Class::Interval => {
                let q = ty.qual();
                Ty::interval(Qual { prec: 9, ..q })
            }
            _ => ty,
        }
    }

    fn collate(ty: Ty) -> &'static str {
        match ty.rep() {
            Rep::Dec => " COLLATE IFXDEC",
            Rep::Text => " COLLATE RTRIM",
            Rep::Complex => " COLLATE IFXCPLX",
            _ => "",
        }
    }

    fn compare(&mut self, op: CmpOp, a: TE, b: TE) -> Result<String, SqlError> {
        let d = self.domain(&a, &b)?;
        let a = self.coerce(a, d);
        let b = self.coerce(b, d);
        Ok(format!(
            "({}{} {} {})",
            a.sql,
            Self::collate(d),
            op.sql(),
            b.sql
        ))
    }

    // ------------------------------------------------------------- queries

    /// Analyses a query; `parent` is the enclosing scope for correlation.
    fn query_in(
        &mut self,
        q: &Query,
        parent: Option<&Scope<'_>>,
        top: bool,
    ) -> Result<QOut, SqlError> {
        match &q.body {
            SetBody::Select(sel) => self.select(sel, parent, &q.order_by, q.limit, top),
            body => {
                let mut out = self.set_body(body, parent)?;
                if !q.order_by.is_empty() {
                    let mut parts = Vec::new();
                    for o in &q.order_by {
                        let k = self
                            .order_ordinal(&o.e, &out.cols)
                            .ok_or_else(|| SqlError::syntax(0))?;
                        parts.push(format!("{k}{}", Self::order_suffix(o)));
                    }
                    out.sql = format!("{} ORDER BY {}", out.sql, parts.join(", "));
                }
                if let Some(n) = q.limit {
                    out.sql = format!("{} LIMIT {n}", out.sql);
                }
                Ok(out)
            }
        }
    }

    pub fn query(&mut self, q: &Query) -> Result<QOut, SqlError> {
        self.query_in(q, None, true)
    }

    fn set_body(&mut self, b: &SetBody, parent: Option<&Scope<'_>>) -> Result<QOut, SqlError> {
        match b {
            SetBody::Select(s) => self.select(s, parent, &[], None, false),
            SetBody::Paren(q) => {
                let o = self.query_in(q, parent, false)?;
                Ok(QOut {
                    sql: format!("SELECT * FROM ({})", o.sql),
                    cols: o.cols,
                })
            }
            SetBody::Set(op, l, r) => {
                let lo = self.set_body(l, parent)?;
                let ro = self.set_body(r, parent)?;
                if lo.cols.len() != ro.cols.len() {
                    return Err(SqlError::new(-264, 0));
                }
                let kw = match op {
                    SetOp::Union => "UNION",
                    SetOp::UnionAll => "UNION ALL",
                    SetOp::Intersect => "INTERSECT",
                    SetOp::Except => "EXCEPT",
                };
                let mut cols = lo.cols.clone();
                for (c, rc) in cols.iter_mut().zip(&ro.cols) {
                    c.notnull = c.notnull && rc.notnull;
                    if c.ty.class() == Class::Char
                        && rc.ty.class() == Class::Char
                        && rc.ty.max_len() > c.ty.max_len()
                    {
                        c.ty = rc.ty;
                    }
                }
                Ok(QOut {
                    sql: format!("{} {kw} {}", lo.sql, ro.sql),
                    cols,
                })
            }
        }
    }

    fn order_suffix(o: &OrderItem) -> String {
        let mut s = String::new();
        if o.desc {
            s.push_str(" DESC");
        }
        match o.nulls_first {
            Some(true) => s.push_str(" NULLS FIRST"),
            Some(false) => s.push_str(" NULLS LAST"),
            None => {}
        }
        s
    }

    /// ORDER BY item given as a position or an output column name.
    fn order_ordinal(&self, e: &Expr, cols: &[OutCol]) -> Option<usize> {
        match e {
            Expr::Lit(Lit::Int(n), _) => n
                .parse::<usize>()
                .ok()
                .filter(|k| *k >= 1 && *k <= cols.len()),
            Expr::Col {
                table: None, name, ..
            } => cols.iter().position(|c| &c.name == name).map(|k| k + 1),
            _ => None,
        }
    }

    fn select(
        &mut self,
        sel: &Select,
        parent: Option<&Scope<'_>>,
        order_by: &[OrderItem],
        limit: Option<i64>,
        top: bool,
    ) -> Result<QOut, SqlError> {
        if !top && (sel.first.is_some() || sel.skip.is_some()) && parent.is_some() {
            return Err(SqlError::new(-944, 0).at(sel.pos));
        }
        let mut scope = Scope::new(parent);
        let mut from_sql = String::new();
        let mut outer_items: Vec<(String, Vec<String>)> = Vec::new();
        for (i, tr) in sel.from.iter().enumerate() {
            match tr {
                TableRef::Outer(list) => {
                    let before = scope.tables.len();
                    let mut parts = Vec::new();
                    for x in list {
                        parts.push(self.table_ref(x, &mut scope)?);
                    }
                    let names = scope.tables[before..]
                        .iter()
                        .map(|t| t.alias.clone())
                        .collect();
                    let sql = if parts.len() == 1 {
                        parts.remove(0)
                    } else {
                        format!("({})", parts.join(", "))
                    };
                    outer_items.push((sql, names));
                }
                _ => {
                    let s = self.table_ref(tr, &mut scope)?;
                    if i > 0 && !from_sql.is_empty() {
                        from_sql.push_str(", ");
                    }
                    from_sql.push_str(&s);
                }
            }
        }
        // WHERE, with Informix OUTER join conditions moved into ON clauses.
        let mut where_parts = Vec::new();
        let mut outer_on: Vec<Vec<String>> = vec![Vec::new(); outer_items.len()];
        if let Some(w) = &sel.where_ {
            let mut conj = Vec::new();
            split_and(w, &mut conj);
            for c in conj {
                self.touched.clear();
                let sql = self.cond(c, &scope)?;
                let hit = outer_items
                    .iter()
                    .position(|(_, names)| self.touched.iter().any(|a| names.contains(a)));
                match hit {
                    Some(k) => outer_on[k].push(sql),
                    None => where_parts.push(sql),
                }
            }
        }
        for ((sql, _), on) in outer_items.iter().zip(&outer_on) {
            let cond = if on.is_empty() {
                "1".to_string()
            } else {
                on.join(" AND ")
            };
            if from_sql.is_empty() {
                from_sql.push_str(sql);
            } else {
                from_sql.push_str(&format!(" LEFT JOIN {sql} ON {cond}"));
            }
        }
        // Select list.
        scope.agg_ok = true;
        let mut items_sql = Vec::new();
        let mut cols = Vec::new();
        for it in &sel.items {
            match it {
                SelItem::Star(pos) | SelItem::QualStar(_, pos) => {
                    let q = if let SelItem::QualStar(q, _) = it {
                        Some(q.as_str())
                    } else {
                        None
                    };
                    let mut any = false;
                    for tb in &scope.tables {
                        if q.is_some_and(|q| q != tb.name) {
                            continue;
                        }
                        any = true;
                        for c in &tb.cols {
                            items_sql.push(format!("{} AS \"c{}\"", c.sql, items_sql.len() + 1));
                            cols.push(OutCol {
                                name: c.name.clone(),
                                ty: c.ty,
                                rep: c.rep,
                                notnull: c.notnull,
                                owner: tb.owner.clone(),
                            });
                        }
                    }
                    if !any {
                        return Err(match q {
                            Some(q) => SqlError::near(-206, -111, q).at(*pos),
                            None => SqlError::syntax(*pos),
                        });
                    }
                }
                SelItem::Expr { e, alias } => {
                    let te = self.expr(e, &scope)?;
                    let name = match alias {
                        Some(a) => a.clone(),
                        None => match &te.kind {
                            EK::Col(n) => n.clone(),
                            EK::Const(..) => "(constant)".into(),
                            EK::Agg(n) | EK::Named(n) => (*n).into(),
                            EK::Param(_) => "(expression)".into(),
                            EK::Expr => "(expression)".into(),
                        },
                    };
                    let te = if te.is_param() {
                        let ty = Ty::lvarchar(2048);
                        self.coerce(te, ty)
                    } else {
                        te
                    };
                    let coll = if matches!(te.kind, EK::Col(_)) {
                        ""
                    } else {
                        Self::collate(te.ty)
                    };
                    let coll = if te.rep == Rep::Dec || te.rep == Rep::Text {
                        coll
                    } else {
                        ""
                    };
                    items_sql.push(format!(
                        "{}{} AS \"c{}\"",
                        te.sql,
                        coll,
                        items_sql.len() + 1
                    ));
                    let notnull = te.notnull
                        || matches!(te.kind, EK::Const(ref v, _) if !matches!(v, Value::Null));
                    cols.push(OutCol {
                        name,
                        ty: te.ty,
                        rep: te.rep,
                        notnull,
                        owner: te.owner.clone(),
                    });
                }
            }
        }
        scope.agg_ok = false;
        let mut sql = String::from("SELECT ");
        if sel.distinct {
            sql.push_str("DISTINCT ");
        }
        sql.push_str(&items_sql.join(", "));
        if !from_sql.is_empty() {
            sql.push_str(" FROM ");
            sql.push_str(&from_sql);
        } else {
            return Err(SqlError::syntax(sel.pos));
        }
        if !where_parts.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&where_parts.join(" AND "));
        }
        if !sel.group_by.is_empty() {
            let mut g = Vec::new();
            for e in &sel.group_by {
                if let Some(k) = self.order_ordinal(e, &[]).or_else(|| match e {
                    Expr::Lit(Lit::Int(n), _) => n
                        .parse::<usize>()
                        .ok()
                        .filter(|k| *k >= 1 && *k <= cols.len()),
                    _ => None,
                }) {
                    g.push(k.to_string());
                    continue;
                }
                let te = self.expr(e, &scope)?;
                g.push(format!("{}{}", te.sql, Self::collate(te.ty)));
            }
            sql.push_str(" GROUP BY ");
            sql.push_str(&g.join(", "));
        }
        if let Some(h) = &sel.having {
            scope.agg_ok = true;
            let c = self.cond(h, &scope)?;
            sql.push_str(" HAVING ");
            sql.push_str(&c);
        }
        if !order_by.is_empty() {
            scope.agg_ok = true;
            let mut parts = Vec::new();
            for o in order_by {
                let part = match self.order_ordinal(&o.e, &cols) {
                    Some(k)
                        if !matches!(&o.e, Expr::Col { .. })
                            || !self.is_source_col(&o.e, &scope)
                            || sel.distinct =>
                    {
                        k.to_string()
                    }
                    _ => {
                        let te = self.expr(&o.e, &scope)?;
                        format!("{}{}", te.sql, Self::collate(te.ty))
                    }
                };
                parts.push(format!("{part}{}", Self::order_suffix(o)));
            }
            sql.push_str(" ORDER BY ");
            sql.push_str(&parts.join(", "));
        }
        let first = sel.first.or(limit);
        match (first, sel.skip) {
            (Some(n), Some(s)) => sql.push_str(&format!(" LIMIT {n} OFFSET {s}")),
            (Some(n), None) => sql.push_str(&format!(" LIMIT {n}")),
            (None, Some(s)) => sql.push_str(&format!(" LIMIT -1 OFFSET {s}")),
            (None, None) => {}
        }
        Ok(QOut { sql, cols })
    }

    fn is_source_col(&self, e: &Expr, scope: &Scope<'_>) -> bool {
        if let Expr::Col {
            table: None, name, ..
        } = e
        {
            return scope
                .tables
                .iter()
                .any(|t| t.cols.iter().any(|c| &c.name == name));
        }
        false
    }

    fn table_ref(&mut self, tr: &TableRef, scope: &mut Scope<'_>) -> Result<String, SqlError> {
        match tr {
            TableRef::Named { name, alias } => {
                let tm = self.resolve(name)?;
                self.note_read(&tm);
                let a = self.alias();
                let qual = alias.clone().unwrap_or_else(|| tm.name.clone());
                let cols = tm
                    .cols
                    .iter()
                    .map(|c| SCol {
                        name: c.name.clone(),
                        sql: format!("\"{a}\".{}", ident(&c.name)),
                        ty: c.ty,
                        rep: c.ty.rep(),
                        notnull: c.notnull,
                    })
                    .collect();
                scope.tables.push(STable {
                    name: qual,
                    alias: a.clone(),
                    cols,
                    owner: tm.owner.clone(),
                });
                Ok(format!("{} AS \"{a}\"", tm.sqlite))
            }
            TableRef::Sub { q, alias, cols } => {
                let out = self.query_in(q, None, true)?;
                let a = self.alias();
                if !cols.is_empty() && cols.len() != out.cols.len() {
                    return Err(SqlError::new(-201, 0));
                }
                let scols = out
                    .cols
                    .iter()
                    .enumerate()
                    .map(|(i, c)| SCol {
                        name: cols.get(i).cloned().unwrap_or_else(|| c.name.clone()),
                        sql: format!("\"{a}\".\"c{}\"", i + 1),
                        ty: c.ty,
                        rep: c.rep,
                        notnull: c.notnull,
                    })
                    .collect();
                scope.tables.push(STable {
                    name: alias.clone().unwrap_or_default(),
                    alias: a.clone(),
                    cols: scols,
                    owner: String::new(),
                });
                Ok(format!("({}) AS \"{a}\"", out.sql))
            }
            TableRef::Join {
                left,
                right,
                kind,
                on,
            } => {
                let l = self.table_ref(left, scope)?;
                let r = self.table_ref(right, scope)?;
                let kw = match kind {
                    JoinKind::Inner => "JOIN",
                    JoinKind::Left => "LEFT JOIN",
                    JoinKind::Right => "RIGHT JOIN",
                    JoinKind::Full => "FULL JOIN",
                    JoinKind::Cross => "CROSS JOIN",
                };
                match on {
                    Some(c) => {
                        let c = self.cond(c, scope)?;
                        Ok(format!("{l} {kw} {r} ON {c}"))
                    }
                    None => Ok(format!("{l} {kw} {r}")),
                }
            }
            TableRef::Outer(list) => {
                let mut parts = Vec::new();
                for x in list {
                    parts.push(self.table_ref(x, scope)?);
                }
                Ok(parts.join(", "))
            }
        }
    }

    // ---------------------------------------------------------- expressions

    /// A boolean condition.
    fn cond(&mut self, e: &Expr, scope: &Scope<'_>) -> Result<String, SqlError> {
        let te = self.expr(e, scope)?;
        if te.class() == Class::Bool || te.is_param() {
            return Ok(te.sql);
        }
        Ok(te.sql)
    }

    fn col_ref(
        &mut self,
        table: Option<&str>,
        name: &str,
        pos: usize,
        scope: &Scope<'_>,
    ) -> Result<TE, SqlError> {
        let mut sc: Option<&Scope<'_>> = Some(scope);
        while let Some(s) = sc {
            let mut found: Option<(&STable, &SCol)> = None;
            for tb in &s.tables {
                if table.is_some_and(|q| q != tb.name) {
                    continue;
                }
                if let Some(c) = tb.cols.iter().find(|c| c.name == name) {
                    if found.is_some() {
                        return Err(SqlError::near(-324, 0, name).at(pos));
                    }
                    found = Some((tb, c));
                }
            }
            if let Some((tb, c)) = found {
                self.touched.push(tb.alias.clone());
                let mut te = TE::new(c.sql.clone(), c.ty, c.rep);
                te.notnull = c.notnull;
                te.kind = EK::Col(c.name.clone());
                te.owner = tb.owner.clone();
                return Ok(te);
            }
            sc = s.parent;
        }
        if table.is_none() {
            match name {
                "dbservername" | "sitename" => {
                    let v = Value::Text("ifxserver".into());
                    return Ok(self.konst(v, Ty::varchar(128, 0), Rep::Text, "(expression)"));
                }
                "current_role" | "default_role" => {
                    return Ok(self.konst(
                        Value::Null,
                        Ty::varchar(32, 0),
                        Rep::Text,
                        "(expression)",
                    ));
                }
                _ => {}
            }
        }
        let near = match table {
            Some(t) => format!("{t}.{name}"),
            None => name.to_string(),
        };
        Err(SqlError::near(-217, 0, near).at(pos))
    }

    fn konst(&self, v: Value, ty: Ty, rep: Rep, name: &'static str) -> TE {
        let mut te = TE::new(sql_literal(&v), ty, rep);
        let is_null = matches!(v, Value::Null);
        te.kind = if name == "(constant)" {
            EK::Const(v, Src::of(ty, rep))
        } else {
            EK::Named(name)
        };
        if matches!(te.kind, EK::Named(_)) && !is_null {
            te.notnull = true;
        }
        te
    }

    fn literal(&self, l: &Lit, pos: usize) -> Result<TE, SqlError> {
        let (v, ty) = match l {
            Lit::Int(s) => match s.parse::<i64>() {
                Ok(i) if i32::try_from(i).is_ok() => (Value::Integer(i), Ty::int()),
                Ok(i) => (Value::Integer(i), Ty::int8()),
                Err(_) => {
                    let d = Dec::parse(s).ok_or_else(|| SqlError::syntax(pos))?;
                    let digits = s.trim_start_matches('-').len().clamp(1, 32) as u8;
                    (
                        Value::Text(d.fit(digits, 0)?.to_text()),
                        Ty::decimal(digits, 0),
                    )
                }
            },
            Lit::Dec(s) => {
                let d = Dec::parse(s).ok_or_else(|| SqlError::syntax(pos))?;
                let frac = s.split('.').nth(1).map(|f| f.len()).unwrap_or(0).min(32);
                let intd = s
                    .trim_start_matches('-')
                    .split('.')
                    .next()
                    .map(|i| i.trim_start_matches('0').len())
                    .unwrap_or(0);
                let p = (intd + frac).clamp(1, 32);
                let d = d.rescale(frac as i32).unwrap_or(d);
                (Value::Text(d.to_text()), Ty::decimal(p as u8, frac as u8))
            }
            Lit::Float(s) => (
                Value::Real(s.parse().map_err(|_| SqlError::syntax(pos))?),
                Ty::float(),
            ),
            Lit::Str(s) => (Value::Text(s.clone()), Ty::char(s.len().max(1))),
            Lit::Bool(b) => (Value::Integer(i64::from(*b)), Ty::boolean()),
            Lit::Null => (Value::Null, Ty::null()),
        };
        let rep = if let Lit::Null = l {
            Rep::Null
        } else {
            ty.rep()
        };
        Ok(self.konst(v, ty, rep, "(constant)"))
    }

    fn expr(&mut self, e: &Expr, scope: &Scope<'_>) -> Result<TE, SqlError> {
        match e {
            Expr::Lit(l, pos) => self.literal(l, *pos),
            Expr::Param(i) => {
                let mut te = TE::new(format!("?{}", i + 1), Ty::lvarchar(2048), Rep::Text);
                te.kind = EK::Param(*i);
                Ok(te)
            }
            Expr::Col { table, name, pos } => self.col_ref(table.as_deref(), name, *pos, scope),
            Expr::Neg(x) => {
                let a = self.expr(x, scope)?;
                match a.class() {
                    Class::Dec | Class::Char => {
                        let a = self.coerce(a, dom_dec());
                        Ok(TE::typed(
                            format!("ifx_dneg({})", a.sql),
                            if a.ty.class() == Class::Dec {
                                a.ty
                            } else {
                                dom_dec()
                            },
                        ))
                    }
                    _ => {
                        if a.is_param() {
                            let a = self.coerce(a, dom_dec());
                            return Ok(TE::typed(format!("ifx_dneg({})", a.sql), dom_dec()));
                        }
                        Ok(TE::new(format!("(-{})", a.sql), a.ty, a.rep))
                    }
                }
            }
            Expr::Not(x) => {
                let c = self.cond(x, scope)?;
                Ok(TE::typed(format!("(NOT {c})"), Ty::boolean()))
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let x = self.cond(a, scope)?;
                let y = self.cond(b, scope)?;
                let op = if matches!(e, Expr::And(..)) {
                    "AND"
                } else {
                    "OR"
                };
                Ok(TE::typed(format!("({x} {op} {y})"), Ty::boolean()))
            }
            Expr::Cmp(op, a, b) => {
                let x = self.expr(a, scope)?;
                let y = self.expr(b, scope)?;
                if let (Expr::Row(_), _) | (_, Expr::Row(_)) = (&**a, &**b) {
                    return Ok(TE::typed(
                        format!("({} {} {})", x.sql, op.sql(), y.sql),
                        Ty::boolean(),
                    ));
                }
                Ok(TE::typed(self.compare(*op, x, y)?, Ty::boolean()))
            }
            Expr::IsNull(x, not) => {
                let a = self.expr(x, scope)?;
                if a.is_param() {
                    self.set_param(self.param_index(&a), ParamSlot::Raw);
                }
                Ok(TE::typed(
                    format!("({} IS {}NULL)", a.sql, if *not { "NOT " } else { "" }),
                    Ty::boolean(),
                ))
            }
            Expr::Between { e: x, lo, hi, not } => {
                let a = self.expr(x, scope)?;
                let l = self.expr(lo, scope)?;
                let h = self.expr(hi, scope)?;
                let d1 = self.domain(&a, &l)?;
                let d = if a.is_param() && l.is_param() {
                    self.domain(&a, &h)?
                } else {
                    d1
                };
                let a = self.coerce(a, d);
                let l = self.coerce(l, d);
                let h = self.coerce(h, d);
                Ok(TE::typed(
                    format!(
                        "({}{} {}BETWEEN {} AND {})",
                        a.sql,
                        Self::collate(d),
                        if *not { "NOT " } else { "" },
                        l.sql,
                        h.sql
                    ),
                    Ty::boolean(),
                ))
            }
            Expr::InList { e: x, list, not } => {
                let a = self.expr(x, scope)?;
                let mut items = Vec::new();
                for it in list {
                    items.push(self.expr(it, scope)?);
                }
                let mut d = None;
                for it in &items {
                    if it.is_param() || it.is_null_lit() {
                        continue;
                    }
                    d = Some(match d {
                        None => self.domain(&a, it)?,
                        Some(prev) => prev,
                    });
                }
                let d = match d {
                    Some(d) => d,
                    None => self.widen(a.ty),
                };
                let a = self.coerce(a, d);
                let mut parts = Vec::new();
                for it in items {
                    parts.push(self.coerce(it, d).sql);
                }
                Ok(TE::typed(
                    format!(
                        "({}{} {}IN ({}))",
                        a.sql,
                        Self::collate(d),
                        if *not { "NOT " } else { "" },
                        parts.join(", ")
                    ),
                    Ty::boolean(),
                ))
            }
            Expr::InSub { e: x, q, not } => {
                let a = self.expr(x, scope)?;
                let sub = self.query_in(q, Some(scope), false)?;
                if sub.cols.len() != 1 {
                    return Err(SqlError::new(-201, 0));
                }
                let c = &sub.cols[0];
                let probe = TE::new(String::new(), c.ty, c.rep);
                let d = self.domain(&a, &probe)?;
                let a = self.coerce(a, d);
                let inner = if self.noop_conv(&probe, d) {
                    sub.sql
                } else {
                    let conv = self.coerce(TE::new("\"q\".\"c1\"".into(), c.ty, c.rep), d);
                    format!("SELECT {} FROM ({}) AS \"q\"", conv.sql, sub.sql)
                };
                Ok(TE::typed(
                    format!(
                        "({}{} {}IN ({}))",
                        a.sql,
                        Self::collate(d),
                        if *not { "NOT " } else { "" },
                        inner
                    ),
                    Ty::boolean(),
                ))
            }
            Expr::Like {
                e: x,
                pat,
                esc,
                not,
                matches,
            } => {
                let a = self.expr(x, scope)?;
                let fixed = a.ty.is_char_fixed();
                let a = self.coerce(a, dom_text());
                let p = self.expr(pat, scope)?;
                let p = self.coerce(p, dom_text());
                let es = match esc {
                    Some(x) => {
                        let t = self.expr(x, scope)?;
                        self.coerce(t, dom_text()).sql
                    }
                    None => "NULL".into(),
                };
                let subj = if fixed {
                    format!("rtrim({}, ' ')", a.sql)
                } else {
                    a.sql
                };
                let f = if *matches { "ifx_matches" } else { "ifx_like" };
                let s = format!("{f}({subj}, {}, {es})", p.sql);
                Ok(TE::typed(
                    if *not { format!("(NOT {s})") } else { s },
                    Ty::boolean(),
                ))
            }
            Expr::Exists(q, not) => {
                let sub = self.query_in(q, Some(scope), false)?;
                Ok(TE::typed(
                    format!("({}EXISTS ({}))", if *not { "NOT " } else { "" }, sub.sql),
                    Ty::boolean(),
                ))
            }
            Expr::Sub(q) => {
                let sub = self.query_in(q, Some(scope), false)?;
                if sub.cols.len() != 1 {
                    return Err(SqlError::new(-201, 0));
                }
                let c = &sub.cols[0];
                Ok(TE::new(
                    format!(
                        "(SELECT ifx_one(count(*), max(\"q\".\"c1\")) FROM ({}) AS \"q\")",
                        sub.sql
                    ),
                    c.ty,
                    c.rep,
                ))
            }
            Expr::Quant { e: x, op, all, q } => {
                let a = self.expr(x, scope)?;
                let sub = self.query_in(q, Some(scope), false)?;
                if sub.cols.len() != 1 {
                    return Err(SqlError::new(-201, 0));
                }
                let c = &sub.cols[0];
                let inner = TE::new("\"q\".\"c1\"".into(), c.ty, c.rep);
                let cmp = self.compare(*op, a, inner)?;
                let s = if *all {
                    format!(
                        "(NOT EXISTS (SELECT 1 FROM ({}) AS \"q\" WHERE NOT ({cmp})))",
                        sub.sql
                    )
                } else {
                    format!(
                        "(EXISTS (SELECT 1 FROM ({}) AS \"q\" WHERE {cmp}))",
                        sub.sql
                    )
                };
                Ok(TE::typed(s, Ty::boolean()))
            }
            Expr::Case { op, whens, els } => self.case(op.as_deref(), whens, els.as_deref(), scope),
            Expr::Func {
                name,
                args,
                distinct,
                star,
                pos,
            } => self.func(name, args, *distinct, *star, *pos, scope),
            Expr::Cast(x, ty) => {
                let a = self.expr(x, scope)?;
                let ty = self.ddl_type(*ty);
                let mut r = self.coerce(a, ty);
                // A cast parameter has the cast's type: it is no longer open to the
                // coercions its context would apply to a bare `?`.
                if matches!(r.kind, EK::Col(_) | EK::Param(_)) {
                    r.kind = EK::Expr;
                }
                Ok(r)
            }
            Expr::DtLit(text, q, pos) => {
                let f = super::datetime::parse_dt(text, *q).map_err(|e| e.at(*pos))?;
                let v = Value::Text(super::datetime::dt_text(&f, *q));
                Ok(self.konst(v, Ty::datetime(*q), Rep::DtText, "(constant)"))
            }
            Expr::IvLit(text, q, pos) => {
                let v = super::datetime::parse_iv(text, *q).map_err(|e| e.at(*pos))?;
                Ok(self.konst(
                    Value::Integer(v),
                    Ty::interval(*q),
                    Rep::IvInt,
                    "(constant)",
                ))
            }
            Expr::Units(x, tu) => {
                let a = self.expr(x, scope)?;
                let ym = *tu <= t::TU_MONTH;
                let q = Qual {
                    start: *tu,
                    end: *tu,
                    prec: 9,
                };
                let mult = if ym {
                    if *tu == t::TU_YEAR { 12 } else { 1 }
                } else {
                    super::datetime::unit_size(*tu)
                };
                let a = if a.is_param() {
                    self.coerce(a, dom_dec())
                } else {
                    a
                };
                let num = if a.rep == Rep::Dec {
                    format!("CAST({} AS REAL)", a.sql)
                } else {
                    a.sql
                };
                Ok(TE::typed(
                    format!("CAST(round(({num}) * {mult}) AS INTEGER)"),
                    Ty::interval(q),
                ))
            }
            Expr::Extend(x, q) => {
                let a = self.expr(x, scope)?;
                let q = q.unwrap_or(Qual::dt(t::TU_YEAR, 13));
                let r = self.coerce(a, Ty::datetime(q));
                Ok(TE {
                    kind: EK::Expr,
                    ..r
                })
            }
            Expr::Current(q) => {
                let sql = self.hidden_ref(Hidden::Current(*q));
                let mut te = TE::typed(sql, Ty::datetime(*q));
                te.kind = EK::Named("(current)");
                te.notnull = true;
                Ok(te)
            }
            Expr::Today => {
                let sql = self.hidden_ref(Hidden::Today);
                let mut te = TE::typed(sql, Ty::date());
                te.kind = EK::Named("(today)");
                te.notnull = true;
                Ok(te)
            }
            Expr::User => {
                let sql = self.hidden_ref(Hidden::User);
                let mut te = TE::typed(sql, Ty::varchar(32, 0));
                te.kind = EK::Named("(user)");
                te.notnull = true;
                Ok(te)
            }
            Expr::Substr(x, a, b) => {
                let s = self.expr(x, scope)?;
                let s = self.coerce(s, dom_text());
                let n = b.saturating_sub(*a).saturating_add(1).clamp(1, 32767);
                Ok(TE::typed(
                    format!("substr({}, {a}, {n})", s.sql),
                    Ty::char(n as usize),
                ))
            }
            Expr::Trim { e: x, chars, mode } => {
                let s = self.expr(x, scope)?;
                let len = s.ty.max_len();
                let s = self.coerce(s, dom_text());
                let c = match chars {
                    Some(c) => {
                        let c = self.expr(c, scope)?;
                        self.coerce(c, dom_text()).sql
                    }
                    None => "' '".into(),
                };
                let f = match mode {
                    1 => "ltrim",
                    2 => "rtrim",
                    _ => "trim",
                };
                Ok(TE::typed(format!("{f}({}, {c})", s.sql), Self::var_ty(len)))
            }
            Expr::Row(items) => {
                let mut parts = Vec::new();
                for it in items {
                    parts.push(self.expr(it, scope)?.sql);
                }
                Ok(TE::typed(format!("({})", parts.join(", ")), Ty::null()))
            }
            Expr::Bin(op, a, b) => self.binary(*op, a, b, scope),
        }
    }

    fn param_index(&self, te: &TE) -> usize {
        if let EK::Param(i) = te.kind {
            i
        } else {
            usize::MAX
        }
    }

    /// VARCHAR of `len` (LVARCHAR beyond 255).
    fn var_ty(len: usize) -> Ty {
        if len == 0 || len > 255 {
            Ty::lvarchar(len.clamp(1, 32739) as u16)
        } else {
            Ty::varchar(len as u16, 0)
        }
    }

    /// Applies database-mode rules to a declared type (ANSI DECIMAL(p) is DECIMAL(p,0)).
    pub fn ddl_type(&self, ty: Ty) -> Ty {
        if self.env.ansi && ty.code == t::DECIMAL && ty.prec_scale().1 == 255 {
            return Ty::decimal(ty.prec_scale().0, 0);
        }
        ty
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, scope: &Scope<'_>) -> Result<TE, SqlError> {
        let x = self.expr(a, scope)?;
        let y = self.expr(b, scope)?;
        if op == BinOp::Concat {
            let lx =
                x.ty.max_len()
                    .max(if x.class() == Class::Char { 0 } else { 32 });
            let ly =
                y.ty.max_len()
                    .max(if y.class() == Class::Char { 0 } else { 32 });
            let both_char = x.ty.is_char_fixed() && y.ty.is_char_fixed();
            let x = self.coerce(x, dom_text());
            let y = self.coerce(y, dom_text());
            let ty = if both_char && lx + ly <= 32767 {
                Ty::char(lx + ly)
            } else {
                Self::var_ty(lx + ly)
            };
            return Ok(TE::typed(format!("({} || {})", x.sql, y.sql), ty));
        }
        let (cx, cy) = (x.class(), y.class());
        // Parameters take the type of the other operand.
        let (x, y) = match (x.is_param(), y.is_param()) {
            (true, false) if is_numeric(cy) => {
                let w = self.widen(y.ty);
                (self.coerce(x, w), y)
            }
            (false, true) if is_numeric(cx) => {
                let w = self.widen(x.ty);
                (x, self.coerce(y, w))
            }
            (false, true) if matches!(cx, Class::Date) => (x, self.coerce(y, Ty::int8())),
            (false, true) if matches!(cx, Class::DateTime) => (
                x,
                self.coerce(
                    y,
                    Ty::interval(Qual {
                        start: t::TU_DAY,
                        end: 15,
                        prec: 9,
                    }),
                ),
            ),
            (true, true) => {
                let x = self.coerce(x, dom_dec());
                let y = self.coerce(y, dom_dec());
                (x, y)
            }
            _ => (x, y),
        };
        let (cx, cy) = (x.class(), y.class());
        let opname = match op {
            BinOp::Add => "add",
            BinOp::Sub => "sub",
            BinOp::Mul => "mul",
            BinOp::Div => "div",
            BinOp::Concat => "",
        };
        let sym = match op {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            _ => "/",
        };
        // Temporal arithmetic.
        match (cx, cy, op) {
            (Class::Date, Class::Int, BinOp::Add | BinOp::Sub) => {
                return Ok(TE::typed(
                    format!("({} {sym} {})", x.sql, y.sql),
                    Ty::date(),
                ));
            }
            (Class::Int, Class::Date, BinOp::Add) => {
                return Ok(TE::typed(format!("({} + {})", x.sql, y.sql), Ty::date()));
            }
            (Class::Date, Class::Date, BinOp::Sub) => {
                return Ok(TE::typed(format!("({} - {})", x.sql, y.sql), Ty::int()));
            }
            (Class::Date, Class::Char, _) | (Class::Char, Class::Date, _) if op == BinOp::Sub => {
                let x = self.coerce(x, Ty::date());
                let y = self.coerce(y, Ty::date());
                return Ok(TE::typed(format!("({} - {})", x.sql, y.sql), Ty::int()));
            }
            (Class::DateTime | Class::Date, Class::Interval, BinOp::Add | BinOp::Sub)
            | (Class::Interval, Class::DateTime | Class::Date, BinOp::Add) => {
                let (d, iv) = if cx == Class::Interval {
                    (y, x)
                } else {
                    (x, y)
                };
                let ivq = iv.ty.qual();
                let d = if d.class() == Class::Date {
                    let q = Qual::dt(
                        t::TU_YEAR,
                        if ivq.is_year_month() {
                            t::TU_DAY
                        } else {
                            ivq.end.max(t::TU_DAY)
                        },
                    );
                    self.coerce(d, Ty::datetime(q))
                } else {
                    d
                };
                let sign = if op == BinOp::Sub { "-" } else { "" };
                return Ok(TE::typed(
                    format!(
                        "ifx_dtadd({}, {}, {sign}({}), {})",
                        d.sql,
                        d.ty.len,
                        iv.sql,
                        u8::from(ivq.is_year_month())
                    ),
                    d.ty,
                ));
            }
            (Class::DateTime | Class::Date, Class::DateTime | Class::Date, BinOp::Sub) => {
                let x = if cx == Class::Date {
                    self.coerce(x, Ty::datetime(Qual::dt(t::TU_YEAR, t::TU_DAY)))
                } else {
                    x
                };
                let y = if cy == Class::Date {
                    self.coerce(y, Ty::datetime(Qual::dt(t::TU_YEAR, t::TU_DAY)))
                } else {
                    y
                };
                let (qa, qb) = (x.ty.qual(), y.ty.qual());
                let end = qa.end.max(qb.end);
                let start = qa.start.min(qb.start).max(t::TU_DAY);
                let q = Qual {
                    start: start.min(end),
                    end,
                    prec: 9,
                };
                return Ok(TE::typed(
                    format!(
                        "ifx_dtdiff({}, {}, {}, {}, {})",
                        x.sql,
                        x.ty.len,
                        y.sql,
                        y.ty.len,
                        q.encode()
                    ),
                    Ty::interval(q),
                ));
            }
            (Class::DateTime, Class::Char, _) | (Class::Char, Class::DateTime, _)
                if op == BinOp::Sub =>
            {
                let d = if cx == Class::DateTime { x.ty } else { y.ty };
                let x = self.coerce(x, d);
                let y = self.coerce(y, d);
                let q = Qual {
                    start: d.qual().start.max(t::TU_DAY),
                    end: d.qual().end,
                    prec: 9,
                };
                return Ok(TE::typed(
                    format!(
                        "ifx_dtdiff({}, {}, {}, {}, {})",
                        x.sql,
                        d.len,
                        y.sql,
                        d.len,
                        q.encode()
                    ),
                    Ty::interval(q),
                ));
            }
            (Class::Interval, Class::Interval, BinOp::Add | BinOp::Sub) => {
                let d = self.domain(&x, &y)?;
                return Ok(TE::typed(format!("({} {sym} {})", x.sql, y.sql), d));
            }
            (Class::Interval, c, BinOp::Mul | BinOp::Div) | (c, Class::Interval, BinOp::Mul)
                if is_numeric(c) =>
            {
                let (iv, n) = if cx == Class::Interval {
                    (x, y)
                } else {
                    (y, x)
                };
                let num = if n.rep == Rep::Dec {
                    format!("CAST({} AS REAL)", n.sql)
                } else {
                    n.sql
                };
                let f = if op == BinOp::Div {
                    format!("ifx_fdiv({}, {num})", iv.sql)
                } else {
                    format!("({} * {num})", iv.sql)
                };
                return Ok(TE::typed(format!("CAST(round({f}) AS INTEGER)"), iv.ty));
            }
            _ => {}
        }
        let numx = is_numeric(cx) || cx == Class::Char || cx == Class::Null;
        let numy = is_numeric(cy) || cy == Class::Char || cy == Class::Null;
        if !numx || !numy {
            return Err(SqlError::new(-1260, 0));
        }
        if cx == Class::Float || cy == Class::Float {
            let x = self.coerce(x, Ty::float());
            let y = self.coerce(y, Ty::float());
            if op == BinOp::Div {
                return Ok(TE::typed(
                    format!("ifx_fdiv({}, {})", x.sql, y.sql),
                    Ty::float(),
                ));
            }
            return Ok(TE::typed(
                format!("({} {sym} {})", x.sql, y.sql),
                Ty::float(),
            ));
        }
        if cx == Class::Int && cy == Class::Int && op != BinOp::Div {
            return Ok(TE::new(
                format!("({} {sym} {})", x.sql, y.sql),
                int_ty_join(x.ty, y.ty),
                Rep::Int,
            ));
        }
        if (cx == Class::Int || cx == Class::Null)
            && (cy == Class::Int || cy == Class::Null)
            && op != BinOp::Div
        {
            return Ok(TE::new(
                format!("({} {sym} {})", x.sql, y.sql),
                Ty::int(),
                Rep::Int,
            ));
        }
        // Decimal arithmetic (also INTEGER / INTEGER, which Informix gives as DECIMAL).
        let (p1, s1, f1) = num_ps(x.ty);
        let (p2, s2, f2) = num_ps(y.ty);
        let ty = match op {
            BinOp::Add | BinOp::Sub => dec_result(
                (p1 - s1).max(p2 - s2) + s1.max(s2) + 1,
                s1.max(s2),
                f1 || f2,
            ),
            BinOp::Mul => dec_result(p1 + p2, s1 + s2, f1 || f2 || s1 + s2 > 32),
            _ => dom_dec(),
        };
        let x = if x.class() == Class::Char {
            self.coerce(x, dom_dec())
        } else {
            x
        };
        let y = if y.class() == Class::Char {
            self.coerce(y, dom_dec())
        } else {
            y
        };
        let scale = if ty == dom_dec() {
            -1
        } else {
            i32::from(ty.prec_scale().1)
        };
        Ok(TE::typed(
            format!("ifx_d{opname}({}, {}, {scale})", x.sql, y.sql),
            ty,
        ))
    }

    fn case(
        &mut self,
        op: Option<&Expr>,
        whens: &[(Expr, Expr)],
        els: Option<&Expr>,
        scope: &Scope<'_>,
    ) -> Result<TE, SqlError> {
        let mut conds = Vec::new();
        let opte = match op {
            Some(o) => Some(self.expr(o, scope)?),
            None => None,
        };
        for (c, _) in whens {
            match &opte {
                Some(o) => {
                    let v = self.expr(c, scope)?;
                    conds.push(self.compare(CmpOp::Eq, o.clone(), v)?);
                }
                None => conds.push(self.cond(c, scope)?),
            }
        }
        let mut results = Vec::new();
        for (_, r) in whens {
            results.push(self.expr(r, scope)?);
        }
        let else_te = match els {
            Some(e) => Some(self.expr(e, scope)?),
            None => None,
        };
        let ty = self.unify(results.iter().chain(else_te.iter()))?;
        let mut sql = String::from("(CASE");
        for (c, r) in conds.into_iter().zip(results) {
            let r = self.coerce(r, ty);
            sql.push_str(&format!(" WHEN {c} THEN {}", r.sql));
        }
        if let Some(e) = else_te {
            let e = self.coerce(e, ty);
            sql.push_str(&format!(" ELSE {}", e.sql));
        }
        sql.push_str(" END)");
        Ok(TE::typed(sql, ty))
    }

    /// Result type of CASE/NVL/DECODE branches.
    fn unify<'b>(&self, items: impl Iterator<Item = &'b TE>) -> Result<Ty, SqlError> {
        let mut acc: Option<Ty> = None;
        for te in items {
            if te.is_null_lit() || te.is_param() {
                continue;
            }
            acc = Some(match acc {
                None => te.ty,
                Some(a) => {
                    let (ca, cb) = (a.class(), te.class());
                    match (ca, cb) {
                        _ if a == te.ty => a,
                        (Class::Int, Class::Int) => int_ty_join(a, te.ty),
                        (x, y) if is_numeric(x) && is_numeric(y) => {
                            if x == Class::Float || y == Class::Float {
                                Ty::float()
                            } else {
                                let (p1, s1, f1) = num_ps(a);
                                let (p2, s2, f2) = num_ps(te.ty);
                                dec_result(
                                    (p1 - s1).max(p2 - s2) + s1.max(s2),
                                    s1.max(s2),
                                    f1 || f2,
                                )
                            }
                        }
                        (Class::Char, Class::Char) => {
                            let n = a.max_len().max(te.ty.max_len());
                            if a.is_char_fixed() && te.ty.is_char_fixed() {
                                Ty::char(n)
                            } else {
                                Self::var_ty(n)
                            }
                        }
                        (Class::DateTime, Class::DateTime) => {
                            let (qa, qb) = (a.qual(), te.ty.qual());
                            Ty::datetime(Qual::dt(qa.start.min(qb.start), qa.end.max(qb.end)))
                        }
                        (_, Class::Char) => a,
                        (Class::Char, _) => te.ty,
                        _ => return Err(SqlError::new(-800, 0)),
                    }
                }
            });
        }
        Ok(acc.unwrap_or(Ty::char(1)))
    }

    fn arg_text(&mut self, e: &Expr, scope: &Scope<'_>) -> Result<TE, SqlError> {
        let te = self.expr(e, scope)?;
        Ok(self.coerce(te, dom_text()))
    }

    fn arg_num(&mut self, e: &Expr, scope: &Scope<'_>, ty: Ty) -> Result<TE, SqlError> {
        let te = self.expr(e, scope)?;
        if te.is_param() || te.class() == Class::Char {
            return Ok(self.coerce(te, ty));
        }
        Ok(te)
    }

    fn str_arg(e: &Expr) -> Option<String> {
        match e {
            Expr::Lit(Lit::Str(s), _) => Some(s.to_lowercase()),
            _ => None,
        }
    }

    /// `ROW(a, b)`, `SET{..}`, `MULTISET{..}`, `LIST{..}`: the type comes from
    /// the arguments (collections: [`complex::join_types`]; ROW fields are
    /// named `field1`, `field2`, ...), the value from `ifx_mkc`.
    fn constructor(
        &mut self,
        name: &str,
        args: &[Expr],
        pos: usize,
        scope: &Scope<'_>,
    ) -> Result<TE, SqlError> {
        let kind = match name {
            "$set" => t::SET,
            "$multiset" => t::MULTISET,
            "$list" => t::LIST,
            _ => t::ROW,
        };
        if kind == t::ROW && args.is_empty() {
            return Err(SqlError::syntax(pos));
        }
        let mut tes = Vec::with_capacity(args.len());
        for a in args {
            tes.push(self.expr(a, scope)?);
        }
        let fix = |ty: Ty| match ty.class() {
            Class::Char if ty.code == t::CHAR => complex::join_types(&[ty]),
            Class::Null => Ty::char(1),
            _ => ty,
        };
        let (ty, ftys): (Ty, Vec<Ty>) = if kind == t::ROW {
            let ftys: Vec<Ty> = tes.iter().map(|te| fix(te.ty)).collect();
            let fields = ftys
                .iter()
                .enumerate()
                .map(|(i, ty)| (format!("field{}", i + 1), *ty))
                .collect();
            (complex::intern(kind, fields)?, ftys)
        } else {
            let tys: Vec<Ty> = tes.iter().map(|te| te.ty).collect();
            let elem = complex::join_types(&tys);
            (
                complex::intern(kind, vec![(String::new(), elem)])?,
                vec![elem; tes.len()],
            )
        };
        let mut parts = vec![ty.code.to_string(), ty.len.to_string()];
        for (te, fty) in tes.into_iter().zip(ftys) {
            if kind != t::ROW && te.is_null_lit() {
                return Err(SqlError::new(-9978, 0).at(pos));
            }
            parts.push(self.coerce(te, fty).sql);
        }
        let mut te = TE::typed(format!("ifx_mkc({})", parts.join(", ")), ty);
        te.notnull = true;
        Ok(te)
    }

    fn func(
        &mut self,
        name: &str,
        args: &[Expr],
        distinct: bool,
        star: bool,
        pos: usize,
        scope: &Scope<'_>,
    ) -> Result<TE, SqlError> {
        let n = args.len();
        let bad = || Err(SqlError::near(-674, 0, name.to_string()).at(pos));
        let dist = if distinct { "DISTINCT " } else { "" };
        if matches!(name, "row" | "$set" | "$multiset" | "$list") {
            return self.constructor(name, args, pos, scope);
        }
        match name {
            "count" | "sum" | "avg" | "min" | "max" => {
                if !scope.agg_ok {
                    return Err(SqlError::syntax(pos));
                }
                if star {
                    if name != "count" {
                        return Err(SqlError::syntax(pos));
                    }
                    let mut te = TE::new("COUNT(*)".into(), Ty::decimal(15, 0), Rep::Int);
                    te.kind = EK::Agg("(count(*))");
                    te.notnull = true;
                    return Ok(te);
                }
                if n != 1 {
                    return Err(SqlError::syntax(pos));
                }
                let inner = Scope {
                    tables: scope.tables.clone(),
                    parent: scope.parent,
                    agg_ok: false,
                };
                let a = self.expr(&args[0], &inner)?;
                let a = if a.is_param() {
                    self.coerce(a, dom_dec())
                } else {
                    a
                };
                let (sql, ty, rep, label) = match name {
                    "count" => (
                        format!("COUNT({dist}{})", a.sql),
                        Ty::decimal(15, 0),
                        Rep::Int,
                        "(count)",
                    ),
                    "sum" => match a.class() {
                        Class::Int => (
                            format!("SUM({dist}{})", a.sql),
                            Ty::decimal(32, 0),
                            Rep::Int,
                            "(sum)",
                        ),
                        Class::Float => (
                            format!("SUM({dist}{})", a.sql),
                            Ty::float(),
                            Rep::Real,
                            "(sum)",
                        ),
                        Class::Interval => {
                            (format!("SUM({dist}{})", a.sql), a.ty, Rep::IvInt, "(sum)")
                        }
                        _ => {
                            let (_, s, f) = num_ps(a.ty);
                            let ty = if f || a.class() != Class::Dec {
                                dom_dec()
                            } else {
                                Ty::decimal(32, s as u8)
                            };
                            (format!("ifx_dsum({dist}{})", a.sql), ty, Rep::Dec, "(sum)")
                        }
                    },
                    "avg" => match a.class() {
                        Class::Float => (
                            format!("AVG({dist}{})", a.sql),
                            Ty::float(),
                            Rep::Real,
                            "(avg)",
                        ),
                        Class::Interval => (
                            format!("CAST(round(AVG({dist}{})) AS INTEGER)", a.sql),
                            a.ty,
                            Rep::IvInt,
                            "(avg)",
                        ),
                        _ => (
                            format!("ifx_davg({dist}{})", a.sql),
                            dom_dec(),
                            Rep::Dec,
                            "(avg)",
                        ),
                    },
                    _ => {
                        let coll = if a.rep == Rep::Dec || a.rep == Rep::Text {
                            Self::collate(a.ty)
                        } else {
                            ""
                        };
                        (
                            format!("{}({dist}{}{coll})", name.to_uppercase(), a.sql),
                            a.ty,
                            a.rep,
                            if name == "min" { "(min)" } else { "(max)" },
                        )
                    }
                };
                let mut te = TE::new(sql, ty, rep);
                te.kind = EK::Agg(label);
                te.notnull = name == "count";
                return Ok(te);
            }
            "dbinfo" => {
                let what = args
                    .first()
                    .and_then(Self::str_arg)
                    .ok_or_else(|| SqlError::new(-726, 0).at(pos))?;
                let konst = |this: &Self, v: Value, ty: Ty| {
                    let rep = ty.rep();
                    this.konst(v, ty, rep, "(expression)")
                };
                let h = |this: &mut Self, h: Hidden, ty: Ty| TE::typed(this.hidden_ref(h), ty);
                return Ok(match what.as_str() {
                    "sqlca.sqlerrd1" => h(self, Hidden::Sqlerrd1, Ty::int()),
                    "sqlca.sqlerrd2" => h(self, Hidden::Sqlerrd2, Ty::int()),
                    "serial8" => h(self, Hidden::Serial8, Ty::int8()),
                    "bigserial" => h(self, Hidden::Bigserial, Ty::bigint()),
                    "utc_current" => h(self, Hidden::UtcCurrent, Ty::int()),
                    "dbname" => konst(
                        self,
                        Value::Text(self.env.dbname.to_string()),
                        Ty::varchar(128, 0),
                    ),
                    "sessionid" => konst(self, Value::Integer(self.env.session_id), Ty::int()),
                    "dbhostname" => {
                        konst(self, Value::Text("localhost".into()), Ty::varchar(128, 0))
                    }
                    "get_tz" => konst(self, Value::Text("UTC".into()), Ty::varchar(128, 0)),
                    "version" => {
                        let part = args
                            .get(1)
                            .and_then(Self::str_arg)
                            .ok_or_else(|| SqlError::new(-945, 0).at(pos))?;
                        let full = self.env.version_full;
                        let num = full.rsplit(' ').next().unwrap_or("");
                        let mut it = num.splitn(3, '.');
                        let (major, minor, level) = (
                            it.next().unwrap_or(""),
                            it.next().unwrap_or(""),
                            it.next().unwrap_or(""),
                        );
                        let v = match part.as_str() {
                            "full" => full.to_string(),
                            "server-type" => {
                                full.split(" Version").next().unwrap_or(full).to_string()
                            }
                            "major" => major.to_string(),
                            "minor" => minor.to_string(),
                            "level" => level.to_string(),
                            "os" => "U".to_string(),
                            _ => return Err(SqlError::new(-945, 0).at(pos)),
                        };
                        let len = v.len().clamp(1, 255) as u16;
                        konst(self, Value::Text(v), Ty::varchar(len, 0))
                    }
                    _ => return Err(SqlError::new(-728, 0).at(pos)),
                });
            }
            _ => {}
        }
        if star || distinct {
            return bad();
        }
        let te = match (name, n) {
            ("nvl", 2) | ("coalesce", _) if n >= 1 => {
                let mut items = Vec::new();
                for a in args {
                    items.push(self.expr(a, scope)?);
                }
                let ty = self.unify(items.iter())?;
                let mut parts = Vec::new();
                for it in items {
                    parts.push(self.coerce(it, ty).sql);
                }
                if parts.len() == 1 {
                    return Ok(TE::typed(parts.remove(0), ty));
                }
                TE::typed(format!("COALESCE({})", parts.join(", ")), ty)
            }
            ("nullif", 2) => {
                let a = self.expr(&args[0], scope)?;
                let b = self.expr(&args[1], scope)?;
                let ty = a.ty;
                let c = self.compare(CmpOp::Eq, a.clone(), b)?;
                TE::typed(format!("(CASE WHEN {c} THEN NULL ELSE {} END)", a.sql), ty)
            }
            ("decode", _) if n >= 3 => {
                let e = self.expr(&args[0], scope)?;
                let mut whens = Vec::new();
                let mut i = 1;
                while i + 1 < n {
                    let v = self.expr(&args[i], scope)?;
                    let c = if v.is_null_lit() {
                        format!("({} IS NULL)", e.sql)
                    } else {
                        self.compare(CmpOp::Eq, e.clone(), v)?
                    };
                    whens.push((c, self.expr(&args[i + 1], scope)?));
                    i += 2;
                }
                let def = if i < n {
                    Some(self.expr(&args[i], scope)?)
                } else {
                    None
                };
                let ty = self.unify(whens.iter().map(|(_, r)| r).chain(def.iter()))?;
                let mut sql = String::from("(CASE");
                for (c, r) in whens {
                    let r = self.coerce(r, ty);
                    sql.push_str(&format!(" WHEN {c} THEN {}", r.sql));
                }
                if let Some(d) = def {
                    let d = self.coerce(d, ty);
                    sql.push_str(&format!(" ELSE {}", d.sql));
                }
                sql.push_str(" END)");
                TE::typed(sql, ty)
            }
            ("length" | "char_length" | "character_length" | "octet_length", 1) => {
                let a = self.arg_text(&args[0], scope)?;
                let f = match name {
                    "length" => format!("ifx_length({})", a.sql),
                    "octet_length" => format!("length(CAST({} AS BLOB))", a.sql),
                    _ => format!("length({})", a.sql),
                };
                TE::typed(f, Ty::int())
            }
            ("upper" | "lower" | "initcap", 1) => {
                let a = self.expr(&args[0], scope)?;
                let ty = if a.class() == Class::Char {
                    a.ty
                } else {
                    Self::var_ty(32)
                };
                let a = self.coerce(a, dom_text());
                let f = if name == "initcap" {
                    "ifx_initcap"
                } else {
                    name
                };
                TE::typed(format!("{f}({})", a.sql), ty)
            }
            ("ltrim" | "rtrim", 1 | 2) => {
                let a = self.expr(&args[0], scope)?;
                let len = a.ty.max_len();
                let a = self.coerce(a, dom_text());
                let c = if n == 2 {
                    self.arg_text(&args[1], scope)?.sql
                } else {
                    "' '".into()
                };
                TE::typed(format!("{name}({}, {c})", a.sql), Self::var_ty(len))
            }
            ("substr" | "substring", 2 | 3) => {
                let a = self.expr(&args[0], scope)?;
                let len = a.ty.max_len();
                let a = self.coerce(a, dom_text());
                let s = self.arg_num(&args[1], scope, Ty::int8())?;
                let l = if n == 3 {
                    format!(", {}", self.arg_num(&args[2], scope, Ty::int8())?.sql)
                } else {
                    String::new()
                };
                TE::typed(
                    format!("substr({}, {}{l})", a.sql, s.sql),
                    Self::var_ty(len),
                )
            }
            ("replace", 2 | 3) => {
                let a = self.expr(&args[0], scope)?;
                let len = a.ty.max_len();
                let a = self.coerce(a, dom_text());
                let b = self.arg_text(&args[1], scope)?;
                let c = if n == 3 {
                    self.arg_text(&args[2], scope)?.sql
                } else {
                    "''".into()
                };
                TE::typed(
                    format!("replace({}, {}, coalesce({c}, ''))", a.sql, b.sql),
                    Self::var_ty(len.max(255)),
                )
            }
            ("lpad" | "rpad", 2 | 3) => {
                let a = self.arg_text(&args[0], scope)?;
                let l = self.arg_num(&args[1], scope, Ty::int8())?;
                let c = if n == 3 {
                    self.arg_text(&args[2], scope)?.sql
                } else {
                    "' '".into()
                };
                TE::typed(
                    format!("ifx_{name}({}, {}, {c})", a.sql, l.sql),
                    Self::var_ty(255),
                )
            }
            ("concat", 2) => {
                let a = self.arg_text(&args[0], scope)?;
                let b = self.arg_text(&args[1], scope)?;
                TE::typed(format!("({} || {})", a.sql, b.sql), Self::var_ty(255))
            }
            // Smart-LOB descriptors are not kept open between calls: closing one
            // always succeeds (IBM clients call it through the fast path).
            ("ifx_lo_close", 1) => {
                let a = self.arg_num(&args[0], scope, Ty::int())?;
                TE::typed(
                    format!("(CASE WHEN {} IS NULL THEN NULL ELSE 0 END)", a.sql),
                    Ty::int(),
                )
            }
            ("instr", 2) => {
                let a = self.arg_text(&args[0], scope)?;
                let b = self.arg_text(&args[1], scope)?;
                TE::typed(format!("instr({}, {})", a.sql, b.sql), Ty::int())
            }
            ("abs", 1) => {
                let a = self.arg_num(&args[0], scope, dom_dec())?;
                match a.rep {
                    Rep::Int | Rep::Real | Rep::IvInt => {
                        TE::new(format!("abs({})", a.sql), a.ty, a.rep)
                    }
                    _ => TE::typed(
                        format!("ifx_dabs({})", a.sql),
                        if a.class() == Class::Dec {
                            a.ty
                        } else {
                            dom_dec()
                        },
                    ),
                }
            }
            ("mod", 2) => {
                let a = self.arg_num(&args[0], scope, Ty::int8())?;
                let b = self.arg_num(&args[1], scope, Ty::int8())?;
                TE::new(
                    format!("ifx_mod({}, {})", a.sql, b.sql),
                    int_ty_join(a.ty, b.ty),
                    Rep::Int,
                )
            }
            ("round" | "trunc", 1 | 2) => {
                let a = self.arg_num(&args[0], scope, dom_dec())?;
                let d = if n == 2 {
                    self.arg_num(&args[1], scope, Ty::int())?.sql
                } else {
                    "0".into()
                };
                match a.class() {
                    Class::Float => TE::typed(
                        format!("ifx_fround({}, {d}, {})", a.sql, u8::from(name == "trunc")),
                        Ty::float(),
                    ),
                    Class::Int if n == 1 => TE::new(a.sql, a.ty, a.rep),
                    Class::Date | Class::DateTime => return bad(),
                    _ => {
                        let scale = match &args.get(1) {
                            Some(Expr::Lit(Lit::Int(s), _)) => s.parse::<i32>().unwrap_or(0),
                            None => 0,
                            _ => -1,
                        };
                        let ty = if scale >= 0
                            && a.class() == Class::Dec
                            && a.ty.prec_scale().1 != 255
                        {
                            Ty::decimal(a.ty.prec_scale().0, (scale as u8).min(a.ty.prec_scale().0))
                        } else if scale >= 0 && a.class() == Class::Int {
                            Ty::decimal(19, 0)
                        } else {
                            dom_dec()
                        };
                        TE::typed(format!("ifx_d{name}({}, {d})", a.sql), ty)
                    }
                }
            }
            (
                "ceil" | "floor" | "sqrt" | "exp" | "logn" | "ln" | "log10" | "sin" | "cos" | "tan"
                | "asin" | "acos" | "atan",
                1,
            ) => {
                let a = self.arg_num(&args[0], scope, Ty::float())?;
                let a = self.coerce(a, Ty::float());
                let ty = if matches!(name, "ceil" | "floor") {
                    Ty::decimal(32, 0)
                } else {
                    Ty::float()
                };
                let rep = if matches!(name, "ceil" | "floor") {
                    Rep::Int
                } else {
                    Rep::Real
                };
                TE::new(format!("ifx_math('{name}', {}, NULL)", a.sql), ty, rep)
            }
            ("pow" | "power" | "root" | "atan2", 2) => {
                let a = self.arg_num(&args[0], scope, Ty::float())?;
                let a = self.coerce(a, Ty::float());
                let b = self.arg_num(&args[1], scope, Ty::float())?;
                let b = self.coerce(b, Ty::float());
                TE::typed(
                    format!("ifx_math('{name}', {}, {})", a.sql, b.sql),
                    Ty::float(),
                )
            }
            ("greatest" | "least", _) if n >= 2 => {
                let mut items = Vec::new();
                for a in args {
                    items.push(self.expr(a, scope)?);
                }
                let ty = self.unify(items.iter())?;
                let mut parts = Vec::new();
                for it in items {
                    parts.push(self.coerce(it, ty).sql);
                }
                let f = if name == "greatest" { "max" } else { "min" };
                TE::typed(format!("{f}({})", parts.join(", ")), ty)
            }
            ("mdy", 3) => {
                let m = self.arg_num(&args[0], scope, Ty::int())?;
                let d = self.arg_num(&args[1], scope, Ty::int())?;
                let y = self.arg_num(&args[2], scope, Ty::int())?;
                TE::typed(
                    format!("ifx_mdy({}, {}, {})", m.sql, d.sql, y.sql),
                    Ty::date(),
                )
            }
            ("date", 1) => {
                let a = self.expr(&args[0], scope)?;
                let a = if a.is_param() {
                    self.coerce(a, dom_text())
                } else {
                    a
                };
                let r = self.coerce(a, Ty::date());
                TE {
                    kind: EK::Expr,
                    ..r
                }
            }
            ("day" | "month" | "year" | "weekday", 1) => {
                let a = self.expr(&args[0], scope)?;
                let a = if a.class() == Class::Char || a.is_param() {
                    self.coerce(a, Ty::date())
                } else {
                    a
                };
                if !matches!(a.class(), Class::Date | Class::DateTime) {
                    return Err(SqlError::new(-1260, 0));
                }
                TE::typed(
                    format!(
                        "ifx_datepart({}, {}, {}, '{name}')",
                        a.sql,
                        a.rep.code(),
                        a.ty.len
                    ),
                    Ty::smallint(),
                )
            }
            ("to_char", 1 | 2) => {
                let a = self.expr(&args[0], scope)?;
                let f = if n == 2 {
                    self.arg_text(&args[1], scope)?.sql
                } else {
                    "NULL".into()
                };
                TE::typed(
                    format!(
                        "ifx_to_char({}, {}, {}, {f})",
                        a.sql,
                        a.rep.code(),
                        a.ty.len
                    ),
                    Self::var_ty(255),
                )
            }
            ("to_date", 1 | 2) => {
                let a = self.arg_text(&args[0], scope)?;
                let f = if n == 2 {
                    self.arg_text(&args[1], scope)?.sql
                } else {
                    "NULL".into()
                };
                TE::typed(
                    format!("ifx_to_date({}, {f})", a.sql),
                    Ty::datetime(Qual::dt(t::TU_YEAR, 15)),
                )
            }
            ("hex", 1) => {
                let a = self.expr(&args[0], scope)?;
                TE::typed(format!("ifx_hex({})", a.sql), Ty::char(18))
            }
            ("ascii", 1) => {
                let a = self.arg_text(&args[0], scope)?;
                TE::typed(format!("unicode({})", a.sql), Ty::int())
            }
            ("chr", 1) => {
                let a = self.arg_num(&args[0], scope, Ty::int())?;
                TE::typed(format!("char({})", a.sql), Ty::char(1))
            }
            _ => return bad(),
        };
        Ok(te)
    }

    // ------------------------------------------------------------------ DML

    /// Expression assigned to a column (INSERT value, UPDATE SET).
    pub fn assign(
        &mut self,
        e: &Expr,
        ty: Ty,
        scope_tables: Option<(&str, &TableMeta, &str)>,
    ) -> Result<String, SqlError> {
        let scope = match scope_tables {
            Some((qual, tm, alias)) => {
                table_scope(qual, tm, alias, |c| format!("\"{alias}\".{}", ident(c)))
            }
            None => Scope::new(None),
        };
        let te = self.expr(e, &scope)?;
        Ok(self.coerce(te, ty).sql)
    }

    /// WHERE clause of UPDATE/DELETE over one table.
    pub fn where_for(
        &mut self,
        e: &Expr,
        qual: &str,
        tm: &TableMeta,
        alias: &str,
    ) -> Result<String, SqlError> {
        let scope = table_scope(qual, tm, alias, |c| format!("\"{alias}\".{}", ident(c)));
        self.cond(e, &scope)
    }

    /// Converts column `k` of a subquery's output for assignment to `ty`.
    pub fn assign_out(&mut self, col: &OutCol, sql: String, ty: Ty) -> String {
        let te = TE::new(sql, col.ty, col.rep);
        self.coerce(te, ty).sql
    }

    /// Storage-form SQL of a column default.
    pub fn default_sql(&mut self, d: &DefaultSpec, ty: Ty) -> Result<String, SqlError> {
        let te = match d {
            DefaultSpec::Null => return Ok("NULL".into()),
            DefaultSpec::Lit(l) => self.literal(l, 0)?,
            DefaultSpec::User => TE::typed(self.hidden_ref(Hidden::User), Ty::varchar(32, 0)),
            DefaultSpec::Today => TE::typed(self.hidden_ref(Hidden::Today), Ty::date()),
            DefaultSpec::Current(q) => {
                TE::typed(self.hidden_ref(Hidden::Current(*q)), Ty::datetime(*q))
            }
        };
        Ok(self.coerce(te, ty).sql)
    }

    /// A CHECK constraint over a table's columns, as SQLite SQL.
    pub fn check_sql(&mut self, e: &Expr, tm: &TableMeta) -> Result<String, SqlError> {
        let scope = table_scope(&tm.name, tm, "", ident);
        self.cond(e, &scope)
    }
}

/// A scope holding one table, its columns addressed in SQLite as `column_sql(name)`.
fn table_scope(
    qual: &str,
    tm: &TableMeta,
    alias: &str,
    column_sql: impl Fn(&str) -> String,
) -> Scope<'static> {
    let mut scope = Scope::new(None);
    let cols = tm
        .cols
        .iter()
        .map(|c| SCol {
            name: c.name.clone(),
            sql: column_sql(&c.name),
            ty: c.ty,
            rep: c.ty.rep(),
            notnull: c.notnull,
        })
        .collect();
    scope.tables.push(STable {
        name: qual.to_string(),
        alias: alias.to_string(),
        cols,
        owner: tm.owner.clone(),
    });
    scope
}

fn split_and<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    if let Expr::And(a, b) = e {
        split_and(a, out);
        split_and(b, out);
    } else {
        out.push(e);
    }
}
