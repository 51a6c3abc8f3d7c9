//! Conversions between wire values and engine values: SQ_BIND parameters to
//! [`Param`], result [`Cell`]s to exact TUPLE bytes, and engine column metadata to
//! DESCRIBE descriptors.

use std::borrow::Cow;

use informix_protocol::describe::{ColumnDescriptor, Describe};
use informix_protocol::message::BindParam;
use informix_protocol::row::{ColumnKind, packed_width};
use informix_protocol::wire::{WireWrite, latin1_to_string};

use super::packed;
use crate::engine::{Cell, ColumnInfo, Param, Prepared, SqlError};

/// The character set of user data in a session, from the client's CLIENT_LOCALE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextCodec {
    Latin1,
    Utf8,
}

impl TextCodec {
    /// `en_US.utf8` / `en_US.UTF-8` → UTF-8; everything else is treated as ISO-8859-1.
    pub fn from_locale(locale: Option<&str>) -> TextCodec {
        let suffix = locale
            .and_then(|l| l.rsplit_once('.'))
            .map(|(_, s)| s.to_ascii_lowercase());
        match suffix.as_deref() {
            Some("utf8" | "utf-8" | "57372") => TextCodec::Utf8,
            _ => TextCodec::Latin1,
        }
    }

    pub fn decode(self, b: &[u8]) -> String {
        match self {
            TextCodec::Utf8 => String::from_utf8_lossy(b).into_owned(),
            TextCodec::Latin1 => latin1_to_string(b),
        }
    }

    pub fn encode(self, s: &str) -> Cow<'_, [u8]> {
        if s.is_ascii() || self == TextCodec::Utf8 {
            return Cow::Borrowed(s.as_bytes());
        }
        Cow::Owned(
            s.chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect(),
        )
    }
}

pub fn sql_error(sqlcode: i32) -> SqlError {
    SqlError {
        sqlcode,
        isam: 0,
        offset: 0,
        near: String::new(),
    }
}

/// The protocol's view of an engine column.
pub fn descriptor(ci: &ColumnInfo, start_pos: i32) -> ColumnDescriptor {
    ColumnDescriptor {
        name: ci.name.clone(),
        start_pos,
        type_code: ci.coltype,
        extended_id: ci.extended_id,
        owner: ci.owner.clone(),
        extended_name: ci.extended_name.clone(),
        reference: 0,
        alignment: 0,
        source_type: 0,
        encoded_length: ci.collength,
    }
}

/// Width a column occupies in the server row buffer (informative: DESCRIBE start
/// positions and tuple size).
fn row_width(kind: ColumnKind, collength: u16) -> usize {
    match kind {
        ColumnKind::SmallInt => 2,
        ColumnKind::Integer | ColumnKind::Date | ColumnKind::SmallFloat => 4,
        ColumnKind::BigInt | ColumnKind::Float => 8,
        ColumnKind::Int8 => 10,
        ColumnKind::Decimal { width, .. }
        | ColumnKind::DateTime { width, .. }
        | ColumnKind::Interval { width, .. }
        | ColumnKind::Char { width }
        | ColumnKind::Raw { width } => width,
        ColumnKind::VarChar => usize::from(collength & 0xFF) + 1,
        ColumnKind::LVarChar | ColumnKind::LongVar => usize::from(collength) + 5,
        ColumnKind::Boolean => 6,
        ColumnKind::Blob { .. } => 56,
        ColumnKind::SmartLob { .. } => 149,
        ColumnKind::Complex { .. } => usize::from(collength) + 5,
    }
}

/// The DESCRIBE reply for a prepared statement whose result columns are `cols`.
pub fn describe(p: &Prepared, cols: &[ColumnInfo], statement_id: i16) -> Describe {
    let mut columns = Vec::with_capacity(cols.len());
    let mut pos = 0usize;
    for ci in cols {
        let d = descriptor(ci, i32::try_from(pos).unwrap_or(i32::MAX));
        pos += row_width(ColumnKind::of(&d), ci.collength);
        columns.push(d);
    }
    Describe {
        statement_type: p.statement_type,
        statement_id,
        estimated_cost: if p.is_query { 1 } else { 0 },
        tuple_size: i16::try_from(pos).unwrap_or(i16::MAX),
        columns,
    }
}

