//! Exports: requested by a tenant (or a superadmin for a backup), written to
//! `EXPORT_DIR` by a `report-export` / `backup-run` job that reports its
//! progress as events, downloadable by that tenant only.

use crate::audit::service::{self as audit, AuditEntry};
use crate::services::Services;
use chrono::{DateTime, Utc};
use jobs::outbox::{self, NewEvent};
use jobs::queue::{Category, Job};
use jobs::worker::{Handler, HandlerFuture};
use kernel::db::sql;
use kernel::{AppError, AppResult, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult, JsonValue};
use serde::Serialize;
use serde_json::json;
use std::path::PathBuf;
use uuid::Uuid;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    serde::Deserialize,
    async_graphql::Enum,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// The business's users, as CSV.
    UsersCsv,
    /// The business's audit trail, as CSV.
    AuditCsv,
    /// Everything the business owns on the platform, as JSON.
    TenantBackup,
}

impl ExportKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::UsersCsv => "users_csv",
            Self::AuditCsv => "audit_csv",
            Self::TenantBackup => "tenant_backup",
        }
    }

    fn parse(s: &str) -> AppResult<Self> {
        Ok(match s {
            "users_csv" => Self::UsersCsv,
            "audit_csv" => Self::AuditCsv,
            "tenant_backup" => Self::TenantBackup,
            other => return Err(AppError::internal(format!("unknown export kind {other}"))),
        })
    }

    /// Who may ask for it and download it.
    fn permission(self) -> &'static str {
        match self {
            Self::UsersCsv | Self::AuditCsv => "reporting.export.run",
            Self::TenantBackup => "admin.users.manage",
        }
    }

    fn category(self) -> Category {
        match self {
            Self::TenantBackup => Category::BackupRun,
            _ => Category::ReportExport,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::TenantBackup => "json",
            _ => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::TenantBackup => "application/json",
            _ => "text/csv; charset=utf-8",
        }
    }
}

pub const EXPORT_JOB: &str = "export";

#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Export {
    pub id: Uuid,
    pub kind: ExportKind,
    pub status: String,
    pub progress: i32,
    pub file_name: Option<String>,
    pub byte_size: Option<i64>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Where the finished file can be downloaded (with the same credentials).
    pub download_url: Option<String>,
}

#[derive(FromQueryResult)]
struct ExportRow {
    id: Uuid,
    kind: String,
    status: String,
    progress: i32,
    file_name: Option<String>,
    byte_size: Option<i64>,
    error: Option<String>,
    created_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
}

impl TryFrom<ExportRow> for Export {
    type Error = AppError;
    fn try_from(r: ExportRow) -> AppResult<Self> {
        Ok(Export {
            download_url: (r.status == "completed")
                .then(|| format!("/v1/exports/{}/download", r.id)),
            id: r.id,
            kind: ExportKind::parse(&r.kind)?,
            status: r.status,
            progress: r.progress,
            file_name: r.file_name,
            byte_size: r.byte_size,
            error: r.error,
            created_at: r.created_at,
            completed_at: r.completed_at,
        })
    }
}

const COLUMNS: &str =
    "id, kind, status, progress, file_name, byte_size, error, created_at, completed_at";

