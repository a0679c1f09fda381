//! Text inputs that parse at the boundary.
//!
//! Every piece of text a client sends is one of these types, never a bare
//! `String`: a name, a label, a note, a slug, a time zone... Each type knows
//! its rule (length, control characters, alphabet), checks it when GraphQL
//! coerces the input or serde reads a REST body, and describes it once: the
//! GraphQL scalar's description and the OpenAPI schema (`minLength`,
//! `maxLength`, `pattern`) are built from the same [`Rule`]. So hostile text
//! (a NUL, an escape sequence, a megabyte) is `VALIDATION` naming the field
//! and never reaches PostgreSQL, which refuses NUL with an error a client
//! should never see.
//!
//! The rules match the checks the services and the database constraints
//! already make (`CHECK (length(name) BETWEEN 1 AND 100)` and the like); the
//! services keep their own checks for what needs context (a reserved slug,
//! a zone PostgreSQL does not know, a required reason).

use async_graphql::registry::{MetaType, MetaTypeId, Registry};
use async_graphql::{InputType, InputValueError, InputValueResult, Value};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// The characters a kind of text may use beyond "no control characters".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// Anything printable.
    Any,
    /// Lowercase ASCII letters, digits and dashes, not at either end.
    Slug,
    /// ASCII letters, digits, dashes, dots and underscores.
    Sku,
    /// Lowercase ASCII letters, digits, dots, dashes and underscores (module
    /// and permission keys).
    Key,
    /// An IANA zone name: ASCII letters, digits, `/`, `_`, `+`, `-`.
    Zone,
    /// Visible ASCII, no spaces (tokens, idempotency keys).
    VisibleAscii,
    /// Three uppercase ASCII letters.
    Currency,
    /// A 24-hour clock time: digits and a colon.
    Clock,
}

impl Alphabet {
    fn allows(self, c: char) -> bool {
        match self {
            Self::Any => true,
            Self::Slug => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            Self::Sku => c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'),
            Self::Key => {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_')
            }
            Self::Zone => c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '+' | '-'),
            Self::VisibleAscii => c.is_ascii_graphic(),
            Self::Currency => c.is_ascii_uppercase(),
            Self::Clock => c.is_ascii_digit() || c == ':',
        }
    }

    /// The JSON Schema (ECMA-262) pattern for the alphabet.
    fn pattern(self, lines: bool) -> &'static str {
        match self {
            Self::Any if lines => r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$",
            Self::Any => r"^[^\u0000-\u001F\u007F]*$",
            Self::Slug => r"^\s*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\s*$",
            Self::Sku => r"^\s*[A-Za-z0-9._-]+\s*$",
            Self::Key => r"^[a-z0-9._-]+$",
            Self::Zone => r"^\s*[A-Za-z0-9/_+-]+\s*$",
            Self::VisibleAscii => r"^[!-~]*$",
            Self::Currency => r"^\s*[A-Z]{3}\s*$",
            Self::Clock => r"^\s*[0-9]{2}:[0-9]{2}\s*$",
        }
    }
}

/// How one kind of text is checked, and how that is explained to clients.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The GraphQL scalar and OpenAPI schema name.
    pub name: &'static str,
    /// What the text is, for the description.
    pub what: &'static str,
    /// Characters, counted after trimming when `trim` is set.
    pub min: usize,
    pub max: usize,
    /// Line breaks and tabs allowed (notes, descriptions).
    pub lines: bool,
    /// Surrounding whitespace is removed before checking and storing.
    pub trim: bool,
    /// Folded to lower case before checking (slugs are typed in any case).
    pub lowercase: bool,
    pub alphabet: Alphabet,
    /// What to say when the alphabet is wrong; the length message otherwise.
    pub shape: Option<&'static str>,
}

impl Rule {
    /// Checks raw text and returns what the service receives.
    pub fn check(&self, raw: &str) -> Result<String, String> {
        if raw
            .chars()
            .any(|c| c.is_control() && !(self.lines && matches!(c, '\n' | '\r' | '\t')))
        {
            return Err(if self.lines {
                "must not contain control characters other than line breaks and tabs".to_owned()
            } else {
                "must not contain control characters or line breaks".to_owned()
            });
        }
        let text = if self.trim { raw.trim() } else { raw };
        let text = if self.lowercase {
            Cow::Owned(text.to_lowercase())
        } else {
            Cow::Borrowed(text)
        };
        let count = text.chars().count();
        let shape_ok = text.chars().all(|c| self.alphabet.allows(c))
            && (self.alphabet != Alphabet::Slug || !(text.starts_with('-') || text.ends_with('-')));
        if count < self.min || count > self.max || !shape_ok {
            return Err(match self.shape {
                Some(shape) => shape.to_owned(),
                None => self.length_rule(),
            });
        }
        Ok(text.into_owned())
    }

