//! What every subscription change shares: the view clients see, and the
//! one audit row and one `billing.subscription.updated` event (with the
//! previous values, as Stripe's `previous_attributes`) it records.

use super::Subscription;
use crate::audit::service::Change;
use crate::billing::plans;
use entities::billing_subscriptions::Model;
use kernel::AppResult;
use sea_orm::ConnectionTrait;
use serde_json::{Map, Value, json};

/// The row as clients see it, with its plan versions.
pub(crate) async fn view(conn: &impl ConnectionTrait, row: &Model) -> AppResult<Subscription> {
    let plan = plans::version_of(conn, row.plan_version_id.into()).await?;
    let pending_plan = match row.pending_plan_version_id {
        Some(id) => Some(plans::version_of(conn, id.into()).await?),
        None => None,
    };
    Ok(Subscription {
        id: row.id.into(),
        status: row.status.into(),
        plan,
        interval: row.interval.into(),
        pending_plan,
        pending_interval: row.pending_interval.map(Into::into),
        payment_method: row.payment_method.clone(),
        trial_end: row.trial_end,
        current_period_start: row.current_period_start,
        current_period_end: row.current_period_end,
        cancel_at_period_end: row.cancel_at_period_end,
        canceled_at: row.canceled_at,
        paused_at: row.paused_at,
        failed_attempts: row.failed_attempts,
        next_retry_at: row.next_retry_at,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The change to record: audit before and after, and the event
/// `{change, subscription, previous}` where `previous` holds only the
/// fields that changed, at their old values.
pub(crate) fn change(
    kind: &str,
    before: Option<&Subscription>,
    after: &Subscription,
) -> AppResult<Change> {
    let after_json = serde_json::to_value(after)?;
    let before_json = before.map(serde_json::to_value).transpose()?;
    let previous = match (&before_json, &after_json) {
        (Some(Value::Object(old)), Value::Object(new)) => {
            let changed: Map<String, Value> = old
                .iter()
                .filter(|(k, v)| new.get(*k) != Some(*v) && *k != "version" && *k != "updatedAt")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Value::Object(changed)
        }
        _ => Value::Null,
    };
    let mut change = Change::new("billing.subscription.updated", "subscription", after.id)
        .with_after(after_json.clone())
        .with_event(json!({ "change": kind, "subscription": after_json, "previous": previous }))
        .with_version(after.version);
    if let Some(before) = before_json {
        change = change.with_before(before);
    }
    Ok(change)
}

/// Saves `next` over `before` at the next version and records the change
/// in the unit; returns what clients see.
pub(crate) async fn save(
    unit: &crate::command::Unit<'_>,
    before: &Model,
    next: Model,
    kind: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<Subscription> {
    let before = view(&**unit, before).await?;
    let row = super::store::save(&**unit, next, at).await?;
    let after = view(&**unit, &row).await?;
    unit.record(change(kind, Some(&before), &after)?).await?;
    Ok(after)
}
