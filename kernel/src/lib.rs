//! The shared vocabulary of every layer: the error taxonomy, typed ids, the
//! request context and tenant-scoped database access.
//!
//! It sits below `entities`, `jobs` and `schema` so that a job handler and a
//! GraphQL resolver speak the same error and open transactions the same way.

pub mod clock;
pub mod context;
pub mod counter;
pub mod db;
pub mod error;
pub mod ids;
pub mod money;

pub use clock::Clock;
pub use context::{Access, Actor, Impersonation, MaintenanceNotice, RequestContext};
pub use db::Db;
pub use error::{AppError, AppResult, ErrorCode};
pub use ids::*;
pub use money::{Currency, Long, Money};
