//! Stock movements over REST: idempotent adjustments, transfers, counts.

use super::*;

#[tokio::test]
async fn rest_adjustments_honour_the_idempotency_key_header() {
    let server = TestServer::start().await;
    let (_, token) = owner(&server, "inv-idem").await;
    let api = Rest::new(&server, &token);
    let bar = api.location("Bar").await;
    let limes = api.stock_item("LIMES", "each").await;
    let body = json!({"stockItemId": limes, "locationId": bar, "kind": "RECEIVED", "quantity": 12, "reason": "delivery 118"});
    let key = [("Idempotency-Key", "3c4f1f9e-delivery-118")];

    let (first_status, first) = api.try_adjust(body.clone(), &key).await;
    assert_eq!(first_status, 201, "{first}");
    let (again_status, again) = api.try_adjust(body.clone(), &key).await;
    assert_eq!(again_status, 201, "{again}");
    assert_eq!(
        again["data"], first["data"],
        "a retry answers the first result"
    );
    assert_eq!(api.on_hand(&limes, &bar).await, "12");
    let movements = api
        .inventory(&format!("movements?stockItemId={limes}"))
        .await;
    assert_eq!(movements.as_array().unwrap().len(), 1, "{movements}");
    assert_eq!(movements[0]["id"], first["data"]["movement"]["id"]);

    // The same key with another body is a conflict, and moves nothing.
    let mut other = body.clone();
    other["quantity"] = json!(13);
    let (status, answer) = api.try_adjust(other, &key).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "CONFLICT");
    assert_eq!(api.on_hand(&limes, &bar).await, "12");

    // Another key, or none, is another adjustment.
    let (status, _) = api
        .try_adjust(body.clone(), &[("Idempotency-Key", "delivery-119")])
        .await;
    assert_eq!(status, 201);
    let (status, _) = api.try_adjust(body.clone(), &[]).await;
    assert_eq!(status, 201);
    assert_eq!(api.on_hand(&limes, &bar).await, "36");

    // A key that is not a key is VALIDATION.
    let long = "k".repeat(300);
    let (status, answer) = api
        .try_adjust(body, &[("Idempotency-Key", long.as_str())])
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "VALIDATION");
    assert_eq!(api.on_hand(&limes, &bar).await, "36");
}

