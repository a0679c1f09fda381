//! The support inbox: a business's users open tickets, attach files and
//! reply; the operator answers publicly or notes internally, assigns, and
//! works the queue by SLA due time, counted in the operator's business hours.
//!
//! - `tickets.rs`: what a business does (open, reply, mark solved);
//! - `desk.rs`: what the operator does (answer, note, assign, status, priority);
//! - `attachments.rs`: uploads under the export directory, and downloads;
//! - `read.rs`: the business's tickets, the operator's queue and threads;
//! - `settings.rs`: the calendar and SLA policies; `calendar.rs`, `sla.rs`:
//!   the business-hours arithmetic and the clocks' rules;
//! - `scheduler.rs`: breaches, near-breaches, auto-close, stale uploads;
//! - `notices.rs`: the emails both ways.
//!
//! Internal notes are kept where a tenant's transaction cannot read
//! (`support_internal_notes` has no grant for `platform_app`), and the
//! types a business sees have no field that could carry one.

pub mod attachments;
pub mod calendar;
pub mod desk;
pub mod graphql;
pub mod notices;
pub mod read;
pub mod scheduler;
pub mod settings;
pub mod sla;
pub(crate) mod store;
pub mod tickets;
pub(crate) mod workflow;

use crate::text::{MessageBody, Reason, Title};
use chrono::{DateTime, NaiveDate, Utc};
use entities::support_tickets as rows;
use kernel::{
    SupportAttachmentId, SupportMessageId, SupportNoteId, SupportTicketId, TenantId, UserId,
};
use serde::{Deserialize, Serialize};

/// What a ticket is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "SupportCategory")]
#[schema(as = SupportCategory)]
pub enum Category {
    Account,
    Billing,
    Technical,
    MenuAndPos,
    FeatureRequest,
    Other,
}

/// How urgent a ticket is; each has its SLA policy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "SupportPriority")]
#[schema(as = SupportPriority)]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

/// Where a ticket is: `NEW` until the operator first answers, `PENDING`
/// while waiting on the business (SLA clocks paused), `SOLVED` until it
/// closes by itself after the configured time (a reply reopens it), then
/// `CLOSED` for good.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "SupportTicketStatus")]
#[schema(as = SupportTicketStatus)]
pub enum TicketStatus {
    New,
    Open,
    Pending,
    OnHold,
    Solved,
    Closed,
}

crate::wire::wire_enum!(
    Category,
    rows::Category {
        Account,
        Billing,
        Technical,
        MenuAndPos,
        FeatureRequest,
        Other
    }
);
crate::wire::wire_enum!(
    Priority,
    rows::Priority {
        Low,
        Normal,
        High,
        Urgent
    }
);
crate::wire::wire_enum!(
    TicketStatus,
    rows::Status {
        New,
        Open,
        Pending,
        OnHold,
        Solved,
        Closed
    }
);

impl TicketStatus {
    /// The wire name, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "NEW",
            Self::Open => "OPEN",
            Self::Pending => "PENDING",
            Self::OnHold => "ON_HOLD",
            Self::Solved => "SOLVED",
            Self::Closed => "CLOSED",
        }
    }
}

/// A support ticket as the business that opened it sees it.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportTicket {
    pub id: SupportTicketId,
    /// What people quote: ticket 1042.
    pub number: i32,
    pub subject: String,
    pub category: Category,
    pub priority: Priority,
    pub status: TicketStatus,
    pub requester_id: UserId,
    pub first_replied_at: Option<DateTime<Utc>>,
    pub solved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<rows::Model> for SupportTicket {
    fn from(m: rows::Model) -> Self {
        Self {
            id: m.id.into(),
            number: m.number,
            subject: m.subject,
            category: m.category.into(),
            priority: m.priority.into(),
            status: m.status.into(),
            requester_id: m.requester_id.into(),
            first_replied_at: m.first_replied_at,
            solved_at: m.solved_at,
            closed_at: m.closed_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, async_graphql::Enum, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "SupportAuthorKind")]
pub enum AuthorKind {
    /// A user of the business.
    Business,
    /// The platform's support team.
    Operator,
}

/// A file attached to a message.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportAttachment {
    pub id: SupportAttachmentId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Where the business downloads it (`GET`, with its bearer token).
    pub download_path: String,
}

impl From<entities::support_attachments::Model> for SupportAttachment {
    fn from(m: entities::support_attachments::Model) -> Self {
        Self {
            id: m.id.into(),
            download_path: format!("/v1/support/attachments/{}", m.id),
            file_name: m.file_name,
            content_type: m.content_type,
            size_bytes: i32::try_from(m.size_bytes).unwrap_or(i32::MAX),
            sha256: m.sha256,
        }
    }
}

/// A message of the public conversation, which both sides see.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportMessage {
    pub id: SupportMessageId,
    pub author_kind: AuthorKind,
    pub author_name: String,
    pub body: String,
    pub attachments: Vec<SupportAttachment>,
    pub created_at: DateTime<Utc>,
}

/// A ticket with its public conversation: all a business ever sees of it.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportThread {
    pub ticket: SupportTicket,
    pub messages: Vec<SupportMessage>,
}

