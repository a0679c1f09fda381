//! The OpenAPI 3 document of `/v1`, generated from the handlers' annotations.
//!
//! Domain types live in `schema` and carry no OpenAPI derive; their shapes
//! are documented by mirror structs next to the handlers that return them
//! (`#[schema(as = ...)]` gives them the domain name). The envelopes below
//! document `{data}`, `{data, pagination}` and `{error}`.

use super::v1::{
    auth, exports, inventory, locations, menu, module_registry, pos, rbac, system, tenants,
};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Platform REST API",
        version = "1",
        description = "The /v1 compatibility API. Success: `{data}` or, for paginated lists, `{data, pagination: {hasNextPage, endCursor}}` (pass `endCursor` back as `after`, page size with `first`, 1 to 100). Failure: `{error: {code, message, details?, requestId}}` with code one of VALIDATION (400; 405/413/415 for method, size and content type), AUTHN (401), AUTHZ (403), NOT_FOUND (404), CONFLICT (409), RATE_LIMIT (429), INTERNAL (500). Request bodies are JSON with camelCase fields; ids in paths are UUIDs. Credentials: `Authorization: Bearer <access token or API key>`."
    ),
    paths(
        system::server_info,
        exports::list,
        exports::request,
        exports::download,
        menu::categories,
        menu::create_category,
        menu::update_category,
        menu::modifier_groups,
        menu::create_modifier_group,
        menu::items,
        menu::create_item,
        menu::item,
        menu::update_item,
        menu::set_availability,
        menu::delete_item,
        locations::list_locations,
        locations::create_location,
        locations::update_location,
        inventory::list_stock_items,
        inventory::create_stock_item,
        inventory::get_stock_item,
        inventory::update_stock_item,
        inventory::stock_levels,
        inventory::set_reorder_point,
        inventory::adjust_stock,
        inventory::stock_movements,
        inventory::list_counts,
        inventory::start_count,
        inventory::get_count,
        inventory::record_count_line,
        inventory::post_count,
        inventory::cancel_count,
        inventory::list_transfers,
        inventory::send_transfer,
        inventory::get_transfer,
        inventory::receive_transfer,
        inventory::cancel_transfer,
        inventory::get_menu_item_recipe,
        inventory::set_menu_item_recipe,
        inventory::get_modifier_recipe,
        inventory::set_modifier_recipe,
        pos::list_tickets,
        pos::open_ticket,
        pos::get_ticket,
        pos::update_ticket,
        pos::add_ticket_line,
        pos::update_ticket_line,
        pos::void_ticket_line,
        pos::set_ticket_discount,
        pos::set_ticket_line_discount,
        pos::send_ticket,
        pos::void_ticket,
        pos::take_ticket_payment,
        pos::settle_ticket,
        pos::get_payment,
        pos::refund_payment,
        pos::get_ticket_receipt,
        pos::get_ticket_receipt_text,
        pos::get_ticket_receipt_html,
        pos::reprint_ticket_receipt,
        pos::email_ticket_receipt,
        pos::list_shifts,
        pos::open_shift,
        pos::get_shift,
        pos::move_shift_cash,
        pos::close_shift,
        pos::get_shift_report,
        auth::signup,
        auth::login,
        auth::superadmin_login,
        auth::refresh,
        auth::logout,
        auth::change_password,
        auth::request_password_reset,
        auth::reset_password,
        auth::me,
        auth::enrol_mfa,
        auth::confirm_mfa,
        auth::disable_mfa,
        tenants::current,
        tenants::list,
        tenants::get,
        tenants::approve,
        tenants::reject,
        tenants::suspend,
        tenants::reactivate,
        tenants::modules,
        tenants::set_module,
        rbac::list_roles,
        rbac::create_role,
        rbac::get_role,
        rbac::update_role,
        rbac::delete_role,
        rbac::permissions,
        rbac::list_users,
        rbac::create_user,
        rbac::get_user,
        rbac::deactivate_user,
        rbac::reactivate_user,
        rbac::assign_role,
        rbac::unassign_role,
        rbac::list_api_keys,
        rbac::create_api_key,
        rbac::revoke_api_key,
        rbac::audit_events,
        module_registry::registry,
        module_registry::update_entry,
        module_registry::mine,
    ),
    components(schemas(ErrorBody, Pagination)),
    modifiers(&BearerAuth, &CommonResponses),
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
        (name = "pos", description = "The point of sale: tickets with lines, modifiers and discounts, kitchen sends, cash and card payments (split, partial, tips), settling, voids, refunds with restock, receipts, and shifts with X/Z reports. Money is in minor units. Payments and refunds take an `Idempotency-Key` header")
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

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// `{ "data": T }`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DataDoc<T> {
    data: T,
}

/// `{ "data": [T], "pagination": {...} }`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PagedDoc<T> {
    data: Vec<T>,
    pagination: Pagination,
}

/// Where a page ends: pass `endCursor` as `after` for the next one.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Pagination {
    has_next_page: bool,
    end_cursor: Option<String>,
}

/// Every error: `{ "error": {...} }`.
#[derive(ToSchema)]
#[schema(as = Error)]
#[allow(dead_code)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ErrorDetail {
    code: ErrorCodeDoc,
    /// For people; `INTERNAL` only names the request id.
    message: String,
    /// Machine-readable specifics, e.g. `{"fields": {"email": "is required"}}`.
    details: Option<serde_json::Value>,
    request_id: String,
}

#[derive(ToSchema)]
#[schema(as = ErrorCode, rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)]
pub enum ErrorCodeDoc {
    Validation,
    Authn,
    Authz,
    NotFound,
    Conflict,
    RateLimit,
    Internal,
}

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
        let doc = serde_json::to_value(ApiDoc::openapi())?;
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

    /// One line per operation status, parameter and request body, and per
    /// schema property, required field and enum value.
    fn inventory(doc: &Value) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let at = format!("{} {path}", method.to_uppercase());
                for status in op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|r| r.0)
                {
                    out.insert(format!("op {at} answers {status}"));
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
        let doc = serde_json::to_value(ApiDoc::openapi())?;
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
