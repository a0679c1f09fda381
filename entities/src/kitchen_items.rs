use crate::pos_tickets::DiningOption;
use sea_orm::entity::prelude::*;

table! {
    "kitchen_items",
    key { tenant_id: Uuid, id: Uuid },
    pub location_id: Uuid,
    pub station_id: Uuid,
    pub ticket_id: Uuid,
    pub line_id: Uuid,
    pub ticket_number: i32,
    pub ticket_label: Option<String>,
    pub dining_option: DiningOption,
    pub name: String,
    pub variant_name: Option<String>,
    pub modifiers: Vec<String>,
    pub note: Option<String>,
    pub quantity: i32,
    pub then_expo: bool,
    pub status: KitchenStatus,
    pub fired_at: Option<DateTimeUtc>,
    pub started_at: Option<DateTimeUtc>,
    pub ready_at: Option<DateTimeUtc>,
    pub bumped_at: Option<DateTimeUtc>,
    pub recalled_at: Option<DateTimeUtc>,
    pub voided_at: Option<DateTimeUtc>,
    pub expo_bumped_at: Option<DateTimeUtc>,
    pub version: i32,
    pub course: i32,
    pub sent_at: DateTimeUtc,
    pub hold: Option<Hold>,
    pub fire_at: Option<DateTimeUtc>,
    pub paced: bool,
    pub prep_secs: i32,
}

text_enum! {
    /// Where a kitchen item is (`kitchen_items.status`).
    KitchenStatus {
        Held = "held",
        Fired = "fired",
        Started = "started",
        Ready = "ready",
        Bumped = "bumped",
        Recalled = "recalled",
        Voided = "voided",
    }
}

text_enum! {
    /// Why a kitchen item was held before firing (`kitchen_items.hold`).
    Hold {
        Course = "course",
        Time = "time",
        Hand = "hand",
    }
}
