use sea_orm::entity::prelude::*;

table! {
    "pos_cash_movements",
    key { tenant_id: Uuid, id: Uuid },
    pub shift_id: Uuid,
    pub kind: CashMovementKind,
    pub amount_minor: i64,
    pub reason: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

text_enum! {
    /// Cash put into or taken out of the drawer (`pos_cash_movements.kind`).
    CashMovementKind {
        In = "in",
        Out = "out",
    }
}
