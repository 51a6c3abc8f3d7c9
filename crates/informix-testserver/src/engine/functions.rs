//! SQLite user functions, aggregates and collations the emitted SQL uses.
//!
//! Errors raised here carry an Informix sqlcode through SQLite's error
//! message (see [`SqlError::encode`]).

use super::convert::{self, ConvCtx, Src, as_dec};
use super::datetime::{self as dt};
use super::db::{Shared, UndoRec};
use super::decimal::{self, Dec};
use super::error::{SqlError, fn_err};
use super::types::{Qual, Rep, Ty};
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, Result};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Sentinel that makes NULL a key value in unique indexes (Informix
/// allows one NULL per unique column).
pub const NULL_KEY: &[u8] = b"\0IFXNULL";

pub fn rep_of(code: i64) -> Rep {
    match code {
        0 => Rep::Int,
        1 => Rep::Real,
        2 => Rep::Dec,
        3 => Rep::Text,
        4 => Rep::Date,
        5 => Rep::DtText,
        6 => Rep::IvInt,
        7 => Rep::Bool,
        8 => Rep::Blob,
        10 => Rep::Complex,
        _ => Rep::Null,
    }
}

fn owned(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(b) => Value::Text(String::from_utf8_lossy(b).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn ierr(code: i32) -> rusqlite::Error {
    fn_err(SqlError::new(code, 0))
}

fn dec_arg(ctx: &Context<'_>, i: usize) -> Result<Option<Dec>> {
    as_dec(ctx.get_raw(i)).map_err(fn_err)
}

fn int_arg(ctx: &Context<'_>, i: usize) -> Result<Option<i64>> {
    Ok(match ctx.get_raw(i) {
        ValueRef::Null => None,
        ValueRef::Integer(v) => Some(v),
        ValueRef::Real(f) => Some(f as i64),
        v => as_dec(v).map_err(fn_err)?.and_then(|d| d.to_i64_trunc()),
    })
}

fn text_arg(ctx: &Context<'_>, i: usize) -> Option<String> {
    match ctx.get_raw(i) {
        ValueRef::Null => None,
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
        ValueRef::Integer(v) => Some(v.to_string()),
        ValueRef::Real(f) => Some(convert::float_text(f)),
    }
}

/// Decimal result text; `scale` < 0 keeps the natural scale.
fn dec_out(d: Dec, scale: i64) -> Value {
    if scale >= 0 {
        let s = scale.min(64) as i32;
        Value::Text(d.rescale(s).unwrap_or(d).to_text())
    } else {
        Value::Text(d.normalize().to_text())
    }
}

fn now_fields(sh: &Shared) -> dt::Fields {
    dt::fields_from_micros(sh.now_us.load(Ordering::Relaxed))
}

const DET: FunctionFlags = FunctionFlags::SQLITE_UTF8.union(FunctionFlags::SQLITE_DETERMINISTIC);
const NONDET: FunctionFlags = FunctionFlags::SQLITE_UTF8;

/// `LIKE` with Informix rules: case-sensitive, `\` default escape.
pub fn like(s: &str, pat: &str, esc: Option<char>) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pat.chars().collect();
    let esc = esc.unwrap_or('\\');
    fn rec(s: &[char], p: &[char], esc: char) -> bool {
        let (mut si, mut pi) = (0, 0);
        let (mut star_p, mut star_s) = (usize::MAX, 0);
        while si < s.len() {
            if pi < p.len() {
                let c = p[pi];
                if c == esc && pi + 1 < p.len() {
                    if p[pi + 1] == s[si] {
                        si += 1;
                        pi += 2;
                        continue;
                    }
                } else if c == '%' {
                    star_p = pi;
                    star_s = si;
                    pi += 1;
                    continue;
                } else if c == '_' || c == s[si] {
                    si += 1;
                    pi += 1;
                    continue;
                }
            }
            if star_p != usize::MAX {
                pi = star_p + 1;
                star_s += 1;
                si = star_s;
                continue;
            }
            return false;
        }
        while pi < p.len() && p[pi] == '%' {
            pi += 1;
        }
        pi == p.len()
    }
    rec(&s, &p, esc)
}

/// `MATCHES`: `*`, `?`, `[...]`, `[^...]`, case-sensitive, `\` escape.
pub fn matches(s: &str, pat: &str, esc: Option<char>) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pat.chars().collect();
    let esc = esc.unwrap_or('\\');
    fn class(p: &[char], mut i: usize, c: char) -> Option<(bool, usize)> {
        // p[i] == '['; returns (matched, index after ']').
        i += 1;
        let neg = i < p.len() && (p[i] == '^' || p[i] == '!');
        if neg {
            i += 1;
        }
        let mut hit = false;
        let mut first = true;
        while i < p.len() && (p[i] != ']' || first) {
            first = false;
            if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
                if p[i] <= c && c <= p[i + 2] {
                    hit = true;
                }
                i += 3;
            } else {
                if p[i] == c {
                    hit = true;
                }
                i += 1;
            }
        }
        if i >= p.len() {
            return None;
        }
        Some((hit != neg, i + 1))
    }
    fn rec(s: &[char], p: &[char], esc: char) -> bool {
        if p.is_empty() {
            return s.is_empty();
        }
        match p[0] {
            '*' => (0..=s.len()).any(|k| rec(&s[k..], &p[1..], esc)),
            '?' => !s.is_empty() && rec(&s[1..], &p[1..], esc),
            '[' => {
                if s.is_empty() {
                    return false;
                }
                match class(p, 0, s[0]) {
                    Some((true, next)) => rec(&s[1..], &p[next..], esc),
                    Some((false, _)) => false,
                    None => s[0] == '[' && rec(&s[1..], &p[1..], esc),
                }
            }
            c if c == esc && p.len() > 1 => {
                !s.is_empty() && s[0] == p[1] && rec(&s[1..], &p[2..], esc)
            }
            c => !s.is_empty() && s[0] == c && rec(&s[1..], &p[1..], esc),
        }
    }
    rec(&s, &p, esc)
}

