//! The kitchen display: stations per location, routing rules from the menu
//! to the stations, and kitchen items (one sent line's work on one
//! station) moving `HELD` → `FIRED` → `STARTED` → `READY` → `BUMPED`,
//! recalled or voided, with every timing stored. A line is routed when it
//! is sent (`sendTicket`) and its stations are frozen on its items.
//!
//! Types here; `routing.rs` (the rules, pure), `stations.rs` and
//! `routes.rs` (setting the kitchen up), `fire.rs` (what `sendTicket` and
//! voids do to the kitchen), `pacing.rs` (courses held and fired, items
//! fired to finish together), `work.rs` (the moves), `screens.rs` (what a
//! station and expo show), `store.rs`, `graphql.rs`.

pub mod fire;
pub mod graphql;
pub mod pacing;
pub mod routes;
pub mod routing;
pub mod screens;
pub mod stations;
mod store;
pub mod work;

pub use crate::pos::tickets::DiningOption;
use crate::text::{IdempotencyKey, Name};
use chrono::{DateTime, Utc};
use entities::kitchen_items::Hold as HoldRow;
use entities::kitchen_items::KitchenStatus as StatusRow;
use entities::kitchen_routes::TargetKind as TargetRow;
use entities::kitchen_stations::ExpoMode as ExpoRow;
use kernel::{KitchenItemId, LineId, LocationId, StationId, TicketId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub(crate) const READ: &str = "kitchen.ticket.read";
pub(crate) const BUMP: &str = "kitchen.ticket.bump";
pub(crate) const MANAGE: &str = "kitchen.station.manage";

/// Where a station's work goes after it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExpoMode {
    /// Expo sees the work once this station has it ready.
    SendToExpo,
    /// The work goes to expo instead of this station (drinks a runner
    /// pours, sides expo plates).
    ExpoOnly,
    /// Done here: expo never sees it.
    SkipExpo,
}

crate::wire::wire_enum!(
    ExpoMode,
    ExpoRow {
        SendToExpo,
        ExpoOnly,
        SkipExpo
    }
);

/// What a routing rule is attached to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RouteTarget {
    Category,
    Item,
    Modifier,
}

crate::wire::wire_enum!(
    RouteTarget,
    TargetRow {
        Category,
        Item,
        Modifier
    }
);

/// Where a kitchen item is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "KitchenItemStatus")]
#[schema(as = KitchenItemStatus)]
pub enum KitchenStatus {
    /// Sent, waiting to be fired (see `hold`).
    Held,
    Fired,
    Started,
    Ready,
    Bumped,
    Recalled,
    Voided,
}

crate::wire::wire_enum!(
    KitchenStatus,
    StatusRow {
        Held,
        Fired,
        Started,
        Ready,
        Bumped,
        Recalled,
        Voided
    }
);

/// What a held item waits for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "KitchenHold")]
#[schema(as = KitchenHold)]
pub enum Hold {
    /// Every item of the courses before it is bumped (and handed out at
    /// expo) or voided.
    Course,
    /// `fireAt` (a course timed, or an item paced to finish with the rest).
    Time,
    /// Someone fires it (`fireCourse`).
    Hand,
}

crate::wire::wire_enum!(Hold, HoldRow { Course, Time, Hand });

impl KitchenStatus {
    /// Still on a screen (not bumped, not voided).
    pub fn live(self) -> bool {
        matches!(
            self,
            Self::Fired | Self::Started | Self::Ready | Self::Recalled
        )
    }
}

