//! Configuration: defaults, then an optional TOML file, then environment
//! variables. A key in the file is the variable's name in lower case
//! (`database_url = "..."`). A bad value stops the process with one line that
//! names the variable; secrets never show in `Debug` output or logs.

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::str::FromStr;

/// A value that must never be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lossy_string(d).map(Secret)
    }
}

/// Environment values that look like numbers ("12345") arrive as numbers;
/// a string field takes them as written.
fn lossy_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_i64<E>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(V)
}

fn lossy_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    lossy_string(d).map(|s| Some(s).filter(|s| !s.is_empty()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Owner connection: creates the database, runs migrations; the request
    /// path runs as the unprivileged `platform_app` role over it.
    pub database_url: Secret,
    pub database_max_connections: u32,
    pub database_statement_timeout_ms: u64,
    /// Create the database and run migrations at start (`false` when a
    /// separate migration job owns that, as in the Helm chart).
    pub migrate_on_start: bool,
    pub redis_url: Secret,
    pub redis_pool_size: usize,
    /// Prefix of every Redis key, so deployments (and tests) can share a Redis.
    #[serde(deserialize_with = "lossy_string")]
    pub redis_key_prefix: String,
    pub bind_addr: SocketAddr,
    pub jwt_secret: Option<Secret>,
    #[serde(deserialize_with = "lossy_string")]
    pub jwt_issuer: String,
    pub jwt_access_ttl_secs: u64,
    pub refresh_token_ttl_secs: u64,
    /// Key for encrypted columns (TOTP secrets); set it in production.
    pub data_encryption_key: Option<Secret>,
    /// Failed sign-ins per account, and per client IP, within the window before `RATE_LIMIT`.
    pub login_max_failures_per_account: u64,
    pub login_max_failures_per_ip: u64,
    pub login_failure_window_secs: u64,
    #[serde(deserialize_with = "lossy_opt_string")]
    pub otel_exporter_otlp_endpoint: Option<String>,
    #[serde(deserialize_with = "lossy_string")]
    pub otel_service_name: String,
    pub log_format: LogFormat,
    #[serde(deserialize_with = "lossy_string")]
    pub log_level: String,
    pub request_body_limit_bytes: usize,
    pub request_timeout_secs: u64,
    /// Comma-separated origins allowed by CORS, or `*`; empty disables CORS.
    #[serde(deserialize_with = "lossy_string")]
    pub cors_allowed_origins: String,
    pub graphql_max_depth: usize,
    pub graphql_max_complexity: usize,
    pub graphql_introspection: bool,
    /// Requests per minute per client IP; 0 switches the limit off.
    pub rate_limit_per_ip_per_minute: u64,
    /// Requests per minute per tenant; 0 switches the limit off.
    pub rate_limit_per_tenant_per_minute: u64,
    /// Take the client IP from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    pub shutdown_grace_secs: u64,
    pub websocket_keepalive_secs: u64,
    pub run_jobs_in_process: bool,
    /// SMTP server for outgoing mail (`smtp://host:port`, `smtps://user:pass@host`,
    /// `?tls=required` for STARTTLS); unset: emails are logged, not sent.
    pub smtp_url: Option<Secret>,
    #[serde(deserialize_with = "lossy_string")]
    pub smtp_from: String,
    /// Where people open the apps; links in emails start with it.
    #[serde(deserialize_with = "lossy_string")]
    pub public_url: String,
    /// Where export and backup files are written.
    #[serde(deserialize_with = "lossy_string")]
    pub export_dir: String,
    pub audit_partitions_ahead_months: u32,
    /// The longest a superadmin may act as a tenant user.
    pub impersonation_max_minutes: u32,
    /// The largest file a support ticket may carry (uploads to
    /// `/v1/support/uploads` may exceed `REQUEST_BODY_LIMIT_BYTES` up to it).
    pub support_attachment_max_bytes: u64,
    /// Superadmins sign in with a TOTP code; one without MFA enrols at
    /// their next sign-in.
    pub superadmin_mfa_required: bool,
    /// Days an offboarded business's data is kept (suspended, restorable by
    /// reactivating) before it is deleted; 0 deletes it once the final
    /// backup is written.
    pub tenant_retention_days: u32,
    /// How often the scheduler looks for work that is due (announcements
    /// that start or end); every replica ticks, each item is done once.
    pub scheduler_tick_secs: u64,
    /// The payment provider's API (`server sandbox-billing` speaks it);
    /// unset: invoices are not charged and wait for a superadmin.
    #[serde(deserialize_with = "lossy_opt_string")]
    pub billing_provider_url: Option<String>,
    pub billing_provider_api_key: Option<Secret>,
    /// Secrets that sign provider webhooks, comma-separated: more than one
    /// while a secret rotates.
    pub billing_webhook_secrets: Option<Secret>,
    #[serde(deserialize_with = "lossy_opt_string")]
    pub bootstrap_superadmin_email: Option<String>,
    pub bootstrap_superadmin_password: Option<Secret>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: Secret::new("postgres://postgres@127.0.0.1:5432/platform"),
            database_max_connections: 20,
            database_statement_timeout_ms: 30_000,
            migrate_on_start: true,
            redis_url: Secret::new("redis://127.0.0.1:6379"),
            redis_pool_size: 64,
            redis_key_prefix: "platform:".into(),
            bind_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            jwt_secret: None,
            jwt_issuer: "platform".into(),
            jwt_access_ttl_secs: 900,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            data_encryption_key: None,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 50,
            login_failure_window_secs: 900,
            otel_exporter_otlp_endpoint: None,
            otel_service_name: "platform-server".into(),
            log_format: LogFormat::Json,
            log_level: "info,sqlx=warn".into(),
            request_body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            cors_allowed_origins: "*".into(),
            graphql_max_depth: 12,
            graphql_max_complexity: 1000,
            graphql_introspection: true,
            rate_limit_per_ip_per_minute: 1200,
            rate_limit_per_tenant_per_minute: 6000,
            trust_forwarded_for: false,
            shutdown_grace_secs: 20,
            websocket_keepalive_secs: 30,
            run_jobs_in_process: true,
            smtp_url: None,
            smtp_from: "Platform <no-reply@platform.local>".into(),
            public_url: "http://127.0.0.1:8080".into(),
            export_dir: "var/exports".into(),
            audit_partitions_ahead_months: 3,
            scheduler_tick_secs: 10,
            impersonation_max_minutes: 30,
            support_attachment_max_bytes: 10 * 1024 * 1024,
            superadmin_mfa_required: false,
            tenant_retention_days: 30,
            billing_provider_url: None,
            billing_provider_api_key: None,
            billing_webhook_secrets: None,
            bootstrap_superadmin_email: None,
            bootstrap_superadmin_password: None,
        }
    }
}

