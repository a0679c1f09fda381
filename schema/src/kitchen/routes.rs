//! Setting where the menu's lines go: one rule per category, item or
//! modifier, location and dining option.

use super::{MANAGE, READ, Route, RouteInput, RouteTarget, stations, store};
use crate::audit::service::Change;
use crate::command::Unit;
use kernel::{AppError, AppResult, Db, LocationId, RequestContext};
use sea_orm::ConnectionTrait;
use serde_json::json;

/// A location's rules (every location's when `None`).
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    location: Option<LocationId>,
) -> AppResult<Vec<Route>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let routes = store::routes_of(&*unit, unit.tenant, location).await?;
    unit.commit(routes).await
}

/// The target must be the business's own category, item or modifier.
async fn check_target(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    target: RouteTarget,
    id: uuid::Uuid,
) -> AppResult<()> {
    let found = match target {
        RouteTarget::Category => crate::store_support::find::<
            entities::menu_categories::Entity,
            entities::menu_categories::Model,
        >(conn, tenant, id)
        .await?
        .is_some(),
        RouteTarget::Item => crate::store_support::find::<
            entities::menu_items::Entity,
            entities::menu_items::Model,
        >(conn, tenant, id)
        .await?
        .is_some(),
        RouteTarget::Modifier => crate::store_support::find::<
            entities::modifiers::Entity,
            entities::modifiers::Model,
        >(conn, tenant, id)
        .await?
        .is_some(),
    };
    if found {
        Ok(())
    } else {
        Err(AppError::invalid_field(
            "targetId",
            "no such category, item or modifier",
        ))
    }
}

/// Sets (or, with no stations, removes) one rule. Work already fired keeps
/// the stations it was routed to.
pub async fn set(db: &Db, ctx: &RequestContext, input: RouteInput) -> AppResult<Route> {
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    let tenant = unit.tenant;
    crate::locations::service::referenced(&*unit, tenant, "locationId", input.location_id).await?;
    check_target(&*unit, tenant, input.target, input.target_id).await?;
    let mut station_ids = input.station_ids.clone();
    station_ids.sort();
    station_ids.dedup();
    if station_ids.len() > 20 {
        return Err(AppError::invalid_field("stationIds", "at most 20 stations"));
    }
    for id in &station_ids {
        let station = stations::find(&*unit, tenant, *id)
            .await
            .map_err(|_| AppError::invalid_field("stationIds", "no such station"))?;
        if station.location_id != input.location_id {
            return Err(AppError::invalid_field(
                "stationIds",
                "a station of another location",
            ));
        }
    }
    let route = Route {
        location_id: input.location_id,
        target: input.target,
        target_id: input.target_id,
        dining_option: input.dining_option,
        station_ids,
    };
    store::replace_route(&*unit, tenant, &route, unit.now()).await?;
    unit.commit_with(
        Change::new("kitchen.route.set", "kitchen_route", route.target_id)
            .with_after(serde_json::to_value(&route)?)
            .with_event(json!({ "route": &route })),
        route,
    )
    .await
}