/// A station of a location's kitchen.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(name = "KitchenStation")]
#[schema(as = KitchenStation)]
#[serde(rename_all = "camelCase")]
pub struct Station {
    pub id: StationId,
    pub location_id: LocationId,
    pub name: String,
    /// The station that sees tickets whole and hands them out.
    pub is_expo: bool,
    pub expo_mode: ExpoMode,
    /// How long its work should take.
    pub prep_target_secs: i32,
    /// Age at which its work shows yellow.
    pub warn_after_secs: i32,
    /// Age at which its work shows red.
    pub late_after_secs: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<entities::kitchen_stations::Model> for Station {
    fn from(m: entities::kitchen_stations::Model) -> Self {
        Self {
            id: m.id.into(),
            location_id: m.location_id.into(),
            name: m.name,
            is_expo: m.is_expo,
            expo_mode: m.expo_mode.into(),
            prep_target_secs: m.prep_target_secs,
            warn_after_secs: m.warn_after_secs,
            late_after_secs: m.late_after_secs,
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new station.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreateKitchenStationInput")]
#[schema(as = KitchenStationBody)]
#[serde(rename_all = "camelCase")]
pub struct NewStation {
    pub location_id: LocationId,
    /// Unique in the location.
    pub name: Name,
    /// The location's expo (at most one).
    #[graphql(default)]
    #[serde(default)]
    pub is_expo: bool,
    /// `SEND_TO_EXPO` when left out.
    pub expo_mode: Option<ExpoMode>,
    /// 600 (ten minutes) when left out.
    pub prep_target_secs: Option<i32>,
    /// 300 when left out.
    pub warn_after_secs: Option<i32>,
    /// 480 when left out; more than `warnAfterSecs`.
    pub late_after_secs: Option<i32>,
}

/// Leave a field out to keep it.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "KitchenStationPatchInput")]
#[schema(as = KitchenStationPatchBody)]
#[serde(rename_all = "camelCase")]
pub struct StationPatch {
    pub name: Option<Name>,
    pub expo_mode: Option<ExpoMode>,
    pub prep_target_secs: Option<i32>,
    pub warn_after_secs: Option<i32>,
    pub late_after_secs: Option<i32>,
    pub active: Option<bool>,
}

/// One routing rule as set and read.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(name = "KitchenRoute")]
#[schema(as = KitchenRoute)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    pub location_id: LocationId,
    pub target: RouteTarget,
    /// The category, item or modifier.
    pub target_id: Uuid,
    /// Only for this dining option; any when `null`.
    pub dining_option: Option<DiningOption>,
    pub station_ids: Vec<StationId>,
}

/// Where a category's, item's or modifier's lines go at a location (for one
/// dining option, or any); an empty list removes the rule, so the item
/// inherits from its category again.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SetKitchenRouteInput")]
#[schema(as = KitchenRouteBody)]
#[serde(rename_all = "camelCase")]
pub struct RouteInput {
    pub location_id: LocationId,
    pub target: RouteTarget,
    pub target_id: Uuid,
    pub dining_option: Option<DiningOption>,
    pub station_ids: Vec<StationId>,
}

/// One sent line's work on one station, as sent (names, modifiers and
/// note frozen) with its timings:
/// `sentAt ≤ firedAt ≤ startedAt ≤ readyAt ≤ bumpedAt`.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KitchenItem {
    pub id: KitchenItemId,
    pub station_id: StationId,
    pub ticket_id: TicketId,
    pub line_id: LineId,
    pub name: String,
    pub variant_name: Option<String>,
    pub modifiers: Vec<String>,
    pub note: Option<String>,
    pub quantity: i32,
    /// Expo sees it once it is ready here.
    pub then_expo: bool,
    pub status: KitchenStatus,
    /// The line's course.
    pub course: i32,
    /// Seconds it takes (the item's prep time, or the station's target).
    pub prep_secs: i32,
    /// Fired with its ticket's other items so they finish together.
    pub paced: bool,
    /// Why it was held before firing (kept once fired).
    pub hold: Option<Hold>,
    /// When a `TIME` hold fires it.
    pub fire_at: Option<DateTime<Utc>>,
    /// When it reached the kitchen, held or fired.
    pub sent_at: DateTime<Utc>,
    /// `null` while held (and for work voided while held).
    pub fired_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ready_at: Option<DateTime<Utc>>,
    pub bumped_at: Option<DateTime<Utc>>,
    pub recalled_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
    pub expo_bumped_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// The ticket a kitchen item belongs to, as fired.
#[derive(Debug, Clone)]
pub(crate) struct TicketHead {
    pub id: TicketId,
    pub location_id: LocationId,
    pub number: i32,
    pub label: Option<String>,
    pub dining_option: DiningOption,
}

impl KitchenItem {
    fn split(m: entities::kitchen_items::Model) -> (TicketHead, LocationId, Self) {
        let head = TicketHead {
            id: m.ticket_id.into(),
            location_id: m.location_id.into(),
            number: m.ticket_number,
            label: m.ticket_label.clone(),
            dining_option: m.dining_option.into(),
        };
        let item = Self {
            id: m.id.into(),
            station_id: m.station_id.into(),
            ticket_id: m.ticket_id.into(),
            line_id: m.line_id.into(),
            name: m.name,
            variant_name: m.variant_name,
            modifiers: m.modifiers,
            note: m.note,
            quantity: m.quantity,
            then_expo: m.then_expo,
            status: m.status.into(),
            course: m.course,
            prep_secs: m.prep_secs,
            paced: m.paced,
            hold: m.hold.map(Into::into),
            fire_at: m.fire_at,
            sent_at: m.sent_at,
            fired_at: m.fired_at,
            started_at: m.started_at,
            ready_at: m.ready_at,
            bumped_at: m.bumped_at,
            recalled_at: m.recalled_at,
            voided_at: m.voided_at,
            expo_bumped_at: m.expo_bumped_at,
            version: m.version,
        };
        (head, m.location_id.into(), item)
    }
}

impl From<entities::kitchen_items::Model> for KitchenItem {
    fn from(m: entities::kitchen_items::Model) -> Self {
        Self::split(m).2
    }
}

/// A ticket on a screen: its items there, oldest first.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KitchenTicket {
    pub ticket_id: TicketId,
    pub number: i32,
    pub label: Option<String>,
    pub dining_option: DiningOption,
    /// When its oldest item here was fired.
    pub fired_at: DateTime<Utc>,
    /// Seconds since then, by the request's clock.
    pub age_secs: i64,
    /// `OK`, `WARN` (past the station's yellow) or `LATE` (past its red).
    pub aging: Aging,
    /// Expo: every item it waits for is ready.
    pub ready: bool,
    pub items: Vec<KitchenItem>,
    /// This station's work on the ticket that is still held (a later
    /// course, or an item paced to start later): what is coming.
    pub held: Vec<KitchenItem>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Aging {
    Ok,
    Warn,
    Late,
}

/// A station's screen: the station and its live tickets.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StationScreen {
    pub station: Station,
    pub tickets: Vec<KitchenTicket>,
}

/// A screen's move on one of its tickets.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "KitchenTicketMoveInput")]
#[schema(as = KitchenTicketMoveBody)]
#[serde(rename_all = "camelCase")]
pub struct TicketMove {
    pub station_id: StationId,
    pub ticket_id: TicketId,
    /// A bump or recall sent twice with the same key acts once.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// A screen's move on one item.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "KitchenItemMoveInput")]
#[schema(as = KitchenItemMoveBody)]
#[serde(rename_all = "camelCase")]
pub struct ItemMove {
    pub item_id: KitchenItemId,
    /// The version you saw; a stale one is `CONFLICT`.
    pub expected_version: Option<i32>,
}
