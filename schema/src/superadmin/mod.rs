//! Platform operators and the operations only they may run.

pub mod graphql;
pub mod service;
pub(crate) mod store;