/// Where BYTE/TEXT values of a result set are kept while its cursor is open.
pub struct BlobStore {
    /// Identifies the cursor so a stale descriptor is never resolved against a new one.
    pub generation: u32,
    pub values: Vec<Vec<u8>>,
}

/// Offsets inside the 56-byte BYTE/TEXT descriptor. IBM JDBC sizes its receive buffer
/// from `end - start + 1` (`IfxBlob.getBlobLength`, offsets 12 and 8) and reads the
/// NULL flag as the i16 at 38; the reference driver reads the size at 16.
const BLOB_START_AT: usize = 8;
const BLOB_END_AT: usize = 12;
const BLOB_SIZE_AT: usize = 16;
const BLOB_NULL_AT: usize = 39;
const BLOB_GEN_AT: usize = 44;
const BLOB_INDEX_AT: usize = 48;
pub const BLOB_DESCRIPTOR_LEN: usize = 56;

fn put_blob_descriptor(out: &mut Vec<u8>, value: Option<(&[u8], &mut BlobStore)>) {
    let at = out.len();
    out.resize(at + BLOB_DESCRIPTOR_LEN, 0);
    let d = &mut out[at..];
    match value {
        None => d[BLOB_NULL_AT] = 1,
        Some((bytes, store)) => {
            let size = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
            let index = u32::try_from(store.values.len()).unwrap_or(u32::MAX);
            d[BLOB_START_AT..BLOB_START_AT + 4].copy_from_slice(&0i32.to_be_bytes());
            d[BLOB_END_AT..BLOB_END_AT + 4].copy_from_slice(&(size - 1).to_be_bytes());
            d[BLOB_SIZE_AT..BLOB_SIZE_AT + 4].copy_from_slice(&size.to_be_bytes());
            d[BLOB_GEN_AT..BLOB_GEN_AT + 4].copy_from_slice(&store.generation.to_be_bytes());
            d[BLOB_INDEX_AT..BLOB_INDEX_AT + 4].copy_from_slice(&index.to_be_bytes());
            store.values.push(bytes.to_vec());
        }
    }
}

