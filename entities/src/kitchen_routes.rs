use sea_orm::entity::prelude::*;

table! {
    "kitchen_routes",
    key {
        tenant_id: Uuid,
        location_id: Uuid,
        target_kind: TargetKind,
        target_id: Uuid,
        dining_option: RouteDiningOption,
        station_id: Uuid,
    },
    pub created_at: DateTimeUtc,
}

text_enum! {
    /// What a rule routes (`kitchen_routes.target_kind`).
    TargetKind {
        Category = "category",
        Item = "item",
        Modifier = "modifier",
    }
}

text_enum! {
    /// The dining option a rule is for (`kitchen_routes.dining_option`).
    RouteDiningOption {
        Any = "any",
        DineIn = "dine_in",
        Takeout = "takeout",
        Delivery = "delivery",
    }
}
