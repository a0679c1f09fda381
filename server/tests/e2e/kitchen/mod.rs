//! The kitchen display end to end: stations and routing set over GraphQL,
//! a ticket sent from the till routed to its stations (frozen there), worked
//! start → ready → bump with every timing in order, expo handing it out
//! only when all is ready, a bump sent twice acting once, a recall bringing
//! it back on every station, and a void after firing reaching the station.

mod courses;
mod regroup;

use crate::harness::{TestServer, s};
use serde_json::{Value, json};

pub struct Kitchen {
    pub server: TestServer,
    pub owner: String,
    pub location: Value,
    pub coffee_item: Value,
    pub bakery_item: Value,
    pub bar: Value,
    pub oven: Value,
    pub expo: Value,
}

pub async fn gql(k: &Kitchen, query: &str, variables: Value) -> Value {
    k.server.gql_ok(query, variables, Some(&k.owner)).await
}

async fn station(server: &TestServer, owner: &str, input: Value) -> Value {
    server
        .gql_ok(
            "mutation($i: CreateKitchenStationInput!) { createKitchenStation(input: $i) { id } }",
            json!({ "i": input }),
            Some(owner),
        )
        .await["createKitchenStation"]["id"]
        .clone()
}

/// The demo café with the kitchen module on, a bar, an oven and an expo;
/// coffee goes to the bar, the bakery to the oven.
pub async fn kitchen() -> Kitchen {
    kitchen_on(TestServer::start().await).await
}

pub async fn kitchen_on(server: TestServer) -> Kitchen {
    let (tenant, owner) = server.demo_cafe().await;
    let admin = server.superadmin_token().await;
    server
        .gql_ok(
            "mutation($i: SetTenantModuleInput!) { setTenantModule(input: $i) { module { key } } }",
            json!({"i": {"tenantId": tenant, "moduleKey": "kitchen", "enabled": true, "reason": "kitchen screens bought"}}),
            Some(&admin),
        )
        .await;
    let menu = server
        .gql_ok(
            "{ locations { id } menuCategories { id name } menuItems(first: 50) { nodes { id categoryId } } }",
            json!({}),
            Some(&owner),
        )
        .await;
    let location = menu["locations"][0]["id"].clone();
    let category = |name: &str| {
        menu["menuCategories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["id"]
            .clone()
    };
    let (coffee, bakery) = (category("Coffee"), category("Bakery"));
    let first_of = |category: &Value| {
        menu["menuItems"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["categoryId"] == *category)
            .unwrap()["id"]
            .clone()
    };
    let (coffee_item, bakery_item) = (first_of(&coffee), first_of(&bakery));
    let bar = station(
        &server,
        &owner,
        json!({"locationId": location, "name": "Bar", "warnAfterSecs": 120, "lateAfterSecs": 240}),
    )
    .await;
    let oven = station(
        &server,
        &owner,
        json!({"locationId": location, "name": "Oven"}),
    )
    .await;
    let expo = station(
        &server,
        &owner,
        json!({"locationId": location, "name": "Expo", "isExpo": true}),
    )
    .await;
    for (category, station) in [(&coffee, &bar), (&bakery, &oven)] {
        server
            .gql_ok(
                "mutation($i: SetKitchenRouteInput!) { setKitchenRoute(input: $i) { stationIds } }",
                json!({"i": {"locationId": location, "target": "CATEGORY", "targetId": category, "stationIds": [station]}}),
                Some(&owner),
            )
            .await;
    }
    Kitchen {
        server,
        owner,
        location,
        coffee_item,
        bakery_item,
        bar,
        oven,
        expo,
    }
}

/// Opens a ticket with `items`, sends it; the ticket and its lines' ids.
pub async fn send(k: &Kitchen, items: &[&Value]) -> (Value, Vec<Value>) {
    let ticket = gql(
        k,
        "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
        json!({"i": {"locationId": k.location, "label": "Table 4"}}),
    )
    .await["openTicket"]["id"]
        .clone();
    for item in items {
        gql(
            k,
            "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id } }",
            json!({"i": {"ticketId": ticket, "menuItemId": item}}),
        )
        .await;
    }
    let sent = gql(
        k,
        "mutation($i: SendTicketInput!) { sendTicket(input: $i) { lines { id } } }",
        json!({"i": {"ticketId": ticket}}),
    )
    .await;
    let lines = sent["sendTicket"]["lines"].as_array().unwrap().clone();
    (ticket, lines.into_iter().map(|l| l["id"].clone()).collect())
}

pub const SCREEN: &str = "query($s: UUID!) { kitchenScreen(stationId: $s) {
    station { name isExpo }
    tickets { ticketId number label diningOption ageSecs aging ready
      items { id stationId lineId name status course firedAt startedAt readyAt bumpedAt recalledAt voidedAt expoBumpedAt version }
      held { id stationId lineId name status course hold fireAt sentAt firedAt prepSecs } } } }";

