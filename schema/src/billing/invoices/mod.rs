//! Invoices: `draft` → `open` → `paid` | `void` | `uncollectible`
//! (→ `paid` | `void`). A number is given at finalization, without gaps per
//! operator; from then on the invoice is immutable and corrections are
//! credit notes, which never add up to more than the invoice.
//!
//! `issue.rs` makes and finalizes invoices (the subscription's and the
//! superadmin's manual ones); `settle.rs` moves a finalized one (pay, void,
//! uncollectible, credit notes); `read.rs` lists them; `render.rs` writes
//! the HTML and text a customer reads; `store.rs` owns every statement.

pub mod issue;
pub mod read;
pub mod render;
pub mod settle;
pub(crate) mod store;

pub use issue::{add_line, create_draft, finalize, set_discount};
pub use read::{get, list, list_all};
pub use settle::{credit, mark_paid, mark_uncollectible, void};

use crate::text::{Description, Reason};
use chrono::{DateTime, Utc};
use entities::billing_invoice_lines::InvoiceLineKind;
use entities::billing_invoices as rows;
use kernel::{CreditNoteId, InvoiceId, InvoiceLineId, Long, TenantId};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceStatus {
    Draft,
    Open,
    Paid,
    Void,
    Uncollectible,
}
crate::wire::wire_enum!(
    InvoiceStatus,
    rows::InvoiceStatus {
        Draft,
        Open,
        Paid,
        Void,
        Uncollectible
    }
);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceReason {
    /// The first invoice of a subscription (or a manual one).
    SubscriptionCreate,
    /// A renewal.
    SubscriptionCycle,
    /// A plan change during a period (prorated).
    SubscriptionUpdate,
}
crate::wire::wire_enum!(
    InvoiceReason,
    rows::InvoiceReason {
        SubscriptionCreate,
        SubscriptionCycle,
        SubscriptionUpdate
    }
);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LineKind {
    /// A plan's period.
    Plan,
    /// The prorated difference of a plan change.
    Proration,
    /// A credit (negative).
    Credit,
}
crate::wire::wire_enum!(
    LineKind,
    InvoiceLineKind {
        Plan,
        Proration,
        Credit
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLine {
    pub id: InvoiceLineId,
    pub kind: LineKind,
    pub description: String,
    /// Minor units; negative for a credit.
    pub amount_minor: Long,
    pub period_start: Option<DateTime<Utc>>,
    pub period_end: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditNote {
    pub id: CreditNoteId,
    pub invoice_id: InvoiceId,
    /// `CN-2026-000007`, gapless like invoice numbers.
    pub number: String,
    pub amount_minor: Long,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub id: InvoiceId,
    pub tenant_id: TenantId,
    /// `INV-2026-000123`; `None` while a draft.
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub reason: InvoiceReason,
    pub currency: String,
    /// Σ lines.
    pub subtotal_minor: Long,
    pub discount_minor: Long,
    pub tax_name: String,
    pub tax_rate_ppm: i32,
    /// Rounded once, on (subtotal − discount).
    pub tax_minor: Long,
    /// subtotal − discount + tax.
    pub total_minor: Long,
    pub amount_paid_minor: Long,
    /// Σ credit notes.
    pub credited_minor: Long,
    /// What is still owed: total − paid − credited (0 once paid or void).
    pub amount_due_minor: Long,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    /// Charge attempts so far.
    pub attempt_count: i32,
    pub lines: Vec<InvoiceLine>,
    pub credit_notes: Vec<CreditNote>,
    pub created_at: DateTime<Utc>,
    pub finalized_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
    pub uncollectible_at: Option<DateTime<Utc>>,
}

/// A line a superadmin adds to a draft.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "InvoiceLineInput")]
#[serde(rename_all = "camelCase")]
pub struct NewLine {
    pub description: Description,
    /// Minor units; negative for a credit.
    pub amount_minor: Long,
}

/// A credit note against a finalized invoice.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreditNoteInput")]
#[serde(rename_all = "camelCase")]
pub struct NewCreditNote {
    pub invoice_id: InvoiceId,
    pub amount_minor: Long,
    pub reason: Reason,
}
