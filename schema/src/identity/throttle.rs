//! Failed-attempt counters in Redis, per account and per client IP, for
//! everything that checks a password or asks for a reset email.

use super::secrets;
use crate::services::Services;
use kernel::{AppError, AppResult, counter};

/// The counters of one attempt: its account's, and its IP's when known.
pub(crate) struct Throttle<'s> {
    svc: &'s Services,
    account: String,
    ip: Option<String>,
}

impl<'s> Throttle<'s> {
    /// `account` names what is guessed at (`slug/email`, `superadmin/email`...).
    pub(crate) fn new(svc: &'s Services, account: &str, ip: Option<&str>) -> Self {
        Self {
            svc,
            account: format!(
                "{}login:account:{}",
                svc.redis_prefix,
                secrets::digest_hex(account)
            ),
            ip: ip.map(|ip| format!("{}login:ip:{ip}", svc.redis_prefix)),
        }
    }

    /// Refuses the attempt when the account or the IP has failed too often.
    pub(crate) async fn check(&self) -> AppResult<()> {
        let limits = &self.svc.login_throttle;
        let account = counter::peek(&self.svc.redis, &self.account).await?;
        if account.count >= limits.per_account {
            return Err(AppError::rate_limited(account.resets_in_secs));
        }
        if let Some(ip_key) = &self.ip {
            let ip = counter::peek(&self.svc.redis, ip_key).await?;
            if ip.count >= limits.per_ip {
                return Err(AppError::rate_limited(ip.resets_in_secs));
            }
        }
        Ok(())
    }

    /// Counts a failure against the account and the IP.
    pub(crate) async fn fail(&self) -> AppResult<()> {
        self.hit(true).await
    }

    /// Counts an attempt against the account only.
    pub(crate) async fn count_account(&self) -> AppResult<()> {
        self.hit(false).await
    }

    async fn hit(&self, with_ip: bool) -> AppResult<()> {
        let window = u64::try_from(self.svc.login_throttle.window.as_millis()).unwrap_or(u64::MAX);
        counter::hit(&self.svc.redis, &self.account, window).await?;
        if let (true, Some(ip_key)) = (with_ip, &self.ip) {
            counter::hit(&self.svc.redis, ip_key, window).await?;
        }
        Ok(())
    }

    /// A success forgives the account's failures.
    pub(crate) async fn reset(&self) -> AppResult<()> {
        counter::reset(&self.svc.redis, &self.account).await
    }
}
