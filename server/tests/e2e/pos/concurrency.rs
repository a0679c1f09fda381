//! Retries and races: fifty retries of one payment, the last unit sold twice.

use super::*;

#[tokio::test]
async fn fifty_retries_of_one_payment_make_one_payment() {
    let server = Arc::new(TestServer::start().await);
    let c = cafe(&server, "retry").await;
    let owner = c.shop.owner_token.clone();
    let (id, _) = server
        .pos(&owner)
        .open_with_line(
            &c.location,
            json!({"menuItemId": c.croissant, "quantity": 3}),
        )
        .await;
    let input = json!({"ticketId": id, "method": "CARD", "amountMinor": 500, "cardToken": "tok_mastercard",
                       "idempotencyKey": "terminal-7-attempt-1"});
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (server, owner, input) = (server.clone(), owner.clone(), input.clone());
        tasks.push(tokio::spawn(
            async move { server.pos(&owner).pay(input).await },
        ));
    }
    let mut payments = std::collections::BTreeSet::new();
    for task in tasks {
        let result = task.await.unwrap();
        payments.insert(s(&result["payment"]["id"]));
        assert_eq!(
            result["ticket"]["paidMinor"], 500,
            "every retry sees the first result"
        );
    }
    assert_eq!(payments.len(), 1);
    let after = server.pos(&owner).ticket(&id).await;
    assert_eq!(after["paidMinor"], 500);
    assert_eq!(after["payments"].as_array().unwrap().len(), 1);
    let mut conn = server.db.owner().await;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM pos_payments WHERE tenant_id = $1")
        .bind(c.shop.id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    // The same key for another amount is a conflict.
    let mut other = input.clone();
    other["amountMinor"] = json!(400);
    let (code, _) = server.gql_err(PAY, json!({"i": other}), Some(&owner)).await;
    assert_eq!(code, "CONFLICT");
}

#[tokio::test]
async fn the_last_unit_sold_twice_at_once_leaves_the_ledger_consistent() {
    let server = Arc::new(TestServer::start().await);
    let c = cafe(&server, "last").await;
    let owner = c.shop.owner_token.clone();
    // One croissant left, reorder point 0.
    server.inventory(&owner).adjust(json!({"stockItemId": c.croissant_stock, "locationId": c.location, "kind": "WASTE", "quantity": "9"}),
    )
    .await;
    server
        .gql_ok(
            "mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { low } }",
            json!({"i": {"stockItemId": c.croissant_stock, "locationId": c.location, "reorderPoint": "0"}}),
            Some(&owner),
        )
        .await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (id, _) = server
            .pos(&owner)
            .open_with_line(&c.location, json!({"menuItemId": c.croissant}))
            .await;
        server.pos(&owner).pay(json!({"ticketId": id, "method": "CARD", "cardToken": "tok_visa", "idempotencyKey": format!("pay-{id}")}),
        )
        .await;
        ids.push(id);
    }
    let mut tasks = Vec::new();
    for id in ids.clone() {
        let (server, owner) = (server.clone(), owner.clone());
        tasks.push(tokio::spawn(
            async move { server.pos(&owner).settle(&id).await },
        ));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap()["status"], "SETTLED");
    }
    eventually("both sales deducted", || {
        let (server, owner, item, loc) = (
            server.clone(),
            owner.clone(),
            c.croissant_stock.clone(),
            c.location.clone(),
        );
        async move { server.inventory(&owner).on_hand(&item, &loc).await == "-1" }
    })
    .await;
    let mut conn = server.db.owner().await;
    let (sum, sales): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(sum(quantity_milli), 0)::bigint, count(*) FILTER (WHERE kind = 'sale')
         FROM stock_movements WHERE tenant_id = $1 AND stock_item_id = $2::uuid",
    )
    .bind(c.shop.id)
    .bind(&c.croissant_stock)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!((sum, sales), (-1000, 2), "the ledger sums to the level");
    let alerts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_outbox WHERE tenant_id = $1 AND event_type = 'inventory.stock.low'",
    )
    .bind(c.shop.id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        alerts, 1,
        "one alert when the level reached the reorder point"
    );
    // Each ticket was deducted once, however often its event is seen.
    let consumed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM consumed_events WHERE tenant_id = $1 AND consumer = 'inventory-stock-deduction'",
    )
    .bind(c.shop.id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(consumed, 2);
}
