//! A ticket and its lines: the types, and the inputs of every ticket
//! command, each defined once for GraphQL, REST (serde) and OpenAPI.
//!
//! Where things happen: `lifecycle.rs` opens, relabels, sends and voids a
//! ticket; `lines.rs` adds, changes and voids lines; `discounts.rs` sets line
//! and ticket discounts; `change.rs` is the step they share (lock against the
//! version the caller saw, reprice, publish); `read.rs` reads; `store.rs` owns
//! every statement. Payments live in `payments/`, the arithmetic in
//! `pricing.rs`.

mod change;
mod discounts;
mod lifecycle;
mod lines;
pub(crate) mod read;
mod regroup;
pub(crate) mod store;

pub(crate) use change::{lock, ticket_event};
pub use discounts::set_discount;
pub use lifecycle::{fire_course, open, send, update, void};
pub(crate) use lines::check_course;
pub use lines::{add_line, update_line, void_line};
pub use read::{get, lines_of_tickets, list};
pub use regroup::{TicketSplit, merge, move_to, split};

use super::pricing::Discount;
use crate::text::{CurrencyCode, Label, Note, Reason};
use async_graphql::MaybeUndefined;
use chrono::{DateTime, NaiveDate, Utc};
use entities::pos_ticket_lines as line_rows;
use entities::pos_tickets as ticket_rows;
use kernel::{
    AppError, AppResult, LineId, LocationId, MenuItemId, ModifierGroupId, ModifierId, TicketId,
    UserId, VariantId,
};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketStatus {
    Open,
    Settled,
    Voided,
    /// Its lines were merged into another ticket (`mergedInto`).
    Merged,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Settled => "settled",
            Self::Voided => "voided",
            Self::Merged => "merged",
        }
    }
}

impl From<ticket_rows::TicketStatus> for TicketStatus {
    fn from(s: ticket_rows::TicketStatus) -> Self {
        match s {
            ticket_rows::TicketStatus::Open => Self::Open,
            ticket_rows::TicketStatus::Settled => Self::Settled,
            ticket_rows::TicketStatus::Voided => Self::Voided,
            ticket_rows::TicketStatus::Merged => Self::Merged,
        }
    }
}

