//! Billing end to end: the plan catalog, subscriptions moved along a test
//! clock (trial, renewal, upgrade prorated to the second, downgrade at the
//! period end), invoices and credit notes, limits, read-only while paused,
//! plan entitlements under the superadmin's overrides, and isolation.

use crate::harness::{TestServer, s};
use serde_json::{Value, json};

const DAY: i64 = 86_400;

#[tokio::test]
async fn the_catalog_is_versioned_and_refuses_bad_plans() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let billing = server.billing(&admin);
    let plan = billing
        .plan("starter", 2900, 0, json!(["pos"]), json!({"locations": 1}))
        .await;
    assert_eq!(plan["current"]["version"], 1);

    const CREATE: &str =
        "mutation($i: NewPlanInput!) { createPlan(reason: \"operator test\", input: $i) { id } }";
    let terms = |extra: serde_json::Value| {
        let mut t = json!({"currency": "EUR", "monthlyPriceMinor": 100, "modules": []});
        for (k, v) in extra.as_object().unwrap() {
            t[k] = v.clone();
        }
        json!({"i": {"code": "bad", "name": "Bad", "terms": t}})
    };
    for (bad, field) in [
        (json!({"monthlyPriceMinor": -1}), "monthlyPriceMinor"),
        (json!({"currency": "XXX"}), "currency"),
        (json!({"currency": "eur"}), "currency"),
        (json!({"monthlyPriceMinor": null}), "terms"),
        (json!({"modules": ["nope"]}), "modules"),
        (json!({"trialDays": 400}), "trialDays"),
        (json!({"limits": {"locations": -2}}), "limits.locations"),
    ] {
        let (code, body) = server
            .gql_err(CREATE, terms(bad.clone()), Some(&admin))
            .await;
        assert_eq!(code, "VALIDATION", "{bad} -> {body}");
        assert!(
            body.to_string().contains(field),
            "{bad} names {field}: {body}"
        );
    }
    let (code, _) = server
        .gql_err(CREATE, json!({"i": {"code": "starter", "name": "Again", "terms": {"currency": "EUR", "monthlyPriceMinor": 1, "modules": []}}}), Some(&admin))
        .await;
    assert_eq!(code, "CONFLICT");

    // A price change is a new version; the first stays what it was.
    let revised = server
        .gql_ok(
            "mutation($t: PlanTermsInput!) { revisePlan(reason: \"operator test\", code: \"starter\", terms: $t) { current { version monthlyPriceMinor } } }",
            json!({"t": {"currency": "EUR", "monthlyPriceMinor": 3400, "modules": ["pos"]}}),
            Some(&admin),
        )
        .await;
    assert_eq!(revised["revisePlan"]["current"]["version"], 2);
    assert_eq!(revised["revisePlan"]["current"]["monthlyPriceMinor"], 3400);

    // A plan sold monthly only has no yearly price to choose.
    server
        .gql_ok(CREATE, json!({"i": {"code": "monthly", "name": "Monthly", "terms": {"currency": "EUR", "monthlyPriceMinor": 900, "modules": []}}}), Some(&admin))
        .await;
    let monthly_only = server.tenant("monthly").await;
    let (code, body) = server
        .gql_err(
            "mutation { choosePlan(input: {planCode: \"monthly\", interval: YEAR}) { id } }",
            json!({}),
            Some(&monthly_only.owner_token),
        )
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    assert!(body.to_string().contains("interval"), "{body}");
    let (code, _) = server
        .gql_err(
            "query { plan(code: \"nope\") { id } }",
            json!({}),
            Some(&monthly_only.owner_token),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");

    // Tenants read the catalog but cannot write it.
    let shop = server.tenant("catalog").await;
    let listed = server
        .gql_ok("{ plans { code } }", json!({}), Some(&shop.owner_token))
        .await;
    assert_eq!(
        listed["plans"],
        json!([{"code": "monthly"}, {"code": "starter"}])
    );
    let (code, _) = server
        .gql_err(CREATE, terms(json!({})), Some(&shop.owner_token))
        .await;
    assert_eq!(code, "AUTHZ");

    // An operator says why, or nothing happens.
    let (code, body) = server
        .gql_err(
            "mutation { archivePlan(reason: \"  \", code: \"starter\") { archivedAt } }",
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("reason"),
        "{body}"
    );

    // Archived: hidden from sign-ups, refused by choosePlan.
    server
        .gql_ok(
            "mutation { archivePlan(reason: \"operator test\", code: \"starter\") { archivedAt } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let listed = server
        .gql_ok("{ plans { code } }", json!({}), Some(&shop.owner_token))
        .await;
    assert_eq!(listed["plans"], json!([{"code": "monthly"}]));
    let (code, body) = server
        .gql_err(
            "mutation { choosePlan(input: {planCode: \"starter\", interval: MONTH}) { id } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
}

#[tokio::test]
async fn a_trial_ends_in_an_invoice_numbered_without_gaps_and_taxed_once() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let billing = server.billing(&admin);
    server
        .gql_ok(
            "mutation { updateBillingSettings(reason: \"operator test\", patch: {taxRatePpm: 200000, taxName: \"VAT\"}) { taxPercent } }",
            json!({}),
            Some(&admin),
        )
        .await;
    billing
        .plan(
            "cafe",
            2905,
            14,
            json!(["pos", "menu", "inventory"]),
            json!({}),
        )
        .await;
    let shop = server.tenant("trial").await;
    billing.set_clock(shop.id, "2027-01-01T00:00:00Z").await;
    let owner = server.billing(&shop.owner_token);
    let sub = owner.choose("cafe", "MONTH").await;
    assert_eq!(sub["status"], "TRIALING");
    assert_eq!(sub["trialEnd"], "2027-01-15T00:00:00+00:00");
    assert!(owner.invoices().await.is_empty(), "a trial bills nothing");

    // Nothing happens before the trial ends.
    assert_eq!(
        billing.advance(shop.id, "2027-01-14T23:59:59Z").await["stepsRun"],
        0
    );
    let ran = billing.advance(shop.id, "2027-01-15T00:00:00Z").await;
    assert_eq!(ran["stepsRun"], 1);
    let overview = owner.overview().await;
    assert_eq!(overview["subscription"]["status"], "ACTIVE");
    assert_eq!(
        overview["subscription"]["currentPeriodEnd"],
        "2027-02-15T00:00:00+00:00"
    );
    let invoices = owner.invoices().await;
    assert_eq!(invoices.len(), 1);
    let first = &invoices[0];
    assert_eq!(first["status"], "OPEN");
    assert_eq!(first["reason"], "SUBSCRIPTION_CYCLE");
    // 2905 × 20 % = 581 exactly; total = Σ lines + one rounded tax
    assert_eq!(first["subtotalMinor"], 2905);
    assert_eq!(first["taxMinor"], 581);
    assert_eq!(first["totalMinor"], 3486);
    assert_eq!(first["amountDueMinor"], 3486);
    let number = s(&first["number"]).to_owned();
    assert!(number.starts_with("INV-2027-"), "{number}");

    // Paid out of band: paid, nothing due.
    let paid = billing.invoice_op("markInvoicePaid", &first["id"]).await;
    assert_eq!(paid["status"], "PAID");
    assert_eq!(paid["amountDueMinor"], 0);
    let (code, _) = server
        .gql_err(
            "mutation($id: UUID!) { voidInvoice(reason: \"operator test\", id: $id) { id } }",
            json!({"id": first["id"]}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "CONFLICT", "a paid invoice is not voided");

    // A new price is a new version: this subscriber keeps version 1 and its price.
    server
        .gql_ok(
            "mutation($t: PlanTermsInput!) { revisePlan(reason: \"operator test\", code: \"cafe\", terms: $t) { current { version } } }",
            json!({"t": {"currency": "EUR", "monthlyPriceMinor": 3500, "modules": ["pos", "menu", "inventory"]}}),
            Some(&admin),
        )
        .await;
    // Two renewals: numbers follow each other without a gap.
    assert_eq!(
        billing.advance(shop.id, "2027-03-15T00:00:00Z").await["stepsRun"],
        2
    );
    let invoices = owner.invoices().await;
    let mut numbers: Vec<i64> = invoices
        .iter()
        .map(|i| s(&i["number"]).rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    numbers.sort();
    assert!(
        invoices.iter().all(|i| i["subtotalMinor"] == 2905),
        "{invoices:?}"
    );
    let kept = owner.overview().await;
    assert_eq!(kept["subscription"]["plan"]["version"], 1);
    assert_eq!(numbers.len(), 3);
    assert_eq!(numbers[1], numbers[0] + 1);
    assert_eq!(numbers[2], numbers[1] + 1);

    // The invoice renders for people.
    let doc = server
        .gql_ok(
            "query($id: UUID!) { invoiceDocument(id: $id) { html text } }",
            json!({"id": first["id"]}),
            Some(&shop.owner_token),
        )
        .await;
    assert!(s(&doc["invoiceDocument"]["text"]).contains("34.86 EUR"));
    assert!(s(&doc["invoiceDocument"]["html"]).contains(&number));
}

#[tokio::test]
async fn an_upgrade_bills_the_rest_of_the_period_to_the_second_and_a_downgrade_waits() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let billing = server.billing(&admin);
    billing
        .plan(
            "basic",
            2900,
            0,
            json!(["pos", "menu"]),
            json!({"locations": 1}),
        )
        .await;
    billing
        .plan(
            "pro",
            7900,
            0,
            json!(["pos", "menu", "inventory"]),
            json!({"locations": 5}),
        )
        .await;
    let shop = server.tenant("upgrade").await;
    billing.set_clock(shop.id, "2027-01-01T00:00:00Z").await;
    let sub = billing.assign(shop.id, "basic", "MONTH").await;
    assert_eq!(sub["status"], "INCOMPLETE", "waiting for the first payment");
    let owner = server.billing(&shop.owner_token);
    let first = owner.invoices().await[0].clone();
    assert_eq!(first["reason"], "SUBSCRIPTION_CREATE");
    billing.invoice_op("markInvoicePaid", &first["id"]).await;
    assert_eq!(owner.overview().await["subscription"]["status"], "ACTIVE");

    // 17 days used, 14 of 31 left: (7900 − 2900) × 14/31 = 2258.06 → 2258.
    billing.advance(shop.id, "2027-01-18T00:00:00Z").await;
    let up = owner.choose("pro", "MONTH").await;
    assert_eq!(up["plan"]["planCode"], "pro");
    assert_eq!(
        up["currentPeriodEnd"], "2027-02-01T00:00:00+00:00",
        "the period stays"
    );
    let proration = owner.invoices().await[0].clone();
    assert_eq!(proration["reason"], "SUBSCRIPTION_UPDATE");
    assert_eq!(proration["lines"][0]["kind"], "PRORATION");
    assert_eq!(proration["lines"][0]["amountMinor"], 2258);
    assert_eq!(proration["totalMinor"], 2258);
    assert_eq!(5000 * 14 * DAY / (31 * DAY), 2258);
    // The upgrade's entitlements apply on the very next request.
    server.inventory(&shop.owner_token).location("First").await;
    server.inventory(&shop.owner_token).location("Second").await;
    server
        .gql_ok(
            "{ stockItems(first: 1) { nodes { id } } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;

    // Back to basic: scheduled, nothing changes until the period ends.
    let down = owner.choose("basic", "MONTH").await;
    assert_eq!(down["plan"]["planCode"], "pro");
    assert_eq!(down["pendingPlan"]["planCode"], "basic");
    server
        .gql_ok(
            "{ stockItems(first: 1) { nodes { id } } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(
        owner.overview().await["upcomingInvoice"]["totalMinor"],
        2900
    );
    billing.advance(shop.id, "2027-02-01T00:00:00Z").await;
    let after = owner.overview().await;
    assert_eq!(after["subscription"]["plan"]["planCode"], "basic");
    assert_eq!(after["subscription"]["pendingPlan"], json!(null));
    assert_eq!(owner.invoices().await[0]["totalMinor"], 2900);
    // Every change: one audit row (and one event) with the values before.
    let audit = server
        .gql_ok(
            "{ auditEvents(filter: {action: \"billing.subscription.updated\"}) { nodes { before after } } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    let rows = audit["auditEvents"]["nodes"].as_array().unwrap().clone();
    let statuses: Vec<(Value, Value)> = rows
        .iter()
        .map(|r| (r["before"]["status"].clone(), r["after"]["status"].clone()))
        .collect();
    assert_eq!(
        rows.len(),
        5,
        "created, paid, upgraded, downgrade scheduled, renewed: {rows:?}"
    );
    assert!(
        statuses.contains(&(json!(null), json!("INCOMPLETE"))),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&(json!("INCOMPLETE"), json!("ACTIVE"))),
        "{statuses:?}"
    );
    let plans: Vec<(Value, Value)> = rows
        .iter()
        .map(|r| {
            (
                r["before"]["plan"]["planCode"].clone(),
                r["after"]["plan"]["planCode"].clone(),
            )
        })
        .collect();
    assert!(plans.contains(&(json!("basic"), json!("pro"))), "{plans:?}");
    assert!(plans.contains(&(json!("pro"), json!("basic"))), "{plans:?}");
    let (code, body) = server
        .gql_err(
            "{ stockItems(first: 1) { nodes { id } } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(code, "AUTHZ", "inventory is not on basic: {body}");
    // Basic allows one location and the shop has two: the next is refused.
    let (code, body) = server
        .gql_err(
            "mutation { createLocation(input: {name: \"Third\"}) { id } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    let details = &body["errors"][0]["extensions"]["details"];
    assert_eq!(details["limit"], "locations", "{body}");
    assert_eq!(details["value"], 1);
    assert_eq!(details["plan"], "basic");

    // The superadmin's override beats the plan, and says so.
    server
        .gql_ok(
            "mutation($t: UUID!) { setTenantModule(input: {tenantId: $t, moduleKey: \"inventory\", enabled: true, reason: \"plan check\"}) { module { enabled source planValue overrideValue } } }",
            json!({"t": shop.id}),
            Some(&admin),
        )
        .await;
    server
        .gql_ok(
            "{ stockItems(first: 1) { nodes { id } } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    let modules = server
        .gql_ok(
            "{ modules { key enabled source planValue overrideValue } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    let inventory = modules["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "inventory")
        .unwrap()
        .clone();
    assert_eq!(
        inventory,
        json!({"key": "inventory", "enabled": true, "source": "OVERRIDE", "planValue": false, "overrideValue": true})
    );

    // Canceled at the period end: entitlements stay until then, then end.
    let ending = server
        .gql_ok(
            "mutation { cancelSubscription(input: {atPeriodEnd: true}) { status cancelAtPeriodEnd } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(
        ending["cancelSubscription"],
        json!({"status": "ACTIVE", "cancelAtPeriodEnd": true})
    );
    assert_eq!(owner.overview().await["upcomingInvoice"], json!(null));
    billing.advance(shop.id, "2027-02-28T23:59:59Z").await;
    server
        .gql_ok(
            "mutation { createMenuCategory(input: {name: \"Last day\"}) { id } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    let invoices_before = owner.invoices().await.len();
    billing.advance(shop.id, "2027-03-01T00:00:00Z").await;
    let ended = owner.overview().await;
    assert_eq!(ended["subscription"]["status"], "CANCELED");
    assert_eq!(
        owner.invoices().await.len(),
        invoices_before,
        "nothing billed after the end"
    );
    let (code, body) = server
        .gql_err(
            "mutation { createMenuCategory(input: {name: \"After\"}) { id } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["subscriptionStatus"],
        "canceled"
    );
}

#[tokio::test]
async fn limits_refuse_the_next_user_and_api_key_and_a_paused_business_is_read_only() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let billing = server.billing(&admin);
    billing
        .plan(
            "solo",
            0,
            0,
            json!(["pos", "menu", "inventory", "reporting", "billing"]),
            json!({"users": 1, "apiKeys": 1}),
        )
        .await;
    let shop = server.tenant("limits").await;
    let sub = billing.assign(shop.id, "solo", "MONTH").await;
    assert_eq!(sub["status"], "ACTIVE", "a free plan is paid as it starts");
    let o = Some(shop.owner_token.as_str());
    let (code, body) = server
        .gql_err(
            "mutation { createUser(input: {email: \"two@limits.test\", displayName: \"Two\", roleIds: []}) { user { id } } }",
            json!({}),
            o,
        )
        .await;
    assert_eq!(code, "AUTHZ");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["limit"], "users",
        "{body}"
    );
    const KEY: &str = "mutation { createApiKey(input: {name: \"till\", permissions: [\"menu.catalog.read\"]}) { apiKey { id } } }";
    server.gql_ok(KEY, json!({}), o).await;
    let (code, body) = server.gql_err(KEY, json!({}), o).await;
    assert_eq!(code, "AUTHZ");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["limit"], "apiKeys",
        "{body}"
    );
    let usage = server.billing(&shop.owner_token).overview().await["usage"].clone();
    assert!(
        usage
            .as_array()
            .unwrap()
            .contains(&json!({"limit": "API_KEYS", "max": 1, "used": 1})),
        "{usage}"
    );

    // Paused: business writes refused naming billing; reads and billing work.
    server
        .gql_ok("mutation { pauseSubscription { status } }", json!({}), o)
        .await;
    let (code, body) = server
        .gql_err(
            "mutation { createMenuCategory(input: {name: \"Tea\"}) { id } }",
            json!({}),
            o,
        )
        .await;
    assert_eq!(code, "AUTHZ");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["reason"], "billing",
        "{body}"
    );
    server
        .gql_ok("{ menuCategories { id } }", json!({}), o)
        .await;
    let resumed = server
        .gql_ok("mutation { resumeSubscription { status } }", json!({}), o)
        .await;
    assert_eq!(resumed["resumeSubscription"]["status"], "ACTIVE");
    server
        .gql_ok(
            "mutation { createMenuCategory(input: {name: \"Tea\"}) { id } }",
            json!({}),
            o,
        )
        .await;

    // Canceled now: read-only too; a second cancel is a conflict.
    server
        .gql_ok(
            "mutation { cancelSubscription(input: {atPeriodEnd: false}) { status } }",
            json!({}),
            o,
        )
        .await;
    let (code, _) = server
        .gql_err(
            "mutation { cancelSubscription(input: {atPeriodEnd: false}) { status } }",
            json!({}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT");
    let (code, _) = server
        .gql_err(
            "mutation { createMenuCategory(input: {name: \"Soup\"}) { id } }",
            json!({}),
            o,
        )
        .await;
    assert_eq!(code, "AUTHZ");
}

#[tokio::test]
async fn invoices_are_immutable_once_final_and_credit_notes_never_exceed_them() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let shop = server.tenant("credits").await;
    let other = server.tenant("credits-other").await;
    let a = Some(admin.as_str());
    let draft = server
        .gql_ok(
            "mutation($t: UUID!) { createInvoice(reason: \"operator test\", tenantId: $t, currency: \"EUR\", lines: [{description: \"Set-up\", amountMinor: 10000}]) { id status number totalMinor } }",
            json!({"t": shop.id}),
            a,
        )
        .await["createInvoice"]
        .clone();
    assert_eq!(draft["status"], "DRAFT");
    assert_eq!(draft["number"], json!(null));
    const ADD: &str = "mutation($id: UUID!) { addInvoiceLine(reason: \"operator test\", invoiceId: $id, line: {description: \"Training\", amountMinor: 5000}) { totalMinor lines { amountMinor } } }";
    let added = server.gql_ok(ADD, json!({"id": draft["id"]}), a).await;
    assert_eq!(added["addInvoiceLine"]["totalMinor"], 15000);
    const DISCOUNT: &str = "mutation($id: UUID!, $d: Long!) { setInvoiceDiscount(reason: \"operator test\", invoiceId: $id, discountMinor: $d) { subtotalMinor discountMinor totalMinor } }";
    let (code, _) = server
        .gql_err(DISCOUNT, json!({"id": draft["id"], "d": 15001}), a)
        .await;
    assert_eq!(code, "VALIDATION", "a discount beyond the lines");
    let discounted = server
        .gql_ok(DISCOUNT, json!({"id": draft["id"], "d": 3000}), a)
        .await;
    assert_eq!(
        discounted["setInvoiceDiscount"],
        json!({"subtotalMinor": 15000, "discountMinor": 3000, "totalMinor": 12000})
    );
    server
        .gql_ok(DISCOUNT, json!({"id": draft["id"], "d": 0}), a)
        .await;
    let open = server
        .billing(&admin)
        .invoice_op("finalizeInvoice", &draft["id"])
        .await;
    assert_eq!(open["status"], "OPEN");
    assert!(open["number"].is_string());
    let (code, _) = server.gql_err(ADD, json!({"id": draft["id"]}), a).await;
    assert_eq!(code, "CONFLICT", "a finalized invoice is immutable");
    let (code, _) = server
        .gql_err(DISCOUNT, json!({"id": draft["id"], "d": 1}), a)
        .await;
    assert_eq!(code, "CONFLICT");

    const CREDIT: &str = "mutation($id: UUID!, $n: Long!) { createCreditNote(input: {invoiceId: $id, amountMinor: $n, reason: \"goodwill\"}) { status creditedMinor amountDueMinor creditNotes { number } } }";
    let credited = server
        .gql_ok(CREDIT, json!({"id": draft["id"], "n": 4000}), a)
        .await;
    assert_eq!(credited["createCreditNote"]["creditedMinor"], 4000);
    assert_eq!(credited["createCreditNote"]["amountDueMinor"], 11000);
    let (code, body) = server
        .gql_err(CREDIT, json!({"id": draft["id"], "n": 11001}), a)
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    let (code, _) = server
        .gql_err(CREDIT, json!({"id": draft["id"], "n": -1}), a)
        .await;
    assert_eq!(code, "VALIDATION");
    let settled = server
        .gql_ok(CREDIT, json!({"id": draft["id"], "n": 11000}), a)
        .await;
    assert_eq!(
        settled["createCreditNote"]["status"], "PAID",
        "credited in full, nothing is owed"
    );
    let (code, _) = server
        .gql_err(CREDIT, json!({"id": draft["id"], "n": 1}), a)
        .await;
    assert_eq!(code, "VALIDATION");

    // Isolation: another business sees neither the invoice nor its document.
    let o = Some(other.owner_token.as_str());
    let (code, _) = server
        .gql_err(
            "query($id: UUID!) { invoice(id: $id) { id } }",
            json!({"id": draft["id"]}),
            o,
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    let (code, _) = server
        .gql_err(
            "query($id: UUID!) { invoiceDocument(id: $id) { text } }",
            json!({"id": draft["id"]}),
            o,
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    assert!(
        server
            .billing(&other.owner_token)
            .invoices()
            .await
            .is_empty()
    );
    assert_eq!(server.billing(&shop.owner_token).invoices().await.len(), 1);
    for op in [
        "{ allInvoices { nodes { id } } }",
        "{ billingSettings { taxRatePpm } }",
    ] {
        let (code, _) = server.gql_err(op, json!({}), o).await;
        assert_eq!(code, "AUTHZ", "{op}");
    }
    for (op, vars) in [
        (
            "query($t: UUID!) { tenantBilling(tenantId: $t) { billingTime } }",
            json!({"t": shop.id}),
        ),
        (
            "mutation($t: UUID!) { setBillingClock(reason: \"operator test\", tenantId: $t, frozenAt: \"2027-01-01T00:00:00Z\") { frozenAt } }",
            json!({"t": shop.id}),
        ),
        (
            "mutation($t: UUID!) { assignPlan(reason: \"operator test\", tenantId: $t, input: {planCode: \"x\", interval: MONTH}) { id } }",
            json!({"t": shop.id}),
        ),
        (
            "mutation($t: UUID!) { pauseSubscription(tenantId: $t, reason: \"operator test\") { id } }",
            json!({"t": shop.id}),
        ),
        (
            "mutation($id: UUID!) { markInvoicePaid(reason: \"operator test\", id: $id) { id } }",
            json!({"id": draft["id"]}),
        ),
        (
            "mutation($id: UUID!) { voidInvoice(reason: \"operator test\", id: $id) { id } }",
            json!({"id": draft["id"]}),
        ),
    ] {
        let (code, body) = server.gql_err(op, vars, o).await;
        assert_eq!(code, "AUTHZ", "{op}: {body}");
    }
    let all = server
        .gql_ok("{ allInvoices { nodes { tenantId } } }", json!({}), a)
        .await;
    assert_eq!(all["allInvoices"]["nodes"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_subscription_started_on_the_31st_renews_on_each_months_last_day() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let billing = server.billing(&admin);
    billing
        .plan("free", 0, 0, json!(["pos", "menu"]), json!({}))
        .await;
    let shop = server.tenant("month-ends").await;
    billing.set_clock(shop.id, "2027-01-31T09:00:00Z").await;
    let sub = billing.assign(shop.id, "free", "MONTH").await;
    assert_eq!(sub["currentPeriodEnd"], "2027-02-28T09:00:00+00:00");
    let owner = server.billing(&shop.owner_token);
    for (now, end) in [
        ("2027-02-28T09:00:00Z", "2027-03-31T09:00:00+00:00"),
        ("2027-03-31T09:00:00Z", "2027-04-30T09:00:00+00:00"),
        ("2027-04-30T09:00:00Z", "2027-05-31T09:00:00+00:00"),
    ] {
        assert_eq!(billing.advance(shop.id, now).await["stepsRun"], 1);
        assert_eq!(
            owner.overview().await["subscription"]["currentPeriodEnd"],
            end
        );
    }
}
