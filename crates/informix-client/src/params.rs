//! Parameter values and their SQ_BIND encoding, plus the session character codec.

use informix_protocol::codec::datetime::{DateTime, Interval, Qualifier, TimeUnit};
use informix_protocol::codec::decimal::Decimal;
use informix_protocol::message::put_bind_param;
use informix_protocol::wire::WireWrite;

use crate::error::{Error, Result};

/// A value bound to a `?` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Null,
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Bytes(Vec<u8>),
    Decimal(Decimal),
    /// Days since 1899-12-31.
    Date(i32),
    DateTime(DateTime),
    /// Time of day, bound as DATETIME HOUR TO FRACTION(5).
    Time(DateTime),
    Interval(Interval),
}

/// How user text is encoded on the wire, from CLIENT_LOCALE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextCodec {
    Latin1,
    Utf8,
}

impl TextCodec {
    /// The codeset suffix of a locale such as `en_US.8859-1` or `en_US.utf8`.
    pub fn from_locale(locale: &str) -> TextCodec {
        let suffix = locale
            .rsplit_once('.')
            .map(|(_, s)| s.to_ascii_lowercase())
            .unwrap_or_default();
        match suffix.as_str() {
            "utf8" | "utf-8" | "57372" => TextCodec::Utf8,
            _ => TextCodec::Latin1,
        }
    }

    pub fn encode<'a>(&self, s: &'a str) -> Result<std::borrow::Cow<'a, [u8]>> {
        if s.is_ascii() || *self == TextCodec::Utf8 {
            return Ok(std::borrow::Cow::Borrowed(s.as_bytes()));
        }
        informix_protocol::wire::string_to_latin1(s)
            .map(std::borrow::Cow::Owned)
            .ok_or_else(|| {
                Error::data(format!(
                    "string {s:?} cannot be encoded in the session's ISO-8859-1 codeset"
                ))
            })
    }

    pub fn decode(&self, b: &[u8]) -> String {
        self.decode_borrowed(b).into_owned()
    }

    /// Decodes without copying when the bytes are already valid as they are (ASCII, or
    /// UTF-8 in a UTF-8 session): the common case on the row hot path.
    pub fn decode_borrowed<'a>(&self, b: &'a [u8]) -> std::borrow::Cow<'a, str> {
        match self {
            TextCodec::Utf8 => String::from_utf8_lossy(b),
            TextCodec::Latin1 if b.is_ascii() => String::from_utf8_lossy(b),
            TextCodec::Latin1 => {
                std::borrow::Cow::Owned(informix_protocol::wire::latin1_to_string(b))
            }
        }
    }
}

const TYPE_CHAR: i16 = 0;
const TYPE_INTEGER: i16 = 2;
const TYPE_FLOAT: i16 = 3;
const TYPE_DECIMAL: i16 = 5;
const TYPE_DATE: i16 = 7;
const TYPE_DATETIME: i16 = 10;
const TYPE_BYTE: i16 = 11;
const TYPE_INTERVAL: i16 = 14;
const TYPE_BIGINT: i16 = 52;

