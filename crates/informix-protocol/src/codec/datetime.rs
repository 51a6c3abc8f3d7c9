//! DATETIME and INTERVAL (§7.5): qualifiers, packed tuple and bind forms, and the Informix
//! text forms the test server stores and parses.
//!
//! Both families are packed like DECIMAL: a head byte with the base-100 exponent E, then
//! digit pairs holding the qualifier's fields in order, the decimal point sitting just
//! after SECOND. INTERVALs carry a sign and complement their pairs when negative.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};

use super::date::days_in_month;
use super::decimal::{head_byte, packed_width, split_head};
use super::{
    CodecError, check_pairs, complement_pairs, digits_to_pairs, pairs_to_digits, read_i16,
};

/// sqlcode for a first field with more digits than its precision.
pub const SQL_TOO_MANY_FIRST_DIGITS: i32 = -1261;
/// sqlcode for a non-digit (or a missing field) where a digit was expected.
pub const SQL_NON_NUMERIC: i32 = -1262;
/// sqlcode for a field outside its range (month 13, hour 24, day 31 in April…).
pub const SQL_FIELD_OUT_OF_RANGE: i32 = -1263;
/// sqlcode for characters left over after the last field.
pub const SQL_EXTRA_CHARACTERS: i32 = -1264;

/// Informix time-unit codes (`TU_*`); FRACTION(n) as an end unit is 10 + n.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimeUnit {
    Year = 0,
    Month = 2,
    Day = 4,
    Hour = 6,
    Minute = 8,
    Second = 10,
    Fraction1 = 11,
    Fraction2 = 12,
    Fraction3 = 13,
    Fraction4 = 14,
    Fraction5 = 15,
}

impl TimeUnit {
    /// FRACTION as a *start* unit: Informix encodes it as code 12, the same code as
    /// FRACTION(2), so `FRACTION TO FRACTION(n)` is `start: FRACTION, end: Fraction<n>`.
    pub const FRACTION: TimeUnit = TimeUnit::Fraction2;

    /// The wire code.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The unit with this wire code, if any.
    pub const fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => TimeUnit::Year,
            2 => TimeUnit::Month,
            4 => TimeUnit::Day,
            6 => TimeUnit::Hour,
            8 => TimeUnit::Minute,
            10 => TimeUnit::Second,
            11 => TimeUnit::Fraction1,
            12 => TimeUnit::Fraction2,
            13 => TimeUnit::Fraction3,
            14 => TimeUnit::Fraction4,
            15 => TimeUnit::Fraction5,
            _ => return None,
        })
    }

    /// FRACTION(`digits`) for 1..=5.
    pub const fn fraction(digits: u8) -> Option<Self> {
        match digits {
            1..=5 => Self::from_code(10 + digits),
            _ => None,
        }
    }

    /// True for the FRACTION units (codes 11..=15).
    pub const fn is_fraction(self) -> bool {
        self.code() >= 11
    }

    /// Fraction digits kept when this is the end unit (0 for YEAR..SECOND).
    pub const fn fraction_digits(self) -> u8 {
        if self.is_fraction() {
            self.code() - 10
        } else {
            0
        }
    }

    fn keyword(self) -> &'static str {
        match self {
            TimeUnit::Year => "YEAR",
            TimeUnit::Month => "MONTH",
            TimeUnit::Day => "DAY",
            TimeUnit::Hour => "HOUR",
            TimeUnit::Minute => "MINUTE",
            TimeUnit::Second => "SECOND",
            _ => "FRACTION",
        }
    }
}

/// One field of a value, in qualifier order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Fraction,
}

impl Field {
    fn from_unit(unit: TimeUnit) -> Field {
        match unit {
            TimeUnit::Year => Field::Year,
            TimeUnit::Month => Field::Month,
            TimeUnit::Day => Field::Day,
            TimeUnit::Hour => Field::Hour,
            TimeUnit::Minute => Field::Minute,
            TimeUnit::Second => Field::Second,
            _ => Field::Fraction,
        }
    }

    /// Character that precedes this field when it is not the first one.
    fn separator(self) -> u8 {
        match self {
            Field::Year | Field::Month | Field::Day => b'-',
            Field::Hour => b' ',
            Field::Minute | Field::Second => b':',
            Field::Fraction => b'.',
        }
    }

    /// Seconds per unit, for day-time INTERVALs.
    fn seconds(self) -> u64 {
        match self {
            Field::Day => 86_400,
            Field::Hour => 3_600,
            Field::Minute => 60,
            _ => 1,
        }
    }

    /// Exclusive bound of this field inside an INTERVAL when it is not the first field.
    fn interval_modulus(self) -> u64 {
        match self {
            Field::Month => 12,
            Field::Hour => 24,
            Field::Minute | Field::Second => 60,
            _ => u64::MAX,
        }
    }
}

use Field::Fraction;

/// A field and the digits it occupies (fraction: its declared 1..=5 digits).
#[derive(Debug, Clone, Copy)]
struct Spec {
    field: Field,
    width: usize,
}

/// A DATETIME or INTERVAL qualifier such as `YEAR TO FRACTION(3)` or `DAY(9) TO SECOND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Qualifier {
    /// First unit ([`TimeUnit::FRACTION`] for FRACTION-only qualifiers).
    pub start: TimeUnit,
    /// Last unit; FRACTION(n) is `Fraction<n>`.
    pub end: TimeUnit,
    /// Digits of the first field: 4 for DATETIME YEAR, the declared n for an INTERVAL's first
    /// field, otherwise 2 (also for FRACTION starts, which keeps the digit formula uniform).
    pub first_digits: u8,
}

impl Qualifier {
    /// A DATETIME qualifier (first field at its fixed width).
    pub fn datetime(start: TimeUnit, end: TimeUnit) -> Result<Self, CodecError> {
        let first_digits = if start == TimeUnit::Year { 4 } else { 2 };
        let q = Qualifier {
            start,
            end,
            first_digits,
        };
        q.check_units()?;
        Ok(q)
    }

    /// An INTERVAL qualifier; `first_digits` (1..=9) is the first field's declared
    /// precision and is ignored for FRACTION starts. Year-month and day-time units may not mix.
    pub fn interval(start: TimeUnit, first_digits: u8, end: TimeUnit) -> Result<Self, CodecError> {
        let first_digits = if start.is_fraction() { 2 } else { first_digits };
        if !(1..=9).contains(&first_digits) {
            return Err(CodecError::Invalid(
                "INTERVAL first-field precision must be 1..=9",
            ));
        }
        let q = Qualifier {
            start,
            end,
            first_digits,
        };
        q.check_units()?;
        q.check_interval_class()?;
        Ok(q)
    }

    fn check_units(&self) -> Result<(), CodecError> {
        if self.start.is_fraction() {
            if self.start != TimeUnit::FRACTION {
                return Err(CodecError::Invalid("a FRACTION start unit must be code 12"));
            }
            if !self.end.is_fraction() {
                return Err(CodecError::Invalid("FRACTION can only run to FRACTION(n)"));
            }
        } else if self.end < self.start {
            return Err(CodecError::Invalid(
                "qualifier end unit precedes its start unit",
            ));
        }
        Ok(())
    }

    fn check_interval_class(&self) -> Result<(), CodecError> {
        if self.is_year_month() && self.end > TimeUnit::Month {
            return Err(CodecError::Invalid(
                "INTERVAL cannot mix YEAR/MONTH with DAY or smaller",
            ));
        }
        Ok(())
    }

    /// Decodes a DESCRIBE encoded length / bind prec `(digits << 8) | (start << 4) | end`.
    /// The first-field digit count is derived, so this serves both families.
    pub fn from_encoded(v: u16) -> Result<Self, CodecError> {
        let [total, units] = v.to_be_bytes();
        let start = match units >> 4 {
            12 => TimeUnit::FRACTION,
            code @ 0..=10 => TimeUnit::from_code(code)
                .ok_or(CodecError::Invalid("unknown qualifier start unit"))?,
            _ => return Err(CodecError::Invalid("unknown qualifier start unit")),
        };
        let end = TimeUnit::from_code(units & 0x0F)
            .ok_or(CodecError::Invalid("unknown qualifier end unit"))?;
        let mut q = Qualifier {
            start,
            end,
            first_digits: 2,
        };
        q.check_units()?;
        if start.is_fraction() {
            if total != end.fraction_digits() {
                return Err(CodecError::Invalid(
                    "qualifier digit count does not match its units",
                ));
            }
        } else {
            q.first_digits = total
                .checked_sub(end.code() - start.code())
                .filter(|d| (1..=9).contains(d))
                .ok_or(CodecError::Invalid(
                    "qualifier digit count does not match its units",
                ))?;
        }
        Ok(q)
    }

    /// Digits of all fields together (the encoded length's high byte).
    pub fn total_digits(&self) -> u8 {
        if self.start.is_fraction() {
            self.end.fraction_digits()
        } else {
            // Saturating: the fields are public, so a hand-built qualifier may be nonsense.
            self.first_digits
                .saturating_add(self.end.code().saturating_sub(self.start.code()))
        }
    }

    /// `(digits << 8) | (start << 4) | end`, the DESCRIBE encoded length and bind prec.
    pub fn encoded(&self) -> u16 {
        (u16::from(self.total_digits()) << 8)
            | (u16::from(self.start.code()) << 4)
            | u16::from(self.end.code())
    }

    /// Bytes of a value in a tuple (head plus pairs).
    pub fn tuple_width(&self) -> usize {
        packed_width(self.encoded())
    }

    /// True when the qualifier starts at YEAR or MONTH (the INTERVAL year-month class).
    pub fn is_year_month(&self) -> bool {
        self.start <= TimeUnit::Month
    }

    /// Digits before the decimal point, counting the implicit zero fields down to SECOND.
    fn int_digits(&self) -> usize {
        (usize::from(self.total_digits()) + 10).saturating_sub(usize::from(self.end.code()))
    }

    /// Base-100 exponent E of the head byte: `(digits + 10 − end + 1) div 2`.
    fn pair_exponent(&self) -> i32 {
        i32::try_from(self.int_digits().div_ceil(2)).unwrap_or(0)
    }

    /// [`Self::fields`] after checking a possibly hand-built qualifier.
    fn checked_fields(&self) -> Result<Vec<Spec>, CodecError> {
        self.check_units()?;
        if !(1..=9).contains(&self.first_digits) {
            return Err(CodecError::Invalid(
                "qualifier first-field digits must be 1..=9",
            ));
        }
        Ok(self.fields())
    }

