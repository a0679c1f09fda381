//! The in-process harness: a fresh database per test, cloned from the
//! migrated template (`testkit::TestDb`); a tenant with the POS module on, a
//! location and a few menu items seeded behind the services' back; and
//! request contexts for the owner, or for a user missing some permissions.

#![allow(dead_code)]

use kernel::context::{Access, Actor};
use kernel::db::{DbOptions, sql};
use kernel::{
    Db, LocationId, MenuItemId, ModifierGroupId, ModifierId, RequestContext, TenantId, UserId,
};
use sea_orm::{ConnectionTrait, Database};
use std::collections::BTreeSet;
use testkit::TestDb;
use uuid::Uuid;

/// Every POS permission, as the module registry lists them.
pub fn pos_permissions() -> Vec<&'static str> {
    let catalog = schema::module_registry::catalog::catalog().expect("the module registry");
    let pos = catalog.module("pos").expect("the POS module");
    pos.permissions.iter().map(String::as_str).collect()
}

/// The modules and features the tests switch on.
pub const MODULES: &[&str] = &["pos", "pos.tips", "pos.split_payments"];

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
        // A superuser connection, for arranging data behind the services' back.
        let owner = Database::connect(&database.url)
            .await
            .expect("owner connection");
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
        self.user_with(&pos_permissions(), MODULES)
    }

    /// The owner without `permission`.
    pub fn owner_without(&self, permission: &str) -> RequestContext {
        let mut keep = pos_permissions();
        keep.retain(|p| *p != permission);
        self.user_with(&keep, MODULES)
    }

    /// The owner with some features (`pos.tips`, ...) switched off.
    pub fn owner_without_feature(&self, feature: &str) -> RequestContext {
        let keep: Vec<&str> = MODULES.iter().copied().filter(|m| *m != feature).collect();
        self.user_with(&pos_permissions(), &keep)
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
            billing_status: None,
            maintenance: Vec::new(),
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
