//! Complex types: SET, MULTISET, LIST (collections) and unnamed ROW.
//!
//! [`Ty`] is a small `Copy` value, so a complex type is interned here: its
//! `len` is the 1-based id of a process-wide, append-only registry entry
//! holding the element (or field) types and the schema text that DESCRIBE
//! reports as the extended name (`SET(integer not null)`,
//! `ROW(a integer,b varchar(10))`). Catalogue definitions persist the schema
//! text, never the id.
//!
//! Values are stored in SQLite as canonical text, exactly the body the wire
//! layer sends: `SET{1          ,2          }`, `LIST{'a','b'}`,
//! `ROW('Alice',30         )`. Elements are rendered by type: integers are
//! left-justified and blank-padded to their display width (SMALLINT 6,
//! INTEGER 11, INT8/BIGINT 20), other numbers bare, character, date/time and
//! boolean values single-quoted (quotes doubled), NULL ROW fields `NULL`,
//! nested collections and rows inline. A SET drops duplicate elements.
//! Whole values compare with the `IFXCPLX` collation, which ignores element
//! padding and, for SET and MULTISET, element order.

use super::convert::{self, ConvCtx, Src};
use super::error::SqlError;
use super::types::{self as t, Class, Rep, Ty};
use rusqlite::types::{Value, ValueRef};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// One interned complex type.
#[derive(Debug)]
pub struct CType {
    /// SET, MULTISET, LIST or ROW.
    pub kind: u8,
    /// Element type (collections: one entry, empty name) or named fields.
    pub fields: Vec<(String, Ty)>,
    /// Extended name reported by DESCRIBE.
    pub schema: &'static str,
}

#[derive(Default)]
struct Registry {
    types: Vec<Arc<CType>>,
    by_schema: HashMap<&'static str, u16>,
}

fn registry() -> &'static Mutex<Registry> {
    static REG: OnceLock<Mutex<Registry>> = OnceLock::new();
    REG.get_or_init(|| Mutex::new(Registry::default()))
}

/// True for the four complex type codes.
pub fn is_complex(code: u8) -> bool {
    matches!(code, t::SET | t::MULTISET | t::LIST | t::ROW)
}

fn is_collection(code: u8) -> bool {
    matches!(code, t::SET | t::MULTISET | t::LIST)
}

fn kind_word(kind: u8) -> &'static str {
    match kind {
        t::SET => "SET",
        t::MULTISET => "MULTISET",
        t::LIST => "LIST",
        _ => "ROW",
    }
}

/// Interns a complex type and returns its [`Ty`].
pub fn intern(kind: u8, fields: Vec<(String, Ty)>) -> Result<Ty, SqlError> {
    let schema = if is_collection(kind) {
        let elem = fields.first().map(|f| f.1).unwrap_or_else(Ty::int);
        format!("{}({} not null)", kind_word(kind), type_name(elem))
    } else {
        let parts: Vec<String> = fields
            .iter()
            .map(|(n, ty)| format!("{n} {}", type_name(*ty)))
            .collect();
        format!("ROW({})", parts.join(","))
    };
    let mut reg = registry().lock().map_err(|_| SqlError::new(-9628, 0))?;
    if let Some(&id) = reg.by_schema.get(schema.as_str()) {
        return Ok(Ty::new(kind, id));
    }
    let id = u16::try_from(reg.types.len() + 1).map_err(|_| SqlError::new(-9628, 0))?;
    let schema: &'static str = Box::leak(schema.into_boxed_str());
    reg.types.push(Arc::new(CType {
        kind,
        fields,
        schema,
    }));
    reg.by_schema.insert(schema, id);
    Ok(Ty::new(kind, id))
}

/// The registry entry of a complex [`Ty`].
pub fn get(ty: Ty) -> Option<Arc<CType>> {
    if !is_complex(ty.code) || ty.len == 0 {
        return None;
    }
    let reg = registry().lock().ok()?;
    reg.types.get(usize::from(ty.len) - 1).cloned()
}

/// Extended (schema) name of a complex type.
pub fn schema(ty: Ty) -> &'static str {
    get(ty).map(|c| c.schema).unwrap_or("")
}

fn qual_text(q: t::Qual, interval: bool) -> String {
    let unit = |u: u8| match u {
        t::TU_YEAR => "year".to_string(),
        t::TU_MONTH => "month".to_string(),
        t::TU_DAY => "day".to_string(),
        t::TU_HOUR => "hour".to_string(),
        t::TU_MINUTE => "minute".to_string(),
        t::TU_SECOND => "second".to_string(),
        f => format!("fraction({})", f.saturating_sub(10)),
    };
    let first = if interval && q.start < t::TU_FRAC {
        format!("{}({})", unit(q.start), q.prec)
    } else if q.start >= t::TU_FRAC {
        "fraction".to_string()
    } else {
        unit(q.start)
    };
    format!("{first} to {}", unit(q.end))
}

