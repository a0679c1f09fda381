//! Input rules the menu's aggregates share. The text types already refuse
//! control characters and bound lengths at the boundary; these restate the
//! rules the services have always applied, for callers (the demo seed) that
//! do not come through a transport.

use kernel::{AppError, AppResult, ErrorCode};
use serde_json::json;

/// A trimmed name of 1 to `max` characters.
pub(super) fn name(field: &str, raw: &str, max: usize) -> AppResult<String> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::invalid_field(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Turns a unique violation into a `CONFLICT` that names the field taken.
pub(super) fn taken(field: &'static str, message: &'static str) -> impl Fn(AppError) -> AppError {
    move |err| {
        if err.code() == ErrorCode::Conflict {
            AppError::conflict(message).with_details(json!({ "fields": { field: "is taken" } }))
        } else {
            err
        }
    }
}

/// 100,000,000.00 in minor units: beyond any menu price, well inside i64 sums.
const MAX_PRICE_MINOR: i64 = 10_000_000_000;

pub(super) fn price(field: &str, minor: i64) -> AppResult<()> {
    if !(0..=MAX_PRICE_MINOR).contains(&minor) {
        return Err(AppError::invalid_field(
            field,
            "must be between 0 and 100,000,000.00",
        ));
    }
    Ok(())
}

pub(super) fn tax(bp: i32) -> AppResult<()> {
    if !(0..=10_000).contains(&bp) {
        return Err(AppError::invalid_field(
            "taxRateBp",
            "must be between 0 and 10000 basis points",
        ));
    }
    Ok(())
}

/// How long an item takes to make: a second to a day, when given.
pub(super) fn prep(secs: Option<i32>) -> AppResult<()> {
    if secs.is_some_and(|s| !(1..=86_400).contains(&s)) {
        return Err(AppError::invalid_field(
            "prepSecs",
            "must be between 1 and 86400 seconds",
        ));
    }
    Ok(())
}

pub(super) fn sku(raw: &str) -> AppResult<String> {
    let sku = raw.trim().to_owned();
    if sku.is_empty()
        || sku.len() > 64
        || !sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(AppError::invalid_field(
            "sku",
            "must be 1 to 64 letters, digits, dashes, dots or underscores",
        ));
    }
    Ok(sku)
}
