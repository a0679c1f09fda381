//! Tenant isolation over the API: whatever id a tenant's credential names,
//! another tenant's rows stay out of reach (`NOT_FOUND`, as if they did not
//! exist) and unchanged, lists hold only the caller's rows, and the platform's
//! own operations stay with superadmins.
//!
//! This suite grows with every module. A tenant-scoped operation that takes
//! an id is one entry in [`cases`] (its document, variables built from tenant
//! B's ids, and a query B's owner runs before and after to see nothing
//! changed); a list query is one entry in [`lists`]; a superadmin operation
//! is one entry in [`platform_only`]. The ids a new module needs go into
//! [`Side`]. Every entry is run with tenant A's owner token and A's API key,
//! and after each one the whole database (as its owner sees it, below
//! row-level security) must be exactly as before.

use crate::harness::{PASSWORD, TenantFixture, TestDb, TestServer};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use uuid::Uuid;

const USER_VIEW: &str =
    "query($id: UUID!) { user(id: $id) { id email displayName status updatedAt roles { id } } }";
const ROLE_VIEW: &str =
    "query($id: UUID!) { role(id: $id) { id name description permissions userCount updatedAt } }";
const KEYS_VIEW: &str = "{ apiKeys { id name permissions revokedAt } }";

const CREATE_ROLE: &str =
    "mutation($i: CreateRoleInput!) { createRole(input: $i) { role { id } } }";
const UPDATE_ROLE: &str =
    "mutation($i: UpdateRoleInput!) { updateRole(input: $i) { role { id name permissions } } }";
const DELETE_ROLE: &str = "mutation($i: RoleIdInput!) { deleteRole(input: $i) { role { id } } }";
const ASSIGN_ROLE: &str =
    "mutation($i: RoleAssignmentInput!) { assignRole(input: $i) { role { id userCount } } }";
const UNASSIGN_ROLE: &str =
    "mutation($i: RoleAssignmentInput!) { unassignRole(input: $i) { role { id userCount } } }";
const CREATE_USER: &str =
    "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id email } } }";
const DEACTIVATE_USER: &str =
    "mutation($i: UserIdInput!) { deactivateUser(input: $i) { user { id status } } }";
const REACTIVATE_USER: &str =
    "mutation($i: UserIdInput!) { reactivateUser(input: $i) { user { id status } } }";
const CREATE_API_KEY: &str =
    "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } secret } }";
const REVOKE_API_KEY: &str =
    "mutation($i: ApiKeyIdInput!) { revokeApiKey(input: $i) { apiKey { id revokedAt } } }";
const SET_TENANT_MODULE: &str =
    "mutation($i: SetTenantModuleInput!) { setTenantModule(input: $i) { module { key enabled } } }";

/// What tenant A's API key may do: all of the admin module, so any refusal
/// below is about the tenant, not the key's permissions.
const ADMIN_PERMISSIONS: &[&str] = &[
    "admin.users.read",
    "admin.users.manage",
    "admin.roles.manage",
    "admin.api_keys.manage",
    "admin.audit.read",
    "menu.catalog.read",
    "menu.catalog.write",
    "menu.availability.write",
    "admin.locations.manage",
    "inventory.stock.read",
    "inventory.item.write",
    "inventory.stock.adjust",
    "inventory.count.manage",
    "inventory.transfer.manage",
    "inventory.recipe.write",
    "pos.ticket.read",
    "pos.ticket.write",
    "pos.ticket.discount",
    "pos.ticket.void",
    "pos.payment.take",
    "pos.payment.refund",
    "pos.shift.manage",
    "pos.report.read",
];

const STOCK_ITEM_VIEW: &str = "query($id: UUID!) { stockItem(id: $id) { id name active version menuItemId } stockLevels(stockItemId: $id) { locationId onHand reorderPoint } }";
const STOCK_COUNT_VIEW: &str =
    "query($id: UUID!) { stockCount(id: $id) { id status lines { stockItemId counted } } }";
const STOCK_TRANSFER_VIEW: &str =
    "query($id: UUID!) { stockTransfer(id: $id) { id status closedAt lines { quantity } } }";
const RECIPE_VIEW: &str =
    "query($id: UUID!) { recipe(menuItemId: $id) { components { stockItemId quantity } } }";
const LOCATIONS_VIEW: &str = "{ locations { id name timezone active } }";
const TICKET_VIEW: &str = "query($id: UUID!) { ticket(id: $id) { id status version totalMinor paidMinor refundedMinor discount { value }
  lines { id quantity status note sentAt } payments { id refundedMinor } } }";
const SHIFT_VIEW: &str = "query($id: UUID!) { shift(id: $id) { id status closedAt } shiftReport(shiftId: $id) { cashInMinor cashOutMinor } }";

const MENU_ITEM_VIEW: &str = "query($id: UUID!) { menuItem(id: $id) { id name priceMinor soldOut version variants { name } modifierGroups { id } } }";

/// One tenant and the things of it the cases aim at.
struct Side {
    t: TenantFixture,
    owner_role: Uuid,
    cashier: Uuid,
    cashier_token: String,
    manager: Uuid,
    /// A deactivated user.
    former: Uuid,
    /// A custom role the cashier holds.
    auditors: Uuid,
    /// A custom role nobody holds.
    spare: Uuid,
    key: Uuid,
    key_secret: String,
    menu_category: Uuid,
    menu_item: Uuid,
    modifier_group: Uuid,
    location: Uuid,
    depot: Uuid,
    stock_item: Uuid,
    /// An open count with a line.
    stock_count: Uuid,
    /// A transfer in transit from the depot.
    transfer: Uuid,
    /// An open shift at `location`.
    shift: Uuid,
    /// An open ticket with one line, sent to the kitchen.
    ticket: Uuid,
    ticket_line: Uuid,
    /// A settled ticket paid by card.
    settled: Uuid,
    payment: Uuid,
}

struct World {
    server: TestServer,
    a: Side,
    b: Side,
    /// A business still waiting for approval.
    pending: Uuid,
}

