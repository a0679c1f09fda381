//! `/v1/billing`: the business's plan, subscription and invoices for
//! integrators, and the payment provider's webhooks, over the same billing
//! services as GraphQL.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::{Caller, Data, JsonBody, ListQuery, PageParams, Paged, PathParams};
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::HeaderMap;
use schema::billing::invoices::read::InvoiceDocument;
use schema::billing::invoices::{self, Invoice, InvoiceStatus};
use schema::billing::plans::{self, Plan};
use schema::billing::subscriptions::read::BillingOverview;
use schema::billing::subscriptions::{self, Cancel, ChoosePlan, SetPaymentMethod, Subscription};
use schema::billing::webhooks::{self, Received};
use serde::Deserialize;
use utoipa::IntoParams;

#[utoipa::path(get, path = "/v1/billing/plans", tag = "billing", security(("bearer" = [])),
    responses((status = 200, description = "Plans on sale, with their current versions", body = DataDoc<Vec<Plan>>),
              (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn list_plans(Caller { state, ctx }: Caller) -> Result<Data<Vec<Plan>>, ApiError> {
    Ok(Data(plans::list(&state.services.db, &ctx, false).await?))
}

#[utoipa::path(get, path = "/v1/billing/subscription", tag = "billing", security(("bearer" = [])),
    responses((status = 200, description = "The plan, usage against each limit, the next invoice", body = DataDoc<BillingOverview>),
              (status = 403, description = "Missing `billing.subscription.read`", body = ErrorBody)))]
pub async fn get_subscription(
    Caller { state, ctx }: Caller,
) -> Result<Data<BillingOverview>, ApiError> {
    Ok(Data(
        subscriptions::current(&state.services.db, &ctx).await?,
    ))
}

#[utoipa::path(post, path = "/v1/billing/subscription", tag = "billing", security(("bearer" = [])), request_body = ChoosePlan,
    responses((status = 200, description = "The subscription after the change: started, upgraded (prorated and invoiced) or with a downgrade pending", body = DataDoc<Subscription>),
              (status = 400, description = "Unknown or archived plan, or no price for the interval", body = ErrorBody),
              (status = 403, description = "Missing `billing.subscription.manage`", body = ErrorBody),
              (status = 404, description = "No plan with that code", body = ErrorBody),
              (status = 409, description = "Already on the plan, unpaid, paused or waiting for its first payment", body = ErrorBody)))]
pub async fn choose_plan(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<ChoosePlan>,
) -> Result<Data<Subscription>, ApiError> {
    Ok(Data(
        subscriptions::choose(&state.services, &ctx, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/billing/subscription/cancel", tag = "billing", security(("bearer" = [])), request_body = Cancel,
    responses((status = 200, description = "Canceled now, or at the period end", body = DataDoc<Subscription>),
              (status = 403, description = "Missing `billing.subscription.manage`", body = ErrorBody),
              (status = 404, description = "No subscription", body = ErrorBody),
              (status = 409, description = "Already canceled", body = ErrorBody)))]
pub async fn cancel_subscription(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<Cancel>,
) -> Result<Data<Subscription>, ApiError> {
    Ok(Data(
        subscriptions::cancel(&state.services, &ctx, None, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/billing/subscription/pause", tag = "billing", security(("bearer" = [])),
    responses((status = 200, description = "Paused: no invoices, business modules read-only", body = DataDoc<Subscription>),
              (status = 404, description = "No subscription", body = ErrorBody),
              (status = 409, description = "Not active or trialing", body = ErrorBody)))]
pub async fn pause_subscription(
    Caller { state, ctx }: Caller,
) -> Result<Data<Subscription>, ApiError> {
    Ok(Data(
        subscriptions::pause(&state.services, &ctx, None).await?,
    ))
}

#[utoipa::path(post, path = "/v1/billing/subscription/resume", tag = "billing", security(("bearer" = [])),
    responses((status = 200, description = "Active again: a new period starts, invoiced", body = DataDoc<Subscription>),
              (status = 404, description = "No subscription", body = ErrorBody),
              (status = 409, description = "Not paused", body = ErrorBody)))]
pub async fn resume_subscription(
    Caller { state, ctx }: Caller,
) -> Result<Data<Subscription>, ApiError> {
    Ok(Data(
        subscriptions::resume(&state.services, &ctx, None).await?,
    ))
}

#[utoipa::path(put, path = "/v1/billing/subscription/payment-method", tag = "billing", security(("bearer" = [])), request_body = SetPaymentMethod,
    responses((status = 200, description = "Saved; an invoice waiting on payment is charged with it at once", body = DataDoc<Subscription>),
              (status = 400, description = "Bad payment method", body = ErrorBody),
              (status = 404, description = "No subscription", body = ErrorBody)))]
