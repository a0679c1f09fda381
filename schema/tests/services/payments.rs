//! Payment rules: split and partial payments, cards never overcharged, cash
//! change from an open drawer, settling at a zero balance, refunds within
//! their payment, and retries that change nothing.

use crate::harness::{Cafe, code, reason};
use crate::tickets::{add, line, open};
use kernel::{ErrorCode, PaymentId, RequestContext};
use schema::pos::payments::{self, NewPayment, NewRefund, PaymentMethod, PaymentResult};
use schema::pos::shifts::{self, NewShift};
use schema::pos::tickets::{self, LineStatus, Ticket, TicketStatus};
use schema::text::{CurrencyCode, Token};

fn card(amount: Option<i64>) -> NewPayment {
    NewPayment {
        method: PaymentMethod::Card,
        amount_minor: amount,
        tip_minor: 0,
        tendered_minor: None,
        card_token: Some(Token::parse("tok_visa").unwrap()),
    }
}

fn cash(amount: Option<i64>, tendered: Option<i64>) -> NewPayment {
    NewPayment {
        method: PaymentMethod::Cash,
        amount_minor: amount,
        tip_minor: 0,
        tendered_minor: tendered,
        card_token: None,
    }
}

fn refund(amount: Option<i64>) -> NewRefund {
    NewRefund {
        amount_minor: amount,
        reason: reason("cold coffee"),
        restock: false,
        lines: None,
    }
}

/// A ticket with a latte and a croissant: 350 + 35 tax + 250 + 14 tax = 649.
async fn sale(cafe: &Cafe, ctx: &RequestContext) -> Ticket {
    let t = open(cafe, ctx).await;
    add(cafe, ctx, t.id, line(cafe.latte)).await;
    add(cafe, ctx, t.id, line(cafe.croissant)).await
}

async fn pay(
    cafe: &Cafe,
    ctx: &RequestContext,
    t: &Ticket,
    p: NewPayment,
    k: &str,
) -> PaymentResult {
    payments::take(&cafe.db, ctx, t.id, p, k).await.unwrap()
}

async fn open_drawer(cafe: &Cafe, ctx: &RequestContext) {
    let shift = NewShift {
        location_id: cafe.location,
        opening_float_minor: 10_000,
        currency: CurrencyCode::parse("EUR").unwrap(),
    };
    shifts::open(&cafe.db, ctx, shift).await.unwrap();
}

#[tokio::test]
async fn a_ticket_is_paid_in_parts_and_a_card_is_never_charged_more_than_the_balance() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = sale(&cafe, &ctx).await;
    assert_eq!(t.total_minor, 649);
    let first = pay(&cafe, &ctx, &t, card(Some(400)), "p1").await;
    assert_eq!(first.ticket.paid_minor, 400);
    assert_eq!(first.ticket.balance_minor, 249);
    assert_eq!(first.payment.card_last4.as_deref(), Some("4242"));
    let over = payments::take(&cafe.db, &ctx, t.id, card(Some(250)), "p2").await;
    assert_eq!(code(over), ErrorCode::Validation);
    let rest = pay(&cafe, &ctx, &t, card(None), "p3").await;
    assert_eq!(rest.payment.amount_minor, 249, "the balance when left out");
    assert_eq!(rest.ticket.balance_minor, 0);
    let more = payments::take(&cafe.db, &ctx, t.id, card(None), "p4").await;
    assert_eq!(code(more), ErrorCode::Conflict, "already paid in full");
}

#[tokio::test]
async fn split_payments_and_tips_follow_the_business_switches() {
    let cafe = Cafe::open().await;
    let no_split = cafe.owner_without_feature("pos.split_payments");
    let t = sale(&cafe, &no_split).await;
    pay(&cafe, &no_split, &t, card(Some(100)), "s1").await;
    let second = payments::take(&cafe.db, &no_split, t.id, card(None), "s2").await;
    assert_eq!(code(second), ErrorCode::Authz);
    let no_tips = cafe.owner_without_feature("pos.tips");
    let tipped = NewPayment {
        tip_minor: 50,
        ..card(None)
    };
    assert_eq!(
        code(payments::take(&cafe.db, &no_tips, t.id, tipped, "s3").await),
        ErrorCode::Authz
    );
}

#[tokio::test]
async fn cash_needs_an_open_drawer_and_gives_change() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = sale(&cafe, &ctx).await;
    let no_drawer = payments::take(&cafe.db, &ctx, t.id, cash(None, Some(1000)), "c1").await;
    assert_eq!(code(no_drawer), ErrorCode::Conflict);
    open_drawer(&cafe, &ctx).await;
    let short = payments::take(&cafe.db, &ctx, t.id, cash(None, Some(600)), "c2").await;
    assert_eq!(code(short), ErrorCode::Validation, "less than the amount");
    let paid = pay(&cafe, &ctx, &t, cash(None, Some(1000)), "c3").await;
    assert_eq!(paid.change_due_minor, 351);
    assert_eq!(paid.payment.change_minor, 351);
    assert_eq!(paid.payment.tendered_minor, Some(1000));
    assert!(paid.payment.shift_id.is_some());
    assert_eq!(paid.ticket.balance_minor, 0);
}

