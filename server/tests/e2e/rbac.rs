//! Roles and permissions, the module toggle, API keys and the audit trail,
//! end to end: what a principal may do is loaded fresh for every request,
//! nobody hands out more than they hold, and every change leaves a trail.

use crate::harness::{PASSWORD, TenantFixture, TestServer};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use uuid::Uuid;

const USERS: &str = "{ users(first: 100) { nodes { id } } }";
const CREATE_ROLE: &str = "mutation($i: CreateRoleInput!) { createRole(input: $i) { role { id name permissions builtIn userCount } } }";
const UPDATE_ROLE: &str = "mutation($i: UpdateRoleInput!) { updateRole(input: $i) { role { id name permissions userCount } } }";
const DELETE_ROLE: &str =
    "mutation($i: RoleIdInput!) { deleteRole(input: $i) { role { id name } } }";
const ASSIGN_ROLE: &str =
    "mutation($i: RoleAssignmentInput!) { assignRole(input: $i) { role { id userCount } } }";
const UNASSIGN_ROLE: &str =
    "mutation($i: RoleAssignmentInput!) { unassignRole(input: $i) { role { id userCount } } }";
const ROLE: &str = "query($id: UUID!) { role(id: $id) { id name permissions userCount } }";
const USER_ROLES: &str = "query($id: UUID!) { user(id: $id) { id roles { id key } } }";
const CREATE_USER: &str =
    "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }";
const PERMISSION_CHECK: &str = "query($p: [String!]!) { permissionCheck(permissions: $p) { permission allowed code reason module } }";
const SET_TENANT_MODULE: &str = "mutation($i: SetTenantModuleInput!) { setTenantModule(input: $i) { module { key enabled core } } }";
const CREATE_API_KEY: &str = "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id name prefix permissions createdBy expiresAt lastUsedAt revokedAt } secret } }";
const API_KEYS: &str =
    "{ apiKeys { id name prefix permissions createdBy expiresAt lastUsedAt revokedAt } }";
const REVOKE_API_KEY: &str =
    "mutation($i: ApiKeyIdInput!) { revokeApiKey(input: $i) { apiKey { id revokedAt } } }";
const AUDIT_FIELDS: &str = "nodes { id tenantId actorType actorId action entityType entityId before after requestId createdAt } pageInfo { hasNextPage endCursor }";

fn id(v: &Value) -> Uuid {
    Uuid::parse_str(v.as_str().unwrap_or_else(|| panic!("not an id: {v}"))).unwrap()
}

fn details(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]["details"]
}

fn ids_at(list: &Value) -> Vec<Uuid> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|n| id(&n["id"]))
        .collect()
}

async fn create_role(server: &TestServer, token: &str, name: &str, permissions: &[&str]) -> Uuid {
    let data = server
        .gql_ok(
            CREATE_ROLE,
            json!({"i": {"name": name, "permissions": permissions}}),
            Some(token),
        )
        .await;
    id(&data["createRole"]["role"]["id"])
}

async fn builtin_role(server: &TestServer, shop: &TenantFixture, key: &str) -> Uuid {
    let data = server
        .gql_ok("{ roles { id key } }", json!({}), Some(&shop.owner_token))
        .await;
    data["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .map(|r| id(&r["id"]))
        .unwrap_or_else(|| panic!("no role {key}: {data}"))
}

async fn assign(server: &TestServer, token: &str, user: Uuid, role: Uuid) {
    server
        .gql_ok(
            ASSIGN_ROLE,
            json!({"i": {"userId": user, "roleId": role}}),
            Some(token),
        )
        .await;
}

async fn role_keys_of(server: &TestServer, shop: &TenantFixture, user: Uuid) -> Vec<Value> {
    let data = server
        .gql_ok(USER_ROLES, json!({"id": user}), Some(&shop.owner_token))
        .await;
    data["user"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].clone())
        .collect()
}

/// Asserts an `AUTHZ` that names the missing permission.
async fn assert_missing(
    server: &TestServer,
    query: &str,
    variables: Value,
    token: &str,
    permission: &str,
) {
    let (code, body) = server.gql_err(query, variables, Some(token)).await;
    assert_eq!(code, "AUTHZ", "{body}");
    assert_eq!(details(&body)["permission"], permission, "{body}");
}