/// Reads the (generation, index) a descriptor of ours carries.
pub fn blob_locator(descriptor: &[u8]) -> Option<(u32, usize)> {
    let word = |at: usize| -> Option<u32> {
        let b = descriptor.get(at..at + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    if descriptor.get(BLOB_NULL_AT) == Some(&1) {
        return None;
    }
    Some((
        word(BLOB_GEN_AT)?,
        usize::try_from(word(BLOB_INDEX_AT)?).ok()?,
    ))
}

/// The size a client announced in a bound BYTE/TEXT descriptor.
pub fn bound_blob_size(descriptor: &[u8]) -> Option<usize> {
    let b = descriptor.get(BLOB_SIZE_AT..BLOB_SIZE_AT + 4)?;
    usize::try_from(i32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok()
}

/// SQLBOOL, the type IBM JDBC asks BOOLEAN columns to be returned as (SQ_RET_TYPE).
pub const RET_TYPE_BOOL: i16 = 45;

/// Encodes rows of one result set, column layouts resolved once.
pub struct RowEncoder {
    cols: Vec<(ColumnKind, u16)>,
    /// Per column: BOOLEAN returned as SQLBOOL (value byte 1/0) instead of the
    /// column's own form (`t`/`f`).
    bool_as_byte: Vec<bool>,
    codec: TextCodec,
}

/// Whether a result set's encoding depends on the types the client asks for
/// with SQ_RET_TYPE (only BOOLEAN columns change).
pub fn depends_on_return_types(columns: &[ColumnInfo]) -> bool {
    columns
        .iter()
        .any(|ci| ColumnKind::of(&descriptor(ci, 0)) == ColumnKind::Boolean)
}

impl RowEncoder {
    /// `return_types`: the SQ_RET_TYPE the client sent for this statement, if any.
    pub fn new(columns: &[ColumnInfo], codec: TextCodec, return_types: &[i16]) -> RowEncoder {
        let cols: Vec<(ColumnKind, u16)> = columns
            .iter()
            .map(|ci| (ColumnKind::of(&descriptor(ci, 0)), ci.collength))
            .collect();
        let bool_as_byte = cols
            .iter()
            .enumerate()
            .map(|(i, (kind, _))| {
                *kind == ColumnKind::Boolean
                    && return_types.get(i).map(|t| t & 0xFF) == Some(RET_TYPE_BOOL)
            })
            .collect();
        RowEncoder {
            cols,
            bool_as_byte,
            codec,
        }
    }

    pub fn column_count(&self) -> usize {
        self.cols.len()
    }

    /// Appends the payload of one TUPLE (no header) for `row`.
    pub fn encode_row(
        &self,
        row: &[Cell],
        out: &mut Vec<u8>,
        blobs: &mut BlobStore,
    ) -> Result<(), SqlError> {
        for (i, &(kind, collength)) in self.cols.iter().enumerate() {
            let cell = row.get(i).unwrap_or(&Cell::Null);
            if self.bool_as_byte[i] {
                match bool_value(cell)? {
                    None => out.put_bytes(&[1, 0, 0, 0, 0]),
                    Some(b) => put_envelope(out, &[u8::from(b)]),
                }
                continue;
            }
            encode_cell(kind, collength, cell, self.codec, out, blobs)?;
        }
        Ok(())
    }
}

fn cell_int(cell: &Cell) -> Result<Option<i64>, SqlError> {
    Ok(match cell {
        Cell::Null => None,
        Cell::Int(i) => Some(*i),
        Cell::Float(f) => Some(f.trunc() as i64),
        Cell::Text(s) => {
            let t = s.trim();
            Some(match t.parse::<i64>() {
                Ok(v) => v,
                Err(_) => t
                    .parse::<f64>()
                    .map(|f| f.trunc() as i64)
                    .map_err(|_| sql_error(-1213))?,
            })
        }
        Cell::Bytes(_) => return Err(sql_error(-1260)),
    })
}

fn cell_float(cell: &Cell) -> Result<Option<f64>, SqlError> {
    Ok(match cell {
        Cell::Null => None,
        Cell::Int(i) => Some(*i as f64),
        Cell::Float(f) => Some(*f),
        Cell::Text(s) => Some(s.trim().parse::<f64>().map_err(|_| sql_error(-1213))?),
        Cell::Bytes(_) => return Err(sql_error(-1260)),
    })
}

/// Text of a value, for text columns whatever the engine returned.
fn cell_text(cell: &Cell) -> Option<Cow<'_, str>> {
    match cell {
        Cell::Null => None,
        Cell::Text(s) => Some(Cow::Borrowed(s.as_str())),
        Cell::Int(i) => Some(Cow::Owned(i.to_string())),
        Cell::Float(f) => Some(Cow::Owned(format_float(*f))),
        Cell::Bytes(b) => Some(Cow::Owned(String::from_utf8_lossy(b).into_owned())),
    }
}

fn format_float(f: f64) -> String {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        format!("{f}")
    }
}

fn encode_cell(
    kind: ColumnKind,
    collength: u16,
    cell: &Cell,
    codec: TextCodec,
    out: &mut Vec<u8>,
    blobs: &mut BlobStore,
) -> Result<(), SqlError> {
    match kind {
        ColumnKind::SmallInt => match cell_int(cell)? {
            None => out.put_i16(i16::MIN),
            Some(v) => out.put_i16(i16::try_from(v).map_err(|_| sql_error(-1214))?),
        },
        ColumnKind::Integer | ColumnKind::Date => match cell_int(cell)? {
            None => out.put_i32(i32::MIN),
            Some(v) => out.put_i32(i32::try_from(v).map_err(|_| sql_error(-1215))?),
        },
        ColumnKind::BigInt => out.put_i64(cell_int(cell)?.unwrap_or(i64::MIN)),
        ColumnKind::Int8 => packed::encode_int8(cell_int(cell)?, out),
        ColumnKind::SmallFloat => match cell_float(cell)? {
            None => out.put_bytes(&[0xff; 4]),
            Some(f) => out.put_bytes(&(f as f32).to_be_bytes()),
        },
        ColumnKind::Float => match cell_float(cell)? {
            None => out.put_bytes(&[0xff; 8]),
            Some(f) => out.put_bytes(&f.to_be_bytes()),
        },
        ColumnKind::Decimal { width, .. } => match cell_text(cell) {
            None => put_packed_null(out, width),
            Some(t) => packed::encode_decimal(&t, collength, width, out)?,
        },
        ColumnKind::DateTime { qualifier, width } => match cell_text(cell) {
            None => put_packed_null(out, width),
            Some(t) => packed::encode_datetime(&t, qualifier, width, out)?,
        },
        ColumnKind::Interval { qualifier, width } => match cell_text(cell) {
            None => put_packed_null(out, width),
            Some(t) => packed::encode_interval(&t, qualifier, width, out)?,
        },
        ColumnKind::Char { width } => match cell_text(cell) {
            None => {
                if width > 0 {
                    out.put_u8(0);
                    out.resize(out.len() + width - 1, b' ');
                }
            }
            Some(t) => {
                let b = codec.encode(&t);
                let n = b.len().min(width);
                out.put_bytes(&b[..n]);
                out.resize(out.len() + (width - n), b' ');
            }
        },
        ColumnKind::VarChar => match cell_text(cell) {
            None => out.put_bytes(&[1, 0]),
            Some(t) => {
                let b = codec.encode(&t);
                let max = match usize::from(collength & 0xFF) {
                    0 => 255,
                    m => m,
                };
                let n = b.len().min(max).min(255);
                out.put_u8(n as u8);
                out.put_bytes(&b[..n]);
            }
        },
        ColumnKind::LVarChar | ColumnKind::Complex { .. } => match cell_text(cell) {
            None => out.put_bytes(&[1, 0, 0, 0, 0]),
            Some(t) => put_envelope(out, &codec.encode(&t)),
        },
        ColumnKind::Boolean => match bool_value(cell)? {
            None => out.put_bytes(&[1, 0, 0, 0, 0]),
            Some(b) => put_envelope(out, if b { b"t" } else { b"f" }),
        },
        ColumnKind::Blob { .. } => match cell {
            Cell::Null => put_blob_descriptor(out, None),
            Cell::Bytes(b) => put_blob_descriptor(out, Some((b, blobs))),
            other => {
                let t = cell_text(other).unwrap_or_default();
                let bytes = codec.encode(&t).into_owned();
                put_blob_descriptor(out, Some((&bytes, blobs)));
            }
        },
        ColumnKind::SmartLob { .. } => match cell {
            Cell::Null => out.put_bytes(&[1, 0, 0, 0, 0]),
            Cell::Bytes(b) => put_envelope(out, &packed::locator_hex(b)),
            other => {
                let t = cell_text(other).unwrap_or_default();
                put_envelope(out, &packed::locator_hex(t.as_bytes()));
            }
        },
        ColumnKind::LongVar => {
            let b = match cell {
                Cell::Bytes(b) => Cow::Borrowed(b.as_slice()),
                other => match cell_text(other) {
                    None => Cow::Borrowed(&[][..]),
                    Some(t) => Cow::Owned(codec.encode(&t).into_owned()),
                },
            };
            out.put_i32(i32::try_from(b.len()).unwrap_or(i32::MAX));
            out.put_bytes(&b);
        }
        ColumnKind::Raw { width } => {
            let b = match cell {
                Cell::Bytes(b) => Cow::Borrowed(b.as_slice()),
                other => match cell_text(other) {
                    None => Cow::Borrowed(&[][..]),
                    Some(t) => Cow::Owned(codec.encode(&t).into_owned()),
                },
            };
            let n = b.len().min(width);
            out.put_bytes(&b[..n]);
            out.resize(out.len() + (width - n), 0);
        }
    }
    Ok(())
}

fn bool_value(cell: &Cell) -> Result<Option<bool>, SqlError> {
    Ok(match cell {
        Cell::Null => None,
        Cell::Int(i) => Some(*i != 0),
        Cell::Float(f) => Some(*f != 0.0),
        Cell::Text(s) => match s.trim() {
            "t" | "T" | "1" | "true" | "TRUE" => Some(true),
            "f" | "F" | "0" | "false" | "FALSE" => Some(false),
            _ => return Err(sql_error(-9648)),
        },
        Cell::Bytes(b) => Some(matches!(b.first(), Some(1 | b't' | b'T'))),
    })
}

fn put_packed_null(out: &mut Vec<u8>, width: usize) {
    out.resize(out.len() + width, 0);
}

fn put_envelope(out: &mut Vec<u8>, body: &[u8]) {
    out.put_u8(0);
    out.put_i32(i32::try_from(body.len()).unwrap_or(i32::MAX));
    out.put_bytes(body);
}

/// One fast-path return value ready for SQ_FPROUTINE (see `FpValue`); `data` is
/// `None` for NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FpOut {
    pub type_code: i16,
    pub owner: Vec<u8>,
    pub type_name: Vec<u8>,
    pub prec: i16,
    pub data: Option<Vec<u8>>,
}

