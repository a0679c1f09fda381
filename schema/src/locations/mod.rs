//! The business's sites: shops, restaurants, a central kitchen. Stock is held
//! per location, tickets are sold at one, and menu items can be sold out at one.

pub mod graphql;
pub mod service;
mod store;
pub mod types;