    fn fields(&self) -> Vec<Spec> {
        let mut specs = Vec::with_capacity(7);
        if !self.start.is_fraction() {
            let last = self.end.code().min(TimeUnit::Second.code());
            let mut code = self.start.code();
            while code <= last {
                if let Some(unit) = TimeUnit::from_code(code) {
                    let width = if code == self.start.code() {
                        usize::from(self.first_digits)
                    } else {
                        2
                    };
                    specs.push(Spec {
                        field: Field::from_unit(unit),
                        width,
                    });
                }
                code += 2;
            }
        }
        let fraction = usize::from(self.end.fraction_digits());
        if fraction > 0 {
            specs.push(Spec {
                field: Field::Fraction,
                width: fraction,
            });
        }
        specs
    }

    /// Parses qualifier text such as `YEAR TO SECOND`, `year to fraction(3)`,
    /// `DAY(3) TO MINUTE`, `FRACTION` or `HOUR`. FRACTION without a digit count means
    /// FRACTION(3); a lone unit means `unit TO unit`. INTERVAL first fields default to 4
    /// digits for YEAR and 2 otherwise; a DATETIME start takes no (non-default) precision.
    pub fn parse_sql(text: &str, is_interval: bool) -> Result<Self, CodecError> {
        const BAD: CodecError = CodecError::Invalid("not a DATETIME/INTERVAL qualifier");
        let mut lx = Lexer {
            s: text.as_bytes(),
            pos: 0,
        };
        let start = lx.unit().ok_or(BAD)?;
        let start_precision = lx.precision()?;
        let end = match lx.word() {
            None => None,
            Some(w) if w == "TO" => Some((lx.unit().ok_or(BAD)?, lx.precision()?)),
            Some(_) => return Err(BAD),
        };
        if !lx.at_end() {
            return Err(BAD);
        }
        let fraction_end = |digits: Option<u8>| {
            TimeUnit::fraction(digits.unwrap_or(3))
                .ok_or(CodecError::Invalid("FRACTION precision must be 1..=5"))
        };
        if start == TimeUnit::FRACTION {
            let end = match end {
                None => fraction_end(start_precision)?,
                Some((unit, p)) if unit.is_fraction() && start_precision.is_none() => {
                    fraction_end(p)?
                }
                Some(_) => return Err(BAD),
            };
            return if is_interval {
                Self::interval(TimeUnit::FRACTION, 2, end)
            } else {
                Self::datetime(TimeUnit::FRACTION, end)
            };
        }
        let end = match end {
            None => start,
            Some((unit, p)) if unit.is_fraction() => fraction_end(p)?,
            Some((unit, None)) => unit,
            Some((_, Some(_))) => {
                return Err(CodecError::Invalid(
                    "only FRACTION takes a precision as end unit",
                ));
            }
        };
        let default_first = if start == TimeUnit::Year { 4 } else { 2 };
        if is_interval {
            Self::interval(start, start_precision.unwrap_or(default_first), end)
        } else if start_precision.is_some_and(|p| p != default_first) {
            Err(CodecError::Invalid(
                "a DATETIME start unit takes no precision",
            ))
        } else {
            Self::datetime(start, end)
        }
    }

    /// Qualifier text in Informix's form, e.g. `YEAR TO FRACTION(3)`, `DAY(9) TO SECOND`.
    /// The first-field precision appears only when it differs from the default (4 for
    /// YEAR, 2 otherwise), so the text reads back the same way for either family.
    pub fn to_sql(&self) -> String {
        if self.start.is_fraction() {
            return format!("FRACTION TO FRACTION({})", self.end.fraction_digits());
        }
        let mut s = String::from(self.start.keyword());
        let default_first = if self.start == TimeUnit::Year { 4 } else { 2 };
        if self.first_digits != default_first {
            let _ = write!(s, "({})", self.first_digits);
        }
        s.push_str(" TO ");
        s.push_str(self.end.keyword());
        if self.end.is_fraction() {
            let _ = write!(s, "({})", self.end.fraction_digits());
        }
        s
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_sql())
    }
}

/// Tokenizer for qualifier text: words, `(n)` precisions, whitespace.
struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn skip_ws(&mut self) {
        while self.s.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> Option<String> {
        self.skip_ws();
        let begin = self.pos;
        while self.s.get(self.pos).is_some_and(u8::is_ascii_alphabetic) {
            self.pos += 1;
        }
        let w = self.s.get(begin..self.pos).filter(|w| !w.is_empty())?;
        Some(String::from_utf8_lossy(w).to_ascii_uppercase())
    }

    fn unit(&mut self) -> Option<TimeUnit> {
        Some(match self.word()?.as_str() {
            "YEAR" => TimeUnit::Year,
            "MONTH" => TimeUnit::Month,
            "DAY" => TimeUnit::Day,
            "HOUR" => TimeUnit::Hour,
            "MINUTE" => TimeUnit::Minute,
            "SECOND" => TimeUnit::Second,
            "FRACTION" => TimeUnit::FRACTION,
            _ => return None,
        })
    }

    fn precision(&mut self) -> Result<Option<u8>, CodecError> {
        const BAD: CodecError = CodecError::Invalid("bad precision in qualifier");
        self.skip_ws();
        if self.s.get(self.pos) != Some(&b'(') {
            return Ok(None);
        }
        self.pos += 1;
        self.skip_ws();
        let mut value: u8 = 0;
        let begin = self.pos;
        while let Some(&b) = self.s.get(self.pos).filter(|b| b.is_ascii_digit()) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(b - b'0'))
                .ok_or(BAD)?;
            self.pos += 1;
        }
        if self.pos == begin {
            return Err(BAD);
        }
        self.skip_ws();
        if self.s.get(self.pos) != Some(&b')') {
            return Err(BAD);
        }
        self.pos += 1;
        Ok(Some(value))
    }

    fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.pos >= self.s.len()
    }
}

/// A DATETIME value. Fields outside the qualifier are ignored on encode and zero on decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0..=999_999; FRACTION(n) keeps the first n digits.
    pub microsecond: u32,
}

impl DateTime {
    /// All fields at once, in calendar order.
    pub const fn new(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        microsecond: u32,
    ) -> Self {
        DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            microsecond,
        }
    }
}

/// An INTERVAL value of either class. Day-time values hold DAY(9) TO FRACTION(5) exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    /// Year-month class (`YEAR TO MONTH`, `MONTH TO MONTH`, …), as signed total months.
    YearMonth { months: i64 },
    /// Day-time class (`DAY TO FRACTION(5)`, `HOUR TO MINUTE`, …) as a sign and magnitude.
    DayTime {
        negative: bool,
        seconds: u64,
        /// 0..=999_999.
        microseconds: u32,
    },
}

impl Interval {
    /// True for values below zero.
    pub fn is_negative(&self) -> bool {
        match *self {
            Interval::YearMonth { months } => months < 0,
            Interval::DayTime {
                negative,
                seconds,
                microseconds,
            } => negative && (seconds != 0 || microseconds != 0),
        }
    }
}

/// `10^n` for the small digit counts used here.
fn pow10(n: usize) -> u64 {
    10u64.saturating_pow(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Lays field values out as base-100 pairs with the point after SECOND: a zero digit first
/// when the integer digits are odd, then each field right-aligned in its width, then the
/// fraction. Returns exactly `tuple_width − 1` pairs. The fraction value is in microseconds;
/// the tuple form keeps the qualifier's digits, the bind form fills its whole last pair
/// (FRACTION(5) then carries the sixth microsecond digit, as the reference client sends it).
fn pack(q: &Qualifier, specs: &[Spec], values: &[u64], bind: bool) -> Result<Vec<u8>, CodecError> {
    let slots = q.tuple_width().saturating_sub(1);
    let mut digits = Vec::with_capacity(2 * slots);
    if q.int_digits() % 2 == 1 {
        digits.push(0);
    }
    for (spec, &value) in specs.iter().zip(values) {
        if spec.field == Fraction {
            if value > 999_999 {
                return Err(CodecError::Invalid("microseconds above 999999"));
            }
            let count = if bind {
                (2 * slots).saturating_sub(digits.len())
            } else {
                spec.width
            };
            for i in 0..count {
                let digit = 5usize.checked_sub(i).map_or(0, |p| (value / pow10(p)) % 10);
                digits.push(u8::try_from(digit).unwrap_or(0));
            }
        } else {
            if value >= pow10(spec.width) {
                return Err(CodecError::Overflow);
            }
            for p in (0..spec.width).rev() {
                digits.push(u8::try_from((value / pow10(p)) % 10).unwrap_or(0));
            }
        }
    }
    if digits.len() > 2 * slots {
        return Err(CodecError::Invalid("qualifier layout exceeds its width"));
    }
    digits.resize(2 * slots, 0);
    Ok(digits_to_pairs(&digits))
}

/// Reads field values back from pairs laid out by [`pack`]; missing trailing pairs are
/// zero and digits beyond the qualifier are ignored. Fractions come back in microseconds.
fn unpack(q: &Qualifier, specs: &[Spec], pairs: &[u8]) -> Vec<u64> {
    let mut digits = pairs_to_digits(pairs);
    let mut pos = q.int_digits() % 2;
    let needed = pos + usize::from(q.total_digits());
    if digits.len() < needed {
        digits.resize(needed, 0);
    }
    let mut values = Vec::with_capacity(specs.len());
    for spec in specs {
        let run = digits.get(pos..pos + spec.width).unwrap_or_default();
        let value = run.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d));
        pos += spec.width;
        values.push(if spec.field == Fraction {
            value * pow10(6usize.saturating_sub(spec.width))
        } else {
            value
        });
    }
    values
}

/// Splits a bind value into its body and the bytes consumed (length word included).
fn bind_body(b: &[u8]) -> Result<(&[u8], usize), CodecError> {
    let len = usize::try_from(read_i16(b, 0)?)
        .ok()
        .filter(|&n| n >= 1)
        .ok_or(CodecError::Invalid("bind length below 1"))?;
    let consumed = 2 + len;
    let body = b.get(2..consumed).ok_or(CodecError::Truncated)?;
    Ok((body, consumed))
}

