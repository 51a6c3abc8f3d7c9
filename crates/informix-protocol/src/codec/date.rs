//! DATE: an i32 day count where day 0 is 1899-12-31, so 1900-01-01 is 1 (§7.7).

use super::CodecError;

/// The NULL DATE on the wire (`80 00 00 00`).
pub const DATE_NULL: i32 = i32::MIN;

/// Day number of 0001-01-01, the first DATE Informix accepts.
pub const DATE_MIN: i32 = -693_594;
/// Day number of 9999-12-31, the last DATE Informix accepts.
pub const DATE_MAX: i32 = 2_958_464;

/// Informix day 0 (1899-12-31) counted from the proleptic Gregorian day 0000-03-01, the
/// origin that makes the civil-calendar arithmetic below branch-free.
const DAY0_FROM_MARCH_EPOCH: i64 = 693_900;

/// Gregorian leap-year rule.
pub fn is_leap_year(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1..=12) of year `y`; 0 for an invalid month so callers reject it.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Calendar date of an Informix day number; outside 0001-01-01..=9999-12-31 (including
/// [`DATE_NULL`]) is [`CodecError::Overflow`].
pub fn days_to_ymd(days: i32) -> Result<(i32, u32, u32), CodecError> {
    if !(DATE_MIN..=DATE_MAX).contains(&days) {
        return Err(CodecError::Overflow);
    }
    // Days since 0000-03-01 in 400-year eras of 146097 days; March-based years put the
    // leap day last.
    let z = i64::from(days) + DAY0_FROM_MARCH_EPOCH;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let y = i32::try_from(y).map_err(|_| CodecError::Overflow)?;
    let m = u32::try_from(m).map_err(|_| CodecError::Overflow)?;
    let d = u32::try_from(d).map_err(|_| CodecError::Overflow)?;
    Ok((y, m, d))
}

/// Informix day number of a calendar date. Errors carry the sqlcodes Informix uses for
/// bad dates: -1204 year (outside 1..=9999), -1205 month, -1206 day.
pub fn ymd_to_days(y: i32, m: u32, d: u32) -> Result<i32, CodecError> {
    if !(1..=9999).contains(&y) {
        return Err(CodecError::Sql(-1204));
    }
    if !(1..=12).contains(&m) {
        return Err(CodecError::Sql(-1205));
    }
    if d < 1 || d > days_in_month(y, m) {
        return Err(CodecError::Sql(-1206));
    }
    let y = i64::from(y) - i64::from(m <= 2);
    let (m, d) = (i64::from(m), i64::from(d));
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - DAY0_FROM_MARCH_EPOCH;
    i32::try_from(days).map_err(|_| CodecError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_examples_from_the_facts() {
        assert_eq!(ymd_to_days(2024, 1, 2), Ok(45_292));
        assert_eq!(45_292i32.to_be_bytes(), [0x00, 0x00, 0xb0, 0xec]);
        assert_eq!(days_to_ymd(45_292), Ok((2024, 1, 2)));
        assert_eq!(ymd_to_days(1899, 12, 31), Ok(0));
        assert_eq!(ymd_to_days(1900, 1, 1), Ok(1));
        assert_eq!(DATE_NULL.to_be_bytes(), [0x80, 0, 0, 0]);
    }

    #[test]
    fn range_ends() {
        assert_eq!(ymd_to_days(1, 1, 1), Ok(DATE_MIN));
        assert_eq!(ymd_to_days(9999, 12, 31), Ok(DATE_MAX));
        assert_eq!(days_to_ymd(DATE_MIN), Ok((1, 1, 1)));
        assert_eq!(days_to_ymd(DATE_MAX), Ok((9999, 12, 31)));
        assert_eq!(days_to_ymd(DATE_MIN - 1), Err(CodecError::Overflow));
        assert_eq!(days_to_ymd(DATE_MAX + 1), Err(CodecError::Overflow));
        assert_eq!(days_to_ymd(DATE_NULL), Err(CodecError::Overflow));
        assert_eq!(days_to_ymd(i32::MAX), Err(CodecError::Overflow));
    }

    #[test]
    fn known_dates() {
        assert_eq!(ymd_to_days(1970, 1, 1), Ok(25_568));
        assert_eq!(ymd_to_days(2000, 2, 29), Ok(36_584));
        assert_eq!(days_to_ymd(36_584), Ok((2000, 2, 29)));
        assert_eq!(days_to_ymd(-1), Ok((1899, 12, 30)));
    }

    #[test]
    fn validation() {
        assert_eq!(ymd_to_days(0, 1, 1), Err(CodecError::Sql(-1204)));
        assert_eq!(ymd_to_days(10_000, 1, 1), Err(CodecError::Sql(-1204)));
        assert_eq!(ymd_to_days(2024, 13, 1), Err(CodecError::Sql(-1205)));
        assert_eq!(ymd_to_days(2024, 0, 1), Err(CodecError::Sql(-1205)));
        assert_eq!(ymd_to_days(2023, 2, 29), Err(CodecError::Sql(-1206)));
        assert_eq!(ymd_to_days(1900, 2, 29), Err(CodecError::Sql(-1206)));
        assert_eq!(ymd_to_days(2024, 4, 31), Err(CodecError::Sql(-1206)));
        assert_eq!(ymd_to_days(2024, 4, 0), Err(CodecError::Sql(-1206)));
        assert_eq!(ymd_to_days(2024, 2, 29), Ok(45_350));
    }

    #[test]
    fn every_day_round_trips_and_is_consecutive() {
        let mut expected = (1, 1, 1);
        for days in DATE_MIN..=DATE_MAX {
            let ymd = days_to_ymd(days).unwrap();
            assert_eq!(ymd, expected, "{days}");
            assert_eq!(ymd_to_days(ymd.0, ymd.1, ymd.2), Ok(days));
            let (y, m, d) = ymd;
            expected = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }
}
