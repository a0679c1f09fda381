//! The audit trail: who changed what, when, with the before and after.

pub mod graphql;
pub mod service;
mod store;
pub mod types;