pub async fn screen(k: &Kitchen, station: &Value) -> Vec<Value> {
    gql(k, SCREEN, json!({"s": station})).await["kitchenScreen"]["tickets"]
        .as_array()
        .unwrap()
        .clone()
}

fn timings_in_order(item: &Value) {
    let at = |f: &str| {
        item[f]
            .as_str()
            .map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap())
    };
    let fired = at("firedAt").unwrap();
    let started = at("startedAt").unwrap();
    let ready = at("readyAt").unwrap();
    let bumped = at("bumpedAt").unwrap();
    assert!(
        fired <= started && started <= ready && ready <= bumped,
        "{item}"
    );
}

pub const MOVE: &str = "mutation($i: KitchenTicketMoveInput!) { bump: bumpKitchenTicket(input: $i) { id status bumpedAt expoBumpedAt firedAt startedAt readyAt } }";
const RECALL: &str = "mutation($i: KitchenTicketMoveInput!) { recallKitchenTicket(input: $i) { id stationId status } }";

#[tokio::test]
async fn a_sent_ticket_is_routed_worked_bumped_and_recalled_with_its_timings() {
    let k = kitchen().await;
    let (ticket, _) = send(&k, &[&k.coffee_item, &k.bakery_item]).await;

    // Each station sees its own work; expo sees the ticket, not ready.
    let bar = screen(&k, &k.bar).await;
    assert_eq!(bar.len(), 1);
    assert_eq!(bar[0]["ticketId"], ticket);
    assert_eq!(bar[0]["label"], "Table 4");
    assert_eq!(bar[0]["diningOption"], "DINE_IN");
    assert_eq!(bar[0]["aging"], "OK");
    let coffee = bar[0]["items"][0].clone();
    assert_eq!(coffee["status"], "FIRED");
    let oven = screen(&k, &k.oven).await;
    let bread = oven[0]["items"][0].clone();
    assert_eq!(oven[0]["items"].as_array().unwrap().len(), 1);
    let expo = screen(&k, &k.expo).await;
    assert_eq!(expo[0]["items"].as_array().unwrap().len(), 2);
    assert_eq!(expo[0]["ready"], false);

    // Worked: started, ready; a second start is illegal.
    let item_move = |name: &str, id: &Value| {
        format!(
            "mutation {{ {name}(input: {{itemId: \"{}\"}}) {{ status version }} }}",
            s(id)
        )
    };
    let started = gql(&k, &item_move("startKitchenItem", &coffee["id"]), json!({})).await;
    assert_eq!(started["startKitchenItem"]["status"], "STARTED");
    let (code, _) = k
        .server
        .gql_err(
            &item_move("startKitchenItem", &coffee["id"]),
            json!({}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    gql(&k, &item_move("readyKitchenItem", &coffee["id"]), json!({})).await;

    // Expo waits for the bread.
    let expo_move =
        json!({"i": {"stationId": k.expo, "ticketId": ticket, "idempotencyKey": "expo-1"}});
    let (code, body) = k
        .server
        .gql_err(MOVE, expo_move.clone(), Some(&k.owner))
        .await;
    assert_eq!(code, "CONFLICT", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["waiting"][0]["itemId"],
        bread["id"]
    );

    // Both stations bump; the bread was never marked ready, the bump stamps it.
    for station in [&k.bar, &k.oven] {
        let bumped = gql(
            &k,
            MOVE,
            json!({"i": {"stationId": station, "ticketId": ticket}}),
        )
        .await;
        for item in bumped["bump"].as_array().unwrap() {
            assert_eq!(item["status"], "BUMPED");
            timings_in_order(item);
        }
    }
    assert!(screen(&k, &k.bar).await.is_empty());
    assert_eq!(screen(&k, &k.expo).await[0]["ready"], true);

    // Expo hands it out; the same key again acts once (same answer, nothing new).
    let first = gql(&k, MOVE, expo_move.clone()).await["bump"].clone();
    let again = gql(&k, MOVE, expo_move.clone()).await["bump"].clone();
    assert_eq!(first, again);
    assert!(
        first
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["expoBumpedAt"].is_string())
    );
    assert!(screen(&k, &k.expo).await.is_empty());
    // A bump with nothing left is a conflict, without a key.
    let (code, _) = k
        .server
        .gql_err(
            MOVE,
            json!({"i": {"stationId": k.bar, "ticketId": ticket}}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "CONFLICT");

    // Recalled at expo: back on every station that had it, and on expo.
    let recalled = gql(
        &k,
        RECALL,
        json!({"i": {"stationId": k.expo, "ticketId": ticket}}),
    )
    .await;
    let stations: Vec<&Value> = recalled["recallKitchenTicket"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "RECALLED")
        .map(|i| &i["stationId"])
        .collect();
    assert!(
        stations.contains(&&k.bar) && stations.contains(&&k.oven),
        "{recalled}"
    );
    assert_eq!(
        screen(&k, &k.bar).await[0]["items"][0]["status"],
        "RECALLED"
    );
    assert_eq!(screen(&k, &k.oven).await.len(), 1);
    assert_eq!(screen(&k, &k.expo).await.len(), 1);
}

#[tokio::test]
async fn a_void_after_firing_reaches_the_station_and_routing_is_frozen_at_fire() {
    let k = kitchen().await;
    let (ticket, lines) = send(&k, &[&k.coffee_item]).await;
    // Rerouting coffee now moves nothing already fired.
    gql(
        &k,
        "mutation($i: SetKitchenRouteInput!) { setKitchenRoute(input: $i) { stationIds } }",
        json!({"i": {"locationId": k.location, "target": "ITEM", "targetId": k.coffee_item, "stationIds": [k.oven]}}),
    )
    .await;
    assert_eq!(screen(&k, &k.bar).await.len(), 1);
    assert!(screen(&k, &k.oven).await.is_empty());

    // Voided after firing: it stays on the bar, marked, until bumped.
    let (code, _) = k
        .server
        .gql_err(
            "mutation($i: VoidTicketLineInput!) { voidTicketLine(input: $i) { id } }",
            json!({"i": {"ticketId": ticket, "lineId": lines[0]}}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "VALIDATION", "a fired line needs a reason");
    gql(
        &k,
        "mutation($i: VoidTicketLineInput!) { voidTicketLine(input: $i) { id } }",
        json!({"i": {"ticketId": ticket, "lineId": lines[0], "reason": "guest changed their mind"}}),
    )
    .await;
    let bar = screen(&k, &k.bar).await;
    assert_eq!(bar[0]["items"][0]["status"], "VOIDED");
    assert!(bar[0]["items"][0]["voidedAt"].is_string());
    gql(
        &k,
        MOVE,
        json!({"i": {"stationId": k.bar, "ticketId": ticket}}),
    )
    .await;
    assert!(screen(&k, &k.bar).await.is_empty());

    // A new coffee follows the new rule, to the oven.
    send(&k, &[&k.coffee_item]).await;
    assert_eq!(screen(&k, &k.oven).await.len(), 1);
}

#[tokio::test]
async fn the_kitchen_refuses_bad_setups_and_other_businesses() {
    let k = kitchen().await;
    let (code, _) = k
        .server
        .gql_err(
            "mutation($i: CreateKitchenStationInput!) { createKitchenStation(input: $i) { id } }",
            json!({"i": {"locationId": k.location, "name": "Grill", "warnAfterSecs": 300, "lateAfterSecs": 200}}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    let (code, _) = k
        .server
        .gql_err(
            "mutation($i: CreateKitchenStationInput!) { createKitchenStation(input: $i) { id } }",
            json!({"i": {"locationId": k.location, "name": "Second expo", "isExpo": true}}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "CONFLICT", "one expo per location");
    let (code, _) = k
        .server
        .gql_err(
            "mutation($i: SetKitchenRouteInput!) { setKitchenRoute(input: $i) { stationIds } }",
            json!({"i": {"locationId": k.location, "target": "ITEM", "targetId": uuid::Uuid::now_v7(), "stationIds": [k.bar]}}),
            Some(&k.owner),
        )
        .await;
    assert_eq!(code, "VALIDATION");

    // Another business with the kitchen on: none of this café's stations,
    // tickets or items exist for it, and nothing of the café changes.
    let other = k.server.tenant("other-kitchen").await;
    let admin = k.server.superadmin_token().await;
    k.server
        .gql_ok(
            "mutation($i: SetTenantModuleInput!) { setTenantModule(input: $i) { module { key } } }",
            json!({"i": {"tenantId": other.id, "moduleKey": "kitchen", "enabled": true, "reason": "kitchen screens bought"}}),
            Some(&admin),
        )
        .await;
    let (ticket, _) = send(&k, &[&k.coffee_item]).await;
    let item = screen(&k, &k.bar).await[0]["items"][0]["id"].clone();
    let before = screen(&k, &k.bar).await;
    let t = Some(other.owner_token.as_str());
    let refused = [
        (SCREEN, json!({"s": k.bar})),
        (MOVE, json!({"i": {"stationId": k.bar, "ticketId": ticket}})),
        (
            RECALL,
            json!({"i": {"stationId": k.bar, "ticketId": ticket}}),
        ),
        (
            "mutation($i: KitchenItemMoveInput!) { startKitchenItem(input: $i) { id } }",
            json!({"i": {"itemId": item}}),
        ),
        (
            "mutation($i: KitchenItemMoveInput!) { readyKitchenItem(input: $i) { id } }",
            json!({"i": {"itemId": item}}),
        ),
        (
            "mutation($i: UpdateKitchenStationInput!) { updateKitchenStation(input: $i) { id } }",
            json!({"i": {"stationId": k.bar, "name": "Hijacked"}}),
        ),
    ];
    for (document, variables) in refused {
        let (code, body) = k.server.gql_err(document, variables, t).await;
        assert_eq!(code, "NOT_FOUND", "{document}: {body}");
    }
    // A rule naming the café's location, or the café's station from its own
    // location: no such thing.
    let own_location = k
        .server
        .gql_ok(
            "mutation { createLocation(input: {name: \"Other\"}) { id } }",
            json!({}),
            t,
        )
        .await["createLocation"]["id"]
        .clone();
    let own_category = k
        .server
        .gql_ok(
            "mutation { createMenuCategory(input: {name: \"Mains\"}) { id } }",
            json!({}),
            t,
        )
        .await["createMenuCategory"]["id"]
        .clone();
    for (location, target, field) in [
        (&own_location, &own_category, "stationIds"),
        (&k.location, &own_category, "locationId"),
        (&own_location, &k.coffee_item, "targetId"),
    ] {
        let (code, body) = k
            .server
            .gql_err(
                "mutation($i: SetKitchenRouteInput!) { setKitchenRoute(input: $i) { stationIds } }",
                json!({"i": {"locationId": location, "target": "CATEGORY", "targetId": target, "stationIds": [k.bar]}}),
                t,
            )
            .await;
        assert_eq!(code, "VALIDATION", "{body}");
        assert!(body.to_string().contains(field), "{field}: {body}");
    }
    let lists = k
        .server
        .gql_ok(
            "{ kitchenStations { id } kitchenRoutes { targetId } }",
            json!({}),
            t,
        )
        .await;
    assert_eq!(lists["kitchenStations"], json!([]));
    assert_eq!(lists["kitchenRoutes"], json!([]));
    assert_eq!(
        screen(&k, &k.bar).await,
        before,
        "the café's screen is untouched"
    );
}

/// Reads a screen subscription until a screen with `count` tickets arrives
/// (an event committed just before subscribing may bring one more screen).
async fn screen_with(ws: &mut crate::harness::Ws, count: usize) -> Value {
    for _ in 0..10 {
        let message = crate::harness::ws_next(ws).await.expect("a screen");
        assert_eq!(message["type"], "next", "{message}");
        let screen = message["payload"]["data"]["kitchenScreen"].clone();
        if screen["tickets"].as_array().map(Vec::len) == Some(count) {
            return screen;
        }
    }
    panic!("no screen with {count} tickets");
}

#[tokio::test]
async fn a_screen_follows_its_station_live_and_rest_drives_the_same_kitchen() {
    let k = kitchen().await;
    let mut ws = crate::harness::ws_subscribe(
        &k.server,
        &k.owner,
        "subscription($s: UUID!) { kitchenScreen(stationId: $s) { station { name } tickets { ticketId items { id status } } } }",
        json!({"s": k.bar}),
    )
    .await;
    let first = screen_with(&mut ws, 0).await;
    assert_eq!(first["station"]["name"], "Bar");

    // A coffee sent from the till appears; the oven's bread does not.
    let (ticket, _) = send(&k, &[&k.coffee_item, &k.bakery_item]).await;
    let live = screen_with(&mut ws, 1).await;
    assert_eq!(live["tickets"][0]["ticketId"], ticket);
    assert_eq!(live["tickets"][0]["items"].as_array().unwrap().len(), 1);

    // Over REST: the stations, a bad rule, and a bump the screen sees.
    let rest = |method: reqwest::Method, path: &str| {
        k.server
            .http
            .request(method, k.server.url(path))
            .bearer_auth(&k.owner)
    };
    let stations: Value = rest(
        reqwest::Method::GET,
        &format!("/v1/kitchen/stations?locationId={}", s(&k.location)),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(stations["data"].as_array().unwrap().len(), 3, "{stations}");
    let bad = rest(reqwest::Method::PUT, "/v1/kitchen/routes")
        .json(&json!({"locationId": k.location, "target": "ITEM", "targetId": uuid::Uuid::now_v7(), "stationIds": [k.bar]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let screen: Value = rest(
        reqwest::Method::GET,
        &format!("/v1/kitchen/stations/{}/screen", s(&k.bar)),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let item = screen["data"]["tickets"][0]["items"][0]["id"].clone();
    let ready = rest(
        reqwest::Method::POST,
        &format!("/v1/kitchen/items/{}/ready", s(&item)),
    )
    .json(&json!({}))
    .send()
    .await
    .unwrap();
    assert_eq!(ready.status(), 200);
    let bump = json!({"stationId": k.bar, "ticketId": ticket, "idempotencyKey": "rest-bump-1"});
    for _ in 0..2 {
        let done = rest(reqwest::Method::POST, "/v1/kitchen/bumps")
            .json(&bump)
            .send()
            .await
            .unwrap();
        assert_eq!(done.status(), 200, "the same key answers the same, twice");
    }
    screen_with(&mut ws, 0).await;
}
