//! End-to-end tests: the real server binary, real PostgreSQL, real Redis.
//! One test binary (modules below) so the suite links once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod billing;
mod billing_payments;
mod cli;
mod config;
mod errors;
mod events;
mod exports;
mod fuzz_rest;
mod graphql;
mod health;
mod hostile_input;
mod identity;
mod inventory;
mod inventory_rest;
mod isolation;
mod kitchen;
mod menu;
mod notifications;
mod observability;
mod operator;
mod pos;
mod pos_rest;
mod rate_limit;
mod rbac;
mod resilience;
mod rest;
mod rls;
mod sandbox_billing;
mod shutdown;
mod statements;
mod websocket;
