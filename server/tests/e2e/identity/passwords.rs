//! Passwords: changing one, resets and their expiry.

use super::*;

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
    let other = server.identity().refreshed(s(&other["refreshToken"])).await;

    let data = server
        .gql_ok(
            CHANGE_PASSWORD,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": new_password } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(data["changePassword"]["ok"], true);
    for token in [t.owner_refresh.as_str(), s(&other["refreshToken"])] {
        server.identity().refresh_refused(token).await;
    }
    let (c, body) = server
        .identity()
        .login_err(creds(&t.slug, &t.owner_email, PASSWORD))
        .await;
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
    let (c, _) = server
        .identity()
        .login_err(creds(&t.slug, &t.owner_email, PASSWORD))
        .await;
    assert_eq!(c, "AUTHN");
    // Sessions from before the reset are over.
    server.identity().refresh_refused(&t.owner_refresh).await;

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
    let (c, _) = server
        .identity()
        .login_err(creds(&t.slug, &t.owner_email, "yet another passphrase"))
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
    let (c, _) = server
        .identity()
        .login_err(creds(&t.slug, &t.owner_email, "brand new passphrase"))
        .await;
    assert_eq!(c, "AUTHN");
}
