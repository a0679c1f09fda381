use crate::audit::service::{Change, record_change};
use chrono::{DateTime, Utc};
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, ErrorCode, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const MANAGE: &str = "admin.locations.manage";

#[derive(
    Debug,
    Clone,
    Serialize,
    Deserialize,
    FromQueryResult,
    async_graphql::SimpleObject,
    utoipa::ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: Uuid,
    pub name: String,
    /// IANA time zone; the business day (ticket numbers, Z reports) follows it.
    pub timezone: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, name, timezone, active, created_at, updated_at";

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

/// PostgreSQL knows the IANA zones; asking it keeps one list of truth.
async fn check_timezone(tx: &DatabaseTransaction, zone: &str) -> AppResult<String> {
    let zone = zone.trim();
    let known = tx
        .query_one_raw(sql(
            "SELECT 1 AS ok FROM pg_timezone_names WHERE name = $1",
            [zone.into()],
        ))
        .await?;
    if known.is_none() {
        return Err(AppError::invalid_field(
            "timezone",
            "must be an IANA time zone such as Europe/Paris",
        ));
    }
    Ok(zone.to_owned())
}

fn name_taken(e: sea_orm::DbErr) -> AppError {
    let err = AppError::from(e);
    if err.code() == ErrorCode::Conflict {
        AppError::conflict("a location with that name exists")
            .with_details(json!({ "fields": { "name": "is taken" } }))
    } else {
        err
    }
}

pub(crate) async fn find(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
) -> AppResult<Location> {
    Location::find_by_statement(sql(
        &format!("SELECT {COLUMNS} FROM locations WHERE tenant_id = $1 AND id = $2"),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("location"))
}

/// A location named in an input: unknown is `VALIDATION` on `field`, so a
/// typo does not read as a missing page.
pub(crate) async fn referenced(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    field: &str,
    id: Uuid,
) -> AppResult<Location> {
    find(tx, tenant, id)
        .await
        .map_err(|_| AppError::invalid_field(field, "no such location"))
}

pub async fn list(db: &Db, ctx: &RequestContext) -> AppResult<Vec<Location>> {
    let tenant = ctx.require_tenant()?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = Location::find_by_statement(sql(
        &format!("SELECT {COLUMNS} FROM locations WHERE tenant_id = $1 ORDER BY name"),
        [tenant.as_uuid().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

pub async fn create(
    db: &Db,
    ctx: &RequestContext,
    raw_name: &str,
    timezone: Option<&str>,
) -> AppResult<Location> {
    let tenant = ctx.require(MANAGE)?;
    let name = location_name(raw_name)?;
    let tx = db.tenant_tx(tenant).await?;
    let zone = check_timezone(&tx, timezone.unwrap_or("UTC")).await?;
    let id = Uuid::now_v7();
    tx.execute_raw(sql(
        "INSERT INTO locations (tenant_id, id, name, timezone) VALUES ($1, $2, $3, $4)",
        [tenant.as_uuid().into(), id.into(), name.into(), zone.into()],
    ))
    .await
    .map_err(name_taken)?;
    let location = find(&tx, tenant, id).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "location.created",
            entity: "location",
            id,
            before: None,
            after: Some(serde_json::to_value(&location)?),
            event: None,
            version: 1,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(location)
}

pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    id: Uuid,
    new_name: Option<&str>,
    timezone: Option<&str>,
    active: Option<bool>,
) -> AppResult<Location> {
    let tenant = ctx.require(MANAGE)?;
    let new_name = new_name.map(location_name).transpose()?;
    let tx = db.tenant_tx(tenant).await?;
    let zone = match timezone {
        Some(z) => Some(check_timezone(&tx, z).await?),
        None => None,
    };
    let before = find(&tx, tenant, id).await?;
    tx.execute_raw(sql(
        "UPDATE locations SET name = COALESCE($3, name), timezone = COALESCE($4, timezone),
           active = COALESCE($5, active), updated_at = now() WHERE tenant_id = $1 AND id = $2",
        [
            tenant.as_uuid().into(),
            id.into(),
            new_name.into(),
            zone.into(),
            active.into(),
        ],
    ))
    .await
    .map_err(name_taken)?;
    let after = find(&tx, tenant, id).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "location.updated",
            entity: "location",
            id,
            before: Some(serde_json::to_value(&before)?),
            after: Some(serde_json::to_value(&after)?),
            event: None,
            version: 1,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
