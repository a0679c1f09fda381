//! A shift closes with totals that match its payments.

use super::*;

#[tokio::test]
async fn a_shift_closes_with_totals_that_match_its_payments() {
    let server = TestServer::start().await;
    let c = cafe(&server, "shift").await;
    let owner = c.shop.owner_token.clone();
    let o = Some(owner.as_str());
    let shift = server
        .gql_ok(
            "mutation($i: OpenShiftInput!) { openShift(input: $i) { id status } }",
            json!({"i": {"locationId": c.location, "openingFloatMinor": 10000, "currency": "EUR"}}),
            o,
        )
        .await["openShift"]["id"]
        .clone();
    let (code, _) = server
        .gql_err(
            "mutation($i: OpenShiftInput!) { openShift(input: $i) { id } }",
            json!({"i": {"locationId": c.location, "openingFloatMinor": 0, "currency": "EUR"}}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT", "one open shift per location");
    let mut totals = 0;
    for (method, tip) in [("CASH", 0), ("CARD", 150), ("CASH", 50)] {
        let (id, t) = server
            .pos(&owner)
            .open_with_line(
                &c.location,
                json!({"menuItemId": c.croissant, "quantity": 2}),
            )
            .await;
        totals += t["totalMinor"].as_i64().unwrap();
        server
            .pos(&owner)
            .pay(
                json!({"ticketId": id, "method": method, "tipMinor": tip, "cardToken": "tok_visa",
                   "tenderedMinor": if method == "CASH" { json!(2000) } else { Value::Null },
                   "idempotencyKey": format!("p-{id}")}),
            )
            .await;
        server.pos(&owner).settle(&id).await;
    }
    for (kind, amount) in [("IN", 2000), ("OUT", 500)] {
        server
            .gql_ok(
                "mutation($i: MoveCashInput!) { moveCash(input: $i) { id } }",
                json!({"i": {"shiftId": shift, "kind": kind, "amountMinor": amount, "reason": "change"}}),
                o,
            )
            .await;
    }
    const REPORT: &str = "query($s: UUID!) { shiftReport(shiftId: $s) { kind ticketsSettled totalSalesMinor paymentsCount
        cashPaymentsMinor cardPaymentsMinor tipsMinor expectedCashMinor countedCashMinor varianceMinor } }";
    let x = server.gql_ok(REPORT, json!({"s": shift}), o).await["shiftReport"].clone();
    let per_ticket = totals / 3;
    assert_eq!(x["kind"], "X");
    assert_eq!(x["ticketsSettled"], 3);
    assert_eq!(x["totalSalesMinor"], totals);
    assert_eq!(x["paymentsCount"], 3);
    assert_eq!(x["cashPaymentsMinor"], 2 * per_ticket);
    assert_eq!(x["cardPaymentsMinor"], per_ticket);
    assert_eq!(x["tipsMinor"], 200);
    // Float + cash sales with their tips + in − out.
    let expected = 10000 + 2 * per_ticket + 50 + 2000 - 500;
    assert_eq!(x["expectedCashMinor"], expected);
    let z = server
        .gql_ok(
            "mutation($i: CloseShiftInput!) { closeShift(input: $i) { kind expectedCashMinor countedCashMinor varianceMinor } }",
            json!({"i": {"shiftId": shift, "countedCashMinor": expected - 20, "note": "short 20 cents"}}),
            o,
        )
        .await["closeShift"]
        .clone();
    assert_eq!(
        z,
        json!({"kind": "Z", "expectedCashMinor": expected, "countedCashMinor": expected - 20, "varianceMinor": -20})
    );
    // The Z report stays as it was closed.
    let again = server.gql_ok(REPORT, json!({"s": shift}), o).await["shiftReport"].clone();
    assert_eq!(again["kind"], "Z");
    assert_eq!(again["varianceMinor"], -20);
    assert_eq!(again["totalSalesMinor"], totals);
    // Cash needs an open drawer.
    let (id, _) = server
        .pos(&owner)
        .open_with_line(&c.location, json!({"menuItemId": c.croissant}))
        .await;
    let (code, _) = server
        .gql_err(
            PAY,
            json!({"i": {"ticketId": id, "method": "CASH", "idempotencyKey": "late"}}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT");
}
