//! Billing over GraphQL: thin resolvers over the services. Superadmin
//! fields say so; a tenant's fields act on the caller's own business.

use super::clock::{self, BillingClock};
use super::invoices::read::{self, InvoiceDocument};
use super::invoices::{self, Invoice, InvoiceStatus, NewCreditNote, NewLine};
use super::plans::{self, NewPlan, Plan, PlanTerms};
use super::settings::{self, BillingSettings, SettingsPatch};
use super::subscriptions::read::BillingOverview;
use super::subscriptions::{self, Cancel, ChoosePlan, SetPaymentMethod, Subscription};
use super::webhooks::{self, WebhookEvent};
use crate::gql::{connection, page, rc, svc, with_reason};
use crate::text::{CurrencyCode, Key, PlanCode, Reason, Token};
use async_graphql::connection::Connection;
use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use kernel::{InvoiceId, TenantId};

#[derive(Default)]
pub struct BillingQuery;

#[Object]
impl BillingQuery {
    /// Plans on sale (superadmins may include archived ones).
    async fn plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_archived: bool,
    ) -> async_graphql::Result<Vec<Plan>> {
        Ok(plans::list(&svc(ctx)?.db, rc(ctx)?, include_archived).await?)
    }

    async fn plan(&self, ctx: &Context<'_>, code: PlanCode) -> async_graphql::Result<Plan> {
        Ok(plans::get(&svc(ctx)?.db, rc(ctx)?, &code).await?)
    }

    /// The caller's business: its plan, usage against each limit, the next invoice.
    async fn billing(&self, ctx: &Context<'_>) -> async_graphql::Result<BillingOverview> {
        Ok(subscriptions::current(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// The caller's business's invoices, newest first.
    async fn invoices(
        &self,
        ctx: &Context<'_>,
        status: Option<InvoiceStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Invoice>> {
        let result = invoices::list(&svc(ctx)?.db, rc(ctx)?, status, page(first, after)?).await?;
        Ok(connection(result, |i| i.id.as_uuid()))
    }

    /// One invoice: the caller's business's, or any for superadmins.
    async fn invoice(&self, ctx: &Context<'_>, id: InvoiceId) -> async_graphql::Result<Invoice> {
        Ok(invoices::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// An invoice as HTML and plain text.
    async fn invoice_document(
        &self,
        ctx: &Context<'_>,
        id: InvoiceId,
    ) -> async_graphql::Result<InvoiceDocument> {
        Ok(read::document(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// Superadmins: a business's billing.
    async fn tenant_billing(
        &self,
        ctx: &Context<'_>,
        tenant_id: TenantId,
    ) -> async_graphql::Result<BillingOverview> {
        Ok(subscriptions::of_tenant(&svc(ctx)?.db, rc(ctx)?, tenant_id).await?)
    }

    /// Superadmins: every business's invoices (or one's), newest first.
    async fn all_invoices(
        &self,
        ctx: &Context<'_>,
        tenant_id: Option<TenantId>,
        status: Option<InvoiceStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Invoice>> {
        let result = invoices::list_all(
            &svc(ctx)?.db,
            rc(ctx)?,
            tenant_id,
            status,
            page(first, after)?,
        )
        .await?;
        Ok(connection(result, |i| i.id.as_uuid()))
    }

    /// Superadmins: provider webhooks as received, newest first; `deadOnly`
    /// lists the dead letters.
    async fn billing_webhook_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] dead_only: bool,
        #[graphql(default = 50)] first: i32,
    ) -> async_graphql::Result<Vec<WebhookEvent>> {
        let limit = u64::try_from(first.clamp(1, 200)).unwrap_or(50);
        Ok(webhooks::list(&svc(ctx)?.db, rc(ctx)?, dead_only, limit).await?)
    }

    /// Superadmins: tax, invoice numbering and the dunning schedule.
    async fn billing_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<BillingSettings> {
        Ok(settings::get(&svc(ctx)?.db, rc(ctx)?).await?)
    }
}

#[derive(Default)]
pub struct BillingMutation;

#[Object]
impl BillingMutation {
    /// Superadmins: a new plan.
    async fn create_plan(
        &self,
        ctx: &Context<'_>,
        input: NewPlan,
        reason: Reason,
    ) -> async_graphql::Result<Plan> {
        Ok(plans::create(&svc(ctx)?.db, &with_reason(ctx, Some(&reason))?, input).await?)
    }

    /// Superadmins: new prices or entitlements, as the plan's next version.
    async fn revise_plan(
        &self,
        ctx: &Context<'_>,
        code: PlanCode,
        terms: PlanTerms,
        reason: Reason,
    ) -> async_graphql::Result<Plan> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(plans::revise(&svc(ctx)?.db, &op, &code, terms).await?)
    }

    /// Superadmins: hide a plan from new sign-ups.
    async fn archive_plan(
        &self,
        ctx: &Context<'_>,
        code: PlanCode,
        reason: Reason,
    ) -> async_graphql::Result<Plan> {
        Ok(plans::archive(&svc(ctx)?.db, &with_reason(ctx, Some(&reason))?, &code).await?)
    }

    /// Superadmins: change tax, numbering or dunning settings.
    async fn update_billing_settings(
        &self,
        ctx: &Context<'_>,
        patch: SettingsPatch,
        reason: Reason,
    ) -> async_graphql::Result<BillingSettings> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(settings::update(&svc(ctx)?.db, &op, patch).await?)
    }

    /// The owner chooses or changes the business's plan.
    async fn choose_plan(
        &self,
        ctx: &Context<'_>,
        input: ChoosePlan,
    ) -> async_graphql::Result<Subscription> {
        Ok(subscriptions::choose(svc(ctx)?, rc(ctx)?, input).await?)
    }

    /// Superadmins: assign or change a business's plan.
    async fn assign_plan(
        &self,
        ctx: &Context<'_>,
        tenant_id: TenantId,
        input: ChoosePlan,
        reason: Reason,
    ) -> async_graphql::Result<Subscription> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(subscriptions::assign(svc(ctx)?, &op, tenant_id, input).await?)
    }

    /// Cancel now or at the period end: the owner, or a superadmin naming the business.
    async fn cancel_subscription(
        &self,
        ctx: &Context<'_>,
        input: Cancel,
        tenant_id: Option<TenantId>,
        #[graphql(desc = "Why, when a superadmin names the business")] reason: Option<Reason>,
    ) -> async_graphql::Result<Subscription> {
        let op = with_reason(ctx, reason.as_ref())?;
        Ok(subscriptions::cancel(svc(ctx)?, &op, tenant_id, input).await?)
    }

    /// Pause: no invoices, business modules read-only until resumed.
    async fn pause_subscription(
        &self,
        ctx: &Context<'_>,
        tenant_id: Option<TenantId>,
        #[graphql(desc = "Why, when a superadmin names the business")] reason: Option<Reason>,
    ) -> async_graphql::Result<Subscription> {
        let op = with_reason(ctx, reason.as_ref())?;
        Ok(subscriptions::pause(svc(ctx)?, &op, tenant_id).await?)
    }

    /// Resume a paused subscription: a new period starts now.
    async fn resume_subscription(
        &self,
        ctx: &Context<'_>,
        tenant_id: Option<TenantId>,
        #[graphql(desc = "Why, when a superadmin names the business")] reason: Option<Reason>,
    ) -> async_graphql::Result<Subscription> {
        let op = with_reason(ctx, reason.as_ref())?;
        Ok(subscriptions::resume(svc(ctx)?, &op, tenant_id).await?)
    }

    /// Save the payment method on file (the owner, or a superadmin naming
    /// the business); an invoice waiting on payment is charged at once.
    async fn set_payment_method(
        &self,
        ctx: &Context<'_>,
        input: SetPaymentMethod,
        tenant_id: Option<TenantId>,
        #[graphql(desc = "Why, when a superadmin names the business")] reason: Option<Reason>,
    ) -> async_graphql::Result<Subscription> {
        let op = with_reason(ctx, reason.as_ref())?;
        Ok(subscriptions::set_payment_method(svc(ctx)?, &op, tenant_id, input).await?)
    }

    /// Superadmins: process a dead or ignored webhook event again.
    async fn replay_billing_webhook(
        &self,
        ctx: &Context<'_>,
        provider: Key,
        event_id: Token,
        reason: Reason,
    ) -> async_graphql::Result<WebhookEvent> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(webhooks::replay(svc(ctx)?, &op, &provider, &event_id).await?)
    }

    /// Superadmins: freeze a business's billing time (a test clock), or
    /// return it to real time with `null`.
    async fn set_billing_clock(
        &self,
        ctx: &Context<'_>,
        tenant_id: TenantId,
        frozen_at: Option<DateTime<Utc>>,
        reason: Reason,
    ) -> async_graphql::Result<BillingClock> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(clock::set_clock(svc(ctx)?, &op, tenant_id, frozen_at).await?)
    }

    /// Superadmins: move a test clock forward and run what falls due.
    async fn advance_billing_clock(
        &self,
        ctx: &Context<'_>,
        tenant_id: TenantId,
        to: DateTime<Utc>,
        reason: Reason,
    ) -> async_graphql::Result<BillingClock> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(clock::advance(svc(ctx)?, &op, tenant_id, to).await?)
    }

    /// Superadmins: a manual draft invoice.
    async fn create_invoice(
        &self,
        ctx: &Context<'_>,
        tenant_id: TenantId,
        currency: CurrencyCode,
        lines: Vec<NewLine>,
        reason: Reason,
    ) -> async_graphql::Result<Invoice> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(invoices::create_draft(&svc(ctx)?.db, &op, tenant_id, currency, lines).await?)
    }

    /// Superadmins: add a line to a draft (a finalized invoice is `CONFLICT`).
    async fn add_invoice_line(
        &self,
        ctx: &Context<'_>,
        invoice_id: InvoiceId,
        line: NewLine,
        reason: Reason,
    ) -> async_graphql::Result<Invoice> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(invoices::add_line(&svc(ctx)?.db, &op, invoice_id, line).await?)
    }

    /// Superadmins: a draft's discount (minor units off its lines, before tax).
    async fn set_invoice_discount(
        &self,
        ctx: &Context<'_>,
        invoice_id: InvoiceId,
        discount_minor: kernel::Long,
        reason: Reason,
    ) -> async_graphql::Result<Invoice> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(invoices::set_discount(&svc(ctx)?.db, &op, invoice_id, discount_minor).await?)
    }

    /// Superadmins: finalize a draft (numbered, immutable, owed) and collect it.
    async fn finalize_invoice(
        &self,
        ctx: &Context<'_>,
        id: InvoiceId,
        reason: Reason,
    ) -> async_graphql::Result<Invoice> {
        let services = svc(ctx)?;
        let op = with_reason(ctx, Some(&reason))?;
        let invoice = invoices::finalize(&services.db, &op, id).await?;
        super::payments::collect(services, &op, invoice.tenant_id, id).await;
        Ok(invoices::get(&services.db, &op, id).await?)
    }

    /// Superadmins: paid outside the provider.
    async fn mark_invoice_paid(
        &self,
        ctx: &Context<'_>,
        id: InvoiceId,
        reason: Reason,
    ) -> async_graphql::Result<Invoice> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(invoices::mark_paid(&svc(ctx)?.db, &op, id).await?)
    }

    /// Superadmins: void an open or uncollectible invoice.
    async fn void_invoice(
        &self,
        ctx: &Context<'_>,
        id: InvoiceId,
        reason: Reason,
    ) -> async_graphql::Result<Invoice> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(invoices::void(&svc(ctx)?.db, &op, id).await?)
    }

    /// Superadmins: write an open invoice off (it stays payable).
    async fn mark_invoice_uncollectible(
        &self,
        ctx: &Context<'_>,
        id: InvoiceId,
        reason: Reason,
    ) -> async_graphql::Result<Invoice> {
        let op = with_reason(ctx, Some(&reason))?;
        Ok(invoices::mark_uncollectible(&svc(ctx)?.db, &op, id).await?)
    }

    /// Superadmins: a credit note; credit notes never exceed the invoice.
    async fn create_credit_note(
        &self,
        ctx: &Context<'_>,
        input: NewCreditNote,
    ) -> async_graphql::Result<Invoice> {
        // The credit note's own reason is the operator's.
        let op = with_reason(ctx, Some(&input.reason))?;
        Ok(invoices::credit(&svc(ctx)?.db, &op, input).await?)
    }
}
