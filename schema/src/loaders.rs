//! Dataloaders: relations resolved for a whole list in one query. Created per
//! request, because they are scoped to the caller's tenant.

use crate::rbac::service::{Role, roles_of_users};
use crate::services::Services;
use async_graphql::dataloader::{DataLoader, Loader};
use kernel::{AppError, LocationId, MenuItemId, RequestContext, TenantId, TicketId, UserId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use uuid::Uuid;

pub struct RolesByUser {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<Uuid> for RolesByUser {
    type Value = Vec<Role>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<Role>>, Self::Error> {
        let tenant = tenant_of(self.tenant)?;
        let users: Vec<UserId> = keys.iter().map(|k| (*k).into()).collect();
        let pairs = roles_of_users(&self.services.db, tenant, &users)
            .await
            .map_err(Arc::new)?;
        let pairs = pairs.into_iter().map(|(u, r)| (u.as_uuid(), r)).collect();
        Ok(group_pairs(keys, pairs))
    }
}

/// What a GraphQL operation needs in its data: the request context and the
/// request's dataloaders.
pub fn request_data(services: &Services, ctx: RequestContext) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    // One query per relation per list; nothing is cached between batches.
    macro_rules! batched {
        ($($loader:ident),*) => {$(
            data.insert(DataLoader::new(
                $loader {
                    services: services.clone(),
                    tenant: ctx.tenant_id(),
                },
                tokio::spawn,
            ));
        )*};
    }
    batched!(
        RolesByUser,
        VariantsByItem,
        ModifierGroupsByItem,
        SoldOutLocationsByItem
    );
    // These cache for the request, so a list resolver can prime them with
    // a whole page's relations (`feed_many`).
    macro_rules! scoped {
        ($($loader:ident),*) => {$(
            data.insert(DataLoader::with_cache(
                $loader {
                    services: services.clone(),
                    tenant: ctx.tenant_id(),
                },
                tokio::spawn,
                async_graphql::dataloader::HashMapCache::default(),
            ));
        )*};
    }
    scoped!(
        LinesByTicket,
        PaymentsByTicket,
        RefundsByTicket,
        MenuItemById
    );
    data.insert(ctx);
    data
}

/// Variants of menu items, one query per list.
pub struct VariantsByItem {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<MenuItemId> for VariantsByItem {
    type Value = Vec<crate::menu::items::Variant>;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[MenuItemId],
    ) -> Result<HashMap<MenuItemId, Self::Value>, Self::Error> {
        let tenant = tenant_of(self.tenant)?;
        let rows = crate::menu::items::variants_of(&self.services.db, tenant, keys)
            .await
            .map_err(Arc::new)?;
        Ok(group(keys, rows, |v| v.item_id))
    }
}

/// Modifier groups of menu items, two queries per list.
pub struct ModifierGroupsByItem {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<MenuItemId> for ModifierGroupsByItem {
    type Value = Vec<crate::menu::modifiers::ModifierGroup>;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[MenuItemId],
    ) -> Result<HashMap<MenuItemId, Self::Value>, Self::Error> {
        let tenant = tenant_of(self.tenant)?;
        let pairs = crate::menu::items::groups_of(&self.services.db, tenant, keys)
            .await
            .map_err(Arc::new)?;
        Ok(group_pairs(keys, pairs))
    }
}

/// Locations where menu items are sold out, one query per list.
pub struct SoldOutLocationsByItem {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<MenuItemId> for SoldOutLocationsByItem {
    type Value = Vec<LocationId>;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[MenuItemId],
    ) -> Result<HashMap<MenuItemId, Self::Value>, Self::Error> {
        let tenant = tenant_of(self.tenant)?;
        let pairs =
            crate::menu::availability::sold_out_locations_of(&self.services.db, tenant, keys)
                .await
                .map_err(Arc::new)?;
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
pub type Cached<T> = DataLoader<T, async_graphql::dataloader::HashMapCache>;

/// Groups rows by a key, with an empty list for keys that have none.
pub(crate) fn group<K: Copy + Eq + Hash, T>(
    keys: &[K],
    rows: Vec<T>,
    key: impl Fn(&T) -> K,
) -> HashMap<K, Vec<T>> {
    group_pairs(keys, rows.into_iter().map(|r| (key(&r), r)).collect())
}

fn tenant_of(tenant: Option<TenantId>) -> Result<TenantId, Arc<AppError>> {
    tenant.ok_or_else(|| Arc::new(AppError::authn("sign in to a tenant to do this")))
}

/// Lines of tickets, one query per list.
pub struct LinesByTicket {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<TicketId> for LinesByTicket {
    type Value = Vec<crate::pos::tickets::TicketLine>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[TicketId]) -> Result<HashMap<TicketId, Self::Value>, Self::Error> {
        let rows =
            crate::pos::tickets::lines_of_tickets(&self.services.db, tenant_of(self.tenant)?, keys)
                .await
                .map_err(Arc::new)?;
        Ok(group(keys, rows, |l| l.ticket_id))
    }
}

/// Payments of tickets, one query per list.
pub struct PaymentsByTicket {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<TicketId> for PaymentsByTicket {
    type Value = Vec<crate::pos::payments::Payment>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[TicketId]) -> Result<HashMap<TicketId, Self::Value>, Self::Error> {
        let rows = crate::pos::payments::payments_of_tickets(
            &self.services.db,
            tenant_of(self.tenant)?,
            keys,
        )
        .await
        .map_err(Arc::new)?;
        Ok(group(keys, rows, |p| p.ticket_id))
    }
}

/// Refunds of tickets, one query per list.
pub struct RefundsByTicket {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<TicketId> for RefundsByTicket {
    type Value = Vec<crate::pos::payments::Refund>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[TicketId]) -> Result<HashMap<TicketId, Self::Value>, Self::Error> {
        let rows = crate::pos::payments::refunds_of_tickets(
            &self.services.db,
            tenant_of(self.tenant)?,
            keys,
        )
        .await
        .map_err(Arc::new)?;
        Ok(group(keys, rows, |r| r.ticket_id))
    }
}

/// Menu items by id (deleted ones too: a ticket line outlives its item), one query per list.
pub struct MenuItemById {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<MenuItemId> for MenuItemById {
    type Value = crate::menu::items::Item;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[MenuItemId],
    ) -> Result<HashMap<MenuItemId, Self::Value>, Self::Error> {
        let rows =
            crate::menu::items::items_by_ids(&self.services.db, tenant_of(self.tenant)?, keys)
                .await
                .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|i| (i.id, i)).collect())
    }
}
