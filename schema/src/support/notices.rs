//! Support emails, both ways, through the email job: the operator hears of
//! new tickets, the business's replies and SLA warnings and breaches (the
//! assignee, or every active superadmin when nobody is assigned); the
//! requester hears of the operator's answers and of a solved ticket.
//!
//! A requester's email is built from the business's own transaction, where
//! internal notes cannot be read.

use crate::notifications::templates::{self, Email};
use crate::services::Services;
use jobs::envelope::Envelope;
use kernel::db::sql;
use kernel::{AppError, AppResult, TenantId};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use uuid::Uuid;

const TENANT_EVENTS: [&str; 4] = [
    "support.ticket.opened",
    "support.ticket.replied",
    "support.ticket.answered",
    "support.ticket.status_changed",
];
const PLATFORM_EVENTS: [&str; 2] = ["support.sla.warning", "support.sla.breached"];

pub fn wants(event_type: &str) -> bool {
    TENANT_EVENTS.contains(&event_type) || PLATFORM_EVENTS.contains(&event_type)
}

fn uuid_of(data: &Value, key: &str) -> AppResult<Uuid> {
    data[key]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| AppError::internal(format!("support event without {key}")))
}

/// Who on the operator's side hears of a ticket: its assignee, or everyone.
async fn operators(
    conn: &impl ConnectionTrait,
    assignee: Option<Uuid>,
) -> AppResult<Vec<(String, String)>> {
    let rows = conn
        .query_all_raw(sql(
            "SELECT email, display_name FROM superadmins
             WHERE status = 'active' AND ($1::uuid IS NULL OR id = $1)
             ORDER BY email",
            [assignee.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "email")?, r.try_get("", "display_name")?)))
        .collect()
}

/// The emails a business's support event calls for.
pub async fn emails(
    services: &Services,
    tenant: TenantId,
    event: &Envelope,
) -> AppResult<Vec<Email>> {
    let data = &event.data;
    let ticket_id = uuid_of(data, "ticketId")?;
    let tx = services.db.tenant_tx(tenant).await?;
    let row = tx
        .query_one_raw(sql(
            "SELECT t.number, t.subject, t.status, u.email, u.display_name, b.name AS business,
                    m.body, m.author_name
             FROM support_tickets t
             JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.requester_id
             JOIN tenants b ON b.id = t.tenant_id
             LEFT JOIN support_messages m ON m.tenant_id = t.tenant_id AND m.id::text = $3
             WHERE t.tenant_id = $1 AND t.id = $2",
            [
                tenant.as_uuid().into(),
                ticket_id.into(),
                data["messageId"].as_str().unwrap_or_default().into(),
            ],
        ))
        .await?;
    tx.commit().await?;
    let Some(row) = row else {
        return Ok(Vec::new());
    };
    let ticket = templates::TicketMail {
        number: row.try_get::<i32>("", "number")?,
        subject: row.try_get("", "subject")?,
        business: row.try_get("", "business")?,
        link: format!(
            "{}/support/tickets/{ticket_id}",
            services.public_url.trim_end_matches('/')
        ),
    };
    let body: Option<String> = row.try_get("", "body")?;
    let author: Option<String> = row.try_get("", "author_name")?;
    let requester: (String, String) = (row.try_get("", "email")?, row.try_get("", "display_name")?);
    match event.event_type.as_str() {
        "support.ticket.opened" | "support.ticket.replied" => {
            let assignee = {
                let tx = services.db.system_tx().await?;
                let a = tx
                    .query_one_raw(sql(
                        "SELECT assignee_id FROM support_tickets WHERE tenant_id = $1 AND id = $2",
                        [tenant.as_uuid().into(), ticket_id.into()],
                    ))
                    .await?
                    .map(|r| r.try_get::<Option<Uuid>>("", "assignee_id"))
                    .transpose()?
                    .flatten();
                let to = operators(&tx, a).await?;
                tx.commit().await?;
                to
            };
            let opened = event.event_type == "support.ticket.opened";
            Ok(assignee
                .iter()
                .map(|(email, name)| {
                    templates::ticket_for_operator(
                        email,
                        name,
                        &ticket,
                        opened,
                        author.as_deref().unwrap_or_default(),
                        body.as_deref().unwrap_or_default(),
                    )
                })
                .collect())
        }
        "support.ticket.answered" => Ok(vec![templates::ticket_answered(
            &requester.0,
            &requester.1,
            &ticket,
            author.as_deref().unwrap_or_default(),
            body.as_deref().unwrap_or_default(),
        )]),
        "support.ticket.status_changed" if data["status"] == "SOLVED" => {
            Ok(vec![templates::ticket_solved(
                &requester.0,
                &requester.1,
                &ticket,
            )])
        }
        _ => Ok(Vec::new()),
    }
}

/// The emails a platform support event (an SLA warning or breach) calls for.
pub async fn platform_emails(services: &Services, event: &Envelope) -> AppResult<Vec<Email>> {
    if !PLATFORM_EVENTS.contains(&event.event_type.as_str()) {
        return Ok(Vec::new());
    }
    let data = &event.data;
    let tenant = uuid_of(data, "tenantId")?;
    let ticket_id = uuid_of(data, "ticketId")?;
    let assignee = data["assigneeId"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok());
    let tx = services.db.system_tx().await?;
    let business = tx
        .query_one_raw(sql(
            "SELECT name FROM tenants WHERE id = $1",
            [tenant.into()],
        ))
        .await?
        .map(|r| r.try_get::<String>("", "name"))
        .transpose()?
        .unwrap_or_default();
    let to = operators(&tx, assignee).await?;
    tx.commit().await?;
    let ticket = templates::TicketMail {
        number: i32::try_from(data["number"].as_i64().unwrap_or_default()).unwrap_or_default(),
        subject: data["subject"].as_str().unwrap_or_default().to_owned(),
        business,
        link: format!(
            "{}/superadmin/support/{ticket_id}",
            services.public_url.trim_end_matches('/')
        ),
    };
    let metric = data["metric"]
        .as_str()
        .unwrap_or_default()
        .replace('_', " ");
    let breached = event.event_type == "support.sla.breached";
    Ok(to
        .iter()
        .map(|(email, name)| templates::sla_alert(email, name, &ticket, &metric, breached))
        .collect())
}
