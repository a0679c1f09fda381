//! SeaORM entities, one file per table. Tenant tables carry `tenant_id` as the
//! first column of their primary key, as the migrations define them.
//!
//! Status, kind and method columns whose values a CHECK constraint fixes are
//! string-backed `ActiveEnum`s, so an unknown value read from the database is
//! an error rather than a default.
//!
//! Every entity is declared once, in the `entities!` list below, which
//! also describes it for [`tables`]; the test `entities_match_database`
//! compares that description with a freshly migrated database.

use sea_orm::{
    ActiveEnum, ColumnDef, ColumnTrait, EntityTrait, IdenStatic, Iterable, PrimaryKeyToColumn,
};
use serde::Serialize;

/// What one entity says of its table: its columns, primary key and enums.
#[derive(Debug, Clone)]
pub struct TableInfo {
    /// The entity's module, which is named after its table.
    pub module: &'static str,
    pub table: &'static str,
    /// Column names with their definitions (type, nullability), in field order.
    pub columns: Vec<(&'static str, ColumnDef)>,
    /// The primary key's columns, in key order.
    pub primary_key: Vec<&'static str>,
    /// The columns typed as a string-backed `ActiveEnum`.
    pub enums: Vec<EnumColumn>,
}

impl TableInfo {
    fn of<E: EntityTrait>(module: &'static str, enums: Vec<EnumColumn>) -> Self {
        Self {
            module,
            table: E::default().table_name(),
            columns: E::Column::iter().map(|c| (c.as_str(), c.def())).collect(),
            primary_key: E::PrimaryKey::iter()
                .map(|k| k.into_column().as_str())
                .collect(),
            enums,
        }
    }
}

/// A column whose model field is a string-backed `ActiveEnum` (or an
/// `Option` of one).
#[derive(Debug, Clone)]
pub struct EnumColumn {
    pub column: &'static str,
    /// The enum's Rust name, for messages.
    pub rust_type: &'static str,
    /// Each variant's database value, in declaration order.
    pub values: Vec<String>,
    /// Each variant as serde serialises it (JSON), in the same order.
    pub serialized: Vec<serde_json::Value>,
}

impl EnumColumn {
    /// `field` only names the model field: its type fixes `E`, so the
    /// registered enum cannot differ from the field's type.
    fn required<M, E>(column: &'static str, _field: fn(M) -> E) -> Self
    where
        E: ActiveEnum<Value = String> + Serialize,
    {
        Self::describe::<E>(column)
    }

    fn optional<M, E>(column: &'static str, _field: fn(M) -> Option<E>) -> Self
    where
        E: ActiveEnum<Value = String> + Serialize,
    {
        Self::describe::<E>(column)
    }

    fn describe<E>(column: &'static str) -> Self
    where
        E: ActiveEnum<Value = String> + Serialize,
    {
        Self {
            column,
            rust_type: std::any::type_name::<E>(),
            values: E::values(),
            serialized: E::iter()
                .map(|v| serde_json::to_value(v).unwrap_or(serde_json::Value::Null))
                .collect(),
        }
    }
}

/// The frame every entity shares, so that an entity file states only its
/// table: SeaORM's `Model` derive with the table's name, the primary key's
/// columns first (never auto-incremented: ids are UUIDv7 made by the
/// services, or natural keys), then the other columns; and no relations,
/// because joins are written where they are used, in the stores.
macro_rules! table {
    ($name:literal, key { $($key:ident: $key_type:tt),+ $(,)? }, $($columns:tt)*) => {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = $name)]
        pub struct Model {
            $(
                #[sea_orm(primary_key, auto_increment = false)]
                pub $key: $key_type,
            )+
            $($columns)*
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// A text column whose values a CHECK constraint fixes, as a string-backed
/// `ActiveEnum`: an unknown value read from the database is an error, and
/// serde writes each variant as its database text (snake_case).
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $value:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone,
            Copy,
            Debug,
            PartialEq,
            Eq,
            Hash,
            EnumIter,
            DeriveActiveEnum,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "Text")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                #[sea_orm(string_value = $value)]
                $variant,
            )+
        }
    };
}

/// Declares each entity module and lists it in [`tables`], with the fields
/// that are enums (`field` for a required one, `field: Option` for a
/// nullable one).
macro_rules! entities {
    ($($module:ident $({ $($field:ident $(: $wrap:ident)?),* $(,)? })?),* $(,)?) => {
        $(pub mod $module;)*

        /// Every entity of this crate, described for checks against the database.
        pub fn tables() -> Vec<TableInfo> {
            vec![$(
                TableInfo::of::<$module::Entity>(
                    stringify!($module),
                    vec![$($(entities!(@enum $module $field $($wrap)?)),*)?],
                )
            ),*]
        }
    };
    (@enum $module:ident $field:ident) => {
        EnumColumn::required(stringify!($field), |m: $module::Model| m.$field)
    };
    (@enum $module:ident $field:ident Option) => {
        EnumColumn::optional(stringify!($field), |m: $module::Model| m.$field)
    };
}

entities! {
    announcement_dismissals,
    announcements { severity, display, audience },
    api_keys,
    audit_events { actor_type },
    billing_clocks,
    billing_credit_notes,
    billing_invoice_lines { kind },
    billing_invoices { status, reason },
    billing_plan_versions { on_unpaid },
    billing_plans,
    billing_sequences { kind },
    billing_settings,
    billing_subscriptions { interval, status, pending_interval: Option },
    billing_webhook_events { status },
    consumed_events,
    event_outbox { status },
    exports { kind, status },
    feature_flag_plan_values,
    feature_flags { kind },
    idempotency_keys,
    impersonations,
    kitchen_items { dining_option, status, hold: Option },
    kitchen_routes { target_kind, dining_option },
    kitchen_stations { expo_mode },
    locations,
    maintenance_windows { status },
    menu_categories,
    menu_item_locations,
    menu_item_modifier_groups,
    menu_item_variants,
    menu_items,
    modifier_groups,
    modifiers,
    module_registry_entries { kind },
    password_reset_tokens,
    pos_cash_movements { kind },
    pos_payments { method },
    pos_refunds,
    pos_shifts { status },
    pos_ticket_counters,
    pos_ticket_lines { status, discount_kind: Option },
    pos_tickets { status, discount_kind: Option, dining_option },
    recipe_components,
    role_permissions,
    roles,
    sessions { subject_kind, status },
    stock_count_lines,
    stock_counts { status },
    stock_items { unit },
    stock_levels,
    stock_movements { kind },
    stock_transfer_lines,
    stock_transfers { status },
    superadmins { status },
    support_attachments,
    support_internal_notes,
    support_messages,
    support_settings,
    support_sla_clocks { metric },
    support_sla_policies { priority },
    support_tickets { category, priority, status },
    tenant_connection_profiles { mode },
    tenant_event_streams,
    tenant_feature_flags,
    tenant_modules,
    tenants { status },
    user_roles,
    users { status },
}
