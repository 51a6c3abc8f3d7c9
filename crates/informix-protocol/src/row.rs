//! Splitting a TUPLE payload into cells, guided by the DESCRIBE column metadata.
//!
//! Cells borrow from the payload so that a binding can build its own objects straight
//! from the wire buffer; packed types (DECIMAL, DATETIME, INTERVAL) stay as raw bytes for
//! the codecs to interpret.

use crate::describe::ColumnDescriptor;
use crate::wire::{DecodeError, DecodeResult, Reader};

/// Informix base type codes (low byte of the DESCRIBE type).
pub mod types {
    pub const CHAR: u8 = 0;
    pub const SMALLINT: u8 = 1;
    pub const INTEGER: u8 = 2;
    pub const FLOAT: u8 = 3;
    pub const SMALLFLOAT: u8 = 4;
    pub const DECIMAL: u8 = 5;
    pub const SERIAL: u8 = 6;
    pub const DATE: u8 = 7;
    pub const MONEY: u8 = 8;
    pub const NULL: u8 = 9;
    pub const DATETIME: u8 = 10;
    pub const BYTE: u8 = 11;
    pub const TEXT: u8 = 12;
    pub const VARCHAR: u8 = 13;
    pub const INTERVAL: u8 = 14;
    pub const NCHAR: u8 = 15;
    pub const NVARCHAR: u8 = 16;
    pub const INT8: u8 = 17;
    pub const SERIAL8: u8 = 18;
    pub const SET: u8 = 19;
    pub const MULTISET: u8 = 20;
    pub const LIST: u8 = 21;
    pub const ROW: u8 = 22;
    pub const COLLECTION: u8 = 23;
    pub const UDTVAR: u8 = 40;
    pub const UDTFIXED: u8 = 41;
    pub const LVARCHAR: u8 = 43;
    pub const BOOL: u8 = 45;
    pub const BIGINT: u8 = 52;
    pub const BIGSERIAL: u8 = 53;

    /// Extended ids of opaque types described as UDTFIXED.
    pub const XID_BOOLEAN: i32 = 5;
    pub const XID_BLOB: i32 = 10;
    pub const XID_CLOB: i32 = 11;
}

/// How one column is laid out in a TUPLE, resolved once per result set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    SmallInt,
    Integer,
    BigInt,
    /// 10-byte sign-magnitude INT8/SERIAL8.
    Int8,
    SmallFloat,
    Float,
    /// DECIMAL or MONEY with the packed width; `scale` 255 means floating DECIMAL(p).
    Decimal {
        width: usize,
        money: bool,
        scale: u8,
    },
    Date,
    DateTime {
        qualifier: u16,
        width: usize,
    },
    Interval {
        qualifier: u16,
        width: usize,
    },
    /// Fixed-width blank-padded text (CHAR, NCHAR).
    Char {
        width: usize,
    },
    /// 1-byte length + bytes (VARCHAR, NVARCHAR).
    VarChar,
    /// Indicator + i32 length envelope holding text (LVARCHAR).
    LVarChar,
    Boolean,
    /// 56-byte BYTE/TEXT descriptor; content is fetched separately.
    Blob {
        text: bool,
    },
    /// BLOB/CLOB locator envelope.
    SmartLob {
        clob: bool,
    },
    /// ROW / SET / MULTISET / LIST / COLLECTION envelope, opaque bytes.
    Complex {
        base: u8,
    },
    /// `i32 length` + bytes (bare LVARCHAR 43).
    LongVar,
    /// Anything else: exactly `width` raw bytes.
    Raw {
        width: usize,
    },
}

pub use crate::codec::decimal::packed_width;

impl ColumnKind {
    pub fn of(col: &ColumnDescriptor) -> ColumnKind {
        use types::*;
        let len = col.encoded_length;
        match col.base_type() {
            SMALLINT => ColumnKind::SmallInt,
            INTEGER | SERIAL => ColumnKind::Integer,
            BIGINT | BIGSERIAL => ColumnKind::BigInt,
            INT8 | SERIAL8 => ColumnKind::Int8,
            SMALLFLOAT => ColumnKind::SmallFloat,
            FLOAT => ColumnKind::Float,
            DECIMAL => ColumnKind::Decimal {
                width: packed_width(len),
                money: false,
                scale: (len & 0xFF) as u8,
            },
            MONEY => ColumnKind::Decimal {
                width: packed_width(len),
                money: true,
                scale: (len & 0xFF) as u8,
            },
            DATE => ColumnKind::Date,
            DATETIME => ColumnKind::DateTime {
                qualifier: len,
                width: packed_width(len),
            },
            INTERVAL => ColumnKind::Interval {
                qualifier: len,
                width: packed_width(len),
            },
            CHAR | NCHAR => ColumnKind::Char {
                width: usize::from(len),
            },
            VARCHAR | NVARCHAR => ColumnKind::VarChar,
            BYTE => ColumnKind::Blob { text: false },
            TEXT => ColumnKind::Blob { text: true },
            UDTVAR if col.extended_name.eq_ignore_ascii_case("lvarchar") => ColumnKind::LVarChar,
            UDTFIXED
                if col.extended_id == XID_BOOLEAN
                    || col.extended_name.eq_ignore_ascii_case("boolean") =>
            {
                ColumnKind::Boolean
            }
            UDTFIXED if col.extended_id == XID_BLOB => ColumnKind::SmartLob { clob: false },
            UDTFIXED if col.extended_id == XID_CLOB => ColumnKind::SmartLob { clob: true },
            UDTVAR | UDTFIXED => ColumnKind::LVarChar,
            SET | MULTISET | LIST | ROW | COLLECTION => ColumnKind::Complex {
                base: col.base_type(),
            },
            LVARCHAR => ColumnKind::LongVar,
            _ => ColumnKind::Raw {
                width: usize::from(len),
            },
        }
    }
}

