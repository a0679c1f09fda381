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
    ) -> AppResult<Option<jobs::email::Email>> {
        let data = &event.data;
        let text = |k: &str| data[k].as_str().unwrap_or_default().to_owned();
        Ok(Some(match event.event_type.as_str() {
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
                let Some(owner) = owner else { return Ok(None) };
                templates::tenant_approved(
                    &owner.try_get::<String>("", "email")?,
                    &owner.try_get::<String>("", "display_name")?,
                    &owner.try_get::<String>("", "name")?,
                    &text("slug"),
                    &format!("{}/login", self.services.public_url.trim_end_matches('/')),
                )
            }
            _ => return Ok(None),
        }))
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
            "identity.password_reset.requested" | "identity.user.invited" | "tenant.approved"
        )
    }

    fn consume<'a>(&'a self, event: &'a Envelope) -> ConsumerFuture<'a> {
        Box::pin(async move {
            let tenant = TenantId(
                event
                    .tenant_id
                    .ok_or_else(|| AppError::internal("email event without tenant"))?,
            );
            if let Some(email) = self.render(tenant, event).await? {
                self.services
                    .queue
                    .enqueue(
                        &email.job(Some(tenant.as_uuid()), format!("email:{}", event.event_id))?,
                    )
                    .await?;
            }
            let tx = self.services.db.tenant_tx(tenant).await?;
            first_application(&tx, tenant, self.name(), event).await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
