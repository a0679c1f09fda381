use super::counts::{self, CountStatus, StockCount};
use super::items::{self, NewStockItem, StockItem, StockItemPatch, StockLevel};
use super::ledger::{self, Adjustment, Movement, StockAdjustment};
use super::recipes::{self, NewComponent, Recipe, RecipeOf};
use super::transfers::{self, NewTransferLine, StockTransfer, TransferStatus};
use super::{MovementKind, READ, StockUnit};
use crate::events::graphql::watch;
use crate::gql::{connection, page, rc, svc};
use crate::quantity::Quantity;
use crate::text::{IdempotencyKey, LongName, Note, Reason, Sku};
use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use kernel::AppError;
use serde::Deserialize;
use uuid::Uuid;

#[derive(InputObject)]
pub struct CreateStockItemInput {
    pub sku: Sku,
    pub name: LongName,
    pub unit: StockUnit,
    /// For retail goods: the menu item that sells one of this.
    pub menu_item_id: Option<Uuid>,
}

#[derive(InputObject)]
pub struct UpdateStockItemInput {
    pub stock_item_id: Uuid,
    /// The version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    pub name: Option<LongName>,
    /// `null` unlinks the menu item.
    pub menu_item_id: MaybeUndefined<Uuid>,
    pub active: Option<bool>,
}

#[derive(InputObject)]
pub struct SetReorderPointInput {
    pub stock_item_id: Uuid,
    pub location_id: Uuid,
    /// `null` clears it.
    pub reorder_point: Option<Quantity>,
}

#[derive(InputObject)]
pub struct AdjustStockInput {
    pub stock_item_id: Uuid,
    pub location_id: Uuid,
    /// RECEIVED, WASTE, SALE or REFUND_RETURN.
    pub kind: MovementKind,
    /// How much, more than zero; the kind gives the direction.
    pub quantity: Quantity,
    /// When it happened on the terminal; now when left out.
    pub occurred_at: Option<DateTime<Utc>>,
    pub reason: Option<Reason>,
    /// Retries with the same key and input return the first result.
    pub idempotency_key: Option<IdempotencyKey>,
}

#[derive(InputObject)]
pub struct StartStockCountInput {
    pub location_id: Uuid,
    pub note: Option<Note>,
}

#[derive(InputObject)]
pub struct RecordStockCountInput {
    pub count_id: Uuid,
    pub stock_item_id: Uuid,
    pub counted: Quantity,
    /// When it was counted; now when left out.
    pub counted_at: Option<DateTime<Utc>>,
}

#[derive(InputObject)]
pub struct StockCountIdInput {
    pub count_id: Uuid,
}

#[derive(InputObject)]
pub struct TransferLineInput {
    pub stock_item_id: Uuid,
    pub quantity: Quantity,
}

#[derive(InputObject)]
pub struct SendStockTransferInput {
    pub from_location_id: Uuid,
    pub to_location_id: Uuid,
    pub lines: Vec<TransferLineInput>,
    pub note: Option<Note>,
}

#[derive(InputObject)]
pub struct StockTransferIdInput {
    pub transfer_id: Uuid,
}

#[derive(InputObject)]
pub struct RecipeComponentInput {
    pub stock_item_id: Uuid,
    /// Consumed per one sold.
    pub quantity: Quantity,
}

#[derive(InputObject)]
pub struct SetRecipeInput {
    /// The menu item the recipe is for (or give `modifierId`).
    pub menu_item_id: Option<Uuid>,
    pub modifier_id: Option<Uuid>,
    /// Replaces the recipe; an empty list clears it.
    pub components: Vec<RecipeComponentInput>,
}

