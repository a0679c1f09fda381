//! The tenant registry: public signup, approval by a superadmin, rejection,
//! suspension and reactivation.

pub mod graphql;
pub mod service;
mod store;
pub mod types;
