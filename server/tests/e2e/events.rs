//! The event stream: committed changes reach subscribers on any replica, in
//! order, once, filtered by tenant and permission, and a client that was away
//! resumes from its last position without a gap.

use crate::harness::{ServerBuilder, TenantFixture, TestServer, Ws, ws_next, ws_subscribe};
use serde_json::{Value, json};
use std::time::Duration;

/// Opens an `events` subscription with `token`; returns the socket once acknowledged.
pub(crate) async fn subscribe(server: &TestServer, token: &str, after: Option<i64>) -> Ws {
    ws_subscribe(
        server,
        token,
        "subscription($after: Int) { events(after: $after) { eventId sequence type entityId data } }",
        json!({"after": after}),
    )
    .await
}

/// The next event on the socket.
pub(crate) async fn next_event(ws: &mut Ws) -> Value {
    let msg = ws_next(ws).await.unwrap();
    assert_eq!(msg["type"], "next", "{msg}");
    assert!(msg["payload"].get("errors").is_none(), "{msg}");
    msg["payload"]["data"]["events"].clone()
}

/// Asserts nothing arrives within `wait`.
async fn quiet(ws: &mut Ws, wait: Duration) {
    use futures_util::StreamExt;
    loop {
        match tokio::time::timeout(wait, ws.next()).await {
            Err(_) => return,
            Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Text(t)))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if matches!(v["type"].as_str(), Some("ping" | "pong" | "ka")) {
                    continue;
                }
                panic!("expected silence, got {v}");
            }
            Ok(other) => panic!("expected silence, got {other:?}"),
        }
    }
}

/// Asks for a password reset of `tenant`'s owner, as anyone may: an event
/// that carries a secret, and an email.
pub(crate) async fn request_password_reset(server: &TestServer, tenant: &TenantFixture) {
    server
        .gql_ok(
            "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { ok } }",
            json!({"i": {"tenantSlug": tenant.slug, "email": tenant.owner_email}}),
            None,
        )
        .await;
}

