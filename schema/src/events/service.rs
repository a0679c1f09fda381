use crate::rbac::service::load_user_access;
use crate::services::Services;
use jobs::bus::BusItem;
use jobs::envelope::{Envelope, OutboxRow};
use jobs::store;
use kernel::{Actor, AppError, AppResult, Db, RequestContext, TenantId};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// Who may see an event: `None` means nobody outside the platform (it
/// carries a secret, like a password-reset token); `Some(None)` anyone of the
/// tenant; `Some(Some(p))` holders of `p`.
pub fn audience(event_type: &str) -> Option<Option<&'static str>> {
    const SECRET: &[&str] = &["identity.password_reset.requested", "identity.user.invited"];
    if SECRET.contains(&event_type) {
        return None;
    }
    let module = event_type.split('.').next().unwrap_or_default();
    Some(match module {
        "tenant" | "location" | "announcement" | "feature_flag" | "maintenance" => None,
        "pos" => Some("pos.ticket.read"),
        "inventory" => Some("inventory.stock.read"),
        "menu" => Some("menu.catalog.read"),
        "orders" => Some("orders.kitchen.read"),
        "kitchen" => Some("kitchen.ticket.read"),
        "reporting" => Some("reporting.sales.read"),
        "billing" => Some("billing.subscription.read"),
        "support" => Some("support.ticket.read"),
        "identity" | "rbac" => Some("admin.users.read"),
        _ => Some("admin.audit.read"),
    })
}

fn may_see(ctx: &RequestContext, event: &Envelope) -> bool {
    match audience(&event.event_type) {
        None => false,
        Some(None) => true,
        Some(Some(permission)) => ctx.can(permission),
    }
}

/// Events that can change what the subscriber may see.
fn changes_access(event_type: &str) -> bool {
    event_type.starts_with("rbac.")
        || event_type.starts_with("tenant.")
        || matches!(
            event_type,
            "identity.user.deactivated" | "identity.user.reactivated"
        )
}

/// Committed events of a tenant after position `after`, in order.
pub async fn replay(db: &Db, tenant: TenantId, after: i64, limit: i64) -> AppResult<Vec<Envelope>> {
    let tx = db.tenant_tx(tenant).await?;
    let rows = store::events_after(&tx, tenant, after, limit).await?;
    tx.commit().await?;
    Ok(rows.iter().map(OutboxRow::envelope).collect())
}

/// The tenant's latest stream position.
pub async fn position(db: &Db, tenant: TenantId) -> AppResult<i64> {
    let tx = db.tenant_tx(tenant).await?;
    let position = store::stream_position(&tx, tenant).await?;
    tx.commit().await?;
    Ok(position)
}

const REPLAY_PAGE: i64 = 500;
/// With no live event for this long, the subscriber checks PostgreSQL for
/// positions it might have missed (the last entries before a Redis loss).
const QUIET_CHECK: Duration = Duration::from_secs(5);

struct Follower {
    services: Services,
    ctx: RequestContext,
    tenant: TenantId,
    types: Option<Vec<String>>,
    last: i64,
    out: mpsc::Sender<AppResult<Envelope>>,
}

impl Follower {
    /// Sends `event` if the subscriber may see it; `Err` when the subscriber is gone.
    async fn emit(&mut self, event: Envelope) -> Result<(), ()> {
        let Some(sequence) = event.sequence else {
            return Ok(());
        };
        if sequence <= self.last {
            return Ok(());
        }
        self.last = sequence;
        if changes_access(&event.event_type) {
            self.refresh_access().await?;
        }
        let wanted = self
            .types
            .as_ref()
            .is_none_or(|t| t.iter().any(|t| event.event_type.starts_with(t.as_str())));
        if wanted && may_see(&self.ctx, &event) {
            self.out.send(Ok(event)).await.map_err(|_| ())?;
        }
        Ok(())
    }

    /// Reloads permissions; a user who lost access gets the error and the stream ends.
    async fn refresh_access(&mut self) -> Result<(), ()> {
        if let Actor::User { tenant_id, user_id } = self.ctx.actor {
            match load_user_access(&self.services.db, tenant_id, user_id).await {
                Ok(access) => self.ctx.access = Some(Arc::new(access)),
                Err(err) => {
                    let _ = self.out.send(Err(err)).await;
                    return Err(());
                }
            }
        }
        Ok(())
    }

