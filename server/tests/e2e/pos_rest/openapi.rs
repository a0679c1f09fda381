//! `/v1/openapi.json` documents the point of sale.

use super::*;

#[tokio::test]
async fn rest_openapi_documents_pos() {
    let server = TestServer::start().await;
    let (status, _, doc) = server.get_json("/v1/openapi.json").await;
    assert_eq!(status, 200);
    let paths = &doc["paths"];
    for (path, method) in [
        ("/v1/pos/tickets", "get"),
        ("/v1/pos/tickets", "post"),
        ("/v1/pos/tickets/{id}", "get"),
        ("/v1/pos/tickets/{id}", "patch"),
        ("/v1/pos/tickets/{id}/lines", "post"),
        ("/v1/pos/tickets/{id}/lines/{lineId}", "patch"),
        ("/v1/pos/tickets/{id}/lines/{lineId}/void", "post"),
        ("/v1/pos/tickets/{id}/lines/{lineId}/discount", "put"),
        ("/v1/pos/tickets/{id}/discount", "put"),
        ("/v1/pos/tickets/{id}/send", "post"),
        ("/v1/pos/tickets/{id}/fire", "post"),
        ("/v1/pos/tickets/{id}/split", "post"),
        ("/v1/pos/tickets/{id}/merge", "post"),
        ("/v1/pos/tickets/{id}/move", "post"),
        ("/v1/pos/tickets/{id}/void", "post"),
        ("/v1/pos/tickets/{id}/payments", "post"),
        ("/v1/pos/tickets/{id}/settle", "post"),
        ("/v1/pos/tickets/{id}/receipt", "get"),
        ("/v1/pos/tickets/{id}/receipt.txt", "get"),
        ("/v1/pos/tickets/{id}/receipt.html", "get"),
        ("/v1/pos/tickets/{id}/receipt/reprint", "post"),
        ("/v1/pos/tickets/{id}/receipt/email", "post"),
        ("/v1/pos/payments/{id}", "get"),
        ("/v1/pos/payments/{id}/refunds", "post"),
        ("/v1/pos/shifts", "get"),
        ("/v1/pos/shifts", "post"),
        ("/v1/pos/shifts/{id}", "get"),
        ("/v1/pos/shifts/{id}/cash-movements", "post"),
        ("/v1/pos/shifts/{id}/close", "post"),
        ("/v1/pos/shifts/{id}/report", "get"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].is_object(), "{method} {path}");
        assert_eq!(op["security"], json!([{ "bearer": [] }]), "{method} {path}");
        assert_eq!(op["tags"], json!(["pos"]), "{method} {path}");
    }
    // No POS operation id is used twice in the document.
    let mut ids: std::collections::BTreeMap<String, usize> = Default::default();
    let mut pos_ids = Vec::new();
    for (path, item) in paths.as_object().unwrap() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op["operationId"].as_str() {
                *ids.entry(id.to_owned()).or_default() += 1;
                if path.starts_with("/v1/pos/") {
                    pos_ids.push(id.to_owned());
                }
            }
        }
    }
    assert_eq!(pos_ids.len(), 30);
    for id in pos_ids {
        assert_eq!(ids[&id], 1, "operation id {id} is not unique");
    }
    for (path, required) in [
        ("/v1/pos/tickets/{id}/payments", true),
        ("/v1/pos/payments/{id}/refunds", true),
        ("/v1/pos/tickets/{id}/settle", false),
    ] {
        let op = &paths[path]["post"];
        let header = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "Idempotency-Key" && p["in"] == "header")
            .unwrap_or_else(|| panic!("no Idempotency-Key on {path}: {op}"));
        assert_eq!(header["required"], required, "{path}");
    }
    assert!(
        paths["/v1/pos/tickets/{id}/receipt.txt"]["get"]["responses"]["200"]["content"]
            ["text/plain"]
            .is_object()
    );
    assert!(paths["/v1/pos/tickets/{id}/receipt/email"]["post"]["responses"]["202"].is_object());
    let params: Vec<&str> = paths["/v1/pos/tickets"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in ["locationId", "status", "businessDay", "first", "after"] {
        assert!(params.contains(&name), "{name} in {params:?}");
    }
    let schemas = &doc["components"]["schemas"];
    for schema in [
        "Ticket",
        "TicketHeader",
        "TicketLine",
        "ChosenModifier",
        "AppliedDiscount",
        "Payment",
        "Refund",
        "PaymentResult",
        "RefundResult",
        "Receipt",
        "Shift",
        "ShiftReport",
        "CashMovement",
    ] {
        assert!(schemas[schema].is_object(), "schema {schema}");
    }
    assert_eq!(
        schemas["TicketStatus"]["enum"],
        json!(["OPEN", "SETTLED", "VOIDED", "MERGED"])
    );
    assert_eq!(schemas["PaymentMethod"]["enum"], json!(["CASH", "CARD"]));
    assert_eq!(schemas["CashMovementKind"]["enum"], json!(["IN", "OUT"]));
    assert!(
        doc["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "pos")
    );
}
