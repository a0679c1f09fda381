//! Every statement on `billing_invoices`, `billing_invoice_lines`,
//! `billing_credit_notes` and the numbering in `billing_sequences`.

use super::{CreditNote, Invoice, InvoiceLine, InvoiceReason, InvoiceStatus, LineKind};
use crate::billing::arithmetic::Totals;
use crate::pagination::PageRequest;
use chrono::{DateTime, Utc};
use entities::billing_credit_notes as notes;
use entities::billing_invoice_lines as lines;
use entities::billing_invoices::{ActiveModel, Column, Entity, Model};
use kernel::db::sql;
use kernel::{AppError, AppResult, CreditNoteId, InvoiceId, InvoiceLineId, Long, TenantId};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

fn line(row: lines::Model) -> InvoiceLine {
    InvoiceLine {
        id: row.id.into(),
        kind: row.kind.into(),
        description: row.description,
        amount_minor: Long(row.amount_minor),
        period_start: row.period_start,
        period_end: row.period_end,
    }
}

fn note(row: notes::Model) -> CreditNote {
    CreditNote {
        id: row.id.into(),
        invoice_id: row.invoice_id.into(),
        number: row.number,
        amount_minor: Long(row.amount_minor),
        reason: row.reason,
        created_at: row.created_at,
    }
}

fn invoice(row: Model, lines: Vec<InvoiceLine>, credit_notes: Vec<CreditNote>) -> Invoice {
    let status: InvoiceStatus = row.status.into();
    let due = match status {
        InvoiceStatus::Open | InvoiceStatus::Uncollectible | InvoiceStatus::Draft => {
            (row.total_minor - row.amount_paid_minor - row.credited_minor).max(0)
        }
        InvoiceStatus::Paid | InvoiceStatus::Void => 0,
    };
    Invoice {
        id: row.id.into(),
        tenant_id: row.tenant_id.into(),
        number: row.number,
        status,
        reason: row.reason.into(),
        currency: row.currency,
        subtotal_minor: Long(row.subtotal_minor),
        discount_minor: Long(row.discount_minor),
        tax_name: row.tax_name,
        tax_rate_ppm: row.tax_rate_ppm,
        tax_minor: Long(row.tax_minor),
        total_minor: Long(row.total_minor),
        amount_paid_minor: Long(row.amount_paid_minor),
        credited_minor: Long(row.credited_minor),
        amount_due_minor: Long(due),
        period_start: row.period_start,
        period_end: row.period_end,
        attempt_count: row.attempt_count,
        lines,
        credit_notes,
        created_at: row.created_at,
        finalized_at: row.finalized_at,
        paid_at: row.paid_at,
        voided_at: row.voided_at,
        uncollectible_at: row.uncollectible_at,
    }
}

/// Invoices with their lines and credit notes, three statements for any
/// number of them.
async fn with_children(conn: &impl ConnectionTrait, rows: Vec<Model>) -> AppResult<Vec<Invoice>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut lines_of: HashMap<Uuid, Vec<InvoiceLine>> = HashMap::new();
    for row in lines::Entity::find()
        .filter(lines::Column::InvoiceId.is_in(ids.clone()))
        .order_by_asc(lines::Column::Position)
        .all(conn)
        .await?
    {
        lines_of.entry(row.invoice_id).or_default().push(line(row));
    }
    let mut notes_of: HashMap<Uuid, Vec<CreditNote>> = HashMap::new();
    for row in notes::Entity::find()
        .filter(notes::Column::InvoiceId.is_in(ids))
        .order_by_asc(notes::Column::CreatedAt)
        .all(conn)
        .await?
    {
        notes_of.entry(row.invoice_id).or_default().push(note(row));
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let lines = lines_of.remove(&row.id).unwrap_or_default();
            let notes = notes_of.remove(&row.id).unwrap_or_default();
            invoice(row, lines, notes)
        })
        .collect())
}

