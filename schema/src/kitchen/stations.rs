//! Setting a kitchen up: its stations, with their targets and aging.

use super::{ExpoMode, MANAGE, NewStation, READ, Station, StationPatch, store};
use crate::audit::service::Change;
use crate::command::Unit;
use kernel::{AppError, AppResult, Db, ErrorCode, LocationId, RequestContext, StationId};
use serde_json::json;

fn seconds(field: &str, value: i32) -> AppResult<i32> {
    if !(1..=86_400).contains(&value) {
        return Err(AppError::invalid_field(field, "must be 1 to 86400 seconds"));
    }
    Ok(value)
}

/// The timings make sense together: yellow comes before red.
fn check(station: &Station) -> AppResult<()> {
    seconds("prepTargetSecs", station.prep_target_secs)?;
    seconds("warnAfterSecs", station.warn_after_secs)?;
    seconds("lateAfterSecs", station.late_after_secs)?;
    if station.warn_after_secs >= station.late_after_secs {
        return Err(AppError::invalid_field(
            "lateAfterSecs",
            "must be more than warnAfterSecs",
        ));
    }
    Ok(())
}

fn clash(err: AppError) -> AppError {
    if err.code() == ErrorCode::Conflict {
        AppError::conflict("the location has a station of that name, or an expo already")
            .with_details(json!({ "fields": { "name": "is taken" } }))
    } else {
        err
    }
}

pub(crate) async fn find(
    conn: &impl sea_orm::ConnectionTrait,
    tenant: kernel::TenantId,
    id: StationId,
) -> AppResult<Station> {
    store::station(conn, tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("station"))
}

/// A location's stations (every location's when `None`).
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    location: Option<LocationId>,
) -> AppResult<Vec<Station>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let stations = store::stations_of(&*unit, unit.tenant, location).await?;
    unit.commit(stations).await
}

pub async fn create(db: &Db, ctx: &RequestContext, input: NewStation) -> AppResult<Station> {
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    crate::locations::service::referenced(&*unit, unit.tenant, "locationId", input.location_id)
        .await?;
    let at = unit.now();
    let station = Station {
        id: StationId::new(),
        location_id: input.location_id,
        name: input.name.as_str().to_owned(),
        is_expo: input.is_expo,
        expo_mode: input.expo_mode.unwrap_or(ExpoMode::SendToExpo),
        prep_target_secs: input.prep_target_secs.unwrap_or(600),
        warn_after_secs: input.warn_after_secs.unwrap_or(300),
        late_after_secs: input.late_after_secs.unwrap_or(480),
        active: true,
        created_at: at,
        updated_at: at,
    };
    check(&station)?;
    let station = store::insert_station(&*unit, unit.tenant, &station)
        .await
        .map_err(clash)?;
    unit.commit_with(
        Change::created(
            "kitchen.station.created",
            "kitchen_station",
            station.id,
            &station,
        )?,
        station,
    )
    .await
}

pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    id: StationId,
    patch: StationPatch,
) -> AppResult<Station> {
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    let before = find(&*unit, unit.tenant, id).await?;
    let mut after = before.clone();
    if let Some(name) = patch.name {
        after.name = name.as_str().to_owned();
    }
    if let Some(mode) = patch.expo_mode {
        after.expo_mode = mode;
    }
    if let Some(v) = patch.prep_target_secs {
        after.prep_target_secs = v;
    }
    if let Some(v) = patch.warn_after_secs {
        after.warn_after_secs = v;
    }
    if let Some(v) = patch.late_after_secs {
        after.late_after_secs = v;
    }
    if let Some(active) = patch.active {
        after.active = active;
    }
    after.updated_at = unit.now();
    check(&after)?;
    let after = store::save_station(&*unit, unit.tenant, &after)
        .await
        .map_err(clash)?;
    unit.commit_with(
        Change::updated(
            "kitchen.station.updated",
            "kitchen_station",
            id,
            &before,
            &after,
        )?,
        after,
    )
    .await
}
