use sea_orm::entity::prelude::*;

table! {
    "exports",
    key { tenant_id: Uuid, id: Uuid },
    pub kind: ExportKind,
    pub status: ExportStatus,
    pub progress: i32,
    pub file_name: Option<String>,
    pub byte_size: Option<i64>,
    pub error: Option<String>,
    pub requested_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

text_enum! {
    /// What an export produces (`exports.kind`).
    ExportKind {
        UsersCsv = "users_csv",
        AuditCsv = "audit_csv",
        TenantBackup = "tenant_backup",
    }
}

text_enum! {
    /// Where an export job is (`exports.status`).
    ExportStatus {
        Queued = "queued",
        Running = "running",
        Completed = "completed",
        Failed = "failed",
    }
}
