//! Recursive-descent parser for the Informix SQL subset.
//!
//! Everything it does not understand is a -201 syntax error at the offending
//! token, which is also what a real server answers for dialect it lacks
//! (multi-row VALUES, `LIMIT m OFFSET n`, `OFFSET ... FETCH`).

use super::ast::*;
use super::error::SqlError;
use super::lexer::{Tok, Token, tokenize};
use super::types::{self, Qual, Ty};

/// Nesting limit of expressions and subqueries.
const MAX_DEPTH: usize = 64;

/// Words that end an expression or cannot be a bare alias.
const RESERVED: &[&str] = &[
    "from",
    "where",
    "group",
    "having",
    "order",
    "union",
    "into",
    "limit",
    "skip",
    "first",
    "on",
    "join",
    "inner",
    "left",
    "right",
    "full",
    "cross",
    "outer",
    "natural",
    "and",
    "or",
    "not",
    "for",
    "with",
    "intersect",
    "except",
    "minus",
    "using",
    "then",
    "when",
    "else",
    "end",
    "is",
    "in",
    "like",
    "matches",
    "between",
    "escape",
    "asc",
    "desc",
    "nulls",
    "as",
    "select",
    "values",
    "set",
    "offset",
    "fetch",
    "units",
];

pub struct Parser<'a> {
    sql: &'a str,
    toks: Vec<Token>,
    i: usize,
    pub nparams: usize,
    depth: usize,
}

/// Parses one statement (a trailing `;` is allowed).
pub fn parse(sql: &str) -> Result<(Stmt, usize), SqlError> {
    let mut p = Parser {
        sql,
        toks: tokenize(sql)?,
        i: 0,
        nparams: 0,
        depth: 0,
    };
    let st = p.statement()?;
    while p.eat_op(";") {}
    if !p.at_eof() {
        return Err(p.err());
    }
    Ok((st, p.nparams))
}

/// Parses a standalone expression (stored CHECK constraints).
pub fn parse_expr(sql: &str) -> Result<Expr, SqlError> {
    let mut p = Parser {
        sql,
        toks: tokenize(sql)?,
        i: 0,
        nparams: 0,
        depth: 0,
    };
    let e = p.expr()?;
    if !p.at_eof() {
        return Err(p.err());
    }
    Ok(e)
}

