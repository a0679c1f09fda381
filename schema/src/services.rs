//! What service functions need beyond the request context: the database,
//! Redis, token keys and settings. Built once at start, cloned cheaply.

use crate::identity::tokens::TokenKeys;
use crate::system::service::ServerMeta;
use kernel::Db;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Failed sign-ins allowed per window before `RATE_LIMIT`.
#[derive(Debug, Clone)]
pub struct LoginThrottle {
    pub per_account: u64,
    pub per_ip: u64,
    pub window: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 50,
            window: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub redis: deadpool_redis::Pool,
    /// Prefix of every Redis key this deployment writes.
    pub redis_prefix: String,
    pub tokens: Arc<TokenKeys>,
    /// Key for pgcrypto-encrypted columns (TOTP secrets).
    pub data_key: Arc<str>,
    pub refresh_ttl: Duration,
    pub login_throttle: LoginThrottle,
    pub server: Arc<ServerMeta>,
    pub queue: jobs::queue::Queue,
    /// The process's event bus; absent in a standalone job runner.
    pub bus: Option<jobs::bus::EventBus>,
    /// Delivers email (SMTP, or the log when none is configured).
    pub mailer: jobs::email::Mailer,
    /// Where people open the apps; links in emails start with it.
    pub public_url: Arc<str>,
    /// Where export and backup files are written.
    pub export_dir: Arc<std::path::PathBuf>,
    /// The payment provider and its webhook secrets.
    pub billing: Arc<BillingProvider>,
    /// The longest a superadmin may act as a tenant user, in minutes.
    pub impersonation_max_minutes: i64,
    /// The largest file a support ticket may carry.
    pub support_attachment_max_bytes: u64,
    /// Superadmins must sign in with a second factor (and enrol at their
    /// next sign-in when they have none).
    pub superadmin_mfa_required: bool,
    /// Days an offboarded business's data is kept before it is deleted.
    pub tenant_retention_days: i64,
}

/// How billing reaches its payment provider.
#[derive(Debug, Default)]
pub struct BillingProvider {
    /// `None`: invoices are not charged and wait for a superadmin.
    pub provider: Option<Arc<dyn crate::billing::provider::PaymentProvider>>,
    /// Secrets whose signatures webhooks may carry (several while rotating).
    pub webhook_secrets: Vec<Vec<u8>>,
}

impl fmt::Debug for Services {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Services")
            .field("redis_prefix", &self.redis_prefix)
            .field("refresh_ttl", &self.refresh_ttl)
            .finish_non_exhaustive()
    }
}
