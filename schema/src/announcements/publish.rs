//! Telling tenants' event streams about announcements: one outbox event per
//! addressed business (`announcement.published`, `.updated`, `.ended`,
//! `.withdrawn`), written in the transaction that changes the row, so a
//! start or an end is told once however many replicas tick.

use super::store;
use entities::announcements::{ActiveModel, Model};
use jobs::outbox::{self, NewEvent};
use kernel::{AppResult, Db, RequestContext, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;
use serde_json::json;

/// Records `event_type` about `row` in each of `tenants`' streams.
pub(crate) async fn tell(
    conn: &impl ConnectionTrait,
    tenants: &[TenantId],
    row: &Model,
    event_type: &'static str,
) -> AppResult<()> {
    let event = NewEvent {
        event_type,
        entity_id: row.id.to_string(),
        version: i64::from(row.revision),
        data: json!({ "announcementId": row.id, "revision": row.revision }),
    };
    outbox::record_for_each(conn, tenants, event).await
}

/// Tells the addressed tenants about `row` now.
pub(crate) async fn tell_audience(
    conn: &impl ConnectionTrait,
    row: &Model,
    event_type: &'static str,
) -> AppResult<()> {
    let tenants = store::addressed_tenants(conn, row).await?;
    tell(conn, &tenants, row, event_type).await
}

/// One scheduler tick: announcements that have started (or changed while
/// live) since they were last told, and those that have ended. Returns how
/// many were told. Rows are claimed with `SKIP LOCKED` and marked in the
/// same transaction as their events, so each is told once.
pub async fn run_due(db: &Db, ctx: &RequestContext) -> AppResult<usize> {
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let due = store::due(&tx, now).await?;
    let told = due.len();
    for row in due {
        let mut change: ActiveModel = row.clone().into();
        if row.ends_at <= now {
            // One that started and ended between two ticks was never shown.
            if row.published_revision > 0 {
                tell_audience(&tx, &row, "announcement.ended").await?;
            }
            change.end_published = Set(true);
        } else {
            tell_audience(&tx, &row, "announcement.published").await?;
            change.published_revision = Set(row.revision);
        }
        store::update(&tx, change).await?;
    }
    tx.commit().await?;
    Ok(told)
}
