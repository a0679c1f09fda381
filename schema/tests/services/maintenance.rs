//! Maintenance windows on a controllable clock: the reminder, the start and
//! the end each happen once (two schedulers racing included), and a weekly
//! window keeps its wall-clock time across a daylight-saving change.

use crate::harness::{Cafe, reason};
use chrono::{DateTime, Utc};
use kernel::context::Actor;
use kernel::{Clock, RequestContext, UserId};
use schema::maintenance::{self, MaintenanceStatus, NewMaintenanceWindow, scheduler};
use schema::text::{Key, TimeZone, Title};
use sea_orm::{ConnectionTrait, Statement};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn operator(now: &str) -> RequestContext {
    RequestContext::new(
        "test-operator",
        Actor::Superadmin {
            user_id: UserId::new(),
        },
    )
    .with_clock(Clock::Fixed(at(now)))
}

fn system(now: &str) -> RequestContext {
    RequestContext::system("test-scheduler").with_clock(Clock::Fixed(at(now)))
}

/// A café whose audit trail has partitions for the months these tests
/// move the clock to.
async fn cafe() -> Cafe {
    let cafe = Cafe::open().await;
    let tx = cafe.db.system_tx().await.unwrap();
    tx.execute_unprepared("SELECT ensure_audit_partitions(12)")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    cafe
}

