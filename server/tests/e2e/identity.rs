//! Identity and the tenant registry, end to end: signup and approval, the
//! tenant lifecycle, sign-in and its throttles, refresh-token rotation,
//! passwords and resets, invitations, user management, TOTP MFA and the
//! superadmin's view of pending businesses.

use crate::harness::s;
use crate::harness::{PASSWORD, SUPERADMIN_EMAIL, ServerBuilder, TenantFixture, TestServer};
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};
use uuid::Uuid;

const AUTH: &str = "accessToken refreshToken tokenType tenantId userId";
const SIGNUP: &str = "mutation($i: SignupInput!) { signup(input: $i) { tenant { id slug name status statusReason approvedAt } ownerId } }";
const APPROVE: &str = "mutation($i: TenantIdInput!) { approveTenant(input: $i) { tenant { id status statusReason approvedAt } } }";
const REJECT: &str = "mutation($i: TenantReasonInput!) { rejectTenant(input: $i) { tenant { id status statusReason } } }";
const SUSPEND: &str = "mutation($i: TenantReasonInput!) { suspendTenant(input: $i) { tenant { id status statusReason } } }";
const REACTIVATE: &str = "mutation($i: TenantIdInput!) { reactivateTenant(input: $i) { tenant { id status statusReason } } }";
const TENANT_BY_ID: &str = "query($id: UUID!) { tenantById(id: $id) { id status statusReason } }";
const ME: &str = "{ me { id email status mfaEnabled roles { key } } }";
const USERS: &str = "{ users { nodes { id email status } } }";
const USER: &str = "query($id: UUID!) { user(id: $id) { id email status roles { key } } }";
const CREATE_USER: &str = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id email displayName status } } }";
const DEACTIVATE: &str =
    "mutation($i: UserIdInput!) { deactivateUser(input: $i) { user { id status } } }";
const REACTIVATE_USER: &str =
    "mutation($i: UserIdInput!) { reactivateUser(input: $i) { user { id status } } }";
const LOGOUT: &str = "mutation($i: RefreshTokenInput!) { logout(input: $i) { ok } }";
const CHANGE_PASSWORD: &str =
    "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ok } }";
const REQUEST_RESET: &str =
    "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { ok } }";
const RESET: &str = "mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { ok } }";
const PERMISSION_CHECK: &str = "query($p: [String!]!) { permissionCheck(permissions: $p) { permission allowed code reason module } }";
const ENROL: &str = "mutation { enrolMfa { secret otpauthUrl } }";
const CONFIRM: &str = "mutation($i: MfaCodeInput!) { confirmMfa(input: $i) { recoveryCodes } }";
const DISABLE: &str = "mutation($i: MfaCodeInput!) { disableMfa(input: $i) { ok } }";

// ---------------------------------------------------------------- helpers

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

fn message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or("<none>")
}

fn details(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]["details"]
}

fn fields(body: &Value) -> &Value {
    &details(body)["fields"]
}

fn uuid(v: &Value) -> Uuid {
    Uuid::parse_str(s(v)).unwrap()
}

fn login_mutation() -> String {
    format!("mutation($i: LoginInput!) {{ login(input: $i) {{ {AUTH} }} }}")
}

fn refresh_mutation() -> String {
    format!("mutation($i: RefreshTokenInput!) {{ refreshSession(input: $i) {{ {AUTH} }} }}")
}

/// A login that must fail; returns its code and body.
async fn login_err(server: &TestServer, i: Value) -> (String, Value) {
    server
        .gql_err(&login_mutation(), json!({ "i": i }), None)
        .await
}

/// A login that must succeed; returns the `AuthTokens`.
async fn login_ok(server: &TestServer, i: Value) -> Value {
    server
        .gql_ok(&login_mutation(), json!({ "i": i }), None)
        .await["login"]
        .clone()
}

fn creds(slug: &str, email: &str, password: &str) -> Value {
    json!({ "tenantSlug": slug, "email": email, "password": password })
}

async fn refresh(server: &TestServer, token: &str) -> Result<Value, (String, Value)> {
    let (_, body) = server
        .graphql(
            &refresh_mutation(),
            json!({ "i": { "refreshToken": token } }),
            None,
        )
        .await;
    if body.get("errors").is_some() {
        Err((code(&body).to_owned(), body))
    } else {
        Ok(body["data"]["refreshSession"].clone())
    }
}

/// Payloads of the outbox events of one type for one tenant, oldest first.
async fn events(server: &TestServer, tenant: Uuid, event_type: &str) -> Vec<Value> {
    let mut conn = server.db.owner().await;
    sqlx::query_scalar::<_, Value>(
        "SELECT payload FROM event_outbox WHERE tenant_id = $1 AND event_type = $2 ORDER BY created_at, id",
    )
    .bind(tenant)
    .bind(event_type)
    .fetch_all(&mut conn)
    .await
    .unwrap()
}

/// How many audit rows of `action` a tenant has.
async fn audit_count(server: &TestServer, tenant: Uuid, action: &str) -> i64 {
    let mut conn = server.db.owner().await;
    sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = $2",
    )
    .bind(tenant)
    .bind(action)
    .fetch_one(&mut conn)
    .await
    .unwrap()
}

/// Row counts of the tables a signup writes (events and audit rows of
/// tenants only: platform-level rows are none of signup's business).
async fn signup_footprint(server: &TestServer) -> Vec<i64> {
    let mut conn = server.db.owner().await;
    let mut out = Vec::new();
    for table in [
        "tenants",
        "users",
        "tenant_connection_profiles",
        "event_outbox WHERE tenant_id IS NOT NULL",
        "audit_events WHERE tenant_id IS NOT NULL",
    ] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&mut conn)
                .await
                .unwrap();
        out.push(n);
    }
    out
}

