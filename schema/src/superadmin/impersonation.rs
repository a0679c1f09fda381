//! Impersonation: a superadmin acts as one tenant user for a limited time,
//! saying why. The token it gets is that user's, marked with the
//! impersonation; every request under it is checked against the row (so
//! ending it, or its expiry, takes effect on the next request), and every
//! audit row it writes names the user as the actor and the superadmin as
//! `impersonatorId`. It never nests: the token is a user's, and only a
//! superadmin starts one, one at a time.

use crate::audit::service::{self as audit, AuditEntry};
use crate::services::Services;
use crate::text::Reason;
use chrono::{DateTime, Duration, Utc};
use entities::impersonations::{ActiveModel, Column, Entity, Model};
use kernel::{
    AppError, AppResult, Db, Impersonation, ImpersonationId, RequestContext, TenantId, UserId,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A superadmin's session as a tenant user.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImpersonationRecord {
    pub id: ImpersonationId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    /// The superadmin.
    pub operator_id: UserId,
    pub reason: String,
    pub started_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<Model> for ImpersonationRecord {
    fn from(m: Model) -> Self {
        Self {
            id: m.id.into(),
            tenant_id: TenantId(m.tenant_id),
            user_id: UserId(m.user_id),
            operator_id: UserId(m.operator_id),
            reason: m.reason,
            started_at: m.started_at,
            expires_at: m.expires_at,
            ended_at: m.ended_at,
        }
    }
}

/// A started impersonation and the token to act with.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImpersonationSession {
    pub impersonation: ImpersonationRecord,
    /// A bearer token of the user, valid until `expiresAt` or the end.
    pub access_token: String,
}

/// Whom to act as, for how long, and why.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "StartImpersonationInput")]
#[serde(rename_all = "camelCase")]
pub struct StartImpersonation {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    /// Default and most: the operator's limit (30 minutes unless configured).
    pub minutes: Option<i32>,
    pub reason: Reason,
}

fn active(now: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(Column::EndedAt.is_null())
        .add(Column::ExpiresAt.gt(now))
}

/// Superadmins: act as a tenant user for a while.
pub async fn start(
    svc: &Services,
    ctx: &RequestContext,
    input: StartImpersonation,
) -> AppResult<ImpersonationSession> {
    let (operator, ctx) = ctx.operator(input.reason.as_str())?;
    let max = svc.impersonation_max_minutes;
    let minutes = i64::from(input.minutes.unwrap_or(i32::try_from(max).unwrap_or(30)));
    if !(1..=max).contains(&minutes) {
        return Err(AppError::invalid_field(
            "minutes",
            format!("must be 1 to {max}"),
        ));
    }
    let now = ctx.now();
    let tx = svc.db.system_tx().await?;
    crate::tenants::service::find(&tx, input.tenant_id).await?;
    let user =
        entities::users::Entity::find_by_id((input.tenant_id.as_uuid(), input.user_id.as_uuid()))
            .one(&tx)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or_else(|| {
                AppError::not_found("user").with_details(json!({ "id": input.user_id }))
            })?;
    if user.status != entities::users::UserStatus::Active {
        return Err(AppError::conflict("the user is deactivated")
            .with_details(json!({ "id": input.user_id })));
    }
    // One at a time: concurrent starts by one operator wait for each other.
    tx.execute_raw(kernel::db::sql(
        "SELECT pg_advisory_xact_lock(hashtext('impersonation:' || $1))",
        [operator.to_string().into()],
    ))
    .await?;
    let open = Entity::find()
        .filter(Column::OperatorId.eq(operator.as_uuid()))
        .filter(active(now))
        .one(&tx)
        .await?;
    if let Some(open) = open {
        return Err(AppError::conflict(
            "you are already acting as someone; end that impersonation first",
        )
        .with_details(json!({ "impersonationId": open.id, "expiresAt": open.expires_at })));
    }
    let id = ImpersonationId::new();
    let expires_at = now + Duration::minutes(minutes);
    let row = ActiveModel {
        tenant_id: Set(input.tenant_id.as_uuid()),
        id: Set(id.as_uuid()),
        operator_id: Set(operator.as_uuid()),
        user_id: Set(input.user_id.as_uuid()),
        reason: Set(input.reason.as_str().trim().to_owned()),
        started_at: Set(now),
        expires_at: Set(expires_at),
        ended_at: Set(None),
    }
    .insert(&tx)
    .await?;
    let record = ImpersonationRecord::from(row);
    // In the business's own trail: it sees who acted as whom, and why.
    audit::record(
        &tx,
        &ctx,
        AuditEntry {
            tenant_id: Some(input.tenant_id),
            action: "impersonation.started",
            entity_type: "user",
            entity_id: Some(input.user_id.to_string()),
            before: None,
            after: Some(serde_json::to_value(&record)?),
        },
    )
    .await?;
    tx.commit().await?;
    let access_token = svc.tokens.issue_impersonation(
        input.tenant_id,
        input.user_id,
        Impersonation { id, operator },
        expires_at.timestamp(),
    )?;
    Ok(ImpersonationSession {
        impersonation: record,
        access_token,
    })
}

