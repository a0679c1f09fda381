//! Impersonation end to end: a superadmin acts as a tenant user with a
//! reason, every audited action names both, the business sees it in its
//! trail, it never nests, and it stops at its end or expiry.

use crate::harness::{Rest, TestServer};
use serde_json::{Value, json};

const START: &str = "mutation($i: StartImpersonationInput!) { startImpersonation(input: $i) {
  accessToken impersonation { id tenantId userId operatorId reason startedAt expiresAt } } }";

/// The bootstrap superadmin's id, as the database has it.
async fn operator_id(server: &TestServer) -> Value {
    let mut conn = server.db.owner().await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM superadmins LIMIT 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    json!(id)
}

#[tokio::test]
async fn a_superadmin_acts_as_a_user_accountably_for_a_limited_time() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let cafe = server.tenant("imp").await;
    let (cashier, _) = server.staff(&cafe, "cashier").await;

    // Without a reason, or for too long, nothing starts.
    for (input, field) in [
        (
            json!({"tenantId": cafe.id, "userId": cafe.owner_id, "reason": " "}),
            "reason",
        ),
        (
            json!({"tenantId": cafe.id, "userId": cafe.owner_id, "reason": "x", "minutes": 31}),
            "minutes",
        ),
        (
            json!({"tenantId": cafe.id, "userId": cafe.owner_id, "reason": "x", "minutes": 0}),
            "minutes",
        ),
    ] {
        let (code, body) = server
            .gql_err(START, json!({"i": input}), Some(&admin))
            .await;
        assert_eq!(code, "VALIDATION", "{body}");
        assert!(body.to_string().contains(field), "{field}: {body}");
    }
    let (code, _) = server
        .gql_err(
            START,
            json!({"i": {"tenantId": cafe.id, "userId": uuid::Uuid::now_v7(), "reason": "x"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");

    let started = server
        .gql_ok(
            START,
            json!({"i": {"tenantId": cafe.id, "userId": cafe.owner_id, "minutes": 20,
                         "reason": "ticket 4411: owner cannot see the new menu"}}),
            Some(&admin),
        )
        .await["startImpersonation"]
        .clone();
    let token = started["accessToken"].as_str().unwrap().to_owned();
    let imp = &started["impersonation"];
    let operator = operator_id(&server).await;
    assert_eq!(imp["operatorId"], operator);
    assert_eq!(imp["userId"], json!(cafe.owner_id));

    // The token is the owner's; what it does is audited as the owner and the operator.
    let me = server
        .gql_ok("{ me { id } }", json!({}), Some(&token))
        .await;
    assert_eq!(me["me"]["id"], json!(cafe.owner_id));
    server
        .gql_ok(
            "mutation($i: CreateMenuCategoryInput!) { createMenuCategory(input: $i) { id } }",
            json!({"i": {"name": "Fixed by support"}}),
            Some(&token),
        )
        .await;
    let trail = server
        .gql_ok(
            "{ auditEvents(first: 50) { nodes { action actorType actorId impersonatorId reason after } } }",
            json!({}),
            Some(&cafe.owner_token),
        )
        .await;
    let nodes = trail["auditEvents"]["nodes"].as_array().unwrap();
    let made = nodes
        .iter()
        .find(|e| e["action"] == "menu.category.created")
        .unwrap_or_else(|| panic!("{trail}"));
    assert_eq!(made["actorType"], "user");
    assert_eq!(made["actorId"], json!(cafe.owner_id));
    assert_eq!(made["impersonatorId"], operator, "both identities: {made}");
    let opened = nodes
        .iter()
        .find(|e| e["action"] == "impersonation.started")
        .unwrap_or_else(|| panic!("{trail}"));
    assert_eq!(opened["actorType"], "superadmin");
    assert_eq!(
        opened["reason"],
        "ticket 4411: owner cannot see the new menu"
    );
    assert_eq!(opened["after"]["userId"], json!(cafe.owner_id));
    // The business's own list says who acted as whom and why.
    let listed = Rest::new(&server, &cafe.owner_token)
        .get("/v1/rbac/impersonations")
        .await;
    assert_eq!(listed.0, 200);
    assert_eq!(listed.1["data"][0]["operatorId"], operator);
    assert_eq!(
        listed.1["data"][0]["reason"],
        "ticket 4411: owner cannot see the new menu"
    );

    // Never nested: the token cannot start another, nor can the operator
    // while this one runs.
    let (code, _) = server
        .gql_err(
            START,
            json!({"i": {"tenantId": cafe.id, "userId": cashier, "reason": "x"}}),
            Some(&token),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    let (code, _) = server
        .gql_err(
            START,
            json!({"i": {"tenantId": cafe.id, "userId": cashier, "reason": "x"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "CONFLICT");

    // It cannot mint or change the user's credentials, which would outlast it.
    let (code, _) = server
        .gql_err(
            "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }",
            json!({"i": {"name": "backdoor", "permissions": ["menu.catalog.read"]}}),
            Some(&token),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    let (code, _) = server
        .gql_err("mutation { enrolMfa { secret } }", json!({}), Some(&token))
        .await;
    assert_eq!(code, "AUTHZ");

    // A socket opened with it closes when it ends.
    let mut ws = server.ws_as(&token).await;

    // Ended with its own token, it stops working at once.
    let ended = server
        .gql_ok(
            "mutation { endImpersonation { id endedAt } }",
            json!({}),
            Some(&token),
        )
        .await;
    assert!(ended["endImpersonation"]["endedAt"].is_string());
    let (code, _) = server
        .gql_err("{ me { id } }", json!({}), Some(&token))
        .await;
    assert_eq!(code, "AUTHN");
    let (status, _) = Rest::new(&server, &token).get("/v1/auth/me").await;
    assert_eq!(status, 401);
    match crate::harness::ws_next(&mut ws).await {
        Err(Some((code, reason))) => {
            assert_eq!(
                (code, reason.as_str()),
                (4401, "the impersonation has ended")
            )
        }
        other => panic!("the socket stayed open: {other:?}"),
    }

    // Past its expiry (moved in the database; its token's own lasts
    // longer), a new one stops too.
    let second = server
        .gql_ok(
            START,
            json!({"i": {"tenantId": cafe.id, "userId": cashier, "reason": "checking the till"}}),
            Some(&admin),
        )
        .await["startImpersonation"]
        .clone();
    let token = second["accessToken"].as_str().unwrap().to_owned();
    server
        .gql_ok("{ me { id } }", json!({}), Some(&token))
        .await;
    let mut conn = server.db.owner().await;
    sqlx::query(
        "UPDATE impersonations SET started_at = now() - interval '10 minutes', expires_at = now() - interval '1 minute' WHERE id = $1",
    )
    .bind(uuid::Uuid::parse_str(second["impersonation"]["id"].as_str().unwrap()).unwrap())
    .execute(&mut conn)
    .await
    .unwrap();
    let (code, _) = server
        .gql_err("{ me { id } }", json!({}), Some(&token))
        .await;
    assert_eq!(code, "AUTHN");
    // An expired one does not block the next.
    server
        .gql_ok(
            START,
            json!({"i": {"tenantId": cafe.id, "userId": cashier, "reason": "again"}}),
            Some(&admin),
        )
        .await;
}