async fn find(tx: &DatabaseTransaction, tenant: TenantId, id: Uuid) -> AppResult<Export> {
    ExportRow::find_by_statement(sql(
        &format!("SELECT {COLUMNS} FROM exports WHERE tenant_id = $1 AND id = $2"),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("export"))?
    .try_into()
}

async fn create(
    svc: &Services,
    ctx: &RequestContext,
    tx: DatabaseTransaction,
    tenant: TenantId,
    kind: ExportKind,
) -> AppResult<Export> {
    let id = Uuid::now_v7();
    tx.execute_raw(sql(
        "INSERT INTO exports (tenant_id, id, kind, requested_by) VALUES ($1, $2, $3, $4)",
        [
            tenant.as_uuid().into(),
            id.into(),
            kind.as_str().into(),
            ctx.user_id().map(|u| u.as_uuid()).into(),
        ],
    ))
    .await?;
    let export = find(&tx, tenant, id).await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "reporting.export.requested",
            entity_type: "export",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({ "kind": kind })),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(tenant),
        NewEvent::new(
            "reporting.export.requested",
            id,
            json!({ "exportId": id, "kind": kind }),
        ),
    )
    .await?;
    tx.commit().await?;
    let job = Job::new(
        kind.category(),
        EXPORT_JOB,
        Some(tenant.as_uuid()),
        json!({ "exportId": id }),
    )
    .dedupe(format!("export:{id}"));
    if let Err(err) = svc.queue.enqueue(&job).await {
        let tx = svc.db.tenant_tx(tenant).await?;
        tx.execute_raw(sql(
            "UPDATE exports SET status = 'failed', error = 'the job queue is unavailable; ask again' WHERE tenant_id = $1 AND id = $2",
            [tenant.as_uuid().into(), id.into()],
        ))
        .await?;
        tx.commit().await?;
        return Err(err);
    }
    Ok(export)
}

/// A tenant asks for an export of its own data.
pub async fn request(svc: &Services, ctx: &RequestContext, kind: ExportKind) -> AppResult<Export> {
    let tenant = ctx.require(kind.permission())?;
    let tx = svc.db.tenant_tx(tenant).await?;
    create(svc, ctx, tx, tenant, kind).await
}

/// A superadmin runs a tenant's backup; the file is the tenant's to download.
pub async fn run_backup(
    svc: &Services,
    ctx: &RequestContext,
    tenant: TenantId,
) -> AppResult<Export> {
    ctx.require_superadmin()?;
    let tx = svc.db.system_tx().await?;
    crate::tenants::service::find(&tx, tenant).await?;
    create(svc, ctx, tx, tenant, ExportKind::TenantBackup).await
}

