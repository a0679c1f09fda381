//! The operator's commands: announce, edit, withdraw. Each says why (the
//! reason lands on the audit row) and tells the addressed tenants' streams
//! in the same transaction when the announcement is live.

use super::publish::{tell, tell_audience};
use super::{Announcement, AnnouncementPatch, Audience, NewAnnouncement, store};
use crate::audit::service as audit;
use crate::superadmin::OperatorReason;
use crate::text::PlanCode;
use chrono::{DateTime, Utc};
use entities::announcements::{ActiveModel, Model};
use kernel::{AnnouncementId, AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;
use serde_json::json;

const MAX_TENANTS: usize = 1000;
const MAX_PLANS: usize = 50;

/// The announcement, locked for a change, or `NOT_FOUND`.
async fn locked(conn: &impl ConnectionTrait, id: AnnouncementId) -> AppResult<Model> {
    store::find_locked(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("announcement").with_details(json!({ "id": id })))
}

/// Who an announcement is for, checked: the list its audience needs, and
/// no other.
async fn addressing(
    conn: &impl ConnectionTrait,
    audience: Audience,
    tenants: Vec<TenantId>,
    plans: Vec<PlanCode>,
) -> AppResult<(Vec<TenantId>, Vec<String>)> {
    let mut plans: Vec<String> = plans.into_iter().map(String::from).collect();
    let mut tenants = tenants;
    tenants.sort();
    tenants.dedup();
    plans.sort();
    plans.dedup();
    match audience {
        Audience::All if tenants.is_empty() && plans.is_empty() => Ok((tenants, plans)),
        Audience::All => Err(AppError::invalid_field(
            "audience",
            "an announcement to ALL names no tenants or plans",
        )),
        Audience::Tenants => {
            if tenants.is_empty() || tenants.len() > MAX_TENANTS || !plans.is_empty() {
                return Err(AppError::invalid_field(
                    "tenantIds",
                    format!("TENANTS takes 1 to {MAX_TENANTS} tenant ids and no plan codes"),
                ));
            }
            let unknown = store::unknown_tenants(conn, &tenants).await?;
            if !unknown.is_empty() {
                return Err(AppError::invalid_field(
                    "tenantIds",
                    "names businesses that do not exist",
                )
                .with_details(json!({ "field": "tenantIds", "unknown": unknown })));
            }
            Ok((tenants, plans))
        }
        Audience::Plans => {
            if plans.is_empty() || plans.len() > MAX_PLANS || !tenants.is_empty() {
                return Err(AppError::invalid_field(
                    "planCodes",
                    format!("PLANS takes 1 to {MAX_PLANS} plan codes and no tenant ids"),
                ));
            }
            let unknown = store::unknown_plans(conn, &plans).await?;
            if !unknown.is_empty() {
                return Err(
                    AppError::invalid_field("planCodes", "names plans that do not exist")
                        .with_details(json!({ "field": "planCodes", "unknown": unknown })),
                );
            }
            Ok((tenants, plans))
        }
    }
}

async fn audit_change(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    action: &str,
    before: Option<&Model>,
    after: &Model,
) -> AppResult<()> {
    let now = ctx.now();
    let view = |m: &Model| serde_json::to_value(Announcement::from_row(m.clone(), now));
    audit::record_platform(
        conn,
        ctx,
        action,
        "announcement",
        after.id,
        before.map(view).transpose()?,
        Some(view(after)?),
    )
    .await
}

/// Superadmins: announces a message; live at once when it starts now.
pub async fn create(
    db: &Db,
    ctx: &RequestContext,
    input: NewAnnouncement,
) -> AppResult<Announcement> {
    let (operator, ctx) = ctx.operator(input.reason.as_str())?;
    let now = ctx.now();
    let starts_at = input.starts_at.unwrap_or(now);
    crate::superadmin::check_period(starts_at, input.ends_at, now)?;
    let tx = db.system_tx().await?;
    let (tenants, plans) = addressing(
        &tx,
        input.audience,
        input.tenant_ids.unwrap_or_default(),
        input.plan_codes.unwrap_or_default(),
    )
    .await?;
    let live = starts_at <= now;
    let row = store::insert(
        &tx,
        ActiveModel {
            id: Set(AnnouncementId::new().as_uuid()),
            title: Set(input.title.into()),
            body: Set(input.body.into()),
            severity: Set(input.severity.into()),
            display: Set(input.display.into()),
            dismissable: Set(input.dismissable),
            audience: Set(input.audience.into()),
            tenant_ids: Set(tenants.iter().map(|t| t.as_uuid()).collect()),
            plan_codes: Set(plans),
            starts_at: Set(starts_at),
            ends_at: Set(input.ends_at),
            revision: Set(1),
            published_revision: Set(if live { 1 } else { 0 }),
            end_published: Set(false),
            withdrawn_at: Set(None),
            created_by: Set(Some(operator.as_uuid())),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    if live {
        tell_audience(&tx, &row, "announcement.published").await?;
    }
    audit_change(&tx, &ctx, "announcement.created", None, &row).await?;
    tx.commit().await?;
    Ok(Announcement::from_row(row, now))
}

/// Superadmins: edits an announcement that has not ended. The edit is a
/// new revision: users who dismissed the old one see it again, and every
/// business that saw the old one or is addressed by the new one is told.
pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    id: AnnouncementId,
    patch: AnnouncementPatch,
) -> AppResult<Announcement> {
    let (_, ctx) = ctx.operator(patch.reason.as_str())?;
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let before = locked(&tx, id).await?;
    if before.withdrawn_at.is_some() || before.ends_at <= now {
        return Err(AppError::conflict(
            "the announcement has ended or been withdrawn; announce again instead",
        )
        .with_details(json!({ "id": id })));
    }
    let starts_at = patch.starts_at.unwrap_or(before.starts_at);
    let ends_at = patch.ends_at.unwrap_or(before.ends_at);
    crate::superadmin::check_period(starts_at, ends_at, now)?;
    let audience = patch.audience.unwrap_or(before.audience.into());
    let addressing_changed =
        patch.audience.is_some() || patch.tenant_ids.is_some() || patch.plan_codes.is_some();
    let (tenants, plans) = if addressing_changed {
        let keep_tenants = || before.tenant_ids.iter().copied().map(TenantId).collect();
        let keep_plans = || {
            before
                .plan_codes
                .iter()
                .filter_map(|c| PlanCode::parse(c).ok())
                .collect()
        };
        // A new audience drops the old lists unless it is given new ones.
        let same = patch.audience.is_none_or(|a| a == before.audience.into());
        let tenants = match patch.tenant_ids {
            Some(t) => t,
            None if same => keep_tenants(),
            None => Vec::new(),
        };
        let plans = match patch.plan_codes {
            Some(p) => p,
            None if same => keep_plans(),
            None => Vec::new(),
        };
        let (t, p) = addressing(&tx, audience, tenants, plans).await?;
        (t.iter().map(|t| t.as_uuid()).collect(), p)
    } else {
        (before.tenant_ids.clone(), before.plan_codes.clone())
    };
    let was_told = before.published_revision > 0 && !before.end_published;
    let told_before = if was_told {
        store::addressed_tenants(&tx, &before).await?
    } else {
        Vec::new()
    };
    let mut change: ActiveModel = before.clone().into();
    if let Some(title) = patch.title {
        change.title = Set(title.into());
    }
    if let Some(body) = patch.body {
        change.body = Set(body.into());
    }
    if let Some(severity) = patch.severity {
        change.severity = Set(severity.into());
    }
    if let Some(display) = patch.display {
        change.display = Set(display.into());
    }
    if let Some(dismissable) = patch.dismissable {
        change.dismissable = Set(dismissable);
    }
    change.audience = Set(audience.into());
    change.tenant_ids = Set(tenants);
    change.plan_codes = Set(plans);
    change.starts_at = Set(starts_at);
    change.ends_at = Set(ends_at);
    change.revision = Set(before.revision + 1);
    change.updated_at = Set(now);
    let live = starts_at <= now;
    if live {
        change.published_revision = Set(before.revision + 1);
    }
    let after = store::update(&tx, change).await?;
    let mut tenants = told_before;
    if live {
        tenants.extend(store::addressed_tenants(&tx, &after).await?);
        tenants.sort();
        tenants.dedup();
    }
    tell(&tx, &tenants, &after, "announcement.updated").await?;
    audit_change(&tx, &ctx, "announcement.updated", Some(&before), &after).await?;
    tx.commit().await?;
    Ok(Announcement::from_row(after, now))
}

/// Superadmins: takes an announcement down before its end.
pub async fn withdraw(
    db: &Db,
    ctx: &RequestContext,
    id: AnnouncementId,
    input: OperatorReason,
) -> AppResult<Announcement> {
    let (_, ctx) = ctx.operator(input.reason.as_str())?;
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let before = locked(&tx, id).await?;
    if before.withdrawn_at.is_some() {
        return Err(AppError::conflict("the announcement is already withdrawn")
            .with_details(json!({ "id": id })));
    }
    if before.published_revision > 0 && !before.end_published {
        tell_audience(&tx, &before, "announcement.withdrawn").await?;
    }
    let mut change: ActiveModel = before.clone().into();
    change.withdrawn_at = Set(Some(now));
    change.end_published = Set(true);
    change.updated_at = Set(now);
    let after = store::update(&tx, change).await?;
    audit_change(&tx, &ctx, "announcement.withdrawn", Some(&before), &after).await?;
    tx.commit().await?;
    Ok(Announcement::from_row(after, now))
}

/// The platform's own banner to every business (a maintenance window's),
/// live from now until `ends_at` and told at once, in the caller's
/// platform transaction.
pub(crate) async fn announce_platform(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    title: String,
    body: String,
    severity: super::Severity,
    ends_at: DateTime<Utc>,
) -> AppResult<Model> {
    let now = ctx.now();
    let row = store::insert(
        conn,
        ActiveModel {
            id: Set(AnnouncementId::new().as_uuid()),
            title: Set(title),
            body: Set(body),
            severity: Set(severity.into()),
            display: Set(entities::announcements::Display::Banner),
            dismissable: Set(true),
            audience: Set(entities::announcements::Audience::All),
            tenant_ids: Set(Vec::new()),
            plan_codes: Set(Vec::new()),
            starts_at: Set(now),
            ends_at: Set(ends_at.max(now + chrono::Duration::seconds(1))),
            revision: Set(1),
            published_revision: Set(1),
            end_published: Set(false),
            withdrawn_at: Set(None),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    tell_audience(conn, &row, "announcement.published").await?;
    audit_change(conn, ctx, "announcement.created", None, &row).await?;
    Ok(row)
}

/// Rewrites the platform's banner `id` (a new revision, shown again to
/// those who dismissed it) and tells every business.
pub(crate) async fn revise_platform(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    id: AnnouncementId,
    title: String,
    body: String,
    severity: super::Severity,
    ends_at: DateTime<Utc>,
) -> AppResult<()> {
    let Some(before) = store::find_locked(conn, id).await? else {
        return Ok(());
    };
    let now = ctx.now();
    let mut change: ActiveModel = before.clone().into();
    change.title = Set(title);
    change.body = Set(body);
    change.severity = Set(severity.into());
    change.ends_at = Set(ends_at.max(before.starts_at + chrono::Duration::seconds(1)));
    change.revision = Set(before.revision + 1);
    change.published_revision = Set(before.revision + 1);
    change.updated_at = Set(now);
    let after = store::update(conn, change).await?;
    tell_audience(conn, &after, "announcement.updated").await?;
    audit_change(conn, ctx, "announcement.updated", Some(&before), &after).await
}

/// Ends the platform's banner `id` now and tells every business.
pub(crate) async fn end_platform(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    id: AnnouncementId,
) -> AppResult<()> {
    let Some(before) = store::find_locked(conn, id).await? else {
        return Ok(());
    };
    if before.end_published || before.withdrawn_at.is_some() {
        return Ok(());
    }
    let now = ctx.now();
    let mut change: ActiveModel = before.clone().into();
    change.ends_at = Set(now.max(before.starts_at + chrono::Duration::seconds(1)));
    change.end_published = Set(true);
    change.updated_at = Set(now);
    let after = store::update(conn, change).await?;
    tell_audience(conn, &after, "announcement.ended").await?;
    audit_change(conn, ctx, "announcement.ended", Some(&before), &after).await
}