fn id(v: &Value) -> Uuid {
    Uuid::parse_str(v.as_str().unwrap_or_else(|| panic!("not an id: {v}"))).unwrap()
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

async fn side(server: &TestServer, hint: &str) -> Side {
    let t = server.tenant(hint).await;
    let owner = t.owner_token.clone();
    let (cashier, cashier_token) = server.staff(&t, "cashier").await;
    let (manager, _) = server.staff(&t, "manager").await;
    let (former, _) = server.staff(&t, "kitchen").await;
    server
        .gql_ok(
            DEACTIVATE_USER,
            json!({"i": {"userId": former}}),
            Some(&owner),
        )
        .await;
    let auditors = create_role(server, &owner, "Auditors", &["admin.audit.read"]).await;
    let spare = create_role(server, &owner, "Spare", &["admin.users.read"]).await;
    server
        .gql_ok(
            ASSIGN_ROLE,
            json!({"i": {"userId": cashier, "roleId": auditors}}),
            Some(&owner),
        )
        .await;
    let key = server
        .gql_ok(
            CREATE_API_KEY,
            json!({"i": {"name": "Integration", "permissions": ADMIN_PERMISSIONS}}),
            Some(&owner),
        )
        .await;
    let roles = server
        .gql_ok("{ roles { id key } }", json!({}), Some(&owner))
        .await;
    let owner_role = roles["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "owner")
        .map(|r| id(&r["id"]))
        .unwrap();
    let category = server
        .gql_ok(
            "mutation($i: CreateMenuCategoryInput!) { createMenuCategory(input: $i) { id } }",
            json!({"i": {"name": "Drinks"}}),
            Some(&owner),
        )
        .await;
    let menu_category = id(&category["createMenuCategory"]["id"]);
    let group = server
        .gql_ok(
            "mutation($i: CreateModifierGroupInput!) { createModifierGroup(input: $i) { id } }",
            json!({"i": {"name": "Milk", "minSelect": 0, "maxSelect": 1, "modifiers": [{"name": "Oat", "priceDeltaMinor": 40}]}}),
            Some(&owner),
        )
        .await;
    let modifier_group = id(&group["createModifierGroup"]["id"]);
    let item = server
        .gql_ok(
            "mutation($i: CreateMenuItemInput!) { createMenuItem(input: $i) { id } }",
            json!({"i": {"categoryId": menu_category, "sku": "LATTE", "name": "Latte", "priceMinor": 350, "currency": "EUR",
                         "taxRateBp": 1000, "variants": [{"name": "Large", "priceDeltaMinor": 60}], "modifierGroupIds": [modifier_group]}}),
            Some(&owner),
        )
        .await;
    let menu_item = id(&item["createMenuItem"]["id"]);
    let inventory = inventory_of(server, &owner, menu_item).await;
    let sales = sales_of(server, &owner, inventory.0, menu_item).await;
    Side {
        shift: sales.0,
        ticket: sales.1,
        ticket_line: sales.2,
        settled: sales.3,
        payment: sales.4,
        location: inventory.0,
        depot: inventory.1,
        stock_item: inventory.2,
        stock_count: inventory.3,
        transfer: inventory.4,
        t,
        owner_role,
        menu_category,
        menu_item,
        modifier_group,
        cashier,
        cashier_token,
        manager,
        former,
        auditors,
        spare,
        key: id(&key["createApiKey"]["apiKey"]["id"]),
        key_secret: key["createApiKey"]["secret"].as_str().unwrap().to_owned(),
    }
}

/// Locations and stock: (location, depot, stock item, open count, transfer in transit).
async fn inventory_of(
    server: &TestServer,
    owner: &str,
    menu_item: Uuid,
) -> (Uuid, Uuid, Uuid, Uuid, Uuid) {
    let location = crate::inventory::location(server, owner, "Shop").await;
    let depot = crate::inventory::location(server, owner, "Depot").await;
    let stock_item = crate::inventory::stock_item(server, owner, "BEANS", "KG").await;
    for at in [&location, &depot] {
        crate::inventory::adjust(
            server,
            owner,
            json!({"stockItemId": stock_item, "locationId": at, "kind": "RECEIVED", "quantity": "5"}),
        )
        .await;
    }
    server
        .gql_ok(
            "mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { low } }",
            json!({"i": {"stockItemId": stock_item, "locationId": location, "reorderPoint": "1"}}),
            Some(owner),
        )
        .await;
    server
        .gql_ok(
            "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId } }",
            json!({"i": {"menuItemId": menu_item, "components": [{"stockItemId": stock_item, "quantity": "0.018"}]}}),
            Some(owner),
        )
        .await;
    let count = server
        .gql_ok(
            "mutation($i: StartStockCountInput!) { startStockCount(input: $i) { id } }",
            json!({"i": {"locationId": location}}),
            Some(owner),
        )
        .await;
    let count = id(&count["startStockCount"]["id"]);
    server
        .gql_ok(
            "mutation($i: RecordStockCountInput!) { recordStockCount(input: $i) { id } }",
            json!({"i": {"countId": count, "stockItemId": stock_item, "counted": "4"}}),
            Some(owner),
        )
        .await;
    let transfer = server
        .gql_ok(
            "mutation($i: SendStockTransferInput!) { sendStockTransfer(input: $i) { id } }",
            json!({"i": {"fromLocationId": depot, "toLocationId": location, "lines": [{"stockItemId": stock_item, "quantity": "1"}]}}),
            Some(owner),
        )
        .await;
    (
        id(&location.into()),
        id(&depot.into()),
        id(&stock_item.into()),
        count,
        id(&transfer["sendStockTransfer"]["id"]),
    )
}

/// The till: (open shift, open ticket, its line, settled ticket, its payment).
async fn sales_of(
    server: &TestServer,
    owner: &str,
    location: Uuid,
    menu_item: Uuid,
) -> (Uuid, Uuid, Uuid, Uuid, Uuid) {
    let shift = server
        .gql_ok(
            "mutation($i: OpenShiftInput!) { openShift(input: $i) { id } }",
            json!({"i": {"locationId": location, "openingFloatMinor": 5000, "currency": "EUR"}}),
            Some(owner),
        )
        .await;
    let mut tickets = Vec::new();
    for _ in 0..2 {
        let t = server
            .gql_ok(
                "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
                json!({"i": {"locationId": location, "label": "T1"}}),
                Some(owner),
            )
            .await;
        let ticket = id(&t["openTicket"]["id"]);
        let t = server
            .gql_ok(
                "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { lines { id } } }",
                json!({"i": {"ticketId": ticket, "menuItemId": menu_item, "quantity": 2}}),
                Some(owner),
            )
            .await;
        server
            .gql_ok(
                "mutation($i: TicketIdInput!) { sendTicket(input: $i) { id } }",
                json!({"i": {"ticketId": ticket}}),
                Some(owner),
            )
            .await;
        tickets.push((ticket, id(&t["addTicketLine"]["lines"][0]["id"])));
    }
    let (settled, _) = tickets[1];
    let paid = server
        .gql_ok(
            "mutation($i: TakePaymentInput!) { takePayment(input: $i) { payment { id } } }",
            json!({"i": {"ticketId": settled, "method": "CARD", "cardToken": "tok_visa", "idempotencyKey": "iso-pay"}}),
            Some(owner),
        )
        .await;
    server
        .gql_ok(
            "mutation($i: SettleTicketInput!) { settleTicket(input: $i) { id } }",
            json!({"i": {"ticketId": settled}}),
            Some(owner),
        )
        .await;
    (
        id(&shift["openShift"]["id"]),
        tickets[0].0,
        tickets[0].1,
        settled,
        id(&paid["takePayment"]["payment"]["id"]),
    )
}

async fn world() -> World {
    let server = TestServer::start().await;
    let a = side(&server, "iso-a").await;
    let b = side(&server, "iso-b").await;
    let (pending, _, _) = server.signup("iso-pending").await;
    // B has a module on that A has off, so the tenants' module lists differ.
    let admin = server.superadmin_token().await;
    server
        .gql_ok(
            SET_TENANT_MODULE,
            json!({"i": {"tenantId": b.t.id, "moduleKey": "orders", "enabled": true}}),
            Some(&admin),
        )
        .await;
    // The settled tickets' stock deduction runs in the background; let it
    // finish so the database holds still while the cases compare it.
    for _ in 0..200 {
        let mut conn = server.db.owner().await;
        let deducted: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM consumed_events WHERE consumer = 'inventory-stock-deduction'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        if deducted >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    World {
        server,
        a,
        b,
        pending,
    }
}

impl World {
    /// Tenant A's credentials: the owner's access token and the API key.
    fn credentials_of_a(&self) -> [(&'static str, String); 2] {
        [
            ("A's owner", self.a.t.owner_token.clone()),
            ("A's API key", self.a.key_secret.clone()),
        ]
    }
}

// ------------------------------------------------------------ the database

/// Every table the API writes, each row as the database owner sees it (no
/// row-level security): any write anywhere shows up as a difference.
const SNAPSHOT: &[(&str, &str)] = &[
    ("tenants", "to_jsonb(t)"),
    ("users", "to_jsonb(t)"),
    ("roles", "to_jsonb(t)"),
    ("role_permissions", "to_jsonb(t)"),
    ("user_roles", "to_jsonb(t)"),
    ("tenant_modules", "to_jsonb(t)"),
    ("tenant_feature_flags", "to_jsonb(t)"),
    ("tenant_connection_profiles", "to_jsonb(t)"),
    ("module_registry_entries", "to_jsonb(t)"),
    ("sessions", "to_jsonb(t)"),
    ("password_reset_tokens", "to_jsonb(t)"),
    // Presenting a key stamps `last_used_at`; that is no change to the key.
    ("api_keys", "to_jsonb(t) - 'last_used_at'"),
    ("audit_events", "to_jsonb(t)"),
    ("locations", "to_jsonb(t)"),
    ("menu_item_locations", "to_jsonb(t)"),
    ("stock_items", "to_jsonb(t)"),
    ("stock_levels", "to_jsonb(t)"),
    ("stock_movements", "to_jsonb(t)"),
    ("stock_counts", "to_jsonb(t)"),
    ("stock_count_lines", "to_jsonb(t)"),
    ("stock_transfers", "to_jsonb(t)"),
    ("stock_transfer_lines", "to_jsonb(t)"),
    ("recipe_components", "to_jsonb(t)"),
    ("idempotency_keys", "to_jsonb(t)"),
    ("pos_shifts", "to_jsonb(t)"),
    ("pos_cash_movements", "to_jsonb(t)"),
    ("pos_ticket_counters", "to_jsonb(t)"),
    ("pos_tickets", "to_jsonb(t)"),
    ("pos_ticket_lines", "to_jsonb(t)"),
    ("pos_payments", "to_jsonb(t)"),
    ("pos_refunds", "to_jsonb(t)"),
    // The relay moves delivery columns on its own; what matters is which events exist.
    (
        "event_outbox",
        "jsonb_build_object('id', t.id, 'tenant_id', t.tenant_id, 'event_type', t.event_type, 'payload', t.payload)",
    ),
];

async fn snapshot(db: &TestDb) -> Value {
    let mut conn = db.owner().await;
    let mut out = serde_json::Map::new();
    for (table, row) in SNAPSHOT {
        let rows: Value = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(jsonb_agg({row} ORDER BY ({row})::text), '[]'::jsonb) FROM {table} t"
        )))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        out.insert((*table).to_owned(), rows);
    }
    Value::Object(out)
}

fn assert_unchanged(before: &Value, after: &Value, what: &str) {
    for (table, was) in before.as_object().unwrap() {
        let now = &after[table];
        if was != now {
            let (was, now) = (was.as_array().unwrap(), now.as_array().unwrap());
            let gone: Vec<&Value> = was.iter().filter(|r| !now.contains(r)).collect();
            let new: Vec<&Value> = now.iter().filter(|r| !was.contains(r)).collect();
            panic!("{what} changed table {table}\n  before: {gone:#?}\n  after: {new:#?}");
        }
    }
}

async fn ids_in_db(db: &TestDb, sql: &'static str, tenant: Uuid) -> BTreeSet<Uuid> {
    let mut conn = db.owner().await;
    sqlx::query_scalar::<_, Uuid>(sql)
        .bind(tenant)
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

fn ids_at(list: &Value) -> BTreeSet<Uuid> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|n| id(&n["id"]))
        .collect()
}

