//! The database refuses cross-tenant access by itself: as the application
//! role, with no tenant set in the transaction, every tenant table reads
//! empty and refuses writes; with a tenant set, only that tenant's rows exist.

use crate::harness::TestDb;
use kernel::db::{Db, DbOptions};
use kernel::{ErrorCode, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use sqlx::Executor;

/// Every tenant table: `tenants` itself, and those the migrations put under
/// the `tenant_id` policy (their list, not one kept here).
fn tenant_tables() -> Vec<&'static str> {
    let mut tables = vec!["tenants"];
    tables.extend(migration::tenant_tables());
    tables
}

/// The tenant tables the app role may read at all; the others (the
/// operator's internal notes) it cannot even name.
async fn app_readable(db: &TestDb) -> Vec<&'static str> {
    let mut owner = db.owner().await;
    let mut readable = Vec::new();
    for table in tenant_tables() {
        let ok: bool =
            sqlx::query_scalar("SELECT has_table_privilege('platform_app', $1, 'SELECT')")
                .bind(table)
                .fetch_one(&mut owner)
                .await
                .unwrap();
        if ok {
            readable.push(table);
        }
    }
    readable
}

/// Two tenants with a row in every tenant table, written as the owner.
async fn seed(db: &TestDb) -> (TenantId, TenantId) {
    let mut owner = db.owner().await;
    let a = TenantId::new();
    let b = TenantId::new();
    for t in [a, b] {
        let role = uuid::Uuid::now_v7();
        let user = uuid::Uuid::now_v7();
        owner.execute(sqlx::AssertSqlSafe(format!(r#"
            INSERT INTO tenants (id, slug, name, status) VALUES ('{t}', 'shop-{s}', 'Shop', 'active');
            INSERT INTO users (tenant_id, id, email, display_name) VALUES ('{t}', '{user}', 'a@{s}.test', 'A');
            INSERT INTO roles (tenant_id, id, key, name, built_in) VALUES ('{t}', '{role}', 'owner', 'Owner', true);
            INSERT INTO role_permissions (tenant_id, role_id, permission) VALUES ('{t}', '{role}', 'pos.ticket.write');
            INSERT INTO user_roles (tenant_id, user_id, role_id) VALUES ('{t}', '{user}', '{role}');
            INSERT INTO module_registry_entries (key, kind, name) VALUES ('m{s}', 'module', 'M') ON CONFLICT DO NOTHING;
            INSERT INTO tenant_modules (tenant_id, module_key, enabled) VALUES ('{t}', 'm{s}', true);
            INSERT INTO feature_flags (key, kind, variants, default_value, created_at, updated_at)
              VALUES ('beta', 'boolean', '{{false,true}}', 'false', now(), now()), ('other', 'boolean', '{{false,true}}', 'false', now(), now())
              ON CONFLICT DO NOTHING;
            INSERT INTO tenant_feature_flags (tenant_id, flag_key, value) VALUES ('{t}', 'beta', 'true');
            INSERT INTO tenant_connection_profiles (tenant_id, mode) VALUES ('{t}', 'shared');
            INSERT INTO audit_events (id, tenant_id, actor_type, action, entity_type) VALUES (gen_random_uuid(), '{t}', 'system', 'x.created', 'x');
            INSERT INTO event_outbox (id, tenant_id, event_type) VALUES (gen_random_uuid(), '{t}', 'x.created');
            INSERT INTO sessions (id, tenant_id, subject_kind, subject_id, family_id, token_hash, expires_at)
              VALUES (gen_random_uuid(), '{t}', 'user', '{user}', gen_random_uuid(), gen_random_bytes(32), now() + interval '1 day');
            INSERT INTO password_reset_tokens (id, tenant_id, user_id, token_hash, expires_at)
              VALUES (gen_random_uuid(), '{t}', '{user}', gen_random_bytes(32), now() + interval '1 day');
            INSERT INTO api_keys (tenant_id, id, name, prefix, secret_hash, permissions)
              VALUES ('{t}', gen_random_uuid(), 'Key', 'sk_0123456789ab', gen_random_bytes(32), '{{admin.users.read}}');
            INSERT INTO tenant_event_streams (tenant_id, last_sequence) VALUES ('{t}', 1);
            INSERT INTO consumed_events (tenant_id, consumer, event_id) VALUES ('{t}', 'c', gen_random_uuid());
            INSERT INTO exports (tenant_id, id, kind) VALUES ('{t}', gen_random_uuid(), 'users_csv');
            INSERT INTO menu_categories (tenant_id, id, name) VALUES ('{t}', '{t}', 'Drinks');
            INSERT INTO menu_items (tenant_id, id, category_id, sku, name, price_minor, currency, tax_rate_bp)
              VALUES ('{t}', '{t}', '{t}', 'LATTE', 'Latte', 350, 'EUR', 1000);
            INSERT INTO menu_item_variants (tenant_id, id, item_id, name) VALUES ('{t}', gen_random_uuid(), '{t}', 'Large');
            INSERT INTO modifier_groups (tenant_id, id, name, min_select, max_select) VALUES ('{t}', '{t}', 'Milk', 0, 1);
            INSERT INTO modifiers (tenant_id, id, group_id, name) VALUES ('{t}', gen_random_uuid(), '{t}', 'Oat');
            INSERT INTO menu_item_modifier_groups (tenant_id, item_id, group_id) VALUES ('{t}', '{t}', '{t}');
            INSERT INTO locations (tenant_id, id, name) VALUES ('{t}', '{t}', 'Shop');
            INSERT INTO locations (tenant_id, id, name) VALUES ('{t}', '{user}', 'Depot');
            INSERT INTO menu_item_locations (tenant_id, item_id, location_id, sold_out) VALUES ('{t}', '{t}', '{t}', true);
            INSERT INTO stock_items (tenant_id, id, sku, name, unit) VALUES ('{t}', '{t}', 'BEANS', 'Beans', 'kg');
            INSERT INTO stock_levels (tenant_id, stock_item_id, location_id, on_hand_milli) VALUES ('{t}', '{t}', '{t}', 1000);
            INSERT INTO stock_movements (tenant_id, id, stock_item_id, location_id, kind, quantity_milli, occurred_at)
              VALUES ('{t}', gen_random_uuid(), '{t}', '{t}', 'received', 1000, now());
            INSERT INTO stock_counts (tenant_id, id, location_id) VALUES ('{t}', '{t}', '{t}');
            INSERT INTO stock_count_lines (tenant_id, count_id, stock_item_id, counted_milli, counted_at) VALUES ('{t}', '{t}', '{t}', 1000, now());
            INSERT INTO stock_transfers (tenant_id, id, from_location_id, to_location_id) VALUES ('{t}', '{t}', '{t}', '{user}');
            INSERT INTO stock_transfer_lines (tenant_id, transfer_id, stock_item_id, quantity_milli) VALUES ('{t}', '{t}', '{t}', 1);
            INSERT INTO recipe_components (tenant_id, id, menu_item_id, stock_item_id, quantity_milli) VALUES ('{t}', gen_random_uuid(), '{t}', '{t}', 18);
            INSERT INTO idempotency_keys (tenant_id, operation, key, request_hash, expires_at) VALUES ('{t}', 'op', 'k', 'h', now() + interval '7 days');
            INSERT INTO pos_shifts (tenant_id, id, location_id, currency, opening_float_minor) VALUES ('{t}', '{t}', '{t}', 'EUR', 0);
            INSERT INTO pos_cash_movements (tenant_id, id, shift_id, kind, amount_minor, reason) VALUES ('{t}', '{t}', '{t}', 'in', 100, 'change');
            INSERT INTO pos_ticket_counters (tenant_id, business_day, last_number) VALUES ('{t}', current_date, 1);
            INSERT INTO pos_tickets (tenant_id, id, location_id, business_day, number, currency, total_minor, paid_minor)
              VALUES ('{t}', '{t}', '{t}', current_date, 1, 'EUR', 350, 350);
            INSERT INTO pos_ticket_lines (tenant_id, id, ticket_id, position, menu_item_id, sku, name, quantity, unit_price_minor, tax_rate_bp)
              VALUES ('{t}', '{t}', '{t}', 1, '{t}', 'LATTE', 'Latte', 1, 350, 1000);
            INSERT INTO pos_payments (tenant_id, id, ticket_id, shift_id, method, amount_minor, currency) VALUES ('{t}', '{t}', '{t}', '{t}', 'cash', 350, 'EUR');
            INSERT INTO pos_refunds (tenant_id, id, ticket_id, payment_id, amount_minor, reason, restock) VALUES ('{t}', '{t}', '{t}', '{t}', 100, 'x', false);
            INSERT INTO billing_plans (id, code, name, created_at, updated_at) VALUES ('{t}', 'p-{s}', 'Plan', now(), now());
            INSERT INTO billing_plan_versions (id, plan_id, version, currency, monthly_price_minor, created_at) VALUES ('{t}', '{t}', 1, 'EUR', 2900, now());
            INSERT INTO billing_subscriptions (tenant_id, id, plan_version_id, interval, status, current_period_start, current_period_end, cycle_anchor, created_at, updated_at)
              VALUES ('{t}', '{t}', '{t}', 'month', 'active', now(), now() + interval '1 month', now(), now(), now());
            INSERT INTO billing_clocks (tenant_id, frozen_at, updated_at) VALUES ('{t}', now(), now());
            INSERT INTO billing_invoices (tenant_id, id, number, status, reason, currency, subtotal_minor, tax_name, tax_rate_ppm, total_minor, period_start, period_end, created_at, finalized_at)
              VALUES ('{t}', '{t}', 'INV-{s}', 'open', 'subscription_create', 'EUR', 2900, 'VAT', 0, 2900, now(), now(), now(), now());
            INSERT INTO billing_invoice_lines (tenant_id, invoice_id, id, position, kind, description, amount_minor) VALUES ('{t}', '{t}', '{t}', 0, 'plan', 'Plan', 2900);
            INSERT INTO billing_credit_notes (tenant_id, id, invoice_id, number, amount_minor, reason, created_at) VALUES ('{t}', '{t}', '{t}', 'CN-{s}', 100, 'x', now());
            INSERT INTO announcements (id, title, body, severity, display, dismissable, audience, tenant_ids, starts_at, ends_at, created_at, updated_at)
              VALUES ('{t}', 'For {s}', '', 'info', 'banner', true, 'tenants', ARRAY['{t}'::uuid], now(), now() + interval '1 day', now(), now());
            INSERT INTO announcement_dismissals (tenant_id, user_id, announcement_id, revision, dismissed_at) VALUES ('{t}', '{user}', '{t}', 1, now());
            INSERT INTO superadmins (id, email, display_name, password_hash, created_at, updated_at) VALUES ('{t}', 'op-{s}@platform.test', 'Op', 'x', now(), now());
            INSERT INTO impersonations (tenant_id, id, operator_id, user_id, reason, started_at, expires_at) VALUES ('{t}', '{t}', '{t}', '{user}', 'support', now(), now() + interval '30 minutes');
            INSERT INTO support_tickets (tenant_id, id, subject, category, priority, requester_id, created_at, updated_at)
              VALUES ('{t}', '{t}', 'Help {s}', 'other', 'normal', '{user}', now(), now());
            INSERT INTO support_messages (tenant_id, id, ticket_id, author_user_id, author_name, body, created_at) VALUES ('{t}', '{t}', '{t}', '{user}', 'U', 'Hi', now());
            INSERT INTO support_attachments (tenant_id, id, ticket_id, message_id, file_name, content_type, size_bytes, sha256, uploaded_by_user, created_at)
              VALUES ('{t}', '{t}', '{t}', '{t}', 'a.pdf', 'application/pdf', 1, repeat('a', 64), '{user}', now());
            INSERT INTO support_sla_clocks (tenant_id, ticket_id, metric, target_minutes) VALUES ('{t}', '{t}', 'resolution', 60);
            INSERT INTO support_internal_notes (id, tenant_id, ticket_id, author_operator_id, body, created_at) VALUES ('{t}', '{t}', '{t}', '{t}', 'secret {s}', now());
            INSERT INTO kitchen_stations (tenant_id, id, location_id, name, prep_target_secs, warn_after_secs, late_after_secs, created_at, updated_at)
              VALUES ('{t}', '{t}', '{t}', 'Grill', 600, 300, 480, now(), now());
            INSERT INTO kitchen_routes (tenant_id, location_id, target_kind, target_id, dining_option, station_id, created_at)
              VALUES ('{t}', '{t}', 'category', '{t}', 'any', '{t}', now());
            INSERT INTO kitchen_items (tenant_id, id, location_id, station_id, ticket_id, line_id, ticket_number, dining_option, name, quantity, then_expo, status, fired_at, sent_at)
              VALUES ('{t}', '{t}', '{t}', '{t}', '{t}', '{t}', 1, 'dine_in', 'Latte', 1, false, 'fired', now(), now());
        "#, s = t.as_uuid().simple()))).await.expect("seed");
    }
    (a, b)
}

async fn count(tx: &DatabaseTransaction, table: &str) -> i64 {
    let row = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT count(*) AS n FROM {table}"),
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

fn app_db(db: &TestDb) -> Db {
    Db::connect_lazy(&db.url, &DbOptions::default()).expect("pool")
}

#[tokio::test]
async fn without_a_tenant_every_tenant_table_reads_empty() {
    let db = TestDb::create().await;
    seed(&db).await;
    let app = app_db(&db);
    let tx = app.anonymous_tx().await.unwrap();
    let role = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_user AS u",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        role.try_get::<String>("", "u").unwrap(),
        "platform_app",
        "the server's queries run as the app role"
    );
    for table in app_readable(&db).await {
        assert_eq!(
            count(&tx, table).await,
            0,
            "{table} leaked rows with no tenant set"
        );
    }
}

#[tokio::test]
async fn without_a_tenant_writes_are_refused() {
    let db = TestDb::create().await;
    let (a, _) = seed(&db).await;
    let app = app_db(&db);
    let inserts = [
        format!(
            "INSERT INTO users (tenant_id, id, email, display_name) VALUES ('{a}', gen_random_uuid(), 'x@y.test', 'X')"
        ),
        format!(
            "INSERT INTO roles (tenant_id, id, name) VALUES ('{a}', gen_random_uuid(), 'Extra')"
        ),
        format!(
            "INSERT INTO tenant_feature_flags (tenant_id, flag_key, value) VALUES ('{a}', 'other', 'true')"
        ),
        format!(
            "INSERT INTO audit_events (id, tenant_id, actor_type, action, entity_type) VALUES (gen_random_uuid(), '{a}', 'system', 'y', 'y')"
        ),
        format!(
            "INSERT INTO event_outbox (id, tenant_id, event_type) VALUES (gen_random_uuid(), '{a}', 'y.created')"
        ),
        format!("UPDATE tenants SET name = 'Hijacked' WHERE id = '{a}'"),
        format!(
            "INSERT INTO api_keys (tenant_id, id, name, prefix, secret_hash, permissions) VALUES ('{a}', gen_random_uuid(), 'K', 'sk_x', '\\x00', '{{admin.users.read}}')"
        ),
        format!("UPDATE sessions SET status = 'revoked' WHERE tenant_id = '{a}'"),
    ];
    for sql in inserts {
        let tx = app.anonymous_tx().await.unwrap();
        let result = tx
            .execute_raw(Statement::from_string(DbBackend::Postgres, sql.clone()))
            .await;
        match result {
            Err(_) => {}
            // An UPDATE that matches no visible row changes nothing.
            Ok(done) => assert_eq!(done.rows_affected(), 0, "{sql} wrote without a tenant"),
        }
    }
    let mut owner = db.owner().await;
    let name: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT name FROM tenants WHERE id = '{a}'"
    )))
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert_eq!(name, "Shop");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(users, 2, "no user was written");
}

