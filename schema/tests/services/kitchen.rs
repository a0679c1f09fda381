//! Kitchen work held until a time, on a controllable clock: the scheduler's
//! `fire_due` fires nothing before the time and everything at it, once,
//! stamped with the clock's time.

use crate::harness::{Cafe, MODULES, pos_permissions};
use crate::tickets::{add, line, open};
use chrono::{DateTime, Duration, Utc};
use kernel::{Clock, RequestContext};
use schema::kitchen::pacing::{CourseTiming, fire_due};
use schema::kitchen::{Hold, KitchenStatus, NewStation, RouteInput, RouteTarget, routes, stations};
use schema::pos::tickets::{self, SendTicket};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn cook(cafe: &Cafe, now: DateTime<Utc>) -> RequestContext {
    let mut permissions = pos_permissions();
    permissions.extend([
        "kitchen.ticket.read",
        "kitchen.ticket.bump",
        "kitchen.station.manage",
    ]);
    let mut modules = MODULES.to_vec();
    modules.push("kitchen");
    cafe.user_with(&permissions, &modules)
        .with_clock(Clock::Fixed(now))
}

fn scheduler(now: DateTime<Utc>) -> RequestContext {
    RequestContext::system("kitchen-test").with_clock(Clock::Fixed(now))
}

#[tokio::test]
async fn held_work_fires_when_its_time_comes_and_only_once() {
    let cafe = Cafe::open().await;
    let t0 = at("2027-03-01T18:00:00Z");
    let ctx = cook(&cafe, t0);
    let bar = stations::create(
        &cafe.db,
        &ctx,
        NewStation {
            location_id: cafe.location,
            name: schema::text::Name::parse("Bar").unwrap(),
            is_expo: false,
            expo_mode: None,
            prep_target_secs: Some(120),
            warn_after_secs: None,
            late_after_secs: None,
        },
    )
    .await
    .unwrap();
    for item in [cafe.latte, cafe.croissant] {
        routes::set(
            &cafe.db,
            &ctx,
            RouteInput {
                location_id: cafe.location,
                target: RouteTarget::Item,
                target_id: item.as_uuid(),
                dining_option: None,
                station_ids: vec![bar.id],
            },
        )
        .await
        .unwrap();
    }

    // Course 1 (a latte and a croissant) timed for 18:10.
    let ticket = open(&cafe, &ctx).await;
    add(&cafe, &ctx, ticket.id, line(cafe.latte)).await;
    add(&cafe, &ctx, ticket.id, line(cafe.croissant)).await;
    let due = t0 + Duration::minutes(10);
    tickets::send(
        &cafe.db,
        &ctx,
        ticket.id,
        SendTicket {
            expected_version: None,
            courses: vec![CourseTiming {
                course: 1,
                hold: Hold::Time,
                fire_at: Some(due),
            }],
            fire_by_prep_time: false,
        },
    )
    .await
    .unwrap();

    assert_eq!(
        fire_due(&cafe.db, &scheduler(due - Duration::seconds(1)))
            .await
            .unwrap(),
        0
    );
    let held = schema::kitchen::screens::screen(&cafe.db, &ctx, bar.id)
        .await
        .unwrap();
    assert!(
        held.tickets.is_empty(),
        "held work is not on the screen yet"
    );

    // At the time: both fire, stamped with it; a second tick finds nothing.
    let late = due + Duration::seconds(4);
    assert_eq!(fire_due(&cafe.db, &scheduler(late)).await.unwrap(), 2);
    assert_eq!(fire_due(&cafe.db, &scheduler(late)).await.unwrap(), 0);
    let screen = schema::kitchen::screens::screen(&cafe.db, &cook(&cafe, late), bar.id)
        .await
        .unwrap();
    let items = &screen.tickets[0].items;
    assert_eq!(items.len(), 2);
    for item in items {
        assert_eq!(item.status, KitchenStatus::Fired);
        assert_eq!(item.fired_at, Some(late));
        assert_eq!(item.fire_at, Some(due));
        assert_eq!(item.sent_at, t0);
    }
    assert_eq!(screen.tickets[0].age_secs, 0);
}
