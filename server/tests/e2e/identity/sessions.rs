//! Sessions: refresh-token rotation, reuse detection and logout.

use super::*;

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let server = TestServer::start().await;
    let t = server.tenant("refresh").await;
    let other = server.login(&t.slug, &t.owner_email, PASSWORD).await;

    let first = server.identity().refreshed(&t.owner_refresh).await;
    assert_ne!(s(&first["refreshToken"]), t.owner_refresh);
    assert_eq!(first["tokenType"], "Bearer");
    assert_eq!(uuid(&first["userId"]), t.owner_id);
    assert_eq!(uuid(&first["tenantId"]), t.id);
    let me = server
        .gql_ok(ME, json!({}), Some(s(&first["accessToken"])))
        .await;
    assert_eq!(uuid(&me["me"]["id"]), t.owner_id);
    let second = server.identity().refreshed(s(&first["refreshToken"])).await;

    // The first token was spent: presenting it again is a reuse...
    let body = server.identity().refresh_refused(&t.owner_refresh).await;
    assert!(message(&body).contains("reuse"), "{body}");
    // ...which ends the whole family, the newest token included.
    server
        .identity()
        .refresh_refused(s(&second["refreshToken"]))
        .await;
    server
        .identity()
        .refresh_refused(s(&first["refreshToken"]))
        .await;
    assert_eq!(
        audit_count(&server, t.id, "identity.refresh_token.reused").await,
        1
    );

    // A separate sign-in is another family, untouched.
    server.identity().refreshed(s(&other["refreshToken"])).await;
    // Garbage is refused too.
    server
        .identity()
        .refresh_refused("rt_not-a-real-token")
        .await;
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
    server.identity().refresh_refused(&t.owner_refresh).await;
    // The other session lives on.
    server.identity().refreshed(s(&other["refreshToken"])).await;
    let (c, body) = server
        .gql_err(
            LOGOUT,
            json!({ "i": { "refreshToken": "rt_not-a-real-token" } }),
            Some(&t.owner_token),
        )
        .await;
    assert_eq!(c, "AUTHN", "{body}");
}
