//! The support inbox end to end: a business opens a ticket with a file, the
//! operator works it from the queue (notes, answers, moves), emails go both
//! ways over real SMTP, and an internal note reaches the business by no
//! path: query, subscription, REST, email, event stream, audit trail,
//! export or backup. Attachments have explicit limits; another business
//! sees none of it.

use crate::harness::{Inbox, Rest, ServerBuilder, TestServer, Ws, ws_next, ws_subscribe};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

const SECRET: &str = "NOTE-7f3a: refund them quietly";

const OPEN: &str = "mutation($i: NewSupportTicketInput!) { openSupportTicket(input: $i) {
    ticket { id number status priority } messages { id authorKind authorName body attachments { id fileName sha256 sizeBytes } } } }";
const THREAD: &str = "query($id: UUID!) { supportTicket(id: $id) {
    ticket { id status } messages { authorKind authorName body attachments { fileName } } } }";
const CASE: &str = "query($id: UUID!) { supportCase(id: $id) {
    case { tenantName assigneeName slaDueAt slaBreached ticket { status }
           sla { metric state dueAt } }
    messages { authorKind body } notes { authorName body } } }";
const ANSWER: &str = "mutation($i: AnswerSupportTicketInput!) { answerSupportTicket(input: $i) {
    case { ticket { status } sla { metric state } } } }";
const STATUS: &str =
    "mutation($i: SetSupportTicketStatusInput!) { setSupportTicketStatus(input: $i) {
    case { ticket { status } } } }";
const REPLY: &str = "mutation($i: ReplyToSupportTicketInput!) { replyToSupportTicket(input: $i) {
    ticket { status } messages { body } } }";

async fn server_with_inbox(
    export_dir: &std::path::Path,
    extra: &[(&str, &str)],
) -> (TestServer, Inbox) {
    let (inbox, url) = Inbox::start().await;
    let mut builder = ServerBuilder::new()
        .env("SMTP_URL", url)
        .env("PUBLIC_URL", "https://app.example")
        .env("EXPORT_DIR", export_dir.display())
        .env("SCHEDULER_TICK_SECS", 1);
    for (k, v) in extra {
        builder = builder.env(k, v);
    }
    (builder.start().await, inbox)
}

fn export_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("support-{}", uuid::Uuid::new_v4().simple()))
}

