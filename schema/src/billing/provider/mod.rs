//! The payment provider: what billing asks of it, and the HTTP client that
//! speaks its Stripe-shaped API (the sandbox, `server sandbox-billing`, speaks
//! the same).

use kernel::{AppError, AppResult};
use serde::Deserialize;
use serde_json::{Value, json};
use std::fmt;
use std::time::Duration;

/// What the platform asks a payment provider to do.
#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync + fmt::Debug {
    /// Starts a charge of a saved payment method. Results arrive later by
    /// signed webhook; the answer only says the provider accepted the request.
    async fn charge(&self, request: &ChargeRequest) -> AppResult<ChargeAccepted>;
}

/// One charge of a saved payment method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    /// Sent as `Idempotency-Key`: a retry with the same key and body returns
    /// the first intent instead of charging twice.
    pub idempotency_key: String,
    /// The provider's customer: the tenant id.
    pub customer: String,
    pub payment_method: String,
    pub amount_minor: i64,
    pub currency: String,
    /// Sent as `metadata.invoice_id`, so webhooks name the invoice they settle.
    pub invoice_id: uuid::Uuid,
    pub description: String,
}

/// The provider took the request; the outcome comes by webhook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChargeAccepted {
    #[serde(rename = "id")]
    pub payment_intent_id: String,
    /// `processing`, or `requires_action` when the customer must confirm.
    pub status: String,
}

/// A provider reached over HTTP at `base_url` (`POST {base_url}/v1/payment_intents`).
pub struct HttpProvider {
    base_url: String,
    api_key: String,
    client: reqwest::Client,
}

impl fmt::Debug for HttpProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpProvider")
            .field("base_url", &self.base_url)
            .field("api_key", &"***")
            .finish()
    }
}

impl HttpProvider {
    /// A client with its own connection pool and timeouts.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> AppResult<Self> {
        // reqwest is built without a default TLS crypto provider and panics
        // when none is installed; the server installs ring first, tests may not.
        // Err only means one is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(AppError::internal)?;
        Ok(Self::with_client(base_url, api_key, client))
    }

    /// Shares an existing client (and its pool).
    pub fn with_client(
        base_url: impl Into<String>,
        api_key: impl Into<String>,
        client: reqwest::Client,
    ) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            api_key: api_key.into(),
            client,
        }
    }
}

/// The provider's `{error:{type,code,decline_code,message,param}}`.
#[derive(Debug, Default, Deserialize)]
struct ProviderError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    param: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ProviderError,
}

/// Maps a refused request to the taxonomy.
fn refused(status: u16, body: &[u8]) -> AppError {
    let error = serde_json::from_slice::<ErrorBody>(body)
        .map(|b| b.error)
        .unwrap_or_default();
    // A bad API key, a rate limit or an outage is the platform's problem, not
    // the tenant's: logged as internal (and worth a retry), never shown.
    if status >= 500 || matches!(status, 401 | 403 | 408 | 429) || status < 400 {
        return AppError::internal(format!(
            "payment provider answered {status}: {}",
            error.message.as_deref().unwrap_or("no message")
        ));
    }
    let message = error
        .message
        .clone()
        .unwrap_or_else(|| format!("the payment provider refused the charge ({status})"));
    AppError::validation(message).with_details(json!({
        "provider": {
            "status": status,
            "code": error.code,
            "declineCode": error.decline_code,
            "param": error.param,
        }
    }))
}

#[async_trait::async_trait]
impl PaymentProvider for HttpProvider {
    async fn charge(&self, request: &ChargeRequest) -> AppResult<ChargeAccepted> {
        let body: Value = json!({
            "amount": request.amount_minor,
            "currency": request.currency,
            "customer": request.customer,
            "payment_method": request.payment_method,
            "description": request.description,
            "metadata": { "invoice_id": request.invoice_id },
        });
        let response = self
            .client
            .post(format!("{}/v1/payment_intents", self.base_url))
            .bearer_auth(&self.api_key)
            .header("Idempotency-Key", &request.idempotency_key)
            .json(&body)
            .send()
            .await
            .map_err(AppError::internal)?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(AppError::internal)?;
        if !(200..300).contains(&status) {
            return Err(refused(status, &bytes));
        }
        serde_json::from_slice(&bytes).map_err(AppError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernel::ErrorCode;

    #[test]
    fn client_errors_are_validation_with_the_providers_message() {
        let body = br#"{"error":{"type":"card_error","code":"resource_missing","message":"No such PaymentMethod: 'pm_x'","param":"payment_method"}}"#;
        let err = refused(400, body);
        assert_eq!(err.code(), ErrorCode::Validation);
        assert_eq!(err.message(), "No such PaymentMethod: 'pm_x'");
        let details = err.details().cloned().unwrap_or_default();
        assert_eq!(details["provider"]["param"], "payment_method");
    }

    #[test]
    fn outages_and_our_own_misconfiguration_are_internal() {
        for status in [500, 502, 503, 401, 403, 429] {
            let err = refused(status, br#"{"error":{"message":"nope"}}"#);
            assert_eq!(err.code(), ErrorCode::Internal, "{status}");
        }
        assert_eq!(refused(400, b"<html>").code(), ErrorCode::Validation);
    }

    #[test]
    fn debug_hides_the_api_key() {
        let provider = HttpProvider::new("http://127.0.0.1:1/", "sk_live_secret");
        let provider = provider
            .map_err(|e| e.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        let shown = format!("{provider:?}");
        assert!(!shown.contains("sk_live_secret"));
        assert!(shown.contains("http://127.0.0.1:1\""));
    }
}
