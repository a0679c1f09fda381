//! Tenant isolation over REST: another tenant's ids answer `NOT_FOUND`.

use super::*;

#[tokio::test]
async fn rest_tenant_isolation_answers_not_found() {
    let server = TestServer::start().await;
    let a = server.tenant("resta").await;
    let b = server.tenant("restb").await;
    let a_token = Some(a.owner_token.as_str());
    let b_token = Some(b.owner_token.as_str());

    // Tenant B's role, user and key.
    let b_role = ok(
        &server,
        Method::POST,
        "/v1/rbac/roles",
        b_token,
        Some(json!({ "name": "B role", "permissions": ["pos.ticket.read"] })),
        201,
    )
    .await;
    let b_role_id = s(&b_role["id"]).to_owned();
    let b_user = create_user(&server, &b.owner_token, "bea", json!([])).await;
    let b_user_id = s(&b_user["id"]).to_owned();
    let b_key = ok(
        &server,
        Method::POST,
        "/v1/rbac/api-keys",
        b_token,
        Some(json!({ "name": "B key", "permissions": ["admin.users.read"] })),
        201,
    )
    .await;
    let b_key_id = s(&b_key["apiKey"]["id"]).to_owned();
    let b_secret = s(&b_key["secret"]).to_owned();

    // Everything A tries on B's ids is NOT_FOUND: B's rows do not exist for A.
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/v1/rbac/roles/{b_role_id}"), None),
        (
            Method::PATCH,
            format!("/v1/rbac/roles/{b_role_id}"),
            Some(json!({ "name": "Taken over", "permissions": [] })),
        ),
        (Method::DELETE, format!("/v1/rbac/roles/{b_role_id}"), None),
        (Method::GET, format!("/v1/rbac/users/{b_user_id}"), None),
        (
            Method::POST,
            format!("/v1/rbac/users/{b_user_id}/deactivate"),
            None,
        ),
        (
            Method::PUT,
            format!("/v1/rbac/users/{b_user_id}/roles/{b_role_id}"),
            None,
        ),
        (
            Method::PUT,
            format!("/v1/rbac/users/{}/roles/{b_role_id}", a.owner_id),
            None,
        ),
        (
            Method::DELETE,
            format!("/v1/rbac/users/{b_user_id}/roles/{b_role_id}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/v1/rbac/api-keys/{b_key_id}"),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let got = call(&server, method.clone(), &path, a_token, body).await;
        assert_eq!(got.0, 404, "{method} {path} -> {}", got.1);
        assert_error(got, 404, "NOT_FOUND");
    }

    // A's lists never show B's rows.
    let a_users = get(&server, "/v1/rbac/users", a_token).await.1;
    assert!(!a_users.to_string().contains(&b_user_id), "{a_users}");
    let a_roles = get(&server, "/v1/rbac/roles", a_token).await.1;
    assert!(!a_roles.to_string().contains(&b_role_id), "{a_roles}");
    let a_keys = get(&server, "/v1/rbac/api-keys", a_token).await.1;
    assert!(!a_keys.to_string().contains(&b_key_id), "{a_keys}");
    let a_audit = get(
        &server,
        &format!("/v1/rbac/audit-events?entityId={b_role_id}"),
        a_token,
    )
    .await
    .1;
    assert_eq!(a_audit["data"], json!([]));
    // B's cursor means nothing in A's list.
    assert_error(
        get(
            &server,
            &format!("/v1/rbac/roles?after={b_role_id}"),
            a_token,
        )
        .await,
        400,
        "VALIDATION",
    );
    // B's API key reads B, not A.
    let via_key = get(&server, "/v1/rbac/users", Some(&b_secret)).await.1;
    assert!(
        !via_key.to_string().contains(&a.owner_id.to_string()),
        "{via_key}"
    );

    // B's data is unchanged.
    let role = get_ok(&server, &format!("/v1/rbac/roles/{b_role_id}"), b_token).await;
    assert_eq!(role["name"], "B role");
    assert_eq!(role["permissions"], json!(["pos.ticket.read"]));
    assert_eq!(role["userCount"], 0);
    let user = get_ok(&server, &format!("/v1/rbac/users/{b_user_id}"), b_token).await;
    assert_eq!(user["status"], "active");
    assert_eq!(user["roles"], json!([]));
    let keys = get_ok(&server, "/v1/rbac/api-keys", b_token).await;
    assert_eq!(keys[0]["id"], b_key_id.as_str());
    assert!(keys[0]["revokedAt"].is_null(), "{keys}");
    get_ok(&server, "/v1/rbac/users", Some(&b_secret)).await;
    let audit = get_ok(
        &server,
        &format!("/v1/rbac/audit-events?entityId={b_role_id}"),
        b_token,
    )
    .await;
    assert_eq!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .map(|e| s(&e["action"]))
            .collect::<Vec<_>>(),
        vec!["rbac.role.created"],
        "only B's own change: {audit}"
    );
    // A tenant user cannot reach another tenant through the superadmin routes either.
    assert_error(
        get(&server, &format!("/v1/tenants/{}", b.id), a_token).await,
        403,
        "AUTHZ",
    );
}