/// Informix type text of an element or field type (lower case).
pub fn type_name(ty: Ty) -> String {
    match ty.code {
        t::CHAR => format!("char({})", ty.len),
        t::NCHAR => format!("nchar({})", ty.len),
        t::VARCHAR | t::NVARCHAR => {
            let w = if ty.code == t::VARCHAR {
                "varchar"
            } else {
                "nvarchar"
            };
            let (max, min) = (ty.len & 0xFF, ty.len >> 8);
            if min > 0 {
                format!("{w}({max},{min})")
            } else {
                format!("{w}({max})")
            }
        }
        t::UDTVAR => format!("lvarchar({})", ty.len),
        t::SMALLINT => "smallint".into(),
        t::INTEGER => "integer".into(),
        t::SERIAL => "serial".into(),
        t::INT8 => "int8".into(),
        t::SERIAL8 => "serial8".into(),
        t::BIGINT => "bigint".into(),
        t::BIGSERIAL => "bigserial".into(),
        t::FLOAT => "float".into(),
        t::SMALLFLOAT => "smallfloat".into(),
        t::DECIMAL | t::MONEY => {
            let w = if ty.code == t::DECIMAL {
                "decimal"
            } else {
                "money"
            };
            let (p, s) = ty.prec_scale();
            if s == 255 {
                format!("{w}({p})")
            } else {
                format!("{w}({p},{s})")
            }
        }
        t::DATE => "date".into(),
        t::DATETIME => format!("datetime {}", qual_text(ty.qual(), false)),
        t::INTERVAL => format!("interval {}", qual_text(ty.qual(), true)),
        t::TEXT => "text".into(),
        t::BYTE => "byte".into(),
        _ if is_complex(ty.code) => schema(ty).to_string(),
        _ => ty.extended_name().to_string(),
    }
}

/// Element type a constructor gives to a list of argument types: the
/// widest integer, FLOAT if any float, DECIMAL if mixed numbers, a VARCHAR
/// (LVARCHAR above 255 bytes) wide enough for every character value,
/// otherwise the first type.
pub fn join_types(tys: &[Ty]) -> Ty {
    let Some(&first) = tys.iter().find(|t| t.class() != Class::Null) else {
        return Ty::int();
    };
    let classes: Vec<Class> = tys
        .iter()
        .map(|t| t.class())
        .filter(|c| *c != Class::Null)
        .collect();
    let all = |c: Class| classes.iter().all(|x| *x == c);
    let numeric = |c: &Class| matches!(c, Class::Int | Class::Float | Class::Dec);
    if all(Class::Int) {
        let rank = |c: u8| match c {
            t::SMALLINT => 1,
            t::INTEGER | t::SERIAL => 2,
            _ => 3,
        };
        let top = tys
            .iter()
            .filter(|t| t.class() == Class::Int)
            .map(|t| rank(t.code))
            .max()
            .unwrap_or(2);
        return match top {
            1 => Ty::smallint(),
            2 => Ty::int(),
            _ => Ty::bigint(),
        };
    }
    if classes.iter().all(numeric) {
        if classes.contains(&Class::Float) {
            return Ty::float();
        }
        return Ty::decimal(32, 255);
    }
    if all(Class::Char) {
        let n = tys.iter().map(|t| t.max_len()).max().unwrap_or(1).max(1);
        return if n <= 255 {
            Ty::varchar(n as u16, 0)
        } else {
            Ty::lvarchar(n.min(32739) as u16)
        };
    }
    match first.code {
        t::SERIAL => Ty::int(),
        t::SERIAL8 => Ty::int8(),
        t::BIGSERIAL => Ty::bigint(),
        _ => first,
    }
}

// ------------------------------------------------------------- value text

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Renders one element (storage value of `ty`) as it appears in a value.
pub fn render_elem(v: ValueRef<'_>, ty: Ty) -> Result<String, SqlError> {
    if let ValueRef::Null = v {
        return Ok("NULL".to_string());
    }
    let text = convert::text_form(v, Src::of(ty, ty.rep()))?.unwrap_or_default();
    Ok(match ty.class() {
        Class::Int => {
            let w = match ty.code {
                t::SMALLINT => 6,
                t::INTEGER | t::SERIAL => 11,
                _ => 20,
            };
            format!("{text:<w$}")
        }
        Class::Float | Class::Dec => text,
        Class::Complex => text,
        _ => quote(&text),
    })
}

