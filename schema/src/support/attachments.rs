//! Files attached to support messages. A file is uploaded first (its bytes
//! under `EXPORT_DIR/support/<tenant>/<id>`, its row unattached), then named
//! by the message that carries it. Size and count limits refuse a file with
//! `VALIDATION` naming the limit; nothing is silently dropped. Only the
//! business it belongs to and superadmins can download it.

use super::tickets::{READ, WRITE};
use super::{SupportAttachment, store};
use crate::services::Services;
use entities::support_attachments::Model;
use kernel::{AppError, AppResult, RequestContext, SupportAttachmentId, SupportTicketId};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Who a file is uploaded for.
#[derive(Debug, Clone, Copy)]
pub enum UploadFor {
    /// A user of the caller's business, for a ticket or reply to come.
    Business,
    /// A superadmin, for an answer on this ticket.
    Operator(SupportTicketId),
}

/// The file as the client sent it.
pub struct Upload {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

fn check_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    let bad = name.is_empty()
        || name.chars().count() > 200
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\');
    if bad {
        return Err(AppError::invalid_field(
            "fileName",
            "must be 1 to 200 characters with no slashes or control characters",
        ));
    }
    Ok(name.to_owned())
}

fn check_type(content_type: &str) -> AppResult<String> {
    let t = content_type.trim().to_ascii_lowercase();
    let essence = t.split(';').next().unwrap_or_default().trim().to_owned();
    let ok = (3..=100).contains(&essence.len())
        && essence.split('/').count() == 2
        && essence
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/+-.".contains(c));
    if !ok {
        return Err(AppError::invalid_field(
            "contentType",
            "must be a media type such as image/png",
        ));
    }
    Ok(essence)
}

/// Where an attachment's bytes are kept.
pub fn stored_path(export_dir: &std::path::Path, tenant: uuid::Uuid, id: uuid::Uuid) -> PathBuf {
    export_dir
        .join("support")
        .join(tenant.to_string())
        .join(id.to_string())
}

/// Stores an upload and answers its id, to name in a ticket, reply or answer.
pub async fn upload(
    services: &Services,
    ctx: &RequestContext,
    for_: UploadFor,
    file: Upload,
) -> AppResult<SupportAttachment> {
    let (tenant, by_user, by_operator) = match for_ {
        UploadFor::Business => {
            ctx.require(WRITE)?;
            let (tenant, user) = ctx.require_user()?;
            (tenant, Some(user.as_uuid()), None)
        }
        UploadFor::Operator(ticket) => {
            let operator = ctx.require_superadmin()?;
            let tx = services.db.system_tx().await?;
            let tenant = store::tenant_of(&tx, ticket).await?;
            tx.commit().await?;
            (tenant, None, Some(operator.as_uuid()))
        }
    };
    let file_name = check_name(&file.file_name)?;
    let content_type = check_type(&file.content_type)?;
    let limit = services.support_attachment_max_bytes;
    if file.bytes.is_empty() {
        return Err(AppError::invalid_field("file", "is empty"));
    }
    if file.bytes.len() as u64 > limit {
        return Err(AppError::invalid_field(
            "file",
            format!("is larger than the {limit}-byte limit"),
        )
        .with_details(
            json!({ "field": "file", "limitBytes": limit, "sizeBytes": file.bytes.len() }),
        ));
    }
    let id = SupportAttachmentId::new().as_uuid();
    let sha256 = hex::encode(Sha256::digest(&file.bytes));
    let path = stored_path(&services.export_dir, tenant.as_uuid(), id);
    write(&path, &file.bytes).await?;
    let row = Model {
        tenant_id: tenant.as_uuid(),
        id,
        ticket_id: None,
        message_id: None,
        file_name,
        content_type,
        size_bytes: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
        sha256,
        uploaded_by_user: by_user,
        uploaded_by_operator: by_operator,
        created_at: ctx.now(),
    };
    let saved = async {
        let tx = services.db.tenant_tx(tenant).await?;
        store::insert_attachment(&tx, row.clone()).await?;
        tx.commit().await?;
        AppResult::Ok(())
    }
    .await;
    if let Err(err) = saved {
        // No row, no file: an upload is kept whole or not at all.
        let _ = tokio::fs::remove_file(&path).await;
        return Err(err);
    }
    Ok(row.into())
}

async fn write(path: &std::path::Path, bytes: &[u8]) -> AppResult<()> {
    let io = |e: std::io::Error| AppError::internal(format!("writing {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io)?;
    }
    let partial = path.with_extension("part");
    tokio::fs::write(&partial, bytes).await.map_err(io)?;
    tokio::fs::rename(&partial, path).await.map_err(io)
}

/// The file of an attachment: for the business it belongs to (an attached
/// file, or the caller's own upload), or for a superadmin.
pub async fn download(
    services: &Services,
    ctx: &RequestContext,
    id: SupportAttachmentId,
) -> AppResult<(PathBuf, SupportAttachment)> {
    let not_found = || AppError::not_found("attachment").with_details(json!({ "id": id }));
    let row = if ctx.require_superadmin().is_ok() {
        let tx = services.db.system_tx().await?;
        let row = store::attachment_anywhere(&tx, id.as_uuid()).await?;
        tx.commit().await?;
        row
    } else {
        let tenant = ctx.require(READ)?;
        let tx = services.db.tenant_tx(tenant).await?;
        let row = store::attachment(&tx, tenant, id.as_uuid()).await?;
        tx.commit().await?;
        row.filter(|r| {
            r.message_id.is_some() || r.uploaded_by_user == ctx.user_id().map(|u| u.as_uuid())
        })
    }
    .ok_or_else(not_found)?;
    let path = stored_path(&services.export_dir, row.tenant_id, row.id);
    Ok((path, row.into()))
}

/// Removes a stored file (a stale upload); a file already gone is fine.
pub(crate) async fn remove(export_dir: &std::path::Path, row: &Model) -> AppResult<()> {
    let path = stored_path(export_dir, row.tenant_id, row.id);
    match tokio::fs::remove_file(&path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AppError::internal(format!(
            "removing {}: {e}",
            path.display()
        ))),
    }
}
