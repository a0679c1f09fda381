//! The REST `/v1` compatibility API, end to end: the same services as
//! GraphQL behind `{data, pagination?}` / `{error}` envelopes, taxonomy
//! errors for every bad input, and tenant isolation over REST.

use crate::harness::s;
use crate::harness::{PASSWORD, SUPERADMIN_EMAIL, SUPERADMIN_PASSWORD, TestServer};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};
use uuid::Uuid;

// ---------------------------------------------------------------- helpers

async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = server.http.request(method.clone(), server.url(path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{method} {path} -> {status}: not JSON: {text:?}"));
    (status, value)
}

async fn get(server: &TestServer, path: &str, token: Option<&str>) -> (u16, Value) {
    call(server, Method::GET, path, token, None).await
}

async fn post(server: &TestServer, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    call(server, Method::POST, path, token, Some(body)).await
}

/// A call that must succeed with `status`; returns `data`.
async fn ok(
    server: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    status: u16,
) -> Value {
    let (got, value) = call(server, method.clone(), path, token, body).await;
    assert_eq!(got, status, "{method} {path} -> {got} {value}");
    assert!(value.get("error").is_none(), "{value}");
    value["data"].clone()
}

/// Asserts the REST error envelope, exactly: `{error: {code, message, details?, requestId}}`.
#[track_caller]
fn assert_error(got: (u16, Value), status: u16, code: &str) -> Value {
    let (got_status, body) = got;
    assert_eq!(got_status, status, "{body}");
    let obj = body.as_object().expect("object body");
    assert_eq!(obj.len(), 1, "only `error` at the top: {body}");
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(
        error["requestId"].as_str().is_some_and(|r| !r.is_empty()),
        "{body}"
    );
    for key in error.as_object().unwrap().keys() {
        assert!(
            ["code", "message", "details", "requestId"].contains(&key.as_str()),
            "unexpected key {key}: {body}"
        );
    }
    error.clone()
}

async fn role_id_by_key(server: &TestServer, token: &str, key: &str) -> String {
    let roles = ok(
        server,
        Method::GET,
        "/v1/rbac/roles",
        Some(token),
        None,
        200,
    )
    .await;
    s(&roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no role {key}: {roles}"))["id"])
    .to_owned()
}

async fn rest_superadmin(server: &TestServer) -> String {
    let data = ok(
        server,
        Method::POST,
        "/v1/auth/superadmin/login",
        None,
        Some(json!({ "email": SUPERADMIN_EMAIL, "password": SUPERADMIN_PASSWORD })),
        200,
    )
    .await;
    assert_eq!(data["tokenType"], "Bearer");
    assert!(data["tenantId"].is_null(), "{data}");
    s(&data["accessToken"]).to_owned()
}

async fn create_user(server: &TestServer, token: &str, name: &str, role_ids: Value) -> Value {
    ok(
        server,
        Method::POST,
        "/v1/rbac/users",
        Some(token),
        Some(json!({
            "email": format!("{name}-{}@example.test", &Uuid::new_v4().simple().to_string()[..6]),
            "displayName": name,
            "password": PASSWORD,
            "roleIds": role_ids,
        })),
        201,
    )
    .await
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

// ---------------------------------------------------------------- auth

#[tokio::test]
async fn rest_signup_approve_login_me_refresh_and_logout() {
    let server = TestServer::start().await;
    let slug = format!("rest-{}", &Uuid::new_v4().simple().to_string()[..8]);
    let email = format!("owner@{slug}.test");

    let signup = ok(
        &server,
        Method::POST,
        "/v1/auth/signup",
        None,
        Some(json!({
            "businessName": "Rest Cafe", "slug": slug, "ownerName": "Olive Owner",
            "email": email, "password": PASSWORD,
        })),
        201,
    )
    .await;
    assert_eq!(signup["tenant"]["status"], "pending", "{signup}");
    assert_eq!(signup["tenant"]["slug"], slug.as_str());
    let tenant_id = s(&signup["tenant"]["id"]).to_owned();
    let owner_id = s(&signup["ownerId"]).to_owned();

    // The same slug again is a conflict, in the taxonomy.
    let again = post(
        &server,
        "/v1/auth/signup",
        None,
        json!({ "businessName": "Other", "slug": slug, "ownerName": "O", "email": "x@y.test", "password": PASSWORD }),
    )
    .await;
    let err = assert_error(again, 409, "CONFLICT");
    assert_eq!(err["details"]["fields"]["slug"], "is taken");

    let admin = rest_superadmin(&server).await;
    let approved = ok(
        &server,
        Method::POST,
        &format!("/v1/tenants/{tenant_id}/approve"),
        Some(&admin),
        None,
        200,
    )
    .await;
    assert_eq!(approved["status"], "active");
    assert!(approved["approvedAt"].is_string(), "{approved}");

    // Wrong password: AUTHN, and nothing about which part was wrong.
    let bad = post(
        &server,
        "/v1/auth/login",
        None,
        json!({ "tenantSlug": slug, "email": email, "password": "not the password" }),
    )
    .await;
    assert_error(bad, 401, "AUTHN");

    let session = ok(
        &server,
        Method::POST,
        "/v1/auth/login",
        None,
        Some(json!({ "tenantSlug": slug, "email": email, "password": PASSWORD })),
        200,
    )
    .await;
    assert_eq!(session["tokenType"], "Bearer");
    assert_eq!(session["tenantId"], tenant_id.as_str());
    assert_eq!(session["userId"], owner_id.as_str());
    let access = s(&session["accessToken"]).to_owned();
    let refresh1 = s(&session["refreshToken"]).to_owned();

    let me = ok(
        &server,
        Method::GET,
        "/v1/auth/me",
        Some(&access),
        None,
        200,
    )
    .await;
    assert_eq!(me["id"], owner_id.as_str());
    assert_eq!(me["email"], email.as_str());
    assert_eq!(me["status"], "active");
    assert!(me.get("passwordHash").is_none(), "{me}");
    assert!(
        me["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "owner"),
        "{me}"
    );

    let current = ok(
        &server,
        Method::GET,
        "/v1/tenants/current",
        Some(&access),
        None,
        200,
    )
    .await;
    assert_eq!(current["id"], tenant_id.as_str());
    assert_eq!(current["status"], "active");

    // Refresh rotates: a new pair, the old refresh token spent.
    let rotated = ok(
        &server,
        Method::POST,
        "/v1/auth/refresh",
        None,
        Some(json!({ "refreshToken": refresh1 })),
        200,
    )
    .await;
    let refresh2 = s(&rotated["refreshToken"]).to_owned();
    assert_ne!(refresh2, refresh1);
    let access2 = s(&rotated["accessToken"]).to_owned();
    ok(
        &server,
        Method::GET,
        "/v1/auth/me",
        Some(&access2),
        None,
        200,
    )
    .await;

    // Reuse of the spent token: refused, and the whole family ends with it.
    let reuse = post(
        &server,
        "/v1/auth/refresh",
        None,
        json!({ "refreshToken": refresh1 }),
    )
    .await;
    let err = assert_error(reuse, 401, "AUTHN");
    assert!(s(&err["message"]).contains("reuse"), "{err}");
    let after_reuse = post(
        &server,
        "/v1/auth/refresh",
        None,
        json!({ "refreshToken": refresh2 }),
    )
    .await;
    assert_error(after_reuse, 401, "AUTHN");

    // Logout ends a fresh session.
    let session = ok(
        &server,
        Method::POST,
        "/v1/auth/login",
        None,
        Some(json!({ "tenantSlug": slug, "email": email, "password": PASSWORD })),
        200,
    )
    .await;
    let refresh3 = s(&session["refreshToken"]).to_owned();
    let done = ok(
        &server,
        Method::POST,
        "/v1/auth/logout",
        Some(s(&session["accessToken"])),
        Some(json!({ "refreshToken": refresh3 })),
        200,
    )
    .await;
    assert_eq!(done, json!({ "ok": true }));
    let ended = post(
        &server,
        "/v1/auth/refresh",
        None,
        json!({ "refreshToken": refresh3 }),
    )
    .await;
    assert_error(ended, 401, "AUTHN");

    // The superadmin is not a tenant user.
    assert_error(
        get(&server, "/v1/auth/me", Some(&admin)).await,
        401,
        "AUTHN",
    );
}

#[tokio::test]
async fn rest_passwords_and_mfa() {
    let server = TestServer::start().await;
    let t = server.tenant("restpw").await;
    let token = Some(t.owner_token.as_str());
    let login = |password: &str| json!({ "tenantSlug": t.slug, "email": t.owner_email, "password": password });

    // Change: the current password must be right; the new one works at once.
    let wrong = post(
        &server,
        "/v1/auth/password/change",
        token,
        json!({ "currentPassword": "nope nope nope", "newPassword": "another long passphrase" }),
    )
    .await;
    let err = assert_error(wrong, 400, "VALIDATION");
    assert!(
        err["details"]["fields"]["currentPassword"].is_string(),
        "{err}"
    );
    ok(
        &server,
        Method::POST,
        "/v1/auth/password/change",
        token,
        Some(json!({ "currentPassword": PASSWORD, "newPassword": "another long passphrase" })),
        200,
    )
    .await;
    assert_error(
        post(&server, "/v1/auth/login", None, login(PASSWORD)).await,
        401,
        "AUTHN",
    );
    ok(
        &server,
        Method::POST,
        "/v1/auth/login",
        None,
        Some(login("another long passphrase")),
        200,
    )
    .await;

    // Reset: always ok; the token travels in the outbox event to the email job.
    for email in [t.owner_email.as_str(), "nobody@nowhere.test"] {
        let done = ok(
            &server,
            Method::POST,
            "/v1/auth/password/reset-request",
            None,
            Some(json!({ "tenantSlug": t.slug, "email": email })),
            200,
        )
        .await;
        assert_eq!(done["ok"], true);
    }
    let mut db = server.db.owner().await;
    let payload: Value = sqlx::query_scalar(
        "SELECT payload FROM event_outbox WHERE tenant_id = $1 AND event_type = 'identity.password_reset.requested'",
    )
    .bind(t.id)
    .fetch_one(&mut db)
    .await
    .unwrap();
    let reset_token = s(&payload["token"]).to_owned();
    let bad = post(
        &server,
        "/v1/auth/password/reset",
        None,
        json!({ "token": "pr_not-a-token", "newPassword": "a third long passphrase" }),
    )
    .await;
    assert_error(bad, 400, "VALIDATION");
    ok(
        &server,
        Method::POST,
        "/v1/auth/password/reset",
        None,
        Some(json!({ "token": reset_token, "newPassword": "a third long passphrase" })),
        200,
    )
    .await;
    let session = ok(
        &server,
        Method::POST,
        "/v1/auth/login",
        None,
        Some(login("a third long passphrase")),
        200,
    )
    .await;

    // MFA: enrol, confirm with a current code, then sign-in needs a code.
    let token = s(&session["accessToken"]).to_owned();
    let token = Some(token.as_str());
    let enrolment = ok(
        &server,
        Method::POST,
        "/v1/auth/mfa/enrol",
        token,
        None,
        200,
    )
    .await;
    let secret = s(&enrolment["secret"]).to_owned();
    assert!(s(&enrolment["otpauthUrl"]).starts_with("otpauth://"));
    let app = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(&secret).unwrap())
        .build()
        .unwrap();
    let confirmed = ok(
        &server,
        Method::POST,
        "/v1/auth/mfa/confirm",
        token,
        Some(json!({ "code": app.generate(now_secs()).to_string() })),
        200,
    )
    .await;
    let codes = confirmed["recoveryCodes"].as_array().unwrap().clone();
    assert_eq!(codes.len(), 10, "{confirmed}");

    let password = "a third long passphrase";
    let needs_code = post(&server, "/v1/auth/login", None, login(password)).await;
    let err = assert_error(needs_code, 401, "AUTHN");
    assert_eq!(err["details"]["mfaRequired"], true, "{err}");
    let mut with_recovery = login(password);
    with_recovery["recoveryCode"] = codes[0].clone();
    let session = ok(
        &server,
        Method::POST,
        "/v1/auth/login",
        None,
        Some(with_recovery),
        200,
    )
    .await;
    let token = s(&session["accessToken"]).to_owned();
    let me = ok(&server, Method::GET, "/v1/auth/me", Some(&token), None, 200).await;
    assert_eq!(me["mfaEnabled"], true);

    // Disable with another recovery code.
    ok(
        &server,
        Method::POST,
        "/v1/auth/mfa/disable",
        Some(&token),
        Some(json!({ "code": codes[1] })),
        200,
    )
    .await;
    let me = ok(&server, Method::GET, "/v1/auth/me", Some(&token), None, 200).await;
    assert_eq!(me["mfaEnabled"], false);
    ok(
        &server,
        Method::POST,
        "/v1/auth/login",
        None,
        Some(login(password)),
        200,
    )
    .await;
}

// ---------------------------------------------------------------- tenants and modules

#[tokio::test]
async fn rest_superadmin_tenant_lifecycle() {
    let server = TestServer::start().await;
    let admin = rest_superadmin(&server).await;
    let active = server.tenant("restlife").await;
    let (pending, _, _) = server.signup("restpend").await;
    let (other, _, _) = server.signup("restrej").await;

    let page = get(&server, "/v1/tenants?status=pending", Some(&admin)).await;
    assert_eq!(page.0, 200, "{}", page.1);
    let ids: Vec<&str> = page.1["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| s(&t["id"]))
        .collect();
    assert!(ids.contains(&pending.to_string().as_str()), "{}", page.1);
    assert!(!ids.contains(&active.id.to_string().as_str()), "{}", page.1);
    assert_eq!(page.1["pagination"]["hasNextPage"], false);

    // Pagination over every tenant, one at a time.
    let first = get(&server, "/v1/tenants?first=1", Some(&admin)).await.1;
    assert_eq!(first["data"].as_array().unwrap().len(), 1);
    assert_eq!(first["pagination"]["hasNextPage"], true);
    let cursor = s(&first["pagination"]["endCursor"]).to_owned();
    let second = get(
        &server,
        &format!("/v1/tenants?first=1&after={cursor}"),
        Some(&admin),
    )
    .await
    .1;
    assert_ne!(second["data"][0]["id"], first["data"][0]["id"]);

    assert_error(
        get(&server, "/v1/tenants?status=bogus", Some(&admin)).await,
        400,
        "VALIDATION",
    );
    assert_error(
        get(&server, "/v1/tenants", Some(&active.owner_token)).await,
        403,
        "AUTHZ",
    );
    assert_error(get(&server, "/v1/tenants", None).await, 401, "AUTHN");

    let one = ok(
        &server,
        Method::GET,
        &format!("/v1/tenants/{}", active.id),
        Some(&admin),
        None,
        200,
    )
    .await;
    assert_eq!(one["slug"], active.slug.as_str());

    // Reject needs a reason; then the state machine refuses a second verdict.
    let no_reason = post(
        &server,
        &format!("/v1/tenants/{other}/reject"),
        Some(&admin),
        json!({}),
    )
    .await;
    let err = assert_error(no_reason, 400, "VALIDATION");
    assert_eq!(err["details"]["fields"]["reason"], "is required", "{err}");
    let rejected = ok(
        &server,
        Method::POST,
        &format!("/v1/tenants/{other}/reject"),
        Some(&admin),
        Some(json!({ "reason": "not a real business" })),
        200,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["statusReason"], "not a real business");
    assert_error(
        post(
            &server,
            &format!("/v1/tenants/{other}/approve"),
            Some(&admin),
            json!({}),
        )
        .await,
        409,
        "CONFLICT",
    );

    // Suspend and reactivate.
    let suspended = ok(
        &server,
        Method::POST,
        &format!("/v1/tenants/{}/suspend", active.id),
        Some(&admin),
        Some(json!({ "reason": "unpaid invoices" })),
        200,
    )
    .await;
    assert_eq!(suspended["status"], "suspended");
    let current = ok(
        &server,
        Method::GET,
        "/v1/tenants/current",
        Some(&active.owner_token),
        None,
        200,
    )
    .await;
    assert_eq!(current["status"], "suspended");
    // A suspended business reaches no business module.
    assert_error(
        get(&server, "/v1/rbac/users", Some(&active.owner_token)).await,
        403,
        "AUTHZ",
    );
    let back = ok(
        &server,
        Method::POST,
        &format!("/v1/tenants/{}/reactivate", active.id),
        Some(&admin),
        None,
        200,
    )
    .await;
    assert_eq!(back["status"], "active");
    ok(
        &server,
        Method::GET,
        "/v1/rbac/users",
        Some(&active.owner_token),
        None,
        200,
    )
    .await;

    assert_error(
        get(
            &server,
            &format!("/v1/tenants/{}", Uuid::now_v7()),
            Some(&admin),
        )
        .await,
        404,
        "NOT_FOUND",
    );
}

#[tokio::test]
async fn rest_module_toggle_is_reflected_in_mine() {
    let server = TestServer::start().await;
    let admin = rest_superadmin(&server).await;
    let t = server.tenant("restmod").await;
    let enabled = |modules: &Value, key: &str| -> bool {
        modules
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == key)
            .unwrap_or_else(|| panic!("no module {key}: {modules}"))["enabled"]
            .as_bool()
            .unwrap()
    };

    let mine = ok(
        &server,
        Method::GET,
        "/v1/module-registry/mine",
        Some(&t.owner_token),
        None,
        200,
    )
    .await;
    assert!(
        !enabled(&mine, "orders"),
        "orders is off by default: {mine}"
    );
    assert!(enabled(&mine, "pos"));

    let toggled = ok(
        &server,
        Method::PUT,
        &format!("/v1/tenants/{}/modules/orders", t.id),
        Some(&admin),
        Some(json!({ "enabled": true })),
        200,
    )
    .await;
    assert_eq!(toggled["key"], "orders");
    assert_eq!(toggled["enabled"], true);
    let mine = ok(
        &server,
        Method::GET,
        "/v1/module-registry/mine",
        Some(&t.owner_token),
        None,
        200,
    )
    .await;
    assert!(enabled(&mine, "orders"), "{mine}");
    let theirs = ok(
        &server,
        Method::GET,
        &format!("/v1/tenants/{}/modules", t.id),
        Some(&admin),
        None,
        200,
    )
    .await;
    assert!(enabled(&theirs, "orders"));

    ok(
        &server,
        Method::PUT,
        &format!("/v1/tenants/{}/modules/pos", t.id),
        Some(&admin),
        Some(json!({ "enabled": false })),
        200,
    )
    .await;
    let mine = ok(
        &server,
        Method::GET,
        "/v1/module-registry/mine",
        Some(&t.owner_token),
        None,
        200,
    )
    .await;
    assert!(!enabled(&mine, "pos"));
    assert!(!enabled(&mine, "pos.tips"), "a feature follows its module");

    // Core modules stay on; owners cannot toggle; bad bodies are VALIDATION.
    assert_error(
        call(
            &server,
            Method::PUT,
            &format!("/v1/tenants/{}/modules/admin", t.id),
            Some(&admin),
            Some(json!({ "enabled": false })),
        )
        .await,
        400,
        "VALIDATION",
    );
    assert_error(
        call(
            &server,
            Method::PUT,
            &format!("/v1/tenants/{}/modules/orders", t.id),
            Some(&t.owner_token),
            Some(json!({ "enabled": false })),
        )
        .await,
        403,
        "AUTHZ",
    );
    let err = assert_error(
        call(
            &server,
            Method::PUT,
            &format!("/v1/tenants/{}/modules/orders", t.id),
            Some(&admin),
            Some(json!({ "enabled": "yes" })),
        )
        .await,
        400,
        "VALIDATION",
    );
    assert!(err["details"]["fields"]["enabled"].is_string(), "{err}");

    // The registry itself: superadmins read and edit it.
    let registry = ok(
        &server,
        Method::GET,
        "/v1/module-registry",
        Some(&admin),
        None,
        200,
    )
    .await;
    assert!(
        registry
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"] == "pos" && e["kind"] == "module"),
        "{registry}"
    );
    let edited = ok(
        &server,
        Method::PATCH,
        "/v1/module-registry/pos.tips",
        Some(&admin),
        Some(json!({ "name": "Gratuities" })),
        200,
    )
    .await;
    assert_eq!(edited["name"], "Gratuities");
    assert!(edited["editedAt"].is_string());
    assert_error(
        call(
            &server,
            Method::PATCH,
            "/v1/module-registry/no-such-module",
            Some(&admin),
            Some(json!({ "name": "X" })),
        )
        .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        get(&server, "/v1/module-registry", Some(&t.owner_token)).await,
        403,
        "AUTHZ",
    );
}

// ---------------------------------------------------------------- rbac

#[tokio::test]
async fn rest_role_crud_and_assignment() {
    let server = TestServer::start().await;
    let t = server.tenant("restrole").await;
    let token = Some(t.owner_token.as_str());

    let role = ok(
        &server,
        Method::POST,
        "/v1/rbac/roles",
        token,
        Some(json!({
            "name": "Shift lead",
            "description": "Runs the floor",
            "permissions": ["pos.ticket.read", "pos.ticket.write"],
        })),
        201,
    )
    .await;
    let role_id = s(&role["id"]).to_owned();
    assert_eq!(role["builtIn"], false);
    assert_eq!(role["userCount"], 0);
    assert_eq!(
        role["permissions"],
        json!(["pos.ticket.read", "pos.ticket.write"])
    );

    let dup = post(
        &server,
        "/v1/rbac/roles",
        token,
        json!({ "name": "Shift lead", "permissions": [] }),
    )
    .await;
    assert_error(dup, 409, "CONFLICT");
    let unknown = post(
        &server,
        "/v1/rbac/roles",
        token,
        json!({ "name": "Weird", "permissions": ["pos.nothing"] }),
    )
    .await;
    assert_error(unknown, 400, "VALIDATION");

    let fetched = ok(
        &server,
        Method::GET,
        &format!("/v1/rbac/roles/{role_id}"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(fetched["name"], "Shift lead");

    let patched = ok(
        &server,
        Method::PATCH,
        &format!("/v1/rbac/roles/{role_id}"),
        token,
        Some(json!({ "name": "Shift leader", "permissions": ["pos.ticket.read"] })),
        200,
    )
    .await;
    assert_eq!(patched["name"], "Shift leader");
    assert_eq!(
        patched["description"], "Runs the floor",
        "kept when left out"
    );
    assert_eq!(patched["permissions"], json!(["pos.ticket.read"]));

    let list = get(&server, "/v1/rbac/roles", token).await;
    assert_eq!(list.0, 200);
    assert_eq!(list.1["pagination"]["hasNextPage"], false);
    let roles = list.1["data"].as_array().unwrap();
    assert!(roles.iter().any(|r| r["id"] == role_id.as_str()));
    assert!(roles.iter().any(|r| r["key"] == "owner"));
    // Roles page like every list.
    let first = get(&server, "/v1/rbac/roles?first=2", token).await.1;
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    assert_eq!(first["pagination"]["hasNextPage"], true);
    let after = s(&first["pagination"]["endCursor"]).to_owned();
    let rest = get(
        &server,
        &format!("/v1/rbac/roles?first=100&after={after}"),
        token,
    )
    .await
    .1;
    assert_eq!(
        rest["data"].as_array().unwrap().len() + 2,
        roles.len(),
        "{rest}"
    );

    // Assign to a new user, see it on the user, unassign.
    let user = create_user(&server, &t.owner_token, "sam", json!([])).await;
    let user_id = s(&user["id"]).to_owned();
    assert_eq!(user["roles"], json!([]));
    let assigned = ok(
        &server,
        Method::PUT,
        &format!("/v1/rbac/users/{user_id}/roles/{role_id}"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(assigned["userCount"], 1);
    let seen = ok(
        &server,
        Method::GET,
        &format!("/v1/rbac/users/{user_id}"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(seen["roles"][0]["id"], role_id.as_str(), "{seen}");
    assert_eq!(seen["roles"][0]["name"], "Shift leader");

    // A role still held cannot be deleted.
    assert_error(
        call(
            &server,
            Method::DELETE,
            &format!("/v1/rbac/roles/{role_id}"),
            token,
            None,
        )
        .await,
        409,
        "CONFLICT",
    );
    let unassigned = ok(
        &server,
        Method::DELETE,
        &format!("/v1/rbac/users/{user_id}/roles/{role_id}"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(unassigned["userCount"], 0);
    assert_error(
        call(
            &server,
            Method::DELETE,
            &format!("/v1/rbac/users/{user_id}/roles/{role_id}"),
            token,
            None,
        )
        .await,
        404,
        "NOT_FOUND",
    );

    let deleted = ok(
        &server,
        Method::DELETE,
        &format!("/v1/rbac/roles/{role_id}"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(deleted["id"], role_id.as_str());
    assert_error(
        get(&server, &format!("/v1/rbac/roles/{role_id}"), token).await,
        404,
        "NOT_FOUND",
    );

    // Built-in roles stay.
    let owner_role = role_id_by_key(&server, &t.owner_token, "owner").await;
    assert_error(
        call(
            &server,
            Method::DELETE,
            &format!("/v1/rbac/roles/{owner_role}"),
            token,
            None,
        )
        .await,
        409,
        "CONFLICT",
    );

    let permissions = ok(
        &server,
        Method::GET,
        "/v1/rbac/permissions",
        None,
        None,
        200,
    )
    .await;
    assert!(
        permissions
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["key"] == "pos.ticket.write" && p["module"] == "pos"),
        "{permissions}"
    );
}

#[tokio::test]
async fn rest_users_paginate_and_deactivate() {
    let server = TestServer::start().await;
    let t = server.tenant("restusers").await;
    let token = Some(t.owner_token.as_str());
    let cashier = role_id_by_key(&server, &t.owner_token, "cashier").await;
    let a = create_user(&server, &t.owner_token, "ana", json!([cashier])).await;
    let b = create_user(&server, &t.owner_token, "ben", json!([])).await;
    assert_eq!(a["roles"][0]["key"], "cashier", "{a}");
    assert_eq!(a["status"], "active");

    // first=1, then after=endCursor, until the end.
    let mut seen = Vec::new();
    let mut path = "/v1/rbac/users?first=1".to_owned();
    loop {
        let (status, page) = get(&server, &path, token).await;
        assert_eq!(status, 200, "{page}");
        let items = page["data"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{page}");
        seen.push(s(&items[0]["id"]).to_owned());
        assert!(items[0]["roles"].is_array(), "{page}");
        if page["pagination"]["hasNextPage"] == false {
            break;
        }
        let cursor = s(&page["pagination"]["endCursor"]);
        assert_eq!(cursor, s(&items[0]["id"]));
        path = format!("/v1/rbac/users?first=1&after={cursor}");
        assert!(seen.len() < 10, "pagination does not end");
    }
    assert_eq!(
        seen,
        vec![
            t.owner_id.to_string(),
            s(&a["id"]).to_owned(),
            s(&b["id"]).to_owned()
        ]
    );
    let whole = get(&server, "/v1/rbac/users", token).await.1;
    assert_eq!(whole["data"].as_array().unwrap().len(), 3);
    assert_eq!(whole["pagination"]["hasNextPage"], false);

    for bad in [
        "/v1/rbac/users?first=0",
        "/v1/rbac/users?first=101",
        "/v1/rbac/users?first=abc",
        "/v1/rbac/users?after=not-a-cursor",
    ] {
        assert_error(get(&server, bad, token).await, 400, "VALIDATION");
    }

    // Duplicate email: CONFLICT naming the field.
    let dup = post(
        &server,
        "/v1/rbac/users",
        token,
        json!({ "email": a["email"], "displayName": "Again", "password": PASSWORD }),
    )
    .await;
    let err = assert_error(dup, 409, "CONFLICT");
    assert_eq!(err["details"]["fields"]["email"], "is taken");

    // Deactivate: their token stops working; reactivate.
    let a_id = s(&a["id"]).to_owned();
    let a_session = server.login(&t.slug, s(&a["email"]), PASSWORD).await;
    let a_token = s(&a_session["accessToken"]).to_owned();
    ok(
        &server,
        Method::GET,
        "/v1/auth/me",
        Some(&a_token),
        None,
        200,
    )
    .await;
    let off = ok(
        &server,
        Method::POST,
        &format!("/v1/rbac/users/{a_id}/deactivate"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(off["status"], "deactivated");
    assert_error(
        get(&server, "/v1/auth/me", Some(&a_token)).await,
        401,
        "AUTHN",
    );
    let on = ok(
        &server,
        Method::POST,
        &format!("/v1/rbac/users/{a_id}/reactivate"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(on["status"], "active");
    assert_eq!(on["roles"][0]["key"], "cashier");

    // Nobody deactivates themselves.
    assert_error(
        post(
            &server,
            &format!("/v1/rbac/users/{}/deactivate", t.owner_id),
            token,
            json!({}),
        )
        .await,
        400,
        "VALIDATION",
    );
}

#[tokio::test]
async fn rest_api_key_secret_shown_once_and_usable_as_bearer() {
    let server = TestServer::start().await;
    let t = server.tenant("restkey").await;
    let token = Some(t.owner_token.as_str());

    let created = ok(
        &server,
        Method::POST,
        "/v1/rbac/api-keys",
        token,
        Some(json!({ "name": "Accounting sync", "permissions": ["admin.users.read"] })),
        201,
    )
    .await;
    let secret = s(&created["secret"]).to_owned();
    let key_id = s(&created["apiKey"]["id"]).to_owned();
    let prefix = s(&created["apiKey"]["prefix"]).to_owned();
    assert!(secret.starts_with("sk_"), "{created}");
    assert!(secret.starts_with(&prefix) && prefix.len() < secret.len());

    // Listed by prefix only: the secret appears nowhere in the list.
    let (status, list) = get(&server, "/v1/rbac/api-keys", token).await;
    assert_eq!(status, 200);
    assert!(!list.to_string().contains(&secret), "{list}");
    let listed = &list["data"][0];
    assert_eq!(listed["id"], key_id.as_str());
    assert_eq!(listed["prefix"], prefix.as_str());
    assert!(listed.get("secret").is_none(), "{listed}");
    assert_eq!(list["pagination"]["hasNextPage"], false);

    // The key as a bearer credential: what it holds, and no more.
    let (status, users) = get(&server, "/v1/rbac/users", Some(&secret)).await;
    assert_eq!(status, 200, "{users}");
    assert_eq!(users["data"][0]["id"], t.owner_id.to_string().as_str());
    assert_error(
        post(
            &server,
            "/v1/rbac/roles",
            Some(&secret),
            json!({ "name": "Nope", "permissions": [] }),
        )
        .await,
        403,
        "AUTHZ",
    );
    assert_error(
        get(&server, "/v1/auth/me", Some(&secret)).await,
        403,
        "AUTHZ",
    );

    // A permission the caller does not hold cannot go on a key.
    let (_, cashier_token) = server.staff(&t, "cashier").await;
    assert_error(
        post(
            &server,
            "/v1/rbac/api-keys",
            Some(&cashier_token),
            json!({ "name": "Mine", "permissions": ["pos.ticket.read"] }),
        )
        .await,
        403,
        "AUTHZ",
    );

    let revoked = ok(
        &server,
        Method::DELETE,
        &format!("/v1/rbac/api-keys/{key_id}"),
        token,
        None,
        200,
    )
    .await;
    assert!(revoked["revokedAt"].is_string(), "{revoked}");
    assert_error(
        get(&server, "/v1/rbac/users", Some(&secret)).await,
        401,
        "AUTHN",
    );
    assert_error(
        get(
            &server,
            "/v1/rbac/users",
            Some(&format!("{secret}tampered")),
        )
        .await,
        401,
        "AUTHN",
    );
}

#[tokio::test]
async fn rest_audit_events_filter_and_page() {
    let server = TestServer::start().await;
    let t = server.tenant("restaudit").await;
    let token = Some(t.owner_token.as_str());
    let mut role_ids = Vec::new();
    for name in ["Audit one", "Audit two"] {
        let role = ok(
            &server,
            Method::POST,
            "/v1/rbac/roles",
            token,
            Some(json!({ "name": name, "permissions": ["menu.catalog.read"] })),
            201,
        )
        .await;
        role_ids.push(s(&role["id"]).to_owned());
    }

    let (status, page) = get(
        &server,
        "/v1/rbac/audit-events?action=rbac.role.created",
        token,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let events = page["data"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{page}");
    assert!(events.iter().all(|e| e["action"] == "rbac.role.created"));
    // Newest first.
    assert_eq!(events[0]["entityId"], role_ids[1].as_str());
    assert_eq!(events[0]["actorId"], t.owner_id.to_string().as_str());
    assert_eq!(events[0]["actorType"], "user");
    assert_eq!(events[0]["after"]["name"], "Audit two");

    let one = get(
        &server,
        &format!(
            "/v1/rbac/audit-events?entityType=role&entityId={}",
            role_ids[0]
        ),
        token,
    )
    .await
    .1;
    assert_eq!(one["data"].as_array().unwrap().len(), 1, "{one}");
    assert_eq!(one["data"][0]["entityId"], role_ids[0].as_str());

    // A prefix, paged one at a time.
    let first = get(&server, "/v1/rbac/audit-events?action=rbac.&first=1", token)
        .await
        .1;
    assert_eq!(first["data"].as_array().unwrap().len(), 1);
    assert_eq!(first["pagination"]["hasNextPage"], true);
    let cursor = s(&first["pagination"]["endCursor"]);
    let second = get(
        &server,
        &format!("/v1/rbac/audit-events?action=rbac.&first=1&after={cursor}"),
        token,
    )
    .await
    .1;
    assert_eq!(second["data"][0]["entityId"], role_ids[0].as_str());

    // Actor and time filters.
    let by_owner = get(
        &server,
        &format!("/v1/rbac/audit-events?actorId={}", t.owner_id),
        token,
    )
    .await
    .1;
    assert!(by_owner["data"].as_array().unwrap().len() >= 2);
    let by_stranger = get(
        &server,
        &format!("/v1/rbac/audit-events?actorId={}", Uuid::now_v7()),
        token,
    )
    .await
    .1;
    assert_eq!(by_stranger["data"], json!([]));
    let future = get(
        &server,
        "/v1/rbac/audit-events?from=2999-01-01T00:00:00Z",
        token,
    )
    .await
    .1;
    assert_eq!(future["data"], json!([]));
    assert_eq!(
        future["pagination"],
        json!({ "hasNextPage": false, "endCursor": null })
    );
    let past = get(
        &server,
        "/v1/rbac/audit-events?to=2000-01-01T00:00:00Z",
        token,
    )
    .await
    .1;
    assert_eq!(past["data"], json!([]));

    for bad in [
        "/v1/rbac/audit-events?from=yesterday",
        "/v1/rbac/audit-events?actorId=nobody",
    ] {
        assert_error(get(&server, bad, token).await, 400, "VALIDATION");
    }
    let (_, cashier) = server.staff(&t, "cashier").await;
    assert_error(
        get(&server, "/v1/rbac/audit-events", Some(&cashier)).await,
        403,
        "AUTHZ",
    );
}

// ---------------------------------------------------------------- errors

#[tokio::test]
async fn rest_bad_input_is_always_a_taxonomy_error() {
    let server = TestServer::start().await;
    let t = server.tenant("resterr").await;
    let token = t.owner_token.as_str();
    let raw = |body: &'static str, content_type: &'static str| {
        server
            .http
            .post(server.url("/v1/rbac/roles"))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
    };
    async fn parse(resp: reqwest::Response) -> (u16, Value) {
        let status = resp.status().as_u16();
        assert!(
            resp.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json")),
            "{:?}",
            resp.headers()
        );
        (status, resp.json().await.unwrap())
    }

    // Malformed JSON.
    let err = assert_error(
        parse(raw("{\"name\": ", "application/json").send().await.unwrap()).await,
        400,
        "VALIDATION",
    );
    assert!(s(&err["message"]).contains("malformed JSON"), "{err}");
    // Not an object at all.
    let err = assert_error(
        parse(raw("[1, 2]", "application/json").send().await.unwrap()).await,
        400,
        "VALIDATION",
    );
    assert!(s(&err["message"]).contains("JSON object"), "{err}");
    // Missing field, named.
    let err = assert_error(
        parse(
            raw("{\"permissions\": []}", "application/json")
                .send()
                .await
                .unwrap(),
        )
        .await,
        400,
        "VALIDATION",
    );
    assert_eq!(err["details"]["fields"]["name"], "is required", "{err}");
    // Wrong type, named.
    let err = assert_error(
        parse(
            raw("{\"name\": 5, \"permissions\": []}", "application/json")
                .send()
                .await
                .unwrap(),
        )
        .await,
        400,
        "VALIDATION",
    );
    assert!(err["details"]["fields"]["name"].is_string(), "{err}");
    let err = assert_error(
        parse(
            raw(
                "{\"name\": \"x\", \"permissions\": [1]}",
                "application/json",
            )
            .send()
            .await
            .unwrap(),
        )
        .await,
        400,
        "VALIDATION",
    );
    assert!(
        err["details"]["fields"]["permissions[0]"].is_string(),
        "{err}"
    );
    // Wrong content type, and none.
    assert_error(
        parse(
            raw("{\"name\": \"x\", \"permissions\": []}", "text/plain")
                .send()
                .await
                .unwrap(),
        )
        .await,
        415,
        "VALIDATION",
    );
    let none = server
        .http
        .post(server.url("/v1/auth/login"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_error(parse(none).await, 415, "VALIDATION");
    // An empty body where one is needed.
    assert_error(
        parse(raw("", "application/json").send().await.unwrap()).await,
        400,
        "VALIDATION",
    );
    // Service validation comes through the same way.
    let err = assert_error(
        post(
            &server,
            "/v1/rbac/roles",
            Some(token),
            json!({ "name": "   ", "permissions": [] }),
        )
        .await,
        400,
        "VALIDATION",
    );
    assert!(err["details"]["fields"]["name"].is_string(), "{err}");

    // A path id that is not a UUID.
    let err = assert_error(
        get(&server, "/v1/rbac/roles/not-a-uuid", Some(token)).await,
        400,
        "VALIDATION",
    );
    assert_eq!(err["details"]["fields"]["id"], "must be a UUID", "{err}");
    let err = assert_error(
        call(
            &server,
            Method::PUT,
            &format!("/v1/rbac/users/{}/roles/42", t.owner_id),
            Some(token),
            None,
        )
        .await,
        400,
        "VALIDATION",
    );
    assert_eq!(
        err["details"]["fields"]["roleId"], "must be a UUID",
        "{err}"
    );

    // Unknown ids.
    for path in [
        format!("/v1/rbac/roles/{}", Uuid::now_v7()),
        format!("/v1/rbac/users/{}", Uuid::now_v7()),
    ] {
        let err = assert_error(get(&server, &path, Some(token)).await, 404, "NOT_FOUND");
        assert!(err["details"]["entity"].is_string(), "{err}");
    }
    assert_error(
        call(
            &server,
            Method::DELETE,
            &format!("/v1/rbac/api-keys/{}", Uuid::now_v7()),
            Some(token),
            None,
        )
        .await,
        404,
        "NOT_FOUND",
    );

    // No credential, a bad one, too little permission.
    assert_error(get(&server, "/v1/rbac/users", None).await, 401, "AUTHN");
    assert_error(
        get(&server, "/v1/rbac/roles", Some("not-a-token")).await,
        401,
        "AUTHN",
    );
    assert_error(get(&server, "/v1/auth/me", None).await, 401, "AUTHN");
    let (_, cashier) = server.staff(&t, "cashier").await;
    let err = assert_error(
        get(&server, "/v1/rbac/users", Some(&cashier)).await,
        403,
        "AUTHZ",
    );
    assert_eq!(err["details"]["permission"], "admin.users.read", "{err}");
    assert_error(
        post(
            &server,
            "/v1/rbac/roles",
            Some(&cashier),
            json!({ "name": "Mine", "permissions": [] }),
        )
        .await,
        403,
        "AUTHZ",
    );

    // The request id of the error is the one the response carries.
    let resp = server
        .http
        .get(server.url("/v1/rbac/users"))
        .header("x-request-id", "rest-req-1")
        .send()
        .await
        .unwrap();
    let (_, body) = parse(resp).await;
    assert_eq!(body["error"]["requestId"], "rest-req-1");

    // Wrong method on a known path.
    assert_error(
        call(&server, Method::PATCH, "/v1/rbac/users", Some(token), None).await,
        405,
        "VALIDATION",
    );
}

// ---------------------------------------------------------------- isolation

#[tokio::test]
async fn rest_tenant_isolation_answers_not_found() {
    let server = TestServer::start().await;
    let a = server.tenant("resta").await;
    let b = server.tenant("restb").await;
    let a_token = Some(a.owner_token.as_str());
    let b_token = Some(b.owner_token.as_str());

    // Tenant B's role, user and key.
    let b_role = ok(
        &server,
        Method::POST,
        "/v1/rbac/roles",
        b_token,
        Some(json!({ "name": "B role", "permissions": ["pos.ticket.read"] })),
        201,
    )
    .await;
    let b_role_id = s(&b_role["id"]).to_owned();
    let b_user = create_user(&server, &b.owner_token, "bea", json!([])).await;
    let b_user_id = s(&b_user["id"]).to_owned();
    let b_key = ok(
        &server,
        Method::POST,
        "/v1/rbac/api-keys",
        b_token,
        Some(json!({ "name": "B key", "permissions": ["admin.users.read"] })),
        201,
    )
    .await;
    let b_key_id = s(&b_key["apiKey"]["id"]).to_owned();
    let b_secret = s(&b_key["secret"]).to_owned();

    // Everything A tries on B's ids is NOT_FOUND: B's rows do not exist for A.
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/v1/rbac/roles/{b_role_id}"), None),
        (
            Method::PATCH,
            format!("/v1/rbac/roles/{b_role_id}"),
            Some(json!({ "name": "Taken over", "permissions": [] })),
        ),
        (Method::DELETE, format!("/v1/rbac/roles/{b_role_id}"), None),
        (Method::GET, format!("/v1/rbac/users/{b_user_id}"), None),
        (
            Method::POST,
            format!("/v1/rbac/users/{b_user_id}/deactivate"),
            None,
        ),
        (
            Method::PUT,
            format!("/v1/rbac/users/{b_user_id}/roles/{b_role_id}"),
            None,
        ),
        (
            Method::PUT,
            format!("/v1/rbac/users/{}/roles/{b_role_id}", a.owner_id),
            None,
        ),
        (
            Method::DELETE,
            format!("/v1/rbac/users/{b_user_id}/roles/{b_role_id}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/v1/rbac/api-keys/{b_key_id}"),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let got = call(&server, method.clone(), &path, a_token, body).await;
        assert_eq!(got.0, 404, "{method} {path} -> {}", got.1);
        assert_error(got, 404, "NOT_FOUND");
    }

    // A's lists never show B's rows.
    let a_users = get(&server, "/v1/rbac/users", a_token).await.1;
    assert!(!a_users.to_string().contains(&b_user_id), "{a_users}");
    let a_roles = get(&server, "/v1/rbac/roles", a_token).await.1;
    assert!(!a_roles.to_string().contains(&b_role_id), "{a_roles}");
    let a_keys = get(&server, "/v1/rbac/api-keys", a_token).await.1;
    assert!(!a_keys.to_string().contains(&b_key_id), "{a_keys}");
    let a_audit = get(
        &server,
        &format!("/v1/rbac/audit-events?entityId={b_role_id}"),
        a_token,
    )
    .await
    .1;
    assert_eq!(a_audit["data"], json!([]));
    // B's cursor means nothing in A's list.
    assert_error(
        get(
            &server,
            &format!("/v1/rbac/roles?after={b_role_id}"),
            a_token,
        )
        .await,
        400,
        "VALIDATION",
    );
    // B's API key reads B, not A.
    let via_key = get(&server, "/v1/rbac/users", Some(&b_secret)).await.1;
    assert!(
        !via_key.to_string().contains(&a.owner_id.to_string()),
        "{via_key}"
    );

    // B's data is unchanged.
    let role = ok(
        &server,
        Method::GET,
        &format!("/v1/rbac/roles/{b_role_id}"),
        b_token,
        None,
        200,
    )
    .await;
    assert_eq!(role["name"], "B role");
    assert_eq!(role["permissions"], json!(["pos.ticket.read"]));
    assert_eq!(role["userCount"], 0);
    let user = ok(
        &server,
        Method::GET,
        &format!("/v1/rbac/users/{b_user_id}"),
        b_token,
        None,
        200,
    )
    .await;
    assert_eq!(user["status"], "active");
    assert_eq!(user["roles"], json!([]));
    let keys = ok(
        &server,
        Method::GET,
        "/v1/rbac/api-keys",
        b_token,
        None,
        200,
    )
    .await;
    assert_eq!(keys[0]["id"], b_key_id.as_str());
    assert!(keys[0]["revokedAt"].is_null(), "{keys}");
    ok(
        &server,
        Method::GET,
        "/v1/rbac/users",
        Some(&b_secret),
        None,
        200,
    )
    .await;
    let audit = ok(
        &server,
        Method::GET,
        &format!("/v1/rbac/audit-events?entityId={b_role_id}"),
        b_token,
        None,
        200,
    )
    .await;
    assert_eq!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .map(|e| s(&e["action"]))
            .collect::<Vec<_>>(),
        vec!["rbac.role.created"],
        "only B's own change: {audit}"
    );
    // A tenant user cannot reach another tenant through the superadmin routes either.
    assert_error(
        get(&server, &format!("/v1/tenants/{}", b.id), a_token).await,
        403,
        "AUTHZ",
    );
}

// ---------------------------------------------------------------- openapi

#[tokio::test]
async fn rest_openapi_documents_the_v1_api() {
    let server = TestServer::start().await;
    let (status, _, doc) = server.get_json("/v1/openapi.json").await;
    assert_eq!(status, 200);
    let paths = &doc["paths"];
    for (path, method) in [
        ("/v1/auth/signup", "post"),
        ("/v1/auth/login", "post"),
        ("/v1/auth/superadmin/login", "post"),
        ("/v1/auth/refresh", "post"),
        ("/v1/auth/logout", "post"),
        ("/v1/auth/password/change", "post"),
        ("/v1/auth/password/reset-request", "post"),
        ("/v1/auth/password/reset", "post"),
        ("/v1/auth/me", "get"),
        ("/v1/auth/mfa/enrol", "post"),
        ("/v1/auth/mfa/confirm", "post"),
        ("/v1/auth/mfa/disable", "post"),
        ("/v1/tenants/current", "get"),
        ("/v1/tenants", "get"),
        ("/v1/tenants/{id}", "get"),
        ("/v1/tenants/{id}/approve", "post"),
        ("/v1/tenants/{id}/reject", "post"),
        ("/v1/tenants/{id}/suspend", "post"),
        ("/v1/tenants/{id}/reactivate", "post"),
        ("/v1/tenants/{id}/modules", "get"),
        ("/v1/tenants/{id}/modules/{key}", "put"),
        ("/v1/rbac/roles", "get"),
        ("/v1/rbac/roles", "post"),
        ("/v1/rbac/roles/{id}", "get"),
        ("/v1/rbac/roles/{id}", "patch"),
        ("/v1/rbac/roles/{id}", "delete"),
        ("/v1/rbac/permissions", "get"),
        ("/v1/rbac/users", "get"),
        ("/v1/rbac/users", "post"),
        ("/v1/rbac/users/{id}", "get"),
        ("/v1/rbac/users/{id}/deactivate", "post"),
        ("/v1/rbac/users/{id}/reactivate", "post"),
        ("/v1/rbac/users/{userId}/roles/{roleId}", "put"),
        ("/v1/rbac/users/{userId}/roles/{roleId}", "delete"),
        ("/v1/rbac/api-keys", "get"),
        ("/v1/rbac/api-keys", "post"),
        ("/v1/rbac/api-keys/{id}", "delete"),
        ("/v1/rbac/audit-events", "get"),
        ("/v1/module-registry", "get"),
        ("/v1/module-registry/{key}", "patch"),
        ("/v1/module-registry/mine", "get"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].is_object(), "{method} {path}");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path}"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let me = &paths["/v1/auth/me"]["get"];
    assert_eq!(me["security"], json!([{ "bearer": [] }]));
    assert!(
        paths["/v1/rbac/roles"]["post"]["requestBody"].is_object(),
        "request bodies are documented"
    );
    assert!(paths["/v1/rbac/roles"]["post"]["responses"]["201"].is_object());
    let audit_params: Vec<&str> = paths["/v1/rbac/audit-events"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| s(&p["name"]))
        .collect();
    for name in [
        "action",
        "entityType",
        "entityId",
        "actorId",
        "from",
        "to",
        "first",
        "after",
    ] {
        assert!(audit_params.contains(&name), "{name} in {audit_params:?}");
    }
    for schema in ["Role", "User", "ApiKey", "Tenant", "AuditEvent", "Error"] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }
}