// ------------------------------------------------------------ roles

#[tokio::test]
async fn a_role_change_applies_to_the_very_next_request() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-next").await;
    let owner = shop.owner_token.as_str();
    let (cashier, token) = server.staff(&shop, "cashier").await;

    assert_missing(&server, USERS, json!({}), &token, "admin.users.read").await;

    let readers = create_role(&server, owner, "Readers", &["admin.users.read"]).await;
    assign(&server, owner, cashier, readers).await;
    let data = server.gql_ok(USERS, json!({}), Some(&token)).await;
    let users = ids_at(&data["users"]["nodes"]);
    assert!(users.contains(&cashier) && users.contains(&shop.owner_id));

    // The role loses the permission: the same, still valid token is refused next time.
    let data = server
        .gql_ok(
            UPDATE_ROLE,
            json!({"i": {"roleId": readers, "permissions": ["pos.ticket.read"]}}),
            Some(owner),
        )
        .await;
    assert_eq!(
        data["updateRole"]["role"]["permissions"],
        json!(["pos.ticket.read"])
    );
    assert_missing(&server, USERS, json!({}), &token, "admin.users.read").await;
    let data = server
        .gql_ok("{ myPermissions }", json!({}), Some(&token))
        .await;
    let mine = data["myPermissions"].as_array().unwrap();
    assert!(!mine.contains(&json!("admin.users.read")), "{data}");
    assert!(mine.contains(&json!("pos.ticket.write")), "{data}");

    // Back again, and then the assignment goes.
    server
        .gql_ok(
            UPDATE_ROLE,
            json!({"i": {"roleId": readers, "permissions": ["admin.users.read"]}}),
            Some(owner),
        )
        .await;
    server.gql_ok(USERS, json!({}), Some(&token)).await;
    let data = server
        .gql_ok(
            UNASSIGN_ROLE,
            json!({"i": {"userId": cashier, "roleId": readers}}),
            Some(owner),
        )
        .await;
    assert_eq!(data["unassignRole"]["role"]["userCount"], 0);
    assert_missing(&server, USERS, json!({}), &token, "admin.users.read").await;
    assert_eq!(
        role_keys_of(&server, &shop, cashier).await,
        vec![json!("cashier")]
    );
}

