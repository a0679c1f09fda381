//! `/v1/openapi.json` documents the v1 API.

use super::*;

#[tokio::test]
async fn rest_openapi_documents_the_v1_api() {
    let server = TestServer::start().await;
    let (status, _, doc) = server.get_json("/v1/openapi.json").await;
    assert_eq!(status, 200);
    let paths = &doc["paths"];
    for (path, method) in [
        ("/v1/auth/signup", "post"),
        ("/v1/auth/login", "post"),
        ("/v1/auth/superadmin/login", "post"),
        ("/v1/auth/refresh", "post"),
        ("/v1/auth/logout", "post"),
        ("/v1/auth/password/change", "post"),
        ("/v1/auth/password/reset-request", "post"),
        ("/v1/auth/password/reset", "post"),
        ("/v1/auth/me", "get"),
        ("/v1/auth/mfa/enrol", "post"),
        ("/v1/auth/mfa/confirm", "post"),
        ("/v1/auth/mfa/disable", "post"),
        ("/v1/tenants/current", "get"),
        ("/v1/tenants", "get"),
        ("/v1/tenants/{id}", "get"),
        ("/v1/tenants/{id}/approve", "post"),
        ("/v1/tenants/{id}/reject", "post"),
        ("/v1/tenants/{id}/suspend", "post"),
        ("/v1/tenants/{id}/reactivate", "post"),
        ("/v1/tenants/{id}/modules", "get"),
        ("/v1/tenants/{id}/modules/{key}", "put"),
        ("/v1/rbac/roles", "get"),
        ("/v1/rbac/roles", "post"),
        ("/v1/rbac/roles/{id}", "get"),
        ("/v1/rbac/roles/{id}", "patch"),
        ("/v1/rbac/roles/{id}", "delete"),
        ("/v1/rbac/permissions", "get"),
        ("/v1/rbac/users", "get"),
        ("/v1/rbac/users", "post"),
        ("/v1/rbac/users/{id}", "get"),
        ("/v1/rbac/users/{id}/deactivate", "post"),
        ("/v1/rbac/users/{id}/reactivate", "post"),
        ("/v1/rbac/users/{userId}/roles/{roleId}", "put"),
        ("/v1/rbac/users/{userId}/roles/{roleId}", "delete"),
        ("/v1/rbac/api-keys", "get"),
        ("/v1/rbac/api-keys", "post"),
        ("/v1/rbac/api-keys/{id}", "delete"),
        ("/v1/rbac/audit-events", "get"),
        ("/v1/module-registry", "get"),
        ("/v1/module-registry/{key}", "patch"),
        ("/v1/module-registry/mine", "get"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].is_object(), "{method} {path}");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path}"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let me = &paths["/v1/auth/me"]["get"];
    assert_eq!(me["security"], json!([{ "bearer": [] }]));
    assert!(
        paths["/v1/rbac/roles"]["post"]["requestBody"].is_object(),
        "request bodies are documented"
    );
    assert!(paths["/v1/rbac/roles"]["post"]["responses"]["201"].is_object());
    let audit_params: Vec<&str> = paths["/v1/rbac/audit-events"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| s(&p["name"]))
        .collect();
    for name in [
        "action",
        "entityType",
        "entityId",
        "actorId",
        "from",
        "to",
        "first",
        "after",
    ] {
        assert!(audit_params.contains(&name), "{name} in {audit_params:?}");
    }
    for schema in ["Role", "User", "ApiKey", "Tenant", "AuditEvent", "Error"] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }
}
