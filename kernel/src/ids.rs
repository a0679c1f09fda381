//! Newtypes for ids, so a ticket id can never be passed where a line id is
//! expected: `update_line(ticket: TicketId, line: LineId)` does not compile
//! with its arguments swapped.
//!
//! Every id is a UUID (v7 when the platform makes it) and looks like one on
//! every wire: the GraphQL `UUID` scalar, a `string`/`uuid` OpenAPI schema
//! (utoipa treats the names as `Uuid` through the aliases in each crate's
//! `build.rs`, see [`ID_TYPE_NAMES`]), a JSON string, and a `uuid` column.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {
        $(id_type!($(#[$meta])* $name);)+

        /// The name of every id type, for utoipa's aliases (`build.rs`), so an
        /// id documents itself as `{type: string, format: uuid}` in place.
        pub const ID_TYPE_NAMES: &[&str] = &[$(stringify!($name)),+];
    };
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            sea_orm::DeriveValueType,
        )]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered (v7) id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// Plain UUIDs of many ids, for a `= ANY($n)` parameter.
            pub fn uuids(ids: &[Self]) -> Vec<Uuid> {
                ids.iter().map(|id| id.0).collect()
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }

        impl From<$name> for Uuid {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        // GraphQL sees the `UUID` scalar itself: the id registers nothing of
        // its own, so the schema is the same as with plain UUIDs.
        impl async_graphql::InputType for $name {
            type RawValueType = Uuid;

            fn type_name() -> std::borrow::Cow<'static, str> {
                <Uuid as async_graphql::InputType>::type_name()
            }

            fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
                <Uuid as async_graphql::InputType>::create_type_info(registry)
            }

            fn parse(value: Option<async_graphql::Value>) -> async_graphql::InputValueResult<Self> {
                <Uuid as async_graphql::InputType>::parse(value)
                    .map(Self)
                    .map_err(async_graphql::InputValueError::propagate)
            }

            fn to_value(&self) -> async_graphql::Value {
                <Uuid as async_graphql::InputType>::to_value(&self.0)
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(&self.0)
            }
        }

        impl async_graphql::OutputType for $name {
            fn type_name() -> std::borrow::Cow<'static, str> {
                <Uuid as async_graphql::OutputType>::type_name()
            }

            fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
                <Uuid as async_graphql::OutputType>::create_type_info(registry)
            }

            async fn resolve(
                &self,
                ctx: &async_graphql::ContextSelectionSet<'_>,
                field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
            ) -> async_graphql::ServerResult<async_graphql::Value> {
                <Uuid as async_graphql::OutputType>::resolve(&self.0, ctx, field).await
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

// The list is its own file so the `build.rs` of every crate that documents
// ids can read the same names (utoipa aliases) without depending on kernel.
include!("id_list.rs");
