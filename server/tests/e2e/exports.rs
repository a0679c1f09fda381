//! Report exports and tenant backups: real files written by jobs, progress
//! as events, downloadable by their tenant only.

use crate::events::{next_event, subscribe};
use crate::harness::{ServerBuilder, TestServer};
use serde_json::{Value, json};
use std::time::Duration;

async fn server() -> (TestServer, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("exports-{}", uuid::Uuid::new_v4().simple()));
    let server = ServerBuilder::new()
        .env("EXPORT_DIR", dir.display())
        .start()
        .await;
    (server, dir)
}

async fn wait_completed(server: &TestServer, token: &str, id: &str) -> Value {
    for _ in 0..200 {
        let data = server
            .gql_ok(
                "{ exports { id status progress fileName byteSize downloadUrl } }",
                json!({}),
                Some(token),
            )
            .await;
        if let Some(export) = data["exports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            && export["status"] == "completed"
        {
            return export.clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("export {id} did not complete");
}

async fn download(server: &TestServer, token: &str, url: &str) -> (u16, String, String) {
    let resp = server
        .http
        .get(server.url(url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let kind = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, resp.text().await.unwrap())
}

/// Waits for export `id` to complete and downloads it as the holder of
/// `token`, which must succeed: the export, the content type and the file.
async fn download_completed(server: &TestServer, token: &str, id: &str) -> (Value, String, String) {
    let done = wait_completed(server, token, id).await;
    let (status, kind, body) = download(server, token, done["downloadUrl"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    (done, kind, body)
}

#[tokio::test]
async fn a_users_report_is_written_reported_and_downloadable_by_its_tenant_only() {
    let (server, dir) = server().await;
    let shop = server.tenant("report").await;
    let other = server.tenant("report-other").await;
    let mut ws = subscribe(&server, &shop.owner_token, None).await;
    let export = server
        .gql_ok(
            "mutation { requestExport(input: {kind: USERS_CSV}) { id status } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await["requestExport"]
        .clone();
    let id = export["id"].as_str().unwrap().to_owned();
    assert_eq!(export["status"], "queued");

    // Progress and completion arrive as events.
    let mut types = Vec::new();
    loop {
        let event = next_event(&mut ws).await;
        types.push(event["type"].as_str().unwrap().to_owned());
        if event["type"] == "reporting.export.completed" {
            assert_eq!(
                event["data"]["downloadUrl"],
                format!("/v1/exports/{id}/download")
            );
            break;
        }
    }
    assert_eq!(
        types.first().map(String::as_str),
        Some("reporting.export.requested")
    );
    assert!(
        types.iter().any(|t| t == "reporting.export.progress"),
        "{types:?}"
    );

    let (done, kind, body) = download_completed(&server, &shop.owner_token, &id).await;
    assert!(kind.starts_with("text/csv"), "{kind}");
    let mut lines = body.lines();
    assert_eq!(
        lines.next(),
        Some("id,email,display_name,status,mfa_enabled,last_login_at,created_at")
    );
    assert!(body.contains(&shop.owner_email));
    assert!(!body.contains(&other.owner_email));
    assert_eq!(done["byteSize"].as_i64().unwrap() as usize, body.len());
    assert!(
        dir.join(shop.id.to_string())
            .join(format!("{id}.csv"))
            .is_file(),
        "a real file on disk"
    );

    // Another tenant: the same id does not exist for them.
    let (status, _, body) = download(
        &server,
        &other.owner_token,
        &format!("/v1/exports/{id}/download"),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    // A cashier may neither ask for nor download reports.
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let (code, _) = server
        .gql_err(
            "mutation { requestExport(input: {kind: USERS_CSV}) { id } }",
            json!({}),
            Some(&cashier),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    let (status, _, _) = download(&server, &cashier, &format!("/v1/exports/{id}/download")).await;
    assert_eq!(status, 403);
    let (status, _, _) = download(
        &server,
        &shop.owner_token,
        &format!("/v1/exports/{}/download", uuid::Uuid::now_v7()),
    )
    .await;
    assert_eq!(status, 404);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_superadmin_backup_is_the_tenants_to_download_and_keeps_secrets_out() {
    let (server, dir) = server().await;
    let shop = server.tenant("backup").await;
    let other = server.tenant("backup-other").await;
    let admin = server.superadmin_token().await;
    // A reset token now travels to the email job; it must not travel in the backup.
    server
        .gql_ok(
            "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { ok } }",
            json!({"i": {"tenantSlug": shop.slug, "email": shop.owner_email}}),
            None,
        )
        .await;
    let export = server
        .gql_ok(
            "mutation($i: RunTenantBackupInput!) { runTenantBackup(input: $i) { id kind } }",
            json!({"i": {"tenantId": shop.id, "reason": "owner asked for a copy"}}),
            Some(&admin),
        )
        .await["runTenantBackup"]
        .clone();
    assert_eq!(export["kind"], "TENANT_BACKUP");
    let id = export["id"].as_str().unwrap().to_owned();
    let (_, kind, body) = download_completed(&server, &shop.owner_token, &id).await;
    assert_eq!(kind, "application/json");
    let backup: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(backup["format"], "platform-backup/2");
    assert_eq!(backup["tenant"]["id"], shop.id.to_string());
    let tables = &backup["tables"];
    assert!(
        tables["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["email"] == shop.owner_email.as_str())
    );
    assert_eq!(tables["roles"].as_array().unwrap().len(), 4);
    // Secrets are named as left out, and no row carries them.
    assert!(
        backup["excluded"]["columns"]["users"]
            .as_array()
            .unwrap()
            .contains(&json!("password_hash"))
    );
    for (table, rows) in tables.as_object().unwrap() {
        for row in rows.as_array().unwrap() {
            for secret in [
                "password_hash",
                "mfa_secret_enc",
                "secret_hash",
                "token_hash",
            ] {
                assert!(row.get(secret).is_none(), "{table} leaks {secret}");
            }
        }
    }
    assert!(
        !body.contains("$argon2"),
        "the backup leaks a password hash"
    );
    assert!(
        !body.contains("\"token\""),
        "the backup leaks a reset token"
    );
    assert!(!tables.as_object().unwrap().contains_key("event_outbox"));
    assert!(!tables.as_object().unwrap().contains_key("sessions"));
    let (status, _, _) = download(
        &server,
        &other.owner_token,
        &format!("/v1/exports/{id}/download"),
    )
    .await;
    assert_eq!(status, 404);
    // A tenant cannot order another tenant's backup.
    let (code, _) = server
        .gql_err(
            "mutation($i: RunTenantBackupInput!) { runTenantBackup(input: $i) { id } }",
            json!({"i": {"tenantId": shop.id, "reason": "owner asked for a copy"}}),
            Some(&other.owner_token),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    let _ = std::fs::remove_dir_all(dir);
}
