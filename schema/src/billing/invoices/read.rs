//! Reading invoices: a tenant its own (RLS makes any other invisible), a
//! superadmin anyone's.

use super::{Invoice, InvoiceStatus, store};
use crate::billing::READ;
use crate::command::Unit;
use crate::pagination::{Page, PageRequest};
use kernel::{AppError, AppResult, Db, InvoiceId, RequestContext};

/// The caller's tenant's invoice.
pub async fn get(db: &Db, ctx: &RequestContext, id: InvoiceId) -> AppResult<Invoice> {
    if ctx.require_superadmin().is_ok() {
        let tx = db.system_tx().await?;
        let tenant = store::tenant_of(&tx, id).await?;
        let invoice = match tenant {
            Some(tenant) => store::load(&tx, tenant, id, false).await?,
            None => None,
        };
        tx.commit().await?;
        return invoice.ok_or_else(|| AppError::not_found("invoice"));
    }
    let unit = Unit::begin(db, ctx, READ).await?;
    let invoice = store::load(&*unit, unit.tenant, id, false).await?;
    unit.commit(invoice.ok_or_else(|| AppError::not_found("invoice"))?)
        .await
}

/// The caller's tenant's invoices, newest first.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    status: Option<InvoiceStatus>,
    page: PageRequest,
) -> AppResult<Page<Invoice>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let rows = store::page(&*unit, Some(unit.tenant), status, page).await?;
    unit.commit(page.finish(rows, |i| i.id.as_uuid())).await
}

/// Superadmins: every tenant's invoices, newest first (or one tenant's).
pub async fn list_all(
    db: &Db,
    ctx: &RequestContext,
    tenant: Option<kernel::TenantId>,
    status: Option<InvoiceStatus>,
    page: PageRequest,
) -> AppResult<Page<Invoice>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let rows = store::page(&tx, tenant, status, page).await?;
    tx.commit().await?;
    Ok(page.finish(rows, |i| i.id.as_uuid()))
}

/// An invoice rendered for people: HTML and plain text.
#[derive(Debug, Clone, serde::Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDocument {
    pub invoice_id: InvoiceId,
    pub html: String,
    pub text: String,
}

/// The invoice (the caller's own, or any for superadmins) rendered.
pub async fn document(db: &Db, ctx: &RequestContext, id: InvoiceId) -> AppResult<InvoiceDocument> {
    let invoice = get(db, ctx, id).await?;
    let tx = db.system_tx().await?;
    let business = crate::tenants::service::find(&tx, invoice.tenant_id)
        .await?
        .name;
    tx.commit().await?;
    Ok(InvoiceDocument {
        invoice_id: id,
        html: super::render::html(&invoice, &business),
        text: super::render::text(&invoice, &business),
    })
}
