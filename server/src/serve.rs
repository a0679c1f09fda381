//! Start-up and shutdown: prepare the database, wire the state, serve until
//! SIGTERM/SIGINT, then drain requests, close websockets and stop the runner.

use crate::config::Config;
use crate::database;
use crate::http;
use crate::state::AppState;
use anyhow::Context;
use jobs::bus::EventBus;
use jobs::email::Mailer;
use jobs::queue::{Queue, QueueConfig};
use jobs::relay::events_stream_key;
use jobs::{Runner, RunnerConfig};
use kernel::{Db, RequestContext};
use schema::billing::provider::{HttpProvider, PaymentProvider};
use schema::identity::tokens::TokenKeys;
use schema::services::{BillingProvider, LoginThrottle, Services};
use schema::superadmin::service::{Ensured, ensure_superadmin};
use schema::system::service::ServerMeta;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Resolves when the process is asked to stop.
pub(crate) async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

fn runner(config: &Config, services: &Services) -> Runner {
    Runner::new(
        services.db.clone(),
        services.queue.clone(),
        schema::background::handlers(services),
        schema::background::consumers(services),
        RunnerConfig {
            audit_partitions_ahead: config.audit_partitions_ahead_months,
            shutdown_grace: Duration::from_secs(config.shutdown_grace_secs),
            ..RunnerConfig::default()
        },
    )
}

/// Renewals, trial ends and dunning retries of tenants on real time, once
/// a minute beside the job runner. Every replica may run it: each step
/// locks its subscription and rechecks what is due, so none runs twice.
async fn billing_ticker(services: Services, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tick.tick() => {
                let ctx = RequestContext::system(format!("billing-cycle-{}", uuid::Uuid::now_v7()));
                if let Err(err) = schema::billing::subscriptions::cycle::run_all_due(&services, &ctx).await {
                    tracing::warn!(module = "billing", error = %err, "billing cycle tick failed; retrying next tick");
                }
            }
        }
    }
}

/// Work that falls due at a time rather than on a request: maintenance
/// windows (reminders, starts, ends), announcements that start or end, and
/// support SLA alerts, auto-closes and stale uploads, offboarded
/// businesses whose retention has ended, and kitchen work held until a time. Every replica ticks;
/// rows are claimed with `SKIP LOCKED`, so each is done once.
async fn scheduler(services: Services, every: Duration, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tick.tick() => {
                let ctx = RequestContext::system(format!("scheduler-{}", uuid::Uuid::now_v7()));
                if let Err(err) = schema::maintenance::scheduler::run_due(&services.db, &ctx).await {
                    tracing::warn!(module = "maintenance", error = %err, "scheduler tick failed; retrying next tick");
                }
                if let Err(err) = schema::announcements::publish::run_due(&services.db, &ctx).await {
                    tracing::warn!(module = "announcement", error = %err, "scheduler tick failed; retrying next tick");
                }
                if let Err(err) = schema::support::scheduler::run_due(&services.db, &services.export_dir, &ctx).await {
                    tracing::warn!(module = "support", error = %err, "scheduler tick failed; retrying next tick");
                }
                if let Err(err) = schema::kitchen::pacing::fire_due(&services.db, &ctx).await {
                    tracing::warn!(module = "kitchen", error = %err, "held kitchen work could not be fired; retrying next tick");
                }
                if let Err(err) = schema::backups::offboarding::purge_due(&services.db, &services.export_dir, &ctx).await {
                    tracing::warn!(module = "tenants", error = %err, "offboarding tick failed; retrying next tick");
                }
            }
        }
    }
}

fn redis_pool(config: &Config, size: usize) -> anyhow::Result<deadpool_redis::Pool> {
    let mut pool = deadpool_redis::Config::from_url(config.redis_url.expose());
    pool.pool = Some(deadpool_redis::PoolConfig::new(size));
    pool.create_pool(Some(deadpool_redis::Runtime::Tokio1))
        .context("REDIS_URL")
}

/// Blocking readers (five job categories, the event bus) wait on their own
/// connections, never on the pool requests use.
const BLOCKING_READERS: usize = 8;

