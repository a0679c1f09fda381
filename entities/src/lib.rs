//! SeaORM entities, one file per table. Tenant tables carry `tenant_id` as the
//! first column of their primary key, as the migrations define them.

pub mod api_keys;
pub mod audit_events;
pub mod event_outbox;
pub mod module_registry_entries;
pub mod password_reset_tokens;
pub mod role_permissions;
pub mod roles;
pub mod sessions;
pub mod superadmins;
pub mod tenant_connection_profiles;
pub mod tenant_feature_flags;
pub mod tenant_modules;
pub mod tenants;
pub mod user_roles;
pub mod users;
