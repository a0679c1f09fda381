//! Sends the emails that events call for. Idempotent twice over: the email
//! job is deduplicated by event id, and the event is recorded in
//! `consumed_events` once the job is queued.

use super::templates;
use crate::services::Services;
use jobs::consumer::{Consumer, ConsumerFuture, first_application};
use jobs::envelope::Envelope;
use kernel::db::sql;
use kernel::{AppError, AppResult, TenantId};
use sea_orm::ConnectionTrait;

pub struct EmailNotifications {
    pub services: Services,
}

impl EmailNotifications {
    fn link(&self, path: &str, token: &str) -> String {
        format!(
            "{}{path}?token={token}",
            self.services.public_url.trim_end_matches('/')
        )
    }

    async fn render(
        &self,
        tenant: TenantId,
        event: &Envelope,
    ) -> AppResult<Vec<jobs::email::Email>> {
        let data = &event.data;
        let text = |k: &str| data[k].as_str().unwrap_or_default().to_owned();
        if crate::billing::notices::wants(&event.event_type) {
            return crate::billing::notices::emails(&self.services, tenant, event).await;
        }
        if crate::support::notices::wants(&event.event_type) {
            return crate::support::notices::emails(&self.services, tenant, event).await;
        }
        if event.event_type == "inventory.stock.low" {
            return self.low_stock(tenant, data).await;
        }
        if event.event_type == "pos.receipt.email_requested" {
            let ticket = data["ticketId"]
                .as_str()
                .and_then(|t| uuid::Uuid::parse_str(t).ok())
                .ok_or_else(|| AppError::internal("receipt request without ticket"))?;
            return Ok(vec![
                crate::pos::receipts::email_of(
                    &self.services.db,
                    tenant,
                    ticket.into(),
                    &text("email"),
                )
                .await?,
            ]);
        }
        Ok(Vec::from_iter(Some(match event.event_type.as_str() {
            "identity.password_reset.requested" => templates::password_reset(
                &text("email"),
                &text("displayName"),
                &self.link("/reset-password", &text("token")),
                &text("expiresAt"),
            ),
            "identity.user.invited" => {
                let business = self.business_name(tenant).await?;
                templates::invitation(
                    &text("email"),
                    &text("displayName"),
                    &business,
                    &self.link("/accept-invitation", &text("token")),
                    &text("expiresAt"),
                )
            }
            "tenant.approved" => {
                let tx = self.services.db.tenant_tx(tenant).await?;
                let owner = tx
                    .query_one_raw(sql(
                        "SELECT u.email, u.display_name, t.name FROM users u JOIN tenants t ON t.id = u.tenant_id
                         WHERE u.tenant_id = $1 AND u.deleted_at IS NULL ORDER BY u.id LIMIT 1",
                        [tenant.as_uuid().into()],
                    ))
                    .await?;
                tx.commit().await?;
                let Some(owner) = owner else {
                    return Ok(Vec::new());
                };
                templates::tenant_approved(
                    &owner.try_get::<String>("", "email")?,
                    &owner.try_get::<String>("", "display_name")?,
                    &owner.try_get::<String>("", "name")?,
                    &text("slug"),
                    &format!("{}/login", self.services.public_url.trim_end_matches('/')),
                )
            }
            _ => return Ok(Vec::new()),
        })))
    }