pub async fn set_payment_method(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<SetPaymentMethod>,
) -> Result<Data<Subscription>, ApiError> {
    Ok(Data(
        subscriptions::set_payment_method(&state.services, &ctx, None, body).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceListParams {
    pub status: Option<InvoiceStatus>,
}

#[utoipa::path(get, path = "/v1/billing/invoices", tag = "billing", security(("bearer" = [])), params(InvoiceListParams, PageParams),
    responses((status = 200, description = "The business's invoices, newest first", body = PagedDoc<Invoice>),
              (status = 400, description = "Bad status, page size or cursor", body = ErrorBody),
              (status = 403, description = "Missing `billing.subscription.read`", body = ErrorBody)))]
pub async fn list_invoices(
    Caller { state, ctx }: Caller,
    ListQuery { filter, page }: ListQuery<InvoiceListParams>,
) -> Result<Paged<Invoice>, ApiError> {
    Ok(Paged(
        invoices::list(&state.services.db, &ctx, filter.status, page).await?,
    ))
}

#[utoipa::path(get, path = "/v1/billing/invoices/{id}", tag = "billing", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id")),
    responses((status = 200, description = "The invoice with its lines and credit notes", body = DataDoc<Invoice>),
              (status = 404, description = "No such invoice of this business", body = ErrorBody)))]
pub async fn get_invoice(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Invoice>, ApiError> {
    Ok(Data(
        invoices::get(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(get, path = "/v1/billing/invoices/{id}/document", tag = "billing", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id")),
    responses((status = 200, description = "The invoice rendered as HTML and plain text", body = DataDoc<InvoiceDocument>),
              (status = 404, description = "No such invoice of this business", body = ErrorBody)))]
pub async fn invoice_document(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<InvoiceDocument>, ApiError> {
    Ok(Data(
        invoices::read::document(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

/// `/webhooks/{provider}`.
#[derive(Debug, Deserialize)]
pub struct ProviderPath {
    pub provider: String,
}

#[utoipa::path(post, path = "/v1/billing/webhooks/{provider}", tag = "billing",
    params(("provider" = String, Path, description = "`sandbox` or `stripe`"),
           ("Stripe-Signature" = String, Header, description = "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\">`; several `v1` while a secret rotates")),
    request_body(content = serde_json::Value, description = "The provider's event, exactly as signed"),
    responses((status = 200, description = "Stored (or already stored): the provider may stop resending", body = DataDoc<Received>),
              (status = 400, description = "Not a provider event", body = ErrorBody),
              (status = 401, description = "Missing, wrong or stale signature: nothing is stored", body = ErrorBody),
              (status = 404, description = "Unknown provider", body = ErrorBody)))]
pub async fn receive_webhook(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<ProviderPath>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Data<Received>, ApiError> {
    let signature = headers
        .get(schema::billing::signature::HEADER)
        .and_then(|v| v.to_str().ok());
    Ok(Data(
        webhooks::receive(&state.services, &ctx, &path.provider, signature, &body).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post, put};
    axum::Router::new()
        .route("/billing/plans", get(list_plans))
        .route(
            "/billing/subscription",
            get(get_subscription).post(choose_plan),
        )
        .route("/billing/subscription/cancel", post(cancel_subscription))
        .route("/billing/subscription/pause", post(pause_subscription))
        .route("/billing/subscription/resume", post(resume_subscription))
        .route(
            "/billing/subscription/payment-method",
            put(set_payment_method),
        )
        .route("/billing/invoices", get(list_invoices))
        .route("/billing/invoices/{id}", get(get_invoice))
        .route("/billing/invoices/{id}/document", get(invoice_document))
        .route("/billing/webhooks/{provider}", post(receive_webhook))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_plans,
    get_subscription,
    choose_plan,
    cancel_subscription,
    pause_subscription,
    resume_subscription,
    set_payment_method,
    list_invoices,
    get_invoice,
    invoice_document,
    receive_webhook
))]
pub struct Api;
