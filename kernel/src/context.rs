//! The explicit request context passed to every service call, and the one
//! permission guard every GraphQL field and REST route goes through.

use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::ids::{ApiKeyId, TenantId, UserId};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// No credential was presented.
    Anonymous,
    /// A user of a tenant, authenticated by an access token.
    User {
        tenant_id: TenantId,
        user_id: UserId,
    },
    /// An integration, authenticated by a tenant-scoped API key.
    ApiKey {
        tenant_id: TenantId,
        key_id: ApiKeyId,
    },
    /// A platform operator, outside any tenant.
    Superadmin { user_id: UserId },
    /// The platform itself (jobs, the CLI, start-up tasks).
    System,
}

/// What a tenant principal may do, loaded fresh for every request so a change
/// of roles, modules or status applies to the very next one.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Whether the tenant is `active`; until then no business module is reachable.
    pub tenant_status: String,
    pub permissions: BTreeSet<String>,
    /// Modules and features switched on for the tenant.
    pub enabled_modules: BTreeSet<String>,
    /// The subscription's status (`active`, `past_due`, `unpaid`, ...), or
    /// `None` for a tenant the operator has put on no plan.
    pub billing_status: Option<String>,
    /// The operator's maintenance windows around now (scheduled or in
    /// progress); the guard refuses writes to their modules while one runs.
    pub maintenance: Vec<MaintenanceNotice>,
}

/// A maintenance window as the guard needs it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceNotice {
    pub id: uuid::Uuid,
    pub title: String,
    /// The modules it takes down; empty: all of them.
    pub modules: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl MaintenanceNotice {
    /// Whether it stops writes to `module` at `now`.
    pub fn blocks(&self, module: &str, now: DateTime<Utc>) -> bool {
        self.starts_at <= now
            && now < self.ends_at
            && (self.modules.is_empty() || self.modules.iter().any(|m| m == module))
    }
}

/// Modules that keep working when billing makes a tenant read-only: the
/// owner must still be able to manage the business, pay, ask for help and
/// read its reports.
const OPEN_WHEN_UNPAID: [&str; 4] = ["admin", "billing", "support", "reporting"];

impl Access {
    pub fn tenant_active(&self) -> bool {
        self.tenant_status == "active"
    }

    /// Whether billing has made business modules read-only: the
    /// subscription is `unpaid`, `canceled` or `paused`. `past_due` is grace.
    pub fn billing_read_only(&self) -> bool {
        matches!(
            self.billing_status.as_deref(),
            Some("unpaid" | "canceled" | "paused")
        )
    }
}

/// What every service function receives: who calls, for which tenant, what
/// they may do, and the request id that ties log lines, audit rows and error
/// messages together.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub actor: Actor,
    pub access: Option<Arc<Access>>,
    /// The caller's IP, for throttling and the audit trail.
    pub client_ip: Option<String>,
    /// When the presented credential stops being valid (Unix seconds), so
    /// long-lived connections can be closed at that moment.
    pub credential_expires_at: Option<i64>,
    /// Where "now" comes from for everything this request does.
    pub clock: Clock,
    /// Why an operator does what this request does; written on every audit
    /// row the request makes (see [`RequestContext::operator`]).
    pub reason: Option<String>,
    /// Set when a superadmin acts as the tenant user of `actor`: every
    /// audit row the request writes names both.
    pub impersonation: Option<Impersonation>,
}

/// A superadmin acting as a tenant user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Impersonation {
    pub id: crate::ids::ImpersonationId,
    pub operator: UserId,
}

/// The module a permission belongs to: its first segment (`pos.ticket.write` → `pos`).
pub fn module_of(permission: &str) -> &str {
    permission.split('.').next().unwrap_or(permission)
}

impl RequestContext {
    pub fn new(request_id: impl Into<String>, actor: Actor) -> Self {
        Self {
            request_id: request_id.into(),
            actor,
            access: None,
            client_ip: None,
            credential_expires_at: None,
            clock: Clock::System,
            reason: None,
            impersonation: None,
        }
    }

    /// The time, as this request's clock tells it.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// A context for work the platform does on its own behalf.
    pub fn system(request_id: impl Into<String>) -> Self {
        Self::new(request_id, Actor::System)
    }

    pub fn with_access(mut self, access: Access) -> Self {
        self.access = Some(Arc::new(access));
        self
    }

    pub fn with_client_ip(mut self, ip: Option<String>) -> Self {
        self.client_ip = ip;
        self
    }