/// Every variable the configuration reads.
pub const VARIABLES: &[&str] = &[
    "DATABASE_URL",
    "DATABASE_MAX_CONNECTIONS",
    "DATABASE_STATEMENT_TIMEOUT_MS",
    "MIGRATE_ON_START",
    "REDIS_URL",
    "REDIS_POOL_SIZE",
    "REDIS_KEY_PREFIX",
    "BIND_ADDR",
    "JWT_SECRET",
    "JWT_ISSUER",
    "JWT_ACCESS_TTL_SECS",
    "REFRESH_TOKEN_TTL_SECS",
    "DATA_ENCRYPTION_KEY",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT",
    "LOGIN_MAX_FAILURES_PER_IP",
    "LOGIN_FAILURE_WINDOW_SECS",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_SERVICE_NAME",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "REQUEST_BODY_LIMIT_BYTES",
    "REQUEST_TIMEOUT_SECS",
    "CORS_ALLOWED_ORIGINS",
    "GRAPHQL_MAX_DEPTH",
    "GRAPHQL_MAX_COMPLEXITY",
    "GRAPHQL_INTROSPECTION",
    "RATE_LIMIT_PER_IP_PER_MINUTE",
    "RATE_LIMIT_PER_TENANT_PER_MINUTE",
    "TRUST_FORWARDED_FOR",
    "SHUTDOWN_GRACE_SECS",
    "WEBSOCKET_KEEPALIVE_SECS",
    "RUN_JOBS_IN_PROCESS",
    "SMTP_URL",
    "SMTP_FROM",
    "PUBLIC_URL",
    "EXPORT_DIR",
    "AUDIT_PARTITIONS_AHEAD_MONTHS",
    "SCHEDULER_TICK_SECS",
    "IMPERSONATION_MAX_MINUTES",
    "SUPPORT_ATTACHMENT_MAX_BYTES",
    "SUPERADMIN_MFA_REQUIRED",
    "TENANT_RETENTION_DAYS",
    "BILLING_PROVIDER_URL",
    "BILLING_PROVIDER_API_KEY",
    "BILLING_WEBHOOK_SECRETS",
    "BOOTSTRAP_SUPERADMIN_EMAIL",
    "BOOTSTRAP_SUPERADMIN_PASSWORD",
];