async fn bootstrap_superadmin(config: &Config, db: &Db) -> anyhow::Result<()> {
    let (Some(email), Some(password)) = (
        &config.bootstrap_superadmin_email,
        &config.bootstrap_superadmin_password,
    ) else {
        return Ok(());
    };
    let ctx = RequestContext::system(format!("bootstrap-{}", uuid::Uuid::now_v7()));
    match ensure_superadmin(db, &ctx, email, password.expose(), "Platform admin")
        .await
        .map_err(|e| anyhow::anyhow!("BOOTSTRAP_SUPERADMIN_*: {e}"))?
    {
        Ensured::Created(id) => tracing::info!(%id, "bootstrap superadmin created"),
        Ensured::AlreadyExisted(id) => tracing::info!(%id, "bootstrap superadmin already present"),
    }
    Ok(())
}

/// Everything the services need, from the configuration.
fn services(
    config: &Config,
    db: Db,
    redis: deadpool_redis::Pool,
    blocking: deadpool_redis::Pool,
    bus: Option<EventBus>,
) -> anyhow::Result<Services> {
    let data_key: Arc<str> = match &config.data_encryption_key {
        Some(key) => Arc::from(key.expose()),
        None => {
            tracing::warn!(
                "DATA_ENCRYPTION_KEY is not set: encrypting MFA secrets with the development key; set it in production"
            );
            Arc::from("platform-development-data-key-do-not-use-in-production")
        }
    };
    let redis_clone = redis.clone();
    let mailer = Mailer::new(
        config.smtp_url.as_ref().map(|u| u.expose()),
        &config.smtp_from,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Services {
        db,
        redis,
        redis_prefix: config.redis_key_prefix.clone(),
        tokens: Arc::new(jwt_keys(config)),
        data_key,
        refresh_ttl: Duration::from_secs(config.refresh_token_ttl_secs),
        login_throttle: LoginThrottle {
            per_account: config.login_max_failures_per_account,
            per_ip: config.login_max_failures_per_ip,
            window: Duration::from_secs(config.login_failure_window_secs),
        },
        server: Arc::new(ServerMeta::new()),
        queue: Queue::new(
            redis_clone,
            blocking,
            QueueConfig::new(config.redis_key_prefix.clone()),
        ),
        bus,
        mailer,
        public_url: Arc::from(config.public_url.as_str()),
        export_dir: Arc::new(std::path::PathBuf::from(&config.export_dir)),
        billing: billing_settings(config)?,
        impersonation_max_minutes: i64::from(config.impersonation_max_minutes),
        support_attachment_max_bytes: config.support_attachment_max_bytes,
        superadmin_mfa_required: config.superadmin_mfa_required,
        tenant_retention_days: i64::from(config.tenant_retention_days),
    })
}

/// The payment provider and the webhook secrets, from the configuration.
fn billing_settings(config: &Config) -> anyhow::Result<Arc<BillingProvider>> {
    let provider = match &config.billing_provider_url {
        Some(url) => {
            let key = config
                .billing_provider_api_key
                .as_ref()
                .map(|k| k.expose().to_owned())
                .unwrap_or_default();
            let client = HttpProvider::new(url.clone(), key)
                .map_err(|e| anyhow::anyhow!("BILLING_PROVIDER_URL: {e}"))?;
            Some(Arc::new(client) as Arc<dyn PaymentProvider>)
        }
        None => None,
    };
    let secrets = config
        .billing_webhook_secrets
        .as_ref()
        .map(|s| {
            s.expose()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.as_bytes().to_vec())
                .collect()
        })
        .unwrap_or_default();
    Ok(Arc::new(BillingProvider {
        provider,
        webhook_secrets: secrets,
    }))
}

