//! `bench events`: the path from a committed outbox row to a websocket
//! subscriber, measured against a running server.
//!
//! Method: `tenants` businesses are created through the API, each with
//! `subscribers_per_tenant` websocket clients subscribed to `events` (all on
//! this machine, like the server). Events are written straight into
//! `event_outbox` (one transaction per batch, as services do), stamped with
//! the time of the write; each client computes receive time minus that stamp.
//! 1. idle memory: server RSS before and after opening the connections;
//! 2. throughput: `burst` events committed at once, spread over the tenants,
//!    timed until every tenant's first subscriber has all of its events;
//! 3. latency: `rate` events per second for `seconds`, in 10 ms batches.

use crate::{Client, setup};
use anyhow::{Result, anyhow};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sqlx::Connection;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

// The command line of `bench events`.
#[derive(clap::Args)]
pub struct Options {
    #[command(flatten)]
    pub server: crate::Server,
    /// The server's database (owner connection), to write events straight into the outbox.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// The server's process id, to read its memory.
    #[arg(long)]
    pub server_pid: u32,
    #[arg(long, default_value_t = 100)]
    pub tenants: usize,
    #[arg(long, default_value_t = 10)]
    pub subscribers_per_tenant: usize,
    /// Events for the throughput run.
    #[arg(long, default_value_t = 20_000)]
    pub burst: usize,
    /// Events per second for the latency run, and its length in seconds.
    #[arg(long, default_value_t = 1000)]
    pub rate: usize,
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
}

fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow!("no VmRSS for {pid}"))
}

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

#[derive(Default)]
struct Sink {
    received: AtomicU64,
    latencies_us: Mutex<Vec<i64>>,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What the connections opened since the RSS was `before` cost, once the
/// server has settled for 2 s: KiB per connection, and the RSS now.
async fn growth(pid: u32, before: u64, connections: usize) -> Result<(f64, u64)> {
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid)?;
    Ok((
        after.saturating_sub(before) as f64 / connections as f64,
        after,
    ))
}

async fn connect(ws_url: &str, token: &str, subscribe: bool) -> Result<Socket> {
    let mut request = ws_url.into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await?;
    ws.send(Message::Text(
        json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}})
            .to_string()
            .into(),
    ))
    .await?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.contains("connection_ack") => break,
            Some(Ok(_)) => continue,
            other => return Err(anyhow!("no ack: {other:?}")),
        }
    }
    if subscribe {
        ws.send(Message::Text(
            json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { events { sequence data } }"}}).to_string().into(),
        ))
        .await?;
    }
    Ok(ws)
}

async fn listen(mut ws: Socket, sink: Arc<Sink>, measure: Arc<std::sync::atomic::AtomicBool>) {
    while let Some(Ok(msg)) = ws.next().await {
        if let Message::Text(text) = msg {
            let at = now_us();
            let Ok(v) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            if v["type"] != "next" {
                continue;
            }
            sink.received.fetch_add(1, Ordering::Relaxed);
            if measure.load(Ordering::Relaxed)
                && let Some(sent) = v["payload"]["data"]["events"]["data"]["sentAtUs"].as_i64()
            {
                sink.latencies_us.lock().await.push(at - sent);
            }
        }
    }
}

async fn insert(
    db: &mut sqlx::PgConnection,
    tenants: &[uuid::Uuid],
    count: usize,
    offset: usize,
) -> Result<()> {
    let ids: Vec<uuid::Uuid> = (0..count).map(|_| uuid::Uuid::now_v7()).collect();
    let owners: Vec<uuid::Uuid> = (0..count)
        .map(|i| tenants[(offset + i) % tenants.len()])
        .collect();
    sqlx::query(
        "INSERT INTO event_outbox (id, tenant_id, event_type, entity_id, payload)
         SELECT id, tenant, 'pos.bench.tick', 'bench', jsonb_build_object('sentAtUs', $3::bigint)
         FROM unnest($1::uuid[], $2::uuid[]) AS t(id, tenant)",
    )
    .bind(&ids)
    .bind(&owners)
    .bind(now_us())
    .execute(&mut *db)
    .await?;
    Ok(())
}

