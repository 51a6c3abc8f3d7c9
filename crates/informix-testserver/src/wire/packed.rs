//! Adapters from engine text values to the packed wire forms of `informix_protocol::codec`
//! (DECIMAL/MONEY, DATETIME, INTERVAL, INT8), mapping codec failures to Informix sqlcodes.

use informix_protocol::codec::{self, CodecError, Decimal};

use super::values::sql_error;
use crate::engine::SqlError;

fn codec_err(e: CodecError, fallback: i32) -> SqlError {
    sql_error(match e {
        CodecError::Sql(code) => code,
        CodecError::Overflow => fallback,
        CodecError::Underflow => -1201,
        _ => -1260,
    })
}

pub fn encode_int8(v: Option<i64>, out: &mut Vec<u8>) {
    codec::encode_int8(v, out);
}

pub fn decode_int8(b: &[u8]) -> Result<Option<i64>, SqlError> {
    codec::decode_int8(b).map_err(|e| codec_err(e, -1284))
}

/// DECIMAL/MONEY cell from canonical decimal text.
pub fn encode_decimal(
    text: &str,
    encoded_length: u16,
    width: usize,
    out: &mut Vec<u8>,
) -> Result<(), SqlError> {
    let d: Decimal = text.trim().parse().map_err(|_| sql_error(-1213))?;
    let at = out.len();
    codec::decimal::encode_packed(Some(&d), encoded_length, out)
        .map_err(|e| codec_err(e, -1226))?;
    // The codec writes exactly `width` bytes; keep the row aligned whatever happens.
    out.resize(at + width, 0);
    Ok(())
}

pub fn decode_decimal_bind(b: &[u8]) -> Result<Option<String>, SqlError> {
    if b.len() >= 4 && b[2] == 0 && b[3] == 0 {
        return Ok(None);
    }
    let (d, _) = codec::decimal::decode_bind(b).map_err(|e| codec_err(e, -1226))?;
    Ok(Some(d.to_string()))
}

/// DATETIME cell from canonical text for the column qualifier.
pub fn encode_datetime(
    text: &str,
    qualifier: u16,
    width: usize,
    out: &mut Vec<u8>,
) -> Result<(), SqlError> {
    if encode_datetime_canonical(text.as_bytes(), qualifier, width, out) {
        return Ok(());
    }
    let q = codec::Qualifier::from_encoded(qualifier).map_err(|e| codec_err(e, -1268))?;
    let v = codec::parse_datetime(text.trim(), &q).map_err(|e| codec_err(e, -1263))?;
    let at = out.len();
    codec::encode_datetime(Some(&v), &q, out).map_err(|e| codec_err(e, -1263))?;
    out.resize(at + width, 0);
    Ok(())
}

/// The allocation-free path of [`encode_datetime`] for the engine's canonical text of a
/// valid value under a `YEAR TO …` qualifier with a 4-digit year (`2024-05-06 07:08:09.12`,
/// exactly as many fraction digits as the qualifier). Appends exactly what the codec would
/// and returns true; returns false, appending nothing, for anything else (the codec then
/// decides, errors included).
fn encode_datetime_canonical(t: &[u8], qualifier: u16, width: usize, out: &mut Vec<u8>) -> bool {
    let [total, units] = qualifier.to_be_bytes();
    if units >> 4 != 0 {
        return false;
    }
    let end = units & 0x0F;
    // Fields YEAR..end (at most SECOND) and fraction digits.
    let (fields, fraction) = match end {
        0..=10 if end % 2 == 0 => (usize::from(end / 2) + 1, 0usize),
        11..=15 => (6, usize::from(end - 10)),
        _ => return false,
    };
    let digits = 4 + 2 * (fields - 1) + fraction;
    let text_len = 4 + 3 * (fields - 1) + if fraction > 0 { 1 + fraction } else { 0 };
    // The codec pads the digits with zeros up to the pairs after the head byte.
    if usize::from(total) != digits || t.len() != text_len || width < 1 + digits.div_ceil(2) {
        return false;
    }
    const SEPARATORS: [u8; 6] = [b'-', b'-', b' ', b':', b':', b'.'];
    let mut buf = [0u8; 20];
    let mut n = 0;
    let mut pos = 0;
    let mut values = [0u32; 6];
    for (i, value) in values.iter_mut().enumerate().take(fields) {
        let w = if i == 0 { 4 } else { 2 };
        if i > 0 {
            if t[pos] != SEPARATORS[i - 1] {
                return false;
            }
            pos += 1;
        }
        for &c in &t[pos..pos + w] {
            if !c.is_ascii_digit() {
                return false;
            }
            buf[n] = c - b'0';
            n += 1;
            *value = *value * 10 + u32::from(c - b'0');
        }
        pos += w;
    }
    if fraction > 0 {
        if t[pos] != b'.' {
            return false;
        }
        for &c in &t[pos + 1..] {
            if !c.is_ascii_digit() {
                return false;
            }
            buf[n] = c - b'0';
            n += 1;
        }
    }
    let [year, month, day, hour, minute, second] = values;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let valid = year >= 1
        && (fields < 2 || (1..=12).contains(&month))
        && (fields < 3 || (1..=days).contains(&day))
        && hour <= 23
        && minute <= 59
        && second <= 59;
    if !valid {
        return false;
    }
    // Head byte 0xC0 + 7: 14 integer digits down to SECOND, 7 base-100 pairs.
    out.reserve(width);
    out.push(0xC7);
    for pair in buf[..n].chunks(2) {
        out.push(pair[0] * 10 + pair.get(1).copied().unwrap_or(0));
    }
    out.resize(out.len() + (width - 1 - n.div_ceil(2)), 0);
    true
}