// ------------------------------------------------------------ operations on ids

/// One tenant-scoped operation aimed at tenant B's ids.
struct Case {
    name: &'static str,
    document: &'static str,
    variables: fn(&World) -> Value,
    /// A query B's owner runs before and after: it must succeed (so the ids
    /// are real) and answer the same.
    witness: (&'static str, fn(&World) -> Value),
}

fn cases() -> Vec<Case> {
    let mut all = pos_cases();
    all.extend(core_cases());
    all
}

fn pos_cases() -> Vec<Case> {
    vec![
        Case {
            name: "ticket(id) of B's ticket",
            document: "query($id: UUID!) { ticket(id: $id) { id } }",
            variables: |w| json!({"id": w.b.ticket}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "addTicketLine on B's ticket",
            document: "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "menuItemId": w.a.menu_item}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "updateTicketLine on B's ticket",
            document: "mutation($i: UpdateTicketLineInput!) { updateTicketLine(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "lineId": w.b.ticket_line, "note": "x"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "voidTicketLine on B's ticket",
            document: "mutation($i: VoidTicketLineInput!) { voidTicketLine(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "lineId": w.b.ticket_line, "reason": "x"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "setTicketDiscount on B's ticket",
            document: "mutation($i: SetDiscountInput!) { setTicketDiscount(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "percentBp": 10000}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "updateTicket on B's ticket",
            document: "mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "serviceChargeBp": 5000}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "sendTicket of B's ticket",
            document: "mutation($i: TicketIdInput!) { sendTicket(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "voidTicket of B's ticket",
            document: "mutation($i: VoidTicketInput!) { voidTicket(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "reason": "x"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "takePayment on B's ticket",
            document: "mutation($i: TakePaymentInput!) { takePayment(input: $i) { payment { id } } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "method": "CARD", "cardToken": "tok_visa", "idempotencyKey": "iso-steal"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "settleTicket of B's ticket",
            document: "mutation($i: SettleTicketInput!) { settleTicket(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "refundPayment of B's payment",
            document: "mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id } } }",
            variables: |w| json!({"i": {"paymentId": w.b.payment, "reason": "x", "restock": true, "idempotencyKey": "iso-refund"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "payment(id) of B's payment",
            document: "query($id: UUID!) { payment(id: $id) { id } }",
            variables: |w| json!({"id": w.b.payment}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "receipt of B's ticket",
            document: "query($id: UUID!) { receipt(ticketId: $id) { text } }",
            variables: |w| json!({"id": w.b.settled}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "reprintReceipt of B's ticket",
            document: "mutation($i: TicketIdInput!) { reprintReceipt(input: $i) { text } }",
            variables: |w| json!({"i": {"ticketId": w.b.settled}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "emailReceipt of B's ticket",
            document: "mutation($i: EmailReceiptInput!) { emailReceipt(input: $i) { queued } }",
            variables: |w| json!({"i": {"ticketId": w.b.settled, "email": "thief@iso.test"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "shift(id) of B's shift",
            document: "query($id: UUID!) { shift(id: $id) { id } }",
            variables: |w| json!({"id": w.b.shift}),
            witness: (SHIFT_VIEW, |w| json!({"id": w.b.shift})),
        },
        Case {
            name: "shiftReport of B's shift",
            document: "query($id: UUID!) { shiftReport(shiftId: $id) { totalSalesMinor } }",
            variables: |w| json!({"id": w.b.shift}),
            witness: (SHIFT_VIEW, |w| json!({"id": w.b.shift})),
        },
        Case {
            name: "moveCash in B's shift",
            document: "mutation($i: MoveCashInput!) { moveCash(input: $i) { id } }",
            variables: |w| json!({"i": {"shiftId": w.b.shift, "kind": "OUT", "amountMinor": 5000, "reason": "x"}}),
            witness: (SHIFT_VIEW, |w| json!({"id": w.b.shift})),
        },
        Case {
            name: "closeShift of B's shift",
            document: "mutation($i: CloseShiftInput!) { closeShift(input: $i) { kind } }",
            variables: |w| json!({"i": {"shiftId": w.b.shift, "countedCashMinor": 0}}),
            witness: (SHIFT_VIEW, |w| json!({"id": w.b.shift})),
        },
    ]
}

fn core_cases() -> Vec<Case> {
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
        Case {
            name: "user(id) of B's cashier",
            document: "query($id: UUID!) { user(id: $id) { id email } }",
            variables: |w| json!({"id": w.b.cashier}),
            witness: (USER_VIEW, |w| json!({"id": w.b.cashier})),
        },
        Case {
            name: "user(id) of B's owner",
            document: "query($id: UUID!) { user(id: $id) { id email } }",
            variables: |w| json!({"id": w.b.t.owner_id}),
            witness: (USER_VIEW, |w| json!({"id": w.b.t.owner_id})),
        },
        Case {
            name: "role(id) of B's custom role",
            document: "query($id: UUID!) { role(id: $id) { id name permissions } }",
            variables: |w| json!({"id": w.b.auditors}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.auditors})),
        },
        Case {
            name: "role(id) of B's owner role",
            document: "query($id: UUID!) { role(id: $id) { id name permissions } }",
            variables: |w| json!({"id": w.b.owner_role}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.owner_role})),
        },
        Case {
            name: "updateRole of B's custom role",
            document: UPDATE_ROLE,
            variables: |w| {
                json!({"i": {"roleId": w.b.spare, "name": "Taken over", "description": "x",
                             "permissions": ["admin.users.read", "admin.users.manage"]}})
            },
            witness: (ROLE_VIEW, |w| json!({"id": w.b.spare})),
        },
        Case {
            name: "updateRole of B's owner role",
            document: UPDATE_ROLE,
            variables: |w| json!({"i": {"roleId": w.b.owner_role, "name": "Nobody"}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.owner_role})),
        },
        Case {
            name: "deleteRole of B's unused custom role",
            document: DELETE_ROLE,
            variables: |w| json!({"i": {"roleId": w.b.spare}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.spare})),
        },
        Case {
            name: "assignRole of B's role to B's user",
            document: ASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.manager, "roleId": w.b.spare}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.spare})),
        },
        Case {
            name: "assignRole of B's owner role to B's cashier",
            document: ASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.cashier, "roleId": w.b.owner_role}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.owner_role})),
        },
        Case {
            name: "assignRole of B's role to A's user",
            document: ASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.a.cashier, "roleId": w.b.spare}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.spare})),
        },
        Case {
            name: "assignRole of A's role to B's user",
            document: ASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.manager, "roleId": w.a.spare}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.manager})),
        },
        Case {
            name: "unassignRole of B's role from B's user",
            document: UNASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.cashier, "roleId": w.b.auditors}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.auditors})),
        },
        Case {
            name: "unassignRole of B's role from A's user",
            document: UNASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.a.cashier, "roleId": w.b.auditors}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.auditors})),
        },
        Case {
            name: "unassignRole of A's role from B's user",
            document: UNASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.cashier, "roleId": w.a.auditors}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.cashier})),
        },
        Case {
            name: "deactivateUser of B's cashier",
            document: DEACTIVATE_USER,
            variables: |w| json!({"i": {"userId": w.b.cashier}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.cashier})),
        },
        Case {
            name: "deactivateUser of B's owner",
            document: DEACTIVATE_USER,
            variables: |w| json!({"i": {"userId": w.b.t.owner_id}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.t.owner_id})),
        },
        Case {
            name: "reactivateUser of B's deactivated user",
            document: REACTIVATE_USER,
            variables: |w| json!({"i": {"userId": w.b.former}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.former})),
        },
        Case {
            name: "revokeApiKey of B's key",
            document: REVOKE_API_KEY,
            variables: |w| json!({"i": {"apiKeyId": w.b.key}}),
            witness: (KEYS_VIEW, |_| json!({})),
        },
    ]
}

