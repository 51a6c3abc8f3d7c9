//! Emulator-side table metadata.
//!
//! The Informix type of every column lives here (SQLite only knows storage
//! classes). Definitions are persisted as rows of the hidden `__ifx_def`
//! table in a small line format, so file-backed databases reload them and a
//! rolled-back DDL statement is undone together with its catalogue rows.

use super::ast::{DefaultSpec, Lit};
use super::types::{Qual, Ty};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct ColMeta {
    pub name: String,
    pub ty: Ty,
    pub notnull: bool,
    pub default: Option<DefaultSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabKind {
    Table,
    View,
    System,
}

/// A constraint: kind is one of `P U C R N` as in sysconstraints.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsMeta {
    pub name: String,
    pub constrid: i32,
    pub kind: char,
    pub cols: Vec<usize>,
    pub idx: Option<String>,
    /// Informix text of a CHECK expression.
    pub check: Option<String>,
    /// Referenced table, its columns, its PK/unique constraint, ON DELETE CASCADE.
    pub refs: Option<(String, Vec<usize>, String, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndexMeta {
    pub name: String,
    pub cols: Vec<(usize, bool)>,
    pub unique: bool,
    /// Created for a constraint (named ` <tabid>_<constrid>`).
    pub constr: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableMeta {
    pub tabid: i32,
    pub name: String,
    pub owner: String,
    pub kind: TabKind,
    /// Qualified, quoted SQLite name.
    pub sqlite: String,
    pub cols: Vec<ColMeta>,
    pub cons: Vec<ConsMeta>,
    pub idx: Vec<IndexMeta>,
    pub temp: bool,
    /// Changes are undone on ROLLBACK (false for WITH NO LOG temp tables).
    pub logged: bool,
    pub lock_row: bool,
    pub serial_start: i64,
    pub serial8_start: i64,
    /// Informix text of a view's SELECT.
    pub view_text: Option<String>,
    /// Lock keys of the base tables a view reads.
    pub view_deps: Vec<i64>,
    pub created: i64,
    /// Key for locks and undo (tabid, or negative for temp tables).
    pub key: i64,
}

impl TableMeta {
    pub fn col(&self, name: &str) -> Option<usize> {
        self.cols.iter().position(|c| c.name == name)
    }

    /// Index of the SERIAL column and of the SERIAL8/BIGSERIAL column.
    pub fn serial_cols(&self) -> (Option<usize>, Option<usize>) {
        let s4 = self
            .cols
            .iter()
            .position(|c| c.ty.code == super::types::SERIAL);
        let s8 = self
            .cols
            .iter()
            .position(|c| matches!(c.ty.code, super::types::SERIAL8 | super::types::BIGSERIAL));
        (s4, s8)
    }
}

/// All persistent objects of one database.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub tables: HashMap<String, Arc<TableMeta>>,
    /// Index name -> table name.
    pub indexes: HashMap<String, String>,
    pub version: u64,
}

impl Catalog {
    pub fn next_tabid(&self) -> i32 {
        self.tables
            .values()
            .map(|t| t.tabid)
            .max()
            .unwrap_or(99)
            .max(99)
            + 1
    }
    pub fn next_constrid(&self) -> i32 {
        self.tables
            .values()
            .flat_map(|t| t.cons.iter().map(|c| c.constrid))
            .max()
            .unwrap_or(0)
            + 1
    }
    pub fn constraint_exists(&self, name: &str) -> bool {
        self.tables
            .values()
            .any(|t| t.cons.iter().any(|c| c.name == name))
    }
}

// ---------------------------------------------------------------- encoding

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            _ => o.push(c),
        }
    }
    o
}

fn unesc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('t') => o.push('\t'),
                Some('n') => o.push('\n'),
                Some(x) => o.push(x),
                None => {}
            }
        } else {
            o.push(c);
        }
    }
    o
}

