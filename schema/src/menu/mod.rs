//! The menu: what a business sells. Categories, items with prices and tax,
//! variants, modifier groups with selection limits, and sold-out switches
//! that terminals and kitchen screens follow live.

pub mod graphql;
pub mod service;
