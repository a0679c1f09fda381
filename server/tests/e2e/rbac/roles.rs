//! Roles: changes apply to the very next request and nobody grants what they do not hold.

use super::*;

#[tokio::test]
async fn a_role_change_applies_to_the_very_next_request() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-next").await;
    let owner = shop.owner_token.as_str();
    let (cashier, token) = server.staff(&shop, "cashier").await;

    assert_missing(&server, USERS, json!({}), &token, "admin.users.read").await;

    let readers = server
        .rbac(owner)
        .create_role("Readers", &["admin.users.read"])
        .await;
    server.rbac(owner).assign(cashier, readers).await;
    let data = server.gql_ok(USERS, json!({}), Some(&token)).await;
    let users = ids_at(&data["users"]["nodes"]);
    assert!(users.contains(&cashier) && users.contains(&shop.owner_id));

    // The role loses the permission: the same, still valid token is refused next time.
    let role = server
        .rbac(owner)
        .update_role(readers, &["pos.ticket.read"])
        .await;
    assert_eq!(role["permissions"], json!(["pos.ticket.read"]));
    assert_missing(&server, USERS, json!({}), &token, "admin.users.read").await;
    let data = server
        .gql_ok("{ myPermissions }", json!({}), Some(&token))
        .await;
    let mine = data["myPermissions"].as_array().unwrap();
    assert!(!mine.contains(&json!("admin.users.read")), "{data}");
    assert!(mine.contains(&json!("pos.ticket.write")), "{data}");

    // Back again, and then the assignment goes.
    server
        .rbac(owner)
        .update_role(readers, &["admin.users.read"])
        .await;
    server.gql_ok(USERS, json!({}), Some(&token)).await;
    let role = server.rbac(owner).unassign(cashier, readers).await;
    assert_eq!(role["userCount"], 0);
    assert_missing(&server, USERS, json!({}), &token, "admin.users.read").await;
    assert_eq!(
        server.rbac(&shop.owner_token).role_keys_of(cashier).await,
        vec![json!("cashier")]
    );
}

const ROLES: &str = "{ roles { id name permissions userCount } }";

