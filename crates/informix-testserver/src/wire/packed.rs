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
    let q = codec::Qualifier::from_encoded(qualifier).map_err(|e| codec_err(e, -1268))?;
    let v = codec::parse_datetime(text.trim(), &q).map_err(|e| codec_err(e, -1263))?;
    let at = out.len();
    codec::encode_datetime(Some(&v), &q, out).map_err(|e| codec_err(e, -1263))?;
    out.resize(at + width, 0);
    Ok(())
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
