//! Recording changes (the audit row, and with [`Change`] the outbox event
//! beside it, in the caller's transaction) and reading the trail.

use super::store::{self, Scope};
pub use super::types::{AuditEvent, AuditFilter};
use crate::command::Unit;
use crate::pagination::{Page, PageRequest};
use entities::audit_events::{ActiveModel, ActorType};
use jobs::outbox::{self, NewEvent};
use kernel::{Actor, AppResult, AuditId, Db, RequestContext, TenantId};
use sea_orm::{ActiveValue::Set, ConnectionTrait};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// One audited change, written in the same transaction as the change itself.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub tenant_id: Option<TenantId>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

fn actor_columns(actor: &Actor) -> (ActorType, Option<Uuid>) {
    match actor {
        Actor::Anonymous => (ActorType::Anonymous, None),
        Actor::User { user_id, .. } => (ActorType::User, Some(user_id.as_uuid())),
        Actor::ApiKey { key_id, .. } => (ActorType::ApiKey, Some(key_id.as_uuid())),
        Actor::Superadmin { user_id } => (ActorType::Superadmin, Some(user_id.as_uuid())),
        Actor::System => (ActorType::System, None),
    }
}

/// Writes the audit row of `entry` (time from the request's clock).
pub async fn record(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    entry: AuditEntry<'_>,
) -> AppResult<Uuid> {
    let (actor_type, actor_id) = actor_columns(&ctx.actor);
    let id = AuditId::new();
    store::insert(
        conn,
        ActiveModel {
            id: Set(id.as_uuid()),
            created_at: Set(ctx.now()),
            tenant_id: Set(entry.tenant_id.map(|t| t.as_uuid())),
            actor_type: Set(actor_type),
            actor_id: Set(actor_id),
            action: Set(entry.action.to_owned()),
            entity_type: Set(entry.entity_type.to_owned()),
            entity_id: Set(entry.entity_id),
            before: Set(entry.before),
            after: Set(entry.after),
            request_id: Set(Some(ctx.request_id.clone())),
            reason: Set(ctx.reason.clone()),
            impersonator_id: Set(ctx.impersonation.map(|i| i.operator.as_uuid())),
        },
    )
    .await?;
    Ok(id.as_uuid())
}

/// An operator's change of a platform row (a plan, an announcement, a
/// flag), audited with no tenant, in the caller's transaction.
pub async fn record_platform(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    action: &str,
    entity_type: &str,
    entity_id: impl std::fmt::Display,
    before: Option<Value>,
    after: Option<Value>,
) -> AppResult<()> {
    record(
        conn,
        ctx,
        AuditEntry {
            tenant_id: None,
            action,
            entity_type,
            entity_id: Some(entity_id.to_string()),
            before,
            after,
        },
    )
    .await
    .map(|_| ())
}

/// A change of an entity that is both audited and published as an event,
/// in the caller's transaction.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub entity: &'static str,
    /// The entity's id (a UUID, or a key such as a flag's).
    pub id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// The event's data; `after` (or just the id) when `None`.
    pub event: Option<Value>,
    /// The entity's version after the change.
    pub version: i64,
}

impl Change {
    /// A change with nothing recorded yet but its name, entity and id
    /// (version 1); add what it needs with the `with_*` methods.
    pub fn new(action: &'static str, entity: &'static str, id: impl std::fmt::Display) -> Self {
        Self {
            action,
            entity,
            id: id.to_string(),
            before: None,
            after: None,
            event: None,
            version: 1,
        }
    }

    /// Something new: its state after is the audit's `after` and the event.
    pub fn created(
        action: &'static str,
        entity: &'static str,
        id: impl std::fmt::Display,
        after: &impl Serialize,
    ) -> AppResult<Self> {
        Ok(Self::new(action, entity, id).with_after(serde_json::to_value(after)?))
    }

    /// Something changed: the audit keeps both states, the event the new one.
    pub fn updated(
        action: &'static str,
        entity: &'static str,
        id: impl std::fmt::Display,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> AppResult<Self> {
        Ok(Self::new(action, entity, id)
            .with_before(serde_json::to_value(before)?)
            .with_after(serde_json::to_value(after)?))
    }

    pub fn with_before(mut self, before: Value) -> Self {
        self.before = Some(before);
        self
    }

    pub fn with_after(mut self, after: Value) -> Self {
        self.after = Some(after);
        self
    }

    /// The event's data, when it differs from `after`.
    pub fn with_event(mut self, event: Value) -> Self {
        self.event = Some(event);
        self
    }

    pub fn with_version(mut self, version: i64) -> Self {
        self.version = version;
        self
    }
}

/// Writes the audit row and the outbox event of `change` for `tenant`.
pub async fn record_change(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    tenant: TenantId,
    change: Change,
) -> AppResult<()> {
    record(
        conn,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: change.action,
            entity_type: change.entity,
            entity_id: Some(change.id.clone()),
            before: change.before,
            after: change.after.clone(),
        },
    )
    .await?;
    let data = change
        .event
        .or(change.after)
        .unwrap_or_else(|| serde_json::json!({ "id": change.id }));
    let mut event = NewEvent::new(change.action, change.id, data);
    event.version = change.version;
    outbox::record(conn, Some(tenant), event).await?;
    Ok(())
}

/// The caller's tenant's audit trail.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    filter: AuditFilter,
    page: PageRequest,
) -> AppResult<Page<AuditEvent>> {
    let unit = Unit::begin(db, ctx, "admin.audit.read").await?;
    let rows = store::page(&*unit, Scope::Tenant(unit.tenant), &filter, page).await?;
    let rows = unit.commit(rows).await?;
    Ok(page.finish(rows, |e| e.id.as_uuid()))
}

/// Across tenants (superadmins): one tenant's, or everything when `tenant`
/// is `None`.
pub async fn list_platform(
    db: &Db,
    ctx: &RequestContext,
    tenant: Option<TenantId>,
    filter: AuditFilter,
    page: PageRequest,
) -> AppResult<Page<AuditEvent>> {
    ctx.require_superadmin()?;
    let scope = tenant.map_or(Scope::All, Scope::Tenant);
    let tx = db.system_tx().await?;
    let rows = store::page(&tx, scope, &filter, page).await?;
    tx.commit().await?;
    Ok(page.finish(rows, |e| e.id.as_uuid()))
}