#[tokio::test]
async fn a_tenant_sees_and_writes_only_its_own_rows() {
    let db = TestDb::create().await;
    let (a, b) = seed(&db).await;
    let app = app_db(&db);
    let tx = app.tenant_tx(a).await.unwrap();
    for table in app_readable(&db).await {
        // Each tenant has two locations (a transfer needs both ends).
        let seeded = if table == "locations" { 2 } else { 1 };
        assert_eq!(count(&tx, table).await, seeded, "{table} as tenant A");
    }
    drop(tx);
    // Writing B's row while scoped to A is refused by the policy's WITH CHECK.
    let tx = app.tenant_tx(a).await.unwrap();
    let err = tx
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("INSERT INTO users (tenant_id, id, email, display_name) VALUES ('{b}', gen_random_uuid(), 'x@y.test', 'X')"),
        ))
        .await
        .expect_err("cross-tenant insert");
    let app_err = kernel::AppError::from(err);
    assert_eq!(
        app_err.code(),
        ErrorCode::Internal,
        "an RLS violation is a bug, never a client error"
    );
}

#[tokio::test]
async fn announcements_show_a_tenant_only_what_is_addressed_to_it() {
    let db = TestDb::create().await;
    let (a, b) = seed(&db).await;
    let app = app_db(&db);
    // Each tenant has one addressed to it alone; one to everyone shows to both.
    let mut owner = db.owner().await;
    owner
        .execute(
            "INSERT INTO announcements (id, title, body, severity, display, dismissable, audience, starts_at, ends_at, created_at, updated_at)
             VALUES (gen_random_uuid(), 'All', '', 'info', 'banner', true, 'all', now(), now() + interval '1 day', now(), now())",
        )
        .await
        .expect("announce to all");
    for (me, other) in [(a, b), (b, a)] {
        let tx = app.tenant_tx(me).await.unwrap();
        assert_eq!(
            count(&tx, "announcements").await,
            2,
            "{me} sees its own and the one to all"
        );
        let theirs = tx
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT count(*) AS n FROM announcements WHERE id = '{other}'"),
            ))
            .await
            .unwrap()
            .and_then(|r| r.try_get::<i64>("", "n").ok());
        assert_eq!(theirs, Some(0), "{me} cannot read {other}'s announcement");
    }
    let tx = app.system_tx().await.unwrap();
    assert_eq!(
        count(&tx, "announcements").await,
        3,
        "the platform sees all"
    );
}

