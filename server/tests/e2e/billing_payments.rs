//! Paying for plans end to end: the real server charges through the real
//! sandbox provider over HTTP, and learns the outcome only from the
//! sandbox's signed webhooks. A trial's first invoice is paid by webhook; a
//! declined renewal goes through dunning to read-only and back; webhooks
//! with bad signatures change nothing, duplicates apply once, and an older
//! event never moves a subscription backwards.

use crate::harness::{Rest, Sandbox, ServerBuilder, TenantFixture, TestServer, s};
use schema::billing::signature;
use serde_json::{Value, json};
use std::time::Duration;

const SECRET: &str = "whsec_e2e";

/// A server whose provider is a sandbox, and the sandbox posting back to it.
async fn platform() -> (TestServer, Sandbox) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = ServerBuilder::new()
        .env("BILLING_PROVIDER_URL", format!("http://127.0.0.1:{port}"))
        .env("BILLING_PROVIDER_API_KEY", "sk_sandbox")
        // the old secret first: verification accepts either while rotating
        .env("BILLING_WEBHOOK_SECRETS", format!("whsec_old,{SECRET}"))
        .start()
        .await;
    let listen = format!("127.0.0.1:{port}");
    let hook = server.url("/v1/billing/webhooks/sandbox");
    let sandbox = Sandbox::start_with(&[
        "--listen",
        &listen,
        "--webhook-url",
        &hook,
        "--webhook-secret",
        SECRET,
    ])
    .await;
    (server, sandbox)
}

/// Waits until the tenant's billing satisfies `done`; returns it.
async fn until(
    server: &TestServer,
    shop: &TenantFixture,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = server.billing(&shop.owner_token).overview().await;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen: {last}");
}

fn status_is(status: &'static str) -> impl Fn(&Value) -> bool {
    move |b: &Value| b["subscription"]["status"] == status
}

#[tokio::test]
async fn a_trial_ends_and_its_first_invoice_is_paid_by_webhook() {
    let (server, sandbox) = platform().await;
    let admin = server.superadmin_token().await;
    let billing = server.billing(&admin);
    billing
        .plan("cafe", 2900, 14, json!(["pos", "menu"]), json!({}))
        .await;
    let shop = server.tenant("paid-trial").await;
    billing.set_clock(shop.id, "2027-01-01T00:00:00Z").await;
    let chosen = server
        .gql_ok(
            "mutation { choosePlan(input: {planCode: \"cafe\", interval: MONTH, paymentMethod: \"pm_card_ok\"}) { status paymentMethod } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(
        chosen["choosePlan"],
        json!({"status": "TRIALING", "paymentMethod": "pm_card_ok"})
    );
    billing.advance(shop.id, "2027-01-15T00:00:00Z").await;
    let owner = server.billing(&shop.owner_token);
    for _ in 0..100 {
        if owner.invoices().await[0]["status"] == "PAID" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let invoice = owner.invoices().await[0].clone();
    assert_eq!(invoice["status"], "PAID", "{invoice}");
    assert_eq!(invoice["amountPaidMinor"], 2900);
    assert_eq!(invoice["periodStart"], "2027-01-15T00:00:00+00:00");
    let overview = until(&server, &shop, "active", status_is("ACTIVE")).await;
    assert_eq!(overview["subscription"]["failedAttempts"], 0);
    // Exactly one charge and one success event at the provider.
    let events = sandbox.events().await;
    let succeeded: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "payment_intent.succeeded")
        .collect();
    assert_eq!(succeeded.len(), 1, "{events:?}");
    // The owner was emailed the invoice.
    let mailed = server
        .wait_for_log(|l| {
            l["subject"]
                .as_str()
                .is_some_and(|m| m.contains(s(&invoice["number"])))
        })
        .await;
    assert!(mailed.is_some(), "the invoice email was not sent");
}

