use super::service::{self, Location};
use crate::gql::{rc, svc};
use crate::text::{Name, TimeZone};
use async_graphql::{Context, InputObject, Object};
use uuid::Uuid;

#[derive(InputObject)]
pub struct CreateLocationInput {
    pub name: Name,
    /// IANA time zone, UTC when left out.
    pub timezone: Option<TimeZone>,
}

#[derive(InputObject)]
pub struct UpdateLocationInput {
    pub location_id: Uuid,
    pub name: Option<Name>,
    pub timezone: Option<TimeZone>,
    pub active: Option<bool>,
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
        input: CreateLocationInput,
    ) -> async_graphql::Result<Location> {
        Ok(service::create(
            &svc(ctx)?.db,
            rc(ctx)?,
            &input.name,
            input.timezone.as_deref(),
        )
        .await?)
    }

    async fn update_location(
        &self,
        ctx: &Context<'_>,
        input: UpdateLocationInput,
    ) -> async_graphql::Result<Location> {
        Ok(service::update(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.location_id,
            input.name.as_deref(),
            input.timezone.as_deref(),
            input.active,
        )
        .await?)
    }
}
