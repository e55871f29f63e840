//! The arithmetic every rule shares: sums that must stay below `u64::MAX` (reserved for
//! `SIZE_UNKNOWN`), and exact percentages and fractions.

use crate::{Error, SIZE_UNKNOWN};

/// The rule every struct shares: `transferred` bytes may not pass a known `total`
/// ([`Error::BytesExceedTotal`]); with `SIZE_UNKNOWN`, any count is within it.
#[inline]
pub(crate) const fn within_total(transferred: u64, total: u64) -> Result<(), Error> {
    if total != SIZE_UNKNOWN && transferred > total {
        Err(Error::BytesExceedTotal)
    } else {
        Ok(())
    }
}

/// `a + b`, unless the sum would reach `u64::MAX` (reserved for `SIZE_UNKNOWN`).
#[inline]
pub(crate) fn add_bytes_below_max(a: u64, b: u64) -> Result<u64, Error> {
    match a.checked_add(b) {
        Some(sum) if sum != u64::MAX => Ok(sum),
        _ => Err(Error::Overflow),
    }
}

/// `floor(num * 100 / den)`, exact for any `num <= den` (`den > 0`).
#[inline]
pub(crate) fn exact_percent(num: u64, den: u64) -> u32 {
    if let Some(scaled) = num.checked_mul(100) {
        return (scaled / den) as u32;
    }
    exact_percent_large(num, den)
}

/// [`exact_percent`] for counts above 2^57, out of line so that the common path needs no
/// registers saved: a 128-bit division is a slow library call, so estimate in floating point
/// (off by at most one) and correct with exact 128-bit products.
#[cold]
#[inline(never)]
fn exact_percent_large(num: u64, den: u64) -> u32 {
    let mut q = percent_estimate(num, den);
    let (target, den) = (u128::from(num) * 100, u128::from(den));
    while q * den > target {
        q -= 1;
    }
    while (q + 1) * den <= target {
        q += 1;
    }
    q as u32
}

/// A guess at `floor(num * 100 / den)` for `num <= den`, off by at most one, which
/// [`exact_percent_large`] corrects.
#[inline]
fn percent_estimate(num: u64, den: u64) -> u128 {
    (num as f64 / den as f64 * 100.0) as u128
}

/// `num / den` in `[0.0, 1.0]`: 1.0 only when `num == den`, above 0.0 whenever `num > 0`.
#[inline]
pub(crate) fn exact_fraction(num: u64, den: u64) -> f64 {
    if num >= den {
        return 1.0;
    }
    // Rounding may carry a quotient just below 1 up to 1.0; the largest double below 1.0 is
    // the honest answer then. A positive quotient is at least 2^-64, far from underflow.
    const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;
    (num as f64 / den as f64).min(BELOW_ONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u64 = u64::MAX;

    #[test]
    fn sums_stop_below_max() {
        assert_eq!(add_bytes_below_max(MAX - 2, 1), Ok(MAX - 1));
        assert_eq!(add_bytes_below_max(MAX - 1, 1), Err(Error::Overflow));
        assert_eq!(add_bytes_below_max(MAX, MAX), Err(Error::Overflow));
        assert_eq!(add_bytes_below_max(0, 0), Ok(0));
    }

    #[test]
    fn exact_percent_agrees_with_128_bit_division() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut cases = vec![
            (MAX - 1, MAX - 1),
            (MAX - 2, MAX - 1),
            (1, MAX - 1),
            (MAX / 100 + 1, MAX / 50),
        ];
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let den = (x >> (x % 8)).max(1);
            cases.push((x.wrapping_mul(31) % (den + 1).max(1), den));
            cases.push((den - den / (1 + x % 1000), den));
        }
        for (num, den) in cases {
            let num = num.min(den);
            let want = (u128::from(num) * 100 / u128::from(den)) as u32;
            assert_eq!(exact_percent(num, den), want, "{num} / {den}");
        }
    }

    /// The floating-point guess of the large path is off by at most one, so that its
    /// correction takes a step at most.
    #[test]
    fn the_percent_estimate_is_off_by_at_most_one() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let den = x | (1 << 63);
            for num in [den, den - 1, den / 2, den / 3 * 2, x % den, MAX / 100 + 1] {
                let want = u128::from(num) * 100 / u128::from(den);
                let got = percent_estimate(num, den);
                assert!(got.abs_diff(want) <= 1, "{num} / {den}: {got}, not {want}");
            }
        }
    }

    /// A quotient that rounds up to 1.0 is answered with the largest double below 1, exactly.
    #[test]
    fn a_fraction_just_below_one_is_the_largest_double_below_one() {
        let below_one = f64::from_bits(1.0f64.to_bits() - 1);
        assert_eq!(exact_fraction(MAX - 1, MAX), below_one);
        assert_eq!(exact_fraction(MAX - 2, MAX - 1), below_one);
        assert!(exact_fraction(1, 3) < below_one);
    }

    #[test]
    fn fractions_reach_the_ends_only_when_true() {
        assert_eq!(exact_fraction(MAX - 1, MAX - 1), 1.0);
        assert!(exact_fraction(MAX - 2, MAX - 1) < 1.0);
        assert!(exact_fraction(1, MAX - 1) > 0.0);
        assert_eq!(exact_fraction(0, 7), 0.0);
    }
}