pub(crate) async fn create_role(server: &TestServer, tenant: &TenantFixture, name: &str) -> String {
    let data = server
        .gql_ok(
            "mutation($i: CreateRoleInput!) { createRole(input: $i) { role { id } } }",
            json!({"i": {"name": name, "permissions": ["pos.ticket.read"]}}),
            Some(&tenant.owner_token),
        )
        .await;
    data["createRole"]["role"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn committed_changes_reach_their_tenant_only_in_order() {
    let server = TestServer::start().await;
    let shop = server.tenant("events").await;
    let other = server.tenant("events-other").await;
    let mut mine = subscribe(&server, &shop.owner_token, None).await;
    let mut theirs = subscribe(&server, &other.owner_token, None).await;

    let first = create_role(&server, &shop, "Runner").await;
    let second = create_role(&server, &shop, "Host").await;
    let a = next_event(&mut mine).await;
    let b = next_event(&mut mine).await;
    assert_eq!(
        (a["type"].as_str(), a["entityId"].as_str()),
        (Some("rbac.role.created"), Some(first.as_str()))
    );
    assert_eq!(
        (b["type"].as_str(), b["entityId"].as_str()),
        (Some("rbac.role.created"), Some(second.as_str()))
    );
    assert_eq!(
        b["sequence"].as_i64().unwrap(),
        a["sequence"].as_i64().unwrap() + 1
    );
    quiet(&mut theirs, Duration::from_millis(700)).await;
}

#[tokio::test]
async fn a_client_resumes_after_its_last_position_without_gap_or_duplicate() {
    let server = TestServer::start().await;
    let shop = server.tenant("resume").await;
    let mut ws = subscribe(&server, &shop.owner_token, None).await;
    create_role(&server, &shop, "One").await;
    let seen = next_event(&mut ws).await;
    let last = seen["sequence"].as_i64().unwrap();
    drop(ws);

    // Changes while the client is away.
    let missed: Vec<String> = vec![
        create_role(&server, &shop, "Two").await,
        create_role(&server, &shop, "Three").await,
    ];
    let mut ws = subscribe(&server, &shop.owner_token, Some(last)).await;
    let mut replayed = Vec::new();
    for _ in 0..2 {
        replayed.push(next_event(&mut ws).await);
    }
    assert_eq!(
        replayed
            .iter()
            .map(|e| e["entityId"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>(),
        missed
    );
    assert_eq!(replayed[0]["sequence"].as_i64().unwrap(), last + 1);
    assert_eq!(replayed[1]["sequence"].as_i64().unwrap(), last + 2);
    // Then live, continuing the same sequence.
    create_role(&server, &shop, "Four").await;
    assert_eq!(
        next_event(&mut ws).await["sequence"].as_i64().unwrap(),
        last + 3
    );
    quiet(&mut ws, Duration::from_millis(500)).await;

    // A negative position is a client mistake.
    let mut bad = ws_subscribe(
        &server,
        &shop.owner_token,
        "subscription { events(after: -1) { sequence } }",
        json!({}),
    )
    .await;
    let msg = ws_next(&mut bad).await.unwrap();
    let errors = if msg["type"] == "error" {
        msg["payload"].clone()
    } else {
        msg["payload"]["errors"].clone()
    };
    assert_eq!(errors[0]["extensions"]["code"], "VALIDATION", "{msg}");
}

#[tokio::test]
async fn events_are_filtered_by_permission_and_secrets_never_leave() {
    let server = TestServer::start().await;
    let shop = server.tenant("filter").await;
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let mut owner = subscribe(&server, &shop.owner_token, None).await;
    let mut till = subscribe(&server, &cashier, None).await;

    // The reset event carries a token: nobody may receive it.
    request_password_reset(&server, &shop).await;
    // A role event needs admin.users.read, which cashiers lack.
    create_role(&server, &shop, "Visible to owners").await;
    let event = next_event(&mut owner).await;
    assert_eq!(
        event["type"], "rbac.role.created",
        "the reset event was skipped: {event}"
    );
    assert!(!event.to_string().contains("token"));

    // A module switch concerns everyone in the tenant.
    let admin = server.superadmin_token().await;
    server
        .gql_ok(
            "mutation($i: SetTenantModuleInput!) { setTenantModule(input: $i) { module { enabled } } }",
            json!({"i": {"tenantId": shop.id, "moduleKey": "orders", "enabled": true, "reason": "operator test"}}),
            Some(&admin),
        )
        .await;
    let seen_by_cashier = next_event(&mut till).await;
    assert_eq!(
        seen_by_cashier["type"], "tenant.module.toggled",
        "{seen_by_cashier}"
    );
    assert_eq!(
        next_event(&mut owner).await["type"],
        "tenant.module.toggled"
    );
}

#[tokio::test]
async fn a_subscriber_on_one_replica_sees_a_change_made_on_another() {
    let first = TestServer::start().await;
    let second = ServerBuilder::new()
        .db(first.db.clone())
        .redis(first.redis.clone())
        .start()
        .await;
    let shop = first.tenant("replicas").await;
    let mut ws = subscribe(&second, &shop.owner_token, None).await;
    let role = create_role(&first, &shop, "Made on the first").await;
    let event = next_event(&mut ws).await;
    assert_eq!(event["entityId"], role.as_str());
}

#[tokio::test]
async fn a_missed_notification_is_caught_by_polling() {
    let server = TestServer::start().await;
    let shop = server.tenant("poll").await;
    let mut ws = subscribe(&server, &shop.owner_token, None).await;
    // Write an event with the NOTIFY trigger off: only the relay's polling can find it.
    let mut owner = server.db.owner().await;
    sqlx::query("ALTER TABLE event_outbox DISABLE TRIGGER event_outbox_notify")
        .execute(&mut owner)
        .await
        .unwrap();
    let id = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO event_outbox (id, tenant_id, event_type, entity_id, payload) VALUES ($1, $2, 'tenant.note.added', 'n1', '{}')")
        .bind(id)
        .bind(shop.id)
        .execute(&mut owner)
        .await
        .unwrap();
    let event = next_event(&mut ws).await;
    assert_eq!(event["eventId"], id.to_string());
    // The relay publishes, then marks the row: the mark may land just after
    // the subscriber has the event.
    let mut status = String::new();
    for _ in 0..100 {
        status = sqlx::query_scalar("SELECT status FROM event_outbox WHERE id = $1")
            .bind(id)
            .fetch_one(&mut owner)
            .await
            .unwrap();
        if status == "dispatched" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "dispatched");
}
