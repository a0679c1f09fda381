//! Which tenant tables a backup carries and which a restore writes back,
//! their keys and columns (read from PostgreSQL's catalog, so a new column
//! travels without a change here), and the order foreign keys impose.

use super::Share;
use kernel::db::sql;
use kernel::{AppError, AppResult};
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::{BTreeMap, BTreeSet};

/// How each tenant table takes part in a backup; `None`: not in the file.
///
/// A new tenant table must be named here (a test reads the migrations'
/// list), so nobody adds one without deciding whether it is backed up.
pub(crate) fn share(table: &str) -> Option<Share> {
    use Share::*;
    Some(match table {
        "users"
        | "roles"
        | "role_permissions"
        | "user_roles"
        | "menu_categories"
        | "menu_items"
        | "menu_item_variants"
        | "modifier_groups"
        | "modifiers"
        | "menu_item_modifier_groups"
        | "locations"
        | "menu_item_locations"
        | "stock_items"
        | "stock_levels"
        | "stock_movements"
        | "stock_counts"
        | "stock_count_lines"
        | "stock_transfers"
        | "stock_transfer_lines"
        | "recipe_components"
        | "pos_shifts"
        | "pos_cash_movements"
        | "pos_ticket_counters"
        | "pos_tickets"
        | "pos_ticket_lines"
        | "pos_payments"
        | "pos_refunds"
        | "announcement_dismissals"
        | "kitchen_stations"
        | "kitchen_routes"
        | "kitchen_items" => Business,
        "tenant_modules" | "tenant_feature_flags" => Settings,
        "api_keys" => Credentials,
        "audit_events"
        | "exports"
        | "impersonations"
        | "billing_subscriptions"
        | "billing_clocks"
        | "billing_invoices"
        | "billing_invoice_lines"
        | "billing_credit_notes"
        | "support_tickets"
        | "support_messages"
        | "support_attachments"
        | "support_sla_clocks" => Record,
        _ => return None,
    })
}

/// Tenant tables a backup leaves out: sign-in secrets and machinery
/// (sessions, reset tokens, replay guards, stream positions, the tenant's
/// database profile), the event outbox (its payloads carry invitation and
/// reset tokens to the email job; the audit trail is the history), and the
/// operator's internal notes, which a business never sees.
pub(crate) const UNSAVED: &[&str] = &[
    "sessions",
    "event_outbox",
    "password_reset_tokens",
    "idempotency_keys",
    "consumed_events",
    "tenant_event_streams",
    "support_internal_notes",
    "tenant_connection_profiles",
];

/// Whether `table` was classified at all (a new, unnamed one was not).
pub(crate) fn classified(table: &str) -> bool {
    share(table).is_some() || UNSAVED.contains(&table)
}

/// Columns that never leave the database: password hashes and the second
/// factor (a row restored without them signs in again by password reset).
pub(crate) fn secret_columns(table: &str) -> &'static [&'static str] {
    match table {
        "users" => &[
            "password_hash",
            "mfa_enabled",
            "mfa_secret_enc",
            "mfa_pending_secret_enc",
            "mfa_recovery_hashes",
            "mfa_last_step",
        ],
        "api_keys" => &["secret_hash"],
        _ => &[],
    }
}

/// One table in a backup.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub name: &'static str,
    pub share: Share,
    /// The primary key without `tenant_id`: rows are ordered by it.
    pub key: Vec<String>,
    /// The columns the file carries: all but `tenant_id`, generated ones
    /// and secrets.
    pub columns: Vec<String>,
}

impl Table {
    /// The row as the file and its hash see it.
    pub fn row_expr(&self) -> String {
        let mut expr = "to_jsonb(t) - 'tenant_id'".to_owned();
        for secret in secret_columns(self.name) {
            expr.push_str(&format!(" - '{secret}'"));
        }
        expr
    }

