use super::service;
use crate::gql::{rc, svc};
use async_graphql::{Context, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use jobs::envelope::Envelope;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use uuid::Uuid;

/// Something that happened in the business.
#[derive(SimpleObject)]
pub struct Event {
    pub event_id: Uuid,
    /// Position in the business's stream; pass the last one you saw as
    /// `after` when you reconnect.
    pub sequence: i64,
    #[graphql(name = "type")]
    pub event_type: String,
    pub entity_id: Option<String>,
    pub version: i64,
    pub occurred_at: DateTime<Utc>,
    pub data: serde_json::Value,
}

impl From<Envelope> for Event {
    fn from(e: Envelope) -> Self {
        Self {
            event_id: e.event_id,
            sequence: e.sequence.unwrap_or_default(),
            event_type: e.event_type,
            entity_id: e.entity_id,
            version: e.version,
            occurred_at: e.occurred_at,
            data: e.data,
        }
    }
}

#[derive(Default)]
pub struct EventsSubscription;

#[Subscription]
impl EventsSubscription {
    /// The business's events you may see: first those after `after` (missed
    /// while away), then live ones, in order, each once. `types` keeps only
    /// events whose type starts with one of the given prefixes (`pos.ticket.`).
    async fn events(
        &self,
        ctx: &Context<'_>,
        after: Option<i64>,
        types: Option<Vec<String>>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Event>>> {
        let rx = service::subscribe(svc(ctx)?, rc(ctx)?, after, types).await?;
        Ok(ReceiverStream::new(rx)
            .map(|item| item.map(Event::from).map_err(async_graphql::Error::from)))
    }
}

/// A typed subscription over one event type (or, when `event_type` ends
/// with a dot, a family of them): each event's data, with its stream
/// `sequence` and its `eventType`, read as `T`, and kept when `keep` says
/// so. Replay, ordering and permission filtering are those of
/// [`service::subscribe`].
pub async fn watch<T, F>(
    ctx: &Context<'_>,
    event_type: &'static str,
    after: Option<i64>,
    keep: F,
) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<T>> + use<T, F>>
where
    T: serde::de::DeserializeOwned + Send + 'static,
    F: Fn(&T) -> bool + Send + 'static,
{
    let rx = service::subscribe(
        svc(ctx)?,
        rc(ctx)?,
        after,
        Some(vec![event_type.to_owned()]),
    )
    .await?;
    Ok(ReceiverStream::new(rx).filter_map(move |item| match item {
        Err(err) => Some(Err(async_graphql::Error::from(err))),
        // `types` matches prefixes; a view of one type wants just that one.
        Ok(event) if !event_type.ends_with('.') && event.event_type != event_type => None,
        Ok(event) => {
            let mut data = event.data;
            if let Some(fields) = data.as_object_mut() {
                fields.insert("sequence".into(), event.sequence.unwrap_or_default().into());
                fields.insert("eventType".into(), event.event_type.clone().into());
            }
            match serde_json::from_value::<T>(data) {
                Ok(value) => keep(&value).then_some(Ok(value)),
                Err(err) => {
                    tracing::warn!(event_type, error = %err, "event data does not fit its subscription type");
                    None
                }
            }
        }
    }))
}
