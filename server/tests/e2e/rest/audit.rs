//! The audit trail over `/v1/audit`: filters and pages.

use super::*;

#[tokio::test]
async fn rest_audit_events_filter_and_page() {
    let server = TestServer::start().await;
    let t = server.tenant("restaudit").await;
    let token = Some(t.owner_token.as_str());
    let mut role_ids = Vec::new();
    for name in ["Audit one", "Audit two"] {
        let role = ok(
            &server,
            Method::POST,
            "/v1/rbac/roles",
            token,
            Some(json!({ "name": name, "permissions": ["menu.catalog.read"] })),
            201,
        )
        .await;
        role_ids.push(s(&role["id"]).to_owned());
    }

    let (status, page) = get(
        &server,
        "/v1/rbac/audit-events?action=rbac.role.created",
        token,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let events = page["data"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{page}");
    assert!(events.iter().all(|e| e["action"] == "rbac.role.created"));
    // Newest first.
    assert_eq!(events[0]["entityId"], role_ids[1].as_str());
    assert_eq!(events[0]["actorId"], t.owner_id.to_string().as_str());
    assert_eq!(events[0]["actorType"], "user");
    assert_eq!(events[0]["after"]["name"], "Audit two");

    let one = get(
        &server,
        &format!(
            "/v1/rbac/audit-events?entityType=role&entityId={}",
            role_ids[0]
        ),
        token,
    )
    .await
    .1;
    assert_eq!(one["data"].as_array().unwrap().len(), 1, "{one}");
    assert_eq!(one["data"][0]["entityId"], role_ids[0].as_str());

    // A prefix, paged one at a time.
    let first = get(&server, "/v1/rbac/audit-events?action=rbac.&first=1", token)
        .await
        .1;
    assert_eq!(first["data"].as_array().unwrap().len(), 1);
    assert_eq!(first["pagination"]["hasNextPage"], true);
    let cursor = s(&first["pagination"]["endCursor"]);
    let second = get(
        &server,
        &format!("/v1/rbac/audit-events?action=rbac.&first=1&after={cursor}"),
        token,
    )
    .await
    .1;
    assert_eq!(second["data"][0]["entityId"], role_ids[0].as_str());

    // Actor and time filters.
    let by_owner = get(
        &server,
        &format!("/v1/rbac/audit-events?actorId={}", t.owner_id),
        token,
    )
    .await
    .1;
    assert!(by_owner["data"].as_array().unwrap().len() >= 2);
    let by_stranger = get(
        &server,
        &format!("/v1/rbac/audit-events?actorId={}", Uuid::now_v7()),
        token,
    )
    .await
    .1;
    assert_eq!(by_stranger["data"], json!([]));
    let future = get(
        &server,
        "/v1/rbac/audit-events?from=2999-01-01T00:00:00Z",
        token,
    )
    .await
    .1;
    assert_eq!(future["data"], json!([]));
    assert_eq!(
        future["pagination"],
        json!({ "hasNextPage": false, "endCursor": null })
    );
    let past = get(
        &server,
        "/v1/rbac/audit-events?to=2000-01-01T00:00:00Z",
        token,
    )
    .await
    .1;
    assert_eq!(past["data"], json!([]));

    for bad in [
        "/v1/rbac/audit-events?from=yesterday",
        "/v1/rbac/audit-events?actorId=nobody",
    ] {
        assert_error(get(&server, bad, token).await, 400, "VALIDATION");
    }
    let (_, cashier) = server.staff(&t, "cashier").await;
    assert_error(
        get(&server, "/v1/rbac/audit-events", Some(&cashier)).await,
        403,
        "AUTHZ",
    );
}
