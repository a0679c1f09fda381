//! A whole sale over `/v1/pos`: modifiers, split tender, the receipt.

use super::*;

#[tokio::test]
async fn rest_sale_with_modifiers_split_tender_and_receipt() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-sale").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let shift = api.open_shift(&c.location, 10000).await;
    assert_eq!(shift["status"], "OPEN");

    // Open, with a service charge, and the ticket comes back with its (no) lines.
    let opened = api
        .ok(
            Method::POST,
            "/v1/pos/tickets",
            Some(json!({"locationId": c.location, "label": "Table 9", "serviceChargeBp": 1000})),
            201,
        )
        .await;
    let id = s(&opened["id"]);
    assert_eq!(opened["status"], "OPEN");
    assert_eq!(opened["label"], "Table 9");
    assert_eq!(opened["lines"], json!([]));
    assert_eq!(opened["payments"], json!([]));
    assert_eq!(opened["refunds"], json!([]));
    let lines = format!("/v1/pos/tickets/{id}/lines");

    // Two lines: two large oat lattes, a croissant.
    let t = api
        .add_line(
            &id,
            json!({"menuItemId": c.latte, "variantId": c.large, "modifierIds": [c.oat], "quantity": 2,
                   "note": "extra hot", "expectedVersion": opened["version"]}),
        )
        .await;
    assert_eq!(t["lines"].as_array().unwrap().len(), 1, "{t}");
    let latte = &t["lines"][0];
    assert_eq!(latte["quantity"], 2);
    assert_eq!(latte["variantName"], "Large");
    assert_eq!(latte["modifiers"][0]["name"], "Oat");
    assert_eq!(latte["grossMinor"], 900, "2 × (350 + 60 + 40)");
    assert_eq!(t["currency"], "EUR");
    let t = api.add_line(&id, json!({"menuItemId": c.croissant})).await;
    assert_eq!(t["lines"].as_array().unwrap().len(), 2, "{t}");
    assert_eq!(t["lines"][1]["quantity"], 1, "one when left out");
    let croissant = s(&t["lines"][1]["id"]);
    assert!(n(&t["serviceChargeMinor"]) > 0, "{t}");

    // A stale version is a conflict.
    let (status, body) = api
        .post(
            &lines,
            json!({"menuItemId": c.croissant, "expectedVersion": opened["version"]}),
        )
        .await;
    assert_code(status, &body, 409, "CONFLICT");

    // Change the croissant line, then add and void a third line.
    let t = api
        .ok(
            Method::PATCH,
            &format!("{lines}/{croissant}"),
            Some(json!({"quantity": 2, "note": "warm"})),
            200,
        )
        .await;
    assert_eq!(t["lines"][1]["quantity"], 2);
    assert_eq!(t["lines"][1]["note"], "warm");
    let t = api
        .ok(
            Method::PATCH,
            &format!("{lines}/{croissant}"),
            Some(json!({"quantity": 1, "expectedVersion": t["version"]})),
            200,
        )
        .await;
    assert_eq!(t["lines"][1]["grossMinor"], 300);
    let before_extra = n(&t["totalMinor"]);
    let t = api.add_line(&id, json!({"menuItemId": c.croissant})).await;
    let extra = s(&t["lines"][2]["id"]);
    let t = api
        .ok(
            Method::POST,
            &format!("{lines}/{extra}/void"),
            Some(json!({"reason": "wrong button"})),
            200,
        )
        .await;
    assert_eq!(t["lines"][2]["status"], "VOIDED");
    assert_eq!(n(&t["totalMinor"]), before_extra);

    // Relabel: `null` clears the label; the service charge goes.
    let t = api
        .ok(
            Method::PATCH,
            &format!("/v1/pos/tickets/{id}"),
            Some(json!({"label": null, "serviceChargeBp": 0, "expectedVersion": t["version"]})),
            200,
        )
        .await;
    assert_eq!(t["label"], Value::Null, "{t}");
    assert_eq!(t["serviceChargeMinor"], 0);
    // A new label; leaving it out later keeps it.
    let t = api
        .ok(
            Method::PATCH,
            &format!("/v1/pos/tickets/{id}"),
            Some(json!({"label": "Bar 2"})),
            200,
        )
        .await;
    assert_eq!(t["label"], "Bar 2");
    let t = api
        .ok(
            Method::PATCH,
            &format!("/v1/pos/tickets/{id}"),
            Some(json!({"serviceChargeBp": 0})),
            200,
        )
        .await;
    assert_eq!(t["label"], "Bar 2");

    // To the kitchen.
    let t = api
        .ok(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/send"),
            Some(json!({})),
            200,
        )
        .await;
    assert!(t["sentAt"].is_string(), "{t}");
    assert!(t["lines"][0]["sentAt"].is_string(), "{t}");
    let total = n(&t["totalMinor"]);
    assert_eq!(t["subtotalMinor"], 1200, "900 of lattes, a 300 croissant");
    assert_eq!(
        total,
        1200 + n(&t["taxMinor"]),
        "no discount, no service charge now"
    );

    // Split tender: part by card with a tip, the rest in cash with change.
    let card = api
        .pay(
            &id,
            "rest-sale-card",
            json!({"method": "CARD", "amountMinor": 700, "tipMinor": 100, "cardToken": "tok_visa"}),
        )
        .await;
    assert_eq!(card["payment"]["method"], "CARD");
    assert_eq!(card["payment"]["cardLast4"], "4242");
    assert_eq!(card["payment"]["tipMinor"], 100);
    assert_eq!(card["ticket"]["balanceMinor"], total - 700);
    assert_eq!(
        card["ticket"]["status"], "OPEN",
        "a partial payment leaves it open"
    );
    let cash = api
        .pay(
            &id,
            "rest-sale-cash",
            json!({"method": "CASH", "tenderedMinor": 2000}),
        )
        .await;
    assert_eq!(cash["payment"]["amountMinor"], total - 700);
    assert_eq!(cash["changeDueMinor"], 2000 - (total - 700));
    assert_eq!(cash["ticket"]["balanceMinor"], 0);
    let settled = api.settle(&id).await;
    assert_eq!(settled["status"], "SETTLED");
    assert!(settled["settledAt"].is_string());
    assert_eq!(
        api.settle(&id).await["version"],
        settled["version"],
        "settling again is harmless"
    );

    // The ticket, with everything embedded.
    let t = api.ticket(&id).await;
    assert_eq!(t["status"], "SETTLED");
    assert_eq!(t["paidMinor"], total);
    assert_eq!(t["tipMinor"], 100);
    assert_eq!(t["balanceMinor"], 0);
    let got_lines = t["lines"].as_array().unwrap();
    assert_eq!(got_lines.len(), 3, "voided lines included: {t}");
    assert_eq!(got_lines[0]["modifiers"][0]["name"], "Oat");
    assert_eq!(got_lines[0]["ticketId"], id.as_str());
    let paid: Vec<(String, i64)> = t["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (s(&p["method"]), n(&p["amountMinor"])))
        .collect();
    assert_eq!(
        paid,
        [("CARD".to_owned(), 700), ("CASH".to_owned(), total - 700)]
    );
    assert_eq!(t["payments"][1]["changeMinor"], 2000 - (total - 700));
    assert_eq!(t["refunds"], json!([]));
    let payment = api
        .ok(
            Method::GET,
            &format!("/v1/pos/payments/{}", s(&card["payment"]["id"])),
            None,
            200,
        )
        .await;
    assert_eq!(payment["cardBrand"], "visa");
    assert_eq!(payment["amountMinor"], 700);

    // The receipt, for people, printers and browsers.
    let receipt = api
        .ok(
            Method::GET,
            &format!("/v1/pos/tickets/{id}/receipt"),
            None,
            200,
        )
        .await;
    assert_eq!(receipt["totalMinor"], total);
    assert_eq!(receipt["duplicate"], false);
    assert_eq!(
        receipt["lines"].as_array().unwrap().len(),
        2,
        "voided lines are not printed"
    );
    let (status, content_type, text) = api.text(&format!("/v1/pos/tickets/{id}/receipt.txt")).await;
    assert_eq!(status, 200, "{text}");
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    for needle in [
        "2 x Latte (Large)",
        "+ Oat",
        "TOTAL",
        money(total).as_str(),
        "Card visa ****4242",
        "Change",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    assert_eq!(text, s(&receipt["text"]));
    let (status, content_type, html) = api
        .text(&format!("/v1/pos/tickets/{id}/receipt.html"))
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(
        html.contains("<table>") && html.contains(&money(total)),
        "{html}"
    );
    let reprint = api
        .ok(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/receipt/reprint"),
            None,
            200,
        )
        .await;
    assert_eq!(reprint["duplicate"], true);
    assert!(s(&reprint["text"]).starts_with("*** DUPLICATE ***"));
    let queued = api
        .ok(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/receipt/email"),
            Some(json!({"email": "guest@example.com"})),
            202,
        )
        .await;
    assert_eq!(queued, json!({"queued": true}));
    let (status, body) = api
        .post(
            &format!("/v1/pos/tickets/{id}/receipt/email"),
            json!({"email": "not-an-address"}),
        )
        .await;
    assert_invalid(status, &body, "email");

    // The list embeds lines and payments too, and pages.
    let second = api.open_ticket(&c.location, "Takeaway").await;
    let day = s(&t["businessDay"]);
    let location = &c.location;
    let page = api
        .ok(
            Method::GET,
            &format!("/v1/pos/tickets?locationId={location}&status=SETTLED&businessDay={day}"),
            None,
            200,
        )
        .await;
    assert_eq!(page.as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page[0]["id"], id.as_str());
    assert_eq!(page[0]["lines"].as_array().unwrap().len(), 3);
    assert_eq!(page[0]["payments"].as_array().unwrap().len(), 2);
    let (status, first) = api.get("/v1/pos/tickets?first=1").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["data"][0]["id"], id.as_str());
    assert_eq!(first["pagination"]["hasNextPage"], true);
    let cursor = s(&first["pagination"]["endCursor"]);
    let (_, next) = api
        .get(&format!("/v1/pos/tickets?first=1&after={cursor}"))
        .await;
    assert_eq!(next["data"][0]["id"], second["id"]);
    assert_eq!(next["data"][0]["lines"], json!([]));
    assert_eq!(next["pagination"]["hasNextPage"], false);
    let none = api
        .ok(
            Method::GET,
            "/v1/pos/tickets?businessDay=2001-01-01",
            None,
            200,
        )
        .await;
    assert_eq!(none, json!([]));
}
