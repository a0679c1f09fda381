//! Announcements end to end: the operator addresses all businesses, chosen
//! ones, or a plan's subscribers; each business's users see exactly what
//! is meant for them, live over a websocket and by query; a dismissal is
//! per user and lapses when the announcement is edited; a scheduled one
//! starts and ends on the scheduler's tick.

use super::{fast_scheduler, in_seconds};
use crate::harness::{Rest, TestServer, Ws, ws_next, ws_subscribe};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const LIVE: &str = "subscription { announcements { id title revision } }";
const CREATE: &str =
    "mutation($i: NewAnnouncementInput!) { createAnnouncement(input: $i) { id status revision } }";

fn announce(title: &str, audience: Value) -> Value {
    let mut input = json!({"title": title, "body": "Details inside.", "severity": "WARNING",
                           "display": "BANNER", "endsAt": in_seconds(3600), "reason": "customer comms"});
    for (k, v) in audience.as_object().unwrap() {
        input[k] = v.clone();
    }
    json!({"i": input})
}

async fn create(server: &TestServer, admin: &str, title: &str, audience: Value) -> String {
    let made = server
        .gql_ok(CREATE, announce(title, audience), Some(admin))
        .await;
    made["createAnnouncement"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The titles in the next list a subscription sends.
async fn next_titles(ws: &mut Ws) -> BTreeSet<String> {
    let message = ws_next(ws).await.expect("a message");
    assert_eq!(message["type"], "next", "{message}");
    message["payload"]["data"]["announcements"]
        .as_array()
        .unwrap_or_else(|| panic!("{message}"))
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Reads a subscription's lists until one is `expected`. Lists on the
/// way may lag (an event committed just before the subscription began can
/// arrive after it), but none may hold a title outside `allowed`: what the
/// business was ever sent.
async fn until(ws: &mut Ws, expected: &[&str], allowed: &[&str]) {
    let expected = set(expected);
    let allowed = set(allowed);
    for _ in 0..8 {
        let seen = next_titles(ws).await;
        assert!(
            seen.is_subset(&allowed),
            "{seen:?} is not within {allowed:?}"
        );
        if seen == expected {
            return;
        }
    }
    panic!("never saw {expected:?}");
}

async fn titles(server: &TestServer, token: &str) -> BTreeSet<String> {
    server
        .gql_ok("{ announcements { title } }", json!({}), Some(token))
        .await["announcements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

fn set(titles: &[&str]) -> BTreeSet<String> {
    titles.iter().map(|t| (*t).to_owned()).collect()
}

#[tokio::test]
async fn each_business_sees_exactly_what_is_addressed_to_it_live_and_by_query() {
    let server = fast_scheduler().await;
    let admin = server.superadmin_token().await;
    let a = server.tenant("ann-a").await;
    let b = server.tenant("ann-b").await;
    let c = server.tenant("ann-c").await;
    let billing = server.billing(&admin);
    billing
        .plan("pro", 4900, 0, json!(["pos"]), json!({}))
        .await;
    billing.assign(c.id, "pro", "MONTH").await;

    let mut live = Vec::new();
    for t in [&a, &b, &c] {
        let mut ws = ws_subscribe(&server, &t.owner_token, LIVE, json!({})).await;
        assert_eq!(next_titles(&mut ws).await, set(&[]), "at first, nothing");
        live.push(ws);
    }

    create(
        &server,
        &admin,
        "To A",
        json!({"audience": "TENANTS", "tenantIds": [a.id]}),
    )
    .await;
    create(
        &server,
        &admin,
        "To pro",
        json!({"audience": "PLANS", "planCodes": ["pro"]}),
    )
    .await;
    create(&server, &admin, "To all", json!({"audience": "ALL"})).await;

    // Each socket's lists show only what its business was sent.
    until(&mut live[0], &["To A", "To all"], &["To A", "To all"]).await;
    until(&mut live[1], &["To all"], &["To all"]).await;
    until(&mut live[2], &["To pro", "To all"], &["To pro", "To all"]).await;
    // Each business's stream was told of exactly its own.
    let mut conn = server.db.owner().await;
    for (t, expected) in [(&a, 2), (&b, 1), (&c, 2)] {
        let told: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM event_outbox WHERE tenant_id = $1 AND event_type = 'announcement.published'",
        )
        .bind(t.id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(told, expected, "{}", t.slug);
    }

    assert_eq!(
        titles(&server, &a.owner_token).await,
        set(&["To A", "To all"])
    );
    assert_eq!(titles(&server, &b.owner_token).await, set(&["To all"]));
    assert_eq!(
        titles(&server, &c.owner_token).await,
        set(&["To pro", "To all"])
    );

    // The tenant's view never names whom else it went to.
    let (code, _) = server
        .gql_err(
            "{ announcements { id tenantIds } }",
            json!({}),
            Some(&a.owner_token),
        )
        .await;
    assert_eq!(code, "VALIDATION");

    // A scheduled one shows when it starts and goes when it ends, on the
    // scheduler's tick, with no request to prompt it.
    create(
        &server,
        &admin,
        "Soon for B",
        json!({"audience": "TENANTS", "tenantIds": [b.id], "startsAt": in_seconds(2), "endsAt": in_seconds(5)}),
    )
    .await;
    assert_eq!(
        titles(&server, &b.owner_token).await,
        set(&["To all"]),
        "not yet"
    );
    const B_SEES: &[&str] = &["To all", "Soon for B"];
    until(&mut live[1], &["To all", "Soon for B"], B_SEES).await;
    until(&mut live[1], &["To all"], B_SEES).await;
    let past = server
        .gql_ok(
            "{ operatorAnnouncements(includePast: true) { title status } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let soon = past["operatorAnnouncements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["title"] == "Soon for B")
        .unwrap()
        .clone();
    assert_eq!(soon["status"], "ENDED");

    // The start and the end were told to B's stream once each.
    let told: Vec<(String, i64)> = sqlx::query_as(
        "SELECT event_type, count(*) FROM event_outbox e JOIN announcements a ON a.id::text = e.entity_id
         WHERE a.title = 'Soon for B' GROUP BY event_type ORDER BY event_type",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        told,
        vec![
            ("announcement.ended".to_owned(), 1),
            ("announcement.published".to_owned(), 1)
        ]
    );
}

#[tokio::test]
async fn a_dismissal_is_per_user_and_lapses_when_the_announcement_is_edited() {
    let server = fast_scheduler().await;
    let admin = server.superadmin_token().await;
    let a = server.tenant("dismiss").await;
    let (_, cashier) = server.staff(&a, "cashier").await;
    let id = create(
        &server,
        &admin,
        "Menu sync tonight",
        json!({"audience": "ALL"}),
    )
    .await;
    let pinned = server
        .gql_ok(
            CREATE,
            {
                let mut v = announce("Pinned", json!({"audience": "ALL"}));
                v["i"]["dismissable"] = json!(false);
                v
            },
            Some(&admin),
        )
        .await["createAnnouncement"]["id"]
        .clone();

    const ALL: &[&str] = &["Menu sync tonight", "Menu sync moved to 23:00", "Pinned"];
    let mut owner_ws = ws_subscribe(&server, &a.owner_token, LIVE, json!({})).await;
    assert_eq!(
        next_titles(&mut owner_ws).await,
        set(&["Menu sync tonight", "Pinned"])
    );

    const DISMISS: &str =
        "mutation($id: UUID!) { dismissAnnouncement(announcementId: $id) { id revision } }";
    server
        .gql_ok(DISMISS, json!({"id": id}), Some(&a.owner_token))
        .await;
    // The owner's other devices hear of it; the cashier still sees it.
    until(&mut owner_ws, &["Pinned"], ALL).await;
    assert_eq!(titles(&server, &a.owner_token).await, set(&["Pinned"]));
    assert_eq!(
        titles(&server, &cashier).await,
        set(&["Menu sync tonight", "Pinned"])
    );

    let (code, _) = server
        .gql_err(DISMISS, json!({"id": pinned}), Some(&a.owner_token))
        .await;
    assert_eq!(code, "CONFLICT", "a pinned announcement stays");
    let (code, _) = server
        .gql_err(
            DISMISS,
            json!({"id": uuid::Uuid::now_v7()}),
            Some(&a.owner_token),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");

    // An edit is a new revision: the owner sees it again.
    let edited = server
        .gql_ok(
            "mutation($i: UpdateAnnouncementInput!) { updateAnnouncement(input: $i) { revision title } }",
            json!({"i": {"announcementId": id, "title": "Menu sync moved to 23:00", "reason": "new time"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(edited["updateAnnouncement"]["revision"], 2);
    until(&mut owner_ws, &["Menu sync moved to 23:00", "Pinned"], ALL).await;
    assert_eq!(
        titles(&server, &a.owner_token).await,
        set(&["Menu sync moved to 23:00", "Pinned"])
    );

    // Withdrawn: gone everywhere, and it cannot be edited any more.
    server
        .gql_ok(
            "mutation($i: WithdrawAnnouncementInput!) { withdrawAnnouncement(input: $i) { status } }",
            json!({"i": {"announcementId": id, "reason": "sync done early"}}),
            Some(&admin),
        )
        .await;
    until(&mut owner_ws, &["Pinned"], ALL).await;
    assert_eq!(titles(&server, &cashier).await, set(&["Pinned"]));
    let (code, _) = server
        .gql_err(
            "mutation($i: UpdateAnnouncementInput!) { updateAnnouncement(input: $i) { revision } }",
            json!({"i": {"announcementId": id, "title": "Again", "reason": "oops"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "CONFLICT");

    // Every operator write says why, on its audit row.
    let audit = server
        .gql_ok(
            "{ platformAuditEvents(filter: {action: \"announcement.\"}, first: 50) { nodes { action reason actorType } } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let reasons: BTreeSet<(String, String)> = audit["platformAuditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        // The users' dismissals are in their businesses' trails, without one.
        .filter(|e| e["actorType"] == "superadmin")
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("announcement.created", "customer comms"),
        ("announcement.updated", "new time"),
        ("announcement.withdrawn", "sync done early"),
    ] {
        assert!(
            reasons.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {reasons:?}"
        );
    }
}

#[tokio::test]
async fn bad_announcements_are_refused_and_change_nothing() {
    let server = fast_scheduler().await;
    let admin = server.superadmin_token().await;
    let a = server.tenant("ann-bad").await;
    let count = || async {
        let mut conn = server.db.owner().await;
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM announcements")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    let before = count().await;
    let (soon, later) = (in_seconds(60), in_seconds(600));
    for (input, field) in [
        (
            json!({"audience": "ALL", "startsAt": later, "endsAt": soon}),
            "endsAt",
        ),
        (
            json!({"audience": "ALL", "startsAt": soon, "endsAt": soon}),
            "endsAt",
        ),
        (
            json!({"audience": "ALL", "endsAt": in_seconds(-60)}),
            "endsAt",
        ),
        (json!({"audience": "ALL", "reason": "   "}), "reason"),
        (json!({"audience": "ALL", "tenantIds": [a.id]}), "audience"),
        (json!({"audience": "TENANTS"}), "tenantIds"),
        (
            json!({"audience": "TENANTS", "tenantIds": [uuid::Uuid::now_v7()]}),
            "tenantIds",
        ),
        (
            json!({"audience": "PLANS", "planCodes": ["no-such-plan"]}),
            "planCodes",
        ),
    ] {
        let (code, body) = server
            .gql_err(CREATE, announce("Bad", input.clone()), Some(&admin))
            .await;
        assert_eq!(code, "VALIDATION", "{input} -> {body}");
        assert!(
            body.to_string().contains(field),
            "{input} names {field}: {body}"
        );
    }
    assert_eq!(count().await, before);

    // Over REST too, and for tenants the operator's routes are closed.
    let rest = Rest::new(&server, &admin);
    let mut body = announce("No reason", json!({"audience": "ALL"}))["i"].clone();
    body.as_object_mut().unwrap().remove("reason");
    let (status, answer) = rest
        .post("/v1/superadmin/announcements", body.clone())
        .await;
    assert_eq!(status, 400, "{answer}");
    body["reason"] = json!("planned downtime");
    let (status, answer) = rest
        .post("/v1/superadmin/announcements", body.clone())
        .await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["data"]["id"].as_str().unwrap().to_owned();
    let tenant = Rest::new(&server, &a.owner_token);
    let (status, _) = tenant.post("/v1/superadmin/announcements", body).await;
    assert_eq!(status, 403);
    let (status, seen) = tenant.get("/v1/support/announcements").await;
    assert_eq!(status, 200);
    assert_eq!(seen["data"][0]["title"], "No reason");
    assert!(seen["data"][0].get("tenantIds").is_none(), "{seen}");
    let (status, _) = tenant
        .post(
            &format!("/v1/support/announcements/{id}/dismiss"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, seen) = tenant.get("/v1/support/announcements").await;
    assert_eq!(seen["data"], json!([]));
    let (status, withdrawn) = rest
        .post(
            &format!("/v1/superadmin/announcements/{id}/withdraw"),
            json!({"reason": "done"}),
        )
        .await;
    assert_eq!(status, 200, "{withdrawn}");
    assert_eq!(withdrawn["data"]["status"], "WITHDRAWN");
}