#[tokio::test]
async fn a_cashier_cannot_manage_roles() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-cashier").await;
    let (cashier, token) = server.staff(&shop, "cashier").await;
    let cashier_role = server.rbac(&shop.owner_token).builtin_role("cashier").await;
    let before = server
        .gql_ok(ROLES, json!({}), Some(&shop.owner_token))
        .await;

    assert_missing(
        &server,
        CREATE_ROLE,
        json!({"i": {"name": "Mine", "permissions": ["pos.ticket.read"]}}),
        &token,
        "admin.roles.manage",
    )
    .await;
    assert_missing(
        &server,
        UPDATE_ROLE,
        json!({"i": {"roleId": cashier_role, "permissions": ["pos.ticket.read", "pos.ticket.void"]}}),
        &token,
        "admin.roles.manage",
    )
    .await;
    let owner_role = server.rbac(&shop.owner_token).builtin_role("owner").await;
    assert_missing(
        &server,
        ASSIGN_ROLE,
        json!({"i": {"userId": cashier, "roleId": owner_role}}),
        &token,
        "admin.users.manage",
    )
    .await;

    let after = server
        .gql_ok(ROLES, json!({}), Some(&shop.owner_token))
        .await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn nobody_grants_what_they_do_not_hold() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-grant").await;
    let owner = shop.owner_token.as_str();
    let (manager, token) = server.staff(&shop, "manager").await;
    let (cashier, _) = server.staff(&shop, "cashier").await;
    let owner_role = server.rbac(&shop.owner_token).builtin_role("owner").await;
    let kitchen = server.rbac(&shop.owner_token).builtin_role("kitchen").await;

    // The manager may manage users, but not hand out the owner's powers.
    let (code, body) = server.rbac(&token).assign_err(cashier, owner_role).await;
    assert_eq!(code, "AUTHZ", "{body}");
    let missing = details(&body)["permissions"].as_array().unwrap().clone();
    assert!(missing.contains(&json!("admin.roles.manage")), "{body}");
    assert!(!missing.contains(&json!("pos.ticket.write")), "{body}");
    assert_eq!(
        server.rbac(&shop.owner_token).role_keys_of(cashier).await,
        vec![json!("cashier")]
    );
    let (code, _) = server.rbac(&token).assign_err(manager, owner_role).await;
    assert_eq!(code, "AUTHZ", "nor to themselves");
    // Nor take them away.
    let (code, _) = server
        .rbac(&token)
        .unassign_err(shop.owner_id, owner_role)
        .await;
    assert_eq!(code, "AUTHZ");
    assert_eq!(
        server
            .rbac(&shop.owner_token)
            .role_keys_of(shop.owner_id)
            .await,
        vec![json!("owner")]
    );
    // A role within their own permissions they may give.
    server.rbac(&token).assign(cashier, kitchen).await;
    let mut keys = server.rbac(&shop.owner_token).role_keys_of(cashier).await;
    keys.sort_by_key(|k| k.to_string());
    assert_eq!(keys, vec![json!("cashier"), json!("kitchen")]);

    // API keys: first the manager may not make them at all.
    assert_missing(
        &server,
        CREATE_API_KEY,
        json!({"i": {"name": "Mine", "permissions": ["admin.users.read"]}}),
        &token,
        "admin.api_keys.manage",
    )
    .await;
    let keepers = server
        .rbac(owner)
        .create_role("Key keepers", &["admin.api_keys.manage"])
        .await;
    server.rbac(owner).assign(manager, keepers).await;
    // Then only with permissions they hold.
    let (code, body) = server
        .gql_err(
            CREATE_API_KEY,
            json!({"i": {"name": "Too much", "permissions": ["admin.users.read", "admin.roles.manage"]}}),
            Some(&token),
        )
        .await;
    assert_eq!(code, "AUTHZ", "{body}");
    assert_eq!(details(&body)["permission"], "admin.roles.manage", "{body}");
    let input = json!({"i": {"name": "Enough", "permissions": ["admin.users.read"]}});
    let (_, key) = create_key(&server, &token, input).await;
    assert_eq!(key["createdBy"], json!(manager));
    let keys = server.gql_ok(API_KEYS, json!({}), Some(owner)).await;
    let names: Vec<&Value> = keys["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["name"])
        .collect();
    assert_eq!(names, vec![&json!("Enough")]);

    // Roles: given admin.roles.manage, a manager still cannot put into a role what they lack.
    let editors = server
        .rbac(owner)
        .create_role("Role editors", &["admin.roles.manage"])
        .await;
    server.rbac(owner).assign(manager, editors).await;
    let (code, body) = server
        .rbac(&token)
        .create_role_err("Billing", &["billing.subscription.manage"])
        .await;
    assert_eq!(code, "AUTHZ", "{body}");
    assert_eq!(
        details(&body)["permissions"],
        json!(["billing.subscription.manage"])
    );
    let voiders = server
        .rbac(&token)
        .create_role("Voiders", &["pos.ticket.void"])
        .await;
    let (code, _) = server
        .rbac(&token)
        .update_role_err(json!({"roleId": voiders, "permissions": ["pos.ticket.void", "billing.subscription.manage"]}))
        .await;
    assert_eq!(code, "AUTHZ");
    let role = server.rbac(owner).role(voiders).await;
    assert_eq!(role["permissions"], json!(["pos.ticket.void"]));
    let (code, _) = server.rbac(&token).assign_err(cashier, owner_role).await;
    assert_eq!(code, "AUTHZ", "the owner role holds billing too");
}

