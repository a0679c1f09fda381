//! API keys act within their permissions until revoked.

use super::*;

const AUDIT_IDS: &str = "{ auditEvents { nodes { id } } }";

#[tokio::test]
async fn api_keys_act_within_their_permissions_until_revoked() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-keys").await;
    let owner = shop.owner_token.as_str();
    let create =
        |name: &str, permissions: &[&str]| json!({"i": {"name": name, "permissions": permissions}});

    let (secret, reader) =
        create_key(&server, owner, create("Reader", &["admin.users.read"])).await;
    let reader_id = id(&reader["id"]);
    let prefix = reader["prefix"].as_str().unwrap();
    assert!(secret.starts_with("sk_"), "{secret}");
    assert!(
        secret.starts_with(prefix) && prefix.len() >= 8 && secret.len() > prefix.len() + 16,
        "{prefix} / {secret}"
    );
    assert_eq!(reader["permissions"], json!(["admin.users.read"]));
    assert_eq!(reader["createdBy"], json!(shop.owner_id));
    assert_eq!(reader["lastUsedAt"], Value::Null);

    // Listed by its prefix; the secret is nowhere, and there is no field for it.
    let keys = server.gql_ok(API_KEYS, json!({}), Some(owner)).await;
    assert_eq!(ids_at(&keys["apiKeys"]), vec![reader_id]);
    assert_eq!(keys["apiKeys"][0]["prefix"], prefix);
    assert!(!keys.to_string().contains(&secret));
    let data = server
        .gql_ok(
            "{ __type(name: \"ApiKey\") { fields { name } } }",
            json!({}),
            None,
        )
        .await;
    let fields: Vec<&str> = data["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"prefix"), "{fields:?}");
    assert!(
        !fields
            .iter()
            .any(|f| f.to_lowercase().contains("secret") || f.to_lowercase().contains("hash")),
        "{fields:?}"
    );
    let (code, body) = server
        .gql_err("{ apiKeys { secret } }", json!({}), Some(owner))
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    let mut db = server.db.owner().await;
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_keys k WHERE strpos(to_jsonb(k)::text, $1) > 0",
    )
    .bind(&secret[prefix.len()..])
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(stored, 0, "only a digest of the secret is stored");
    for table in ["audit_events", "event_outbox"] {
        let leaked: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {table} t WHERE strpos(to_jsonb(t)::text, $1) > 0"
        )))
        .bind(&secret[prefix.len()..])
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert_eq!(leaked, 0, "the secret is in {table}");
    }

    // The key works as a bearer credential, within its permissions.
    let data = server.gql_ok(USERS, json!({}), Some(&secret)).await;
    assert_eq!(ids_at(&data["users"]["nodes"]), vec![shop.owner_id]);
    assert_missing(&server, AUDIT_IDS, json!({}), &secret, "admin.audit.read").await;
    let (auditor, _) = create_key(&server, owner, create("Auditor", &["admin.audit.read"])).await;
    assert_missing(&server, USERS, json!({}), &auditor, "admin.users.read").await;
    server.gql_ok(AUDIT_IDS, json!({}), Some(&auditor)).await;
    // A key cannot make keys (it holds no admin.api_keys.manage) nor act as a user.
    assert_missing(
        &server,
        CREATE_API_KEY,
        create("Child", &["admin.users.read"]),
        &secret,
        "admin.api_keys.manage",
    )
    .await;

    let keys = server.gql_ok(API_KEYS, json!({}), Some(owner)).await;
    let listed = keys["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == json!(reader_id))
        .unwrap()
        .clone();
    let used = listed["lastUsedAt"].as_str().expect("lastUsedAt is set");
    assert!(chrono::DateTime::parse_from_rfc3339(used).is_ok(), "{used}");

    // A wrong secret for a real key id is refused.
    let mut forged = secret.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'a' { 'b' } else { 'a' });
    let (code, _) = server.gql_err(USERS, json!({}), Some(&forged)).await;
    assert_eq!(code, "AUTHN");

    // Revoked: the next request with it is AUTHN.
    let data = server
        .gql_ok(
            REVOKE_API_KEY,
            json!({"i": {"apiKeyId": reader_id}}),
            Some(owner),
        )
        .await;
    assert!(data["revokeApiKey"]["apiKey"]["revokedAt"].is_string());
    let (code, _) = server.gql_err(USERS, json!({}), Some(&secret)).await;
    assert_eq!(code, "AUTHN");
    server.gql_ok(AUDIT_IDS, json!({}), Some(&auditor)).await;

    // Refused inputs make no key.
    let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    for (input, field) in [
        (create("Wizard", &["pos.teleport"]), "permissions"),
        (create("Nothing", &[]), "permissions"),
        (
            json!({"i": {"name": "Stale", "permissions": ["admin.users.read"], "expiresAt": past}}),
            "expiresAt",
        ),
    ] {
        let (code, body) = server.gql_err(CREATE_API_KEY, input, Some(owner)).await;
        assert_eq!(code, "VALIDATION", "{body}");
        assert!(details(&body)["fields"][field].is_string(), "{body}");
    }
    let keys = server.gql_ok(API_KEYS, json!({}), Some(owner)).await;
    assert_eq!(keys["apiKeys"].as_array().unwrap().len(), 2, "{keys}");

    // A future expiry is kept.
    let later = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let input = json!({"i": {"name": "Temporary", "permissions": ["admin.users.read"], "expiresAt": later}});
    let (temporary, key) = create_key(&server, owner, input).await;
    assert!(key["expiresAt"].is_string());
    server.gql_ok(USERS, json!({}), Some(&temporary)).await;
}
