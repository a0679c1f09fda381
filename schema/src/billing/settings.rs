//! The operator's billing settings: the tax every invoice carries, the
//! invoice number prefix, and the dunning schedule.

use crate::audit::service::{self as audit, AuditEntry};
use crate::text::{InvoicePrefix, Name};
use chrono::{DateTime, Utc};
use entities::billing_settings::{ActiveModel, Entity, Model};
use kernel::{AppError, AppResult, Db, RequestContext};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingSettings {
    /// The tax rate in parts per million (20 % is 200000).
    pub tax_rate_ppm: i32,
    /// The same rate as a percentage: "20", "8.875".
    pub tax_percent: String,
    pub tax_name: String,
    /// Invoice numbers read `<prefix>-<year>-<six digits>`.
    pub invoice_prefix: String,
    /// Days after a failed renewal when the charge is tried again; after
    /// the last, the subscription becomes `unpaid` (or `canceled`, as the
    /// plan says).
    pub retry_days: Vec<i32>,
    pub updated_at: DateTime<Utc>,
}

impl From<Model> for BillingSettings {
    fn from(m: Model) -> Self {
        Self {
            tax_percent: crate::billing::arithmetic::percent(i64::from(m.tax_rate_ppm)),
            tax_rate_ppm: m.tax_rate_ppm,
            tax_name: m.tax_name,
            invoice_prefix: m.invoice_prefix,
            retry_days: m.retry_days,
            updated_at: m.updated_at,
        }
    }
}

/// Leave a field out to keep it.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "BillingSettingsPatchInput")]
#[serde(rename_all = "camelCase")]
pub struct SettingsPatch {
    pub tax_rate_ppm: Option<i32>,
    pub tax_name: Option<Name>,
    pub invoice_prefix: Option<InvoicePrefix>,
    pub retry_days: Option<Vec<i32>>,
}

/// The settings, in any transaction.
pub async fn current(conn: &impl ConnectionTrait) -> AppResult<BillingSettings> {
    Entity::find_by_id(true)
        .one(conn)
        .await?
        .map(BillingSettings::from)
        .ok_or_else(|| AppError::internal("billing_settings has no row"))
}

/// Superadmins: read the settings.
pub async fn get(db: &Db, ctx: &RequestContext) -> AppResult<BillingSettings> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let settings = current(&tx).await?;
    tx.commit().await?;
    Ok(settings)
}

/// Superadmins: change the settings; invoices finalized before keep theirs.
pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    patch: SettingsPatch,
) -> AppResult<BillingSettings> {
    ctx.require_operator()?;
    if patch
        .tax_rate_ppm
        .is_some_and(|r| !(0..=1_000_000).contains(&r))
    {
        return Err(AppError::invalid_field(
            "taxRatePpm",
            "must be between 0 and 1000000 (100 %)",
        ));
    }
    if let Some(prefix) = &patch.invoice_prefix {
        let ok = (1..=10).contains(&prefix.len())
            && prefix.starts_with(|c: char| c.is_ascii_uppercase())
            && prefix
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if !ok {
            return Err(AppError::invalid_field(
                "invoicePrefix",
                "1 to 10 capital letters or digits, starting with a letter",
            ));
        }
    }
    if let Some(days) = &patch.retry_days {
        let rising = days.windows(2).all(|w| w[0] < w[1]);
        if days.len() > 10 || days.iter().any(|d| !(1..=60).contains(d)) || !rising {
            return Err(AppError::invalid_field(
                "retryDays",
                "up to 10 rising days between 1 and 60",
            ));
        }
    }
    let tx = db.system_tx().await?;
    let before = current(&tx).await?;
    let mut row = ActiveModel {
        id: Unchanged(true),
        updated_at: Set(ctx.now()),
        ..Default::default()
    };
    if let Some(rate) = patch.tax_rate_ppm {
        row.tax_rate_ppm = Set(rate);
    }
    if let Some(name) = patch.tax_name {
        row.tax_name = Set(name.into_inner());
    }
    if let Some(prefix) = patch.invoice_prefix {
        row.invoice_prefix = Set(prefix.into_inner());
    }
    if let Some(days) = patch.retry_days {
        row.retry_days = Set(days);
    }
    let after = BillingSettings::from(row.update(&tx).await?);
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: None,
            action: "billing.settings.updated",
            entity_type: "billing_settings",
            entity_id: None,
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
