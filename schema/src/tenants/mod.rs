//! The tenant registry: public signup, approval by a superadmin, rejection,
//! suspension and reactivation.

pub mod graphql;
pub mod service;
pub(crate) mod store;
pub mod types;
