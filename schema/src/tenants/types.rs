//! A tenant, its lifecycle status and the inputs that register one or move
//! it through its lifecycle, each defined once for GraphQL, REST and OpenAPI.

use crate::text::{EmailAddress, LongName, Password, Reason, Slug};
use chrono::{DateTime, Utc};
use entities::tenants::TenantStatus as Stored;
use kernel::{TenantId, UserId};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Pending,
    Active,
    Rejected,
    Suspended,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Rejected => "rejected",
            Self::Suspended => "suspended",
        }
    }
}

impl From<Stored> for TenantStatus {
    fn from(s: Stored) -> Self {
        match s {
            Stored::Pending => Self::Pending,
            Stored::Active => Self::Active,
            Stored::Rejected => Self::Rejected,
            Stored::Suspended => Self::Suspended,
        }
    }
}

impl From<TenantStatus> for Stored {
    fn from(s: TenantStatus) -> Self {
        match s {
            TenantStatus::Pending => Self::Pending,
            TenantStatus::Active => Self::Active,
            TenantStatus::Rejected => Self::Rejected,
            TenantStatus::Suspended => Self::Suspended,
        }
    }
}

/// A business on the platform.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub status: TenantStatus,
    pub status_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    /// Offboarding: when the business's data is deleted, unless it is
    /// reactivated before then.
    pub deletion_due_at: Option<DateTime<Utc>>,
}

impl From<entities::tenants::Model> for Tenant {
    fn from(m: entities::tenants::Model) -> Self {
        Self {
            id: m.id.into(),
            slug: m.slug,
            name: m.name,
            status: m.status.into(),
            status_reason: m.status_reason,
            created_at: m.created_at,
            approved_at: m.approved_at,
            deletion_due_at: m.deletion_due_at,
        }
    }
}

/// A business registering itself, with its owner.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SignupInput")]
#[schema(as = SignupBody)]
#[serde(rename_all = "camelCase")]
pub struct SignupInput {
    pub business_name: LongName,
    /// The business's address on the platform: 3-63 lowercase letters, digits, dashes.
    pub slug: Slug,
    pub owner_name: LongName,
    pub email: EmailAddress,
    pub password: Password,
}

/// What signup made: the pending business and its owner's id.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Signup {
    pub tenant: Tenant,
    pub owner_id: UserId,
}

/// Why a business is rejected or suspended.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "TenantReason")]
#[schema(as = ReasonBody)]
#[serde(rename_all = "camelCase")]
pub struct TenantReason {
    /// Shown to the business.
    pub reason: Reason,
}
