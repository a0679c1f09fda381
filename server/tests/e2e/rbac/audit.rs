//! The audit trail lists, filters and pages.

use super::*;

async fn audit_page(
    server: &TestServer,
    token: &str,
    filter: Value,
    first: i64,
    after: Option<String>,
) -> (Vec<Value>, Value) {
    let query = format!(
        "query($f: AuditFilterInput, $first: Int, $after: String) {{ auditEvents(filter: $f, first: $first, after: $after) {{ {AUDIT_FIELDS} }} }}"
    );
    let data = server
        .gql_ok(
            &query,
            json!({"f": filter, "first": first, "after": after}),
            Some(token),
        )
        .await;
    (
        data["auditEvents"]["nodes"].as_array().unwrap().clone(),
        data["auditEvents"]["pageInfo"].clone(),
    )
}

async fn audit(server: &TestServer, token: &str, filter: Value) -> Vec<Value> {
    let (nodes, page) = audit_page(server, token, filter, 100, None).await;
    assert_eq!(page["hasNextPage"], false, "fits one page");
    nodes
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_audit_trail_lists_filters_and_pages() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-audit").await;
    let other = server.tenant("rbac-audit-other").await;
    let owner = shop.owner_token.as_str();
    let (_, cashier) = server.staff(&shop, "cashier").await;

    // Some changes, oldest first.
    let role = server
        .rbac(owner)
        .create_role("Auditors", &["admin.audit.read"])
        .await;
    server
        .gql_ok(
            UPDATE_ROLE,
            json!({"i": {"roleId": role, "name": "Reviewers"}}),
            Some(owner),
        )
        .await;
    let data = server
        .gql_ok(
            CREATE_USER,
            json!({"i": {"email": "ada@audit.test", "displayName": "Ada", "password": PASSWORD}}),
            Some(owner),
        )
        .await;
    let ada = id(&data["createUser"]["user"]["id"]);
    server.rbac(owner).assign(ada, role).await;
    let temp = server.rbac(owner).create_role("Temp", &[]).await;
    server
        .gql_ok(DELETE_ROLE, json!({"i": {"roleId": temp}}), Some(owner))
        .await;
    let theirs = server
        .rbac(&other.owner_token)
        .create_role("Theirs", &[])
        .await;

    // Newest first, with before and after.
    let all = audit(&server, owner, json!(null)).await;
    assert!(all.len() > 6, "{all:?}");
    assert_eq!(
        actions(&all[..6]),
        vec![
            "rbac.role.deleted",
            "rbac.role.created",
            "rbac.role.assigned",
            "identity.user.created",
            "rbac.role.updated",
            "rbac.role.created",
        ]
    );
    for pair in all.windows(2) {
        assert!(pair[0]["id"].as_str() > pair[1]["id"].as_str(), "{pair:?}");
        let (newer, older) = (
            chrono::DateTime::parse_from_rfc3339(pair[0]["createdAt"].as_str().unwrap()).unwrap(),
            chrono::DateTime::parse_from_rfc3339(pair[1]["createdAt"].as_str().unwrap()).unwrap(),
        );
        assert!(newer >= older, "{pair:?}");
    }
    for event in &all {
        assert_eq!(event["tenantId"], json!(shop.id));
    }
    let updated = &all[4];
    assert_eq!(updated["entityType"], "role");
    assert_eq!(updated["entityId"], json!(role.to_string()));
    assert_eq!(updated["actorType"], "user");
    assert_eq!(updated["actorId"], json!(shop.owner_id));
    assert!(updated["requestId"].is_string());
    assert_eq!(updated["before"]["name"], "Auditors");
    assert_eq!(updated["after"]["name"], "Reviewers");
    assert_eq!(updated["after"]["permissions"], json!(["admin.audit.read"]));
    let created = &all[5];
    assert_eq!(created["before"], Value::Null);
    assert_eq!(created["after"]["name"], "Auditors");
    let deleted = &all[0];
    assert_eq!(deleted["entityId"], json!(temp.to_string()));
    assert_eq!(deleted["before"]["name"], "Temp");
    assert_eq!(deleted["after"], Value::Null);
    let assigned = &all[2];
    assert_eq!(assigned["entityType"], "user");
    assert_eq!(assigned["entityId"], json!(ada.to_string()));
    assert_eq!(assigned["after"]["roleId"], json!(role));

    // Filters: an action prefix, an exact action, an entity type, an entity.
    let rbac = audit(&server, owner, json!({"action": "rbac."})).await;
    assert_eq!(
        actions(&rbac),
        vec![
            "rbac.role.deleted",
            "rbac.role.created",
            "rbac.role.assigned",
            "rbac.role.updated",
            "rbac.role.created",
        ]
    );
    let created = audit(&server, owner, json!({"action": "rbac.role.created"})).await;
    assert_eq!(
        ids_at(&Value::Array(created)),
        vec![id(&all[1]["id"]), id(&all[5]["id"])]
    );
    let roles = audit(&server, owner, json!({"entityType": "role"})).await;
    assert_eq!(
        actions(&roles),
        vec![
            "rbac.role.deleted",
            "rbac.role.created",
            "rbac.role.updated",
            "rbac.role.created",
        ]
    );
    let about_ada = audit(
        &server,
        owner,
        json!({"entityType": "user", "entityId": ada.to_string()}),
    )
    .await;
    assert_eq!(
        actions(&about_ada),
        vec!["rbac.role.assigned", "identity.user.created"]
    );
    let by_owner = audit(&server, owner, json!({"actorId": shop.owner_id})).await;
    assert!(
        by_owner.len() >= 6 && by_owner.len() < all.len(),
        "{by_owner:?}"
    );
    assert!(
        by_owner
            .iter()
            .all(|e| e["actorId"] == json!(shop.owner_id))
    );

    // Pages of two walk the whole trail once, in order.
    let mut walked: Vec<Uuid> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (nodes, page) = audit_page(&server, owner, json!(null), 2, after.clone()).await;
        assert!(nodes.len() <= 2);
        walked.extend(nodes.iter().map(|n| id(&n["id"])));
        if page["hasNextPage"] == false {
            break;
        }
        assert_eq!(nodes.len(), 2);
        after = Some(page["endCursor"].as_str().unwrap().to_owned());
        assert!(walked.len() <= all.len(), "the walk does not end");
    }
    assert_eq!(walked, ids_at(&Value::Array(all.clone())));

    // A cashier may not read it.
    assert_missing(
        &server,
        "{ auditEvents { nodes { id } } }",
        json!({}),
        &cashier,
        "admin.audit.read",
    )
    .await;

    // Superadmins: one tenant's trail, or everyone's.
    let admin = server.superadmin_token().await;
    let query = format!(
        "query($t: UUID, $f: AuditFilterInput) {{ platformAuditEvents(tenantId: $t, filter: $f, first: 100) {{ {AUDIT_FIELDS} }} }}"
    );
    let data = server
        .gql_ok(&query, json!({"t": shop.id}), Some(&admin))
        .await;
    let platform = data["platformAuditEvents"]["nodes"].as_array().unwrap();
    assert!(platform.iter().all(|e| e["tenantId"] == json!(shop.id)));
    let platform_ids = ids_at(&data["platformAuditEvents"]["nodes"]);
    for event in &all {
        assert!(platform_ids.contains(&id(&event["id"])), "{event}");
    }
    let data = server
        .gql_ok(
            &query,
            json!({"f": {"action": "rbac.role.created"}}),
            Some(&admin),
        )
        .await;
    let everyone = data["platformAuditEvents"]["nodes"].as_array().unwrap();
    let tenants: BTreeSet<String> = everyone
        .iter()
        .map(|e| e["tenantId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        tenants,
        BTreeSet::from([shop.id.to_string(), other.id.to_string()])
    );
    assert!(
        everyone
            .iter()
            .any(|e| e["entityId"] == json!(theirs.to_string()))
    );
    assert_eq!(everyone.len(), 3, "{everyone:?}");
    // And the other business sees only its own.
    let theirs_trail = audit(&server, &other.owner_token, json!({"action": "rbac."})).await;
    assert_eq!(actions(&theirs_trail), vec!["rbac.role.created"]);
    assert_eq!(theirs_trail[0]["entityId"], json!(theirs.to_string()));
}