fn enc_default(d: &Option<DefaultSpec>) -> String {
    match d {
        None => "-".into(),
        Some(DefaultSpec::Null) => "N".into(),
        Some(DefaultSpec::User) => "U".into(),
        Some(DefaultSpec::Today) => "T".into(),
        Some(DefaultSpec::Current(q)) => format!("C{}", q.encode()),
        Some(DefaultSpec::Lit(l)) => match l {
            Lit::Int(s) => format!("i{s}"),
            Lit::Dec(s) => format!("d{s}"),
            Lit::Float(s) => format!("f{s}"),
            Lit::Str(s) => format!("s{s}"),
            Lit::Bool(b) => format!("b{}", u8::from(*b)),
            Lit::Null => "N".into(),
        },
    }
}

fn dec_default(s: &str) -> Option<DefaultSpec> {
    let (k, rest) = s.split_at(s.char_indices().nth(1).map(|(i, _)| i).unwrap_or(s.len()));
    Some(match k {
        "-" => return None,
        "N" => DefaultSpec::Null,
        "U" => DefaultSpec::User,
        "T" => DefaultSpec::Today,
        "C" => DefaultSpec::Current(Qual::decode(rest.parse().unwrap_or(0))),
        "i" => DefaultSpec::Lit(Lit::Int(rest.into())),
        "d" => DefaultSpec::Lit(Lit::Dec(rest.into())),
        "f" => DefaultSpec::Lit(Lit::Float(rest.into())),
        "s" => DefaultSpec::Lit(Lit::Str(rest.into())),
        "b" => DefaultSpec::Lit(Lit::Bool(rest == "1")),
        _ => return None,
    })
}