#[tokio::test]
async fn another_tenants_ids_are_not_found_and_nothing_changes() {
    let w = world().await;
    let s = &w.server;
    let b_owner = Some(w.b.t.owner_token.as_str());
    // B's key is in B's list, live.
    let keys = s.gql_ok(KEYS_VIEW, json!({}), b_owner).await;
    assert_eq!(keys["apiKeys"][0]["id"], json!(w.b.key));
    assert_eq!(keys["apiKeys"][0]["revokedAt"], Value::Null);

    for (who, token) in w.credentials_of_a() {
        // The credential works on A's own ids: a refusal below is about the tenant.
        let own = s
            .gql_ok(
                "query($u: UUID!, $r: UUID!) { user(id: $u) { id } role(id: $r) { id } }",
                json!({"u": w.a.cashier, "r": w.a.spare}),
                Some(&token),
            )
            .await;
        assert_eq!(own["user"]["id"], json!(w.a.cashier), "{who}");

        for case in cases() {
            let what = format!("{who}: {}", case.name);
            let (witness, witness_vars) = case.witness;
            let seen_before = s.gql_ok(witness, witness_vars(&w), b_owner).await;
            let before = snapshot(&s.db).await;

            let (code, body) = s
                .gql_err(case.document, (case.variables)(&w), Some(&token))
                .await;
            assert_eq!(code, "NOT_FOUND", "{what}: {body}");
            assert_eq!(body["data"], Value::Null, "{what}: {body}");
            let text = body.to_string();
            for secret in [w.b.t.slug.as_str(), w.b.t.owner_email.as_str()] {
                assert!(!text.contains(secret), "{what} leaked {secret}: {body}");
            }

            assert_unchanged(&before, &snapshot(&s.db).await, &what);
            let seen_after = s.gql_ok(witness, witness_vars(&w), b_owner).await;
            assert_eq!(seen_before, seen_after, "{what}: B's view changed");
        }
    }

    // B's people and key still work as before.
    let data = s
        .gql_ok(
            "{ me { id roles { id } } }",
            json!({}),
            Some(&w.b.cashier_token),
        )
        .await;
    assert_eq!(data["me"]["id"], json!(w.b.cashier));
    let data = s
        .gql_ok(
            "{ users { nodes { id } } }",
            json!({}),
            Some(&w.b.key_secret),
        )
        .await;
    assert!(ids_at(&data["users"]["nodes"]).contains(&w.b.cashier));
}

