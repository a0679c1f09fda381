//! The `report-export` / `backup-run` job: writes an export's file and
//! reports its progress as events. Idempotent: a finished export is left
//! alone, an interrupted one is written again from the start.

use super::csv;
use super::request::find;
use super::store::{self, ExportUpdate};
use super::{ExportKind, download_url, file_path};
use crate::services::Services;
use jobs::outbox::{self, NewEvent};
use jobs::queue::Job;
use jobs::worker::{Handler, HandlerFuture};
use kernel::{AppError, AppResult, Clock, ExportId, TenantId};
use serde_json::json;
use uuid::Uuid;

pub const EXPORT_JOB: &str = "export";

/// Runs `report-export` and `backup-run` jobs.
pub struct ExportRunner {
    pub services: Services,
}

impl ExportRunner {
    /// The job's clock (jobs have no request to take one from).
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        Clock::System.now()
    }

    async fn progress(&self, tenant: TenantId, id: ExportId, percent: i32) -> AppResult<()> {
        let tx = self.services.db.tenant_tx(tenant).await?;
        store::update(&tx, tenant, id, ExportUpdate::Progress(percent)).await?;
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

    async fn users_csv(&self, tenant: TenantId) -> AppResult<String> {
        let tx = self.services.db.tenant_tx(tenant).await?;
        let rows = store::users(&tx, tenant).await?;
        tx.commit().await?;
        Ok(csv::table(
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

    async fn audit_csv(&self, tenant: TenantId, id: ExportId) -> AppResult<String> {
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
        let mut out = csv::line(&columns.map(str::to_owned));
        let mut after: Option<Uuid> = None;
        let total = {
            let tx = self.services.db.tenant_tx(tenant).await?;
            let total = store::audit_count(&tx, tenant).await?;
            tx.commit().await?;
            total
        };
        let mut done = 0i64;
        loop {
            let tx = self.services.db.tenant_tx(tenant).await?;
            let lines = store::audit_lines(&tx, tenant, after).await?;
            tx.commit().await?;
            let Some(last) = lines.last() else {
                break;
            };
            after = Some(last.id);
            for line in &lines {
                out.push_str(&csv::line(&columns.map(|c| csv::cell(&line.row[c]))));
            }
            done += lines.len() as i64;
            let percent = i32::try_from((done * 90 / total.max(1)).min(90)).unwrap_or(90);
            self.progress(tenant, id, percent).await?;
        }
        Ok(out)
    }

    async fn run(&self, job: &Job) -> AppResult<()> {
        let tenant = TenantId(
            job.tenant_id
                .ok_or_else(|| AppError::internal("export job without tenant"))?,
        );
        let id: ExportId = serde_json::from_value(job.payload["exportId"].clone())?;
        let export = find(&self.services.db, tenant, id).await?;
        if export.status == "completed" {
            return Ok(());
        }
        self.progress(tenant, id, 0).await?;
        let body = match export.kind {
            ExportKind::UsersCsv => self.users_csv(tenant).await?.into_bytes(),
            ExportKind::AuditCsv => self.audit_csv(tenant, id).await?.into_bytes(),
            ExportKind::TenantBackup => {
                crate::backups::file::write(&self.services.db, tenant, self.now()).await?
            }
        };
        let path = file_path(&self.services.export_dir, tenant, id, export.kind);
        let dir = path
            .parent()
            .ok_or_else(|| AppError::internal("export path has no directory"))?;
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(AppError::internal)?;
        // Written aside and renamed, so a download never sees half a file.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, &body)
            .await
            .map_err(AppError::internal)?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(AppError::internal)?;
        let now = self.now();
        let file_name = format!(
            "{}-{}.{}",
            export.kind.as_str().replace('_', "-"),
            now.format("%Y%m%d-%H%M%S"),
            export.kind.extension()
        );
        let byte_size = i64::try_from(body.len()).map_err(AppError::internal)?;
        let tx = self.services.db.tenant_tx(tenant).await?;
        store::update(
            &tx,
            tenant,
            id,
            ExportUpdate::Completed {
                file_name: file_name.clone(),
                byte_size,
                at: now,
            },
        )
        .await?;
        outbox::record(
            &tx,
            Some(tenant),
            NewEvent::new(
                "reporting.export.completed",
                id,
                json!({ "exportId": id, "kind": export.kind, "fileName": file_name,
                        "byteSize": body.len(), "downloadUrl": download_url(id) }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Handler for ExportRunner {
    fn handle<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.run(job))
    }
}
