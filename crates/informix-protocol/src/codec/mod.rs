//! Type codecs for the SQLI value encodings (SQLI-facts §7).
//!
//! Pure functions between wire bytes and Rust values, shared by the client (decoding
//! tuples, encoding binds) and the test server (the reverse). Nothing here allocates
//! more than the value needs, and malformed input yields a [`CodecError`], never a panic.

use std::fmt;

pub mod date;
pub mod datetime;
pub mod decimal;
pub mod int8;

pub use date::{DATE_NULL, days_in_month, days_to_ymd, is_leap_year, ymd_to_days};
pub use datetime::{
    DateTime, Interval, Qualifier, TimeUnit, decode_datetime, decode_datetime_bind,
    decode_interval, decode_interval_bind, encode_datetime, encode_datetime_bind, encode_interval,
    encode_interval_bind, format_datetime, format_interval, parse_datetime, parse_interval,
};
pub use decimal::{Decimal, packed_width};
pub use int8::{decode_int8, encode_int8};

/// Why a value could not be encoded or decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodecError {
    /// The input ended before the value did.
    Truncated,
    /// Bytes or arguments that break an encoding rule; the text names the rule.
    Invalid(&'static str),
    /// The value is too large for the target type or qualifier.
    Overflow,
    /// A non-zero value too small for any DECIMAL (below 10^-130).
    Underflow,
    /// A text conversion failure that Informix reports with this sqlcode (e.g. -1262), so
    /// the test server can answer exactly like a real one.
    Sql(i32),
}

impl CodecError {
    /// The Informix sqlcode carried by [`CodecError::Sql`], if any.
    pub fn sqlcode(&self) -> Option<i32> {
        match self {
            CodecError::Sql(code) => Some(*code),
            _ => None,
        }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Truncated => f.write_str("value truncated"),
            CodecError::Invalid(what) => write!(f, "invalid value: {what}"),
            CodecError::Overflow => f.write_str("value too large for its type"),
            CodecError::Underflow => f.write_str("value too small for its type"),
            CodecError::Sql(code) => write!(f, "conversion failed with sqlcode {code}"),
        }
    }
}

impl std::error::Error for CodecError {}

/// Rejects base-100 digit bytes above 99, which no valid encoding contains.
pub(crate) fn check_pairs(pairs: &[u8]) -> Result<(), CodecError> {
    if pairs.iter().any(|&p| p > 99) {
        return Err(CodecError::Invalid("base-100 digit above 99"));
    }
    Ok(())
}

/// The complement negative DECIMAL and INTERVAL values use (§7.4): trailing zero pairs
/// stay zero, the rightmost non-zero pair d becomes 100 − d, every pair left of it 99 − d.
/// Applying it twice gives the input back, so it both encodes and decodes.
pub(crate) fn complement_pairs(pairs: &mut [u8]) -> Result<(), CodecError> {
    check_pairs(pairs)?;
    let mut seen_nonzero = false;
    for p in pairs.iter_mut().rev() {
        if seen_nonzero {
            *p = 99 - *p;
        } else if *p != 0 {
            *p = 100 - *p;
            seen_nonzero = true;
        }
    }
    Ok(())
}

/// Big-endian i16 at `at`, as used for inner lengths of bind values.
pub(crate) fn read_i16(b: &[u8], at: usize) -> Result<i16, CodecError> {
    match b.get(at..at.saturating_add(2)) {
        Some(&[hi, lo]) => Ok(i16::from_be_bytes([hi, lo])),
        _ => Err(CodecError::Truncated),
    }
}

/// Splits two-digit groups into base-100 bytes; an odd digit count is zero-padded on the right.
pub(crate) fn digits_to_pairs(digits: &[u8]) -> Vec<u8> {
    let mut pairs = Vec::with_capacity(digits.len().div_ceil(2));
    for chunk in digits.chunks(2) {
        match chunk {
            [a, b] => pairs.push(a * 10 + b),
            [a] => pairs.push(a * 10),
            _ => {}
        }
    }
    pairs
}

/// Expands base-100 bytes (already checked ≤ 99) into decimal digits.
pub(crate) fn pairs_to_digits(pairs: &[u8]) -> Vec<u8> {
    let mut digits = Vec::with_capacity(pairs.len() * 2);
    for &p in pairs {
        digits.push(p / 10);
        digits.push(p % 10);
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complement_is_an_involution() {
        let mut p = vec![1, 23, 45, 0, 0];
        complement_pairs(&mut p).unwrap();
        assert_eq!(p, vec![98, 76, 55, 0, 0]);
        complement_pairs(&mut p).unwrap();
        assert_eq!(p, vec![1, 23, 45, 0, 0]);
        let mut zero = vec![0, 0];
        complement_pairs(&mut zero).unwrap();
        assert_eq!(zero, vec![0, 0]);
        assert_eq!(
            complement_pairs(&mut [100]),
            Err(CodecError::Invalid("base-100 digit above 99"))
        );
    }

    #[test]
    fn read_i16_checks_bounds() {
        assert_eq!(read_i16(&[0x00, 0x0b], 0), Ok(11));
        assert_eq!(read_i16(&[0xff, 0xff], 0), Ok(-1));
        assert_eq!(read_i16(&[0x00], 0), Err(CodecError::Truncated));
        assert_eq!(read_i16(&[], usize::MAX), Err(CodecError::Truncated));
    }

    #[test]
    fn error_display_and_sqlcode() {
        assert_eq!(CodecError::Sql(-1262).sqlcode(), Some(-1262));
        assert_eq!(CodecError::Overflow.sqlcode(), None);
        assert!(CodecError::Sql(-1264).to_string().contains("-1264"));
        assert!(CodecError::Invalid("x").to_string().contains('x'));
    }
}
