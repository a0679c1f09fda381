use sea_orm::entity::prelude::*;

table! {
    "tenants",
    key { id: Uuid },
    pub slug: String,
    pub name: String,
    pub status: TenantStatus,
    pub status_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub approved_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    pub deletion_due_at: Option<DateTimeUtc>,
    pub final_backup_id: Option<Uuid>,
}

text_enum! {
    /// A tenant's place in its lifecycle (`tenants.status`).
    TenantStatus {
        Pending = "pending",
        Active = "active",
        Rejected = "rejected",
        Suspended = "suspended",
    }
}