#[tokio::test]
async fn a_declined_renewal_goes_through_dunning_to_read_only_and_payment_restores_it() {
    let (server, _sandbox) = platform().await;
    let admin = server.superadmin_token().await;
    let billing = server.billing(&admin);
    billing
        .plan("basic", 2900, 0, json!(["pos", "menu"]), json!({}))
        .await;
    let shop = server.tenant("dunning").await;
    let o = Some(shop.owner_token.as_str());
    billing.set_clock(shop.id, "2027-01-01T00:00:00Z").await;
    server
        .gql_ok("mutation { choosePlan(input: {planCode: \"basic\", interval: MONTH, paymentMethod: \"pm_card_ok\"}) { status } }", json!({}), o)
        .await;
    until(&server, &shop, "the first payment", status_is("ACTIVE")).await;

    // The card on file starts declining; the renewal fails.
    server
        .gql_ok("mutation { setPaymentMethod(input: {paymentMethod: \"pm_card_declined\"}) { paymentMethod } }", json!({}), o)
        .await;
    billing.advance(shop.id, "2027-02-01T00:00:00Z").await;
    let past_due = until(&server, &shop, "past due", status_is("PAST_DUE")).await;
    assert_eq!(past_due["subscription"]["failedAttempts"], 1);
    assert_eq!(
        past_due["subscription"]["nextRetryAt"],
        "2027-02-02T00:00:00+00:00"
    );
    // Grace: the business keeps working while past due.
    server
        .gql_ok(
            "mutation { createMenuCategory(input: {name: \"Grace\"}) { id } }",
            json!({}),
            o,
        )
        .await;

    // Retries 1, 3, 5 and 7 days after the invoice; then unpaid.
    for (day, attempts) in [("02", 2), ("04", 3), ("06", 4)] {
        billing
            .advance(shop.id, &format!("2027-02-{day}T00:00:00Z"))
            .await;
        until(&server, &shop, "a retry", |b| {
            b["subscription"]["failedAttempts"] == attempts
        })
        .await;
    }
    billing.advance(shop.id, "2027-02-08T00:00:00Z").await;
    let unpaid = until(&server, &shop, "unpaid", status_is("UNPAID")).await;
    assert_eq!(unpaid["subscription"]["failedAttempts"], 5);
    let (code, body) = server
        .gql_err(
            "mutation { createMenuCategory(input: {name: \"Blocked\"}) { id } }",
            json!({}),
            o,
        )
        .await;
    assert_eq!(code, "AUTHZ");
    let details = &body["errors"][0]["extensions"]["details"];
    assert_eq!(details["reason"], "billing", "{body}");
    assert_eq!(details["subscriptionStatus"], "unpaid");
    server
        .gql_ok("{ menuCategories { id } }", json!({}), o)
        .await;

    // A working card pays the open invoice and restores the business at once.
    server
        .gql_ok(
            "mutation { setPaymentMethod(input: {paymentMethod: \"pm_card_ok\"}) { status } }",
            json!({}),
            o,
        )
        .await;
    until(&server, &shop, "restored", status_is("ACTIVE")).await;
    server
        .gql_ok(
            "mutation { createMenuCategory(input: {name: \"Back\"}) { id } }",
            json!({}),
            o,
        )
        .await;
    let invoices = server.billing(&shop.owner_token).invoices().await;
    assert!(
        invoices.iter().all(|i| i["status"] == "PAID"),
        "{invoices:?}"
    );
    // The owner was told at each step.
    for subject in [
        "your payment did not go through",
        "your subscription is unpaid",
    ] {
        let told = server
            .wait_for_log(|l| l["subject"].as_str().is_some_and(|m| m.contains(subject)))
            .await;
        assert!(told.is_some(), "no email saying {subject}");
    }
}

/// A Stripe-shaped event about `invoice` of `tenant`.
fn event(id: &str, kind: &str, created: i64, tenant: uuid::Uuid, invoice: &Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": id, "object": "event", "type": kind, "created": created,
        "data": {"object": {"id": format!("pi_{id}"), "object": "payment_intent", "customer": tenant.to_string(),
                            "metadata": {"invoice_id": invoice}, "status": "succeeded"}}
    }))
    .unwrap()
}

