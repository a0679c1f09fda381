//! One caller of the REST API, for every REST suite: a server, a bearer
//! token, and requests that answer `(status, body)`. Suites add their own
//! domain helpers in `impl Rest<'_>` blocks of their own.

use crate::harness::TestServer;
use reqwest::Method;
use serde_json::Value;

/// One caller of the REST API.
pub struct Rest<'a> {
    pub server: &'a TestServer,
    pub token: String,
}

impl<'a> Rest<'a> {
    pub fn new(server: &'a TestServer, token: &str) -> Self {
        Self {
            server,
            token: token.to_owned(),
        }
    }

    pub fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let mut req = self
            .server
            .http
            .request(method, self.server.url(path))
            .bearer_auth(&self.token);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        req
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let resp = self
            .request(method.clone(), path, body, headers)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// A GET answering something other than JSON: status, content type, text.
    pub async fn text(&self, path: &str) -> (u16, String, String) {
        let resp = self
            .request(Method::GET, path, None, &[])
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, content_type, resp.text().await.unwrap_or_default())
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(Method::POST, path, Some(body), &[]).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(Method::PUT, path, Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(Method::PATCH, path, Some(body), &[]).await
    }

    /// A request that must answer `status`; returns `data`.
    pub async fn ok(&self, method: Method, path: &str, body: Option<Value>, status: u16) -> Value {
        self.ok_with(method, path, body, &[], status).await
    }

    pub async fn ok_with(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
        status: u16,
    ) -> Value {
        let (got, answer) = self.send(method.clone(), path, body, headers).await;
        assert_eq!(got, status, "{method} {path} -> {answer}");
        answer["data"].clone()
    }
}

/// Asserts a `VALIDATION` answer naming `field`.
pub fn assert_invalid(status: u16, body: &Value, field: &str) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "VALIDATION", "{body}");
    assert!(
        body["error"]["details"]["fields"].get(field).is_some(),
        "{field} not named: {body}"
    );
}

/// The id of a REST answer's `data`.
pub fn data_id(data: &Value) -> String {
    data["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {data}"))
        .to_owned()
}
