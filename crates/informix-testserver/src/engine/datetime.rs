//! DATE, DATETIME and INTERVAL values: parsing, canonical text and
//! arithmetic.
//!
//! DATE is a day number (day 0 = 1899-12-31, as on the wire). A DATETIME is
//! held as seven fields (year, month, day, hour, minute, second, fraction in
//! 10-microsecond units) plus its qualifier and is stored in SQLite as its
//! canonical text, which sorts correctly within one qualifier. An INTERVAL is
//! an integer: months for YEAR/MONTH intervals, 10-microsecond units
//! otherwise.

use super::error::SqlError;
use super::types::{Qual, TU_DAY, TU_FRAC, TU_HOUR, TU_MINUTE, TU_MONTH, TU_SECOND, TU_YEAR};

/// Informix day number of 1970-01-01.
const UNIX_DAY: i64 = 25568;
pub const MIN_DAY: i64 = -693594;
pub const MAX_DAY: i64 = 2958464;

/// 10-microsecond units per time unit (DAY..SECOND).
pub const UNITS_SECOND: i64 = 100_000;
pub const UNITS_MINUTE: i64 = 60 * UNITS_SECOND;
pub const UNITS_HOUR: i64 = 60 * UNITS_MINUTE;
pub const UNITS_DAY: i64 = 24 * UNITS_HOUR;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Inverse of [`days_from_civil`].
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    // Out-of-range day numbers only have to be harmless, not right.
    let z = z.clamp(-1_000_000_000_000, 1_000_000_000_000) + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if is_leap(y) {
                29
            } else {
                28
            }
        }
    }
}

/// Informix day number of a date (no validation).
pub fn ifx_day(y: i64, m: i64, d: i64) -> i64 {
    days_from_civil(y, m, d) + UNIX_DAY
}

pub fn ymd(day: i64) -> (i64, i64, i64) {
    civil_from_days(day - UNIX_DAY)
}

/// Validated day number for MDY() and string conversion.
pub fn make_date(y: i64, m: i64, d: i64) -> Result<i64, SqlError> {
    if !(1..=9999).contains(&y) {
        return Err(SqlError::new(-1204, 0));
    }
    if !(1..=12).contains(&m) {
        return Err(SqlError::new(-1205, 0));
    }
    if d < 1 || d > days_in_month(y, m) {
        return Err(SqlError::new(-1206, 0));
    }
    Ok(ifx_day(y, m, d))
}

/// DATE as text in the DBDATE=Y4MD- form.
pub fn date_text(day: i64) -> String {
    let (y, m, d) = ymd(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses a date string: `YYYY-MM-DD` (DBDATE Y4MD-), also `/` or `.`
/// separators and the US `MM/DD/YYYY` order.
pub fn parse_date(s: &str) -> Result<i64, SqlError> {
    let t = s.trim();
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()))
    {
        if t.len() == 8 && t.bytes().all(|c| c.is_ascii_digit()) {
            let n = |a: usize, b: usize| t[a..b].parse::<i64>().unwrap_or(0);
            return make_date(n(0, 4), n(4, 6), n(6, 8));
        }
        return Err(SqlError::new(-1218, 0));
    }
    let n = |p: &str| p.parse::<i64>().map_err(|_| SqlError::new(-1218, 0));
    if parts[0].len() >= 3 {
        make_date(n(parts[0])?, n(parts[1])?, n(parts[2])?)
    } else if parts[2].len() >= 3 {
        make_date(n(parts[2])?, n(parts[0])?, n(parts[1])?)
    } else {
        Err(SqlError::new(-1204, 0))
    }
}

/// Field index (0..6) of a time unit.
fn fidx(tu: u8) -> usize {
    match tu {
        TU_YEAR => 0,
        TU_MONTH => 1,
        TU_DAY => 2,
        TU_HOUR => 3,
        TU_MINUTE => 4,
        TU_SECOND => 5,
        _ => 6,
    }
}