#[tokio::test]
async fn superadmins_are_out_of_reach_of_the_app_role_and_audit_is_append_only() {
    let db = TestDb::create().await;
    seed(&db).await;
    let app = app_db(&db);
    let tx = app.anonymous_tx().await.unwrap();
    assert!(
        tx.query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) FROM superadmins"
        ))
        .await
        .is_err()
    );
    drop(tx);

    let tx = app.system_tx().await.unwrap();
    assert_eq!(
        count(&tx, "audit_events").await,
        2,
        "the system role sees every tenant"
    );
    assert!(
        tx.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "UPDATE audit_events SET action = 'z'"
        ))
        .await
        .is_err()
    );
    drop(tx);
    let tx = app.system_tx().await.unwrap();
    assert!(
        tx.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "DELETE FROM audit_events"
        ))
        .await
        .is_err()
    );
    drop(tx);
    // Even the owner cannot rewrite history.
    let mut owner = db.owner().await;
    assert!(owner.execute("DELETE FROM audit_events").await.is_err());
}

#[tokio::test]
async fn audit_partitions_are_made_ahead() {
    let db = TestDb::create().await;
    let app = app_db(&db);
    jobs::maintenance::ensure_audit_partitions(&app, 6)
        .await
        .unwrap();
    let mut owner = db.owner().await;
    let parts: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_events'::regclass ORDER BY 1",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    let now = chrono::Utc::now().date_naive();
    let this_month = format!("audit_events_{}", now.format("%Y%m"));
    assert!(parts.contains(&this_month), "{parts:?}");
    assert!(
        parts.len() >= 8,
        "last month, this month and six ahead: {parts:?}"
    );
    // Running it again makes nothing new.
    assert_eq!(
        jobs::maintenance::ensure_audit_partitions(&app, 6)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn database_errors_map_to_the_taxonomy() {
    let db = TestDb::create().await;
    let app = app_db(&db);
    let insert = |slug: &str| {
        Statement::from_string(
            DbBackend::Postgres,
            format!(
                "INSERT INTO tenants (id, slug, name) VALUES (gen_random_uuid(), '{slug}', 'Shop')"
            ),
        )
    };
    let tx = app.system_tx().await.unwrap();
    tx.execute_raw(insert("corner-cafe")).await.unwrap();
    let duplicate =
        kernel::AppError::from(tx.execute_raw(insert("corner-cafe")).await.unwrap_err());
    assert_eq!(duplicate.code(), ErrorCode::Conflict);
    assert_eq!(
        duplicate.details().unwrap()["constraint"],
        "tenants_slug_key"
    );
    drop(tx);
    let tx = app.system_tx().await.unwrap();
    let bad = kernel::AppError::from(tx.execute_raw(insert("Not A Slug!")).await.unwrap_err());
    assert_eq!(
        bad.code(),
        ErrorCode::Validation,
        "a check constraint is the client's input"
    );
    assert!(
        !bad.client_message("r").contains("tenants"),
        "no SQL leaks to the client"
    );
}

#[tokio::test]
async fn idempotency_keys_past_their_seven_days_are_purged() {
    let db = TestDb::create().await;
    let (a, b) = seed(&db).await;
    let mut owner = db.owner().await;
    for (tenant, key, age) in [
        (a, "old", "8 days"),
        (b, "old", "30 days"),
        (a, "recent", "6 days"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO idempotency_keys (tenant_id, operation, key, request_hash, response, created_at, expires_at)
             VALUES ('{tenant}', 'pos.payment', '{key}', 'h', '{{}}', now() - interval '{age}',
                     now() - interval '{age}' + interval '7 days')"
        )))
        .execute(&mut owner)
        .await
        .unwrap();
    }
    let purged = jobs::maintenance::purge_idempotency_keys(&app_db(&db))
        .await
        .unwrap();
    assert_eq!(purged, 2, "both tenants' expired keys go");
    let left: Vec<String> =
        sqlx::query_scalar("SELECT key FROM idempotency_keys WHERE operation = 'pos.payment'")
            .fetch_all(&mut owner)
            .await
            .unwrap();
    assert_eq!(left, vec!["recent".to_owned()]);
}