fn cols_enc(v: &[usize]) -> String {
    v.iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn cols_dec(s: &str) -> Vec<usize> {
    s.split(',').filter_map(|x| x.parse().ok()).collect()
}

/// Serialises a table definition.
pub fn encode(t: &TableMeta) -> String {
    let kind = match t.kind {
        TabKind::Table => "T",
        TabKind::View => "V",
        TabKind::System => "S",
    };
    let mut out = format!(
        "T\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
        t.tabid,
        esc(&t.name),
        esc(&t.owner),
        kind,
        esc(&t.sqlite),
        u8::from(t.logged),
        u8::from(t.lock_row),
        t.serial_start,
        t.serial8_start,
        t.created,
        t.view_deps
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    for c in &t.cols {
        out.push_str(&format!(
            "C\t{}\t{}\t{}\t{}\t{}\t{}",
            esc(&c.name),
            c.ty.code,
            c.ty.len,
            c.ty.xid,
            u8::from(c.notnull),
            esc(&enc_default(&c.default))
        ));
        // Complex types: the registry id in `len` is process-local, so the
        // schema text is kept and re-interned on load.
        if super::complex::is_complex(c.ty.code) {
            out.push('\t');
            out.push_str(&esc(super::complex::schema(c.ty)));
        }
        out.push('\n');
    }
    for k in &t.cons {
        let (rt, rc, rn, cas) = match &k.refs {
            Some((a, b, c, d)) => (esc(a), cols_enc(b), esc(c), u8::from(*d)),
            None => (String::new(), String::new(), String::new(), 0),
        };
        out.push_str(&format!(
            "K\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            esc(&k.name),
            k.constrid,
            k.kind,
            cols_enc(&k.cols),
            esc(k.idx.as_deref().unwrap_or("")),
            esc(k.check.as_deref().unwrap_or("")),
            rt,
            rc,
            rn,
            cas
        ));
    }
    for i in &t.idx {
        let cols = i
            .cols
            .iter()
            .map(|(c, d)| format!("{}{}", if *d { "-" } else { "" }, c))
            .collect::<Vec<_>>()
            .join(",");
        out.push_str(&format!(
            "I\t{}\t{}\t{}\t{}\n",
            esc(&i.name),
            cols,
            u8::from(i.unique),
            u8::from(i.constr)
        ));
    }
    if let Some(v) = &t.view_text {
        out.push_str(&format!("V\t{}\n", esc(v)));
    }
    out
}

/// Reads a definition written by [`encode`].
pub fn decode(s: &str) -> Option<TableMeta> {
    let mut t: Option<TableMeta> = None;
    for line in s.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match (f.first().copied(), t.as_mut()) {
            (Some("T"), None) if f.len() >= 12 => {
                let tabid: i32 = f[1].parse().ok()?;
                t = Some(TableMeta {
                    tabid,
                    name: unesc(f[2]),
                    owner: unesc(f[3]),
                    kind: match f[4] {
                        "V" => TabKind::View,
                        "S" => TabKind::System,
                        _ => TabKind::Table,
                    },
                    sqlite: unesc(f[5]),
                    cols: vec![],
                    cons: vec![],
                    idx: vec![],
                    temp: false,
                    logged: f[6] == "1",
                    lock_row: f[7] == "1",
                    serial_start: f[8].parse().unwrap_or(1),
                    serial8_start: f[9].parse().unwrap_or(1),
                    created: f[10].parse().unwrap_or(0),
                    view_deps: f[11].split(',').filter_map(|x| x.parse().ok()).collect(),
                    view_text: None,
                    key: i64::from(tabid),
                });
            }
            (Some("C"), Some(t)) if f.len() >= 7 => t.cols.push(ColMeta {
                name: unesc(f[1]),
                ty: match f.get(7) {
                    Some(schema) => super::parser::parse_type_text(&unesc(schema)).ok()?.0,
                    None => Ty {
                        code: f[2].parse().ok()?,
                        len: f[3].parse().ok()?,
                        xid: f[4].parse().ok()?,
                    },
                },
                notnull: f[5] == "1",
                default: dec_default(&unesc(f[6])),
            }),
            (Some("K"), Some(t)) if f.len() >= 11 => {
                let opt = |s: &str| if s.is_empty() { None } else { Some(unesc(s)) };
                t.cons.push(ConsMeta {
                    name: unesc(f[1]),
                    constrid: f[2].parse().ok()?,
                    kind: f[3].chars().next()?,
                    cols: cols_dec(f[4]),
                    idx: opt(f[5]),
                    check: opt(f[6]),
                    refs: if f[7].is_empty() {
                        None
                    } else {
                        Some((unesc(f[7]), cols_dec(f[8]), unesc(f[9]), f[10] == "1"))
                    },
                });
            }
            (Some("I"), Some(t)) if f.len() >= 5 => t.idx.push(IndexMeta {
                name: unesc(f[1]),
                cols: f[2]
                    .split(',')
                    .filter(|x| !x.is_empty())
                    .filter_map(|x| {
                        let d = x.starts_with('-');
                        x.trim_start_matches('-').parse().ok().map(|c| (c, d))
                    })
                    .collect(),
                unique: f[3] == "1",
                constr: f[4] == "1",
            }),
            (Some("V"), Some(t)) if f.len() >= 2 => t.view_text = Some(unesc(f[1])),
            _ => return None,
        }
    }
    t
}

/// A system catalogue table: name, tabid, tabtype, columns.
pub type SysTable = (
    &'static str,
    i32,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// System catalogue tables: name, tabid, tabtype and column types.
pub const SYSTEM_TABLES: &[SysTable] = &[
    (
        "systables",
        1,
        "T",
        &[
            ("tabname", "varchar(128)"),
            ("owner", "char(32)"),
            ("partnum", "integer"),
            ("tabid", "serial"),
            ("rowsize", "smallint"),
            ("ncols", "smallint"),
            ("nindexes", "smallint"),
            ("nrows", "float"),
            ("created", "date"),
            ("version", "integer"),
            ("tabtype", "char(1)"),
            ("locklevel", "char(1)"),
            ("npused", "float"),
            ("fextsize", "integer"),
            ("nextsize", "integer"),
            ("flags", "smallint"),
            ("site", "varchar(128)"),
            ("dbname", "varchar(128)"),
            ("type_xid", "integer"),
            ("am_id", "integer"),
            ("pagesize", "integer"),
            ("ustlowts", "datetime year to fraction(5)"),
            ("secpolicyid", "integer"),
            ("protgranularity", "char(1)"),
            ("statchange", "smallint"),
            ("statlevel", "char(1)"),
        ],
    ),
    (
        "syscolumns",
        2,
        "T",
        &[
            ("colname", "varchar(128)"),
            ("tabid", "integer"),
            ("colno", "smallint"),
            ("coltype", "smallint"),
            ("collength", "smallint"),
            ("colmin", "integer"),
            ("colmax", "integer"),
            ("extended_id", "integer"),
            ("seclabelid", "integer"),
            ("colattr", "smallint"),
        ],
    ),
    (
        "sysindices",
        3,
        "T",
        &[
            ("idxname", "varchar(128)"),
            ("owner", "char(32)"),
            ("tabid", "integer"),
            ("idxtype", "char(1)"),
            ("clustered", "char(1)"),
            ("levels", "smallint"),
            ("leaves", "float"),
            ("nunique", "float"),
            ("clust", "float"),
            ("nrows", "float"),
            ("indexkeys", "lvarchar(2048)"),
            ("amid", "integer"),
            ("amparam", "lvarchar(256)"),
            ("collation", "char(32)"),
            ("pagesize", "integer"),
        ],
    ),
    (
        "systabauth",
        4,
        "T",
        &[
            ("grantor", "char(32)"),
            ("grantee", "char(32)"),
            ("tabid", "integer"),
            ("tabauth", "char(9)"),
        ],
    ),
    (
        "syscolauth",
        5,
        "T",
        &[
            ("grantor", "char(32)"),
            ("grantee", "char(32)"),
            ("tabid", "integer"),
            ("colno", "smallint"),
            ("colauth", "char(3)"),
        ],
    ),
    (
        "sysviews",
        6,
        "T",
        &[
            ("tabid", "integer"),
            ("seqno", "smallint"),
            ("viewtext", "char(64)"),
        ],
    ),
    (
        "sysusers",
        7,
        "T",
        &[
            ("username", "char(32)"),
            ("usertype", "char(1)"),
            ("priority", "smallint"),
            ("password", "char(16)"),
            ("defrole", "char(32)"),
        ],
    ),
    (
        "sysdepend",
        8,
        "T",
        &[
            ("btabid", "integer"),
            ("btype", "char(1)"),
            ("dtabid", "integer"),
            ("dtype", "char(1)"),
        ],
    ),
    (
        "syssynonyms",
        9,
        "T",
        &[
            ("owner", "char(32)"),
            ("synname", "varchar(128)"),
            ("created", "date"),
            ("tabid", "integer"),
        ],
    ),
    (
        "syssyntable",
        10,
        "T",
        &[
            ("tabid", "integer"),
            ("servername", "varchar(128)"),
            ("dbname", "varchar(128)"),
            ("owner", "char(32)"),
            ("tabname", "varchar(128)"),
            ("btabid", "integer"),
        ],
    ),
    (
        "sysconstraints",
        11,
        "T",
        &[
            ("constrid", "serial"),
            ("constrname", "varchar(128)"),
            ("owner", "char(32)"),
            ("tabid", "integer"),
            ("constrtype", "char(1)"),
            ("idxname", "varchar(128)"),
            ("collation", "char(32)"),
        ],
    ),
    (
        "sysreferences",
        12,
        "T",
        &[
            ("constrid", "integer"),
            ("primary", "integer"),
            ("ptabid", "integer"),
            ("updrule", "char(1)"),
            ("delrule", "char(1)"),
            ("matchtype", "char(1)"),
            ("range", "char(1)"),
        ],
    ),
    (
        "syschecks",
        13,
        "T",
        &[
            ("constrid", "integer"),
            ("type", "char(1)"),
            ("seqno", "smallint"),
            ("checktext", "char(32)"),
        ],
    ),
    (
        "sysdefaults",
        14,
        "T",
        &[
            ("tabid", "integer"),
            ("colno", "smallint"),
            ("type", "char(1)"),
            ("default", "char(256)"),
            ("class", "char(1)"),
        ],
    ),
    (
        "syscoldepend",
        15,
        "T",
        &[
            ("constrid", "integer"),
            ("tabid", "integer"),
            ("colno", "smallint"),
        ],
    ),
    (
        "sysprocedures",
        16,
        "T",
        &[
            ("procname", "varchar(128)"),
            ("owner", "char(32)"),
            ("procid", "serial"),
            ("mode", "char(1)"),
            ("retsize", "integer"),
            ("symsize", "integer"),
            ("datasize", "integer"),
            ("codesize", "integer"),
            ("numargs", "smallint"),
            ("isproc", "char(1)"),
        ],
    ),
    (
        "sysprocbody",
        17,
        "T",
        &[
            ("procid", "integer"),
            ("datakey", "char(1)"),
            ("seqno", "integer"),
            ("data", "char(256)"),
        ],
    ),
    (
        "sysprocplan",
        18,
        "T",
        &[
            ("procid", "integer"),
            ("planid", "integer"),
            ("datakey", "char(1)"),
            ("seqno", "integer"),
            ("created", "date"),
        ],
    ),
    (
        "sysprocauth",
        19,
        "T",
        &[
            ("grantor", "char(32)"),
            ("grantee", "char(32)"),
            ("procid", "integer"),
            ("procauth", "char(1)"),
        ],
    ),
    (
        "sysblobs",
        20,
        "T",
        &[
            ("spacename", "varchar(128)"),
            ("type", "char(1)"),
            ("tabid", "integer"),
            ("colno", "smallint"),
        ],
    ),
    (
        "sysopclstr",
        21,
        "T",
        &[
            ("owner", "char(32)"),
            ("clstrname", "varchar(128)"),
            ("clstrsize", "integer"),
            ("tabid", "integer"),
        ],
    ),
    (
        "systriggers",
        22,
        "T",
        &[
            ("trigid", "serial"),
            ("trigname", "varchar(128)"),
            ("owner", "char(32)"),
            ("tabid", "integer"),
            ("event", "char(1)"),
        ],
    ),
    (
        "systrigbody",
        23,
        "T",
        &[
            ("trigid", "integer"),
            ("datakey", "char(1)"),
            ("seqno", "integer"),
            ("data", "char(256)"),
        ],
    ),
    (
        "sysdistrib",
        24,
        "T",
        &[
            ("tabid", "integer"),
            ("colno", "smallint"),
            ("seqno", "integer"),
            ("constructed", "date"),
            ("mode", "char(1)"),
        ],
    ),
    (
        "sysfragments",
        25,
        "T",
        &[
            ("fragtype", "char(1)"),
            ("tabid", "integer"),
            ("indexname", "varchar(128)"),
            ("colno", "integer"),
            ("partn", "integer"),
        ],
    ),
    (
        "sysobjstate",
        26,
        "T",
        &[
            ("objtype", "char(1)"),
            ("owner", "char(32)"),
            ("name", "varchar(128)"),
            ("tabid", "integer"),
            ("state", "char(1)"),
        ],
    ),
    (
        "sysviolations",
        27,
        "T",
        &[
            ("targettid", "integer"),
            ("viotid", "integer"),
            ("diatid", "integer"),
            ("maxrows", "integer"),
        ],
    ),
    (
        "sysfragauth",
        28,
        "T",
        &[
            ("grantor", "char(32)"),
            ("grantee", "char(32)"),
            ("tabid", "integer"),
            ("fragment", "varchar(128)"),
            ("fragauth", "char(6)"),
        ],
    ),
    (
        "sysroleauth",
        29,
        "T",
        &[
            ("rolename", "char(32)"),
            ("grantee", "char(32)"),
            ("is_grantable", "char(1)"),
        ],
    ),
    (
        "sysxtdtypes",
        30,
        "T",
        &[
            ("extended_id", "serial"),
            ("domain", "char(1)"),
            ("mode", "char(1)"),
            ("owner", "char(32)"),
            ("name", "varchar(128)"),
            ("type", "integer"),
        ],
    ),
    (
        "sysattrtypes",
        31,
        "T",
        &[
            ("extended_id", "integer"),
            ("seqno", "smallint"),
            ("levelno", "smallint"),
            ("parent_no", "smallint"),
            ("fieldname", "varchar(128)"),
        ],
    ),
    (
        "sysxtddesc",
        32,
        "T",
        &[
            ("extended_id", "integer"),
            ("seqno", "smallint"),
            ("description", "char(256)"),
        ],
    ),
    (
        "sysinherits",
        33,
        "T",
        &[
            ("child", "integer"),
            ("parent", "integer"),
            ("class", "char(1)"),
        ],
    ),
    (
        "syscolattribs",
        34,
        "T",
        &[
            ("tabid", "integer"),
            ("colno", "smallint"),
            ("extentsize", "integer"),
            ("flags", "integer"),
        ],
    ),
    (
        "syslogmap",
        35,
        "T",
        &[
            ("tabloc", "integer"),
            ("tabid", "integer"),
            ("fragid", "integer"),
        ],
    ),
    (
        "syscasts",
        36,
        "T",
        &[
            ("argument_type", "smallint"),
            ("argument_xid", "integer"),
            ("result_type", "smallint"),
            ("result_xid", "integer"),
            ("routine_name", "varchar(128)"),
            ("class", "char(1)"),
        ],
    ),
    (
        "sysxtdtypeauth",
        37,
        "T",
        &[
            ("grantor", "char(32)"),
            ("grantee", "char(32)"),
            ("type", "integer"),
            ("auth", "char(2)"),
        ],
    ),
    (
        "sysroutinelangs",
        38,
        "T",
        &[
            ("langid", "serial"),
            ("langname", "char(30)"),
            ("langinitfunc", "varchar(128)"),
            ("langpath", "char(255)"),
            ("langclass", "char(128)"),
        ],
    ),
    (
        "syslangauth",
        39,
        "T",
        &[
            ("grantor", "char(32)"),
            ("grantee", "char(32)"),
            ("langid", "integer"),
            ("langauth", "char(1)"),
        ],
    ),
    (
        "sysams",
        40,
        "T",
        &[
            ("am_name", "varchar(128)"),
            ("am_owner", "char(32)"),
            ("am_id", "integer"),
            ("am_type", "char(1)"),
            ("am_sptype", "char(1)"),
        ],
    ),
    (
        "systabamdata",
        41,
        "T",
        &[
            ("tabid", "integer"),
            ("am_param", "char(256)"),
            ("am_space", "varchar(128)"),
        ],
    ),
    (
        "sysopclasses",
        42,
        "T",
        &[
            ("opclassname", "varchar(128)"),
            ("owner", "char(32)"),
            ("amid", "integer"),
            ("opclassid", "serial"),
        ],
    ),
    (
        "syserrors",
        43,
        "T",
        &[
            ("sqlstate", "char(5)"),
            ("locale", "char(36)"),
            ("level", "smallint"),
            ("seqno", "smallint"),
            ("message", "varchar(255)"),
        ],
    ),
    (
        "systraceclasses",
        44,
        "T",
        &[("name", "char(18)"), ("classid", "serial")],
    ),
    (
        "systracemsgs",
        45,
        "T",
        &[
            ("name", "char(18)"),
            ("msgid", "serial"),
            ("locale", "char(36)"),
            ("seqno", "smallint"),
            ("message", "char(256)"),
        ],
    ),
    (
        "sysaggregates",
        46,
        "T",
        &[
            ("name", "varchar(128)"),
            ("owner", "char(32)"),
            ("aggid", "serial"),
            ("init_func", "varchar(128)"),
            ("iter_func", "varchar(128)"),
        ],
    ),
    (
        "syssequences",
        47,
        "T",
        &[
            ("seqid", "serial"),
            ("tabid", "integer"),
            ("start_val", "int8"),
            ("inc_val", "int8"),
            ("max_val", "int8"),
            ("min_val", "int8"),
            ("cycle", "char(1)"),
            ("cache", "integer"),
            ("order", "char(1)"),
        ],
    ),
    (
        "sysdomains",
        48,
        "T",
        &[
            ("id", "integer"),
            ("owner", "char(32)"),
            ("name", "varchar(128)"),
            ("type", "smallint"),
        ],
    ),
    (
        "sysindexes",
        49,
        "V",
        &[
            ("idxname", "varchar(128)"),
            ("owner", "char(32)"),
            ("tabid", "integer"),
            ("idxtype", "char(1)"),
            ("clustered", "char(1)"),
            ("part1", "smallint"),
            ("part2", "smallint"),
            ("part3", "smallint"),
            ("part4", "smallint"),
            ("part5", "smallint"),
            ("part6", "smallint"),
            ("part7", "smallint"),
            ("part8", "smallint"),
            ("part9", "smallint"),
            ("part10", "smallint"),
            ("part11", "smallint"),
            ("part12", "smallint"),
            ("part13", "smallint"),
            ("part14", "smallint"),
            ("part15", "smallint"),
            ("part16", "smallint"),
            ("levels", "smallint"),
            ("leaves", "integer"),
            ("nunique", "integer"),
            ("clust", "integer"),
        ],
    ),
    (
        "syscheckudrdep",
        50,
        "T",
        &[("udr_id", "integer"), ("constraint_id", "integer")],
    ),
    (
        "syssecpolicies",
        51,
        "T",
        &[
            ("secpolicyname", "varchar(128)"),
            ("secpolicyid", "integer"),
        ],
    ),
    (
        "systrusteduser",
        52,
        "T",
        &[("username", "char(32)"), ("usertype", "char(1)")],
    ),
];

/// Catalogue tables that DDL maintains: changes to them are undoable.
pub const MAINTAINED: &[&str] = &[
    "systables",
    "syscolumns",
    "sysindices",
    "sysindexes",
    "sysviews",
    "sysconstraints",
    "sysreferences",
    "syschecks",
    "sysdefaults",
    "syscoldepend",
    "sysdepend",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_roundtrip() {
        let t = TableMeta {
            tabid: 100,
            name: "t\tx".into(),
            owner: "informix".into(),
            kind: TabKind::Table,
            sqlite: "\"t\"".into(),
            cols: vec![
                ColMeta {
                    name: "a".into(),
                    ty: Ty::int(),
                    notnull: true,
                    default: Some(DefaultSpec::Lit(Lit::Str("x\ny".into()))),
                },
                ColMeta {
                    name: "b".into(),
                    ty: Ty::decimal(12, 2),
                    notnull: false,
                    default: Some(DefaultSpec::Current(Qual::dt(0, 10))),
                },
            ],
            cons: vec![ConsMeta {
                name: "u100_1".into(),
                constrid: 1,
                kind: 'U',
                cols: vec![0],
                idx: Some(" 100_1".into()),
                check: None,
                refs: Some(("p".into(), vec![0], "u99_1".into(), true)),
            }],
            idx: vec![IndexMeta {
                name: " 100_1".into(),
                cols: vec![(0, false), (1, true)],
                unique: true,
                constr: true,
            }],
            temp: false,
            logged: true,
            lock_row: false,
            serial_start: 1,
            serial8_start: 1,
            view_text: Some("select 1".into()),
            view_deps: vec![100, 101],
            created: 45292,
            key: 100,
        };
        assert_eq!(decode(&encode(&t)), Some(t));
    }
}
