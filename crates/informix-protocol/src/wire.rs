//! Byte-level primitives of SQLI: big-endian integers and the three string shapes.
//!
//! Writers append to a `Vec<u8>`; the reader walks a borrowed slice and reports
//! [`DecodeError::Incomplete`] when the slice ends early, so callers can read more
//! bytes from their transport and try again from the same start.

use std::fmt;

/// Why a decoder could not produce a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The buffer ends before the value does; retry with more bytes.
    Incomplete,
    /// The bytes can never form a valid message: the stream is desynchronised.
    Invalid(String),
}

impl DecodeError {
    pub fn invalid(what: impl Into<String>) -> Self {
        DecodeError::Invalid(what.into())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Incomplete => f.write_str("incomplete message"),
            DecodeError::Invalid(what) => write!(f, "protocol violation: {what}"),
        }
    }
}

impl std::error::Error for DecodeError {}

pub type DecodeResult<T> = Result<T, DecodeError>;

/// Appending writers for the SQLI primitives.
pub trait WireWrite {
    fn put_u8(&mut self, v: u8);
    fn put_i16(&mut self, v: i16);
    fn put_i32(&mut self, v: i32);
    fn put_i64(&mut self, v: i64);
    fn put_bytes(&mut self, b: &[u8]);
    /// Writes one zero byte when `len` is odd: SQLI pads a field on its own length.
    fn put_pad_for(&mut self, len: usize);
    /// `i16 len+1`, bytes, NUL; never padded (login strings).
    fn put_nstr(&mut self, s: &[u8]);
    /// `i16 len`, bytes, pad to even.
    fn put_pstr(&mut self, s: &[u8]);
    /// `i32 len`, bytes, pad to even.
    fn put_pstr32(&mut self, s: &[u8]);
}

impl WireWrite for Vec<u8> {
    #[inline]
    fn put_u8(&mut self, v: u8) {
        self.push(v);
    }
    #[inline]
    fn put_i16(&mut self, v: i16) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    #[inline]
    fn put_i32(&mut self, v: i32) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    #[inline]
    fn put_i64(&mut self, v: i64) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    #[inline]
    fn put_bytes(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
    #[inline]
    fn put_pad_for(&mut self, len: usize) {
        if len % 2 == 1 {
            self.push(0);
        }
    }
    fn put_nstr(&mut self, s: &[u8]) {
        self.put_i16(len_i16(s.len() + 1));
        self.put_bytes(s);
        self.push(0);
    }
    fn put_pstr(&mut self, s: &[u8]) {
        self.put_i16(len_i16(s.len()));
        self.put_bytes(s);
        self.put_pad_for(s.len());
    }
    fn put_pstr32(&mut self, s: &[u8]) {
        self.put_i32(i32::try_from(s.len()).unwrap_or(i32::MAX));
        self.put_bytes(s);
        self.put_pad_for(s.len());
    }
}

/// Saturating length conversion; callers validate lengths before encoding.
fn len_i16(n: usize) -> i16 {
    i16::try_from(n).unwrap_or(i16::MAX)
}

/// A cursor over a borrowed buffer.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    #[inline]
    pub fn bytes(&mut self, n: usize) -> DecodeResult<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(DecodeError::Incomplete)?;
        let out = self.buf.get(self.pos..end).ok_or(DecodeError::Incomplete)?;
        self.pos = end;
        Ok(out)
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> DecodeResult<[u8; N]> {
        let b = self.bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    #[inline]
    pub fn u8(&mut self) -> DecodeResult<u8> {
        Ok(self.array::<1>()?[0])
    }
    #[inline]
    pub fn i16(&mut self) -> DecodeResult<i16> {
        Ok(i16::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn u16(&mut self) -> DecodeResult<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn i32(&mut self) -> DecodeResult<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn i64(&mut self) -> DecodeResult<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    pub fn skip(&mut self, n: usize) -> DecodeResult<()> {
        self.bytes(n).map(|_| ())
    }

    pub fn skip_pad_for(&mut self, len: usize) -> DecodeResult<()> {
        if len % 2 == 1 { self.skip(1) } else { Ok(()) }
    }

    /// A length that must not be negative.
    fn length(v: i64, what: &str) -> DecodeResult<usize> {
        usize::try_from(v).map_err(|_| DecodeError::invalid(format!("negative length for {what}")))
    }

    /// Login-style string: `i16 len+1`, bytes, NUL (len 0 = absent). Trailing NULs dropped.
    pub fn nstr(&mut self) -> DecodeResult<&'a [u8]> {
        let n = Self::length(self.i16()?.into(), "string")?;
        let b = self.bytes(n)?;
        Ok(trim_nuls(b))
    }

    /// `i16 len`, bytes, pad to even.
    pub fn pstr(&mut self) -> DecodeResult<&'a [u8]> {
        let n = Self::length(self.i16()?.into(), "string")?;
        let b = self.bytes(n)?;
        self.skip_pad_for(n)?;
        Ok(b)
    }

    /// `i32 len`, bytes, pad to even; `limit` guards against absurd lengths.
    pub fn pstr32(&mut self, limit: usize) -> DecodeResult<&'a [u8]> {
        let n = Self::length(self.i32()?.into(), "string")?;
        if n > limit {
            return Err(DecodeError::invalid(format!(
                "field of {n} bytes exceeds {limit}"
            )));
        }
        let b = self.bytes(n)?;
        self.skip_pad_for(n)?;
        Ok(b)
    }
}

