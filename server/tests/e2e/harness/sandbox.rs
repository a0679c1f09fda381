//! The sandbox payment provider (`server sandbox-billing`) as a real process
//! on a free port, and plain requests to its API.

use super::server::{Logs, spawn_and_wait};
use super::{BIN, init};
use serde_json::Value;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// The key the sandbox expects unless `--api-key` says otherwise.
pub const SANDBOX_API_KEY: &str = "sk_sandbox";

pub struct Sandbox {
    base: String,
    api_key: String,
    pub http: reqwest::Client,
    pub logs: Logs,
    /// Killed on drop.
    child: Child,
}

impl Sandbox {
    /// A sandbox that POSTs its webhooks to `webhook_url`, signed with `secret`.
    pub async fn start(webhook_url: &str, secret: &str) -> Self {
        Self::start_with(&["--webhook-url", webhook_url, "--webhook-secret", secret]).await
    }

    /// A sandbox started with these `server sandbox-billing` arguments; it
    /// listens on a free port unless they name `--listen`.
    pub async fn start_with(args: &[&str]) -> Self {
        init();
        let mut cmd = Command::new(BIN);
        // A clean environment, so a developer's SANDBOX_BILLING_* cannot leak in.
        cmd.env_clear()
            .env("LOG_FORMAT", "json")
            .env("LOG_LEVEL", "info")
            .arg("sandbox-billing");
        if !args.contains(&"--listen") {
            cmd.args(["--listen", "127.0.0.1:0"]);
        }
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let api_key = args
            .iter()
            .position(|a| *a == "--api-key")
            .and_then(|i| args.get(i + 1))
            .map_or(SANDBOX_API_KEY, |k| k)
            .to_owned();
        // The sandbox logs `listening` with the address it bound, as the server does.
        let (child, logs, addr) = spawn_and_wait(cmd).await;
        let sandbox = Self {
            base: format!("http://{addr}"),
            api_key,
            http: reqwest::Client::new(),
            logs,
            child,
        };
        sandbox.wait_healthy().await;
        sandbox
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits for the process to exit; returns its exit code.
    pub async fn terminate(&mut self) -> Option<i32> {
        let pid = self.child.id()?;
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status();
        match tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await {
            Ok(Ok(status)) => status.code(),
            _ => None,
        }
    }

    async fn wait_healthy(&self) {
        for _ in 0..100 {
            if let Ok(answer) = self.http.get(self.url("/health")).send().await
                && answer.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "sandbox never became healthy; output:\n{}",
            self.logs.lines().join("\n")
        );
    }

    /// POSTs JSON with the sandbox's API key; the status and body.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post_with(path, body, None).await
    }

    /// [`Self::post`] with an `Idempotency-Key`.
    pub async fn post_with(
        &self,
        path: &str,
        body: &Value,
        idempotency_key: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .post(self.url(path))
            .bearer_auth(&self.api_key)
            .json(body);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let answer = request.send().await.expect("sandbox request");
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let answer = self
            .http
            .get(self.url(path))
            .bearer_auth(&self.api_key)
            .send()
            .await
            .expect("sandbox request");
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }

    /// Every event the sandbox made, newest first, each with its `delivery`.
    pub async fn events(&self) -> Vec<Value> {
        let (status, body) = self.get("/v1/events").await;
        assert_eq!(status, 200, "{body}");
        body["data"].as_array().cloned().unwrap_or_default()
    }

    /// The events about one payment intent, oldest first.
    pub async fn events_of(&self, payment_intent: &str) -> Vec<Value> {
        let mut events: Vec<Value> = self
            .events()
            .await
            .into_iter()
            .filter(|e| e["data"]["object"]["id"] == payment_intent)
            .collect();
        events.reverse();
        events
    }
}
