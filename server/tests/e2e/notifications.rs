//! Emails go out over real SMTP: a listener on loopback reads what arrives.

use crate::events::request_password_reset;
use crate::harness::{Inbox, PASSWORD, ServerBuilder, TestServer};
use serde_json::json;
use std::time::Duration;

async fn server_with_inbox() -> (TestServer, Inbox) {
    let (inbox, url) = Inbox::start().await;
    let server = ServerBuilder::new()
        .env("SMTP_URL", url)
        .env("PUBLIC_URL", "https://app.example")
        .start()
        .await;
    (server, inbox)
}

/// How many times a consumer applied the event `event_id`.
async fn times_applied(conn: &mut sqlx::PgConnection, event_id: uuid::Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM consumed_events WHERE event_id = $1")
        .bind(event_id)
        .fetch_one(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_password_reset_email_carries_a_working_link() {
    let (server, inbox) = server_with_inbox().await;
    let shop = server.tenant("mail").await;
    request_password_reset(&server, &shop).await;
    let mail = inbox.wait_for("Reset your password").await;
    assert!(
        mail.contains(&format!("To: {}", shop.owner_email)),
        "{mail}"
    );
    let link_start = mail
        .find("https://app.example/reset-password?token=")
        .expect("a reset link");
    let token: String = mail[link_start..]
        .trim_start_matches("https://app.example/reset-password?token=")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    assert!(token.starts_with("pr_"), "{token}");
    server
        .gql_ok(
            "mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { ok } }",
            json!({"i": {"token": token, "newPassword": "a brand new password"}}),
            None,
        )
        .await;
    server
        .login(&shop.slug, &shop.owner_email, "a brand new password")
        .await;
}

#[tokio::test]
async fn approval_emails_the_owner_once_even_when_the_event_is_redelivered() {
    let (server, inbox) = server_with_inbox().await;
    let (tenant, slug, email) = server.signup("approved").await;
    let admin = server.superadmin_token().await;
    server
        .gql_ok(
            "mutation($i: TenantReasonInput!) { approveTenant(input: $i) { tenant { status } } }",
            json!({"i": {"tenantId": tenant, "reason": "verified the business"}}),
            Some(&admin),
        )
        .await;
    let mail = inbox.wait_for("is approved").await;
    assert!(mail.contains(&format!("To: {email}")), "{mail}");
    assert!(mail.contains(&slug));

    // Deliver the same event to the consumer again, as a crashed relay would.
    let mut owner = server.db.owner().await;
    let event_id: uuid::Uuid = sqlx::query_scalar(
        "SELECT id FROM event_outbox WHERE tenant_id = $1 AND event_type = 'tenant.approved'",
    )
    .bind(tenant)
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert_eq!(times_applied(&mut owner, event_id).await, 1);
    sqlx::query(
        "UPDATE event_outbox SET status = 'pending', next_attempt_at = now() WHERE id = $1",
    )
    .bind(event_id)
    .execute(&mut owner)
    .await
    .unwrap();
    for _ in 0..100 {
        let status: String = sqlx::query_scalar("SELECT status FROM event_outbox WHERE id = $1")
            .bind(event_id)
            .fetch_one(&mut owner)
            .await
            .unwrap();
        if status == "dispatched" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(inbox.count("is approved"), 1, "the owner got one email");
    assert_eq!(times_applied(&mut owner, event_id).await, 1);
    let _ = PASSWORD;
}

#[tokio::test]
async fn low_stock_and_receipts_are_emailed() {
    let (server, inbox) = server_with_inbox().await;
    let shop = server.tenant("mail-stock").await;
    let owner = shop.owner_token.clone();
    let bar = server.inventory(&owner).location("Bar").await;
    let gin = server.inventory(&owner).stock_item("GIN", "EACH").await;
    server
        .inventory(&owner)
        .adjust(json!({"stockItemId": gin, "locationId": bar, "kind": "RECEIVED", "quantity": 5}))
        .await;
    server
        .gql_ok(
            "mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { low } }",
            json!({"i": {"stockItemId": gin, "locationId": bar, "reorderPoint": 3}}),
            Some(&owner),
        )
        .await;
    server.inventory(&owner).adjust(json!({"stockItemId": gin, "locationId": bar, "kind": "WASTE", "quantity": 2, "reason": "broken"}),
    )
    .await;
    let mail = inbox.wait_for("Low stock: Stock GIN at Bar").await;
    assert!(
        mail.contains(&format!("To: {}", shop.owner_email)),
        "{mail}"
    );
    assert!(mail.contains("3 each left, reorder point 3 each"), "{mail}");

    // A receipt, asked for at the till, arrives by email.
    let c = crate::harness::cafe(&server, "mail-receipt").await;
    let t = c.shop.owner_token.clone();
    let ticket = server.pos(&t).open_ticket(&c.location, 0).await["id"].clone();
    server
        .pos(&t)
        .add_line(json!({"ticketId": ticket, "menuItemId": c.croissant, "quantity": 2}))
        .await;
    server.pos(&t).pay(json!({"ticketId": ticket, "method": "CARD", "cardToken": "tok_amex", "idempotencyKey": "mail-1"}),
    )
    .await;
    server.pos(&t).settle(ticket.as_str().unwrap()).await;
    let queued = server
        .gql_ok(
            "mutation($i: EmailReceiptInput!) { emailReceipt(input: $i) { queued } }",
            json!({"i": {"ticketId": ticket, "email": "guest@example.test"}}),
            Some(&t),
        )
        .await;
    assert_eq!(queued["emailReceipt"]["queued"], true);
    let receipt = inbox.wait_for("Your receipt from").await;
    assert!(receipt.contains("To: guest@example.test"), "{receipt}");
    assert!(receipt.contains("2 x Croissant"), "{receipt}");
    assert!(receipt.contains("Card amex ****0005"), "{receipt}");
    let (code, _) = server
        .gql_err(
            "mutation($i: EmailReceiptInput!) { emailReceipt(input: $i) { queued } }",
            json!({"i": {"ticketId": ticket, "email": "not an email"}}),
            Some(&t),
        )
        .await;
    assert_eq!(code, "VALIDATION");
}
