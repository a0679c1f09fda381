use sea_orm::entity::prelude::*;

table! {
    "pos_shifts",
    key { tenant_id: Uuid, id: Uuid },
    pub location_id: Uuid,
    pub currency: String,
    pub status: ShiftStatus,
    pub opening_float_minor: i64,
    pub opened_by: Option<Uuid>,
    pub opened_at: DateTimeUtc,
    pub counted_cash_minor: Option<i64>,
    pub expected_cash_minor: Option<i64>,
    pub variance_minor: Option<i64>,
    pub close_note: Option<String>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTimeUtc>,
    pub z_report: Option<Json>,
}

text_enum! {
    /// Whether a shift's cash drawer is open (`pos_shifts.status`).
    ShiftStatus {
        Open = "open",
        Closed = "closed",
    }
}
