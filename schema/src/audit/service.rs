use chrono::Utc;
use kernel::{Actor, AppResult, RequestContext, TenantId};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
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

fn actor_columns(actor: &Actor) -> (&'static str, Option<Uuid>) {
    match actor {
        Actor::Anonymous => ("anonymous", None),
        Actor::User { user_id, .. } => ("user", Some(user_id.as_uuid())),
        Actor::Superadmin { user_id } => ("superadmin", Some(user_id.as_uuid())),
        Actor::System => ("system", None),
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
        actor_type: Set(actor_type.to_owned()),
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
