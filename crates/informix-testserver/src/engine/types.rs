//! Informix column types as the catalogue and DESCRIBE report them, and how
//! each one is stored in SQLite.

// The type codes are the protocol's; the engine names NULL's code NULLTYPE.
pub use informix_protocol::row::types::{
    BIGINT, BIGSERIAL, BYTE, CHAR, DATE, DATETIME, DECIMAL, FLOAT, INT8, INTEGER, INTERVAL, LIST,
    MONEY, MULTISET, NCHAR, NULL as NULLTYPE, NVARCHAR, ROW, SERIAL, SERIAL8, SET, SMALLFLOAT,
    SMALLINT, TEXT, UDTFIXED, UDTVAR, VARCHAR,
};

/// Extended ids of the fixed opaque types.
pub const XID_BOOLEAN: u8 = 5;
pub const XID_BLOB: u8 = 10;
pub const XID_CLOB: u8 = 11;

/// DESCRIBE/syscolumns length of SET, MULTISET, LIST and ROW columns (an
/// emulator choice: the maximum text size of a value).
pub const COMPLEX_LEN: u16 = 32739;

/// Time units as they appear in qualifiers.
pub const TU_YEAR: u8 = 0;
pub const TU_MONTH: u8 = 2;
pub const TU_DAY: u8 = 4;
pub const TU_HOUR: u8 = 6;
pub const TU_MINUTE: u8 = 8;
pub const TU_SECOND: u8 = 10;
pub const TU_FRAC: u8 = 11;

/// A DATETIME or INTERVAL qualifier: start unit, end unit (11..15 =
/// FRACTION(1..5)) and the digit count of the first field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Qual {
    pub start: u8,
    pub end: u8,
    pub prec: u8,
}

impl Qual {
    /// DATETIME qualifier (first-field width fixed by the unit).
    pub fn dt(start: u8, end: u8) -> Qual {
        Qual {
            start,
            end,
            prec: default_width(start, end, false),
        }
    }

    /// INTERVAL qualifier with the default first-field precision.
    pub fn iv(start: u8, end: u8) -> Qual {
        Qual {
            start,
            end,
            prec: default_width(start, end, true),
        }
    }

    /// Encoded length: digits*256 + start*16 + end.
    pub fn encode(self) -> u16 {
        let digits = if self.start >= TU_FRAC {
            u16::from(self.end.saturating_sub(10))
        } else {
            u16::from(self.prec) + u16::from(self.end.saturating_sub(self.start))
        };
        (digits << 8) | (u16::from(self.start) << 4) | u16::from(self.end)
    }

    pub fn decode(len: u16) -> Qual {
        let start = ((len >> 4) & 0xF) as u8;
        let end = (len & 0xF) as u8;
        let digits = (len >> 8) as u8;
        let prec = if start >= TU_FRAC {
            end.saturating_sub(10)
        } else {
            digits.saturating_sub(end.saturating_sub(start))
        };
        Qual { start, end, prec }
    }

    /// True for YEAR/MONTH intervals (stored as months).
    pub fn is_year_month(self) -> bool {
        self.start <= TU_MONTH
    }
}

/// First-field width: YEAR is 4 in a DATETIME, INTERVAL YEAR defaults to 4,
/// other INTERVAL first fields default to 2.
fn default_width(start: u8, end: u8, _interval: bool) -> u8 {
    if start >= TU_FRAC {
        return end.saturating_sub(10);
    }
    if start == TU_YEAR { 4 } else { 2 }
}

/// An Informix column type: base code, encoded length and, for UDTFIXED,
/// the extended id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ty {
    pub code: u8,
    pub len: u16,
    pub xid: u8,
}

