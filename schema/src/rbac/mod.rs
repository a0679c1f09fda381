//! Role-based access control: built-in roles seeded from the module registry,
//! dynamic roles, assignments, and the per-request access the guard checks.

pub mod graphql;
pub mod service;
