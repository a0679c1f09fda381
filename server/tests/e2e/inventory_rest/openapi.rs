//! `/v1/openapi.json` documents locations and inventory.

use super::*;

#[tokio::test]
async fn rest_openapi_documents_locations_and_inventory() {
    let server = TestServer::start().await;
    let (status, _, doc) = server.get_json("/v1/openapi.json").await;
    assert_eq!(status, 200);
    let paths = &doc["paths"];
    for (path, method) in [
        ("/v1/locations", "get"),
        ("/v1/locations", "post"),
        ("/v1/locations/{id}", "patch"),
        ("/v1/inventory/items", "get"),
        ("/v1/inventory/items", "post"),
        ("/v1/inventory/items/{id}", "get"),
        ("/v1/inventory/items/{id}", "patch"),
        (
            "/v1/inventory/items/{id}/reorder-points/{locationId}",
            "put",
        ),
        ("/v1/inventory/levels", "get"),
        ("/v1/inventory/adjustments", "post"),
        ("/v1/inventory/movements", "get"),
        ("/v1/inventory/counts", "get"),
        ("/v1/inventory/counts", "post"),
        ("/v1/inventory/counts/{id}", "get"),
        ("/v1/inventory/counts/{id}/lines/{stockItemId}", "put"),
        ("/v1/inventory/counts/{id}/post", "post"),
        ("/v1/inventory/counts/{id}/cancel", "post"),
        ("/v1/inventory/transfers", "get"),
        ("/v1/inventory/transfers", "post"),
        ("/v1/inventory/transfers/{id}", "get"),
        ("/v1/inventory/transfers/{id}/receive", "post"),
        ("/v1/inventory/transfers/{id}/cancel", "post"),
        ("/v1/inventory/recipes/menu-items/{id}", "get"),
        ("/v1/inventory/recipes/menu-items/{id}", "put"),
        ("/v1/inventory/recipes/modifiers/{id}", "get"),
        ("/v1/inventory/recipes/modifiers/{id}", "put"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].is_object(), "{method} {path}");
        assert_eq!(op["security"], json!([{ "bearer": [] }]), "{method} {path}");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path}"
        );
    }
    let adjust = &paths["/v1/inventory/adjustments"]["post"];
    assert!(adjust["responses"]["201"].is_object());
    assert!(adjust["requestBody"].is_object());
    assert!(
        adjust["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
        "{adjust}"
    );
    for schema in [
        "Location",
        "StockItem",
        "StockLevel",
        "Movement",
        "StockAdjustment",
        "StockCount",
        "StockTransfer",
        "Recipe",
        "Quantity",
        "QuantityInput",
        "CountStatus",
        "TransferStatus",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }
    assert_eq!(
        doc["components"]["schemas"]["TransferStatus"]["enum"],
        json!(["IN_TRANSIT", "RECEIVED", "CANCELLED"])
    );
}
