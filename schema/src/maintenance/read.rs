//! Reading maintenance windows: what is coming and running (for anyone
//! signed in, and `/health`), and the operator's whole list.

use super::{MaintenanceWindow, store};
use kernel::{AppResult, Db, RequestContext};

/// Anyone signed in: windows scheduled or running, soonest first.
pub async fn upcoming(db: &Db, ctx: &RequestContext) -> AppResult<Vec<MaintenanceWindow>> {
    if ctx.require_superadmin().is_err() {
        ctx.require_tenant()?;
    }
    let tx = db.system_tx().await?;
    let rows = store::open_windows(&tx).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(MaintenanceWindow::from).collect())
}

/// Superadmins: windows still open, or with `include_past` every one,
/// latest first.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    include_past: bool,
) -> AppResult<Vec<MaintenanceWindow>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let rows = if include_past {
        store::all(&tx).await?
    } else {
        store::open_windows(&tx).await?
    };
    tx.commit().await?;
    Ok(rows.into_iter().map(MaintenanceWindow::from).collect())
}

/// The windows running now by the clock (for `/health`; no caller needed).
pub async fn running(db: &Db, ctx: &RequestContext) -> AppResult<Vec<MaintenanceWindow>> {
    let tx = db.system_tx().await?;
    let rows = store::running(&tx, ctx.now()).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(MaintenanceWindow::from).collect())
}