    fn length_rule(&self) -> String {
        if self.min == 0 {
            format!("must be at most {} characters", self.max)
        } else {
            format!("must be {} to {} characters", self.min, self.max)
        }
    }

    /// The description clients read in the GraphQL schema and in OpenAPI.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{}: {}",
            self.what,
            self.shape.map_or_else(|| self.length_rule(), str::to_owned)
        );
        text.push_str(if self.lines {
            "; line breaks and tabs allowed, no other control characters"
        } else {
            "; no control characters or line breaks"
        });
        if self.trim {
            text.push_str("; surrounding spaces are trimmed");
        }
        if self.lowercase {
            text.push_str("; letters are folded to lower case");
        }
        text.push('.');
        text
    }

    pub fn pattern(&self) -> &'static str {
        self.alphabet.pattern(self.lines)
    }
}

/// Declares a text type: a `String` that holds only text its rule accepts.
macro_rules! text_type {
    ($(#[$meta:meta])* $ty:ident = $rule:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty(String);

        impl $ty {
            pub const RULE: Rule = $rule;

            /// Checks `raw`; the error says what is wrong, for a field error.
            pub fn parse(raw: &str) -> Result<Self, String> {
                Self::RULE.check(raw).map(Self)
            }

            /// Parses text that arrived in a field of its own (a path or
            /// query parameter, a top-level argument).
            pub fn parse_field(field: &str, raw: &str) -> kernel::AppResult<Self> {
                Self::parse(raw).map_err(|m| kernel::AppError::invalid_field(field, m))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }

        impl InputType for $ty {
            type RawValueType = Self;

            fn type_name() -> Cow<'static, str> {
                Cow::Borrowed(Self::RULE.name)
            }

            fn create_type_info(registry: &mut Registry) -> String {
                registry.create_input_type::<Self, _>(MetaTypeId::Scalar, |_| scalar_meta(&Self::RULE, |v| {
                    matches!(v, Value::String(s) if Self::RULE.check(s).is_ok())
                }))
            }

            fn parse(value: Option<Value>) -> InputValueResult<Self> {
                match value {
                    Some(Value::String(s)) => Self::parse(&s).map_err(InputValueError::custom),
                    Some(other) => Err(InputValueError::expected_type(other)),
                    None => Err(InputValueError::expected_type(Value::Null)),
                }
            }

            fn to_value(&self) -> Value {
                Value::String(self.0.clone())
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }
        }

        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                openapi_schema(&Self::RULE)
            }
        }

        impl utoipa::ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(Self::RULE.name)
            }
        }
    };
}

fn scalar_meta(rule: &Rule, is_valid: fn(&Value) -> bool) -> MetaType {
    MetaType::Scalar {
        name: rule.name.to_owned(),
        description: Some(rule.describe()),
        is_valid: Some(std::sync::Arc::new(is_valid)),
        visible: None,
        inaccessible: false,
        tags: Vec::new(),
        specified_by_url: None,
        directive_invocations: Vec::new(),
        requires_scopes: Vec::new(),
    }
}

fn openapi_schema(rule: &Rule) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    // For trimmed kinds the bounds hold after trimming: a client that keeps
    // to them is always accepted.
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(rule.describe()))
        .min_length((rule.min > 0).then_some(rule.min))
        .max_length(Some(rule.max))
        .pattern(Some(rule.pattern()))
        .into()
}

/// Every text rule, by scalar name: how GraphQL errors explain an input of
/// one of these types that failed validation.
pub fn rule_named(name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.name == name)
}

const fn line(name: &'static str, what: &'static str, min: usize, max: usize) -> Rule {
    Rule {
        name,
        what,
        min,
        max,
        lines: false,
        trim: true,
        lowercase: false,
        alphabet: Alphabet::Any,
        shape: None,
    }
}

const fn paragraph(name: &'static str, what: &'static str, max: usize, trim: bool) -> Rule {
    Rule {
        lines: true,
        trim,
        ..line(name, what, 0, max)
    }
}