#[tokio::test]
async fn create_user_with_another_tenants_role_is_refused_and_creates_nobody() {
    let w = world().await;
    let s = &w.server;
    for (n, (who, token)) in w.credentials_of_a().into_iter().enumerate() {
        let email = format!("newcomer-{n}@iso.test");
        for role_ids in [vec![w.b.spare], vec![w.a.spare, w.b.spare]] {
            let before = snapshot(&s.db).await;
            let (code, body) = s
                .gql_err(
                    CREATE_USER,
                    json!({"i": {"email": email, "displayName": "Newcomer", "password": PASSWORD, "roleIds": role_ids}}),
                    Some(&token),
                )
                .await;
            assert_eq!(code, "VALIDATION", "{who}: {body}");
            let details = &body["errors"][0]["extensions"]["details"];
            assert_eq!(details["fields"]["roleIds"], "unknown role", "{body}");
            assert_eq!(details["unknown"], json!([w.b.spare]), "{body}");
            assert_unchanged(&before, &snapshot(&s.db).await, who);
        }
        let mut conn = s.db.owner().await;
        let users: i64 =
            sqlx::query_scalar("SELECT count(*) FROM users WHERE lower(email) = lower($1)")
                .bind(&email)
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(users, 0, "{who}: no user in either tenant");

        // The same input with A's own role makes the user, in A only.
        let data = s
            .gql_ok(
                CREATE_USER,
                json!({"i": {"email": email, "displayName": "Newcomer", "password": PASSWORD, "roleIds": [w.a.spare]}}),
                Some(&token),
            )
            .await;
        let created = id(&data["createUser"]["user"]["id"]);
        let tenants: Vec<Uuid> =
            sqlx::query_scalar("SELECT tenant_id FROM users WHERE lower(email) = lower($1)")
                .bind(&email)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        assert_eq!(tenants, vec![w.a.t.id], "{who}");
        let (code, _) = s
            .gql_err(
                "query($id: UUID!) { user(id: $id) { id } }",
                json!({"id": created}),
                Some(&w.b.t.owner_token),
            )
            .await;
        assert_eq!(code, "NOT_FOUND");
    }
}

// ------------------------------------------------------------ lists

/// One list query, and what of it must be exactly tenant A's.
struct List {
    name: &'static str,
    document: &'static str,
    /// Checks the answer holds A's rows and only those.
    check: fn(&World, &Value, &Truth),
}

/// What the database says tenant A has.
struct Truth {
    users: BTreeSet<Uuid>,
    roles: BTreeSet<Uuid>,
    audit: BTreeSet<Uuid>,
}

async fn truth(w: &World) -> Truth {
    let db = &w.server.db;
    let tenant = w.a.t.id;
    Truth {
        users: ids_in_db(
            db,
            "SELECT id FROM users WHERE tenant_id = $1 AND deleted_at IS NULL",
            tenant,
        )
        .await,
        roles: ids_in_db(db, "SELECT id FROM roles WHERE tenant_id = $1", tenant).await,
        audit: ids_in_db(
            db,
            "SELECT id FROM audit_events WHERE tenant_id = $1",
            tenant,
        )
        .await,
    }
}

