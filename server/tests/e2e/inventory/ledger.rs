//! The ledger: on hand is the last count plus the movements after it; transfers.

use super::*;

#[tokio::test]
async fn on_hand_is_the_last_count_plus_the_movements_after_it() {
    let server = TestServer::start().await;
    let shop = server.tenant("stock").await;
    let owner = shop.owner_token.as_str();
    let loc = server.inventory(owner).location("Main street").await;
    let beans = server.inventory(owner).stock_item("BEANS", "KG").await;

    let received = server.inventory(owner).adjust(json!({"stockItemId": beans, "locationId": loc, "kind": "RECEIVED", "quantity": "10", "reason": "delivery"}),
    )
    .await;
    assert_eq!(received["movement"]["quantity"], "10");
    assert_eq!(received["level"]["onHand"], "10");
    server
        .inventory(owner)
        .adjust(json!({"stockItemId": beans, "locationId": loc, "kind": "WASTE", "quantity": 0.5}))
        .await;
    let sold = server
        .inventory(owner)
        .adjust(
            json!({"stockItemId": beans, "locationId": loc, "kind": "SALE", "quantity": "2.25"}),
        )
        .await;
    assert_eq!(sold["movement"]["quantity"], "-2.25");
    assert_eq!(server.inventory(owner).on_hand(&beans, &loc).await, "7.25");

    // A count finds 7: the variance is kept and on-hand restarts from it.
    let count = server
        .gql_ok(
            "mutation($i: StartStockCountInput!) { startStockCount(input: $i) { id status } }",
            json!({"i": {"locationId": loc, "note": "Monday count"}}),
            Some(owner),
        )
        .await["startStockCount"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let open = server
        .gql_ok(
            "mutation($i: RecordStockCountInput!) { recordStockCount(input: $i) { status lines { counted expected variance } } }",
            json!({"i": {"countId": count, "stockItemId": beans, "counted": "7"}}),
            Some(owner),
        )
        .await;
    assert_eq!(
        open["recordStockCount"]["lines"],
        json!([{"counted": "7", "expected": "7.25", "variance": "-0.25"}])
    );
    let posted = server
        .gql_ok(
            "mutation($i: StockCountIdInput!) { postStockCount(input: $i) { status lines { expected variance } } }",
            json!({"i": {"countId": count}}),
            Some(owner),
        )
        .await;
    assert_eq!(posted["postStockCount"]["status"], "POSTED");
    assert_eq!(posted["postStockCount"]["lines"][0]["variance"], "-0.25");
    assert_eq!(server.inventory(owner).on_hand(&beans, &loc).await, "7");

    // A sale a terminal made before the count, recorded only now: the count
    // already saw its effect, so on-hand stays.
    let late = server
        .inventory(owner)
        .adjust(
            json!({"stockItemId": beans, "locationId": loc, "kind": "SALE", "quantity": "1",
               "occurredAt": (Utc::now() - Duration::hours(1)).to_rfc3339()}),
        )
        .await;
    assert_eq!(late["level"]["onHand"], "7");
    // One after the count moves it.
    server
        .inventory(owner)
        .adjust(
            json!({"stockItemId": beans, "locationId": loc, "kind": "SALE", "quantity": "0.125"}),
        )
        .await;
    assert_eq!(server.inventory(owner).on_hand(&beans, &loc).await, "6.875");
    assert_eq!(ledger_on_hand(&server, owner, &beans, &loc).await, 6875);

    // Posting twice is a conflict and changes nothing.
    let (code, _) = server
        .gql_err(
            "mutation($i: StockCountIdInput!) { postStockCount(input: $i) { status } }",
            json!({"i": {"countId": count}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(ledger_on_hand(&server, owner, &beans, &loc).await, 6875);
}

#[tokio::test]
async fn transfers_are_in_transit_until_received_and_cancelling_returns_stock() {
    let server = TestServer::start().await;
    let shop = server.tenant("transfer").await;
    let owner = shop.owner_token.as_str();
    let kitchen = server.inventory(owner).location("Central kitchen").await;
    let cafe = server.inventory(owner).location("Cafe").await;
    let milk = server.inventory(owner).stock_item("MILK", "L").await;
    server.inventory(owner).adjust(json!({"stockItemId": milk, "locationId": kitchen, "kind": "RECEIVED", "quantity": "20"}),
    )
    .await;
    const SEND: &str = "mutation($i: SendStockTransferInput!) { sendStockTransfer(input: $i) { id status lines { sku quantity } } }";
    let sent = server
        .gql_ok(
            SEND,
            json!({"i": {"fromLocationId": kitchen, "toLocationId": cafe, "lines": [{"stockItemId": milk, "quantity": "6"}]}}),
            Some(owner),
        )
        .await["sendStockTransfer"]
        .clone();
    assert_eq!(sent["status"], "IN_TRANSIT");
    assert_eq!(sent["lines"], json!([{"sku": "MILK", "quantity": "6"}]));
    // In transit: gone from the kitchen, not yet at the cafe.
    assert_eq!(server.inventory(owner).on_hand(&milk, &kitchen).await, "14");
    assert_eq!(server.inventory(owner).on_hand(&milk, &cafe).await, "0");
    let received = server
        .gql_ok(
            "mutation($i: StockTransferIdInput!) { receiveStockTransfer(input: $i) { status closedAt } }",
            json!({"i": {"transferId": sent["id"]}}),
            Some(owner),
        )
        .await;
    assert_eq!(received["receiveStockTransfer"]["status"], "RECEIVED");
    assert_eq!(server.inventory(owner).on_hand(&milk, &cafe).await, "6");
    // Receiving twice is a conflict.
    let (code, _) = server
        .gql_err(
            "mutation($i: StockTransferIdInput!) { receiveStockTransfer(input: $i) { status } }",
            json!({"i": {"transferId": sent["id"]}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(server.inventory(owner).on_hand(&milk, &cafe).await, "6");

    // A cancelled transfer puts the stock back where it left.
    let second = server
        .gql_ok(
            SEND,
            json!({"i": {"fromLocationId": kitchen, "toLocationId": cafe, "lines": [{"stockItemId": milk, "quantity": "4"}]}}),
            Some(owner),
        )
        .await["sendStockTransfer"]["id"]
        .clone();
    assert_eq!(server.inventory(owner).on_hand(&milk, &kitchen).await, "10");
    server
        .gql_ok(
            "mutation($i: StockTransferIdInput!) { cancelStockTransfer(input: $i) { status } }",
            json!({"i": {"transferId": second}}),
            Some(owner),
        )
        .await;
    assert_eq!(server.inventory(owner).on_hand(&milk, &kitchen).await, "14");
    let list = server
        .gql_ok(
            "{ stockTransfers(status: IN_TRANSIT) { id } all: stockTransfers { id status } }",
            json!({}),
            Some(owner),
        )
        .await;
    assert_eq!(list["stockTransfers"], json!([]));
    assert_eq!(list["all"].as_array().unwrap().len(), 2);
    for loc in [&kitchen, &cafe] {
        let expected = milli(&json!(server.inventory(owner).on_hand(&milk, loc).await));
        assert_eq!(ledger_on_hand(&server, owner, &milk, loc).await, expected);
    }
}