struct DecSum;
impl Aggregate<Option<Dec>, Value> for DecSum {
    fn init(&self, _: &mut Context<'_>) -> Result<Option<Dec>> {
        Ok(None)
    }
    fn step(&self, ctx: &mut Context<'_>, acc: &mut Option<Dec>) -> Result<()> {
        if let Some(d) = dec_arg(ctx, 0)? {
            *acc = Some(match acc.take() {
                None => d,
                Some(a) => a.add(d).map_err(fn_err)?,
            });
        }
        Ok(())
    }
    fn finalize(&self, _: &mut Context<'_>, acc: Option<Option<Dec>>) -> Result<Value> {
        Ok(match acc.flatten() {
            Some(d) => Value::Text(d.to_text()),
            None => Value::Null,
        })
    }
}

struct DecAvg;
impl Aggregate<(Option<Dec>, i64), Value> for DecAvg {
    fn init(&self, _: &mut Context<'_>) -> Result<(Option<Dec>, i64)> {
        Ok((None, 0))
    }
    fn step(&self, ctx: &mut Context<'_>, acc: &mut (Option<Dec>, i64)) -> Result<()> {
        if let Some(d) = dec_arg(ctx, 0)? {
            acc.0 = Some(match acc.0.take() {
                None => d,
                Some(a) => a.add(d).map_err(fn_err)?,
            });
            acc.1 += 1;
        }
        Ok(())
    }
    fn finalize(&self, _: &mut Context<'_>, acc: Option<(Option<Dec>, i64)>) -> Result<Value> {
        match acc {
            Some((Some(s), n)) if n > 0 => Ok(Value::Text(
                s.div(Dec::from_i64(n)).map_err(fn_err)?.to_text(),
            )),
            _ => Ok(Value::Null),
        }
    }
}

