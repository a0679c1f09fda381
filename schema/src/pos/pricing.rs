//! How a ticket adds up. Pure arithmetic on minor units, so the rules are
//! stated once and tested on their own:
//!
//! 1. A line's gross is `quantity × (unit price + modifier deltas)`.
//! 2. A line discount is a percentage of that gross (rounded half up to
//!    the minor unit) or a fixed amount, never more than the gross.
//! 3. A ticket discount applies to what the lines come to after their own
//!    discounts: a percentage is rounded half up once, on that sum; either
//!    kind is then shared across the lines in proportion to their amounts,
//!    the rounding remainder going to the largest lines first, so each
//!    line's tax sees its share.
//! 4. Prices are before tax. Each line's tax is `net × rate`, rounded half up
//!    per line; the ticket's tax is the sum of its lines' taxes.
//! 5. The service charge is a percentage of the net subtotal (after all
//!    discounts, before tax), rounded half up, and is not taxed.
//! 6. Total = net subtotal + tax + service charge. Tips are paid on top and
//!    are not part of the total.

use serde::{Deserialize, Serialize};

/// A discount as a client gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
pub enum Discount {
    /// Basis points of the amount: 1000 = 10 %.
    Percent(i64),
    /// Minor units off.
    Amount(i64),
}

#[derive(Debug, Clone, Copy)]
pub struct LineIn {
    pub quantity: i64,
    /// Unit price with the variant and modifiers, in minor units.
    pub unit_minor: i64,
    pub tax_rate_bp: i64,
    pub discount: Option<Discount>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineOut {
    pub gross: i64,
    /// The line's own discount plus its share of the ticket's.
    pub discount: i64,
    pub net: i64,
    pub tax: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub lines: Vec<LineOut>,
    pub subtotal: i64,
    pub discount: i64,
    pub service_charge: i64,
    pub tax: i64,
    pub total: i64,
}

/// `amount × bp / 10000`, rounded half away from zero.
pub fn percent_of(amount: i64, bp: i64) -> i64 {
    let product = i128::from(amount) * i128::from(bp);
    let rounded = (product.abs() + 5_000) / 10_000;
    let signed = if product < 0 { -rounded } else { rounded };
    i64::try_from(signed).unwrap_or(i64::MAX)
}

fn discount_on(amount: i64, discount: Option<Discount>) -> i64 {
    match discount {
        None => 0,
        Some(Discount::Percent(bp)) => percent_of(amount, bp.clamp(0, 10_000)),
        Some(Discount::Amount(minor)) => minor.clamp(0, amount.max(0)),
    }
}

/// Shares `total` across `weights` in proportion, by largest remainder.
fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if sum <= 0 || total == 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<i64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = i128::from(total) * i128::from(*w);
        shares.push(i64::try_from(exact / sum).unwrap_or(0));
        remainders.push((exact % sum, i));
    }
    let mut left = total - shares.iter().sum::<i64>();
    // Largest remainder first; ties go to the earlier line.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

pub fn price(lines: &[LineIn], ticket_discount: Option<Discount>, service_bp: i64) -> Totals {
    let gross: Vec<i64> = lines
        .iter()
        .map(|l| l.quantity.saturating_mul(l.unit_minor))
        .collect();
    let after_line: Vec<i64> = lines
        .iter()
        .zip(&gross)
        .map(|(l, g)| g - discount_on(*g, l.discount))
        .collect();
    let sum_after_line: i64 = after_line.iter().sum();
    let ticket_off = discount_on(sum_after_line, ticket_discount);
    let shares = allocate(ticket_off, &after_line);
    let mut out = Totals::default();
    for (i, line) in lines.iter().enumerate() {
        let net = after_line[i] - shares[i];
        let tax = percent_of(net, line.tax_rate_bp);
        out.lines.push(LineOut {
            gross: gross[i],
            discount: gross[i] - net,
            net,
            tax,
        });
    }
    out.subtotal = gross.iter().sum();
    out.discount = out.lines.iter().map(|l| l.discount).sum();
    let net: i64 = out.lines.iter().map(|l| l.net).sum();
    out.tax = out.lines.iter().map(|l| l.tax).sum();
    out.service_charge = percent_of(net, service_bp);
    out.total = net + out.tax + out.service_charge;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(quantity: i64, unit_minor: i64, tax: i64, discount: Option<Discount>) -> LineIn {
        LineIn {
            quantity,
            unit_minor,
            tax_rate_bp: tax,
            discount,
        }
    }

    #[test]
    fn rounds_half_up_to_the_minor_unit() {
        assert_eq!(percent_of(105, 1000), 11); // 10.5 -> 11
        assert_eq!(percent_of(104, 1000), 10);
        assert_eq!(percent_of(-105, 1000), -11);
        assert_eq!(percent_of(333, 2000), 67); // 66.6 -> 67
    }

    #[test]
    fn a_plain_ticket_adds_tax_per_line_and_service_on_net() {
        let t = price(
            &[line(2, 350, 1000, None), line(1, 425, 550, None)],
            None,
            1000,
        );
        assert_eq!(t.subtotal, 1125);
        assert_eq!(t.lines[0].tax, 70);
        assert_eq!(t.lines[1].tax, 23); // 23.375
        assert_eq!(t.tax, 93);
        assert_eq!(t.service_charge, 113); // 112.5
        assert_eq!(t.total, 1125 + 93 + 113);
    }

    #[test]
    fn ticket_discounts_are_shared_by_largest_remainder_and_add_up() {
        let lines = [
            line(1, 100, 2000, None),
            line(1, 100, 2000, None),
            line(1, 100, 2000, None),
        ];
        let t = price(&lines, Some(Discount::Amount(100)), 0);
        let shares: Vec<i64> = t.lines.iter().map(|l| l.discount).collect();
        assert_eq!(shares, vec![34, 33, 33]);
        assert_eq!(t.discount, 100);
        assert_eq!(t.lines.iter().map(|l| l.net).sum::<i64>(), 200);
        assert_eq!(t.total, 200 + t.tax);
    }

    #[test]
    fn line_discounts_never_exceed_the_line() {
        let t = price(
            &[
                line(1, 500, 0, Some(Discount::Amount(900))),
                line(2, 250, 0, Some(Discount::Percent(5000))),
            ],
            Some(Discount::Percent(1000)),
            0,
        );
        assert_eq!(t.lines[0].net, 0);
        assert_eq!(t.lines[1].gross, 500);
        // 250 after the line's 50 %, then 10 % of the ticket's 250 = 25.
        assert_eq!(t.lines[1].net, 225);
        assert_eq!(t.total, 225);
    }

    #[test]
    fn an_empty_ticket_is_zero() {
        assert_eq!(price(&[], Some(Discount::Amount(100)), 1250).total, 0);
    }
}
