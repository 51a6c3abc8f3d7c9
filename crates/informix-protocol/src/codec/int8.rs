//! INT8 / SERIAL8: the legacy 10-byte sign-magnitude integer (§7.6).
//!
//! Layout: i16 sign (1 positive, −1 negative, 0 NULL), then the magnitude's **low** 32 bits,
//! then its **high** 32 bits, both unsigned big-endian. Not two's complement, and not the
//! same type as BIGINT (plain i64).

use super::CodecError;

/// Bytes an INT8 occupies in a tuple.
pub const INT8_WIDTH: usize = 10;

/// Appends exactly [`INT8_WIDTH`] bytes; `None` is NULL (ten zero bytes, as observed on
/// the wire). Zero is written with sign 1.
pub fn encode_int8(v: Option<i64>, out: &mut Vec<u8>) {
    let Some(v) = v else {
        out.extend_from_slice(&[0; INT8_WIDTH]);
        return;
    };
    let sign: i16 = if v < 0 { -1 } else { 1 };
    let [h0, h1, h2, h3, l0, l1, l2, l3] = v.unsigned_abs().to_be_bytes();
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&[l0, l1, l2, l3, h0, h1, h2, h3]);
}

/// Reads the first [`INT8_WIDTH`] bytes of `b`. Sign 0 is NULL whatever follows; a
/// magnitude outside i64 is [`CodecError::Overflow`] (−2^63 is accepted).
pub fn decode_int8(b: &[u8]) -> Result<Option<i64>, CodecError> {
    let Some(&[s0, s1, l0, l1, l2, l3, h0, h1, h2, h3]) = b.get(..INT8_WIDTH) else {
        return Err(CodecError::Truncated);
    };
    let magnitude = u64::from_be_bytes([h0, h1, h2, h3, l0, l1, l2, l3]);
    match i16::from_be_bytes([s0, s1]) {
        0 => Ok(None),
        1 => i64::try_from(magnitude)
            .map(Some)
            .map_err(|_| CodecError::Overflow),
        -1 => 0i64
            .checked_sub_unsigned(magnitude)
            .map(Some)
            .ok_or(CodecError::Overflow),
        _ => Err(CodecError::Invalid("INT8 sign word is not 1, -1 or 0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;

    fn enc(v: Option<i64>) -> String {
        let mut out = Vec::new();
        encode_int8(v, &mut out);
        assert_eq!(out.len(), INT8_WIDTH);
        hex(&out)
    }

    #[test]
    fn golden_examples_from_the_facts() {
        assert_eq!(enc(Some(123_456_789_012)), "00 01 be 99 1a 14 00 00 00 1c");
        assert_eq!(enc(Some(-123_456_789_012)), "ff ff be 99 1a 14 00 00 00 1c");
        assert_eq!(enc(Some(42)), "00 01 00 00 00 2a 00 00 00 00");
        assert_eq!(enc(None), "00 00 00 00 00 00 00 00 00 00");
        assert_eq!(enc(Some(0)), "00 01 00 00 00 00 00 00 00 00");

        let b = [0x00, 0x01, 0xbe, 0x99, 0x1a, 0x14, 0x00, 0x00, 0x00, 0x1c];
        assert_eq!(decode_int8(&b), Ok(Some(123_456_789_012)));
        let b = [0xff, 0xff, 0xbe, 0x99, 0x1a, 0x14, 0x00, 0x00, 0x00, 0x1c];
        assert_eq!(decode_int8(&b), Ok(Some(-123_456_789_012)));
        assert_eq!(decode_int8(&[0; 10]), Ok(None));
    }

    #[test]
    fn extremes_round_trip() {
        for v in [
            i64::MIN,
            i64::MIN + 1,
            i64::MAX,
            -1,
            0,
            1,
            u32::MAX as i64,
            -(u32::MAX as i64),
            1 << 32,
        ] {
            let mut out = Vec::new();
            encode_int8(Some(v), &mut out);
            assert_eq!(decode_int8(&out), Ok(Some(v)), "{v}");
        }
        assert_eq!(enc(Some(i64::MIN)), "ff ff 00 00 00 00 80 00 00 00");
        assert_eq!(enc(Some(i64::MAX)), "00 01 ff ff ff ff 7f ff ff ff");
    }

    #[test]
    fn many_values_round_trip() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = x as i64 >> (x % 64);
            let mut out = vec![0xAA];
            encode_int8(Some(v), &mut out);
            assert_eq!(decode_int8(&out[1..]), Ok(Some(v)));
        }
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(decode_int8(&[0, 1, 0]), Err(CodecError::Truncated));
        // Magnitude 2^63 is only valid when negative.
        let too_big = [0x00, 0x01, 0, 0, 0, 0, 0x80, 0, 0, 0];
        assert_eq!(decode_int8(&too_big), Err(CodecError::Overflow));
        let too_small = [0xff, 0xff, 0, 0, 0, 1, 0x80, 0, 0, 0];
        assert_eq!(decode_int8(&too_small), Err(CodecError::Overflow));
        let bad_sign = [0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0];
        assert!(matches!(
            decode_int8(&bad_sign),
            Err(CodecError::Invalid(_))
        ));
        // Negative zero decodes as zero; trailing bytes are not consumed.
        let neg_zero = [0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x55];
        assert_eq!(decode_int8(&neg_zero), Ok(Some(0)));
    }
}
