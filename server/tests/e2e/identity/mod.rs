//! Identity and the tenant registry, end to end: signup and approval, the
//! tenant lifecycle, sign-in and its throttles, refresh-token rotation,
//! passwords and resets, invitations, user management, TOTP MFA and the
//! superadmin's view of pending businesses.

mod login;
mod mfa;
mod passwords;
mod sessions;
mod signup;
mod superadmin;
mod users;

use crate::harness::{AUTH, PASSWORD, SUPERADMIN_EMAIL, ServerBuilder, TenantFixture, TestServer};
use crate::harness::{now_secs, s};
use serde_json::{Value, json};
use uuid::Uuid;

const SIGNUP: &str = "mutation($i: SignupInput!) { signup(input: $i) { tenant { id slug name status statusReason approvedAt } ownerId } }";
const APPROVE: &str = "mutation($i: TenantReasonInput!) { approveTenant(input: $i) { tenant { id status statusReason approvedAt } } }";
const REJECT: &str = "mutation($i: TenantReasonInput!) { rejectTenant(input: $i) { tenant { id status statusReason } } }";
const SUSPEND: &str = "mutation($i: TenantReasonInput!) { suspendTenant(input: $i) { tenant { id status statusReason } } }";
const REACTIVATE: &str = "mutation($i: TenantReasonInput!) { reactivateTenant(input: $i) { tenant { id status statusReason } } }";
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

fn creds(slug: &str, email: &str, password: &str) -> Value {
    json!({ "tenantSlug": slug, "email": email, "password": password })
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
