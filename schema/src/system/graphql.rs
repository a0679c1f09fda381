use super::service::{self, ServerInfo, ServerMeta};
use async_graphql::{Context, Object, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};
use kernel::AppError;
use std::sync::Arc;
use tokio_stream::wrappers::IntervalStream;

fn meta<'a>(ctx: &Context<'a>) -> Result<&'a Arc<ServerMeta>, AppError> {
    Ok(&crate::gql::svc(ctx)?.server)
}

#[derive(Default)]
pub struct SystemQuery;

#[Object]
impl SystemQuery {
    /// Name, version and clock of the server that answers.
    async fn server_info(&self, ctx: &Context<'_>) -> async_graphql::Result<ServerInfo> {
        Ok(service::server_info(meta(ctx)?))
    }
}

#[derive(Default)]
pub struct SystemSubscription;

#[Subscription]
impl SystemSubscription {
    /// The server's clock, ticking every `intervalMs` milliseconds (100 to 60000).
    async fn server_time(
        &self,
        #[graphql(default = 1000)] interval_ms: i64,
    ) -> async_graphql::Result<impl Stream<Item = DateTime<Utc>>> {
        let period = service::tick_interval(interval_ms)?;
        Ok(IntervalStream::new(tokio::time::interval(period)).map(|_| Utc::now()))
    }
}
