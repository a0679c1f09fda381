//! A bad configuration stops the process with one line naming the variable.

use crate::harness::{BIN, ServerBuilder, init};
use std::process::Command;

/// Runs the binary with a clean environment plus `env`; returns (exit code, stderr).
fn run(env: &[(&str, &str)], args: &[&str]) -> (Option<i32>, String) {
    init();
    let mut cmd = Command::new(BIN);
    cmd.env_clear().args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run server");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_values_name_their_variable_in_one_line() {
    let cases: &[(&str, &str)] = &[
        ("DATABASE_MAX_CONNECTIONS", "many"),
        ("BIND_ADDR", "not-an-address"),
        ("LOG_FORMAT", "xml"),
        ("REQUEST_TIMEOUT_SECS", "0"),
        ("DATABASE_URL", "mysql://nope"),
        ("REDIS_URL", "http://nope"),
        ("GRAPHQL_INTROSPECTION", "perhaps"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"),
        ("CORS_ALLOWED_ORIGINS", "https://ok.example,bad\u{7f}origin"),
    ];
    for (var, value) in cases {
        let (code, stderr) = run(&[(var, value)], &["serve"]);
        assert_eq!(code, Some(2), "{var}={value}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{var}: one line, got {stderr:?}");
        assert!(
            lines[0].starts_with(&format!("configuration error: {var}:")),
            "{var}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn secrets_are_never_echoed() {
    let (code, stderr) = run(&[("JWT_SECRET", "short-secret-value")], &["serve"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("configuration error: JWT_SECRET: must be at least 32 bytes"),
        "{stderr}"
    );
    assert!(!stderr.contains("short-secret-value"), "{stderr}");

    let (code, stderr) = run(&[("DATABASE_URL", "postgres://u:hunter2@[bad")], &["serve"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("DATABASE_URL") && !stderr.contains("hunter2"),
        "{stderr}"
    );

    let (code, stderr) = run(
        &[("BOOTSTRAP_SUPERADMIN_EMAIL", "root@example.com")],
        &["serve"],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("BOOTSTRAP_SUPERADMIN_PASSWORD"), "{stderr}");
}

#[test]
fn config_file_problems_are_reported() {
    let dir = std::env::temp_dir().join(format!("platform-config-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, stderr) = run(
        &[],
        &[
            "--config",
            dir.join("missing.toml").to_str().unwrap(),
            "serve",
        ],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("configuration error: CONFIG_FILE:"),
        "{stderr}"
    );

    let unknown = dir.join("unknown.toml");
    std::fs::write(&unknown, "bind_adr = \"127.0.0.1:1\"\n").unwrap();
    let (code, stderr) = run(&[], &["--config", unknown.to_str().unwrap(), "serve"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("bind_adr"), "{stderr}");

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "graphql_max_depth = \"deep\"\n").unwrap();
    let (code, stderr) = run(&[], &["--config", bad.to_str().unwrap(), "serve"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("configuration error: GRAPHQL_MAX_DEPTH:"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn file_then_environment_layers_apply() {
    let dir = std::env::temp_dir().join(format!("platform-config-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("platform.toml");
    // The file sets a depth limit of 1; the environment overrides the introspection switch.
    std::fs::write(
        &file,
        "graphql_max_depth = 1\ngraphql_introspection = true\n",
    )
    .unwrap();
    let server = ServerBuilder::new()
        .env("CONFIG_FILE", file.display())
        .env("GRAPHQL_INTROSPECTION", "false")
        .start()
        .await;
    let (_, body) = server
        .graphql("{ serverInfo { name } }", serde_json::json!({}), None)
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "depth 1 from the file: {body}"
    );
    let (_, body) = server
        .graphql("{ __typename }", serde_json::json!({}), None)
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let (_, body) = server
        .graphql(
            "{ __schema { queryType { name } } }",
            serde_json::json!({}),
            None,
        )
        .await;
    assert_eq!(
        body["errors"][0]["message"], "introspection is disabled on this server",
        "GRAPHQL_INTROSPECTION from the environment wins: {body}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