fn signup_input(slug: &str, email: &str, password: &str) -> Value {
    json!({ "businessName": "Corner Cafe", "slug": slug, "ownerName": "Olive Owner", "email": email, "password": password })
}

fn unique_slug(hint: &str) -> String {
    format!("{hint}-{}", &Uuid::new_v4().simple().to_string()[..8])
}

async fn role_id(server: &TestServer, t: &TenantFixture, key: &str) -> Value {
    let roles = server
        .gql_ok("{ roles { id key } }", json!({}), Some(&t.owner_token))
        .await;
    roles["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no role {key}: {roles}"))["id"]
        .clone()
}

fn totp(secret: &str) -> totp_rs::Totp {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

// ---------------------------------------------------------------- signup and the tenant lifecycle

#[tokio::test]
async fn signup_makes_a_pending_tenant_whose_owner_reaches_no_business_module() {
    let server = TestServer::start().await;
    let slug = unique_slug("pending");
    let email = format!("owner@{slug}.test");
    let data = server
        .gql_ok(
            SIGNUP,
            json!({ "i": signup_input(&slug, &email, PASSWORD) }),
            None,
        )
        .await;
    let tenant = &data["signup"]["tenant"];
    assert_eq!(tenant["status"], "PENDING", "{data}");
    assert_eq!(tenant["slug"], slug.as_str());
    assert_eq!(tenant["name"], "Corner Cafe");
    assert!(tenant["statusReason"].is_null() && tenant["approvedAt"].is_null());
    let tenant_id = uuid(&tenant["id"]);
    let owner_id = uuid(&data["signup"]["ownerId"]);

    // The owner can sign in at once...
    let auth = server.login(&slug, &email, PASSWORD).await;
    assert_eq!(uuid(&auth["tenantId"]), tenant_id);
    assert_eq!(uuid(&auth["userId"]), owner_id);
    let token = s(&auth["accessToken"]).to_owned();
    let me = server.gql_ok(ME, json!({}), Some(&token)).await;
    assert_eq!(me["me"]["email"], email.as_str());
    assert_eq!(me["me"]["status"], "active");
    assert_eq!(me["me"]["roles"], json!([]), "no roles before approval");
    let own = server
        .gql_ok("{ tenant { id status } }", json!({}), Some(&token))
        .await;
    assert_eq!(own["tenant"]["status"], "PENDING");

    // ...but reaches no business module.
    let check = server
        .gql_ok(
            PERMISSION_CHECK,
            json!({ "p": ["pos.ticket.write"] }),
            Some(&token),
        )
        .await;
    let verdict = &check["permissionCheck"][0];
    assert_eq!(verdict["permission"], "pos.ticket.write");
    assert_eq!(verdict["allowed"], false, "{check}");
    assert_eq!(verdict["code"], "AUTHZ", "{check}");
    let (c, body) = server.gql_err(USERS, json!({}), Some(&token)).await;
    assert_eq!(c, "AUTHZ", "{body}");
    assert_eq!(details(&body)["tenantStatus"], "pending", "{body}");

    // The registration was recorded once, as an event and in the audit trail.
    let registered = events(&server, tenant_id, "tenant.registered").await;
    assert_eq!(registered.len(), 1, "{registered:?}");
    assert_eq!(registered[0]["slug"], slug.as_str());
    assert_eq!(registered[0]["ownerEmail"], email.as_str());
    assert_eq!(uuid(&registered[0]["ownerId"]), owner_id);
    assert_eq!(
        audit_count(&server, tenant_id, "tenant.registered").await,
        1
    );
    // Nothing is provisioned before approval.
    let mut conn = server.db.owner().await;
    let provisioned: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM roles WHERE tenant_id = $1) + (SELECT count(*) FROM tenant_modules WHERE tenant_id = $1)",
    )
    .bind(tenant_id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(provisioned, 0);
    assert!(
        events(&server, tenant_id, "tenant.approved")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn approval_provisions_roles_and_modules_and_only_superadmins_may_approve() {
    let server = TestServer::start().await;
    let (tenant_id, slug, email) = server.signup("approve").await;
    let owner = server.login(&slug, &email, PASSWORD).await;
    let owner_token = s(&owner["accessToken"]).to_owned();
    let admin = server.superadmin_token().await;
    let vars = json!({ "i": { "tenantId": tenant_id } });

    // Nobody but a superadmin approves.
    let (c, body) = server.gql_err(APPROVE, vars.clone(), None).await;
    assert_eq!(c, "AUTHN", "{body}");
    let (c, body) = server
        .gql_err(APPROVE, vars.clone(), Some(&owner_token))
        .await;
    assert_eq!(c, "AUTHZ", "{body}");
    let still = server
        .gql_ok(TENANT_BY_ID, json!({ "id": tenant_id }), Some(&admin))
        .await;
    assert_eq!(still["tenantById"]["status"], "PENDING");
    assert!(
        events(&server, tenant_id, "tenant.approved")
            .await
            .is_empty()
    );

    let data = server.gql_ok(APPROVE, vars.clone(), Some(&admin)).await;
    let tenant = &data["approveTenant"]["tenant"];
    assert_eq!(tenant["status"], "ACTIVE", "{data}");
    assert!(tenant["approvedAt"].is_string(), "{data}");

    // The built-in roles exist and the owner holds the owner role.
    let roles = server
        .gql_ok("{ roles { key builtIn } }", json!({}), Some(&owner_token))
        .await;
    let mut keys: Vec<&str> = roles["roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["builtIn"] == true)
        .filter_map(|r| r["key"].as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["cashier", "kitchen", "manager", "owner"], "{roles}");
    let me = server.gql_ok(ME, json!({}), Some(&owner_token)).await;
    assert_eq!(me["me"]["roles"], json!([{ "key": "owner" }]), "{me}");

    // The modules follow the registry's defaults.
    let modules = server
        .gql_ok(
            "{ modules { key kind enabled } }",
            json!({}),
            Some(&owner_token),
        )
        .await;
    let enabled = |key: &str| {
        modules["modules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == key)
            .unwrap_or_else(|| panic!("no module {key}: {modules}"))["enabled"]
            .clone()
    };
    assert_eq!(enabled("admin"), true);
    assert_eq!(enabled("pos"), true);
    assert_eq!(enabled("orders"), false);

    // Business modules open for the owner; switched-off ones stay closed.
    let check = server
        .gql_ok(
            PERMISSION_CHECK,
            json!({ "p": ["pos.ticket.write", "orders.kitchen.read"] }),
            Some(&owner_token),
        )
        .await;
    assert_eq!(check["permissionCheck"][0]["allowed"], true, "{check}");
    assert_eq!(check["permissionCheck"][1]["allowed"], false, "{check}");
    assert_eq!(check["permissionCheck"][1]["code"], "AUTHZ");
    assert_eq!(check["permissionCheck"][1]["module"], "orders");
    server.gql_ok(USERS, json!({}), Some(&owner_token)).await;

    let approved = events(&server, tenant_id, "tenant.approved").await;
    assert_eq!(approved.len(), 1, "{approved:?}");
    assert_eq!(approved[0]["status"], "active");
    assert_eq!(approved[0]["slug"], slug.as_str());

    // Approving twice is a conflict and changes nothing.
    let (c, body) = server.gql_err(APPROVE, vars, Some(&admin)).await;
    assert_eq!(c, "CONFLICT", "{body}");
    assert_eq!(events(&server, tenant_id, "tenant.approved").await.len(), 1);
    assert_eq!(audit_count(&server, tenant_id, "tenant.approved").await, 1);
    let roles_after = server
        .gql_ok("{ roles { key } }", json!({}), Some(&owner_token))
        .await;
    assert_eq!(roles_after["roles"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn rejection_needs_a_reason_and_shuts_the_owner_out() {
    let server = TestServer::start().await;
    let (keep_id, _, _) = server.signup("keep").await;
    let (tenant_id, slug, email) = server.signup("reject").await;
    let owner = server.login(&slug, &email, PASSWORD).await;
    let owner_token = s(&owner["accessToken"]).to_owned();
    let owner_refresh = s(&owner["refreshToken"]).to_owned();
    let admin = server.superadmin_token().await;

    for reason in ["", "   "] {
        let (c, body) = server
            .gql_err(
                REJECT,
                json!({ "i": { "tenantId": tenant_id, "reason": reason } }),
                Some(&admin),
            )
            .await;
        assert_eq!(c, "VALIDATION", "{body}");
        assert!(fields(&body)["reason"].is_string(), "{body}");
    }
    let still = server
        .gql_ok(TENANT_BY_ID, json!({ "id": tenant_id }), Some(&admin))
        .await;
    assert_eq!(still["tenantById"]["status"], "PENDING");

    let data = server
        .gql_ok(
            REJECT,
            json!({ "i": { "tenantId": tenant_id, "reason": "  Could not verify the business  " } }),
            Some(&admin),
        )
        .await;
    let tenant = &data["rejectTenant"]["tenant"];
    assert_eq!(tenant["status"], "REJECTED", "{data}");
    assert_eq!(tenant["statusReason"], "Could not verify the business");
    let rejected = events(&server, tenant_id, "tenant.rejected").await;
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["reason"], "Could not verify the business");

    // The owner can no longer sign in, nor use what they held.
    let (c, body) = login_err(&server, creds(&slug, &email, PASSWORD)).await;
    assert_eq!(c, "AUTHN", "{body}");
    assert_eq!(message(&body), "invalid credentials");
    let (c, body) = server.gql_err(ME, json!({}), Some(&owner_token)).await;
    assert_eq!(c, "AUTHN", "{body}");
    let (c, body) = refresh(&server, &owner_refresh).await.unwrap_err();
    assert_eq!(c, "AUTHN", "{body}");

    // A rejection is final, and the other pending tenant is untouched.
    let (c, body) = server
        .gql_err(
            APPROVE,
            json!({ "i": { "tenantId": tenant_id } }),
            Some(&admin),
        )
        .await;
    assert_eq!(c, "CONFLICT", "{body}");
    let other = server
        .gql_ok(TENANT_BY_ID, json!({ "id": keep_id }), Some(&admin))
        .await;
    assert_eq!(other["tenantById"]["status"], "PENDING");
    assert!(other["tenantById"]["statusReason"].is_null());
}

#[tokio::test]
async fn suspension_closes_business_modules_until_reactivated() {
    let server = TestServer::start().await;
    let t = server.tenant("suspend").await;
    let admin = server.superadmin_token().await;
    server.gql_ok(USERS, json!({}), Some(&t.owner_token)).await;

    let data = server
        .gql_ok(
            SUSPEND,
            json!({ "i": { "tenantId": t.id, "reason": "unpaid invoices" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(data["suspendTenant"]["tenant"]["status"], "SUSPENDED");
    assert_eq!(
        data["suspendTenant"]["tenant"]["statusReason"],
        "unpaid invoices"
    );
    let (c, body) = server.gql_err(USERS, json!({}), Some(&t.owner_token)).await;
    assert_eq!(c, "AUTHZ", "{body}");
    assert_eq!(details(&body)["tenantStatus"], "suspended", "{body}");
    // Suspended, not gone: the owner still signs in and sees why.
    let auth = server.login(&t.slug, &t.owner_email, PASSWORD).await;
    let own = server
        .gql_ok(
            "{ tenant { status statusReason } }",
            json!({}),
            Some(s(&auth["accessToken"])),
        )
        .await;
    assert_eq!(own["tenant"]["status"], "SUSPENDED");
    assert_eq!(own["tenant"]["statusReason"], "unpaid invoices");
    let (c, body) = server
        .gql_err(
            SUSPEND,
            json!({ "i": { "tenantId": t.id, "reason": "again" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(c, "CONFLICT", "{body}");

    let data = server
        .gql_ok(
            REACTIVATE,
            json!({ "i": { "tenantId": t.id } }),
            Some(&admin),
        )
        .await;
    assert_eq!(data["reactivateTenant"]["tenant"]["status"], "ACTIVE");
    assert!(data["reactivateTenant"]["tenant"]["statusReason"].is_null());
    let users = server.gql_ok(USERS, json!({}), Some(&t.owner_token)).await;
    assert_eq!(users["users"]["nodes"].as_array().unwrap().len(), 1);
    let (c, body) = server
        .gql_err(
            REACTIVATE,
            json!({ "i": { "tenantId": t.id } }),
            Some(&admin),
        )
        .await;
    assert_eq!(c, "CONFLICT", "{body}");
    assert_eq!(events(&server, t.id, "tenant.suspended").await.len(), 1);
    assert_eq!(events(&server, t.id, "tenant.reactivated").await.len(), 1);
}

#[tokio::test]
async fn signup_refuses_bad_input_and_writes_nothing() {
    let server = TestServer::start().await;
    let before = signup_footprint(&server).await;
    let good_slug = unique_slug("good");
    let cases = [
        (
            signup_input(&good_slug, "owner@good.test", "short"),
            "password",
        ),
        (
            signup_input(&good_slug, "owner@good.test", "aaaaaaaaaaaaaaaa"),
            "password",
        ),
        (signup_input(&good_slug, "not-an-email", PASSWORD), "email"),
        (signup_input(&good_slug, "owner@nodot", PASSWORD), "email"),
        (
            signup_input("Bad Slug!", "owner@good.test", PASSWORD),
            "slug",
        ),
        (signup_input("ab", "owner@good.test", PASSWORD), "slug"),
        (signup_input("admin", "owner@good.test", PASSWORD), "slug"),
        (signup_input("Admin", "owner@good.test", PASSWORD), "slug"),
        (
            json!({ "businessName": "  ", "slug": good_slug, "ownerName": "Olive", "email": "owner@good.test", "password": PASSWORD }),
            "businessName",
        ),
    ];
    for (input, field) in cases {
        let (c, body) = server.gql_err(SIGNUP, json!({ "i": input }), None).await;
        assert_eq!(c, "VALIDATION", "{input} -> {body}");
        assert!(
            fields(&body)[field].is_string(),
            "{input}: expected details.fields.{field}: {body}"
        );
    }
    assert_eq!(signup_footprint(&server).await, before);

    // A taken slug (in any case) is a conflict, and also writes nothing.
    server
        .gql_ok(
            SIGNUP,
            json!({ "i": signup_input(&good_slug, "owner@good.test", PASSWORD) }),
            None,
        )
        .await;
    let after_one = signup_footprint(&server).await;
    let grown: Vec<i64> = after_one.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(grown, [1, 1, 1, 1, 1], "one of each row per signup");
    for slug in [good_slug.clone(), good_slug.to_uppercase()] {
        let (c, body) = server
            .gql_err(
                SIGNUP,
                json!({ "i": signup_input(&slug, "someone@else.test", PASSWORD) }),
                None,
            )
            .await;
        assert_eq!(c, "CONFLICT", "{body}");
        assert!(fields(&body)["slug"].is_string(), "{body}");
    }
    assert_eq!(signup_footprint(&server).await, after_one);
}

// ---------------------------------------------------------------- login and throttling

#[tokio::test]
async fn login_failures_look_alike_and_lock_the_account_after_five() {
    let server = TestServer::start().await;
    let t = server.tenant("login").await;

    let (c, wrong) = login_err(&server, creds(&t.slug, &t.owner_email, "wrong password!!")).await;
    assert_eq!(c, "AUTHN", "{wrong}");
    assert_eq!(message(&wrong), "invalid credentials");
    let (c, unknown_email) = login_err(
        &server,
        creds(&t.slug, "nobody@nowhere.test", "wrong password!!"),
    )
    .await;
    assert_eq!(c, "AUTHN");
    let (c, unknown_slug) =
        login_err(&server, creds("no-such-business", &t.owner_email, PASSWORD)).await;
    assert_eq!(c, "AUTHN");
    assert_eq!(message(&unknown_email), message(&wrong));
    assert_eq!(message(&unknown_slug), message(&wrong));
    assert_eq!(details(&unknown_slug), details(&wrong));

    // Four more failures make five for this account...
    for _ in 0..4 {
        let (c, body) =
            login_err(&server, creds(&t.slug, &t.owner_email, "wrong password!!")).await;
        assert_eq!(c, "AUTHN", "{body}");
    }
    // ...and the sixth attempt is refused even with the right password.
    let (c, body) = login_err(&server, creds(&t.slug, &t.owner_email, PASSWORD)).await;
    assert_eq!(c, "RATE_LIMIT", "{body}");
    let retry = body["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap_or(0);
    assert!(retry > 0, "{body}");
    // The email's case does not get around it.
    let (c, body) = login_err(
        &server,
        creds(&t.slug, &t.owner_email.to_uppercase(), PASSWORD),
    )
    .await;
    assert_eq!(c, "RATE_LIMIT", "{body}");

    // Another account of the same business is not locked, and the owner's
    // existing session keeps working.
    let (_, cashier_token) = server.staff(&t, "cashier").await;
    server.gql_ok(ME, json!({}), Some(&cashier_token)).await;
    server.gql_ok(ME, json!({}), Some(&t.owner_token)).await;
}

#[tokio::test]
async fn login_failures_are_throttled_per_ip_across_accounts() {
    let server = ServerBuilder::new()
        .env("LOGIN_MAX_FAILURES_PER_IP", 3)
        .start()
        .await;
    let t = server.tenant("perip").await;
    let (_, _) = server.staff(&t, "cashier").await;
    let users = server.gql_ok(USERS, json!({}), Some(&t.owner_token)).await;
    let cashier_email = users["users"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| s(&u["email"]).to_owned())
        .find(|e| e != &t.owner_email)
        .unwrap();

    // Three failures, each for a different account.
    for email in [
        t.owner_email.as_str(),
        cashier_email.as_str(),
        "nobody@nowhere.test",
    ] {
        let (c, body) = login_err(&server, creds(&t.slug, email, "wrong password!!")).await;
        assert_eq!(c, "AUTHN", "{body}");
    }
    // Every account is now refused from this address, right password or not.
    for email in [t.owner_email.as_str(), cashier_email.as_str()] {
        let (c, body) = login_err(&server, creds(&t.slug, email, PASSWORD)).await;
        assert_eq!(c, "RATE_LIMIT", "{body}");
        assert!(
            body["errors"][0]["extensions"]["retryAfterSeconds"]
                .as_u64()
                .is_some_and(|s| s > 0),
            "{body}"
        );
    }
}

// ---------------------------------------------------------------- sessions

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let server = TestServer::start().await;
    let t = server.tenant("refresh").await;
    let other = server.login(&t.slug, &t.owner_email, PASSWORD).await;

    let first = refresh(&server, &t.owner_refresh).await.unwrap();
    assert_ne!(s(&first["refreshToken"]), t.owner_refresh);
    assert_eq!(first["tokenType"], "Bearer");
    assert_eq!(uuid(&first["userId"]), t.owner_id);
    assert_eq!(uuid(&first["tenantId"]), t.id);
    let me = server
        .gql_ok(ME, json!({}), Some(s(&first["accessToken"])))
        .await;
    assert_eq!(uuid(&me["me"]["id"]), t.owner_id);
    let second = refresh(&server, s(&first["refreshToken"])).await.unwrap();

    // The first token was spent: presenting it again is a reuse...
    let (c, body) = refresh(&server, &t.owner_refresh).await.unwrap_err();
    assert_eq!(c, "AUTHN", "{body}");
    assert!(message(&body).contains("reuse"), "{body}");
    // ...which ends the whole family, the newest token included.
    let (c, body) = refresh(&server, s(&second["refreshToken"]))
        .await
        .unwrap_err();
    assert_eq!(c, "AUTHN", "{body}");
    let (c, body) = refresh(&server, s(&first["refreshToken"]))
        .await
        .unwrap_err();
    assert_eq!(c, "AUTHN", "{body}");
    assert_eq!(
        audit_count(&server, t.id, "identity.refresh_token.reused").await,
        1
    );

    // A separate sign-in is another family, untouched.
    refresh(&server, s(&other["refreshToken"])).await.unwrap();
    // Garbage is refused too.
    let (c, body) = refresh(&server, "rt_not-a-real-token").await.unwrap_err();
    assert_eq!(c, "AUTHN", "{body}");
}

#[tokio::test]
async fn logout_ends_the_session_of_its_refresh_token() {
    let server = TestServer::start().await;
    let t = server.tenant("logout").await;
    let other = server.login(&t.slug, &t.owner_email, PASSWORD).await;

    let data = server
        .gql_ok(
            LOGOUT,
            json!({ "i": { "refreshToken": t.owner_refresh } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(data["logout"]["ok"], true);
    let (c, body) = refresh(&server, &t.owner_refresh).await.unwrap_err();
    assert_eq!(c, "AUTHN", "{body}");
    // The other session lives on.
    refresh(&server, s(&other["refreshToken"])).await.unwrap();
    let (c, body) = server
        .gql_err(
            LOGOUT,
            json!({ "i": { "refreshToken": "rt_not-a-real-token" } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(c, "AUTHN", "{body}");
}

// ---------------------------------------------------------------- passwords

#[tokio::test]
async fn change_password_needs_the_current_one_and_ends_every_session() {
    let server = TestServer::start().await;
    let t = server.tenant("chpw").await;
    let other = server.login(&t.slug, &t.owner_email, PASSWORD).await;
    let new_password = "a much better passphrase 42";

    let (c, body) = server
        .gql_err(
            CHANGE_PASSWORD,
            json!({ "i": { "currentPassword": "not my password", "newPassword": new_password } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
    assert!(fields(&body)["currentPassword"].is_string(), "{body}");
    let (c, body) = server
        .gql_err(
            CHANGE_PASSWORD,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": "short" } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
    assert!(fields(&body)["newPassword"].is_string(), "{body}");
    // Nothing changed yet: a refresh still works (and spends the token).
    let other = refresh(&server, s(&other["refreshToken"])).await.unwrap();

    let data = server
        .gql_ok(
            CHANGE_PASSWORD,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": new_password } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(data["changePassword"]["ok"], true);
    for token in [t.owner_refresh.as_str(), s(&other["refreshToken"])] {
        let (c, body) = refresh(&server, token).await.unwrap_err();
        assert_eq!(c, "AUTHN", "{body}");
    }
    let (c, body) = login_err(&server, creds(&t.slug, &t.owner_email, PASSWORD)).await;
    assert_eq!(c, "AUTHN", "{body}");
    let auth = server.login(&t.slug, &t.owner_email, new_password).await;
    assert_eq!(uuid(&auth["userId"]), t.owner_id);
    assert_eq!(
        audit_count(&server, t.id, "identity.password.changed").await,
        1
    );
}

#[tokio::test]
async fn password_reset_is_silent_for_unknown_accounts_and_single_use() {
    let server = TestServer::start().await;
    let t = server.tenant("reset").await;
    let kind = "identity.password_reset.requested";

    for (slug, email) in [
        (t.slug.as_str(), "nobody@nowhere.test"),
        ("no-such-business", t.owner_email.as_str()),
    ] {
        let data = server
            .gql_ok(
                REQUEST_RESET,
                json!({ "i": { "tenantSlug": slug, "email": email } }),
                None,
            )
            .await;
        assert_eq!(data["requestPasswordReset"]["ok"], true);
    }
    assert!(events(&server, t.id, kind).await.is_empty());
    let mut conn = server.db.owner().await;
    let any: i64 = sqlx::query_scalar("SELECT count(*) FROM event_outbox WHERE event_type = $1")
        .bind(kind)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(any, 0);

    let data = server
        .gql_ok(
            REQUEST_RESET,
            json!({ "i": { "tenantSlug": t.slug, "email": t.owner_email.to_uppercase() } }),
            None,
        )
        .await;
    assert_eq!(data["requestPasswordReset"]["ok"], true);
    let requested = events(&server, t.id, kind).await;
    assert_eq!(requested.len(), 1, "{requested:?}");
    assert_eq!(requested[0]["email"], t.owner_email.as_str());
    assert_eq!(requested[0]["tenantSlug"], t.slug.as_str());
    let token = s(&requested[0]["token"]).to_owned();
    // Only a digest is stored.
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM password_reset_tokens WHERE user_id = $1 AND token_hash = sha256(convert_to($2, 'UTF8'))",
    )
    .bind(t.owner_id)
    .bind(&token)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(stored, 1);

    // Requesting changed nothing yet.
    server.login(&t.slug, &t.owner_email, PASSWORD).await;

    let (c, body) = server
        .gql_err(
            RESET,
            json!({ "i": { "token": "pr_made-up-token", "newPassword": "brand new passphrase" } }),
            None,
        )
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
    assert!(fields(&body)["token"].is_string(), "{body}");

    let new_password = "brand new passphrase";
    let data = server
        .gql_ok(
            RESET,
            json!({ "i": { "token": token, "newPassword": new_password } }),
            None,
        )
        .await;
    assert_eq!(data["resetPassword"]["ok"], true);
    server.login(&t.slug, &t.owner_email, new_password).await;
    let (c, _) = login_err(&server, creds(&t.slug, &t.owner_email, PASSWORD)).await;
    assert_eq!(c, "AUTHN");
    // Sessions from before the reset are over.
    let (c, body) = refresh(&server, &t.owner_refresh).await.unwrap_err();
    assert_eq!(c, "AUTHN", "{body}");

    // The token works once.
    let (c, body) = server
        .gql_err(
            RESET,
            json!({ "i": { "token": token, "newPassword": "yet another passphrase" } }),
            None,
        )
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
    assert!(fields(&body)["token"].is_string(), "{body}");
    let (c, _) = login_err(
        &server,
        creds(&t.slug, &t.owner_email, "yet another passphrase"),
    )
    .await;
    assert_eq!(c, "AUTHN");
    server.login(&t.slug, &t.owner_email, new_password).await;
}

#[tokio::test]
async fn an_expired_reset_token_is_refused() {
    let server = TestServer::start().await;
    let t = server.tenant("expired").await;
    server
        .gql_ok(
            REQUEST_RESET,
            json!({ "i": { "tenantSlug": t.slug, "email": t.owner_email } }),
            None,
        )
        .await;
    let requested = events(&server, t.id, "identity.password_reset.requested").await;
    let token = s(&requested[0]["token"]).to_owned();
    let mut conn = server.db.owner().await;
    let updated = sqlx::query(
        "UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1",
    )
    .bind(t.owner_id)
    .execute(&mut conn)
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(updated, 1);

    let (c, body) = server
        .gql_err(
            RESET,
            json!({ "i": { "token": token, "newPassword": "brand new passphrase" } }),
            None,
        )
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
    assert!(fields(&body)["token"].is_string(), "{body}");
    server.login(&t.slug, &t.owner_email, PASSWORD).await;
    let (c, _) = login_err(
        &server,
        creds(&t.slug, &t.owner_email, "brand new passphrase"),
    )
    .await;
    assert_eq!(c, "AUTHN");
}

// ---------------------------------------------------------------- users

#[tokio::test]
async fn an_invited_user_becomes_active_by_choosing_a_password() {
    let server = TestServer::start().await;
    let t = server.tenant("invite").await;
    let cashier_role = role_id(&server, &t, "cashier").await;
    let email = format!("invitee@{}.test", t.slug);
    let data = server
        .gql_ok(
            CREATE_USER,
            json!({ "i": { "email": email, "displayName": "Ivy Invitee", "roleIds": [cashier_role] } }),
            Some(&t.owner_token),
        )
        .await;
    let user = &data["createUser"]["user"];
    assert_eq!(user["status"], "invited", "{data}");
    assert_eq!(user["displayName"], "Ivy Invitee");
    let user_id = uuid(&user["id"]);

    let invited = events(&server, t.id, "identity.user.invited").await;
    assert_eq!(invited.len(), 1, "{invited:?}");
    assert_eq!(uuid(&invited[0]["userId"]), user_id);
    assert_eq!(invited[0]["email"], email.as_str());
    let token = s(&invited[0]["token"]).to_owned();
    assert!(token.starts_with("pr_"), "{token}");

    // No password yet, so no way in.
    let (c, _) = login_err(&server, creds(&t.slug, &email, PASSWORD)).await;
    assert_eq!(c, "AUTHN");
    // Only the invitation activates an invited user.
    let (c, body) = server
        .gql_err(
            REACTIVATE_USER,
            json!({ "i": { "userId": user_id } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(c, "CONFLICT", "{body}");

    let password = "my own chosen passphrase";
    server
        .gql_ok(
            RESET,
            json!({ "i": { "token": token, "newPassword": password } }),
            None,
        )
        .await;
    let found = server
        .gql_ok(USER, json!({ "id": user_id }), Some(&t.owner_token))
        .await;
    assert_eq!(found["user"]["status"], "active", "{found}");
    assert_eq!(found["user"]["roles"], json!([{ "key": "cashier" }]));
    let auth = server.login(&t.slug, &email, password).await;
    assert_eq!(uuid(&auth["userId"]), user_id);
    let check = server
        .gql_ok(
            PERMISSION_CHECK,
            json!({ "p": ["pos.ticket.write"] }),
            Some(s(&auth["accessToken"])),
        )
        .await;
    assert_eq!(check["permissionCheck"][0]["allowed"], true, "{check}");
    // The invitation is spent.
    let (c, body) = server
        .gql_err(
            RESET,
            json!({ "i": { "token": token, "newPassword": "someone else's pass" } }),
            None,
        )
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
}

#[tokio::test]
async fn managing_users_duplicates_deactivation_and_permissions() {
    let server = TestServer::start().await;
    let t = server.tenant("users").await;
    let email = format!("sam@{}.test", t.slug);
    let data = server
        .gql_ok(
            CREATE_USER,
            json!({ "i": { "email": email, "displayName": "Sam Server", "password": PASSWORD } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(data["createUser"]["user"]["status"], "active");
    let sam = uuid(&data["createUser"]["user"]["id"]);
    assert_eq!(
        events(&server, t.id, "identity.user.created").await.len(),
        1
    );

    // The same email (in any case) is taken.
    let (c, body) = server
        .gql_err(
            CREATE_USER,
            json!({ "i": { "email": email.to_uppercase(), "displayName": "Sam Again", "password": PASSWORD } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(c, "CONFLICT", "{body}");
    assert!(fields(&body)["email"].is_string(), "{body}");
    let users = server.gql_ok(USERS, json!({}), Some(&t.owner_token)).await;
    assert_eq!(users["users"]["nodes"].as_array().unwrap().len(), 2);

    // Deactivation takes effect on the very next request.
    let sam_auth = server.login(&t.slug, &email, PASSWORD).await;
    let sam_token = s(&sam_auth["accessToken"]).to_owned();
    server.gql_ok(ME, json!({}), Some(&sam_token)).await;
    let data = server
        .gql_ok(
            DEACTIVATE,
            json!({ "i": { "userId": sam } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(data["deactivateUser"]["user"]["status"], "deactivated");
    let (c, body) = server.gql_err(ME, json!({}), Some(&sam_token)).await;
    assert_eq!(c, "AUTHN", "{body}");
    let (c, body) = refresh(&server, s(&sam_auth["refreshToken"]))
        .await
        .unwrap_err();
    assert_eq!(c, "AUTHN", "{body}");
    let (c, body) = login_err(&server, creds(&t.slug, &email, PASSWORD)).await;
    assert_eq!(c, "AUTHN", "{body}");

    // Nobody deactivates themselves.
    let (c, body) = server
        .gql_err(
            DEACTIVATE,
            json!({ "i": { "userId": t.owner_id } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
    server.gql_ok(ME, json!({}), Some(&t.owner_token)).await;

    let data = server
        .gql_ok(
            REACTIVATE_USER,
            json!({ "i": { "userId": sam } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(data["reactivateUser"]["user"]["status"], "active");
    let again = server.login(&t.slug, &email, PASSWORD).await;
    server
        .gql_ok(ME, json!({}), Some(s(&again["accessToken"])))
        .await;
    assert_eq!(
        audit_count(&server, t.id, "identity.user.deactivated").await,
        1
    );
    assert_eq!(
        audit_count(&server, t.id, "identity.user.reactivated").await,
        1
    );

    // A cashier manages nobody.
    let (_, cashier) = server.staff(&t, "cashier").await;
    let before = server.gql_ok(USERS, json!({}), Some(&t.owner_token)).await;
    let (c, body) = server
        .gql_err(
            CREATE_USER,
            json!({ "i": { "email": format!("x@{}.test", t.slug), "displayName": "X", "password": PASSWORD } }),
            Some(&cashier),
        )
        .await;
    assert_eq!(c, "AUTHZ", "{body}");
    assert_eq!(details(&body)["permission"], "admin.users.manage", "{body}");
    let (c, body) = server
        .gql_err(
            DEACTIVATE,
            json!({ "i": { "userId": sam } }),
            Some(&cashier),
        )
        .await;
    assert_eq!(c, "AUTHZ", "{body}");
    let after = server.gql_ok(USERS, json!({}), Some(&t.owner_token)).await;
    assert_eq!(before, after);
}

// ---------------------------------------------------------------- MFA

#[tokio::test]
async fn mfa_enrolment_login_replay_and_recovery_codes() {
    let server = TestServer::start().await;
    let t = server.tenant("mfa").await;
    let owner = Some(t.owner_token.as_str());

    let data = server.gql_ok(ENROL, json!({}), owner).await;
    let secret = s(&data["enrolMfa"]["secret"]).to_owned();
    let url = s(&data["enrolMfa"]["otpauthUrl"]).to_owned();
    let from_url = totp_rs::Totp::from_url(&url).unwrap();
    assert_eq!(from_url.secret().to_base32(), secret);
    assert_eq!(from_url.issuer(), Some("Platform"));
    assert_eq!(from_url.account_name(), t.owner_email);
    let app = totp(&secret);

    // Enrolment alone does not switch MFA on.
    let me = server.gql_ok(ME, json!({}), owner).await;
    assert_eq!(me["me"]["mfaEnabled"], false);
    server.login(&t.slug, &t.owner_email, PASSWORD).await;

    // A code from no nearby time step is wrong.
    let now = now_secs();
    let near: Vec<String> = (0..5)
        .map(|i| app.generate(now + i * 30 - 60).to_string())
        .collect();
    let wrong = (0..1_000_000u32)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .unwrap();
    let (c, body) = server
        .gql_err(CONFIRM, json!({ "i": { "code": wrong } }), owner)
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
    assert_eq!(
        server.gql_ok(ME, json!({}), owner).await["me"]["mfaEnabled"],
        false
    );

    let confirm_code = app.generate_current().to_string();
    let data = server
        .gql_ok(CONFIRM, json!({ "i": { "code": confirm_code } }), owner)
        .await;
    let recovery: Vec<String> = data["confirmMfa"]["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| s(c).to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    let mut distinct = recovery.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10);
    assert_eq!(
        server.gql_ok(ME, json!({}), owner).await["me"]["mfaEnabled"],
        true
    );

    // The password alone is no longer enough.
    let (c, body) = login_err(&server, creds(&t.slug, &t.owner_email, PASSWORD)).await;
    assert_eq!(c, "AUTHN", "{body}");
    assert_eq!(details(&body)["mfaRequired"], true, "{body}");
    let with_code = |code: &str| json!({ "tenantSlug": t.slug, "email": t.owner_email, "password": PASSWORD, "totpCode": code });
    // The code that confirmed enrolment was used: it does not sign in.
    let (c, body) = login_err(&server, with_code(&confirm_code)).await;
    assert_eq!(c, "AUTHN", "{body}");
    assert_eq!(details(&body)["mfaRequired"], true, "{body}");

    // The next time step's code (within the accepted skew) signs in, once.
    let next_code = app.generate(now_secs() + 30).to_string();
    let auth = login_ok(&server, with_code(&next_code)).await;
    assert_eq!(uuid(&auth["userId"]), t.owner_id);
    let (c, body) = login_err(&server, with_code(&next_code)).await;
    assert_eq!(c, "AUTHN", "{body}");

    // A recovery code signs in once.
    let with_recovery = |code: &str| json!({ "tenantSlug": t.slug, "email": t.owner_email, "password": PASSWORD, "recoveryCode": code });
    login_ok(&server, with_recovery(&recovery[0].to_uppercase())).await;
    let (c, body) = login_err(&server, with_recovery(&recovery[0])).await;
    assert_eq!(c, "AUTHN", "{body}");
    // A code with the wrong password is still invalid credentials.
    let (c, body) = login_err(
        &server,
        json!({ "tenantSlug": t.slug, "email": t.owner_email, "password": "wrong password!!", "recoveryCode": recovery[1] }),
    )
    .await;
    assert_eq!(c, "AUTHN", "{body}");
    assert_eq!(message(&body), "invalid credentials");

    // Switching MFA off needs a valid code.
    let (c, body) = server
        .gql_err(DISABLE, json!({ "i": { "code": wrong } }), owner)
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
    assert_eq!(
        server.gql_ok(ME, json!({}), owner).await["me"]["mfaEnabled"],
        true
    );
    let data = server
        .gql_ok(DISABLE, json!({ "i": { "code": recovery[1] } }), owner)
        .await;
    assert_eq!(data["disableMfa"]["ok"], true);
    assert_eq!(
        server.gql_ok(ME, json!({}), owner).await["me"]["mfaEnabled"],
        false
    );
    server.login(&t.slug, &t.owner_email, PASSWORD).await;
    assert_eq!(audit_count(&server, t.id, "identity.mfa.enabled").await, 1);
    assert_eq!(audit_count(&server, t.id, "identity.mfa.disabled").await, 1);
}

// ---------------------------------------------------------------- superadmin

#[tokio::test]
async fn superadmin_login_and_pending_tenants_page_by_page() {
    let server = TestServer::start().await;
    let sa_login = format!(
        "mutation($i: SuperadminLoginInput!) {{ superadminLogin(input: $i) {{ {AUTH} }} }}"
    );
    for (email, password) in [
        (SUPERADMIN_EMAIL, "not the root password"),
        ("nobody@platform.test", "not the root password"),
    ] {
        let (c, body) = server
            .gql_err(
                &sa_login,
                json!({ "i": { "email": email, "password": password } }),
                None,
            )
            .await;
        assert_eq!(c, "AUTHN", "{body}");
        assert_eq!(message(&body), "invalid credentials");
    }
    let admin = server.superadmin_token().await;

    let active = server.tenant("active").await;
    let mut pending = Vec::new();
    for hint in ["first", "second", "third"] {
        pending.push(server.signup(hint).await.0);
    }
    let list = "query($after: String) { tenants(status: PENDING, first: 1, after: $after) { nodes { id status } pageInfo { hasNextPage endCursor } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    for page in 0.. {
        assert!(page < 10, "pagination does not end");
        let data = server
            .gql_ok(list, json!({ "after": after }), Some(&admin))
            .await;
        let nodes = data["tenants"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 1, "{data}");
        assert_eq!(nodes[0]["status"], "PENDING");
        seen.push(uuid(&nodes[0]["id"]));
        let info = &data["tenants"]["pageInfo"];
        if info["hasNextPage"] == false {
            break;
        }
        after = info["endCursor"].clone();
    }
    // Newest first, each once, and no active tenant.
    pending.reverse();
    assert_eq!(seen, pending);
    assert!(!seen.contains(&active.id));

    let (c, body) = server
        .gql_err(
            "{ tenants(status: PENDING) { nodes { id } } }",
            json!({}),
            Some(&active.owner_token),
        )
        .await;
    assert_eq!(c, "AUTHZ", "{body}");
    let (c, body) = server
        .gql_err("{ tenants { nodes { id } } }", json!({}), None)
        .await;
    assert_eq!(c, "AUTHN", "{body}");
}