const FIELD_TU: [u8; 7] = [
    TU_YEAR, TU_MONTH, TU_DAY, TU_HOUR, TU_MINUTE, TU_SECOND, TU_FRAC,
];
const SEP_BEFORE: [u8; 7] = [0, b'-', b'-', b' ', b':', b':', b'.'];

/// DATETIME fields: year, month, day, hour, minute, second, fraction (1e-5 s).
pub type Fields = [i64; 7];

/// Default values of fields below a qualifier's end.
const FIELD_DEFAULT: Fields = [1, 1, 1, 0, 0, 0, 0];

/// Canonical text of a DATETIME for its qualifier.
pub fn dt_text(f: &Fields, q: Qual) -> String {
    let mut out = String::with_capacity(26);
    let (a, b) = (fidx(q.start), fidx(q.end));
    for i in a..=b {
        if i > a {
            out.push(SEP_BEFORE[i] as char);
        }
        match i {
            0 => out.push_str(&format!("{:04}", f[0])),
            6 => {
                let n = if q.end >= TU_FRAC {
                    u32::from(q.end - 10)
                } else {
                    5
                };
                let v = f[6] / 10i64.pow(5 - n.min(5));
                out.push_str(&format!("{:0width$}", v, width = n as usize));
            }
            _ => out.push_str(&format!("{:02}", f[i])),
        }
    }
    out
}

/// Reads consecutive fields from `start`, returning the fields and the last
/// unit present (FRACTION(n) as 10+n). Lower fields take their defaults.
fn scan_fields(s: &str, start: u8) -> Result<(Fields, u8), SqlError> {
    let b = s.trim().as_bytes();
    let mut f = FIELD_DEFAULT;
    let mut i = 0;
    let mut idx = fidx(start);
    let mut end;
    loop {
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return Err(SqlError::new(-1262, 0));
        }
        let digits = &b[st..i];
        if idx == 6 {
            let n = digits.len().min(5);
            let mut v: i64 = 0;
            for &c in &digits[..n] {
                v = v * 10 + i64::from(c - b'0');
            }
            for _ in n..5 {
                v *= 10;
            }
            f[6] = v;
            end = 10 + n as u8;
        } else {
            let max = if idx == 0 { 4 } else { 2 };
            if digits.len() > max && i - st > max {
                return Err(SqlError::new(
                    if idx == fidx(start) { -1261 } else { -1263 },
                    0,
                ));
            }
            f[idx] = digits
                .iter()
                .fold(0i64, |a, &c| a * 10 + i64::from(c - b'0'));
            end = FIELD_TU[idx];
        }
        if i == b.len() {
            break;
        }
        if idx < 6
            && b[i] == SEP_BEFORE[idx + 1]
            && b.get(i + 1).is_some_and(|c| c.is_ascii_digit())
        {
            i += 1;
            idx += 1;
            continue;
        }
        // 'T' between date and time, as ISO text has it.
        if idx == 2 && b[i] == b'T' {
            i += 1;
            idx += 1;
            continue;
        }
        if b[i].is_ascii_digit() {
            return Err(SqlError::new(-1262, 0));
        }
        return Err(SqlError::new(-1264, 0));
    }
    if start >= TU_FRAC {
        end = end.max(TU_FRAC);
    }
    Ok((f, end))
}

fn check_fields(f: &Fields, start: usize, end: usize) -> Result<(), SqlError> {
    let bad = || Err(SqlError::new(-1263, 0));
    for i in start..=end.min(6) {
        let v = f[i];
        let ok = match i {
            0 => (1..=9999).contains(&v),
            1 => (1..=12).contains(&v),
            2 => {
                v >= 1
                    && v <= if start == 0 {
                        days_in_month(f[0], f[1])
                    } else if start == 1 {
                        days_in_month(2000, f[1])
                    } else {
                        31
                    }
            }
            3 => (0..24).contains(&v),
            4 | 5 => (0..60).contains(&v),
            _ => (0..100_000).contains(&v),
        };
        if !ok {
            return bad();
        }
    }
    Ok(())
}

