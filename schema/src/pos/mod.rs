//! The point of sale: shifts and their cash drawer, tickets with lines,
//! modifiers, discounts, tax and service charge, kitchen sends, payments
//! (cash, sandbox card, split, partial), settling, voids, refunds and
//! receipts. Each write that changes a ticket bumps its `version`, writes
//! the audit trail and publishes a `pos.ticket.*` event in one transaction.

pub mod card;
pub mod graphql;
pub mod payments;
pub mod pricing;
pub mod receipts;
pub mod relations;
pub mod shifts;
pub mod tickets;

pub(crate) const READ: &str = "pos.ticket.read";
pub(crate) const WRITE: &str = "pos.ticket.write";
pub(crate) const DISCOUNT: &str = "pos.ticket.discount";
pub(crate) const VOID: &str = "pos.ticket.void";
pub(crate) const PAY: &str = "pos.payment.take";
pub(crate) const REFUND: &str = "pos.payment.refund";
pub(crate) const SHIFT: &str = "pos.shift.manage";
pub(crate) const REPORT: &str = "pos.report.read";

/// The most a single payment, tip or float may be: 1,000,000.00.
pub(crate) const MAX_AMOUNT_MINOR: i64 = 100_000_000;

pub(crate) fn check_amount(field: &str, minor: i64, allow_zero: bool) -> kernel::AppResult<i64> {
    let low = if allow_zero { 0 } else { 1 };
    if !(low..=MAX_AMOUNT_MINOR).contains(&minor) {
        return Err(kernel::AppError::invalid_field(
            field,
            format!("must be between {low} and {MAX_AMOUNT_MINOR} minor units"),
        ));
    }
    Ok(minor)
}

pub(crate) fn check_text(
    field: &str,
    raw: Option<&str>,
    required: bool,
) -> kernel::AppResult<Option<String>> {
    let value = raw.map(str::trim).filter(|s| !s.is_empty());
    match value {
        None if required => Err(kernel::AppError::invalid_field(field, "is required")),
        Some(v) if v.chars().count() > 500 => Err(kernel::AppError::invalid_field(
            field,
            "must be at most 500 characters",
        )),
        other => Ok(other.map(str::to_owned)),
    }
}
