//! `bench billing`: what billing costs.
//!
//! 1. Provider webhooks over HTTP: N signed `payment_intent.succeeded`
//!    events, each sent twice (so half are duplicates), from C clients;
//!    reports deliveries answered per second (signature check on the raw
//!    bytes, store, dedupe, enqueue) and events applied per second (the
//!    `billing-webhook-retry` job paying each invoice), from the first
//!    delivery until the last event is processed.
//! 2. The entitlement check, replayed by pgbench as the application role:
//!    the access statement every authenticated request runs, for a tenant
//!    on a plan and for one on none (its difference is what plans add to
//!    every request), and the plan-limit check opening a ticket adds.

use crate::{Client, setup, str_at};
use anyhow::{Context, Result, anyhow, bail};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

// The command line of `bench billing`.
#[derive(clap::Args)]
pub struct Options {
    #[command(flatten)]
    pub server: crate::Server,
    /// The server's database, for the invoices, pgbench and progress.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// One of the server's BILLING_WEBHOOK_SECRETS.
    #[arg(long, default_value = "whsec_bench")]
    pub webhook_secret: String,
    /// Distinct events (each is sent twice).
    #[arg(long, default_value_t = 2000)]
    pub events: usize,
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Seconds per pgbench run.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

struct Tenant {
    id: String,
    user: String,
}

async fn tenant(client: &Client, o: &Options) -> Result<Tenant> {
    let (id, _, _, token) = setup(
        client,
        &o.server.superadmin_email,
        &o.server.superadmin_password,
    )
    .await?;
    let me = client.gql("{ me { id } }", json!({}), Some(&token)).await?;
    Ok(Tenant {
        id,
        user: str_at(&me, &["me", "id"])?.to_owned(),
    })
}

pub async fn run(o: Options) -> Result<()> {
    let client = Client {
        http: reqwest::Client::new(),
        url: format!("{}/graphql", o.server.base_url),
    };
    let admin = client
        .gql(
            "mutation($i: SuperadminLoginInput!) { superadminLogin(input: $i) { accessToken } }",
            json!({"i": {"email": o.server.superadmin_email, "password": o.server.superadmin_password}}),
            None,
        )
        .await?;
    let admin = str_at(&admin, &["superadminLogin", "accessToken"])?.to_owned();
    let on_plan = tenant(&client, &o).await?;
    let on_none = tenant(&client, &o).await?;
    let code = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    client
        .gql(
            "mutation($i: NewPlanInput!) { createPlan(reason: \"operator test\", input: $i) { id } }",
            json!({"i": {"code": code, "name": "Bench", "terms": {"currency": "EUR", "monthlyPriceMinor": 0,
                "modules": ["pos", "menu", "inventory", "reporting"],
                "limits": {"locations": 100, "users": 100, "apiKeys": 100, "openShifts": 100, "monthlyTickets": 1000000}}}}),
            Some(&admin),
        )
        .await?;
    client
        .gql(
            "mutation($t: UUID!, $i: ChoosePlanInput!) { assignPlan(reason: \"operator test\", tenantId: $t, input: $i) { id } }",
            json!({"t": on_plan.id, "i": {"planCode": code, "interval": "MONTH"}}),
            Some(&admin),
        )
        .await?;
    let pool = sqlx::PgPool::connect(&o.database_url).await?;
    let invoices = open_invoices(&pool, &on_plan.id, o.events).await?;
    webhooks(&o, &pool, &on_plan.id, invoices).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(before_billing()?))
        .execute(&pool)
        .await?;
    for (name, script, t) in [
        (
            "access before billing (baseline), same tenant",
            "access_before_billing.pgbench",
            &on_plan,
        ),
        ("access, tenant on a plan", "access.pgbench", &on_plan),
        ("access, tenant on no plan", "access.pgbench", &on_none),
        (
            "plan-limit check of a ticket open",
            "limit.pgbench",
            &on_plan,
        ),
    ] {
        let (tps, latency) = pgbench(&o, script, t)?;
        println!("pgbench {name}: {tps:.0} statements/s, {latency:.3} ms average");
    }
    Ok(())
}

/// Migration 10's access function under another name: the baseline, with
/// the modules as stored, no plan and no subscription status.
fn before_billing() -> Result<String> {
    let up = migration::script_up("m20261125_000010_access_in_one_statement")
        .ok_or_else(|| anyhow!("migration 10 is gone"))?;
    Ok(format!(
        "DROP FUNCTION IF EXISTS bench_access_before_billing(uuid, uuid); {}",
        up.replace("app_user_access", "bench_access_before_billing")
    ))
}

