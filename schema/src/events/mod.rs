//! A tenant's event stream for terminals and screens: replay from a position,
//! then live, filtered by what the subscriber may see.

pub mod graphql;
pub mod service;
