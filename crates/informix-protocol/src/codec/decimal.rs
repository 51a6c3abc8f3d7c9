//! DECIMAL / MONEY: an exact decimal value type and its base-100 wire forms (§7.3, §7.4).
//!
//! Values never pass through floating point, so all 32 significant digits Informix can
//! store survive a round trip. The head byte carries the sign and the base-100 exponent
//! E (digit pairs before the point); negative values complement their pairs.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::{
    CodecError, check_pairs, complement_pairs, digits_to_pairs, pairs_to_digits, read_i16,
};

/// Most significant digits a DECIMAL or MONEY column can declare.
pub const MAX_PRECISION: usize = 32;

/// Smallest base-100 exponent a head byte can carry: 0.01 × 100^-64 = 10^-130.
const MIN_PAIR_EXP: i32 = -64;
/// Largest base-100 exponent a head byte can carry (values below 10^126).
const MAX_PAIR_EXP: i32 = 63;

/// Bound on |exponent| of a [`Decimal`]: far beyond any DECIMAL, yet small enough that
/// rounding and pair arithmetic can never overflow an i32.
const EXPONENT_LIMIT: i64 = 1 << 28;

/// Plain (non-scientific) strings longer than this switch to `1E+130` notation.
const PLAIN_STRING_LIMIT: i64 = 40;

/// Encoded-length scale byte that marks a floating `DECIMAL(p)`.
const FLOATING_SCALE: u16 = 0xFF;

/// An exact decimal number: `(-1)^negative × 0.d1d2d3… × 10^exponent`.
///
/// Always normalized (no leading or trailing zero digits; zero has no digits, exponent 0
/// and is never negative), so the derived equality is numeric equality.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exponent: i32,
}

impl Decimal {
    /// The value 0.
    pub fn zero() -> Self {
        Decimal {
            negative: false,
            digits: Vec::new(),
            exponent: 0,
        }
    }

    /// Builds `±0.d1d2… × 10^exponent` from decimal digits (each 0..=9), normalizing
    /// leading and trailing zeros away.
    pub fn new(negative: bool, digits: Vec<u8>, exponent: i32) -> Result<Self, CodecError> {
        if digits.iter().any(|&d| d > 9) {
            return Err(CodecError::Invalid("decimal digit above 9"));
        }
        Self::normalized(negative, digits, i64::from(exponent))
    }

    fn normalized(negative: bool, mut digits: Vec<u8>, exponent: i64) -> Result<Self, CodecError> {
        let leading = digits.iter().take_while(|&&d| d == 0).count();
        if leading == digits.len() {
            return Ok(Self::zero());
        }
        digits.drain(..leading);
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let exponent = exponent - i64::try_from(leading).map_err(|_| CodecError::Underflow)?;
        if exponent > EXPONENT_LIMIT {
            return Err(CodecError::Overflow);
        }
        if exponent < -EXPONENT_LIMIT {
            return Err(CodecError::Underflow);
        }
        let exponent = i32::try_from(exponent).map_err(|_| CodecError::Overflow)?;
        Ok(Decimal {
            negative,
            digits,
            exponent,
        })
    }

    /// True for the value 0 (however it was written).
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// True for values below zero (never for zero).
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Significant decimal digits, most significant first; empty for zero.
    pub fn digits(&self) -> &[u8] {
        &self.digits
    }

    /// Decimal exponent: the value is `0.d1d2… × 10^exponent`.
    pub fn exponent(&self) -> i32 {
        self.exponent
    }

    /// Digits after the decimal point in the shortest plain form (0 for integers).
    pub fn scale(&self) -> u32 {
        let n = i64::try_from(self.digits.len()).unwrap_or(i64::MAX);
        u32::try_from((n - i64::from(self.exponent)).max(0)).unwrap_or(u32::MAX)
    }

    /// Digits before the decimal point (0 when |value| < 1).
    pub fn integer_digits(&self) -> u32 {
        u32::try_from(self.exponent.max(0)).unwrap_or(0)
    }

    /// The same magnitude with the opposite sign.
    pub fn negated(&self) -> Self {
        let mut d = self.clone();
        d.negative = !d.negative && !d.is_zero();
        d
    }

    /// Rounds half away from zero to `scale` digits after the point (negative scales
    /// round to tens, hundreds, …), as Informix does when storing into DECIMAL(p,s).
    pub fn round_to_scale(&self, scale: i32) -> Decimal {
        self.round_keeping(i64::from(self.exponent) + i64::from(scale))
    }

    /// Rounds half away from zero to `precision` significant digits, as Informix does
    /// when storing into a floating DECIMAL(p).
    pub fn round_to_precision(&self, precision: usize) -> Decimal {
        self.round_keeping(i64::try_from(precision).unwrap_or(i64::MAX))
    }

