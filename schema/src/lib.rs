//! The platform's modules and the GraphQL schema stitched from them.
//!
//! Each module folder holds its `service.rs` (behaviour, no transport code)
//! and `graphql.rs` (thin resolvers). Domain values derive their GraphQL and
//! JSON views; transports live in the `server` crate.

// The merged roots nest one generic per module; the default 128 is too few.
#![recursion_limit = "256"]

pub mod announcements;
pub mod api_keys;
pub mod audit;
pub mod background;
pub mod backups;
pub mod billing;
pub mod command;
pub mod demo;
pub mod entitlements;
pub mod errors;
pub mod events;
pub mod feature_flags;
pub mod gql;
pub mod idempotency;
pub mod identity;
pub mod introspection;
pub mod inventory;
pub mod kitchen;
pub mod loaders;
pub mod locations;
pub mod maintenance;
pub mod menu;
pub mod module_registry;
pub mod notifications;
pub mod pagination;
pub mod pos;
pub mod quantity;
pub mod rbac;
pub mod reporting;
pub mod services;
pub(crate) mod store_support;
pub mod superadmin;
pub mod support;
pub mod system;
pub mod tenants;
pub mod text;
pub(crate) mod wire;

use async_graphql::{MergedObject, MergedSubscription, Schema};
pub use services::Services;

#[derive(MergedObject, Default)]
pub struct QueryRoot(
    system::graphql::SystemQuery,
    identity::graphql::IdentityQuery,
    tenants::graphql::TenantsQuery,
    rbac::graphql::RbacQuery,
    module_registry::graphql::ModuleRegistryQuery,
    api_keys::graphql::ApiKeysQuery,
    audit::graphql::AuditQuery,
    superadmin::graphql::SuperadminQuery,
    reporting::graphql::ReportingQuery,
    menu::graphql::MenuQuery,
    locations::graphql::LocationsQuery,
    inventory::graphql::InventoryQuery,
    pos::graphql::PosQuery,
    billing::graphql::BillingQuery,
    announcements::graphql::AnnouncementsQuery,
    feature_flags::graphql::FeatureFlagsQuery,
    entitlements::graphql::EntitlementsQuery,
    maintenance::graphql::MaintenanceQuery,
    support::graphql::SupportQuery,
    backups::graphql::BackupsQuery,
    kitchen::graphql::KitchenQuery,
);

#[derive(MergedObject, Default)]
pub struct MutationRoot(
    identity::graphql::IdentityMutation,
    tenants::graphql::TenantsMutation,
    rbac::graphql::RbacMutation,
    module_registry::graphql::ModuleRegistryMutation,
    api_keys::graphql::ApiKeysMutation,
    superadmin::graphql::SuperadminMutation,
    reporting::graphql::ReportingMutation,
    menu::graphql::MenuMutation,
    locations::graphql::LocationsMutation,
    inventory::graphql::InventoryMutation,
    pos::graphql::PosMutation,
    billing::graphql::BillingMutation,
    announcements::graphql::AnnouncementsMutation,
    feature_flags::graphql::FeatureFlagsMutation,
    maintenance::graphql::MaintenanceMutation,
    support::graphql::SupportMutation,
    backups::graphql::BackupsMutation,
    kitchen::graphql::KitchenMutation,
);

#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(
    system::graphql::SystemSubscription,
    events::graphql::EventsSubscription,
    menu::graphql::MenuSubscription,
    inventory::graphql::InventorySubscription,
    pos::graphql::PosSubscription,
    announcements::graphql::AnnouncementsSubscription,
    support::graphql::SupportSubscription,
    kitchen::graphql::KitchenSubscription,
);

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Limits that protect the server from expensive queries.
#[derive(Debug, Clone)]
pub struct SchemaLimits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub introspection: bool,
}

impl Default for SchemaLimits {
    fn default() -> Self {
        Self {
            max_depth: 12,
            max_complexity: 1000,
            introspection: true,
        }
    }
}

fn builder() -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
}

pub fn build(services: Services, limits: &SchemaLimits) -> AppSchema {
    let mut builder = builder()
        .extension(async_graphql::extensions::Tracing)
        .extension(errors::ErrorCodes)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(64)
        .data(services);
    if !limits.introspection {
        builder = builder
            .disable_introspection()
            .extension(introspection::RefuseIntrospection);
    }
    builder.finish()
}

/// The schema's SDL, as `server export-schema` writes it to `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
