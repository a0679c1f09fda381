//! Signing in and sessions over GraphQL ([`IdentityClient`]); signing up a
//! business and its staff are the harness's own (`TestServer::tenant`).

use crate::harness::TestServer;
use serde_json::{Value, json};

/// What the identity suites read of `AuthTokens`.
pub const AUTH: &str = "accessToken refreshToken tokenType tenantId userId";

fn login_mutation() -> String {
    format!("mutation($i: LoginInput!) {{ login(input: $i) {{ {AUTH} }} }}")
}

fn refresh_mutation() -> String {
    format!("mutation($i: RefreshTokenInput!) {{ refreshSession(input: $i) {{ {AUTH} }} }}")
}

/// Signing in and sessions over GraphQL, before any token.
pub struct IdentityClient<'a> {
    pub server: &'a TestServer,
}

impl IdentityClient<'_> {
    /// A login that must fail; returns its code and body.
    pub async fn login_err(&self, i: Value) -> (String, Value) {
        self.server
            .gql_err(&login_mutation(), json!({ "i": i }), None)
            .await
    }

    /// A login that must succeed; returns the `AuthTokens`.
    pub async fn login_ok(&self, i: Value) -> Value {
        self.server
            .gql_ok(&login_mutation(), json!({ "i": i }), None)
            .await["login"]
            .clone()
    }

    /// Rotates a refresh token: the new `AuthTokens`, or the error's code and body.
    pub async fn refresh(&self, token: &str) -> Result<Value, (String, Value)> {
        let (_, body) = self
            .server
            .graphql(
                &refresh_mutation(),
                json!({ "i": { "refreshToken": token } }),
                None,
            )
            .await;
        if body.get("errors").is_some() {
            let code = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("<none>")
                .to_owned();
            Err((code, body))
        } else {
            Ok(body["data"]["refreshSession"].clone())
        }
    }

    /// A refresh that must succeed; returns the new `AuthTokens`.
    pub async fn refreshed(&self, token: &str) -> Value {
        self.refresh(token)
            .await
            .unwrap_or_else(|(code, body)| panic!("refresh refused, {code}: {body}"))
    }

    /// A refresh that must be refused as `AUTHN`; returns the error's body.
    pub async fn refresh_refused(&self, token: &str) -> Value {
        let (code, body) = self.refresh(token).await.unwrap_err();
        assert_eq!(code, "AUTHN", "{body}");
        body
    }
}
