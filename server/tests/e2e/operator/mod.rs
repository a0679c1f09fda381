//! The operator's console end to end: announcements, feature flags and
//! entitlements.

mod announcements;
mod backups;
mod feature_flags;
mod impersonation;
mod maintenance;
mod superadmin_mfa;
mod support;

use crate::harness::{ServerBuilder, TestServer};

/// A server whose scheduler ticks every second.
async fn fast_scheduler() -> TestServer {
    ServerBuilder::new()
        .env("SCHEDULER_TICK_SECS", 1)
        .start()
        .await
}

/// An RFC 3339 instant `secs` from now.
fn in_seconds(secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(secs)).to_rfc3339()
}
