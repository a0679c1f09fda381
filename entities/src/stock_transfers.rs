use sea_orm::entity::prelude::*;

table! {
    "stock_transfers",
    key { tenant_id: Uuid, id: Uuid },
    pub from_location_id: Uuid,
    pub to_location_id: Uuid,
    pub status: TransferStatus,
    pub note: Option<String>,
    pub created_by: Option<Uuid>,
    pub sent_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

text_enum! {
    /// A stock transfer's state (`stock_transfers.status`).
    TransferStatus {
        InTransit = "in_transit",
        Received = "received",
        Cancelled = "cancelled",
    }
}