/// Parses DATETIME text for qualifier `q`. Missing trailing fields take
/// their defaults and extra precision is truncated.
pub fn parse_dt(s: &str, q: Qual) -> Result<Fields, SqlError> {
    let (mut f, end) = scan_fields(s, q.start)?;
    check_fields(&f, fidx(q.start), fidx(end))?;
    truncate_fields(&mut f, q);
    Ok(f)
}

/// Zeroes fields below the qualifier's end.
fn truncate_fields(f: &mut Fields, q: Qual) {
    for (i, v) in f.iter_mut().enumerate() {
        if i > fidx(q.end) {
            *v = FIELD_DEFAULT[i];
        }
    }
    if q.end >= TU_FRAC {
        let n = u32::from(q.end - 10).min(5);
        let m = 10i64.pow(5 - n);
        f[6] = f[6] / m * m;
    }
}

/// Parses DATETIME text whose qualifier follows from its shape
/// (`YYYY-...` starts at YEAR, `HH:MM...` at HOUR).
pub fn parse_dt_auto(s: &str) -> Result<(Fields, Qual), SqlError> {
    let t = s.trim();
    let b = t.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let next = b.get(lead).copied();
    let start = match next {
        _ if lead == 0 => return Err(SqlError::new(-1262, 0)),
        Some(b'-') if lead > 2 => TU_YEAR,
        Some(b'-') => TU_MONTH,
        Some(b':') => TU_HOUR,
        Some(b' ') => TU_DAY,
        Some(b'.') => TU_SECOND,
        None if lead >= 3 => TU_YEAR,
        None => TU_HOUR,
        Some(_) => return Err(SqlError::new(-1262, 0)),
    };
    let (f, end) = scan_fields(t, start)?;
    check_fields(&f, fidx(start), fidx(end))?;
    Ok((f, Qual::dt(start, end)))
}

/// Converts fields of qualifier `from` to qualifier `to` (EXTEND):
/// higher missing fields come from `now`, lower ones take defaults.
pub fn extend(f: &Fields, from: Qual, to: Qual, now: &Fields) -> Result<Fields, SqlError> {
    let mut out = FIELD_DEFAULT;
    let (fa, fb) = (fidx(from.start), fidx(from.end));
    for i in fidx(to.start)..=fidx(to.end) {
        out[i] = if i < fa {
            now[i]
        } else if i <= fb {
            f[i]
        } else {
            FIELD_DEFAULT[i]
        };
    }
    // Higher fields outside `to` still matter for day validity.
    for i in 0..fidx(to.start) {
        out[i] = if i < fa { now[i] } else { f[i] };
    }
    if fidx(to.start) <= 2 && fidx(to.end) >= 2 && out[2] > days_in_month(out[0], out[1]) {
        return Err(SqlError::new(-1263, 0));
    }
    let mut out2 = out;
    truncate_fields(&mut out2, to);
    Ok(out2)
}

/// Fields of the current instant (UTC) given microseconds since the epoch.
pub fn fields_from_micros(us: i64) -> Fields {
    let secs = us.div_euclid(1_000_000);
    let frac = us.rem_euclid(1_000_000) / 10;
    let days = secs.div_euclid(86400);
    let sod = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    [y, m, d, sod / 3600, sod % 3600 / 60, sod % 60, frac]
}

/// Fields of a DATE at midnight.
pub fn fields_from_day(day: i64) -> Fields {
    let (y, m, d) = ymd(day);
    [y, m, d, 0, 0, 0, 0]
}