/// One decoded cell, borrowing from the TUPLE payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    SmallInt(i16),
    Integer(i32),
    BigInt(i64),
    /// Raw 10-byte INT8 (see `codec::int8`).
    Int8(&'a [u8]),
    SmallFloat(f32),
    Float(f64),
    /// Packed base-100 bytes (see `codec::decimal`).
    Decimal(&'a [u8]),
    /// Days since 1899-12-31.
    Date(i32),
    DateTime {
        qualifier: u16,
        bytes: &'a [u8],
    },
    Interval {
        qualifier: u16,
        bytes: &'a [u8],
    },
    /// Text bytes as sent (CHAR still blank-padded).
    Text(&'a [u8]),
    Boolean(bool),
    /// BYTE/TEXT descriptor to dereference with SQ_FETCHBLOB.
    BlobDescriptor {
        text: bool,
        descriptor: &'a [u8],
    },
    SmartLob {
        clob: bool,
        locator: &'a [u8],
    },
    Complex {
        base: u8,
        body: &'a [u8],
    },
    Raw(&'a [u8]),
}

/// Reads the cells of one TUPLE in column order.
pub struct CellReader<'a> {
    r: Reader<'a>,
}

impl<'a> CellReader<'a> {
    pub fn new(payload: &'a [u8]) -> Self {
        CellReader {
            r: Reader::new(payload),
        }
    }

    /// True when every byte of the payload has been consumed (the exact-width check).
    pub fn is_exhausted(&self) -> bool {
        self.r.remaining() == 0
    }

    /// Decodes the next cell; a short payload is a protocol violation, not "need more".
    pub fn next(&mut self, kind: ColumnKind) -> DecodeResult<Cell<'a>> {
        self.read(kind).map_err(|e| match e {
            DecodeError::Incomplete => DecodeError::invalid("row payload shorter than its columns"),
            other => other,
        })
    }

    fn read(&mut self, kind: ColumnKind) -> DecodeResult<Cell<'a>> {
        let r = &mut self.r;
        Ok(match kind {
            ColumnKind::SmallInt => match r.i16()? {
                i16::MIN => Cell::Null,
                v => Cell::SmallInt(v),
            },
            ColumnKind::Integer => match r.i32()? {
                i32::MIN => Cell::Null,
                v => Cell::Integer(v),
            },
            ColumnKind::BigInt => match r.i64()? {
                i64::MIN => Cell::Null,
                v => Cell::BigInt(v),
            },
            ColumnKind::Int8 => {
                let b = r.bytes(10)?;
                if b[..2] == [0, 0] {
                    Cell::Null
                } else {
                    Cell::Int8(b)
                }
            }
            ColumnKind::SmallFloat => {
                let b = r.bytes(4)?;
                if b == [0xff; 4] {
                    Cell::Null
                } else {
                    Cell::SmallFloat(f32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                }
            }
            ColumnKind::Float => {
                let b = r.bytes(8)?;
                if b == [0xff; 8] {
                    Cell::Null
                } else {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    Cell::Float(f64::from_be_bytes(a))
                }
            }
            ColumnKind::Decimal { width, .. } => {
                let b = r.bytes(width)?;
                if is_packed_null(b) {
                    Cell::Null
                } else {
                    Cell::Decimal(b)
                }
            }
            ColumnKind::Date => match r.i32()? {
                i32::MIN => Cell::Null,
                v => Cell::Date(v),
            },
            ColumnKind::DateTime { qualifier, width } => {
                let b = r.bytes(width)?;
                if is_packed_null(b) {
                    Cell::Null
                } else {
                    Cell::DateTime {
                        qualifier,
                        bytes: b,
                    }
                }
            }
            ColumnKind::Interval { qualifier, width } => {
                let b = r.bytes(width)?;
                if is_packed_null(b) {
                    Cell::Null
                } else {
                    Cell::Interval {
                        qualifier,
                        bytes: b,
                    }
                }
            }
            ColumnKind::Char { width } => {
                let b = r.bytes(width)?;
                if b.first() == Some(&0) && width > 0 {
                    Cell::Null
                } else {
                    Cell::Text(b)
                }
            }
            ColumnKind::VarChar => {
                let n = usize::from(r.u8()?);
                let b = r.bytes(n)?;
                // A NULL VARCHAR is one NUL byte; an empty string has length 0.
                if n == 1 && b[0] == 0 {
                    Cell::Null
                } else {
                    Cell::Text(b)
                }
            }
            ColumnKind::LVarChar => match envelope(r)? {
                None => Cell::Null,
                Some(b) => Cell::Text(b),
            },
            ColumnKind::Boolean => match envelope(r)? {
                None => Cell::Null,
                Some(b) => Cell::Boolean(matches!(b.first(), Some(b't' | b'T' | 1))),
            },
            ColumnKind::Blob { text } => {
                let d = r.bytes(56)?;
                if d.get(39) == Some(&1) {
                    Cell::Null
                } else {
                    Cell::BlobDescriptor {
                        text,
                        descriptor: d,
                    }
                }
            }
            ColumnKind::SmartLob { clob } => match envelope(r)? {
                None => Cell::Null,
                Some(b) => Cell::SmartLob { clob, locator: b },
            },
            ColumnKind::Complex { base } => match envelope(r)? {
                None => Cell::Null,
                Some(b) => Cell::Complex { base, body: b },
            },
            ColumnKind::LongVar => {
                let n = usize::try_from(r.i32()?)
                    .map_err(|_| DecodeError::invalid("negative length"))?;
                Cell::Text(r.bytes(n)?)
            }
            ColumnKind::Raw { width } => Cell::Raw(r.bytes(width)?),
        })
    }
}

fn is_packed_null(b: &[u8]) -> bool {
    b.len() >= 2 && b[0] == 0 && b[1] == 0
}

/// The opaque-type envelope: `u8 indicator` (1 = NULL), `i32 length`, bytes (never padded).
fn envelope<'a>(r: &mut Reader<'a>) -> DecodeResult<Option<&'a [u8]>> {
    let indicator = r.u8()?;
    let n =
        usize::try_from(r.i32()?).map_err(|_| DecodeError::invalid("negative envelope length"))?;
    let body = r.bytes(n)?;
    Ok(if indicator == 1 { None } else { Some(body) })
}