impl Ty {
    pub const fn new(code: u8, len: u16) -> Ty {
        Ty { code, len, xid: 0 }
    }
    pub const fn int() -> Ty {
        Ty::new(INTEGER, 4)
    }
    pub const fn smallint() -> Ty {
        Ty::new(SMALLINT, 2)
    }
    pub const fn int8() -> Ty {
        Ty::new(INT8, 10)
    }
    pub const fn bigint() -> Ty {
        Ty::new(BIGINT, 8)
    }
    pub const fn float() -> Ty {
        Ty::new(FLOAT, 8)
    }
    pub const fn date() -> Ty {
        Ty::new(DATE, 4)
    }
    pub const fn boolean() -> Ty {
        Ty {
            code: UDTFIXED,
            len: 1,
            xid: XID_BOOLEAN,
        }
    }
    pub const fn null() -> Ty {
        Ty::new(NULLTYPE, 0)
    }
    pub fn char(n: usize) -> Ty {
        Ty::new(CHAR, n.clamp(1, 32767) as u16)
    }
    pub fn varchar(max: u16, min: u16) -> Ty {
        Ty::new(VARCHAR, (min << 8) | max.min(255))
    }
    pub fn lvarchar(n: u16) -> Ty {
        Ty::new(UDTVAR, n)
    }
    /// DECIMAL(p,s); s = 255 means floating point.
    pub fn decimal(p: u8, s: u8) -> Ty {
        Ty::new(DECIMAL, (u16::from(p) << 8) | u16::from(s))
    }
    pub fn money(p: u8, s: u8) -> Ty {
        Ty::new(MONEY, (u16::from(p) << 8) | u16::from(s))
    }
    pub fn datetime(q: Qual) -> Ty {
        Ty::new(DATETIME, q.encode())
    }
    pub fn interval(q: Qual) -> Ty {
        Ty::new(INTERVAL, q.encode())
    }

    /// Precision and scale of DECIMAL/MONEY (scale 255 = floating).
    pub fn prec_scale(self) -> (u8, u8) {
        ((self.len >> 8) as u8, (self.len & 0xFF) as u8)
    }

    pub fn qual(self) -> Qual {
        Qual::decode(self.len)
    }

    /// VARCHAR/NVARCHAR maximum length (LVARCHAR/CHAR: the length).
    pub fn max_len(self) -> usize {
        match self.code {
            VARCHAR | NVARCHAR => usize::from(self.len & 0xFF),
            CHAR | NCHAR | UDTVAR => usize::from(self.len),
            _ => 0,
        }
    }

    pub fn class(self) -> Class {
        match self.code {
            SMALLINT | INTEGER | SERIAL | INT8 | SERIAL8 | BIGINT | BIGSERIAL => Class::Int,
            FLOAT | SMALLFLOAT => Class::Float,
            DECIMAL | MONEY => Class::Dec,
            CHAR | NCHAR | VARCHAR | NVARCHAR | UDTVAR | TEXT => Class::Char,
            DATE => Class::Date,
            DATETIME => Class::DateTime,
            INTERVAL => Class::Interval,
            BYTE => Class::Byte,
            UDTFIXED if self.xid == XID_BOOLEAN => Class::Bool,
            UDTFIXED => Class::Byte,
            NULLTYPE => Class::Null,
            SET | MULTISET | LIST | ROW => Class::Complex,
            _ => Class::Char,
        }
    }

    /// How values of this type live in SQLite.
    pub fn rep(self) -> Rep {
        match self.class() {
            Class::Int => Rep::Int,
            Class::Float => Rep::Real,
            Class::Dec => Rep::Dec,
            Class::Char => Rep::Text,
            Class::Date => Rep::Date,
            Class::DateTime => Rep::DtText,
            Class::Interval => Rep::IvInt,
            Class::Bool => Rep::Bool,
            Class::Byte => Rep::Blob,
            Class::Null => Rep::Null,
            Class::Complex => Rep::Complex,
        }
    }

    /// Length reported by DESCRIBE and syscolumns (complex types keep their
    /// registry id in `len`, which is process-local).
    pub fn wire_len(self) -> u16 {
        if super::complex::is_complex(self.code) {
            COMPLEX_LEN
        } else {
            self.len
        }
    }