fn percentile(sorted: &[i64], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 - 1.0) * p) as usize)
        .map(|us| *us as f64 / 1000.0)
        .unwrap_or(f64::NAN)
}

pub async fn run(o: Options) -> Result<()> {
    let client = Client {
        http: reqwest::Client::new(),
        url: format!("{}/graphql", o.server.base_url),
    };
    let ws_url = format!("{}/graphql/ws", o.server.base_url.replacen("http", "ws", 1));
    println!(
        "method: {} tenants x {} subscribers on loopback; events written to event_outbox as the owner role",
        o.tenants, o.subscribers_per_tenant
    );

    let mut tenants = Vec::new();
    let mut tokens = Vec::new();
    for _ in 0..o.tenants {
        let (tenant, _, _, token) = setup(
            &client,
            &o.server.superadmin_email,
            &o.server.superadmin_password,
        )
        .await?;
        tenants.push(uuid::Uuid::parse_str(&tenant)?);
        tokens.push(token);
    }

    // 1. Memory per idle connection (acknowledged, no subscription), then with a subscription.
    let total = o.tenants * o.subscribers_per_tenant;
    let before = rss_kib(o.server_pid)?;
    let mut idle = Vec::new();
    for i in 0..total {
        idle.push(connect(&ws_url, &tokens[i % tokens.len()], false).await?);
    }
    let (per_connection, after) = growth(o.server_pid, before, total).await?;
    println!(
        "idle websocket: {per_connection:.1} KiB per connection ({total} connections, RSS {before} -> {after} KiB)"
    );
    drop(idle);
    tokio::time::sleep(Duration::from_secs(2)).await;

    let before = rss_kib(o.server_pid)?;
    let measure = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut firsts = Vec::new();
    let all = Arc::new(Sink::default());
    for (t, token) in tokens.iter().enumerate() {
        for s in 0..o.subscribers_per_tenant {
            let ws = connect(&ws_url, token, true).await?;
            let sink = if s == 0 {
                let own = Arc::new(Sink::default());
                firsts.push((t, own.clone()));
                own
            } else {
                all.clone()
            };
            tokio::spawn(listen(ws, sink, measure.clone()));
        }
    }
    let (per_connection, after) = growth(o.server_pid, before, total).await?;
    println!(
        "subscribed websocket: {per_connection:.1} KiB per connection (RSS {before} -> {after} KiB)"
    );

    // 2. Throughput.
    let mut db = sqlx::PgConnection::connect(&o.database_url).await?;
    let start = Instant::now();
    insert(&mut db, &tenants, o.burst, 0).await?;
    let per_tenant = (o.burst / o.tenants) as u64;
    loop {
        if firsts
            .iter()
            .all(|(_, s)| s.received.load(Ordering::Relaxed) >= per_tenant)
        {
            break;
        }
        if start.elapsed() > Duration::from_secs(300) {
            return Err(anyhow!("throughput run did not finish"));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "throughput: {} events committed at once -> on every tenant's first subscriber in {:.2} s = {:.0} events/s ({:.0} deliveries/s to {} subscribers)",
        o.burst,
        elapsed,
        o.burst as f64 / elapsed,
        o.burst as f64 * o.subscribers_per_tenant as f64 / elapsed,
        total
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    // 3. Latency at a steady rate.
    for (_, s) in &firsts {
        s.latencies_us.lock().await.clear();
    }
    all.latencies_us.lock().await.clear();
    measure.store(true, Ordering::Relaxed);
    let batch = (o.rate / 100).max(1);
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let start = Instant::now();
    let mut sent = 0;
    while start.elapsed() < Duration::from_secs(o.seconds) {
        tick.tick().await;
        insert(&mut db, &tenants, batch, sent).await?;
        sent += batch;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    measure.store(false, Ordering::Relaxed);
    let mut latencies = all.latencies_us.lock().await.clone();
    for (_, s) in &firsts {
        latencies.extend(s.latencies_us.lock().await.iter());
    }
    latencies.sort_unstable();
    println!(
        "latency at {} events/s for {} s ({} events, {} deliveries measured): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        o.rate,
        o.seconds,
        sent,
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    Ok(())
}