/// A configuration problem, reported as one line naming the variable.
#[derive(Debug)]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "configuration error: {}: {}",
            self.variable, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

fn invalid(variable: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable: variable.to_owned(),
        message: message.into(),
    }
}

impl Config {
    /// Loads defaults, then `file` if given (it must exist), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::new();
        if let Some(path) = file {
            if !path.is_file() {
                return Err(invalid(
                    "CONFIG_FILE",
                    format!("{} does not exist", path.display()),
                ));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(Env::raw().only(VARIABLES));
        let config: Config = figment.extract().map_err(|err| {
            let variable = if err.path.is_empty() {
                "CONFIG_FILE".to_owned()
            } else {
                err.path.join("_").to_uppercase()
            };
            let mut message = err.kind.to_string();
            // Never echo a secret's value back, even a malformed one.
            message = message.replace('\n', " ");
            if variable.contains("SECRET")
                || variable.contains("PASSWORD")
                || variable.ends_with("_URL")
            {
                message = "invalid value".to_owned();
            }
            invalid(&variable, message)
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        sqlx::postgres::PgConnectOptions::from_str(self.database_url.expose())
            .map_err(|_| invalid("DATABASE_URL", "not a valid postgres:// URL"))?;
        if !self.database_url.expose().starts_with("postgres") {
            return Err(invalid("DATABASE_URL", "not a valid postgres:// URL"));
        }
        redis::parse_redis_url(self.redis_url.expose())
            .ok_or_else(|| invalid("REDIS_URL", "not a valid redis:// URL"))?;
        if self.database_max_connections == 0 {
            return Err(invalid("DATABASE_MAX_CONNECTIONS", "must be at least 1"));
        }
        if let Some(secret) = &self.jwt_secret
            && secret.expose().len() < 32
        {
            return Err(invalid("JWT_SECRET", "must be at least 32 bytes"));
        }
        if let Some(key) = &self.data_encryption_key
            && key.expose().len() < 32
        {
            return Err(invalid("DATA_ENCRYPTION_KEY", "must be at least 32 bytes"));
        }
        if self.refresh_token_ttl_secs < 60 {
            return Err(invalid("REFRESH_TOKEN_TTL_SECS", "must be at least 60"));
        }
        if self.login_max_failures_per_account == 0 || self.login_max_failures_per_ip == 0 {
            return Err(invalid(
                "LOGIN_MAX_FAILURES_PER_ACCOUNT",
                "limits must be at least 1",
            ));
        }
        if self.login_failure_window_secs == 0 {
            return Err(invalid("LOGIN_FAILURE_WINDOW_SECS", "must be at least 1"));
        }
        if self.jwt_access_ttl_secs < 30 {
            return Err(invalid("JWT_ACCESS_TTL_SECS", "must be at least 30"));
        }
        tracing_subscriber::EnvFilter::try_new(&self.log_level)
            .map_err(|e| invalid("LOG_LEVEL", format!("not a valid filter: {e}")))?;
        if self.request_body_limit_bytes < 1024 {
            return Err(invalid("REQUEST_BODY_LIMIT_BYTES", "must be at least 1024"));
        }
        if self.tenant_retention_days > 3650 {
            return Err(invalid("TENANT_RETENTION_DAYS", "must be 0 to 3650"));
        }
        if !(1..=480).contains(&self.impersonation_max_minutes) {
            return Err(invalid("IMPERSONATION_MAX_MINUTES", "must be 1 to 480"));
        }
        if !(1024..=100 * 1024 * 1024).contains(&self.support_attachment_max_bytes) {
            return Err(invalid(
                "SUPPORT_ATTACHMENT_MAX_BYTES",
                "must be 1024 to 104857600",
            ));
        }
        if !(1..=3600).contains(&self.scheduler_tick_secs) {
            return Err(invalid("SCHEDULER_TICK_SECS", "must be 1 to 3600"));
        }
        if self.request_timeout_secs == 0 {
            return Err(invalid("REQUEST_TIMEOUT_SECS", "must be at least 1"));
        }
        for origin in self.cors_origins() {
            if origin != "*" && http::HeaderValue::from_str(origin).is_err() || origin.is_empty() {
                return Err(invalid(
                    "CORS_ALLOWED_ORIGINS",
                    format!("not an origin: {origin:?}"),
                ));
            }
        }
        jobs::email::check_settings(self.smtp_url.as_ref().map(Secret::expose), &self.smtp_from)
            .map_err(|var| {
                let why = if var == "SMTP_FROM" {
                    "not a mailbox like `Name <addr@host>`"
                } else {
                    "not an smtp:// or smtps:// URL"
                };
                invalid(var, why)
            })?;
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err(invalid("PUBLIC_URL", "must be an http:// or https:// URL"));
        }
        if self.graphql_max_depth == 0 {
            return Err(invalid("GRAPHQL_MAX_DEPTH", "must be at least 1"));
        }
        if self.graphql_max_complexity == 0 {
            return Err(invalid("GRAPHQL_MAX_COMPLEXITY", "must be at least 1"));
        }
        if let Some(endpoint) = &self.otel_exporter_otlp_endpoint
            && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        {
            return Err(invalid(
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "must be an http:// or https:// URL",
            ));
        }
        match (
            &self.bootstrap_superadmin_email,
            &self.bootstrap_superadmin_password,
        ) {
            (Some(_), None) => {
                return Err(invalid(
                    "BOOTSTRAP_SUPERADMIN_PASSWORD",
                    "required when BOOTSTRAP_SUPERADMIN_EMAIL is set",
                ));
            }
            (None, Some(_)) => {
                return Err(invalid(
                    "BOOTSTRAP_SUPERADMIN_EMAIL",
                    "required when BOOTSTRAP_SUPERADMIN_PASSWORD is set",
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// The configured CORS origins (empty: CORS off).
    pub fn cors_origins(&self) -> Vec<&str> {
        self.cors_allowed_origins
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let config = Config {
            jwt_secret: Some(Secret::new("super-secret-signing-key-0123456789")),
            database_url: Secret::new("postgres://app:hunter2@db/platform"),
            bootstrap_superadmin_password: Some(Secret::new("correct horse battery")),
            ..Config::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("super-secret"), "{printed}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("correct horse"), "{printed}");
        assert!(printed.contains("Secret(***)"));
    }

    #[test]
    fn defaults_are_valid() {
        assert!(Config::default().validate().is_ok());
    }

    #[test]
    fn cors_origins_split_on_commas() {
        let config = Config {
            cors_allowed_origins: "https://a.example, https://b.example".into(),
            ..Config::default()
        };
        assert_eq!(
            config.cors_origins(),
            vec!["https://a.example", "https://b.example"]
        );
    }
}
