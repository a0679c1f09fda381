//! The location commands: list, create, update, and the lookups other
//! modules use to check a location they are given.

use super::store;
pub use super::types::{Location, LocationPatch, NewLocation};
use crate::audit::service::Change;
use crate::billing::entitlements::Limit;
use crate::command::Unit;
use crate::store_support;
use entities::locations::Entity;
use kernel::{AppError, AppResult, Db, ErrorCode, LocationId, RequestContext, TenantId};
use sea_orm::ConnectionTrait;
use serde_json::json;

const MANAGE: &str = "admin.locations.manage";

fn location_name(raw: &str) -> AppResult<String> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > 100 {
        return Err(AppError::invalid_field(
            "name",
            "must be 1 to 100 characters",
        ));
    }
    Ok(value.to_owned())
}

pub(crate) async fn check_timezone(conn: &impl ConnectionTrait, zone: &str) -> AppResult<String> {
    let zone = zone.trim();
    if !store::timezone_known(conn, zone).await? {
        return Err(AppError::invalid_field(
            "timezone",
            "must be an IANA time zone such as Europe/Paris",
        ));
    }
    Ok(zone.to_owned())
}

fn name_taken(err: AppError) -> AppError {
    if err.code() == ErrorCode::Conflict {
        AppError::conflict("a location with that name exists")
            .with_details(json!({ "fields": { "name": "is taken" } }))
    } else {
        err
    }
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: LocationId,
) -> AppResult<Location> {
    store_support::find::<Entity, _>(conn, tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("location"))
}

/// A location named in an input: unknown is `VALIDATION` on `field`, so a
/// typo does not read as a missing page.
pub(crate) async fn referenced(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    field: &str,
    id: LocationId,
) -> AppResult<Location> {
    store_support::find::<Entity, _>(conn, tenant, id)
        .await?
        .ok_or_else(|| AppError::invalid_field(field, "no such location"))
}

pub async fn list(db: &Db, ctx: &RequestContext) -> AppResult<Vec<Location>> {
    let unit = Unit::begin_signed_in(db, ctx).await?;
    let rows = store::list(&*unit, unit.tenant).await?;
    unit.commit(rows).await
}

pub async fn create(db: &Db, ctx: &RequestContext, input: NewLocation) -> AppResult<Location> {
    let name = location_name(&input.name)?;
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    let zone = check_timezone(&*unit, input.timezone.as_deref().unwrap_or("UTC")).await?;
    crate::billing::entitlements::check(&*unit, unit.tenant, Limit::Locations, unit.now()).await?;
    let location = store::insert(
        &*unit,
        store::Insert {
            tenant: unit.tenant,
            id: LocationId::new(),
            name: &name,
            timezone: &zone,
            at: unit.now(),
        },
    )
    .await
    .map_err(name_taken)?;
    unit.commit_with(
        Change::created("location.created", "location", location.id, &location)?,
        location,
    )
    .await
}

pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    id: LocationId,
    patch: LocationPatch,
) -> AppResult<Location> {
    let name = patch.name.as_deref().map(location_name).transpose()?;
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    let zone = match patch.timezone.as_deref() {
        Some(z) => Some(check_timezone(&*unit, z).await?),
        None => None,
    };
    let before = find(&*unit, unit.tenant, id).await?;
    let after = store::update(
        &*unit,
        unit.tenant,
        id,
        name.as_deref(),
        zone.as_deref(),
        patch.active,
        unit.now(),
    )
    .await
    .map_err(name_taken)?;
    unit.commit_with(
        Change::updated("location.updated", "location", id, &before, &after)?,
        after,
    )
    .await
}
