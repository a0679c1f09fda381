//! The real server binary on a free port, its logs, and plain requests to it.

use super::db::{RedisPrefix, TestDb};
use super::{BIN, JWT_SECRET, REDIS_URL, SUPERADMIN_EMAIL, SUPERADMIN_PASSWORD, init};
use serde_json::{Value, json};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Collected output of a server process.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<String>>>);

impl Logs {
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Parsed JSON log lines.
    pub fn json(&self) -> Vec<Value> {
        self.lines()
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    fn push(&self, line: String) {
        if let Ok(mut lines) = self.0.lock() {
            lines.push(line);
        }
    }
}

pub struct ServerBuilder {
    env: Vec<(String, String)>,
    db: Option<Arc<TestDb>>,
    redis: Option<Arc<RedisPrefix>>,
    args: Vec<String>,
}

pub struct TestServer {
    pub base: String,
    pub ws_url: String,
    pub http: reqwest::Client,
    pub logs: Logs,
    pub db: Arc<TestDb>,
    pub redis: Arc<RedisPrefix>,
    child: Child,
}

impl ServerBuilder {
    pub fn new() -> Self {
        Self {
            env: Vec::new(),
            db: None,
            redis: None,
            args: Vec::new(),
        }
    }

    pub fn env(mut self, key: &str, value: impl ToString) -> Self {
        self.env.push((key.to_owned(), value.to_string()));
        self
    }

    /// Share a database with another server (two replicas).
    pub fn db(mut self, db: Arc<TestDb>) -> Self {
        self.db = Some(db);
        self
    }

    /// Share a Redis prefix with another server (two replicas).
    pub fn redis(mut self, redis: Arc<RedisPrefix>) -> Self {
        self.redis = Some(redis);
        self
    }

    pub async fn start(self) -> TestServer {
        let db = match self.db {
            Some(db) => db,
            None => Arc::new(TestDb::create().await),
        };
        let redis = self.redis.unwrap_or_else(|| Arc::new(RedisPrefix::new()));
        let mut cmd = base_command(&db.url, &redis.0);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.args(&self.args).arg("serve");
        let (child, logs, addr) = spawn_and_wait(cmd).await;
        TestServer {
            base: format!("http://{addr}"),
            ws_url: format!("ws://{addr}/graphql/ws"),
            http: reqwest::Client::new(),
            logs,
            db,
            redis,
            child,
        }
    }
}

/// The server binary with a clean environment pointing at the test's database and Redis prefix.
pub fn base_command(db_url: &str, redis_prefix: &str) -> Command {
    init();
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("DATABASE_URL", db_url)
        .env("REDIS_URL", REDIS_URL)
        .env("REDIS_KEY_PREFIX", redis_prefix)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("JWT_SECRET", JWT_SECRET)
        .env("LOG_FORMAT", "json")
        .env("LOG_LEVEL", "info,sqlx=warn")
        .env("SHUTDOWN_GRACE_SECS", "5")
        .env("BOOTSTRAP_SUPERADMIN_EMAIL", SUPERADMIN_EMAIL)
        .env("BOOTSTRAP_SUPERADMIN_PASSWORD", SUPERADMIN_PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

pub(super) async fn spawn_and_wait(mut cmd: Command) -> (Child, Logs, String) {
    let mut child = cmd.spawn().expect("spawn server binary");
    let logs = Logs::default();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    if let Some(stdout) = child.stdout.take() {
        let logs = logs.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(v) = serde_json::from_str::<Value>(&line)
                    && v["message"] == "listening"
                    && let Some(addr) = v["addr"].as_str()
                {
                    let _ = tx.send(addr.to_owned());
                }
                logs.push(line);
            }
        });
    }
    if let Some(stderr) = child.stderr.take() {
        let logs = logs.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                logs.push(line);
            }
        });
    }
    match tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
        Ok(Some(addr)) => (child, logs, addr),
        _ => {
            let _ = child.start_kill();
            panic!("server did not start; output:\n{}", logs.lines().join("\n"));
        }
    }
}

impl TestServer {
    pub async fn start() -> Self {
        ServerBuilder::new().start().await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs a GraphQL operation; returns the HTTP status and body.
    pub async fn graphql(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let resp = req.send().await.expect("graphql request");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("graphql json"))
    }

    pub async fn get_json(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
        let resp = self.http.get(self.url(path)).send().await.expect("get");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        (status, headers, resp.json().await.unwrap_or(Value::Null))
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("server still running")
    }

    /// Sends SIGTERM and waits for the process to exit; returns its exit code.
    pub async fn terminate(&mut self) -> Option<i32> {
        let pid = self.pid();
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status();
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(Ok(status)) => status.code(),
            _ => None,
        }
    }

    /// Waits until a log line satisfies `pred` (logs arrive asynchronously).
    pub async fn wait_for_log(&self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        for _ in 0..100 {
            if let Some(line) = self.logs.json().into_iter().find(|l| pred(l)) {
                return Some(line);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// The `/metrics` text.
    pub async fn metrics(&self) -> String {
        self.http
            .get(self.url("/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text")
    }

    /// Data statements the server has run so far (transaction settings excluded).
    pub async fn data_statements(&self) -> u64 {
        self.metrics()
            .await
            .lines()
            .filter(|l| l.starts_with("db_statements_total{") && l.contains("kind=\"query\""))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum::<f64>() as u64
    }
}