/// The tenant's invoice, locked for a change when `lock`.
pub(crate) async fn load(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: InvoiceId,
    lock: bool,
) -> AppResult<Option<Invoice>> {
    let mut query = Entity::find_by_id((tenant.as_uuid(), id.as_uuid()));
    if lock {
        query = query.lock_exclusive();
    }
    let Some(row) = query.one(conn).await? else {
        return Ok(None);
    };
    Ok(with_children(conn, vec![row]).await?.pop())
}

/// The tenant's invoice `id` wherever it lives (superadmins' platform
/// transaction), for its tenant.
pub(crate) async fn tenant_of(
    conn: &impl ConnectionTrait,
    id: InvoiceId,
) -> AppResult<Option<TenantId>> {
    Ok(Entity::find()
        .filter(Column::Id.eq(id.as_uuid()))
        .select_only()
        .column(Column::TenantId)
        .into_tuple::<Uuid>()
        .one(conn)
        .await?
        .map(TenantId::from))
}

/// A page of invoices, newest first; one tenant's, or all (superadmins).
pub(crate) async fn page(
    conn: &impl ConnectionTrait,
    tenant: Option<TenantId>,
    status: Option<InvoiceStatus>,
    page: PageRequest,
) -> AppResult<Vec<Invoice>> {
    let mut query = Entity::find();
    if let Some(tenant) = tenant {
        query = query.filter(Column::TenantId.eq(tenant.as_uuid()));
    }
    if let Some(status) = status {
        query = query
            .filter(Column::Status.eq(entities::billing_invoices::InvoiceStatus::from(status)));
    }
    if let Some(after) = page.after {
        query = query.filter(Column::Id.lt(after));
    }
    let rows = query
        .order_by_desc(Column::Id)
        .limit(u64::try_from(page.fetch_limit()).unwrap_or(1))
        .all(conn)
        .await?;
    with_children(conn, rows).await
}

/// The tenant's invoices still owed (open), oldest first.
pub(crate) async fn open_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<Vec<Invoice>> {
    let rows = Entity::find()
        .filter(Column::TenantId.eq(tenant.as_uuid()))
        .filter(Column::Status.eq(entities::billing_invoices::InvoiceStatus::Open))
        .order_by_asc(Column::Id)
        .all(conn)
        .await?;
    with_children(conn, rows).await
}

