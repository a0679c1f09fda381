//! Stock quantities: exact thousandths of a unit, so 0.1 kg + 0.2 kg is
//! 0.3 kg. Clients see a decimal string ("0.25"), as Square's inventory API
//! does, and may send a string or a JSON number with at most three decimals.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use kernel::{AppError, AppResult};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// One billion units: past any real stock, far inside i64 sums of thousandths.
const MAX_MILLI: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(i64);

impl Quantity {
    pub const ZERO: Self = Self(0);

    pub fn from_milli(milli: i64) -> Self {
        Self(milli)
    }

    pub fn units(units: i64) -> Self {
        Self(units.saturating_mul(1000))
    }

    pub fn milli(self) -> i64 {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// A quantity a client typed: digits with an optional sign and up to
    /// three decimals.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && frac.is_empty()
            || !all_digits(whole)
            || !all_digits(frac)
            || frac.len() > 3
            || whole.len() > 13
        {
            return Err(
                "must be a decimal number with at most three decimals, like \"2.5\"".into(),
            );
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| "is too large".to_owned())?
        };
        let frac_milli: i64 = format!("{frac:0<3}").parse().unwrap_or(0);
        let milli = whole
            .checked_mul(1000)
            .and_then(|w| w.checked_add(frac_milli))
            .filter(|m| *m <= MAX_MILLI)
            .ok_or_else(|| "is too large".to_owned())?;
        Ok(Self(if negative { -milli } else { milli }))
    }

    /// A quantity that must be more than zero (`VALIDATION` naming `field`).
    pub fn positive(self, field: &str) -> AppResult<Self> {
        if self.0 <= 0 {
            return Err(AppError::invalid_field(field, "must be more than zero"));
        }
        Ok(self)
    }

    pub fn checked_add(self, other: Self) -> AppResult<Self> {
        self.0
            .checked_add(other.0)
            .map(Self)
            .ok_or_else(|| AppError::validation("quantity out of range"))
    }

    pub fn checked_mul_units(self, units: i64) -> AppResult<Self> {
        self.0
            .checked_mul(units)
            .map(Self)
            .ok_or_else(|| AppError::validation("quantity out of range"))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 1000, abs % 1000);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let frac = format!("{frac:03}");
            write!(f, "{sign}{whole}.{}", frac.trim_end_matches('0'))
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(serde_json::Number),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Text(t) => t,
            Raw::Number(n) => n.to_string(),
        };
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A decimal quantity of a stock item's unit, as a string ("0.25"); inputs
/// may also be JSON numbers. Three decimals at most.
#[Scalar(name = "Quantity")]
impl ScalarType for Quantity {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = match &value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return Err(InputValueError::expected_type(value)),
        };
        Quantity::parse(&text).map_err(InputValueError::custom)
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

/// OpenAPI: a decimal string with at most three decimals, as every answer
/// carries it.
impl utoipa::PartialSchema for Quantity {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A quantity of a stock item's unit, as a decimal string with at most three decimals.",
            ))
            .examples(["2.5"])
            .into()
    }
}

impl utoipa::ToSchema for Quantity {}

/// A quantity as a request may send it: a decimal string (`"2.5"`) or a
/// JSON number (`2.5`). It reads exactly as [`Quantity`] does; the type
/// exists so the OpenAPI document can say requests take both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct QuantityInput(pub Quantity);

impl From<QuantityInput> for Quantity {
    fn from(q: QuantityInput) -> Self {
        q.0
    }
}

impl utoipa::PartialSchema for QuantityInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .description(Some(
                "A quantity in a request: a decimal string (`\"2.5\"`) or a JSON number (`2.5`), at most three decimals.",
            ))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .item(ObjectBuilder::new().schema_type(Type::Number).format(Some(
                utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Double),
            )))
            .into()
    }
}

impl utoipa::ToSchema for QuantityInput {}

#[cfg(test)]
mod tests {
    use super::Quantity;

    #[test]
    fn parses_and_prints_decimals() {
        for (raw, milli, shown) in [
            ("2", 2000, "2"),
            ("0.25", 250, "0.25"),
            (".5", 500, "0.5"),
            ("-1.125", -1125, "-1.125"),
            ("10.100", 10100, "10.1"),
        ] {
            assert_eq!(
                Quantity::parse(raw).map(Quantity::milli),
                Ok(milli),
                "{raw}"
            );
            assert_eq!(
                Quantity::parse(raw).map(|q| q.to_string()).as_deref(),
                Ok(shown),
                "{raw}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_quantity() {
        for raw in ["", ".", "1.2345", "abc", "1e3", "--1", "99999999999999"] {
            assert!(Quantity::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn json_numbers_and_strings_both_deserialize() {
        let number: Result<Quantity, _> = serde_json::from_str("0.2");
        assert_eq!(number.ok(), Some(Quantity::from_milli(200)));
        let text: Result<Quantity, _> = serde_json::from_str("\"3\"");
        assert_eq!(text.ok(), Some(Quantity::from_milli(3000)));
        assert_eq!(
            serde_json::to_string(&Quantity::units(3)).ok().as_deref(),
            Some("\"3\"")
        );
    }
}