/// Encodes an SQ_BIND message and the SQ_BBIND blob stream that must follow it.
pub fn encode_bind(out: &mut Vec<u8>, params: &[Param], codec: TextCodec) -> Result<()> {
    let count =
        i16::try_from(params.len()).map_err(|_| Error::programming("too many parameters"))?;
    informix_protocol::message::put_bind_header(out, count);
    let mut scratch = Vec::with_capacity(32);
    let mut blobs: Vec<&[u8]> = Vec::new();
    for p in params {
        scratch.clear();
        let (ty, prec) = match p {
            Param::Null => {
                put_bind_param(out, 0, 0, None);
                continue;
            }
            Param::Int(v) => match i32::try_from(*v) {
                Ok(small) if small != i32::MIN => {
                    scratch.put_i32(small);
                    (TYPE_INTEGER, 0x0A00)
                }
                _ => {
                    if *v == i64::MIN {
                        return Err(Error::data(
                            "integer -9223372036854775808 is the BIGINT NULL marker",
                        ));
                    }
                    scratch.put_i64(*v);
                    (TYPE_BIGINT, 0x1300)
                }
            },
            Param::Float(v) => {
                scratch.extend_from_slice(&v.to_be_bytes());
                (TYPE_FLOAT, 0)
            }
            Param::Str(s) => {
                let bytes = codec.encode(s)?;
                let n = u16::try_from(bytes.len()).map_err(|_| {
                    Error::data(format!(
                        "string of {} bytes exceeds the 65535-byte bind limit",
                        bytes.len()
                    ))
                })?;
                scratch.extend_from_slice(&n.to_be_bytes());
                scratch.extend_from_slice(&bytes);
                (TYPE_CHAR, 0)
            }
            Param::Bool(b) => {
                scratch.extend_from_slice(if *b { b"\x00\x01t" } else { b"\x00\x01f" });
                (TYPE_CHAR, 0)
            }
            Param::Bytes(b) => {
                let len = i32::try_from(b.len())
                    .map_err(|_| Error::data("BYTE value larger than 2 GiB"))?;
                let mut descriptor = [0u8; 56];
                descriptor[16..20].copy_from_slice(&len.to_be_bytes());
                scratch.extend_from_slice(&descriptor);
                blobs.push(b);
                (TYPE_BYTE, 0)
            }
            Param::Decimal(d) => {
                let prec = informix_protocol::codec::decimal::encode_bind(d, &mut scratch)?;
                (TYPE_DECIMAL, prec as i16)
            }
            Param::Date(days) => {
                scratch.put_i32(*days);
                (TYPE_DATE, 0)
            }
            Param::DateTime(dt) => {
                let end = if dt.microsecond == 0 {
                    TimeUnit::Second
                } else {
                    TimeUnit::Fraction5
                };
                let q = Qualifier::datetime(TimeUnit::Year, end)?;
                informix_protocol::codec::datetime::encode_datetime_bind(dt, &q, &mut scratch)?;
                (TYPE_DATETIME, q.encoded() as i16)
            }
            Param::Time(t) => {
                let q = Qualifier::datetime(TimeUnit::Hour, TimeUnit::Fraction5)?;
                informix_protocol::codec::datetime::encode_datetime_bind(t, &q, &mut scratch)?;
                (TYPE_DATETIME, q.encoded() as i16)
            }
            Param::Interval(iv) => {
                let q = match iv {
                    Interval::YearMonth { .. } => {
                        Qualifier::interval(TimeUnit::Year, 9, TimeUnit::Month)?
                    }
                    Interval::DayTime { .. } => {
                        Qualifier::interval(TimeUnit::Day, 9, TimeUnit::Fraction5)?
                    }
                };
                informix_protocol::codec::datetime::encode_interval_bind(iv, &q, &mut scratch)?;
                (TYPE_INTERVAL, q.encoded() as i16)
            }
        };
        put_bind_param(out, ty, prec, Some(&scratch));
    }
    if !blobs.is_empty() {
        out.put_i16(informix_protocol::tags::SQ_BBIND);
        out.put_i16(
            i16::try_from(blobs.len())
                .map_err(|_| Error::programming("too many BYTE parameters"))?,
        );
        for b in blobs {
            for chunk in b.chunks(1024) {
                out.put_i16(informix_protocol::tags::SQ_BLOB);
                out.put_pstr(chunk);
            }
            out.put_i16(informix_protocol::tags::SQ_BLOB);
            out.put_i16(0);
        }
    }
    Ok(())
}

/// Placeholders found in a statement's text, outside literals and comments.
#[derive(Debug, Default, PartialEq, Eq)]
struct Placeholders {
    /// `?` markers.
    qmarks: usize,
    /// `:N` markers in text order: (byte start, byte end, N).
    numeric: Vec<(usize, usize, usize)>,
}

/// One pass over the SQL with Informix's lexical rules: `'...'` and `"..."` with doubled
/// quotes, `--` to end of line, `/* */` and `{ }` comments, `::` casts.
fn scan_placeholders(sql: &str) -> Placeholders {
    let mut found = Placeholders::default();
    if !sql.contains(['?', ':']) {
        return found;
    }
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'{' => {
                while i < b.len() && b[i] != b'}' {
                    i += 1;
                }
                i += 1;
            }
            b'?' => {
                found.qmarks += 1;
                i += 1;
            }
            b':' if b.get(i + 1) == Some(&b':') => i += 2,
            b':' if b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                let n = sql[i + 1..j].parse::<usize>().unwrap_or(usize::MAX);
                found.numeric.push((i, j, n));
                i = j;
            }
            _ => i += 1,
        }
    }
    found
}

/// Rewrites `:1`-style placeholders to `?` outside literals and comments.
/// Returns None when the text has no numeric placeholders (the common case).
pub fn rewrite_numeric_placeholders(sql: &str) -> Option<String> {
    let found = scan_placeholders(sql);
    if found.numeric.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    for &(start, end, _) in &found.numeric {
        out.push_str(&sql[last..start]);
        out.push('?');
        last = end;
    }
    out.push_str(&sql[last..]);
    Some(out)
}

/// How the caller's parameters map onto the statement's markers.
#[derive(Debug)]
pub struct BindPlan {
    /// The SQL to prepare: `:N` markers rewritten to `?`, or None when unchanged.
    pub sql: Option<String>,
    /// For `:N` markers out of order or repeated: parameter index for each `?`.
    pub order: Option<Vec<usize>>,
}

