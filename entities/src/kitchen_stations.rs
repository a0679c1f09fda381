use sea_orm::entity::prelude::*;

table! {
    "kitchen_stations",
    key { tenant_id: Uuid, id: Uuid },
    pub location_id: Uuid,
    pub name: String,
    pub is_expo: bool,
    pub expo_mode: ExpoMode,
    pub prep_target_secs: i32,
    pub warn_after_secs: i32,
    pub late_after_secs: i32,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

text_enum! {
    /// Where a station's work goes after it (`kitchen_stations.expo_mode`).
    ExpoMode {
        SendToExpo = "send_to_expo",
        ExpoOnly = "expo_only",
        SkipExpo = "skip_expo",
    }
}