    /// Keeps the first `keep` digits, rounding half away from zero on the next one.
    fn round_keeping(&self, keep: i64) -> Decimal {
        let Ok(keep) = usize::try_from(keep) else {
            return Self::zero();
        };
        if keep >= self.digits.len() {
            return self.clone();
        }
        let (kept, dropped) = self.digits.split_at(keep);
        let mut digits = kept.to_vec();
        let mut exponent = self.exponent;
        if dropped.first().is_some_and(|&d| d >= 5) {
            let mut carry = true;
            for d in digits.iter_mut().rev() {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    carry = false;
                    break;
                }
            }
            if carry {
                // All kept digits were 9 (or none were kept): 0.99…5 → 1.0 at the next power.
                digits.insert(0, 1);
                exponent += 1;
            }
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Self::zero();
        }
        Decimal {
            negative: self.negative,
            digits,
            exponent,
        }
    }

    /// Text that Python's `decimal.Decimal(text)` reads back as the same value.
    ///
    /// `Some(s)` pads the fraction with zeros to at least `s` digits (`12.5` → `12.50`), as a
    /// DECIMAL(p,s) column displays; digits are never dropped, round first if needed.
    /// `None` gives the shortest plain form, or scientific notation (`1E+130`) when the plain
    /// form would exceed 40 characters.
    pub fn to_string_with_scale(&self, scale: Option<u8>) -> String {
        let n = i64::try_from(self.digits.len()).unwrap_or(i64::MAX);
        let e = i64::from(self.exponent);
        if scale.is_none() && !self.is_zero() {
            let plain_len = if e <= 0 {
                2 - e + n
            } else if e >= n {
                e
            } else {
                n + 1
            };
            if plain_len > PLAIN_STRING_LIMIT {
                return self.scientific();
            }
        }
        self.plain(scale.map_or(0, usize::from))
    }

    fn plain(&self, min_fraction: usize) -> String {
        let digit = |d: &u8| char::from(b'0' + d);
        let mut s = String::new();
        if self.negative {
            s.push('-');
        }
        let fraction_len = match usize::try_from(self.exponent) {
            Ok(0) | Err(_) => {
                let zeros = usize::try_from(-i64::from(self.exponent)).unwrap_or(0);
                s.push('0');
                if !self.digits.is_empty() {
                    s.push('.');
                    s.extend(std::iter::repeat_n('0', zeros));
                    s.extend(self.digits.iter().map(digit));
                }
                if self.digits.is_empty() {
                    0
                } else {
                    zeros + self.digits.len()
                }
            }
            Ok(int_len) if int_len >= self.digits.len() => {
                s.extend(self.digits.iter().map(digit));
                s.extend(std::iter::repeat_n('0', int_len - self.digits.len()));
                0
            }
            Ok(int_len) => {
                let (int_part, frac_part) = self.digits.split_at(int_len);
                s.extend(int_part.iter().map(digit));
                s.push('.');
                s.extend(frac_part.iter().map(digit));
                frac_part.len()
            }
        };
        if min_fraction > fraction_len {
            if fraction_len == 0 {
                s.push('.');
            }
            s.extend(std::iter::repeat_n('0', min_fraction - fraction_len));
        }
        s
    }

    fn scientific(&self) -> String {
        let mut s = String::new();
        if self.negative {
            s.push('-');
        }
        let mut digits = self.digits.iter().map(|d| char::from(b'0' + d));
        if let Some(first) = digits.next() {
            s.push(first);
        }
        if self.digits.len() > 1 {
            s.push('.');
            s.extend(digits);
        }
        let adjusted = i64::from(self.exponent) - 1;
        s.push('E');
        if adjusted >= 0 {
            s.push('+');
        }
        s.push_str(&adjusted.to_string());
        s
    }

    /// Base-100 form: (E, pairs) with `value = 0.P1P2… × 100^E`, significant pairs only.
    fn to_pairs(&self) -> (i32, Vec<u8>) {
        let pair_exp = (self.exponent + 1).div_euclid(2);
        let mut stream = Vec::with_capacity(self.digits.len() + 2);
        if 2 * pair_exp != self.exponent {
            // Odd decimal exponent: the first digit is the low half of its pair.
            stream.push(0);
        }
        stream.extend_from_slice(&self.digits);
        (pair_exp, digits_to_pairs(&stream))
    }

    fn from_pairs(negative: bool, pair_exp: i32, pairs: &[u8]) -> Result<Self, CodecError> {
        check_pairs(pairs)?;
        Self::normalized(negative, pairs_to_digits(pairs), 2 * i64::from(pair_exp))
    }
}

impl Default for Decimal {
    fn default() -> Self {
        Self::zero()
    }
}

impl From<i128> for Decimal {
    fn from(v: i128) -> Self {
        let digits = v
            .unsigned_abs()
            .to_string()
            .bytes()
            .map(|b| b - b'0')
            .collect::<Vec<_>>();
        let exponent = i64::try_from(digits.len()).unwrap_or(0);
        Self::normalized(v < 0, digits, exponent).unwrap_or_default()
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Self::from(i128::from(v))
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |d: &Decimal| match (d.is_zero(), d.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        // Normalized: a larger exponent means a larger magnitude; equal exponents compare
        // digit strings lexicographically (a prefix is the smaller value).
        let magnitude = self
            .exponent
            .cmp(&other.exponent)
            .then_with(|| self.digits.cmp(&other.digits));
        if self.negative {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.to_string_with_scale(None))
    }
}

impl FromStr for Decimal {
    type Err = CodecError;

    /// Accepts what Python's `str(Decimal)` produces (`123.45`, `-0.001`, `1E+3`,
    /// `1.5e-7`, `+5`, `-0`, `.5`, `5.`) with surrounding whitespace; NaN and Infinity
    /// have no DECIMAL form and are rejected.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let (negative, body) = if let Some(rest) = t.strip_prefix('-') {
            (true, rest)
        } else {
            (false, t.strip_prefix('+').unwrap_or(t))
        };
        let lower = body.to_ascii_lowercase();
        if lower.starts_with("nan") || lower.starts_with("snan") || lower.starts_with("inf") {
            return Err(CodecError::Invalid("NaN and Infinity have no DECIMAL form"));
        }
        let (mantissa, exp_text) = match body.split_once(['e', 'E']) {
            Some((m, e)) => (m, Some(e)),
            None => (body, None),
        };
        let (int_text, frac_text) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if int_text.len() + frac_text.len() == 0 || !all_digits(int_text) || !all_digits(frac_text)
        {
            return Err(CodecError::Invalid("not a decimal number"));
        }
        let exp = match exp_text {
            None => 0,
            Some(e) => {
                let (exp_negative, exp_digits) = match e.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, e.strip_prefix('+').unwrap_or(e)),
                };
                if exp_digits.is_empty() || !all_digits(exp_digits) {
                    return Err(CodecError::Invalid("not a decimal exponent"));
                }
                // Saturate: anything this large is out of range unless the value is zero.
                let magnitude = exp_digits.bytes().fold(0i64, |acc, b| {
                    (acc * 10 + i64::from(b - b'0')).min(EXPONENT_LIMIT * 4)
                });
                if exp_negative { -magnitude } else { magnitude }
            }
        };
        let digits = int_text
            .bytes()
            .chain(frac_text.bytes())
            .map(|b| b - b'0')
            .collect::<Vec<_>>();
        let int_len = i64::try_from(int_text.len()).map_err(|_| CodecError::Overflow)?;
        Self::normalized(negative, digits, int_len.saturating_add(exp))
    }
}