/// Builds a value from rendered elements (SET removes duplicates).
fn assemble(kind: u8, mut items: Vec<String>) -> String {
    if kind == t::SET {
        let mut seen = std::collections::HashSet::new();
        items.retain(|i| seen.insert(i.trim_end().to_string()));
    }
    if kind == t::ROW {
        format!("ROW({})", items.join(","))
    } else {
        format!("{}{{{}}}", kind_word(kind), items.join(","))
    }
}

/// Value of a constructor whose arguments are storage values of the
/// element/field types of `ty` (SQL function `ifx_mkc`).
pub fn construct(ty: Ty, args: &[ValueRef<'_>]) -> Result<String, SqlError> {
    let ct = get(ty).ok_or_else(|| SqlError::new(-9628, 0))?;
    let mut items = Vec::with_capacity(args.len());
    for (i, v) in args.iter().enumerate() {
        let fty = if ct.kind == t::ROW {
            ct.fields.get(i).map(|f| f.1)
        } else {
            ct.fields.first().map(|f| f.1)
        }
        .ok_or_else(|| SqlError::new(-1260, 0))?;
        if ct.kind != t::ROW && matches!(v, ValueRef::Null) {
            return Err(SqlError::new(-9978, 0));
        }
        items.push(render_elem(*v, fty)?);
    }
    Ok(assemble(ct.kind, items))
}

/// Splits a value text into its kind and top-level element texts.
pub fn split(s: &str) -> Option<(u8, Vec<&str>)> {
    let s = s.trim();
    let open = s.find(['{', '('])?;
    let word = s[..open].trim().to_ascii_lowercase();
    let (kind, close) = match (word.as_str(), &s[open..=open]) {
        ("set", "{") => (t::SET, '}'),
        ("multiset", "{") => (t::MULTISET, '}'),
        ("list", "{") => (t::LIST, '}'),
        ("row", "(") => (t::ROW, ')'),
        _ => return None,
    };
    if !s.ends_with(close) {
        return None;
    }
    let inner = &s[open + 1..s.len() - 1];
    let b = inner.as_bytes();
    let mut items = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0usize, 0usize);
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
                if i >= b.len() {
                    return None;
                }
            }
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                items.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if depth != 0 {
        return None;
    }
    let last = inner[start..].trim();
    if !(last.is_empty() && items.is_empty()) {
        items.push(last);
    }
    Some((kind, items))
}

/// One element text as a value: quoted strings unquoted, `NULL`, else the
/// text itself (numbers, nested values).
fn elem_value(tok: &str) -> Value {
    let b = tok.as_bytes();
    if b.len() >= 2 && (b[0] == b'\'' || b[0] == b'"') && b[b.len() - 1] == b[0] {
        let q = char::from(b[0]);
        let inner = &tok[1..tok.len() - 1];
        return Value::Text(inner.replace(&format!("{q}{q}"), &q.to_string()));
    }
    if tok.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    Value::Text(tok.to_string())
}

/// Converts a value text (a literal string or another complex value) to
/// the canonical text of `dst`. -1260 if the text is not a value of a
/// compatible kind (collections convert among themselves, rows need the
/// same number of fields).
pub fn assign(text: &str, dst: Ty, cx: &ConvCtx) -> Result<String, SqlError> {
    let ct = get(dst).ok_or_else(|| SqlError::new(-9628, 0))?;
    let (kind, items) = split(text).ok_or_else(|| SqlError::new(-1260, 0))?;
    if (kind == t::ROW) != (ct.kind == t::ROW)
        || (ct.kind == t::ROW && items.len() != ct.fields.len())
    {
        return Err(SqlError::new(-1260, 0));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, tok) in items.iter().enumerate() {
        let fty = if ct.kind == t::ROW {
            ct.fields[i].1
        } else {
            ct.fields[0].1
        };
        let v = elem_value(tok);
        if ct.kind != t::ROW && v == Value::Null {
            return Err(SqlError::new(-9978, 0));
        }
        let src = Src {
            rep: Rep::Text,
            len: 0,
        };
        let sv = convert::convert((&v).into(), src, fty, cx)?;
        out.push(render_elem((&sv).into(), fty)?);
    }
    Ok(assemble(ct.kind, out))
}

