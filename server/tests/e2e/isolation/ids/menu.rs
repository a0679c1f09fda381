//! The menu: operations on another tenant's ids.

use super::*;

pub(super) fn menu_cases() -> Vec<Case> {
    vec![
        Case {
            name: "menuItem(id) of B's item",
            document: "query($id: UUID!) { menuItem(id: $id) { id name } }",
            variables: |w| json!({"id": w.b.menu_item}),
            witness: (MENU_ITEM_VIEW, |w| json!({"id": w.b.menu_item})),
        },
        Case {
            name: "updateMenuItem on B's item",
            document: "mutation($i: UpdateMenuItemInput!) { updateMenuItem(input: $i) { id } }",
            variables: |w| json!({"i": {"itemId": w.b.menu_item, "priceMinor": 1, "variants": [], "modifierGroupIds": []}}),
            witness: (MENU_ITEM_VIEW, |w| json!({"id": w.b.menu_item})),
        },
        Case {
            name: "setMenuItemAvailability on B's item",
            document: "mutation($i: SetMenuItemAvailabilityInput!) { setMenuItemAvailability(input: $i) { id } }",
            variables: |w| json!({"i": {"itemId": w.b.menu_item, "soldOut": true}}),
            witness: (MENU_ITEM_VIEW, |w| json!({"id": w.b.menu_item})),
        },
        Case {
            name: "deleteMenuItem on B's item",
            document: "mutation($i: MenuItemIdInput!) { deleteMenuItem(input: $i) { id } }",
            variables: |w| json!({"i": {"itemId": w.b.menu_item}}),
            witness: (MENU_ITEM_VIEW, |w| json!({"id": w.b.menu_item})),
        },
        Case {
            name: "updateMenuCategory on B's category",
            document: "mutation($i: UpdateMenuCategoryInput!) { updateMenuCategory(input: $i) { id } }",
            variables: |w| json!({"i": {"categoryId": w.b.menu_category, "name": "Hijacked"}}),
            witness: ("{ menuCategories { id name active } }", |_| json!({})),
        },
    ]
}
