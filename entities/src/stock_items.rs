use sea_orm::entity::prelude::*;

table! {
    "stock_items",
    key { tenant_id: Uuid, id: Uuid },
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    pub menu_item_id: Option<Uuid>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

text_enum! {
    /// The unit a stock item is counted in (`stock_items.unit`).
    StockUnit {
        Each = "each",
        G = "g",
        Kg = "kg",
        Ml = "ml",
        L = "l",
    }
}
