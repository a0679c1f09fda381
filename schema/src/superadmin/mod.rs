//! Platform operators and the operations only they may run.

pub mod graphql;
pub mod impersonation;
pub mod service;
pub(crate) mod store;

use crate::text::Reason;
use serde::Deserialize;

/// Why an operator does what changes nothing else: a withdrawal, a removal.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "OperatorReasonInput")]
#[serde(rename_all = "camelCase")]
pub struct OperatorReason {
    pub reason: Reason,
}

/// A period an operator sets (an announcement's, a maintenance window's):
/// it ends after it starts, and in the future.
pub(crate) fn check_period(
    starts_at: chrono::DateTime<chrono::Utc>,
    ends_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> kernel::AppResult<()> {
    use kernel::AppError;
    if ends_at <= starts_at {
        return Err(AppError::invalid_field("endsAt", "must be after startsAt"));
    }
    if ends_at <= now {
        return Err(AppError::invalid_field("endsAt", "must be in the future"));
    }
    Ok(())
}
