//! A bounded schemathesis run against `/v1/openapi.json`, signed in as a
//! business owner: no answer is a 5xx, and every answer has a documented
//! status, content type and shape. `.ci/run` installs schemathesis.

use crate::harness::ServerBuilder;
use std::process::Stdio;

/// The version `.ci/run` installs; the CLI flags below are its.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";

#[tokio::test]
async fn schemathesis_finds_no_server_error_and_no_undocumented_answer() {
    let exports = std::env::temp_dir().join(format!("fuzz-exports-{}", uuid::Uuid::new_v4()));
    let server = ServerBuilder::new()
        .env("EXPORT_DIR", exports.display())
        .env("RATE_LIMIT_PER_IP_PER_MINUTE", 10_000_000)
        .env("RATE_LIMIT_PER_TENANT_PER_MINUTE", 10_000_000)
        .start()
        .await;
    let tenant = server.tenant("fuzz").await;
    let st = std::env::var("SCHEMATHESIS_BIN").unwrap_or_else(|_| "st".to_owned());
    let run = tokio::process::Command::new(&st)
        .args([
            "run",
            &server.url("/v1/openapi.json"),
            "--url",
            &server.base,
            "--header",
            &format!("Authorization: Bearer {}", tenant.owner_token),
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "10",
            "--seed",
            "20261201",
            "--generation-deterministic",
            "--no-shrink",
            // One worker: hypothesis's code introspection has been seen to
            // fail inside CPython 3.11 when two threads generate at once.
            "--workers",
            "1",
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .await
        .unwrap_or_else(|e| {
            panic!("could not run `{st}` ({e}); install it with `pip install {SCHEMATHESIS}`")
        });
    let out = format!(
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let _ = std::fs::remove_dir_all(&exports);
    assert!(run.status.success(), "schemathesis found problems:\n{out}");
    assert!(
        out.contains("Tested:"),
        "schemathesis tested nothing:\n{out}"
    );
}
