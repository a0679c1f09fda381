//! Roles, users and API keys over `/v1/rbac`.

use super::*;

#[tokio::test]
async fn rest_role_crud_and_assignment() {
    let server = TestServer::start().await;
    let t = server.tenant("restrole").await;
    let token = Some(t.owner_token.as_str());

    let role = ok(
        &server,
        Method::POST,
        "/v1/rbac/roles",
        token,
        Some(json!({
            "name": "Shift lead",
            "description": "Runs the floor",
            "permissions": ["pos.ticket.read", "pos.ticket.write"],
        })),
        201,
    )
    .await;
    let role_id = s(&role["id"]).to_owned();
    assert_eq!(role["builtIn"], false);
    assert_eq!(role["userCount"], 0);
    assert_eq!(
        role["permissions"],
        json!(["pos.ticket.read", "pos.ticket.write"])
    );

    let dup = post(
        &server,
        "/v1/rbac/roles",
        token,
        json!({ "name": "Shift lead", "permissions": [] }),
    )
    .await;
    assert_error(dup, 409, "CONFLICT");
    let unknown = post(
        &server,
        "/v1/rbac/roles",
        token,
        json!({ "name": "Weird", "permissions": ["pos.nothing"] }),
    )
    .await;
    assert_error(unknown, 400, "VALIDATION");

    let fetched = get_ok(&server, &format!("/v1/rbac/roles/{role_id}"), token).await;
    assert_eq!(fetched["name"], "Shift lead");

    let patched = ok(
        &server,
        Method::PATCH,
        &format!("/v1/rbac/roles/{role_id}"),
        token,
        Some(json!({ "name": "Shift leader", "permissions": ["pos.ticket.read"] })),
        200,
    )
    .await;
    assert_eq!(patched["name"], "Shift leader");
    assert_eq!(
        patched["description"], "Runs the floor",
        "kept when left out"
    );
    assert_eq!(patched["permissions"], json!(["pos.ticket.read"]));

    let list = get(&server, "/v1/rbac/roles", token).await;
    assert_eq!(list.0, 200);
    assert_eq!(list.1["pagination"]["hasNextPage"], false);
    let roles = list.1["data"].as_array().unwrap();
    assert!(roles.iter().any(|r| r["id"] == role_id.as_str()));
    assert!(roles.iter().any(|r| r["key"] == "owner"));
    // Roles page like every list.
    let first = get(&server, "/v1/rbac/roles?first=2", token).await.1;
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    assert_eq!(first["pagination"]["hasNextPage"], true);
    let after = s(&first["pagination"]["endCursor"]).to_owned();
    let rest = get(
        &server,
        &format!("/v1/rbac/roles?first=100&after={after}"),
        token,
    )
    .await
    .1;
    assert_eq!(
        rest["data"].as_array().unwrap().len() + 2,
        roles.len(),
        "{rest}"
    );

    // Assign to a new user, see it on the user, unassign.
    let user = create_user(&server, &t.owner_token, "sam", json!([])).await;
    let user_id = s(&user["id"]).to_owned();
    assert_eq!(user["roles"], json!([]));
    let assigned = ok(
        &server,
        Method::PUT,
        &format!("/v1/rbac/users/{user_id}/roles/{role_id}"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(assigned["userCount"], 1);
    let seen = get_ok(&server, &format!("/v1/rbac/users/{user_id}"), token).await;
    assert_eq!(seen["roles"][0]["id"], role_id.as_str(), "{seen}");
    assert_eq!(seen["roles"][0]["name"], "Shift leader");

    // A role still held cannot be deleted.
    assert_error(
        call(
            &server,
            Method::DELETE,
            &format!("/v1/rbac/roles/{role_id}"),
            token,
            None,
        )
        .await,
        409,
        "CONFLICT",
    );
    let unassigned = ok(
        &server,
        Method::DELETE,
        &format!("/v1/rbac/users/{user_id}/roles/{role_id}"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(unassigned["userCount"], 0);
    assert_error(
        call(
            &server,
            Method::DELETE,
            &format!("/v1/rbac/users/{user_id}/roles/{role_id}"),
            token,
            None,
        )
        .await,
        404,
        "NOT_FOUND",
    );

    let deleted = ok(
        &server,
        Method::DELETE,
        &format!("/v1/rbac/roles/{role_id}"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(deleted["id"], role_id.as_str());
    assert_error(
        get(&server, &format!("/v1/rbac/roles/{role_id}"), token).await,
        404,
        "NOT_FOUND",
    );

    // Built-in roles stay.
    let owner_role = role_id_by_key(&server, &t.owner_token, "owner").await;
    assert_error(
        call(
            &server,
            Method::DELETE,
            &format!("/v1/rbac/roles/{owner_role}"),
            token,
            None,
        )
        .await,
        409,
        "CONFLICT",
    );

    let permissions = get_ok(&server, "/v1/rbac/permissions", None).await;
    assert!(
        permissions
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["key"] == "pos.ticket.write" && p["module"] == "pos"),
        "{permissions}"
    );
}

#[tokio::test]
async fn rest_users_paginate_and_deactivate() {
    let server = TestServer::start().await;
    let t = server.tenant("restusers").await;
    let token = Some(t.owner_token.as_str());
    let cashier = role_id_by_key(&server, &t.owner_token, "cashier").await;
    let a = create_user(&server, &t.owner_token, "ana", json!([cashier])).await;
    let b = create_user(&server, &t.owner_token, "ben", json!([])).await;
    assert_eq!(a["roles"][0]["key"], "cashier", "{a}");
    assert_eq!(a["status"], "active");

    // first=1, then after=endCursor, until the end.
    let mut seen = Vec::new();
    let mut path = "/v1/rbac/users?first=1".to_owned();
    loop {
        let (status, page) = get(&server, &path, token).await;
        assert_eq!(status, 200, "{page}");
        let items = page["data"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{page}");
        seen.push(s(&items[0]["id"]).to_owned());
        assert!(items[0]["roles"].is_array(), "{page}");
        if page["pagination"]["hasNextPage"] == false {
            break;
        }
        let cursor = s(&page["pagination"]["endCursor"]);
        assert_eq!(cursor, s(&items[0]["id"]));
        path = format!("/v1/rbac/users?first=1&after={cursor}");
        assert!(seen.len() < 10, "pagination does not end");
    }
    assert_eq!(
        seen,
        vec![
            t.owner_id.to_string(),
            s(&a["id"]).to_owned(),
            s(&b["id"]).to_owned()
        ]
    );
    let whole = get(&server, "/v1/rbac/users", token).await.1;
    assert_eq!(whole["data"].as_array().unwrap().len(), 3);
    assert_eq!(whole["pagination"]["hasNextPage"], false);

    for bad in [
        "/v1/rbac/users?first=0",
        "/v1/rbac/users?first=101",
        "/v1/rbac/users?first=abc",
        "/v1/rbac/users?after=not-a-cursor",
    ] {
        assert_error(get(&server, bad, token).await, 400, "VALIDATION");
    }

    // Duplicate email: CONFLICT naming the field.
    let dup = post(
        &server,
        "/v1/rbac/users",
        token,
        json!({ "email": a["email"], "displayName": "Again", "password": PASSWORD }),
    )
    .await;
    let err = assert_error(dup, 409, "CONFLICT");
    assert_eq!(err["details"]["fields"]["email"], "is taken");

    // Deactivate: their token stops working; reactivate.
    let a_id = s(&a["id"]).to_owned();
    let a_session = server.login(&t.slug, s(&a["email"]), PASSWORD).await;
    let a_token = s(&a_session["accessToken"]).to_owned();
    get_ok(&server, "/v1/auth/me", Some(&a_token)).await;
    let off = ok(
        &server,
        Method::POST,
        &format!("/v1/rbac/users/{a_id}/deactivate"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(off["status"], "deactivated");
    assert_error(
        get(&server, "/v1/auth/me", Some(&a_token)).await,
        401,
        "AUTHN",
    );
    let on = ok(
        &server,
        Method::POST,
        &format!("/v1/rbac/users/{a_id}/reactivate"),
        token,
        None,
        200,
    )
    .await;
    assert_eq!(on["status"], "active");
    assert_eq!(on["roles"][0]["key"], "cashier");

    // Nobody deactivates themselves.
    assert_error(
        post(
            &server,
            &format!("/v1/rbac/users/{}/deactivate", t.owner_id),
            token,
            json!({}),
        )
        .await,
        400,
        "VALIDATION",
    );
}

#[tokio::test]
async fn rest_api_key_secret_shown_once_and_usable_as_bearer() {
    let server = TestServer::start().await;
    let t = server.tenant("restkey").await;
    let token = Some(t.owner_token.as_str());

    let created = ok(
        &server,
        Method::POST,
        "/v1/rbac/api-keys",
        token,
        Some(json!({ "name": "Accounting sync", "permissions": ["admin.users.read"] })),
        201,
    )
    .await;
    let secret = s(&created["secret"]).to_owned();
    let key_id = s(&created["apiKey"]["id"]).to_owned();
    let prefix = s(&created["apiKey"]["prefix"]).to_owned();
    assert!(secret.starts_with("sk_"), "{created}");
    assert!(secret.starts_with(&prefix) && prefix.len() < secret.len());

    // Listed by prefix only: the secret appears nowhere in the list.
    let (status, list) = get(&server, "/v1/rbac/api-keys", token).await;
    assert_eq!(status, 200);
    assert!(!list.to_string().contains(&secret), "{list}");
    let listed = &list["data"][0];
    assert_eq!(listed["id"], key_id.as_str());
    assert_eq!(listed["prefix"], prefix.as_str());
    assert!(listed.get("secret").is_none(), "{listed}");
    assert_eq!(list["pagination"]["hasNextPage"], false);

    // The key as a bearer credential: what it holds, and no more.
    let (status, users) = get(&server, "/v1/rbac/users", Some(&secret)).await;
    assert_eq!(status, 200, "{users}");
    assert_eq!(users["data"][0]["id"], t.owner_id.to_string().as_str());
    assert_error(
        post(
            &server,
            "/v1/rbac/roles",
            Some(&secret),
            json!({ "name": "Nope", "permissions": [] }),
        )
        .await,
        403,
        "AUTHZ",
    );
    assert_error(
        get(&server, "/v1/auth/me", Some(&secret)).await,
        403,
        "AUTHZ",
    );

    // A permission the caller does not hold cannot go on a key.
    let (_, cashier_token) = server.staff(&t, "cashier").await;
    assert_error(
        post(
            &server,
            "/v1/rbac/api-keys",
            Some(&cashier_token),
            json!({ "name": "Mine", "permissions": ["pos.ticket.read"] }),
        )
        .await,
        403,
        "AUTHZ",
    );

    let revoked = ok(
        &server,
        Method::DELETE,
        &format!("/v1/rbac/api-keys/{key_id}"),
        token,
        None,
        200,
    )
    .await;
    assert!(revoked["revokedAt"].is_string(), "{revoked}");
    assert_error(
        get(&server, "/v1/rbac/users", Some(&secret)).await,
        401,
        "AUTHN",
    );
    assert_error(
        get(
            &server,
            "/v1/rbac/users",
            Some(&format!("{secret}tampered")),
        )
        .await,
        401,
        "AUTHN",
    );
}
