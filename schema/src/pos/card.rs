//! The sandbox card provider: deterministic outcomes by test token, as
//! payment providers' sandboxes do, so terminals and tests can exercise
//! approvals and declines without a real acquirer. A production provider
//! would sit behind the same two functions.

use kernel::{AppError, AppResult};
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Charge {
    pub brand: &'static str,
    pub last4: &'static str,
    pub reference: String,
}

/// Tokens the sandbox knows: `tok_visa`, `tok_mastercard` and `tok_amex`
/// approve; `tok_declined` and `tok_insufficient_funds` decline.
pub fn charge(token: Option<&str>, amount_minor: i64) -> AppResult<Charge> {
    let token = token
        .map(str::trim)
        .ok_or_else(|| AppError::invalid_field("cardToken", "is required for card payments"))?;
    let (brand, last4) = match token {
        "tok_visa" => ("visa", "4242"),
        "tok_mastercard" => ("mastercard", "4444"),
        "tok_amex" => ("amex", "0005"),
        "tok_declined" | "tok_insufficient_funds" => {
            return Err(AppError::validation("the card was declined").with_details(json!({
                "reason": if token == "tok_declined" { "card_declined" } else { "insufficient_funds" },
                "amountMinor": amount_minor,
            })));
        }
        _ => {
            return Err(AppError::invalid_field(
                "cardToken",
                "unknown sandbox token; use tok_visa, tok_mastercard, tok_amex, tok_declined or tok_insufficient_funds",
            ));
        }
    };
    Ok(Charge {
        brand,
        last4,
        reference: format!("sbx_ch_{}", Uuid::now_v7().simple()),
    })
}

/// Refunds part or all of a sandbox charge; always succeeds.
pub fn refund(charge_reference: &str) -> String {
    let _ = charge_reference;
    format!("sbx_re_{}", Uuid::now_v7().simple())
}
