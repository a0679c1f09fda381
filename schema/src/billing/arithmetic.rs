//! The arithmetic of billing, on integer minor units, with the rounding
//! rules stated once:
//!
//! - **Proration** of a plan change is to the second: the difference of the
//!   two period prices times the seconds left in the period, divided by the
//!   period's seconds, rounded half away from zero to the minor unit, once
//!   (one line, never two rounded halves).
//! - **Tax** is the operator's rate (parts per million) of the invoice's
//!   taxable amount (Σ lines − discount), rounded half away from zero once
//!   per invoice, never per line.
//! - **Total** = Σ lines − discount + tax, exactly.
//!
//! Products are taken in `i128`, so no amount that fits an `i64` overflows
//! on the way.

use kernel::{AppError, AppResult};

/// `value × numerator / denominator`, rounded half away from zero.
pub fn mul_div_round(value: i64, numerator: i64, denominator: i64) -> AppResult<i64> {
    if denominator <= 0 {
        return Err(AppError::internal("division by a non-positive period"));
    }
    let product = i128::from(value) * i128::from(numerator);
    let d = i128::from(denominator);
    let (q, r) = (product / d, product % d);
    // |r| ≥ d/2 rounds away from zero; 2|r| compared to d avoids halves.
    let rounded = if 2 * r.abs() >= d {
        q + product.signum()
    } else {
        q
    };
    i64::try_from(rounded).map_err(|_| AppError::validation("amount out of range"))
}

/// What a plan change costs now: the price difference for the seconds left
/// of a period of `period_secs` (negative for a move to a cheaper price).
pub fn proration(
    old_price: i64,
    new_price: i64,
    remaining_secs: i64,
    period_secs: i64,
) -> AppResult<i64> {
    let remaining = remaining_secs.clamp(0, period_secs.max(0));
    let difference = new_price
        .checked_sub(old_price)
        .ok_or_else(|| AppError::validation("amount out of range"))?;
    mul_div_round(difference, remaining, period_secs)
}

/// The parts per million a rate of 100 % is.
pub const PPM: i64 = 1_000_000;

/// An invoice's figures, computed from its lines in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub subtotal: i64,
    pub discount: i64,
    pub tax: i64,
    pub total: i64,
}

impl Totals {
    /// Σ lines − discount + one rounded tax. A discount larger than the
    /// lines, or a negative total, is `VALIDATION`: credits belong on a
    /// credit note, not on a negative invoice.
    pub fn of(lines: &[i64], discount: i64, tax_rate_ppm: i64) -> AppResult<Self> {
        if !(0..=PPM).contains(&tax_rate_ppm) {
            return Err(AppError::invalid_field(
                "taxRatePpm",
                "must be between 0 and 1000000 (100 %)",
            ));
        }
        if discount < 0 {
            return Err(AppError::invalid_field("discount", "must not be negative"));
        }
        let subtotal = lines.iter().try_fold(0i64, |sum, line| {
            sum.checked_add(*line)
                .ok_or_else(|| AppError::validation("amount out of range"))
        })?;
        let taxable = subtotal
            .checked_sub(discount)
            .ok_or_else(|| AppError::validation("amount out of range"))?;
        if taxable < 0 {
            return Err(AppError::invalid_field(
                "discount",
                "must not exceed the invoice's lines",
            ));
        }
        let tax = mul_div_round(taxable, tax_rate_ppm, PPM)?;
        let total = taxable
            .checked_add(tax)
            .ok_or_else(|| AppError::validation("amount out of range"))?;
        Ok(Self {
            subtotal,
            discount,
            tax,
            total,
        })
    }
}

/// How much more may still be credited on an invoice of `total` that has
/// `credited` already: credit notes never add up to more than the invoice.
pub fn creditable(total: i64, credited: i64) -> i64 {
    (total.max(0) - credited).max(0)
}

