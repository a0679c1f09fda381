//! Maintenance windows end to end, with two replicas ticking: the window
//! starts and ends on time, each transition happens once, writes to its
//! modules are refused only inside it (`CONFLICT` naming the window and its
//! end, `Retry-After` over REST) while reads and other modules work, the
//! banner reaches the business, and `/health/ready` reports it.

use super::in_seconds;
use crate::harness::{Rest, ServerBuilder, TestServer};
use serde_json::{Value, json};
use std::time::Duration;

const SCHEDULE: &str = "mutation($i: NewMaintenanceWindowInput!) { scheduleMaintenanceWindow(input: $i) { id status startsAt endsAt } }";
const MENU_WRITE: &str =
    "mutation($i: CreateMenuCategoryInput!) { createMenuCategory(input: $i) { id } }";
const ADMIN_WRITE: &str = "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }";

async fn sleep_until(at: &str) {
    let at = chrono::DateTime::parse_from_rfc3339(at).unwrap();
    let wait = (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(250)).await;
}

async fn count(server: &TestServer, sql: &str, id: &str) -> i64 {
    let mut conn = server.db.owner().await;
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_window_refuses_writes_to_its_modules_only_while_it_runs_on_two_replicas() {
    let first = ServerBuilder::new()
        .env("SCHEDULER_TICK_SECS", 1)
        .start()
        .await;
    let second = ServerBuilder::new()
        .env("SCHEDULER_TICK_SECS", 1)
        .db(first.db.clone())
        .redis(first.redis.clone())
        .start()
        .await;
    let admin = first.superadmin_token().await;
    let cafe = first.tenant("maint").await;
    let owner = Some(cafe.owner_token.as_str());

    let (starts, ends) = (in_seconds(4), in_seconds(8));
    let made = first
        .gql_ok(
            SCHEDULE,
            json!({"i": {"title": "Menu database move", "message": "Prices freeze for a few minutes.",
                         "modules": ["menu"], "startsAt": starts, "endsAt": ends,
                         "remindMinutesBefore": 1, "reason": "moving the menu tables"}}),
            Some(&admin),
        )
        .await["scheduleMaintenanceWindow"]
        .clone();
    assert_eq!(made["status"], "SCHEDULED");
    let id = made["id"].as_str().unwrap().to_owned();

    // Before it starts, menu writes work.
    first
        .gql_ok(MENU_WRITE, json!({"i": {"name": "Before"}}), owner)
        .await;

    sleep_until(&starts).await;
    // Inside: menu writes are refused on either replica, naming the window.
    for server in [&first, &second] {
        let (code, body) = server
            .gql_err(MENU_WRITE, json!({"i": {"name": "During"}}), owner)
            .await;
        assert_eq!(code, "CONFLICT", "{body}");
        let details = &body["errors"][0]["extensions"]["details"];
        assert_eq!(details["reason"], "maintenance", "{body}");
        assert_eq!(details["window"]["id"], json!(id), "{body}");
        assert_eq!(details["window"]["title"], "Menu database move");
        assert!(details["window"]["endsAt"].is_string(), "{body}");
        assert!(body.to_string().contains("Menu database move"));
    }
    let rest = Rest::new(&second, &cafe.owner_token);
    let response = rest
        .request(
            reqwest::Method::POST,
            "/v1/menu/categories",
            Some(json!({"name": "During"})),
            &[],
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    let retry: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=5).contains(&retry), "retry after {retry}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["details"]["window"]["id"], json!(id));
    // Reads keep working, and so do other modules' writes.
    first
        .gql_ok("{ menuCategories { id name } }", json!({}), owner)
        .await;
    second
        .gql_ok(ADMIN_WRITE, json!({"i": {"name": "Annex"}}), owner)
        .await;
    let (status, _, health) = first.get_json("/health/ready").await;
    assert_eq!(status, 200, "maintenance is not unreadiness: {health}");
    assert_eq!(health["maintenance"][0]["id"], json!(id), "{health}");
    assert_eq!(health["maintenance"][0]["modules"], json!(["menu"]));

    // The business sees the banner once the scheduler has started it.
    let mut banner = Value::Null;
    for _ in 0..30 {
        let seen = first
            .gql_ok("{ announcements { title severity } }", json!({}), owner)
            .await;
        if let Some(found) = seen["announcements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == "Maintenance in progress: Menu database move")
        {
            banner = found.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(banner["severity"], "CRITICAL", "never saw the banner");

    sleep_until(&ends).await;
    first
        .gql_ok(MENU_WRITE, json!({"i": {"name": "After"}}), owner)
        .await;
    let mut status = Value::Null;
    for _ in 0..30 {
        let windows = second
            .gql_ok(
                "{ operatorMaintenanceWindows(includePast: true) { id status } }",
                json!({}),
                Some(&admin),
            )
            .await;
        status = windows["operatorMaintenanceWindows"][0]["status"].clone();
        if status == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, "COMPLETED");
    let (_, _, health) = second.get_json("/health/ready").await;
    assert_eq!(health["maintenance"], json!([]));

    // Two replicas ticked every second: each transition happened once.
    for (action, expected) in [
        ("maintenance.scheduled", 1),
        ("maintenance.reminded", 1),
        ("maintenance.started", 1),
        ("maintenance.completed", 1),
    ] {
        let n = count(
            &first,
            &format!(
                "SELECT count(*) FROM audit_events WHERE action = '{action}' AND entity_id = $1"
            ),
            &id,
        )
        .await;
        assert_eq!(n, expected, "{action}");
    }
    for event in [
        "maintenance.reminder",
        "maintenance.started",
        "maintenance.completed",
    ] {
        let n = count(
            &first,
            &format!(
                "SELECT count(*) FROM event_outbox WHERE event_type = '{event}' AND entity_id = $1"
            ),
            &id,
        )
        .await;
        assert_eq!(n, 1, "{event}: one business, told once");
    }
    let seen = first
        .gql_ok("{ announcements { title } }", json!({}), owner)
        .await;
    assert_eq!(
        seen["announcements"],
        json!([]),
        "the banner ended with the window"
    );
}

#[tokio::test]
async fn bad_windows_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let cafe = server.tenant("maint-bad").await;
    let (soon, later) = (in_seconds(600), in_seconds(1200));
    for (input, field) in [
        (json!({"startsAt": later, "endsAt": soon}), "endsAt"),
        (json!({"startsAt": soon, "endsAt": soon}), "endsAt"),
        (json!({"endsAt": in_seconds(-10)}), "endsAt"),
        (json!({"endsAt": later, "modules": ["nope"]}), "modules"),
        (
            json!({"endsAt": later, "timeZone": "Mars/Olympus"}),
            "timeZone",
        ),
        (
            json!({"endsAt": later, "remindMinutesBefore": -5}),
            "remindMinutesBefore",
        ),
        (json!({"endsAt": later, "reason": " "}), "reason"),
    ] {
        let mut i = input.clone();
        i["title"] = json!("Bad");
        if i.get("reason").is_none() {
            i["reason"] = json!("testing");
        }
        let (code, body) = server
            .gql_err(SCHEDULE, json!({"i": i}), Some(&admin))
            .await;
        assert_eq!(code, "VALIDATION", "{input} -> {body}");
        assert!(
            body.to_string().contains(field),
            "{input} names {field}: {body}"
        );
    }
    let (code, _) = server
        .gql_err(
            SCHEDULE,
            json!({"i": {"title": "Mine", "endsAt": later, "reason": "x"}}),
            Some(&cafe.owner_token),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    let mut conn = server.db.owner().await;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM maintenance_windows")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 0);

    // A scheduled window can be cancelled, not completed; a finished one
    // cannot be edited.
    let made = server
        .gql_ok(
            SCHEDULE,
            json!({"i": {"title": "Later", "startsAt": soon, "endsAt": later, "reason": "x"}}),
            Some(&admin),
        )
        .await;
    let id = made["scheduleMaintenanceWindow"]["id"].clone();
    let (code, _) = server
        .gql_err(
            "mutation($i: CompleteMaintenanceWindowInput!) { completeMaintenanceWindow(input: $i) { status } }",
            json!({"i": {"maintenanceWindowId": id, "reason": "x"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    let rest = Rest::new(&server, &admin);
    let (status, body) = rest
        .post(
            &format!(
                "/v1/superadmin/maintenance-windows/{}/cancel",
                id.as_str().unwrap()
            ),
            json!({"reason": "postponed"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "CANCELLED");
    let (status, body) = rest
        .patch(
            &format!(
                "/v1/superadmin/maintenance-windows/{}",
                id.as_str().unwrap()
            ),
            json!({"title": "Again", "reason": "x"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = Rest::new(&server, &cafe.owner_token)
        .get("/v1/support/maintenance-windows")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"],
        json!([]),
        "a cancelled window is not upcoming"
    );
}
