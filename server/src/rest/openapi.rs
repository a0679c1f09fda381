//! The OpenAPI 3 document of `/v1`, generated from the handlers' annotations.
//!
//! Every shape is documented by the type that is serialized: the domain
//! types in `schema` derive `utoipa::ToSchema` beside serde and
//! async-graphql, the REST views (`TicketView`, `UserView`, ...) and the
//! envelopes (`rest::Envelope`, `rest::PagedEnvelope`, `http::errors::ErrorBody`)
//! derive it where they are defined. Nothing here restates a field. The
//! inventory test below keeps every operation, status, parameter, body and
//! property clients had.

use super::v1::{
    announcements, auth, backups, billing, exports, feature_flags, impersonation, inventory,
    kitchen, locations, maintenance, menu, module_registry, pos, rbac, support, system, tenants,
};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Platform REST API",
        version = "1",
        description = "The /v1 compatibility API. Success: `{data}` or, for paginated lists, `{data, pagination: {hasNextPage, endCursor}}` (pass `endCursor` back as `after`, page size with `first`, 1 to 100). Failure: `{error: {code, message, details?, requestId}}` with code one of VALIDATION (400; 405/413/415 for method, size and content type), AUTHN (401), AUTHZ (403), NOT_FOUND (404), CONFLICT (409), RATE_LIMIT (429), INTERNAL (500). Request bodies are JSON with camelCase fields; ids in paths are UUIDs. Credentials: `Authorization: Bearer <access token or API key>`."
    ),
    components(schemas(ErrorBody, super::Pagination)),
    modifiers(&BearerAuth),
    tags(
        (name = "system", description = "The server itself"),
        (name = "auth", description = "Signup, sessions, passwords and MFA"),
        (name = "tenants", description = "Businesses on the platform and their modules (mostly superadmins)"),
        (name = "rbac", description = "Roles, users, API keys and the audit trail of the caller's business"),
        (name = "module-registry", description = "The catalogue of modules and features"),
        (name = "exports", description = "Report and backup files, downloadable by their business only"),
        (name = "menu", description = "Categories, items, variants, modifier groups and availability"),
        (name = "locations", description = "The business's shops, kitchens and warehouses"),
        (name = "inventory", description = "Stock items, levels, the ledger, counts, transfers, reorder points and recipes. Quantities are decimal strings in answers; requests may send strings or numbers"),
        (name = "kitchen", description = "Kitchen stations, routing from the menu, a station's screen and its moves: start, ready, bump and recall"),
        (name = "pos", description = "The point of sale: tickets with lines, modifiers and discounts, kitchen sends, cash and card payments (split, partial, tips), settling, voids, refunds with restock, receipts, and shifts with X/Z reports. Money is in minor units. Payments and refunds take an `Idempotency-Key` header"),
        (name = "billing", description = "The business's plan, subscription and invoices, and the payment provider's signed webhooks. Money is in minor units (64-bit)"),
        (name = "support", description = "The business and the operator's support desk: tickets with their public conversation and attachments (uploaded raw to `/v1/support/uploads`, then named by `attachmentIds`), announcements (dismissable per user until edited) and maintenance windows. While a window runs, writes to its modules answer 409 `CONFLICT` with `details.reason` `maintenance`, the window and its end, and `Retry-After`"),
        (name = "feature-flags", description = "Feature flags evaluated for the business (OpenFeature reasons), and its entitlements: plan, modules, limits and flags, each with its source"),
        (name = "superadmin", description = "The operator's console: announcements, maintenance windows, feature flags and per-business overrides, impersonation, the support queue (answers, internal notes, assignment, SLA clocks in business hours). Every write says why (`reason`), kept on its audit row")
    )
)]
pub struct ApiDoc;

/// The `bearer` security scheme the protected operations name.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token from /v1/auth/login (a JWT), or an API key (`sk_...`).",
                    ))
                    .build(),
            ),
        );
    }
}

