//! Measurements for docs/PERFORMANCE.md. Not a test: it reports figures.
//!
//! `bench auth` runs against a running server (start it with
//! `cargo run --release -p server` and BOOTSTRAP_SUPERADMIN_* set) and
//! measures sign-in throughput and the per-request cost of authentication
//! plus the permission check. `bench guard` times the in-process guard.

mod billing;
mod events;
mod sale;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// The running server every HTTP measurement talks to, and its superadmin
// (a plain comment: clap would take a doc comment for the commands' about).
#[derive(clap::Args)]
pub(crate) struct Server {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub(crate) base_url: String,
    #[arg(long, env = "BOOTSTRAP_SUPERADMIN_EMAIL")]
    pub(crate) superadmin_email: String,
    #[arg(long, env = "BOOTSTRAP_SUPERADMIN_PASSWORD")]
    pub(crate) superadmin_password: String,
}

#[derive(Subcommand)]
enum Command {
    /// Sign-in throughput and authenticated-request overhead over HTTP.
    Auth {
        #[command(flatten)]
        server: Server,
        /// Seconds per scenario.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Outbox → relay → Redis → subscribers: throughput, latency, memory.
    Events(events::Options),
    /// The POS sale flow over HTTP beside its SQL replayed by pgbench.
    Sale(sale::Options),
    /// Provider webhooks ingested and applied per second, and what the
    /// entitlement check adds per request.
    Billing(billing::Options),
    /// Nanoseconds per call of the in-process permission guard.
    Guard {
        #[arg(long, default_value_t = 5_000_000)]
        iterations: u64,
    },
}

fn main() -> Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Command::Auth {
            server,
            duration,
            concurrency,
        } => rt.block_on(auth(server, Duration::from_secs(duration), concurrency)),
        Command::Events(options) => rt.block_on(events::run(options)),
        Command::Sale(options) => rt.block_on(sale::run(options)),
        Command::Billing(options) => rt.block_on(billing::run(options)),
        Command::Guard { iterations } => {
            guard(iterations);
            Ok(())
        }
    }
}

pub(crate) struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) url: String,
}

