//! Ticket pages cost a fixed number of statements over REST.

use super::*;

#[tokio::test]
async fn rest_ticket_pages_embed_lines_payments_and_refunds_in_three_queries() {
    let server = ServerBuilder::new()
        .env("RUN_JOBS_IN_PROCESS", "false")
        .start()
        .await;
    let c = cafe(&server, "pos-rest-n-plus-one").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    for n in 0..20 {
        let t = api.open_ticket(&c.location, &format!("Table {n}")).await;
        let id = s(&t["id"]);
        api.add_line(&id, json!({"menuItemId": c.latte, "modifierIds": [c.oat]}))
            .await;
        api.add_line(&id, json!({"menuItemId": c.croissant, "quantity": 2}))
            .await;
        api.pay(
            &id,
            &format!("n-{n}"),
            json!({"method": "CARD", "amountMinor": 100, "cardToken": "tok_visa"}),
        )
        .await;
    }
    let cost = |path: String| {
        let api = &api;
        let server = &server;
        async move {
            let before = server.data_statements().await;
            let data = api.ok(Method::GET, &path, None, 200).await;
            (server.data_statements().await - before, data)
        }
    };
    // A page with nothing on it: authentication and the list query.
    let (empty, data) = cost(format!("/v1/pos/tickets?locationId={}", c.latte)).await;
    assert_eq!(data, json!([]));
    let (all, data) = cost("/v1/pos/tickets?first=100".to_owned()).await;
    let page = data.as_array().unwrap();
    assert_eq!(page.len(), 20);
    for t in page {
        assert_eq!(t["lines"].as_array().unwrap().len(), 2, "{t}");
        assert_eq!(t["payments"].as_array().unwrap().len(), 1, "{t}");
        assert_eq!(t["refunds"], json!([]));
    }
    assert_eq!(
        all - empty,
        3,
        "lines, payments and refunds: one query each for the page"
    );
    let (one, data) = cost("/v1/pos/tickets?first=1".to_owned()).await;
    assert_eq!(data.as_array().unwrap().len(), 1);
    assert_eq!(one, all, "statements grow with the page");
    let id = s(&page[7]["id"]);
    let (single, data) = cost(format!("/v1/pos/tickets/{id}")).await;
    assert_eq!(data["lines"].as_array().unwrap().len(), 2);
    assert_eq!(single, all, "one ticket costs what a page does");
}
