use sea_orm::entity::prelude::*;

table! {
    "module_registry_entries",
    key { key: String },
    pub kind: RegistryEntryKind,
    pub module_key: Option<String>,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub default_enabled: bool,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub core: bool,
    pub edited_at: Option<DateTimeUtc>,
}

text_enum! {
    /// A registry entry is a module or a feature of one (`module_registry_entries.kind`).
    RegistryEntryKind {
        Module = "module",
        Feature = "feature",
    }
}