    /// One email to each active user who looks after stock, when the
    /// tenant has low-stock alerts switched on.
    async fn low_stock(
        &self,
        tenant: TenantId,
        data: &serde_json::Value,
    ) -> AppResult<Vec<jobs::email::Email>> {
        let tx = self.services.db.tenant_tx(tenant).await?;
        let switched_on = tx
            .query_one_raw(sql(
                "SELECT 1 AS ok FROM tenant_modules f JOIN tenant_modules m
                   ON m.tenant_id = f.tenant_id AND m.module_key = 'inventory' AND m.enabled
                 WHERE f.tenant_id = $1 AND f.module_key = 'inventory.low_stock_alerts' AND f.enabled",
                [tenant.as_uuid().into()],
            ))
            .await?
            .is_some();
        if !switched_on {
            tx.commit().await?;
            return Ok(Vec::new());
        }
        let location = data["locationId"].as_str().unwrap_or_default();
        let rows = tx
            .query_all_raw(sql(
                "SELECT DISTINCT u.email, u.display_name, t.name AS business,
                        (SELECT name FROM locations WHERE tenant_id = $1 AND id::text = $2) AS location
                 FROM users u
                 JOIN tenants t ON t.id = u.tenant_id
                 JOIN user_roles ur ON ur.tenant_id = u.tenant_id AND ur.user_id = u.id
                 JOIN role_permissions rp ON rp.tenant_id = ur.tenant_id AND rp.role_id = ur.role_id
                 WHERE u.tenant_id = $1 AND u.deleted_at IS NULL AND u.status = 'active'
                   AND rp.permission = 'inventory.stock.adjust'
                 ORDER BY u.email",
                [tenant.as_uuid().into(), location.into()],
            ))
            .await?;
        tx.commit().await?;
        let text = |k: &str| data[k].as_str().unwrap_or_default().to_owned();
        rows.iter()
            .map(|r| {
                Ok(templates::low_stock(
                    &r.try_get::<String>("", "email")?,
                    &r.try_get::<String>("", "display_name")?,
                    &r.try_get::<String>("", "business")?,
                    &r.try_get::<Option<String>>("", "location")?
                        .unwrap_or_default(),
                    &templates::StockFigures {
                        sku: text("sku"),
                        name: text("name"),
                        unit: text("unit"),
                        on_hand: text("onHand"),
                        reorder_point: text("reorderPoint"),
                    },
                ))
            })
            .collect()
    }

    async fn enqueue(
        &self,
        tenant: Option<TenantId>,
        event: &Envelope,
        emails: &[jobs::email::Email],
    ) -> AppResult<()> {
        for (i, email) in emails.iter().enumerate() {
            // The dedupe key keeps a replayed event from mailing twice.
            let dedupe = match i {
                0 => format!("email:{}", event.event_id),
                n => format!("email:{}:{n}", event.event_id),
            };
            self.services
                .queue
                .enqueue(&email.job(tenant.map(|t| t.as_uuid()), dedupe)?)
                .await?;
        }
        Ok(())
    }

    async fn business_name(&self, tenant: TenantId) -> AppResult<String> {
        let tx = self.services.db.tenant_tx(tenant).await?;
        let row = tx
            .query_one_raw(sql(
                "SELECT name FROM tenants WHERE id = $1",
                [tenant.as_uuid().into()],
            ))
            .await?;
        tx.commit().await?;
        Ok(row
            .map(|r| r.try_get::<String>("", "name"))
            .transpose()?
            .unwrap_or_default())
    }
}

impl Consumer for EmailNotifications {
    fn name(&self) -> &'static str {
        "email-notifications"
    }

    fn wants(&self, event_type: &str) -> bool {
        matches!(
            event_type,
            "identity.password_reset.requested"
                | "identity.user.invited"
                | "tenant.approved"
                | "inventory.stock.low"
                | "pos.receipt.email_requested"
        ) || crate::billing::notices::wants(event_type)
            || crate::support::notices::wants(event_type)
    }

    fn consume<'a>(&'a self, event: &'a Envelope) -> ConsumerFuture<'a> {
        Box::pin(async move {
            let Some(tenant) = event.tenant_id.map(TenantId) else {
                // A platform event (an SLA alert): the job's dedupe key is
                // the only record there is to keep.
                let emails =
                    crate::support::notices::platform_emails(&self.services, event).await?;
                return self.enqueue(None, event, &emails).await;
            };
            let emails = self.render(tenant, event).await?;
            self.enqueue(Some(tenant), event, &emails).await?;
            let tx = self.services.db.tenant_tx(tenant).await?;
            first_application(&tx, tenant, self.name(), event).await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