const fn shaped(
    name: &'static str,
    what: &'static str,
    (min, max): (usize, usize),
    alphabet: Alphabet,
    trim: bool,
    shape: &'static str,
) -> Rule {
    Rule {
        trim,
        alphabet,
        shape: Some(shape),
        ..line(name, what, min, max)
    }
}

text_type!(
    /// The name of a category, location, role, variant, modifier, person...
    Name = line("Name", "A name", 1, 100)
);
text_type!(
    /// The name of something sold or stocked, or of a business.
    LongName = line("LongName", "A longer name (a product, a business, a person)", 1, 200)
);
text_type!(
    /// What a ticket is called on the floor: a table, a name, a buzzer number.
    Label = line("Label", "A short label", 0, 100)
);
text_type!(
    /// A free note (a line, a count, a transfer, a shift close).
    Note = paragraph("Note", "A note", 500, true)
);
text_type!(
    /// Why something was done (a void, a refund, a discount, a cash movement).
    Reason = paragraph("Reason", "A reason", 500, true)
);
text_type!(
    /// Longer text shown to people (a menu item's or a role's description).
    Description = paragraph("Description", "A description", 1000, false)
);
text_type!(
    /// The title of an announcement or a support ticket's subject.
    Title = line("Title", "A title", 1, 200)
);
text_type!(
    /// The body of a message: an announcement, a ticket, a reply.
    MessageBody = paragraph("MessageBody", "A message body", 5000, true)
);
text_type!(
    /// One value of a feature flag: `true`, `false`, or a variant name.
    FlagValue = shaped(
        "FlagValue",
        "A feature flag value",
        (1, 100),
        Alphabet::Key,
        true,
        "must be 1 to 100 lowercase letters, digits, dots, dashes or underscores",
    )
);
text_type!(
    /// A business's address on the platform.
    Slug = Rule {
        lowercase: true,
        ..shaped(
            "Slug",
            "A tenant slug",
            (3, 63),
            Alphabet::Slug,
            true,
            "must be 3 to 63 lowercase letters, digits or dashes, not starting or ending with a dash",
        )
    }
);
text_type!(
    /// A plan's code in the operator's catalog: `starter`, `pro-2027`.
    PlanCode = Rule {
        lowercase: true,
        ..shaped(
            "PlanCode",
            "A plan code",
            (1, 40),
            Alphabet::Slug,
            true,
            "must be 1 to 40 lowercase letters, digits or dashes, not starting or ending with a dash",
        )
    }
);
text_type!(
    /// What invoice numbers start with: `INV` in `INV-2027-000123`.
    InvoicePrefix = shaped(
        "InvoicePrefix",
        "An invoice number prefix",
        (1, 10),
        Alphabet::Sku,
        true,
        "must be 1 to 10 capital letters or digits, starting with a letter",
    )
);
text_type!(
    /// A stock-keeping unit.
    Sku = shaped(
        "Sku",
        "A SKU",
        (1, 64),
        Alphabet::Sku,
        true,
        "must be 1 to 64 letters, digits, dashes, dots or underscores",
    )
);
text_type!(
    /// A module or permission key such as `pos.ticket.void`.
    Key = shaped(
        "Key",
        "A module or permission key",
        (1, 100),
        Alphabet::Key,
        false,
        "must be 1 to 100 lowercase letters, digits, dots, dashes or underscores",
    )
);
text_type!(
    /// An IANA time zone name such as `Europe/Paris`.
    TimeZone = shaped(
        "TimeZone",
        "An IANA time zone",
        (1, 64),
        Alphabet::Zone,
        true,
        "must be an IANA time zone such as Europe/Paris",
    )
);
text_type!(
    /// A local time of day, `HH:MM` on a 24-hour clock (`24:00` is the
    /// end of the day).
    TimeOfDay = shaped(
        "TimeOfDay",
        "A time of day",
        (5, 5),
        Alphabet::Clock,
        true,
        "must be HH:MM on a 24-hour clock, such as 09:00 or 24:00",
    )
);
text_type!(
    /// An ISO 4217 currency code such as `EUR`.
    CurrencyCode = shaped(
        "CurrencyCode",
        "An ISO 4217 currency code",
        (3, 3),
        Alphabet::Currency,
        true,
        "must be a three-letter ISO 4217 code like EUR",
    )
);
text_type!(
    /// An email address (its full check is the service's).
    EmailAddress = line("EmailAddress", "An email address", 0, 254)
);
text_type!(
    /// A password as typed: never trimmed.
    Password = Rule {
        trim: false,
        ..line("Password", "A password", 0, 128)
    }
);
text_type!(
    /// A one-time or recovery code as typed.
    OneTimeCode = line("OneTimeCode", "A one-time or recovery code", 0, 64)
);
text_type!(
    /// An opaque token the server or a provider issued (refresh, reset, card).
    Token = shaped(
        "Token",
        "An opaque token",
        (0, 512),
        Alphabet::VisibleAscii,
        false,
        "must be at most 512 visible ASCII characters",
    )
);
text_type!(
    /// One per attempt: a retry with the same key returns the first result.
    IdempotencyKey = shaped(
        "IdempotencyKey",
        "An idempotency key",
        (1, 255),
        Alphabet::VisibleAscii,
        false,
        "must be 1 to 255 visible ASCII characters (a UUID is a good choice)",
    )
);

