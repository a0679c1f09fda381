//! Another tenant's ids named as references in the caller's own writes.

use super::*;

/// Operations that create or change the caller's own things but name another
/// tenant's as a reference: refused (`VALIDATION` naming the field, or
/// `NOT_FOUND`), and nothing anywhere changes.
#[tokio::test]
async fn another_tenants_references_are_refused_and_nothing_changes() {
    let w = world().await;
    let s = &w.server;
    type Vars = fn(&World) -> Value;
    let refs: Vec<(&str, &str, Vars)> = vec![
        (
            "openTicket at B's location",
            "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
            |w| json!({"i": {"locationId": w.b.location}}),
        ),
        (
            "addTicketLine of B's menu item",
            "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id } }",
            |w| json!({"i": {"ticketId": w.a.ticket, "menuItemId": w.b.menu_item}}),
        ),
        (
            "openShift at B's location",
            "mutation($i: OpenShiftInput!) { openShift(input: $i) { id } }",
            |w| json!({"i": {"locationId": w.b.location, "openingFloatMinor": 0, "currency": "EUR"}}),
        ),
        (
            "adjustStock at B's location",
            "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { movement { id } } }",
            |w| json!({"i": {"stockItemId": w.a.stock_item, "locationId": w.b.location, "kind": "RECEIVED", "quantity": "1"}}),
        ),
        (
            "setReorderPoint at B's location",
            "mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { low } }",
            |w| json!({"i": {"stockItemId": w.a.stock_item, "locationId": w.b.location, "reorderPoint": "1"}}),
        ),
        (
            "sendStockTransfer to B's location",
            "mutation($i: SendStockTransferInput!) { sendStockTransfer(input: $i) { id } }",
            |w| json!({"i": {"fromLocationId": w.a.location, "toLocationId": w.b.location, "lines": [{"stockItemId": w.a.stock_item, "quantity": "1"}]}}),
        ),
        (
            "sendStockTransfer of B's stock item",
            "mutation($i: SendStockTransferInput!) { sendStockTransfer(input: $i) { id } }",
            |w| json!({"i": {"fromLocationId": w.a.location, "toLocationId": w.a.depot, "lines": [{"stockItemId": w.b.stock_item, "quantity": "1"}]}}),
        ),
        (
            "startStockCount at B's location",
            "mutation($i: StartStockCountInput!) { startStockCount(input: $i) { id } }",
            |w| json!({"i": {"locationId": w.b.location}}),
        ),
        (
            "recordStockCount of B's stock item",
            "mutation($i: RecordStockCountInput!) { recordStockCount(input: $i) { id } }",
            |w| json!({"i": {"countId": w.a.stock_count, "stockItemId": w.b.stock_item, "counted": "1"}}),
        ),
        (
            "setRecipe with B's stock item",
            "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId } }",
            |w| json!({"i": {"menuItemId": w.a.menu_item, "components": [{"stockItemId": w.b.stock_item, "quantity": "1"}]}}),
        ),
        (
            "createStockItem for B's menu item",
            "mutation($i: CreateStockItemInput!) { createStockItem(input: $i) { id } }",
            |w| json!({"i": {"sku": "STOLEN", "name": "Stolen", "unit": "EACH", "menuItemId": w.b.menu_item}}),
        ),
        (
            "setMenuItemAvailability at B's location",
            "mutation($i: SetMenuItemAvailabilityInput!) { setMenuItemAvailability(input: $i) { id } }",
            |w| json!({"i": {"itemId": w.a.menu_item, "soldOut": true, "locationId": w.b.location}}),
        ),
        (
            "refundPayment restocking B's line",
            "mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id } } }",
            |w| {
                json!({"i": {"paymentId": w.a.payment, "reason": "x", "restock": true,
                             "lines": [{"lineId": w.b.ticket_line, "quantity": 1}], "idempotencyKey": "iso-ref-line"}})
            },
        ),
    ];
    for (who, token) in w.credentials_of_a() {
        for (name, document, variables) in &refs {
            let what = format!("{who}: {name}");
            let before = snapshot(&s.db).await;
            let (code, body) = s.gql_err(document, variables(&w), Some(&token)).await;
            assert!(
                code == "VALIDATION" || code == "NOT_FOUND",
                "{what}: {body}"
            );
            let text = body.to_string();
            for secret in [w.b.t.slug.as_str(), w.b.t.owner_email.as_str()] {
                assert!(!text.contains(secret), "{what} leaked {secret}: {body}");
            }
            assert_unchanged(&before, &snapshot(&s.db).await, &what);
        }
    }
}