impl BindPlan {
    /// Checks the marker count against `param_count` before anything is sent.
    /// `?` markers take the parameters in order; `:N` takes parameter N (1-based) and
    /// may repeat. Mixing both styles in one statement is refused.
    pub fn new(sql: &str, param_count: usize) -> Result<BindPlan> {
        let found = scan_placeholders(sql);
        if found.numeric.is_empty() {
            if found.qmarks != param_count {
                return Err(Error::programming(format!(
                    "the statement has {} placeholder{} but {} parameter{} given",
                    found.qmarks,
                    if found.qmarks == 1 { "" } else { "s" },
                    param_count,
                    if param_count == 1 { " was" } else { "s were" },
                )));
            }
            return Ok(BindPlan {
                sql: None,
                order: None,
            });
        }
        if found.qmarks > 0 {
            return Err(Error::programming(
                "the statement mixes ? and :N placeholders; use one style",
            ));
        }
        let highest = found.numeric.iter().map(|n| n.2).max().unwrap_or(0);
        if let Some(&(_, _, zero)) = found.numeric.iter().find(|n| n.2 == 0) {
            return Err(Error::programming(format!(
                "placeholder :{zero} is invalid; numeric placeholders start at :1"
            )));
        }
        if highest != param_count {
            return Err(Error::programming(format!(
                "the statement refers to parameters up to :{highest} but {param_count} \
                 parameter{} given",
                if param_count == 1 { " was" } else { "s were" },
            )));
        }
        let in_order = found.numeric.iter().enumerate().all(|(i, n)| n.2 == i + 1);
        let order = (!in_order).then(|| found.numeric.iter().map(|n| n.2 - 1).collect());
        Ok(BindPlan {
            sql: rewrite_numeric_placeholders(sql),
            order,
        })
    }

    /// The parameters in marker order (borrowed when no reordering is needed).
    pub fn arrange<'a>(&self, params: &'a [Param]) -> std::borrow::Cow<'a, [Param]> {
        match &self.order {
            None => std::borrow::Cow::Borrowed(params),
            Some(order) => {
                std::borrow::Cow::Owned(order.iter().map(|&i| params[i].clone()).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use informix_protocol::hex;

    #[test]
    fn bind_golden_matches_reference_layout() {
        let mut out = Vec::new();
        encode_bind(
            &mut out,
            &[
                Param::Int(1),
                Param::Null,
                Param::Str("abc".into()),
                Param::Str("ab".into()),
            ],
            TextCodec::Latin1,
        )
        .unwrap();
        assert_eq!(
            hex(&out),
            "00 05 00 04 00 02 00 00 0a 00 00 00 00 01 00 00 ff ff 00 00 00 00 00 00 00 00 00 03 61 62 63 00 00 00 00 00 00 00 00 02 61 62"
        );
    }

    #[test]
    fn bytes_follow_as_blob_stream() {
        let mut out = Vec::new();
        encode_bind(&mut out, &[Param::Bytes(vec![1, 2, 3])], TextCodec::Latin1).unwrap();
        assert!(hex(&out).ends_with("00 29 00 01 00 27 00 03 01 02 03 00 00 27 00 00"));
    }

    #[test]
    fn numeric_placeholders() {
        assert_eq!(
            rewrite_numeric_placeholders("select * from t where a = :1 and b = :2").as_deref(),
            Some("select * from t where a = ? and b = ?")
        );
        assert_eq!(
            rewrite_numeric_placeholders("select ':1', x::int from t -- :2\n where c = :1"),
            Some("select ':1', x::int from t -- :2\n where c = ?".into())
        );
        assert_eq!(rewrite_numeric_placeholders("select 1"), None);
        assert_eq!(
            rewrite_numeric_placeholders("select {:1} a from db:t"),
            None
        );
    }

    #[test]
    fn bind_plan_counts_and_orders() {
        assert!(BindPlan::new("select * from t where a = ? and b = ?", 2).is_ok());
        let e = BindPlan::new("select * from t where a = ?", 2).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Programming);
        assert!(BindPlan::new("select '?' from t -- ?\n where {?} a = ?", 1).is_ok());
        assert!(BindPlan::new("select 1 from t", 0).is_ok());
        assert!(BindPlan::new("select 1 from t where a = ?", 0).is_err());
        let plan = BindPlan::new("select * from t where a = :1 and b = :2", 2).unwrap();
        assert_eq!(
            plan.sql.as_deref(),
            Some("select * from t where a = ? and b = ?")
        );
        assert!(plan.order.is_none());
        let plan = BindPlan::new("update t set a = :2 where b = :1 or c = :1", 2).unwrap();
        assert_eq!(plan.order, Some(vec![1, 0, 0]));
        let params = [Param::Int(1), Param::Int(2)];
        assert_eq!(
            &*plan.arrange(&params),
            &[Param::Int(2), Param::Int(1), Param::Int(1)]
        );
        assert!(BindPlan::new("select * from t where a = :1 and b = ?", 2).is_err());
        assert!(BindPlan::new("select * from t where a = :2", 1).is_err());
        assert!(BindPlan::new("select * from t where a = :0", 0).is_err());
        assert!(BindPlan::new("select x::int from db:t where h = '12:30'", 0).is_ok());
    }

    #[test]
    fn locale_codec() {
        assert_eq!(TextCodec::from_locale("en_US.8859-1"), TextCodec::Latin1);
        assert_eq!(TextCodec::from_locale("en_US.utf8"), TextCodec::Utf8);
        assert!(TextCodec::Latin1.encode("\u{20ac}").is_err());
    }
}