#[tokio::test]
async fn a_retried_payment_returns_the_first_result_and_charges_nothing_again() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = sale(&cafe, &ctx).await;
    let first = pay(&cafe, &ctx, &t, card(Some(100)), "same").await;
    let again = pay(&cafe, &ctx, &t, card(Some(100)), "same").await;
    assert_eq!(first.payment.id, again.payment.id);
    assert_eq!(again.ticket.paid_minor, 100);
    let other = payments::take(&cafe.db, &ctx, t.id, card(Some(200)), "same").await;
    assert_eq!(code(other), ErrorCode::Conflict, "same key, other request");
}

#[tokio::test]
async fn settling_needs_a_zero_balance_and_a_settled_ticket_refuses_changes() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = sale(&cafe, &ctx).await;
    pay(&cafe, &ctx, &t, card(Some(600)), "k1").await;
    let err = payments::settle(&cafe.db, &ctx, t.id, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(err.details().unwrap()["balanceMinor"], 49);
    pay(&cafe, &ctx, &t, card(None), "k2").await;
    let settled = payments::settle(&cafe.db, &ctx, t.id, None).await.unwrap();
    assert_eq!(settled.status, TicketStatus::Settled);
    assert!(settled.settled_at.is_some());
    let again = payments::settle(&cafe.db, &ctx, t.id, None).await.unwrap();
    assert_eq!(
        again.version, settled.version,
        "settling twice changes nothing"
    );
    let more = tickets::add_line(&cafe.db, &ctx, t.id, line(cafe.latte)).await;
    assert_eq!(code(more), ErrorCode::Conflict);
    let pay_more = payments::take(&cafe.db, &ctx, t.id, card(None), "k3").await;
    assert_eq!(code(pay_more), ErrorCode::Conflict);
}

#[tokio::test]
async fn an_empty_ticket_is_not_settled_or_paid() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    assert_eq!(
        code(payments::take(&cafe.db, &ctx, t.id, card(None), "e1").await),
        ErrorCode::Validation
    );
    assert_eq!(
        code(payments::settle(&cafe.db, &ctx, t.id, None).await),
        ErrorCode::Validation
    );
}

#[tokio::test]
async fn refunds_never_exceed_their_payment() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = sale(&cafe, &ctx).await;
    let paid = pay(&cafe, &ctx, &t, card(None), "r0").await;
    let payment = paid.payment.id;
    let early = payments::refund(&cafe.db, &ctx, payment, refund(Some(100)), "r1").await;
    assert_eq!(code(early), ErrorCode::Conflict, "only settled tickets");
    payments::settle(&cafe.db, &ctx, t.id, None).await.unwrap();
    let clerk = cafe.owner_without("pos.payment.refund");
    assert_eq!(
        code(payments::refund(&cafe.db, &clerk, payment, refund(Some(100)), "r2").await),
        ErrorCode::Authz
    );
    let part = payments::refund(&cafe.db, &ctx, payment, refund(Some(500)), "r3")
        .await
        .unwrap();
    assert_eq!(part.refund.amount_minor, 500);
    assert_eq!(part.ticket.refunded_minor, 500);
    let too_much = payments::refund(&cafe.db, &ctx, payment, refund(Some(150)), "r4").await;
    assert_eq!(code(too_much), ErrorCode::Validation);
    let rest = payments::refund(&cafe.db, &ctx, payment, refund(None), "r5")
        .await
        .unwrap();
    assert_eq!(rest.refund.amount_minor, 149, "the rest when left out");
    let done = payments::refund(&cafe.db, &ctx, payment, refund(None), "r6").await;
    assert_eq!(code(done), ErrorCode::Conflict, "fully refunded");
    let read = payments::get_payment(&cafe.db, &ctx, payment)
        .await
        .unwrap();
    assert_eq!(read.refunded_minor, 649);
    let unknown = payments::refund(&cafe.db, &ctx, PaymentId::new(), refund(None), "r7").await;
    assert_eq!(code(unknown), ErrorCode::NotFound);
}

#[tokio::test]
async fn a_restocking_refund_returns_lines_at_most_once() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = sale(&cafe, &ctx).await;
    let payment = pay(&cafe, &ctx, &t, card(None), "x0").await.payment.id;
    payments::settle(&cafe.db, &ctx, t.id, None).await.unwrap();
    let restock = NewRefund {
        restock: true,
        ..refund(Some(100))
    };
    let first = payments::refund(&cafe.db, &ctx, payment, restock.clone(), "x1")
        .await
        .unwrap();
    assert_eq!(first.refund.lines.len(), 2, "every line when none is named");
    let lines = tickets::lines_of_tickets(&cafe.db, cafe.tenant, &[t.id])
        .await
        .unwrap();
    assert!(
        lines
            .iter()
            .all(|l| l.returned == 1 && l.status == LineStatus::Active)
    );
    let again = payments::refund(&cafe.db, &ctx, payment, restock, "x2").await;
    assert_eq!(
        code(again),
        ErrorCode::Validation,
        "nothing left to restock"
    );
}
