use crate::harness::{ServerBuilder, TestServer};
use serde_json::json;

#[tokio::test]
async fn server_info_query_answers() {
    let server = TestServer::start().await;
    let (status, body) = server
        .graphql(
            "{ serverInfo { name version instanceId startedAt serverTime uptimeSeconds } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.get("errors").is_none(), "{body}");
    let info = &body["data"]["serverInfo"];
    assert_eq!(info["name"], "platform");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert!(uuid::Uuid::parse_str(info["instanceId"].as_str().unwrap()).is_ok());
    assert!(chrono::DateTime::parse_from_rfc3339(info["serverTime"].as_str().unwrap()).is_ok());

    // The REST shim answers from the same service.
    let (status, _, rest) = server.get_json("/v1/server-info").await;
    assert_eq!(status, 200);
    assert_eq!(rest["data"]["instanceId"], info["instanceId"]);
}

#[tokio::test]
async fn graphiql_is_served_on_get() {
    let server = TestServer::start().await;
    let resp = server
        .http
        .get(server.url("/graphql"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("graphiql"), "{html}");
    assert!(html.contains("/graphql/ws"));
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let on = TestServer::start().await;
    let (_, body) = on
        .graphql("{ __schema { queryType { name } } }", json!({}), None)
        .await;
    assert_eq!(
        body["data"]["__schema"]["queryType"]["name"], "QueryRoot",
        "{body}"
    );

    let off = ServerBuilder::new()
        .env("GRAPHQL_INTROSPECTION", "false")
        .start()
        .await;
    let (_, body) = off
        .graphql("{ __schema { queryType { name } } }", json!({}), None)
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["message"],
        "introspection is disabled on this server"
    );
    let (_, body) = off
        .graphql(
            "query { ...F } fragment F on QueryRoot { __type(name: \"ServerInfo\") { name } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "through a fragment: {body}"
    );
    // Plain __typename is not introspection of the schema.
    let (_, body) = off
        .graphql("{ __typename serverInfo { name } }", json!({}), None)
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn openapi_document_lists_the_v1_routes() {
    let server = TestServer::start().await;
    let (status, _, doc) = server.get_json("/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    assert!(doc["paths"]["/v1/server-info"]["get"].is_object(), "{doc}");
}

#[test]
fn schema_graphql_is_current() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql"))
            .expect("schema.graphql exists at the workspace root");
    assert!(
        committed == schema::sdl(),
        "schema.graphql is stale: run `cargo run -p server -- export-schema`"
    );
}
