//! Pricing rules through the services: line and ticket discounts (and the
//! permission they take), the service charge, and a total that never falls
//! below what was paid.

use crate::harness::{Cafe, code, key, reason};
use crate::tickets::{add, line, lines, open};
use kernel::ErrorCode;
use schema::pos::payments::{self, NewPayment, PaymentMethod};
use schema::pos::tickets::{self, DiscountInput, DiscountKind, TicketPatch};
use schema::text::Token;

fn percent(bp: i64) -> DiscountInput {
    DiscountInput {
        percent_bp: Some(bp),
        reason: Some(reason("regular")),
        ..DiscountInput::default()
    }
}

fn amount(minor: i64) -> DiscountInput {
    DiscountInput {
        amount_minor: Some(minor),
        ..DiscountInput::default()
    }
}

#[tokio::test]
async fn a_line_discount_comes_off_that_line_before_its_tax() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    add(&cafe, &ctx, t.id, line(cafe.latte)).await;
    let latte = lines(&cafe, t.id).await[0].id;
    let after = tickets::set_discount(&cafe.db, &ctx, t.id, Some(latte), percent(1000))
        .await
        .unwrap();
    // 350 − 35 = 315, tax 31.5 rounds half up to 32.
    assert_eq!(after.discount_minor, 35);
    assert_eq!(after.tax_minor, 32);
    assert_eq!(after.total_minor, 347);
    let line = &lines(&cafe, t.id).await[0];
    assert_eq!(line.discount.as_ref().unwrap().kind, DiscountKind::Percent);
    assert_eq!(line.net_minor, 315);
    let removed =
        tickets::set_discount(&cafe.db, &ctx, t.id, Some(latte), DiscountInput::default())
            .await
            .unwrap();
    assert_eq!(removed.total_minor, 385);
}

#[tokio::test]
async fn a_ticket_discount_is_shared_across_lines_and_the_service_charge_follows_the_net() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    add(&cafe, &ctx, t.id, line(cafe.latte)).await;
    add(&cafe, &ctx, t.id, line(cafe.croissant)).await;
    let discounted = tickets::set_discount(&cafe.db, &ctx, t.id, None, percent(1000))
        .await
        .unwrap();
    // 600 gross, 60 off shared 35 / 25; taxes 31.5 → 32 and 12.375 → 12.
    assert_eq!(discounted.subtotal_minor, 600);
    assert_eq!(discounted.discount_minor, 60);
    assert_eq!(discounted.tax_minor, 44);
    assert_eq!(discounted.total_minor, 584);
    assert_eq!(discounted.discount.as_ref().unwrap().value, 1000);
    let patch = TicketPatch {
        service_charge_bp: Some(1000),
        ..TicketPatch::default()
    };
    let served = tickets::update(&cafe.db, &ctx, t.id, patch).await.unwrap();
    assert_eq!(
        served.service_charge_minor, 54,
        "10 % of the net 540, untaxed"
    );
    assert_eq!(served.total_minor, 638);
    assert_eq!(served.discount_minor, 60, "the discount stays");
    let flat = tickets::set_discount(&cafe.db, &ctx, t.id, None, amount(100))
        .await
        .unwrap();
    assert_eq!(flat.discount_minor, 100);
}

#[tokio::test]
async fn discounts_take_their_permission_and_one_kind_at_a_time() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    add(&cafe, &ctx, t.id, line(cafe.latte)).await;
    let cashier = cafe.owner_without("pos.ticket.discount");
    assert_eq!(
        code(tickets::set_discount(&cafe.db, &cashier, t.id, None, percent(500)).await),
        ErrorCode::Authz
    );
    let both = DiscountInput {
        amount_minor: Some(10),
        ..percent(500)
    };
    assert_eq!(
        code(tickets::set_discount(&cafe.db, &ctx, t.id, None, both).await),
        ErrorCode::Validation
    );
    assert_eq!(
        code(tickets::set_discount(&cafe.db, &ctx, t.id, None, percent(10_001)).await),
        ErrorCode::Validation
    );
    let unchanged = tickets::get(&cafe.db, &ctx, t.id).await.unwrap();
    assert_eq!(unchanged.discount_minor, 0);
}

#[tokio::test]
async fn the_total_never_falls_below_what_was_paid() {
    let cafe = Cafe::open().await;
    let ctx = cafe.owner();
    let t = open(&cafe, &ctx).await;
    add(&cafe, &ctx, t.id, line(cafe.latte)).await;
    let card = NewPayment {
        method: PaymentMethod::Card,
        amount_minor: Some(300),
        tip_minor: 0,
        tendered_minor: None,
        card_token: Some(Token::parse("tok_visa").unwrap()),
    };
    payments::take(&cafe.db, &ctx, t.id, card, &key("floor"))
        .await
        .unwrap();
    let err = tickets::set_discount(&cafe.db, &ctx, t.id, None, percent(5000))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(err.details().unwrap()["paidMinor"], 300);
    let still = tickets::get(&cafe.db, &ctx, t.id).await.unwrap();
    assert_eq!(still.total_minor, 385, "nothing changed");
    assert!(still.discount.is_none());
}
