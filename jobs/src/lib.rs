//! Infrastructure for work that happens outside a request: the transactional
//! outbox and its relay, the event bus that feeds subscriptions, the job
//! queue with its workers, and periodic maintenance. Knows no domain module:
//! consumers and handlers that need domain logic live in `schema`.

pub mod bus;
pub mod consumer;
pub mod email;
pub mod envelope;
pub mod maintenance;
pub mod outbox;
pub mod queue;
pub mod relay;
pub mod runner;
pub mod store;
pub mod worker;

pub use runner::{Runner, RunnerConfig};
