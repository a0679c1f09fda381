//! Infrastructure for work that happens outside a request: periodic
//! maintenance now; the job queue, outbox relay and event bus build on it.
//! Knows no domain module: handlers that need domain logic live in `schema`.

pub mod maintenance;
pub mod outbox;
pub mod runner;

pub use runner::{Runner, RunnerConfig};
