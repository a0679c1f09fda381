//! The platform about itself: version, instance, clock. The smallest real
//! operations, used by clients and monitors to prove the wiring end to end.

pub mod graphql;
pub mod service;
