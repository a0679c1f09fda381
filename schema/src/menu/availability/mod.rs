//! Sold out, or back: everywhere (the item's own switch) or at one location
//! (`menu_item_locations`). The input that switches it, defined once for
//! GraphQL, REST (serde) and OpenAPI, and the event screens follow.

mod commands;
mod store;

pub use commands::{set_availability, sold_out_locations_of};

use kernel::{LocationId, MenuItemId};
use serde::Deserialize;

/// Sold out or back, everywhere or at one location.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "MenuItemAvailabilityInput")]
#[schema(as = AvailabilityBody)]
#[serde(rename_all = "camelCase")]
pub struct SetAvailability {
    pub sold_out: bool,
    /// One location only; everywhere when left out.
    pub location_id: Option<LocationId>,
}

/// An item sold out or back (`menu.item.availability_changed`).
#[derive(Debug, Clone, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct AvailabilityChange {
    /// Position in the business's event stream, for `after` on reconnect.
    #[serde(default)]
    pub sequence: i64,
    pub item_id: MenuItemId,
    pub sku: String,
    pub name: String,
    pub sold_out: bool,
    /// The one location it applies to; everywhere when null.
    pub location_id: Option<LocationId>,
}