#[tokio::test]
async fn role_rules_are_kept() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-rules").await;
    let owner = shop.owner_token.as_str();
    let (cashier, _) = server.staff(&shop, "cashier").await;
    let owner_role = server.rbac(&shop.owner_token).builtin_role("owner").await;
    let kitchen = server.rbac(&shop.owner_token).builtin_role("kitchen").await;
    let roles_before = server
        .gql_ok("{ roles { id } }", json!({}), Some(owner))
        .await;

    // Unknown permission.
    let (code, body) = server
        .rbac(owner)
        .create_role_err("Wizards", &["pos.ticket.read", "pos.teleport"])
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    assert_eq!(details(&body)["unknown"], json!(["pos.teleport"]), "{body}");
    assert_eq!(
        details(&body)["fields"]["permissions"],
        "unknown permission"
    );
    // A blank name.
    let (code, body) = server.rbac(owner).create_role_err("  ", &[]).await;
    assert_eq!(code, "VALIDATION", "{body}");
    let roles_after = server
        .gql_ok("{ roles { id } }", json!({}), Some(owner))
        .await;
    assert_eq!(roles_before, roles_after, "nothing was created");

    // Names are unique (ignoring case), built-in names included.
    let bakers = server
        .rbac(owner)
        .create_role("Bakers", &["menu.catalog.read"])
        .await;
    let spare = server.rbac(owner).create_role("Spare", &[]).await;
    for (query, input) in [
        (CREATE_ROLE, json!({"name": "bakers", "permissions": []})),
        (CREATE_ROLE, json!({"name": "Owner", "permissions": []})),
        (UPDATE_ROLE, json!({"roleId": spare, "name": "BAKERS"})),
    ] {
        let (code, body) = server
            .gql_err(query, json!({"i": input}), Some(owner))
            .await;
        assert_eq!(code, "CONFLICT", "{input}: {body}");
        assert_eq!(details(&body)["fields"]["name"], "is taken", "{body}");
    }
    assert_eq!(server.rbac(owner).role(spare).await["name"], "Spare");

    // A role in use stays.
    server.rbac(owner).assign(cashier, bakers).await;
    let (code, body) = server.rbac(owner).delete_role_err(bakers).await;
    assert_eq!(code, "CONFLICT", "{body}");
    assert_eq!(details(&body)["userCount"], 1, "{body}");
    server.rbac(owner).role(bakers).await;
    // An unused custom role goes.
    let role = server.rbac(owner).delete_role(spare).await;
    assert_eq!(role["name"], "Spare");
    let (code, _) = server.rbac(owner).role_err(spare).await;
    assert_eq!(code, "NOT_FOUND");
    // Built-in roles stay, even unused.
    assert_eq!(server.rbac(owner).role(kitchen).await["userCount"], 0);
    for role in [kitchen, owner_role] {
        let (code, body) = server.rbac(owner).delete_role_err(role).await;
        assert_eq!(code, "CONFLICT", "{body}");
        server.rbac(owner).role(role).await;
    }

    // The owner role always holds everything.
    let all = server.rbac(owner).role(owner_role).await["permissions"].clone();
    let (code, body) = server
        .rbac(owner)
        .update_role_err(json!({"roleId": owner_role, "permissions": ["admin.users.read"]}))
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    assert!(
        details(&body)["fields"]["permissions"].is_string(),
        "{body}"
    );
    let role = server.rbac(owner).role(owner_role).await;
    assert_eq!(role["permissions"], all);
    let catalog = server
        .gql_ok("{ permissions { key } }", json!({}), None)
        .await;
    assert_eq!(
        all.as_array().unwrap().len(),
        catalog["permissions"].as_array().unwrap().len()
    );

    // A business keeps an owner; taking a role from someone who does not hold it finds nothing.
    let (code, body) = server.rbac(owner).unassign_err(cashier, owner_role).await;
    assert_eq!(code, "NOT_FOUND", "{body}");
    let (code, body) = server
        .rbac(owner)
        .unassign_err(shop.owner_id, owner_role)
        .await;
    assert_eq!(code, "CONFLICT", "{body}");
    server.gql_ok(USERS, json!({}), Some(owner)).await;
    assert_eq!(
        server
            .rbac(&shop.owner_token)
            .role_keys_of(shop.owner_id)
            .await,
        vec![json!("owner")]
    );
    // With a second owner, the first may step down, and loses the powers at once.
    let (partner, partner_token) = server.staff(&shop, "owner").await;
    let as_partner = server.rbac(&partner_token);
    server.rbac(owner).unassign(shop.owner_id, owner_role).await;
    assert_missing(&server, USERS, json!({}), owner, "admin.users.read").await;
    assert_eq!(as_partner.role(owner_role).await["userCount"], 1);
    let (code, _) = as_partner.unassign_err(partner, owner_role).await;
    assert_eq!(code, "CONFLICT", "the last owner again");

    // A deactivated owner is no owner to fall back on.
    let partner_shop = TenantFixture {
        owner_token: partner_token.clone(),
        ..shop.clone()
    };
    let (heir, _) = server.staff(&partner_shop, "owner").await;
    server
        .gql_ok(
            "mutation($i: UserIdInput!) { deactivateUser(input: $i) { user { status } } }",
            json!({"i": {"userId": heir}}),
            Some(&partner_token),
        )
        .await;
    assert_eq!(as_partner.role(owner_role).await["userCount"], 2);
    let (code, body) = as_partner.unassign_err(partner, owner_role).await;
    assert_eq!(code, "CONFLICT", "the only active owner: {body}");
    server.gql_ok(USERS, json!({}), Some(&partner_token)).await;
    // Taking it from the deactivated one is fine.
    as_partner.unassign(heir, owner_role).await;
}

#[tokio::test]
async fn the_permissions_query_lists_the_registry() {
    let server = TestServer::start().await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../module-registry.json");
    let registry: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut expected = BTreeSet::new();
    for module in registry["modules"].as_array().unwrap() {
        for permission in module["permissions"].as_array().unwrap() {
            expected.insert((
                permission.as_str().unwrap().to_owned(),
                module["key"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert!(expected.contains(&("pos.ticket.write".to_owned(), "pos".to_owned())));
    let data = server
        .gql_ok("{ permissions { key module } }", json!({}), None)
        .await;
    let listed: Vec<(String, String)> = data["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["key"].as_str().unwrap().to_owned(),
                p["module"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(listed.len(), expected.len(), "no duplicates: {data}");
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), expected);
}
