//! The platform's own operations stay with superadmins.

use super::*;

/// One superadmin operation, and its variables.
struct PlatformOp {
    name: &'static str,
    document: &'static str,
    variables: fn(&World) -> Value,
}

fn platform_only() -> Vec<PlatformOp> {
    vec![
        PlatformOp {
            name: "tenants",
            document: "{ tenants { nodes { id slug } } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "tenantById of another tenant",
            document: "query($id: UUID!) { tenantById(id: $id) { id slug name } }",
            variables: |w| json!({"id": w.b.t.id}),
        },
        PlatformOp {
            name: "tenantById of a pending tenant",
            document: "query($id: UUID!) { tenantById(id: $id) { id slug name } }",
            variables: |w| json!({"id": w.pending}),
        },
        PlatformOp {
            name: "tenantById of the caller's own tenant",
            document: "query($id: UUID!) { tenantById(id: $id) { id slug name } }",
            variables: |w| json!({"id": w.a.t.id}),
        },
        PlatformOp {
            name: "tenantModules of another tenant",
            document: "query($id: UUID!) { tenantModules(tenantId: $id) { key enabled } }",
            variables: |w| json!({"id": w.b.t.id}),
        },
        PlatformOp {
            name: "moduleRegistry",
            document: "{ moduleRegistry { key name } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "platformAuditEvents",
            document: "{ platformAuditEvents { nodes { id tenantId } } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "platformAuditEvents of another tenant",
            document: "query($id: UUID!) { platformAuditEvents(tenantId: $id) { nodes { id } } }",
            variables: |w| json!({"id": w.b.t.id}),
        },
        PlatformOp {
            name: "approveTenant",
            document: "mutation($i: TenantIdInput!) { approveTenant(input: $i) { tenant { id status } } }",
            variables: |w| json!({"i": {"tenantId": w.pending}}),
        },
        PlatformOp {
            name: "rejectTenant",
            document: "mutation($i: TenantReasonInput!) { rejectTenant(input: $i) { tenant { id status } } }",
            variables: |w| json!({"i": {"tenantId": w.pending, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "suspendTenant of another tenant",
            document: "mutation($i: TenantReasonInput!) { suspendTenant(input: $i) { tenant { id status } } }",
            variables: |w| json!({"i": {"tenantId": w.b.t.id, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "setTenantModule of another tenant",
            document: SET_TENANT_MODULE,
            variables: |w| json!({"i": {"tenantId": w.b.t.id, "moduleKey": "pos", "enabled": false}}),
        },
        PlatformOp {
            name: "setTenantModule of the caller's own tenant",
            document: SET_TENANT_MODULE,
            variables: |w| json!({"i": {"tenantId": w.a.t.id, "moduleKey": "orders", "enabled": true}}),
        },
        PlatformOp {
            name: "deadJobs",
            document: "{ deadJobs { id tenantId } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "jobQueues",
            document: "{ jobQueues { category waiting } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "retryDeadJob",
            document: "mutation($i: JobIdInput!) { retryDeadJob(input: $i) { id } }",
            variables: |_| json!({"i": {"jobId": Uuid::now_v7()}}),
        },
        PlatformOp {
            name: "discardDeadJob",
            document: "mutation($i: JobIdInput!) { discardDeadJob(input: $i) { id } }",
            variables: |_| json!({"i": {"jobId": Uuid::now_v7()}}),
        },
        PlatformOp {
            name: "updateModuleRegistryEntry",
            document: "mutation($i: UpdateModuleRegistryEntryInput!) { updateModuleRegistryEntry(input: $i) { entry { key name } } }",
            variables: |_| json!({"i": {"key": "pos", "name": "Hijacked", "defaultEnabled": false}}),
        },
    ]
}

#[tokio::test]
async fn platform_operations_are_refused_to_tenants() {
    let w = world().await;
    let s = &w.server;
    let credentials = [
        ("A's owner", w.a.t.owner_token.clone()),
        ("A's cashier", w.a.cashier_token.clone()),
        ("A's API key", w.a.key_secret.clone()),
    ];
    for (who, token) in &credentials {
        for op in platform_only() {
            let what = format!("{who}: {}", op.name);
            let before = snapshot(&s.db).await;
            let (code, body) = s
                .gql_err(op.document, (op.variables)(&w), Some(token))
                .await;
            assert_eq!(code, "AUTHZ", "{what}: {body}");
            assert_eq!(body["data"], Value::Null, "{what}: {body}");
            let text = body.to_string();
            assert!(
                !text.contains(&w.b.t.slug) && !text.contains("Hijacked"),
                "{what}: {body}"
            );
            assert_unchanged(&before, &snapshot(&s.db).await, &what);
        }
    }

    // The documents are sound: a superadmin's reads answer, and nothing moved.
    let admin = s.superadmin_token().await;
    for op in platform_only()
        .into_iter()
        .filter(|op| !op.document.starts_with("mutation"))
    {
        s.gql_ok(op.document, (op.variables)(&w), Some(&admin))
            .await;
    }
    let data = s
        .gql_ok(
            "query($p: UUID!, $b: UUID!) { p: tenantById(id: $p) { status } b: tenantById(id: $b) { status } }",
            json!({"p": w.pending, "b": w.b.t.id}),
            Some(&admin),
        )
        .await;
    assert_eq!(data["p"]["status"], "PENDING");
    assert_eq!(data["b"]["status"], "ACTIVE");
    let data = s
        .gql_ok("{ moduleRegistry { key name } }", json!({}), Some(&admin))
        .await;
    let pos = data["moduleRegistry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "pos")
        .unwrap()
        .clone();
    assert_eq!(pos["name"], "Point of sale");
    // B's point of sale is still on, as B sees it.
    let data = s
        .gql_ok(
            "{ permissionCheck(permissions: [\"pos.ticket.write\"]) { allowed } }",
            json!({}),
            Some(&w.b.t.owner_token),
        )
        .await;
    assert_eq!(data["permissionCheck"][0]["allowed"], true);
}
