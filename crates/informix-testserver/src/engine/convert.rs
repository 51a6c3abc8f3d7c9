//! Value conversion between client parameters, SQLite storage and result
//! cells, with Informix's conversion errors.
//!
//! One function, [`convert`], implements assignment of any value to any
//! column type; parameters, literals and the runtime `ifx_cv()` SQL function
//! all go through it so they agree on rounding, truncation and error codes.

use super::datetime::{self as dt, Fields};
use super::decimal::Dec;
use super::error::SqlError;
use super::types::{self as t, Class, Qual, Rep, Ty};
use super::{Cell, Param};
use rusqlite::types::{Value, ValueRef};

/// What a value to convert is: its storage representation and, for
/// DATETIME/INTERVAL, its qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Src {
    pub rep: Rep,
    pub len: u16,
}

impl Src {
    pub fn of(ty: Ty, rep: Rep) -> Src {
        Src { rep, len: ty.len }
    }
}

/// Per-statement context of a conversion.
#[derive(Debug, Clone, Copy)]
pub struct ConvCtx {
    /// ANSI database: over-long strings are an error, not truncated.
    pub ansi: bool,
    /// CURRENT of the statement (fills missing DATETIME fields).
    pub now: Fields,
}

fn text_of(v: ValueRef<'_>) -> Option<&str> {
    match v {
        ValueRef::Text(b) | ValueRef::Blob(b) => std::str::from_utf8(b).ok(),
        _ => None,
    }
}

fn err(code: i32) -> SqlError {
    SqlError::new(code, 0)
}

/// Reads a numeric value as a decimal (-1213 if it is not a number).
pub fn as_dec(v: ValueRef<'_>) -> Result<Option<Dec>, SqlError> {
    Ok(match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(Dec::from_i64(i)),
        ValueRef::Real(f) => Some(Dec::from_f64(f).ok_or_else(|| err(-1223))?),
        ValueRef::Text(b) | ValueRef::Blob(b) => {
            let s = std::str::from_utf8(b).map_err(|_| err(-1213))?;
            Some(Dec::parse(s).ok_or_else(|| err(-1213))?)
        }
    })
}

fn int_range(code: u8) -> (i64, i64, i32) {
    match code {
        t::SMALLINT => (-32767, 32767, -1214),
        t::INTEGER | t::SERIAL => (-2147483647, 2147483647, -1215),
        _ => (-9223372036854775807, 9223372036854775807, -1284),
    }
}

/// Truncates a string to at most `n` bytes on a character boundary.
fn truncate_bytes(s: &mut String, n: usize) {
    if s.len() > n {
        let mut k = n;
        while k > 0 && !s.is_char_boundary(k) {
            k -= 1;
        }
        s.truncate(k);
    }
}

/// Text form of any value, as Informix converts it to a character type.
pub fn text_form(v: ValueRef<'_>, src: Src) -> Result<Option<String>, SqlError> {
    Ok(Some(match (v, src.rep) {
        (ValueRef::Null, _) => return Ok(None),
        (ValueRef::Integer(i), Rep::Date) => dt::date_text(i),
        (ValueRef::Integer(i), Rep::IvInt) => dt::iv_text(i, Qual::decode(src.len)),
        (ValueRef::Integer(i), Rep::Bool) => if i != 0 { "t" } else { "f" }.to_string(),
        (ValueRef::Integer(i), _) => i.to_string(),
        (ValueRef::Real(f), _) => float_text(f),
        (ValueRef::Text(b), _) | (ValueRef::Blob(b), _) => String::from_utf8_lossy(b).into_owned(),
    }))
}