async fn events(cafe: &Cafe, event_type: &str) -> i64 {
    let tx = cafe.db.system_tx().await.unwrap();
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT count(*) AS n FROM event_outbox WHERE tenant_id = $1 AND event_type = $2",
            [cafe.tenant.as_uuid().into(), event_type.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn a_weekly_window_keeps_its_local_time_across_the_clocks_going_forward() {
    let cafe = cafe().await;
    // Sundays 04:00-05:00 in Paris: 03:00Z in winter time (CET, UTC+1).
    // Europe moves to summer time on 28 March 2027, so the next one is 02:00Z.
    let window = maintenance::schedule(
        &cafe.db,
        &operator("2027-03-20T12:00:00Z"),
        NewMaintenanceWindow {
            title: Title::parse("Database upgrade").unwrap(),
            message: None,
            modules: Some(vec![Key::parse("pos").unwrap()]),
            starts_at: Some(at("2027-03-21T03:00:00Z")),
            ends_at: at("2027-03-21T04:00:00Z"),
            time_zone: Some(TimeZone::parse("Europe/Paris").unwrap()),
            repeats_weekly: Some(true),
            remind_minutes_before: Some(60),
            reason: reason("weekly vacuum"),
        },
    )
    .await
    .unwrap();
    assert_eq!(window.status, MaintenanceStatus::Scheduled);

    // Nothing is due a day before; the reminder an hour before, once.
    assert_eq!(
        scheduler::run_due(&cafe.db, &system("2027-03-20T12:00:00Z"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        scheduler::run_due(&cafe.db, &system("2027-03-21T02:00:00Z"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        scheduler::run_due(&cafe.db, &system("2027-03-21T02:30:00Z"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(events(&cafe, "maintenance.reminder").await, 1);

    // Two schedulers at the start: one starts it.
    let (one, two) = (
        system("2027-03-21T03:00:00Z"),
        system("2027-03-21T03:00:00Z"),
    );
    let (first, second) = tokio::join!(
        scheduler::run_due(&cafe.db, &one),
        scheduler::run_due(&cafe.db, &two),
    );
    assert_eq!(first.unwrap() + second.unwrap(), 1);
    assert_eq!(events(&cafe, "maintenance.started").await, 1);

    let (one, two) = (
        system("2027-03-21T04:00:00Z"),
        system("2027-03-21T04:00:00Z"),
    );
    let (first, second) = tokio::join!(
        scheduler::run_due(&cafe.db, &one),
        scheduler::run_due(&cafe.db, &two),
    );
    assert_eq!(first.unwrap() + second.unwrap(), 1);
    assert_eq!(events(&cafe, "maintenance.completed").await, 1);

    let all = maintenance::list(&cafe.db, &operator("2027-03-21T04:00:00Z"), true)
        .await
        .unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    let (next, done) = (&all[0], &all[1]);
    assert_eq!(done.status, MaintenanceStatus::Completed);
    assert_eq!(done.started_at, Some(at("2027-03-21T03:00:00Z")));
    assert_eq!(done.finished_at, Some(at("2027-03-21T04:00:00Z")));
    assert_eq!(next.status, MaintenanceStatus::Scheduled);
    assert_eq!(next.series_id, done.series_id);
    assert_eq!(
        next.starts_at,
        at("2027-03-28T02:00:00Z"),
        "04:00 Paris summer time"
    );
    assert_eq!(next.ends_at, at("2027-03-28T03:00:00Z"));
    assert_eq!(next.modules, vec!["pos".to_owned()]);

    // And back in autumn (31 October 2027), 04:00 Paris is 03:00Z again.
    let mut now = "2027-03-28T03:00:00Z".to_owned();
    for _ in 0..40 {
        scheduler::run_due(&cafe.db, &system(&now)).await.unwrap();
        let open = maintenance::list(&cafe.db, &operator(&now), false)
            .await
            .unwrap();
        let upcoming = open.last().unwrap();
        if upcoming.starts_at > at("2027-10-30T00:00:00Z") {
            assert_eq!(upcoming.starts_at, at("2027-10-31T03:00:00Z"));
            return;
        }
        now = upcoming.ends_at.to_rfc3339();
        scheduler::run_due(&cafe.db, &system(&upcoming.starts_at.to_rfc3339()))
            .await
            .unwrap();
    }
    panic!("never reached the autumn change");
}

#[tokio::test]
async fn a_cancelled_window_never_starts_and_a_bad_one_is_refused() {
    let cafe = cafe().await;
    let new = |starts: &str, ends: &str| NewMaintenanceWindow {
        title: Title::parse("Network work").unwrap(),
        message: None,
        modules: None,
        starts_at: Some(at(starts)),
        ends_at: at(ends),
        time_zone: None,
        repeats_weekly: None,
        remind_minutes_before: Some(0),
        reason: reason("carrier works"),
    };
    let ctx = operator("2027-05-01T00:00:00Z");
    let bad = maintenance::schedule(
        &cafe.db,
        &ctx,
        new("2027-05-02T10:00:00Z", "2027-05-02T10:00:00Z"),
    )
    .await;
    assert_eq!(crate::harness::code(bad), kernel::ErrorCode::Validation);
    let window = maintenance::schedule(
        &cafe.db,
        &ctx,
        new("2027-05-02T10:00:00Z", "2027-05-02T11:00:00Z"),
    )
    .await
    .unwrap();
    let cancelled = maintenance::cancel(
        &cafe.db,
        &ctx,
        window.id,
        maintenance::CancelMaintenance {
            end_series: false,
            reason: reason("carrier postponed"),
        },
    )
    .await
    .unwrap();
    assert_eq!(cancelled.status, MaintenanceStatus::Cancelled);
    assert_eq!(
        scheduler::run_due(&cafe.db, &system("2027-05-02T10:30:00Z"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(events(&cafe, "maintenance.started").await, 0);
    assert_eq!(
        events(&cafe, "maintenance.cancelled").await,
        0,
        "nobody had been told of it"
    );
}

#[tokio::test]
async fn a_weekly_start_in_the_spring_gap_moves_that_week_only() {
    let cafe = cafe().await;
    // Sundays 02:30-03:30 in Paris: on 28 March 2027 02:30 does not exist.
    let window = maintenance::schedule(
        &cafe.db,
        &operator("2027-03-20T12:00:00Z"),
        NewMaintenanceWindow {
            title: Title::parse("Night job").unwrap(),
            message: None,
            modules: None,
            starts_at: Some(at("2027-03-21T01:30:00Z")),
            ends_at: at("2027-03-21T02:30:00Z"),
            time_zone: Some(TimeZone::parse("Europe/Paris").unwrap()),
            repeats_weekly: Some(true),
            remind_minutes_before: Some(0),
            reason: reason("nightly"),
        },
    )
    .await
    .unwrap();
    let mut starts = Vec::new();
    let mut at_time = window.starts_at;
    for _ in 0..3 {
        scheduler::run_due(&cafe.db, &system(&at_time.to_rfc3339()))
            .await
            .unwrap();
        let open = maintenance::list(&cafe.db, &operator(&at_time.to_rfc3339()), false)
            .await
            .unwrap();
        let running = open.first().unwrap();
        starts.push((running.starts_at, running.ends_at));
        scheduler::run_due(&cafe.db, &system(&running.ends_at.to_rfc3339()))
            .await
            .unwrap();
        let next = maintenance::list(&cafe.db, &operator(&running.ends_at.to_rfc3339()), false)
            .await
            .unwrap();
        at_time = next.first().unwrap().starts_at;
    }
    assert_eq!(
        starts,
        vec![
            (at("2027-03-21T01:30:00Z"), at("2027-03-21T02:30:00Z")),
            // 02:30 is in the gap: 03:30 summer time, for the same hour.
            (at("2027-03-28T01:30:00Z"), at("2027-03-28T02:30:00Z")),
            // And back to 02:30 local (summer time).
            (at("2027-04-04T00:30:00Z"), at("2027-04-04T01:30:00Z")),
        ]
    );
}