impl From<TicketStatus> for ticket_rows::TicketStatus {
    fn from(s: TicketStatus) -> Self {
        match s {
            TicketStatus::Open => Self::Open,
            TicketStatus::Settled => Self::Settled,
            TicketStatus::Voided => Self::Voided,
            TicketStatus::Merged => Self::Merged,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiscountKind {
    /// `value` is basis points: 1000 = 10 %.
    Percent,
    /// `value` is minor units off.
    Amount,
}

impl From<ticket_rows::DiscountKind> for DiscountKind {
    fn from(k: ticket_rows::DiscountKind) -> Self {
        match k {
            ticket_rows::DiscountKind::Percent => Self::Percent,
            ticket_rows::DiscountKind::Amount => Self::Amount,
        }
    }
}

impl From<DiscountKind> for ticket_rows::DiscountKind {
    fn from(k: DiscountKind) -> Self {
        match k {
            DiscountKind::Percent => Self::Percent,
            DiscountKind::Amount => Self::Amount,
        }
    }
}

/// A discount on a line or a ticket, with why it was given.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppliedDiscount {
    pub kind: DiscountKind,
    pub value: i64,
    pub reason: Option<String>,
}

impl AppliedDiscount {
    /// The three discount columns of a ticket or line, read together.
    fn from_columns(
        kind: Option<ticket_rows::DiscountKind>,
        value: Option<i64>,
        reason: Option<String>,
    ) -> Option<Self> {
        Some(Self {
            kind: kind?.into(),
            value: value?,
            reason,
        })
    }

    pub(crate) fn rule(&self) -> Discount {
        match self.kind {
            DiscountKind::Percent => Discount::Percent(self.value),
            DiscountKind::Amount => Discount::Amount(self.value),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
#[schema(as = TicketHeader)]
pub struct Ticket {
    pub id: TicketId,
    pub location_id: LocationId,
    /// The local date the ticket belongs to; the day turns at 04:00 local time.
    pub business_day: NaiveDate,
    /// 1, 2, 3… per business per business day.
    pub number: i32,
    /// A table, a name, a buzzer number.
    pub label: Option<String>,
    pub status: TicketStatus,
    /// Fixed by the first line when not given at opening.
    pub currency: Option<String>,
    pub discount: Option<AppliedDiscount>,
    pub service_charge_bp: i32,
    /// Sum of the lines' gross amounts.
    pub subtotal_minor: i64,
    /// Line and ticket discounts.
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub service_charge_minor: i64,
    /// What is owed: net subtotal + tax + service charge (tips are extra).
    pub total_minor: i64,
    pub paid_minor: i64,
    pub tip_minor: i64,
    pub refunded_minor: i64,
    /// Still to pay.
    pub balance_minor: i64,
    pub opened_by: Option<UserId>,
    pub opened_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    /// Eaten here, taken away or delivered: the kitchen may route by it.
    pub dining_option: DiningOption,
    /// The ticket that took its lines, when merged.
    pub merged_into: Option<TicketId>,
    /// Bumped by every change; pass it back to change against what you saw.
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// How a ticket's food leaves the kitchen.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiningOption {
    DineIn,
    Takeout,
    Delivery,
}

crate::wire::wire_enum!(
    DiningOption,
    ticket_rows::DiningOption {
        DineIn,
        Takeout,
        Delivery
    }
);

impl From<ticket_rows::Model> for Ticket {
    fn from(r: ticket_rows::Model) -> Self {
        Self {
            status: r.status.into(),
            discount: AppliedDiscount::from_columns(
                r.discount_kind,
                r.discount_value,
                r.discount_reason,
            ),
            balance_minor: r.total_minor - r.paid_minor,
            id: r.id.into(),
            location_id: r.location_id.into(),
            business_day: r.business_day,
            number: r.number,
            label: r.label,
            currency: r.currency,
            service_charge_bp: r.service_charge_bp,
            subtotal_minor: r.subtotal_minor,
            discount_minor: r.discount_minor,
            tax_minor: r.tax_minor,
            service_charge_minor: r.service_charge_minor,
            total_minor: r.total_minor,
            paid_minor: r.paid_minor,
            tip_minor: r.tip_minor,
            refunded_minor: r.refunded_minor,
            opened_by: r.opened_by.map(Into::into),
            opened_at: r.opened_at,
            sent_at: r.sent_at,
            settled_at: r.settled_at,
            voided_at: r.voided_at,
            void_reason: r.void_reason,
            dining_option: r.dining_option.into(),
            merged_into: r.merged_into.map(Into::into),
            version: r.version,
            updated_at: r.updated_at,
        }
    }
}

/// A modifier as it was chosen for a line (names and prices kept as sold).
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    async_graphql::SimpleObject,
    utoipa::ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct ChosenModifier {
    pub modifier_id: ModifierId,
    pub group_id: ModifierGroupId,
    pub name: String,
    pub price_delta_minor: i64,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LineStatus {
    Active,
    Voided,
}

impl From<line_rows::LineStatus> for LineStatus {
    fn from(s: line_rows::LineStatus) -> Self {
        match s {
            line_rows::LineStatus::Active => Self::Active,
            line_rows::LineStatus::Voided => Self::Voided,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct TicketLine {
    pub id: LineId,
    #[graphql(skip)]
    pub ticket_id: TicketId,
    pub position: i32,
    pub menu_item_id: MenuItemId,
    pub variant_id: Option<VariantId>,
    pub sku: String,
    pub name: String,
    pub variant_name: Option<String>,
    pub quantity: i32,
    /// The item's price with its variant, when added.
    pub unit_price_minor: i64,
    pub modifiers: Vec<ChosenModifier>,
    pub tax_rate_bp: i32,
    pub note: Option<String>,
    pub discount: Option<AppliedDiscount>,
    pub status: LineStatus,
    pub void_reason: Option<String>,
    pub gross_minor: i64,
    /// Its own discount and its share of the ticket's.
    pub discount_minor: i64,
    pub net_minor: i64,
    pub tax_minor: i64,
    /// How many were refunded and put back in stock.
    pub returned: i32,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// 1 for starters, 2 for mains...: the kitchen holds a course until
    /// the one before it is done (or it is fired).
    pub course: i32,
    /// The guest's seat, for splitting by seat.
    pub seat: Option<i32>,
}

impl TicketLine {
    pub(crate) fn unit_with_modifiers(&self) -> i64 {
        self.unit_price_minor
            + self
                .modifiers
                .iter()
                .map(|m| m.price_delta_minor)
                .sum::<i64>()
    }
}

impl TryFrom<line_rows::Model> for TicketLine {
    type Error = AppError;
    fn try_from(r: line_rows::Model) -> AppResult<Self> {
        Ok(Self {
            modifiers: serde_json::from_value(r.modifiers)?,
            discount: AppliedDiscount::from_columns(
                r.discount_kind,
                r.discount_value,
                r.discount_reason,
            ),
            status: r.status.into(),
            id: r.id.into(),
            ticket_id: r.ticket_id.into(),
            position: r.position,
            menu_item_id: r.menu_item_id.into(),
            variant_id: r.variant_id.map(Into::into),
            sku: r.sku,
            name: r.name,
            variant_name: r.variant_name,
            quantity: r.quantity,
            unit_price_minor: r.unit_price_minor,
            tax_rate_bp: r.tax_rate_bp,
            note: r.note,
            void_reason: r.void_reason,
            gross_minor: r.gross_minor,
            discount_minor: r.discount_minor,
            net_minor: r.net_minor,
            tax_minor: r.tax_minor,
            returned: r.returned,
            sent_at: r.sent_at,
            created_at: r.created_at,
            course: r.course,
            seat: r.seat,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub location_id: Option<LocationId>,
    pub status: Option<TicketStatus>,
    pub business_day: Option<NaiveDate>,
}

fn one() -> i32 {
    1
}

/// A ticket to open.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "OpenTicketInput")]
#[schema(as = OpenTicketBody)]
#[serde(rename_all = "camelCase")]
pub struct NewTicket {
    pub location_id: LocationId,
    /// A table, a name, a buzzer number.
    pub label: Option<Label>,
    /// ISO 4217; taken from the first item when left out.
    pub currency: Option<CurrencyCode>,
    /// Basis points of the net subtotal: 1250 = 12.5 %. 0 when left out.
    #[graphql(default)]
    #[serde(default)]
    pub service_charge_bp: i32,
    /// `DINE_IN` when left out.
    pub dining_option: Option<DiningOption>,
}

/// Leave a field out to keep it; `expectedVersion` guards against lost updates.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "TicketPatchInput")]
#[schema(as = TicketPatchBody)]
#[serde(rename_all = "camelCase")]
pub struct TicketPatch {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    /// A new label; `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<Label>, nullable)]
    pub label: MaybeUndefined<Label>,
    /// Basis points of the net subtotal.
    pub service_charge_bp: Option<i32>,
    /// Lines already fired keep their stations; new ones route by this.
    pub dining_option: Option<DiningOption>,
}

/// `{}`, or the version you read.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "TicketVersionInput")]
#[schema(as = TicketVersionBody)]
#[serde(rename_all = "camelCase")]
pub struct TicketVersion {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
}

/// Sends what the kitchen has not seen; `{}` fires course 1 and holds the
/// later ones while an earlier course is in the kitchen.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SendTicketOptionsInput")]
#[schema(as = SendTicketBody)]
#[serde(rename_all = "camelCase")]
pub struct SendTicket {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    /// Courses to hold otherwise: by hand, or until a time.
    #[graphql(default)]
    #[serde(default)]
    pub courses: Vec<crate::kitchen::pacing::CourseTiming>,
    /// Spread each course's items so they finish together: the slowest
    /// starts at once, each other one its prep time minus theirs later.
    #[graphql(default)]
    #[serde(default)]
    pub fire_by_prep_time: bool,
}

/// Which course to fire now.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "FireCourseOptionsInput")]
#[schema(as = FireCourseBody)]
#[serde(rename_all = "camelCase")]
pub struct FireCourse {
    /// 1 to 9: everything of it the kitchen holds is fired.
    pub course: i32,
}

/// Lines to take to a new ticket: give `lineIds` or `seats`.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SplitTicketOptionsInput")]
#[schema(as = SplitTicketBody)]
#[serde(rename_all = "camelCase")]
pub struct SplitTicket {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    /// Active lines of the ticket to take.
    #[graphql(default)]
    #[serde(default)]
    pub line_ids: Vec<LineId>,
    /// Or every active line at these seats.
    #[graphql(default)]
    #[serde(default)]
    pub seats: Vec<i32>,
    /// The new ticket's label; the ticket's own when left out.
    pub label: Option<Label>,
}

/// The ticket whose lines come onto this one.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "MergeTicketsOptionsInput")]
#[schema(as = MergeTicketsBody)]
#[serde(rename_all = "camelCase")]
pub struct MergeTickets {
    /// This ticket's version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    /// Open, unpaid, at the same location; it ends `MERGED`.
    pub source_ticket_id: TicketId,
}

/// Where the ticket goes.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "MoveTicketOptionsInput")]
#[schema(as = MoveTicketBody)]
#[serde(rename_all = "camelCase")]
pub struct MoveTicket {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    /// The table (or name, or buzzer) it moves to.
    pub label: Label,
}

/// Why a ticket is voided.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "TicketVoidInput")]
#[schema(as = VoidTicketBody)]
#[serde(rename_all = "camelCase")]
pub struct TicketVoid {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    /// Why, up to 500 characters.
    pub reason: Reason,
}

/// A line to add.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "NewTicketLineInput")]
#[schema(as = TicketLineBody)]
#[serde(rename_all = "camelCase")]
pub struct NewLine {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    pub menu_item_id: MenuItemId,
    pub variant_id: Option<VariantId>,
    /// Chosen from the item's modifier groups, within their limits.
    #[graphql(default)]
    #[serde(default)]
    pub modifier_ids: Vec<ModifierId>,
    /// 1 to 999; 1 when left out.
    #[graphql(default = 1)]
    #[serde(default = "one")]
    #[schema(default = 1)]
    pub quantity: i32,
    /// Up to 500 characters, for the kitchen.
    pub note: Option<Note>,
    /// 1 to 9; 1 when left out.
    #[graphql(default = 1)]
    #[serde(default = "one")]
    #[schema(default = 1)]
    pub course: i32,
    /// 1 to 99: the guest's seat.
    pub seat: Option<i32>,
}

/// Leave a field out to keep it. Only lines the kitchen has not seen change.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "TicketLinePatchInput")]
#[schema(as = TicketLinePatchBody)]
#[serde(rename_all = "camelCase")]
pub struct LinePatch {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    /// 1 to 999.
    pub quantity: Option<i32>,
    /// Up to 500 characters, for the kitchen.
    pub note: Option<Note>,
    /// Replaces the modifiers when given.
    pub modifier_ids: Option<Vec<ModifierId>>,
    /// 1 to 9.
    pub course: Option<i32>,
    /// 1 to 99; `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<i32>, nullable)]
    pub seat: MaybeUndefined<i32>,
}

/// Why a line is voided.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "TicketLineVoidInput")]
#[schema(as = VoidTicketLineBody)]
#[serde(rename_all = "camelCase")]
pub struct LineVoid {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    /// Required once the kitchen has the line.
    pub reason: Option<Reason>,
}

/// Give `percentBp` or `amountMinor`; neither removes the discount.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "TicketDiscountInput")]
#[schema(as = TicketDiscountBody)]
#[serde(rename_all = "camelCase")]
pub struct DiscountInput {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    /// Basis points off: 1000 = 10 %. Give this or `amountMinor`; neither removes the discount.
    pub percent_bp: Option<i64>,
    /// Minor units off.
    pub amount_minor: Option<i64>,
    /// Up to 500 characters.
    pub reason: Option<Reason>,
}
