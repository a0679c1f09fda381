use super::{
    ItemMove, KitchenItem, NewStation, Route, RouteInput, Station, StationPatch, StationScreen,
    TicketMove, routes, screens, stations, work,
};
use crate::gql::{rc, svc};
use async_graphql::{Context, InputObject, Object, Subscription};
use futures_util::{Stream, StreamExt};
use kernel::{LocationId, StationId};

#[derive(InputObject)]
pub struct UpdateKitchenStationInput {
    pub station_id: StationId,
    #[graphql(flatten)]
    pub patch: StationPatch,
}

#[derive(Default)]
pub struct KitchenQuery;

#[Object]
impl KitchenQuery {
    /// A location's kitchen stations (every location's when left out).
    async fn kitchen_stations(
        &self,
        ctx: &Context<'_>,
        location_id: Option<LocationId>,
    ) -> async_graphql::Result<Vec<Station>> {
        Ok(stations::list(&svc(ctx)?.db, rc(ctx)?, location_id).await?)
    }

    /// Where the menu's lines go at a location (every location's when left out).
    async fn kitchen_routes(
        &self,
        ctx: &Context<'_>,
        location_id: Option<LocationId>,
    ) -> async_graphql::Result<Vec<Route>> {
        Ok(routes::list(&svc(ctx)?.db, rc(ctx)?, location_id).await?)
    }

    /// What a station's screen shows: its live tickets, oldest first, with
    /// their aging; at expo, each ticket's readiness.
    async fn kitchen_screen(
        &self,
        ctx: &Context<'_>,
        station_id: StationId,
    ) -> async_graphql::Result<StationScreen> {
        Ok(screens::screen(&svc(ctx)?.db, rc(ctx)?, station_id).await?)
    }
}

#[derive(Default)]
pub struct KitchenMutation;

#[Object]
impl KitchenMutation {
    async fn create_kitchen_station(
        &self,
        ctx: &Context<'_>,
        input: NewStation,
    ) -> async_graphql::Result<Station> {
        Ok(stations::create(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn update_kitchen_station(
        &self,
        ctx: &Context<'_>,
        input: UpdateKitchenStationInput,
    ) -> async_graphql::Result<Station> {
        Ok(stations::update(&svc(ctx)?.db, rc(ctx)?, input.station_id, input.patch).await?)
    }

    /// Sets where a category's, item's or modifier's lines go (no stations:
    /// the rule is removed). Work already fired keeps its stations.
    async fn set_kitchen_route(
        &self,
        ctx: &Context<'_>,
        input: RouteInput,
    ) -> async_graphql::Result<Route> {
        Ok(routes::set(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn start_kitchen_item(
        &self,
        ctx: &Context<'_>,
        input: ItemMove,
    ) -> async_graphql::Result<KitchenItem> {
        Ok(work::start(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn ready_kitchen_item(
        &self,
        ctx: &Context<'_>,
        input: ItemMove,
    ) -> async_graphql::Result<KitchenItem> {
        Ok(work::ready(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Bumps a ticket off a station; at expo, hands it out once every item
    /// it waits for is ready. The same idempotency key acts once.
    async fn bump_kitchen_ticket(
        &self,
        ctx: &Context<'_>,
        input: TicketMove,
    ) -> async_graphql::Result<Vec<KitchenItem>> {
        Ok(work::bump(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Brings a ticket bumped in the last 30 minutes back; at expo, on every
    /// station that had it.
    async fn recall_kitchen_ticket(
        &self,
        ctx: &Context<'_>,
        input: TicketMove,
    ) -> async_graphql::Result<Vec<KitchenItem>> {
        Ok(work::recall(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }
}

#[derive(Default)]
pub struct KitchenSubscription;

#[Subscription]
impl KitchenSubscription {
    /// A station's screen at once, and again whenever its work changes (a
    /// fire, a move, a void); expo's whenever work of its location does.
    async fn kitchen_screen(
        &self,
        ctx: &Context<'_>,
        station_id: StationId,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<StationScreen>>> {
        let (services, request) = (svc(ctx)?, rc(ctx)?);
        // Refuse at once what the first read would refuse.
        let first = screens::screen(&services.db, request, station_id).await?;
        let station = first.station;
        let (id, location) = (station.id.to_string(), station.location_id.to_string());
        let keep = move |e: &jobs::envelope::Envelope| {
            if station.is_expo {
                e.data.get("locationId").and_then(|l| l.as_str()) == Some(location.as_str())
            } else {
                e.data
                    .get("stationIds")
                    .and_then(|s| s.as_array())
                    .is_some_and(|s| s.iter().any(|s| s.as_str() == Some(id.as_str())))
            }
        };
        let updates = crate::events::service::refreshed(
            services,
            request,
            vec!["kitchen.".to_owned()],
            keep,
            move |services, request| async move {
                screens::screen(&services.db, &request, station_id).await
            },
        )
        .await?;
        Ok(updates.map(|r| r.map_err(Into::into)))
    }
}
