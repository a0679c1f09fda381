//! Split, merge and move at the till, watched from the kitchen: the work of
//! every line stays on its stations in the state it had (same items, same
//! fire times, never fired again, none lost), shown under its new ticket.

use super::{Kitchen, gql, kitchen, screen};
use crate::harness::Rest;
use serde_json::{Value, json};

const TICKET: &str = "query($id: UUID!) { ticket(id: $id) {
    id number label status mergedInto sentAt totalMinor lines { id seat sentAt status } } }";

async fn ticket(k: &Kitchen, id: &Value) -> Value {
    gql(k, TICKET, json!({"id": id})).await["ticket"].clone()
}

/// Every kitchen item on the bar and oven: (item id, ticket id, status, firedAt).
async fn work(k: &Kitchen) -> Vec<(Value, Value, Value, Value)> {
    let mut all = Vec::new();
    for station in [&k.bar, &k.oven] {
        for t in screen(k, station).await {
            for i in t["items"].as_array().unwrap() {
                all.push((
                    i["id"].clone(),
                    t["ticketId"].clone(),
                    i["status"].clone(),
                    i["firedAt"].clone(),
                ));
            }
        }
    }
    all.sort_by_key(|w| w.0.to_string());
    all
}

#[tokio::test]
async fn split_merge_and_move_never_refire_or_lose_a_line() {
    let k = kitchen().await;
    let id = gql(
        &k,
        "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
        json!({"i": {"locationId": k.location, "label": "Table 2"}}),
    )
    .await["openTicket"]["id"]
        .clone();
    for (item, seat) in [
        (&k.coffee_item, 1),
        (&k.bakery_item, 2),
        (&k.coffee_item, 2),
    ] {
        gql(
            &k,
            "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id } }",
            json!({"i": {"ticketId": id, "menuItemId": item, "seat": seat}}),
        )
        .await;
    }
    gql(
        &k,
        "mutation($i: SendTicketInput!) { sendTicket(input: $i) { id } }",
        json!({"i": {"ticketId": id}}),
    )
    .await;
    let before = work(&k).await;
    assert_eq!(before.len(), 3);
    let first_total = ticket(&k, &id).await["totalMinor"].clone();

    // Bad splits change nothing.
    for (input, expected) in [
        (json!({"ticketId": id}), "VALIDATION"),
        (
            json!({"ticketId": id, "seats": [2], "lineIds": [uuid::Uuid::now_v7()]}),
            "VALIDATION",
        ),
        (json!({"ticketId": id, "seats": [1, 2]}), "VALIDATION"),
        (json!({"ticketId": id, "seats": [7]}), "VALIDATION"),
        (
            json!({"ticketId": id, "lineIds": [uuid::Uuid::now_v7()]}),
            "VALIDATION",
        ),
        (
            json!({"ticketId": id, "seats": [2], "expectedVersion": 1}),
            "CONFLICT",
        ),
    ] {
        let (code, body) = k
            .server
            .gql_err(
                "mutation($i: SplitTicketInput!) { splitTicket(input: $i) { created { id } } }",
                json!({"i": input}),
                Some(&k.owner),
            )
            .await;
        assert_eq!(code, expected, "{input}: {body}");
    }
    assert_eq!(work(&k).await, before);

    // Seat 2 pays apart: its two lines and their work go to a new ticket.
    let split = gql(
        &k,
        "mutation($i: SplitTicketInput!) { splitTicket(input: $i) {
            source { id lines { id } } created { id number label sentAt lines { id seat sentAt } } } }",
        json!({"i": {"ticketId": id, "seats": [2]}}),
    )
    .await["splitTicket"]
        .clone();
    let created = split["created"].clone();
    let new_id = created["id"].clone();
    assert_eq!(split["source"]["lines"].as_array().unwrap().len(), 1);
    assert_eq!(created["lines"].as_array().unwrap().len(), 2);
    assert_eq!(created["label"], "Table 2");
    assert!(created["sentAt"].is_string());
    assert!(
        created["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["sentAt"].is_string() && l["seat"] == 2)
    );
    let after = work(&k).await;
    // The same three items, in the same states with the same fire times;
    // two of them now under the new ticket.
    let strip = |w: &[(Value, Value, Value, Value)]| {
        w.iter()
            .map(|(i, _, s, f)| (i.clone(), s.clone(), f.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&after), strip(&before));
    assert_eq!(after.iter().filter(|w| w.1 == new_id).count(), 2);
    // Nothing is new for the kitchen on either ticket.
    for t in [&id, &new_id] {
        let (code, _) = k
            .server
            .gql_err(
                "mutation($i: SendTicketInput!) { sendTicket(input: $i) { id } }",
                json!({"i": {"ticketId": t}}),
                Some(&k.owner),
            )
            .await;
        assert_eq!(code, "CONFLICT");
    }

    // Moved to table 9 (over REST): the bar shows the new table.
    let (status, body) = Rest::new(&k.server, &k.owner)
        .post(
            &format!("/v1/pos/tickets/{}/move", new_id.as_str().unwrap()),
            json!({"label": "Table 9"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let bar = screen(&k, &k.bar).await;
    let moved = bar.iter().find(|t| t["ticketId"] == new_id).unwrap();
    assert_eq!(moved["label"], "Table 9");

    // Merged back: every line on the first ticket, the other MERGED.
    let (code, _) = k
        .server
        .gql_err(
            "mutation($i: MergeTicketsInput!) { mergeTickets(input: $i) { id } }",
            json!({"i": {"ticketId": id, "sourceTicketId": id}}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    gql(
        &k,
        "mutation($i: MergeTicketsInput!) { mergeTickets(input: $i) { id } }",
        json!({"i": {"ticketId": id, "sourceTicketId": new_id}}),
    )
    .await;
    let whole = ticket(&k, &id).await;
    assert_eq!(whole["lines"].as_array().unwrap().len(), 3);
    assert_eq!(whole["totalMinor"], first_total);
    let merged = ticket(&k, &new_id).await;
    assert_eq!(
        (&merged["status"], &merged["mergedInto"]),
        (&json!("MERGED"), &id)
    );
    assert_eq!(merged["totalMinor"], 0);
    let last = work(&k).await;
    assert_eq!(strip(&last), strip(&before));
    assert!(last.iter().all(|w| w.1 == id));
    // A merged ticket takes no more changes.
    let (code, _) = k
        .server
        .gql_err(
            "mutation($i: MergeTicketsInput!) { mergeTickets(input: $i) { id } }",
            json!({"i": {"ticketId": id, "sourceTicketId": new_id}}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "CONFLICT");

    // Another business can neither split, merge, move nor pull this one's
    // ticket into its own.
    let other = k.server.tenant("other-regroup").await;
    let t = Some(other.owner_token.as_str());
    let theirs = k
        .server
        .gql_ok(
            "mutation { createLocation(input: {name: \"Theirs\"}) { id } }",
            json!({}),
            t,
        )
        .await["createLocation"]["id"]
        .clone();
    let their_ticket = k
        .server
        .gql_ok(
            "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
            json!({"i": {"locationId": theirs}}),
            t,
        )
        .await["openTicket"]["id"]
        .clone();
    for (document, input) in [
        (
            "mutation($i: SplitTicketInput!) { splitTicket(input: $i) { created { id } } }",
            json!({"ticketId": id, "seats": [1]}),
        ),
        (
            "mutation($i: MergeTicketsInput!) { mergeTickets(input: $i) { id } }",
            json!({"ticketId": their_ticket, "sourceTicketId": id}),
        ),
        (
            "mutation($i: MoveTicketInput!) { moveTicket(input: $i) { id } }",
            json!({"ticketId": id, "label": "Stolen"}),
        ),
    ] {
        let (code, body) = k.server.gql_err(document, json!({"i": input}), t).await;
        assert_eq!(code, "NOT_FOUND", "{document}: {body}");
    }
    assert_eq!(ticket(&k, &id).await["lines"].as_array().unwrap().len(), 3);
    assert_eq!(work(&k).await, last);
}