/// Encodes a routine's result `cell`, typed by its result column, in the SQ_FPROUTINE
/// layouts: the tuple bytes for the fixed-width types, the tuple bytes behind an `i16`
/// count for DECIMAL/MONEY/DATETIME/INTERVAL, text behind a `u16` count (CHAR, VARCHAR)
/// or an `i32` count (LVARCHAR as type 43, collections), BOOLEAN as BOOL (45) 1/0.
/// BYTE/TEXT and smart-LOB results are refused (-1260).
pub fn fast_path_value(ci: &ColumnInfo, cell: &Cell, codec: TextCodec) -> Result<FpOut, SqlError> {
    let kind = ColumnKind::of(&descriptor(ci, 0));
    let base = i16::try_from(ci.coltype & 0xFF).unwrap_or(0);
    let mut out = FpOut {
        type_code: base,
        owner: Vec::new(),
        type_name: Vec::new(),
        prec: ci.collength as i16,
        data: None,
    };
    match kind {
        ColumnKind::LVarChar => out.type_code = 43,
        ColumnKind::Boolean => {
            out.type_code = 45;
            out.prec = 1;
        }
        ColumnKind::Complex { .. } => {
            out.owner = ci.owner.as_bytes().to_vec();
            out.type_name = ci.extended_name.as_bytes().to_vec();
        }
        ColumnKind::Blob { .. }
        | ColumnKind::SmartLob { .. }
        | ColumnKind::LongVar
        | ColumnKind::Raw { .. } => return Err(sql_error(-1260)),
        _ => {}
    }
    if matches!(cell, Cell::Null) {
        return Ok(out);
    }
    if kind == ColumnKind::Boolean {
        out.data = bool_value(cell)?.map(|b| vec![u8::from(b)]);
        return Ok(out);
    }
    let mut tuple = Vec::new();
    let mut blobs = BlobStore {
        generation: 0,
        values: Vec::new(),
    };
    encode_cell(kind, ci.collength, cell, codec, &mut tuple, &mut blobs)?;
    let mut data = Vec::with_capacity(tuple.len() + 4);
    match kind {
        ColumnKind::Decimal { .. } | ColumnKind::DateTime { .. } | ColumnKind::Interval { .. } => {
            data.put_i16(i16::try_from(tuple.len()).unwrap_or(i16::MAX));
            data.put_bytes(&tuple);
        }
        ColumnKind::Char { .. } => {
            data.put_i16(u16::try_from(tuple.len()).unwrap_or(u16::MAX) as i16);
            data.put_bytes(&tuple);
        }
        ColumnKind::VarChar => {
            // Tuple form: u8 count + bytes.
            let body = tuple.get(1..).unwrap_or_default();
            data.put_i16(body.len() as i16);
            data.put_bytes(body);
        }
        ColumnKind::LVarChar | ColumnKind::Complex { .. } => {
            // Tuple form: the envelope (u8 indicator, i32 count, bytes).
            let body = tuple.get(5..).unwrap_or_default();
            data.put_i32(i32::try_from(body.len()).unwrap_or(i32::MAX));
            data.put_bytes(body);
        }
        _ => data = tuple,
    }
    out.data = Some(data);
    Ok(out)
}

