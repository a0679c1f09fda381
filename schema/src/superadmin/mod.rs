//! Platform operators and the operations only they may run.

pub mod graphql;
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
