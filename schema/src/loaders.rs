//! Dataloaders: relations resolved for a whole list in one query. Created per
//! request, because they are scoped to the caller's tenant.
//!
//! Each relation says only how it fetches a list of keys (`Relation`); the
//! loader around it (`Batched`: the tenant check, the error type) is written
//! once.

use crate::rbac::service::{Role, roles_of_users};
use crate::services::Services;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use kernel::{
    AppError, AppResult, Db, LocationId, MenuItemId, RequestContext, TenantId, TicketId, UserId,
};
use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::Arc;
use uuid::Uuid;

/// A relation of some keys, fetched for a whole list of them at once.
pub trait Relation: Send + Sync + 'static {
    type Key: Copy + Eq + Hash + Send + Sync + 'static;
    type Value: Clone + Send + Sync + 'static;

    fn fetch(
        db: &Db,
        tenant: TenantId,
        keys: &[Self::Key],
    ) -> impl Future<Output = AppResult<HashMap<Self::Key, Self::Value>>> + Send;
}

/// The request's loader of the relation `R`, in the caller's tenant.
pub struct Batched<R> {
    services: Services,
    tenant: Option<TenantId>,
    relation: PhantomData<fn() -> R>,
}

impl<R> Batched<R> {
    fn new(services: &Services, tenant: Option<TenantId>) -> Self {
        Self {
            services: services.clone(),
            tenant,
            relation: PhantomData,
        }
    }
}