fn lists() -> Vec<List> {
    vec![
        List {
            name: "users",
            document: "{ users(first: 100) { nodes { id email roles { id } } } }",
            check: |_, data, truth| {
                assert_eq!(ids_at(&data["users"]["nodes"]), truth.users);
                for user in data["users"]["nodes"].as_array().unwrap() {
                    assert!(ids_at(&user["roles"]).is_subset(&truth.roles), "{user}");
                }
            },
        },
        List {
            name: "roles",
            document: "{ roles { id name } }",
            check: |_, data, truth| assert_eq!(ids_at(&data["roles"]), truth.roles),
        },
        List {
            name: "menuItems",
            document: "{ menuItems(first: 100) { nodes { id variants { id } modifierGroups { id } } } }",
            check: |w, data, _| {
                assert_eq!(
                    ids_at(&data["menuItems"]["nodes"]),
                    BTreeSet::from([w.a.menu_item])
                );
                let groups = &data["menuItems"]["nodes"][0]["modifierGroups"];
                assert_eq!(ids_at(groups), BTreeSet::from([w.a.modifier_group]));
            },
        },
        List {
            name: "menuCategories",
            document: "{ menuCategories { id } }",
            check: |w, data, _| {
                assert_eq!(
                    ids_at(&data["menuCategories"]),
                    BTreeSet::from([w.a.menu_category])
                )
            },
        },
        List {
            name: "modifierGroups",
            document: "{ modifierGroups { id } }",
            check: |w, data, _| {
                assert_eq!(
                    ids_at(&data["modifierGroups"]),
                    BTreeSet::from([w.a.modifier_group])
                )
            },
        },
        List {
            name: "locations",
            document: "{ locations { id } }",
            check: |w, data, _| {
                assert_eq!(
                    ids_at(&data["locations"]),
                    BTreeSet::from([w.a.location, w.a.depot])
                )
            },
        },
        List {
            name: "stockItems",
            document: "{ stockItems(first: 100) { nodes { id } } }",
            check: |w, data, _| {
                assert_eq!(
                    ids_at(&data["stockItems"]["nodes"]),
                    BTreeSet::from([w.a.stock_item])
                )
            },
        },
        List {
            name: "stockLevels",
            document: "{ stockLevels { stockItemId locationId } }",
            check: |w, data, _| {
                for level in data["stockLevels"].as_array().unwrap() {
                    assert_eq!(level["stockItemId"], json!(w.a.stock_item));
                }
                assert_eq!(data["stockLevels"].as_array().unwrap().len(), 2);
            },
        },
        List {
            name: "stockMovements",
            document: "{ stockMovements(first: 100) { nodes { id stockItemId } } }",
            check: |w, data, _| {
                let nodes = data["stockMovements"]["nodes"].as_array().unwrap();
                // Two deliveries and the transfer out, then the sale's
                // deduction once the consumer has run.
                assert!(nodes.len() >= 3, "{nodes:?}");
                for m in nodes {
                    assert_eq!(m["stockItemId"], json!(w.a.stock_item));
                }
            },
        },
        List {
            name: "stockCounts",
            document: "{ stockCounts { id } }",
            check: |w, data, _| {
                assert_eq!(
                    ids_at(&data["stockCounts"]),
                    BTreeSet::from([w.a.stock_count])
                )
            },
        },
        List {
            name: "stockTransfers",
            document: "{ stockTransfers { id } }",
            check: |w, data, _| {
                assert_eq!(
                    ids_at(&data["stockTransfers"]),
                    BTreeSet::from([w.a.transfer])
                )
            },
        },
        List {
            name: "tickets",
            document: "{ tickets(first: 100) { nodes { id lines { id menuItem { id } } payments { id } refunds { id } } } }",
            check: |w, data, _| {
                assert_eq!(
                    ids_at(&data["tickets"]["nodes"]),
                    BTreeSet::from([w.a.ticket, w.a.settled])
                );
            },
        },
        List {
            name: "shifts",
            document: "{ shifts { id } }",
            check: |w, data, _| assert_eq!(ids_at(&data["shifts"]), BTreeSet::from([w.a.shift])),
        },
        List {
            name: "apiKeys",
            document: "{ apiKeys { id } }",
            check: |w, data, _| assert_eq!(ids_at(&data["apiKeys"]), BTreeSet::from([w.a.key])),
        },
        List {
            name: "auditEvents",
            document: "{ auditEvents(first: 100) { nodes { id tenantId } pageInfo { hasNextPage } } }",
            check: |w, data, truth| {
                assert_eq!(data["auditEvents"]["pageInfo"]["hasNextPage"], false);
                assert_eq!(ids_at(&data["auditEvents"]["nodes"]), truth.audit);
                for event in data["auditEvents"]["nodes"].as_array().unwrap() {
                    assert_eq!(event["tenantId"], json!(w.a.t.id));
                }
            },
        },
        List {
            name: "modules",
            document: "{ modules { key enabled } }",
            check: |_, data, _| {
                let modules = data["modules"].as_array().unwrap();
                let orders = modules.iter().find(|m| m["key"] == "orders").unwrap();
                assert_eq!(orders["enabled"], false, "B switched orders on, not A");
                assert!(
                    modules
                        .iter()
                        .any(|m| m["key"] == "pos" && m["enabled"] == true)
                );
            },
        },
        List {
            name: "tenant",
            document: "{ tenant { id slug name } }",
            check: |w, data, _| {
                assert_eq!(data["tenant"]["id"], json!(w.a.t.id));
                assert_eq!(data["tenant"]["slug"], json!(w.a.t.slug));
            },
        },
    ]
}