/// An operator's internal note: seen by superadmins only.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportNote {
    pub id: SupportNoteId,
    pub author_id: UserId,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A ticket as the operator's queue shows it.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportCase {
    pub ticket: SupportTicket,
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    /// The earliest due time of a running SLA clock.
    pub sla_due_at: Option<DateTime<Utc>>,
    pub sla_breached: bool,
    /// Some running clock has passed the warning share of its target.
    pub sla_near_breach: bool,
    pub sla: Vec<sla::SlaClock>,
}

/// A case with its conversation and the internal notes.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportCaseThread {
    pub case: SupportCase,
    pub messages: Vec<SupportMessage>,
    pub notes: Vec<SupportNote>,
}

/// A business opens a ticket.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "NewSupportTicketInput")]
#[serde(rename_all = "camelCase")]
pub struct NewSupportTicket {
    pub subject: Title,
    pub body: MessageBody,
    pub category: Category,
    /// Default `NORMAL`.
    pub priority: Option<Priority>,
    /// Files uploaded beforehand (`POST /v1/support/uploads`).
    #[serde(default)]
    pub attachment_ids: Option<Vec<SupportAttachmentId>>,
}

/// A public message on a ticket.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SupportReplyInput")]
#[serde(rename_all = "camelCase")]
pub struct SupportReply {
    pub body: MessageBody,
    #[serde(default)]
    pub attachment_ids: Option<Vec<SupportAttachmentId>>,
}

/// The operator's public answer, and where it leaves the ticket.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SupportAnswerInput")]
#[serde(rename_all = "camelCase")]
pub struct SupportAnswer {
    pub body: MessageBody,
    #[serde(default)]
    pub attachment_ids: Option<Vec<SupportAttachmentId>>,
    /// `OPEN`, `PENDING` (the default: waiting on the business), `ON_HOLD`
    /// or `SOLVED`.
    pub status: Option<TicketStatus>,
}

/// The operator's internal note.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SupportNoteInput")]
#[serde(rename_all = "camelCase")]
pub struct NewSupportNote {
    pub body: MessageBody,
}

/// The operator moves a ticket.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SupportStatusInput")]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    /// `OPEN`, `PENDING`, `ON_HOLD`, `SOLVED`, or `CLOSED` from `SOLVED`.
    pub status: TicketStatus,
    pub reason: Reason,
}

/// The operator gives a ticket to a superadmin (or to nobody).
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SupportAssignmentInput")]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    /// A superadmin's id; absent to unassign.
    pub assignee_id: Option<UserId>,
    pub reason: Reason,
}

/// The operator changes how urgent a ticket is (its SLA targets follow).
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SupportPriorityInput")]
#[serde(rename_all = "camelCase")]
pub struct PriorityChange {
    pub priority: Priority,
    pub reason: Reason,
}

/// One opening interval of the support desk, in its zone's local time.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportOpening {
    /// ISO weekday: Monday 1 ... Sunday 7.
    pub weekday: i32,
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM`; `24:00` is midnight at the end of the day.
    pub closes: String,
}

/// One opening interval, as the operator sets it.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SupportOpeningInput")]
#[schema(as = SupportOpeningInput)]
#[serde(rename_all = "camelCase")]
pub struct NewOpening {
    /// ISO weekday: Monday 1 ... Sunday 7.
    pub weekday: i32,
    pub opens: crate::text::TimeOfDay,
    /// `24:00` is midnight at the end of the day.
    pub closes: crate::text::TimeOfDay,
}

/// The support desk's calendar and rules.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportSettings {
    pub time_zone: String,
    pub hours: Vec<SupportOpening>,
    pub holidays: Vec<NaiveDate>,
    /// Solved tickets close this many hours after being solved.
    pub auto_close_hours: i32,
    /// A clock is near breach past this share of its target.
    pub warn_percent: i32,
    pub policies: Vec<SlaPolicy>,
}

/// The SLA targets of one priority, in business minutes.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicy {
    pub priority: Priority,
    pub first_reply_minutes: i32,
    pub next_reply_minutes: i32,
    pub resolution_minutes: i32,
}

/// New calendar and rules; leave a field out to keep it.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SupportSettingsInput")]
#[serde(rename_all = "camelCase")]
pub struct SettingsPatch {
    pub time_zone: Option<crate::text::TimeZone>,
    pub hours: Option<Vec<NewOpening>>,
    pub holidays: Option<Vec<NaiveDate>>,
    pub auto_close_hours: Option<i32>,
    pub warn_percent: Option<i32>,
    pub reason: Reason,
}

/// New targets for one priority.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SlaPolicyInput")]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicyChange {
    pub priority: Priority,
    pub first_reply_minutes: i32,
    pub next_reply_minutes: i32,
    pub resolution_minutes: i32,
    pub reason: Reason,
}

/// How the operator's queue is ordered.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "SupportQueueSort")]
#[schema(as = SupportQueueSort)]
pub enum QueueSort {
    /// Soonest SLA due time first (breached ones lead), then oldest.
    #[default]
    SlaDue,
    Newest,
    Oldest,
    /// Most urgent first, then soonest due.
    Priority,
}

/// Which tickets the operator's queue shows.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::IntoParams)]
#[graphql(name = "SupportQueueFilter")]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct QueueFilter {
    /// Default: every status but `SOLVED` and `CLOSED`.
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub tenant_id: Option<TenantId>,
    pub assignee_id: Option<UserId>,
    /// Only tickets nobody is assigned to.
    pub unassigned: Option<bool>,
    /// Only tickets with a breached clock.
    pub breached: Option<bool>,
}
