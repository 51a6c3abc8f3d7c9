//! SQ_DESCRIBE: the statement type and result-column metadata of a prepared statement.

use crate::tags::{SQ_DESCRIBE, SQ_IDESCRIBE};
use crate::wire::{DecodeError, DecodeResult, Reader, WireWrite, latin1_to_string};

/// One described column, as the server reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnDescriptor {
    pub name: String,
    /// Offset of the column in the server's row buffer (informative).
    pub start_pos: i32,
    /// Base type in the low byte, flags (NOT NULL 0x100, ...) in the high byte.
    pub type_code: u16,
    /// Identifies opaque types: 5 BOOLEAN, 10 BLOB, 11 CLOB.
    pub extended_id: i32,
    pub owner: String,
    /// `boolean`, `lvarchar`, or a ROW/collection schema.
    pub extended_name: String,
    pub reference: i16,
    pub alignment: i16,
    pub source_type: i32,
    /// Declared width: length for CHAR, packed precision for DECIMAL/DATETIME/INTERVAL.
    pub encoded_length: u16,
}

impl ColumnDescriptor {
    pub const NOT_NULL: u16 = 0x0100;

    pub fn base_type(&self) -> u8 {
        (self.type_code & 0xFF) as u8
    }

    pub fn nullable(&self) -> bool {
        self.type_code & Self::NOT_NULL == 0
    }
}

/// The DESCRIBE reply for a PREPARE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Describe {
    pub statement_type: i16,
    pub statement_id: i16,
    pub estimated_cost: i32,
    pub tuple_size: i16,
    pub columns: Vec<ColumnDescriptor>,
}

impl Describe {
    /// Encodes tag and body with 4-byte offsets (capability bit 50, which every modern
    /// server negotiates). No columns means no string table at all.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.encode_as(SQ_DESCRIBE, out);
    }

    /// The same body under another tag (SQ_SGKDESCRIBE describes generated keys).
    pub fn encode_as(&self, tag: i16, out: &mut Vec<u8>) {
        out.put_i16(tag);
        out.put_i16(self.statement_type);
        out.put_i16(self.statement_id);
        out.put_i32(self.estimated_cost);
        out.put_i16(self.tuple_size);
        out.put_i16(i16::try_from(self.columns.len()).unwrap_or(i16::MAX));
        if self.columns.is_empty() {
            out.put_i32(0);
            return;
        }
        let mut table = Vec::new();
        let mut offsets = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            offsets.push(i32::try_from(table.len()).unwrap_or(i32::MAX));
            table.extend_from_slice(&crate::wire::string_to_latin1(&c.name).unwrap_or_default());
            table.push(0);
        }
        out.put_i32(i32::try_from(table.len()).unwrap_or(i32::MAX));
        for (c, off) in self.columns.iter().zip(offsets) {
            out.put_i32(off);
            out.put_i32(c.start_pos);
            out.put_i16(c.type_code as i16);
            out.put_i32(c.extended_id);
            out.put_pstr(c.owner.as_bytes());
            out.put_pstr(c.extended_name.as_bytes());
            out.put_i16(c.reference);
            out.put_i16(c.alignment);
            out.put_i32(c.source_type);
            out.put_i32(i32::from(c.encoded_length));
        }
        out.put_bytes(&table);
        out.put_pad_for(table.len());
    }

    /// Decodes the body that follows the tag.
    pub fn decode_body(r: &mut Reader<'_>) -> DecodeResult<Describe> {
        let statement_type = r.i16()?;
        let statement_id = r.i16()?;
        let estimated_cost = r.i32()?;
        let tuple_size = r.i16()?;
        let nfields = r.i16()?;
        let mut d = Describe {
            statement_type,
            statement_id,
            estimated_cost,
            tuple_size,
            columns: Vec::new(),
        };
        let table_size = usize::try_from(r.i32()?)
            .map_err(|_| DecodeError::invalid("negative string table size"))?;
        if nfields <= 0 {
            // Without columns there is no table to read, whatever its announced size.
            return Ok(d);
        }
        let mut offsets = Vec::with_capacity(nfields as usize);
        for _ in 0..nfields {
            let off = r.i32()?;
            let start_pos = r.i32()?;
            let type_code = r.i16()? as u16;
            let extended_id = r.i32()?;
            let owner = latin1_to_string(r.pstr()?);
            let extended_name = latin1_to_string(r.pstr()?);
            let reference = r.i16()?;
            let alignment = r.i16()?;
            let source_type = r.i32()?;
            let encoded_length = r.i32()? as u16;
            offsets.push(off);
            d.columns.push(ColumnDescriptor {
                name: String::new(),
                start_pos,
                type_code,
                extended_id,
                owner,
                extended_name,
                reference,
                alignment,
                source_type,
                encoded_length,
            });
        }
        let table = r.bytes(table_size)?;
        r.skip_pad_for(table_size)?;
        for (i, (c, off)) in d.columns.iter_mut().zip(offsets).enumerate() {
            let name = usize::try_from(off)
                .ok()
                .and_then(|o| table.get(o..))
                .map(|rest| &rest[..rest.iter().position(|&b| b == 0).unwrap_or(rest.len())])
                .unwrap_or_default();
            c.name = if name.is_empty() {
                format!("col{}", i + 1)
            } else {
                latin1_to_string(name)
            };
        }
        Ok(d)
    }
}

