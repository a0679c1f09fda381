//! Gives every GraphQL error its taxonomy code in `extensions.code`.
//!
//! Resolvers return [`AppError`] through `?`; async-graphql keeps it as the
//! error's source, and this extension reads it back, so no resolver can forget
//! the mapping. Errors without a source come from parsing, validation, depth
//! or complexity limits or input coercion: the client's doing, `VALIDATION`.
//! Any other source is a bug that escaped `AppError`: `INTERNAL`, hidden.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextRequest, NextSubscribe,
};
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::{ErrorExtensionValues, Request, Response, ServerError, ServerResult, Value};
use futures_util::StreamExt;
use kernel::{AppError, ErrorCode, RequestContext};
use std::any::TypeId;
use std::sync::{Arc, OnceLock};

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension::default())
    }
}

/// One instance per operation.
#[derive(Default)]
struct ErrorCodesExtension {
    /// The request id of an HTTP request, whose context arrives as request
    /// data (visible to the extension only in `prepare_request`).
    request_id: OnceLock<String>,
}

impl ErrorCodesExtension {
    fn request_id(&self, ctx: &ExtensionContext<'_>) -> String {
        ctx.data_opt::<RequestContext>()
            .map(|c| c.request_id.clone())
            .or_else(|| self.request_id.get().cloned())
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Some(rc) = request
            .data
            .get(&TypeId::of::<RequestContext>())
            .and_then(|d| d.downcast_ref::<RequestContext>())
        {
            let _ = self.request_id.set(rc.request_id.clone());
        }
        next.run(ctx, request).await
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let request_id = self.request_id(ctx);
        classify_all(&mut response.errors, &request_id);
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let request_id = self.request_id(ctx);
        next.run(ctx, stream)
            .map(move |mut response| {
                classify_all(&mut response.errors, &request_id);
                response
            })
            .boxed()
    }
}

/// A text input that failed its rule during validation reads
/// `Invalid value for argument "input.label", expected type "Label"`; this
/// finds the field (without the `input.` every mutation has) and the rule,
/// so the client gets `details.fields` as for any other field error.
fn text_field_error(message: &str) -> Option<(String, &'static crate::text::Rule)> {
    let rest = message.strip_prefix("Invalid value for argument \"")?;
    let (path, rest) = rest.split_once('"')?;
    let type_name = rest.strip_prefix(", expected type \"")?.strip_suffix('"')?;
    let rule = crate::text::rule_named(type_name)?;
    let field = path.strip_prefix("input.").unwrap_or(path);
    Some((field.to_owned(), rule))
}

fn classify_all(errors: &mut [ServerError], request_id: &str) {
    for error in errors {
        classify(error, request_id);
    }
}

fn set(ext: &mut Option<ErrorExtensionValues>, key: &str, value: Value) {
    ext.get_or_insert_with(ErrorExtensionValues::default)
        .set(key, value);
}

fn classify(error: &mut ServerError, request_id: &str) {
    if let Some(app) = error.source::<AppError>() {
        let code = app.code();
        if code == ErrorCode::Internal {
            tracing::error!(request_id, error = %app, path = ?error.path, "internal error in resolver");
        }
        let message = app.client_message(request_id);
        let details = app.details().cloned();
        let retry_after = app.retry_after();
        error.message = message;
        set(&mut error.extensions, "code", Value::from(code.as_str()));
        if let Some(details) = details
            && let Ok(value) = Value::from_json(details)
        {
            set(&mut error.extensions, "details", value);
        }
        if let Some(seconds) = retry_after {
            set(
                &mut error.extensions,
                "retryAfterSeconds",
                Value::from(seconds),
            );
        }
    } else if error.source.is_some() {
        tracing::error!(request_id, error = %error.message, path = ?error.path, "unclassified resolver error");
        error.message = AppError::internal("unclassified").client_message(request_id);
        set(
            &mut error.extensions,
            "code",
            Value::from(ErrorCode::Internal.as_str()),
        );
    } else {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if !has_code {
            set(
                &mut error.extensions,
                "code",
                Value::from(ErrorCode::Validation.as_str()),
            );
            if let Some((field, rule)) = text_field_error(&error.message) {
                let details = serde_json::json!({ "fields": { field: rule.describe() } });
                if let Ok(value) = Value::from_json(details) {
                    set(&mut error.extensions, "details", value);
                }
            }
        }
    }
    set(&mut error.extensions, "requestId", Value::from(request_id));
}
