//! Lists cost a fixed number of SQL statements however long they are:
//! relations load through dataloaders, one batched query each. Counted by
//! the server's own `db_statements_total` metric, with the job runner off
//! so nothing else talks to the database meanwhile.

use crate::harness::cafe;
use crate::harness::{ServerBuilder, TestServer};
use serde_json::json;

/// Statements one GraphQL request costs.
async fn cost(server: &TestServer, token: &str, query: &str) -> (u64, serde_json::Value) {
    let before = server.data_statements().await;
    let data = server.gql_ok(query, json!({}), Some(token)).await;
    (server.data_statements().await - before, data)
}

const LIST: &str = "{ tickets(first: 100) { nodes { id number
    lines { id name quantity netMinor menuItem { id name priceMinor } }
    payments { id method amountMinor } } } }";

#[tokio::test]
async fn a_hundred_tickets_with_lines_items_and_payments_take_at_most_five_statements() {
    let server = ServerBuilder::new()
        .env("RUN_JOBS_IN_PROCESS", "false")
        .start()
        .await;
    let c = cafe(&server, "n-plus-one").await;
    let owner = c.shop.owner_token.clone();
    for n in 0..100 {
        let t = server.pos(&owner).open_ticket(&c.location, 0).await;
        let id = t["id"].as_str().unwrap().to_owned();
        server
            .pos(&owner)
            .add_line(json!({"ticketId": id, "menuItemId": c.latte, "modifierIds": [c.oat]}))
            .await;
        server
            .pos(&owner)
            .add_line(json!({"ticketId": id, "menuItemId": c.croissant, "quantity": 2}))
            .await;
        server.pos(&owner).pay(json!({"ticketId": id, "method": "CARD", "amountMinor": 100, "cardToken": "tok_visa",
                   "idempotencyKey": format!("n-{n}")}),
        )
        .await;
    }

    // What authenticating a request costs, to subtract.
    let (auth, _) = cost(&server, &owner, "{ __typename }").await;
    let (all, data) = cost(&server, &owner, LIST).await;
    let nodes = data["tickets"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 100);
    for t in nodes {
        assert_eq!(t["lines"].as_array().unwrap().len(), 2, "{t}");
        assert_eq!(t["lines"][0]["menuItem"]["name"], "Latte");
        assert_eq!(t["payments"].as_array().unwrap().len(), 1, "{t}");
    }
    let listing = all - auth;
    assert!(
        listing <= 5,
        "listing 100 tickets took {listing} statements (request {all}, auth {auth})"
    );
    // And the same for one ticket: the count does not grow with the page.
    let (one, _) = cost(&server, &owner, &LIST.replace("first: 100", "first: 1")).await;
    assert_eq!(one - auth, listing, "statements grow with the page");
    eprintln!(
        "listing 100 tickets with lines, items and payments: {listing} statements (+{auth} for auth)"
    );
}
