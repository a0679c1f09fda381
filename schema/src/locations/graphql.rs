use super::service::{self, Location, LocationPatch, NewLocation};
use crate::gql::{rc, svc};
use async_graphql::{Context, InputObject, Object};
use kernel::LocationId;

#[derive(InputObject)]
pub struct UpdateLocationInput {
    pub location_id: LocationId,
    #[graphql(flatten)]
    pub patch: LocationPatch,
}

#[derive(Default)]
pub struct LocationsQuery;

#[Object]
impl LocationsQuery {
    /// The business's locations, for anyone signed in to it.
    async fn locations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Location>> {
        Ok(service::list(&svc(ctx)?.db, rc(ctx)?).await?)
    }
}

#[derive(Default)]
pub struct LocationsMutation;

#[Object]
impl LocationsMutation {
    async fn create_location(
        &self,
        ctx: &Context<'_>,
        input: NewLocation,
    ) -> async_graphql::Result<Location> {
        Ok(service::create(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn update_location(
        &self,
        ctx: &Context<'_>,
        input: UpdateLocationInput,
    ) -> async_graphql::Result<Location> {
        Ok(service::update(&svc(ctx)?.db, rc(ctx)?, input.location_id, input.patch).await?)
    }
}
