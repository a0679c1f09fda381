//! Exports: requested by a tenant (or a superadmin for a backup), written to
//! `EXPORT_DIR` by a `report-export` / `backup-run` job that reports its
//! progress as events, downloadable by that tenant only.
//!
//! Types here; `store.rs` (every statement), `request.rs` (asking, listing,
//! downloading), `runner.rs` (the job that writes the file), `csv.rs`.

mod csv;
mod request;
mod runner;
mod store;

pub(crate) use request::find;
pub use request::{backups, download, finished_backup, list, request, run_backup};
pub use runner::{EXPORT_JOB, ExportRunner};

use chrono::{DateTime, Utc};
use entities::exports::{ExportKind as KindColumn, ExportStatus};
use jobs::queue::Category;
use kernel::ExportId;
use sea_orm::ActiveEnum;
use serde::Serialize;
use std::path::PathBuf;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    serde::Deserialize,
    async_graphql::Enum,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// The business's users, as CSV.
    UsersCsv,
    /// The business's audit trail, as CSV.
    AuditCsv,
    /// Everything the business owns on the platform, as JSON.
    TenantBackup,
}

impl From<KindColumn> for ExportKind {
    fn from(k: KindColumn) -> Self {
        match k {
            KindColumn::UsersCsv => Self::UsersCsv,
            KindColumn::AuditCsv => Self::AuditCsv,
            KindColumn::TenantBackup => Self::TenantBackup,
        }
    }
}

impl From<ExportKind> for KindColumn {
    fn from(k: ExportKind) -> Self {
        match k {
            ExportKind::UsersCsv => Self::UsersCsv,
            ExportKind::AuditCsv => Self::AuditCsv,
            ExportKind::TenantBackup => Self::TenantBackup,
        }
    }
}

impl ExportKind {
    fn as_str(self) -> String {
        KindColumn::from(self).to_value()
    }

    /// Who may ask for it and download it.
    fn permission(self) -> &'static str {
        match self {
            Self::UsersCsv | Self::AuditCsv => "reporting.export.run",
            Self::TenantBackup => "admin.users.manage",
        }
    }

    fn category(self) -> Category {
        match self {
            Self::TenantBackup => Category::BackupRun,
            _ => Category::ReportExport,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::TenantBackup => "json",
            _ => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::TenantBackup => "application/json",
            _ => "text/csv; charset=utf-8",
        }
    }
}

/// What to export.
#[derive(Debug, Clone, serde::Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RequestExportInput")]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    pub kind: ExportKind,
}

#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Export {
    pub id: ExportId,
    pub kind: ExportKind,
    pub status: String,
    pub progress: i32,
    pub file_name: Option<String>,
    pub byte_size: Option<i64>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Where the finished file can be downloaded (with the same credentials).
    pub download_url: Option<String>,
}

fn download_url(id: ExportId) -> String {
    format!("/v1/exports/{id}/download")
}

impl From<entities::exports::Model> for Export {
    fn from(m: entities::exports::Model) -> Self {
        let id = ExportId(m.id);
        Self {
            download_url: (m.status == ExportStatus::Completed).then(|| download_url(id)),
            id,
            kind: m.kind.into(),
            status: m.status.to_value(),
            progress: m.progress,
            file_name: m.file_name,
            byte_size: m.byte_size,
            error: m.error,
            created_at: m.created_at,
            completed_at: m.completed_at,
        }
    }
}

/// Where an export's file lives.
fn file_path(
    dir: &std::path::Path,
    tenant: kernel::TenantId,
    id: ExportId,
    kind: ExportKind,
) -> PathBuf {
    dir.join(tenant.to_string())
        .join(format!("{id}.{}", kind.extension()))
}
