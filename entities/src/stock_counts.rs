use sea_orm::entity::prelude::*;

table! {
    "stock_counts",
    key { tenant_id: Uuid, id: Uuid },
    pub location_id: Uuid,
    pub status: CountStatus,
    pub note: Option<String>,
    pub started_by: Option<Uuid>,
    pub started_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

text_enum! {
    /// A stock count's state (`stock_counts.status`).
    CountStatus {
        Open = "open",
        Posted = "posted",
        Cancelled = "cancelled",
    }
}
