//! Every statement on `audit_events` (append-only, partitioned by month).

use super::types::{AuditEvent, AuditFilter};
use crate::pagination::PageRequest;
use entities::audit_events::{ActiveModel, Column, Entity};
use kernel::{AppResult, TenantId};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: ActiveModel) -> AppResult<()> {
    Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

/// Whose events a read covers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    /// One tenant's.
    Tenant(TenantId),
    /// Everyone's.
    All,
}

/// A page of events, newest first. The time bounds also prune partitions.
pub(crate) async fn page(
    conn: &impl ConnectionTrait,
    scope: Scope,
    filter: &AuditFilter,
    page: PageRequest,
) -> AppResult<Vec<AuditEvent>> {
    let (exact, prefix) = match &filter.action {
        Some(a) if a.ends_with('.') => (
            None,
            Some(format!("{}%", a.replace('%', "\\%").replace('_', "\\_"))),
        ),
        Some(a) => (Some(a.clone()), None),
        None => (None, None),
    };
    let query = match scope {
        Scope::Tenant(tenant) => Entity::find().filter(Column::TenantId.eq(tenant)),
        Scope::All => Entity::find(),
    };
    Ok(query
        .apply_if(exact, |q, a| q.filter(Column::Action.eq(a)))
        .apply_if(prefix, |q, p| q.filter(Column::Action.like(p)))
        .apply_if(filter.entity_type.clone(), |q, t| {
            q.filter(Column::EntityType.eq(t))
        })
        .apply_if(filter.entity_id.clone(), |q, id| {
            q.filter(Column::EntityId.eq(id))
        })
        .apply_if(filter.actor_id, |q, id| q.filter(Column::ActorId.eq(id)))
        .apply_if(filter.from, |q, at| q.filter(Column::CreatedAt.gte(at)))
        .apply_if(filter.to, |q, at| q.filter(Column::CreatedAt.lt(at)))
        .apply_if(page.after, |q, after| q.filter(Column::Id.lt(after)))
        .order_by_desc(Column::Id)
        .limit(page.fetch_limit().unsigned_abs())
        .all(conn)
        .await?
        .into_iter()
        .map(AuditEvent::from)
        .collect())
}
