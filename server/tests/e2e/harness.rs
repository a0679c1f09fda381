//! The end-to-end harness: a fresh database per test (cloned from a migrated
//! template), its own Redis key prefix, and the real server binary on a free
//! port, driven over HTTP and websockets as a client would.

#![allow(dead_code)]

use futures_util::{SinkExt, StreamExt};
use migration::{Migrator, MigratorTrait};
use serde_json::{Value, json};
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use std::process::Stdio;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub const PG_BASE: &str = "postgres://postgres@127.0.0.1:5432";
pub const REDIS_URL: &str = "redis://127.0.0.1:6379";
pub const JWT_SECRET: &str = "test-signing-key-0123456789abcdef0123456789";
pub const BIN: &str = env!("CARGO_BIN_EXE_server");
/// Every test server bootstraps this superadmin.
pub const SUPERADMIN_EMAIL: &str = "root@platform.test";
pub const SUPERADMIN_PASSWORD: &str = "root-password-for-tests";
/// The password fixtures give every user they create.
pub const PASSWORD: &str = "correct horse battery staple";

pub fn init() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Runs `fut` to completion on a private runtime in another thread; for Drop
/// impls, which cannot await.
fn block_on_thread<F>(fut: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let _ = std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            rt.block_on(fut);
        }
    })
    .join();
}

async fn admin() -> PgConnection {
    PgConnection::connect(&format!("{PG_BASE}/postgres"))
        .await
        .expect("connect to postgres")
}

/// A name for the template that changes whenever a migration's source does.
fn template_name() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migration/src");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("migration sources")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    // FNV-1a: stable across runs and toolchains, unlike std's hasher.
    let mut hash: u64 = 0xcbf29ce484222325;
    for file in files {
        for byte in std::fs::read(&file)
            .expect("read migration")
            .into_iter()
            .chain(file.to_string_lossy().bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x100000001b3);
        }
    }
    format!("platform_tmpl_{hash:016x}")
}

static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// The migrated template, built once per migration set across all test
/// processes (an advisory lock serialises the builders).
async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let mut conn = admin().await;
            sqlx::query("SELECT pg_advisory_lock(90210)")
                .execute(&mut conn)
                .await
                .expect("lock");
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                    .bind(&name)
                    .fetch_optional(&mut conn)
                    .await
                    .expect("check template");
            if exists.is_none() {
                // Templates of other migration sets are left alone: another
                // checkout (a CI run beside a session) may be cloning them.
                let building = format!("{name}_building");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "CREATE DATABASE \"{building}\""
                )))
                .execute(&mut conn)
                .await
                .expect("create template");
                {
                    let db = sea_orm::Database::connect(format!("{PG_BASE}/{building}"))
                        .await
                        .expect("connect template");
                    Migrator::up(&db, None).await.expect("migrate template");
                    db.close().await.expect("close template");
                }
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
                )))
                .execute(&mut conn)
                .await
                .expect("rename template");
            }
            sqlx::query("SELECT pg_advisory_unlock(90210)")
                .execute(&mut conn)
                .await
                .expect("unlock");
            name
        })
        .await
        .clone()
}

/// A database of its own for one test, dropped when the test ends.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn create() -> Self {
        init();
        let template = template().await;
        let name = format!("platform_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin().await;
        let sql = format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        let mut attempt = 0;
        loop {
            match sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&mut conn)
                .await
            {
                Ok(_) => break,
                // "source database is being accessed by other users": another clone is copying it.
                Err(e) if attempt < 50 => {
                    attempt += 1;
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("clone template: {e}"),
            }
        }
        let url = format!("{PG_BASE}/{name}");
        Self { name, url }
    }

    /// An owner (superuser) connection, for arranging data behind the server's back.
    pub async fn owner(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .expect("owner connection")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        block_on_thread(async move {
            if let Ok(mut conn) = PgConnection::connect(&format!("{PG_BASE}/postgres")).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await;
            }
        });
    }
}

