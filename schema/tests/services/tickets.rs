//! Ticket rules: numbering, lines priced from the menu, changes until the
//! kitchen has them, versions, voids, and the states that refuse changes.

use crate::harness::{Cafe, LATTE, OAT, code, reason};
use kernel::{ErrorCode, MenuItemId, RequestContext, TicketId};
use schema::pos::tickets::{
    self, LinePatch, LineStatus, LineVoid, NewLine, NewTicket, Ticket, TicketPatch, TicketStatus,
    TicketVoid,
};

pub fn new_ticket(cafe: &Cafe) -> NewTicket {
    NewTicket {
        location_id: cafe.location,
        label: None,
        currency: None,
        service_charge_bp: 0,
        dining_option: None,
    }
}

pub fn line(item: MenuItemId) -> NewLine {
    NewLine {
        expected_version: None,
        menu_item_id: item,
        variant_id: None,
        modifier_ids: vec![],
        quantity: 1,
        note: None,
        course: 1,
        seat: None,
    }
}

pub async fn open(cafe: &Cafe, ctx: &RequestContext) -> Ticket {
    tickets::open(&cafe.db, ctx, new_ticket(cafe))
        .await
        .unwrap()
}

pub async fn add(cafe: &Cafe, ctx: &RequestContext, ticket: TicketId, line: NewLine) -> Ticket {
    tickets::add_line(&cafe.db, ctx, ticket, line)
        .await
        .unwrap()
}

pub async fn lines(cafe: &Cafe, ticket: TicketId) -> Vec<tickets::TicketLine> {
    tickets::lines_of_tickets(&cafe.db, cafe.tenant, &[ticket])
        .await
        .unwrap()
}

#[tokio::test]
async fn tickets_are_numbered_per_business_day_and_open_empty() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let first = open(&cafe, &ctx).await;
    let second = open(&cafe, &ctx).await;
    assert_eq!((first.number, second.number), (1, 2));
    assert_eq!(first.business_day, second.business_day);
    assert_eq!(first.status, TicketStatus::Open);
    assert_eq!((first.total_minor, first.balance_minor), (0, 0));
    assert_eq!(first.currency, None);
    assert_eq!(first.opened_by, Some(cafe.owner_id));
}

#[tokio::test]
async fn a_line_is_priced_from_the_menu_with_its_modifiers_and_tax() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    let after = add(
        &cafe,
        &ctx,
        t.id,
        NewLine {
            modifier_ids: vec![cafe.oat],
            quantity: 2,
            ..line(cafe.latte)
        },
    )
    .await;
    // 2 × (350 + 40) = 780, 10 % tax on top.
    assert_eq!(after.subtotal_minor, 2 * (LATTE + OAT));
    assert_eq!(after.tax_minor, 78);
    assert_eq!(after.total_minor, 858);
    assert_eq!(after.balance_minor, 858);
    assert_eq!(
        after.currency.as_deref(),
        Some("EUR"),
        "the first line fixes it"
    );
    assert_eq!(after.version, t.version + 1);
    let lines = lines(&cafe, t.id).await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].modifiers[0].modifier_id, cafe.oat);
    assert_eq!(lines[0].net_minor, 780);
}