pub(crate) struct Draft<'a> {
    pub tenant: TenantId,
    pub id: InvoiceId,
    pub reason: InvoiceReason,
    pub currency: &'a str,
    pub tax_name: &'a str,
    pub tax_rate_ppm: i32,
    pub period: (DateTime<Utc>, DateTime<Utc>),
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert_draft(conn: &impl ConnectionTrait, d: Draft<'_>) -> AppResult<()> {
    Entity::insert(ActiveModel {
        tenant_id: Set(d.tenant.as_uuid()),
        id: Set(d.id.as_uuid()),
        number: Set(None),
        status: Set(InvoiceStatus::Draft.into()),
        reason: Set(d.reason.into()),
        currency: Set(d.currency.to_owned()),
        subtotal_minor: Set(0),
        discount_minor: Set(0),
        tax_name: Set(d.tax_name.to_owned()),
        tax_rate_ppm: Set(d.tax_rate_ppm),
        tax_minor: Set(0),
        total_minor: Set(0),
        amount_paid_minor: Set(0),
        credited_minor: Set(0),
        period_start: Set(d.period.0),
        period_end: Set(d.period.1),
        payment_intent_id: Set(None),
        attempt_count: Set(0),
        created_at: Set(d.at),
        finalized_at: Set(None),
        paid_at: Set(None),
        voided_at: Set(None),
        uncollectible_at: Set(None),
        emailed_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A line to add: what it is, what it says, what it costs, for when.
pub(crate) struct NewLineRow {
    pub kind: LineKind,
    pub description: String,
    pub amount_minor: i64,
    pub period: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Appends lines after the invoice's last one.
pub(crate) async fn insert_lines(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    invoice: InvoiceId,
    first_position: i32,
    rows: Vec<NewLineRow>,
) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows
        .into_iter()
        .zip(first_position..)
        .map(|(r, position)| lines::ActiveModel {
            tenant_id: Set(tenant.as_uuid()),
            invoice_id: Set(invoice.as_uuid()),
            id: Set(InvoiceLineId::new().as_uuid()),
            position: Set(position),
            kind: Set(r.kind.into()),
            description: Set(r.description),
            amount_minor: Set(r.amount_minor),
            period_start: Set(r.period.map(|p| p.0)),
            period_end: Set(r.period.map(|p| p.1)),
        });
    lines::Entity::insert_many(models)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub(crate) async fn set_totals(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: InvoiceId,
    totals: Totals,
) -> AppResult<()> {
    ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        subtotal_minor: Set(totals.subtotal),
        discount_minor: Set(totals.discount),
        tax_minor: Set(totals.tax),
        total_minor: Set(totals.total),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Next {
    last: i64,
}

/// The next number of `kind` in `year`, without gaps: the row stays locked
/// until the transaction ends, and a rollback gives the number back.
pub(crate) async fn next_number(
    conn: &impl ConnectionTrait,
    kind: entities::billing_sequences::SequenceKind,
    year: i32,
) -> AppResult<i64> {
    Next::find_by_statement(sql(
        "INSERT INTO billing_sequences (kind, year, last) VALUES ($1, $2, 1)
         ON CONFLICT (kind, year) DO UPDATE SET last = billing_sequences.last + 1
         RETURNING last",
        [sea_orm::ActiveEnum::to_value(&kind).into(), year.into()],
    ))
    .one(conn)
    .await?
    .map(|n| n.last)
    .ok_or_else(|| AppError::internal("numbering returned no row"))
}

/// A change of an invoice's state and the moment it happened.
pub(crate) enum Transition {
    Finalized { number: String, at: DateTime<Utc> },
    Paid { amount: i64, at: DateTime<Utc> },
    Voided { at: DateTime<Utc> },
    Uncollectible { at: DateTime<Utc> },
    Attempted,
    Credited { total_credited: i64 },
}

pub(crate) async fn transition(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: InvoiceId,
    change: Transition,
) -> AppResult<()> {
    let mut row = ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        ..Default::default()
    };
    match change {
        Transition::Finalized { number, at } => {
            row.status = Set(InvoiceStatus::Open.into());
            row.number = Set(Some(number));
            row.finalized_at = Set(Some(at));
        }
        Transition::Paid { amount, at } => {
            row.status = Set(InvoiceStatus::Paid.into());
            row.amount_paid_minor = Set(amount);
            row.paid_at = Set(Some(at));
        }
        Transition::Voided { at } => {
            row.status = Set(InvoiceStatus::Void.into());
            row.voided_at = Set(Some(at));
        }
        Transition::Uncollectible { at } => {
            row.status = Set(InvoiceStatus::Uncollectible.into());
            row.uncollectible_at = Set(Some(at));
        }
        Transition::Attempted => {
            let current = Entity::find_by_id((tenant.as_uuid(), id.as_uuid()))
                .one(conn)
                .await?
                .ok_or_else(|| AppError::not_found("invoice"))?;
            row.attempt_count = Set(current.attempt_count + 1);
        }
        Transition::Credited { total_credited } => {
            row.credited_minor = Set(total_credited);
        }
    }
    row.update(conn).await?;
    Ok(())
}

pub(crate) async fn insert_credit_note(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    invoice: InvoiceId,
    number: &str,
    amount: i64,
    reason: &str,
    at: DateTime<Utc>,
) -> AppResult<CreditNoteId> {
    let id = CreditNoteId::new();
    notes::Entity::insert(notes::ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        id: Set(id.as_uuid()),
        invoice_id: Set(invoice.as_uuid()),
        number: Set(number.to_owned()),
        amount_minor: Set(amount),
        reason: Set(reason.to_owned()),
        created_at: Set(at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(id)
}

/// Remembers the provider's payment intent of the latest attempt.
pub(crate) async fn record_intent(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: InvoiceId,
    intent: &str,
) -> AppResult<()> {
    ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        payment_intent_id: Set(Some(intent.to_owned())),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(())
}