/// Registers everything on a connection.
pub fn register(conn: &Connection, sh: &Arc<Shared>) -> Result<()> {
    conn.create_collation("IFXDEC", decimal::collate)?;
    conn.create_collation("IFXCPLX", super::complex::collate)?;

    // ifx_mkc(type_code, type_len, e1, e2, ...): SET{..}/MULTISET{..}/LIST{..}/ROW(..)
    // constructor over storage values of the element (field) types.
    conn.create_scalar_function("ifx_mkc", -1, DET, |ctx| {
        let ty = Ty::new(ctx.get::<i64>(0)? as u8, ctx.get::<i64>(1)? as u16);
        let args: Vec<ValueRef<'_>> = (2..ctx.len()).map(|i| ctx.get_raw(i)).collect();
        super::complex::construct(ty, &args).map_err(fn_err)
    })?;

    let s = sh.clone();
    conn.create_scalar_function("ifx_cv", 7, DET, move |ctx| {
        let v = ctx.get_raw(0);
        let src = Src {
            rep: rep_of(ctx.get::<i64>(1)?),
            len: ctx.get::<i64>(2)? as u16,
        };
        let dst = Ty {
            code: ctx.get::<i64>(3)? as u8,
            len: ctx.get::<i64>(4)? as u16,
            xid: ctx.get::<i64>(5)? as u8,
        };
        let cx = ConvCtx {
            ansi: ctx.get::<i64>(6)? != 0,
            now: now_fields(&s),
        };
        convert::convert(v, src, dst, &cx).map_err(fn_err)
    })?;

    let s = sh.clone();
    conn.create_scalar_function("ifx_serial", 3, NONDET, move |ctx| {
        let key = ctx.get::<i64>(0)?;
        let kind = ctx.get::<i64>(1)?;
        let v = int_arg(ctx, 2)?;
        let mut cap = s.cap.lock().map_err(|_| ierr(-201))?;
        let c = cap.serials.entry(key).or_insert((0, 0));
        let ctr = if kind == 4 { &mut c.0 } else { &mut c.1 };
        let out = match v {
            None | Some(0) => {
                if kind == 4 && *ctr >= 2147483647 {
                    *ctr = 0;
                }
                *ctr += 1;
                *ctr
            }
            Some(x) => {
                if x > *ctr {
                    *ctr = x;
                }
                x
            }
        };
        if kind == 4 {
            cap.last_serial = Some(out);
        } else {
            cap.last_serial8 = Some(out);
        }
        cap.serial_dirty = true;
        Ok(out)
    })?;

    let s = sh.clone();
    conn.create_scalar_function("ifx_undo", -1, NONDET, move |ctx| {
        let mut cap = s.cap.lock().map_err(|_| ierr(-201))?;
        if !cap.active {
            return Ok(Value::Null);
        }
        let key = ctx.get::<i64>(0)?;
        let op = ctx.get::<i64>(1)?;
        let rowid = ctx.get::<i64>(2)?;
        let Some(tab) = cap.tabs.get(&key).cloned() else {
            return Ok(Value::Null);
        };
        let rec = match op {
            1 => UndoRec::Ins(tab, rowid),
            _ => {
                let vals = (3..ctx.len()).map(|i| owned(ctx.get_raw(i))).collect();
                if op == 2 {
                    UndoRec::Upd(tab, rowid, vals)
                } else {
                    UndoRec::Del(tab, rowid, vals)
                }
            }
        };
        cap.log.push(rec);
        Ok(Value::Null)
    })?;

    conn.create_scalar_function("ifx_key", 1, DET, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => Value::Blob(NULL_KEY.to_vec()),
            v => owned(v),
        })
    })?;

    for (name, op) in [
        ("ifx_dadd", 0),
        ("ifx_dsub", 1),
        ("ifx_dmul", 2),
        ("ifx_ddiv", 3),
    ] {
        conn.create_scalar_function(name, 3, DET, move |ctx| {
            let (Some(a), Some(b)) = (dec_arg(ctx, 0)?, dec_arg(ctx, 1)?) else {
                return Ok(Value::Null);
            };
            let r = match op {
                0 => a.add(b),
                1 => a.sub(b),
                2 => a.mul(b),
                _ => a.div(b),
            }
            .map_err(fn_err)?;
            Ok(dec_out(r, ctx.get::<i64>(2)?))
        })?;
    }
    conn.create_scalar_function("ifx_dneg", 1, DET, |ctx| {
        Ok(dec_arg(ctx, 0)?.map(|d| d.neg().to_text()))
    })?;
    conn.create_scalar_function("ifx_dabs", 1, DET, |ctx| {
        Ok(dec_arg(ctx, 0)?.map(|d| if d.m < 0 { d.neg() } else { d }.to_text()))
    })?;
    for (name, trunc) in [("ifx_dround", false), ("ifx_dtrunc", true)] {
        conn.create_scalar_function(name, 2, DET, move |ctx| {
            let (Some(d), Some(n)) = (dec_arg(ctx, 0)?, int_arg(ctx, 1)?) else {
                return Ok(None);
            };
            let n = n.clamp(-32, 32) as i32;
            let r = if trunc {
                if d.s > n {
                    let k = (d.s - n) as u32;
                    Dec {
                        m: d.m / 10i128.pow(k.min(38)),
                        s: n,
                    }
                } else {
                    d
                }
            } else {
                d.rescale(n.min(d.s.max(n))).unwrap_or(d)
            };
            let r = if r.s < 0 {
                r.rescale(0).unwrap_or(r)
            } else {
                r
            };
            Ok(Some(r.to_text()))
        })?;
    }
    conn.create_scalar_function("ifx_fround", 3, DET, |ctx| {
        let Some(f) = (match ctx.get_raw(0) {
            ValueRef::Null => None,
            ValueRef::Integer(i) => Some(i as f64),
            ValueRef::Real(f) => Some(f),
            v => as_dec(v).map_err(fn_err)?.map(|d| d.to_f64()),
        }) else {
            return Ok(None);
        };
        let n = int_arg(ctx, 1)?.unwrap_or(0).clamp(-30, 30) as i32;
        let m = 10f64.powi(n);
        let r = if ctx.get::<i64>(2)? != 0 {
            (f * m).trunc() / m
        } else {
            (f * m).round() / m
        };
        Ok(Some(r))
    })?;
    conn.create_scalar_function("ifx_fdiv", 2, DET, |ctx| {
        let a = ctx.get::<Option<f64>>(0)?;
        let b = ctx.get::<Option<f64>>(1)?;
        match (a, b) {
            (Some(_), Some(0.0)) => Err(ierr(-1202)),
            (Some(a), Some(b)) => Ok(Some(a / b)),
            _ => Ok(None),
        }
    })?;
    conn.create_scalar_function("ifx_mod", 2, DET, |ctx| {
        match (int_arg(ctx, 0)?, int_arg(ctx, 1)?) {
            (Some(_), Some(0)) => Err(ierr(-1202)),
            (Some(a), Some(b)) => Ok(Some(a.wrapping_rem(b))),
            _ => Ok(None),
        }
    })?;
    conn.create_scalar_function("ifx_math", 3, DET, |ctx| {
        let op: String = ctx.get(0)?;
        let Some(x) = ctx.get::<Option<f64>>(1)? else {
            return Ok(Value::Null);
        };
        let y = ctx.get::<Option<f64>>(2)?.unwrap_or(0.0);
        let r = match op.as_str() {
            "ceil" => return Ok(Value::Integer(x.ceil() as i64)),
            "floor" => return Ok(Value::Integer(x.floor() as i64)),
            "sqrt" => x.sqrt(),
            "exp" => x.exp(),
            "logn" | "ln" => x.ln(),
            "log10" => x.log10(),
            "sin" => x.sin(),
            "cos" => x.cos(),
            "tan" => x.tan(),
            "asin" => x.asin(),
            "acos" => x.acos(),
            "atan" => x.atan(),
            "atan2" => x.atan2(y),
            "root" => x.powf(1.0 / if y == 0.0 { 2.0 } else { y }),
            _ => x.powf(y),
        };
        Ok(if r.is_finite() {
            Value::Real(r)
        } else {
            Value::Null
        })
    })?;
    conn.create_scalar_function("ifx_one", 2, NONDET, |ctx| {
        if ctx.get::<i64>(0)? > 1 {
            return Err(ierr(-284));
        }
        Ok(owned(ctx.get_raw(1)))
    })?;
    for (name, m) in [("ifx_like", false), ("ifx_matches", true)] {
        conn.create_scalar_function(name, 3, DET, move |ctx| {
            let (Some(s), Some(p)) = (text_arg(ctx, 0), text_arg(ctx, 1)) else {
                return Ok(None);
            };
            let esc = text_arg(ctx, 2).and_then(|e| e.chars().next());
            Ok(Some(if m {
                matches(&s, &p, esc)
            } else {
                like(&s, &p, esc)
            }))
        })?;
    }
    conn.create_scalar_function("ifx_length", 1, DET, |ctx| {
        Ok(text_arg(ctx, 0).map(|s| s.trim_end_matches(' ').len() as i64))
    })?;
    conn.create_scalar_function("ifx_initcap", 1, DET, |ctx| {
        Ok(text_arg(ctx, 0).map(|s| {
            let mut out = String::with_capacity(s.len());
            let mut up = true;
            for c in s.chars() {
                out.extend(if up {
                    c.to_uppercase().collect::<Vec<_>>()
                } else {
                    c.to_lowercase().collect()
                });
                up = !c.is_alphanumeric();
            }
            out
        }))
    })?;
    for (name, left) in [("ifx_lpad", true), ("ifx_rpad", false)] {
        conn.create_scalar_function(name, 3, DET, move |ctx| {
            let (Some(s), Some(n)) = (text_arg(ctx, 0), int_arg(ctx, 1)?) else {
                return Ok(None);
            };
            let pad = text_arg(ctx, 2).unwrap_or_else(|| " ".into());
            let n = n.clamp(0, 32767) as usize;
            let cur: Vec<char> = s.chars().collect();
            if cur.len() >= n || pad.is_empty() {
                return Ok(Some(cur[..n.min(cur.len())].iter().collect::<String>()));
            }
            let fill: String = pad.chars().cycle().take(n - cur.len()).collect();
            Ok(Some(if left { fill + &s } else { s + &fill }))
        })?;
    }
    conn.create_scalar_function("ifx_mdy", 3, DET, |ctx| {
        match (int_arg(ctx, 0)?, int_arg(ctx, 1)?, int_arg(ctx, 2)?) {
            (Some(m), Some(d), Some(y)) => dt::make_date(y, m, d).map(Some).map_err(fn_err),
            _ => Ok(None),
        }
    })?;
    let s = sh.clone();
    conn.create_scalar_function("ifx_datepart", 4, NONDET, move |ctx| {
        let rep = rep_of(ctx.get(1)?);
        let len = ctx.get::<i64>(2)? as u16;
        let part: String = ctx.get(3)?;
        let (y, m, d) = match (ctx.get_raw(0), rep) {
            (ValueRef::Null, _) => return Ok(None),
            (ValueRef::Integer(day), Rep::Date | Rep::Int) => dt::ymd(day),
            (v, _) => {
                let txt = text_arg(ctx, 0).unwrap_or_default();
                let q = Qual::decode(len);
                let f = dt::parse_dt(&txt, q).map_err(fn_err)?;
                let g = dt::extend(&f, q, Qual::dt(0, 4), &now_fields(&s)).map_err(fn_err)?;
                let _ = v;
                (g[0], g[1], g[2])
            }
        };
        Ok(Some(match part.as_str() {
            "day" => d,
            "month" => m,
            "year" => y,
            _ => dt::ifx_day(y, m, d).rem_euclid(7),
        }))
    })?;
    let s = sh.clone();
    conn.create_scalar_function("ifx_dtadd", 4, NONDET, move |ctx| {
        let (Some(txt), Some(iv)) = (text_arg(ctx, 0), int_arg(ctx, 2)?) else {
            return Ok(None);
        };
        let q = Qual::decode(ctx.get::<i64>(1)? as u16);
        let f = dt::parse_dt(&txt, q).map_err(fn_err)?;
        let r = dt::dt_add(&f, q, iv, ctx.get::<i64>(3)? != 0, &now_fields(&s)).map_err(fn_err)?;
        Ok(Some(dt::dt_text(&r, q)))
    })?;
    let s = sh.clone();
    conn.create_scalar_function("ifx_dtdiff", 5, NONDET, move |ctx| {
        let (Some(a), Some(b)) = (text_arg(ctx, 0), text_arg(ctx, 2)) else {
            return Ok(None);
        };
        let qa = Qual::decode(ctx.get::<i64>(1)? as u16);
        let qb = Qual::decode(ctx.get::<i64>(3)? as u16);
        let q = Qual::decode(ctx.get::<i64>(4)? as u16);
        let now = now_fields(&s);
        let fa = dt::parse_dt(&a, qa).map_err(fn_err)?;
        let fb = dt::parse_dt(&b, qb).map_err(fn_err)?;
        let v = dt::dt_diff(&fa, qa, &fb, qb, &now).map_err(fn_err)?;
        Ok(Some(dt::iv_truncate(v, q)))
    })?;
    let s = sh.clone();
    conn.create_scalar_function("ifx_to_char", 4, NONDET, move |ctx| {
        let rep = rep_of(ctx.get(1)?);
        let len = ctx.get::<i64>(2)? as u16;
        let fmt = text_arg(ctx, 3);
        let v = ctx.get_raw(0);
        let fields = match (v, rep) {
            (ValueRef::Null, _) => return Ok(None),
            (ValueRef::Integer(day), Rep::Date) => Some(dt::fields_from_day(day)),
            (_, Rep::DtText) => {
                let q = Qual::decode(len);
                let f = dt::parse_dt(&text_arg(ctx, 0).unwrap_or_default(), q).map_err(fn_err)?;
                Some(dt::extend(&f, q, Qual::dt(0, 15), &now_fields(&s)).map_err(fn_err)?)
            }
            _ => None,
        };
        match (fields, fmt) {
            (Some(f), Some(fmt)) => Ok(Some(strftime(&f, &fmt))),
            (Some(f), None) => Ok(Some(if rep == Rep::Date {
                dt::date_text(dt::ifx_day(f[0], f[1], f[2]))
            } else {
                dt::dt_text(&f, Qual::decode(len))
            })),
            (None, _) => convert::text_form(v, Src { rep, len }).map_err(fn_err),
        }
    })?;
    conn.create_scalar_function("ifx_to_date", 2, DET, |ctx| {
        let Some(s) = text_arg(ctx, 0) else {
            return Ok(None);
        };
        let f = match text_arg(ctx, 1) {
            Some(fmt) => strptime(&s, &fmt).ok_or_else(|| ierr(-1277))?,
            None => dt::parse_dt_auto(&s).map_err(fn_err)?.0,
        };
        Ok(Some(dt::dt_text(&f, Qual::dt(0, 15))))
    })?;
    conn.create_scalar_function("ifx_hex", 1, DET, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Integer(i) => Some(format!("0x{:08X}", i as u64 & 0xFFFF_FFFF)),
            ValueRef::Null => None,
            _ => text_arg(ctx, 0).map(|s| s.bytes().map(|b| format!("{b:02X}")).collect()),
        })
    })?;

    conn.create_aggregate_function("ifx_dsum", 1, DET, DecSum)?;
    conn.create_aggregate_function("ifx_davg", 1, DET, DecAvg)?;
    Ok(())
}

