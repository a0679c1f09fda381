//! Locations, stock and recipes: operations on another tenant's ids.

use super::*;

pub(super) fn inventory_cases() -> Vec<Case> {
    vec![
        Case {
            name: "updateLocation of B's location",
            document: "mutation($i: UpdateLocationInput!) { updateLocation(input: $i) { id } }",
            variables: |w| json!({"i": {"locationId": w.b.location, "name": "Hijacked"}}),
            witness: (LOCATIONS_VIEW, |_| json!({})),
        },
        Case {
            name: "stockItem(id) of B's item",
            document: "query($id: UUID!) { stockItem(id: $id) { id } }",
            variables: |w| json!({"id": w.b.stock_item}),
            witness: (STOCK_ITEM_VIEW, |w| json!({"id": w.b.stock_item})),
        },
        Case {
            name: "updateStockItem of B's item",
            document: "mutation($i: UpdateStockItemInput!) { updateStockItem(input: $i) { id } }",
            variables: |w| json!({"i": {"stockItemId": w.b.stock_item, "name": "Hijacked", "active": false}}),
            witness: (STOCK_ITEM_VIEW, |w| json!({"id": w.b.stock_item})),
        },
        Case {
            name: "setReorderPoint of B's item",
            document: "mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { low } }",
            variables: |w| json!({"i": {"stockItemId": w.b.stock_item, "locationId": w.a.location, "reorderPoint": "100"}}),
            witness: (STOCK_ITEM_VIEW, |w| json!({"id": w.b.stock_item})),
        },
        Case {
            name: "adjustStock of B's item",
            document: "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { movement { id } } }",
            variables: |w| {
                json!({"i": {"stockItemId": w.b.stock_item, "locationId": w.a.location, "kind": "WASTE",
                             "quantity": "5", "idempotencyKey": "iso-1"}})
            },
            witness: (STOCK_ITEM_VIEW, |w| json!({"id": w.b.stock_item})),
        },
        Case {
            name: "stockCount(id) of B's count",
            document: "query($id: UUID!) { stockCount(id: $id) { id } }",
            variables: |w| json!({"id": w.b.stock_count}),
            witness: (STOCK_COUNT_VIEW, |w| json!({"id": w.b.stock_count})),
        },
        Case {
            name: "recordStockCount on B's count",
            document: "mutation($i: RecordStockCountInput!) { recordStockCount(input: $i) { id } }",
            variables: |w| json!({"i": {"countId": w.b.stock_count, "stockItemId": w.a.stock_item, "counted": "0"}}),
            witness: (STOCK_COUNT_VIEW, |w| json!({"id": w.b.stock_count})),
        },
        Case {
            name: "postStockCount of B's count",
            document: "mutation($i: StockCountIdInput!) { postStockCount(input: $i) { id } }",
            variables: |w| json!({"i": {"countId": w.b.stock_count}}),
            witness: (STOCK_COUNT_VIEW, |w| json!({"id": w.b.stock_count})),
        },
        Case {
            name: "cancelStockCount of B's count",
            document: "mutation($i: StockCountIdInput!) { cancelStockCount(input: $i) { id } }",
            variables: |w| json!({"i": {"countId": w.b.stock_count}}),
            witness: (STOCK_COUNT_VIEW, |w| json!({"id": w.b.stock_count})),
        },
        Case {
            name: "stockTransfer(id) of B's transfer",
            document: "query($id: UUID!) { stockTransfer(id: $id) { id } }",
            variables: |w| json!({"id": w.b.transfer}),
            witness: (STOCK_TRANSFER_VIEW, |w| json!({"id": w.b.transfer})),
        },
        Case {
            name: "receiveStockTransfer of B's transfer",
            document: "mutation($i: StockTransferIdInput!) { receiveStockTransfer(input: $i) { id } }",
            variables: |w| json!({"i": {"transferId": w.b.transfer}}),
            witness: (STOCK_TRANSFER_VIEW, |w| json!({"id": w.b.transfer})),
        },
        Case {
            name: "cancelStockTransfer of B's transfer",
            document: "mutation($i: StockTransferIdInput!) { cancelStockTransfer(input: $i) { id } }",
            variables: |w| json!({"i": {"transferId": w.b.transfer}}),
            witness: (STOCK_TRANSFER_VIEW, |w| json!({"id": w.b.transfer})),
        },
        Case {
            name: "recipe of B's menu item",
            document: "query($id: UUID!) { recipe(menuItemId: $id) { menuItemId } }",
            variables: |w| json!({"id": w.b.menu_item}),
            witness: (RECIPE_VIEW, |w| json!({"id": w.b.menu_item})),
        },
        Case {
            name: "setRecipe of B's menu item",
            document: "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId } }",
            variables: |w| json!({"i": {"menuItemId": w.b.menu_item, "components": []}}),
            witness: (RECIPE_VIEW, |w| json!({"id": w.b.menu_item})),
        },
    ]
}
