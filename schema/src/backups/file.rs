//! The backup document: written from one snapshot of the business, read
//! back (and checked) by a restore.

use super::catalog::{Catalog, secret_columns, share};
use super::{FORMAT, TableDigest, store};
use chrono::{DateTime, Utc};
use kernel::{AppError, AppResult, Db, TenantId};
use sea_orm::JsonValue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The business a backup was taken of (the whole `tenants` row rides along).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackedUpTenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, JsonValue>,
}

/// What the file leaves out, so a restore knows what it did not get.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Excluded {
    pub tables: Vec<String>,
    pub columns: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub format: String,
    pub exported_at: DateTime<Utc>,
    /// The schema level (the newest migration) it was taken at.
    pub migration: String,
    pub tenant: BackedUpTenant,
    pub excluded: Excluded,
    pub manifest: Vec<TableDigest>,
    /// Each table's rows, in primary-key order, without `tenant_id`.
    pub tables: BTreeMap<String, JsonValue>,
}

/// Reads every backed-up table of `tenant` in one snapshot.
pub async fn write(db: &Db, tenant: TenantId, at: DateTime<Utc>) -> AppResult<Vec<u8>> {
    let tx = db.tenant_snapshot(tenant).await?;
    let catalog = Catalog::load(&tx).await?;
    let tenant_row = store::tenant_row(&tx).await?;
    let tenant_doc: BackedUpTenant = serde_json::from_value(tenant_row)?;
    let mut manifest = Vec::with_capacity(catalog.tables.len());
    let mut tables = BTreeMap::new();
    let mut excluded = Excluded::default();
    for table in &catalog.tables {
        let dump = store::dump(&tx, table).await?;
        manifest.push(TableDigest {
            table: table.name.to_owned(),
            share: table.share,
            rows: dump.rows,
            sha256: dump.sha256,
        });
        tables.insert(table.name.to_owned(), dump.data);
        let secrets = secret_columns(table.name);
        if !secrets.is_empty() {
            excluded.columns.insert(
                table.name.to_owned(),
                secrets.iter().map(|s| (*s).to_owned()).collect(),
            );
        }
    }
    tx.commit().await?;
    excluded.tables = migration::tenant_tables()
        .into_iter()
        .filter(|t| share(t).is_none())
        .map(str::to_owned)
        .collect();
    let doc = Document {
        format: FORMAT.to_owned(),
        exported_at: at,
        migration: migration::latest().to_owned(),
        tenant: tenant_doc,
        excluded,
        manifest,
        tables,
    };
    Ok(serde_json::to_vec(&doc)?)
}

/// Reads a backup file and checks it is one this server can restore.
pub async fn read(path: &Path) -> AppResult<Document> {
    let bytes = tokio::fs::read(path).await.map_err(|e| {
        AppError::conflict("the backup's file is no longer there")
            .with_details(serde_json::json!({ "cause": e.kind().to_string() }))
    })?;
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
    }
    let head: Head = serde_json::from_slice(&bytes)
        .map_err(|_| AppError::validation("the backup's file is not a backup document"))?;
    match head.format.as_deref() {
        Some(FORMAT) => {}
        other => {
            return Err(AppError::validation(format!(
                "this backup is in format {}, which cannot be restored; take a new backup",
                other.unwrap_or("unknown")
            )));
        }
    }
    let doc: Document = serde_json::from_slice(&bytes)
        .map_err(|e| AppError::validation(format!("the backup's file is damaged: {e}")))?;
    if doc.migration != migration::latest() {
        return Err(AppError::validation(format!(
            "the backup was taken at schema {}, this server is at {}; restore it with that version",
            doc.migration,
            migration::latest()
        )));
    }
    Ok(doc)
}

/// Checks that the file at `path` is a whole backup of `tenant` (before
/// its data is deleted for good): it parses, it names that business, and
/// its manifest is there. Any schema level will do.
pub async fn check(path: &Path, tenant: TenantId) -> AppResult<()> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| AppError::internal(format!("reading {}: {e}", path.display())))?;
    let doc: Document = serde_json::from_slice(&bytes)
        .map_err(|e| AppError::internal(format!("{} is not a backup: {e}", path.display())))?;
    if doc.format != FORMAT || doc.tenant.id != tenant || doc.manifest.is_empty() {
        return Err(AppError::internal(format!(
            "{} is not a whole backup of {tenant}",
            path.display()
        )));
    }
    Ok(())
}

impl Document {
    pub fn digest(&self, table: &str) -> Option<&TableDigest> {
        self.manifest.iter().find(|d| d.table == table)
    }
}
