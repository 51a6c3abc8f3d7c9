//! Exact decimal arithmetic for DECIMAL/MONEY.
//!
//! SQLite has no decimal type, and DECIMAL must never pass through a float,
//! so values are stored as canonical text and computed here on an i128
//! mantissa with a base-10 scale (Informix DECIMAL holds at most 32 digits).

use super::error::SqlError;
use std::cmp::Ordering;

/// Most significant digits kept by any result.
const MAX_DIGITS: u32 = 32;

/// `m / 10^s`; `s` may be negative for large floating values.
#[derive(Debug, Clone, Copy)]
pub struct Dec {
    pub m: i128,
    pub s: i32,
}

fn pow10(n: u32) -> i128 {
    10i128.pow(n.min(38))
}

/// Number of decimal digits of |m| (0 for zero).
fn ndigits(m: i128) -> u32 {
    let mut v = m.unsigned_abs();
    let mut n = 0;
    while v > 0 {
        v /= 10;
        n += 1;
    }
    n
}

/// Divides by 10^k rounding half away from zero.
fn div_round(m: i128, k: u32) -> i128 {
    if k == 0 {
        return m;
    }
    if k > 38 {
        return 0;
    }
    let d = pow10(k);
    let q = m / d;
    let r = m % d;
    if r.unsigned_abs() * 2 >= d.unsigned_abs() {
        if m < 0 { q - 1 } else { q + 1 }
    } else {
        q
    }
}

impl Dec {
    pub const ZERO: Dec = Dec { m: 0, s: 0 };

    pub fn from_i64(v: i64) -> Dec {
        Dec {
            m: i128::from(v),
            s: 0,
        }
    }

