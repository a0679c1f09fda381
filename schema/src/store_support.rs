//! Statements that many stores share, written once over SeaORM's
//! `EntityTrait`: a tenant's row by id (plain or locked), one keyset page,
//! and an insert-or-update on the primary key. Each store still decides what
//! it reads and writes; these only spare it restating how.

use kernel::{AppResult, TenantId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Iterable, PrimaryKeyToColumn,
    PrimaryKeyTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

/// A table keyed `(tenant_id, id)`: every SeaORM entity whose primary key
/// is two UUIDs.
pub(crate) trait TenantKeyed: EntityTrait {
    /// The row `(tenant, id)`.
    fn by_key(tenant: TenantId, id: Uuid) -> Select<Self>;
}

impl<E> TenantKeyed for E
where
    E: EntityTrait,
    (Uuid, Uuid): Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    fn by_key(tenant: TenantId, id: Uuid) -> Select<Self> {
        E::find_by_id((tenant.as_uuid(), id))
    }
}

/// The tenant's row `id` of `E`, as `T`; `None` when the tenant has no such
/// row (another tenant's id reads the same).
pub(crate) async fn find<E: TenantKeyed, T: From<E::Model>>(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: impl Into<Uuid>,
) -> AppResult<Option<T>> {
    Ok(E::by_key(tenant, id.into()).one(conn).await?.map(T::from))
}

/// As `find`, the row locked (`FOR UPDATE`) until the transaction ends.
pub(crate) async fn find_locked<E: TenantKeyed, T: From<E::Model>>(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: impl Into<Uuid>,
) -> AppResult<Option<T>> {
    let query = E::by_key(tenant, id.into()).lock_exclusive();
    Ok(query.one(conn).await?.map(T::from))
}

/// One keyset page of `query` by its time-ordered `id` column: the rows after
/// `after`, oldest first, at most `limit`, as `T`.
pub(crate) async fn page<E, T>(
    conn: &impl ConnectionTrait,
    query: Select<E>,
    id: E::Column,
    after: Option<Uuid>,
    limit: u64,
) -> AppResult<Vec<T>>
where
    E: EntityTrait,
    T: From<E::Model>,
{
    Ok(query
        .apply_if(after, |q, after| q.filter(id.gt(after)))
        .order_by_asc(id)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(T::from)
        .collect())
}

/// Writes every column of `row` over the stored row with its primary key;
/// answers the row as stored.
pub(crate) async fn overwrite<A>(
    conn: &impl ConnectionTrait,
    row: <A::Entity as EntityTrait>::Model,
) -> AppResult<<A::Entity as EntityTrait>::Model>
where
    A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    use sea_orm::IntoActiveModel;
    Ok(
        <A::Entity as EntityTrait>::update(row.into_active_model().reset_all())
            .exec(conn)
            .await?,
    )
}

/// Inserts `row`, or where its primary key exists already, sets `update`
/// from it: one statement.
pub(crate) async fn upsert<A>(
    conn: &impl ConnectionTrait,
    row: A,
    update: impl IntoIterator<Item = <A::Entity as EntityTrait>::Column>,
) -> AppResult<()>
where
    A: ActiveModelTrait,
{
    let key = <A::Entity as EntityTrait>::PrimaryKey::iter().map(|k| k.into_column());
    <A::Entity as EntityTrait>::insert(row)
        .on_conflict(OnConflict::columns(key).update_columns(update).to_owned())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
