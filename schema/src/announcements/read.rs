//! Reading announcements: the operator's list, and what a tenant's user
//! sees (addressed to the business, live, not dismissed since the last edit).

use super::{Announcement, Notice, store};
use crate::audit::service::Change;
use crate::command::Unit;
use kernel::{AnnouncementId, AppError, AppResult, Db, RequestContext};
use serde_json::json;

/// Superadmins: every announcement still to come or live, newest first;
/// with `include_past`, ended and withdrawn ones too.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    include_past: bool,
) -> AppResult<Vec<Announcement>> {
    ctx.require_superadmin()?;
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let rows = store::list(&tx, include_past, now).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| Announcement::from_row(r, now))
        .collect())
}

/// Anyone signed in to a business: the announcements meant for it now,
/// minus those the user dismissed (an API key sees them all), loudest first.
pub async fn visible(db: &Db, ctx: &RequestContext) -> AppResult<Vec<Notice>> {
    let tenant = ctx.require_tenant()?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = store::visible(&tx, tenant, ctx.user_id(), ctx.now()).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(Notice::from).collect())
}

/// A user hides a live, dismissable announcement until it is next edited.
pub async fn dismiss(db: &Db, ctx: &RequestContext, id: AnnouncementId) -> AppResult<Notice> {
    let unit = Unit::begin_signed_in(db, ctx).await?;
    let now = unit.now();
    let row = store::find_addressed(&*unit, id)
        .await?
        .filter(|r| r.withdrawn_at.is_none() && r.starts_at <= now && now < r.ends_at)
        .ok_or_else(|| AppError::not_found("announcement").with_details(json!({ "id": id })))?;
    // Only a person dismisses; checked after the lookup, so another
    // business's id is `NOT_FOUND` whoever asks.
    let (_, user) = ctx.require_user()?;
    if !row.dismissable {
        return Err(AppError::conflict("this announcement cannot be dismissed")
            .with_details(json!({ "id": id })));
    }
    store::dismiss(&*unit, unit.tenant, user, &row, now).await?;
    let notice = Notice::from(row);
    let change = Change::new("announcement.dismissed", "announcement", id)
        .with_after(json!({ "userId": user, "revision": notice.revision }))
        .with_version(i64::from(notice.revision));
    unit.commit_with(change, notice).await
}
