//! Accountable superadmins sign in with a second factor: the same TOTP MFA
//! as tenant users, self-service, and required of every superadmin when
//! `SUPERADMIN_MFA_REQUIRED` says so (enrolled at their next sign-in).

use crate::harness::{SUPERADMIN_EMAIL, SUPERADMIN_PASSWORD, ServerBuilder, TestServer};
use serde_json::{Value, json};

const LOGIN: &str = "mutation($i: SuperadminLoginInput!) { superadminLogin(input: $i) { accessToken recoveryCodes } }";

fn app(secret: &str) -> totp_rs::Totp {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
}

async fn login(server: &TestServer, extra: Value) -> Result<Value, (String, Value)> {
    let mut input = json!({"email": SUPERADMIN_EMAIL, "password": SUPERADMIN_PASSWORD});
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    let (_, body) = server.graphql(LOGIN, json!({"i": input}), None).await;
    match body["errors"][0]["extensions"]["code"].as_str() {
        None => Ok(body["data"]["superadminLogin"].clone()),
        Some(code) => Err((code.to_owned(), body)),
    }
}

#[tokio::test]
async fn a_required_second_factor_is_enrolled_at_sign_in_and_then_asked_for() {
    let server = ServerBuilder::new()
        .env("SUPERADMIN_MFA_REQUIRED", "true")
        .start()
        .await;
    // The password alone hands out a secret, not a session.
    let (code, body) = login(&server, json!({})).await.unwrap_err();
    assert_eq!(code, "AUTHN", "{body}");
    let details = &body["errors"][0]["extensions"]["details"];
    assert_eq!(details["mfaEnrolmentRequired"], true, "{body}");
    let secret = details["secret"].as_str().unwrap().to_owned();
    assert!(
        details["otpauthUrl"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    // A wrong password never sees one.
    let (_, wrong) = server
        .graphql(
            LOGIN,
            json!({"i": {"email": SUPERADMIN_EMAIL, "password": "not it"}}),
            None,
        )
        .await;
    assert!(
        wrong["errors"][0]["extensions"]["details"]["secret"].is_null(),
        "{wrong}"
    );

    // A code from it finishes the enrolment: a session and the recovery codes, once.
    let code = app(&secret).generate_current().to_string();
    let tokens = login(&server, json!({"totpCode": code})).await.unwrap();
    let recovery: Vec<String> = tokens["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    let admin = tokens["accessToken"].as_str().unwrap().to_owned();
    server
        .gql_ok("{ supportQueue { totalCount } }", json!({}), Some(&admin))
        .await;

    // From now on the code is asked for; the same code is not taken twice.
    let (code_err, body) = login(&server, json!({})).await.unwrap_err();
    assert_eq!(code_err, "AUTHN");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["mfaRequired"], true,
        "{body}"
    );
    let (code_err, _) = login(&server, json!({"totpCode": code})).await.unwrap_err();
    assert_eq!(code_err, "AUTHN", "a replayed code");
    let again = login(&server, json!({"recoveryCode": recovery[0]}))
        .await
        .unwrap();
    assert!(again["recoveryCodes"].is_null());
    let (code_err, _) = login(&server, json!({"recoveryCode": recovery[0]}))
        .await
        .unwrap_err();
    assert_eq!(code_err, "AUTHN", "a recovery code works once");

    // Required means it cannot be switched off.
    let (code_err, _) = server
        .gql_err(
            "mutation($i: MfaCodeInput!) { disableMfa(input: $i) { ok } }",
            json!({"i": {"code": "000000"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code_err, "CONFLICT");
}

#[tokio::test]
async fn a_superadmin_may_turn_mfa_on_themselves() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let enrolled = server
        .gql_ok(
            "mutation { enrolMfa { secret otpauthUrl } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let secret = enrolled["enrolMfa"]["secret"].as_str().unwrap().to_owned();
    assert!(
        enrolled["enrolMfa"]["otpauthUrl"]
            .as_str()
            .unwrap()
            .contains("root%40platform.test")
    );
    let confirmed = server
        .gql_ok(
            "mutation($i: MfaCodeInput!) { confirmMfa(input: $i) { recoveryCodes } }",
            json!({"i": {"code": app(&secret).generate_current().to_string()}}),
            Some(&admin),
        )
        .await;
    let recovery = confirmed["confirmMfa"]["recoveryCodes"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let (code, _) = login(&server, json!({})).await.unwrap_err();
    assert_eq!(code, "AUTHN");
    login(&server, json!({"recoveryCode": recovery}))
        .await
        .unwrap();
    // Audited on the platform's trail.
    let trail = server
        .gql_ok(
            "{ platformAuditEvents(first: 50) { edges { node { action entityType } } } }",
            json!({}),
            Some(&admin),
        )
        .await
        .to_string();
    assert!(trail.contains("identity.mfa.enabled"), "{trail}");
}