fn push_bind(bytes: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
    let len = i16::try_from(bytes.len()).map_err(|_| CodecError::Overflow)?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// DATETIME

fn datetime_valid(v: &DateTime, specs: &[Spec]) -> bool {
    fields_valid(v, field_mask(specs))
}

/// One bit per [`Field`] present in `specs`.
fn field_mask(specs: &[Spec]) -> u8 {
    specs.iter().fold(0, |m, s| m | 1 << s.field as u8)
}

/// [`datetime_valid`] with the qualifier's fields as a [`field_mask`].
fn fields_valid(v: &DateTime, mask: u8) -> bool {
    let has = |f: Field| mask & (1 << f as u8) != 0;
    if has(Field::Year) && !(1..=9999).contains(&v.year) {
        return false;
    }
    if has(Field::Month) && !(1..=12).contains(&v.month) {
        return false;
    }
    if has(Field::Day) {
        let max = if has(Field::Month) {
            // Without a year, February 29 is allowed.
            days_in_month(if has(Field::Year) { v.year } else { 2000 }, v.month)
        } else {
            31
        };
        if !(1..=max).contains(&v.day) {
            return false;
        }
    }
    !(has(Field::Hour) && v.hour > 23
        || has(Field::Minute) && v.minute > 59
        || has(Field::Second) && v.second > 59
        || has(Field::Fraction) && v.microsecond > 999_999)
}

fn datetime_values(v: &DateTime, specs: &[Spec]) -> Result<Vec<u64>, CodecError> {
    if !datetime_valid(v, specs) {
        return Err(CodecError::Sql(SQL_FIELD_OUT_OF_RANGE));
    }
    specs
        .iter()
        .map(|s| match s.field {
            Field::Year => u64::try_from(v.year).map_err(|_| CodecError::Overflow),
            Field::Month => Ok(u64::from(v.month)),
            Field::Day => Ok(u64::from(v.day)),
            Field::Hour => Ok(u64::from(v.hour)),
            Field::Minute => Ok(u64::from(v.minute)),
            Field::Second => Ok(u64::from(v.second)),
            Field::Fraction => Ok(u64::from(v.microsecond)),
        })
        .collect()
}

fn datetime_from_values(specs: &[Spec], values: &[u64]) -> Result<DateTime, CodecError> {
    let mut v = DateTime::default();
    for (spec, &value) in specs.iter().zip(values) {
        let small = u32::try_from(value).map_err(|_| CodecError::Overflow)?;
        match spec.field {
            Field::Year => v.year = i32::try_from(value).map_err(|_| CodecError::Overflow)?,
            Field::Month => v.month = small,
            Field::Day => v.day = small,
            Field::Hour => v.hour = small,
            Field::Minute => v.minute = small,
            Field::Second => v.second = small,
            Field::Fraction => v.microsecond = small,
        }
    }
    Ok(v)
}

fn datetime_bytes(v: &DateTime, q: &Qualifier, bind: bool) -> Result<Vec<u8>, CodecError> {
    let specs = q.checked_fields()?;
    let values = datetime_values(v, &specs)?;
    let pairs = pack(q, &specs, &values, bind)?;
    let mut bytes = Vec::with_capacity(pairs.len() + 1);
    bytes.push(head_byte(false, q.pair_exponent())?);
    bytes.extend_from_slice(&pairs);
    Ok(bytes)
}

/// Reads the pairs after the head. The head is ignored, as the reference client does:
/// DATETIME digits always start at the first pair, and heads for non-YEAR starts are
/// unconfirmed on real servers.
fn datetime_from_pairs(pairs: &[u8], q: &Qualifier) -> Result<DateTime, CodecError> {
    check_pairs(pairs)?;
    DateTimeDecoder::new(q)?.read(pairs)
}

/// Digit pairs [`DateTimeDecoder`] reads: enough for the widest qualifier it accepts.
const DIGIT_PAIRS: usize = 16;

/// A DATETIME qualifier's field layout worked out once, so that the values of a result
/// column (which all share one qualifier) decode without allocating.
/// [`DateTimeDecoder::decode`] is [`decode_datetime`] for that qualifier.
#[derive(Debug, Clone, Copy)]
pub struct DateTimeDecoder {
    qualifier: Qualifier,
    /// The qualifier's fields in order, as digit runs.
    runs: [Run; 7],
    count: usize,
    /// [`field_mask`] of the fields.
    mask: u8,
    /// Microseconds per unit of the FRACTION field's value (1 when there is none).
    fraction_scale: u64,
    /// When every field covers whole pairs (all the usual qualifiers), the field of each
    /// of the first `aligned_pairs` pairs: values are then read pair by pair.
    pair_fields: [u8; DIGIT_PAIRS],
    aligned_pairs: Option<usize>,
    width: usize,
}

/// Where one field's digits lie in the digit stream of the pairs.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    /// [`Field`] as an index into the decoded values.
    field: u8,
    from: u8,
    to: u8,
}

impl DateTimeDecoder {
    /// Fails, as decoding any non-NULL value would, for a malformed qualifier.
    pub fn new(q: &Qualifier) -> Result<Self, CodecError> {
        let fields = q.checked_fields()?;
        let mut runs = [Run::default(); 7];
        let count = fields.len().min(runs.len());
        // A leading zero digit pads odd integer digits.
        let mut pos = q.int_digits() % 2;
        let mut fraction_scale = 1;
        for (run, spec) in runs.iter_mut().zip(&fields) {
            let to = pos + spec.width;
            if to > 2 * DIGIT_PAIRS {
                // Unreachable for a checked qualifier (at most 1 + 24 digits).
                return Err(CodecError::Invalid("qualifier layout exceeds its width"));
            }
            // All three are below 2 * DIGIT_PAIRS, so they fit a byte.
            *run = Run {
                field: spec.field as u8,
                from: pos as u8,
                to: to as u8,
            };
            pos = to;
            if spec.field == Fraction {
                fraction_scale = pow10(6usize.saturating_sub(spec.width));
            }
        }
        let runs_used = &runs[..count];
        let mut pair_fields = [0u8; DIGIT_PAIRS];
        let aligned_pairs = if runs_used.iter().all(|r| r.from % 2 == 0 && r.to % 2 == 0) {
            for r in runs_used {
                pair_fields[usize::from(r.from / 2)..usize::from(r.to / 2)].fill(r.field);
            }
            Some(pos / 2)
        } else {
            None
        };
        Ok(DateTimeDecoder {
            qualifier: *q,
            runs,
            count,
            mask: field_mask(&fields),
            fraction_scale,
            pair_fields,
            aligned_pairs,
            width: q.tuple_width(),
        })
    }

    pub fn qualifier(&self) -> &Qualifier {
        &self.qualifier
    }

    /// Exactly [`decode_datetime`]`(b, qualifier)`.
    pub fn decode(&self, b: &[u8]) -> Result<Option<DateTime>, CodecError> {
        match b.get(..self.width).ok_or(CodecError::Truncated)? {
            [0, 0, ..] => Ok(None),
            [_, pairs @ ..] => {
                check_pairs(pairs)?;
                self.read(pairs).map(Some)
            }
            [] => Err(CodecError::Truncated),
        }
    }

    /// Field values from pairs (already checked ≤ 99) laid out by [`pack`], as [`unpack`]
    /// reads them: missing trailing digits are zero, digits past the qualifier ignored.
    fn read(&self, pairs: &[u8]) -> Result<DateTime, CodecError> {
        // A checked qualifier has at most 9 + 15 digits after a possible pad digit, so
        // every digit read lies in this buffer.
        let mut padded = [0u8; DIGIT_PAIRS];
        let copied = pairs.len().min(DIGIT_PAIRS);
        padded[..copied].copy_from_slice(&pairs[..copied]);
        // Indexed by `Field`; fields outside the qualifier stay zero.
        let mut values = [0u64; 7];
        if let Some(used) = self.aligned_pairs {
            // Every field covers whole pairs: base 100, one pass.
            for (&field, &p) in self.pair_fields[..used].iter().zip(&padded) {
                let v = &mut values[usize::from(field)];
                *v = *v * 100 + u64::from(p);
            }
        } else {
            self.read_runs(&padded, &mut values);
        }
        let small = |value: u64| u32::try_from(value).map_err(|_| CodecError::Overflow);
        let v = DateTime {
            year: i32::try_from(values[Field::Year as usize]).map_err(|_| CodecError::Overflow)?,
            month: small(values[Field::Month as usize])?,
            day: small(values[Field::Day as usize])?,
            hour: small(values[Field::Hour as usize])?,
            minute: small(values[Field::Minute as usize])?,
            second: small(values[Field::Second as usize])?,
            microsecond: small(values[Fraction as usize] * self.fraction_scale)?,
        };
        if !fields_valid(&v, self.mask) {
            return Err(CodecError::Invalid("DATETIME field out of range"));
        }
        Ok(v)
    }

    /// Field values digit by digit, for layouts with a field starting or ending inside a pair.
    fn read_runs(&self, padded: &[u8; DIGIT_PAIRS], values: &mut [u64; 7]) {
        for run in &self.runs[..self.count] {
            let digits = usize::from(run.from)..usize::from(run.to);
            values[usize::from(run.field)] = digits.fold(0, |acc, i| {
                let p = padded[i / 2];
                acc * 10 + u64::from(if i % 2 == 0 { p / 10 } else { p % 10 })
            });
        }
    }
}

/// Appends exactly `q.tuple_width()` bytes; `None` is NULL (all zero). Head byte
/// `0xC0 + E` (0xC7 for YEAR starts). Fields out of range are `Sql(-1263)`; nothing is
/// appended on error.
pub fn encode_datetime(
    v: Option<&DateTime>,
    q: &Qualifier,
    out: &mut Vec<u8>,
) -> Result<(), CodecError> {
    match v {
        None => out.resize(out.len() + q.tuple_width(), 0),
        Some(v) => out.extend_from_slice(&datetime_bytes(v, q, false)?),
    }
    Ok(())
}

/// Reads a tuple DATETIME from the first `q.tuple_width()` bytes; `00 00` is NULL.
pub fn decode_datetime(b: &[u8], q: &Qualifier) -> Result<Option<DateTime>, CodecError> {
    match b.get(..q.tuple_width()).ok_or(CodecError::Truncated)? {
        [0, 0, ..] => Ok(None),
        [_, pairs @ ..] => datetime_from_pairs(pairs, q).map(Some),
        [] => Err(CodecError::Truncated),
    }
}

/// Appends the bind form: `i16 innerLen` then head and pairs (no odd-length pad). The
/// fraction fills its last pair from the microseconds, so YEAR TO FRACTION(5) carries all
/// six digits like the reference client.
pub fn encode_datetime_bind(
    v: &DateTime,
    q: &Qualifier,
    out: &mut Vec<u8>,
) -> Result<(), CodecError> {
    push_bind(&datetime_bytes(v, q, true)?, out)
}

/// Reads a bind DATETIME and the bytes consumed (length word included). Short bodies read
/// as trailing zeros; digits beyond the qualifier are dropped.
pub fn decode_datetime_bind(b: &[u8], q: &Qualifier) -> Result<(DateTime, usize), CodecError> {
    let (body, consumed) = bind_body(b)?;
    match body {
        [0, 0, ..] => Err(CodecError::Invalid("NULL marker inside DATETIME bind data")),
        [_, pairs @ ..] => Ok((datetime_from_pairs(pairs, q)?, consumed)),
        [] => Err(CodecError::Truncated),
    }
}

// ---------------------------------------------------------------------------------------
// INTERVAL

