use crate::pagination::{Page, PageRequest};
use chrono::{DateTime, Utc};
use entities::audit_events::ActorType;
use jobs::outbox::{self, NewEvent};
use kernel::db::sql;
use kernel::{Actor, AppResult, Db, RequestContext, TenantId};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, FromQueryResult};
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
        Actor::ApiKey { key_id, .. } => (ActorType::ApiKey, Some(*key_id)),
        Actor::Superadmin { user_id } => (ActorType::Superadmin, Some(user_id.as_uuid())),
        Actor::System => (ActorType::System, None),
    }
}

pub async fn record(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    entry: AuditEntry<'_>,
) -> AppResult<Uuid> {
    use entities::audit_events::{ActiveModel, Entity};
    let (actor_type, actor_id) = actor_columns(&ctx.actor);
    let id = Uuid::now_v7();
    Entity::insert(ActiveModel {
        id: Set(id),
        created_at: Set(Utc::now()),
        tenant_id: Set(entry.tenant_id.map(|t| t.as_uuid())),
        actor_type: Set(actor_type),
        actor_id: Set(actor_id),
        action: Set(entry.action.to_owned()),
        entity_type: Set(entry.entity_type.to_owned()),
        entity_id: Set(entry.entity_id),
        before: Set(entry.before),
        after: Set(entry.after),
        request_id: Set(Some(ctx.request_id.clone())),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(id)
}

/// A change of an entity that is both audited and published as an event,
/// in the caller's transaction.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub entity: &'static str,
    pub id: Uuid,
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
    pub fn new(action: &'static str, entity: &'static str, id: impl Into<Uuid>) -> Self {
        Self {
            action,
            entity,
            id: id.into(),
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
        id: impl Into<Uuid>,
        after: &impl Serialize,
    ) -> AppResult<Self> {
        Ok(Self::new(action, entity, id).with_after(serde_json::to_value(after)?))
    }

    /// Something changed: the audit keeps both states, the event the new one.
    pub fn updated(
        action: &'static str,
        entity: &'static str,
        id: impl Into<Uuid>,
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
            entity_id: Some(change.id.to_string()),
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

/// One audited change.
#[derive(
    Debug, Clone, Serialize, FromQueryResult, async_graphql::SimpleObject, utoipa::ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub actor_type: String,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Exact action, or a prefix ending in `.` (`identity.`).
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Newest first. The time bounds also prune partitions.
async fn query(
    conn: &impl ConnectionTrait,
    tenant: Option<Uuid>,
    all_tenants: bool,
    filter: &AuditFilter,
    page: PageRequest,
) -> AppResult<Vec<AuditEvent>> {
    let (action_exact, action_prefix) = match &filter.action {
        Some(a) if a.ends_with('.') => (
            None,
            Some(format!("{}%", a.replace('%', "\\%").replace('_', "\\_"))),
        ),
        Some(a) => (Some(a.clone()), None),
        None => (None, None),
    };
    Ok(AuditEvent::find_by_statement(sql(
        "SELECT id, tenant_id, actor_type, actor_id, action, entity_type, entity_id, before, after, request_id, created_at
         FROM audit_events
         WHERE ($1::boolean OR tenant_id IS NOT DISTINCT FROM $2)
           AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR action LIKE $4)
           AND ($5::text IS NULL OR entity_type = $5) AND ($6::text IS NULL OR entity_id = $6)
           AND ($7::uuid IS NULL OR actor_id = $7)
           AND ($8::timestamptz IS NULL OR created_at >= $8) AND ($9::timestamptz IS NULL OR created_at < $9)
           AND ($10::uuid IS NULL OR id < $10)
         ORDER BY id DESC LIMIT $11",
        [
            all_tenants.into(),
            tenant.into(),
            action_exact.into(),
            action_prefix.into(),
            filter.entity_type.clone().into(),
            filter.entity_id.clone().into(),
            filter.actor_id.into(),
            filter.from.into(),
            filter.to.into(),
            page.after.into(),
            page.fetch_limit().into(),
        ],
    ))
    .all(conn)
    .await?)
}

/// The caller's tenant's audit trail.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    filter: AuditFilter,
    page: PageRequest,
) -> AppResult<Page<AuditEvent>> {
    let tenant = ctx.require("admin.audit.read")?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = query(&tx, Some(tenant.as_uuid()), false, &filter, page).await?;
    tx.commit().await?;
    Ok(page.finish(rows, |e| e.id))
}

/// Across tenants (superadmins): one tenant's, the platform's own
/// (`tenant: None, all: false`), or everything (`all: true`).
pub async fn list_platform(
    db: &Db,
    ctx: &RequestContext,
    tenant: Option<TenantId>,
    filter: AuditFilter,
    page: PageRequest,
) -> AppResult<Page<AuditEvent>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let rows = query(
        &tx,
        tenant.map(|t| t.as_uuid()),
        tenant.is_none(),
        &filter,
        page,
    )
    .await?;
    tx.commit().await?;
    Ok(page.finish(rows, |e| e.id))
}
