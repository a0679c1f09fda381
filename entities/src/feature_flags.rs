use sea_orm::entity::prelude::*;

table! {
    "feature_flags",
    key { key: String },
    pub description: String,
    pub kind: FlagKind,
    pub variants: Vec<String>,
    pub default_value: String,
    pub enabled: bool,
    pub rollout_percent: i32,
    pub rollout_value: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

text_enum! {
    /// What values a flag takes (`feature_flags.kind`).
    FlagKind {
        Boolean = "boolean",
        Variant = "variant",
    }
}