#[tokio::test]
async fn internal_notes_are_beyond_the_app_role_even_inside_their_tenant() {
    let db = TestDb::create().await;
    let (a, _) = seed(&db).await;
    let all = tenant_tables();
    let readable = app_readable(&db).await;
    let hidden: Vec<&str> = all.into_iter().filter(|t| !readable.contains(t)).collect();
    assert_eq!(hidden, vec!["support_internal_notes"]);
    let app = app_db(&db);
    let tx = app.tenant_tx(a).await.unwrap();
    let read = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) FROM support_internal_notes",
        ))
        .await;
    assert!(read.is_err(), "a tenant's transaction read internal notes");
    drop(tx);
    let tx = app.system_tx().await.unwrap();
    assert_eq!(count(&tx, "support_internal_notes").await, 2);
}

#[tokio::test]
async fn every_table_with_a_tenant_column_is_listed_and_forced_under_rls() {
    let db = TestDb::create().await;
    let mut owner = db.owner().await;
    let with_tenant_column: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT c.table_name::text FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'
           AND t.table_type = 'BASE TABLE'
           AND NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid
                           WHERE k.relname = c.table_name)",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    let listed = migration::tenant_tables();
    for table in &with_tenant_column {
        assert!(
            listed.contains(&table.as_str()),
            "{table} has a tenant_id column but no migration lists it as a tenant table"
        );
    }
    for table in tenant_tables() {
        let (enabled, forced): (bool, bool) = sqlx::query_as(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class
             WHERE relname = $1 AND relnamespace = 'public'::regnamespace",
        )
        .bind(table)
        .fetch_one(&mut owner)
        .await
        .unwrap();
        assert!(
            enabled && forced,
            "{table}: row-level security enabled and forced"
        );
    }
}