async fn post(
    server: &TestServer,
    provider: &str,
    signature: Option<String>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(server.url(&format!("/v1/billing/webhooks/{provider}")))
        .header("content-type", "application/json")
        .body(body);
    if let Some(sig) = signature {
        request = request.header("Stripe-Signature", sig);
    }
    let response = request.send().await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn webhooks_are_verified_on_the_raw_bytes_stored_once_and_never_move_a_subscription_back() {
    let (server, _sandbox) = platform().await;
    let admin = server.superadmin_token().await;
    let shop = server.tenant("hooks").await;
    let a = Some(admin.as_str());
    // On a free plan, so the subscription remembers the events applied to it.
    server
        .gql_ok("mutation { createPlan(reason: \"operator test\", input: {code: \"x\", name: \"X\", terms: {currency: \"EUR\", monthlyPriceMinor: 0, modules: [\"pos\"]}}) { id } }", json!({}), a)
        .await;
    server.billing(&admin).assign(shop.id, "x", "MONTH").await;
    let invoice = server
        .gql_ok(
            "mutation($t: UUID!) { createInvoice(reason: \"operator test\", tenantId: $t, currency: \"EUR\", lines: [{description: \"Set-up\", amountMinor: 5000}]) { id } }",
            json!({"t": shop.id}),
            a,
        )
        .await["createInvoice"]["id"]
        .clone();
    server
        .billing(&admin)
        .invoice_op("finalizeInvoice", &invoice)
        .await;
    let now = chrono::Utc::now().timestamp();
    let body = event(
        "evt_paid",
        "payment_intent.succeeded",
        now,
        shop.id,
        &invoice,
    );
    let sign = |t: i64, b: &[u8], secret: &str| signature::sign(secret.as_bytes(), t, b);

    // Refused, and nothing stored: wrong secret, stale, from the future,
    // re-serialised body, no header, unknown provider.
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    for (sig, sent, want) in [
        (Some(sign(now, &body, "whsec_wrong")), body.clone(), 401),
        (Some(sign(now - 330, &body, SECRET)), body.clone(), 401),
        (Some(sign(now + 330, &body, SECRET)), body.clone(), 401),
        (Some(sign(now, &body, SECRET)), pretty.clone(), 401),
        (Some("t=abc,v1=zz".to_owned()), body.clone(), 401),
        (None, body.clone(), 401),
    ] {
        let (status, answer) = post(&server, "sandbox", sig, sent).await;
        assert_eq!(status, want, "{answer}");
        assert_eq!(answer["error"]["code"], "AUTHN", "{answer}");
    }
    let (status, _) = post(
        &server,
        "paypal",
        Some(sign(now, &body, SECRET)),
        body.clone(),
    )
    .await;
    assert_eq!(status, 404);
    let stored = server
        .gql_ok("{ billingWebhookEvents { eventId } }", json!({}), a)
        .await;
    assert_eq!(
        stored["billingWebhookEvents"],
        json!([]),
        "a refused delivery stores nothing"
    );
    let open = server
        .gql_ok(
            "query($id: UUID!) { invoice(id: $id) { status } }",
            json!({"id": invoice}),
            a,
        )
        .await;
    assert_eq!(open["invoice"]["status"], "OPEN");

    // The same event five times at once (signed with the old secret too):
    // stored once, applied once.
    let mut deliveries = Vec::new();
    for i in 0..5 {
        let secret = if i % 2 == 0 { SECRET } else { "whsec_old" };
        deliveries.push(post(
            &server,
            "sandbox",
            Some(sign(now, &body, secret)),
            body.clone(),
        ));
    }
    let answers = futures_util::future::join_all(deliveries).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    let fresh = answers
        .iter()
        .filter(|(_, a)| a["data"]["duplicate"] == false)
        .count();
    assert_eq!(fresh, 1, "{answers:?}");
    for _ in 0..100 {
        let paid = server
            .gql_ok(
                "query($id: UUID!) { invoice(id: $id) { status } }",
                json!({"id": invoice}),
                a,
            )
            .await;
        if paid["invoice"]["status"] == "PAID" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let events = server
        .gql_ok(
            "{ billingWebhookEvents { eventId status attempts } }",
            json!({}),
            a,
        )
        .await;
    assert_eq!(
        events["billingWebhookEvents"],
        json!([{"eventId": "evt_paid", "status": "PROCESSED", "attempts": 0}])
    );
    let paid = server
        .gql_ok(
            "query($id: UUID!) { invoice(id: $id) { status amountPaidMinor } }",
            json!({"id": invoice}),
            a,
        )
        .await;
    assert_eq!(
        paid["invoice"],
        json!({"status": "PAID", "amountPaidMinor": 5000})
    );

    // An older failure arriving after the newer success changes nothing.
    let second = server
        .gql_ok(
            "mutation($t: UUID!) { createInvoice(reason: \"operator test\", tenantId: $t, currency: \"EUR\", lines: [{description: \"Training\", amountMinor: 700}]) { id } }",
            json!({"t": shop.id}),
            a,
        )
        .await["createInvoice"]["id"]
        .clone();
    server
        .billing(&admin)
        .invoice_op("finalizeInvoice", &second)
        .await;
    let older = event(
        "evt_old",
        "payment_intent.payment_failed",
        now - 60,
        shop.id,
        &second,
    );
    let (status, _) = post(&server, "sandbox", Some(sign(now, &older, SECRET)), older).await;
    assert_eq!(status, 200);
    let mut seen = Value::Null;
    for _ in 0..100 {
        seen = server
            .gql_ok(
                "{ billingWebhookEvents { eventId status lastError } }",
                json!({}),
                a,
            )
            .await;
        if seen["billingWebhookEvents"][0]["status"] != "PENDING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        seen["billingWebhookEvents"][0]["eventId"], "evt_old",
        "{seen}"
    );
    assert_eq!(
        seen["billingWebhookEvents"][0]["status"], "IGNORED",
        "{seen}"
    );
    let standing = server.billing(&shop.owner_token).overview().await;
    assert_eq!(standing["subscription"]["status"], "ACTIVE");
    assert_eq!(standing["subscription"]["failedAttempts"], 0);

    // A superadmin may replay what was not applied (it is ignored again, for
    // the same reason); a processed event is not replayed.
    const REPLAY: &str = "mutation($e: Token!) { replayBillingWebhook(reason: \"operator test\", provider: \"sandbox\", eventId: $e) { eventId status attempts } }";
    let replayed = server.gql_ok(REPLAY, json!({"e": "evt_old"}), a).await;
    assert_eq!(replayed["replayBillingWebhook"]["status"], "PENDING");
    for _ in 0..100 {
        seen = server
            .gql_ok("{ billingWebhookEvents { eventId status } }", json!({}), a)
            .await;
        if seen["billingWebhookEvents"][0]["status"] == "IGNORED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        seen["billingWebhookEvents"][0]["status"], "IGNORED",
        "{seen}"
    );
    let (code, _) = server.gql_err(REPLAY, json!({"e": "evt_paid"}), a).await;
    assert_eq!(code, "CONFLICT");
    let (code, _) = server.gql_err(REPLAY, json!({"e": "evt_none"}), a).await;
    assert_eq!(code, "NOT_FOUND");
    assert_eq!(
        server.billing(&shop.owner_token).overview().await["subscription"]["status"],
        "ACTIVE"
    );

    // REST: a tenant reads its invoices; another tenant reads none of them.
    let other = server.tenant("hooks-other").await;
    let path = format!("/v1/billing/invoices/{}", s(&invoice));
    let (status, mine) = Rest::new(&server, &shop.owner_token).get(&path).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["data"]["status"], "PAID");
    let (status, theirs) = Rest::new(&server, &other.owner_token).get(&path).await;
    assert_eq!(status, 404, "{theirs}");
    let (_, list) = Rest::new(&server, &other.owner_token)
        .get("/v1/billing/invoices")
        .await;
    assert_eq!(list["data"], json!([]));
}

#[tokio::test]
async fn a_plan_that_cancels_when_unpaid_ends_the_subscription_after_the_last_retry() {
    let (server, _sandbox) = platform().await;
    let admin = server.superadmin_token().await;
    let a = Some(admin.as_str());
    let settings = server
        .gql_ok(
            "mutation { updateBillingSettings(reason: \"operator test\", patch: {retryDays: [2]}) { retryDays } }",
            json!({}),
            a,
        )
        .await;
    assert_eq!(settings["updateBillingSettings"]["retryDays"], json!([2]));
    let (code, _) = server
        .gql_err(
            "mutation { updateBillingSettings(reason: \"operator test\", patch: {retryDays: [3, 1]}) { retryDays } }",
            json!({}),
            a,
        )
        .await;
    assert_eq!(code, "VALIDATION", "retry days rise");
    server
        .gql_ok(
            "mutation { createPlan(reason: \"operator test\", input: {code: \"strict\", name: \"Strict\", terms: {currency: \"EUR\", monthlyPriceMinor: 1500, modules: [\"pos\", \"menu\"], onUnpaid: CANCELED}}) { id } }",
            json!({}),
            a,
        )
        .await;
    let shop = server.tenant("strict").await;
    let o = Some(shop.owner_token.as_str());
    server
        .billing(&admin)
        .set_clock(shop.id, "2027-03-01T00:00:00Z")
        .await;
    server
        .gql_ok(
            "mutation { choosePlan(input: {planCode: \"strict\", interval: MONTH, paymentMethod: \"pm_card_insufficient_funds\"}) { status } }",
            json!({}),
            o,
        )
        .await;
    // The first payment fails: it stays incomplete, nothing is dunned yet.
    let first = until(&server, &shop, "a failed first payment", |b| {
        b["subscription"]["status"] == "INCOMPLETE"
    })
    .await;
    assert_eq!(first["subscription"]["failedAttempts"], 0);
    server
        .gql_ok(
            "mutation { setPaymentMethod(input: {paymentMethod: \"pm_card_ok\"}) { status } }",
            json!({}),
            o,
        )
        .await;
    until(&server, &shop, "the first payment", status_is("ACTIVE")).await;
    server
        .gql_ok(
            "mutation { setPaymentMethod(input: {paymentMethod: \"pm_card_declined\"}) { status } }",
            json!({}),
            o,
        )
        .await;
    server
        .billing(&admin)
        .advance(shop.id, "2027-04-01T00:00:00Z")
        .await;
    let past_due = until(&server, &shop, "past due", status_is("PAST_DUE")).await;
    assert_eq!(
        past_due["subscription"]["nextRetryAt"],
        "2027-04-03T00:00:00+00:00"
    );
    server
        .billing(&admin)
        .advance(shop.id, "2027-04-03T00:00:00Z")
        .await;
    let ended = until(&server, &shop, "canceled", status_is("CANCELED")).await;
    assert_eq!(ended["subscription"]["failedAttempts"], 2);
    let (code, _) = server
        .gql_err(
            "mutation { createMenuCategory(input: {name: \"Closed\"}) { id } }",
            json!({}),
            o,
        )
        .await;
    assert_eq!(code, "AUTHZ");
}
