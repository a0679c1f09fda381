//! Emails the platform sends when things happen: templates, and the consumer
//! that turns events into `email-send` jobs.

pub mod consumer;
pub mod templates;
