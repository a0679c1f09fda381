//! Every statement of backups, restores and offboarding. The table and
//! column names come from [`super::catalog`] (PostgreSQL's catalog, never a
//! request) and are quoted; the rows travel as one JSON parameter.

use super::catalog::{Table, quote};
use kernel::db::sql;
use kernel::{AppError, AppResult, ExportId};
use sea_orm::{ConnectionTrait, FromQueryResult, JsonValue};

/// A table's rows of the transaction's tenant, as the file carries them.
#[derive(Debug, FromQueryResult)]
pub(super) struct Dump {
    pub rows: i64,
    pub sha256: String,
    pub data: JsonValue,
}

fn order(table: &Table) -> String {
    if table.key.is_empty() {
        "r::text".to_owned()
    } else {
        table.order_by()
    }
}

fn source(table: &Table) -> String {
    let keys = table
        .key
        .iter()
        .map(|k| format!(", t.{}", quote(k)))
        .collect::<String>();
    format!(
        "SELECT {} AS r{keys} FROM {} t WHERE t.tenant_id = app_current_tenant()",
        table.row_expr(),
        quote(table.name)
    )
}

/// The rows with their count and hash.
pub(super) async fn dump(conn: &impl ConnectionTrait, table: &Table) -> AppResult<Dump> {
    let order = order(table);
    let statement = format!(
        "SELECT count(*)::bigint AS rows,
                encode(sha256(convert_to(coalesce(string_agg(r::text, E'\\n' ORDER BY {order}), ''), 'UTF8')), 'hex') AS sha256,
                coalesce(jsonb_agg(r ORDER BY {order}), '[]'::jsonb) AS data
           FROM ({}) s",
        source(table)
    );
    Dump::find_by_statement(sql(&statement, []))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal("an aggregate returned no row"))
}

#[derive(Debug, FromQueryResult)]
pub(super) struct Digest {
    pub rows: i64,
    pub sha256: String,
}

/// The count and hash alone (a restore's proof).
pub(super) async fn digest(conn: &impl ConnectionTrait, table: &Table) -> AppResult<Digest> {
    let order = order(table);
    let statement = format!(
        "SELECT count(*)::bigint AS rows,
                encode(sha256(convert_to(coalesce(string_agg(r::text, E'\\n' ORDER BY {order}), ''), 'UTF8')), 'hex') AS sha256
           FROM ({}) s",
        source(table)
    );
    Digest::find_by_statement(sql(&statement, []))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal("an aggregate returned no row"))
}

/// How many rows of the tenant `table` has.
pub(super) async fn count(conn: &impl ConnectionTrait, table: &Table) -> AppResult<i64> {
    #[derive(FromQueryResult)]
    struct Count {
        rows: i64,
    }
    let statement = format!(
        "SELECT count(*)::bigint AS rows FROM {} WHERE tenant_id = app_current_tenant()",
        quote(table.name)
    );
    Ok(Count::find_by_statement(sql(&statement, []))
        .one(conn)
        .await?
        .map_or(0, |c| c.rows))
}

/// The tenant row as the backup records it.
pub(super) async fn tenant_row(conn: &impl ConnectionTrait) -> AppResult<JsonValue> {
    #[derive(FromQueryResult)]
    struct Row {
        row: JsonValue,
    }
    Row::find_by_statement(sql(
        "SELECT to_jsonb(t) AS row FROM tenants t WHERE t.id = app_current_tenant()",
        [],
    ))
    .one(conn)
    .await?
    .map(|r| r.row)
    .ok_or_else(|| AppError::not_found("tenant"))
}

/// Deletes the tenant's rows of `table` that `rows` (the file's) do not have.
pub(super) async fn delete_missing(
    conn: &impl ConnectionTrait,
    table: &Table,
    rows: &JsonValue,
) -> AppResult<u64> {
    let matches = table
        .key
        .iter()
        .map(|k| format!("f.{k} = t.{k}", k = quote(k)))
        .collect::<Vec<_>>()
        .join(" AND ");
    let name = quote(table.name);
    let statement = format!(
        "DELETE FROM {name} t WHERE t.tenant_id = app_current_tenant() AND NOT EXISTS (
           SELECT 1 FROM jsonb_populate_recordset(NULL::{name}, $1::jsonb) f WHERE {matches})"
    );
    Ok(conn
        .execute_raw(sql(&statement, [rows.clone().into()]))
        .await?
        .rows_affected())
}

/// Writes the file's rows of `table` into the transaction's tenant: new
/// rows inserted, existing ones (by primary key) set to the file's values.
/// Columns the file does not carry (secrets) keep what they had, or their
/// default on a new row.
pub(super) async fn upsert(
    conn: &impl ConnectionTrait,
    table: &Table,
    rows: &JsonValue,
) -> AppResult<u64> {
    let name = quote(table.name);
    let columns = table.columns.iter().map(|c| quote(c)).collect::<Vec<_>>();
    let list = columns.join(", ");
    let key = std::iter::once("tenant_id".to_owned())
        .chain(table.key.iter().map(|k| quote(k)))
        .collect::<Vec<_>>()
        .join(", ");
    let updates = table
        .columns
        .iter()
        .filter(|c| !table.key.contains(c))
        .map(|c| format!("{q} = EXCLUDED.{q}", q = quote(c)))
        .collect::<Vec<_>>();
    let on_conflict = if updates.is_empty() {
        "DO NOTHING".to_owned()
    } else {
        format!("DO UPDATE SET {}", updates.join(", "))
    };
    let statement = format!(
        "INSERT INTO {name} (tenant_id, {list})
         SELECT app_current_tenant(), {list} FROM jsonb_populate_recordset(NULL::{name}, $1::jsonb)
         ON CONFLICT ({key}) {on_conflict}"
    );
    Ok(conn
        .execute_raw(sql(&statement, [rows.clone().into()]))
        .await?
        .rows_affected())
}

/// Deletes every row of the tenant in `table`, but the export `keep`.
pub(super) async fn purge(
    conn: &impl ConnectionTrait,
    table: &str,
    keep: Option<ExportId>,
) -> AppResult<u64> {
    let name = quote(table);
    let result = if table == "exports" {
        conn.execute_raw(sql(
            "DELETE FROM exports WHERE tenant_id = app_current_tenant() AND id IS DISTINCT FROM $1",
            [keep.map(|k| k.as_uuid()).into()],
        ))
        .await?
    } else {
        conn.execute_raw(sql(
            &format!("DELETE FROM {name} WHERE tenant_id = app_current_tenant()"),
            [],
        ))
        .await?
    };
    Ok(result.rows_affected())
}