/// Tuple width of a packed DECIMAL/MONEY/DATETIME/INTERVAL from its encoded length:
/// `(hi + (lo & 1) + 3) / 2`. The `lo & 1` term gives floating DECIMAL(p) (scale 255)
/// its extra byte.
pub fn packed_width(encoded_length: u16) -> usize {
    let hi = usize::from(encoded_length >> 8);
    let lo = usize::from(encoded_length & 0xFF);
    (hi + (lo & 1) + 3) / 2
}

/// Head byte for a sign and base-100 exponent: `0x80 | (E+64)` positive,
/// `(E+64) ^ 0x7F` negative. Exponents outside −64..=63 do not fit.
pub(crate) fn head_byte(negative: bool, pair_exp: i32) -> Result<u8, CodecError> {
    if pair_exp > MAX_PAIR_EXP {
        return Err(CodecError::Overflow);
    }
    if pair_exp < MIN_PAIR_EXP {
        return Err(CodecError::Underflow);
    }
    let biased = u8::try_from(pair_exp + 64).map_err(|_| CodecError::Overflow)?;
    Ok(if negative {
        biased ^ 0x7F
    } else {
        0x80 | biased
    })
}

/// Sign and base-100 exponent from a head byte (bit 7 set = positive).
pub(crate) fn split_head(head: u8) -> (bool, i32) {
    if head & 0x80 != 0 {
        (false, i32::from(head & 0x7F) - 64)
    } else {
        (true, i32::from(head ^ 0x7F) - 64)
    }
}

/// Value from a head byte and the pairs after it; trailing zero pairs are ignored.
fn decode_body(head: u8, pairs: &[u8]) -> Result<Decimal, CodecError> {
    let (negative, pair_exp) = split_head(head);
    let mut pairs = pairs.to_vec();
    if negative {
        complement_pairs(&mut pairs)?;
    }
    Decimal::from_pairs(negative, pair_exp, &pairs)
}

/// Head and significant pairs (complemented when negative) of a non-zero value.
fn encode_body(d: &Decimal) -> Result<(u8, Vec<u8>), CodecError> {
    let (pair_exp, mut pairs) = d.to_pairs();
    let head = head_byte(d.negative, pair_exp)?;
    if d.negative {
        complement_pairs(&mut pairs)?;
    }
    if head == 0 && pairs.first() == Some(&0) {
        // −0.99… × 100^63 would start `00 00`, which reads back as NULL.
        return Err(CodecError::Overflow);
    }
    Ok((head, pairs))
}

/// Reads a tuple DECIMAL/MONEY of exactly `b.len()` (= packed width) bytes. `00 00` is NULL.
pub fn decode_packed(b: &[u8]) -> Result<Option<Decimal>, CodecError> {
    match b {
        [0, 0, ..] => Ok(None),
        [head, pairs @ ..] if !pairs.is_empty() => decode_body(*head, pairs).map(Some),
        _ => Err(CodecError::Truncated),
    }
}

/// Digit pairs [`write_packed_plain`] formats on the stack: more than any DECIMAL(32) has.
const FAST_PAIRS: usize = 20;

/// What [`write_packed_plain`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainText {
    /// An integer: an optional `-` and digits.
    Integer,
    /// An optional `-`, digits, a point and more digits.
    Fraction,
}

/// Appends the text of a tuple DECIMAL/MONEY exactly as
/// `decode_packed(b)?.map(|d| d.to_string_with_scale(Some(0)))` spells it (shortest plain
/// form: no exponent, no trailing fraction zeros, `0` for zero), without building a
/// [`Decimal`] or allocating beyond `out`'s growth. Returns None, appending nothing, for
/// NULL; errors are those of [`decode_packed`], and nothing is appended on error.
///
/// This is the row hot path of a client: every fetched DECIMAL cell goes through it.
pub fn write_packed_plain(b: &[u8], out: &mut Vec<u8>) -> Result<Option<PlainText>, CodecError> {
    let (head, pairs) = match b {
        [0, 0, ..] => return Ok(None),
        [head, pairs @ ..] if !pairs.is_empty() => (*head, pairs),
        _ => return Err(CodecError::Truncated),
    };
    check_pairs(pairs)?;
    let (negative, pair_exp) = split_head(head);
    // Negative values complement their pairs (see `complement_pairs`): pairs after the
    // rightmost non-zero one stay zero, that one becomes 100 − p, every pair before it
    // 99 − p. Either way the value is zero exactly when every pair is.
    let Some(last) = pairs.iter().rposition(|&p| p != 0) else {
        out.push(b'0');
        return Ok(Some(PlainText::Integer));
    };
    if last >= FAST_PAIRS {
        // Wider than any DECIMAL column: not worth a second fast path.
        let text = decode_body(head, pairs)?.to_string_with_scale(Some(0));
        out.extend_from_slice(text.as_bytes());
        return Ok(Some(if text.contains('.') {
            PlainText::Fraction
        } else {
            PlainText::Integer
        }));
    }
    // The digits of pairs 0..=last; the last pair's digits are not both zero.
    let mut buf = [0u8; 2 * FAST_PAIRS];
    for i in 0..=last {
        let p = match (negative, i == last) {
            (false, _) => pairs[i],
            (true, false) => 99 - pairs[i],
            (true, true) => 100 - pairs[i],
        };
        buf[2 * i] = b'0' + p / 10;
        buf[2 * i + 1] = b'0' + p % 10;
    }
    let digits = &buf[..2 * last + 2];
    let end = if digits[2 * last + 1] == b'0' {
        2 * last + 1
    } else {
        2 * last + 2
    };
    let leading = digits.iter().take_while(|&&c| c == b'0').count();
    let significant = &digits[leading..end];
    // The value is 0.<significant digits> × 10^exponent.
    let exponent = 2 * i64::from(pair_exp) - i64::try_from(leading).unwrap_or(0);
    if negative {
        out.push(b'-');
    }
    Ok(Some(match usize::try_from(exponent) {
        Ok(0) | Err(_) => {
            let zeros = usize::try_from(-exponent).unwrap_or(0);
            out.extend_from_slice(b"0.");
            out.resize(out.len() + zeros, b'0');
            out.extend_from_slice(significant);
            PlainText::Fraction
        }
        Ok(int_len) if int_len >= significant.len() => {
            out.extend_from_slice(significant);
            out.resize(out.len() + (int_len - significant.len()), b'0');
            PlainText::Integer
        }
        Ok(int_len) => {
            out.extend_from_slice(&significant[..int_len]);
            out.push(b'.');
            out.extend_from_slice(&significant[int_len..]);
            PlainText::Fraction
        }
    }))
}

