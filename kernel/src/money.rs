//! Money as integer minor units with an ISO 4217 currency code: no floats,
//! and amounts of different currencies cannot be mixed by accident.

use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A three-letter ISO 4217 code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub fn parse(field: &str, raw: &str) -> AppResult<Self> {
        let bytes = raw.trim().as_bytes();
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Self([*a, *b, *c])),
            _ => Err(AppError::invalid_field(
                field,
                "must be a three-letter ISO 4217 code like EUR",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Currency {
    type Error = AppError;
    fn try_from(value: String) -> AppResult<Self> {
        Self::parse("currency", &value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

/// A 64-bit integer on the wire: GraphQL's `Int` is 32 bits, too small for
/// sums of money in minor units. The GraphQL `Long` scalar is a JSON number
/// (exact in JavaScript up to 2^53, about 90 trillion in cents); a string of
/// digits is accepted as input too.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
#[schema(value_type = i64, format = Int64)]
pub struct Long(pub i64);

#[async_graphql::Scalar(name = "Long")]
impl async_graphql::ScalarType for Long {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            async_graphql::Value::Number(n) => n
                .as_i64()
                .map(Long)
                .ok_or_else(|| async_graphql::InputValueError::custom("expected a 64-bit integer")),
            async_graphql::Value::String(s) => s
                .parse::<i64>()
                .map(Long)
                .map_err(|_| async_graphql::InputValueError::custom("expected a 64-bit integer")),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::Number(self.0.into())
    }
}

impl From<i64> for Long {
    fn from(value: i64) -> Self {
        Self(value)
    }
}

/// An amount in minor units (cents) of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// The sum, or `VALIDATION` when the currencies differ.
    pub fn checked_add(self, other: Money) -> AppResult<Money> {
        if self.currency != other.currency {
            return Err(AppError::validation(format!(
                "currency mismatch: {} and {}",
                self.currency, other.currency
            )));
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or_else(|| AppError::validation("amount out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_and_sums() -> AppResult<()> {
        let eur = Currency::parse("currency", "EUR")?;
        assert!(Currency::parse("currency", "eur").is_err());
        assert!(Currency::parse("currency", "EURO").is_err());
        let usd = Currency::parse("currency", "USD")?;
        assert_eq!(
            Money::new(150, eur).checked_add(Money::new(50, eur))?.minor,
            200
        );
        assert!(Money::new(1, eur).checked_add(Money::new(1, usd)).is_err());
        assert!(
            Money::new(i64::MAX, eur)
                .checked_add(Money::new(1, eur))
                .is_err()
        );
        Ok(())
    }
}
