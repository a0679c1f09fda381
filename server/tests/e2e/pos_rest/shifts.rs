//! A shift over REST: cash movements, the Z report and its variance.

use super::*;

#[tokio::test]
async fn rest_shift_closes_with_a_z_report_and_its_variance() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-shift").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let location = c.location.clone();
    let shift = api.open_shift(&location, 10000).await;
    let id = s(&shift["id"]);
    assert_eq!(shift["status"], "OPEN");
    assert_eq!(shift["openingFloatMinor"], 10000);
    let (status, body) = api
        .post(
            "/v1/pos/shifts",
            json!({"locationId": location, "openingFloatMinor": 0, "currency": "EUR"}),
        )
        .await;
    assert_code(status, &body, 409, "CONFLICT");
    let open = api
        .ok(
            Method::GET,
            &format!("/v1/pos/shifts?locationId={location}&status=OPEN"),
            None,
            200,
        )
        .await;
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["id"], id.as_str());
    let (status, body) = api.get("/v1/pos/shifts?status=PAUSED").await;
    assert_invalid(status, &body, "status");

    // Cash in and out of the drawer.
    let moves = format!("/v1/pos/shifts/{id}/cash-movements");
    for (kind, amount) in [("IN", 2000), ("OUT", 500)] {
        let m = api
            .ok(
                Method::POST,
                &moves,
                Some(json!({"kind": kind, "amountMinor": amount, "reason": "change"})),
                201,
            )
            .await;
        assert_eq!(m["kind"], kind);
        assert_eq!(m["shiftId"], id.as_str());
    }
    let (status, body) = api
        .post(
            &moves,
            json!({"kind": "SIDEWAYS", "amountMinor": 1, "reason": "x"}),
        )
        .await;
    assert_invalid(status, &body, "kind");
    let (status, body) = api
        .post(
            &moves,
            json!({"kind": "IN", "amountMinor": 0, "reason": "x"}),
        )
        .await;
    assert_invalid(status, &body, "amountMinor");

    // One cash sale.
    let (ticket, t) = api
        .open_with_line(
            &c.location,
            "Counter",
            json!({"menuItemId": c.croissant, "quantity": 2}),
        )
        .await;
    let total = n(&t["totalMinor"]);
    let paid = api
        .pay(
            &ticket,
            "shift-cash",
            json!({"method": "CASH", "tenderedMinor": 2000}),
        )
        .await;
    assert_eq!(paid["payment"]["shiftId"], id.as_str());
    api.settle(&ticket).await;

    let report = format!("/v1/pos/shifts/{id}/report");
    let x = api.ok(Method::GET, &report, None, 200).await;
    let expected = 10000 + total + 2000 - 500;
    assert_eq!(x["kind"], "X");
    assert_eq!(x["ticketsSettled"], 1);
    assert_eq!(x["totalSalesMinor"], total);
    assert_eq!(x["cashPaymentsMinor"], total);
    assert_eq!(x["cashInMinor"], 2000);
    assert_eq!(x["cashOutMinor"], 500);
    assert_eq!(x["expectedCashMinor"], expected);
    assert_eq!(x["varianceMinor"], Value::Null);

    // Close 20 cents short.
    let z = api
        .ok(
            Method::POST,
            &format!("/v1/pos/shifts/{id}/close"),
            Some(json!({"countedCashMinor": expected - 20, "note": "short 20 cents"})),
            200,
        )
        .await;
    assert_eq!(z["kind"], "Z");
    assert_eq!(z["expectedCashMinor"], expected);
    assert_eq!(z["countedCashMinor"], expected - 20);
    assert_eq!(z["varianceMinor"], -20);
    let closed = api
        .ok(Method::GET, &format!("/v1/pos/shifts/{id}"), None, 200)
        .await;
    assert_eq!(closed["status"], "CLOSED");
    assert_eq!(closed["varianceMinor"], -20);
    assert_eq!(closed["closeNote"], "short 20 cents");
    let again = api.ok(Method::GET, &report, None, 200).await;
    assert_eq!(again["kind"], "Z");
    assert_eq!(again["varianceMinor"], -20);
    assert_eq!(again["totalSalesMinor"], total);
    let (status, body) = api
        .post(
            &format!("/v1/pos/shifts/{id}/close"),
            json!({"countedCashMinor": 0}),
        )
        .await;
    assert_code(status, &body, 409, "CONFLICT");
    let (status, body) = api
        .post(
            &moves,
            json!({"kind": "IN", "amountMinor": 100, "reason": "late"}),
        )
        .await;
    assert_code(status, &body, 409, "CONFLICT");
    let closed_list = api
        .ok(
            Method::GET,
            &format!("/v1/pos/shifts?locationId={location}&status=CLOSED"),
            None,
            200,
        )
        .await;
    assert_eq!(closed_list[0]["id"], id.as_str());
}
