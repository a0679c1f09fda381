//! GraphQL calls that must succeed or fail, and the accounts every suite starts
//! from: the superadmin, a signed-up and approved business, its staff.

use super::server::TestServer;
use super::{JWT_SECRET, PASSWORD, SUPERADMIN_EMAIL, SUPERADMIN_PASSWORD};
use serde_json::{Value, json};

/// A tenant made through the real API: signed up, approved, owner signed in.
#[derive(Debug, Clone)]
pub struct TenantFixture {
    pub id: uuid::Uuid,
    pub slug: String,
    pub owner_id: uuid::Uuid,
    pub owner_email: String,
    pub owner_token: String,
    pub owner_refresh: String,
}

const AUTH_FIELDS: &str =
    "accessToken refreshToken accessExpiresAt refreshExpiresAt tokenType tenantId userId";

impl TestServer {
    /// Runs an operation that must succeed; returns `data`.
    pub async fn gql_ok(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let (status, body) = self.graphql(query, variables, token).await;
        assert!(
            status == 200 && body.get("errors").is_none(),
            "{query}\n-> {status} {body}"
        );
        body["data"].clone()
    }

    /// Runs an operation that must fail; returns the first error's code and the whole body.
    pub async fn gql_err(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> (String, Value) {
        let (_, body) = self.graphql(query, variables, token).await;
        let code = body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error from {query}: {body}"))
            .to_owned();
        (code, body)
    }

    pub async fn superadmin_token(&self) -> String {
        let data = self
            .gql_ok(
                &format!("mutation($i: SuperadminLoginInput!) {{ superadminLogin(input: $i) {{ {AUTH_FIELDS} }} }}"),
                json!({"i": {"email": SUPERADMIN_EMAIL, "password": SUPERADMIN_PASSWORD}}),
                None,
            )
            .await;
        data["superadminLogin"]["accessToken"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Signs a tenant user in; returns the whole `AuthTokens` object.
    pub async fn login(&self, slug: &str, email: &str, password: &str) -> Value {
        let data = self
            .gql_ok(
                &format!("mutation($i: LoginInput!) {{ login(input: $i) {{ {AUTH_FIELDS} }} }}"),
                json!({"i": {"tenantSlug": slug, "email": email, "password": password}}),
                None,
            )
            .await;
        data["login"].clone()
    }

    /// Signs up a business without approving it; returns (tenant id, slug, owner email).
    pub async fn signup(&self, hint: &str) -> (uuid::Uuid, String, String) {
        let slug = format!("{hint}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let email = format!("owner@{slug}.test");
        let data = self
            .gql_ok(
                "mutation($i: SignupInput!) { signup(input: $i) { tenant { id slug status } ownerId } }",
                json!({"i": {"businessName": format!("{hint} Ltd"), "slug": slug, "ownerName": "Olive Owner", "email": email, "password": PASSWORD}}),
                None,
            )
            .await;
        let id = uuid::Uuid::parse_str(data["signup"]["tenant"]["id"].as_str().unwrap()).unwrap();
        (id, slug, email)
    }

    /// A business that is signed up, approved, and whose owner is signed in.
    pub async fn tenant(&self, hint: &str) -> TenantFixture {
        let (id, slug, email) = self.signup(hint).await;
        let admin = self.superadmin_token().await;
        self.gql_ok(
            "mutation($i: TenantReasonInput!) { approveTenant(input: $i) { tenant { status } } }",
            json!({"i": {"tenantId": id, "reason": "verified the business"}}),
            Some(&admin),
        )
        .await;
        let auth = self.login(&slug, &email, PASSWORD).await;
        TenantFixture {
            id,
            slug,
            owner_id: uuid::Uuid::parse_str(auth["userId"].as_str().unwrap()).unwrap(),
            owner_email: email,
            owner_token: auth["accessToken"].as_str().unwrap().to_owned(),
            owner_refresh: auth["refreshToken"].as_str().unwrap().to_owned(),
        }
    }

    /// The demo café (`server seed-demo`, its people's password
    /// [`PASSWORD`]): its id and its owner's access token.
    pub async fn demo_cafe(&self) -> (uuid::Uuid, String) {
        let out = std::process::Command::new(super::BIN)
            .env_clear()
            .env("DATABASE_URL", &self.db.url)
            .env("LOG_LEVEL", "warn")
            .args(["seed-demo", "--password", PASSWORD])
            .output()
            .expect("run seed-demo");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let auth = self
            .login("demo-cafe", "owner@demo-cafe.test", PASSWORD)
            .await;
        let id = uuid::Uuid::parse_str(auth["tenantId"].as_str().unwrap()).unwrap();
        (id, auth["accessToken"].as_str().unwrap().to_owned())
    }

    /// A user of `tenant` holding the built-in role `role_key`, signed in; returns (user id, access token).
    pub async fn staff(&self, tenant: &TenantFixture, role_key: &str) -> (uuid::Uuid, String) {
        let roles = self
            .gql_ok("{ roles { id key } }", json!({}), Some(&tenant.owner_token))
            .await;
        let role_id = roles["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == role_key)
            .unwrap_or_else(|| panic!("no role {role_key}: {roles}"))["id"]
            .clone();
        let email = format!(
            "{role_key}-{}@{}.test",
            &uuid::Uuid::new_v4().simple().to_string()[..6],
            tenant.slug
        );
        let data = self
            .gql_ok(
                "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
                json!({"i": {"email": email, "displayName": role_key, "password": PASSWORD, "roleIds": [role_id]}}),
                Some(&tenant.owner_token),
            )
            .await;
        let id = uuid::Uuid::parse_str(data["createUser"]["user"]["id"].as_str().unwrap()).unwrap();
        let auth = self.login(&tenant.slug, &email, PASSWORD).await;
        (id, auth["accessToken"].as_str().unwrap().to_owned())
    }
}

/// Signs an access token the server accepts (the server's JWT_SECRET is shared).
pub fn user_token(tenant: uuid::Uuid, user: uuid::Uuid) -> String {
    let keys = schema::identity::tokens::TokenKeys::new(JWT_SECRET.as_bytes(), "platform", 900);
    keys.issue(
        schema::identity::tokens::SubjectKind::User,
        user,
        Some(tenant),
    )
    .expect("sign")
    .0
}
