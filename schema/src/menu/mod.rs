//! The menu: what a business sells. Categories, items with prices and tax,
//! variants, modifier groups with selection limits, and sold-out switches
//! that terminals and kitchen screens follow live.
//!
//! One folder per aggregate, each with its types (`mod.rs`), its statements
//! (`store.rs`) and its commands:
//! - `categories/`: list, create, update;
//! - `modifiers/`: modifier groups with their modifiers: list, create;
//! - `items/`: items with their variants and modifier-group links:
//!   `read.rs` (one, a page, and the relations loaders), `create.rs`,
//!   `update.rs`, `delete.rs`, and `children.rs` for what create and
//!   update both replace;
//! - `availability/`: sold out (or back) everywhere or at one location, and
//!   the event screens follow;
//! - `rules.rs`: the input rules the aggregates share;
//! - `graphql.rs`: the resolvers over all of it (the REST shim is
//!   `server/src/rest/v1/menu.rs`).

pub mod availability;
pub mod categories;
pub mod graphql;
pub mod items;
pub mod modifiers;
mod rules;

const READ: &str = "menu.catalog.read";
const WRITE: &str = "menu.catalog.write";
const AVAILABILITY: &str = "menu.availability.write";