pub async fn list(svc: &Services, ctx: &RequestContext) -> AppResult<Vec<Export>> {
    let tenant = ctx.require_tenant()?;
    let tx = svc.db.tenant_tx(tenant).await?;
    let rows = ExportRow::find_by_statement(sql(
        &format!(
            "SELECT {COLUMNS} FROM exports WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 100"
        ),
        [tenant.as_uuid().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    let exports: Vec<Export> = rows
        .into_iter()
        .map(Export::try_from)
        .collect::<AppResult<_>>()?;
    Ok(exports
        .into_iter()
        .filter(|e| ctx.can(e.kind.permission()))
        .collect())
}

fn file_path(svc: &Services, tenant: TenantId, id: Uuid, kind: ExportKind) -> PathBuf {
    svc.export_dir
        .join(tenant.to_string())
        .join(format!("{id}.{}", kind.extension()))
}

/// The file of a finished export, for its tenant's principals allowed to ask for it.
pub async fn download(
    svc: &Services,
    ctx: &RequestContext,
    id: Uuid,
) -> AppResult<(PathBuf, Export)> {
    let tenant = ctx.require_tenant()?;
    let tx = svc.db.tenant_tx(tenant).await?;
    let export = find(&tx, tenant, id).await?;
    tx.commit().await?;
    ctx.require(export.kind.permission())?;
    if export.status != "completed" {
        return Err(
            AppError::conflict(format!("the export is {}", export.status))
                .with_details(json!({ "progress": export.progress })),
        );
    }
    Ok((file_path(svc, tenant, id, export.kind), export))
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn csv_line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Runs `report-export` and `backup-run` jobs. Idempotent: a finished export
/// is left alone, an interrupted one is written again from the start.
pub struct ExportRunner {
    pub services: Services,
}

impl ExportRunner {
    async fn progress(
        &self,
        tenant: TenantId,
        id: Uuid,
        percent: i32,
        status: &str,
    ) -> AppResult<()> {
        let tx = self.services.db.tenant_tx(tenant).await?;
        tx.execute_raw(sql(
            "UPDATE exports SET progress = $3, status = $4 WHERE tenant_id = $1 AND id = $2",
            [
                tenant.as_uuid().into(),
                id.into(),
                percent.into(),
                status.into(),
            ],
        ))
        .await?;
        outbox::record(
            &tx,
            Some(tenant),
            NewEvent::new(
                "reporting.export.progress",
                id,
                json!({ "exportId": id, "progress": percent }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rows of `query` (which must select a json column named `row` and take
    /// the tenant as $1), as JSON values.
    async fn rows(&self, tenant: TenantId, query: &str) -> AppResult<Vec<JsonValue>> {
        let tx = self.services.db.tenant_tx(tenant).await?;
        let rows = tx
            .query_all_raw(sql(query, [tenant.as_uuid().into()]))
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| r.try_get::<JsonValue>("", "row").map_err(AppError::from))
            .collect()
    }

    async fn users_csv(&self, tenant: TenantId) -> AppResult<String> {
        let rows = self
            .rows(
                tenant,
                "SELECT json_build_object('id', id, 'email', email, 'display_name', display_name, 'status', status,
                   'mfa_enabled', mfa_enabled, 'last_login_at', last_login_at, 'created_at', created_at) AS row
                 FROM users WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id",
            )
            .await?;
        Ok(to_csv(
            &[
                "id",
                "email",
                "display_name",
                "status",
                "mfa_enabled",
                "last_login_at",
                "created_at",
            ],
            &rows,
        ))
    }

    async fn audit_csv(&self, tenant: TenantId, id: Uuid) -> AppResult<String> {
        let columns = [
            "id",
            "created_at",
            "actor_type",
            "actor_id",
            "action",
            "entity_type",
            "entity_id",
            "request_id",
        ];
        let mut out = csv_line(&columns.map(str::to_owned));
        let mut after: Option<Uuid> = None;
        let total: i64 = {
            let tx = self.services.db.tenant_tx(tenant).await?;
            let row = tx
                .query_one_raw(sql(
                    "SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1",
                    [tenant.as_uuid().into()],
                ))
                .await?;
            tx.commit().await?;
            row.map(|r| r.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0)
        };
        let mut done = 0i64;
        loop {
            let tx = self.services.db.tenant_tx(tenant).await?;
            let rows = tx
                .query_all_raw(sql(
                    "SELECT id, json_build_object('id', id, 'created_at', created_at, 'actor_type', actor_type, 'actor_id', actor_id,
                       'action', action, 'entity_type', entity_type, 'entity_id', entity_id, 'request_id', request_id) AS row
                     FROM audit_events WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT 1000",
                    [tenant.as_uuid().into(), after.into()],
                ))
                .await?;
            tx.commit().await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let value: JsonValue = row.try_get("", "row")?;
                out.push_str(&csv_line(&columns.map(|c| cell(&value[c]))));
                after = Some(row.try_get("", "id")?);
            }
            done += rows.len() as i64;
            let percent = i32::try_from((done * 90 / total.max(1)).min(90)).unwrap_or(90);
            self.progress(tenant, id, percent, "running").await?;
        }
        Ok(out)
    }

    async fn backup(&self, tenant: TenantId, id: Uuid) -> AppResult<String> {
        // Everything the tenant owns, without secrets (password hashes, MFA
        // secrets, token digests stay out).
        let parts: [(&str, &str); 7] = [
            (
                "tenant",
                "SELECT row_to_json(t) AS row FROM (SELECT id, slug, name, status, status_reason, created_at, approved_at FROM tenants WHERE id = $1) t",
            ),
            (
                "users",
                "SELECT row_to_json(u) AS row FROM (SELECT id, email, display_name, status, mfa_enabled, last_login_at, created_at, updated_at FROM users WHERE tenant_id = $1 ORDER BY id) u",
            ),
            (
                "roles",
                "SELECT row_to_json(r) AS row FROM (SELECT id, key, name, description, built_in, created_at, updated_at FROM roles WHERE tenant_id = $1 ORDER BY id) r",
            ),
            (
                "rolePermissions",
                "SELECT row_to_json(p) AS row FROM (SELECT role_id, permission FROM role_permissions WHERE tenant_id = $1 ORDER BY role_id, permission) p",
            ),
            (
                "userRoles",
                "SELECT row_to_json(x) AS row FROM (SELECT user_id, role_id, created_at FROM user_roles WHERE tenant_id = $1 ORDER BY user_id, role_id) x",
            ),
            (
                "modules",
                "SELECT row_to_json(m) AS row FROM (SELECT module_key, enabled, updated_at FROM tenant_modules WHERE tenant_id = $1 ORDER BY module_key) m",
            ),
            (
                "apiKeys",
                "SELECT row_to_json(k) AS row FROM (SELECT id, name, prefix, permissions, created_at, expires_at, last_used_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id) k",
            ),
        ];
        let mut doc = serde_json::Map::new();
        doc.insert("format".into(), json!("platform-backup/1"));
        doc.insert("exportedAt".into(), json!(Utc::now()));
        for (i, (name, query)) in parts.iter().enumerate() {
            let rows = self.rows(tenant, query).await?;
            let value = if *name == "tenant" {
                rows.into_iter().next().unwrap_or(JsonValue::Null)
            } else {
                JsonValue::Array(rows)
            };
            doc.insert((*name).to_owned(), value);
            let percent = i32::try_from((i + 1) * 90 / parts.len()).unwrap_or(90);
            self.progress(tenant, id, percent, "running").await?;
        }
        Ok(serde_json::to_string_pretty(&JsonValue::Object(doc))?)
    }

    async fn run(&self, job: &Job) -> AppResult<()> {
        let tenant = TenantId(
            job.tenant_id
                .ok_or_else(|| AppError::internal("export job without tenant"))?,
        );
        let id: Uuid = serde_json::from_value(job.payload["exportId"].clone())?;
        let export = {
            let tx = self.services.db.tenant_tx(tenant).await?;
            let export = find(&tx, tenant, id).await?;
            tx.commit().await?;
            export
        };
        if export.status == "completed" {
            return Ok(());
        }
        self.progress(tenant, id, 0, "running").await?;
        let body = match export.kind {
            ExportKind::UsersCsv => self.users_csv(tenant).await?,
            ExportKind::AuditCsv => self.audit_csv(tenant, id).await?,
            ExportKind::TenantBackup => self.backup(tenant, id).await?,
        };
        let path = file_path(&self.services, tenant, id, export.kind);
        let dir = path
            .parent()
            .ok_or_else(|| AppError::internal("export path has no directory"))?;
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(AppError::internal)?;
        // Written aside and renamed, so a download never sees half a file.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, body.as_bytes())
            .await
            .map_err(AppError::internal)?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(AppError::internal)?;
        let file_name = format!(
            "{}-{}.{}",
            export.kind.as_str().replace('_', "-"),
            Utc::now().format("%Y%m%d-%H%M%S"),
            export.kind.extension()
        );
        let tx = self.services.db.tenant_tx(tenant).await?;
        tx.execute_raw(sql(
            "UPDATE exports SET status = 'completed', progress = 100, file_name = $3, byte_size = $4, error = NULL, completed_at = now()
             WHERE tenant_id = $1 AND id = $2",
            [tenant.as_uuid().into(), id.into(), file_name.clone().into(), (body.len() as i64).into()],
        ))
        .await?;
        outbox::record(
            &tx,
            Some(tenant),
            NewEvent::new(
                "reporting.export.completed",
                id,
                json!({ "exportId": id, "kind": export.kind, "fileName": file_name, "byteSize": body.len(), "downloadUrl": format!("/v1/exports/{id}/download") }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn cell(value: &JsonValue) -> String {
    match value {
        JsonValue::Null => String::new(),
        JsonValue::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn to_csv(columns: &[&str], rows: &[JsonValue]) -> String {
    let mut out = csv_line(&columns.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>());
    for row in rows {
        out.push_str(&csv_line(
            &columns.iter().map(|c| cell(&row[*c])).collect::<Vec<_>>(),
        ));
    }
    out
}

impl Handler for ExportRunner {
    fn handle<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.run(job))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_escapes_what_needs_it() {
        assert_eq!(
            csv_line(&["a".into(), "b,c".into(), "say \"hi\"".into()]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\n"
        );
        let rows = vec![json!({"x": null, "y": 3})];
        assert_eq!(to_csv(&["x", "y"], &rows), "x,y\n,3\n");
    }
}