fn recipe_of(menu_item: Option<Uuid>, modifier: Option<Uuid>) -> Result<RecipeOf, AppError> {
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
        Ok(connection(result, |i| i.id))
    }

    async fn stock_item(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<StockItem> {
        Ok(items::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// Levels of every active stock item at a location, of one item at every
    /// location, or both. `lowOnly` keeps those at or below their reorder point.
    async fn stock_levels(
        &self,
        ctx: &Context<'_>,
        location_id: Option<Uuid>,
        stock_item_id: Option<Uuid>,
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
        stock_item_id: Option<Uuid>,
        location_id: Option<Uuid>,
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
        Ok(connection(result, |m| m.id))
    }

    /// The 100 newest counts.
    async fn stock_counts(
        &self,
        ctx: &Context<'_>,
        location_id: Option<Uuid>,
        status: Option<CountStatus>,
    ) -> async_graphql::Result<Vec<StockCount>> {
        Ok(counts::list(&svc(ctx)?.db, rc(ctx)?, location_id, status).await?)
    }

    async fn stock_count(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<StockCount> {
        Ok(counts::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// The 100 newest transfers.
    async fn stock_transfers(
        &self,
        ctx: &Context<'_>,
        status: Option<TransferStatus>,
        location_id: Option<Uuid>,
    ) -> async_graphql::Result<Vec<StockTransfer>> {
        Ok(transfers::list(&svc(ctx)?.db, rc(ctx)?, status, location_id).await?)
    }

    async fn stock_transfer(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> async_graphql::Result<StockTransfer> {
        Ok(transfers::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// The recipe of a menu item or of a modifier.
    async fn recipe(
        &self,
        ctx: &Context<'_>,
        menu_item_id: Option<Uuid>,
        modifier_id: Option<Uuid>,
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
        input: CreateStockItemInput,
    ) -> async_graphql::Result<StockItem> {
        let input = NewStockItem {
            sku: input.sku.into(),
            name: input.name.into(),
            unit: input.unit,
            menu_item_id: input.menu_item_id,
        };
        Ok(items::create(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn update_stock_item(
        &self,
        ctx: &Context<'_>,
        input: UpdateStockItemInput,
    ) -> async_graphql::Result<StockItem> {
        let patch = StockItemPatch {
            expected_version: input.expected_version,
            name: input.name.map(Into::into),
            menu_item_id: match input.menu_item_id {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(id) => Some(Some(id)),
            },
            active: input.active,
        };
        Ok(items::update(&svc(ctx)?.db, rc(ctx)?, input.stock_item_id, patch).await?)
    }

    async fn set_reorder_point(
        &self,
        ctx: &Context<'_>,
        input: SetReorderPointInput,
    ) -> async_graphql::Result<StockLevel> {
        Ok(items::set_reorder_point(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.stock_item_id,
            input.location_id,
            input.reorder_point,
        )
        .await?)
    }

    /// Records stock received, wasted, sold or returned. Takes an idempotency key.
    async fn adjust_stock(
        &self,
        ctx: &Context<'_>,
        input: AdjustStockInput,
    ) -> async_graphql::Result<StockAdjustment> {
        let adjustment = Adjustment {
            stock_item_id: input.stock_item_id,
            location_id: input.location_id,
            kind: input.kind,
            quantity: input.quantity,
            occurred_at: input.occurred_at,
            reason: input.reason.map(Into::into),
        };
        Ok(ledger::adjust(
            &svc(ctx)?.db,
            rc(ctx)?,
            adjustment,
            input.idempotency_key.as_deref(),
        )
        .await?)
    }

    async fn start_stock_count(
        &self,
        ctx: &Context<'_>,
        input: StartStockCountInput,
    ) -> async_graphql::Result<StockCount> {
        Ok(counts::start(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.location_id,
            input.note.as_deref(),
        )
        .await?)
    }

    async fn record_stock_count(
        &self,
        ctx: &Context<'_>,
        input: RecordStockCountInput,
    ) -> async_graphql::Result<StockCount> {
        Ok(counts::record_line(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.count_id,
            input.stock_item_id,
            input.counted,
            input.counted_at,
        )
        .await?)
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
        input: SendStockTransferInput,
    ) -> async_graphql::Result<StockTransfer> {
        let lines = input
            .lines
            .into_iter()
            .map(|l| NewTransferLine {
                stock_item_id: l.stock_item_id,
                quantity: l.quantity,
            })
            .collect();
        Ok(transfers::send(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.from_location_id,
            input.to_location_id,
            lines,
            input.note.as_deref(),
        )
        .await?)
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
        let components = input
            .components
            .into_iter()
            .map(|c| NewComponent {
                stock_item_id: c.stock_item_id,
                quantity: c.quantity,
            })
            .collect();
        Ok(recipes::set(&svc(ctx)?.db, rc(ctx)?, of, components).await?)
    }
}

/// A stock level moved (`inventory.stock.adjusted`).
#[derive(Debug, Clone, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct StockLevelChange {
    /// Position in the business's event stream, for `after` on reconnect.
    #[serde(default)]
    pub sequence: i64,
    pub movement_id: Uuid,
    pub stock_item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    pub location_id: Uuid,
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
        location_id: Option<Uuid>,
        stock_item_id: Option<Uuid>,
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
