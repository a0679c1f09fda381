//! The support desk on a controllable clock: SLA clocks pause while a
//! ticket waits on the business and resume after, in the desk's business
//! hours; the scheduler tells a near-breach and a breach once each; a solved
//! ticket closes by itself after the configured delay.

use crate::harness::{Cafe, code, reason};
use chrono::{DateTime, Utc};
use kernel::context::Actor;
use kernel::{Clock, ErrorCode, RequestContext, SupportTicketId, UserId};
use schema::support::sla::{ClockState, SlaMetric};
use schema::support::{
    Category, NewSupportTicket, Priority, StatusChange, SupportAnswer, SupportReply, TicketStatus,
    desk, read, scheduler, tickets,
};
use schema::text::{MessageBody, Title};
use sea_orm::{ConnectionTrait, Statement};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

struct Desk {
    cafe: Cafe,
    operator: UserId,
}

impl Desk {
    /// A café whose owner exists as a user, and an active superadmin.
    async fn open() -> Self {
        let cafe = Cafe::open().await;
        let operator = UserId::new();
        let tx = cafe.db.system_tx().await.unwrap();
        for (text, values) in [
            (
                "INSERT INTO users (tenant_id, id, email, display_name, status) VALUES ($1, $2, 'owner@cafe.test', 'Olive Owner', 'active')",
                vec![cafe.tenant.as_uuid().into(), cafe.owner_id.as_uuid().into()],
            ),
            (
                "INSERT INTO superadmins (id, email, display_name, password_hash) VALUES ($1, 'desk@platform.test', 'Dana Desk', 'x')",
                vec![operator.as_uuid().into()],
            ),
        ] {
            tx.execute_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                text,
                values,
            ))
            .await
            .unwrap();
        }
        tx.execute_unprepared("SELECT ensure_audit_partitions(12)")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        Self { cafe, operator }
    }

    fn owner(&self, now: &str) -> RequestContext {
        self.cafe
            .user_with(
                &["support.ticket.read", "support.ticket.write"],
                &["support"],
            )
            .with_clock(Clock::Fixed(at(now)))
    }

    fn operator(&self, now: &str) -> RequestContext {
        RequestContext::new(
            "test-desk",
            Actor::Superadmin {
                user_id: self.operator,
            },
        )
        .with_clock(Clock::Fixed(at(now)))
    }

    async fn tick(&self, now: &str) -> scheduler::Tick {
        let dir = std::env::temp_dir();
        let ctx = RequestContext::system("test-scheduler").with_clock(Clock::Fixed(at(now)));
        scheduler::run_due(&self.cafe.db, &dir, &ctx).await.unwrap()
    }

    async fn events(&self, event_type: &str) -> i64 {
        let tx = self.cafe.db.system_tx().await.unwrap();
        let row = tx
            .query_one_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT count(*) AS n FROM event_outbox WHERE event_type = $1",
                [event_type.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    async fn clock(
        &self,
        id: SupportTicketId,
        now: &str,
        metric: SlaMetric,
    ) -> (ClockState, Option<DateTime<Utc>>) {
        let case = read::case(&self.cafe.db, &self.operator(now), id)
            .await
            .unwrap();
        let clock = case
            .case
            .sla
            .iter()
            .find(|c| c.metric == metric)
            .unwrap_or_else(|| panic!("no {metric:?} clock"));
        (clock.state, clock.due_at)
    }

    async fn set(&self, id: SupportTicketId, now: &str, status: TicketStatus) {
        desk::set_status(
            &self.cafe.db,
            &self.operator(now),
            id,
            StatusChange {
                status,
                reason: reason("working the queue"),
            },
        )
        .await
        .unwrap();
    }
}

fn body(text: &str) -> MessageBody {
    MessageBody::parse(text).unwrap()
}

#[tokio::test]
async fn clocks_pause_while_pending_resume_after_and_breach_once() {
    let desk = Desk::open().await;
    let db = &desk.cafe.db;
    // Monday 11 January 2027, 09:00 UTC; the desk keeps Monday to Friday,
    // 09:00-17:00 UTC. HIGH: first reply 240, next reply 480 business minutes.
    let thread = tickets::open(
        db,
        &desk.owner("2027-01-11T09:00:00Z"),
        NewSupportTicket {
            subject: Title::parse("Card reader offline").unwrap(),
            body: body("Since this morning the reader shows no network."),
            category: Category::Technical,
            priority: Some(Priority::High),
            attachment_ids: None,
        },
    )
    .await
    .unwrap();
    let id = thread.ticket.id;
    assert_eq!(thread.ticket.status, TicketStatus::New);
    assert_eq!(
        desk.clock(id, "2027-01-11T09:00:00Z", SlaMetric::FirstReply)
            .await,
        (ClockState::Running, Some(at("2027-01-11T13:00:00Z")))
    );

    // Answered at 10:00: the first reply is met; waiting on the business.
    desk::answer(
        db,
        &desk.operator("2027-01-11T10:00:00Z"),
        id,
        SupportAnswer {
            body: body("Could you restart the reader?"),
            attachment_ids: None,
            status: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        desk.clock(id, "2027-01-11T10:00:00Z", SlaMetric::FirstReply)
            .await
            .0,
        ClockState::Met
    );
    assert_eq!(
        desk.clock(id, "2027-01-11T10:00:00Z", SlaMetric::Resolution)
            .await,
        (ClockState::Paused, None)
    );

    // The business writes back at 16:00: next reply due Tuesday 16:00.
    let replied = tickets::reply(
        db,
        &desk.owner("2027-01-11T16:00:00Z"),
        id,
        SupportReply {
            body: body("Restarted, still offline."),
            attachment_ids: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(replied.ticket.status, TicketStatus::Open);
    assert_eq!(
        desk.clock(id, "2027-01-11T16:00:00Z", SlaMetric::NextReply)
            .await,
        (ClockState::Running, Some(at("2027-01-12T16:00:00Z")))
    );

    // Tuesday 10:00 the operator waits on the business again (120 minutes
    // counted); nothing is due while it waits, however long.
    desk.set(id, "2027-01-12T10:00:00Z", TicketStatus::Pending)
        .await;
    assert_eq!(
        desk.tick("2027-01-20T12:00:00Z").await,
        scheduler::Tick::default()
    );
    // Wednesday 12:00 it is back with the operator: 360 minutes left, so due
    // Thursday 10:00, with the warning (80 %, 384 minutes) at Wednesday 16:24.
    desk.set(id, "2027-01-13T12:00:00Z", TicketStatus::Open)
        .await;
    assert_eq!(
        desk.clock(id, "2027-01-13T12:00:00Z", SlaMetric::NextReply)
            .await,
        (ClockState::Running, Some(at("2027-01-14T10:00:00Z")))
    );
    assert_eq!(desk.tick("2027-01-13T16:20:00Z").await.warned, 0);
    assert_eq!(desk.tick("2027-01-13T16:30:00Z").await.warned, 1);
    assert_eq!(desk.tick("2027-01-13T16:40:00Z").await.warned, 0);
    assert_eq!(desk.events("support.sla.warning").await, 1);
    assert_eq!(desk.tick("2027-01-14T10:00:00Z").await.breached, 1);
    assert_eq!(desk.tick("2027-01-14T10:05:00Z").await.breached, 0);
    assert_eq!(desk.events("support.sla.breached").await, 1);
    let (state, _) = desk
        .clock(id, "2027-01-14T10:05:00Z", SlaMetric::NextReply)
        .await;
    assert_eq!(state, ClockState::Breached);
    let queue = read::queue(
        db,
        &desk.operator("2027-01-14T10:05:00Z"),
        schema::support::QueueFilter {
            breached: Some(true),
            ..Default::default()
        },
        Default::default(),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(queue.items.len(), 1);
    assert_eq!(queue.items[0].ticket.id, id);
    assert_eq!(queue.items[0].tenant_name, "Test Café");

    // Solved Thursday 11:00; it closes 96 hours later, not before.
    desk::answer(
        db,
        &desk.operator("2027-01-14T11:00:00Z"),
        id,
        SupportAnswer {
            body: body("A new reader is on its way."),
            attachment_ids: None,
            status: Some(TicketStatus::Solved),
        },
    )
    .await
    .unwrap();
    assert_eq!(desk.tick("2027-01-18T10:59:00Z").await.closed, 0);
    assert_eq!(desk.tick("2027-01-18T11:00:00Z").await.closed, 1);
    let closed = read::thread(db, &desk.owner("2027-01-18T11:01:00Z"), id)
        .await
        .unwrap();
    assert_eq!(closed.ticket.status, TicketStatus::Closed);
    assert_eq!(closed.messages.len(), 4);
    // A closed ticket takes no reply: the business opens a new one.
    let late = tickets::reply(
        db,
        &desk.owner("2027-01-18T12:00:00Z"),
        id,
        SupportReply {
            body: body("Thanks!"),
            attachment_ids: None,
        },
    )
    .await;
    assert_eq!(code(late), ErrorCode::Conflict);
}

#[tokio::test]
async fn a_reply_reopens_a_solved_ticket_and_its_resolution_clock_resumes() {
    let desk = Desk::open().await;
    let db = &desk.cafe.db;
    let thread = tickets::open(
        db,
        &desk.owner("2027-01-11T09:00:00Z"),
        NewSupportTicket {
            subject: Title::parse("Invoice question").unwrap(),
            body: body("Why two lines?"),
            category: Category::Billing,
            priority: None,
            attachment_ids: None,
        },
    )
    .await
    .unwrap();
    let id = thread.ticket.id;
    assert_eq!(thread.ticket.priority, Priority::Normal);
    // Solved by the business at 11:00 (120 minutes of resolution counted).
    tickets::solve(db, &desk.owner("2027-01-11T11:00:00Z"), id)
        .await
        .unwrap();
    assert_eq!(
        desk.clock(id, "2027-01-11T11:00:00Z", SlaMetric::Resolution)
            .await
            .0,
        ClockState::Met
    );
    // A reply the next morning reopens it; NORMAL resolution is 2880
    // minutes (six 8-hour days), 2760 left from Tuesday 09:00: five full
    // days and six hours, so due Tuesday 19 January 15:00.
    let reopened = tickets::reply(
        db,
        &desk.owner("2027-01-12T09:00:00Z"),
        id,
        SupportReply {
            body: body("Actually, one more thing."),
            attachment_ids: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(reopened.ticket.status, TicketStatus::Open);
    assert_eq!(
        desk.clock(id, "2027-01-12T09:00:00Z", SlaMetric::Resolution)
            .await,
        (ClockState::Running, Some(at("2027-01-19T15:00:00Z")))
    );
    // Moves the operator may not make, each refused and changing nothing.
    let back_to_new = desk::set_status(
        db,
        &desk.operator("2027-01-12T09:30:00Z"),
        id,
        StatusChange {
            status: TicketStatus::New,
            reason: reason("tidy"),
        },
    )
    .await;
    assert_eq!(code(back_to_new), ErrorCode::Validation);
    let close_open = desk::set_status(
        db,
        &desk.operator("2027-01-12T09:30:00Z"),
        id,
        StatusChange {
            status: TicketStatus::Closed,
            reason: reason("tidy"),
        },
    )
    .await;
    assert_eq!(code(close_open), ErrorCode::Conflict);
    // Another business's user cannot see it.
    let stranger = schema::support::read::thread(
        db,
        &RequestContext::new(
            "stranger",
            Actor::User {
                tenant_id: kernel::TenantId::new(),
                user_id: UserId::new(),
            },
        )
        .with_access(
            desk.owner("2027-01-12T09:30:00Z")
                .access
                .as_deref()
                .cloned()
                .unwrap(),
        ),
        id,
    )
    .await;
    assert!(stranger.is_err());
    assert_eq!(
        read::thread(db, &desk.owner("2027-01-12T09:30:00Z"), id)
            .await
            .unwrap()
            .ticket
            .status,
        TicketStatus::Open
    );
}