/// Formats fields with Informix/strftime-style `%Y %m %d %H %M %S %F`.
fn strftime(f: &dt::Fields, fmt: &str) -> String {
    let mut out = String::new();
    let mut it = fmt.chars().peekable();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('Y') => out.push_str(&format!("{:04}", f[0])),
            Some('y') => out.push_str(&format!("{:02}", f[0] % 100)),
            Some('m') => out.push_str(&format!("{:02}", f[1])),
            Some('d') => out.push_str(&format!("{:02}", f[2])),
            Some('H') => out.push_str(&format!("{:02}", f[3])),
            Some('M') => out.push_str(&format!("{:02}", f[4])),
            Some('S') => out.push_str(&format!("{:02}", f[5])),
            Some('F') => {
                let n = it
                    .peek()
                    .and_then(|c| c.to_digit(10))
                    .unwrap_or(3)
                    .clamp(1, 5);
                if it.peek().is_some_and(|c| c.is_ascii_digit()) {
                    it.next();
                }
                out.push_str(&format!("{:05}", f[6])[..n as usize]);
            }
            Some('%') => out.push('%'),
            Some(x) => {
                out.push('%');
                out.push(x);
            }
            None => out.push('%'),
        }
    }
    out
}

/// Parses `s` with a `%Y-%m-%d %H:%M:%S` style format.
fn strptime(s: &str, fmt: &str) -> Option<dt::Fields> {
    let mut f: dt::Fields = [1, 1, 1, 0, 0, 0, 0];
    let sb = s.as_bytes();
    let mut i = 0;
    let mut it = fmt.chars();
    while let Some(c) = it.next() {
        if c == '%' {
            let k = it.next()?;
            let width = if k == 'Y' { 4 } else { 2 };
            let st = i;
            while i < sb.len() && i - st < width && sb[i].is_ascii_digit() {
                i += 1;
            }
            let v: i64 = s.get(st..i)?.parse().ok()?;
            let idx = match k {
                'Y' => 0,
                'm' => 1,
                'd' => 2,
                'H' => 3,
                'M' => 4,
                'S' => 5,
                _ => return None,
            };
            f[idx] = v;
        } else {
            if sb.get(i).copied() != Some(c as u8) {
                return None;
            }
            i += 1;
        }
    }
    dt::make_date(f[0], f[1], f[2]).ok()?;
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_rules() {
        assert!(like("abc", "a%", None));
        assert!(!like("ABC", "a%", None));
        assert!(like("a_c", "a\\_c", None));
        assert!(!like("abc", "a\\_c", None));
        assert!(like("50%", "50!%", Some('!')));
        assert!(like("", "%", None));
        assert!(like("abcbc", "%bc", None));
    }

    #[test]
    fn matches_rules() {
        assert!(matches("abc", "a*", None));
        assert!(matches("abc", "?b?", None));
        assert!(matches("abc", "[a-c]bc", None));
        assert!(!matches("abc", "[^a]bc", None));
        assert!(matches("ab*", "ab\\*", None));
        assert!(!matches("abc", "ab\\*", None));
        assert!(!matches("Abc", "a*", None));
    }

    #[test]
    fn formats() {
        let f = [2024, 1, 2, 3, 4, 5, 12345];
        assert_eq!(
            strftime(&f, "%Y/%m/%d %H:%M:%S.%F3"),
            "2024/01/02 03:04:05.123"
        );
        assert_eq!(strptime("2024-01-02", "%Y-%m-%d").map(|f| f[2]), Some(2));
    }
}