/// The answers any operation can give whatever it does: a malformed request
/// (400), a bad or missing credential (401), a body too large or not JSON
/// (413, 415), too many requests (429), a fault of ours (500). Written once
/// here rather than on each handler, so no operation leaves them out and a
/// client generator or fuzzer knows every status it may meet.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, ResponseBuilder, content::ContentBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Error")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                let has_body = op.request_body.is_some();
                let mut common = vec![
                    ("400", "VALIDATION: a malformed path, query or body"),
                    ("401", "AUTHN: a missing, expired or revoked credential"),
                    ("429", "RATE_LIMIT: too many requests; see `Retry-After`"),
                    ("500", "INTERNAL: a fault of ours, named by the request id"),
                ];
                if has_body {
                    common.push(("413", "VALIDATION: the body is too large"));
                    common.push(("415", "VALIDATION: the body is not JSON"));
                }
                for (status, description) in common {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description).into());
                }
            }
        }
    }
}

/// The whole document: the shared parts above, each module's operations
/// (its own `Api`, beside its handlers), then the answers every operation
/// can give.
pub fn spec() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for module in [
        system::Api::openapi(),
        auth::Api::openapi(),
        tenants::Api::openapi(),
        rbac::Api::openapi(),
        module_registry::Api::openapi(),
        exports::Api::openapi(),
        backups::Api::openapi(),
        menu::Api::openapi(),
        locations::Api::openapi(),
        inventory::Api::openapi(),
        kitchen::Api::openapi(),
        pos::Api::openapi(),
        billing::Api::openapi(),
        announcements::Api::openapi(),
        support::Api::openapi(),
        feature_flags::Api::openapi(),
        maintenance::Api::openapi(),
        impersonation::Api::openapi(),
    ] {
        doc.merge(module);
    }
    CommonResponses.modify(&mut doc);
    doc
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(spec())
}

/// The envelopes the handlers answer with, under the names the document
/// has always used.
pub type DataDoc<T> = super::Envelope<T>;
pub type PagedDoc<T> = super::PagedEnvelope<T>;