    /// Exact value of the shortest decimal that round-trips `f`.
    pub fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        Dec::parse(&format!("{f:e}"))
    }

    pub fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, -self.s).parse().unwrap_or(0.0)
    }

    /// Truncates toward zero; None if it does not fit an i64.
    pub fn to_i64_trunc(self) -> Option<i64> {
        let m = if self.s > 0 {
            if self.s > 38 {
                0
            } else {
                self.m / pow10(self.s as u32)
            }
        } else if self.s < 0 {
            self.m.checked_mul(pow10((-self.s) as u32))?
        } else {
            self.m
        };
        i64::try_from(m).ok()
    }

    /// Parses decimal text (`-12.5`, `1e3`, `.5`); None if it is not a number.
    pub fn parse(text: &str) -> Option<Dec> {
        let t = text.trim();
        let b = t.as_bytes();
        let mut i = 0;
        let mut neg = false;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            neg = b[i] == b'-';
            i += 1;
        }
        let mut m: i128 = 0;
        let mut s: i32 = 0;
        let mut any = false;
        let mut sig = 0u32;
        let mut dot = false;
        let mut dropped = 0i32;
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_digit() {
                any = true;
                if sig < 36 {
                    m = m * 10 + i128::from(c - b'0');
                    if m != 0 {
                        sig += 1;
                    }
                    if dot {
                        s += 1;
                    }
                } else if !dot {
                    dropped += 1;
                }
                i += 1;
            } else if c == b'.' && !dot {
                dot = true;
                i += 1;
            } else {
                break;
            }
        }
        if !any {
            return None;
        }
        s -= dropped;
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            let rest = &t[i..];
            let e: i32 = rest.parse().ok()?;
            i = b.len();
            s = s.checked_sub(e)?;
        }
        if i != b.len() {
            return None;
        }
        if neg {
            m = -m;
        }
        Some(Dec { m, s })
    }

    /// Removes trailing fractional zeros.
    pub fn normalize(mut self) -> Dec {
        if self.m == 0 {
            return Dec::ZERO;
        }
        while self.s > 0 && self.m % 10 == 0 {
            self.m /= 10;
            self.s -= 1;
        }
        self
    }

    /// Rounds (half away from zero) or extends to exactly `s` fraction digits.
    pub fn rescale(self, s: i32) -> Option<Dec> {
        if s >= self.s {
            let k = (s - self.s) as u32;
            if k > 38 {
                return if self.m == 0 {
                    Some(Dec { m: 0, s })
                } else {
                    None
                };
            }
            Some(Dec {
                m: self.m.checked_mul(pow10(k))?,
                s,
            })
        } else {
            Some(Dec {
                m: div_round(self.m, (self.s - s) as u32),
                s,
            })
        }
    }

    /// Rounds to at most `p` significant digits.
    pub fn round_sig(self, p: u32) -> Dec {
        let n = ndigits(self.m);
        if n <= p {
            return self;
        }
        let k = n - p;
        Dec {
            m: div_round(self.m, k),
            s: self.s - k as i32,
        }
    }

    /// Digits before the decimal point.
    fn int_digits(self) -> i32 {
        ndigits(self.m) as i32 - self.s
    }

    /// Canonical text: exactly `s` fraction digits, no exponent.
    pub fn to_text(self) -> String {
        let neg = self.m < 0;
        let digits = self.m.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + 4);
        if neg {
            out.push('-');
        }
        if self.s <= 0 {
            out.push_str(&digits);
            if self.m != 0 {
                for _ in 0..(-self.s) {
                    out.push('0');
                }
            }
            return out;
        }
        let s = self.s as usize;
        if digits.len() > s {
            let (a, b) = digits.split_at(digits.len() - s);
            out.push_str(a);
            out.push('.');
            out.push_str(b);
        } else {
            out.push_str("0.");
            for _ in 0..(s - digits.len()) {
                out.push('0');
            }
            out.push_str(&digits);
        }
        out
    }

    pub fn cmp(self, o: Dec) -> Ordering {
        let (a, b) = (self.m.signum(), o.m.signum());
        if a != b {
            return a.cmp(&b);
        }
        if a == 0 {
            return Ordering::Equal;
        }
        let (ia, ib) = (self.int_digits(), o.int_digits());
        if ia != ib {
            let c = ia.cmp(&ib);
            return if a > 0 { c } else { c.reverse() };
        }
        let s = self.s.max(o.s);
        match (self.rescale(s), o.rescale(s)) {
            (Some(x), Some(y)) => x.m.cmp(&y.m),
            _ => self.to_f64().total_cmp(&o.to_f64()),
        }
    }

    /// Shrinks the mantissa so that products cannot overflow.
    fn shrink(self, digits: u32) -> Dec {
        self.round_sig(digits)
    }

    pub fn add(self, o: Dec) -> Result<Dec, SqlError> {
        let s = self.s.max(o.s);
        let (a, b) = match (self.rescale(s), o.rescale(s)) {
            (Some(a), Some(b)) => (a, b),
            _ => return self.shrink(MAX_DIGITS).add_lossy(o.shrink(MAX_DIGITS)),
        };
        match a.m.checked_add(b.m) {
            Some(m) => Ok(Dec { m, s }.round_sig(MAX_DIGITS + 2)),
            None => Err(SqlError::new(-1200, 0)),
        }
    }

    fn add_lossy(self, o: Dec) -> Result<Dec, SqlError> {
        // Operands of very different magnitude: the smaller one vanishes.
        let (big, small) = if self.int_digits() >= o.int_digits() {
            (self, o)
        } else {
            (o, self)
        };
        let s = big.s;
        let small = small.rescale(s).unwrap_or(Dec { m: 0, s });
        let big = big.rescale(s).ok_or_else(|| SqlError::new(-1200, 0))?;
        Ok(Dec {
            m: big
                .m
                .checked_add(small.m)
                .ok_or_else(|| SqlError::new(-1200, 0))?,
            s,
        })
    }

    pub fn neg(self) -> Dec {
        Dec {
            m: -self.m,
            s: self.s,
        }
    }

    pub fn sub(self, o: Dec) -> Result<Dec, SqlError> {
        self.add(o.neg())
    }

    pub fn mul(self, o: Dec) -> Result<Dec, SqlError> {
        let (a, b) = (self.shrink(MAX_DIGITS), o.shrink(MAX_DIGITS));
        let (a, b) = if ndigits(a.m) + ndigits(b.m) > 37 {
            (a.shrink(18), b.shrink(18))
        } else {
            (a, b)
        };
        let m =
            a.m.checked_mul(b.m)
                .ok_or_else(|| SqlError::new(-1200, 0))?;
        Ok(Dec { m, s: a.s + b.s }.round_sig(MAX_DIGITS))
    }

    /// Division to 32 significant digits; -1202 on a zero divisor.
    pub fn div(self, o: Dec) -> Result<Dec, SqlError> {
        if o.m == 0 {
            return Err(SqlError::new(-1202, 0));
        }
        if self.m == 0 {
            return Ok(Dec::ZERO);
        }
        let a = self.shrink(MAX_DIGITS);
        let b = o.shrink(MAX_DIGITS);
        // Scale the dividend up so the quotient carries enough digits.
        let k = 37u32.saturating_sub(ndigits(a.m));
        let num = a.m * pow10(k);
        let q = num / b.m;
        let r = num % b.m;
        let mut q = q;
        if r.unsigned_abs() * 2 >= b.m.unsigned_abs() {
            q += if (num < 0) != (b.m < 0) { -1 } else { 1 };
        }
        Ok(Dec {
            m: q,
            s: a.s + k as i32 - b.s,
        }
        .round_sig(MAX_DIGITS)
        .normalize())
    }

    /// Fits the value into DECIMAL(p,s) (s = 255: floating DECIMAL(p)).
    pub fn fit(self, p: u8, s: u8) -> Result<Dec, SqlError> {
        let p = u32::from(p.clamp(1, 32));
        if s == 255 {
            let d = self.round_sig(p).normalize();
            let e = d.int_digits();
            if d.m != 0 && e > 125 {
                return Err(SqlError::new(-1200, 0));
            }
            if d.m != 0 && e < -129 {
                return Ok(Dec::ZERO);
            }
            return Ok(d);
        }
        let d = self
            .rescale(i32::from(s))
            .ok_or_else(|| SqlError::new(-1226, 0))?;
        if ndigits(d.m) > p {
            return Err(SqlError::new(-1226, 0));
        }
        Ok(d)
    }
}