#[tokio::test]
async fn a_cashier_cannot_manage_roles() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-cashier").await;
    let (cashier, token) = server.staff(&shop, "cashier").await;
    let cashier_role = builtin_role(&server, &shop, "cashier").await;
    let before = server
        .gql_ok(
            "{ roles { id name permissions userCount } }",
            json!({}),
            Some(&shop.owner_token),
        )
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
    let owner_role = builtin_role(&server, &shop, "owner").await;
    assert_missing(
        &server,
        ASSIGN_ROLE,
        json!({"i": {"userId": cashier, "roleId": owner_role}}),
        &token,
        "admin.users.manage",
    )
    .await;

    let after = server
        .gql_ok(
            "{ roles { id name permissions userCount } }",
            json!({}),
            Some(&shop.owner_token),
        )
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
    let owner_role = builtin_role(&server, &shop, "owner").await;
    let kitchen = builtin_role(&server, &shop, "kitchen").await;

    // The manager may manage users, but not hand out the owner's powers.
    let (code, body) = server
        .gql_err(
            ASSIGN_ROLE,
            json!({"i": {"userId": cashier, "roleId": owner_role}}),
            Some(&token),
        )
        .await;
    assert_eq!(code, "AUTHZ", "{body}");
    let missing = details(&body)["permissions"].as_array().unwrap().clone();
    assert!(missing.contains(&json!("admin.roles.manage")), "{body}");
    assert!(!missing.contains(&json!("pos.ticket.write")), "{body}");
    assert_eq!(
        role_keys_of(&server, &shop, cashier).await,
        vec![json!("cashier")]
    );
    let (code, _) = server
        .gql_err(
            ASSIGN_ROLE,
            json!({"i": {"userId": manager, "roleId": owner_role}}),
            Some(&token),
        )
        .await;
    assert_eq!(code, "AUTHZ", "nor to themselves");
    // Nor take them away.
    let (code, _) = server
        .gql_err(
            UNASSIGN_ROLE,
            json!({"i": {"userId": shop.owner_id, "roleId": owner_role}}),
            Some(&token),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    assert_eq!(
        role_keys_of(&server, &shop, shop.owner_id).await,
        vec![json!("owner")]
    );
    // A role within their own permissions they may give.
    assign(&server, &token, cashier, kitchen).await;
    let mut keys = role_keys_of(&server, &shop, cashier).await;
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
    let keepers = create_role(&server, owner, "Key keepers", &["admin.api_keys.manage"]).await;
    assign(&server, owner, manager, keepers).await;
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
    let data = server
        .gql_ok(
            CREATE_API_KEY,
            json!({"i": {"name": "Enough", "permissions": ["admin.users.read"]}}),
            Some(&token),
        )
        .await;
    assert_eq!(data["createApiKey"]["apiKey"]["createdBy"], json!(manager));
    let keys = server.gql_ok(API_KEYS, json!({}), Some(owner)).await;
    let names: Vec<&Value> = keys["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["name"])
        .collect();
    assert_eq!(names, vec![&json!("Enough")]);

    // Roles: given admin.roles.manage, a manager still cannot put into a role what they lack.
    let editors = create_role(&server, owner, "Role editors", &["admin.roles.manage"]).await;
    assign(&server, owner, manager, editors).await;
    let (code, body) = server
        .gql_err(
            CREATE_ROLE,
            json!({"i": {"name": "Billing", "permissions": ["billing.subscription.manage"]}}),
            Some(&token),
        )
        .await;
    assert_eq!(code, "AUTHZ", "{body}");
    assert_eq!(
        details(&body)["permissions"],
        json!(["billing.subscription.manage"])
    );
    let voiders = create_role(&server, &token, "Voiders", &["pos.ticket.void"]).await;
    let (code, _) = server
        .gql_err(
            UPDATE_ROLE,
            json!({"i": {"roleId": voiders, "permissions": ["pos.ticket.void", "billing.subscription.manage"]}}),
            Some(&token),
        )
        .await;
    assert_eq!(code, "AUTHZ");
    let data = server
        .gql_ok(ROLE, json!({"id": voiders}), Some(owner))
        .await;
    assert_eq!(data["role"]["permissions"], json!(["pos.ticket.void"]));
    let (code, _) = server
        .gql_err(
            ASSIGN_ROLE,
            json!({"i": {"userId": cashier, "roleId": owner_role}}),
            Some(&token),
        )
        .await;
    assert_eq!(code, "AUTHZ", "the owner role holds billing too");
}

#[tokio::test]
async fn role_rules_are_kept() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-rules").await;
    let owner = shop.owner_token.as_str();
    let (cashier, _) = server.staff(&shop, "cashier").await;
    let owner_role = builtin_role(&server, &shop, "owner").await;
    let kitchen = builtin_role(&server, &shop, "kitchen").await;
    let roles_before = server
        .gql_ok("{ roles { id } }", json!({}), Some(owner))
        .await;

    // Unknown permission.
    let (code, body) = server
        .gql_err(
            CREATE_ROLE,
            json!({"i": {"name": "Wizards", "permissions": ["pos.ticket.read", "pos.teleport"]}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    assert_eq!(details(&body)["unknown"], json!(["pos.teleport"]), "{body}");
    assert_eq!(
        details(&body)["fields"]["permissions"],
        "unknown permission"
    );
    // A blank name.
    let (code, body) = server
        .gql_err(
            CREATE_ROLE,
            json!({"i": {"name": "  ", "permissions": []}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    let roles_after = server
        .gql_ok("{ roles { id } }", json!({}), Some(owner))
        .await;
    assert_eq!(roles_before, roles_after, "nothing was created");

    // Names are unique (ignoring case), built-in names included.
    let bakers = create_role(&server, owner, "Bakers", &["menu.catalog.read"]).await;
    let spare = create_role(&server, owner, "Spare", &[]).await;
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
    let data = server.gql_ok(ROLE, json!({"id": spare}), Some(owner)).await;
    assert_eq!(data["role"]["name"], "Spare");

    // A role in use stays.
    assign(&server, owner, cashier, bakers).await;
    let (code, body) = server
        .gql_err(DELETE_ROLE, json!({"i": {"roleId": bakers}}), Some(owner))
        .await;
    assert_eq!(code, "CONFLICT", "{body}");
    assert_eq!(details(&body)["userCount"], 1, "{body}");
    server
        .gql_ok(ROLE, json!({"id": bakers}), Some(owner))
        .await;
    // An unused custom role goes.
    let data = server
        .gql_ok(DELETE_ROLE, json!({"i": {"roleId": spare}}), Some(owner))
        .await;
    assert_eq!(data["deleteRole"]["role"]["name"], "Spare");
    let (code, _) = server
        .gql_err(ROLE, json!({"id": spare}), Some(owner))
        .await;
    assert_eq!(code, "NOT_FOUND");
    // Built-in roles stay, even unused.
    let data = server
        .gql_ok(ROLE, json!({"id": kitchen}), Some(owner))
        .await;
    assert_eq!(data["role"]["userCount"], 0);
    for role in [kitchen, owner_role] {
        let (code, body) = server
            .gql_err(DELETE_ROLE, json!({"i": {"roleId": role}}), Some(owner))
            .await;
        assert_eq!(code, "CONFLICT", "{body}");
        server.gql_ok(ROLE, json!({"id": role}), Some(owner)).await;
    }

    // The owner role always holds everything.
    let all = server
        .gql_ok(ROLE, json!({"id": owner_role}), Some(owner))
        .await["role"]["permissions"]
        .clone();
    let (code, body) = server
        .gql_err(
            UPDATE_ROLE,
            json!({"i": {"roleId": owner_role, "permissions": ["admin.users.read"]}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "VALIDATION", "{body}");
    assert!(
        details(&body)["fields"]["permissions"].is_string(),
        "{body}"
    );
    let data = server
        .gql_ok(ROLE, json!({"id": owner_role}), Some(owner))
        .await;
    assert_eq!(data["role"]["permissions"], all);
    let catalog = server
        .gql_ok("{ permissions { key } }", json!({}), None)
        .await;
    assert_eq!(
        all.as_array().unwrap().len(),
        catalog["permissions"].as_array().unwrap().len()
    );

    // A business keeps an owner; taking a role from someone who does not hold it finds nothing.
    let (code, body) = server
        .gql_err(
            UNASSIGN_ROLE,
            json!({"i": {"userId": cashier, "roleId": owner_role}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "NOT_FOUND", "{body}");
    let (code, body) = server
        .gql_err(
            UNASSIGN_ROLE,
            json!({"i": {"userId": shop.owner_id, "roleId": owner_role}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "CONFLICT", "{body}");
    server.gql_ok(USERS, json!({}), Some(owner)).await;
    assert_eq!(
        role_keys_of(&server, &shop, shop.owner_id).await,
        vec![json!("owner")]
    );
    // With a second owner, the first may step down, and loses the powers at once.
    let (partner, partner_token) = server.staff(&shop, "owner").await;
    server
        .gql_ok(
            UNASSIGN_ROLE,
            json!({"i": {"userId": shop.owner_id, "roleId": owner_role}}),
            Some(owner),
        )
        .await;
    assert_missing(&server, USERS, json!({}), owner, "admin.users.read").await;
    let data = server
        .gql_ok(ROLE, json!({"id": owner_role}), Some(&partner_token))
        .await;
    assert_eq!(data["role"]["userCount"], 1);
    let (code, _) = server
        .gql_err(
            UNASSIGN_ROLE,
            json!({"i": {"userId": partner, "roleId": owner_role}}),
            Some(&partner_token),
        )
        .await;
    assert_eq!(code, "CONFLICT", "the last owner again");

    // A deactivated owner is no owner to fall back on.
    let as_partner = TenantFixture {
        owner_token: partner_token.clone(),
        ..shop.clone()
    };
    let (heir, _) = server.staff(&as_partner, "owner").await;
    server
        .gql_ok(
            "mutation($i: UserIdInput!) { deactivateUser(input: $i) { user { status } } }",
            json!({"i": {"userId": heir}}),
            Some(&partner_token),
        )
        .await;
    let data = server
        .gql_ok(ROLE, json!({"id": owner_role}), Some(&partner_token))
        .await;
    assert_eq!(data["role"]["userCount"], 2);
    let (code, body) = server
        .gql_err(
            UNASSIGN_ROLE,
            json!({"i": {"userId": partner, "roleId": owner_role}}),
            Some(&partner_token),
        )
        .await;
    assert_eq!(code, "CONFLICT", "the only active owner: {body}");
    server.gql_ok(USERS, json!({}), Some(&partner_token)).await;
    // Taking it from the deactivated one is fine.
    server
        .gql_ok(
            UNASSIGN_ROLE,
            json!({"i": {"userId": heir, "roleId": owner_role}}),
            Some(&partner_token),
        )
        .await;
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

// ------------------------------------------------------------ module toggle

async fn check(server: &TestServer, token: &str, permissions: &[&str]) -> Vec<Value> {
    let data = server
        .gql_ok(PERMISSION_CHECK, json!({"p": permissions}), Some(token))
        .await;
    data["permissionCheck"].as_array().unwrap().clone()
}

fn module_enabled(modules: &Value, key: &str) -> bool {
    modules
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap_or_else(|| panic!("no module {key}: {modules}"))["enabled"]
        .as_bool()
        .unwrap()
}

#[tokio::test]
async fn a_module_toggle_applies_to_the_very_next_request() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-toggle").await;
    let other = server.tenant("rbac-untouched").await;
    let owner = shop.owner_token.as_str();
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let admin = server.superadmin_token().await;
    let modules = "{ modules { key enabled core } }";
    let toggle = |key: &str, enabled: bool| json!({"i": {"tenantId": shop.id, "moduleKey": key, "enabled": enabled}});

    let before = check(&server, owner, &["pos.ticket.write"]).await;
    assert_eq!(before[0]["allowed"], true, "{before:?}");

    // Off: the very next request of the owner (who holds every permission) is refused.
    let data = server
        .gql_ok(SET_TENANT_MODULE, toggle("pos", false), Some(&admin))
        .await;
    assert_eq!(
        data["setTenantModule"]["module"],
        json!({"key": "pos", "enabled": false, "core": false})
    );
    let data = server.gql_ok(modules, json!({}), Some(owner)).await;
    assert!(!module_enabled(&data["modules"], "pos"));
    assert!(
        !module_enabled(&data["modules"], "pos.tips"),
        "a feature is off with its module"
    );
    assert!(module_enabled(&data["modules"], "admin"));
    for token in [owner, cashier.as_str()] {
        let checks = check(&server, token, &["pos.ticket.write", "menu.catalog.read"]).await;
        assert_eq!(checks[0]["permission"], "pos.ticket.write");
        assert_eq!(checks[0]["allowed"], false, "{checks:?}");
        assert_eq!(checks[0]["code"], "AUTHZ", "{checks:?}");
        assert_eq!(checks[0]["module"], "pos", "{checks:?}");
        assert_eq!(
            checks[1]["allowed"], true,
            "other modules stay on: {checks:?}"
        );
    }
    let data = server
        .gql_ok(
            "query($t: UUID!) { tenantModules(tenantId: $t) { key enabled } }",
            json!({"t": shop.id}),
            Some(&admin),
        )
        .await;
    assert!(!module_enabled(&data["tenantModules"], "pos"));
    let checks = check(&server, &other.owner_token, &["pos.ticket.write"]).await;
    assert_eq!(checks[0]["allowed"], true, "another tenant keeps its POS");

    // On again: the very next request is allowed.
    server
        .gql_ok(SET_TENANT_MODULE, toggle("pos", true), Some(&admin))
        .await;
    let checks = check(&server, owner, &["pos.ticket.write"]).await;
    assert_eq!(checks[0]["allowed"], true, "{checks:?}");
    assert_eq!(checks[0]["code"], Value::Null);
    let data = server.gql_ok(modules, json!({}), Some(owner)).await;
    assert!(module_enabled(&data["modules"], "pos"));
    assert!(module_enabled(&data["modules"], "pos.tips"));

    // The core module stays on; unknown keys are refused.
    for (key, enabled) in [("admin", false), ("teleport", true), ("teleport", false)] {
        let (code, body) = server
            .gql_err(SET_TENANT_MODULE, toggle(key, enabled), Some(&admin))
            .await;
        assert_eq!(code, "VALIDATION", "{key}: {body}");
        assert!(details(&body)["fields"]["moduleKey"].is_string(), "{body}");
    }
    let data = server.gql_ok(modules, json!({}), Some(owner)).await;
    assert!(module_enabled(&data["modules"], "admin"));
    server.gql_ok(USERS, json!({}), Some(owner)).await;

    // Each toggle left one event and one audit row, in its tenant; the refusals none.
    let mut db = server.db.owner().await;
    let events: Vec<Value> = sqlx::query_scalar(
        "SELECT payload FROM event_outbox WHERE event_type = 'tenant.module.toggled' AND tenant_id = $1 ORDER BY id",
    )
    .bind(shop.id)
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(
        events,
        vec![
            json!({"tenantId": shop.id, "moduleKey": "pos", "enabled": false}),
            json!({"tenantId": shop.id, "moduleKey": "pos", "enabled": true}),
        ]
    );
    let elsewhere: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_outbox WHERE event_type = 'tenant.module.toggled' AND tenant_id IS DISTINCT FROM $1",
    )
    .bind(shop.id)
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(elsewhere, 0);
    let audit: Vec<(String, String, Option<Value>, Option<Value>)> = sqlx::query_as(
        "SELECT actor_type, entity_id, before, after FROM audit_events
         WHERE action = 'tenant.module.toggled' AND tenant_id = $1 ORDER BY id",
    )
    .bind(shop.id)
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(
        audit,
        vec![
            (
                "superadmin".to_owned(),
                "pos".to_owned(),
                Some(json!({"enabled": true})),
                Some(json!({"enabled": false}))
            ),
            (
                "superadmin".to_owned(),
                "pos".to_owned(),
                Some(json!({"enabled": false})),
                Some(json!({"enabled": true}))
            ),
        ]
    );
    // The business sees the toggles in its own trail.
    let data = server
        .gql_ok(
            "{ auditEvents(filter: {action: \"tenant.module.toggled\"}) { nodes { action entityId after } } }",
            json!({}),
            Some(owner),
        )
        .await;
    assert_eq!(
        data["auditEvents"]["nodes"],
        json!([
            {"action": "tenant.module.toggled", "entityId": "pos", "after": {"enabled": true}},
            {"action": "tenant.module.toggled", "entityId": "pos", "after": {"enabled": false}},
        ])
    );
}

// ------------------------------------------------------------ API keys

#[tokio::test]
async fn api_keys_act_within_their_permissions_until_revoked() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-keys").await;
    let owner = shop.owner_token.as_str();
    let create =
        |name: &str, permissions: &[&str]| json!({"i": {"name": name, "permissions": permissions}});

    let data = server
        .gql_ok(
            CREATE_API_KEY,
            create("Reader", &["admin.users.read"]),
            Some(owner),
        )
        .await;
    let secret = data["createApiKey"]["secret"].as_str().unwrap().to_owned();
    let reader = data["createApiKey"]["apiKey"].clone();
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
    assert_missing(
        &server,
        "{ auditEvents { nodes { id } } }",
        json!({}),
        &secret,
        "admin.audit.read",
    )
    .await;
    let data = server
        .gql_ok(
            CREATE_API_KEY,
            create("Auditor", &["admin.audit.read"]),
            Some(owner),
        )
        .await;
    let auditor = data["createApiKey"]["secret"].as_str().unwrap().to_owned();
    assert_missing(&server, USERS, json!({}), &auditor, "admin.users.read").await;
    server
        .gql_ok(
            "{ auditEvents { nodes { id } } }",
            json!({}),
            Some(&auditor),
        )
        .await;
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
    server
        .gql_ok(
            "{ auditEvents { nodes { id } } }",
            json!({}),
            Some(&auditor),
        )
        .await;

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
    let data = server
        .gql_ok(
            CREATE_API_KEY,
            json!({"i": {"name": "Temporary", "permissions": ["admin.users.read"], "expiresAt": later}}),
            Some(owner),
        )
        .await;
    assert!(data["createApiKey"]["apiKey"]["expiresAt"].is_string());
    let temporary = data["createApiKey"]["secret"].as_str().unwrap().to_owned();
    server.gql_ok(USERS, json!({}), Some(&temporary)).await;
}

// ------------------------------------------------------------ audit

async fn audit_page(
    server: &TestServer,
    token: &str,
    filter: Value,
    first: i64,
    after: Option<String>,
) -> (Vec<Value>, Value) {
    let query = format!(
        "query($f: AuditFilterInput, $first: Int, $after: String) {{ auditEvents(filter: $f, first: $first, after: $after) {{ {AUDIT_FIELDS} }} }}"
    );
    let data = server
        .gql_ok(
            &query,
            json!({"f": filter, "first": first, "after": after}),
            Some(token),
        )
        .await;
    (
        data["auditEvents"]["nodes"].as_array().unwrap().clone(),
        data["auditEvents"]["pageInfo"].clone(),
    )
}

async fn audit(server: &TestServer, token: &str, filter: Value) -> Vec<Value> {
    let (nodes, page) = audit_page(server, token, filter, 100, None).await;
    assert_eq!(page["hasNextPage"], false, "fits one page");
    nodes
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_audit_trail_lists_filters_and_pages() {
    let server = TestServer::start().await;
    let shop = server.tenant("rbac-audit").await;
    let other = server.tenant("rbac-audit-other").await;
    let owner = shop.owner_token.as_str();
    let (_, cashier) = server.staff(&shop, "cashier").await;

    // Some changes, oldest first.
    let role = create_role(&server, owner, "Auditors", &["admin.audit.read"]).await;
    server
        .gql_ok(
            UPDATE_ROLE,
            json!({"i": {"roleId": role, "name": "Reviewers"}}),
            Some(owner),
        )
        .await;
    let data = server
        .gql_ok(
            CREATE_USER,
            json!({"i": {"email": "ada@audit.test", "displayName": "Ada", "password": PASSWORD}}),
            Some(owner),
        )
        .await;
    let ada = id(&data["createUser"]["user"]["id"]);
    assign(&server, owner, ada, role).await;
    let temp = create_role(&server, owner, "Temp", &[]).await;
    server
        .gql_ok(DELETE_ROLE, json!({"i": {"roleId": temp}}), Some(owner))
        .await;
    let theirs = create_role(&server, &other.owner_token, "Theirs", &[]).await;

    // Newest first, with before and after.
    let all = audit(&server, owner, json!(null)).await;
    assert!(all.len() > 6, "{all:?}");
    assert_eq!(
        actions(&all[..6]),
        vec![
            "rbac.role.deleted",
            "rbac.role.created",
            "rbac.role.assigned",
            "identity.user.created",
            "rbac.role.updated",
            "rbac.role.created",
        ]
    );
    for pair in all.windows(2) {
        assert!(pair[0]["id"].as_str() > pair[1]["id"].as_str(), "{pair:?}");
        let (newer, older) = (
            chrono::DateTime::parse_from_rfc3339(pair[0]["createdAt"].as_str().unwrap()).unwrap(),
            chrono::DateTime::parse_from_rfc3339(pair[1]["createdAt"].as_str().unwrap()).unwrap(),
        );
        assert!(newer >= older, "{pair:?}");
    }
    for event in &all {
        assert_eq!(event["tenantId"], json!(shop.id));
    }
    let updated = &all[4];
    assert_eq!(updated["entityType"], "role");
    assert_eq!(updated["entityId"], json!(role.to_string()));
    assert_eq!(updated["actorType"], "user");
    assert_eq!(updated["actorId"], json!(shop.owner_id));
    assert!(updated["requestId"].is_string());
    assert_eq!(updated["before"]["name"], "Auditors");
    assert_eq!(updated["after"]["name"], "Reviewers");
    assert_eq!(updated["after"]["permissions"], json!(["admin.audit.read"]));
    let created = &all[5];
    assert_eq!(created["before"], Value::Null);
    assert_eq!(created["after"]["name"], "Auditors");
    let deleted = &all[0];
    assert_eq!(deleted["entityId"], json!(temp.to_string()));
    assert_eq!(deleted["before"]["name"], "Temp");
    assert_eq!(deleted["after"], Value::Null);
    let assigned = &all[2];
    assert_eq!(assigned["entityType"], "user");
    assert_eq!(assigned["entityId"], json!(ada.to_string()));
    assert_eq!(assigned["after"]["roleId"], json!(role));

    // Filters: an action prefix, an exact action, an entity type, an entity.
    let rbac = audit(&server, owner, json!({"action": "rbac."})).await;
    assert_eq!(
        actions(&rbac),
        vec![
            "rbac.role.deleted",
            "rbac.role.created",
            "rbac.role.assigned",
            "rbac.role.updated",
            "rbac.role.created",
        ]
    );
    let created = audit(&server, owner, json!({"action": "rbac.role.created"})).await;
    assert_eq!(
        ids_at(&Value::Array(created)),
        vec![id(&all[1]["id"]), id(&all[5]["id"])]
    );
    let roles = audit(&server, owner, json!({"entityType": "role"})).await;
    assert_eq!(
        actions(&roles),
        vec![
            "rbac.role.deleted",
            "rbac.role.created",
            "rbac.role.updated",
            "rbac.role.created",
        ]
    );
    let about_ada = audit(
        &server,
        owner,
        json!({"entityType": "user", "entityId": ada.to_string()}),
    )
    .await;
    assert_eq!(
        actions(&about_ada),
        vec!["rbac.role.assigned", "identity.user.created"]
    );
    let by_owner = audit(&server, owner, json!({"actorId": shop.owner_id})).await;
    assert!(
        by_owner.len() >= 6 && by_owner.len() < all.len(),
        "{by_owner:?}"
    );
    assert!(
        by_owner
            .iter()
            .all(|e| e["actorId"] == json!(shop.owner_id))
    );

    // Pages of two walk the whole trail once, in order.
    let mut walked: Vec<Uuid> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (nodes, page) = audit_page(&server, owner, json!(null), 2, after.clone()).await;
        assert!(nodes.len() <= 2);
        walked.extend(nodes.iter().map(|n| id(&n["id"])));
        if page["hasNextPage"] == false {
            break;
        }
        assert_eq!(nodes.len(), 2);
        after = Some(page["endCursor"].as_str().unwrap().to_owned());
        assert!(walked.len() <= all.len(), "the walk does not end");
    }
    assert_eq!(walked, ids_at(&Value::Array(all.clone())));

    // A cashier may not read it.
    assert_missing(
        &server,
        "{ auditEvents { nodes { id } } }",
        json!({}),
        &cashier,
        "admin.audit.read",
    )
    .await;

    // Superadmins: one tenant's trail, or everyone's.
    let admin = server.superadmin_token().await;
    let query = format!(
        "query($t: UUID, $f: AuditFilterInput) {{ platformAuditEvents(tenantId: $t, filter: $f, first: 100) {{ {AUDIT_FIELDS} }} }}"
    );
    let data = server
        .gql_ok(&query, json!({"t": shop.id}), Some(&admin))
        .await;
    let platform = data["platformAuditEvents"]["nodes"].as_array().unwrap();
    assert!(platform.iter().all(|e| e["tenantId"] == json!(shop.id)));
    let platform_ids = ids_at(&data["platformAuditEvents"]["nodes"]);
    for event in &all {
        assert!(platform_ids.contains(&id(&event["id"])), "{event}");
    }
    let data = server
        .gql_ok(
            &query,
            json!({"f": {"action": "rbac.role.created"}}),
            Some(&admin),
        )
        .await;
    let everyone = data["platformAuditEvents"]["nodes"].as_array().unwrap();
    let tenants: BTreeSet<String> = everyone
        .iter()
        .map(|e| e["tenantId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        tenants,
        BTreeSet::from([shop.id.to_string(), other.id.to_string()])
    );
    assert!(
        everyone
            .iter()
            .any(|e| e["entityId"] == json!(theirs.to_string()))
    );
    assert_eq!(everyone.len(), 3, "{everyone:?}");
    // And the other business sees only its own.
    let theirs_trail = audit(&server, &other.owner_token, json!({"action": "rbac."})).await;
    assert_eq!(actions(&theirs_trail), vec!["rbac.role.created"]);
    assert_eq!(theirs_trail[0]["entityId"], json!(theirs.to_string()));
}