pub use crate::http::errors::ErrorBody;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves() -> Result<(), serde_json::Error> {
        let doc = serde_json::to_value(spec())?;
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "dangling reference {r}"
            );
        }
        Ok(())
    }

    /// Strips what may change without a client noticing (descriptions,
    /// examples) and sorts keys, so two documents compare by shape.
    fn shape(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let mut out = serde_json::Map::new();
                for k in keys {
                    if !matches!(k.as_str(), "description" | "title" | "example" | "examples") {
                        out.insert(k.clone(), shape(&map[k]));
                    }
                }
                if let Some(Value::Array(required)) = out.get_mut("required") {
                    // The order of required names means nothing.
                    required.sort_by_key(|v| v.to_string());
                }
                merge_all_of(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
            other => other.clone(),
        }
    }

    /// `allOf` of plain objects (a flattened struct) is one object with
    /// their properties: the same shape to a client, however it is spelled.
    fn merge_all_of(mut object: serde_json::Map<String, Value>) -> Value {
        let Some(Value::Array(parts)) = object.get("allOf") else {
            return Value::Object(object);
        };
        let plain = parts
            .iter()
            .all(|p| p.get("$ref").is_none() && p.get("properties").is_some());
        if !plain {
            return Value::Object(object);
        }
        let mut properties = serde_json::Map::new();
        let mut required = Vec::new();
        for part in parts {
            if let Some(props) = part["properties"].as_object() {
                properties.extend(props.clone());
            }
            required.extend(part["required"].as_array().into_iter().flatten().cloned());
        }
        required.sort_by_key(|v| v.to_string());
        object.remove("allOf");
        object.insert("type".into(), Value::from("object"));
        object.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            object.insert("required".into(), Value::Array(required));
        }
        shape_sorted(object)
    }

    fn shape_sorted(object: serde_json::Map<String, Value>) -> Value {
        let mut keys: Vec<String> = object.keys().cloned().collect();
        keys.sort();
        let mut out = serde_json::Map::new();
        for k in keys {
            out.insert(k.clone(), object[&k].clone());
        }
        Value::Object(out)
    }

    /// `value` with every `$ref` replaced by the schema it names (cycles end
    /// at a depth, as a client's reader would stop).
    fn expand(value: &Value, doc: &Value, depth: usize) -> Value {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && depth < 8
                {
                    let name = r.trim_start_matches("#/components/schemas/");
                    return expand(&doc["components"]["schemas"][name], doc, depth + 1);
                }
                Value::Object(
                    map.iter()
                        .map(|(k, v)| (k.clone(), expand(v, doc, depth)))
                        .collect(),
                )
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| expand(v, doc, depth)).collect())
            }
            other => other.clone(),
        }
    }

    /// One line per operation status, parameter and request body, and per
    /// schema property, required field and enum value.
    fn inventory(doc: &Value) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let at = format!("{} {path}", method.to_uppercase());
                for (status, response) in op["responses"].as_object().into_iter().flatten() {
                    out.insert(format!("op {at} answers {status}"));
                    // What the client receives, references followed, so a
                    // body may move between inline and `$ref` unnoticed.
                    let body = expand(&response["content"], doc, 0);
                    out.insert(format!("op {at} answers {status} with {}", shape(&body)));
                }
                for p in op["parameters"].as_array().into_iter().flatten() {
                    out.insert(format!(
                        "op {at} param {}:{} {}",
                        p["in"].as_str().unwrap_or(""),
                        p["name"].as_str().unwrap_or(""),
                        shape(&p["schema"])
                    ));
                }
                if !op["requestBody"].is_null() {
                    out.insert(format!(
                        "op {at} body {}",
                        shape(&op["requestBody"]["content"])
                    ));
                }
            }
        }
        for (name, schema) in doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
        {
            let schema = &shape(schema);
            let props = schema["properties"].as_object();
            for (prop, def) in props.into_iter().flatten() {
                out.insert(format!("schema {name}.{prop} {}", shape(def)));
            }
            for req in schema["required"].as_array().into_iter().flatten() {
                out.insert(format!(
                    "schema {name} requires {}",
                    req.as_str().unwrap_or("")
                ));
            }
            for v in schema["enum"].as_array().into_iter().flatten() {
                out.insert(format!("schema {name} enum {v}"));
            }
            if props.is_none() && schema["enum"].is_null() {
                out.insert(format!("schema {name} is {}", shape(schema)));
            }
        }
        out
    }

    const INVENTORY: &str = include_str!("openapi_inventory.txt");

    /// Clients keep every operation, status, parameter, schema, property and
    /// enum value they had: the document may grow, never lose or reshape
    /// one. `UPDATE_OPENAPI_INVENTORY=1` rewrites the file after a deliberate
    /// addition (review its diff: only `+` lines belong there).
    #[test]
    fn the_document_keeps_everything_clients_had() -> Result<(), serde_json::Error> {
        let doc = serde_json::to_value(spec())?;
        let now = inventory(&doc);
        if std::env::var_os("UPDATE_OPENAPI_INVENTORY").is_some() {
            let text: String = now.iter().map(|l| format!("{l}\n")).collect();
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/rest/openapi_inventory.txt"
            );
            if let Err(e) = std::fs::write(path, text) {
                panic!("write {path}: {e}");
            }
        }
        let missing: Vec<&str> = INVENTORY
            .lines()
            .filter(|l| !l.is_empty() && !now.contains(*l))
            .collect();
        assert!(
            missing.is_empty(),
            "{} entries of openapi_inventory.txt are gone or changed:\n{}",
            missing.len(),
            missing.join("\n")
        );
        assert!(INVENTORY.lines().count() > 500);
        Ok(())
    }
}
