//! The domain's part of background work: which consumers react to which
//! events and which handlers run which jobs. The server hands both to the
//! `jobs` runner, which knows no module.

use crate::inventory::consumer::StockDeduction;
use crate::notifications::consumer::EmailNotifications;
use crate::reporting::exports::{EXPORT_JOB, ExportRunner};
use crate::services::Services;
use jobs::consumer::Consumers;
use jobs::email::EMAIL_JOB;
use jobs::worker::Registry;

/// Event consumers of every module.
pub fn consumers(services: &Services) -> Consumers {
    Consumers::new()
        .with(EmailNotifications {
            services: services.clone(),
        })
        .with(StockDeduction {
            services: services.clone(),
        })
}

/// Job handlers of every module (consumer jobs are added by the runner).
pub fn handlers(services: &Services) -> Registry {
    Registry::new()
        .handler(EMAIL_JOB, services.mailer.clone())
        .handler(
            crate::billing::webhooks::WEBHOOK_JOB,
            crate::billing::webhooks::WebhookProcessor {
                services: services.clone(),
            },
        )
        .handler(
            EXPORT_JOB,
            ExportRunner {
                services: services.clone(),
            },
        )
}