/// A rate in parts per million as a percentage for people: `200000` is
/// `"20"`, `88750` is `"8.875"`.
pub fn percent(ppm: i64) -> String {
    let whole = ppm / 10_000;
    let fraction = ppm % 10_000;
    if fraction == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:04}")
            .trim_end_matches('0')
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() -> AppResult<()> {
        assert_eq!(mul_div_round(5, 1, 2)?, 3);
        assert_eq!(mul_div_round(-5, 1, 2)?, -3);
        assert_eq!(mul_div_round(4, 1, 3)?, 1);
        assert_eq!(mul_div_round(5, 1, 3)?, 2);
        assert_eq!(mul_div_round(i64::MAX, 1, 1)?, i64::MAX);
        assert!(mul_div_round(i64::MAX, 2, 1).is_err());
        assert!(mul_div_round(1, 1, 0).is_err());
        Ok(())
    }

    #[test]
    fn an_upgrade_with_fourteen_of_thirty_one_days_left() -> AppResult<()> {
        let day = 86_400;
        // 29.00 → 79.00 a month: 5000 × 14/31 = 2258.06… → 2258
        assert_eq!(proration(2900, 7900, 14 * day, 31 * day)?, 2258);
        // to the second: one second less moves it below
        assert_eq!(proration(2900, 7900, 14 * day - 1, 31 * day)?, 2258);
        assert_eq!(proration(2900, 7900, 0, 31 * day)?, 0);
        assert_eq!(proration(2900, 7900, 31 * day, 31 * day)?, 5000);
        assert_eq!(proration(7900, 2900, 14 * day, 31 * day)?, -2258);
        Ok(())
    }

    #[test]
    fn tax_is_rounded_once_per_invoice() -> AppResult<()> {
        // three lines of 0.05 at 10 %: per line 0.005 → 0.01 each = 0.03;
        // once: 0.015 → 0.02.
        let totals = Totals::of(&[5, 5, 5], 0, 100_000)?;
        assert_eq!(totals.tax, 2);
        assert_eq!(totals.total, 17);
        assert!(Totals::of(&[100], 101, 0).is_err());
        assert!(Totals::of(&[100], 0, PPM + 1).is_err());
        assert!(Totals::of(&[i64::MAX, 1], 0, 0).is_err());
        Ok(())
    }

    #[test]
    fn percentages_read_as_people_write_them() {
        assert_eq!(percent(200_000), "20");
        assert_eq!(percent(88_750), "8.875");
        assert_eq!(percent(0), "0");
        assert_eq!(percent(5), "0.0005");
    }

    /// A small deterministic generator, so the property runs the same way
    /// on every machine (xorshift64*).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> i64 {
            i64::try_from(self.next() % n).unwrap_or(0)
        }
    }

    #[test]
    fn property_total_is_lines_minus_discount_plus_one_rounded_tax() -> AppResult<()> {
        let mut rng = Lcg(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let n = rng.below(12) as usize;
            let lines: Vec<i64> = (0..n)
                .map(|_| rng.below(2_000_000) - rng.below(200_000))
                .collect();
            let sum: i64 = lines.iter().sum();
            let discount = if sum > 0 {
                rng.below(sum as u64 + 1)
            } else {
                0
            };
            let ppm = rng.below(PPM as u64 + 1);
            match Totals::of(&lines, discount, ppm) {
                Ok(t) => {
                    assert_eq!(t.subtotal, sum);
                    let taxable = i128::from(sum - discount);
                    // the tax is the exact tax rounded once: within half a unit
                    let exact_twice = 2 * taxable * i128::from(ppm);
                    let tax_twice = 2 * i128::from(t.tax) * i128::from(PPM);
                    assert!((exact_twice - tax_twice).abs() <= i128::from(PPM));
                    assert_eq!(t.total, sum - discount + t.tax);
                }
                Err(_) => assert!(sum - discount < 0),
            }
            // credit notes never add up to more than the invoice
            let total = sum.max(0);
            let mut credited = 0;
            for _ in 0..4 {
                let room = creditable(total, credited);
                let ask = rng.below(total as u64 + 2);
                if ask <= room {
                    credited += ask;
                }
                assert!(credited <= total);
            }
        }
        Ok(())
    }
}