/// A bound parameter converted for the engine; BYTE/TEXT values arrive later in the
/// SQ_BBIND stream, so they are reported as pending.
pub enum Bound {
    Value(Param),
    /// BYTE (false) or TEXT (true) whose content follows in SQ_BLOB chunks.
    PendingBlob {
        text: bool,
    },
}

fn be_i16(b: &[u8]) -> Result<i16, SqlError> {
    match b {
        [x, y, ..] => Ok(i16::from_be_bytes([*x, *y])),
        _ => Err(sql_error(-1260)),
    }
}

fn be_i32(b: &[u8]) -> Result<i32, SqlError> {
    match b {
        [a, b2, c, d, ..] => Ok(i32::from_be_bytes([*a, *b2, *c, *d])),
        _ => Err(sql_error(-1260)),
    }
}

fn be_i64(b: &[u8]) -> Result<i64, SqlError> {
    let a: [u8; 8] = b
        .get(..8)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| sql_error(-1260))?;
    Ok(i64::from_be_bytes(a))
}

/// The column a `lotofile(..., 'client')` call turns into: the generated file name.
pub fn file_name_column(original: &ColumnInfo) -> ColumnInfo {
    ColumnInfo {
        name: original.name.clone(),
        coltype: 40,
        collength: 2048,
        extended_id: 0,
        extended_name: "lvarchar".into(),
        owner: String::new(),
    }
}

