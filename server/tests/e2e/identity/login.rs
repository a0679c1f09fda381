//! Signing in: failures look alike, lock the account, and are throttled per IP.

use super::*;

#[tokio::test]
async fn login_failures_look_alike_and_lock_the_account_after_five() {
    let server = TestServer::start().await;
    let t = server.tenant("login").await;

    let (c, wrong) = server
        .identity()
        .login_err(creds(&t.slug, &t.owner_email, "wrong password!!"))
        .await;
    assert_eq!(c, "AUTHN", "{wrong}");
    assert_eq!(message(&wrong), "invalid credentials");
    let (c, unknown_email) = server
        .identity()
        .login_err(creds(&t.slug, "nobody@nowhere.test", "wrong password!!"))
        .await;
    assert_eq!(c, "AUTHN");
    let (c, unknown_slug) = server
        .identity()
        .login_err(creds("no-such-business", &t.owner_email, PASSWORD))
        .await;
    assert_eq!(c, "AUTHN");
    assert_eq!(message(&unknown_email), message(&wrong));
    assert_eq!(message(&unknown_slug), message(&wrong));
    assert_eq!(details(&unknown_slug), details(&wrong));

    // Four more failures make five for this account...
    for _ in 0..4 {
        let (c, body) = server
            .identity()
            .login_err(creds(&t.slug, &t.owner_email, "wrong password!!"))
            .await;
        assert_eq!(c, "AUTHN", "{body}");
    }
    // ...and the sixth attempt is refused even with the right password.
    let (c, body) = server
        .identity()
        .login_err(creds(&t.slug, &t.owner_email, PASSWORD))
        .await;
    assert_eq!(c, "RATE_LIMIT", "{body}");
    let retry = body["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap_or(0);
    assert!(retry > 0, "{body}");
    // The email's case does not get around it.
    let (c, body) = server
        .identity()
        .login_err(creds(&t.slug, &t.owner_email.to_uppercase(), PASSWORD))
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
        let (c, body) = server
            .identity()
            .login_err(creds(&t.slug, email, "wrong password!!"))
            .await;
        assert_eq!(c, "AUTHN", "{body}");
    }
    // Every account is now refused from this address, right password or not.
    for email in [t.owner_email.as_str(), cashier_email.as_str()] {
        let (c, body) = server
            .identity()
            .login_err(creds(&t.slug, email, PASSWORD))
            .await;
        assert_eq!(c, "RATE_LIMIT", "{body}");
        assert!(
            body["errors"][0]["extensions"]["retryAfterSeconds"]
                .as_u64()
                .is_some_and(|s| s > 0),
            "{body}"
        );
    }
}