/// SQ_IDESCRIBE, the reply to SQ_CIDESCRIBE: the expected type of each `?` of a
/// prepared statement. Layout (as IBM JDBC 4.50 reads it from servers that offer
/// named parameters, capability bit 52): `i16 count`, then when count > 0 an
/// `i16 flags` word (bit 0x01 = named parameters follow, not sent here), then per
/// parameter `i16 type`, `i32 extendedId`, `pstr owner`, `pstr extendedName`,
/// `i16 reference`, `i16 alignment`, `i32 sourceType`, `i32 encodedLength`.
/// Parameter names are not used; `start_pos` is not on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InputDescribe {
    pub flags: i16,
    pub params: Vec<ColumnDescriptor>,
}

impl InputDescribe {
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.put_i16(SQ_IDESCRIBE);
        out.put_i16(i16::try_from(self.params.len()).unwrap_or(i16::MAX));
        if self.params.is_empty() {
            return;
        }
        out.put_i16(self.flags & !1);
        for c in &self.params {
            out.put_i16(c.type_code as i16);
            out.put_i32(c.extended_id);
            out.put_pstr(c.owner.as_bytes());
            out.put_pstr(c.extended_name.as_bytes());
            out.put_i16(c.reference);
            out.put_i16(c.alignment);
            out.put_i32(c.source_type);
            out.put_i32(i32::from(c.encoded_length));
        }
    }

    /// Decodes the body that follows the tag (unnamed parameters only).
    pub fn decode_body(r: &mut Reader<'_>) -> DecodeResult<InputDescribe> {
        let n = r.i16()?;
        let mut d = InputDescribe::default();
        if n <= 0 {
            return Ok(d);
        }
        d.flags = r.i16()?;
        if d.flags & 1 != 0 {
            return Err(DecodeError::invalid("named parameters in SQ_IDESCRIBE"));
        }
        for i in 0..n {
            let type_code = r.i16()? as u16;
            let extended_id = r.i32()?;
            let owner = latin1_to_string(r.pstr()?);
            let extended_name = latin1_to_string(r.pstr()?);
            d.params.push(ColumnDescriptor {
                name: format!("param{}", i + 1),
                start_pos: 0,
                type_code,
                extended_id,
                owner,
                extended_name,
                reference: r.i16()?,
                alignment: r.i16()?,
                source_type: r.i32()?,
                encoded_length: r.i32()? as u16,
            });
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;

    /// Two parameters: INTEGER and BOOLEAN (UDTFIXED `boolean`, extended id 5).
    #[test]
    fn input_describe_golden() {
        let d = InputDescribe {
            flags: 0,
            params: vec![
                ColumnDescriptor {
                    name: "param1".into(),
                    type_code: 2,
                    encoded_length: 4,
                    ..Default::default()
                },
                ColumnDescriptor {
                    name: "param2".into(),
                    type_code: 41,
                    extended_id: 5,
                    owner: "informix".into(),
                    extended_name: "boolean".into(),
                    encoded_length: 1,
                    ..Default::default()
                },
            ],
        };
        let mut out = Vec::new();
        d.encode(&mut out);
        assert_eq!(
            hex(&out),
            "00 7d 00 02 00 00 \
             00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 04 \
             00 29 00 00 00 05 00 08 69 6e 66 6f 72 6d 69 78 00 07 62 6f 6f 6c 65 61 6e 00 \
             00 00 00 00 00 00 00 00 00 00 00 01"
        );
        let mut r = Reader::new(&out[2..]);
        assert_eq!(InputDescribe::decode_body(&mut r).unwrap(), d);
        assert_eq!(r.remaining(), 0);
        let mut empty = Vec::new();
        InputDescribe::default().encode(&mut empty);
        assert_eq!(hex(&empty), "00 7d 00 00");
    }

    /// SQLI-facts Appendix A row 10: one INT NOT NULL column named "(constant)".
    #[test]
    fn describe_golden() {
        let d = Describe {
            statement_type: 2,
            statement_id: 0,
            estimated_cost: 1,
            tuple_size: 4,
            columns: vec![ColumnDescriptor {
                name: "(constant)".into(),
                type_code: 0x0102,
                encoded_length: 4,
                ..Default::default()
            }],
        };
        let mut out = Vec::new();
        d.encode(&mut out);
        assert_eq!(
            hex(&out),
            "00 08 00 02 00 00 00 00 00 01 00 04 00 01 00 00 00 0b \
             00 00 00 00 00 00 00 00 01 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 04 \
             28 63 6f 6e 73 74 61 6e 74 29 00 00"
        );
        let mut r = Reader::new(&out[2..]);
        assert_eq!(Describe::decode_body(&mut r).unwrap(), d);
        assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn no_columns_no_table() {
        let d = Describe {
            statement_type: 6,
            ..Default::default()
        };
        let mut out = Vec::new();
        d.encode(&mut out);
        assert_eq!(
            hex(&out),
            "00 08 00 06 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
        );
        let mut r = Reader::new(&out[2..]);
        assert_eq!(Describe::decode_body(&mut r).unwrap(), d);
        assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn truncated_describe_is_incomplete() {
        let d = Describe {
            statement_type: 2,
            columns: vec![
                ColumnDescriptor {
                    name: "tabid".into(),
                    type_code: 0x102,
                    encoded_length: 4,
                    ..Default::default()
                },
                ColumnDescriptor {
                    name: "tabname".into(),
                    type_code: 0x10d,
                    encoded_length: 128,
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let mut out = Vec::new();
        d.encode(&mut out);
        for cut in 2..out.len() {
            let mut r = Reader::new(&out[2..cut]);
            assert_eq!(
                Describe::decode_body(&mut r).err(),
                Some(DecodeError::Incomplete),
                "cut {cut}"
            );
        }
    }
}
