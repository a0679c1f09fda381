//! The in-process harness: a fresh database per test, cloned from a migrated
//! template; a tenant with the POS module on, a location and a few menu items
//! seeded behind the services' back; and request contexts for the owner, or
//! for a user missing some permissions.

#![allow(dead_code)]

use kernel::context::{Access, Actor};
use kernel::db::{DbOptions, sql};
use kernel::{
    Db, LocationId, MenuItemId, ModifierGroupId, ModifierId, RequestContext, TenantId, UserId,
};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::collections::BTreeSet;
use std::time::Duration;
use uuid::Uuid;

pub const PG_BASE: &str = "postgres://postgres@127.0.0.1:5432";

/// Every POS permission, and the modules and features the tests switch on.
pub const POS_PERMISSIONS: &[&str] = &[
    "pos.ticket.read",
    "pos.ticket.write",
    "pos.ticket.discount",
    "pos.ticket.void",
    "pos.payment.take",
    "pos.payment.refund",
    "pos.shift.manage",
    "pos.report.read",
];
pub const MODULES: &[&str] = &["pos", "pos.tips", "pos.split_payments"];

async fn admin() -> DatabaseConnection {
    Database::connect(format!("{PG_BASE}/postgres"))
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
    // FNV-1a over the sources' bytes and names: stable across runs.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        for byte in std::fs::read(&file)
            .expect("read migration")
            .into_iter()
            .chain(name.unwrap_or_default().into_bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("platform_svc_tmpl_{hash:016x}")
}

static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// The migrated template, built once per migration set (an advisory lock
/// serialises builders across test processes).
async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let conn = admin().await;
            conn.execute_unprepared("SELECT pg_advisory_lock(90211)")
                .await
                .expect("lock");
            let exists = conn
                .query_one_raw(sql(
                    "SELECT 1 AS found FROM pg_database WHERE datname = $1",
                    [name.clone().into()],
                ))
                .await
                .expect("check template")
                .is_some();
            if !exists {
                let building = format!("{name}_building");
                conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{building}\""))
                    .await
                    .expect("drop half-built template");
                conn.execute_unprepared(&format!("CREATE DATABASE \"{building}\""))
                    .await
                    .expect("create template");
                let db = Database::connect(format!("{PG_BASE}/{building}"))
                    .await
                    .expect("connect template");
                Migrator::up(&db, None).await.expect("migrate template");
                db.close().await.expect("close template");
                conn.execute_unprepared(&format!(
                    "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
                ))
                .await
                .expect("rename template");
            }
            conn.execute_unprepared("SELECT pg_advisory_unlock(90211)")
                .await
                .expect("unlock");
            name
        })
        .await
        .clone()
}

/// A database of the test's own, dropped when the test ends.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn create() -> Self {
        let template = template().await;
        let name = format!("platform_svc_{}", Uuid::new_v4().simple());
        let conn = admin().await;
        let create = format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        let mut attempt = 0;
        // "source database is being accessed by other users": another clone is copying it.
        while let Err(e) = conn.execute_unprepared(&create).await {
            attempt += 1;
            assert!(attempt < 100, "clone template: {e}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self {
            url: format!("{PG_BASE}/{name}"),
            name,
        }
    }

    /// A superuser connection, for arranging data behind the services' back.
    pub async fn owner(&self) -> DatabaseConnection {
        Database::connect(&self.url)
            .await
            .expect("owner connection")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(conn) = Database::connect(format!("{PG_BASE}/postgres")).await {
                    let _ = conn
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                }
            });
        })
        .join();
    }
}

/// A café: one tenant, one location, a latte (with a milk group: oat or soy,
/// at most one), a croissant, and a cold drink in another currency.
pub struct Cafe {
    pub db: Db,
    pub tenant: TenantId,
    pub owner_id: UserId,
    pub location: LocationId,
    pub latte: MenuItemId,
    pub croissant: MenuItemId,
    /// Priced in USD, for the currency rule.
    pub soda_usd: MenuItemId,
    pub milk: ModifierGroupId,
    pub oat: ModifierId,
    pub soy: ModifierId,
    _database: TestDb,
}

/// Prices the tests rely on: a latte 350 at 10 % tax, oat +40, a croissant
/// 250 at 5.5 % tax.
pub const LATTE: i64 = 350;
pub const OAT: i64 = 40;
pub const CROISSANT: i64 = 250;