/// Numeric comparison of two decimal texts (the IFXDEC collation).
pub fn collate(a: &str, b: &str) -> Ordering {
    match (Dec::parse(a), Dec::parse(b)) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap_or(Dec { m: 999, s: 0 })
    }

    #[test]
    fn parse_and_format() {
        assert_eq!(d("123.45").to_text(), "123.45");
        assert_eq!(d("-0.5").to_text(), "-0.5");
        assert_eq!(d(".5").to_text(), "0.5");
        assert_eq!(d("1e3").to_text(), "1000");
        assert_eq!(d("1.5E-3").to_text(), "0.0015");
        assert_eq!(
            d("12345678901234567890.1234567890").to_text(),
            "12345678901234567890.1234567890"
        );
        assert!(Dec::parse("abc").is_none());
        assert!(Dec::parse("1.2.3").is_none());
        assert!(Dec::parse("").is_none());
        assert_eq!(
            Dec::from_f64(0.1).map(|x| x.to_text()),
            Some("0.1".to_string())
        );
    }

    #[test]
    fn rounding_and_fit() {
        assert_eq!(
            d("1.005").fit(5, 2).map(|x| x.to_text()),
            Ok("1.01".to_string())
        );
        assert_eq!(
            d("-1.005").fit(5, 2).map(|x| x.to_text()),
            Ok("-1.01".to_string())
        );
        assert_eq!(
            d("123.4").fit(5, 2).map(|x| x.to_text()),
            Ok("123.40".to_string())
        );
        assert_eq!(
            d("1234.5").fit(5, 2).map_err(|e| e.sqlcode).err(),
            Some(-1226)
        );
        assert_eq!(
            d("999.995").fit(5, 2).map_err(|e| e.sqlcode).err(),
            Some(-1226)
        );
        assert_eq!(
            d("3.14159").fit(3, 255).map(|x| x.to_text()),
            Ok("3.14".to_string())
        );
        assert_eq!(
            d("1.500").fit(16, 255).map(|x| x.to_text()),
            Ok("1.5".to_string())
        );
    }

    #[test]
    fn arithmetic() {
        let r = |x: Result<Dec, SqlError>| x.map(|v| v.to_text()).unwrap_or_default();
        assert_eq!(r(d("0.1").add(d("0.2"))), "0.3");
        assert_eq!(r(d("10.25").sub(d("0.5"))), "9.75");
        assert_eq!(r(d("1.5").mul(d("2.25"))), "3.375");
        assert_eq!(r(d("7").div(d("2"))), "3.5");
        assert_eq!(r(d("1").div(d("3"))), "0.33333333333333333333333333333333");
        assert_eq!(d("1").div(d("0")).map_err(|e| e.sqlcode).err(), Some(-1202));
    }

    #[test]
    fn ordering() {
        assert_eq!(collate("10", "9.5"), Ordering::Greater);
        assert_eq!(collate("-10", "-9.5"), Ordering::Less);
        assert_eq!(collate("1.50", "1.5"), Ordering::Equal);
        assert_eq!(collate("0.001", "0"), Ordering::Greater);
        assert_eq!(collate("100", "1e2"), Ordering::Equal);
    }
}
