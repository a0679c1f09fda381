//! Tenant-scoped API keys: integrators' credentials, each with its own
//! permissions (within its creator's), stored only as a digest.

pub mod graphql;
pub mod service;
mod store;
pub mod types;