/// `n` finalized invoices to pay, written straight into the database.
async fn open_invoices(pool: &sqlx::PgPool, tenant: &str, n: usize) -> Result<Vec<String>> {
    let tenant: uuid::Uuid = tenant.parse()?;
    let rows: Vec<(uuid::Uuid,)> = sqlx::query_as(
        "INSERT INTO billing_invoices (tenant_id, id, number, status, reason, currency, subtotal_minor,
            tax_name, tax_rate_ppm, total_minor, period_start, period_end, created_at, finalized_at)
         SELECT $1, gen_random_uuid(), 'BENCH-' || $1::text || '-' || g, 'open', 'subscription_cycle', 'EUR',
                2900, 'VAT', 0, 2900, now(), now(), now(), now()
         FROM generate_series(1, $2) g RETURNING id",
    )
    .bind(tenant)
    .bind(i64::try_from(n)?)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id.to_string()).collect())
}

async fn webhooks(
    o: &Options,
    pool: &sqlx::PgPool,
    tenant: &str,
    invoices: Vec<String>,
) -> Result<()> {
    let url = format!("{}/v1/billing/webhooks/sandbox", o.server.base_url);
    let secret = Arc::new(o.webhook_secret.clone().into_bytes());
    let run = uuid::Uuid::new_v4().simple().to_string();
    // Every event twice, the copies far apart so both really arrive.
    let mut deliveries: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, invoice) in invoices.iter().enumerate() {
        let body = serde_json::to_vec(&json!({
            "id": format!("evt_{run}_{i}"), "object": "event", "type": "payment_intent.succeeded",
            "created": chrono::Utc::now().timestamp(),
            "data": {"object": {"id": format!("pi_{run}_{i}"), "customer": tenant, "status": "succeeded",
                                "metadata": {"invoice_id": invoice}}}
        }))?;
        deliveries.push((format!("evt_{run}_{i}"), body));
    }
    let all: Vec<Vec<u8>> = deliveries
        .iter()
        .chain(deliveries.iter())
        .map(|(_, b)| b.clone())
        .collect();
    let queue = Arc::new(tokio::sync::Mutex::new(all.into_iter()));
    let http = reqwest::Client::new();
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..o.concurrency {
        let (queue, http, url, secret) = (queue.clone(), http.clone(), url.clone(), secret.clone());
        workers.push(tokio::spawn(async move {
            let mut failures = 0u64;
            loop {
                let Some(body) = queue.lock().await.next() else {
                    break;
                };
                let header = schema::billing::signature::sign(
                    &secret,
                    chrono::Utc::now().timestamp(),
                    &body,
                );
                let sent = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("Stripe-Signature", header)
                    .body(body)
                    .send()
                    .await;
                if !sent.is_ok_and(|r| r.status().is_success()) {
                    failures += 1;
                }
            }
            failures
        }));
    }
    let mut failures = 0;
    for w in workers {
        failures += w.await?;
    }
    let answered = start.elapsed();
    if failures > 0 {
        bail!(
            "{failures} deliveries were refused; is {} one of BILLING_WEBHOOK_SECRETS?",
            o.webhook_secret
        );
    }
    let prefix = format!("evt_{run}_%");
    let expected = i64::try_from(deliveries.len())?;
    let processed = loop {
        let (done,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM billing_webhook_events WHERE event_id LIKE $1 AND status = 'processed'",
        )
        .bind(&prefix)
        .fetch_one(pool)
        .await?;
        if done >= expected {
            break start.elapsed();
        }
        if start.elapsed() > Duration::from_secs(600) {
            return Err(anyhow!(
                "only {done} of {expected} events processed in 10 minutes"
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (stored,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM billing_webhook_events WHERE event_id LIKE $1")
            .bind(&prefix)
            .fetch_one(pool)
            .await
            .context("counting stored events")?;
    let n = deliveries.len() as f64;
    println!(
        "webhooks: {} deliveries ({} distinct events, each twice) answered in {:.2} s = {:.0} deliveries/s; \
         {stored} stored; all applied after {:.2} s = {:.0} events/s",
        2 * deliveries.len(),
        deliveries.len(),
        answered.as_secs_f64(),
        2.0 * n / answered.as_secs_f64(),
        processed.as_secs_f64(),
        n / processed.as_secs_f64(),
    );
    Ok(())
}

fn pgbench(o: &Options, script: &str, t: &Tenant) -> Result<(f64, f64)> {
    let vars = [("tenant", t.id.as_str()), ("user", t.user.as_str())];
    crate::pgbench(&o.database_url, script, o.concurrency, o.seconds, &vars)
}
