//! Courses and pacing end to end: a later course held until the one before
//! it is handed out, or fired by hand; a course timed and items paced by
//! prep time fired by the server's scheduler; bad timings refused with
//! nothing sent.

use super::{Kitchen, MOVE, gql, kitchen, kitchen_on, screen};
use crate::harness::{Rest, ServerBuilder};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::time::Duration;

/// Opens a ticket with (item, course) lines; its id.
async fn ticket_with(k: &Kitchen, lines: &[(&Value, i32)]) -> Value {
    let ticket = gql(
        k,
        "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
        json!({"i": {"locationId": k.location, "label": "Table 7"}}),
    )
    .await["openTicket"]["id"]
        .clone();
    for (item, course) in lines {
        gql(
            k,
            "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id } }",
            json!({"i": {"ticketId": ticket, "menuItemId": item, "course": course}}),
        )
        .await;
    }
    ticket
}

const SEND: &str =
    "mutation($i: SendTicketInput!) { sendTicket(input: $i) { sentAt lines { id course } } }";
const FIRE: &str = "mutation($i: FireCourseInput!) { fireCourse(input: $i) { id } }";

async fn bump(k: &Kitchen, station: &Value, ticket: &Value) {
    gql(
        k,
        MOVE,
        json!({"i": {"stationId": station, "ticketId": ticket}}),
    )
    .await;
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .unwrap_or_else(|| panic!("a time: {v}"))
        .with_timezone(&Utc)
}

