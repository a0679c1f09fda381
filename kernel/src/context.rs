//! The explicit request context passed to every service call.

use crate::ids::{TenantId, UserId};

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
    /// A platform operator, outside any tenant.
    Superadmin { user_id: UserId },
    /// The platform itself (jobs, the CLI, start-up tasks).
    System,
}

/// What every service function receives: who calls, for which tenant, and the
/// request id that ties log lines, audit rows and error messages together.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub actor: Actor,
}

impl RequestContext {
    pub fn new(request_id: impl Into<String>, actor: Actor) -> Self {
        Self {
            request_id: request_id.into(),
            actor,
        }
    }

    /// A context for work the platform does on its own behalf.
    pub fn system(request_id: impl Into<String>) -> Self {
        Self::new(request_id, Actor::System)
    }

    pub fn tenant_id(&self) -> Option<TenantId> {
        match self.actor {
            Actor::User { tenant_id, .. } => Some(tenant_id),
            _ => None,
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self.actor {
            Actor::User { user_id, .. } | Actor::Superadmin { user_id } => Some(user_id),
            _ => None,
        }
    }
}
