//! The `email-send` job: real mail over SMTP with lettre. What to send is the
//! domain's business (templates live in `schema`); this only delivers.

use crate::queue::{Category, Job};
use crate::worker::{Handler, HandlerFuture};
use kernel::{AppError, AppResult};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const EMAIL_JOB: &str = "email-send";

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Email {
    /// The job that sends it, deduplicated by `business_key` within the tenant.
    pub fn job(
        &self,
        tenant: Option<Uuid>,
        business_key: impl std::fmt::Display,
    ) -> AppResult<Job> {
        Ok(Job::new(
            Category::EmailSend,
            EMAIL_JOB,
            tenant,
            serde_json::to_value(self)?,
        )
        .dedupe(business_key))
    }
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP configured: emails are written to the log instead (development).
    Log,
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// Checks the sender and the SMTP URL without connecting (or needing a runtime):
/// `Err` names the variable at fault.
pub fn check_settings(url: Option<&str>, from: &str) -> Result<(), &'static str> {
    from.parse::<Mailbox>().map_err(|_| "SMTP_FROM")?;
    if let Some(url) = url {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|_| "SMTP_URL")?;
    }
    Ok(())
}

impl Mailer {
    /// `url` as lettre reads it: `smtp://host:port`, `smtps://...`, with
    /// `?tls=required` for STARTTLS; `None` logs emails instead of sending.
    pub fn new(url: Option<&str>, from: &str) -> AppResult<Self> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| AppError::validation(format!("SMTP_FROM: {e}")))?;
        let transport = match url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| AppError::validation(format!("SMTP_URL: {e}")))?
                    .timeout(Some(std::time::Duration::from_secs(15)))
                    .build(),
            ),
            None => Transport::Log,
        };
        Ok(Self { transport, from })
    }

    pub async fn send(&self, email: &Email) -> AppResult<()> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| AppError::validation(format!("bad recipient {}: {e}", email.to)))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| AppError::internal(format!("building email: {e}")))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map_err(|e| AppError::internal(format!("smtp: {e}")))?;
            }
            Transport::Log => {
                tracing::info!(module = "email", to = %email.to, subject = %email.subject, "SMTP_URL not set: email not sent");
            }
        }
        metrics::counter!("emails_sent_total").increment(1);
        Ok(())
    }
}

impl Handler for Mailer {
    fn handle<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let email: Email = serde_json::from_value(job.payload.clone())?;
            self.send(&email).await
        })
    }
}
