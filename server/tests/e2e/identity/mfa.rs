//! TOTP MFA: enrolment, login, replay and recovery codes.

use super::*;

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
    let (c, body) = server
        .identity()
        .login_err(creds(&t.slug, &t.owner_email, PASSWORD))
        .await;
    assert_eq!(c, "AUTHN", "{body}");
    assert_eq!(details(&body)["mfaRequired"], true, "{body}");
    let with_code = |code: &str| json!({ "tenantSlug": t.slug, "email": t.owner_email, "password": PASSWORD, "totpCode": code });
    // The code that confirmed enrolment was used: it does not sign in.
    let (c, body) = server.identity().login_err(with_code(&confirm_code)).await;
    assert_eq!(c, "AUTHN", "{body}");
    assert_eq!(details(&body)["mfaRequired"], true, "{body}");

    // The next time step's code (within the accepted skew) signs in, once.
    let next_code = app.generate(now_secs() + 30).to_string();
    let auth = server.identity().login_ok(with_code(&next_code)).await;
    assert_eq!(uuid(&auth["userId"]), t.owner_id);
    let (c, body) = server.identity().login_err(with_code(&next_code)).await;
    assert_eq!(c, "AUTHN", "{body}");

    // A recovery code signs in once.
    let with_recovery = |code: &str| json!({ "tenantSlug": t.slug, "email": t.owner_email, "password": PASSWORD, "recoveryCode": code });
    server
        .identity()
        .login_ok(with_recovery(&recovery[0].to_uppercase()))
        .await;
    let (c, body) = server
        .identity()
        .login_err(with_recovery(&recovery[0]))
        .await;
    assert_eq!(c, "AUTHN", "{body}");
    // A code with the wrong password is still invalid credentials.
    let (c, body) = server.identity().login_err(json!({ "tenantSlug": t.slug, "email": t.owner_email, "password": "wrong password!!", "recoveryCode": recovery[1] }),
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
