//! Thin GraphQL objects over the inventory commands. The inputs are the
//! commands' own; the types here only add what GraphQL carries besides
//! (ids the REST shim takes from its path, the idempotency key it reads
//! from a header).

use super::counts::{self, CountStatus, CountedLine, NewCount, StockCount};
use super::items::{self, NewStockItem, StockItem, StockItemPatch, StockLevel};
use super::ledger::{self, Adjustment, Movement, StockAdjustment};
use super::levels::ReorderPoint;
use super::recipes::{self, Recipe, RecipeComponents, RecipeOf};
use super::transfers::{self, NewTransfer, StockTransfer, TransferStatus};
use super::{MovementKind, READ, StockUnit};
use crate::events::graphql::watch;
use crate::gql::{connection, page, rc, svc};
use crate::quantity::Quantity;
use crate::text::IdempotencyKey;
use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use kernel::{
    AppError, CountId, LocationId, MenuItemId, ModifierId, MovementId, StockItemId, TransferId,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(InputObject)]
pub struct UpdateStockItemInput {
    pub stock_item_id: StockItemId,
    #[graphql(flatten)]
    pub patch: StockItemPatch,
}

#[derive(InputObject)]
pub struct SetReorderPointInput {
    pub stock_item_id: StockItemId,
    pub location_id: LocationId,
    #[graphql(flatten)]
    pub point: ReorderPoint,
}

#[derive(InputObject)]
pub struct AdjustStockInput {
    #[graphql(flatten)]
    pub adjustment: Adjustment,
    /// Retries with the same key and input return the first result.
    pub idempotency_key: Option<IdempotencyKey>,
}

#[derive(InputObject)]
pub struct RecordStockCountInput {
    pub count_id: CountId,
    pub stock_item_id: StockItemId,
    #[graphql(flatten)]
    pub line: CountedLine,
}

#[derive(InputObject)]
pub struct StockCountIdInput {
    pub count_id: CountId,
}

#[derive(InputObject)]
pub struct StockTransferIdInput {
    pub transfer_id: TransferId,
}

#[derive(InputObject)]
pub struct SetRecipeInput {
    /// The menu item the recipe is for (or give `modifierId`).
    pub menu_item_id: Option<MenuItemId>,
    pub modifier_id: Option<ModifierId>,
    #[graphql(flatten)]
    pub recipe: RecipeComponents,
}

fn recipe_of(
    menu_item: Option<MenuItemId>,
    modifier: Option<ModifierId>,
) -> Result<RecipeOf, AppError> {
    match (menu_item, modifier) {
        (Some(item), None) => Ok(RecipeOf::MenuItem(item)),
        (None, Some(modifier)) => Ok(RecipeOf::Modifier(modifier)),
        _ => Err(AppError::validation(
            "give exactly one of menuItemId and modifierId",
        )),
    }
}

#[derive(Default)]
pub struct InventoryQuery;

