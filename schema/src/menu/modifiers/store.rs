//! Every statement on `modifier_groups` and `modifiers`.

use super::{Modifier, ModifierGroup};
use chrono::{DateTime, Utc};
use entities::{modifier_groups as groups, modifiers};
use kernel::{AppResult, ModifierGroupId, ModifierId, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

pub(crate) struct Insert<'a> {
    pub tenant: TenantId,
    pub id: ModifierGroupId,
    pub name: &'a str,
    pub min_select: i32,
    pub max_select: i32,
    pub at: DateTime<Utc>,
    /// Name and price delta of each modifier, in display order.
    pub modifiers: &'a [(String, i64)],
}

/// Inserts the group and its modifiers (two statements).
pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Insert<'_>) -> AppResult<()> {
    groups::Entity::insert(groups::ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        name: Set(row.name.to_owned()),
        min_select: Set(row.min_select),
        max_select: Set(row.max_select),
        created_at: Set(row.at),
    })
    .exec_without_returning(conn)
    .await?;
    if row.modifiers.is_empty() {
        return Ok(());
    }
    modifiers::Entity::insert_many(row.modifiers.iter().zip(0..).map(|((name, delta), i)| {
        modifiers::ActiveModel {
            tenant_id: Set(row.tenant.as_uuid()),
            id: Set(ModifierId::new().as_uuid()),
            group_id: Set(row.id.as_uuid()),
            name: Set(name.clone()),
            price_delta_minor: Set(*delta),
            sort_order: Set(i),
        }
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Groups by id with their modifiers, by name (two statements).
pub(crate) async fn by_ids(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[ModifierGroupId],
) -> AppResult<Vec<ModifierGroup>> {
    load(conn, tenant, Some(ids)).await
}

/// Every group of the tenant with its modifiers, by name (two statements).
pub(crate) async fn all(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<Vec<ModifierGroup>> {
    load(conn, tenant, None).await
}

/// How many of `ids` (distinct) are the tenant's groups.
pub(crate) async fn count_known(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[ModifierGroupId],
) -> AppResult<u64> {
    Ok(groups::Entity::find()
        .filter(groups::Column::TenantId.eq(tenant))
        .filter(groups::Column::Id.is_in(ids.iter().copied()))
        .count(conn)
        .await?)
}

async fn load(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: Option<&[ModifierGroupId]>,
) -> AppResult<Vec<ModifierGroup>> {
    let mut query = groups::Entity::find().filter(groups::Column::TenantId.eq(tenant));
    if let Some(ids) = ids {
        query = query.filter(groups::Column::Id.is_in(ids.iter().copied()));
    }
    let found = query.order_by_asc(groups::Column::Name).all(conn).await?;
    let modifiers: Vec<Modifier> = modifiers::Entity::find()
        .filter(modifiers::Column::TenantId.eq(tenant))
        .filter(modifiers::Column::GroupId.is_in(found.iter().map(|g| g.id)))
        .order_by_asc(modifiers::Column::SortOrder)
        .all(conn)
        .await?
        .into_iter()
        .map(Modifier::from)
        .collect();
    Ok(found
        .into_iter()
        .map(|g| {
            let id = ModifierGroupId::from(g.id);
            ModifierGroup {
                modifiers: modifiers
                    .iter()
                    .filter(|m| m.group_id == id)
                    .cloned()
                    .collect(),
                id,
                name: g.name,
                min_select: g.min_select,
                max_select: g.max_select,
            }
        })
        .collect())
}