/// Uploads `bytes` as `name`; answers (status, body).
async fn upload(
    server: &TestServer,
    token: &str,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let resp = server
        .http
        .post(server.url(&format!("{path}?fileName={name}")))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The next thread a `supportTicket` subscription sends.
async fn next_thread(ws: &mut Ws) -> Value {
    let message = ws_next(ws).await.expect("a message");
    assert_eq!(message["type"], "next", "{message}");
    message["payload"]["data"]["supportTicket"].clone()
}

#[tokio::test]
async fn a_ticket_is_worked_to_closed_and_its_internal_note_never_reaches_the_business() {
    let dir = export_dir();
    let (server, inbox) = server_with_inbox(&dir, &[]).await;
    let shop = server.tenant("helpdesk").await;
    let other = server.tenant("helpdesk-other").await;
    let admin = server.superadmin_token().await;
    let owner = Rest::new(&server, &shop.owner_token);

    // A file first, then the ticket that names it.
    let pdf = b"%PDF-1.4 the z-report that does not add up".to_vec();
    let (status, uploaded) = upload(
        &server,
        &shop.owner_token,
        "/v1/support/uploads",
        "z-report.pdf",
        pdf.clone(),
    )
    .await;
    assert_eq!(status, 201, "{uploaded}");
    let file_id = uploaded["data"]["id"].as_str().unwrap().to_owned();
    let opened = server
        .gql_ok(
            OPEN,
            json!({"i": {"subject": "Z report is off by 3.20", "body": "Yesterday's Z report does not match the drawer.",
                         "category": "MENU_AND_POS", "priority": "HIGH", "attachmentIds": [file_id]}}),
            Some(&shop.owner_token),
        )
        .await["openSupportTicket"]
        .clone();
    let id = opened["ticket"]["id"].as_str().unwrap().to_owned();
    let number = opened["ticket"]["number"].as_i64().unwrap();
    assert_eq!(opened["ticket"]["status"], "NEW");
    let attachment = &opened["messages"][0]["attachments"][0];
    assert_eq!(attachment["fileName"], "z-report.pdf");
    assert_eq!(attachment["sizeBytes"], pdf.len());
    // The file comes back byte for byte, to its business only.
    let resp = server
        .http
        .get(server.url(&format!("/v1/support/attachments/{file_id}")))
        .bearer_auth(&shop.owner_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), pdf);
    let (status, _) = Rest::new(&server, &other.owner_token)
        .get(&format!("/v1/support/attachments/{file_id}"))
        .await;
    assert_eq!(status, 404);
    // Used once; naming it again is refused, not ignored.
    let (code, _) = server
        .gql_err(
            OPEN,
            json!({"i": {"subject": "Again", "body": "Same file", "category": "OTHER", "attachmentIds": [file_id]}}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(code, "VALIDATION");

    // The operator hears of it and finds it at the head of the queue.
    let mail = inbox.wait_for(&format!("#{number} Z report is off")).await;
    assert!(mail.contains("To: root@platform.test"), "{mail}");
    let queue = server
        .gql_ok(
            "{ supportQueue { totalCount items { ticket { id } tenantName slaDueAt sla { metric state } } } }",
            json!({}),
            Some(&admin),
        )
        .await["supportQueue"]
        .clone();
    assert_eq!(queue["items"][0]["ticket"]["id"], id.as_str());
    assert!(queue["items"][0]["slaDueAt"].is_string());
    assert_eq!(
        queue["items"][0]["sla"],
        json!([{"metric": "FIRST_REPLY", "state": "RUNNING"}, {"metric": "RESOLUTION", "state": "RUNNING"}])
    );

    // The business watches its ticket live.
    let mut ws = ws_subscribe(
        &server,
        &shop.owner_token,
        "subscription($id: UUID!) { supportTicket(id: $id) { ticket { status } messages { body } } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(
        next_thread(&mut ws).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A note, then a public answer: the business sees the answer alone.
    let note = server
        .gql_ok(
            "mutation($i: AddSupportNoteInput!) { addSupportNote(input: $i) { authorName body } }",
            json!({"i": {"ticketId": id, "body": SECRET}}),
            Some(&admin),
        )
        .await;
    assert_eq!(note["addSupportNote"]["body"], SECRET);
    let answered = server
        .gql_ok(
            ANSWER,
            json!({"i": {"ticketId": id, "body": "The card tips were counted twice; fixed in 1.4.2."}}),
            Some(&admin),
        )
        .await["answerSupportTicket"]
        .clone();
    assert_eq!(answered["case"]["ticket"]["status"], "PENDING");
    assert_eq!(
        answered["case"]["sla"],
        json!([{"metric": "FIRST_REPLY", "state": "MET"}, {"metric": "RESOLUTION", "state": "PAUSED"}])
    );
    let live = next_thread(&mut ws).await;
    assert_eq!(live["ticket"]["status"], "PENDING");
    assert_eq!(live["messages"].as_array().unwrap().len(), 2);
    assert!(!live.to_string().contains("NOTE-7f3a"), "{live}");
    let mail = inbox.wait_for("answered your ticket").await;
    assert!(
        mail.contains(&format!("To: {}", shop.owner_email)),
        "{mail}"
    );
    assert!(mail.contains("counted twice"), "{mail}");

    // The business writes back: open again, a next-reply clock runs.
    let replied = server
        .gql_ok(
            REPLY,
            json!({"i": {"ticketId": id, "body": "Updated, the Z report matches now."}}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(replied["replyToSupportTicket"]["ticket"]["status"], "OPEN");
    inbox.wait_for("replied to ticket").await;
    let case = server.gql_ok(CASE, json!({"id": id}), Some(&admin)).await["supportCase"].clone();
    assert_eq!(case["case"]["tenantName"], case["case"]["tenantName"]);
    assert_eq!(case["notes"][0]["body"], SECRET);
    assert!(
        case["case"]["sla"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["metric"] == "NEXT_REPLY" && c["state"] == "RUNNING")
    );

    // Operator moves need a reason; solving emails the business; a reply
    // reopens; closing takes a solved ticket.
    let (code, _) = server
        .gql_err(
            STATUS,
            json!({"i": {"ticketId": id, "status": "SOLVED", "reason": "  "}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    let solved = server
        .gql_ok(
            STATUS,
            json!({"i": {"ticketId": id, "status": "SOLVED", "reason": "confirmed fixed"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        solved["setSupportTicketStatus"]["case"]["ticket"]["status"],
        "SOLVED"
    );
    inbox.wait_for("is solved").await;
    let reopened = server
        .gql_ok(
            REPLY,
            json!({"i": {"ticketId": id, "body": "One more question."}}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(reopened["replyToSupportTicket"]["ticket"]["status"], "OPEN");
    let (code, _) = server
        .gql_err(
            STATUS,
            json!({"i": {"ticketId": id, "status": "CLOSED", "reason": "tidy"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    owner
        .ok(
            Method::POST,
            &format!("/v1/support/tickets/{id}/solve"),
            None,
            200,
        )
        .await;
    server
        .gql_ok(
            STATUS,
            json!({"i": {"ticketId": id, "status": "CLOSED", "reason": "done"}}),
            Some(&admin),
        )
        .await;
    let (code, _) = server
        .gql_err(
            REPLY,
            json!({"i": {"ticketId": id, "body": "Hello?"}}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(code, "CONFLICT");

    // Another business: not found by any door.
    let (code, _) = server
        .gql_err(THREAD, json!({"id": id}), Some(&other.owner_token))
        .await;
    assert_eq!(code, "NOT_FOUND");
    let (status, _) = Rest::new(&server, &other.owner_token)
        .post(
            &format!("/v1/support/tickets/{id}/replies"),
            json!({"body": "hi"}),
        )
        .await;
    assert_eq!(status, 404);
    let listed = Rest::new(&server, &other.owner_token)
        .get("/v1/support/tickets")
        .await
        .1;
    assert_eq!(listed["data"], json!([]));

    // Every path to the business, read in full: no trace of the note.
    let mut seen = Vec::new();
    seen.push(
        server
            .gql_ok(THREAD, json!({"id": id}), Some(&shop.owner_token))
            .await
            .to_string(),
    );
    seen.push(
        owner
            .get(&format!("/v1/support/tickets/{id}"))
            .await
            .1
            .to_string(),
    );
    seen.push(owner.get("/v1/support/tickets").await.1.to_string());
    seen.push(
        owner
            .get("/v1/rbac/audit-events?first=100")
            .await
            .1
            .to_string(),
    );
    seen.extend(
        inbox
            .all()
            .into_iter()
            .filter(|m| m.contains(&shop.owner_email)),
    );
    seen.push(business_events(&server, &shop.owner_token).await);
    seen.push(backup(&server, &admin, &shop.owner_token, shop.id).await);
    assert!(
        seen.last()
            .unwrap()
            .contains("The card tips were counted twice")
    );
    for text in &seen {
        assert!(!text.contains("NOTE-7f3a"), "a note leaked: {text}");
        assert!(
            !text.contains("support.note"),
            "a note's trace leaked: {text}"
        );
    }
    // The operator's own trail keeps that the note was written, not what.
    let trail = server
        .gql_ok(
            "{ platformAuditEvents(first: 50) { edges { node { action after } } } }",
            json!({}),
            Some(&admin),
        )
        .await
        .to_string();
    assert!(trail.contains("support.note.added"), "{trail}");
    assert!(!trail.contains("NOTE-7f3a"), "{trail}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Every event of the business's stream from the start, up to the close.
async fn business_events(server: &TestServer, token: &str) -> String {
    let mut ws = ws_subscribe(
        server,
        token,
        "subscription { events(after: 0) { type data } }",
        json!({}),
    )
    .await;
    let mut all = Vec::new();
    loop {
        let message = ws_next(&mut ws).await.expect("an event");
        let event = message["payload"]["data"]["events"].clone();
        all.push(event.to_string());
        if event["type"] == "support.ticket.status_changed" && event["data"]["status"] == "CLOSED" {
            return all.join("\n");
        }
    }
}

/// A backup of the business, run by the operator, downloaded by the owner.
async fn backup(server: &TestServer, admin: &str, owner: &str, tenant: uuid::Uuid) -> String {
    let export = server
        .gql_ok(
            "mutation($i: RunTenantBackupInput!) { runTenantBackup(input: $i) { id } }",
            json!({"i": {"tenantId": tenant, "reason": "checking the note stays out"}}),
            Some(admin),
        )
        .await;
    let id = export["runTenantBackup"]["id"].as_str().unwrap().to_owned();
    for _ in 0..200 {
        let resp = server
            .http
            .get(server.url(&format!("/v1/exports/{id}/download")))
            .bearer_auth(owner)
            .send()
            .await
            .unwrap();
        if resp.status() == 200 {
            return resp.text().await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the backup never finished");
}

#[tokio::test]
async fn attachment_limits_refuse_explicitly_and_keep_nothing() {
    let dir = export_dir();
    // Uploads may be larger than other requests, up to their own limit.
    let (server, _inbox) = server_with_inbox(
        &dir,
        &[
            ("SUPPORT_ATTACHMENT_MAX_BYTES", "4096"),
            ("REQUEST_BODY_LIMIT_BYTES", "2048"),
        ],
    )
    .await;
    let shop = server.tenant("limits").await;
    let other = server.tenant("limits-other").await;
    let token = shop.owner_token.as_str();
    let path = "/v1/support/uploads";

    let (status, body) = upload(&server, token, path, "big.pdf", vec![b'x'; 3000]).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = upload(&server, token, path, "huge.pdf", vec![b'x'; 5000]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("VALIDATION")),
        "{body}"
    );
    let (status, body) = upload(&server, token, path, "empty.pdf", Vec::new()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("VALIDATION")),
        "{body}"
    );
    let (status, _) = upload(&server, token, path, "..%2Fescape", vec![b'x'; 10]).await;
    assert_eq!(status, 400);
    // Other requests keep the smaller limit.
    let (status, _) = Rest::new(&server, token)
        .post(
            "/v1/support/tickets",
            json!({"subject": "x", "body": "y".repeat(3000), "category": "OTHER"}),
        )
        .await;
    assert_eq!(status, 413);

    // Six files on one message is one too many; the ticket is not opened.
    let mut ids = Vec::new();
    for i in 0..6 {
        let (_, body) = upload(&server, token, path, &format!("f{i}.pdf"), vec![b'x'; 10]).await;
        ids.push(body["data"]["id"].as_str().unwrap().to_owned());
    }
    let (code, body) = server
        .gql_err(OPEN, json!({"i": {"subject": "Files", "body": "Six", "category": "OTHER", "attachmentIds": ids}}), Some(token))
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["details"]["limit"], 5);
    // Another business's upload is not the caller's to attach.
    let (_, theirs) = upload(
        &server,
        &other.owner_token,
        path,
        "theirs.pdf",
        vec![b'x'; 10],
    )
    .await;
    let theirs = theirs["data"]["id"].as_str().unwrap().to_owned();
    let (code, body) = server
        .gql_err(OPEN, json!({"i": {"subject": "Files", "body": "Theirs", "category": "OTHER", "attachmentIds": [theirs]}}), Some(token))
        .await;
    assert_eq!(code, "VALIDATION");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["unusable"],
        json!([theirs])
    );
    let tickets = server
        .gql_ok(
            "{ supportTickets { edges { node { id } } } }",
            json!({}),
            Some(token),
        )
        .await;
    assert_eq!(tickets["supportTickets"]["edges"], json!([]));
    // Five is fine.
    let opened = server
        .gql_ok(OPEN, json!({"i": {"subject": "Files", "body": "Five", "category": "OTHER", "attachmentIds": &ids[..5]}}), Some(token))
        .await;
    assert_eq!(
        opened["openSupportTicket"]["messages"][0]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_operator_hears_of_a_clock_near_breach_by_email() {
    let dir = export_dir();
    let (server, inbox) = server_with_inbox(&dir, &[]).await;
    let shop = server.tenant("sla-mail").await;
    let admin = server.superadmin_token().await;
    // Open around the clock; an urgent first reply within a minute, with a
    // warning at 1 % of it.
    let hours: Vec<Value> = (1..=7)
        .map(|d| json!({"weekday": d, "opens": "00:00", "closes": "24:00"}))
        .collect();
    server
        .gql_ok(
            "mutation($i: SupportSettingsInput!) { updateSupportSettings(input: $i) { warnPercent } }",
            json!({"i": {"hours": hours, "warnPercent": 1, "reason": "24/7 desk"}}),
            Some(&admin),
        )
        .await;
    let (code, _) = server
        .gql_err(
            "mutation($i: SlaPolicyInput!) { setSlaPolicy(input: $i) { warnPercent } }",
            json!({"i": {"priority": "URGENT", "firstReplyMinutes": 0, "nextReplyMinutes": 1, "resolutionMinutes": 1, "reason": "x"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    server
        .gql_ok(
            "mutation($i: SlaPolicyInput!) { setSlaPolicy(input: $i) { policies { priority firstReplyMinutes } } }",
            json!({"i": {"priority": "URGENT", "firstReplyMinutes": 1, "nextReplyMinutes": 1, "resolutionMinutes": 1, "reason": "drill"}}),
            Some(&admin),
        )
        .await;
    let opened = server
        .gql_ok(OPEN, json!({"i": {"subject": "Till down", "body": "Nothing prints.", "category": "TECHNICAL", "priority": "URGENT"}}),
                Some(&shop.owner_token))
        .await;
    let number = opened["openSupportTicket"]["ticket"]["number"]
        .as_i64()
        .unwrap();
    // Both running clocks (first reply, resolution) warn, each once.
    let mail = inbox
        .wait_for(&format!("The first reply target of ticket {number}"))
        .await;
    assert!(
        mail.contains(&format!("Subject: SLA warning: #{number}")),
        "{mail}"
    );
    inbox
        .wait_for(&format!("The resolution target of ticket {number}"))
        .await;
    let queue = server
        .gql_ok(
            "{ supportQueue { items { slaNearBreach } } }",
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(queue["supportQueue"]["items"][0]["slaNearBreach"], true);
    let _ = std::fs::remove_dir_all(dir);
}