#[tokio::test]
async fn lists_hold_only_the_callers_rows() {
    let w = world().await;
    let s = &w.server;
    let b_owner = Some(w.b.t.owner_token.as_str());

    // Everything that names tenant B: none of it may appear in an answer to A.
    let db = &s.db;
    let mut foreign: BTreeSet<String> = BTreeSet::new();
    for sql in [
        "SELECT id FROM users WHERE tenant_id = $1",
        "SELECT id FROM roles WHERE tenant_id = $1",
        "SELECT id FROM api_keys WHERE tenant_id = $1",
        "SELECT id FROM audit_events WHERE tenant_id = $1",
        "SELECT id FROM event_outbox WHERE tenant_id = $1",
        "SELECT id FROM locations WHERE tenant_id = $1",
        "SELECT id FROM stock_items WHERE tenant_id = $1",
        "SELECT id FROM stock_movements WHERE tenant_id = $1",
        "SELECT id FROM stock_counts WHERE tenant_id = $1",
        "SELECT id FROM stock_transfers WHERE tenant_id = $1",
        "SELECT id FROM pos_tickets WHERE tenant_id = $1",
        "SELECT id FROM pos_ticket_lines WHERE tenant_id = $1",
        "SELECT id FROM pos_payments WHERE tenant_id = $1",
        "SELECT id FROM pos_shifts WHERE tenant_id = $1",
    ] {
        foreign.extend(
            ids_in_db(db, sql, w.b.t.id)
                .await
                .iter()
                .map(Uuid::to_string),
        );
    }
    assert!(foreign.len() > 20, "B has plenty to leak: {foreign:?}");
    foreign.insert(w.b.t.id.to_string());
    foreign.insert(w.b.t.slug.clone());
    foreign.insert(w.b.t.owner_email.clone());
    foreign.insert(w.b.key_secret[..15].to_owned());

    let truth = truth(&w).await;
    for (who, token) in w.credentials_of_a() {
        for list in lists() {
            let data = s.gql_ok(list.document, json!({}), Some(&token)).await;
            let text = data.to_string();
            for f in &foreign {
                assert!(
                    !text.contains(f.as_str()),
                    "{who}: {} shows B's {f}: {data}",
                    list.name
                );
            }
            (list.check)(&w, &data, &truth);
        }
    }

    // `me` is the owner, with A's roles (an API key is nobody: AUTHZ).
    let data = s
        .gql_ok(
            "{ me { id email roles { id } } }",
            json!({}),
            Some(&w.a.t.owner_token),
        )
        .await;
    assert_eq!(data["me"]["id"], json!(w.a.t.owner_id));
    assert_eq!(
        ids_at(&data["me"]["roles"]),
        BTreeSet::from([w.a.owner_role])
    );
    let (code, _) = s
        .gql_err("{ me { id } }", json!({}), Some(&w.a.key_secret))
        .await;
    assert_eq!(code, "AUTHZ");

    // B's trail about its cashier is there for B, and nowhere for A.
    let by_entity =
        "query($id: String!) { auditEvents(filter: {entityId: $id}) { nodes { id action } } }";
    let theirs = s
        .gql_ok(by_entity, json!({"id": w.b.cashier.to_string()}), b_owner)
        .await;
    assert!(
        !theirs["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{theirs}"
    );
    let ours = s
        .gql_ok(
            by_entity,
            json!({"id": w.a.cashier.to_string()}),
            Some(&w.a.t.owner_token),
        )
        .await;
    assert!(
        !ours["auditEvents"]["nodes"].as_array().unwrap().is_empty(),
        "{ours}"
    );
    for (who, token) in w.credentials_of_a() {
        for entity in [w.b.cashier, w.b.t.id, w.b.auditors, w.b.key] {
            let data = s
                .gql_ok(by_entity, json!({"id": entity.to_string()}), Some(&token))
                .await;
            assert_eq!(
                data["auditEvents"]["nodes"],
                json!([]),
                "{who} reads B's trail of {entity}"
            );
        }
    }

    // And the other way round: B's lists hold nothing of A's.
    let data = s
        .gql_ok("{ users(first: 100) { nodes { id } } }", json!({}), b_owner)
        .await;
    let users = ids_at(&data["users"]["nodes"]);
    assert!(users.contains(&w.b.cashier) && !users.contains(&w.a.cashier));
    let data = s
        .gql_ok("{ modules { key enabled } }", json!({}), b_owner)
        .await;
    assert!(
        data["modules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["key"] == "orders" && m["enabled"] == true),
        "{data}"
    );
}

// ------------------------------------------------------------ platform operations

/// One superadmin operation, and its variables.
struct PlatformOp {
    name: &'static str,
    document: &'static str,
    variables: fn(&World) -> Value,
}

fn platform_only() -> Vec<PlatformOp> {
    vec![
        PlatformOp {
            name: "tenants",
            document: "{ tenants { nodes { id slug } } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "tenantById of another tenant",
            document: "query($id: UUID!) { tenantById(id: $id) { id slug name } }",
            variables: |w| json!({"id": w.b.t.id}),
        },
        PlatformOp {
            name: "tenantById of a pending tenant",
            document: "query($id: UUID!) { tenantById(id: $id) { id slug name } }",
            variables: |w| json!({"id": w.pending}),
        },
        PlatformOp {
            name: "tenantById of the caller's own tenant",
            document: "query($id: UUID!) { tenantById(id: $id) { id slug name } }",
            variables: |w| json!({"id": w.a.t.id}),
        },
        PlatformOp {
            name: "tenantModules of another tenant",
            document: "query($id: UUID!) { tenantModules(tenantId: $id) { key enabled } }",
            variables: |w| json!({"id": w.b.t.id}),
        },
        PlatformOp {
            name: "moduleRegistry",
            document: "{ moduleRegistry { key name } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "platformAuditEvents",
            document: "{ platformAuditEvents { nodes { id tenantId } } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "platformAuditEvents of another tenant",
            document: "query($id: UUID!) { platformAuditEvents(tenantId: $id) { nodes { id } } }",
            variables: |w| json!({"id": w.b.t.id}),
        },
        PlatformOp {
            name: "approveTenant",
            document: "mutation($i: TenantIdInput!) { approveTenant(input: $i) { tenant { id status } } }",
            variables: |w| json!({"i": {"tenantId": w.pending}}),
        },
        PlatformOp {
            name: "rejectTenant",
            document: "mutation($i: TenantReasonInput!) { rejectTenant(input: $i) { tenant { id status } } }",
            variables: |w| json!({"i": {"tenantId": w.pending, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "suspendTenant of another tenant",
            document: "mutation($i: TenantReasonInput!) { suspendTenant(input: $i) { tenant { id status } } }",
            variables: |w| json!({"i": {"tenantId": w.b.t.id, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "setTenantModule of another tenant",
            document: SET_TENANT_MODULE,
            variables: |w| json!({"i": {"tenantId": w.b.t.id, "moduleKey": "pos", "enabled": false}}),
        },
        PlatformOp {
            name: "setTenantModule of the caller's own tenant",
            document: SET_TENANT_MODULE,
            variables: |w| json!({"i": {"tenantId": w.a.t.id, "moduleKey": "orders", "enabled": true}}),
        },
        PlatformOp {
            name: "deadJobs",
            document: "{ deadJobs { id tenantId } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "jobQueues",
            document: "{ jobQueues { category waiting } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "retryDeadJob",
            document: "mutation($i: JobIdInput!) { retryDeadJob(input: $i) { id } }",
            variables: |_| json!({"i": {"jobId": Uuid::now_v7()}}),
        },
        PlatformOp {
            name: "discardDeadJob",
            document: "mutation($i: JobIdInput!) { discardDeadJob(input: $i) { id } }",
            variables: |_| json!({"i": {"jobId": Uuid::now_v7()}}),
        },
        PlatformOp {
            name: "updateModuleRegistryEntry",
            document: "mutation($i: UpdateModuleRegistryEntryInput!) { updateModuleRegistryEntry(input: $i) { entry { key name } } }",
            variables: |_| json!({"i": {"key": "pos", "name": "Hijacked", "defaultEnabled": false}}),
        },
    ]
}

#[tokio::test]
async fn platform_operations_are_refused_to_tenants() {
    let w = world().await;
    let s = &w.server;
    let credentials = [
        ("A's owner", w.a.t.owner_token.clone()),
        ("A's cashier", w.a.cashier_token.clone()),
        ("A's API key", w.a.key_secret.clone()),
    ];
    for (who, token) in &credentials {
        for op in platform_only() {
            let what = format!("{who}: {}", op.name);
            let before = snapshot(&s.db).await;
            let (code, body) = s
                .gql_err(op.document, (op.variables)(&w), Some(token))
                .await;
            assert_eq!(code, "AUTHZ", "{what}: {body}");
            assert_eq!(body["data"], Value::Null, "{what}: {body}");
            let text = body.to_string();
            assert!(
                !text.contains(&w.b.t.slug) && !text.contains("Hijacked"),
                "{what}: {body}"
            );
            assert_unchanged(&before, &snapshot(&s.db).await, &what);
        }
    }

    // The documents are sound: a superadmin's reads answer, and nothing moved.
    let admin = s.superadmin_token().await;
    for op in platform_only()
        .into_iter()
        .filter(|op| !op.document.starts_with("mutation"))
    {
        s.gql_ok(op.document, (op.variables)(&w), Some(&admin))
            .await;
    }
    let data = s
        .gql_ok(
            "query($p: UUID!, $b: UUID!) { p: tenantById(id: $p) { status } b: tenantById(id: $b) { status } }",
            json!({"p": w.pending, "b": w.b.t.id}),
            Some(&admin),
        )
        .await;
    assert_eq!(data["p"]["status"], "PENDING");
    assert_eq!(data["b"]["status"], "ACTIVE");
    let data = s
        .gql_ok("{ moduleRegistry { key name } }", json!({}), Some(&admin))
        .await;
    let pos = data["moduleRegistry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "pos")
        .unwrap()
        .clone();
    assert_eq!(pos["name"], "Point of sale");
    // B's point of sale is still on, as B sees it.
    let data = s
        .gql_ok(
            "{ permissionCheck(permissions: [\"pos.ticket.write\"]) { allowed } }",
            json!({}),
            Some(&w.b.t.owner_token),
        )
        .await;
    assert_eq!(data["permissionCheck"][0]["allowed"], true);
}

/// Operations that create or change the caller's own things but name another
/// tenant's as a reference: refused (`VALIDATION` naming the field, or
/// `NOT_FOUND`), and nothing anywhere changes.
#[tokio::test]
async fn another_tenants_references_are_refused_and_nothing_changes() {
    let w = world().await;
    let s = &w.server;
    type Vars = fn(&World) -> Value;
    let refs: Vec<(&str, &str, Vars)> = vec![
        (
            "openTicket at B's location",
            "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
            |w| json!({"i": {"locationId": w.b.location}}),
        ),
        (
            "addTicketLine of B's menu item",
            "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id } }",
            |w| json!({"i": {"ticketId": w.a.ticket, "menuItemId": w.b.menu_item}}),
        ),
        (
            "openShift at B's location",
            "mutation($i: OpenShiftInput!) { openShift(input: $i) { id } }",
            |w| json!({"i": {"locationId": w.b.location, "openingFloatMinor": 0, "currency": "EUR"}}),
        ),
        (
            "adjustStock at B's location",
            "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { movement { id } } }",
            |w| json!({"i": {"stockItemId": w.a.stock_item, "locationId": w.b.location, "kind": "RECEIVED", "quantity": "1"}}),
        ),
        (
            "setReorderPoint at B's location",
            "mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { low } }",
            |w| json!({"i": {"stockItemId": w.a.stock_item, "locationId": w.b.location, "reorderPoint": "1"}}),
        ),
        (
            "sendStockTransfer to B's location",
            "mutation($i: SendStockTransferInput!) { sendStockTransfer(input: $i) { id } }",
            |w| json!({"i": {"fromLocationId": w.a.location, "toLocationId": w.b.location, "lines": [{"stockItemId": w.a.stock_item, "quantity": "1"}]}}),
        ),
        (
            "sendStockTransfer of B's stock item",
            "mutation($i: SendStockTransferInput!) { sendStockTransfer(input: $i) { id } }",
            |w| json!({"i": {"fromLocationId": w.a.location, "toLocationId": w.a.depot, "lines": [{"stockItemId": w.b.stock_item, "quantity": "1"}]}}),
        ),
        (
            "startStockCount at B's location",
            "mutation($i: StartStockCountInput!) { startStockCount(input: $i) { id } }",
            |w| json!({"i": {"locationId": w.b.location}}),
        ),
        (
            "recordStockCount of B's stock item",
            "mutation($i: RecordStockCountInput!) { recordStockCount(input: $i) { id } }",
            |w| json!({"i": {"countId": w.a.stock_count, "stockItemId": w.b.stock_item, "counted": "1"}}),
        ),
        (
            "setRecipe with B's stock item",
            "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId } }",
            |w| json!({"i": {"menuItemId": w.a.menu_item, "components": [{"stockItemId": w.b.stock_item, "quantity": "1"}]}}),
        ),
        (
            "createStockItem for B's menu item",
            "mutation($i: CreateStockItemInput!) { createStockItem(input: $i) { id } }",
            |w| json!({"i": {"sku": "STOLEN", "name": "Stolen", "unit": "EACH", "menuItemId": w.b.menu_item}}),
        ),
        (
            "setMenuItemAvailability at B's location",
            "mutation($i: SetMenuItemAvailabilityInput!) { setMenuItemAvailability(input: $i) { id } }",
            |w| json!({"i": {"itemId": w.a.menu_item, "soldOut": true, "locationId": w.b.location}}),
        ),
        (
            "refundPayment restocking B's line",
            "mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id } } }",
            |w| {
                json!({"i": {"paymentId": w.a.payment, "reason": "x", "restock": true,
                             "lines": [{"lineId": w.b.ticket_line, "quantity": 1}], "idempotencyKey": "iso-ref-line"}})
            },
        ),
    ];
    for (who, token) in w.credentials_of_a() {
        for (name, document, variables) in &refs {
            let what = format!("{who}: {name}");
            let before = snapshot(&s.db).await;
            let (code, body) = s.gql_err(document, variables(&w), Some(&token)).await;
            assert!(
                code == "VALIDATION" || code == "NOT_FOUND",
                "{what}: {body}"
            );
            let text = body.to_string();
            for secret in [w.b.t.slug.as_str(), w.b.t.owner_email.as_str()] {
                assert!(!text.contains(secret), "{what} leaked {secret}: {body}");
            }
            assert_unchanged(&before, &snapshot(&s.db).await, &what);
        }
    }
}
