//! Users: invitations, duplicates, deactivation and permissions.

use super::*;

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
    let (c, _) = server
        .identity()
        .login_err(creds(&t.slug, &email, PASSWORD))
        .await;
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
    server
        .identity()
        .refresh_refused(s(&sam_auth["refreshToken"]))
        .await;
    let (c, body) = server
        .identity()
        .login_err(creds(&t.slug, &email, PASSWORD))
        .await;
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
