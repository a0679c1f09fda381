//! The module toggle applies to the very next request.

use super::*;

async fn check(server: &TestServer, token: &str, permissions: &[&str]) -> Vec<Value> {
    let data = server
        .gql_ok(PERMISSION_CHECK, json!({"p": permissions}), Some(token))
        .await;
    data["permissionCheck"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_module_toggle_applies_to_the_very_next_request() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-toggle").await;
    let other = server.tenant("rbac-untouched").await;
    let owner = shop.owner_token.as_str();
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let admin = server.superadmin_token().await;
    let modules = "{ modules { key enabled core } }";
    let toggle = |key: &str, enabled: bool| json!({"i": {"tenantId": shop.id, "moduleKey": key, "enabled": enabled, "reason": "operator test"}});

    let before = check(&server, owner, &["pos.ticket.write"]).await;
    assert_eq!(before[0]["allowed"], true, "{before:?}");

    // The operator says why, or nothing happens.
    let (code, _) = server
        .gql_err(
            SET_TENANT_MODULE,
            json!({"i": {"tenantId": shop.id, "moduleKey": "pos", "enabled": false, "reason": "  "}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    let data = server.gql_ok(modules, json!({}), Some(owner)).await;
    assert!(module_enabled(&data["modules"], "pos"));

    // Off: the very next request of the owner (who holds every permission) is refused.
    let data = server
        .gql_ok(SET_TENANT_MODULE, toggle("pos", false), Some(&admin))
        .await;
    assert_eq!(
        data["setTenantModule"]["module"],
        json!({"key": "pos", "enabled": false, "core": false})
    );
    let data = server.gql_ok(modules, json!({}), Some(owner)).await;
    assert!(!module_enabled(&data["modules"], "pos"));
    assert!(
        !module_enabled(&data["modules"], "pos.tips"),
        "a feature is off with its module"
    );
    assert!(module_enabled(&data["modules"], "admin"));
    for token in [owner, cashier.as_str()] {
        let checks = check(&server, token, &["pos.ticket.write", "menu.catalog.read"]).await;
        assert_eq!(checks[0]["permission"], "pos.ticket.write");
        assert_eq!(checks[0]["allowed"], false, "{checks:?}");
        assert_eq!(checks[0]["code"], "AUTHZ", "{checks:?}");
        assert_eq!(checks[0]["module"], "pos", "{checks:?}");
        assert_eq!(
            checks[1]["allowed"], true,
            "other modules stay on: {checks:?}"
        );
    }
    let data = server
        .gql_ok(
            "query($t: UUID!) { tenantModules(tenantId: $t) { key enabled } }",
            json!({"t": shop.id}),
            Some(&admin),
        )
        .await;
    assert!(!module_enabled(&data["tenantModules"], "pos"));
    let checks = check(&server, &other.owner_token, &["pos.ticket.write"]).await;
    assert_eq!(checks[0]["allowed"], true, "another tenant keeps its POS");

    // On again: the very next request is allowed.
    server
        .gql_ok(SET_TENANT_MODULE, toggle("pos", true), Some(&admin))
        .await;
    let checks = check(&server, owner, &["pos.ticket.write"]).await;
    assert_eq!(checks[0]["allowed"], true, "{checks:?}");
    assert_eq!(checks[0]["code"], Value::Null);
    let data = server.gql_ok(modules, json!({}), Some(owner)).await;
    assert!(module_enabled(&data["modules"], "pos"));
    assert!(module_enabled(&data["modules"], "pos.tips"));

    // The core module stays on; unknown keys are refused.
    for (key, enabled) in [("admin", false), ("teleport", true), ("teleport", false)] {
        let (code, body) = server
            .gql_err(SET_TENANT_MODULE, toggle(key, enabled), Some(&admin))
            .await;
        assert_eq!(code, "VALIDATION", "{key}: {body}");
        assert!(details(&body)["fields"]["moduleKey"].is_string(), "{body}");
    }
    let data = server.gql_ok(modules, json!({}), Some(owner)).await;
    assert!(module_enabled(&data["modules"], "admin"));
    server.gql_ok(USERS, json!({}), Some(owner)).await;

    // Each toggle left one event and one audit row, in its tenant; the refusals none.
    let mut db = server.db.owner().await;
    let events: Vec<Value> = sqlx::query_scalar(
        "SELECT payload FROM event_outbox WHERE event_type = 'tenant.module.toggled' AND tenant_id = $1 ORDER BY id",
    )
    .bind(shop.id)
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(
        events,
        vec![
            json!({"tenantId": shop.id, "moduleKey": "pos", "enabled": false}),
            json!({"tenantId": shop.id, "moduleKey": "pos", "enabled": true}),
        ]
    );
    let elsewhere: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_outbox WHERE event_type = 'tenant.module.toggled' AND tenant_id IS DISTINCT FROM $1",
    )
    .bind(shop.id)
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(elsewhere, 0);
    let audit: Vec<(String, String, Option<Value>, Option<Value>)> = sqlx::query_as(
        "SELECT actor_type, entity_id, before, after FROM audit_events
         WHERE action = 'tenant.module.toggled' AND tenant_id = $1 ORDER BY id",
    )
    .bind(shop.id)
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(
        audit,
        vec![
            (
                "superadmin".to_owned(),
                "pos".to_owned(),
                Some(json!({"enabled": true, "override": null})),
                Some(json!({"enabled": false, "override": false}))
            ),
            (
                "superadmin".to_owned(),
                "pos".to_owned(),
                Some(json!({"enabled": false, "override": false})),
                Some(json!({"enabled": true, "override": true}))
            ),
        ]
    );
    // The business sees the toggles in its own trail.
    let data = server
        .gql_ok(
            "{ auditEvents(filter: {action: \"tenant.module.toggled\"}) { nodes { action entityId after } } }",
            json!({}),
            Some(owner),
        )
        .await;
    assert_eq!(
        data["auditEvents"]["nodes"],
        json!([
            {"action": "tenant.module.toggled", "entityId": "pos", "after": {"enabled": true, "override": true}},
            {"action": "tenant.module.toggled", "entityId": "pos", "after": {"enabled": false, "override": false}},
        ])
    );
}
