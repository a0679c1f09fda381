//! The platform's modules and the GraphQL schema stitched from them.
//!
//! Each module folder holds its `service.rs` (behaviour, no transport types)
//! and `graphql.rs` (thin resolvers). Transports live in the `server` crate.

pub mod audit;
pub mod errors;
pub mod identity;
pub mod introspection;
pub mod superadmin;
pub mod system;

use async_graphql::{EmptyMutation, MergedObject, MergedSubscription, Schema};
use kernel::Db;
use std::sync::Arc;

#[derive(MergedObject, Default)]
pub struct QueryRoot(system::graphql::SystemQuery);

#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(system::graphql::SystemSubscription);

pub type AppSchema = Schema<QueryRoot, EmptyMutation, SubscriptionRoot>;

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

/// What resolvers reach through the schema's data.
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub server: Arc<system::service::ServerMeta>,
}

pub fn build(services: Services, limits: &SchemaLimits) -> AppSchema {
    let mut builder = Schema::build(
        QueryRoot::default(),
        EmptyMutation,
        SubscriptionRoot::default(),
    )
    .extension(async_graphql::extensions::Tracing)
    .extension(errors::ErrorCodes)
    .limit_depth(limits.max_depth)
    .limit_complexity(limits.max_complexity)
    .limit_recursive_depth(64)
    .data(services.db.clone())
    .data(services.server.clone());
    if !limits.introspection {
        builder = builder
            .disable_introspection()
            .extension(introspection::RefuseIntrospection);
    }
    builder.finish()
}

/// The schema's SDL, as `server export-schema` writes it to `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        EmptyMutation,
        SubscriptionRoot::default(),
    )
    .finish()
    .sdl()
}