/// Field values (fraction in microseconds) and sign of an interval under `q`. Units finer
/// than the qualifier's end are truncated; a first field too wide is caught by [`pack`].
fn interval_values(
    v: &Interval,
    q: &Qualifier,
    specs: &[Spec],
) -> Result<(bool, Vec<u64>), CodecError> {
    q.check_interval_class()?;
    match *v {
        Interval::YearMonth { months } => {
            if !q.is_year_month() {
                return Err(CodecError::Invalid(
                    "year-month INTERVAL under a day-time qualifier",
                ));
            }
            let total = months.unsigned_abs();
            let values = specs
                .iter()
                .enumerate()
                .map(|(i, s)| match (s.field, i) {
                    (Field::Year, _) => total / 12,
                    (_, 0) => total,
                    _ => total % 12,
                })
                .collect();
            Ok((months < 0, values))
        }
        Interval::DayTime {
            negative,
            seconds,
            microseconds,
        } => {
            if q.is_year_month() {
                return Err(CodecError::Invalid(
                    "day-time INTERVAL under a year-month qualifier",
                ));
            }
            if microseconds > 999_999 {
                return Err(CodecError::Invalid("microseconds above 999999"));
            }
            if q.start.is_fraction() && seconds != 0 {
                return Err(CodecError::Overflow);
            }
            let values = specs
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let whole = seconds / s.field.seconds();
                    match (s.field, i) {
                        (Field::Fraction, _) => u64::from(microseconds),
                        (_, 0) => whole,
                        (f, _) => whole % f.interval_modulus(),
                    }
                })
                .collect();
            Ok((negative, values))
        }
    }
}

/// Builds an interval from field values, rejecting non-first fields out of range with `err`.
fn interval_from_values(
    q: &Qualifier,
    specs: &[Spec],
    negative: bool,
    values: &[u64],
    err: CodecError,
) -> Result<Interval, CodecError> {
    q.check_interval_class()?;
    for (i, (spec, &value)) in specs.iter().zip(values).enumerate() {
        if i > 0 && value >= spec.field.interval_modulus() {
            return Err(err);
        }
    }
    let zero = values.iter().all(|&v| v == 0);
    let negative = negative && !zero;
    if q.is_year_month() {
        let mut total: u64 = 0;
        for (spec, &value) in specs.iter().zip(values) {
            let scale = if spec.field == Field::Year { 12 } else { 1 };
            total = value
                .checked_mul(scale)
                .and_then(|v| total.checked_add(v))
                .ok_or(CodecError::Overflow)?;
        }
        let months = i64::try_from(total).map_err(|_| CodecError::Overflow)?;
        return Ok(Interval::YearMonth {
            months: if negative { -months } else { months },
        });
    }
    let mut seconds: u64 = 0;
    let mut microseconds = 0;
    for (spec, &value) in specs.iter().zip(values) {
        if spec.field == Fraction {
            microseconds = u32::try_from(value).map_err(|_| CodecError::Overflow)?;
        } else {
            seconds = value
                .checked_mul(spec.field.seconds())
                .and_then(|v| seconds.checked_add(v))
                .ok_or(CodecError::Overflow)?;
        }
    }
    Ok(Interval::DayTime {
        negative,
        seconds,
        microseconds,
    })
}

fn interval_bytes(v: &Interval, q: &Qualifier, bind: bool) -> Result<Vec<u8>, CodecError> {
    let specs = q.checked_fields()?;
    let (negative, values) = interval_values(v, q, &specs)?;
    let mut pairs = pack(q, &specs, &values, bind)?;
    // A value truncated to zero is written as positive zero.
    let negative = negative && pairs.iter().any(|&p| p != 0);
    if negative {
        complement_pairs(&mut pairs)?;
    }
    let mut bytes = Vec::with_capacity(pairs.len() + 1);
    bytes.push(head_byte(negative, q.pair_exponent())?);
    bytes.extend_from_slice(&pairs);
    Ok(bytes)
}

/// Moves pairs so the head's exponent matches the qualifier's, in case a sender strips
/// leading zero pairs as DECIMAL normalization does; `None` when significant pairs would
/// fall off the front.
fn align(pairs: Vec<u8>, head_exp: i32, qualifier_exp: i32) -> Option<Vec<u8>> {
    match head_exp.cmp(&qualifier_exp) {
        Ordering::Equal => Some(pairs),
        Ordering::Less => {
            let shift = usize::try_from(qualifier_exp - head_exp).ok()?;
            let mut shifted = vec![0; shift];
            shifted.extend(pairs);
            Some(shifted)
        }
        Ordering::Greater => {
            let shift = usize::try_from(head_exp - qualifier_exp).ok()?;
            if pairs.iter().take(shift).any(|&p| p != 0) {
                return None;
            }
            Some(pairs.get(shift..).unwrap_or_default().to_vec())
        }
    }
}

fn interval_from_body(head: u8, pairs: &[u8], q: &Qualifier) -> Result<Interval, CodecError> {
    check_pairs(pairs)?;
    let (negative, head_exp) = split_head(head);
    let mut pairs = pairs.to_vec();
    if negative {
        complement_pairs(&mut pairs)?;
    }
    let pairs = align(pairs, head_exp, q.pair_exponent()).ok_or(CodecError::Overflow)?;
    let specs = q.checked_fields()?;
    let values = unpack(q, &specs, &pairs);
    interval_from_values(
        q,
        &specs,
        negative,
        &values,
        CodecError::Invalid("INTERVAL field out of range"),
    )
}

/// Appends exactly `q.tuple_width()` bytes; `None` is NULL. Negative values complement
/// their pairs (§7.4). A first field wider than its precision is [`CodecError::Overflow`];
/// finer units than the qualifier's end are truncated.
pub fn encode_interval(
    v: Option<&Interval>,
    q: &Qualifier,
    out: &mut Vec<u8>,
) -> Result<(), CodecError> {
    match v {
        None => out.resize(out.len() + q.tuple_width(), 0),
        Some(v) => out.extend_from_slice(&interval_bytes(v, q, false)?),
    }
    Ok(())
}

/// Reads a tuple INTERVAL from the first `q.tuple_width()` bytes; `00 00` is NULL.
pub fn decode_interval(b: &[u8], q: &Qualifier) -> Result<Option<Interval>, CodecError> {
    match b.get(..q.tuple_width()).ok_or(CodecError::Truncated)? {
        [0, 0, ..] => Ok(None),
        [head, pairs @ ..] => interval_from_body(*head, pairs, q).map(Some),
        [] => Err(CodecError::Truncated),
    }
}

/// Appends the bind form: `i16 innerLen`, head, pairs (no odd-length pad).
pub fn encode_interval_bind(
    v: &Interval,
    q: &Qualifier,
    out: &mut Vec<u8>,
) -> Result<(), CodecError> {
    push_bind(&interval_bytes(v, q, true)?, out)
}

/// Reads a bind INTERVAL and the bytes consumed (length word included).
pub fn decode_interval_bind(b: &[u8], q: &Qualifier) -> Result<(Interval, usize), CodecError> {
    let (body, consumed) = bind_body(b)?;
    match body {
        [0, 0, ..] => Err(CodecError::Invalid("NULL marker inside INTERVAL bind data")),
        [head, pairs @ ..] => Ok((interval_from_body(*head, pairs, q)?, consumed)),
        [] => Err(CodecError::Truncated),
    }
}

// ---------------------------------------------------------------------------------------
// Text forms

/// Joins field values with Informix separators (`-`, ` `, `:`, `.`). The first field is
/// zero-padded to its width when `pad_first`, other fields to 2 digits, the fraction to
/// its declared digits (microseconds truncated).
fn format_fields(specs: &[Spec], values: &[i128], pad_first: bool) -> String {
    let mut s = String::new();
    for (i, (spec, &value)) in specs.iter().zip(values).enumerate() {
        if i > 0 {
            s.push(char::from(spec.field.separator()));
        }
        let _ = match (spec.field, i) {
            (Field::Fraction, _) => {
                let digits = spec.width;
                let kept = value / i128::from(pow10(6usize.saturating_sub(digits)));
                write!(s, "{kept:0digits$}")
            }
            (_, 0) if !pad_first => write!(s, "{value}"),
            (_, 0) => write!(s, "{value:0width$}", width = spec.width),
            _ => write!(s, "{value:02}"),
        };
    }
    s
}

/// Canonical Informix text for the qualifier's fields: `2024-01-02 03:04:05.123` for
/// YEAR TO FRACTION(3), `2024-01-02` for YEAR TO DAY, `03:04` for HOUR TO MINUTE.
/// A FRACTION-only qualifier prints just its digits.
pub fn format_datetime(v: &DateTime, q: &Qualifier) -> String {
    let specs = q.fields();
    let values: Vec<i128> = specs
        .iter()
        .map(|s| match s.field {
            Field::Year => i128::from(v.year),
            Field::Month => i128::from(v.month),
            Field::Day => i128::from(v.day),
            Field::Hour => i128::from(v.hour),
            Field::Minute => i128::from(v.minute),
            Field::Second => i128::from(v.second),
            Field::Fraction => i128::from(v.microsecond),
        })
        .collect();
    format_fields(&specs, &values, true)
}

/// Informix text for an interval under `q`, first field unpadded and a leading `-` when
/// negative: `1 02:03:04.50000` (DAY TO FRACTION(5)), `-1-02` (YEAR TO MONTH).
pub fn format_interval(v: &Interval, q: &Qualifier) -> Result<String, CodecError> {
    let specs = q.checked_fields()?;
    let (negative, values) = interval_values(v, q, &specs)?;
    if let (Some(first), Some(&value)) = (specs.first(), values.first())
        && first.field != Fraction
        && value >= pow10(first.width)
    {
        return Err(CodecError::Overflow);
    }
    let shown: Vec<i128> = values.iter().map(|&v| i128::from(v)).collect();
    let text = format_fields(&specs, &shown, false);
    let zero = text.bytes().all(|b| !b.is_ascii_digit() || b == b'0');
    Ok(if negative && !zero {
        format!("-{text}")
    } else {
        text
    })
}

/// Splits text into field values per `specs` (fraction in microseconds), with the
/// Informix error codes for each way the text can be wrong.
fn parse_fields(
    text: &str,
    specs: &[Spec],
    allow_sign: bool,
) -> Result<(bool, Vec<u64>), CodecError> {
    let s = text.trim().as_bytes();
    let mut pos = 0;
    let mut negative = false;
    if allow_sign {
        match s.first() {
            Some(b'-') => {
                negative = true;
                pos = 1;
            }
            Some(b'+') => pos = 1,
            _ => {}
        }
        while s.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
    }
    let mut values = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let separator = spec.field.separator();
        if i == 0 {
            // A FRACTION-only value may be written with its point.
            if spec.field == Fraction && s.get(pos) == Some(&b'.') {
                pos += 1;
            }
        } else if separator == b' ' {
            let begin = pos;
            while s.get(pos).is_some_and(u8::is_ascii_whitespace) {
                pos += 1;
            }
            if pos == begin {
                return Err(CodecError::Sql(SQL_NON_NUMERIC));
            }
        } else if s.get(pos) == Some(&separator) {
            pos += 1;
        } else {
            return Err(CodecError::Sql(SQL_NON_NUMERIC));
        }
        let begin = pos;
        while s.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        let run = s.get(begin..pos).unwrap_or_default();
        if run.is_empty() {
            return Err(CodecError::Sql(SQL_NON_NUMERIC));
        }
        let limit = match (spec.field, i) {
            (Fraction, _) => spec.width,
            (_, 0) => spec.width,
            _ => 2,
        };
        if run.len() > limit {
            return Err(CodecError::Sql(match (spec.field, i) {
                (Fraction, _) => SQL_EXTRA_CHARACTERS,
                (_, 0) => SQL_TOO_MANY_FIRST_DIGITS,
                _ => SQL_FIELD_OUT_OF_RANGE,
            }));
        }
        let value = run
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0'));
        values.push(if spec.field == Fraction {
            value * pow10(6 - run.len())
        } else {
            value
        });
    }
    if pos < s.len() {
        return Err(CodecError::Sql(SQL_EXTRA_CHARACTERS));
    }
    Ok((negative, values))
}

