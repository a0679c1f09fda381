//! The end-to-end harness: a fresh database per test (cloned from a migrated
//! template), its own Redis key prefix, and the real server binary on a free
//! port, driven over HTTP and websockets as a client would.

#![allow(dead_code)]

mod accounts;
pub mod clients;
mod db;
mod inbox;
mod sandbox;
mod server;
mod ws;

pub use accounts::{TenantFixture, user_token};
pub use clients::*;
pub use db::{RedisPrefix, TestDb};
pub use inbox::Inbox;
pub use sandbox::Sandbox;
pub use server::{ServerBuilder, TestServer, base_command};
pub use ws::{Ws, ws_connect, ws_next, ws_send, ws_subscribe};

use serde_json::Value;
use std::sync::Once;
pub use testkit::PG_BASE;

pub const REDIS_URL: &str = "redis://127.0.0.1:6379";
pub const JWT_SECRET: &str = "test-signing-key-0123456789abcdef0123456789";
pub const BIN: &str = env!("CARGO_BIN_EXE_server");
/// Every test server bootstraps this superadmin.
pub const SUPERADMIN_EMAIL: &str = "root@platform.test";
pub const SUPERADMIN_PASSWORD: &str = "root-password-for-tests";
/// The password fixtures give every user they create.
pub const PASSWORD: &str = "correct horse battery staple";

pub fn init() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A JSON string the test expects; anything else fails the test, naming it.
pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// [`s`], owned.
pub fn string(v: &Value) -> String {
    s(v).to_owned()
}

/// Whether module (or feature) `key` is on in a list of `{key, enabled}`, as
/// GraphQL's `modules` and REST's module lists answer.
pub fn module_enabled(modules: &Value, key: &str) -> bool {
    modules
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {modules}"))
        .iter()
        .find(|m| m["key"] == key)
        .unwrap_or_else(|| panic!("no module {key}: {modules}"))["enabled"]
        .as_bool()
        .unwrap_or_else(|| panic!("no `enabled` for {key}: {modules}"))
}

/// Seconds since the Unix epoch, for tokens and codes the tests mint.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
