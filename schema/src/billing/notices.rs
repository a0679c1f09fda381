//! The emails billing sends to the people who manage it (holders of
//! `billing.subscription.manage`): each invoice as it is issued, and the
//! dunning notices (a failed payment and the next try; read-only when
//! unpaid). The email consumer calls [`emails`] for billing events.

use crate::billing::invoices::{Invoice, render, store as invoices};
use crate::pagination::PageRequest;
use crate::services::Services;
use jobs::email::Email;
use jobs::envelope::Envelope;
use kernel::db::sql;
use kernel::{AppResult, InvoiceId, TenantId};
use sea_orm::ConnectionTrait;

/// The subscription changes that issue an invoice.
const INVOICING: [&str; 5] = ["created", "trial_ended", "renewed", "upgraded", "resumed"];

/// The billing events the email consumer hands over.
pub fn wants(event_type: &str) -> bool {
    matches!(
        event_type,
        "billing.subscription.updated" | "billing.invoice.finalized"
    )
}

struct Recipient {
    email: String,
    name: String,
}

pub async fn emails(
    services: &Services,
    tenant: TenantId,
    event: &Envelope,
) -> AppResult<Vec<Email>> {
    let tx = services.db.tenant_tx(tenant).await?;
    let business = crate::tenants::service::find(&tx, tenant).await?.name;
    let rows = tx
        .query_all_raw(sql(
            "SELECT DISTINCT u.email, u.display_name FROM users u
             JOIN user_roles ur ON ur.tenant_id = u.tenant_id AND ur.user_id = u.id
             JOIN role_permissions rp ON rp.tenant_id = ur.tenant_id AND rp.role_id = ur.role_id
             WHERE u.tenant_id = $1 AND u.deleted_at IS NULL AND u.status = 'active'
               AND rp.permission = 'billing.subscription.manage'
             ORDER BY u.email",
            [tenant.as_uuid().into()],
        ))
        .await?;
    let recipients: Vec<Recipient> = rows
        .iter()
        .map(|r| {
            Ok(Recipient {
                email: r.try_get::<String>("", "email")?,
                name: r.try_get::<String>("", "display_name")?,
            })
        })
        .collect::<AppResult<_>>()?;
    let change = event.data["change"].as_str().unwrap_or_default();
    let invoice = if event.event_type == "billing.invoice.finalized" {
        let id = event.data["id"]
            .as_str()
            .and_then(|i| i.parse().ok())
            .map(InvoiceId);
        match id {
            Some(id) => invoices::load(&tx, tenant, id, false).await?,
            None => None,
        }
    } else if INVOICING.contains(&change) {
        let newest = PageRequest {
            first: 1,
            after: None,
        };
        invoices::page(&tx, Some(tenant), None, newest)
            .await?
            .into_iter()
            .next()
    } else {
        None
    };
    tx.commit().await?;
    let subscription = &event.data["subscription"];
    let mail: Option<(String, String, String)> = match (invoice, change) {
        (Some(invoice), _) => Some(invoice_mail(&invoice, &business)),
        (None, "payment_failed") => Some((
            format!("{business}: your payment did not go through"),
            format!(
                "We could not charge your payment method for your {business} subscription. We will try again on {}. Your business keeps working in the meantime; update your payment method to pay now.",
                subscription["nextRetryAt"].as_str().unwrap_or("the next retry date")
            ),
            String::new(),
        )),
        (None, "unpaid") => Some((
            format!("{business}: your subscription is unpaid"),
            "The last retry of your payment failed. Your business is read-only until the open invoice is paid: update your payment method to restore it at once.".to_owned(),
            String::new(),
        )),
        (None, "canceled") if subscription["failedAttempts"].as_i64().unwrap_or(0) > 0 => Some((
            format!("{business}: your subscription was canceled"),
            "The last retry of your payment failed, so your subscription was canceled.".to_owned(),
            String::new(),
        )),
        _ => None,
    };
    let Some((subject, text, html)) = mail else {
        return Ok(Vec::new());
    };
    Ok(recipients
        .into_iter()
        .map(|r| Email {
            to: r.email,
            subject: subject.clone(),
            text: format!("Hello {},\n\n{text}\n", r.name),
            html: if html.is_empty() {
                format!(
                    "<!doctype html><html><body style=\"font-family:sans-serif\"><p>Hello {},</p><p>{}</p></body></html>",
                    crate::notifications::templates::escape(&r.name),
                    crate::notifications::templates::escape(&text)
                )
            } else {
                html.clone()
            },
        })
        .collect())
}

fn invoice_mail(invoice: &Invoice, business: &str) -> (String, String, String) {
    let number = invoice.number.as_deref().unwrap_or("(draft)");
    (
        format!("{business}: invoice {number}"),
        render::text(invoice, business),
        render::html(invoice, business),
    )
}