/// Deletes a test's Redis keys when it ends.
pub struct RedisPrefix(pub String);

impl RedisPrefix {
    pub fn new() -> Self {
        Self(format!("test:{}:", uuid::Uuid::new_v4().simple()))
    }
}

impl Drop for RedisPrefix {
    fn drop(&mut self) {
        let pattern = format!("{}*", self.0);
        block_on_thread(async move {
            let Ok(client) = redis::Client::open(REDIS_URL) else {
                return;
            };
            let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
                return;
            };
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(&pattern)
                .query_async(&mut conn)
                .await
                .unwrap_or_default();
            if !keys.is_empty() {
                let _: Result<(), _> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
            }
        });
    }
}

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

async fn spawn_and_wait(mut cmd: Command) -> (Child, Logs, String) {
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
}

/// Signs an access token the server accepts (the server's JWT_SECRET is shared).
pub fn user_token(tenant: uuid::Uuid, user: uuid::Uuid) -> String {
    let keys = schema::identity::tokens::TokenKeys::new(JWT_SECRET.as_bytes(), "platform", 900);
    keys.issue(
        schema::identity::tokens::SubjectKind::User,
        user,
        Some(tenant),
    )
    .expect("sign")
    .0
}

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a GraphQL websocket with the given subprotocol.
pub async fn ws_connect(url: &str, protocol: &str) -> Ws {
    let mut request = url.into_client_request().expect("ws request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        protocol.parse().expect("protocol header"),
    );
    let (ws, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("ws connect");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some(protocol)
    );
    ws
}

/// Opens a `graphql-transport-ws` socket as `token`, waits for the ack and
/// starts `query` (subscription id `s`).
pub async fn ws_subscribe(server: &TestServer, token: &str, query: &str, variables: Value) -> Ws {
    let mut ws = ws_connect(&server.ws_url, "graphql-transport-ws").await;
    ws_send(
        &mut ws,
        json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}}),
    )
    .await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "connection_ack");
    ws_send(
        &mut ws,
        json!({"id": "s", "type": "subscribe", "payload": {"query": query, "variables": variables}}),
    )
    .await;
    ws
}

pub async fn ws_send(ws: &mut Ws, message: Value) {
    ws.send(Message::Text(message.to_string().into()))
        .await
        .expect("ws send");
}

/// The next JSON text message, skipping pings; `None` on close, with the close frame.
pub async fn ws_next(ws: &mut Ws) -> Result<Value, Option<(u16, String)>> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let value: Value = serde_json::from_str(&text).expect("ws json");
                if matches!(value["type"].as_str(), Some("ping" | "pong" | "ka")) {
                    continue;
                }
                return Ok(value);
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                return Err(frame.map(|f| (u16::from(f.code), f.reason.to_string())));
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_))) | Ok(None) => return Err(None),
            Err(_) => panic!("no websocket message within 10s"),
        }
    }
}

/// A tenant made through the real API: signed up, approved, owner signed in.
#[derive(Debug, Clone)]
pub struct TenantFixture {
    pub id: uuid::Uuid,
    pub slug: String,
    pub owner_id: uuid::Uuid,
    pub owner_email: String,
    pub owner_token: String,
    pub owner_refresh: String,
}

const AUTH_FIELDS: &str =
    "accessToken refreshToken accessExpiresAt refreshExpiresAt tokenType tenantId userId";

impl TestServer {
    /// Runs an operation that must succeed; returns `data`.
    pub async fn gql_ok(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let (status, body) = self.graphql(query, variables, token).await;
        assert!(
            status == 200 && body.get("errors").is_none(),
            "{query}\n-> {status} {body}"
        );
        body["data"].clone()
    }

