//! A location and the inputs that make and change one, each defined once and
//! deriving what GraphQL, REST (serde) and OpenAPI need.

use crate::text::{Name, TimeZone};
use chrono::{DateTime, Utc};
use kernel::LocationId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: LocationId,
    pub name: String,
    /// IANA time zone; the business day (ticket numbers, Z reports) follows it.
    pub timezone: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<entities::locations::Model> for Location {
    fn from(m: entities::locations::Model) -> Self {
        Self {
            id: m.id.into(),
            name: m.name,
            timezone: m.timezone,
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new location.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreateLocationInput")]
#[schema(as = LocationBody)]
#[serde(rename_all = "camelCase")]
pub struct NewLocation {
    /// 1 to 100 characters, unique in the business.
    pub name: Name,
    /// IANA time zone such as `Europe/Paris`; UTC when left out.
    pub timezone: Option<TimeZone>,
}

/// Leave a field out to keep it.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "LocationPatchInput")]
#[serde(rename_all = "camelCase")]
pub struct LocationPatch {
    pub name: Option<Name>,
    /// IANA time zone such as `Europe/Paris`.
    pub timezone: Option<TimeZone>,
    pub active: Option<bool>,
}
