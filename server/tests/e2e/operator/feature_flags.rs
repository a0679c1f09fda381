//! Feature flags end to end: precedence (override > plan > rollout >
//! default), reasons, a sticky rollout, the kill switch, unknown flags,
//! audit with before and after, a change seen by another replica on its
//! next request, and the business's one view of its entitlements.

use crate::harness::{Rest, ServerBuilder, TestServer};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: NewFeatureFlagInput!) { createFeatureFlag(input: $i) { key version rolloutValue } }";
const UPDATE: &str = "mutation($i: UpdateFeatureFlagInput!) { updateFeatureFlag(input: $i) { key version rolloutPercent } }";
const OVERRIDE: &str = "mutation($i: SetTenantFeatureFlagInput!) { setTenantFeatureFlag(input: $i) { value reason source } }";
const EVALUATE: &str = "query($k: Key!, $d: FlagValue!) { featureFlag(key: $k, default: $d) { key value boolValue variant reason source errorCode } }";

async fn evaluate(server: &TestServer, token: &str, key: &str) -> Value {
    server
        .gql_ok(EVALUATE, json!({"k": key, "d": "false"}), Some(token))
        .await["featureFlag"]
        .clone()
}

async fn update(server: &TestServer, admin: &str, key: &str, patch: Value) -> Value {
    let mut input = patch;
    input["key"] = json!(key);
    input["reason"] = json!("rollout plan");
    server
        .gql_ok(UPDATE, json!({"i": input}), Some(admin))
        .await["updateFeatureFlag"]
        .clone()
}