    pub fn is_serial(self) -> bool {
        matches!(self.code, SERIAL | SERIAL8 | BIGSERIAL)
    }

    pub fn is_char_fixed(self) -> bool {
        matches!(self.code, CHAR | NCHAR)
    }

    /// Name shown as DESCRIBE's extended name (complex types: their schema).
    pub fn extended_name(self) -> &'static str {
        match (self.code, self.xid) {
            (SET | MULTISET | LIST | ROW, _) => super::complex::schema(self),
            (UDTVAR, _) => "lvarchar",
            (UDTFIXED, XID_BOOLEAN) => "boolean",
            (UDTFIXED, XID_BLOB) => "blob",
            (UDTFIXED, XID_CLOB) => "clob",
            _ => "",
        }
    }

    /// Declared type and collation of the SQLite column.
    pub fn sqlite_decl(self) -> &'static str {
        match self.rep() {
            Rep::Int | Rep::Date | Rep::Bool | Rep::IvInt => "INTEGER",
            Rep::Real => "REAL",
            Rep::Dec => "TEXT COLLATE IFXDEC",
            Rep::Text => {
                if self.code == TEXT {
                    "TEXT"
                } else {
                    "TEXT COLLATE RTRIM"
                }
            }
            Rep::DtText => "TEXT",
            Rep::Complex => "TEXT COLLATE IFXCPLX",
            Rep::Blob | Rep::Null => "BLOB",
        }
    }
}

/// Broad type families used for coercion decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Int,
    Float,
    Dec,
    Char,
    Date,
    DateTime,
    Interval,
    Bool,
    Byte,
    Null,
    /// SET, MULTISET, LIST, ROW.
    Complex,
}

/// Storage representation of a value in SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rep {
    /// INTEGER (integer family).
    Int,
    /// REAL.
    Real,
    /// Canonical decimal text (collation IFXDEC).
    Dec,
    /// Text (character types).
    Text,
    /// INTEGER day number since 1899-12-31.
    Date,
    /// Canonical DATETIME text for the type's qualifier.
    DtText,
    /// INTEGER months (YEAR/MONTH class) or 10-microsecond units.
    IvInt,
    /// INTEGER 1/0.
    Bool,
    /// BLOB.
    Blob,
    /// Untyped NULL.
    Null,
    /// Canonical text of a SET/MULTISET/LIST/ROW value (collation IFXCPLX).
    Complex,
}

impl Rep {
    pub fn code(self) -> i64 {
        self as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifier_encodings() {
        assert_eq!(Qual::dt(TU_YEAR, TU_SECOND).encode(), 3594);
        assert_eq!(Qual::dt(TU_YEAR, 13).encode(), 4365);
        assert_eq!(Qual::dt(TU_HOUR, TU_MINUTE).encode(), 0x0468);
        assert_eq!(
            Qual {
                start: TU_DAY,
                end: TU_MINUTE,
                prec: 3
            }
            .encode(),
            1864
        );
        assert_eq!(
            Qual {
                start: TU_DAY,
                end: 15,
                prec: 9
            }
            .encode(),
            0x144F
        );
        assert_eq!(
            Qual {
                start: TU_YEAR,
                end: TU_MONTH,
                prec: 9
            }
            .encode(),
            0x0B02
        );
        let q = Qual::decode(0x144F);
        assert_eq!((q.start, q.end, q.prec), (TU_DAY, 15, 9));
        assert_eq!(Qual::decode(3594), Qual::dt(TU_YEAR, TU_SECOND));
    }

    #[test]
    fn lengths() {
        assert_eq!(Ty::varchar(100, 10).len, 2660);
        assert_eq!(Ty::decimal(16, 255).len, 4351);
        assert_eq!(Ty::decimal(12, 2).prec_scale(), (12, 2));
        assert_eq!(Ty::boolean().extended_name(), "boolean");
        assert_eq!(Ty::lvarchar(2048).extended_name(), "lvarchar");
    }
}