impl Cafe {
    pub async fn open() -> Self {
        let database = TestDb::create().await;
        let tenant = TenantId::new();
        let location = LocationId::new();
        let category = Uuid::now_v7();
        let (latte, croissant, soda_usd) =
            (MenuItemId::new(), MenuItemId::new(), MenuItemId::new());
        let milk = ModifierGroupId::new();
        let (oat, soy) = (ModifierId::new(), ModifierId::new());
        let owner = database.owner().await;
        owner
            .execute_unprepared("SELECT ensure_audit_partitions(3)")
            .await
            .expect("audit partitions");
        let t = tenant.as_uuid();
        let statements: Vec<(&str, Vec<sea_orm::Value>)> = vec![
            (
                "INSERT INTO tenants (id, slug, name, status) VALUES ($1, $2, 'Test Café', 'active')",
                vec![t.into(), format!("cafe-{}", &t.simple().to_string()[..12]).into()],
            ),
            (
                "INSERT INTO locations (tenant_id, id, name, timezone) VALUES ($1, $2, 'Main', 'Europe/Paris')",
                vec![t.into(), location.as_uuid().into()],
            ),
            (
                "INSERT INTO menu_categories (tenant_id, id, name) VALUES ($1, $2, 'Everything')",
                vec![t.into(), category.into()],
            ),
            (
                "INSERT INTO menu_items (tenant_id, id, category_id, sku, name, description, price_minor, currency, tax_rate_bp)
                 VALUES ($1, $2, $5, 'LATTE', 'Latte', '', 350, 'EUR', 1000),
                        ($1, $3, $5, 'CROISSANT', 'Croissant', '', 250, 'EUR', 550),
                        ($1, $4, $5, 'SODA', 'Soda', '', 300, 'USD', 1000)",
                vec![
                    t.into(),
                    latte.as_uuid().into(),
                    croissant.as_uuid().into(),
                    soda_usd.as_uuid().into(),
                    category.into(),
                ],
            ),
            (
                "INSERT INTO modifier_groups (tenant_id, id, name, min_select, max_select) VALUES ($1, $2, 'Milk', 0, 1)",
                vec![t.into(), milk.as_uuid().into()],
            ),
            (
                "INSERT INTO modifiers (tenant_id, id, group_id, name, price_delta_minor, sort_order)
                 VALUES ($1, $2, $4, 'Oat milk', 40, 1), ($1, $3, $4, 'Soy milk', 30, 2)",
                vec![t.into(), oat.as_uuid().into(), soy.as_uuid().into(), milk.as_uuid().into()],
            ),
            (
                "INSERT INTO menu_item_modifier_groups (tenant_id, item_id, group_id, sort_order) VALUES ($1, $2, $3, 1)",
                vec![t.into(), latte.as_uuid().into(), milk.as_uuid().into()],
            ),
        ];
        for (text, values) in statements {
            owner
                .execute_raw(sql(text, values))
                .await
                .unwrap_or_else(|e| panic!("seed: {e}\n{text}"));
        }
        owner.close().await.expect("close owner");
        let options = DbOptions {
            max_connections: 4,
            ..DbOptions::default()
        };
        Self {
            db: Db::connect_lazy(&database.url, &options).expect("pool"),
            tenant,
            owner_id: UserId::new(),
            location,
            latte,
            croissant,
            soda_usd,
            milk,
            oat,
            soy,
            _database: database,
        }
    }

    /// A user of the café with every POS permission and feature.
    pub fn owner(&self) -> RequestContext {
        self.user_with(POS_PERMISSIONS, MODULES)
    }

    /// The owner without `permission`.
    pub fn owner_without(&self, permission: &str) -> RequestContext {
        let keep: Vec<&str> = POS_PERMISSIONS
            .iter()
            .copied()
            .filter(|p| *p != permission)
            .collect();
        self.user_with(&keep, MODULES)
    }

    /// The owner with some features (`pos.tips`, ...) switched off.
    pub fn owner_without_feature(&self, feature: &str) -> RequestContext {
        let keep: Vec<&str> = MODULES.iter().copied().filter(|m| *m != feature).collect();
        self.user_with(POS_PERMISSIONS, &keep)
    }

    pub fn user_with(&self, permissions: &[&str], modules: &[&str]) -> RequestContext {
        let set = |items: &[&str]| {
            items
                .iter()
                .map(|s| (*s).to_owned())
                .collect::<BTreeSet<_>>()
        };
        RequestContext::new(
            format!("test-{}", Uuid::now_v7()),
            Actor::User {
                tenant_id: self.tenant,
                user_id: self.owner_id,
            },
        )
        .with_access(Access {
            tenant_status: "active".into(),
            permissions: set(permissions),
            enabled_modules: set(modules),
        })
    }
}

/// The error code of a result that must fail.
pub fn code<T: std::fmt::Debug>(result: kernel::AppResult<T>) -> kernel::ErrorCode {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(e) => e.code(),
    }
}

/// The text types, parsed.
pub fn reason(text: &str) -> schema::text::Reason {
    schema::text::Reason::parse(text).expect("a reason")
}

pub fn key(text: &str) -> String {
    text.to_owned()
}