/// Strips the blank padding of CHAR values (and stray NULs).
pub fn trim_char(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && (b[end - 1] == b' ' || b[end - 1] == 0) {
        end -= 1;
    }
    &b[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(type_code: u16, len: u16) -> ColumnDescriptor {
        ColumnDescriptor {
            type_code,
            encoded_length: len,
            ..Default::default()
        }
    }

    #[test]
    fn widths_follow_the_packed_formula() {
        for (enc, w) in [
            (0x10FF, 10),
            (0x1002, 9),
            (0x0502, 4),
            (0x20FF, 18),
            (0x0E0A, 8),
            (0x130F, 11),
            (0x066A, 4),
            (0x144F, 12),
            (0x0B02, 7),
        ] {
            assert_eq!(packed_width(enc), w, "{enc:#x}");
        }
    }

    #[test]
    fn reads_mixed_row_and_nulls() {
        let cols = [
            col(0x102, 4),
            col(13, 128),
            col(0, 6),
            col(15, 10),
            col(1, 2),
        ];
        let kinds: Vec<_> = cols.iter().map(ColumnKind::of).collect();
        let payload = b"\x00\x00\x00\x01\x09systables\x00     nch       \x80\x00";
        let mut cr = CellReader::new(payload);
        assert_eq!(cr.next(kinds[0]).unwrap(), Cell::Integer(1));
        assert_eq!(cr.next(kinds[1]).unwrap(), Cell::Text(b"systables"));
        assert_eq!(cr.next(kinds[2]).unwrap(), Cell::Null);
        assert_eq!(cr.next(kinds[3]).unwrap(), Cell::Text(b"nch       "));
        assert_eq!(cr.next(kinds[4]).unwrap(), Cell::Null);
        assert!(cr.is_exhausted());
    }

    #[test]
    fn envelopes_and_opaque_types() {
        let lv = ColumnDescriptor {
            type_code: 40,
            extended_name: "lvarchar".into(),
            ..Default::default()
        };
        let bl = ColumnDescriptor {
            type_code: 41,
            extended_id: 5,
            extended_name: "boolean".into(),
            encoded_length: 1,
            ..Default::default()
        };
        let payload =
            b"\x00\x00\x00\x00\x03odd\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01t\x01\x00\x00\x00\x00";
        let mut cr = CellReader::new(payload);
        assert_eq!(cr.next(ColumnKind::of(&lv)).unwrap(), Cell::Text(b"odd"));
        assert_eq!(cr.next(ColumnKind::of(&lv)).unwrap(), Cell::Null);
        assert_eq!(cr.next(ColumnKind::of(&bl)).unwrap(), Cell::Boolean(true));
        assert_eq!(cr.next(ColumnKind::of(&bl)).unwrap(), Cell::Null);
        assert!(cr.is_exhausted());
    }

    #[test]
    fn short_payload_is_a_violation() {
        let mut cr = CellReader::new(b"\x00\x00");
        assert!(matches!(
            cr.next(ColumnKind::Integer),
            Err(DecodeError::Invalid(_))
        ));
    }
}