/// Parses DATETIME text with exactly the qualifier's fields (`2024-01-02 03:04:05.123`);
/// the fraction may have 1..=n digits. Errors are `Sql(-1262)` for a non-digit or missing
/// field, `-1263` for a field out of range, `-1264` for trailing characters, `-1261` for
/// too many digits in the first field. Surrounding whitespace is ignored; two-digit years
/// are taken literally.
pub fn parse_datetime(text: &str, q: &Qualifier) -> Result<DateTime, CodecError> {
    let specs = q.checked_fields()?;
    let (_, values) = parse_fields(text, &specs, false)?;
    let v = datetime_from_values(&specs, &values)?;
    if !datetime_valid(&v, &specs) {
        return Err(CodecError::Sql(SQL_FIELD_OUT_OF_RANGE));
    }
    Ok(v)
}

/// Parses INTERVAL text such as `1 02:03:04.5`, `-1-02` or `  12:30`, with the same error
/// codes as [`parse_datetime`]; non-first fields must be within their unit (hour < 24…).
pub fn parse_interval(text: &str, q: &Qualifier) -> Result<Interval, CodecError> {
    q.check_interval_class()?;
    let specs = q.checked_fields()?;
    let (negative, values) = parse_fields(text, &specs, true)?;
    interval_from_values(
        q,
        &specs,
        negative,
        &values,
        CodecError::Sql(SQL_FIELD_OUT_OF_RANGE),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;
    use TimeUnit::*;

    const UNITS: [TimeUnit; 11] = [
        Year, Month, Day, Hour, Minute, Second, Fraction1, Fraction2, Fraction3, Fraction4,
        Fraction5,
    ];

    fn dt_q(start: TimeUnit, end: TimeUnit) -> Qualifier {
        Qualifier::datetime(start, end).unwrap()
    }

    fn iv_q(start: TimeUnit, n: u8, end: TimeUnit) -> Qualifier {
        Qualifier::interval(start, n, end).unwrap()
    }

    fn daytime(negative: bool, seconds: u64, microseconds: u32) -> Interval {
        Interval::DayTime {
            negative,
            seconds,
            microseconds,
        }
    }

    fn enc_iv(v: &Interval, q: &Qualifier) -> String {
        let mut out = Vec::new();
        encode_interval(Some(v), q, &mut out).unwrap();
        assert_eq!(out.len(), q.tuple_width());
        assert_eq!(decode_interval(&out, q), Ok(Some(*v)), "{v:?} in {q}");
        let mut bind = Vec::new();
        encode_interval_bind(v, q, &mut bind).unwrap();
        assert_eq!(decode_interval_bind(&bind, q), Ok((*v, bind.len())));
        hex(&out)
    }

    /// The full DATETIME table of §7.5: qualifier hex / tuple width / head byte.
    #[test]
    fn datetime_qualifier_table_from_the_facts() {
        #[rustfmt::skip]
        let table: [(TimeUnit, [&str; 11]); 6] = [
            (Year, ["0400/3/C7", "0602/4/C7", "0804/5/C7", "0A06/6/C7", "0C08/7/C7", "0E0A/8/C7",
                    "0F0B/9/C7", "100C/9/C7", "110D/10/C7", "120E/10/C7", "130F/11/C7"]),
            (Month, ["", "0222/2/C5", "0424/3/C5", "0626/4/C5", "0828/5/C5", "0A2A/6/C5",
                     "0B2B/7/C5", "0C2C/7/C5", "0D2D/8/C5", "0E2E/8/C5", "0F2F/9/C5"]),
            (Day, ["", "", "0244/2/C4", "0446/3/C4", "0648/4/C4", "084A/5/C4", "094B/6/C4",
                   "0A4C/6/C4", "0B4D/7/C4", "0C4E/7/C4", "0D4F/8/C4"]),
            (Hour, ["", "", "", "0266/2/C3", "0468/3/C3", "066A/4/C3", "076B/5/C3", "086C/5/C3",
                    "096D/6/C3", "0A6E/6/C3", "0B6F/7/C3"]),
            (Minute, ["", "", "", "", "0288/2/C2", "048A/3/C2", "058B/4/C2", "068C/4/C2",
                      "078D/5/C2", "088E/5/C2", "098F/6/C2"]),
            (Second, ["", "", "", "", "", "02AA/2/C1", "03AB/3/C1", "04AC/3/C1", "05AD/4/C1",
                      "06AE/4/C1", "07AF/5/C1"]),
        ];
        let sample = DateTime::new(2024, 1, 2, 3, 4, 5, 123_456);
        let mut cells = 0;
        for (start, row) in table {
            for (end, cell) in UNITS.iter().zip(row) {
                if cell.is_empty() {
                    assert!(
                        Qualifier::datetime(start, *end).is_err(),
                        "{start:?}..{end:?}"
                    );
                    continue;
                }
                let parts: Vec<&str> = cell.split('/').collect();
                let hex_q = u16::from_str_radix(parts[0], 16).unwrap();
                let width: usize = parts[1].parse().unwrap();
                let head = u8::from_str_radix(parts[2], 16).unwrap();
                let q = dt_q(start, *end);
                assert_eq!(q.encoded(), hex_q, "{q}");
                assert_eq!(q.tuple_width(), width, "{q}");
                assert_eq!(Qualifier::from_encoded(hex_q), Ok(q));
                assert_eq!(Qualifier::parse_sql(&q.to_sql(), false), Ok(q));
                let mut out = Vec::new();
                encode_datetime(Some(&sample), &q, &mut out).unwrap();
                assert_eq!(out.len(), width, "{q}");
                assert_eq!(out[0], head, "{q}");
                let back = decode_datetime(&out, &q).unwrap().unwrap();
                assert_eq!(format_datetime(&back, &q), format_datetime(&sample, &q));
                cells += 1;
            }
        }
        assert_eq!(cells, 51);
    }

    #[test]
    fn qualifier_examples_and_exponents() {
        assert_eq!(dt_q(Year, Second).encoded(), 0x0E0A);
        assert_eq!(dt_q(Year, Fraction5).encoded(), 0x130F);
        assert_eq!(dt_q(Hour, Second).encoded(), 0x066A);
        assert_eq!(iv_q(Day, 9, Fraction5).encoded(), 0x144F);
        assert_eq!(iv_q(Year, 9, Month).encoded(), 0x0B02);
        assert_eq!(iv_q(Day, 2, Second).encoded(), 0x084A);
        assert_eq!(iv_q(Day, 9, Fraction5).tuple_width(), 12);
        assert_eq!(iv_q(Year, 9, Month).tuple_width(), 7);
        assert_eq!(iv_q(Day, 2, Second).tuple_width(), 5);
        // E = (digits + 10 − end + 1) div 2
        assert_eq!(dt_q(Year, Second).pair_exponent(), 7);
        assert_eq!(dt_q(Year, Day).pair_exponent(), 7);
        assert_eq!(dt_q(Hour, Second).pair_exponent(), 3);
        assert_eq!(iv_q(Day, 9, Fraction5).pair_exponent(), 8);
        assert_eq!(iv_q(Year, 9, Month).pair_exponent(), 10);
        assert_eq!(
            Qualifier::from_encoded(0x144F),
            Ok(Qualifier {
                start: Day,
                end: Fraction5,
                first_digits: 9
            })
        );
        assert_eq!(Qualifier::from_encoded(0x0B02).unwrap().first_digits, 9);
        assert_eq!(Qualifier::from_encoded(0x084A).unwrap().first_digits, 2);
    }

    #[test]
    fn qualifier_rejects_nonsense() {
        for bad in [
            0x0000,
            0x0A60,
            0x0E1A,
            0x0E3A,
            0x0EDA,
            0x0E0C + 0x0100 * 9,
            0x0E09,
            0x02CD,
        ] {
            assert!(Qualifier::from_encoded(bad).is_err(), "{bad:#06x}");
        }
        assert!(Qualifier::datetime(Second, Minute).is_err());
        assert!(Qualifier::datetime(Fraction3, Fraction5).is_err());
        assert!(Qualifier::datetime(TimeUnit::FRACTION, Second).is_err());
        assert!(Qualifier::interval(Year, 4, Day).is_err());
        assert!(Qualifier::interval(Day, 0, Second).is_err());
        assert!(Qualifier::interval(Day, 10, Second).is_err());
        assert!(Qualifier::interval(Month, 2, Year).is_err());
        // Hand-built nonsense is rejected, not a panic.
        let mut out = Vec::new();
        let v = DateTime::new(2024, 1, 2, 3, 4, 5, 0);
        for q in [
            Qualifier {
                start: Second,
                end: Year,
                first_digits: 2,
            },
            Qualifier {
                start: Year,
                end: Fraction5,
                first_digits: 255,
            },
            Qualifier {
                start: Year,
                end: Second,
                first_digits: 0,
            },
            Qualifier {
                start: Fraction4,
                end: Fraction5,
                first_digits: 2,
            },
        ] {
            assert!(encode_datetime(Some(&v), &q, &mut out).is_err());
            assert!(encode_interval(Some(&daytime(false, 1, 0)), &q, &mut out).is_err());
            assert!(decode_datetime(&[0xc7; 40], &q).is_err());
            assert!(decode_interval(&[0xc7; 40], &q).is_err());
            assert!(parse_datetime("1", &q).is_err());
            let _ = (format_datetime(&v, &q), q.tuple_width(), q.to_sql());
        }
        assert!(out.is_empty());
    }

    #[test]
    fn qualifier_text() {
        let cases: [(&str, bool, Qualifier); 12] = [
            ("YEAR TO SECOND", false, dt_q(Year, Second)),
            ("year to fraction(3)", false, dt_q(Year, Fraction3)),
            ("  Year  To  Fraction ( 5 ) ", false, dt_q(Year, Fraction5)),
            ("YEAR TO FRACTION", false, dt_q(Year, Fraction3)),
            ("HOUR", false, dt_q(Hour, Hour)),
            ("YEAR(4) TO DAY", false, dt_q(Year, Day)),
            ("DAY(3) TO MINUTE", true, iv_q(Day, 3, Minute)),
            ("DAY TO SECOND", true, iv_q(Day, 2, Second)),
            ("YEAR TO MONTH", true, iv_q(Year, 4, Month)),
            ("year(9) to month", true, iv_q(Year, 9, Month)),
            ("FRACTION", false, dt_q(TimeUnit::FRACTION, Fraction3)),
            (
                "FRACTION TO FRACTION(5)",
                true,
                iv_q(TimeUnit::FRACTION, 2, Fraction5),
            ),
        ];
        for (text, is_interval, q) in cases {
            assert_eq!(Qualifier::parse_sql(text, is_interval), Ok(q), "{text}");
            assert_eq!(
                Qualifier::parse_sql(&q.to_sql(), is_interval),
                Ok(q),
                "{text}"
            );
        }
        assert_eq!(dt_q(Year, Fraction3).to_sql(), "YEAR TO FRACTION(3)");
        assert_eq!(iv_q(Day, 9, Fraction5).to_sql(), "DAY(9) TO FRACTION(5)");
        assert_eq!(iv_q(Day, 2, Second).to_sql(), "DAY TO SECOND");
        assert_eq!(dt_q(Hour, Hour).to_string(), "HOUR TO HOUR");
        assert_eq!(
            dt_q(TimeUnit::FRACTION, Fraction1).to_sql(),
            "FRACTION TO FRACTION(1)"
        );
        assert_eq!(
            Qualifier::parse_sql("FRACTION(2)", false),
            Ok(dt_q(TimeUnit::FRACTION, Fraction2))
        );
        for bad in [
            "",
            "YEAR TO",
            "YEAR TOO SECOND",
            "YEAR(2) TO SECOND",
            "DAY(3) TO MINUTE",
            "YEAR TO FRACTION(6)",
            "YEAR TO FRACTION(0)",
            "YEAR TO SECOND(2)",
            "SECOND TO YEAR",
            "YEAR TO SECOND x",
            "DECADE",
            "YEAR TO FRACTION(",
            "YEAR TO FRACTION(999)",
            "FRACTION(3) TO FRACTION(5)",
            "FRACTION TO SECOND",
        ] {
            assert!(Qualifier::parse_sql(bad, false).is_err(), "{bad:?}");
        }
        for bad in [
            "YEAR TO DAY",
            "DAY(10) TO SECOND",
            "DAY(0) TO HOUR",
            "MONTH TO HOUR",
        ] {
            assert!(Qualifier::parse_sql(bad, true).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn datetime_bind_golden_examples_from_the_facts() {
        let mut out = Vec::new();
        let v = DateTime::new(2024, 1, 2, 3, 4, 5, 0);
        encode_datetime_bind(&v, &dt_q(Year, Second), &mut out).unwrap();
        assert_eq!(hex(&out), "00 08 c7 14 18 01 02 03 04 05");
        assert_eq!(decode_datetime_bind(&out, &dt_q(Year, Second)), Ok((v, 10)));

        let mut out = Vec::new();
        let v = DateTime::new(2024, 1, 2, 3, 4, 5, 123_456);
        let q = dt_q(Year, Fraction5);
        encode_datetime_bind(&v, &q, &mut out).unwrap();
        assert_eq!(hex(&out), "00 0b c7 14 18 01 02 03 04 05 0c 22 38");
        // FRACTION(5) keeps five digits: the sixth is dropped on the way in.
        let (back, used) = decode_datetime_bind(&out, &q).unwrap();
        assert_eq!(used, 13);
        assert_eq!(back, DateTime::new(2024, 1, 2, 3, 4, 5, 123_450));

        // The tuple form writes only the qualifier's digits.
        let mut tuple = Vec::new();
        encode_datetime(Some(&v), &q, &mut tuple).unwrap();
        assert_eq!(hex(&tuple), "c7 14 18 01 02 03 04 05 0c 22 32");
        let mut tuple = Vec::new();
        encode_datetime(Some(&v), &dt_q(Year, Second), &mut tuple).unwrap();
        assert_eq!(hex(&tuple), "c7 14 18 01 02 03 04 05");
    }

    #[test]
    fn datetime_tuple_forms() {
        let v = DateTime::new(2024, 1, 2, 3, 4, 5, 123_456);
        let enc = |q: Qualifier| {
            let mut out = Vec::new();
            encode_datetime(Some(&v), &q, &mut out).unwrap();
            hex(&out)
        };
        assert_eq!(enc(dt_q(Year, Day)), "c7 14 18 01 02");
        assert_eq!(enc(dt_q(Year, Fraction3)), "c7 14 18 01 02 03 04 05 0c 1e");
        assert_eq!(enc(dt_q(Hour, Second)), "c3 03 04 05");
        assert_eq!(enc(dt_q(Hour, Fraction3)), "c3 03 04 05 0c 1e");
        assert_eq!(enc(dt_q(Month, Day)), "c5 01 02");
        assert_eq!(enc(dt_q(Second, Fraction1)), "c1 05 0a");
        assert_eq!(enc(dt_q(TimeUnit::FRACTION, Fraction3)), "c0 0c 1e");
        let q = dt_q(Year, Second);
        let mut null = Vec::new();
        encode_datetime(None, &q, &mut null).unwrap();
        assert_eq!(null, vec![0; 8]);
        assert_eq!(decode_datetime(&null, &q), Ok(None));
        // Fields outside the qualifier are zero after decoding.
        let q = dt_q(Hour, Minute);
        let mut out = Vec::new();
        encode_datetime(Some(&v), &q, &mut out).unwrap();
        assert_eq!(
            decode_datetime(&out, &q),
            Ok(Some(DateTime::new(0, 0, 0, 3, 4, 0, 0)))
        );
        // The decoder reads fields from the first pair whatever the head says.
        let b = [0xc7, 0x14, 0x18, 0x01, 0x02];
        let other_head = [0xc3, 0x14, 0x18, 0x01, 0x02];
        let q = dt_q(Year, Day);
        assert_eq!(decode_datetime(&b, &q), decode_datetime(&other_head, &q));
        assert_eq!(
            decode_datetime(&b, &q),
            Ok(Some(DateTime::new(2024, 1, 2, 0, 0, 0, 0)))
        );
    }

    #[test]
    fn datetime_validation() {
        let q = dt_q(Year, Second);
        let mut out = Vec::new();
        for bad in [
            DateTime::new(0, 1, 1, 0, 0, 0, 0),
            DateTime::new(10_000, 1, 1, 0, 0, 0, 0),
            DateTime::new(2024, 13, 1, 0, 0, 0, 0),
            DateTime::new(2023, 2, 29, 0, 0, 0, 0),
            DateTime::new(2024, 4, 31, 0, 0, 0, 0),
            DateTime::new(2024, 1, 1, 24, 0, 0, 0),
            DateTime::new(2024, 1, 1, 0, 60, 0, 0),
            DateTime::new(2024, 1, 1, 0, 0, 60, 0),
        ] {
            assert_eq!(
                encode_datetime(Some(&bad), &q, &mut out),
                Err(CodecError::Sql(-1263))
            );
            assert_eq!(
                encode_datetime_bind(&bad, &q, &mut out),
                Err(CodecError::Sql(-1263))
            );
        }
        assert!(out.is_empty());
        // Out-of-qualifier fields are not checked.
        let q = dt_q(Hour, Second);
        assert!(
            encode_datetime(
                Some(&DateTime::new(0, 0, 0, 1, 2, 3, 5_000_000)),
                &q,
                &mut out
            )
            .is_ok()
        );
        // February 29 without a year is fine.
        assert!(
            encode_datetime(
                Some(&DateTime::new(0, 2, 29, 0, 0, 0, 0)),
                &dt_q(Month, Day),
                &mut out
            )
            .is_ok()
        );
        // Bad bytes from the wire.
        let q = dt_q(Year, Day);
        assert!(matches!(
            decode_datetime(&[0xc7, 0x14, 0x18, 0x0d, 0x01], &q),
            Err(CodecError::Invalid(_))
        ));
        assert!(matches!(
            decode_datetime(&[0xc7, 0x14, 0x18, 0x64, 0x01], &q),
            Err(CodecError::Invalid(_))
        ));
        assert_eq!(
            decode_datetime(&[0xc7, 0x14, 0x18, 0x01], &q),
            Err(CodecError::Truncated)
        );
        assert_eq!(
            decode_datetime_bind(&[0x00, 0x05, 0xc7], &q),
            Err(CodecError::Truncated)
        );
        assert!(decode_datetime_bind(&[0x00, 0x00], &q).is_err());
        assert!(decode_datetime_bind(&[0x00, 0x02, 0x00, 0x00], &q).is_err());
        // A short bind body reads as trailing zeros.
        assert_eq!(
            decode_datetime_bind(&[0x00, 0x03, 0xc3, 0x03, 0x04], &dt_q(Hour, Second)),
            Ok((DateTime::new(0, 0, 0, 3, 4, 0, 0), 5))
        );
    }

    #[test]
    fn interval_golden_examples_from_the_facts() {
        let q = iv_q(Day, 9, Fraction5);
        assert_eq!(
            enc_iv(&daytime(false, 86_400 + 2 * 3600 + 3 * 60 + 4, 500_000), &q),
            "c8 00 00 00 00 01 02 03 04 32 00 00"
        );
        assert_eq!(
            enc_iv(&daytime(true, 1, 0), &q),
            "37 63 63 63 63 63 63 63 63 00 00 00"
        );
        let q = iv_q(Year, 9, Month);
        assert_eq!(
            enc_iv(&Interval::YearMonth { months: 14 }, &q),
            "ca 00 00 00 00 01 02"
        );
        assert_eq!(
            enc_iv(&Interval::YearMonth { months: -14 }, &q),
            "35 63 63 63 63 62 62"
        );

        let mut bind = Vec::new();
        encode_interval_bind(&daytime(true, 1, 0), &iv_q(Day, 9, Fraction5), &mut bind).unwrap();
        assert_eq!(hex(&bind), "00 0c 37 63 63 63 63 63 63 63 63 00 00 00");
        let mut bind = Vec::new();
        encode_interval_bind(&Interval::YearMonth { months: 14 }, &q, &mut bind).unwrap();
        assert_eq!(hex(&bind), "00 07 ca 00 00 00 00 01 02");
    }

    #[test]
    fn interval_layouts() {
        // Odd integer digits: a leading zero digit aligns the point on a pair boundary.
        let q = iv_q(Day, 3, Hour);
        assert_eq!(q.encoded(), 0x0546);
        assert_eq!(
            enc_iv(&daytime(false, 123 * 86_400 + 4 * 3600, 0), &q),
            "c5 01 17 04"
        );
        assert_eq!(
            enc_iv(&daytime(true, 123 * 86_400 + 4 * 3600, 0), &q),
            "3a 62 4c 60"
        );
        // Zero is positive; negative zero too.
        let q = iv_q(Day, 2, Second);
        assert_eq!(enc_iv(&daytime(false, 0, 0), &q), "c4 00 00 00 00");
        let mut out = Vec::new();
        encode_interval(Some(&daytime(true, 0, 0)), &q, &mut out).unwrap();
        assert_eq!(hex(&out), "c4 00 00 00 00");
        assert_eq!(
            enc_iv(&daytime(false, 99 * 86_400 + 86_399, 0), &q),
            "c4 63 17 3b 3b"
        );
        // Bind fills the F5 pair with the sixth microsecond digit.
        let mut bind = Vec::new();
        let v = daytime(false, 1, 123_456);
        encode_interval_bind(&v, &iv_q(Day, 9, Fraction5), &mut bind).unwrap();
        assert_eq!(hex(&bind), "00 0c c8 00 00 00 00 00 00 00 01 0c 22 38");
        assert_eq!(
            decode_interval_bind(&bind, &iv_q(Day, 9, Fraction5)),
            Ok((daytime(false, 1, 123_450), 14))
        );
        // Finer units than the qualifier are truncated toward zero.
        let mut out = Vec::new();
        encode_interval(
            Some(&daytime(true, 90, 0)),
            &iv_q(Hour, 2, Minute),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            decode_interval(&out, &iv_q(Hour, 2, Minute)),
            Ok(Some(daytime(true, 60, 0)))
        );
        // MONTH(n) TO MONTH keeps all months in one field; YEAR TO YEAR drops the rest.
        assert_eq!(
            enc_iv(&Interval::YearMonth { months: 123 }, &iv_q(Month, 3, Month)),
            "c6 01 17"
        );
        let mut out = Vec::new();
        encode_interval(
            Some(&Interval::YearMonth { months: 29 }),
            &iv_q(Year, 4, Year),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            decode_interval(&out, &iv_q(Year, 4, Year)),
            Ok(Some(Interval::YearMonth { months: 24 }))
        );
        // FRACTION TO FRACTION(n)
        let q = iv_q(TimeUnit::FRACTION, 2, Fraction4);
        assert_eq!(q.encoded(), 0x04CE);
        assert_eq!(enc_iv(&daytime(false, 0, 123_400), &q), "c0 0c 22");
        assert_eq!(enc_iv(&daytime(true, 0, 123_400), &q), "3f 57 42");
    }

    #[test]
    fn interval_extremes_and_overflow() {
        let q = iv_q(Day, 9, Fraction5);
        let max = daytime(false, 999_999_999 * 86_400 + 86_399, 999_990);
        assert_eq!(enc_iv(&max, &q), "c8 09 63 63 63 63 17 3b 3b 63 63 5a");
        let min = daytime(true, 999_999_999 * 86_400 + 86_399, 999_990);
        enc_iv(&min, &q);
        let mut out = Vec::new();
        assert_eq!(
            encode_interval(
                Some(&daytime(false, 1_000_000_000 * 86_400, 0)),
                &q,
                &mut out
            ),
            Err(CodecError::Overflow)
        );
        assert_eq!(
            encode_interval(
                Some(&daytime(false, 100 * 86_400, 0)),
                &iv_q(Day, 2, Second),
                &mut out
            ),
            Err(CodecError::Overflow)
        );
        let ym = iv_q(Year, 9, Month);
        enc_iv(
            &Interval::YearMonth {
                months: 999_999_999 * 12 + 11,
            },
            &ym,
        );
        enc_iv(
            &Interval::YearMonth {
                months: -(999_999_999 * 12 + 11),
            },
            &ym,
        );
        assert_eq!(
            encode_interval(
                Some(&Interval::YearMonth {
                    months: 1_000_000_000 * 12
                }),
                &ym,
                &mut out
            ),
            Err(CodecError::Overflow)
        );
        assert_eq!(
            encode_interval(
                Some(&Interval::YearMonth { months: i64::MIN }),
                &ym,
                &mut out
            ),
            Err(CodecError::Overflow)
        );
        assert!(matches!(
            encode_interval(Some(&Interval::YearMonth { months: 1 }), &q, &mut out),
            Err(CodecError::Invalid(_))
        ));
        assert!(matches!(
            encode_interval(Some(&daytime(false, 1, 0)), &ym, &mut out),
            Err(CodecError::Invalid(_))
        ));
        assert!(matches!(
            encode_interval(Some(&daytime(false, 1, 1_000_000)), &q, &mut out),
            Err(CodecError::Invalid(_))
        ));
        assert_eq!(
            encode_interval(
                Some(&daytime(false, 1, 0)),
                &iv_q(TimeUnit::FRACTION, 2, Fraction3),
                &mut out
            ),
            Err(CodecError::Overflow)
        );
        assert!(out.is_empty());
    }

    #[test]
    fn interval_decoding_edge_cases() {
        let q = iv_q(Day, 9, Fraction5);
        let mut null = Vec::new();
        encode_interval(None, &q, &mut null).unwrap();
        assert_eq!(null, vec![0; 12]);
        assert_eq!(decode_interval(&null, &q), Ok(None));
        // A normalized head (leading zero pairs stripped, E lowered) is realigned.
        let normalized = [0xc1, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            decode_interval(&normalized, &q),
            Ok(Some(daytime(false, 1, 0)))
        );
        // A head exponent above the qualifier's works only if the extra pairs are zero.
        let raised = [
            0xc9, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x32, 0x00,
        ];
        assert_eq!(
            decode_interval(&raised, &q),
            Ok(Some(daytime(false, 86_400 + 7384, 500_000)))
        );
        let too_big = [0xc9, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(decode_interval(&too_big, &q), Err(CodecError::Overflow));
        // Non-first fields out of range.
        let bad_hour = [0xc8, 0, 0, 0, 0, 1, 24, 0, 0, 0, 0, 0];
        assert!(matches!(
            decode_interval(&bad_hour, &q),
            Err(CodecError::Invalid(_))
        ));
        assert!(matches!(
            decode_interval(&[0xc8, 0, 0, 0, 0, 1, 100, 0, 0, 0, 0, 0], &q),
            Err(CodecError::Invalid(_))
        ));
        assert_eq!(decode_interval(&[0xc8, 0], &q), Err(CodecError::Truncated));
        assert!(decode_interval_bind(&[0x00, 0x02, 0x00, 0x00], &q).is_err());
        assert_eq!(
            decode_interval_bind(&[0x00, 0x0c, 0xc8], &q),
            Err(CodecError::Truncated)
        );
    }

    #[test]
    fn datetime_text() {
        let v = DateTime::new(2024, 1, 2, 3, 4, 5, 123_456);
        assert_eq!(
            format_datetime(&v, &dt_q(Year, Fraction3)),
            "2024-01-02 03:04:05.123"
        );
        assert_eq!(
            format_datetime(&v, &dt_q(Year, Fraction5)),
            "2024-01-02 03:04:05.12345"
        );
        assert_eq!(format_datetime(&v, &dt_q(Year, Day)), "2024-01-02");
        assert_eq!(format_datetime(&v, &dt_q(Hour, Minute)), "03:04");
        assert_eq!(format_datetime(&v, &dt_q(Month, Hour)), "01-02 03");
        assert_eq!(format_datetime(&v, &dt_q(Second, Fraction1)), "05.1");
        assert_eq!(
            format_datetime(&v, &dt_q(TimeUnit::FRACTION, Fraction2)),
            "12"
        );
        assert_eq!(
            format_datetime(&DateTime::new(5, 1, 1, 0, 0, 0, 0), &dt_q(Year, Year)),
            "0005"
        );

        let q = dt_q(Year, Fraction3);
        assert_eq!(
            parse_datetime("2024-01-02 03:04:05.123", &q),
            Ok(DateTime::new(2024, 1, 2, 3, 4, 5, 123_000))
        );
        assert_eq!(
            parse_datetime(" 2024-1-2  3:4:5.5 ", &q),
            Ok(DateTime::new(2024, 1, 2, 3, 4, 5, 500_000))
        );
        assert_eq!(
            parse_datetime("12:30", &dt_q(Hour, Minute)),
            Ok(DateTime::new(0, 0, 0, 12, 30, 0, 0))
        );
        assert_eq!(
            parse_datetime("02-29", &dt_q(Month, Day)),
            Ok(DateTime::new(0, 2, 29, 0, 0, 0, 0))
        );
        assert_eq!(
            parse_datetime(".12", &dt_q(TimeUnit::FRACTION, Fraction2)),
            Ok(DateTime::new(0, 0, 0, 0, 0, 0, 120_000))
        );
        let code = |text: &str, q: &Qualifier| parse_datetime(text, q).unwrap_err().sqlcode();
        let ys = dt_q(Year, Second);
        assert_eq!(code("2024-01-02 03:04:0x", &ys), Some(-1264));
        assert_eq!(code("2024-01-02 03:04:05 extra", &ys), Some(-1264));
        assert_eq!(code("2024-01-02 03:04:05.1", &ys), Some(-1264));
        assert_eq!(code("2024-01-02 03:04:05.1234", &q), Some(-1264));
        assert_eq!(code("2024/01/02 03:04:05", &ys), Some(-1262));
        assert_eq!(code("2024-01-02", &ys), Some(-1262));
        assert_eq!(code("2024-0a-02 03:04:05", &ys), Some(-1262));
        assert_eq!(code("x2024-01-02 03:04:05", &ys), Some(-1262));
        assert_eq!(code("", &ys), Some(-1262));
        assert_eq!(code("2024-13-02 03:04:05", &ys), Some(-1263));
        assert_eq!(code("2023-02-29 03:04:05", &ys), Some(-1263));
        assert_eq!(code("2024-01-02 24:04:05", &ys), Some(-1263));
        assert_eq!(code("2024-01-02 03:60:05", &ys), Some(-1263));
        assert_eq!(code("0000-01-02 03:04:05", &ys), Some(-1263));
        assert_eq!(code("2024-001-02 03:04:05", &ys), Some(-1263));
        assert_eq!(code("12024-01-02 03:04:05", &ys), Some(-1261));
        assert_eq!(code("123:04", &dt_q(Hour, Minute)), Some(-1261));
        assert_eq!(code("-12:04", &dt_q(Hour, Minute)), Some(-1262));
    }

    #[test]
    fn interval_text() {
        let q = iv_q(Day, 9, Fraction5);
        let v = daytime(false, 86_400 + 7384, 500_000);
        assert_eq!(format_interval(&v, &q), Ok("1 02:03:04.50000".into()));
        assert_eq!(
            format_interval(&daytime(true, 1, 0), &q),
            Ok("-0 00:00:01.00000".into())
        );
        assert_eq!(
            format_interval(&daytime(true, 0, 1), &q),
            Ok("0 00:00:00.00000".into())
        );
        let ym = iv_q(Year, 9, Month);
        assert_eq!(
            format_interval(&Interval::YearMonth { months: 14 }, &ym),
            Ok("1-02".into())
        );
        assert_eq!(
            format_interval(&Interval::YearMonth { months: -14 }, &ym),
            Ok("-1-02".into())
        );
        assert_eq!(
            format_interval(&daytime(false, 3 * 3600 + 1800, 0), &iv_q(Hour, 3, Minute)),
            Ok("3:30".into())
        );
        assert_eq!(
            format_interval(&daytime(false, 100 * 3600, 0), &iv_q(Hour, 3, Minute)),
            Ok("100:00".into())
        );
        assert_eq!(
            format_interval(&daytime(false, 1000 * 3600, 0), &iv_q(Hour, 3, Minute)),
            Err(CodecError::Overflow)
        );
        assert!(format_interval(&Interval::YearMonth { months: 1 }, &q).is_err());

        assert_eq!(parse_interval("1 02:03:04.5", &q), Ok(v));
        assert_eq!(
            parse_interval("  -1 02:03:04.50000 ", &q),
            Ok(daytime(true, 86_400 + 7384, 500_000))
        );
        assert_eq!(
            parse_interval("- 0 00:00:00", &iv_q(Day, 2, Second)),
            Ok(daytime(false, 0, 0))
        );
        assert_eq!(
            parse_interval("-1-02", &ym),
            Ok(Interval::YearMonth { months: -14 })
        );
        assert_eq!(
            parse_interval("+999999999-11", &ym),
            Ok(Interval::YearMonth {
                months: 999_999_999 * 12 + 11
            })
        );
        assert_eq!(
            parse_interval("100:59", &iv_q(Hour, 3, Minute)),
            Ok(daytime(false, 100 * 3600 + 59 * 60, 0))
        );
        assert_eq!(
            parse_interval("1234", &iv_q(TimeUnit::FRACTION, 2, Fraction4)),
            Ok(daytime(false, 0, 123_400))
        );
        let code = |text: &str, q: &Qualifier| parse_interval(text, q).unwrap_err().sqlcode();
        assert_eq!(code("1000000000 00:00:00.0", &q), Some(-1261));
        assert_eq!(code("1 24:00:00", &iv_q(Day, 2, Second)), Some(-1263));
        assert_eq!(code("1-12", &ym), Some(-1263));
        assert_eq!(code("1-02 x", &ym), Some(-1264));
        assert_eq!(code("1:02", &ym), Some(-1262));
        assert_eq!(code("--1-02", &ym), Some(-1262));
        assert!(parse_interval("1", &dt_q(Year, Day)).is_err());
    }

    /// Deterministic xorshift so loops cover many values without a dependency.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn all_datetime_qualifiers() -> Vec<Qualifier> {
        let mut qs = Vec::new();
        for start in UNITS {
            for end in UNITS {
                if let Ok(q) = Qualifier::datetime(start, end) {
                    qs.push(q);
                }
            }
        }
        qs
    }

    /// Keeps only the fields a qualifier stores, as decoding returns them.
    fn restrict(v: &DateTime, q: &Qualifier) -> DateTime {
        let has = |f| q.fields().iter().any(|s| s.field == f);
        let fraction = usize::from(q.end.fraction_digits());
        let unit = pow10(6 - fraction) as u32;
        DateTime {
            year: if has(Field::Year) { v.year } else { 0 },
            month: if has(Field::Month) { v.month } else { 0 },
            day: if has(Field::Day) { v.day } else { 0 },
            hour: if has(Field::Hour) { v.hour } else { 0 },
            minute: if has(Field::Minute) { v.minute } else { 0 },
            second: if has(Field::Second) { v.second } else { 0 },
            microsecond: if fraction > 0 {
                v.microsecond / unit * unit
            } else {
                0
            },
        }
    }

    /// `decode_datetime` as it was written before `DateTimeDecoder`: the reference the
    /// allocation-free decoder must match exactly (errors included).
    fn decode_datetime_reference(b: &[u8], q: &Qualifier) -> Result<Option<DateTime>, CodecError> {
        match b.get(..q.tuple_width()).ok_or(CodecError::Truncated)? {
            [0, 0, ..] => Ok(None),
            [_, pairs @ ..] => {
                check_pairs(pairs)?;
                let specs = q.checked_fields()?;
                let v = datetime_from_values(&specs, &unpack(q, &specs, pairs))?;
                if !datetime_valid(&v, &specs) {
                    return Err(CodecError::Invalid("DATETIME field out of range"));
                }
                Ok(Some(v))
            }
            [] => Err(CodecError::Truncated),
        }
    }

    #[test]
    fn datetime_decoder_matches_the_reference() {
        let mut rng = Rng(0x5851_f42d_4c95_7f2d);
        for q in all_datetime_qualifiers() {
            let d = DateTimeDecoder::new(&q).unwrap();
            assert_eq!(d.qualifier(), &q);
            let width = q.tuple_width();
            for _ in 0..3000 {
                // Noise, digit-valid noise, and short or long buffers.
                let len = match rng.below(8) {
                    0 => rng.below(width as u64 + 1) as usize,
                    1 => width + 1 + rng.below(3) as usize,
                    _ => width,
                };
                let mut b: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
                if rng.below(4) != 0 {
                    for x in b.iter_mut().skip(1) {
                        *x %= 100;
                    }
                }
                assert_eq!(d.decode(&b), decode_datetime_reference(&b, &q), "{q} {b:?}");
                assert_eq!(decode_datetime(&b, &q), decode_datetime_reference(&b, &q));
            }
            for b in [vec![], vec![0, 0], vec![0; width], vec![0xc7; width]] {
                assert_eq!(d.decode(&b), decode_datetime_reference(&b, &q), "{q} {b:?}");
            }
        }
        // Valid values, as encoded by a server.
        for _ in 0..2000 {
            let year = 1 + rng.below(9999) as i32;
            let month = 1 + rng.below(12) as u32;
            let v = DateTime::new(
                year,
                month,
                1 + rng.below(u64::from(days_in_month(year, month))) as u32,
                rng.below(24) as u32,
                rng.below(60) as u32,
                rng.below(60) as u32,
                rng.below(1_000_000) as u32,
            );
            for q in all_datetime_qualifiers() {
                let mut out = Vec::new();
                encode_datetime(Some(&v), &q, &mut out).unwrap();
                let got = DateTimeDecoder::new(&q).unwrap().decode(&out);
                assert_eq!(got, decode_datetime_reference(&out, &q));
                assert_eq!(got, Ok(Some(restrict(&v, &q))));
            }
        }
        // A hand-built nonsense qualifier fails to build a decoder, as decoding fails.
        let bad = Qualifier {
            start: TimeUnit::Second,
            end: TimeUnit::Year,
            first_digits: 2,
        };
        assert!(DateTimeDecoder::new(&bad).is_err());
    }

    #[test]
    fn datetime_round_trips() {
        let qs = all_datetime_qualifiers();
        assert_eq!(qs.len(), 51 + 5);
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..4000 {
            let year = 1 + rng.below(9999) as i32;
            let month = 1 + rng.below(12) as u32;
            let day = 1 + rng.below(u64::from(days_in_month(year, month))) as u32;
            let v = DateTime::new(
                year,
                month,
                day,
                rng.below(24) as u32,
                rng.below(60) as u32,
                rng.below(60) as u32,
                rng.below(1_000_000) as u32,
            );
            for q in &qs {
                let want = restrict(&v, q);
                let mut out = Vec::new();
                encode_datetime(Some(&v), q, &mut out).unwrap();
                assert_eq!(out.len(), q.tuple_width());
                assert_eq!(decode_datetime(&out, q), Ok(Some(want)), "{q}");
                let mut bind = Vec::new();
                encode_datetime_bind(&v, q, &mut bind).unwrap();
                assert_eq!(
                    decode_datetime_bind(&bind, q),
                    Ok((want, bind.len())),
                    "{q}"
                );
                let text = format_datetime(&v, q);
                assert_eq!(parse_datetime(&text, q), Ok(want), "{text} as {q}");
                assert_eq!(Qualifier::from_encoded(q.encoded()), Ok(*q));
            }
        }
    }

    fn all_interval_qualifiers() -> Vec<Qualifier> {
        let mut qs = Vec::new();
        for start in UNITS {
            for end in UNITS {
                for n in 1..=9 {
                    if let Ok(q) = Qualifier::interval(start, n, end)
                        && !qs.contains(&q)
                    {
                        qs.push(q);
                    }
                }
            }
        }
        qs
    }

    #[test]
    fn interval_round_trips() {
        let qs = all_interval_qualifiers();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for q in &qs {
            assert_eq!(Qualifier::from_encoded(q.encoded()), Ok(*q), "{q}");
            assert_eq!(Qualifier::parse_sql(&q.to_sql(), true), Ok(*q), "{q}");
            let specs = q.fields();
            for _ in 0..300 {
                // Random field values that fit the qualifier exactly.
                let values: Vec<u64> = specs
                    .iter()
                    .enumerate()
                    .map(|(i, s)| match (s.field, i) {
                        (Fraction, _) => {
                            let unit = pow10(6 - s.width);
                            rng.below(1_000_000 / unit) * unit
                        }
                        (_, 0) => rng.below(pow10(s.width)),
                        (f, _) => rng.below(f.interval_modulus()),
                    })
                    .collect();
                let negative = rng.below(2) == 0;
                let v = interval_from_values(q, &specs, negative, &values, CodecError::Overflow)
                    .unwrap();
                enc_iv(&v, q);
                let text = format_interval(&v, q).unwrap();
                assert_eq!(parse_interval(&text, q), Ok(v), "{text} as {q}");
            }
        }
    }

    #[test]
    fn decoders_never_panic_on_noise() {
        let mut rng = Rng(0xdead_beef_0bad_cafe);
        let mut qs = all_datetime_qualifiers();
        qs.extend(all_interval_qualifiers());
        for _ in 0..20_000 {
            let q = qs[rng.below(qs.len() as u64) as usize];
            let len = rng.below(16) as usize;
            let b: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
            let _ = decode_datetime(&b, &q);
            let _ = decode_datetime_bind(&b, &q);
            let _ = decode_interval(&b, &q);
            let _ = decode_interval_bind(&b, &q);
            let text: String = b
                .iter()
                .map(|&x| char::from(b"0123456789-:. x+"[usize::from(x % 16)]))
                .collect();
            let _ = parse_datetime(&text, &q);
            let _ = parse_interval(&text, &q);
            let _ = Qualifier::from_encoded(u16::from_be_bytes([
                b.first().copied().unwrap_or(0),
                b.get(1).copied().unwrap_or(0),
            ]));
        }
    }
}