#[tokio::test]
async fn a_later_course_waits_for_the_one_before_or_is_fired_by_hand() {
    let k = kitchen().await;
    let ticket = ticket_with(&k, &[(&k.coffee_item, 1), (&k.bakery_item, 2)]).await;
    let sent = gql(&k, SEND, json!({"i": {"ticketId": ticket}})).await;
    assert_eq!(sent["sendTicket"]["lines"][1]["course"], 2);

    // The coffee is fired; the bread (course 2) is held, so the oven shows
    // nothing yet and expo shows it coming.
    assert_eq!(screen(&k, &k.bar).await[0]["items"][0]["status"], "FIRED");
    assert!(screen(&k, &k.oven).await.is_empty());
    let expo = screen(&k, &k.expo).await;
    assert_eq!(expo[0]["items"].as_array().unwrap().len(), 1);
    let bread = expo[0]["held"][0].clone();
    assert_eq!(
        (&bread["status"], &bread["hold"], &bread["course"]),
        (&json!("HELD"), &json!("COURSE"), &json!(2))
    );
    assert!(bread["firedAt"].is_null());

    // The bar bumps the coffee: expo still has to hand it out.
    bump(&k, &k.bar, &ticket).await;
    assert!(screen(&k, &k.oven).await.is_empty());
    // Expo hands course 1 out: course 2 fires by itself.
    bump(&k, &k.expo, &ticket).await;
    let oven = screen(&k, &k.oven).await;
    let fired = &oven[0]["items"][0];
    assert_eq!(
        (&fired["status"], &fired["course"]),
        (&json!("FIRED"), &json!(2))
    );
    assert!(time(&fired["firedAt"]) >= time(&bread["sentAt"]));

    // Held by hand: the mains wait until the server calls them, even once
    // the starters are out.
    let ticket = ticket_with(&k, &[(&k.coffee_item, 1), (&k.bakery_item, 2)]).await;
    gql(
        &k,
        SEND,
        json!({"i": {"ticketId": ticket, "courses": [{"course": 2, "hold": "HAND"}]}}),
    )
    .await;
    bump(&k, &k.bar, &ticket).await;
    bump(&k, &k.expo, &ticket).await;
    assert!(
        screen(&k, &k.oven)
            .await
            .iter()
            .all(|t| t["ticketId"] != ticket)
    );
    let (code, _) = k
        .server
        .gql_err(
            FIRE,
            json!({"i": {"ticketId": ticket, "course": 0}}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    gql(&k, FIRE, json!({"i": {"ticketId": ticket, "course": 2}})).await;
    let oven = screen(&k, &k.oven).await;
    let mains = oven.iter().find(|t| t["ticketId"] == ticket).unwrap();
    assert_eq!(mains["items"][0]["status"], "FIRED");
    // Nothing of course 2 is held any more.
    let (code, _) = k
        .server
        .gql_err(
            FIRE,
            json!({"i": {"ticketId": ticket, "course": 2}}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "CONFLICT");

    // Fired over REST too, and another business cannot fire this one's course.
    let ticket = ticket_with(&k, &[(&k.coffee_item, 1), (&k.bakery_item, 3)]).await;
    gql(&k, SEND, json!({"i": {"ticketId": ticket}})).await;
    let other = k.server.tenant("other-courses").await;
    let (code, _) = k
        .server
        .gql_err(
            FIRE,
            json!({"i": {"ticketId": ticket, "course": 3}}),
            Some(&other.owner_token),
        )
        .await;
    assert!(code == "NOT_FOUND" || code == "AUTHZ", "{code}");
    let (status, body) = Rest::new(&k.server, &k.owner)
        .post(
            &format!("/v1/pos/tickets/{}/fire", ticket.as_str().unwrap()),
            json!({"course": 3}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        screen(&k, &k.oven)
            .await
            .iter()
            .filter(|t| t["ticketId"] == ticket)
            .count(),
        1
    );
}

#[tokio::test]
async fn timed_courses_and_prep_time_pacing_fire_from_the_scheduler() {
    let k = kitchen_on(
        ServerBuilder::new()
            .env("SCHEDULER_TICK_SECS", 1)
            .start()
            .await,
    )
    .await;
    // Coffee takes 60 s, the bread 63 s: paced, the bread starts at once
    // and the coffee 3 s later, so both are ready together.
    for (item, secs) in [(&k.coffee_item, 60), (&k.bakery_item, 63)] {
        gql(
            &k,
            "mutation($i: UpdateMenuItemInput!) { updateMenuItem(input: $i) { prepSecs } }",
            json!({"i": {"itemId": item, "prepSecs": secs}}),
        )
        .await;
    }
    let ticket = ticket_with(&k, &[(&k.coffee_item, 1), (&k.bakery_item, 1)]).await;
    gql(
        &k,
        SEND,
        json!({"i": {"ticketId": ticket, "fireByPrepTime": true}}),
    )
    .await;
    let bread = screen(&k, &k.oven).await[0]["items"][0].clone();
    assert_eq!(bread["status"], "FIRED");
    let expo = screen(&k, &k.expo).await;
    let coffee = expo[0]["held"][0].clone();
    assert_eq!(
        (&coffee["hold"], &coffee["prepSecs"]),
        (&json!("TIME"), &json!(60))
    );
    assert_eq!(
        (time(&coffee["fireAt"]) - time(&bread["firedAt"])).num_seconds(),
        3
    );
    let fired = wait_fired(&k, &k.bar, &ticket).await;
    assert!(time(&fired["firedAt"]) >= time(&coffee["fireAt"]));

    // A course timed for two seconds from now fires then, not before.
    let ticket = ticket_with(&k, &[(&k.coffee_item, 1)]).await;
    let at = Utc::now() + chrono::Duration::seconds(2);
    gql(
        &k,
        SEND,
        json!({"i": {"ticketId": ticket, "courses": [{"course": 1, "hold": "TIME", "fireAt": at.to_rfc3339()}]}}),
    )
    .await;
    let fired = wait_fired(&k, &k.bar, &ticket).await;
    assert!(time(&fired["firedAt"]) >= at);

    // Bad timings are refused and nothing is sent.
    let ticket = ticket_with(&k, &[(&k.coffee_item, 1)]).await;
    let past = (Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    for courses in [
        json!([{"course": 1, "hold": "TIME"}]),
        json!([{"course": 1, "hold": "TIME", "fireAt": past}]),
        json!([{"course": 1, "hold": "HAND", "fireAt": at.to_rfc3339()}]),
        json!([{"course": 12, "hold": "HAND"}]),
    ] {
        let (code, body) = k
            .server
            .gql_err(
                SEND,
                json!({"i": {"ticketId": ticket, "courses": courses}}),
                Some(&k.owner),
            )
            .await;
        assert_eq!(code, "VALIDATION", "{courses}: {body}");
    }
    let unsent = gql(
        &k,
        "query($id: UUID!) { ticket(id: $id) { sentAt } }",
        json!({"id": ticket}),
    )
    .await;
    assert!(unsent["ticket"]["sentAt"].is_null());
}

/// Waits (at most 20 s) until `ticket`'s work shows fired on `station`.
async fn wait_fired(k: &Kitchen, station: &Value, ticket: &Value) -> Value {
    for _ in 0..80 {
        if let Some(t) = screen(k, station)
            .await
            .into_iter()
            .find(|t| t["ticketId"] == *ticket)
        {
            return t["items"][0].clone();
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the scheduler never fired {ticket}");
}
