//! Backup, restore and offboarding end to end: a café's backup restored as
//! a new business with equal counts and hashes (and proved again by
//! backing up the copy), restored into the same business after a mistake,
//! never into another business, and a business offboarded and deleted
//! once its retention ends, its final backup kept.

use crate::harness::{PASSWORD, ServerBuilder, TestServer};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

const RESTORE: &str = "mutation($i: RestoreBackupInput!) { restoreBackup(input: $i) {
    target backupId tenant { id slug status }
    tables { table share backupRows backupSha256 restoredRows restoredSha256 } } }";

fn export_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("backups-{}", uuid::Uuid::new_v4().simple()))
}

/// Runs a backup of `tenant` and waits until it is written; its id.
async fn backup(server: &TestServer, admin: &str, tenant: &Value) -> String {
    let id = server
        .gql_ok(
            "mutation($i: RunTenantBackupInput!) { runTenantBackup(input: $i) { id } }",
            json!({"i": {"tenantId": tenant, "reason": "before a risky change"}}),
            Some(admin),
        )
        .await["runTenantBackup"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_written(server, admin, tenant, &id).await;
    id
}

async fn wait_written(server: &TestServer, admin: &str, tenant: &Value, id: &str) {
    for _ in 0..300 {
        let list = server
            .gql_ok(
                "query($t: UUID!) { tenantBackups(tenantId: $t) { id status } }",
                json!({"t": tenant}),
                Some(admin),
            )
            .await;
        if list["tenantBackups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == id && b["status"] == "completed")
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("backup {id} was not written");
}

/// The backup's file, as the business downloads it.
async fn file(server: &TestServer, token: &str, id: &str) -> Value {
    let resp = server
        .http
        .get(server.url(&format!("/v1/exports/{id}/download")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// table → (rows, sha256) of a backup's manifest.
fn manifest(doc: &Value) -> BTreeMap<String, (i64, String)> {
    doc["manifest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["table"].as_str().unwrap().to_owned(),
                (
                    t["rows"].as_i64().unwrap(),
                    t["sha256"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect()
}

async fn assert_sign_in_refused(server: &TestServer, slug: &str, email: &str) {
    let (code, _) = server
        .gql_err(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({"i": {"tenantSlug": slug, "email": email, "password": PASSWORD}}),
            None,
        )
        .await;
    assert_eq!(code, "AUTHN", "{email} at {slug} signed in");
}

/// The demo café with a ticket open and a line on it: rows in menu, stock,
/// POS and audit.
async fn cafe(server: &TestServer) -> (Value, String) {
    let (tenant, owner) = server.demo_cafe().await;
    let tenant = json!(tenant);
    let t = Some(owner.as_str());
    let menu = server
        .gql_ok(
            "{ locations { id } menuItems(first: 50) { nodes { id sku } } }",
            json!({}),
            t,
        )
        .await;
    let item = menu["menuItems"]["nodes"][0]["id"].clone();
    let ticket = server
        .gql_ok(
            "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
            json!({"i": {"locationId": menu["locations"][0]["id"]}}),
            t,
        )
        .await["openTicket"]["id"]
        .clone();
    server
        .gql_ok(
            "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { totalMinor } }",
            json!({"i": {"ticketId": ticket, "menuItemId": item}}),
            t,
        )
        .await;
    (tenant, owner)
}

#[tokio::test]
async fn a_backup_restores_as_a_new_business_with_equal_counts_and_hashes() {
    let dir = export_dir();
    let server = ServerBuilder::new()
        .env("EXPORT_DIR", dir.display())
        .start()
        .await;
    let admin = server.superadmin_token().await;
    let (cafe, owner) = cafe(&server).await;
    let backup_id = backup(&server, &admin, &cafe).await;
    let doc = file(&server, &owner, &backup_id).await;
    assert_eq!(doc["format"], "platform-backup/2");
    assert_eq!(doc["tenant"]["id"], cafe);
    let original = manifest(&doc);
    // Every tenant table the migrations list is either in the file or
    // named as left out.
    let excluded: Vec<&str> = doc["excluded"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for table in migration::tenant_tables() {
        assert!(
            original.contains_key(table) || excluded.contains(&table),
            "{table} is neither backed up nor excluded"
        );
    }
    assert!(excluded.contains(&"sessions") && excluded.contains(&"support_internal_notes"));
    for table in [
        "users",
        "menu_items",
        "stock_items",
        "pos_tickets",
        "pos_ticket_lines",
        "audit_events",
    ] {
        assert!(original[table].0 > 0, "{table} is empty in the backup");
    }
    // No secret rides in any row.
    for (table, rows) in doc["tables"].as_object().unwrap() {
        for row in rows.as_array().unwrap() {
            for secret in [
                "password_hash",
                "mfa_secret_enc",
                "mfa_recovery_hashes",
                "secret_hash",
                "tenant_id",
            ] {
                assert!(row.get(secret).is_none(), "{table} carries {secret}");
            }
        }
    }
    assert!(!serde_json::to_string(&doc).unwrap().contains("$argon2"));

    // Refused: a business's credentials, no reason, a slug in use, the
    // backup named under another business.
    let other = server.tenant("restore-other").await;
    let target = json!({"newTenant": {"slug": "demo-copy", "name": "Demo café (copy)"}});
    let input = |tenant: &Value, reason: &str| json!({"i": {"tenantId": tenant, "exportId": backup_id, "target": target, "reason": reason}});
    let (code, _) = server
        .gql_err(RESTORE, input(&cafe, "why"), Some(&owner))
        .await;
    assert_eq!(code, "AUTHZ");
    let (code, _) = server
        .gql_err(RESTORE, input(&cafe, "  "), Some(&admin))
        .await;
    assert_eq!(code, "VALIDATION");
    let (code, _) = server
        .gql_err(
            RESTORE,
            input(&json!(other.id), "investigating"),
            Some(&admin),
        )
        .await;
    assert_eq!(
        code, "NOT_FOUND",
        "another business's backup id is not found"
    );
    let taken = json!({"i": {"tenantId": cafe, "exportId": backup_id, "reason": "investigating",
        "target": {"newTenant": {"slug": other.slug, "name": "Clash"}}}});
    let (code, _) = server.gql_err(RESTORE, taken, Some(&admin)).await;
    assert_eq!(code, "CONFLICT");

    let report = server
        .gql_ok(
            RESTORE,
            input(&cafe, "investigating a stock report"),
            Some(&admin),
        )
        .await["restoreBackup"]
        .clone();
    assert_eq!(report["target"], "NEW_TENANT");
    assert_eq!(report["tenant"]["slug"], "demo-copy");
    assert_eq!(report["tenant"]["status"], "ACTIVE");
    let copy = report["tenant"]["id"].clone();
    assert_ne!(copy, cafe);
    for t in report["tables"].as_array().unwrap() {
        let written = matches!(t["share"].as_str(), Some("BUSINESS" | "SETTINGS"));
        assert_eq!(t["restoredRows"].is_null(), !written, "{t}");
        if written {
            assert_eq!(t["restoredRows"], t["backupRows"], "{t}");
            assert_eq!(t["restoredSha256"], t["backupSha256"], "{t}");
        }
    }

    // The copy's own backup, read back through a file, agrees table by table.
    let copy_backup = backup(&server, &admin, &copy).await;
    let owner_id = doc["tables"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "owner@demo-cafe.test")
        .unwrap()["id"]
        .clone();
    let copy_owner = server
        .gql_ok(
            "mutation($i: StartImpersonationInput!) { startImpersonation(input: $i) { accessToken } }",
            json!({"i": {"tenantId": copy, "userId": owner_id, "reason": "checking the copy"}}),
            Some(&admin),
        )
        .await;
    let token = copy_owner["startImpersonation"]["accessToken"]
        .as_str()
        .unwrap();
    let copied = manifest(&file(&server, token, &copy_backup).await);
    for t in report["tables"].as_array().unwrap() {
        let name = t["table"].as_str().unwrap();
        if !t["restoredRows"].is_null() {
            assert_eq!(copied[name], original[name], "{name}");
        }
    }
    assert_eq!(copied["api_keys"].0, 0, "keys are never copied");
    assert_eq!(
        copied["support_tickets"].0, 0,
        "records stay with the original"
    );

    // The copy's people have no password until they reset it; the
    // original's still sign in.
    assert_sign_in_refused(&server, "demo-copy", "owner@demo-cafe.test").await;
    server
        .login("demo-cafe", "owner@demo-cafe.test", PASSWORD)
        .await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Suspends or reactivates a business, as the operator.
async fn set_status(server: &TestServer, admin: &str, tenant: uuid::Uuid, mutation: &str) {
    server
        .gql_ok(
            &format!("mutation($i: TenantReasonInput!) {{ {mutation}(input: $i) {{ tenant {{ status }} }} }}"),
            json!({"i": {"tenantId": tenant, "reason": "restoring last night's backup"}}),
            Some(admin),
        )
        .await;
}

const OPEN_TICKET: &str =
    "mutation($i: NewSupportTicketInput!) { openSupportTicket(input: $i) { ticket { id } } }";

async fn open_ticket(server: &TestServer, token: &str, subject: &str) {
    server
        .gql_ok(
            OPEN_TICKET,
            json!({"i": {"subject": subject, "body": "Please help.", "category": "OTHER"}}),
            Some(token),
        )
        .await;
}

async fn category_names(server: &TestServer, token: &str) -> Vec<String> {
    let data = server
        .gql_ok("{ menuCategories { name } }", json!({}), Some(token))
        .await;
    let mut names: Vec<String> = data["menuCategories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_restore_into_the_same_business_undoes_a_mistake_and_keeps_what_is_shared() {
    let dir = export_dir();
    let server = ServerBuilder::new()
        .env("EXPORT_DIR", dir.display())
        .start()
        .await;
    let admin = server.superadmin_token().await;
    let shop = server.tenant("undo").await;
    let owner = shop.owner_token.as_str();
    let coffee = server
        .gql_ok(
            "mutation($i: CreateMenuCategoryInput!) { createMenuCategory(input: $i) { id } }",
            json!({"i": {"name": "Coffee"}}),
            Some(owner),
        )
        .await["createMenuCategory"]["id"]
        .clone();
    open_ticket(&server, owner, "Before the backup").await;
    let tenant = json!(shop.id);
    let backup_id = backup(&server, &admin, &tenant).await;

    // The mistake: a category renamed, another added, a cashier taken on.
    server
        .gql_ok(
            "mutation($i: UpdateMenuCategoryInput!) { updateMenuCategory(input: $i) { id } }",
            json!({"i": {"categoryId": coffee, "name": "Tea"}}),
            Some(owner),
        )
        .await;
    server
        .gql_ok(
            "mutation($i: CreateMenuCategoryInput!) { createMenuCategory(input: $i) { id } }",
            json!({"i": {"name": "Cakes"}}),
            Some(owner),
        )
        .await;
    let (_, cashier) = server.staff(&shop, "cashier").await;
    // Shared with the operator since: a ticket of someone in the backup.
    open_ticket(&server, owner, "After the backup").await;
    assert_eq!(category_names(&server, owner).await, ["Cakes", "Tea"]);

    let same = |slug: &str| {
        json!({"i": {"tenantId": tenant, "exportId": backup_id, "reason": "the owner deleted the menu by mistake",
            "target": {"sameTenant": {"confirmSlug": slug}}}})
    };
    let (code, body) = server
        .gql_err(RESTORE, same("not-the-slug"), Some(&admin))
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    assert_eq!(
        category_names(&server, owner).await,
        ["Cakes", "Tea"],
        "nothing changed"
    );

    // An open business keeps selling: it is suspended for the restore.
    let (code, body) = server
        .gql_err(RESTORE, same(&shop.slug), Some(&admin))
        .await;
    assert_eq!(code, "CONFLICT", "{body}");
    set_status(&server, &admin, shop.id, "suspendTenant").await;
    let report =
        server.gql_ok(RESTORE, same(&shop.slug), Some(&admin)).await["restoreBackup"].clone();
    set_status(&server, &admin, shop.id, "reactivateTenant").await;
    assert_eq!(report["target"], "SAME_TENANT");
    assert_eq!(report["tenant"]["id"], tenant);
    for t in report["tables"].as_array().unwrap() {
        let written = t["share"] == "BUSINESS";
        assert_eq!(!t["restoredRows"].is_null(), written, "{t}");
        if written {
            assert_eq!(t["restoredSha256"], t["backupSha256"], "{t}");
        }
    }
    assert_eq!(category_names(&server, owner).await, ["Coffee"]);
    // The cashier taken on after the backup is gone; the owner keeps the
    // password the backup never held; both tickets stay.
    let (code, _) = server
        .gql_err("{ me { id } }", json!({}), Some(&cashier))
        .await;
    assert_eq!(code, "AUTHN");
    server.login(&shop.slug, &shop.owner_email, PASSWORD).await;
    let tickets = server
        .gql_ok(
            "{ supportTickets(first: 10) { nodes { subject } } }",
            json!({}),
            Some(owner),
        )
        .await;
    assert_eq!(
        tickets["supportTickets"]["nodes"].as_array().unwrap().len(),
        2
    );
    let audit = server
        .gql_ok(
            "{ auditEvents(first: 20) { nodes { action reason } } }",
            json!({}),
            Some(owner),
        )
        .await;
    assert!(
        audit["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "tenant.restored"
                && e["reason"] == "the owner deleted the menu by mistake"),
        "{audit}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_restore_that_would_take_shared_records_with_it_is_refused_whole() {
    let dir = export_dir();
    let server = ServerBuilder::new()
        .env("EXPORT_DIR", dir.display())
        .start()
        .await;
    let admin = server.superadmin_token().await;
    let shop = server.tenant("guarded").await;
    let tenant = json!(shop.id);
    let backup_id = backup(&server, &admin, &tenant).await;
    // Someone taken on since opens a ticket: deleting them would delete it.
    let (_, manager) = server.staff(&shop, "manager").await;
    open_ticket(&server, &manager, "Till is stuck").await;
    set_status(&server, &admin, shop.id, "suspendTenant").await;
    let (code, body) = server
        .gql_err(
            RESTORE,
            json!({"i": {"tenantId": tenant, "exportId": backup_id, "reason": "undo",
                "target": {"sameTenant": {"confirmSlug": shop.slug}}}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "CONFLICT", "{body}");
    assert!(body.to_string().contains("support_tickets"), "{body}");
    // One transaction: the manager is still there.
    set_status(&server, &admin, shop.id, "reactivateTenant").await;
    server
        .gql_ok("{ me { id } }", json!({}), Some(&manager))
        .await;

    // REST says the same, and a copy is still possible.
    let resp = server
        .http
        .post(server.url(&format!("/v1/tenants/{}/backups/{backup_id}/restore", shop.id)))
        .bearer_auth(&admin)
        .json(&json!({"reason": "a copy to look at", "target": {"newTenant": {"slug": "guarded-copy", "name": "Guarded copy"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["tenant"]["slug"], "guarded-copy");
    let _ = std::fs::remove_dir_all(dir);
}

async fn tenant_by_id(server: &TestServer, admin: &str, id: uuid::Uuid) -> (u16, Value) {
    let resp = server
        .http
        .get(server.url(&format!("/v1/tenants/{id}")))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

const OFFBOARD: &str = "mutation($i: OffboardTenantInput!) { offboardTenant(input: $i) {
    tenant { status statusReason deletionDueAt } finalBackup { id kind } } }";

#[tokio::test]
async fn an_offboarded_business_is_deleted_when_its_retention_ends_and_its_final_backup_kept() {
    let dir = export_dir();
    let server = ServerBuilder::new()
        .env("EXPORT_DIR", dir.display())
        .env("SCHEDULER_TICK_SECS", 1)
        .env("TENANT_RETENTION_DAYS", 0)
        .start()
        .await;
    let admin = server.superadmin_token().await;
    let shop = server.tenant("leaving").await;
    let staying = server.tenant("staying").await;
    open_ticket(&server, &shop.owner_token, "Cancel my account").await;
    let offboard = |slug: &str, reason: &str| json!({"i": {"tenantId": shop.id, "confirmSlug": slug, "reason": reason}});
    let (code, _) = server
        .gql_err(
            OFFBOARD,
            offboard(&shop.slug, "leaving"),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    let (code, _) = server
        .gql_err(OFFBOARD, offboard(&staying.slug, "leaving"), Some(&admin))
        .await;
    assert_eq!(
        code, "VALIDATION",
        "another business's slug is no confirmation"
    );
    let (code, _) = server
        .gql_err(OFFBOARD, offboard(&shop.slug, " "), Some(&admin))
        .await;
    assert_eq!(code, "VALIDATION");

    let done = server
        .gql_ok(
            OFFBOARD,
            offboard(&shop.slug, "the business closed"),
            Some(&admin),
        )
        .await["offboardTenant"]
        .clone();
    assert_eq!(done["tenant"]["status"], "SUSPENDED");
    assert_eq!(done["tenant"]["statusReason"], "the business closed");
    assert!(done["tenant"]["deletionDueAt"].is_string());
    assert_eq!(done["finalBackup"]["kind"], "TENANT_BACKUP");
    let final_backup = done["finalBackup"]["id"].as_str().unwrap().to_owned();

    // The scheduler deletes it once the final backup is written.
    let mut db = server.db.owner().await;
    let mut deleted = false;
    for _ in 0..300 {
        let (gone,): (bool,) =
            sqlx::query_as("SELECT deleted_at IS NOT NULL FROM tenants WHERE id = $1")
                .bind(shop.id)
                .fetch_one(&mut db)
                .await
                .unwrap();
        if gone {
            deleted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(deleted, "the business was not deleted");
    for table in [
        "users",
        "roles",
        "tenant_modules",
        "support_tickets",
        "support_messages",
        "sessions",
    ] {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {table} WHERE tenant_id = $1"
        )))
        .bind(shop.id)
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert_eq!(n, 0, "{table} still has the business's rows");
    }
    let (exports, audit): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM exports WHERE tenant_id = $1),
                (SELECT count(*) FROM audit_events WHERE entity_id = $1::text AND action = 'tenant.deleted' AND tenant_id IS NULL)",
    )
    .bind(shop.id)
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(
        (exports, audit),
        (1, 1),
        "the final backup and the platform's record stay"
    );
    assert!(
        dir.join(shop.id.to_string())
            .join(format!("{final_backup}.json"))
            .is_file()
    );
    let (status, _) = tenant_by_id(&server, &admin, shop.id).await;
    assert_eq!(status, 404);
    assert_sign_in_refused(&server, &shop.slug, &shop.owner_email).await;
    // The business next door is untouched.
    server
        .login(&staying.slug, &staying.owner_email, PASSWORD)
        .await;
    // The final backup still restores, as a new business.
    let copy = server
        .gql_ok(
            RESTORE,
            json!({"i": {"tenantId": shop.id, "exportId": final_backup, "reason": "the owner came back",
                "target": {"newTenant": {"slug": shop.slug, "name": "Back again"}}}}),
            Some(&admin),
        )
        .await;
    assert_eq!(copy["restoreBackup"]["tenant"]["slug"], shop.slug.as_str());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn reactivating_a_business_cancels_its_offboarding() {
    let dir = export_dir();
    let server = ServerBuilder::new()
        .env("EXPORT_DIR", dir.display())
        .start()
        .await;
    let admin = server.superadmin_token().await;
    let shop = server.tenant("changed-mind").await;
    let input =
        json!({"i": {"tenantId": shop.id, "confirmSlug": shop.slug, "reason": "closing down"}});
    let done = server.gql_ok(OFFBOARD, input.clone(), Some(&admin)).await;
    let due: chrono::DateTime<chrono::Utc> = done["offboardTenant"]["tenant"]["deletionDueAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let days = (due - chrono::Utc::now()).num_hours();
    assert!((29 * 24..=30 * 24).contains(&days), "{due}");
    let (code, _) = server.gql_err(OFFBOARD, input.clone(), Some(&admin)).await;
    assert_eq!(code, "CONFLICT");
    // A business never approved is rejected, not offboarded.
    let (pending, pending_slug, _) = server.signup("never-approved").await;
    let (code, _) = server
        .gql_err(
            OFFBOARD,
            json!({"i": {"tenantId": pending, "confirmSlug": pending_slug, "reason": "closing down"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    let back = server
        .gql_ok(
            "mutation($i: TenantReasonInput!) { reactivateTenant(input: $i) { tenant { status deletionDueAt } } }",
            json!({"i": {"tenantId": shop.id, "reason": "they stay after all"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(back["reactivateTenant"]["tenant"]["status"], "ACTIVE");
    assert!(back["reactivateTenant"]["tenant"]["deletionDueAt"].is_null());
    let (status, body) = tenant_by_id(&server, &admin, shop.id).await;
    assert_eq!(status, 200);
    assert!(body["data"]["deletionDueAt"].is_null(), "{body}");
    // Over REST, offboarding again is allowed once cancelled.
    let resp = server
        .http
        .post(server.url(&format!("/v1/tenants/{}/offboard", shop.id)))
        .bearer_auth(&admin)
        .json(&json!({"confirmSlug": shop.slug, "reason": "closing for real"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let _ = std::fs::remove_dir_all(dir);
}
