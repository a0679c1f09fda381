//! Dataloaders: relations resolved for a whole list in one query. Created per
//! request, because they are scoped to the caller's tenant.

use crate::rbac::service::{Role, roles_of_users};
use crate::services::Services;
use async_graphql::dataloader::{DataLoader, Loader};
use kernel::{AppError, RequestContext, TenantId};
use std::collections::HashMap;
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
        let tenant = self
            .tenant
            .ok_or_else(|| Arc::new(AppError::authn("sign in to a tenant to do this")))?;
        let pairs = roles_of_users(&self.services.db, tenant, keys)
            .await
            .map_err(Arc::new)?;
        let mut out: HashMap<Uuid, Vec<Role>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (user, role) in pairs {
            out.entry(user).or_default().push(role);
        }
        Ok(out)
    }
}

/// What a GraphQL operation needs in its data: the request context and the
/// request's dataloaders.
pub fn request_data(services: &Services, ctx: RequestContext) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    data.insert(DataLoader::new(
        RolesByUser {
            services: services.clone(),
            tenant: ctx.tenant_id(),
        },
        tokio::spawn,
    ));
    data.insert(DataLoader::new(
        VariantsByItem {
            services: services.clone(),
            tenant: ctx.tenant_id(),
        },
        tokio::spawn,
    ));
    data.insert(DataLoader::new(
        ModifierGroupsByItem {
            services: services.clone(),
            tenant: ctx.tenant_id(),
        },
        tokio::spawn,
    ));
    data.insert(DataLoader::new(
        SoldOutLocationsByItem {
            services: services.clone(),
            tenant: ctx.tenant_id(),
        },
        tokio::spawn,
    ));
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

impl Loader<Uuid> for VariantsByItem {
    type Value = Vec<crate::menu::service::Variant>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let tenant = self
            .tenant
            .ok_or_else(|| Arc::new(AppError::authn("sign in to a tenant to do this")))?;
        let rows = crate::menu::service::variants_of(&self.services.db, tenant, keys)
            .await
            .map_err(Arc::new)?;
        let mut out: HashMap<Uuid, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for v in rows {
            out.entry(v.item_id).or_default().push(v);
        }
        Ok(out)
    }
}

/// Modifier groups of menu items, two queries per list.
pub struct ModifierGroupsByItem {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<Uuid> for ModifierGroupsByItem {
    type Value = Vec<crate::menu::service::ModifierGroup>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let tenant = self
            .tenant
            .ok_or_else(|| Arc::new(AppError::authn("sign in to a tenant to do this")))?;
        let pairs = crate::menu::service::groups_of(&self.services.db, tenant, keys)
            .await
            .map_err(Arc::new)?;
        let mut out: HashMap<Uuid, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (item, group) in pairs {
            out.entry(item).or_default().push(group);
        }
        Ok(out)
    }
}

/// Locations where menu items are sold out, one query per list.
pub struct SoldOutLocationsByItem {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<Uuid> for SoldOutLocationsByItem {
    type Value = Vec<Uuid>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let tenant = self
            .tenant
            .ok_or_else(|| Arc::new(AppError::authn("sign in to a tenant to do this")))?;
        let pairs = crate::menu::service::sold_out_locations_of(&self.services.db, tenant, keys)
            .await
            .map_err(Arc::new)?;
        let mut out: HashMap<Uuid, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (item, location) in pairs {
            out.entry(item).or_default().push(location);
        }
        Ok(out)
    }
}

/// A loader that caches for its request (and can be primed with `feed_many`).
pub type Cached<T> = DataLoader<T, async_graphql::dataloader::HashMapCache>;

/// Groups rows by a key, with an empty list for keys that have none.
pub(crate) fn group<T>(
    keys: &[Uuid],
    rows: Vec<T>,
    key: impl Fn(&T) -> Uuid,
) -> HashMap<Uuid, Vec<T>> {
    let mut out: HashMap<Uuid, Vec<T>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for row in rows {
        out.entry(key(&row)).or_default().push(row);
    }
    out
}

fn tenant_of(tenant: Option<TenantId>) -> Result<TenantId, Arc<AppError>> {
    tenant.ok_or_else(|| Arc::new(AppError::authn("sign in to a tenant to do this")))
}

/// Lines of tickets, one query per list.
pub struct LinesByTicket {
    services: Services,
    tenant: Option<TenantId>,
}

impl Loader<Uuid> for LinesByTicket {
    type Value = Vec<crate::pos::tickets::TicketLine>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
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

impl Loader<Uuid> for PaymentsByTicket {
    type Value = Vec<crate::pos::payments::Payment>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
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

impl Loader<Uuid> for RefundsByTicket {
    type Value = Vec<crate::pos::payments::Refund>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
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

impl Loader<Uuid> for MenuItemById {
    type Value = crate::menu::service::Item;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows =
            crate::menu::service::items_by_ids(&self.services.db, tenant_of(self.tenant)?, keys)
                .await
                .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|i| (i.id, i)).collect())
    }
}