/// Appends exactly [`packed_width`]`(encoded_length)` bytes for a DECIMAL(p,s)/MONEY
/// column (`encoded_length = (p << 8) | s`, s = 255 for floating DECIMAL(p)).
///
/// Fixed scale rounds half away from zero to s fraction digits (s − 1 for DECIMAL(32, odd
/// s), which Informix stores that way) and is [`CodecError::Overflow`] when the integer
/// part needs more than p − s digits. Floating DECIMAL(p) rounds to p significant digits
/// and fails outside 10^-130..10^126. Zero is written `c1 00…` (exponent 1, as IBM JDBC
/// encodes zero): IBM JDBC 4.50 cannot read `c0 00…` in a DECIMAL(p,0) column (it builds
/// an empty digit string and fails with -79716). Nothing is appended on error.
pub fn encode_packed(
    d: Option<&Decimal>,
    encoded_length: u16,
    out: &mut Vec<u8>,
) -> Result<(), CodecError> {
    let width = packed_width(encoded_length);
    let Some(d) = d else {
        out.resize(out.len() + width, 0);
        return Ok(());
    };
    let precision = usize::from(encoded_length >> 8);
    if precision == 0 || precision > MAX_PRECISION {
        return Err(CodecError::Invalid("DECIMAL precision must be 1..=32"));
    }
    let scale_byte = encoded_length & 0xFF;
    let value = if scale_byte == FLOATING_SCALE {
        d.round_to_precision(precision)
    } else {
        let scale = usize::from(scale_byte);
        if scale > precision {
            return Err(CodecError::Invalid("DECIMAL scale exceeds precision"));
        }
        let stored_scale = if precision == MAX_PRECISION && scale % 2 == 1 {
            scale - 1
        } else {
            scale
        };
        let rounded = d.round_to_scale(i32::try_from(stored_scale).unwrap_or(0));
        if usize::try_from(rounded.integer_digits()).unwrap_or(usize::MAX) > precision - scale {
            return Err(CodecError::Overflow);
        }
        rounded
    };
    let slots = width.saturating_sub(1);
    if value.is_zero() {
        out.push(0xC1);
        out.resize(out.len() + slots, 0);
        return Ok(());
    }
    let (head, pairs) = encode_body(&value)?;
    if pairs.len() > slots {
        return Err(CodecError::Overflow);
    }
    out.push(head);
    out.extend_from_slice(&pairs);
    out.resize(out.len() + slots - pairs.len(), 0);
    Ok(())
}

/// Appends the bind form: `i16 innerLen`, head, significant pairs only (no odd-length pad;
/// the SQ_BIND writer adds it). Returns the bind prec `(digitCount << 8) | scale`, where
/// digitCount is twice the pair count and scale the digits after the point. Zero is
/// `c1 00` with prec `0x0200`, as the reference client sends it. Values with more than 32
/// significant digits are [`CodecError::Overflow`]; round them first.
pub fn encode_bind(d: &Decimal, out: &mut Vec<u8>) -> Result<u16, CodecError> {
    if d.is_zero() {
        out.extend_from_slice(&[0x00, 0x02, 0xC1, 0x00]);
        return Ok(0x0200);
    }
    if d.digits.len() > MAX_PRECISION {
        return Err(CodecError::Overflow);
    }
    let (head, pairs) = encode_body(d)?;
    let inner_len = i16::try_from(pairs.len() + 1).map_err(|_| CodecError::Overflow)?;
    let digit_count = u16::try_from(pairs.len() * 2).map_err(|_| CodecError::Overflow)?;
    let scale = u16::try_from(d.scale())
        .ok()
        .filter(|s| *s <= 0xFF)
        .ok_or(CodecError::Underflow)?;
    out.extend_from_slice(&inner_len.to_be_bytes());
    out.push(head);
    out.extend_from_slice(&pairs);
    Ok((digit_count << 8) | scale)
}