#[tokio::test]
async fn the_menu_refuses_foreign_currencies_and_modifiers_outside_their_limits() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    add(&cafe, &ctx, t.id, line(cafe.latte)).await;
    let usd = tickets::add_line(&cafe.db, &ctx, t.id, line(cafe.soda_usd)).await;
    assert_eq!(code(usd), ErrorCode::Validation);
    let both_milks = NewLine {
        modifier_ids: vec![cafe.oat, cafe.soy],
        ..line(cafe.latte)
    };
    let err = tickets::add_line(&cafe.db, &ctx, t.id, both_milks)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(err.details().unwrap()["maxSelect"], 1);
    let oat_on_croissant = NewLine {
        modifier_ids: vec![cafe.oat],
        ..line(cafe.croissant)
    };
    let wrong = tickets::add_line(&cafe.db, &ctx, t.id, oat_on_croissant).await;
    assert_eq!(code(wrong), ErrorCode::Validation);
    let zero = NewLine {
        quantity: 0,
        ..line(cafe.latte)
    };
    assert_eq!(
        code(tickets::add_line(&cafe.db, &ctx, t.id, zero).await),
        ErrorCode::Validation
    );
}

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    let after = add(&cafe, &ctx, t.id, line(cafe.latte)).await;
    let stale = NewLine {
        expected_version: Some(t.version),
        ..line(cafe.croissant)
    };
    let err = tickets::add_line(&cafe.db, &ctx, t.id, stale)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(err.details().unwrap()["currentVersion"], after.version);
    let fresh = NewLine {
        expected_version: Some(after.version),
        ..line(cafe.croissant)
    };
    tickets::add_line(&cafe.db, &ctx, t.id, fresh)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_line_changes_until_the_kitchen_has_it_then_only_a_void_with_a_reason_removes_it() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    add(&cafe, &ctx, t.id, line(cafe.latte)).await;
    let line_id = lines(&cafe, t.id).await[0].id;
    let patch = LinePatch {
        quantity: Some(3),
        modifier_ids: Some(vec![cafe.oat]),
        ..LinePatch::default()
    };
    let changed = tickets::update_line(&cafe.db, &ctx, t.id, line_id, patch)
        .await
        .unwrap();
    assert_eq!(changed.subtotal_minor, 3 * (LATTE + OAT));

    let sent = tickets::send(&cafe.db, &ctx, t.id, tickets::SendTicket::default())
        .await
        .unwrap();
    assert!(sent.sent_at.is_some());
    let again = tickets::send(&cafe.db, &ctx, t.id, tickets::SendTicket::default()).await;
    assert_eq!(code(again), ErrorCode::Conflict, "nothing new to send");
    let late = LinePatch {
        quantity: Some(1),
        ..LinePatch::default()
    };
    let refused = tickets::update_line(&cafe.db, &ctx, t.id, line_id, late).await;
    assert_eq!(code(refused), ErrorCode::Conflict);

    let no_reason = tickets::void_line(&cafe.db, &ctx, t.id, line_id, LineVoid::default()).await;
    assert_eq!(code(no_reason), ErrorCode::Validation);
    let with_reason = LineVoid {
        expected_version: None,
        reason: Some(reason("dropped it")),
    };
    let cashier = cafe.owner_without("pos.ticket.void");
    let forbidden =
        tickets::void_line(&cafe.db, &cashier, t.id, line_id, with_reason.clone()).await;
    assert_eq!(code(forbidden), ErrorCode::Authz);
    let voided = tickets::void_line(&cafe.db, &ctx, t.id, line_id, with_reason.clone())
        .await
        .unwrap();
    assert_eq!(voided.total_minor, 0);
    assert_eq!(lines(&cafe, t.id).await[0].status, LineStatus::Voided);
    let twice = tickets::void_line(&cafe.db, &ctx, t.id, line_id, with_reason).await;
    assert_eq!(code(twice), ErrorCode::Conflict);
}

#[tokio::test]
async fn a_voided_ticket_refuses_changes() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    add(&cafe, &ctx, t.id, line(cafe.latte)).await;
    let void = TicketVoid {
        expected_version: None,
        reason: reason("customer left"),
    };
    let cashier = cafe.owner_without("pos.ticket.void");
    assert_eq!(
        code(tickets::void(&cafe.db, &cashier, t.id, void.clone()).await),
        ErrorCode::Authz
    );
    let voided = tickets::void(&cafe.db, &ctx, t.id, void.clone())
        .await
        .unwrap();
    assert_eq!(voided.status, TicketStatus::Voided);
    assert_eq!(voided.void_reason.as_deref(), Some("customer left"));
    let add_more = tickets::add_line(&cafe.db, &ctx, t.id, line(cafe.croissant)).await;
    assert_eq!(code(add_more), ErrorCode::Conflict);
    let relabel = TicketPatch {
        service_charge_bp: Some(500),
        ..TicketPatch::default()
    };
    assert_eq!(
        code(tickets::update(&cafe.db, &ctx, t.id, relabel).await),
        ErrorCode::Conflict
    );
    assert_eq!(
        code(tickets::void(&cafe.db, &ctx, t.id, void).await),
        ErrorCode::Conflict
    );
}

#[tokio::test]
async fn an_unknown_ticket_is_not_found() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let missing = tickets::get(&cafe.db, &ctx, TicketId::new()).await;
    assert_eq!(code(missing), ErrorCode::NotFound);
    let t = open(&cafe, &ctx).await;
    assert_eq!(tickets::get(&cafe.db, &ctx, t.id).await.unwrap().id, t.id);
}
