//! Syntax tree of the Informix SQL subset the emulator understands.

use super::types::{Qual, Ty};

/// `[db[@server]:][owner.]name`.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjName {
    pub db: Option<String>,
    pub owner: Option<String>,
    pub name: String,
    pub pos: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// Integer literal text.
    Int(String),
    /// Fixed-point literal text.
    Dec(String),
    /// Literal with an exponent.
    Float(String),
    Str(String),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Concat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Lit, usize),
    /// `?`, numbered from 0 in text order.
    Param(usize),
    Col {
        table: Option<String>,
        name: String,
        pos: usize,
    },
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    IsNull(Box<Expr>, bool),
    Between {
        e: Box<Expr>,
        lo: Box<Expr>,
        hi: Box<Expr>,
        not: bool,
    },
    InList {
        e: Box<Expr>,
        list: Vec<Expr>,
        not: bool,
    },
    InSub {
        e: Box<Expr>,
        q: Box<Query>,
        not: bool,
    },
    Like {
        e: Box<Expr>,
        pat: Box<Expr>,
        esc: Option<Box<Expr>>,
        not: bool,
        matches: bool,
    },
    Exists(Box<Query>, bool),
    Sub(Box<Query>),
    Quant {
        e: Box<Expr>,
        op: CmpOp,
        all: bool,
        q: Box<Query>,
    },
    Case {
        op: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        els: Option<Box<Expr>>,
    },
    Func {
        name: String,
        args: Vec<Expr>,
        distinct: bool,
        star: bool,
        pos: usize,
    },
    Cast(Box<Expr>, Ty),
    DtLit(String, Qual, usize),
    IvLit(String, Qual, usize),
    /// `n UNITS unit`.
    Units(Box<Expr>, u8),
    Extend(Box<Expr>, Option<Qual>),
    /// CURRENT [q] / SYSDATE (qualifier given).
    Current(Qual),
    Today,
    User,
    /// `expr[a,b]` character subscript.
    Substr(Box<Expr>, i64, i64),
    /// TRIM: mode 0 both, 1 leading, 2 trailing.
    Trim {
        e: Box<Expr>,
        chars: Option<Box<Expr>>,
        mode: u8,
    },
    Row(Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SelItem {
    Star(usize),
    QualStar(String, usize),
    Expr { e: Expr, alias: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
    Cross,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableRef {
    Named {
        name: ObjName,
        alias: Option<String>,
    },
    Sub {
        q: Box<Query>,
        alias: Option<String>,
        cols: Vec<String>,
    },
    Join {
        left: Box<TableRef>,
        right: Box<TableRef>,
        kind: JoinKind,
        on: Option<Expr>,
    },
    /// Informix `OUTER t` / `OUTER (t1, t2)` in a comma list.
    Outer(Vec<TableRef>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub skip: Option<i64>,
    pub first: Option<i64>,
    pub distinct: bool,
    pub items: Vec<SelItem>,
    pub from: Vec<TableRef>,
    pub where_: Option<Expr>,
    pub group_by: Vec<Expr>,
    pub having: Option<Expr>,
    pub pos: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    Union,
    UnionAll,
    Intersect,
    Except,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetBody {
    Select(Box<Select>),
    Set(SetOp, Box<SetBody>, Box<SetBody>),
    Paren(Box<Query>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderItem {
    pub e: Expr,
    pub desc: bool,
    pub nulls_first: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub body: SetBody,
    pub order_by: Vec<OrderItem>,
    /// Trailing `LIMIT n`.
    pub limit: Option<i64>,
    /// `INTO TEMP t [WITH NO LOG]`.
    pub into_temp: Option<(String, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InsertSrc {
    Values(Vec<Expr>),
    Query(Box<Query>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum DefaultSpec {
    Null,
    /// Literal (already signed) with its source text.
    Lit(Lit),
    User,
    Today,
    Current(Qual),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForeignRef {
    pub table: ObjName,
    pub cols: Vec<String>,
    pub cascade: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConsKind {
    Primary,
    Unique,
    Check(Expr, String),
    Foreign(ForeignRef),
    NotNull,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub kind: ConsKind,
    pub cols: Vec<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColDef {
    pub name: String,
    pub ty: Ty,
    /// Start value of SERIAL(n).
    pub serial_start: Option<i64>,
    pub default: Option<DefaultSpec>,
    pub notnull: bool,
    pub pos: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    pub name: ObjName,
    pub temp: bool,
    pub if_not_exists: bool,
    pub cols: Vec<ColDef>,
    pub constraints: Vec<Constraint>,
    pub nolog: bool,
    pub lock_row: bool,
    pub as_query: Option<Box<Query>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AlterOp {
    Add(ColDef, Vec<Constraint>),
    Drop(String),
    Modify(ColDef, Vec<Constraint>),
    AddConstraint(Constraint),
    DropConstraint(String),
    LockMode(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    Dirty,
    Committed,
    LastCommitted,
    Cursor,
    Repeatable,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Query(Query),
    Insert {
        table: ObjName,
        cols: Option<Vec<(String, usize)>>,
        src: InsertSrc,
    },
    Update {
        table: ObjName,
        alias: Option<String>,
        sets: Vec<(String, usize, Expr)>,
        where_: Option<Expr>,
    },
    Delete {
        table: ObjName,
        where_: Option<Expr>,
    },
    CreateTable(CreateTable),
    DropTable {
        name: ObjName,
        if_exists: bool,
    },
    CreateIndex {
        name: ObjName,
        table: ObjName,
        cols: Vec<(String, bool)>,
        unique: bool,
        if_not_exists: bool,
    },
    DropIndex {
        name: ObjName,
        if_exists: bool,
    },
    CreateView {
        name: ObjName,
        cols: Option<Vec<String>>,
        q: Box<Query>,
        text: String,
        if_not_exists: bool,
    },
    DropView {
        name: ObjName,
        if_exists: bool,
    },
    Alter {
        name: ObjName,
        ops: Vec<AlterOp>,
    },
    RenameTable {
        from: ObjName,
        to: String,
    },
    RenameColumn {
        table: ObjName,
        from: String,
        to: String,
    },
    Truncate(ObjName),
    Begin,
    Commit,
    Rollback,
    Savepoint(String),
    RollbackTo(String),
    Release(String),
    SetIsolation(Isolation),
    /// SET LOCK MODE: None = NOT WAIT, Some(None) = WAIT forever, Some(Some(n)) = n seconds.
    SetLockMode(Option<Option<u32>>),
    UpdateStats(Option<ObjName>),
    LockTable {
        name: ObjName,
        exclusive: bool,
    },
    UnlockTable(ObjName),
    CreateDatabase {
        name: String,
        log: u8,
    },
    DropDatabase(String),
    Database(String),
    CloseDatabase,
    ExecProc {
        name: String,
        args: Vec<Expr>,
        function: bool,
    },
    /// Accepted and ignored; carries its statement type.
    Noop(i16),
}