/// Reads a bind DECIMAL (`i16 innerLen`, head, pairs) and returns it with the bytes
/// consumed, including the length word (any odd-length pad is the caller's to skip).
pub fn decode_bind(b: &[u8]) -> Result<(Decimal, usize), CodecError> {
    let inner_len = usize::try_from(read_i16(b, 0)?)
        .ok()
        .filter(|&n| n >= 1)
        .ok_or(CodecError::Invalid("DECIMAL bind length below 1"))?;
    let consumed = 2 + inner_len;
    let body = b.get(2..consumed).ok_or(CodecError::Truncated)?;
    match body {
        [0, 0, ..] => Err(CodecError::Invalid("NULL marker inside DECIMAL bind data")),
        [head, pairs @ ..] => Ok((decode_body(*head, pairs)?, consumed)),
        [] => Err(CodecError::Truncated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn bind(s: &str) -> (String, u16) {
        let mut out = Vec::new();
        let prec = encode_bind(&dec(s), &mut out).unwrap();
        let (back, used) = decode_bind(&out).unwrap();
        assert_eq!(back, dec(s), "bind round trip of {s}");
        assert_eq!(used, out.len());
        (hex(&out), prec)
    }

    fn packed(s: &str, enc_len: u16) -> Result<String, CodecError> {
        let mut out = vec![0xEE];
        let r = encode_packed(Some(&dec(s)), enc_len, &mut out);
        if r.is_err() {
            assert_eq!(out, vec![0xEE], "nothing appended on error");
        }
        r?;
        assert_eq!(out.len() - 1, packed_width(enc_len));
        Ok(hex(&out[1..]))
    }

    /// Encodes into the column and decodes again.
    fn stored(s: &str, enc_len: u16) -> Result<String, CodecError> {
        let mut out = Vec::new();
        encode_packed(Some(&dec(s)), enc_len, &mut out)?;
        Ok(decode_packed(&out)?.unwrap().to_string())
    }

    #[test]
    fn packed_width_table_from_the_facts() {
        for (enc, w) in [
            (0x10FF, 10),
            (0x1002, 9),
            (0x0502, 4),
            (0x20FF, 18),
            (0x0E0A, 8),
            (0x130F, 11),
            (0x110D, 10),
            (0x0804, 5),
            (0x0C08, 7),
            (0x066A, 4),
            (0x096D, 6),
            (0x144F, 12),
            (0x0B02, 7),
            (0x084A, 5),
        ] {
            assert_eq!(packed_width(enc), w, "{enc:#06x}");
        }
    }

    #[test]
    fn bind_golden_examples_from_the_facts() {
        assert_eq!(bind("123.45"), ("00 04 c2 01 17 2d".into(), 0x0602));
        assert_eq!(bind("-123.45"), ("00 04 3d 62 4c 37".into(), 0x0602));
        assert_eq!(bind("1.5"), ("00 03 c1 01 32".into(), 0x0401));
        assert_eq!(bind("0.001"), ("00 02 bf 0a".into(), 0x0203));
        assert_eq!(bind("1E+3"), ("00 02 c2 0a".into(), 0x0200));
        assert_eq!(bind("0"), ("00 02 c1 00".into(), 0x0200));
        assert_eq!(bind("-0"), ("00 02 c1 00".into(), 0x0200));
    }

    #[test]
    fn zero_decodes_from_any_head() {
        for b in [
            &[0x00, 0x02, 0xc1, 0x00][..],
            &[0x00, 0x02, 0xc0, 0x00],
            &[0x00, 0x01, 0xc0],
        ] {
            let (d, used) = decode_bind(b).unwrap();
            assert!(d.is_zero());
            assert_eq!(used, b.len());
        }
        assert_eq!(decode_packed(&[0xc0, 0, 0, 0]), Ok(Some(Decimal::zero())));
        assert_eq!(decode_packed(&[0xc1, 0, 0, 0]), Ok(Some(Decimal::zero())));
        assert_eq!(packed("0", 0x0502), Ok("c1 00 00 00".into()));
        assert_eq!(packed("-0.001", 0x0502), Ok("c1 00 00 00".into()));
        assert_eq!(packed("0", 0x0f00), Ok("c1 00 00 00 00 00 00 00 00".into()));
    }

    #[test]
    fn tuple_null_and_examples() {
        let mut out = Vec::new();
        encode_packed(None, 0x1002, &mut out).unwrap();
        assert_eq!(out, vec![0; 9]);
        assert_eq!(decode_packed(&out), Ok(None));
        assert_eq!(decode_packed(&[0, 0]), Ok(None));

        // DECIMAL(5,2): W = 4, unused trailing pairs are 00.
        assert_eq!(packed("123.45", 0x0502), Ok("c2 01 17 2d".into()));
        assert_eq!(packed("-123.45", 0x0502), Ok("3d 62 4c 37".into()));
        assert_eq!(packed("1.5", 0x0502), Ok("c1 01 32 00".into()));
        // Negative with trailing zero pairs: they stay 00, the last significant pair takes 100 − d.
        assert_eq!(packed("-1.5", 0x0502), Ok("3e 62 32 00".into()));
        assert_eq!(packed("-100", 0x0502), Ok("3d 63 00 00".into()));
        assert_eq!(
            decode_packed(&[0x3e, 0x62, 0x32, 0x00]),
            Ok(Some(dec("-1.5")))
        );
        assert_eq!(
            decode_packed(&[0x3d, 0x63, 0x00, 0x00]),
            Ok(Some(dec("-100")))
        );
        // MONEY(16,2) uses the same codec.
        assert_eq!(
            packed("12.5", 0x1002),
            Ok("c1 0c 32 00 00 00 00 00 00".into())
        );
        // DECIMAL(16) floating: W = 10.
        assert_eq!(
            packed("0.001", 0x10FF),
            Ok("bf 0a 00 00 00 00 00 00 00 00".into())
        );
    }

    #[test]
    fn decode_rejects_garbage() {
        assert_eq!(decode_packed(&[]), Err(CodecError::Truncated));
        assert_eq!(decode_packed(&[0xc1]), Err(CodecError::Truncated));
        assert!(matches!(
            decode_packed(&[0xc1, 100]),
            Err(CodecError::Invalid(_))
        ));
        assert!(matches!(
            decode_packed(&[0x3e, 0xff]),
            Err(CodecError::Invalid(_))
        ));
        assert_eq!(decode_bind(&[0x00]), Err(CodecError::Truncated));
        assert_eq!(
            decode_bind(&[0x00, 0x03, 0xc1, 0x01]),
            Err(CodecError::Truncated)
        );
        assert!(matches!(
            decode_bind(&[0x00, 0x00]),
            Err(CodecError::Invalid(_))
        ));
        assert!(matches!(
            decode_bind(&[0xff, 0xff, 0xc1]),
            Err(CodecError::Invalid(_))
        ));
        assert!(matches!(
            decode_bind(&[0x00, 0x02, 0x00, 0x00]),
            Err(CodecError::Invalid(_))
        ));
    }

    #[test]
    fn parse_python_strings() {
        let cases = [
            ("123.45", false, vec![1, 2, 3, 4, 5], 3),
            ("-0.001", true, vec![1], -2),
            ("1E+3", false, vec![1], 4),
            ("1.5e-7", false, vec![1, 5], -6),
            ("+42", false, vec![4, 2], 2),
            ("  7.50  ", false, vec![7, 5], 1),
            (".5", false, vec![5], 0),
            ("5.", false, vec![5], 1),
            ("00100.0100", false, vec![1, 0, 0, 0, 1], 3),
            ("0E-7", false, vec![], 0),
            ("-0", false, vec![], 0),
            ("-0.00", false, vec![], 0),
        ];
        for (text, negative, digits, exponent) in cases {
            let d = dec(text);
            assert_eq!(d.is_negative(), negative, "{text}");
            assert_eq!(d.digits(), &digits[..], "{text}");
            assert_eq!(d.exponent(), exponent, "{text}");
        }
        for bad in [
            "", "-", ".", "1..2", "1e", "1e+", "abc", "1 2", "NaN", "-nan", "sNaN", "Infinity",
            "-Inf", "0x10", "1_000", "--1", "1.2.3", "e5",
        ] {
            assert!(
                bad.parse::<Decimal>().is_err(),
                "{bad:?} should be rejected"
            );
        }
        assert_eq!(
            "1E+999999999999".parse::<Decimal>(),
            Err(CodecError::Overflow)
        );
        assert_eq!(
            "1E-999999999999".parse::<Decimal>(),
            Err(CodecError::Underflow)
        );
        assert_eq!("0E+999999999999".parse::<Decimal>(), Ok(Decimal::zero()));
    }

    #[test]
    fn display_forms() {
        for (text, shown) in [
            ("123.45", "123.45"),
            ("-0.001", "-0.001"),
            ("1E+3", "1000"),
            ("1.5e-7", "0.00000015"),
            ("0", "0"),
            ("-0", "0"),
            ("1E+130", "1E+130"),
            ("-1.25E-130", "-1.25E-130"),
            ("1E+39", "1000000000000000000000000000000000000000"),
            ("1E+40", "1E+40"),
            (
                "12345678901234567890123456789012",
                "12345678901234567890123456789012",
            ),
            (
                "0.12345678901234567890123456789012",
                "0.12345678901234567890123456789012",
            ),
        ] {
            let d = dec(text);
            assert_eq!(d.to_string(), shown, "{text}");
            assert_eq!(dec(shown), d, "re-parse of {shown}");
        }
        assert_eq!(dec("12.5").to_string_with_scale(Some(2)), "12.50");
        assert_eq!(dec("12").to_string_with_scale(Some(2)), "12.00");
        assert_eq!(dec("0").to_string_with_scale(Some(2)), "0.00");
        assert_eq!(dec("-0.5").to_string_with_scale(Some(3)), "-0.500");
        assert_eq!(dec("1.2345").to_string_with_scale(Some(2)), "1.2345");
        assert_eq!(dec("1E+3").to_string_with_scale(Some(0)), "1000");
        assert_eq!(dec("1E+3").to_string_with_scale(Some(1)), "1000.0");
        assert_eq!(format!("{:>8}", dec("1.5")), "     1.5");
    }

    #[test]
    fn rounding_half_away_from_zero() {
        // DECIMAL(5,2)
        assert_eq!(stored("1.005", 0x0502), Ok("1.01".into()));
        assert_eq!(stored("-1.005", 0x0502), Ok("-1.01".into()));
        assert_eq!(stored("1.004999", 0x0502), Ok("1".into()));
        assert_eq!(stored("999.994", 0x0502), Ok("999.99".into()));
        assert_eq!(stored("999.995", 0x0502), Err(CodecError::Overflow));
        assert_eq!(stored("-999.995", 0x0502), Err(CodecError::Overflow));
        assert_eq!(stored("1000", 0x0502), Err(CodecError::Overflow));
        assert_eq!(stored("0.005", 0x0502), Ok("0.01".into()));
        assert_eq!(stored("0.00499", 0x0502), Ok("0".into()));
        assert_eq!(stored("9.995", 0x0502), Ok("10".into()));
        // DECIMAL(5,0) and DECIMAL(2,2)
        assert_eq!(stored("99999.5", 0x0500), Err(CodecError::Overflow));
        assert_eq!(stored("12345.5", 0x0500), Ok("12346".into()));
        assert_eq!(stored("12344.5", 0x0500), Ok("12345".into()));
        assert_eq!(stored("0.995", 0x0202), Err(CodecError::Overflow));
        assert_eq!(stored("0.994", 0x0202), Ok("0.99".into()));
        // Floating DECIMAL(p): p significant digits.
        assert_eq!(stored("123456789.5", 0x05FF), Ok("123460000".into()));
        assert_eq!(stored("-0.000123455", 0x05FF), Ok("-0.00012346".into()));
        assert_eq!(stored("99999.5", 0x05FF), Ok("100000".into()));
        // Helpers directly.
        assert_eq!(dec("0.5").round_to_scale(0), dec("1"));
        assert_eq!(dec("0.4").round_to_scale(0), Decimal::zero());
        assert_eq!(dec("1250").round_to_scale(-2), dec("1300"));
        assert_eq!(dec("-1249").round_to_scale(-2), dec("-1200"));
        assert_eq!(dec("0.0001").round_to_scale(2), Decimal::zero());
        assert_eq!(dec("9.99").round_to_precision(2), dec("10"));
    }

    #[test]
    fn exponent_limits() {
        // Floating DECIMAL(32): 10^-130 ..< 10^126 (head exponents −64..=63).
        assert_eq!(
            packed("1E-130", 0x20FF).map(|s| s[..5].to_string()),
            Ok("80 01".into())
        );
        assert_eq!(stored("1E-130", 0x20FF), Ok("1E-130".into()));
        assert_eq!(stored("-1E-130", 0x20FF), Ok("-1E-130".into()));
        assert_eq!(stored("9.9E+125", 0x20FF), Ok("9.9E+125".into()));
        assert_eq!(stored("1E+126", 0x20FF), Err(CodecError::Overflow));
        assert_eq!(stored("1E-131", 0x20FF), Err(CodecError::Underflow));
        assert_eq!(stored("-9E+125", 0x20FF), Ok("-9E+125".into()));
        // −0.99… × 100^63 would begin 00 00, the NULL marker.
        assert_eq!(stored("-9.9E+125", 0x20FF), Ok("-9.9E+125".into()));
        assert_eq!(stored("-9.91E+125", 0x20FF), Err(CodecError::Overflow));
        let mut out = Vec::new();
        assert_eq!(
            encode_bind(&dec("1E+126"), &mut out),
            Err(CodecError::Overflow)
        );
        assert_eq!(
            encode_bind(&dec("1E-131"), &mut out),
            Err(CodecError::Underflow)
        );
        assert!(out.is_empty());
    }

    #[test]
    fn bad_column_descriptions() {
        assert!(matches!(stored("1", 0x00FF), Err(CodecError::Invalid(_))));
        assert!(matches!(stored("1", 0x2100), Err(CodecError::Invalid(_))));
        assert!(matches!(stored("1", 0x0506), Err(CodecError::Invalid(_))));
    }

    #[test]
    fn thirty_two_digits_are_exact() {
        let v = "12345678901234567890123456789012";
        let mut out = Vec::new();
        encode_packed(Some(&dec(v)), 0x2000, &mut out).unwrap();
        assert_eq!(out.len(), 17);
        assert_eq!(
            hex(&out),
            "d0 0c 22 38 4e 5a 0c 22 38 4e 5a 0c 22 38 4e 5a 0c"
        );
        assert_eq!(decode_packed(&out).unwrap().unwrap().to_string(), v);
        // Odd alignment needs 17 pairs: fits DECIMAL(32) floating (W = 18).
        let odd = "1.2345678901234567890123456789012";
        assert_eq!(stored(odd, 0x20FF), Ok(odd.into()));
        let nines = format!("-9.{}", "9".repeat(32));
        assert_eq!(stored(&nines, 0x20FF), Ok("-10".into()));
        let (_, prec) = bind(odd);
        assert_eq!(prec, 0x221F);
        let (bytes, prec) = bind(v);
        assert_eq!(prec, 0x2000);
        assert_eq!(bytes.len(), (2 + 17) * 3 - 1);
        // 33 significant digits do not bind.
        let mut out = Vec::new();
        assert_eq!(
            encode_bind(&dec("123456789012345678901234567890123"), &mut out),
            Err(CodecError::Overflow)
        );
        // DECIMAL(32,31) keeps 30 fraction digits (odd scale at p = 32).
        assert_eq!(
            stored("0.1234567890123456789012345678905", 0x201F),
            Ok("0.123456789012345678901234567891".into())
        );
        assert_eq!(stored("9.5", 0x201F), Ok("9.5".into()));
        assert_eq!(stored("10", 0x201F), Err(CodecError::Overflow));
        // DECIMAL(32,32) keeps all 32.
        let all = "0.12345678901234567890123456789012";
        assert_eq!(stored(all, 0x2020), Ok(all.into()));
    }

    #[test]
    fn ordering() {
        let mut v: Vec<Decimal> = [
            "3", "-1.5", "0", "-10", "0.001", "2.5", "-0.001", "10", "2.49",
        ]
        .iter()
        .map(|s| dec(s))
        .collect();
        v.sort();
        let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "-10", "-1.5", "-0.001", "0", "0.001", "2.49", "2.5", "3", "10"
            ]
        );
        assert_eq!(Decimal::from(-1200i64), dec("-1.2E+3"));
        assert_eq!(Decimal::from(i64::MIN).to_string(), "-9223372036854775808");
        assert_eq!(Decimal::from(0i64), Decimal::zero());
        assert_eq!(dec("5").negated(), dec("-5"));
        assert_eq!(Decimal::zero().negated(), Decimal::zero());
        assert_eq!(Decimal::new(true, vec![0, 0, 1, 2, 0], 5), Ok(dec("-120")));
        assert!(Decimal::new(false, vec![10], 0).is_err());
    }

    /// Deterministic xorshift so loops cover many values without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn random_decimal(rng: &mut Rng, max_digits: u64, exp_range: i64) -> Decimal {
        let n = 1 + rng.below(max_digits);
        let digits: Vec<u8> = (0..n).map(|_| (rng.below(10)) as u8).collect();
        let exponent = (rng.below((2 * exp_range + 1) as u64) as i64 - exp_range) as i32;
        Decimal::new(rng.below(2) == 0, digits, exponent).unwrap()
    }

    #[test]
    fn bind_round_trips() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for _ in 0..5000 {
            let d = random_decimal(&mut rng, 32, 120);
            let mut out = vec![];
            let prec = encode_bind(&d, &mut out).unwrap();
            let (back, used) = decode_bind(&out).unwrap();
            assert_eq!(back, d);
            assert_eq!(used, out.len());
            assert_eq!(prec & 0xFF, u16::try_from(d.scale()).unwrap());
            assert_eq!(usize::from(prec >> 8), 2 * (out.len() - 3));
            // Text round trip too.
            assert_eq!(d.to_string().parse::<Decimal>().unwrap(), d);
        }
    }

    #[test]
    fn tuple_round_trips_floating_and_fixed() {
        let mut rng = Rng(0x0fed_cba9_8765_4321);
        for _ in 0..5000 {
            let p = 1 + rng.below(32) as u16;
            // Floating DECIMAL(p): exact when the value has ≤ p digits.
            let d = random_decimal(&mut rng, u64::from(p), 120);
            let mut out = vec![];
            let enc = (p << 8) | 0xFF;
            encode_packed(Some(&d), enc, &mut out).unwrap();
            assert_eq!(out.len(), packed_width(enc));
            assert_eq!(decode_packed(&out), Ok(Some(d.clone())));
            // Fixed DECIMAL(p,s): values with ≤ p−s integer and ≤ s fraction digits are exact.
            let s = rng.below(u64::from(p) + 1) as u16;
            let stored_s = if p == 32 && s % 2 == 1 { s - 1 } else { s };
            let int_digits = u64::from(p - s);
            let n = rng.below(int_digits + u64::from(stored_s) + 1);
            if n == 0 {
                continue;
            }
            let digits: Vec<u8> = (0..n).map(|_| rng.below(10) as u8).collect();
            let top = int_digits.min(n);
            let exponent = top as i32 - rng.below(top + u64::from(stored_s) + 1) as i32;
            let d = Decimal::new(rng.below(2) == 0, digits, exponent).unwrap();
            if d.scale() > u32::from(stored_s) || d.integer_digits() > u32::from(p - s) {
                continue;
            }
            let enc = (p << 8) | s;
            let mut out = vec![];
            encode_packed(Some(&d), enc, &mut out).unwrap();
            assert_eq!(out.len(), packed_width(enc), "{d} in ({p},{s})");
            assert_eq!(decode_packed(&out), Ok(Some(d.clone())), "{d} in ({p},{s})");
        }
    }

    #[test]
    fn decode_never_panics_on_noise() {
        let mut rng = Rng(0xdead_beef_cafe_f00d);
        for _ in 0..20_000 {
            let len = rng.below(20) as usize;
            let b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = decode_packed(&b);
            let _ = decode_bind(&b);
            // Valid-looking bytes (pairs ≤ 99) always decode and re-encode identically in bind form.
            let mut valid = b.clone();
            for x in valid.iter_mut().skip(3) {
                *x %= 100;
            }
            if valid.len() >= 3 {
                let inner = (valid.len() - 2) as i16;
                valid[..2].copy_from_slice(&inner.to_be_bytes());
                let mut again = vec![];
                if let Ok((d, _)) = decode_bind(&valid)
                    && d.digits().len() <= 32
                    && encode_bind(&d, &mut again).is_ok()
                {
                    assert_eq!(decode_bind(&again).unwrap().0, d);
                }
            }
        }
    }

    /// The slow path `write_packed_plain` must match byte for byte (errors included).
    fn plain_reference(b: &[u8]) -> Result<Option<String>, CodecError> {
        Ok(decode_packed(b)?.map(|d| d.to_string_with_scale(Some(0))))
    }

    fn plain_fast(b: &[u8]) -> Result<Option<String>, CodecError> {
        let mut out = b"prefix".to_vec();
        let r = write_packed_plain(b, &mut out);
        if !matches!(r, Ok(Some(_))) {
            assert_eq!(
                out, b"prefix",
                "nothing appended for NULL or on error: {b:?}"
            );
        }
        let text = String::from_utf8(out[6..].to_vec()).unwrap();
        Ok(r?.map(|form| {
            let integer = text.bytes().all(|c| c == b'-' || c.is_ascii_digit());
            assert_eq!(form == PlainText::Integer, integer, "{text}");
            text
        }))
    }

    #[test]
    fn plain_text_examples() {
        for (bytes, text) in [
            (&[0xc1u8, 0x0c, 0x32][..], Some("12.5")),
            (&[0xc1, 0x07, 0x00], Some("7")),
            (&[0x3e, 0x57, 0x32], Some("-12.5")),
            (&[0xc3, 0x01, 0x00, 0x00, 0x00], Some("10000")),
            (&[0xbf, 0x05, 0x00], Some("0.0005")),
            (&[0x40, 0x5f, 0x00], Some("-0.0005")),
            (&[0xc0, 0x00, 0x00], Some("0")),
            (&[0x3f, 0x00, 0x00], Some("0")),
            (&[0x00, 0x00, 0x12], None),
        ] {
            assert_eq!(plain_fast(bytes), Ok(text.map(String::from)), "{bytes:?}");
            assert_eq!(
                plain_reference(bytes),
                Ok(text.map(String::from)),
                "{bytes:?}"
            );
        }
        assert_eq!(plain_fast(&[]), Err(CodecError::Truncated));
        assert_eq!(plain_fast(&[0xc1]), Err(CodecError::Truncated));
        assert!(plain_fast(&[0xc1, 100]).is_err());
    }

    #[test]
    fn plain_text_matches_decode_exhaustively_for_short_values() {
        for head in 0..=255u8 {
            for p in 0..=255u8 {
                let b = [head, p];
                assert_eq!(plain_fast(&b), plain_reference(&b), "{b:?}");
            }
            for p in [0u8, 1, 9, 10, 11, 50, 90, 99, 100, 200] {
                for q in [0u8, 1, 5, 10, 19, 50, 98, 99, 100, 255] {
                    let b = [head, p, q, 0];
                    assert_eq!(plain_fast(&b), plain_reference(&b), "{b:?}");
                    let b = [head, p, q];
                    assert_eq!(plain_fast(&b), plain_reference(&b), "{b:?}");
                }
            }
        }
    }

    #[test]
    fn plain_text_matches_decode_on_random_values() {
        let mut rng = Rng(0x0ddb_a11c_0ffe_e123);
        for _ in 0..100_000 {
            // Up to 29 pairs: wider than any column, so the long path is covered too.
            let len = 1 + rng.below(30) as usize;
            let mut b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            // Mostly valid pairs, with zero runs, so the digit logic is what gets tested.
            if rng.below(8) != 0 {
                for x in b.iter_mut().skip(1) {
                    *x = match rng.below(4) {
                        0 => 0,
                        1 => 99,
                        _ => *x % 100,
                    };
                }
            }
            assert_eq!(plain_fast(&b), plain_reference(&b), "{b:?}");
        }
        // Values written by the encoder, as a server sends them.
        for _ in 0..20_000 {
            let d = random_decimal(&mut rng, 32, 100);
            let mut out = vec![];
            if encode_packed(Some(&d), 0x20FF, &mut out).is_ok() {
                assert_eq!(plain_fast(&out), plain_reference(&out), "{d}");
                assert_eq!(
                    plain_fast(&out).unwrap().unwrap().parse::<Decimal>(),
                    Ok(decode_packed(&out).unwrap().unwrap())
                );
            }
        }
    }
}
