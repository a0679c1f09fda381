//! Service tests: the POS rules exercised by calling the commands directly,
//! in process, against a real PostgreSQL database of each test's own. The
//! transports (GraphQL, REST), RLS and crash drills stay in the server's
//! end-to-end suite; here the rules read as plain calls.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;
mod kitchen;

mod maintenance;
mod offboarding;
mod payments;
mod pricing;
mod support;
mod tickets;
