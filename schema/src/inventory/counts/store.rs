//! Every statement on `stock_counts` and `stock_count_lines`.

use crate::inventory::items::store::item_of;
use crate::quantity::Quantity;
use crate::store_support::upsert;
use chrono::{DateTime, Utc};
use entities::stock_count_lines as lines;
use entities::stock_counts::{ActiveModel, Column, CountStatus, Entity, Model};
use entities::stock_items as items;
use kernel::{AppResult, CountId, LocationId, StockItemId, TenantId, UserId};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;

/// The 100 newest counts, optionally of one location or status.
pub(crate) async fn newest(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    location: Option<LocationId>,
    status: Option<CountStatus>,
) -> AppResult<Vec<Model>> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .apply_if(location, |q, l| q.filter(Column::LocationId.eq(l)))
        .apply_if(status, |q, s| q.filter(Column::Status.eq(s)))
        .order_by_desc(Column::Id)
        .limit(100)
        .all(conn)
        .await?)
}

pub(crate) struct Insert<'a> {
    pub id: CountId,
    pub location: LocationId,
    pub note: Option<&'a str>,
    pub started_by: Option<UserId>,
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    row: Insert<'_>,
) -> AppResult<Model> {
    Ok(Entity::insert(ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        location_id: Set(row.location.as_uuid()),
        status: Set(CountStatus::Open),
        note: Set(row.note.map(str::to_owned)),
        started_by: Set(row.started_by.map(|u| u.as_uuid())),
        started_at: Set(row.at),
        closed_at: Set(None),
    })
    .exec_with_returning(conn)
    .await?)
}

/// Posts or cancels the count at `at`.
pub(crate) async fn close(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: CountId,
    status: CountStatus,
    at: DateTime<Utc>,
) -> AppResult<Model> {
    Ok(ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        location_id: NotSet,
        status: Set(status),
        note: NotSet,
        started_by: NotSet,
        started_at: NotSet,
        closed_at: Set(Some(at)),
    }
    .update(conn)
    .await?)
}

/// A line with its item's SKU and name.
#[derive(FromQueryResult)]
pub(crate) struct LineRow {
    pub count_id: Uuid,
    pub stock_item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub counted_milli: i64,
    pub counted_at: DateTime<Utc>,
    pub expected_milli: Option<i64>,
}

/// The lines of these counts, by item name.
pub(crate) async fn lines_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    counts: &[Uuid],
) -> AppResult<Vec<LineRow>> {
    Ok(lines::Entity::find()
        .select_only()
        .columns([
            lines::Column::CountId,
            lines::Column::StockItemId,
            lines::Column::CountedMilli,
            lines::Column::CountedAt,
            lines::Column::ExpectedMilli,
        ])
        .columns([items::Column::Sku, items::Column::Name])
        .join(
            JoinType::InnerJoin,
            item_of::<lines::Entity>(lines::Column::TenantId, lines::Column::StockItemId),
        )
        .filter(lines::Column::TenantId.eq(tenant))
        .filter(lines::Column::CountId.is_in(counts.iter().copied()))
        .order_by_asc(items::Column::Name)
        .into_model::<LineRow>()
        .all(conn)
        .await?)
}

/// Records (or corrects) what was counted of one item.
pub(crate) async fn upsert_line(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    count: CountId,
    item: StockItemId,
    counted: Quantity,
    counted_at: DateTime<Utc>,
) -> AppResult<()> {
    let line = lines::ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        count_id: Set(count.as_uuid()),
        stock_item_id: Set(item.as_uuid()),
        counted_milli: Set(counted.milli()),
        counted_at: Set(counted_at),
        expected_milli: NotSet,
    };
    upsert(
        conn,
        line,
        [lines::Column::CountedMilli, lines::Column::CountedAt],
    )
    .await
}

/// Freezes what the ledger expected of a line when the count was posted.
pub(crate) async fn set_expected(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    count: CountId,
    item: StockItemId,
    expected: Quantity,
) -> AppResult<()> {
    lines::ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        count_id: Unchanged(count.as_uuid()),
        stock_item_id: Unchanged(item.as_uuid()),
        counted_milli: NotSet,
        counted_at: NotSet,
        expected_milli: Set(Some(expected.milli())),
    }
    .update(conn)
    .await?;
    Ok(())
}
