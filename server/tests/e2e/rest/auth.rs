//! Signing up, in and out over `/v1/auth`: tokens, refresh, passwords and MFA.

use super::*;

#[tokio::test]
async fn rest_signup_approve_login_me_refresh_and_logout() {
    let server = TestServer::start().await;
    let slug = format!("rest-{}", &Uuid::new_v4().simple().to_string()[..8]);
    let email = format!("owner@{slug}.test");
    let login =
        |password: &str| json!({ "tenantSlug": slug, "email": email, "password": password });
    let refresh = |token: &str| json!({ "refreshToken": token });

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
        Some(json!({ "reason": "checked" })),
        200,
    )
    .await;
    assert_eq!(approved["status"], "active");
    assert!(approved["approvedAt"].is_string(), "{approved}");

    // Wrong password: AUTHN, and nothing about which part was wrong.
    let bad = post(&server, "/v1/auth/login", None, login("not the password")).await;
    assert_error(bad, 401, "AUTHN");

    let session = post_ok(&server, "/v1/auth/login", None, login(PASSWORD)).await;
    assert_eq!(session["tokenType"], "Bearer");
    assert_eq!(session["tenantId"], tenant_id.as_str());
    assert_eq!(session["userId"], owner_id.as_str());
    let access = s(&session["accessToken"]).to_owned();
    let refresh1 = s(&session["refreshToken"]).to_owned();

    let me = get_ok(&server, "/v1/auth/me", Some(&access)).await;
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

    let current = get_ok(&server, "/v1/tenants/current", Some(&access)).await;
    assert_eq!(current["id"], tenant_id.as_str());
    assert_eq!(current["status"], "active");

    // Refresh rotates: a new pair, the old refresh token spent.
    let rotated = post_ok(&server, "/v1/auth/refresh", None, refresh(&refresh1)).await;
    let refresh2 = s(&rotated["refreshToken"]).to_owned();
    assert_ne!(refresh2, refresh1);
    let access2 = s(&rotated["accessToken"]).to_owned();
    get_ok(&server, "/v1/auth/me", Some(&access2)).await;

    // Reuse of the spent token: refused, and the whole family ends with it.
    let reuse = post(&server, "/v1/auth/refresh", None, refresh(&refresh1)).await;
    let err = assert_error(reuse, 401, "AUTHN");
    assert!(s(&err["message"]).contains("reuse"), "{err}");
    let after_reuse = post(&server, "/v1/auth/refresh", None, refresh(&refresh2)).await;
    assert_error(after_reuse, 401, "AUTHN");

    // Logout ends a fresh session.
    let session = post_ok(&server, "/v1/auth/login", None, login(PASSWORD)).await;
    let refresh3 = s(&session["refreshToken"]).to_owned();
    let done = post_ok(
        &server,
        "/v1/auth/logout",
        Some(s(&session["accessToken"])),
        refresh(&refresh3),
    )
    .await;
    assert_eq!(done, json!({ "ok": true }));
    let ended = post(&server, "/v1/auth/refresh", None, refresh(&refresh3)).await;
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
    post_ok(
        &server,
        "/v1/auth/password/change",
        token,
        json!({ "currentPassword": PASSWORD, "newPassword": "another long passphrase" }),
    )
    .await;
    assert_error(
        post(&server, "/v1/auth/login", None, login(PASSWORD)).await,
        401,
        "AUTHN",
    );
    post_ok(
        &server,
        "/v1/auth/login",
        None,
        login("another long passphrase"),
    )
    .await;

    // Reset: always ok; the token travels in the outbox event to the email job.
    for email in [t.owner_email.as_str(), "nobody@nowhere.test"] {
        let done = post_ok(
            &server,
            "/v1/auth/password/reset-request",
            None,
            json!({ "tenantSlug": t.slug, "email": email }),
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
    post_ok(
        &server,
        "/v1/auth/password/reset",
        None,
        json!({ "token": reset_token, "newPassword": "a third long passphrase" }),
    )
    .await;
    let session = post_ok(
        &server,
        "/v1/auth/login",
        None,
        login("a third long passphrase"),
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
    let confirmed = post_ok(
        &server,
        "/v1/auth/mfa/confirm",
        token,
        json!({ "code": app.generate(now_secs()).to_string() }),
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
    let session = post_ok(&server, "/v1/auth/login", None, with_recovery).await;
    let token = s(&session["accessToken"]).to_owned();
    let me = get_ok(&server, "/v1/auth/me", Some(&token)).await;
    assert_eq!(me["mfaEnabled"], true);

    // Disable with another recovery code.
    post_ok(
        &server,
        "/v1/auth/mfa/disable",
        Some(&token),
        json!({ "code": codes[1] }),
    )
    .await;
    let me = get_ok(&server, "/v1/auth/me", Some(&token)).await;
    assert_eq!(me["mfaEnabled"], false);
    post_ok(&server, "/v1/auth/login", None, login(password)).await;
}