    /// Runs an operation that must fail; returns the first error's code and the whole body.
    pub async fn gql_err(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> (String, Value) {
        let (_, body) = self.graphql(query, variables, token).await;
        let code = body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error from {query}: {body}"))
            .to_owned();
        (code, body)
    }

    pub async fn superadmin_token(&self) -> String {
        let data = self
            .gql_ok(
                &format!("mutation($i: SuperadminLoginInput!) {{ superadminLogin(input: $i) {{ {AUTH_FIELDS} }} }}"),
                json!({"i": {"email": SUPERADMIN_EMAIL, "password": SUPERADMIN_PASSWORD}}),
                None,
            )
            .await;
        data["superadminLogin"]["accessToken"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Signs a tenant user in; returns the whole `AuthTokens` object.
    pub async fn login(&self, slug: &str, email: &str, password: &str) -> Value {
        let data = self
            .gql_ok(
                &format!("mutation($i: LoginInput!) {{ login(input: $i) {{ {AUTH_FIELDS} }} }}"),
                json!({"i": {"tenantSlug": slug, "email": email, "password": password}}),
                None,
            )
            .await;
        data["login"].clone()
    }

    /// Signs up a business without approving it; returns (tenant id, slug, owner email).
    pub async fn signup(&self, hint: &str) -> (uuid::Uuid, String, String) {
        let slug = format!("{hint}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let email = format!("owner@{slug}.test");
        let data = self
            .gql_ok(
                "mutation($i: SignupInput!) { signup(input: $i) { tenant { id slug status } ownerId } }",
                json!({"i": {"businessName": format!("{hint} Ltd"), "slug": slug, "ownerName": "Olive Owner", "email": email, "password": PASSWORD}}),
                None,
            )
            .await;
        let id = uuid::Uuid::parse_str(data["signup"]["tenant"]["id"].as_str().unwrap()).unwrap();
        (id, slug, email)
    }

    /// A business that is signed up, approved, and whose owner is signed in.
    pub async fn tenant(&self, hint: &str) -> TenantFixture {
        let (id, slug, email) = self.signup(hint).await;
        let admin = self.superadmin_token().await;
        self.gql_ok(
            "mutation($i: TenantIdInput!) { approveTenant(input: $i) { tenant { status } } }",
            json!({"i": {"tenantId": id}}),
            Some(&admin),
        )
        .await;
        let auth = self.login(&slug, &email, PASSWORD).await;
        TenantFixture {
            id,
            slug,
            owner_id: uuid::Uuid::parse_str(auth["userId"].as_str().unwrap()).unwrap(),
            owner_email: email,
            owner_token: auth["accessToken"].as_str().unwrap().to_owned(),
            owner_refresh: auth["refreshToken"].as_str().unwrap().to_owned(),
        }
    }

    /// A user of `tenant` holding the built-in role `role_key`, signed in; returns (user id, access token).
    pub async fn staff(&self, tenant: &TenantFixture, role_key: &str) -> (uuid::Uuid, String) {
        let roles = self
            .gql_ok("{ roles { id key } }", json!({}), Some(&tenant.owner_token))
            .await;
        let role_id = roles["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == role_key)
            .unwrap_or_else(|| panic!("no role {role_key}: {roles}"))["id"]
            .clone();
        let email = format!(
            "{role_key}-{}@{}.test",
            &uuid::Uuid::new_v4().simple().to_string()[..6],
            tenant.slug
        );
        let data = self
            .gql_ok(
                "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
                json!({"i": {"email": email, "displayName": role_key, "password": PASSWORD, "roleIds": [role_id]}}),
                Some(&tenant.owner_token),
            )
            .await;
        let id = uuid::Uuid::parse_str(data["createUser"]["user"]["id"].as_str().unwrap()).unwrap();
        let auth = self.login(&tenant.slug, &email, PASSWORD).await;
        (id, auth["accessToken"].as_str().unwrap().to_owned())
    }
}

/// A JSON string the test expects; anything else fails the test, naming it.
pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// [`s`], owned.
pub fn string(v: &Value) -> String {
    s(v).to_owned()
}