    /// The key as text in byte order: the same order on any cluster,
    /// whatever its default collation, so the hash is too.
    pub fn order_by(&self) -> String {
        self.key
            .iter()
            .map(|c| format!("{}::text COLLATE \"C\"", quote(c)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every backed-up table, parents before children.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    pub tables: Vec<Table>,
}

#[derive(FromQueryResult)]
struct Columns {
    table_name: String,
    columns: Vec<String>,
    key: Vec<String>,
}

#[derive(FromQueryResult)]
struct Reference {
    child: String,
    parent: String,
}

/// A quoted identifier (every name here comes from the catalog, quoting
/// keeps it that way).
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Catalog {
    pub async fn load(conn: &impl ConnectionTrait) -> AppResult<Self> {
        let names: Vec<&'static str> = migration::tenant_tables();
        if let Some(unknown) = names.iter().find(|t| !classified(t)) {
            return Err(AppError::internal(format!(
                "tenant table {unknown} has no backup share"
            )));
        }
        let backed_up: Vec<&'static str> =
            names.into_iter().filter(|t| share(t).is_some()).collect();
        let rows = Columns::find_by_statement(sql(
            "SELECT c.relname::text AS table_name,
                    array_agg(a.attname::text ORDER BY a.attnum)
                      FILTER (WHERE a.attgenerated = '') AS columns,
                    coalesce((SELECT array_agg(k.attname::text ORDER BY x.ord)
                       FROM pg_index i
                       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS x(attnum, ord)
                       JOIN pg_attribute k ON k.attrelid = i.indrelid AND k.attnum = x.attnum
                      WHERE i.indrelid = c.oid AND i.indisprimary), '{}') AS key
               FROM pg_class c
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                AND c.relname = ANY($1)
              GROUP BY c.oid, c.relname",
            [backed_up
                .iter()
                .map(|t| (*t).to_owned())
                .collect::<Vec<_>>()
                .into()],
        ))
        .all(conn)
        .await?;
        let references = Reference::find_by_statement(sql(
            "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
               FROM pg_constraint c
              WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace",
            [],
        ))
        .all(conn)
        .await?;
        let mut by_name: BTreeMap<String, Columns> = rows
            .into_iter()
            .map(|r| (r.table_name.clone(), r))
            .collect();
        let mut tables = Vec::with_capacity(backed_up.len());
        for name in ordered(&backed_up, &references) {
            let Some(found) = by_name.remove(name) else {
                return Err(AppError::internal(format!(
                    "tenant table {name} is missing"
                )));
            };
            let secrets = secret_columns(name);
            let share = share(name).unwrap_or(Share::Record);
            // A restore writes by (tenant_id, key): a table it writes must be keyed so.
            if share != Share::Record
                && share != Share::Credentials
                && found.key.first().is_none_or(|c| c != "tenant_id")
            {
                return Err(AppError::internal(format!(
                    "tenant table {name} is restored but not keyed by tenant_id"
                )));
            }
            tables.push(Table {
                name,
                share,
                key: found.key.into_iter().filter(|c| c != "tenant_id").collect(),
                columns: found
                    .columns
                    .into_iter()
                    .filter(|c| c != "tenant_id" && !secrets.contains(&c.as_str()))
                    .collect(),
            });
        }
        Ok(Self { tables })
    }
}

/// `tables` with every referenced table before the tables that refer to it
/// (the order inserts need; deletes go the other way). Ties keep the
/// migrations' order.
fn ordered(tables: &[&'static str], references: &[Reference]) -> Vec<&'static str> {
    let mut parents: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in references {
        let (Some(child), Some(parent)) = (
            tables.iter().find(|t| **t == r.child),
            tables.iter().find(|t| **t == r.parent),
        ) else {
            continue;
        };
        if child != parent {
            parents.entry(child).or_default().insert(parent);
        }
    }
    let mut done: Vec<&'static str> = Vec::with_capacity(tables.len());
    while done.len() < tables.len() {
        let before = done.len();
        for t in tables {
            if done.contains(t) {
                continue;
            }
            let ready = parents
                .get(t)
                .is_none_or(|ps| ps.iter().all(|p| done.contains(p)));
            if ready {
                done.push(t);
            }
        }
        // A cycle (none today) would stall; keep what is left in order.
        if done.len() == before {
            for t in tables {
                if !done.contains(t) {
                    done.push(t);
                }
            }
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tenant_table_is_classified() {
        for table in migration::tenant_tables() {
            assert!(classified(table), "{table} needs a backup share");
        }
    }

    #[test]
    fn parents_come_first() {
        let refs = vec![
            Reference {
                child: "b".into(),
                parent: "a".into(),
            },
            Reference {
                child: "a".into(),
                parent: "c".into(),
            },
        ];
        assert_eq!(ordered(&["b", "a", "c"], &refs), vec!["c", "a", "b"]);
    }
}
