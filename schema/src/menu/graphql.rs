use super::service::{
    self, Category, Item, ItemPatch, ModifierGroup, NewItem, NewModifier, NewVariant, Variant,
};
use crate::gql::{connection, loader, page, rc, svc, unshare};
use crate::loaders::{ModifierGroupsByItem, SoldOutLocationsByItem, VariantsByItem};
use crate::text::{CurrencyCode, Description, LongName, Name, Sku};
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, InputObject, Object};
use uuid::Uuid;

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
    async fn sold_out_location_ids(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Uuid>> {
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
        location_id: Uuid,
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
pub struct CreateMenuCategoryInput {
    pub name: Name,
    #[graphql(default)]
    pub sort_order: i32,
}

#[derive(InputObject)]
pub struct UpdateMenuCategoryInput {
    pub category_id: Uuid,
    pub name: Option<Name>,
    pub sort_order: Option<i32>,
    pub active: Option<bool>,
}

#[derive(InputObject)]
pub struct VariantInput {
    pub name: Name,
    #[graphql(default)]
    pub price_delta_minor: i64,
}

#[derive(InputObject)]
pub struct ModifierInput {
    pub name: Name,
    #[graphql(default)]
    pub price_delta_minor: i64,
}

#[derive(InputObject)]
pub struct CreateModifierGroupInput {
    pub name: Name,
    pub min_select: i32,
    pub max_select: i32,
    pub modifiers: Vec<ModifierInput>,
}

#[derive(InputObject)]
pub struct CreateMenuItemInput {
    pub category_id: Uuid,
    pub sku: Sku,
    pub name: LongName,
    pub description: Option<Description>,
    /// Minor units (cents) of `currency`.
    pub price_minor: i64,
    /// ISO 4217, e.g. EUR.
    pub currency: CurrencyCode,
    /// Basis points: 2000 = 20 %.
    pub tax_rate_bp: i32,
    #[graphql(default)]
    pub variants: Vec<VariantInput>,
    #[graphql(default)]
    pub modifier_group_ids: Vec<Uuid>,
}

#[derive(InputObject)]
pub struct UpdateMenuItemInput {
    pub item_id: Uuid,
    /// The version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    pub category_id: Option<Uuid>,
    pub name: Option<LongName>,
    pub description: Option<Description>,
    pub price_minor: Option<i64>,
    pub tax_rate_bp: Option<i32>,
    pub active: Option<bool>,
    /// Replaces the variants when given.
    pub variants: Option<Vec<VariantInput>>,
    /// Replaces the modifier groups when given.
    pub modifier_group_ids: Option<Vec<Uuid>>,
}

#[derive(InputObject)]
pub struct SetMenuItemAvailabilityInput {
    pub item_id: Uuid,
    pub sold_out: bool,
    /// One location only; everywhere when left out.
    pub location_id: Option<Uuid>,
}

#[derive(InputObject)]
pub struct MenuItemIdInput {
    pub item_id: Uuid,
}

fn variants(input: Vec<VariantInput>) -> Vec<NewVariant> {
    input
        .into_iter()
        .map(|v| NewVariant {
            name: v.name.into(),
            price_delta_minor: v.price_delta_minor,
        })
        .collect()
}

#[derive(Default)]
pub struct MenuQuery;

#[Object]
impl MenuQuery {
    async fn menu_categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        Ok(service::list_categories(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    async fn menu_items(
        &self,
        ctx: &Context<'_>,
        category_id: Option<Uuid>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Item>> {
        let result =
            service::list_items(&svc(ctx)?.db, rc(ctx)?, category_id, page(first, after)?).await?;
        Ok(connection(result, |i| i.id))
    }

    async fn menu_item(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Item> {
        Ok(service::get_item(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    async fn modifier_groups(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ModifierGroup>> {
        Ok(service::list_modifier_groups(&svc(ctx)?.db, rc(ctx)?).await?)
    }
}

#[derive(Default)]
pub struct MenuMutation;

#[Object]
impl MenuMutation {
    async fn create_menu_category(
        &self,
        ctx: &Context<'_>,
        input: CreateMenuCategoryInput,
    ) -> async_graphql::Result<Category> {
        Ok(
            service::create_category(&svc(ctx)?.db, rc(ctx)?, &input.name, input.sort_order)
                .await?,
        )
    }

    async fn update_menu_category(
        &self,
        ctx: &Context<'_>,
        input: UpdateMenuCategoryInput,
    ) -> async_graphql::Result<Category> {
        Ok(service::update_category(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.category_id,
            input.name.as_deref(),
            input.sort_order,
            input.active,
        )
        .await?)
    }

    async fn create_modifier_group(
        &self,
        ctx: &Context<'_>,
        input: CreateModifierGroupInput,
    ) -> async_graphql::Result<ModifierGroup> {
        let modifiers = input
            .modifiers
            .into_iter()
            .map(|m| NewModifier {
                name: m.name.into(),
                price_delta_minor: m.price_delta_minor,
            })
            .collect();
        Ok(service::create_modifier_group(
            &svc(ctx)?.db,
            rc(ctx)?,
            &input.name,
            input.min_select,
            input.max_select,
            modifiers,
        )
        .await?)
    }

    async fn create_menu_item(
        &self,
        ctx: &Context<'_>,
        input: CreateMenuItemInput,
    ) -> async_graphql::Result<Item> {
        let input = NewItem {
            category_id: input.category_id,
            sku: input.sku.into(),
            name: input.name.into(),
            description: input.description.map(Into::into),
            price_minor: input.price_minor,
            currency: input.currency.into(),
            tax_rate_bp: input.tax_rate_bp,
            variants: variants(input.variants),
            modifier_group_ids: input.modifier_group_ids,
        };
        Ok(service::create_item(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn update_menu_item(
        &self,
        ctx: &Context<'_>,
        input: UpdateMenuItemInput,
    ) -> async_graphql::Result<Item> {
        let patch = ItemPatch {
            expected_version: input.expected_version,
            category_id: input.category_id,
            name: input.name.map(Into::into),
            description: input.description.map(Into::into),
            price_minor: input.price_minor,
            tax_rate_bp: input.tax_rate_bp,
            active: input.active,
            variants: input.variants.map(variants),
            modifier_group_ids: input.modifier_group_ids,
        };
        Ok(service::update_item(&svc(ctx)?.db, rc(ctx)?, input.item_id, patch).await?)
    }

    /// Sold out, or back: terminals and kitchen screens hear it through `events`.
    async fn set_menu_item_availability(
        &self,
        ctx: &Context<'_>,
        input: SetMenuItemAvailabilityInput,
    ) -> async_graphql::Result<Item> {
        Ok(service::set_availability(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.item_id,
            input.sold_out,
            input.location_id,
        )
        .await?)
    }

    async fn delete_menu_item(
        &self,
        ctx: &Context<'_>,
        input: MenuItemIdInput,
    ) -> async_graphql::Result<Item> {
        Ok(service::delete_item(&svc(ctx)?.db, rc(ctx)?, input.item_id).await?)
    }
}

/// An item sold out or back (`menu.item.availability_changed`).
#[derive(Debug, Clone, serde::Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct AvailabilityChange {
    /// Position in the business's event stream, for `after` on reconnect.
    #[serde(default)]
    pub sequence: i64,
    pub item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub sold_out: bool,
    /// The one location it applies to; everywhere when null.
    pub location_id: Option<Uuid>,
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
        location_id: Option<Uuid>,
        after: Option<i64>,
    ) -> async_graphql::Result<
        impl futures_util::Stream<Item = async_graphql::Result<AvailabilityChange>>,
    > {
        rc(ctx)?.require("menu.catalog.read")?;
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