pub fn decode_datetime_bind(b: &[u8], prec: u16) -> Result<Option<String>, SqlError> {
    if b.len() >= 4 && b[2] == 0 && b[3] == 0 {
        return Ok(None);
    }
    let q = codec::Qualifier::from_encoded(prec).map_err(|e| codec_err(e, -1268))?;
    let (v, _) = codec::decode_datetime_bind(b, &q).map_err(|e| codec_err(e, -1263))?;
    Ok(Some(codec::format_datetime(&v, &q)))
}

/// INTERVAL cell from canonical text for the column qualifier.
pub fn encode_interval(
    text: &str,
    qualifier: u16,
    width: usize,
    out: &mut Vec<u8>,
) -> Result<(), SqlError> {
    let q = codec::Qualifier::from_encoded(qualifier).map_err(|e| codec_err(e, -1268))?;
    let v = codec::parse_interval(text.trim(), &q).map_err(|e| codec_err(e, -1263))?;
    let at = out.len();
    codec::encode_interval(Some(&v), &q, out).map_err(|e| codec_err(e, -1265))?;
    out.resize(at + width, 0);
    Ok(())
}

pub fn decode_interval_bind(b: &[u8], prec: u16) -> Result<Option<String>, SqlError> {
    if b.len() >= 4 && b[2] == 0 && b[3] == 0 {
        return Ok(None);
    }
    let q = codec::Qualifier::from_encoded(prec).map_err(|e| codec_err(e, -1268))?;
    let (v, _) = codec::decode_interval_bind(b, &q).map_err(|e| codec_err(e, -1263))?;
    codec::format_interval(&v, &q)
        .map(Some)
        .map_err(|e| codec_err(e, -1263))
}

/// Smart-LOB locator body: 72 bytes as 144 ASCII hex characters.
pub fn locator_hex(id: &[u8]) -> Vec<u8> {
    let mut raw = [0u8; 72];
    let n = id.len().min(72);
    raw[..n].copy_from_slice(&id[..n]);
    let mut out = Vec::with_capacity(144);
    for b in raw {
        out.extend_from_slice(format!("{b:02x}").as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codec's encoding, bypassing the canonical fast path.
    fn slow(text: &str, qualifier: u16, width: usize) -> Result<Vec<u8>, i32> {
        let q =
            codec::Qualifier::from_encoded(qualifier).map_err(|e| codec_err(e, -1268).sqlcode)?;
        let v = codec::parse_datetime(text.trim(), &q).map_err(|e| codec_err(e, -1263).sqlcode)?;
        let mut out = Vec::new();
        codec::encode_datetime(Some(&v), &q, &mut out).map_err(|e| codec_err(e, -1263).sqlcode)?;
        out.resize(width, 0);
        Ok(out)
    }

    #[test]
    fn canonical_datetime_matches_codec() {
        let full = [
            "2024-05-06 07:08:09.12345",
            "0001-01-01 00:00:00.00000",
            "9999-12-31 23:59:59.99999",
            "2024-02-29 12:00:00.50000",
            "2023-02-29 12:00:00.00000",
            "1900-02-29 12:00:00.00000",
            "2000-02-29 12:00:00.00000",
            "2024-04-31 00:00:00.00000",
            "2024-13-01 00:00:00.00000",
            "2024-00-01 00:00:00.00000",
            "2024-01-00 00:00:00.00000",
            "2024-01-01 24:00:00.00000",
            "2024-01-01 00:60:00.00000",
            "2024-01-01 00:00:60.00000",
            "0000-01-01 00:00:00.00000",
            "2024-01-01T00:00:00.00000",
            "2024-01-01 00:0a:00.00000",
        ];
        let mut checked = 0;
        for start in [0u16, 2, 4, 6] {
            for end in [0u16, 2, 4, 6, 8, 10, 11, 12, 13, 14, 15] {
                if end < start {
                    continue;
                }
                let first = if start == 0 { 4 } else { 2 };
                let digits = if end <= 10 {
                    first + (end - start)
                } else {
                    first + (10 - start) + (end - 10)
                };
                let qualifier = (digits << 8) | (start << 4) | end;
                let Ok(q) = codec::Qualifier::from_encoded(qualifier) else {
                    continue;
                };
                let width = q.tuple_width();
                for text in full {
                    let from = [0, 5, 8, 11, 14, 17][usize::from(start / 2)];
                    let to = if end <= 10 {
                        [4, 7, 10, 13, 16, 19][usize::from(end / 2)]
                    } else {
                        20 + usize::from(end - 10)
                    };
                    for t in [&text[from..to], &text[from..to.min(19)], &text[from..]] {
                        let mut fast = vec![0xAA];
                        let hit =
                            encode_datetime_canonical(t.as_bytes(), qualifier, width, &mut fast);
                        let expected = slow(t, qualifier, width);
                        if hit {
                            assert_eq!(Ok(fast[1..].to_vec()), expected, "{t} {qualifier:#x}");
                            checked += 1;
                        } else {
                            assert_eq!(fast, vec![0xAA]);
                        }
                        let mut via = Vec::new();
                        let r =
                            encode_datetime(t, qualifier, width, &mut via).map_err(|e| e.sqlcode);
                        assert_eq!(r.map(|()| via), expected, "{t} {qualifier:#x}");
                    }
                }
            }
        }
        assert!(checked > 50, "{checked}");
    }
}
