//! The menu's GraphQL: thin resolvers over the aggregates' commands, and the
//! item's relations through the request's dataloaders.

use super::availability::{self, AvailabilityChange, SetAvailability};
use super::categories::{self, Category, CategoryPatch, NewCategory};
use super::items::{self, Item, ItemPatch, NewItem, Variant};
use super::modifiers::{self, ModifierGroup, NewModifierGroup};
use crate::gql::{connection, loader, page, rc, svc, unshare};
use crate::loaders::{ModifierGroupsByItem, SoldOutLocationsByItem, VariantsByItem};
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, InputObject, Object};
use kernel::{CategoryId, LocationId, MenuItemId};

#[ComplexObject]
impl Item {
    async fn variants(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Variant>> {
        Ok(loader::<VariantsByItem>(ctx)?
            .load_one(self.id)
            .await
            .map_err(unshare)?
            .unwrap_or_default())
    }

    /// Locations where the item is sold out (besides `soldOut`, which is everywhere).
    async fn sold_out_location_ids(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<LocationId>> {
        Ok(loader::<SoldOutLocationsByItem>(ctx)?
            .load_one(self.id)
            .await
            .map_err(unshare)?
            .unwrap_or_default())
    }

    /// Whether the item can be sold at a location now.
    async fn available_at(
        &self,
        ctx: &Context<'_>,
        location_id: LocationId,
    ) -> async_graphql::Result<bool> {
        if !self.active || self.sold_out {
            return Ok(false);
        }
        let at = loader::<SoldOutLocationsByItem>(ctx)?
            .load_one(self.id)
            .await
            .map_err(unshare)?
            .unwrap_or_default();
        Ok(!at.contains(&location_id))
    }

    async fn modifier_groups(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ModifierGroup>> {
        Ok(loader::<ModifierGroupsByItem>(ctx)?
            .load_one(self.id)
            .await
            .map_err(unshare)?
            .unwrap_or_default())
    }
}

#[derive(InputObject)]
pub struct UpdateMenuCategoryInput {
    pub category_id: CategoryId,
    #[graphql(flatten)]
    pub patch: CategoryPatch,
}

#[derive(InputObject)]
pub struct UpdateMenuItemInput {
    pub item_id: MenuItemId,
    #[graphql(flatten)]
    pub patch: ItemPatch,
}

#[derive(InputObject)]
pub struct SetMenuItemAvailabilityInput {
    pub item_id: MenuItemId,
    #[graphql(flatten)]
    pub availability: SetAvailability,
}

#[derive(InputObject)]
pub struct MenuItemIdInput {
    pub item_id: MenuItemId,
}

#[derive(Default)]
pub struct MenuQuery;

#[Object]
impl MenuQuery {
    async fn menu_categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        Ok(categories::list_categories(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    async fn menu_items(
        &self,
        ctx: &Context<'_>,
        category_id: Option<CategoryId>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Item>> {
        let result =
            items::list_items(&svc(ctx)?.db, rc(ctx)?, category_id, page(first, after)?).await?;
        Ok(connection(result, |i| i.id.as_uuid()))
    }

    async fn menu_item(&self, ctx: &Context<'_>, id: MenuItemId) -> async_graphql::Result<Item> {
        Ok(items::get_item(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    async fn modifier_groups(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ModifierGroup>> {
        Ok(modifiers::list_modifier_groups(&svc(ctx)?.db, rc(ctx)?).await?)
    }
}

#[derive(Default)]
pub struct MenuMutation;

#[Object]
impl MenuMutation {
    async fn create_menu_category(
        &self,
        ctx: &Context<'_>,
        input: NewCategory,
    ) -> async_graphql::Result<Category> {
        Ok(categories::create_category(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn update_menu_category(
        &self,
        ctx: &Context<'_>,
        input: UpdateMenuCategoryInput,
    ) -> async_graphql::Result<Category> {
        Ok(
            categories::update_category(&svc(ctx)?.db, rc(ctx)?, input.category_id, input.patch)
                .await?,
        )
    }

    async fn create_modifier_group(
        &self,
        ctx: &Context<'_>,
        input: NewModifierGroup,
    ) -> async_graphql::Result<ModifierGroup> {
        Ok(modifiers::create_modifier_group(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn create_menu_item(
        &self,
        ctx: &Context<'_>,
        input: NewItem,
    ) -> async_graphql::Result<Item> {
        Ok(items::create_item(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn update_menu_item(
        &self,
        ctx: &Context<'_>,
        input: UpdateMenuItemInput,
    ) -> async_graphql::Result<Item> {
        Ok(items::update_item(&svc(ctx)?.db, rc(ctx)?, input.item_id, input.patch).await?)
    }

    /// Sold out, or back: terminals and kitchen screens hear it through `events`.
    async fn set_menu_item_availability(
        &self,
        ctx: &Context<'_>,
        input: SetMenuItemAvailabilityInput,
    ) -> async_graphql::Result<Item> {
        Ok(availability::set_availability(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.item_id,
            input.availability,
        )
        .await?)
    }

    async fn delete_menu_item(
        &self,
        ctx: &Context<'_>,
        input: MenuItemIdInput,
    ) -> async_graphql::Result<Item> {
        Ok(items::delete_item(&svc(ctx)?.db, rc(ctx)?, input.item_id).await?)
    }
}

#[derive(Default)]
pub struct MenuSubscription;

#[async_graphql::Subscription]
impl MenuSubscription {
    /// Items sold out or back: everywhere, or at `locationId` (changes for
    /// every location are included).
    async fn menu_availability_changed(
        &self,
        ctx: &Context<'_>,
        location_id: Option<LocationId>,
        after: Option<i64>,
    ) -> async_graphql::Result<
        impl futures_util::Stream<Item = async_graphql::Result<AvailabilityChange>>,
    > {
        rc(ctx)?.require(super::READ)?;
        crate::events::graphql::watch(
            ctx,
            "menu.item.availability_changed",
            after,
            move |change: &AvailabilityChange| {
                location_id.is_none()
                    || change.location_id.is_none()
                    || change.location_id == location_id
            },
        )
        .await
    }
}
