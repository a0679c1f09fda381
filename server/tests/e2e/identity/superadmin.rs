//! The superadmin's login and the pending businesses page by page.

use super::*;

#[tokio::test]
async fn superadmin_login_and_pending_tenants_page_by_page() {
    let server = TestServer::start().await;
    let sa_login = format!(
        "mutation($i: SuperadminLoginInput!) {{ superadminLogin(input: $i) {{ {AUTH} }} }}"
    );
    for (email, password) in [
        (SUPERADMIN_EMAIL, "not the root password"),
        ("nobody@platform.test", "not the root password"),
    ] {
        let (c, body) = server
            .gql_err(
                &sa_login,
                json!({ "i": { "email": email, "password": password } }),
                None,
            )
            .await;
        assert_eq!(c, "AUTHN", "{body}");
        assert_eq!(message(&body), "invalid credentials");
    }
    let admin = server.superadmin_token().await;

    let active = server.tenant("active").await;
    let mut pending = Vec::new();
    for hint in ["first", "second", "third"] {
        pending.push(server.signup(hint).await.0);
    }
    let list = "query($after: String) { tenants(status: PENDING, first: 1, after: $after) { nodes { id status } pageInfo { hasNextPage endCursor } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    for page in 0.. {
        assert!(page < 10, "pagination does not end");
        let data = server
            .gql_ok(list, json!({ "after": after }), Some(&admin))
            .await;
        let nodes = data["tenants"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 1, "{data}");
        assert_eq!(nodes[0]["status"], "PENDING");
        seen.push(uuid(&nodes[0]["id"]));
        let info = &data["tenants"]["pageInfo"];
        if info["hasNextPage"] == false {
            break;
        }
        after = info["endCursor"].clone();
    }
    // Newest first, each once, and no active tenant.
    pending.reverse();
    assert_eq!(seen, pending);
    assert!(!seen.contains(&active.id));

    let (c, body) = server
        .gql_err(
            "{ tenants(status: PENDING) { nodes { id } } }",
            json!({}),
            Some(&active.owner_token),
        )
        .await;
    assert_eq!(c, "AUTHZ", "{body}");
    let (c, body) = server
        .gql_err("{ tenants { nodes { id } } }", json!({}), None)
        .await;
    assert_eq!(c, "AUTHN", "{body}");
}
