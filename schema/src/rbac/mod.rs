//! Role-based access control: built-in roles seeded from the module registry,
//! custom roles, assignments, and the per-request access the guard checks.
//!
//! - `roles/`: the role aggregate (types in `mod.rs`, `store.rs`, and the
//!   commands `edit`, `assign`, `read`, `provision`);
//! - `access/`: what a principal may do, and what they may grant;
//! - `service.rs`: the functions other modules call, in one place.

pub mod access;
pub mod graphql;
pub mod roles;
pub mod service;