/// Absolute 10-µs units since 1970 of complete fields.
pub fn fields_to_units(f: &Fields) -> i64 {
    days_from_civil(f[0], f[1], f[2]) * UNITS_DAY
        + f[3] * UNITS_HOUR
        + f[4] * UNITS_MINUTE
        + f[5] * UNITS_SECOND
        + f[6]
}

pub fn units_to_fields(u: i64) -> Fields {
    let days = u.div_euclid(UNITS_DAY);
    let r = u.rem_euclid(UNITS_DAY);
    let (y, m, d) = civil_from_days(days);
    [
        y,
        m,
        d,
        r / UNITS_HOUR,
        r % UNITS_HOUR / UNITS_MINUTE,
        r % UNITS_MINUTE / UNITS_SECOND,
        r % UNITS_SECOND,
    ]
}

/// Size of one `tu` in 10-µs units (day-time intervals only).
pub fn unit_size(tu: u8) -> i64 {
    match tu {
        TU_DAY => UNITS_DAY,
        TU_HOUR => UNITS_HOUR,
        TU_MINUTE => UNITS_MINUTE,
        TU_SECOND => UNITS_SECOND,
        t if t >= TU_FRAC => 10i64.pow(5 - u32::from(t - 10).min(5)),
        _ => 1,
    }
}

/// Drops precision below the qualifier's end unit.
pub fn iv_truncate(v: i64, q: Qual) -> i64 {
    if q.is_year_month() {
        if q.end == TU_YEAR { v / 12 * 12 } else { v }
    } else {
        let u = unit_size(q.end);
        v / u * u
    }
}

/// Canonical INTERVAL text, e.g. `1 02:03:04.50000`, `-1-02`.
pub fn iv_text(v: i64, q: Qual) -> String {
    let neg = v < 0;
    let a = v.unsigned_abs() as i64;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if q.is_year_month() {
        if q.start == TU_YEAR {
            out.push_str(&(a / 12).to_string());
            if q.end == TU_MONTH {
                out.push_str(&format!("-{:02}", a % 12));
            }
        } else {
            out.push_str(&a.to_string());
        }
        return out;
    }
    let sizes = [UNITS_DAY, UNITS_HOUR, UNITS_MINUTE, UNITS_SECOND];
    let tus = [TU_DAY, TU_HOUR, TU_MINUTE, TU_SECOND];
    let seps = [' ', ':', ':'];
    let mut rem = a;
    let mut first = true;
    for k in 0..4 {
        if tus[k] < q.start || tus[k] > q.end {
            continue;
        }
        let n = rem / sizes[k];
        rem %= sizes[k];
        if first {
            out.push_str(&n.to_string());
            first = false;
        } else {
            out.push(seps[k - 1]);
            out.push_str(&format!("{n:02}"));
        }
    }
    if q.end >= TU_FRAC {
        let n = u32::from(q.end - 10).min(5);
        let fr = rem / 10i64.pow(5 - n);
        if first {
            out.push_str(&fr.to_string());
        } else {
            out.push('.');
            out.push_str(&format!("{:0width$}", fr, width = n as usize));
        }
    }
    out
}