impl Client {
    pub(crate) async fn gql(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> Result<Value> {
        let mut req = self
            .http
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let body: Value = req.send().await?.json().await?;
        if let Some(errors) = body.get("errors") {
            return Err(anyhow!("{query}: {errors}"));
        }
        Ok(body["data"].clone())
    }
}

/// Runs `script` (in `bench/sql/`) with pgbench, prepared, as the server's
/// statements run; returns (transactions/s, average latency ms).
pub(crate) fn pgbench(
    database_url: &str,
    script: &str,
    clients: usize,
    seconds: u64,
    vars: &[(&str, &str)],
) -> Result<(f64, f64)> {
    let path = format!("{}/sql/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut cmd = std::process::Command::new("pgbench");
    cmd.args(["-n", "-M", "prepared", "-c"])
        .arg(clients.to_string())
        .arg("-j")
        .arg(clients.min(2).to_string())
        .arg("-T")
        .arg(seconds.to_string())
        .arg("-f")
        .arg(&path);
    for (k, v) in vars {
        cmd.arg("-D").arg(format!("{k}={v}"));
    }
    cmd.arg(database_url);
    let out = cmd.output().context("running pgbench (is it installed?)")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(anyhow!(
            "pgbench failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let number_after = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
            .ok_or_else(|| anyhow!("no {prefix:?} in pgbench output:\n{text}"))
    };
    Ok((number_after("tps = ")?, number_after("latency average = ")?))
}

pub(crate) fn str_at<'a>(v: &'a Value, path: &[&str]) -> Result<&'a str> {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str()
        .ok_or_else(|| anyhow!("missing {path:?} in {v}"))
}

const PASSWORD: &str = "benchmark password 123";

/// A fresh approved tenant; returns (slug, owner email, owner access token).
pub(crate) async fn setup(
    client: &Client,
    email: &str,
    password: &str,
) -> Result<(String, String, String, String)> {
    let slug = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let owner = format!("owner@{slug}.test");
    let data = client
        .gql(
            "mutation($i: SignupInput!) { signup(input: $i) { tenant { id } } }",
            json!({"i": {"businessName": "Bench", "slug": slug, "ownerName": "Bench", "email": owner, "password": PASSWORD}}),
            None,
        )
        .await?;
    let tenant = str_at(&data, &["signup", "tenant", "id"])?.to_owned();
    let admin = client
        .gql(
            "mutation($i: SuperadminLoginInput!) { superadminLogin(input: $i) { accessToken } }",
            json!({"i": {"email": email, "password": password}}),
            None,
        )
        .await?;
    let admin = str_at(&admin, &["superadminLogin", "accessToken"])?.to_owned();
    client
        .gql(
            "mutation($i: TenantReasonInput!) { approveTenant(input: $i) { tenant { id } } }",
            json!({"i": {"tenantId": tenant, "reason": "benchmark tenant"}}),
            Some(&admin),
        )
        .await?;
    let login = client
        .gql(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({"i": {"tenantSlug": slug, "email": owner, "password": PASSWORD}}),
            None,
        )
        .await?;
    let token = str_at(&login, &["login", "accessToken"])?.to_owned();
    Ok((tenant, slug, owner, token))
}

/// Runs `op` from `concurrency` clients for `duration`; returns (ops/s, p50 ms, p99 ms, errors).
pub(crate) async fn load<F, Fut>(
    duration: Duration,
    concurrency: usize,
    op: F,
) -> (f64, f64, f64, u64)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<()>> + Send,
{
    let op = Arc::new(op);
    let start = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..concurrency {
        let op = op.clone();
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            while start.elapsed() < duration {
                let t = Instant::now();
                match op().await {
                    Ok(()) => latencies.push(t.elapsed().as_secs_f64() * 1000.0),
                    Err(_) => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        if let Ok((l, e)) = h.await {
            all.extend(l);
            errors += e;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        all.get(((all.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    (all.len() as f64 / elapsed, pct(0.5), pct(0.99), errors)
}

fn report(name: &str, (rate, p50, p99, errors): (f64, f64, f64, u64)) {
    println!("{name:<44} {rate:>9.1}/s   p50 {p50:>7.2} ms   p99 {p99:>7.2} ms   errors {errors}");
}

async fn auth(server: Server, duration: Duration, concurrency: usize) -> Result<()> {
    let client = Arc::new(Client {
        http: reqwest::Client::new(),
        url: format!("{}/graphql", server.base_url),
    });
    let (_, slug, owner, token) = setup(
        &client,
        &server.superadmin_email,
        &server.superadmin_password,
    )
    .await
    .context("setting up a tenant")?;
    let token = Arc::new(token);
    println!(
        "method: {concurrency} concurrent HTTP/1.1 clients on loopback, {}s per scenario, GraphQL POST",
        duration.as_secs()
    );

    let scenarios = [
        (
            "anonymous { serverInfo } (baseline)",
            "{ serverInfo { name } }",
            json!({}),
            None,
        ),
        (
            "authenticated { serverInfo } (JWT + access)",
            "{ serverInfo { name } }",
            json!({}),
            Some(token.clone()),
        ),
        (
            "authenticated permissionCheck (+ guard)",
            "{ permissionCheck(permissions: [\"pos.ticket.write\"]) { allowed } }",
            json!({}),
            Some(token.clone()),
        ),
        (
            "login (argon2id verify + session)",
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({"i": {"tenantSlug": slug, "email": owner, "password": PASSWORD}}),
            None,
        ),
    ];
    for (name, query, variables, token) in scenarios {
        let c = client.clone();
        report(
            name,
            load(duration, concurrency, move || {
                let (c, variables, token) = (c.clone(), variables.clone(), token.clone());
                async move {
                    c.gql(query, variables, token.as_deref().map(String::as_str))
                        .await
                        .map(|_| ())
                }
            })
            .await,
        );
    }
    Ok(())
}

fn guard(iterations: u64) {
    use kernel::{Access, Actor, RequestContext, TenantId, UserId};
    let catalog = schema::module_registry::catalog::catalog();
    let permissions = catalog.map(|c| c.permissions()).unwrap_or_default();
    let ctx = RequestContext::new(
        "bench",
        Actor::User {
            tenant_id: TenantId::new(),
            user_id: UserId::new(),
        },
    )
    .with_access(Access {
        tenant_status: "active".into(),
        enabled_modules: ["admin", "menu", "pos", "inventory", "reporting"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        permissions,
        billing_status: None,
        maintenance: Vec::new(),
    });
    let start = Instant::now();
    let mut allowed = 0u64;
    for i in 0..iterations {
        let p = if i % 2 == 0 {
            "pos.ticket.write"
        } else {
            "inventory.stock.adjust"
        };
        allowed += u64::from(std::hint::black_box(&ctx).can(std::hint::black_box(p)));
    }
    let ns = start.elapsed().as_nanos() as f64 / iterations as f64;
    println!("guard: {ns:.1} ns per check over {iterations} checks ({allowed} allowed)");
}
