//! Values returned by fast-path routine calls ([`crate::Connection::fast_path_call`]).

use informix_protocol::message::FpValue;
use informix_protocol::row::Cell;

use crate::error::{Error, ErrorKind, Result};

/// One value a fast-path call returned (SQ_FPROUTINE), owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FastPathValue {
    /// Informix type code (e.g. 2 INTEGER, 13 VARCHAR, 45 BOOL, 43 LVARCHAR).
    pub type_code: i16,
    /// Owner and name of an extended type, empty for built-in types.
    pub owner: String,
    pub type_name: String,
    /// The type's qualifier (DECIMAL precision/scale, DATETIME/INTERVAL qualifier).
    pub prec: i16,
    /// The value bytes in the SQ_FPROUTINE layout (length prefix included); `None`
    /// for NULL.
    pub data: Option<Vec<u8>>,
}

impl FastPathValue {
    pub(crate) fn from_wire(v: &FpValue<'_>) -> FastPathValue {
        FastPathValue {
            type_code: v.type_code,
            owner: informix_protocol::wire::latin1_to_string(v.owner),
            type_name: informix_protocol::wire::latin1_to_string(v.type_name),
            prec: v.prec,
            data: (!v.is_null()).then(|| v.data.to_vec()),
        }
    }

    pub fn is_null(&self) -> bool {
        self.data.is_none()
    }

    /// The value decoded like a result column of its type: integers, floats, text
    /// (CHAR without its trailing blanks), packed DECIMAL/DATETIME/INTERVAL bytes...
    pub fn cell(&self) -> Result<Cell<'_>> {
        FpValue {
            type_code: self.type_code,
            owner: self.owner.as_bytes(),
            type_name: self.type_name.as_bytes(),
            indicator: if self.data.is_some() { 0 } else { -1 },
            prec: self.prec,
            data: self.data.as_deref().unwrap_or_default(),
        }
        .cell()
        .map_err(|e| {
            Error::new(
                ErrorKind::Operational,
                format!("bad fast-path value from server: {e}"),
            )
        })
    }

    /// The value as an integer, for the integer types (`None` for NULL or other types).
    pub fn as_i64(&self) -> Option<i64> {
        match self.cell().ok()? {
            Cell::SmallInt(v) => Some(i64::from(v)),
            Cell::Integer(v) => Some(i64::from(v)),
            Cell::BigInt(v) => Some(v),
            Cell::Int8(b) => informix_protocol::codec::int8::decode_int8(b)
                .ok()
                .flatten(),
            _ => None,
        }
    }
}
