//! Tenant-scoped API keys for integrations: scoped to chosen permissions,
//! shown once, stored as a digest, usable as a bearer credential.

pub mod graphql;
pub mod service;
