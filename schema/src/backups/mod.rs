//! Backups of a business that can be restored, and businesses that leave.
//!
//! A backup (`platform-backup/2`) carries every tenant table the
//! migrations list, each with its row count and a SHA-256 of its rows, and
//! none of the sign-in secrets. A restore writes it back into the same
//! business (after a mistake) or into a new one (a copy), in one
//! transaction that proves its counts and hashes before it commits.
//! Offboarding suspends a business, takes a final backup and deletes its
//! data when the retention period ends.
//!
//! Types here; `catalog.rs` (which tables, in which order), `store.rs`
//! (every statement), `file.rs` (writing and reading the document),
//! `restore.rs`, `offboarding.rs`, `graphql.rs`.

pub(crate) mod catalog;
pub mod file;
pub mod graphql;
pub mod offboarding;
pub mod restore;
mod store;

use crate::tenants::service::Tenant;
use crate::text::{LongName, Reason, Slug};
use kernel::ExportId;
use serde::{Deserialize, Serialize};

/// The format this server writes and restores.
pub const FORMAT: &str = "platform-backup/2";

/// How a table takes part in a backup and a restore.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[graphql(name = "BackupShare")]
#[schema(as = BackupShare)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Share {
    /// The business's own data (staff, roles, menu, stock, sales): restored
    /// in both directions.
    Business,
    /// What the operator set for the business (modules, flag overrides):
    /// copied into a new business, left as they are in the same one.
    Settings,
    /// API keys: in the file without their secrets, never restored (a copy
    /// starts with none; the same business keeps the keys it has).
    Credentials,
    /// Records shared with the operator or append-only (audit trail,
    /// events, exports, billing, support): in the file, never rewritten.
    Record,
}

impl Share {
    /// Whether a restore of `target` writes this table.
    pub fn restored(self, target: RestoreTargetKind) -> bool {
        match self {
            Self::Business => true,
            Self::Settings => target == RestoreTargetKind::NewTenant,
            Self::Credentials | Self::Record => false,
        }
    }
}

/// One table of a backup: how many rows and their hash (SHA-256, hex, over
/// the rows' JSON without `tenant_id`, one per line in primary-key order).
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(name = "BackupTable")]
#[serde(rename_all = "camelCase")]
pub struct TableDigest {
    pub table: String,
    pub share: Share,
    pub rows: i64,
    pub sha256: String,
}

/// A table after a restore: the backup's figures and, where it was
/// written, the database's own recount (a restore whose recount differs
/// is rolled back, so these are equal when present).
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RestoredTable {
    pub table: String,
    pub share: Share,
    pub backup_rows: i64,
    pub backup_sha256: String,
    pub restored_rows: Option<i64>,
    pub restored_sha256: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RestoreTargetKind {
    SameTenant,
    NewTenant,
}

/// Restoring into the business the backup was taken of.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RestoreIntoSameTenantInput")]
#[serde(rename_all = "camelCase")]
pub struct SameTenant {
    /// The business's slug, typed back: its data since the backup is replaced.
    pub confirm_slug: Slug,
}

/// Restoring into a new business (a copy).
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RestoreAsNewTenantInput")]
#[serde(rename_all = "camelCase")]
pub struct NewTenant {
    pub slug: Slug,
    pub name: LongName,
}

/// Where a backup goes: the only way into another business is a new one.
#[derive(Debug, Clone, Deserialize, async_graphql::OneofObject, utoipa::ToSchema)]
#[graphql(name = "RestoreTarget")]
#[serde(rename_all = "camelCase")]
pub enum RestoreTarget {
    SameTenant(SameTenant),
    NewTenant(NewTenant),
}

impl RestoreTarget {
    pub fn kind(&self) -> RestoreTargetKind {
        match self {
            Self::SameTenant(_) => RestoreTargetKind::SameTenant,
            Self::NewTenant(_) => RestoreTargetKind::NewTenant,
        }
    }
}

/// A superadmin restores one of a business's backups (the business and
/// the backup are named beside it: the path over REST, arguments in GraphQL).
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RestoreBackupRequest")]
#[schema(as = RestoreBackupBody)]
#[serde(rename_all = "camelCase")]
pub struct RestoreInput {
    pub target: RestoreTarget,
    /// Why (kept on the audit row).
    pub reason: Reason,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    /// The business written to.
    pub tenant: Tenant,
    pub target: RestoreTargetKind,
    pub backup_id: ExportId,
    pub tables: Vec<RestoredTable>,
}

/// A superadmin asks for a business to leave the platform.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "OffboardTenantRequest")]
#[schema(as = OffboardTenantBody)]
#[serde(rename_all = "camelCase")]
pub struct OffboardInput {
    /// The business's slug, typed back.
    pub confirm_slug: Slug,
    /// Why (shown to the business as its suspension's reason).
    pub reason: Reason,
}

/// An offboarding asked for: the business is suspended, its final backup
/// runs, and its data is deleted at `deletionDueAt` unless it is
/// reactivated first.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Offboarding {
    pub tenant: Tenant,
    pub final_backup: crate::reporting::exports::Export,
}