/// Strips trailing NUL bytes (C strings inside length-prefixed fields).
pub fn trim_nuls(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && b[end - 1] == 0 {
        end -= 1;
    }
    &b[..end]
}

/// ISO-8859-1 bytes to a String (every byte maps to the code point of the same value).
pub fn latin1_to_string(b: &[u8]) -> String {
    if b.is_ascii() {
        // ASCII is valid UTF-8; avoid the per-char path.
        return String::from_utf8_lossy(b).into_owned();
    }
    b.iter().map(|&c| char::from(c)).collect()
}

/// A String to ISO-8859-1 bytes, or None when a character has no Latin-1 form.
pub fn string_to_latin1(s: &str) -> Option<Vec<u8>> {
    if s.is_ascii() {
        return Some(s.as_bytes().to_vec());
    }
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_pad_on_their_own_length() {
        let mut v = Vec::new();
        v.put_nstr(b"sqli");
        assert_eq!(v, b"\x00\x05sqli\x00");
        v.clear();
        v.put_pstr(b"abc");
        assert_eq!(v, b"\x00\x03abc\x00");
        v.clear();
        v.put_pstr(b"ab");
        assert_eq!(v, b"\x00\x02ab");
        v.clear();
        v.put_pstr32(b"SELECT 1 FROM systables");
        assert_eq!(&v[..4], &[0, 0, 0, 23]);
        assert_eq!(v.len(), 4 + 23 + 1);
    }

    #[test]
    fn reader_reports_incomplete_then_succeeds() {
        let full = b"\x00\x03abc\x00\x00\x07";
        for cut in 0..6 {
            let mut r = Reader::new(&full[..cut]);
            assert_eq!(r.pstr(), Err(DecodeError::Incomplete));
        }
        let mut r = Reader::new(full);
        assert_eq!(r.pstr().unwrap(), b"abc");
        assert_eq!(r.i16().unwrap(), 7);
    }

    #[test]
    fn negative_lengths_are_invalid() {
        let mut r = Reader::new(b"\xff\xfe");
        assert!(matches!(r.pstr(), Err(DecodeError::Invalid(_))));
    }

    #[test]
    fn latin1_round_trip() {
        let s = "caf\u{e9}";
        let b = string_to_latin1(s).unwrap();
        assert_eq!(b, b"caf\xe9");
        assert_eq!(latin1_to_string(&b), s);
        assert!(string_to_latin1("\u{20ac}").is_none());
    }
}