const ALL: &[&Rule] = &[
    &Name::RULE,
    &LongName::RULE,
    &Label::RULE,
    &Note::RULE,
    &Reason::RULE,
    &Description::RULE,
    &Title::RULE,
    &MessageBody::RULE,
    &FlagValue::RULE,
    &TimeOfDay::RULE,
    &Slug::RULE,
    &Sku::RULE,
    &Key::RULE,
    &TimeZone::RULE,
    &CurrencyCode::RULE,
    &EmailAddress::RULE,
    &Password::RULE,
    &OneTimeCode::RULE,
    &Token::RULE,
    &IdempotencyKey::RULE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_everywhere() {
        for rule in ALL {
            for hostile in ["a\u{0}b", "a\u{7}b", "a\u{1b}[31mb", "a\u{7f}b"] {
                assert!(
                    rule.check(hostile).is_err(),
                    "{} took {hostile:?}",
                    rule.name
                );
            }
        }
    }

    #[test]
    fn line_breaks_only_where_paragraphs_are_allowed() {
        assert!(Note::parse("two\nlines\tand a tab").is_ok());
        assert!(Description::parse("two\r\nlines").is_ok());
        assert!(Name::parse("two\nlines").is_err());
        assert!(Label::parse("T\t4").is_err());
    }

    #[test]
    fn lengths_count_characters_after_trimming() {
        assert_eq!(
            Name::parse("  Bar  ").map(String::from),
            Ok("Bar".to_owned())
        );
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"é".repeat(100)).is_ok());
        assert!(Name::parse(&"é".repeat(101)).is_err());
        assert!(Label::parse("").is_ok());
        assert!(Note::parse(&"n".repeat(501)).is_err());
        assert_eq!(
            Name::parse(&"x".repeat(101)),
            Err("must be 1 to 100 characters".to_owned())
        );
        assert_eq!(
            Note::parse(&"x".repeat(501)),
            Err("must be at most 500 characters".to_owned())
        );
    }

    #[test]
    fn shapes() {
        assert!(Slug::parse(" demo-cafe ").is_ok());
        assert!(Slug::parse("-demo").is_err());
        assert_eq!(Slug::parse("Demo").map(String::from), Ok("demo".to_owned()));
        assert!(Slug::parse("de mo").is_err());
        assert!(Sku::parse("LAT-12.oz_2").is_ok());
        assert!(Sku::parse("LAT 12").is_err());
        assert!(Key::parse("pos.ticket.void").is_ok());
        assert!(Key::parse("POS").is_err());
        assert!(TimeZone::parse("America/Argentina/Buenos_Aires").is_ok());
        assert!(TimeZone::parse("Etc/GMT+3").is_ok());
        assert!(TimeZone::parse("Europe/Paris; DROP").is_err());
        assert!(CurrencyCode::parse(" EUR ").is_ok());
        assert!(CurrencyCode::parse("EURO").is_err());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("a key").is_err());
        assert_eq!(
            Password::parse(" pw ").map(String::from),
            Ok(" pw ".to_owned())
        );
    }

    #[test]
    fn descriptions_state_the_rule() {
        assert_eq!(
            Name::RULE.describe(),
            "A name: must be 1 to 100 characters; no control characters or line breaks; surrounding spaces are trimmed."
        );
        for rule in ALL {
            assert_eq!(rule_named(rule.name).map(|r| r.name), Some(rule.name));
        }
    }

    #[test]
    fn serde_refuses_what_the_rule_refuses() {
        let ok: Result<Label, _> = serde_json::from_str("\"T4\"");
        assert!(ok.is_ok());
        let bad: Result<Label, _> = serde_json::from_str("\"T\\u00004\"");
        assert!(bad.is_err());
    }
}