#[tokio::test]
async fn the_restore_role_reaches_every_tenant_table_but_only_its_tenants_rows() {
    let db = TestDb::create().await;
    let (a, b) = seed(&db).await;
    let mut owner = db.owner().await;
    let bypass: bool =
        sqlx::query_scalar("SELECT rolbypassrls FROM pg_roles WHERE rolname = 'platform_restore'")
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert!(!bypass, "the restore role is under row-level security");
    for table in migration::tenant_tables() {
        let ok: bool = sqlx::query_scalar(
            "SELECT has_table_privilege('platform_restore', $1, 'SELECT, INSERT, UPDATE, DELETE')",
        )
        .bind(table)
        .fetch_one(&mut owner)
        .await
        .unwrap();
        assert!(ok, "a restore cannot write {table}");
    }
    let app = app_db(&db);
    let tx = app.system_tx().await.unwrap();
    Db::scope_to_restore(&tx, a).await.unwrap();
    for table in migration::tenant_tables() {
        let seeded = if table == "locations" { 2 } else { 1 };
        assert_eq!(count(&tx, table).await, seeded, "{table} as A's restore");
    }
    // Deleting everything it sees deletes A's rows only.
    for table in [
        "support_internal_notes",
        "user_roles",
        "role_permissions",
        "announcement_dismissals",
    ] {
        tx.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("DELETE FROM {table}"),
        ))
        .await
        .unwrap();
    }
    let err = tx
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("INSERT INTO roles (tenant_id, id, name) VALUES ('{b}', gen_random_uuid(), 'Planted')"),
        ))
        .await;
    assert!(err.is_err(), "a restore scoped to A wrote B's row");
    drop(tx);
    let tx = app.system_tx().await.unwrap();
    Db::scope_to_restore(&tx, a).await.unwrap();
    tx.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        "DELETE FROM user_roles".to_owned(),
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let per_tenant: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
        "SELECT tenant_id, count(*) FROM user_roles GROUP BY tenant_id ORDER BY tenant_id",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert_eq!(
        per_tenant,
        vec![(b.as_uuid(), 1)],
        "B's row survives A's restore"
    );
}