/// Parses a type name (`DECIMAL(10,2)`, `DATETIME YEAR TO SECOND`).
pub fn parse_type_text(sql: &str) -> Result<(Ty, Option<i64>), SqlError> {
    let mut p = Parser {
        sql,
        toks: tokenize(sql)?,
        i: 0,
        nparams: 0,
        depth: 0,
    };
    let t = p.data_type()?;
    if !p.at_eof() {
        return Err(p.err());
    }
    Ok(t)
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Tok {
        &self.toks[self.i.min(self.toks.len() - 1)].tok
    }
    fn peek_at(&self, k: usize) -> &Tok {
        &self.toks[(self.i + k).min(self.toks.len() - 1)].tok
    }
    fn pos(&self) -> usize {
        self.toks[self.i.min(self.toks.len() - 1)].start
    }
    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }
    fn err(&self) -> SqlError {
        SqlError::syntax(self.pos())
    }
    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }
    fn is_kw_at(&self, k: usize, kw: &str) -> bool {
        matches!(self.peek_at(k), Tok::Ident(s) if s == kw)
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn expect_kw(&mut self, kw: &str) -> Result<(), SqlError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.err())
        }
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn expect_op(&mut self, op: &str) -> Result<(), SqlError> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.err())
        }
    }
    fn ident(&mut self) -> Result<String, SqlError> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                self.bump();
                Ok(s)
            }
            _ => Err(self.err()),
        }
    }
    fn int_lit(&mut self) -> Result<i64, SqlError> {
        let neg = self.eat_op("-");
        match self.peek().clone() {
            Tok::Num(n) => {
                let v: i64 = n.parse().map_err(|_| self.err())?;
                self.bump();
                Ok(if neg { -v } else { v })
            }
            _ => Err(self.err()),
        }
    }

    /// `[db[@server]:][owner.]name`; the owner may be a quoted string.
    fn obj_name(&mut self) -> Result<ObjName, SqlError> {
        let pos = self.pos();
        let mut db = None;
        if matches!(self.peek(), Tok::Ident(_))
            && (matches!(self.peek_at(1), Tok::Op(":")) || matches!(self.peek_at(1), Tok::Op("@")))
        {
            let d = self.ident()?;
            if self.eat_op("@") {
                self.ident()?;
            }
            self.expect_op(":")?;
            db = Some(d);
        }
        let first = match self.peek().clone() {
            Tok::Ident(s) => {
                self.bump();
                s
            }
            Tok::Str(s) if matches!(self.peek_at(1), Tok::Op(".")) => {
                self.bump();
                s.to_lowercase()
            }
            _ => return Err(self.err()),
        };
        if self.is_op(".") && matches!(self.peek_at(1), Tok::Ident(_)) {
            self.bump();
            let name = self.ident()?;
            return Ok(ObjName {
                db,
                owner: Some(first),
                name,
                pos,
            });
        }
        Ok(ObjName {
            db,
            owner: None,
            name: first,
            pos,
        })
    }

    fn statement(&mut self) -> Result<Stmt, SqlError> {
        let kw = match self.peek().clone() {
            Tok::Ident(s) => s,
            Tok::Op("(") => return Ok(Stmt::Query(self.query()?)),
            _ => return Err(self.err()),
        };
        match kw.as_str() {
            "select" | "with" => Ok(Stmt::Query(self.query()?)),
            "insert" => self.insert(),
            "update" => {
                if self.is_kw_at(1, "statistics") {
                    self.bump();
                    self.bump();
                    while self.eat_kw("low") || self.eat_kw("medium") || self.eat_kw("high") {}
                    let mut table = None;
                    if self.eat_kw("for") {
                        if self.eat_kw("table") {
                            if !self.at_eof() && !self.is_op(";") {
                                table = Some(self.obj_name()?);
                            }
                        } else {
                            // FOR PROCEDURE / FUNCTION ...
                        }
                    }
                    self.skip_rest();
                    return Ok(Stmt::UpdateStats(table));
                }
                self.update()
            }
            "delete" => self.delete(),
            "create" => self.create(),
            "drop" => self.drop(),
            "alter" => self.alter(),
            "rename" => self.rename(),
            "truncate" => {
                self.bump();
                self.eat_kw("table");
                self.eat_kw("only");
                let n = self.obj_name()?;
                if self.eat_kw("reuse") || self.eat_kw("drop") {
                    self.expect_kw("storage")?;
                }
                Ok(Stmt::Truncate(n))
            }
            "begin" => {
                self.bump();
                self.eat_kw("work");
                self.eat_kw("without");
                self.eat_kw("replication");
                Ok(Stmt::Begin)
            }
            "commit" => {
                self.bump();
                self.eat_kw("work");
                Ok(Stmt::Commit)
            }
            "rollback" => {
                self.bump();
                self.eat_kw("work");
                if self.eat_kw("to") {
                    self.expect_kw("savepoint")?;
                    let name = if matches!(self.peek(), Tok::Ident(_)) {
                        self.ident()?
                    } else {
                        String::new()
                    };
                    return Ok(Stmt::RollbackTo(name));
                }
                Ok(Stmt::Rollback)
            }
            "savepoint" => {
                self.bump();
                let n = self.ident()?;
                self.eat_kw("unique");
                Ok(Stmt::Savepoint(n))
            }
            "release" => {
                self.bump();
                self.expect_kw("savepoint")?;
                Ok(Stmt::Release(self.ident()?))
            }
            "set" => self.set(),
            "lock" => {
                self.bump();
                self.expect_kw("table")?;
                let n = self.obj_name()?;
                self.expect_kw("in")?;
                let ex = if self.eat_kw("exclusive") {
                    true
                } else {
                    self.expect_kw("share")?;
                    false
                };
                self.expect_kw("mode")?;
                Ok(Stmt::LockTable {
                    name: n,
                    exclusive: ex,
                })
            }
            "unlock" => {
                self.bump();
                self.expect_kw("table")?;
                Ok(Stmt::UnlockTable(self.obj_name()?))
            }
            "database" => {
                self.bump();
                let n = self.ident()?;
                self.eat_kw("exclusive");
                Ok(Stmt::Database(n))
            }
            "close" if self.is_kw_at(1, "database") => {
                self.bump();
                self.bump();
                Ok(Stmt::CloseDatabase)
            }
            "execute" | "call" => {
                let call = kw == "call";
                self.bump();
                let function = if call {
                    false
                } else if self.eat_kw("function") {
                    true
                } else {
                    self.expect_kw("procedure")?;
                    false
                };
                let name = self.obj_name()?.name;
                let mut args = Vec::new();
                if self.eat_op("(") && !self.eat_op(")") {
                    loop {
                        args.push(self.expr()?);
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                }
                Ok(Stmt::ExecProc {
                    name,
                    args,
                    function,
                })
            }
            "grant" => {
                self.skip_rest();
                Ok(Stmt::Noop(18))
            }
            "revoke" => {
                self.skip_rest();
                Ok(Stmt::Noop(19))
            }
            _ => Err(self.err()),
        }
    }

    fn skip_rest(&mut self) {
        while !self.at_eof() && !self.is_op(";") {
            self.bump();
        }
    }

    fn set(&mut self) -> Result<Stmt, SqlError> {
        self.bump();
        if self.eat_kw("isolation") {
            self.eat_kw("to");
            return Ok(Stmt::SetIsolation(self.isolation()?));
        }
        if self.eat_kw("transaction") {
            if self.eat_kw("isolation") {
                self.expect_kw("level")?;
                let iso = if self.eat_kw("read") {
                    if self.eat_kw("uncommitted") {
                        Isolation::Dirty
                    } else {
                        self.expect_kw("committed")?;
                        Isolation::Committed
                    }
                } else if self.eat_kw("repeatable") {
                    self.expect_kw("read")?;
                    Isolation::Repeatable
                } else {
                    self.expect_kw("serializable")?;
                    Isolation::Repeatable
                };
                self.skip_rest();
                return Ok(Stmt::SetIsolation(iso));
            }
            self.skip_rest();
            return Ok(Stmt::Noop(48));
        }
        if self.eat_kw("lock") {
            self.expect_kw("mode")?;
            self.expect_kw("to")?;
            if self.eat_kw("not") {
                self.expect_kw("wait")?;
                return Ok(Stmt::SetLockMode(None));
            }
            self.expect_kw("wait")?;
            if let Tok::Num(_) = self.peek() {
                let n = self.int_lit()?;
                return Ok(Stmt::SetLockMode(Some(Some(
                    n.clamp(0, i64::from(u32::MAX)) as u32,
                ))));
            }
            return Ok(Stmt::SetLockMode(Some(None)));
        }
        let ty = if self.eat_kw("explain") {
            50
        } else if self.eat_kw("log") {
            49
        } else if self.eat_kw("constraints")
            || self.eat_kw("all")
            || self.eat_kw("indexes")
            || self.eat_kw("triggers")
        {
            55
        } else if self.eat_kw("environment") {
            110
        } else if self.is_kw("pdqpriority") {
            85
        } else if self.is_kw("optimization") {
            71
        } else {
            // SET ROLE, SET SESSION AUTHORIZATION, SET DEBUG FILE ... accepted.
            110
        };
        self.skip_rest();
        Ok(Stmt::Noop(ty))
    }

    fn isolation(&mut self) -> Result<Isolation, SqlError> {
        let iso = if self.eat_kw("dirty") {
            self.expect_kw("read")?;
            self.eat_kw("with");
            self.eat_kw("warning");
            Isolation::Dirty
        } else if self.eat_kw("committed") {
            self.expect_kw("read")?;
            let mut iso = Isolation::Committed;
            if self.eat_kw("last") {
                self.expect_kw("committed")?;
                iso = Isolation::LastCommitted;
            }
            iso
        } else if self.eat_kw("cursor") {
            self.expect_kw("stability")?;
            Isolation::Cursor
        } else if self.eat_kw("repeatable") {
            self.expect_kw("read")?;
            Isolation::Repeatable
        } else {
            return Err(self.err());
        };
        if self.eat_kw("retain") {
            self.expect_kw("update")?;
            self.expect_kw("locks")?;
        }
        Ok(iso)
    }

    // ---------------------------------------------------------------- queries

    pub fn query(&mut self) -> Result<Query, SqlError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err());
        }
        self.depth += 1;
        let r = self.query_inner();
        self.depth -= 1;
        r
    }

    fn query_inner(&mut self) -> Result<Query, SqlError> {
        if self.is_kw("with") {
            return Err(self.err());
        }
        let body = self.set_body()?;
        let mut order_by = Vec::new();
        if self.eat_kw("order") {
            self.expect_kw("by")?;
            loop {
                let e = self.expr()?;
                let desc = if self.eat_kw("desc") {
                    true
                } else {
                    self.eat_kw("asc");
                    false
                };
                let mut nulls_first = None;
                if self.eat_kw("nulls") {
                    nulls_first = Some(if self.eat_kw("first") {
                        true
                    } else {
                        self.expect_kw("last")?;
                        false
                    });
                }
                order_by.push(OrderItem {
                    e,
                    desc,
                    nulls_first,
                });
                if !self.eat_op(",") {
                    break;
                }
            }
        }
        let mut limit = None;
        if self.eat_kw("limit") {
            limit = Some(self.int_lit()?);
            if self.is_kw("offset") || self.is_op(",") {
                return Err(self.err());
            }
        }
        if self.is_kw("offset") || self.is_kw("fetch") {
            return Err(self.err());
        }
        let mut into_temp = None;
        if self.is_kw("into") {
            self.bump();
            if self.eat_kw("temp") || self.eat_kw("scratch") {
                let n = self.obj_name()?.name;
                let mut nolog = false;
                if self.eat_kw("with") {
                    self.expect_kw("no")?;
                    self.expect_kw("log")?;
                    nolog = true;
                }
                into_temp = Some((n, nolog));
            } else {
                return Err(self.err());
            }
        }
        if self.eat_kw("for") {
            if self.eat_kw("update") {
                if self.eat_kw("of") {
                    loop {
                        self.ident()?;
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                }
            } else {
                self.expect_kw("read")?;
                self.expect_kw("only")?;
            }
        }
        Ok(Query {
            body,
            order_by,
            limit,
            into_temp,
        })
    }

    fn set_body(&mut self) -> Result<SetBody, SqlError> {
        let mut left = self.set_primary()?;
        loop {
            let op = if self.eat_kw("union") {
                if self.eat_kw("all") {
                    SetOp::UnionAll
                } else {
                    SetOp::Union
                }
            } else if self.eat_kw("intersect") {
                SetOp::Intersect
            } else if self.eat_kw("except") || self.eat_kw("minus") {
                SetOp::Except
            } else {
                return Ok(left);
            };
            let right = self.set_primary()?;
            left = SetBody::Set(op, Box::new(left), Box::new(right));
        }
    }

    fn set_primary(&mut self) -> Result<SetBody, SqlError> {
        if self.is_op("(") {
            self.bump();
            let q = self.query()?;
            self.expect_op(")")?;
            return Ok(SetBody::Paren(Box::new(q)));
        }
        Ok(SetBody::Select(Box::new(self.select()?)))
    }

    fn select(&mut self) -> Result<Select, SqlError> {
        let pos = self.pos();
        self.expect_kw("select")?;
        let mut skip = None;
        let mut first = None;
        if self.eat_kw("skip") {
            skip = Some(self.int_lit()?);
        }
        if self.is_kw("first") || self.is_kw("limit") || self.is_kw("top") {
            // `first` could also be a column name: only treat as FIRST n when a number follows.
            if matches!(self.peek_at(1), Tok::Num(_)) {
                self.bump();
                first = Some(self.int_lit()?);
            }
        }
        let mut distinct = false;
        if self.eat_kw("distinct") || self.eat_kw("unique") {
            distinct = true;
        } else {
            self.eat_kw("all");
        }
        let mut items = Vec::new();
        loop {
            items.push(self.sel_item()?);
            if !self.eat_op(",") {
                break;
            }
        }
        let mut from = Vec::new();
        if self.eat_kw("from") {
            loop {
                from.push(self.table_ref()?);
                if !self.eat_op(",") {
                    break;
                }
            }
        }
        let where_ = if self.eat_kw("where") {
            Some(self.expr()?)
        } else {
            None
        };
        let mut group_by = Vec::new();
        if self.eat_kw("group") {
            self.expect_kw("by")?;
            loop {
                group_by.push(self.expr()?);
                if !self.eat_op(",") {
                    break;
                }
            }
        }
        let having = if self.eat_kw("having") {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Select {
            skip,
            first,
            distinct,
            items,
            from,
            where_,
            group_by,
            having,
            pos,
        })
    }

    fn sel_item(&mut self) -> Result<SelItem, SqlError> {
        let pos = self.pos();
        if self.eat_op("*") {
            return Ok(SelItem::Star(pos));
        }
        if let Tok::Ident(t) = self.peek().clone()
            && matches!(self.peek_at(1), Tok::Op("."))
            && matches!(self.peek_at(2), Tok::Op("*"))
        {
            self.bump();
            self.bump();
            self.bump();
            return Ok(SelItem::QualStar(t, pos));
        }
        let e = self.expr()?;
        let alias = self.alias()?;
        Ok(SelItem::Expr { e, alias })
    }

    fn alias(&mut self) -> Result<Option<String>, SqlError> {
        if self.eat_kw("as") {
            return match self.bump() {
                Tok::Ident(s) => Ok(Some(s)),
                Tok::Str(s) => Ok(Some(s)),
                _ => Err(self.err()),
            };
        }
        if let Tok::Ident(s) = self.peek().clone()
            && !RESERVED.contains(&s.as_str())
        {
            self.bump();
            return Ok(Some(s));
        }
        Ok(None)
    }

    fn table_ref(&mut self) -> Result<TableRef, SqlError> {
        let mut left = self.table_primary()?;
        loop {
            let kind = if self.eat_kw("join") {
                JoinKind::Inner
            } else if self.is_kw("inner") && self.is_kw_at(1, "join") {
                self.bump();
                self.bump();
                JoinKind::Inner
            } else if self.is_kw("left") || self.is_kw("right") || self.is_kw("full") {
                let k = match self.bump() {
                    Tok::Ident(s) if s == "left" => JoinKind::Left,
                    Tok::Ident(s) if s == "right" => JoinKind::Right,
                    _ => JoinKind::Full,
                };
                self.eat_kw("outer");
                self.expect_kw("join")?;
                k
            } else if self.is_kw("cross") && self.is_kw_at(1, "join") {
                self.bump();
                self.bump();
                JoinKind::Cross
            } else {
                return Ok(left);
            };
            let right = self.table_primary()?;
            let on = if kind == JoinKind::Cross {
                None
            } else {
                self.expect_kw("on")?;
                Some(self.expr()?)
            };
            left = TableRef::Join {
                left: Box::new(left),
                right: Box::new(right),
                kind,
                on,
            };
        }
    }

    fn table_primary(&mut self) -> Result<TableRef, SqlError> {
        if self.is_kw("outer") {
            self.bump();
            if self.eat_op("(") {
                let mut v = Vec::new();
                loop {
                    v.push(self.table_ref()?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op(")")?;
                return Ok(TableRef::Outer(v));
            }
            return Ok(TableRef::Outer(vec![self.table_primary()?]));
        }
        if self.is_op("(") {
            if self.is_kw_at(1, "select")
                || matches!(self.peek_at(1), Tok::Op("(")) && self.is_kw_at(2, "select")
            {
                self.bump();
                let q = self.query()?;
                self.expect_op(")")?;
                let alias = self.alias()?;
                let mut cols = Vec::new();
                if alias.is_some() && self.eat_op("(") {
                    loop {
                        cols.push(self.ident()?);
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                }
                return Ok(TableRef::Sub {
                    q: Box::new(q),
                    alias,
                    cols,
                });
            }
            self.bump();
            self.enter()?;
            let t = self.table_ref();
            self.depth -= 1;
            let t = t?;
            self.expect_op(")")?;
            return Ok(t);
        }
        if self.is_kw("table") && matches!(self.peek_at(1), Tok::Op("(")) {
            return Err(self.err());
        }
        let name = self.obj_name()?;
        let alias = self.alias()?;
        Ok(TableRef::Named { name, alias })
    }

    // ------------------------------------------------------------ expressions

    pub fn expr(&mut self) -> Result<Expr, SqlError> {
        // Deep nesting would overflow the stack: refuse it like a parse error.
        if self.depth >= MAX_DEPTH {
            return Err(self.err());
        }
        self.depth += 1;
        let r = self.or_expr();
        self.depth -= 1;
        r
    }

    fn or_expr(&mut self) -> Result<Expr, SqlError> {
        let mut l = self.and_expr()?;
        while self.eat_kw("or") {
            let r = self.and_expr()?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and_expr(&mut self) -> Result<Expr, SqlError> {
        let mut l = self.not_expr()?;
        while self.eat_kw("and") {
            let r = self.not_expr()?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn not_expr(&mut self) -> Result<Expr, SqlError> {
        if self.eat_kw("not") {
            self.enter()?;
            let e = self.not_expr();
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e?)));
        }
        self.predicate()
    }

    /// Counts one level of recursion; errors past the nesting limit.
    fn enter(&mut self) -> Result<(), SqlError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err());
        }
        self.depth += 1;
        Ok(())
    }

    fn cmp_op(&mut self) -> Option<CmpOp> {
        let op = match self.peek() {
            Tok::Op("=") | Tok::Op("==") => CmpOp::Eq,
            Tok::Op("<>") | Tok::Op("!=") => CmpOp::Ne,
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op("<=") => CmpOp::Le,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op(">=") => CmpOp::Ge,
            _ => return None,
        };
        self.bump();
        Some(op)
    }

    fn predicate(&mut self) -> Result<Expr, SqlError> {
        if self.is_kw("exists") {
            self.bump();
            self.expect_op("(")?;
            let q = self.query()?;
            self.expect_op(")")?;
            return Ok(Expr::Exists(Box::new(q), false));
        }
        let e = self.concat()?;
        if let Some(op) = self.cmp_op() {
            if self.is_kw("any") || self.is_kw("some") || self.is_kw("all") {
                let all = self.is_kw("all");
                self.bump();
                self.expect_op("(")?;
                let q = self.query()?;
                self.expect_op(")")?;
                return Ok(Expr::Quant {
                    e: Box::new(e),
                    op,
                    all,
                    q: Box::new(q),
                });
            }
            let r = self.concat()?;
            return Ok(Expr::Cmp(op, Box::new(e), Box::new(r)));
        }
        if self.eat_kw("is") {
            let not = self.eat_kw("not");
            self.expect_kw("null")?;
            return Ok(Expr::IsNull(Box::new(e), not));
        }
        let not = if self.is_kw("not")
            && (self.is_kw_at(1, "between")
                || self.is_kw_at(1, "in")
                || self.is_kw_at(1, "like")
                || self.is_kw_at(1, "matches"))
        {
            self.bump();
            true
        } else {
            false
        };
        if self.eat_kw("between") {
            let lo = self.concat()?;
            self.expect_kw("and")?;
            let hi = self.concat()?;
            return Ok(Expr::Between {
                e: Box::new(e),
                lo: Box::new(lo),
                hi: Box::new(hi),
                not,
            });
        }
        if self.eat_kw("in") {
            self.expect_op("(")?;
            if self.is_kw("select") {
                let q = self.query()?;
                self.expect_op(")")?;
                return Ok(Expr::InSub {
                    e: Box::new(e),
                    q: Box::new(q),
                    not,
                });
            }
            let mut list = Vec::new();
            loop {
                list.push(self.expr()?);
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
            return Ok(Expr::InList {
                e: Box::new(e),
                list,
                not,
            });
        }
        let matches = self.is_kw("matches");
        if self.eat_kw("like") || self.eat_kw("matches") {
            let pat = self.concat()?;
            let esc = if self.eat_kw("escape") {
                Some(Box::new(self.concat()?))
            } else {
                None
            };
            return Ok(Expr::Like {
                e: Box::new(e),
                pat: Box::new(pat),
                esc,
                not,
                matches,
            });
        }
        if not {
            return Err(self.err());
        }
        Ok(e)
    }

    fn concat(&mut self) -> Result<Expr, SqlError> {
        let mut l = self.additive()?;
        while self.eat_op("||") {
            let r = self.additive()?;
            l = Expr::Bin(BinOp::Concat, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn additive(&mut self) -> Result<Expr, SqlError> {
        self.left_assoc(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::mult)
    }

    fn mult(&mut self) -> Result<Expr, SqlError> {
        self.left_assoc(&[("*", BinOp::Mul), ("/", BinOp::Div)], Self::unary)
    }

    /// One precedence level of left-associative binary operators over `operand`.
    fn left_assoc(
        &mut self,
        ops: &[(&str, BinOp)],
        operand: fn(&mut Self) -> Result<Expr, SqlError>,
    ) -> Result<Expr, SqlError> {
        let mut l = operand(self)?;
        while let Some(op) = ops
            .iter()
            .find(|(text, _)| self.eat_op(text))
            .map(|(_, op)| *op)
        {
            let r = operand(self)?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn unary(&mut self) -> Result<Expr, SqlError> {
        let pos = self.pos();
        if self.eat_op("-") {
            self.enter()?;
            let e = self.unary();
            self.depth -= 1;
            let e = e?;
            return Ok(match e {
                Expr::Lit(Lit::Int(s), _) => Expr::Lit(Lit::Int(format!("-{s}")), pos),
                Expr::Lit(Lit::Dec(s), _) => Expr::Lit(Lit::Dec(format!("-{s}")), pos),
                Expr::Lit(Lit::Float(s), _) => Expr::Lit(Lit::Float(format!("-{s}")), pos),
                other => Expr::Neg(Box::new(other)),
            });
        }
        if self.eat_op("+") {
            self.enter()?;
            let e = self.unary();
            self.depth -= 1;
            return e;
        }
        let e = self.primary()?;
        self.postfix(e)
    }

    fn postfix(&mut self, mut e: Expr) -> Result<Expr, SqlError> {
        loop {
            if self.eat_op("::") {
                let (ty, _) = self.data_type()?;
                e = Expr::Cast(Box::new(e), ty);
            } else if self.is_op("[") {
                self.bump();
                let a = self.int_lit()?;
                let b = if self.eat_op(",") { self.int_lit()? } else { a };
                self.expect_op("]")?;
                e = Expr::Substr(Box::new(e), a, b);
            } else if self.is_kw("units") {
                self.bump();
                let tu = self.unit()?;
                e = Expr::Units(Box::new(e), tu);
            } else {
                return Ok(e);
            }
        }
    }

    /// The raw text between a `(` at the current token and its `)`.
    fn paren_text(&mut self) -> Result<String, SqlError> {
        self.expect_op("(")?;
        let start = self.pos();
        let mut end = start;
        while !self.is_op(")") {
            if self.at_eof() {
                return Err(self.err());
            }
            end = self.toks[self.i].end;
            self.bump();
        }
        self.bump();
        Ok(self.sql.get(start..end).unwrap_or("").to_string())
    }

    fn primary(&mut self) -> Result<Expr, SqlError> {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Num(n) => {
                self.bump();
                let lit = if n.contains(['e', 'E']) {
                    Lit::Float(n)
                } else if n.contains('.') {
                    Lit::Dec(n)
                } else {
                    Lit::Int(n)
                };
                Ok(Expr::Lit(lit, pos))
            }
            Tok::Str(s) => {
                self.bump();
                if self.is_op(".") {
                    // "owner".table.column
                    self.bump();
                    let t = self.ident()?;
                    self.expect_op(".")?;
                    let c = self.ident()?;
                    let _ = s;
                    return Ok(Expr::Col {
                        table: Some(t),
                        name: c,
                        pos,
                    });
                }
                Ok(Expr::Lit(Lit::Str(s), pos))
            }
            Tok::Param => {
                self.bump();
                self.nparams += 1;
                Ok(Expr::Param(self.nparams - 1))
            }
            Tok::Op("(") => {
                self.bump();
                if self.is_kw("select") {
                    let q = self.query()?;
                    self.expect_op(")")?;
                    return Ok(Expr::Sub(Box::new(q)));
                }
                let e = self.expr()?;
                if self.eat_op(",") {
                    let mut v = vec![e];
                    loop {
                        v.push(self.expr()?);
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                    return Ok(Expr::Row(v));
                }
                self.expect_op(")")?;
                Ok(e)
            }
            Tok::Ident(w) => self.ident_primary(w, pos),
            _ => Err(self.err()),
        }
    }

    fn ident_primary(&mut self, w: String, pos: usize) -> Result<Expr, SqlError> {
        let next_paren = matches!(self.peek_at(1), Tok::Op("("));
        // SET{...}, MULTISET{...}, LIST{...}: a constructor, analysed as the
        // internal function `$set`/`$multiset`/`$list` (ROW(...) is `row`).
        if matches!(self.peek_at(1), Tok::Op("{")) {
            self.bump();
            self.bump();
            let mut args = Vec::new();
            if !self.is_op("}") {
                loop {
                    args.push(self.expr()?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
            }
            self.expect_op("}")?;
            return Ok(Expr::Func {
                name: format!("${w}"),
                args,
                distinct: false,
                star: false,
                pos,
            });
        }
        match w.as_str() {
            "null" => {
                self.bump();
                return Ok(Expr::Lit(Lit::Null, pos));
            }
            "true" | "false" if !next_paren => {
                self.bump();
                return Ok(Expr::Lit(Lit::Bool(w == "true"), pos));
            }
            "case" => return self.case_expr(),
            "cast" if next_paren => {
                self.bump();
                self.expect_op("(")?;
                let e = self.expr()?;
                self.expect_kw("as")?;
                let (ty, _) = self.data_type()?;
                self.expect_op(")")?;
                return Ok(Expr::Cast(Box::new(e), ty));
            }
            "datetime" if next_paren => {
                self.bump();
                let text = self.paren_text()?;
                let q = self.dt_qual(false)?;
                return Ok(Expr::DtLit(text, q, pos));
            }
            "interval" if next_paren => {
                self.bump();
                let text = self.paren_text()?;
                let q = self.dt_qual(true)?;
                return Ok(Expr::IvLit(text, q, pos));
            }
            "current" => {
                self.bump();
                let q = if self.is_unit_kw() {
                    self.dt_qual(false)?
                } else {
                    Qual::dt(types::TU_YEAR, 13)
                };
                return Ok(Expr::Current(q));
            }
            "sysdate" => {
                self.bump();
                return Ok(Expr::Current(Qual::dt(types::TU_YEAR, 15)));
            }
            "today" => {
                self.bump();
                return Ok(Expr::Today);
            }
            "user" | "current_user" => {
                self.bump();
                return Ok(Expr::User);
            }
            "extend" if next_paren => {
                self.bump();
                self.bump();
                let e = self.expr()?;
                let q = if self.eat_op(",") {
                    Some(self.dt_qual(false)?)
                } else {
                    None
                };
                self.expect_op(")")?;
                return Ok(Expr::Extend(Box::new(e), q));
            }
            "trim" if next_paren => {
                self.bump();
                self.bump();
                let mode = if self.eat_kw("leading") {
                    1
                } else if self.eat_kw("trailing") {
                    2
                } else {
                    self.eat_kw("both");
                    0
                };
                let mut chars = None;
                let e;
                if self.eat_kw("from") {
                    e = self.expr()?;
                } else {
                    let first = self.expr()?;
                    if self.eat_kw("from") {
                        chars = Some(Box::new(first));
                        e = self.expr()?;
                    } else {
                        e = first;
                    }
                }
                self.expect_op(")")?;
                return Ok(Expr::Trim {
                    e: Box::new(e),
                    chars,
                    mode,
                });
            }
            "substring" if next_paren => {
                self.bump();
                self.bump();
                let e = self.expr()?;
                let mut args = vec![e];
                if self.eat_kw("from") {
                    args.push(self.expr()?);
                    if self.eat_kw("for") {
                        args.push(self.expr()?);
                    }
                } else {
                    while self.eat_op(",") {
                        args.push(self.expr()?);
                    }
                }
                self.expect_op(")")?;
                return Ok(Expr::Func {
                    name: "substr".into(),
                    args,
                    distinct: false,
                    star: false,
                    pos,
                });
            }
            _ => {}
        }
        if next_paren {
            self.bump();
            self.bump();
            if self.eat_op("*") {
                self.expect_op(")")?;
                return Ok(Expr::Func {
                    name: w,
                    args: vec![],
                    distinct: false,
                    star: true,
                    pos,
                });
            }
            let mut distinct = false;
            if self.eat_kw("distinct") || self.eat_kw("unique") {
                distinct = true;
            } else if matches!(w.as_str(), "count" | "sum" | "avg" | "min" | "max") {
                self.eat_kw("all");
            }
            let mut args = Vec::new();
            if !self.is_op(")") {
                loop {
                    args.push(self.expr()?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
            }
            self.expect_op(")")?;
            if self.is_kw("over") {
                return Err(self.err());
            }
            return Ok(Expr::Func {
                name: w,
                args,
                distinct,
                star: false,
                pos,
            });
        }
        self.bump();
        if self.is_op(".") {
            self.bump();
            let second = self.ident()?;
            if self.is_op(".") && matches!(self.peek_at(1), Tok::Ident(_)) {
                self.bump();
                let third = self.ident()?;
                return Ok(Expr::Col {
                    table: Some(second),
                    name: third,
                    pos,
                });
            }
            return Ok(Expr::Col {
                table: Some(w),
                name: second,
                pos,
            });
        }
        Ok(Expr::Col {
            table: None,
            name: w,
            pos,
        })
    }

    fn case_expr(&mut self) -> Result<Expr, SqlError> {
        self.bump();
        let op = if self.is_kw("when") {
            None
        } else {
            Some(Box::new(self.expr()?))
        };
        let mut whens = Vec::new();
        while self.eat_kw("when") {
            let c = self.expr()?;
            self.expect_kw("then")?;
            let r = self.expr()?;
            whens.push((c, r));
        }
        if whens.is_empty() {
            return Err(self.err());
        }
        let els = if self.eat_kw("else") {
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        self.expect_kw("end")?;
        Ok(Expr::Case { op, whens, els })
    }

    fn is_unit_kw(&self) -> bool {
        matches!(self.peek(), Tok::Ident(s) if matches!(s.as_str(), "year" | "month" | "day" | "hour" | "minute" | "second" | "fraction"))
    }

    fn unit(&mut self) -> Result<u8, SqlError> {
        let u = match self.peek() {
            Tok::Ident(s) => match s.as_str() {
                "year" => types::TU_YEAR,
                "month" => types::TU_MONTH,
                "day" => types::TU_DAY,
                "hour" => types::TU_HOUR,
                "minute" => types::TU_MINUTE,
                "second" => types::TU_SECOND,
                "fraction" => types::TU_FRAC,
                _ => return Err(self.err()),
            },
            _ => return Err(self.err()),
        };
        self.bump();
        Ok(u)
    }

    /// `start[(n)] TO end[(n)]` of DATETIME/INTERVAL.
    fn dt_qual(&mut self, interval: bool) -> Result<Qual, SqlError> {
        let start = self.unit()?;
        let mut prec = None;
        if self.is_op("(") {
            self.bump();
            let n = self.int_lit()?;
            self.expect_op(")")?;
            prec = Some(n);
        }
        let mut end = start;
        let mut end_frac = None;
        if self.eat_kw("to") {
            end = self.unit()?;
            if end == types::TU_FRAC && self.is_op("(") {
                self.bump();
                end_frac = Some(self.int_lit()?);
                self.expect_op(")")?;
            }
        }
        if start == types::TU_FRAC {
            // FRACTION TO FRACTION(n)
            let n = end_frac.or(prec).unwrap_or(3).clamp(1, 5) as u8;
            return Ok(Qual {
                start: types::TU_FRAC + 1,
                end: 10 + n,
                prec: n,
            });
        }
        if end == types::TU_FRAC {
            end = 10 + end_frac.unwrap_or(3).clamp(1, 5) as u8;
        }
        if end < start {
            return Err(self.err());
        }
        let mut q = if interval {
            Qual::iv(start, end)
        } else {
            Qual::dt(start, end)
        };
        if let Some(p) = prec {
            if !interval || !(1..=9).contains(&p) {
                return Err(self.err());
            }
            q.prec = p as u8;
        }
        Ok(q)
    }

    /// A data type; returns the type and a SERIAL start value if given.
    pub fn data_type(&mut self) -> Result<(Ty, Option<i64>), SqlError> {
        let w = self.ident()?;
        let nums = |p: &mut Self| -> Result<Vec<i64>, SqlError> {
            let mut v = Vec::new();
            if p.eat_op("(") {
                loop {
                    v.push(p.int_lit()?);
                    if !p.eat_op(",") {
                        break;
                    }
                }
                p.expect_op(")")?;
            }
            Ok(v)
        };
        let clampu8 = |v: i64| v.clamp(0, 255) as u8;
        let ty = match w.as_str() {
            "char" | "character" | "nchar" => {
                if w == "character" && self.eat_kw("varying") {
                    let n = nums(self)?;
                    return Ok((
                        Ty::varchar(
                            n.first().copied().unwrap_or(1).clamp(1, 255) as u16,
                            n.get(1).copied().unwrap_or(0).clamp(0, 255) as u16,
                        ),
                        None,
                    ));
                }
                let n = nums(self)?;
                let len = n.first().copied().unwrap_or(1);
                if !(1..=32767).contains(&len) {
                    return Err(self.err());
                }
                let mut t = Ty::char(len as usize);
                if w == "nchar" {
                    t.code = types::NCHAR;
                }
                t
            }
            "varchar" | "nvarchar" => {
                let n = nums(self)?;
                let max = n.first().copied().unwrap_or(1);
                let min = n.get(1).copied().unwrap_or(0);
                if !(1..=255).contains(&max) || !(0..=255).contains(&min) {
                    return Err(self.err());
                }
                let mut t = Ty::varchar(max as u16, min as u16);
                if w == "nvarchar" {
                    t.code = types::NVARCHAR;
                }
                t
            }
            "lvarchar" => {
                let n = nums(self)?;
                let len = n.first().copied().unwrap_or(2048);
                if !(1..=32739).contains(&len) {
                    return Err(self.err());
                }
                Ty::lvarchar(len as u16)
            }
            "smallint" => Ty::smallint(),
            "int" | "integer" => Ty::int(),
            "int8" => Ty::int8(),
            "bigint" => Ty::bigint(),
            "serial" | "serial8" | "bigserial" => {
                let n = nums(self)?;
                let code = match w.as_str() {
                    "serial" => types::SERIAL,
                    "serial8" => types::SERIAL8,
                    _ => types::BIGSERIAL,
                };
                let len = match code {
                    types::SERIAL => 4,
                    types::SERIAL8 => 10,
                    _ => 8,
                };
                return Ok((Ty::new(code, len), n.first().copied()));
            }
            "float" | "double" => {
                if w == "double" {
                    self.expect_kw("precision")?;
                } else {
                    nums(self)?;
                }
                Ty::float()
            }
            "real" | "smallfloat" => Ty::new(types::SMALLFLOAT, 4),
            "decimal" | "dec" | "numeric" | "money" => {
                let n = nums(self)?;
                let p = n.first().copied().unwrap_or(16);
                if !(1..=32).contains(&p) {
                    return Err(self.err());
                }
                let s = match n.get(1) {
                    Some(&s) if s < 0 || s > p => return Err(self.err()),
                    Some(&s) => clampu8(s),
                    None if w == "money" => 2,
                    None => 255,
                };
                if w == "money" {
                    Ty::money(clampu8(p), s)
                } else {
                    Ty::decimal(clampu8(p), s)
                }
            }
            "date" => Ty::date(),
            "datetime" => Ty::datetime(self.dt_qual(false)?),
            "interval" => Ty::interval(self.dt_qual(true)?),
            "boolean" => Ty::boolean(),
            "byte" | "text" => {
                if self.eat_kw("in") {
                    self.ident()?;
                }
                Ty::new(
                    if w == "byte" {
                        types::BYTE
                    } else {
                        types::TEXT
                    },
                    56,
                )
            }
            "set" | "multiset" | "list" => {
                self.expect_op("(")?;
                let (elem, _) = self.data_type()?;
                // Elements must be declared NOT NULL.
                self.expect_kw("not")?;
                self.expect_kw("null")?;
                self.expect_op(")")?;
                let kind = match w.as_str() {
                    "set" => types::SET,
                    "multiset" => types::MULTISET,
                    _ => types::LIST,
                };
                super::complex::intern(kind, vec![(String::new(), elem)])?
            }
            "row" => {
                self.expect_op("(")?;
                let mut fields: Vec<(String, Ty)> = Vec::new();
                loop {
                    let name = self.ident()?;
                    let (fty, _) = self.data_type()?;
                    if fields.iter().any(|f| f.0 == name) {
                        return Err(self.err());
                    }
                    fields.push((name, fty));
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op(")")?;
                super::complex::intern(types::ROW, fields)?
            }
            "blob" => Ty {
                code: types::UDTFIXED,
                len: 72,
                xid: types::XID_BLOB,
            },
            "clob" => Ty {
                code: types::UDTFIXED,
                len: 72,
                xid: types::XID_CLOB,
            },
            _ => return Err(SqlError::near(-9628, 0, w)),
        };
        Ok((ty, None))
    }

    // ------------------------------------------------------------------- DML

    fn insert(&mut self) -> Result<Stmt, SqlError> {
        self.bump();
        self.expect_kw("into")?;
        let table = self.obj_name()?;
        let mut cols = None;
        if self.is_op("(") && !self.is_kw_at(1, "select") {
            self.bump();
            let mut v = Vec::new();
            loop {
                let p = self.pos();
                let name = self.ident()?;
                // t.col is allowed in the column list
                let name = if self.eat_op(".") {
                    self.ident()?
                } else {
                    name
                };
                v.push((name, p));
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
            cols = Some(v);
        }
        if self.eat_kw("values") {
            self.expect_op("(")?;
            let mut vals = Vec::new();
            loop {
                vals.push(self.expr()?);
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
            if self.is_op(",") {
                return Err(self.err());
            }
            return Ok(Stmt::Insert {
                table,
                cols,
                src: InsertSrc::Values(vals),
            });
        }
        if self.is_kw("select") || self.is_op("(") {
            let q = self.query()?;
            return Ok(Stmt::Insert {
                table,
                cols,
                src: InsertSrc::Query(Box::new(q)),
            });
        }
        Err(self.err())
    }

    fn update(&mut self) -> Result<Stmt, SqlError> {
        self.bump();
        let table = self.obj_name()?;
        let alias = if self.is_kw("set") {
            None
        } else {
            self.alias()?
        };
        self.expect_kw("set")?;
        let mut sets = Vec::new();
        if self.is_op("(") {
            self.bump();
            let mut names = Vec::new();
            loop {
                let p = self.pos();
                names.push((self.ident()?, p));
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
            self.expect_op("=")?;
            self.expect_op("(")?;
            let mut vals = Vec::new();
            loop {
                vals.push(self.expr()?);
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
            if vals.len() != names.len() {
                return Err(SqlError::new(-236, 0));
            }
            for ((n, p), v) in names.into_iter().zip(vals) {
                sets.push((n, p, v));
            }
        } else {
            loop {
                let p = self.pos();
                let mut n = self.ident()?;
                if self.eat_op(".") {
                    n = self.ident()?;
                }
                self.expect_op("=")?;
                let v = self.expr()?;
                sets.push((n, p, v));
                if !self.eat_op(",") {
                    break;
                }
            }
        }
        let where_ = if self.eat_kw("where") {
            if self.is_kw("current") && self.is_kw_at(1, "of") {
                return Err(self.err());
            }
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Stmt::Update {
            table,
            alias,
            sets,
            where_,
        })
    }

    fn delete(&mut self) -> Result<Stmt, SqlError> {
        self.bump();
        self.eat_kw("from");
        let table = self.obj_name()?;
        let where_ = if self.eat_kw("where") {
            if self.is_kw("current") && self.is_kw_at(1, "of") {
                return Err(self.err());
            }
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Stmt::Delete { table, where_ })
    }

    // ------------------------------------------------------------------- DDL

    fn if_not_exists(&mut self) -> Result<bool, SqlError> {
        if self.is_kw("if") {
            self.bump();
            self.expect_kw("not")?;
            self.expect_kw("exists")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn if_exists(&mut self) -> Result<bool, SqlError> {
        if self.is_kw("if") {
            self.bump();
            self.expect_kw("exists")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn create(&mut self) -> Result<Stmt, SqlError> {
        self.bump();
        let mut temp = false;
        let mut unique = false;
        loop {
            if self.eat_kw("temp") || self.eat_kw("scratch") {
                temp = true;
            } else if self.eat_kw("standard") || self.eat_kw("raw") || self.eat_kw("cluster") {
            } else if self.eat_kw("unique") || self.eat_kw("distinct") {
                unique = true;
            } else {
                break;
            }
        }
        if self.eat_kw("table") {
            return self.create_table(temp);
        }
        if self.eat_kw("index") {
            let ine = self.if_not_exists()?;
            let name = self.obj_name()?;
            self.expect_kw("on")?;
            let table = self.obj_name()?;
            self.expect_op("(")?;
            let mut cols = Vec::new();
            loop {
                let c = self.ident()?;
                let desc = if self.eat_kw("desc") {
                    true
                } else {
                    self.eat_kw("asc");
                    false
                };
                cols.push((c, desc));
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
            self.skip_rest();
            return Ok(Stmt::CreateIndex {
                name,
                table,
                cols,
                unique,
                if_not_exists: ine,
            });
        }
        if self.eat_kw("view") {
            let ine = self.if_not_exists()?;
            let name = self.obj_name()?;
            let mut cols = None;
            if self.eat_op("(") {
                let mut v = Vec::new();
                loop {
                    v.push(self.ident()?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op(")")?;
                cols = Some(v);
            }
            self.expect_kw("as")?;
            let start = self.pos();
            let q = self.query()?;
            let end = self.toks[self.i.saturating_sub(1)].end;
            let text = self.sql.get(start..end).unwrap_or("").to_string();
            if self.eat_kw("with") {
                self.expect_kw("check")?;
                self.expect_kw("option")?;
            }
            return Ok(Stmt::CreateView {
                name,
                cols,
                q: Box::new(q),
                text,
                if_not_exists: ine,
            });
        }
        if self.eat_kw("database") {
            let ine = self.if_not_exists()?;
            let _ = ine;
            let name = self.ident()?;
            if self.eat_kw("in") {
                self.ident()?;
            }
            let mut log = 0;
            if self.eat_kw("with") {
                if self.eat_kw("buffered") {
                    self.expect_kw("log")?;
                    log = 1;
                } else {
                    self.expect_kw("log")?;
                    log = 1;
                    if self.eat_kw("mode") {
                        self.expect_kw("ansi")?;
                        log = 2;
                    }
                }
            }
            self.skip_rest();
            return Ok(Stmt::CreateDatabase { name, log });
        }
        if self.is_kw("procedure")
            || self.is_kw("function")
            || self.is_kw("trigger")
            || self.is_kw("sequence")
            || self.is_kw("synonym")
            || self.is_kw("role")
        {
            return Err(self.err());
        }
        Err(self.err())
    }

    fn create_table(&mut self, temp: bool) -> Result<Stmt, SqlError> {
        let ine = self.if_not_exists()?;
        let name = self.obj_name()?;
        let mut cols = Vec::new();
        let mut constraints = Vec::new();
        let mut as_query = None;
        if self.eat_kw("as") {
            as_query = Some(Box::new(self.query()?));
        } else {
            self.expect_op("(")?;
            loop {
                if self.is_kw("primary")
                    || self.is_kw("unique")
                    || self.is_kw("distinct")
                    || self.is_kw("foreign")
                    || self.is_kw("check")
                    || self.is_kw("constraint")
                {
                    constraints.push(self.table_constraint()?);
                } else {
                    let (c, mut cons) = self.col_def()?;
                    cols.push(c);
                    constraints.append(&mut cons);
                }
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
        }
        let mut nolog = false;
        let mut lock_row = false;
        loop {
            if self.eat_kw("with") {
                if self.eat_kw("no") {
                    self.expect_kw("log")?;
                    nolog = true;
                } else {
                    // WITH CRCOLS, WITH ROWIDS, WITH VERCOLS ...
                    self.ident()?;
                }
            } else if self.eat_kw("lock") {
                self.expect_kw("mode")?;
                self.eat_op("(");
                lock_row = self.eat_kw("row");
                if !lock_row {
                    self.ident()?;
                }
                self.eat_op(")");
            } else if self.eat_kw("in") {
                self.ident()?;
            } else if self.eat_kw("extent") || self.eat_kw("next") {
                self.expect_kw("size")?;
                self.int_lit()?;
            } else if self.is_kw("fragment") || self.is_kw("partition") || self.is_kw("put") {
                self.skip_rest();
            } else {
                break;
            }
        }
        Ok(Stmt::CreateTable(CreateTable {
            name,
            temp,
            if_not_exists: ine,
            cols,
            constraints,
            nolog,
            lock_row,
            as_query,
        }))
    }

    fn cons_name(&mut self) -> Result<Option<String>, SqlError> {
        if self.eat_kw("constraint") {
            return Ok(Some(self.ident()?));
        }
        Ok(None)
    }

    fn ident_list(&mut self) -> Result<Vec<String>, SqlError> {
        self.expect_op("(")?;
        let mut v = Vec::new();
        loop {
            v.push(self.ident()?);
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")")?;
        Ok(v)
    }

    fn references(&mut self) -> Result<ForeignRef, SqlError> {
        self.expect_kw("references")?;
        let table = self.obj_name()?;
        let cols = if self.is_op("(") {
            self.ident_list()?
        } else {
            Vec::new()
        };
        let mut cascade = false;
        if self.eat_kw("on") {
            self.expect_kw("delete")?;
            if self.eat_kw("cascade") {
                cascade = true;
            } else {
                self.expect_kw("set")?;
                self.expect_kw("null")?;
            }
        }
        Ok(ForeignRef {
            table,
            cols,
            cascade,
        })
    }

    fn check_body(&mut self) -> Result<ConsKind, SqlError> {
        self.expect_op("(")?;
        let start = self.pos();
        let e = self.expr()?;
        let end = self.toks[self.i.saturating_sub(1)].end;
        self.expect_op(")")?;
        Ok(ConsKind::Check(
            e,
            self.sql.get(start..end).unwrap_or("").to_string(),
        ))
    }

    fn table_constraint(&mut self) -> Result<Constraint, SqlError> {
        // SQL-standard prefix form `CONSTRAINT n PRIMARY KEY (...)`.
        let pre = self.cons_name()?;
        let (kind, cols) = if self.eat_kw("primary") {
            self.expect_kw("key")?;
            (ConsKind::Primary, self.ident_list()?)
        } else if self.eat_kw("unique") || self.eat_kw("distinct") {
            (ConsKind::Unique, self.ident_list()?)
        } else if self.eat_kw("foreign") {
            self.expect_kw("key")?;
            let cols = self.ident_list()?;
            (ConsKind::Foreign(self.references()?), cols)
        } else if self.eat_kw("check") {
            (self.check_body()?, Vec::new())
        } else {
            return Err(self.err());
        };
        let post = self.cons_name()?;
        self.eat_kw("enabled");
        Ok(Constraint {
            kind,
            cols,
            name: post.or(pre),
        })
    }

    fn col_def(&mut self) -> Result<(ColDef, Vec<Constraint>), SqlError> {
        let pos = self.pos();
        let name = self.ident()?;
        let (ty, serial_start) = self.data_type()?;
        let mut def = ColDef {
            name: name.clone(),
            ty,
            serial_start,
            default: None,
            notnull: false,
            pos,
        };
        let mut cons = Vec::new();
        loop {
            if self.eat_kw("default") {
                def.default = Some(self.default_spec()?);
            } else if self.is_kw("not") && self.is_kw_at(1, "null") {
                self.bump();
                self.bump();
                def.notnull = true;
                let n = self.cons_name()?;
                if n.is_some() {
                    cons.push(Constraint {
                        kind: ConsKind::NotNull,
                        cols: vec![name.clone()],
                        name: n,
                    });
                }
            } else if self.eat_kw("null") {
            } else if self.eat_kw("primary") {
                self.expect_kw("key")?;
                let n = self.cons_name()?;
                cons.push(Constraint {
                    kind: ConsKind::Primary,
                    cols: vec![name.clone()],
                    name: n,
                });
            } else if self.eat_kw("unique") || self.eat_kw("distinct") {
                let n = self.cons_name()?;
                cons.push(Constraint {
                    kind: ConsKind::Unique,
                    cols: vec![name.clone()],
                    name: n,
                });
            } else if self.is_kw("references") {
                let r = self.references()?;
                let n = self.cons_name()?;
                cons.push(Constraint {
                    kind: ConsKind::Foreign(r),
                    cols: vec![name.clone()],
                    name: n,
                });
            } else if self.eat_kw("check") {
                let k = self.check_body()?;
                let n = self.cons_name()?;
                cons.push(Constraint {
                    kind: k,
                    cols: vec![],
                    name: n,
                });
            } else if self.is_kw("constraint") {
                // prefix form before a column constraint
                let n = self.cons_name()?;
                let mut c = if self.eat_kw("primary") {
                    self.expect_kw("key")?;
                    Constraint {
                        kind: ConsKind::Primary,
                        cols: vec![name.clone()],
                        name: None,
                    }
                } else if self.eat_kw("unique") {
                    Constraint {
                        kind: ConsKind::Unique,
                        cols: vec![name.clone()],
                        name: None,
                    }
                } else if self.eat_kw("check") {
                    Constraint {
                        kind: self.check_body()?,
                        cols: vec![],
                        name: None,
                    }
                } else if self.is_kw("references") {
                    Constraint {
                        kind: ConsKind::Foreign(self.references()?),
                        cols: vec![name.clone()],
                        name: None,
                    }
                } else if self.is_kw("not") {
                    self.bump();
                    self.expect_kw("null")?;
                    def.notnull = true;
                    Constraint {
                        kind: ConsKind::NotNull,
                        cols: vec![name.clone()],
                        name: None,
                    }
                } else {
                    return Err(self.err());
                };
                c.name = n;
                cons.push(c);
            } else {
                break;
            }
        }
        Ok((def, cons))
    }

    fn default_spec(&mut self) -> Result<DefaultSpec, SqlError> {
        let neg = self.eat_op("-");
        let d = match self.peek().clone() {
            Tok::Num(n) => {
                self.bump();
                let n = if neg { format!("-{n}") } else { n };
                DefaultSpec::Lit(if n.contains(['e', 'E']) {
                    Lit::Float(n)
                } else if n.contains('.') {
                    Lit::Dec(n)
                } else {
                    Lit::Int(n)
                })
            }
            Tok::Str(s) if !neg => {
                self.bump();
                DefaultSpec::Lit(Lit::Str(s))
            }
            Tok::Ident(w) if !neg => match w.as_str() {
                "null" => {
                    self.bump();
                    DefaultSpec::Null
                }
                "user" | "current_user" => {
                    self.bump();
                    DefaultSpec::User
                }
                "today" => {
                    self.bump();
                    DefaultSpec::Today
                }
                "current" | "sysdate" => {
                    self.bump();
                    let q = if w == "sysdate" {
                        Qual::dt(types::TU_YEAR, 15)
                    } else if self.is_unit_kw() {
                        self.dt_qual(false)?
                    } else {
                        Qual::dt(types::TU_YEAR, 13)
                    };
                    DefaultSpec::Current(q)
                }
                "true" | "false" => {
                    self.bump();
                    DefaultSpec::Lit(Lit::Bool(w == "true"))
                }
                "datetime" | "interval" => {
                    let e = self.primary()?;
                    match e {
                        Expr::DtLit(t, _, _) | Expr::IvLit(t, _, _) => {
                            DefaultSpec::Lit(Lit::Str(t))
                        }
                        _ => return Err(self.err()),
                    }
                }
                _ => return Err(self.err()),
            },
            _ => return Err(self.err()),
        };
        Ok(d)
    }

    fn drop(&mut self) -> Result<Stmt, SqlError> {
        self.bump();
        if self.eat_kw("table") {
            let ie = self.if_exists()?;
            let name = self.obj_name()?;
            if !self.eat_kw("cascade") {
                self.eat_kw("restrict");
            }
            return Ok(Stmt::DropTable {
                name,
                if_exists: ie,
            });
        }
        if self.eat_kw("index") {
            let ie = self.if_exists()?;
            let name = self.obj_name()?;
            self.eat_kw("online");
            return Ok(Stmt::DropIndex {
                name,
                if_exists: ie,
            });
        }
        if self.eat_kw("view") {
            let ie = self.if_exists()?;
            let name = self.obj_name()?;
            if !self.eat_kw("cascade") {
                self.eat_kw("restrict");
            }
            return Ok(Stmt::DropView {
                name,
                if_exists: ie,
            });
        }
        if self.eat_kw("database") {
            self.if_exists()?;
            return Ok(Stmt::DropDatabase(self.ident()?));
        }
        if self.is_kw("procedure") || self.is_kw("function") || self.is_kw("routine") {
            self.bump();
            let ie = self.if_exists()?;
            let name = self.obj_name()?;
            self.skip_rest();
            return if ie {
                Ok(Stmt::Noop(54))
            } else {
                Err(SqlError::near(-674, 0, name.name))
            };
        }
        Err(self.err())
    }

    fn alter(&mut self) -> Result<Stmt, SqlError> {
        self.bump();
        self.expect_kw("table")?;
        let name = self.obj_name()?;
        let mut ops = Vec::new();
        loop {
            if self.eat_kw("add") {
                if self.eat_kw("constraint") {
                    let paren = self.eat_op("(");
                    loop {
                        ops.push(AlterOp::AddConstraint(self.table_constraint()?));
                        if !paren || !self.eat_op(",") {
                            break;
                        }
                    }
                    if paren {
                        self.expect_op(")")?;
                    }
                } else if self.eat_op("(") {
                    loop {
                        let (c, cons) = self.col_def()?;
                        ops.push(AlterOp::Add(c, cons));
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                } else {
                    let (c, cons) = self.col_def()?;
                    if self.eat_kw("before") {
                        self.ident()?;
                    }
                    ops.push(AlterOp::Add(c, cons));
                }
            } else if self.eat_kw("drop") {
                if self.eat_kw("constraint") {
                    let paren = self.eat_op("(");
                    loop {
                        ops.push(AlterOp::DropConstraint(self.ident()?));
                        if !paren || !self.eat_op(",") {
                            break;
                        }
                    }
                    if paren {
                        self.expect_op(")")?;
                    }
                } else if self.eat_op("(") {
                    loop {
                        ops.push(AlterOp::Drop(self.ident()?));
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                } else {
                    ops.push(AlterOp::Drop(self.ident()?));
                }
            } else if self.eat_kw("modify") {
                if self.eat_op("(") {
                    loop {
                        let (c, cons) = self.col_def()?;
                        ops.push(AlterOp::Modify(c, cons));
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                } else if self.eat_kw("next") {
                    self.expect_kw("size")?;
                    self.int_lit()?;
                } else {
                    let (c, cons) = self.col_def()?;
                    ops.push(AlterOp::Modify(c, cons));
                }
            } else if self.eat_kw("lock") {
                self.expect_kw("mode")?;
                self.eat_op("(");
                let row = self.eat_kw("row");
                if !row {
                    self.ident()?;
                }
                self.eat_op(")");
                ops.push(AlterOp::LockMode(row));
            } else {
                return Err(self.err());
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(Stmt::Alter { name, ops })
    }

    fn rename(&mut self) -> Result<Stmt, SqlError> {
        self.bump();
        if self.eat_kw("table") {
            let from = self.obj_name()?;
            self.expect_kw("to")?;
            let to = self.ident()?;
            return Ok(Stmt::RenameTable { from, to });
        }
        if self.eat_kw("column") {
            let pos = self.pos();
            let t = self.ident()?;
            self.expect_op(".")?;
            let c = self.ident()?;
            self.expect_kw("to")?;
            let to = self.ident()?;
            return Ok(Stmt::RenameColumn {
                table: ObjName {
                    db: None,
                    owner: None,
                    name: t,
                    pos,
                },
                from: c,
                to,
            });
        }
        Err(self.err())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(sql: &str) -> Stmt {
        match parse(sql) {
            Ok((s, _)) => s,
            Err(e) => panic!("{sql}: {e}"),
        }
    }
    fn code(sql: &str) -> i32 {
        parse(sql).err().map(|e| e.sqlcode).unwrap_or(0)
    }

    #[test]
    fn select_forms() {
        let s = ok("SELECT SKIP 2 FIRST 3 DISTINCT a, b c, t.* FROM t WHERE a > ? ORDER BY 1 DESC");
        let Stmt::Query(q) = s else { panic!() };
        let SetBody::Select(sel) = q.body else {
            panic!()
        };
        assert_eq!(
            (sel.skip, sel.first, sel.distinct, sel.items.len()),
            (Some(2), Some(3), true, 3)
        );
        assert!(q.order_by[0].desc);
        ok("select first 1 dbinfo('version','full') from systables");
        ok("select 1 from systables where tabid = 1");
        ok("select count(*) from systables a, systables b, systables c where a.tabid > 0");
        ok("select a from t order by a limit 5");
        ok("select a from t into temp x with no log");
        ok("select * from a left outer join b on a.x = b.x join c on c.y = b.y");
        ok("select * from (select a from t) as s (z) where z in (1,2)");
        ok("select case when a matches 'x*' then 1 else 0 end from t where b like 'a%' escape '!'");
        ok(
            "select datetime(2024-01-15 10:30:00) year to second, interval(5 10:30) day to minute from t",
        );
        ok(
            "select a::decimal(8,2), cast(b as varchar(10)), current hour to minute, today + 1 units day from t",
        );
        ok(
            "select extend(d, year to minute), trim(leading 'x' from s), substring(s from 2 for 3), s[1,3] from t",
        );
        ok("select a from t union all select b from u order by 1");
        ok("select \"informix\".systables.tabname from \"informix\".systables");
        ok("select * from sysmaster:sysdatabases");
        ok("select first from t");
    }

    #[test]
    fn rejected_dialect() {
        assert_eq!(code("select a from t limit 5 offset 2"), -201);
        assert_eq!(
            code("select a from t offset 2 rows fetch next 5 rows only"),
            -201
        );
        assert_eq!(code("insert into t values (1),(2)"), -201);
        assert_eq!(code("selec 1"), -201);
        assert_eq!(code("create table t (a nosuchtype)"), -9628);
    }

    #[test]
    fn ddl_forms() {
        let Stmt::CreateTable(ct) = ok(
            "create temp table if not exists t (id serial(100) not null primary key constraint pk_t, \
             name varchar(20,5) default 'x' unique, amt decimal(12,2) check (amt > 0), d datetime year to fraction(3), \
             i interval day(3) to minute, b boolean, foreign key (id) references p(id) on delete cascade constraint fk1) with no log lock mode row",
        ) else {
            panic!()
        };
        assert!(ct.temp && ct.if_not_exists && ct.nolog && ct.lock_row);
        assert_eq!(ct.cols.len(), 6);
        assert_eq!(ct.cols[0].serial_start, Some(100));
        assert_eq!(ct.cols[1].ty.len, 5 * 256 + 20);
        assert_eq!(ct.cols[4].ty.len, 1864);
        assert_eq!(ct.constraints.len(), 4);
        assert_eq!(ct.constraints[0].name.as_deref(), Some("pk_t"));
        ok("create unique index ix on t (a desc, b)");
        ok("drop table if exists t");
        ok("alter table t add (c int, d char(2))");
        ok("alter table t modify (id serial(1))");
        ok("set lock mode to wait 5");
        ok("set isolation to committed read last committed");
        ok("update statistics high for table t");
        ok("rollback work to savepoint s1");
        ok("create view v (a, b) as select x, y from t");
        ok("truncate table t");
        ok("update t set (a, b) = (1, 2) where c = 3");
        ok("delete t where a = 1");
        ok("execute procedure p(1, 'a')");
    }

    #[test]
    fn params_counted() {
        assert_eq!(
            parse("insert into t values (?, ?, 'a?')").map(|(_, n)| n),
            Ok(2)
        );
    }
}
