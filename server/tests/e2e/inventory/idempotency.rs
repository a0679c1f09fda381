//! Adjustments retried with their key happen once, until the key expires.

use super::*;

#[tokio::test]
async fn an_adjustment_retried_with_its_key_happens_once() {
    let server = TestServer::start().await;
    let shop = server.tenant("idem").await;
    let owner = shop.owner_token.clone();
    let loc = server.inventory(&owner).location("Shop").await;
    let soap = server.inventory(&owner).stock_item("SOAP", "EACH").await;
    let input = json!({"stockItemId": soap, "locationId": loc, "kind": "RECEIVED", "quantity": "12",
                       "idempotencyKey": "delivery-42"});
    let first = server.inventory(&owner).adjust(input.clone()).await;
    let again = server.inventory(&owner).adjust(input.clone()).await;
    assert_eq!(first, again, "the retry returns the first result");

    // Many terminals retrying at once: still one movement.
    let mut burst = input.clone();
    burst["idempotencyKey"] = json!("burst-1");
    burst["quantity"] = json!("1");
    let server = std::sync::Arc::new(server);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (server, owner, burst) = (server.clone(), owner.clone(), burst.clone());
        tasks.push(tokio::spawn(async move {
            server.inventory(&owner).adjust(burst).await["movement"]["id"].clone()
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap().to_string());
    }
    assert_eq!(ids.len(), 1, "every retry saw the same movement");
    assert_eq!(server.inventory(&owner).on_hand(&soap, &loc).await, "13");

    // The same key with another request is refused and changes nothing.
    let mut changed = input.clone();
    changed["quantity"] = json!("13");
    let (code, body) = server
        .gql_err(ADJUST, json!({"i": changed}), Some(&owner))
        .await;
    assert_eq!(code, "CONFLICT", "{body}");
    assert_eq!(server.inventory(&owner).on_hand(&soap, &loc).await, "13");

    // Keys are per tenant: another business may use the same one.
    let other = server.tenant("idem-other").await;
    let other_loc = server.inventory(&other.owner_token).location("Shop").await;
    let other_soap = server
        .inventory(&other.owner_token)
        .stock_item("SOAP", "EACH")
        .await;
    let theirs = server.inventory(&other.owner_token).adjust(json!({"stockItemId": other_soap, "locationId": other_loc, "kind": "RECEIVED", "quantity": "12",
               "idempotencyKey": "delivery-42"}),
    )
    .await;
    assert_ne!(theirs["movement"]["id"], first["movement"]["id"]);
}

#[tokio::test]
async fn an_expired_idempotency_key_counts_as_new() {
    let server = TestServer::start().await;
    let shop = server.tenant("idem-expiry").await;
    let owner = shop.owner_token.as_str();
    let loc = server.inventory(owner).location("Shop").await;
    let salt = server.inventory(owner).stock_item("SALT", "KG").await;
    let input = |quantity: &str| {
        json!({"stockItemId": salt, "locationId": loc, "kind": "RECEIVED", "quantity": quantity,
               "idempotencyKey": "delivery-7"})
    };
    server.inventory(owner).adjust(input("1")).await;
    let (code, _) = server
        .gql_err(ADJUST, json!({"i": input("2")}), Some(owner))
        .await;
    assert_eq!(code, "CONFLICT", "within its seven days the key is taken");
    // Eight days on, the same key is a new request.
    let mut conn = server.db.owner().await;
    sqlx::query(
        "UPDATE idempotency_keys SET expires_at = now() - interval '1 day' WHERE tenant_id = $1",
    )
    .bind(shop.id)
    .execute(&mut conn)
    .await
    .unwrap();
    let again = server.inventory(owner).adjust(input("2")).await;
    assert_eq!(again["level"]["onHand"], "3");
}