/// Shortest text of a float, as Informix prints FLOAT in character context.
pub fn float_text(f: f64) -> String {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Converts a value to the storage form of `dst`.
pub fn convert(v: ValueRef<'_>, src: Src, dst: Ty, cx: &ConvCtx) -> Result<Value, SqlError> {
    if let ValueRef::Null = v {
        return Ok(Value::Null);
    }
    match dst.class() {
        Class::Int => {
            let i = match (v, src.rep) {
                (ValueRef::Integer(i), Rep::DtText | Rep::IvInt) => {
                    if src.rep == Rep::IvInt {
                        return Err(err(-1260));
                    }
                    i
                }
                (ValueRef::Integer(i), _) => i,
                (ValueRef::Real(f), _) => {
                    if !f.is_finite() || f.abs() >= 9.3e18 {
                        return Err(err(int_range(dst.code).2));
                    }
                    f.trunc() as i64
                }
                _ => {
                    if src.rep == Rep::DtText {
                        return Err(err(-1260));
                    }
                    let d = as_dec(v)?.ok_or_else(|| err(-1213))?;
                    d.to_i64_trunc().ok_or_else(|| err(int_range(dst.code).2))?
                }
            };
            let (lo, hi, code) = int_range(dst.code);
            if i < lo || i > hi {
                return Err(err(code));
            }
            Ok(Value::Integer(i))
        }
        Class::Float => {
            let f = match v {
                ValueRef::Integer(i) => i as f64,
                ValueRef::Real(f) => f,
                _ => {
                    let s = text_of(v).ok_or_else(|| err(-1213))?.trim();
                    s.parse::<f64>().map_err(|_| err(-1213))?
                }
            };
            if dst.code == t::SMALLFLOAT {
                if f.is_finite() && f.abs() > f64::from(f32::MAX) {
                    return Err(err(-1222));
                }
                return Ok(Value::Real(f64::from(f as f32)));
            }
            Ok(Value::Real(f))
        }
        Class::Dec => {
            if matches!(src.rep, Rep::Date | Rep::DtText | Rep::IvInt) {
                return Err(err(-1260));
            }
            let d = as_dec(v)?.ok_or_else(|| err(-1213))?;
            let (p, s) = dst.prec_scale();
            Ok(Value::Text(d.fit(p, s)?.to_text()))
        }
        Class::Char => {
            let mut s = match text_form(v, src)? {
                Some(s) => s,
                None => return Ok(Value::Null),
            };
            if dst.code == t::TEXT {
                return Ok(Value::Text(s));
            }
            let max = dst.max_len();
            if s.len() > max {
                if cx.ansi && dst.code != t::UDTVAR && s[..].trim_end_matches(' ').len() > max {
                    return Err(err(-1279));
                }
                truncate_bytes(&mut s, max);
            }
            if dst.is_char_fixed() && s.len() < max {
                s.extend(std::iter::repeat_n(' ', max - s.len()));
            }
            Ok(Value::Text(s))
        }
        Class::Date => match (v, src.rep) {
            (ValueRef::Integer(i), Rep::Int | Rep::Date) => check_day(i),
            (ValueRef::Real(f), _) => check_day(f.trunc() as i64),
            (_, Rep::DtText) => {
                let s = text_of(v).ok_or_else(|| err(-1218))?;
                let f = dt::parse_dt(s, Qual::decode(src.len))?;
                let g = dt::extend(
                    &f,
                    Qual::decode(src.len),
                    Qual::dt(t::TU_YEAR, t::TU_DAY),
                    &cx.now,
                )?;
                dt::make_date(g[0], g[1], g[2]).map(Value::Integer)
            }
            (_, Rep::Dec) => {
                let d = as_dec(v)?.ok_or_else(|| err(-1218))?;
                check_day(d.to_i64_trunc().ok_or_else(|| err(-1218))?)
            }
            (ValueRef::Text(_), _) => {
                let s = text_of(v).ok_or_else(|| err(-1218))?;
                if let Ok(d) = dt::parse_date(s) {
                    return Ok(Value::Integer(d));
                }
                // A full DATETIME string also converts to its date part.
                match dt::parse_dt_auto(s) {
                    Ok((f, q)) if q.start == t::TU_YEAR && q.end >= t::TU_DAY => {
                        dt::make_date(f[0], f[1], f[2]).map(Value::Integer)
                    }
                    _ => dt::parse_date(s).map(Value::Integer),
                }
            }
            _ => Err(err(-1260)),
        },
        Class::DateTime => {
            let q = dst.qual();
            let f = match (v, src.rep) {
                (ValueRef::Integer(d), Rep::Date) => dt::extend(
                    &dt::fields_from_day(d),
                    Qual::dt(t::TU_YEAR, t::TU_DAY),
                    q,
                    &cx.now,
                )?,
                (_, Rep::DtText) => {
                    let s = text_of(v).ok_or_else(|| err(-1262))?;
                    let sq = Qual::decode(src.len);
                    if sq == q {
                        return Ok(Value::Text(s.to_string()));
                    }
                    match dt::parse_dt(s, sq) {
                        Ok(f) => dt::extend(&f, sq, q, &cx.now)?,
                        Err(_) => {
                            let (f, aq) = dt::parse_dt_auto(s)?;
                            dt::extend(&f, aq, q, &cx.now)?
                        }
                    }
                }
                (ValueRef::Text(_), _) => {
                    let s = text_of(v).ok_or_else(|| err(-1262))?;
                    match dt::parse_dt(s, q) {
                        Ok(f) => f,
                        Err(e) => match dt::parse_dt_auto(s) {
                            Ok((f, aq)) if aq.start != q.start => dt::extend(&f, aq, q, &cx.now)?,
                            _ => return Err(e),
                        },
                    }
                }
                _ => return Err(err(-1260)),
            };
            Ok(Value::Text(dt::dt_text(&f, q)))
        }
        Class::Interval => {
            let q = dst.qual();
            match (v, src.rep) {
                (ValueRef::Integer(i), Rep::IvInt) => {
                    if Qual::decode(src.len).is_year_month() != q.is_year_month() {
                        return Err(err(-1266));
                    }
                    Ok(Value::Integer(dt::iv_truncate(i, q)))
                }
                (ValueRef::Text(_), _) => {
                    let s = text_of(v).ok_or_else(|| err(-1262))?;
                    Ok(Value::Integer(dt::parse_iv_for(s, q)?))
                }
                (ValueRef::Integer(i), Rep::Int) => Ok(Value::Integer(dt::parse_iv(
                    &i.to_string(),
                    Qual { prec: 9, ..q },
                )?)),
                _ => Err(err(-1260)),
            }
        }
        Class::Bool => match v {
            ValueRef::Integer(0) => Ok(Value::Integer(0)),
            ValueRef::Integer(1) => Ok(Value::Integer(1)),
            ValueRef::Text(_) => match text_of(v).map(str::trim) {
                Some("t") | Some("T") => Ok(Value::Integer(1)),
                Some("f") | Some("F") => Ok(Value::Integer(0)),
                _ => Err(err(-9648)),
            },
            _ => Err(err(-9648)),
        },
        Class::Byte => Ok(match v {
            ValueRef::Blob(b) | ValueRef::Text(b) => Value::Blob(b.to_vec()),
            ValueRef::Integer(i) => Value::Blob(i.to_string().into_bytes()),
            ValueRef::Real(f) => Value::Blob(f.to_string().into_bytes()),
            ValueRef::Null => Value::Null,
        }),
        Class::Complex => {
            let text = text_form(v, src)?.unwrap_or_default();
            Ok(Value::Text(super::complex::assign(&text, dst, cx)?))
        }
        Class::Null => Ok(match v {
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(b) => Value::Text(String::from_utf8_lossy(b).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            ValueRef::Null => Value::Null,
        }),
    }
}

fn check_day(d: i64) -> Result<Value, SqlError> {
    if !(dt::MIN_DAY..=dt::MAX_DAY).contains(&d) {
        return Err(err(-1204));
    }
    Ok(Value::Integer(d))
}

/// A client parameter as a SQLite value plus what it is.
pub fn param_value(p: &Param) -> (Value, Src) {
    let text = |s: &str| {
        (
            Value::Text(s.to_string()),
            Src {
                rep: Rep::Text,
                len: 0,
            },
        )
    };
    match p {
        Param::Null => (
            Value::Null,
            Src {
                rep: Rep::Null,
                len: 0,
            },
        ),
        Param::Int(i) => (
            Value::Integer(*i),
            Src {
                rep: Rep::Int,
                len: 10,
            },
        ),
        Param::Float(f) => (
            Value::Real(*f),
            Src {
                rep: Rep::Real,
                len: 8,
            },
        ),
        Param::Text(s) => text(s),
        Param::Decimal(s) => (
            Value::Text(s.clone()),
            Src {
                rep: Rep::Dec,
                len: 0x20FF,
            },
        ),
        Param::Date(d) => (
            Value::Integer(i64::from(*d)),
            Src {
                rep: Rep::Date,
                len: 4,
            },
        ),
        Param::DateTime(s) | Param::Interval(s) => text(s),
        Param::Bytes(b) => (
            Value::Blob(b.clone()),
            Src {
                rep: Rep::Blob,
                len: 0,
            },
        ),
    }
}

/// The SQL text of a storage value.
pub fn sql_literal(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => {
            if f.is_finite() {
                format!("{f:e}")
            } else {
                "NULL".into()
            }
        }
        Value::Text(s) => quote(s),
        Value::Blob(b) => {
            let mut s = String::with_capacity(b.len() * 2 + 3);
            s.push_str("X'");
            for x in b {
                s.push_str(&format!("{x:02X}"));
            }
            s.push('\'');
            s
        }
    }
}

/// Single-quoted SQL string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Double-quoted SQLite identifier.
pub fn ident(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// How a result column turns into cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutConv {
    pub ty: Ty,
    pub rep: Rep,
}

/// [`to_cell`] into `slot`, reusing the buffer of a text cell already there.
pub fn to_cell_into(v: ValueRef<'_>, oc: OutConv, slot: &mut Cell) -> Result<(), SqlError> {
    if let (ValueRef::Text(b), Cell::Text(buf)) = (v, &mut *slot) {
        // The classes whose text values `to_cell` copies verbatim.
        let verbatim = match oc.ty.class() {
            Class::Char
            | Class::DateTime
            | Class::Interval
            | Class::Bool
            | Class::Null
            | Class::Complex => true,
            Class::Dec => oc.rep == Rep::Dec,
            _ => false,
        };
        if verbatim && let Ok(text) = std::str::from_utf8(b) {
            buf.clear();
            buf.push_str(text);
            return Ok(());
        }
    }
    *slot = to_cell(v, oc)?;
    Ok(())
}

/// Converts one SQLite result value into the cell the wire layer encodes
/// for the described type.
pub fn to_cell(v: ValueRef<'_>, oc: OutConv) -> Result<Cell, SqlError> {
    if let ValueRef::Null = v {
        return Ok(Cell::Null);
    }
    let ty = oc.ty;
    Ok(match ty.class() {
        Class::Int => {
            let i = match v {
                ValueRef::Integer(i) => i,
                ValueRef::Real(f) => f.trunc() as i64,
                _ => as_dec(v)?
                    .and_then(|d| d.to_i64_trunc())
                    .ok_or_else(|| err(-1213))?,
            };
            let (lo, hi, code) = int_range(ty.code);
            if i < lo || i > hi {
                return Err(err(code));
            }
            Cell::Int(i)
        }
        Class::Float => match v {
            ValueRef::Real(f) => Cell::Float(f),
            ValueRef::Integer(i) => Cell::Float(i as f64),
            _ => Cell::Float(
                text_of(v)
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| err(-1213))?,
            ),
        },
        Class::Dec => match v {
            ValueRef::Integer(i) => Cell::Int(i),
            ValueRef::Real(f) => {
                let d = Dec::from_f64(f).ok_or_else(|| err(-1223))?;
                let (p, s) = ty.prec_scale();
                Cell::Text(d.fit(p, s).unwrap_or(d).to_text())
            }
            ValueRef::Text(b) | ValueRef::Blob(b) => {
                let s = std::str::from_utf8(b).map_err(|_| err(-1213))?;
                if oc.rep == Rep::Dec {
                    Cell::Text(s.to_string())
                } else {
                    Cell::Text(Dec::parse(s).ok_or_else(|| err(-1213))?.to_text())
                }
            }
            ValueRef::Null => Cell::Null,
        },
        Class::Char => match v {
            ValueRef::Text(b) => Cell::Text(String::from_utf8_lossy(b).into_owned()),
            other => Cell::Text(
                text_form(
                    other,
                    Src {
                        rep: oc.rep,
                        len: ty.len,
                    },
                )?
                .unwrap_or_default(),
            ),
        },
        Class::Date => match v {
            ValueRef::Integer(i) => Cell::Int(i),
            ValueRef::Real(f) => Cell::Int(f.trunc() as i64),
            _ => Cell::Int(dt::parse_date(text_of(v).unwrap_or(""))?),
        },
        Class::DateTime => match v {
            ValueRef::Text(b) => Cell::Text(String::from_utf8_lossy(b).into_owned()),
            _ => return Err(err(-1260)),
        },
        Class::Interval => match v {
            ValueRef::Integer(i) => Cell::Text(dt::iv_text(i, ty.qual())),
            ValueRef::Text(b) => Cell::Text(String::from_utf8_lossy(b).into_owned()),
            _ => return Err(err(-1260)),
        },
        Class::Bool => match v {
            ValueRef::Integer(i) => Cell::Text(if i != 0 { "t" } else { "f" }.into()),
            ValueRef::Text(b) => Cell::Text(String::from_utf8_lossy(b).into_owned()),
            _ => return Err(err(-9648)),
        },
        Class::Byte => match v {
            ValueRef::Blob(b) | ValueRef::Text(b) => Cell::Bytes(b.to_vec()),
            _ => return Err(err(-1260)),
        },
        Class::Complex => Cell::Text(
            text_form(
                v,
                Src {
                    rep: oc.rep,
                    len: ty.len,
                },
            )?
            .unwrap_or_default(),
        ),
        Class::Null => match v {
            ValueRef::Integer(i) => Cell::Int(i),
            ValueRef::Real(f) => Cell::Float(f),
            ValueRef::Text(b) => Cell::Text(String::from_utf8_lossy(b).into_owned()),
            ValueRef::Blob(b) => Cell::Bytes(b.to_vec()),
            ValueRef::Null => Cell::Null,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(ansi: bool) -> ConvCtx {
        ConvCtx {
            ansi,
            now: [2024, 5, 6, 7, 8, 9, 0],
        }
    }
    fn cv(p: Param, ty: Ty) -> Result<Value, i32> {
        let (v, s) = param_value(&p);
        convert((&v).into(), s, ty, &cx(false)).map_err(|e| e.sqlcode)
    }

    #[test]
    fn numeric_conversions() {
        assert_eq!(
            cv(Param::Text("12".into()), Ty::int()),
            Ok(Value::Integer(12))
        );
        assert_eq!(cv(Param::Text("abc".into()), Ty::int()), Err(-1213));
        assert_eq!(cv(Param::Int(40000), Ty::smallint()), Err(-1214));
        assert_eq!(cv(Param::Int(1 << 40), Ty::int()), Err(-1215));
        assert_eq!(
            cv(Param::Decimal("12.7".into()), Ty::int()),
            Ok(Value::Integer(12))
        );
        assert_eq!(
            cv(Param::Decimal("1234.567".into()), Ty::decimal(6, 2)),
            Ok(Value::Text("1234.57".into()))
        );
        assert_eq!(
            cv(Param::Decimal("12345.5".into()), Ty::decimal(6, 2)),
            Err(-1226)
        );
        assert_eq!(
            cv(Param::Float(0.1), Ty::decimal(12, 2)),
            Ok(Value::Text("0.10".into()))
        );
        assert_eq!(cv(Param::Int(i64::MIN), Ty::bigint()), Err(-1284));
    }

    #[test]
    fn char_conversions() {
        assert_eq!(
            cv(Param::Text("ab".into()), Ty::char(4)),
            Ok(Value::Text("ab  ".into()))
        );
        assert_eq!(
            cv(Param::Text("abcdef".into()), Ty::varchar(3, 0)),
            Ok(Value::Text("abc".into()))
        );
        let (v, s) = param_value(&Param::Text("abcdef".into()));
        assert_eq!(
            convert((&v).into(), s, Ty::varchar(3, 0), &cx(true)).map_err(|e| e.sqlcode),
            Err(-1279)
        );
        assert_eq!(
            cv(Param::Date(45292), Ty::char(10)),
            Ok(Value::Text("2024-01-02".into()))
        );
    }

    #[test]
    fn temporal_conversions() {
        assert_eq!(
            cv(Param::Text("2024-01-02".into()), Ty::date()),
            Ok(Value::Integer(45292))
        );
        assert_eq!(cv(Param::Text("2024-02-30".into()), Ty::date()), Err(-1206));
        let ys = Ty::datetime(Qual::dt(t::TU_YEAR, t::TU_SECOND));
        assert_eq!(
            cv(Param::DateTime("2024-01-02 03:04:05.12345".into()), ys),
            Ok(Value::Text("2024-01-02 03:04:05".into()))
        );
        let hm = Ty::datetime(Qual::dt(t::TU_HOUR, t::TU_MINUTE));
        assert_eq!(
            cv(Param::DateTime("2024-01-02 03:04:05".into()), hm),
            Ok(Value::Text("03:04".into()))
        );
        assert_eq!(
            cv(Param::Date(45292), ys),
            Ok(Value::Text("2024-01-02 00:00:00".into()))
        );
        let iv = Ty::interval(Qual::iv(t::TU_DAY, t::TU_SECOND));
        assert_eq!(
            cv(Param::Interval("-1 00:00:01".into()), iv),
            Ok(Value::Integer(-(dt::UNITS_DAY + dt::UNITS_SECOND)))
        );
        assert_eq!(cv(Param::Text("x".into()), Ty::boolean()), Err(-9648));
        assert_eq!(
            cv(Param::Text("T".into()), Ty::boolean()),
            Ok(Value::Integer(1))
        );
    }

    #[test]
    fn cells() {
        let c = to_cell(
            ValueRef::Integer(14),
            OutConv {
                ty: Ty::interval(Qual {
                    start: 0,
                    end: 2,
                    prec: 4,
                }),
                rep: Rep::IvInt,
            },
        );
        assert_eq!(c, Ok(Cell::Text("1-02".into())));
        let c = to_cell(
            ValueRef::Integer(1),
            OutConv {
                ty: Ty::boolean(),
                rep: Rep::Bool,
            },
        );
        assert_eq!(c, Ok(Cell::Text("t".into())));
        let c = to_cell(
            ValueRef::Integer(1 << 40),
            OutConv {
                ty: Ty::int(),
                rep: Rep::Int,
            },
        );
        assert_eq!(c.map_err(|e| e.sqlcode), Err(-1215));
    }
}