#[tokio::test]
async fn rest_transfers_move_stock_between_locations() {
    let server = TestServer::start().await;
    let (_, token) = owner(&server, "inv-transfer").await;
    let api = Rest::new(&server, &token);
    let kitchen = api.location("Central kitchen").await;
    let cafe = api.location("Cafe").await;
    let flour = api.stock_item("FLOUR", "kg").await;
    let sugar = api.stock_item("SUGAR", "kg").await;
    api.receive(&flour, &kitchen, json!("10")).await;
    api.receive(&sugar, &kitchen, json!("5")).await;

    let (status, sent) = api
        .post(
            "/v1/inventory/transfers",
            json!({"fromLocationId": kitchen, "toLocationId": cafe, "note": "Monday run",
                   "lines": [{"stockItemId": flour, "quantity": "4"}, {"stockItemId": sugar, "quantity": 1.5}]}),
        )
        .await;
    assert_eq!(status, 201, "{sent}");
    let sent = &sent["data"];
    assert_eq!(sent["status"], "IN_TRANSIT");
    assert_eq!(sent["lines"].as_array().unwrap().len(), 2);
    let transfer = format!("transfers/{}", id(sent));
    assert_eq!(api.on_hand(&flour, &kitchen).await, "6");
    assert_eq!(api.on_hand(&flour, &cafe).await, "0");
    let in_transit = api
        .inventory(&format!("transfers?status=IN_TRANSIT&locationId={cafe}"))
        .await;
    assert_eq!(in_transit.as_array().unwrap().len(), 1);
    assert_eq!(in_transit[0]["id"], sent["id"]);

    let received = api.step(&transfer, "receive").await;
    assert_eq!(received["status"], "RECEIVED");
    assert!(received["closedAt"].is_string());
    assert_eq!(api.on_hand(&flour, &cafe).await, "4");
    assert_eq!(api.on_hand(&sugar, &cafe).await, "1.5");
    let (status, body) = api.try_step(&transfer, "receive").await;
    assert_eq!((status, &body["error"]["code"]), (409, &json!("CONFLICT")));
    assert_eq!(api.inventory(&transfer).await["status"], "RECEIVED");

    // Cancelling one in transit returns the stock to the source.
    let back = api
        .start(
            "transfers",
            json!({"fromLocationId": kitchen, "toLocationId": cafe,
                   "lines": [{"stockItemId": flour, "quantity": "1"}]}),
        )
        .await;
    assert_eq!(api.on_hand(&flour, &kitchen).await, "5");
    let cancelled = api
        .step(&format!("transfers/{}", id(&back)), "cancel")
        .await;
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(api.on_hand(&flour, &kitchen).await, "6");

    // Bad transfers are VALIDATION, enum filters too.
    let (status, body) = api
        .post(
            "/v1/inventory/transfers",
            json!({"fromLocationId": kitchen, "toLocationId": kitchen,
                   "lines": [{"stockItemId": flour, "quantity": "1"}]}),
        )
        .await;
    assert_invalid(status, &body, "toLocationId");
    let (status, body) = api
        .post(
            "/v1/inventory/transfers",
            json!({"fromLocationId": kitchen, "toLocationId": cafe,
                   "lines": [{"stockItemId": flour, "quantity": "0"}]}),
        )
        .await;
    assert_invalid(status, &body, "lines[0].quantity");
    let (status, body) = api.get("/v1/inventory/transfers?status=in_transit").await;
    assert_invalid(status, &body, "status");
    let all = api.inventory("transfers").await;
    assert_eq!(all.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn rest_counts_post_with_their_variance() {
    let server = TestServer::start().await;
    let (_, token) = owner(&server, "inv-count").await;
    let api = Rest::new(&server, &token);
    let store = api.location("Store room").await;
    let oil = api.stock_item("OIL", "l").await;
    api.receive(&oil, &store, json!("10")).await;

    let (status, started) = api
        .post(
            "/v1/inventory/counts",
            json!({"locationId": store, "note": "month end"}),
        )
        .await;
    assert_eq!(status, 201, "{started}");
    assert_eq!(started["data"]["status"], "OPEN");
    assert_eq!(started["data"]["lines"], json!([]));
    let count = id(&started["data"]);
    let doc = format!("counts/{count}");

    let (status, body) = api.try_step(&doc, "post").await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("VALIDATION"))
    );

    let recorded = api
        .ok(
            Method::PUT,
            &format!("/v1/inventory/counts/{count}/lines/{oil}"),
            Some(json!({"counted": "7.5"})),
            200,
        )
        .await;
    let line = &recorded["lines"][0];
    assert_eq!(
        (&line["counted"], &line["expected"], &line["variance"]),
        (&json!("7.5"), &json!("10"), &json!("-2.5"))
    );
    let (status, body) = api
        .put(
            &format!("/v1/inventory/counts/{count}/lines/{oil}"),
            json!({"counted": "-1"}),
        )
        .await;
    assert_invalid(status, &body, "counted");
    let (status, body) = api
        .put(
            &format!("/v1/inventory/counts/{count}/lines/not-a-uuid"),
            json!({"counted": "1"}),
        )
        .await;
    assert_invalid(status, &body, "stockItemId");
    let (status, body) = api
        .put(
            &format!(
                "/v1/inventory/counts/{count}/lines/{}",
                uuid::Uuid::new_v4()
            ),
            json!({"counted": "1"}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!("NOT_FOUND")),
        "an unknown stock item in the path: {body}"
    );

    let posted = api.step(&doc, "post").await;
    assert_eq!(posted["status"], "POSTED");
    assert_eq!(posted["lines"][0]["variance"], "-2.5");
    assert_eq!(api.on_hand(&oil, &store).await, "7.5");
    let movements = api.inventory(&format!("movements?stockItemId={oil}")).await;
    let last = movements.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["kind"], &last["quantity"], &last["counted"]),
        (&json!("COUNT_CORRECTION"), &json!("-2.5"), &json!("7.5"))
    );
    assert_eq!(last["sourceType"], "stock_count");

    let (status, body) = api.try_step(&doc, "cancel").await;
    assert_eq!((status, &body["error"]["code"]), (409, &json!("CONFLICT")));
    let read = api.inventory(&doc).await;
    assert_eq!(read["status"], "POSTED");
    assert_eq!(read["note"], "month end");
    let posted_list = api
        .inventory(&format!("counts?locationId={store}&status=POSTED"))
        .await;
    assert_eq!(posted_list.as_array().unwrap().len(), 1);
    let open_list = api.inventory("counts?status=OPEN").await;
    assert_eq!(open_list, json!([]));

    // A second count, cancelled.
    let second = api.start("counts", json!({"locationId": store})).await;
    let cancelled = api.step(&format!("counts/{}", id(&second)), "cancel").await;
    assert_eq!(cancelled["status"], "CANCELLED");
    let (status, body) = api.get("/v1/inventory/counts?status=DONE").await;
    assert_invalid(status, &body, "status");
}
