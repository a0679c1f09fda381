//! Ticket numbers per business day; lines change until sent.

use super::*;

#[tokio::test]
async fn ticket_numbers_count_per_business_day_and_lines_change_until_sent() {
    let server = TestServer::start().await;
    let c = cafe(&server, "numbers").await;
    let owner = c.shop.owner_token.clone();
    let o = Some(owner.as_str());
    let numbers: Vec<i64> = {
        let mut out = Vec::new();
        for _ in 0..3 {
            out.push(
                server.pos(&owner).open_ticket(&c.location, 0).await["number"]
                    .as_i64()
                    .unwrap(),
            );
        }
        out
    };
    assert_eq!(numbers, vec![1, 2, 3]);
    let other = cafe(&server, "numbers-other").await;
    assert_eq!(
        server
            .pos(&other.shop.owner_token)
            .open_ticket(&other.location, 0)
            .await["number"],
        1,
        "per business"
    );

    let (id, t) = server
        .pos(&owner)
        .open_with_line(&c.location, json!({"menuItemId": c.croissant}))
        .await;
    let line = s(&t["lines"][0]["id"]);
    const UPDATE: &str = "mutation($i: UpdateTicketLineInput!) { updateTicketLine(input: $i) { totalMinor lines { quantity } } }";
    let changed = server
        .gql_ok(
            UPDATE,
            json!({"i": {"ticketId": id, "lineId": line, "quantity": 3, "note": "warm"}}),
            o,
        )
        .await;
    assert_eq!(changed["updateTicketLine"]["lines"][0]["quantity"], 3);
    server
        .gql_ok(
            "mutation($i: SendTicketInput!) { sendTicket(input: $i) { id } }",
            json!({"i": {"ticketId": id}}),
            o,
        )
        .await;
    let (code, _) = server
        .gql_err(
            UPDATE,
            json!({"i": {"ticketId": id, "lineId": line, "quantity": 1}}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT", "the kitchen has it");
    let (code, _) = server
        .gql_err(
            "mutation($i: VoidTicketLineInput!) { voidTicketLine(input: $i) { id } }",
            json!({"i": {"ticketId": id, "lineId": line}}),
            o,
        )
        .await;
    assert_eq!(
        code, "VALIDATION",
        "voiding what the kitchen has needs a reason"
    );
    let voided = server
        .gql_ok(
            "mutation($i: VoidTicketLineInput!) { voidTicketLine(input: $i) { totalMinor lines { status } } }",
            json!({"i": {"ticketId": id, "lineId": line, "reason": "dropped"}}),
            o,
        )
        .await;
    assert_eq!(voided["voidTicketLine"]["totalMinor"], 0);
    assert_eq!(voided["voidTicketLine"]["lines"][0]["status"], "VOIDED");
}