/// Bytes of a LOB value, whatever the engine returned.
pub fn cell_bytes(cell: &Cell, codec: TextCodec) -> Option<Vec<u8>> {
    match cell {
        Cell::Null => None,
        Cell::Bytes(b) => Some(b.clone()),
        other => cell_text(other).map(|t| codec.encode(&t).into_owned()),
    }
}

/// Converts one SQ_BIND value, typed by the client, into an engine parameter.
pub fn bind_param(bp: &BindParam<'_>, codec: TextCodec) -> Result<Bound, SqlError> {
    if bp.is_null() {
        return Ok(Bound::Value(Param::Null));
    }
    let d = bp.data;
    let base = (bp.type_code & 0xFF) as u8;
    let v = match base {
        // CHAR, VARCHAR, NCHAR, NVARCHAR: u16 count + bytes.
        0 | 13 | 15 | 16 => {
            let body = d.get(2..).unwrap_or_default();
            Param::Text(codec.decode(body))
        }
        // LVARCHAR (bare 43, or UDTVAR 40 `lvarchar`): i32 count + bytes.
        40 | 43 => {
            let body = d.get(4..).unwrap_or_default();
            Param::Text(codec.decode(body))
        }
        // BOOLEAN: i32 count (1) + one byte, 1/0 from IBM JDBC.
        45 => Param::Text(bool_text(d.get(4))),
        41 if bp.type_name.eq_ignore_ascii_case(b"boolean") => Param::Text(bool_text(d.get(4))),
        1 => Param::Int(i64::from(be_i16(d)?)),
        2 | 6 => Param::Int(i64::from(be_i32(d)?)),
        52 | 53 => Param::Int(be_i64(d)?),
        17 | 18 => match packed::decode_int8(d)? {
            None => Param::Null,
            Some(v) => Param::Int(v),
        },
        3 => Param::Float(f64::from_bits(be_i64(d)? as u64)),
        4 => Param::Float(f64::from(f32::from_bits(be_i32(d)? as u32))),
        7 => match be_i32(d)? {
            i32::MIN => Param::Null,
            v => Param::Date(v),
        },
        5 | 8 => match packed::decode_decimal_bind(d)? {
            None => Param::Null,
            Some(s) => Param::Decimal(s),
        },
        10 => match packed::decode_datetime_bind(d, bp.prec as u16)? {
            None => Param::Null,
            Some(s) => Param::DateTime(s),
        },
        14 => match packed::decode_interval_bind(d, bp.prec as u16)? {
            None => Param::Null,
            Some(s) => Param::Interval(s),
        },
        11 | 12 => {
            if d.get(BLOB_NULL_AT) == Some(&1) {
                Param::Null
            } else {
                return Ok(Bound::PendingBlob { text: base == 12 });
            }
        }
        _ => return Err(sql_error(-1260)),
    };
    Ok(Bound::Value(v))
}

/// A bound BOOLEAN byte as the engine's `t`/`f`.
fn bool_text(b: Option<&u8>) -> String {
    if matches!(b, Some(1 | b't' | b'T')) {
        "t".into()
    } else {
        "f".into()
    }
}

