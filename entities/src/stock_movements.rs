use sea_orm::entity::prelude::*;

table! {
    "stock_movements",
    key { tenant_id: Uuid, id: Uuid },
    pub stock_item_id: Uuid,
    pub location_id: Uuid,
    pub kind: MovementKind,
    pub quantity_milli: i64,
    pub counted_milli: Option<i64>,
    pub occurred_at: DateTimeUtc,
    pub recorded_at: DateTimeUtc,
    pub reason: Option<String>,
    pub source_type: Option<String>,
    pub source_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
}

text_enum! {
    /// Why stock moved (`stock_movements.kind`).
    MovementKind {
        Received = "received",
        Sale = "sale",
        Waste = "waste",
        CountCorrection = "count_correction",
        TransferOut = "transfer_out",
        TransferIn = "transfer_in",
        RefundReturn = "refund_return",
    }
}
