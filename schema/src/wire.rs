//! Conversions between the wire's enums and the columns' enums.

/// A wire enum (GraphQL, REST, OpenAPI) and its column's enum, converted
/// both ways by variant name.
macro_rules! wire_enum {
    ($wire:ident, $row:ty { $($variant:ident),+ $(,)? }) => {
        impl From<$row> for $wire {
            fn from(value: $row) -> Self {
                type Row = $row;
                match value {
                    $(Row::$variant => Self::$variant,)+
                }
            }
        }

        impl From<$wire> for $row {
            fn from(value: $wire) -> Self {
                type Row = $row;
                match value {
                    $($wire::$variant => Row::$variant,)+
                }
            }
        }
    };
}
pub(crate) use wire_enum;