/// Width of a packed column from its encoded length (re-exported for callers).
pub fn packed_len(encoded_length: u16) -> usize {
    packed_width(encoded_length)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ci(coltype: u16, collength: u16) -> ColumnInfo {
        ColumnInfo {
            name: "c".into(),
            coltype,
            collength,
            extended_id: 0,
            extended_name: String::new(),
            owner: String::new(),
        }
    }

    fn enc(c: ColumnInfo, cell: Cell) -> Vec<u8> {
        let d = descriptor(&c, 0);
        let mut out = Vec::new();
        let mut store = BlobStore {
            generation: 7,
            values: Vec::new(),
        };
        encode_cell(
            ColumnKind::of(&d),
            c.collength,
            &cell,
            TextCodec::Latin1,
            &mut out,
            &mut store,
        )
        .expect("encodes");
        out
    }

    #[test]
    fn fixed_and_text_cells() {
        assert_eq!(enc(ci(2, 4), Cell::Int(1)), [0, 0, 0, 1]);
        assert_eq!(enc(ci(2, 4), Cell::Null), [0x80, 0, 0, 0]);
        assert_eq!(enc(ci(1, 2), Cell::Null), [0x80, 0]);
        assert_eq!(enc(ci(52, 8), Cell::Int(-2)), (-2i64).to_be_bytes());
        assert_eq!(enc(ci(3, 8), Cell::Null), [0xff; 8]);
        assert_eq!(enc(ci(4, 4), Cell::Float(1.5)), 1.5f32.to_be_bytes());
        assert_eq!(enc(ci(0, 6), Cell::Null), b"\0     ");
        assert_eq!(enc(ci(0, 6), Cell::Text("ab".into())), b"ab    ");
        assert_eq!(enc(ci(15, 10), Cell::Text("nch".into())), b"nch       ");
        assert_eq!(enc(ci(13, 128), Cell::Text("nvc".into())), b"\x03nvc");
        assert_eq!(enc(ci(13, 128), Cell::Null), [1, 0]);
        assert_eq!(enc(ci(13, 128), Cell::Text(String::new())), [0]);
        let mut lv = ci(40, 2048);
        lv.extended_name = "lvarchar".into();
        assert_eq!(
            enc(lv.clone(), Cell::Text("odd".into())),
            b"\0\0\0\0\x03odd"
        );
        assert_eq!(enc(lv, Cell::Null), [1, 0, 0, 0, 0]);
        let mut b = ci(41, 1);
        b.extended_id = 5;
        b.extended_name = "boolean".into();
        assert_eq!(enc(b.clone(), Cell::Text("t".into())), b"\0\0\0\0\x01t");
        assert_eq!(enc(b, Cell::Int(0)), b"\0\0\0\0\x01f");
        assert_eq!(enc(ci(7, 4), Cell::Int(45292)), [0, 0, 0xb0, 0xec]);
    }

    #[test]
    fn blob_descriptors_resolve() {
        let d = enc(ci(11, 56), Cell::Bytes(vec![1, 2, 3]));
        assert_eq!(d.len(), 56);
        assert_eq!(bound_blob_size(&d), Some(3));
        assert_eq!(blob_locator(&d), Some((7, 0)));
        // IBM JDBC's length: end (12) - start (8) + 1.
        assert_eq!(&d[8..16], &[0, 0, 0, 0, 0, 0, 0, 2]);
        let n = enc(ci(11, 56), Cell::Null);
        assert_eq!(n[39], 1);
        assert_eq!(blob_locator(&n), None);
    }

    #[test]
    fn binds_convert() {
        let p = |type_code, prec, data: &'static [u8]| BindParam {
            type_code,
            indicator: 0,
            prec,
            data,
            ..BindParam::default()
        };
        let v = |b: Bound| match b {
            Bound::Value(v) => format!("{v:?}"),
            Bound::PendingBlob { text } => format!("blob {text}"),
        };
        let c = TextCodec::Latin1;
        assert_eq!(
            v(bind_param(&p(0, 0, b"\x00\x03abc"), c).expect("ok")),
            "Text(\"abc\")"
        );
        assert_eq!(
            v(bind_param(&p(2, 0x0a00, &[0, 0, 0, 99]), c).expect("ok")),
            "Int(99)"
        );
        assert_eq!(
            v(bind_param(&p(52, 0x1300, &[0, 0, 0, 1, 0, 0, 0, 0]), c).expect("ok")),
            "Int(4294967296)"
        );
        assert_eq!(
            v(bind_param(&p(7, 0, &[0, 0, 0xb0, 0xec]), c).expect("ok")),
            "Date(45292)"
        );
        assert_eq!(
            v(bind_param(&p(11, 0, &[0u8; 56]), c).expect("ok")),
            "blob false"
        );
        // IBM JDBC's LVARCHAR and BOOLEAN: i32 count + bytes.
        assert_eq!(
            v(bind_param(&p(43, 0, b"\0\0\0\x02lv"), c).expect("ok")),
            "Text(\"lv\")"
        );
        assert_eq!(
            v(bind_param(&p(45, 1, &[0, 0, 0, 1, 1]), c).expect("ok")),
            "Text(\"t\")"
        );
        assert_eq!(
            v(bind_param(&p(45, 1, &[0, 0, 0, 1, 0]), c).expect("ok")),
            "Text(\"f\")"
        );
    }
}
