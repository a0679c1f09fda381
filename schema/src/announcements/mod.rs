//! Announcements: the operator's messages to tenants (everyone, chosen
//! businesses, or those on chosen plans), shown between a start and an end,
//! live over the event stream, dismissable per user until edited.
//!
//! The operator writes them (`commands.rs`); tenants' users read the ones
//! addressed to them (`read.rs`; row-level security on `announcements` keeps
//! the rest out of a tenant's transaction); `publish.rs` tells the addressed
//! tenants' event streams when one starts, changes, ends or is withdrawn.

pub mod commands;
pub mod graphql;
pub mod publish;
pub mod read;
pub(crate) mod store;

pub use commands::{create, update, withdraw};
pub use read::{dismiss, list, visible};

use crate::text::{MessageBody, PlanCode, Reason, Title};
use chrono::{DateTime, Utc};
use entities::announcements as rows;
use kernel::{AnnouncementId, TenantId};
use serde::{Deserialize, Serialize};

/// How loud an announcement is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "AnnouncementSeverity")]
#[schema(as = AnnouncementSeverity)]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// Where a client shows it: a banner across the app, or a notification.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "AnnouncementDisplay")]
#[schema(as = AnnouncementDisplay)]
pub enum Display {
    Banner,
    Notification,
}

/// Who an announcement is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "AnnouncementAudience")]
#[schema(as = AnnouncementAudience)]
pub enum Audience {
    /// Every business on the platform.
    All,
    /// The businesses in `tenantIds`.
    Tenants,
    /// The businesses subscribed to a plan in `planCodes`.
    Plans,
}

/// Where an announcement is in its life, at the time of reading.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AnnouncementStatus {
    Scheduled,
    Live,
    Ended,
    Withdrawn,
}

crate::wire::wire_enum!(
    Severity,
    rows::Severity {
        Info,
        Warning,
        Critical
    }
);
crate::wire::wire_enum!(
    Display,
    rows::Display {
        Banner,
        Notification
    }
);
crate::wire::wire_enum!(
    Audience,
    rows::Audience {
        All,
        Tenants,
        Plans
    }
);

/// An announcement as the operator sees it, addressing included.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Announcement {
    pub id: AnnouncementId,
    pub title: String,
    pub body: String,
    pub severity: Severity,
    pub display: Display,
    pub dismissable: bool,
    pub audience: Audience,
    pub tenant_ids: Vec<TenantId>,
    pub plan_codes: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Raised by every edit; a dismissal holds for the revision it saw.
    pub revision: i32,
    pub status: AnnouncementStatus,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Announcement {
    pub(crate) fn from_row(m: rows::Model, now: DateTime<Utc>) -> Self {
        let status = if m.withdrawn_at.is_some() {
            AnnouncementStatus::Withdrawn
        } else if now < m.starts_at {
            AnnouncementStatus::Scheduled
        } else if now < m.ends_at {
            AnnouncementStatus::Live
        } else {
            AnnouncementStatus::Ended
        };
        Self {
            id: m.id.into(),
            title: m.title,
            body: m.body,
            severity: m.severity.into(),
            display: m.display.into(),
            dismissable: m.dismissable,
            audience: m.audience.into(),
            tenant_ids: m.tenant_ids.into_iter().map(TenantId).collect(),
            plan_codes: m.plan_codes,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            revision: m.revision,
            status,
            withdrawn_at: m.withdrawn_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// An announcement as a tenant's user sees it: the message, never whom
/// else it went to.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[graphql(name = "AnnouncementNotice")]
#[schema(as = AnnouncementNotice)]
pub struct Notice {
    pub id: AnnouncementId,
    pub title: String,
    pub body: String,
    pub severity: Severity,
    pub display: Display,
    pub dismissable: bool,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub revision: i32,
}

impl From<rows::Model> for Notice {
    fn from(m: rows::Model) -> Self {
        Self {
            id: m.id.into(),
            title: m.title,
            body: m.body,
            severity: m.severity.into(),
            display: m.display.into(),
            dismissable: m.dismissable,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            revision: m.revision,
        }
    }
}

/// A new announcement.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "NewAnnouncementInput")]
#[serde(rename_all = "camelCase")]
pub struct NewAnnouncement {
    pub title: Title,
    pub body: MessageBody,
    pub severity: Severity,
    pub display: Display,
    /// Whether users may dismiss it (default: yes).
    #[graphql(default = true)]
    #[serde(default = "yes")]
    pub dismissable: bool,
    pub audience: Audience,
    /// With `TENANTS`: the businesses it is for.
    #[serde(default)]
    pub tenant_ids: Option<Vec<TenantId>>,
    /// With `PLANS`: the plans whose subscribers it is for.
    #[serde(default)]
    pub plan_codes: Option<Vec<PlanCode>>,
    /// From when it shows (default: now).
    pub starts_at: Option<DateTime<Utc>>,
    /// Until when; must be after `startsAt`.
    pub ends_at: DateTime<Utc>,
    /// Why the operator sends it (kept on the audit row).
    pub reason: Reason,
}

fn yes() -> bool {
    true
}

/// An edit; leave a field out to keep it. An edit is a new revision, so
/// users who dismissed the old one see it again.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "AnnouncementPatchInput")]
#[serde(rename_all = "camelCase")]
pub struct AnnouncementPatch {
    pub title: Option<Title>,
    pub body: Option<MessageBody>,
    pub severity: Option<Severity>,
    pub display: Option<Display>,
    pub dismissable: Option<bool>,
    pub audience: Option<Audience>,
    pub tenant_ids: Option<Vec<TenantId>>,
    pub plan_codes: Option<Vec<PlanCode>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub reason: Reason,
}