/// Comparison key: kind and element keys, sorted for SET and MULTISET.
fn key(s: &str) -> Option<(u8, Vec<String>)> {
    let (kind, items) = split(s)?;
    let mut keys: Vec<String> = items
        .iter()
        .map(|i| match key(i) {
            Some((k, sub)) => format!("{k}:{}", sub.join("\u{1}")),
            None => i.trim_end().to_string(),
        })
        .collect();
    if matches!(kind, t::SET | t::MULTISET) {
        keys.sort();
    }
    Some((kind, keys))
}

/// The `IFXCPLX` collation.
pub fn collate(a: &str, b: &str) -> Ordering {
    match (key(a), key(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx() -> ConvCtx {
        ConvCtx {
            ansi: false,
            now: [0; 7],
        }
    }

    #[test]
    fn schema_texts() {
        let s = intern(t::SET, vec![(String::new(), Ty::int())]).unwrap();
        assert_eq!(schema(s), "SET(integer not null)");
        let r = intern(
            t::ROW,
            vec![("a".into(), Ty::int()), ("b".into(), Ty::varchar(10, 0))],
        )
        .unwrap();
        assert_eq!(schema(r), "ROW(a integer,b varchar(10))");
        assert_eq!(r.class(), Class::Complex);
        let l = intern(t::LIST, vec![(String::new(), r)]).unwrap();
        assert_eq!(schema(l), "LIST(ROW(a integer,b varchar(10)) not null)");
        // Interning is idempotent.
        assert_eq!(intern(t::SET, vec![(String::new(), Ty::int())]).unwrap(), s);
    }

    #[test]
    fn literal_texts_canonicalise() {
        let s = intern(t::SET, vec![(String::new(), Ty::int())]).unwrap();
        assert_eq!(
            assign("set{1, 2,2}", s, &cx()).unwrap(),
            "SET{1          ,2          }"
        );
        assert_eq!(assign("SET{}", s, &cx()).unwrap(), "SET{}");
        assert_eq!(assign("SET{1,NULL}", s, &cx()).unwrap_err().sqlcode, -9978);
        assert_eq!(assign("ROW(1)", s, &cx()).unwrap_err().sqlcode, -1260);
        let l = intern(t::LIST, vec![(String::new(), Ty::varchar(10, 0))]).unwrap();
        assert_eq!(
            assign("LIST{'a''b', \"c\"}", l, &cx()).unwrap(),
            "LIST{'a''b','c'}"
        );
        let r = intern(
            t::ROW,
            vec![("a".into(), Ty::int()), ("b".into(), Ty::varchar(10, 0))],
        )
        .unwrap();
        assert_eq!(
            assign("ROW(30,'Alice')", r, &cx()).unwrap(),
            "ROW(30         ,'Alice')"
        );
        assert_eq!(assign("ROW(NULL,'x')", r, &cx()).unwrap(), "ROW(NULL,'x')");
        let nested = intern(t::LIST, vec![(String::new(), r)]).unwrap();
        assert_eq!(
            assign("LIST{ROW(1,'a,b'),ROW(2,'c')}", nested, &cx()).unwrap(),
            "LIST{ROW(1          ,'a,b'),ROW(2          ,'c')}"
        );
    }

    #[test]
    fn schema_text_parses_back() {
        for text in [
            "SET(integer not null)",
            "LIST(ROW(a integer,b varchar(10,2)) not null)",
            "ROW(d decimal(10,2),t datetime year to fraction(3),i interval day(3) to minute)",
            "MULTISET(lvarchar(2048) not null)",
        ] {
            let (ty, _) = crate::engine::parser::parse_type_text(text).unwrap();
            assert_eq!(schema(ty), text);
        }
    }

    #[test]
    fn collation_ignores_set_order_and_padding() {
        assert_eq!(collate("SET{1 ,2 }", "SET{2,1}"), Ordering::Equal);
        assert_eq!(
            collate("MULTISET{1,1,2}", "MULTISET{2,1,1}"),
            Ordering::Equal
        );
        assert_ne!(collate("LIST{1,2}", "LIST{2,1}"), Ordering::Equal);
        assert_ne!(collate("SET{1}", "LIST{1}"), Ordering::Equal);
    }

    #[test]
    fn split_handles_quotes_and_nesting() {
        let (k, items) = split("LIST{'a}',SET{1,2},'x''y'}").unwrap();
        assert_eq!(k, t::LIST);
        assert_eq!(items, vec!["'a}'", "SET{1,2}", "'x''y'"]);
        assert!(split("SET(1)").is_none());
        assert!(split("hello").is_none());
    }
}