#[Object]
impl InventoryQuery {
    async fn stock_items(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, StockItem>> {
        let result = items::list(&svc(ctx)?.db, rc(ctx)?, page(first, after)?).await?;
        Ok(connection(result, |i| i.id.as_uuid()))
    }

    async fn stock_item(
        &self,
        ctx: &Context<'_>,
        id: StockItemId,
    ) -> async_graphql::Result<StockItem> {
        Ok(items::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// Levels of every active stock item at a location, of one item at every
    /// location, or both. `lowOnly` keeps those at or below their reorder point.
    async fn stock_levels(
        &self,
        ctx: &Context<'_>,
        location_id: Option<LocationId>,
        stock_item_id: Option<StockItemId>,
        #[graphql(default)] low_only: bool,
    ) -> async_graphql::Result<Vec<StockLevel>> {
        Ok(items::levels(
            &svc(ctx)?.db,
            rc(ctx)?,
            location_id,
            stock_item_id,
            low_only,
        )
        .await?)
    }

    /// The ledger, in the order it was recorded.
    async fn stock_movements(
        &self,
        ctx: &Context<'_>,
        stock_item_id: Option<StockItemId>,
        location_id: Option<LocationId>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Movement>> {
        let result = ledger::movements(
            &svc(ctx)?.db,
            rc(ctx)?,
            stock_item_id,
            location_id,
            page(first, after)?,
        )
        .await?;
        Ok(connection(result, |m| m.id.as_uuid()))
    }

    /// The 100 newest counts.
    async fn stock_counts(
        &self,
        ctx: &Context<'_>,
        location_id: Option<LocationId>,
        status: Option<CountStatus>,
    ) -> async_graphql::Result<Vec<StockCount>> {
        Ok(counts::list(&svc(ctx)?.db, rc(ctx)?, location_id, status).await?)
    }

    async fn stock_count(
        &self,
        ctx: &Context<'_>,
        id: CountId,
    ) -> async_graphql::Result<StockCount> {
        Ok(counts::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// The 100 newest transfers.
    async fn stock_transfers(
        &self,
        ctx: &Context<'_>,
        status: Option<TransferStatus>,
        location_id: Option<LocationId>,
    ) -> async_graphql::Result<Vec<StockTransfer>> {
        Ok(transfers::list(&svc(ctx)?.db, rc(ctx)?, status, location_id).await?)
    }

    async fn stock_transfer(
        &self,
        ctx: &Context<'_>,
        id: TransferId,
    ) -> async_graphql::Result<StockTransfer> {
        Ok(transfers::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// The recipe of a menu item or of a modifier.
    async fn recipe(
        &self,
        ctx: &Context<'_>,
        menu_item_id: Option<MenuItemId>,
        modifier_id: Option<ModifierId>,
    ) -> async_graphql::Result<Recipe> {
        let of = recipe_of(menu_item_id, modifier_id)?;
        Ok(recipes::get(&svc(ctx)?.db, rc(ctx)?, of).await?)
    }
}

#[derive(Default)]
pub struct InventoryMutation;

#[Object]
impl InventoryMutation {
    async fn create_stock_item(
        &self,
        ctx: &Context<'_>,
        input: NewStockItem,
    ) -> async_graphql::Result<StockItem> {
        Ok(items::create(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn update_stock_item(
        &self,
        ctx: &Context<'_>,
        input: UpdateStockItemInput,
    ) -> async_graphql::Result<StockItem> {
        Ok(items::update(&svc(ctx)?.db, rc(ctx)?, input.stock_item_id, input.patch).await?)
    }

    async fn set_reorder_point(
        &self,
        ctx: &Context<'_>,
        input: SetReorderPointInput,
    ) -> async_graphql::Result<StockLevel> {
        let (item, location) = (input.stock_item_id, input.location_id);
        Ok(items::set_reorder_point(&svc(ctx)?.db, rc(ctx)?, item, location, input.point).await?)
    }

    /// Records stock received, wasted, sold or returned. Takes an idempotency key.
    async fn adjust_stock(
        &self,
        ctx: &Context<'_>,
        input: AdjustStockInput,
    ) -> async_graphql::Result<StockAdjustment> {
        let key = input.idempotency_key.as_deref();
        Ok(ledger::adjust(&svc(ctx)?.db, rc(ctx)?, input.adjustment, key).await?)
    }

    async fn start_stock_count(
        &self,
        ctx: &Context<'_>,
        input: NewCount,
    ) -> async_graphql::Result<StockCount> {
        Ok(counts::start(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn record_stock_count(
        &self,
        ctx: &Context<'_>,
        input: RecordStockCountInput,
    ) -> async_graphql::Result<StockCount> {
        let (count, item) = (input.count_id, input.stock_item_id);
        Ok(counts::record_line(&svc(ctx)?.db, rc(ctx)?, count, item, input.line).await?)
    }

    /// Posts the count: on-hand restarts from what was counted.
    async fn post_stock_count(
        &self,
        ctx: &Context<'_>,
        input: StockCountIdInput,
    ) -> async_graphql::Result<StockCount> {
        Ok(counts::post(&svc(ctx)?.db, rc(ctx)?, input.count_id).await?)
    }

    async fn cancel_stock_count(
        &self,
        ctx: &Context<'_>,
        input: StockCountIdInput,
    ) -> async_graphql::Result<StockCount> {
        Ok(counts::cancel(&svc(ctx)?.db, rc(ctx)?, input.count_id).await?)
    }

    /// Sends stock to another location; it is in transit until received.
    async fn send_stock_transfer(
        &self,
        ctx: &Context<'_>,
        input: NewTransfer,
    ) -> async_graphql::Result<StockTransfer> {
        Ok(transfers::send(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn receive_stock_transfer(
        &self,
        ctx: &Context<'_>,
        input: StockTransferIdInput,
    ) -> async_graphql::Result<StockTransfer> {
        Ok(transfers::receive(&svc(ctx)?.db, rc(ctx)?, input.transfer_id).await?)
    }

    /// Cancels a transfer in transit; the stock goes back to the source.
    async fn cancel_stock_transfer(
        &self,
        ctx: &Context<'_>,
        input: StockTransferIdInput,
    ) -> async_graphql::Result<StockTransfer> {
        Ok(transfers::cancel(&svc(ctx)?.db, rc(ctx)?, input.transfer_id).await?)
    }

    async fn set_recipe(
        &self,
        ctx: &Context<'_>,
        input: SetRecipeInput,
    ) -> async_graphql::Result<Recipe> {
        let of = recipe_of(input.menu_item_id, input.modifier_id)?;
        Ok(recipes::set(&svc(ctx)?.db, rc(ctx)?, of, input.recipe).await?)
    }
}

/// A stock level moved (`inventory.stock.adjusted`).
#[derive(Debug, Clone, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct StockLevelChange {
    /// Position in the business's event stream, for `after` on reconnect.
    #[serde(default)]
    pub sequence: i64,
    pub movement_id: MovementId,
    pub stock_item_id: StockItemId,
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    pub location_id: LocationId,
    pub kind: MovementKind,
    pub quantity: Quantity,
    pub previous_on_hand: Quantity,
    pub on_hand: Quantity,
    pub reorder_point: Option<Quantity>,
    pub low: bool,
    pub occurred_at: DateTime<Utc>,
    pub source_type: Option<String>,
    pub source_id: Option<Uuid>,
}

#[derive(Default)]
pub struct InventorySubscription;

#[Subscription]
impl InventorySubscription {
    /// Stock level changes, of one location or item when given: first those
    /// after `after` (a sequence), then live ones.
    async fn stock_level_changed(
        &self,
        ctx: &Context<'_>,
        location_id: Option<LocationId>,
        stock_item_id: Option<StockItemId>,
        after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<StockLevelChange>>> {
        rc(ctx)?.require(READ)?;
        watch(
            ctx,
            "inventory.stock.adjusted",
            after,
            move |change: &StockLevelChange| {
                location_id.is_none_or(|l| l == change.location_id)
                    && stock_item_id.is_none_or(|i| i == change.stock_item_id)
            },
        )
        .await
    }
}