/// Parses INTERVAL text for qualifier `q` into its integer value.
pub fn parse_iv(s: &str, q: Qual) -> Result<i64, SqlError> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let b = t.as_bytes();
    let nums = split_fields(b)?;
    let v = if q.is_year_month() {
        let (first, rest) = nums.split_first().ok_or_else(|| SqlError::new(-1262, 0))?;
        check_prec(first.1, q.prec)?;
        if q.start == TU_YEAR {
            let months = match rest {
                [] => 0,
                [(m, _, b'-')] if *m < 12 => *m,
                [(_, _, b'-')] => return Err(SqlError::new(-1263, 0)),
                _ => return Err(SqlError::new(-1264, 0)),
            };
            first
                .0
                .checked_mul(12)
                .and_then(|m| m.checked_add(months))
                .ok_or_else(|| SqlError::new(-1265, 0))?
        } else if rest.is_empty() {
            first.0
        } else {
            return Err(SqlError::new(-1264, 0));
        }
    } else {
        let tus = [TU_DAY, TU_HOUR, TU_MINUTE, TU_SECOND];
        let sep_of = |tu: u8| match tu {
            TU_HOUR => b' ',
            TU_MINUTE | TU_SECOND => b':',
            _ => b'.',
        };
        let mut tu = q.start;
        let mut total: i64 = 0;
        for (k, &(n, digits, sep)) in nums.iter().enumerate() {
            if k == 0 {
                check_prec(digits, q.prec)?;
            } else {
                // Move to the unit this separator introduces.
                let next = if tu >= TU_SECOND { TU_FRAC } else { tu + 2 };
                if sep != sep_of(next) {
                    return Err(SqlError::new(-1264, 0));
                }
                tu = next;
            }
            if tu >= TU_FRAC {
                let d = digits.min(5);
                let mut v = n;
                for _ in digits..5 {
                    v *= 10;
                }
                for _ in 5..digits {
                    v /= 10;
                }
                let _ = d;
                total += v;
            } else {
                if k > 0 {
                    let lim = if tu == TU_HOUR { 24 } else { 60 };
                    if n >= lim {
                        return Err(SqlError::new(-1263, 0));
                    }
                }
                let size = tus
                    .iter()
                    .position(|&x| x == tu)
                    .map(|i| [UNITS_DAY, UNITS_HOUR, UNITS_MINUTE, UNITS_SECOND][i])
                    .unwrap_or(1);
                total = total
                    .checked_add(n.checked_mul(size).ok_or_else(|| SqlError::new(-1265, 0))?)
                    .ok_or_else(|| SqlError::new(-1265, 0))?;
            }
        }
        total
    };
    let v = iv_truncate(v, q);
    Ok(if neg { -v } else { v })
}

fn check_prec(digits: usize, prec: u8) -> Result<(), SqlError> {
    if digits > usize::from(prec.max(1)) {
        return Err(SqlError::new(-1261, 0));
    }
    Ok(())
}

/// Splits `1 02:03:04.5` into (value, digit count, separator before).
fn split_fields(b: &[u8]) -> Result<Vec<(i64, usize, u8)>, SqlError> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut sep = 0u8;
    loop {
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return Err(SqlError::new(-1262, 0));
        }
        if i - st > 18 {
            return Err(SqlError::new(-1261, 0));
        }
        let v = b[st..i]
            .iter()
            .fold(0i64, |a, &c| a * 10 + i64::from(c - b'0'));
        out.push((v, i - st, sep));
        if i == b.len() {
            return Ok(out);
        }
        sep = b[i];
        if !matches!(sep, b' ' | b':' | b'.' | b'-') {
            return Err(SqlError::new(-1264, 0));
        }
        i += 1;
    }
}

/// Parses INTERVAL text whose shape decides the class (`-` = YEAR TO MONTH,
/// a blank = DAY start), falling back to the target qualifier's start.
pub fn parse_iv_for(s: &str, target: Qual) -> Result<i64, SqlError> {
    if let Ok(v) = parse_iv(s, Qual { prec: 9, ..target }) {
        return Ok(iv_truncate(v, target));
    }
    let body = s.trim().trim_start_matches(['-', '+']);
    let q = if body.contains('-') {
        Qual {
            start: TU_YEAR,
            end: TU_MONTH,
            prec: 9,
        }
    } else if body.contains(' ') {
        Qual {
            start: TU_DAY,
            end: 15,
            prec: 9,
        }
    } else if body.matches(':').count() == 2 {
        Qual {
            start: TU_HOUR,
            end: 15,
            prec: 9,
        }
    } else {
        return parse_iv(s, target);
    };
    if q.is_year_month() != target.is_year_month() {
        return Err(SqlError::new(-1266, 0));
    }
    Ok(iv_truncate(parse_iv(s, q)?, target))
}