    pub fn tenant_id(&self) -> Option<TenantId> {
        match self.actor {
            Actor::User { tenant_id, .. } | Actor::ApiKey { tenant_id, .. } => Some(tenant_id),
            _ => None,
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self.actor {
            Actor::User { user_id, .. } | Actor::Superadmin { user_id } => Some(user_id),
            _ => None,
        }
    }

    /// The tenant of a signed-in tenant principal, or `AUTHN`.
    pub fn require_tenant(&self) -> AppResult<TenantId> {
        self.tenant_id()
            .ok_or_else(|| AppError::authn("sign in to a tenant to do this"))
    }

    /// The signed-in tenant user (not an API key), or `AUTHN`.
    pub fn require_user(&self) -> AppResult<(TenantId, UserId)> {
        match self.actor {
            Actor::User { tenant_id, user_id } => Ok((tenant_id, user_id)),
            Actor::ApiKey { .. } => Err(AppError::authz(
                "API keys cannot do this; sign in as a user",
            )),
            _ => Err(AppError::authn("sign in to do this")),
        }
    }

    /// A platform superadmin, or `AUTHN`/`AUTHZ`.
    pub fn require_superadmin(&self) -> AppResult<UserId> {
        match self.actor {
            Actor::Superadmin { user_id } => Ok(user_id),
            Actor::Anonymous => Err(AppError::authn("sign in as a superadmin to do this")),
            _ => Err(AppError::authz("only platform superadmins may do this")),
        }
    }

    /// A superadmin doing an operator write, which must say why: the
    /// context to do it with, carrying the reason onto its audit rows.
    pub fn operator(&self, reason: &str) -> AppResult<(UserId, RequestContext)> {
        let user = self.require_superadmin()?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid_field(
                "reason",
                "operators say why they change a tenant or the platform",
            ));
        }
        let mut ctx = self.clone();
        ctx.reason = Some(reason.to_owned());
        Ok((user, ctx))
    }

    /// A superadmin doing an operator write whose transport has put the
    /// reason on the context (`ctx.reason`), or `VALIDATION` naming `reason`.
    pub fn require_operator(&self) -> AppResult<UserId> {
        let user = self.require_superadmin()?;
        if self.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(AppError::invalid_field(
                "reason",
                "operators say why they change a tenant or the platform",
            ));
        }
        Ok(user)
    }

    /// A platform operator or the platform itself (the CLI run by whoever
    /// operates the deployment), or `AUTHN`/`AUTHZ`.
    pub fn require_platform(&self) -> AppResult<()> {
        match self.actor {
            Actor::System => Ok(()),
            _ => self.require_superadmin().map(|_| ()),
        }
    }

    /// The permission guard: the caller is a tenant principal whose tenant is
    /// active, the permission's module is switched on for the tenant, and the
    /// caller holds the permission. Returns the tenant to scope the work to.
    pub fn require(&self, permission: &str) -> AppResult<TenantId> {
        self.guard(permission, !permission.ends_with(".read"))
    }

    /// [`require`](Self::require) for a read guarded by a permission whose
    /// name is a write's (listing API keys needs `admin.api_keys.manage`):
    /// maintenance and billing leave reads alone.
    pub fn require_to_read(&self, permission: &str) -> AppResult<TenantId> {
        self.guard(permission, false)
    }

    /// Refuses what an operator acting as a user must not do: mint or
    /// change the user's credentials (API keys, password, MFA), which would
    /// outlast the impersonation.
    pub fn require_own_credentials(&self) -> AppResult<()> {
        match self.impersonation {
            None => Ok(()),
            Some(_) => Err(AppError::authz(
                "an operator acting as a user cannot create or change its credentials",
            )
            .with_details(json!({ "reason": "impersonation" }))),
        }
    }

    fn guard(&self, permission: &str, write: bool) -> AppResult<TenantId> {
        let tenant = self.require_tenant()?;
        let access = self
            .access
            .as_deref()
            .ok_or_else(|| AppError::internal("permission check without loaded access"))?;
        let module = module_of(permission);
        if !access.tenant_active() {
            return Err(AppError::authz(format!(
                "the tenant is {}; business modules open once it is active",
                access.tenant_status
            ))
            .with_details(
                json!({ "tenantStatus": access.tenant_status, "permission": permission }),
            ));
        }
        if !access.enabled_modules.contains(module) {
            return Err(AppError::authz(format!(
                "the {module} module is switched off for this tenant"
            ))
            .with_details(json!({ "module": module, "permission": permission })));
        }
        if !access.permissions.contains(permission) {
            return Err(AppError::authz(format!("missing permission {permission}"))
                .with_details(json!({ "permission": permission, "module": module })));
        }
        if write {
            let now = self.now();
            if let Some(window) = access.maintenance.iter().find(|w| w.blocks(module, now)) {
                let wait = (window.ends_at - now).num_seconds().max(1);
                return Err(AppError::conflict(format!(
                    "{}: {module} is under maintenance until {}; reads keep working",
                    window.title,
                    window
                        .ends_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ))
                .with_details(json!({
                    "reason": "maintenance",
                    "window": { "id": window.id, "title": window.title, "endsAt": window.ends_at },
                    "retryAfterSeconds": wait,
                    "module": module,
                    "permission": permission,
                }))
                .with_retry_after(u64::try_from(wait).unwrap_or(1)));
            }
        }
        if access.billing_read_only() && write && !OPEN_WHEN_UNPAID.contains(&module) {
            let status = access.billing_status.as_deref().unwrap_or_default();
            return Err(AppError::authz(format!(
                "billing: the subscription is {status}, so {module} is read-only until the open invoice is paid"
            ))
            .with_details(json!({
                "reason": "billing",
                "subscriptionStatus": status,
                "permission": permission,
                "module": module,
            })));
        }
        Ok(tenant)
    }

    /// Whether a feature of a module (`pos.tips`) is switched on for the
    /// caller's tenant. Features share the module switches' table.
    pub fn feature_enabled(&self, feature: &str) -> bool {
        self.access
            .as_deref()
            .is_some_and(|a| a.enabled_modules.contains(feature))
    }

    /// Whether [`require`](Self::require) would pass.
    pub fn can(&self, permission: &str) -> bool {
        self.require(permission).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(status: &str, perms: &[&str], modules: &[&str]) -> RequestContext {
        RequestContext::new(
            "r",
            Actor::User {
                tenant_id: TenantId::new(),
                user_id: UserId::new(),
            },
        )
        .with_access(Access {
            tenant_status: status.into(),
            permissions: perms.iter().map(|p| p.to_string()).collect(),
            enabled_modules: modules.iter().map(|m| m.to_string()).collect(),
            billing_status: None,
            maintenance: Vec::new(),
        })
    }

    #[test]
    fn the_guard_checks_status_module_and_permission() {
        assert!(
            ctx("active", &["pos.ticket.write"], &["pos"])
                .require("pos.ticket.write")
                .is_ok()
        );
        let pending = ctx("pending", &["pos.ticket.write"], &["pos"]).require("pos.ticket.write");
        assert_eq!(
            pending.err().map(|e| e.code()),
            Some(crate::ErrorCode::Authz)
        );
        let off = ctx("active", &["pos.ticket.write"], &[]).require("pos.ticket.write");
        let off = off.err().map(|e| e.details().cloned());
        assert_eq!(
            off.flatten().map(|d| d["module"].clone()),
            Some(json!("pos"))
        );
        assert!(
            ctx("active", &["pos.ticket.read"], &["pos"])
                .require("pos.ticket.write")
                .is_err()
        );
        let mut unpaid = ctx(
            "active",
            &[
                "pos.ticket.write",
                "pos.ticket.read",
                "billing.subscription.manage",
            ],
            &["pos", "billing"],
        );
        if let Some(access) = unpaid.access.as_mut().and_then(Arc::get_mut) {
            access.billing_status = Some("unpaid".into());
        }
        let refused = unpaid.require("pos.ticket.write").err();
        assert_eq!(
            refused
                .and_then(|e| e.details().cloned())
                .map(|d| d["reason"].clone()),
            Some(json!("billing"))
        );
        assert!(unpaid.require("pos.ticket.read").is_ok());
        assert!(unpaid.require("billing.subscription.manage").is_ok());
        let anon = RequestContext::new("r", Actor::Anonymous).require("pos.ticket.write");
        assert_eq!(anon.err().map(|e| e.code()), Some(crate::ErrorCode::Authn));
    }

    #[test]
    fn a_running_window_refuses_writes_to_its_modules_only() {
        let now = Utc::now();
        let window = |modules: &[&str], from: i64, to: i64| MaintenanceNotice {
            id: uuid::Uuid::nil(),
            title: "Upgrade".into(),
            modules: modules.iter().map(|m| (*m).to_owned()).collect(),
            starts_at: now + chrono::Duration::seconds(from),
            ends_at: now + chrono::Duration::seconds(to),
        };
        let mut ctx = ctx(
            "active",
            &[
                "menu.catalog.read",
                "menu.catalog.write",
                "pos.ticket.write",
            ],
            &["menu", "pos"],
        );
        let with = |ctx: &mut RequestContext, windows: Vec<MaintenanceNotice>| {
            let mut access = ctx.access.as_deref().cloned().unwrap_or_default();
            access.maintenance = windows;
            ctx.access = Some(Arc::new(access));
        };
        with(&mut ctx, vec![window(&["menu"], -10, 90)]);
        let Err(err) = ctx.require("menu.catalog.write") else {
            panic!("a menu write inside the window passed");
        };
        assert_eq!(err.code(), crate::ErrorCode::Conflict);
        assert!(err.retry_after().is_some_and(|s| (89..=90).contains(&s)));
        assert!(
            ctx.require("menu.catalog.read").is_ok(),
            "reads keep working"
        );
        assert!(
            ctx.require("pos.ticket.write").is_ok(),
            "other modules keep working"
        );
        with(&mut ctx, vec![window(&[], -10, 90)]);
        assert!(
            ctx.require("pos.ticket.write").is_err(),
            "the whole platform"
        );
        assert!(
            ctx.require_to_read("pos.ticket.write").is_ok(),
            "a read behind a write's permission"
        );
        with(&mut ctx, vec![window(&[], 10, 90), window(&[], -90, -10)]);
        assert!(ctx.require("pos.ticket.write").is_ok(), "before and after");
    }
}