#[tokio::test]
async fn the_strongest_source_decides_and_says_why() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let a = server.tenant("flags-a").await;
    let b = server.tenant("flags-b").await;
    let billing = server.billing(&admin);
    billing
        .plan("pro", 4900, 0, json!(["pos"]), json!({}))
        .await;
    billing.assign(b.id, "pro", "MONTH").await;

    let made = server
        .gql_ok(
            CREATE,
            json!({"i": {"key": "new-checkout", "kind": "BOOLEAN", "defaultValue": "false",
                         "planValues": [{"planCode": "pro", "value": "true"}], "reason": "beta for pro"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        made["createFeatureFlag"]["rolloutValue"], "true",
        "a boolean rolls out the other value"
    );

    let plain = evaluate(&server, &a.owner_token, "new-checkout").await;
    assert_eq!(
        (
            plain["value"].clone(),
            plain["reason"].clone(),
            plain["source"].clone()
        ),
        (json!("false"), json!("DEFAULT"), json!("DEFAULT"))
    );
    assert_eq!(plain["boolValue"], false);
    let plan = evaluate(&server, &b.owner_token, "new-checkout").await;
    assert_eq!(
        (
            plan["value"].clone(),
            plan["reason"].clone(),
            plan["source"].clone()
        ),
        (json!("true"), json!("TARGETING_MATCH"), json!("PLAN"))
    );

    // Everyone in the rollout, but the plan's value still wins for B.
    update(
        &server,
        &admin,
        "new-checkout",
        json!({"rolloutPercent": 100}),
    )
    .await;
    let split = evaluate(&server, &a.owner_token, "new-checkout").await;
    assert_eq!(
        (split["value"].clone(), split["reason"].clone()),
        (json!("true"), json!("SPLIT"))
    );
    assert_eq!(
        evaluate(&server, &b.owner_token, "new-checkout").await["source"],
        "PLAN"
    );

    // An override beats them all, and is audited in the business's trail.
    let set = server
        .gql_ok(
            OVERRIDE,
            json!({"i": {"tenantId": a.id, "key": "new-checkout", "value": "false", "reason": "owner asked to wait"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(set["setTenantFeatureFlag"]["source"], "OVERRIDE");
    let over = evaluate(&server, &a.owner_token, "new-checkout").await;
    assert_eq!(
        (
            over["value"].clone(),
            over["reason"].clone(),
            over["source"].clone()
        ),
        (json!("false"), json!("TARGETING_MATCH"), json!("OVERRIDE"))
    );
    let trail = server
        .gql_ok(
            "{ auditEvents(filter: {action: \"feature_flag.\"}) { nodes { action reason before after actorType } } }",
            json!({}),
            Some(&a.owner_token),
        )
        .await;
    let row = &trail["auditEvents"]["nodes"][0];
    assert_eq!(row["action"], "feature_flag.overridden", "{trail}");
    assert_eq!(row["reason"], "owner asked to wait");
    assert_eq!(row["actorType"], "superadmin");
    assert_eq!(row["before"]["evaluation"]["source"], "ROLLOUT", "{row}");
    assert_eq!(row["before"]["override"], Value::Null);
    assert_eq!(row["after"]["override"], "false");
    assert_eq!(row["after"]["evaluation"]["value"], "false");
    let b_trail = server
        .gql_ok(
            "{ auditEvents(filter: {action: \"feature_flag.\"}) { nodes { action } } }",
            json!({}),
            Some(&b.owner_token),
        )
        .await;
    assert_eq!(
        b_trail["auditEvents"]["nodes"],
        json!([]),
        "A's override is not B's"
    );

    // The kill switch: off answers the default to everyone, override or not.
    update(&server, &admin, "new-checkout", json!({"enabled": false})).await;
    for t in [&a, &b] {
        let off = evaluate(&server, &t.owner_token, "new-checkout").await;
        assert_eq!(
            (off["value"].clone(), off["reason"].clone()),
            (json!("false"), json!("DISABLED"))
        );
    }
    update(&server, &admin, "new-checkout", json!({"enabled": true})).await;

    // Cleared, the rollout decides again.
    server
        .gql_ok(
            OVERRIDE,
            json!({"i": {"tenantId": a.id, "key": "new-checkout", "value": null, "reason": "ready now"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        evaluate(&server, &a.owner_token, "new-checkout").await["reason"],
        "SPLIT"
    );

    // The definition's changes are audited with before and after.
    let platform = server
        .gql_ok(
            "{ platformAuditEvents(filter: {action: \"feature_flag.updated\"}, first: 10) { nodes { reason before after } } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let first = platform["platformAuditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["before"]["rolloutPercent"] == 0)
        .unwrap_or_else(|| panic!("{platform}"))
        .clone();
    assert_eq!(first["after"]["rolloutPercent"], 100);
    assert_eq!(first["reason"], "rollout plan");

    // An unknown flag answers the caller's default, never an error.
    let unknown = server
        .gql_ok(
            EVALUATE,
            json!({"k": "no-such-flag", "d": "blue"}),
            Some(&a.owner_token),
        )
        .await;
    assert_eq!(unknown["featureFlag"]["value"], "blue");
    assert_eq!(unknown["featureFlag"]["reason"], "ERROR");
    assert_eq!(unknown["featureFlag"]["errorCode"], "FLAG_NOT_FOUND");
    let rest = Rest::new(&server, &a.owner_token);
    let (status, body) = rest
        .get("/v1/feature-flags/no-such-flag?default=true")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["errorCode"], "FLAG_NOT_FOUND");
    assert_eq!(body["data"]["boolValue"], true);

    // Deleted, it is unknown too.
    server
        .gql_ok(
            "mutation($i: DeleteFeatureFlagInput!) { deleteFeatureFlag(input: $i) { key } }",
            json!({"i": {"key": "new-checkout", "reason": "shipped to everyone"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        evaluate(&server, &b.owner_token, "new-checkout").await["errorCode"],
        "FLAG_NOT_FOUND"
    );
}

#[tokio::test]
async fn raising_a_rollout_only_ever_adds_businesses() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let mut tenants = Vec::new();
    for n in 0..6 {
        tenants.push(server.tenant(&format!("roll-{n}")).await);
    }
    server
        .gql_ok(
            CREATE,
            json!({"i": {"key": "kds.beta", "kind": "VARIANT", "variants": ["classic", "beta"],
                         "defaultValue": "classic", "rolloutValue": "beta", "reason": "staged rollout"}}),
            Some(&admin),
        )
        .await;
    let mut inside = vec![false; tenants.len()];
    for percent in (0..=100).step_by(10) {
        update(
            &server,
            &admin,
            "kds.beta",
            json!({"rolloutPercent": percent}),
        )
        .await;
        for (i, t) in tenants.iter().enumerate() {
            let e = server
                .gql_ok(
                    EVALUATE,
                    json!({"k": "kds.beta", "d": "classic"}),
                    Some(&t.owner_token),
                )
                .await["featureFlag"]
                .clone();
            let now_inside = e["value"] == "beta";
            assert_eq!(
                e["reason"],
                if now_inside { "SPLIT" } else { "DEFAULT" },
                "{e}"
            );
            assert!(
                !inside[i] || now_inside,
                "{} left the rollout at {percent} %",
                t.slug
            );
            inside[i] = now_inside;
        }
    }
    assert!(inside.iter().all(|x| *x), "everyone is in at 100 %");
}

#[tokio::test]
async fn bad_flags_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let a = server.tenant("flags-bad").await;
    server
        .gql_ok(
            CREATE,
            json!({"i": {"key": "theme", "kind": "VARIANT", "variants": ["light", "dark"], "defaultValue": "light", "reason": "x"}}),
            Some(&admin),
        )
        .await;
    let snapshot = || async {
        let mut conn = server.db.owner().await;
        sqlx::query_scalar::<_, String>(
            "SELECT coalesce((SELECT json_agg(f ORDER BY key)::text FROM feature_flags f), '') ||
                    coalesce((SELECT json_agg(o ORDER BY flag_key)::text FROM tenant_feature_flags o), '')",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap()
    };
    let before = snapshot().await;
    for (input, field) in [
        (
            json!({"key": "x1", "kind": "BOOLEAN", "defaultValue": "maybe"}),
            "defaultValue",
        ),
        (
            json!({"key": "x2", "kind": "BOOLEAN", "variants": ["a", "b"], "defaultValue": "a"}),
            "variants",
        ),
        (
            json!({"key": "x3", "kind": "VARIANT", "defaultValue": "a"}),
            "variants",
        ),
        (
            json!({"key": "x4", "kind": "VARIANT", "variants": ["a", "a"], "defaultValue": "a"}),
            "variants",
        ),
        (
            json!({"key": "x5", "kind": "VARIANT", "variants": ["a", "b"], "defaultValue": "a", "rolloutPercent": 10}),
            "rolloutValue",
        ),
        (
            json!({"key": "x6", "kind": "BOOLEAN", "defaultValue": "false", "rolloutPercent": 101}),
            "rolloutPercent",
        ),
        (
            json!({"key": "9lives", "kind": "BOOLEAN", "defaultValue": "false"}),
            "key",
        ),
        (
            json!({"key": "x7", "kind": "BOOLEAN", "defaultValue": "false", "planValues": [{"planCode": "nope", "value": "true"}]}),
            "planValues",
        ),
        (
            json!({"key": "x8", "kind": "BOOLEAN", "defaultValue": "false", "reason": ""}),
            "reason",
        ),
    ] {
        let mut input = input;
        if input.get("reason").is_none() {
            input["reason"] = json!("testing");
        }
        let (code, body) = server
            .gql_err(CREATE, json!({"i": input.clone()}), Some(&admin))
            .await;
        assert_eq!(code, "VALIDATION", "{input} -> {body}");
        assert!(
            body.to_string().contains(field),
            "{input} names {field}: {body}"
        );
    }
    let (code, _) = server
        .gql_err(
            CREATE,
            json!({"i": {"key": "theme", "kind": "BOOLEAN", "defaultValue": "false", "reason": "again"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    for (input, code_expected) in [
        (
            json!({"tenantId": a.id, "key": "theme", "value": "purple", "reason": "x"}),
            "VALIDATION",
        ),
        (
            json!({"tenantId": a.id, "key": "nope", "value": "dark", "reason": "x"}),
            "NOT_FOUND",
        ),
        (
            json!({"tenantId": uuid::Uuid::now_v7(), "key": "theme", "value": "dark", "reason": "x"}),
            "NOT_FOUND",
        ),
        (
            json!({"tenantId": a.id, "key": "theme", "value": "dark", "reason": " "}),
            "VALIDATION",
        ),
    ] {
        let (code, body) = server
            .gql_err(OVERRIDE, json!({"i": input.clone()}), Some(&admin))
            .await;
        assert_eq!(code, code_expected, "{input} -> {body}");
    }
    assert_eq!(snapshot().await, before);

    let rest = Rest::new(&server, &admin);
    let (status, body) = rest
        .put(
            &format!("/v1/superadmin/tenants/{}/feature-flags/theme", a.id),
            json!({"value": "dark"}),
        )
        .await;
    assert_eq!(status, 400, "no reason: {body}");
    let (status, body) = rest
        .put(
            &format!("/v1/superadmin/tenants/{}/feature-flags/theme", a.id),
            json!({"value": "dark", "reason": "asked for it"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["source"], "OVERRIDE");
}

#[tokio::test]
async fn a_change_applies_on_every_replica_by_the_next_request() {
    let first = TestServer::start().await;
    let second = ServerBuilder::new()
        .db(first.db.clone())
        .redis(first.redis.clone())
        .start()
        .await;
    let admin = first.superadmin_token().await;
    let a = first.tenant("replicas").await;
    first
        .gql_ok(
            CREATE,
            json!({"i": {"key": "tips-v2", "kind": "BOOLEAN", "defaultValue": "false", "reason": "x"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        evaluate(&second, &a.owner_token, "tips-v2").await["value"],
        "false"
    );
    first
        .gql_ok(
            OVERRIDE,
            json!({"i": {"tenantId": a.id, "key": "tips-v2", "value": "true", "reason": "pilot"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        evaluate(&second, &a.owner_token, "tips-v2").await["value"],
        "true"
    );
    update(&first, &admin, "tips-v2", json!({"enabled": false})).await;
    assert_eq!(
        evaluate(&second, &a.owner_token, "tips-v2").await["reason"],
        "DISABLED"
    );
}

#[tokio::test]
async fn entitlements_show_plan_modules_limits_and_flags_with_their_sources() {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    let a = server.tenant("entitled").await;
    let billing = server.billing(&admin);
    billing
        .plan(
            "team",
            2900,
            0,
            json!(["pos", "menu", "inventory", "reporting", "support"]),
            json!({"locations": 3}),
        )
        .await;
    billing.assign(a.id, "team", "MONTH").await;
    server
        .gql_ok(
            CREATE,
            json!({"i": {"key": "new-reports", "kind": "BOOLEAN", "defaultValue": "false",
                         "planValues": [{"planCode": "team", "value": "true"}], "reason": "x"}}),
            Some(&admin),
        )
        .await;
    server
        .gql_ok(
            "mutation($i: SetTenantModuleInput!) { setTenantModule(input: $i) { module { key } } }",
            json!({"i": {"tenantId": a.id, "moduleKey": "orders", "enabled": true, "reason": "operator test"}}),
            Some(&admin),
        )
        .await;
    const VIEW: &str = "{ plan { code name version } modules { key enabled source } limits { limit max used source } flags { key value reason source } }";
    let mine = server
        .gql_ok(
            &format!("{{ entitlements {VIEW} }}"),
            json!({}),
            Some(&a.owner_token),
        )
        .await["entitlements"]
        .clone();
    assert_eq!(mine["plan"]["code"], "team");
    let module = |key: &str| {
        mine["modules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == key)
            .unwrap_or_else(|| panic!("{key}: {mine}"))
            .clone()
    };
    assert_eq!(
        (
            module("pos")["enabled"].clone(),
            module("pos")["source"].clone()
        ),
        (json!(true), json!("PLAN"))
    );
    assert_eq!(
        (
            module("orders")["enabled"].clone(),
            module("orders")["source"].clone()
        ),
        (json!(true), json!("OVERRIDE"))
    );
    assert_eq!(module("admin")["source"], "CORE");
    let locations = mine["limits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["limit"] == "LOCATIONS")
        .unwrap()
        .clone();
    assert_eq!(
        (locations["max"].clone(), locations["source"].clone()),
        (json!(3), json!("PLAN"))
    );
    let flag = mine["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "new-reports")
        .unwrap()
        .clone();
    assert_eq!(
        (flag["value"].clone(), flag["source"].clone()),
        (json!("true"), json!("PLAN"))
    );

    // The operator sees the same view of the business, over GraphQL and REST.
    let theirs = server
        .gql_ok(
            &format!("query($t: UUID!) {{ tenantEntitlements(tenantId: $t) {VIEW} }}"),
            json!({"t": a.id}),
            Some(&admin),
        )
        .await["tenantEntitlements"]
        .clone();
    assert_eq!(theirs, mine);
    let (status, rest) = Rest::new(&server, &a.owner_token)
        .get("/v1/entitlements")
        .await;
    assert_eq!(status, 200);
    assert_eq!(rest["data"]["plan"]["code"], "team");
}