/// DATETIME + INTERVAL (negate the interval to subtract).
pub fn dt_add(
    f: &Fields,
    q: Qual,
    iv: i64,
    year_month: bool,
    now: &Fields,
) -> Result<Fields, SqlError> {
    let full = Qual::dt(TU_YEAR, 15);
    let mut g = extend(f, q, full, now)?;
    if year_month {
        let total = (g[0] * 12 + (g[1] - 1))
            .checked_add(iv)
            .ok_or_else(|| SqlError::new(-1267, 0))?;
        g[0] = total.div_euclid(12);
        g[1] = total.rem_euclid(12) + 1;
        if g[2] > days_in_month(g[0], g[1]) {
            return Err(SqlError::new(-1267, 0));
        }
    } else {
        g = units_to_fields(
            fields_to_units(&g)
                .checked_add(iv)
                .ok_or_else(|| SqlError::new(-1267, 0))?,
        );
    }
    if !(1..=9999).contains(&g[0]) {
        return Err(SqlError::new(-1267, 0));
    }
    let mut out = g;
    truncate_fields(&mut out, q);
    Ok(out)
}

/// DATETIME − DATETIME as day-time units.
pub fn dt_diff(a: &Fields, qa: Qual, b: &Fields, qb: Qual, now: &Fields) -> Result<i64, SqlError> {
    let full = Qual::dt(TU_YEAR, 15);
    let x = extend(a, qa, full, now)?;
    let y = extend(b, qb, full, now)?;
    Ok(fields_to_units(&x) - fields_to_units(&y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers() {
        assert_eq!(ifx_day(1899, 12, 31), 0);
        assert_eq!(ifx_day(1900, 1, 1), 1);
        assert_eq!(ifx_day(2024, 1, 2), 45292);
        assert_eq!(ifx_day(1, 1, 1), MIN_DAY);
        assert_eq!(ifx_day(9999, 12, 31), MAX_DAY);
        assert_eq!(ymd(45292), (2024, 1, 2));
        assert_eq!(date_text(45292), "2024-01-02");
    }

    #[test]
    fn date_strings() {
        assert_eq!(parse_date("2024-01-02"), Ok(45292));
        assert_eq!(parse_date("01/02/2024"), Ok(45292));
        assert_eq!(parse_date("2024-13-02").map_err(|e| e.sqlcode), Err(-1205));
        assert_eq!(parse_date("2023-02-29").map_err(|e| e.sqlcode), Err(-1206));
        assert_eq!(parse_date("0-01-01").map_err(|e| e.sqlcode), Err(-1204));
        assert_eq!(parse_date("hello").map_err(|e| e.sqlcode), Err(-1218));
    }

    #[test]
    fn datetime_text() {
        let q = Qual::dt(TU_YEAR, TU_SECOND);
        let f = parse_dt("2024-01-02 03:04:05", q).unwrap_or_default();
        assert_eq!(dt_text(&f, q), "2024-01-02 03:04:05");
        let q3 = Qual::dt(TU_YEAR, 13);
        let f = parse_dt("2024-01-02 03:04:05.123456", q3).unwrap_or_default();
        assert_eq!(dt_text(&f, q3), "2024-01-02 03:04:05.123");
        let hm = Qual::dt(TU_HOUR, TU_MINUTE);
        assert_eq!(
            parse_dt("03:04", hm).map(|f| dt_text(&f, hm)),
            Ok("03:04".to_string())
        );
        assert_eq!(
            parse_dt("2024-01-02", q).map(|f| dt_text(&f, q)),
            Ok("2024-01-02 00:00:00".to_string())
        );
        assert_eq!(
            parse_dt("2024-13-02 00:00:00", q).map_err(|e| e.sqlcode),
            Err(-1263)
        );
        assert_eq!(
            parse_dt("2024-01-02 25:00:00", q).map_err(|e| e.sqlcode),
            Err(-1263)
        );
        assert_eq!(
            parse_dt("2024-01-02 x", q).map_err(|e| e.sqlcode),
            Err(-1264)
        );
        assert_eq!(parse_dt("abc", q).map_err(|e| e.sqlcode), Err(-1262));
        let (f, aq) = parse_dt_auto("2024-01-02 03:04:05.12345").unwrap_or_default_pair();
        assert_eq!(aq, Qual::dt(TU_YEAR, 15));
        assert_eq!(dt_text(&f, q), "2024-01-02 03:04:05");
    }

    trait Pair {
        fn unwrap_or_default_pair(self) -> (Fields, Qual);
    }
    impl Pair for Result<(Fields, Qual), SqlError> {
        fn unwrap_or_default_pair(self) -> (Fields, Qual) {
            self.unwrap_or(([0; 7], Qual::dt(0, 0)))
        }
    }

    #[test]
    fn extend_and_arith() {
        let now = [2024, 5, 6, 7, 8, 9, 0];
        let hm = Qual::dt(TU_HOUR, TU_MINUTE);
        let ys = Qual::dt(TU_YEAR, TU_SECOND);
        let f = [1, 1, 1, 3, 4, 0, 0];
        assert_eq!(
            extend(&f, hm, ys, &now).map(|g| dt_text(&g, ys)),
            Ok("2024-05-06 03:04:00".to_string())
        );
        let d = parse_dt("2024-01-31 00:00:00", ys).unwrap_or_default();
        assert_eq!(
            dt_add(&d, ys, 1, true, &now).map_err(|e| e.sqlcode),
            Err(-1267)
        );
        assert_eq!(
            dt_add(&d, ys, UNITS_DAY, false, &now).map(|g| dt_text(&g, ys)),
            Ok("2024-02-01 00:00:00".to_string())
        );
        let e = parse_dt("2024-02-01 01:00:00", ys).unwrap_or_default();
        assert_eq!(dt_diff(&e, ys, &d, ys, &now), Ok(UNITS_DAY + UNITS_HOUR));
    }

    #[test]
    fn intervals() {
        let ds = Qual {
            start: TU_DAY,
            end: 15,
            prec: 9,
        };
        let v = parse_iv("1 02:03:04.5", ds);
        assert_eq!(
            v,
            Ok(UNITS_DAY + 2 * UNITS_HOUR + 3 * UNITS_MINUTE + 4 * UNITS_SECOND + 50_000)
        );
        assert_eq!(
            v.map(|v| iv_text(v, ds)),
            Ok("1 02:03:04.50000".to_string())
        );
        let ym = Qual {
            start: TU_YEAR,
            end: TU_MONTH,
            prec: 4,
        };
        assert_eq!(parse_iv("1-02", ym), Ok(14));
        assert_eq!(
            parse_iv("-1-02", ym).map(|v| iv_text(v, ym)),
            Ok("-1-02".to_string())
        );
        assert_eq!(parse_iv("1-13", ym).map_err(|e| e.sqlcode), Err(-1263));
        assert_eq!(parse_iv("12345-01", ym).map_err(|e| e.sqlcode), Err(-1261));
        let hm = Qual::iv(TU_HOUR, TU_MINUTE);
        assert_eq!(
            parse_iv("26:30", hm).map(|v| iv_text(v, hm)),
            Ok("26:30".to_string())
        );
        assert_eq!(
            parse_iv_for("1 02:03:04.50000", Qual::iv(TU_DAY, TU_SECOND))
                .map(|v| iv_text(v, Qual::iv(TU_DAY, TU_SECOND))),
            Ok("1 02:03:04".to_string())
        );
        assert_eq!(
            parse_iv_for("1-02", Qual::iv(TU_DAY, TU_SECOND)).map_err(|e| e.sqlcode),
            Err(-1266)
        );
    }
}