    /// Sends every committed event after `last`.
    async fn backfill(&mut self) -> Result<(), ()> {
        loop {
            let page = match replay(&self.services.db, self.tenant, self.last, REPLAY_PAGE).await {
                Ok(page) => page,
                Err(err) => {
                    tracing::warn!(error = %err, "event backfill failed; will retry on the next event");
                    return Ok(());
                }
            };
            let full = page.len() as i64 == REPLAY_PAGE;
            for event in page {
                self.emit(event).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn follow(mut self, mut live: broadcast::Receiver<BusItem>) {
        if self.backfill().await.is_err() {
            return;
        }
        loop {
            let item = tokio::select! {
                _ = self.out.closed() => return,
                item = tokio::time::timeout(QUIET_CHECK, live.recv()) => item,
            };
            let step = match item {
                Ok(Ok(BusItem::Event(event))) => match event.sequence {
                    Some(seq) if seq == self.last + 1 => self.emit(event.as_ref().clone()).await,
                    Some(seq) if seq > self.last + 1 => self.backfill().await,
                    _ => Ok(()),
                },
                Ok(Ok(BusItem::Resync)) | Ok(Err(broadcast::error::RecvError::Lagged(_))) => {
                    self.backfill().await
                }
                Ok(Err(broadcast::error::RecvError::Closed)) => return,
                Err(_quiet) => match position(&self.services.db, self.tenant).await {
                    Ok(latest) if latest > self.last => self.backfill().await,
                    _ => Ok(()),
                },
            };
            if step.is_err() {
                return;
            }
        }
    }
}

/// The caller's tenant's events after position `after` (or from now when
/// `None`), then live ones, without gaps or duplicates, filtered by
/// permission and optionally by type prefixes.
pub async fn subscribe(
    services: &Services,
    ctx: &RequestContext,
    after: Option<i64>,
    types: Option<Vec<String>>,
) -> AppResult<mpsc::Receiver<AppResult<Envelope>>> {
    let tenant = ctx.require_tenant()?;
    if after.is_some_and(|a| a < 0) {
        return Err(AppError::invalid_field(
            "after",
            "must be a stream position (0 or more)",
        ));
    }
    let bus = services
        .bus
        .as_ref()
        .ok_or_else(|| AppError::internal("this process has no event bus"))?;
    // Listen first, then read the position: nothing can fall in between.
    let live = bus.subscribe(tenant.as_uuid());
    let last = match after {
        Some(after) => after,
        None => position(&services.db, tenant).await?,
    };
    let (tx, rx) = mpsc::channel(256);
    let follower = Follower {
        services: services.clone(),
        ctx: ctx.clone(),
        tenant,
        types,
        last,
        out: tx,
    };
    tokio::spawn(follower.follow(live));
    Ok(rx)
}

/// A view sent at once and again after every event of the caller's tenant
/// whose type starts with one of `types` and that `keep` accepts: for
/// subscriptions that re-read what changed (a list, a thread) rather than
/// patch it from the event.
pub async fn refreshed<T, Fut, K, R>(
    services: &Services,
    ctx: &RequestContext,
    types: Vec<String>,
    keep: K,
    read: R,
) -> AppResult<impl futures_util::Stream<Item = AppResult<T>> + Send + use<T, Fut, K, R>>
where
    T: Send + 'static,
    Fut: std::future::Future<Output = AppResult<T>> + Send + 'static,
    K: Fn(&Envelope) -> bool + Send + 'static,
    R: Fn(Services, RequestContext) -> Fut + Send + 'static,
{
    use futures_util::{StreamExt, stream};
    let rx = subscribe(services, ctx, None, Some(types)).await?;
    let changes = tokio_stream::wrappers::ReceiverStream::new(rx).filter_map(move |event| {
        let wanted = event.as_ref().map_or(true, &keep);
        async move { wanted.then_some(event) }
    });
    let (services, ctx) = (services.clone(), ctx.clone());
    let signals = stream::once(async { Ok(()) }).chain(changes.map(|e| e.map(|_| ())));
    Ok(signals.then(move |signal| {
        let next = signal.map(|()| read(services.clone(), ctx.clone()));
        async move { next?.await }
    }))
}

#[cfg(test)]
mod tests {
    use super::audience;

    #[test]
    fn secrets_never_reach_subscribers() {
        assert_eq!(audience("identity.password_reset.requested"), None);
        assert_eq!(
            audience("pos.ticket.settled"),
            Some(Some("pos.ticket.read"))
        );
        assert_eq!(audience("tenant.module.toggled"), Some(None));
    }
}