/// Ends an impersonation: the impersonating token ends its own, a
/// superadmin any of theirs. Its token stops working at once.
pub async fn end(
    db: &Db,
    ctx: &RequestContext,
    id: Option<ImpersonationId>,
) -> AppResult<ImpersonationRecord> {
    let (id, operator) = match (ctx.impersonation, id) {
        (Some(own), None) => (own.id, own.operator),
        (Some(own), Some(given)) if own.id == given => (own.id, own.operator),
        (_, Some(given)) => (given, ctx.require_superadmin()?),
        (None, None) => {
            return Err(AppError::invalid_field(
                "impersonationId",
                "name the impersonation to end",
            ));
        }
    };
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let row = Entity::find()
        .filter(Column::Id.eq(id.as_uuid()))
        .filter(Column::OperatorId.eq(operator.as_uuid()))
        .one(&tx)
        .await?
        .ok_or_else(|| AppError::not_found("impersonation").with_details(json!({ "id": id })))?;
    if row.ended_at.is_some() {
        return Ok(row.into());
    }
    let before = ImpersonationRecord::from(row.clone());
    let mut change: ActiveModel = row.into();
    change.ended_at = Set(Some(now));
    let after = ImpersonationRecord::from(change.update(&tx).await?);
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(after.tenant_id),
            action: "impersonation.ended",
            entity_type: "user",
            entity_id: Some(after.user_id.to_string()),
            before: Some(serde_json::to_value(&before)?),
            after: Some(serde_json::to_value(&after)?),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Whether a request under `impersonation` may go on: the row exists, has
/// not ended and has not expired (the token's own expiry aside).
pub async fn check_active(
    db: &Db,
    tenant: TenantId,
    impersonation: Impersonation,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let tx = db.tenant_tx(tenant).await?;
    let live = Entity::find()
        .filter(Column::TenantId.eq(tenant.as_uuid()))
        .filter(Column::Id.eq(impersonation.id.as_uuid()))
        .filter(Column::OperatorId.eq(impersonation.operator.as_uuid()))
        .filter(active(now))
        .one(&tx)
        .await?;
    tx.commit().await?;
    live.map(|_| ())
        .ok_or_else(|| AppError::authn("the impersonation has ended"))
}

/// The business's impersonations, newest first (its admins see who acted
/// as whom; `admin.audit.read`).
pub async fn of_business(db: &Db, ctx: &RequestContext) -> AppResult<Vec<ImpersonationRecord>> {
    let unit = crate::command::Unit::begin(db, ctx, "admin.audit.read").await?;
    let rows = Entity::find()
        .filter(Column::TenantId.eq(unit.tenant.as_uuid()))
        .order_by_desc(Column::StartedAt)
        .all(&*unit)
        .await?;
    unit.commit(rows.into_iter().map(ImpersonationRecord::from).collect())
        .await
}
