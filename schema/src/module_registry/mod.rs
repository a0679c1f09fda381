//! The canonical catalogue of modules, features and permissions
//! (`module-registry.json`), synced into the database at start, and which of
//! them each tenant has switched on.

pub mod catalog;
pub mod graphql;
pub mod service;
mod store;
pub mod types;