fn jwt_keys(config: &Config) -> TokenKeys {
    let secret = match &config.jwt_secret {
        Some(secret) => secret.expose().as_bytes().to_vec(),
        None => {
            tracing::warn!(
                "JWT_SECRET is not set: using a random key for this process; tokens will not survive a restart or work across replicas"
            );
            let mut key = uuid::Uuid::new_v4().as_bytes().to_vec();
            key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
            key
        }
    };
    TokenKeys::new(&secret, &config.jwt_issuer, config.jwt_access_ttl_secs)
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let db = database::prepare(&config).await?;
    if config.migrate_on_start {
        bootstrap_superadmin(&config, &db).await?;
    }
    let redis = redis_pool(&config, config.redis_pool_size)?;
    let blocking = jobs::queue::blocking_pool(config.redis_url.expose(), BLOCKING_READERS)
        .map_err(|e| anyhow::anyhow!("REDIS_URL: {e}"))?;
    let shutdown = CancellationToken::new();
    let bus = EventBus::start(
        blocking.clone(),
        events_stream_key(&config.redis_key_prefix),
        shutdown.clone(),
    );
    let metrics = http::metrics::install()?;
    {
        // Histograms need draining now and then, or they grow without bound.
        let handle = metrics.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                handle.run_upkeep();
            }
        });
    }
    let services = services(&config, db.clone(), redis, blocking, Some(bus))?;
    let schema = schema::build(
        services.clone(),
        &schema::SchemaLimits {
            max_depth: config.graphql_max_depth,
            max_complexity: config.graphql_max_complexity,
            introspection: config.graphql_introspection,
        },
    );
    let websockets = TaskTracker::new();
    let config = Arc::new(config);
    let state = AppState {
        config: config.clone(),
        services,
        schema,
        metrics,
        shutdown: shutdown.clone(),
        websockets: websockets.clone(),
    };

    let runner = config.run_jobs_in_process.then(|| {
        tokio::spawn(billing_ticker(state.services.clone(), shutdown.clone()));
        tokio::spawn(scheduler(
            state.services.clone(),
            Duration::from_secs(config.scheduler_tick_secs),
            shutdown.clone(),
        ));
        tokio::spawn(runner(&config, &state.services).run(shutdown.clone()))
    });

    let listener = tokio::net::TcpListener::bind(config.bind_addr)
        .await
        .with_context(|| format!("BIND_ADDR: cannot listen on {}", config.bind_addr))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, version = env!("CARGO_PKG_VERSION"), "listening");

    let app = http::router(state);
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown({
        let shutdown = shutdown.clone();
        async move {
            stop_signal().await;
            tracing::info!("shutdown requested: draining requests and closing websockets");
            shutdown.cancel();
        }
    });
    tokio::select! {
        result = server => result.context("serving HTTP")?,
        _ = async { shutdown.cancelled().await; tokio::time::sleep(grace).await } => {
            tracing::warn!(grace_secs = grace.as_secs(), "requests still running after the grace period; stopping anyway");
        }
    }
    websockets.close();
    if tokio::time::timeout(grace, websockets.wait())
        .await
        .is_err()
    {
        tracing::warn!("websocket sessions still open after the grace period");
    }
    if let Some(runner) = runner {
        let _ = tokio::time::timeout(grace, runner).await;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// `server jobs`: the runner alone, for scale-out.
/// Serves probes and `/metrics` on BIND_ADDR, so a runner replica is watched
/// like an API replica (queue depth, retries, dead jobs, outbox lag).
pub async fn jobs_only(config: Config) -> anyhow::Result<()> {
    let db = database::prepare(&config).await?;
    let shutdown = CancellationToken::new();
    let services = services(
        &config,
        db.clone(),
        redis_pool(&config, config.redis_pool_size)?,
        jobs::queue::blocking_pool(config.redis_url.expose(), BLOCKING_READERS)
            .map_err(|e| anyhow::anyhow!("REDIS_URL: {e}"))?,
        None,
    )?;
    let metrics = http::metrics::install()?;
    tokio::spawn(billing_ticker(services.clone(), shutdown.clone()));
    tokio::spawn(scheduler(
        services.clone(),
        Duration::from_secs(config.scheduler_tick_secs),
        shutdown.clone(),
    ));
    let runner = tokio::spawn(runner(&config, &services).run(shutdown.clone()));
    let state = AppState {
        schema: schema::build(services.clone(), &schema::SchemaLimits::default()),
        config: Arc::new(config),
        services,
        metrics,
        shutdown: shutdown.clone(),
        websockets: TaskTracker::new(),
    };
    let listener = tokio::net::TcpListener::bind(state.config.bind_addr)
        .await
        .with_context(|| format!("BIND_ADDR: cannot listen on {}", state.config.bind_addr))?;
    tracing::info!(addr = %listener.local_addr()?, "job runner listening (probes and metrics)");
    let ops = axum::serve(listener, http::ops_router(state)).with_graceful_shutdown({
        let shutdown = shutdown.clone();
        async move { shutdown.cancelled().await }
    });
    let ops = tokio::spawn(async move { ops.await });
    stop_signal().await;
    tracing::info!("shutdown requested: stopping the job runner");
    shutdown.cancel();
    let _ = runner.await;
    let _ = ops.await;
    db.close().await;
    Ok(())
}
