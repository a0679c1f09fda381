//! The currencies plans may be priced in, with their minor-unit exponents
//! (ISO 4217): an invoice in JPY has no cents, one in KWD has three digits.

use kernel::{AppError, AppResult};

const EXPONENTS: &[(&str, u32)] = &[
    ("AED", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MAD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PLN", 2),
    ("RON", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// The minor-unit digits of `code`, or `VALIDATION` for a currency the
/// platform does not bill in.
pub fn exponent(code: &str) -> AppResult<u32> {
    EXPONENTS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, e)| *e)
        .ok_or_else(|| {
            AppError::invalid_field("currency", format!("{code} is not a currency billed here"))
        })
}

/// `1234` EUR as `12.34 EUR`, `-5` as `-0.05 EUR`, `500` JPY as `500 JPY`.
pub fn format(minor: i64, code: &str) -> String {
    let digits = exponent(code).unwrap_or(2);
    if digits == 0 {
        return format!("{minor} {code}");
    }
    let scale = 10i64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let scale = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$} {code}",
        abs / scale,
        abs % scale,
        width = digits as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_in_their_currency() {
        assert_eq!(format(1234, "EUR"), "12.34 EUR");
        assert_eq!(format(-5, "EUR"), "-0.05 EUR");
        assert_eq!(format(500, "JPY"), "500 JPY");
        assert_eq!(format(1, "KWD"), "0.001 KWD");
        assert_eq!(format(i64::MIN, "USD"), "-92233720368547758.08 USD");
        assert!(exponent("XXX").is_err());
    }
}
