use sea_orm::entity::prelude::*;

table! {
    "tenant_connection_profiles",
    key { tenant_id: Uuid },
    pub mode: ConnectionMode,
    pub schema_name: Option<String>,
    pub database_name: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

text_enum! {
    /// Where a tenant's data lives (`tenant_connection_profiles.mode`).
    ConnectionMode {
        Shared = "shared",
        Schema = "schema",
        Database = "database",
    }
}
