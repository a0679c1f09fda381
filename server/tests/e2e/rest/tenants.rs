//! The superadmin's tenant lifecycle and the module toggle over `/v1`.

use super::*;

#[tokio::test]
async fn rest_superadmin_tenant_lifecycle() {
    let server = TestServer::start().await;
    let admin = rest_superadmin(&server).await;
    let active = server.tenant("restlife").await;
    let (pending, _, _) = server.signup("restpend").await;
    let (other, _, _) = server.signup("restrej").await;

    let page = get(&server, "/v1/tenants?status=pending", Some(&admin)).await;
    assert_eq!(page.0, 200, "{}", page.1);
    let ids: Vec<&str> = page.1["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| s(&t["id"]))
        .collect();
    assert!(ids.contains(&pending.to_string().as_str()), "{}", page.1);
    assert!(!ids.contains(&active.id.to_string().as_str()), "{}", page.1);
    assert_eq!(page.1["pagination"]["hasNextPage"], false);

    // Pagination over every tenant, one at a time.
    let first = get(&server, "/v1/tenants?first=1", Some(&admin)).await.1;
    assert_eq!(first["data"].as_array().unwrap().len(), 1);
    assert_eq!(first["pagination"]["hasNextPage"], true);
    let cursor = s(&first["pagination"]["endCursor"]).to_owned();
    let second = get(
        &server,
        &format!("/v1/tenants?first=1&after={cursor}"),
        Some(&admin),
    )
    .await
    .1;
    assert_ne!(second["data"][0]["id"], first["data"][0]["id"]);

    assert_error(
        get(&server, "/v1/tenants?status=bogus", Some(&admin)).await,
        400,
        "VALIDATION",
    );
    assert_error(
        get(&server, "/v1/tenants", Some(&active.owner_token)).await,
        403,
        "AUTHZ",
    );
    assert_error(get(&server, "/v1/tenants", None).await, 401, "AUTHN");

    let one = get_ok(&server, &format!("/v1/tenants/{}", active.id), Some(&admin)).await;
    assert_eq!(one["slug"], active.slug.as_str());

    // Reject needs a reason; then the state machine refuses a second verdict.
    let no_reason = post(
        &server,
        &format!("/v1/tenants/{other}/reject"),
        Some(&admin),
        json!({}),
    )
    .await;
    let err = assert_error(no_reason, 400, "VALIDATION");
    assert_eq!(err["details"]["fields"]["reason"], "is required", "{err}");
    let rejected = post_ok(
        &server,
        &format!("/v1/tenants/{other}/reject"),
        Some(&admin),
        json!({ "reason": "not a real business" }),
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["statusReason"], "not a real business");
    assert_error(
        post(
            &server,
            &format!("/v1/tenants/{other}/approve"),
            Some(&admin),
            json!({ "reason": "second look" }),
        )
        .await,
        409,
        "CONFLICT",
    );

    // Suspend and reactivate.
    let suspended = post_ok(
        &server,
        &format!("/v1/tenants/{}/suspend", active.id),
        Some(&admin),
        json!({ "reason": "unpaid invoices" }),
    )
    .await;
    assert_eq!(suspended["status"], "suspended");
    let current = get_ok(&server, "/v1/tenants/current", Some(&active.owner_token)).await;
    assert_eq!(current["status"], "suspended");
    // A suspended business reaches no business module.
    assert_error(
        get(&server, "/v1/rbac/users", Some(&active.owner_token)).await,
        403,
        "AUTHZ",
    );
    let back = ok(
        &server,
        Method::POST,
        &format!("/v1/tenants/{}/reactivate", active.id),
        Some(&admin),
        Some(json!({ "reason": "checked" })),
        200,
    )
    .await;
    assert_eq!(back["status"], "active");
    get_ok(&server, "/v1/rbac/users", Some(&active.owner_token)).await;

    assert_error(
        get(
            &server,
            &format!("/v1/tenants/{}", Uuid::now_v7()),
            Some(&admin),
        )
        .await,
        404,
        "NOT_FOUND",
    );
}

/// The modules the holder of `token` has on.
async fn my_modules(server: &TestServer, token: &str) -> Value {
    get_ok(server, "/v1/module-registry/mine", Some(token)).await
}

/// Switches module `key` of `tenant` as the holder of `token`.
async fn put_module(
    server: &TestServer,
    token: &str,
    tenant: Uuid,
    key: &str,
    body: Value,
) -> (u16, Value) {
    let path = format!("/v1/tenants/{tenant}/modules/{key}");
    call(server, Method::PUT, &path, Some(token), Some(body)).await
}

#[tokio::test]
async fn rest_module_toggle_is_reflected_in_mine() {
    let server = TestServer::start().await;
    let admin = rest_superadmin(&server).await;
    let t = server.tenant("restmod").await;

    let mine = my_modules(&server, &t.owner_token).await;
    assert!(
        !module_enabled(&mine, "orders"),
        "orders is off by default: {mine}"
    );
    assert!(module_enabled(&mine, "pos"));

    let on = json!({ "enabled": true, "reason": "operator test" });
    let toggled = assert_data(put_module(&server, &admin, t.id, "orders", on).await, 200);
    assert_eq!(toggled["key"], "orders");
    assert_eq!(toggled["enabled"], true);
    let mine = my_modules(&server, &t.owner_token).await;
    assert!(module_enabled(&mine, "orders"), "{mine}");
    let theirs = get_ok(
        &server,
        &format!("/v1/tenants/{}/modules", t.id),
        Some(&admin),
    )
    .await;
    assert!(module_enabled(&theirs, "orders"));

    let off = || json!({ "enabled": false, "reason": "operator test" });
    assert_data(put_module(&server, &admin, t.id, "pos", off()).await, 200);
    let mine = my_modules(&server, &t.owner_token).await;
    assert!(!module_enabled(&mine, "pos"));
    assert!(
        !module_enabled(&mine, "pos.tips"),
        "a feature follows its module"
    );

    // Core modules stay on; owners cannot toggle; bad bodies are VALIDATION.
    let core = put_module(&server, &admin, t.id, "admin", off()).await;
    assert_error(core, 400, "VALIDATION");
    let by_owner = put_module(&server, &t.owner_token, t.id, "orders", off()).await;
    assert_error(by_owner, 403, "AUTHZ");
    let yes = json!({ "enabled": "yes", "reason": "operator test" });
    let err = assert_error(
        put_module(&server, &admin, t.id, "orders", yes).await,
        400,
        "VALIDATION",
    );
    assert!(err["details"]["fields"]["enabled"].is_string(), "{err}");

    // The registry itself: superadmins read and edit it.
    let registry = get_ok(&server, "/v1/module-registry", Some(&admin)).await;
    assert!(
        registry
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"] == "pos" && e["kind"] == "module"),
        "{registry}"
    );
    let edited = ok(
        &server,
        Method::PATCH,
        "/v1/module-registry/pos.tips",
        Some(&admin),
        Some(json!({ "name": "Gratuities", "reason": "operator test" })),
        200,
    )
    .await;
    assert_eq!(edited["name"], "Gratuities");
    assert!(edited["editedAt"].is_string());
    assert_error(
        call(
            &server,
            Method::PATCH,
            "/v1/module-registry/no-such-module",
            Some(&admin),
            Some(json!({ "name": "X", "reason": "operator test" })),
        )
        .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        get(&server, "/v1/module-registry", Some(&t.owner_token)).await,
        403,
        "AUTHZ",
    );
}