impl<R: Relation> Loader<R::Key> for Batched<R> {
    type Value = R::Value;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[R::Key]) -> Result<HashMap<R::Key, R::Value>, Self::Error> {
        let tenant = self
            .tenant
            .ok_or_else(|| Arc::new(AppError::authn("sign in to a tenant to do this")))?;
        R::fetch(&self.services.db, tenant, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Roles of users, each user's by name.
pub struct Roles;
pub type RolesByUser = Batched<Roles>;

impl Relation for Roles {
    type Key = Uuid;
    type Value = Vec<Role>;

    async fn fetch(
        db: &Db,
        tenant: TenantId,
        keys: &[Uuid],
    ) -> AppResult<HashMap<Uuid, Vec<Role>>> {
        let users: Vec<UserId> = keys.iter().map(|k| (*k).into()).collect();
        let pairs = roles_of_users(db, tenant, &users).await?;
        let pairs = pairs.into_iter().map(|(u, r)| (u.as_uuid(), r)).collect();
        Ok(group_pairs(keys, pairs))
    }
}

/// What a GraphQL operation needs in its data: the request context and the
/// request's dataloaders.
pub fn request_data(services: &Services, ctx: RequestContext) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    let tenant = ctx.tenant_id();
    // One query per relation per list; nothing is cached between batches.
    fn batched<R: Relation>(
        data: &mut async_graphql::Data,
        services: &Services,
        tenant: Option<TenantId>,
    ) {
        data.insert(DataLoader::new(
            Batched::<R>::new(services, tenant),
            tokio::spawn,
        ));
    }
    batched::<Roles>(&mut data, services, tenant);
    batched::<Variants>(&mut data, services, tenant);
    batched::<ModifierGroups>(&mut data, services, tenant);
    batched::<SoldOutLocations>(&mut data, services, tenant);
    // These cache for the request, so a list resolver can prime them with
    // a whole page's relations (`feed_many`).
    fn scoped<R: Relation>(
        data: &mut async_graphql::Data,
        services: &Services,
        tenant: Option<TenantId>,
    ) {
        data.insert(DataLoader::with_cache(
            Batched::<R>::new(services, tenant),
            tokio::spawn,
            HashMapCache::default(),
        ));
    }
    scoped::<Lines>(&mut data, services, tenant);
    scoped::<Payments>(&mut data, services, tenant);
    scoped::<Refunds>(&mut data, services, tenant);
    scoped::<MenuItems>(&mut data, services, tenant);
    data.insert(ctx);
    data
}

/// Variants of menu items, one query per list.
pub struct Variants;
pub type VariantsByItem = Batched<Variants>;

impl Relation for Variants {
    type Key = MenuItemId;
    type Value = Vec<crate::menu::items::Variant>;

    async fn fetch(
        db: &Db,
        tenant: TenantId,
        keys: &[MenuItemId],
    ) -> AppResult<HashMap<MenuItemId, Self::Value>> {
        let rows = crate::menu::items::variants_of(db, tenant, keys).await?;
        Ok(group(keys, rows, |v| v.item_id))
    }
}

/// Modifier groups of menu items, two queries per list.
pub struct ModifierGroups;
pub type ModifierGroupsByItem = Batched<ModifierGroups>;

impl Relation for ModifierGroups {
    type Key = MenuItemId;
    type Value = Vec<crate::menu::modifiers::ModifierGroup>;

    async fn fetch(
        db: &Db,
        tenant: TenantId,
        keys: &[MenuItemId],
    ) -> AppResult<HashMap<MenuItemId, Self::Value>> {
        let pairs = crate::menu::items::groups_of(db, tenant, keys).await?;
        Ok(group_pairs(keys, pairs))
    }
}

/// Locations where menu items are sold out, one query per list.
pub struct SoldOutLocations;
pub type SoldOutLocationsByItem = Batched<SoldOutLocations>;

impl Relation for SoldOutLocations {
    type Key = MenuItemId;
    type Value = Vec<LocationId>;

    async fn fetch(
        db: &Db,
        tenant: TenantId,
        keys: &[MenuItemId],
    ) -> AppResult<HashMap<MenuItemId, Self::Value>> {
        let pairs = crate::menu::availability::sold_out_locations_of(db, tenant, keys).await?;
        Ok(group_pairs(keys, pairs))
    }
}

/// Groups (key, value) pairs by key, with an empty list for keys that have none.
fn group_pairs<K: Copy + Eq + Hash, V>(keys: &[K], pairs: Vec<(K, V)>) -> HashMap<K, Vec<V>> {
    let mut out: HashMap<K, Vec<V>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for (key, value) in pairs {
        out.entry(key).or_default().push(value);
    }
    out
}

/// A loader that caches for its request (and can be primed with `feed_many`).
pub type Cached<T> = DataLoader<T, HashMapCache>;

/// Groups rows by a key, with an empty list for keys that have none.
pub(crate) fn group<K: Copy + Eq + Hash, T>(
    keys: &[K],
    rows: Vec<T>,
    key: impl Fn(&T) -> K,
) -> HashMap<K, Vec<T>> {
    group_pairs(keys, rows.into_iter().map(|r| (key(&r), r)).collect())
}

/// Lines of tickets, one query per list.
pub struct Lines;
pub type LinesByTicket = Batched<Lines>;

impl Relation for Lines {
    type Key = TicketId;
    type Value = Vec<crate::pos::tickets::TicketLine>;

    async fn fetch(
        db: &Db,
        tenant: TenantId,
        keys: &[TicketId],
    ) -> AppResult<HashMap<TicketId, Self::Value>> {
        let rows = crate::pos::tickets::lines_of_tickets(db, tenant, keys).await?;
        Ok(group(keys, rows, |l| l.ticket_id))
    }
}

/// Payments of tickets, one query per list.
pub struct Payments;
pub type PaymentsByTicket = Batched<Payments>;

impl Relation for Payments {
    type Key = TicketId;
    type Value = Vec<crate::pos::payments::Payment>;

    async fn fetch(
        db: &Db,
        tenant: TenantId,
        keys: &[TicketId],
    ) -> AppResult<HashMap<TicketId, Self::Value>> {
        let rows = crate::pos::payments::payments_of_tickets(db, tenant, keys).await?;
        Ok(group(keys, rows, |p| p.ticket_id))
    }
}

/// Refunds of tickets, one query per list.
pub struct Refunds;
pub type RefundsByTicket = Batched<Refunds>;

impl Relation for Refunds {
    type Key = TicketId;
    type Value = Vec<crate::pos::payments::Refund>;

    async fn fetch(
        db: &Db,
        tenant: TenantId,
        keys: &[TicketId],
    ) -> AppResult<HashMap<TicketId, Self::Value>> {
        let rows = crate::pos::payments::refunds_of_tickets(db, tenant, keys).await?;
        Ok(group(keys, rows, |r| r.ticket_id))
    }
}

/// Menu items by id (deleted ones too: a ticket line outlives its item), one query per list.
pub struct MenuItems;
pub type MenuItemById = Batched<MenuItems>;

impl Relation for MenuItems {
    type Key = MenuItemId;
    type Value = crate::menu::items::Item;

    async fn fetch(
        db: &Db,
        tenant: TenantId,
        keys: &[MenuItemId],
    ) -> AppResult<HashMap<MenuItemId, Self::Value>> {
        let rows = crate::menu::items::items_by_ids(db, tenant, keys).await?;
        Ok(rows.into_iter().map(|i| (i.id, i)).collect())
    }
}
