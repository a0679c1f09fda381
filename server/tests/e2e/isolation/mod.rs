//! Tenant isolation over the API: whatever id a tenant's credential names,
//! another tenant's rows stay out of reach (`NOT_FOUND`, as if they did not
//! exist) and unchanged, lists hold only the caller's rows, and the platform's
//! own operations stay with superadmins.
//!
//! This suite grows with every module. A tenant-scoped operation that takes
//! an id is one entry in its module's file under `ids/` (its document,
//! variables built from tenant B's ids, and a query B's owner runs before and
//! after to see nothing changed); a list query is one entry in `lists.rs`; a
//! superadmin operation is one entry in `platform.rs`. The ids a new module needs go into
//! [`Side`]. Every entry is run with tenant A's owner token and A's API key,
//! and after each one the whole database (as its owner sees it, below
//! row-level security) must be exactly as before.

mod ids;
mod lists;
mod platform;
mod references;

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

/// What tenant A's API key may do: every permission of the modules the cases
/// reach, as the module registry lists them, so any refusal below is about the
/// tenant, not the key's permissions.
fn admin_permissions() -> Vec<String> {
    let catalog = schema::module_registry::catalog::catalog().unwrap();
    ["admin", "menu", "inventory", "pos", "billing", "support"]
        .into_iter()
        .flat_map(|key| catalog.module(key).unwrap().permissions.clone())
        .collect()
}

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

const INVOICE_VIEW: &str = "query($id: UUID!) { invoice(id: $id) { id status number totalMinor amountPaidMinor creditedMinor amountDueMinor
  attemptCount finalizedAt paidAt voidedAt lines { id description amountMinor } creditNotes { id } } invoiceDocument(id: $id) { text } }";
const MODULES_VIEW: &str = "{ modules { key enabled } }";

/// The plan both tenants are on (a platform row: not one tenant's).
const FREE_PLAN: &str = "iso-free";

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
    /// The subscription to the free plan, assigned by the superadmin.
    subscription: Uuid,
    /// A manual invoice of the superadmin's, finalized and open.
    invoice: Uuid,
    /// A live announcement addressed to this business alone.
    announcement: Uuid,
    /// A support ticket the owner opened, answered by the operator, with an
    /// internal note.
    support_ticket: Uuid,
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

async fn side(server: &TestServer, admin: &str, hint: &str) -> Side {
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
            json!({"i": {"name": "Integration", "permissions": admin_permissions()}}),
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
    let (subscription, invoice) = billing_of(server, admin, t.id, &owner).await;
    let announcement = announcement_for(server, admin, t.id).await;
    let support_ticket = support_ticket_of(server, admin, &owner).await;
    Side {
        announcement,
        support_ticket,
        subscription,
        invoice,
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
    let location = server.inventory(owner).location("Shop").await;
    let depot = server.inventory(owner).location("Depot").await;
    let stock_item = server.inventory(owner).stock_item("BEANS", "KG").await;
    for at in [&location, &depot] {
        server.inventory(owner).adjust(json!({"stockItemId": stock_item, "locationId": at, "kind": "RECEIVED", "quantity": "5"}),
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
                "mutation($i: SendTicketInput!) { sendTicket(input: $i) { id } }",
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

/// The free plan, switching on what the registry switches on by default
/// (every module and feature the cases use), so being on it turns nothing off.
async fn free_plan(server: &TestServer, admin: &str) {
    let catalog = schema::module_registry::catalog::catalog().unwrap();
    let modules: Vec<&str> = catalog
        .modules
        .iter()
        .filter(|m| !m.core && m.default_enabled)
        .flat_map(|m| {
            let features = m.features.iter().filter(|f| f.default_enabled);
            std::iter::once(m.key.as_str()).chain(features.map(|f| f.key.as_str()))
        })
        .collect();
    for used in ["menu", "pos", "inventory", "reporting"] {
        assert!(modules.contains(&used), "{used} is off by default");
    }
    let terms = json!({"currency": "EUR", "monthlyPriceMinor": 0, "modules": modules});
    server
        .gql_ok(
            "mutation($i: NewPlanInput!) { createPlan(reason: \"operator test\", input: $i) { id } }",
            json!({"i": {"code": FREE_PLAN, "name": "Free", "terms": terms}}),
            Some(admin),
        )
        .await;
}

/// Billing, all by the superadmin: (the subscription to the free plan, a
/// finalized manual invoice).
async fn billing_of(server: &TestServer, admin: &str, tenant: Uuid, owner: &str) -> (Uuid, Uuid) {
    let modules = server.gql_ok(MODULES_VIEW, json!({}), Some(owner)).await;
    let sub = server
        .gql_ok(
            "mutation($t: UUID!, $i: ChoosePlanInput!) { assignPlan(reason: \"operator test\", tenantId: $t, input: $i) { id status } }",
            json!({"t": tenant, "i": {"planCode": FREE_PLAN, "interval": "MONTH"}}),
            Some(admin),
        )
        .await;
    assert_eq!(sub["assignPlan"]["status"], "ACTIVE", "{sub}");
    let now_on = server.gql_ok(MODULES_VIEW, json!({}), Some(owner)).await;
    assert_eq!(modules, now_on, "the free plan turns no module off");
    let draft = server
        .gql_ok(
            "mutation($t: UUID!, $l: [InvoiceLineInput!]!) { createInvoice(reason: \"operator test\", tenantId: $t, currency: \"EUR\", lines: $l) { id } }",
            json!({"t": tenant, "l": [{"description": "Set-up", "amountMinor": 1000}]}),
            Some(admin),
        )
        .await;
    let invoice = id(&draft["createInvoice"]["id"]);
    let open = server
        .gql_ok(
            "mutation($id: UUID!) { finalizeInvoice(reason: \"operator test\", id: $id) { status } }",
            json!({"id": invoice}),
            Some(admin),
        )
        .await;
    assert_eq!(open["finalizeInvoice"]["status"], "OPEN", "{open}");
    (id(&sub["assignPlan"]["id"]), invoice)
}

/// A live announcement to `tenant` alone, by the superadmin.
async fn announcement_for(server: &TestServer, admin: &str, tenant: Uuid) -> Uuid {
    let made = server
        .gql_ok(
            "mutation($i: NewAnnouncementInput!) { createAnnouncement(input: $i) { id status } }",
            json!({"i": {"title": "Only for you", "body": "", "severity": "INFO", "display": "BANNER",
                         "audience": "TENANTS", "tenantIds": [tenant], "endsAt": "2999-01-01T00:00:00Z",
                         "reason": "isolation fixture"}}),
            Some(admin),
        )
        .await;
    assert_eq!(made["createAnnouncement"]["status"], "LIVE", "{made}");
    id(&made["createAnnouncement"]["id"])
}

/// A ticket opened by `owner`, with the operator's answer and note.
async fn support_ticket_of(server: &TestServer, admin: &str, owner: &str) -> Uuid {
    let opened = server
        .gql_ok(
            "mutation($i: NewSupportTicketInput!) { openSupportTicket(input: $i) { ticket { id } } }",
            json!({"i": {"subject": "Isolation", "body": "Mine alone", "category": "OTHER"}}),
            Some(owner),
        )
        .await;
    let ticket = id(&opened["openSupportTicket"]["ticket"]["id"]);
    server
        .gql_ok(
            "mutation($i: AnswerSupportTicketInput!) { answerSupportTicket(input: $i) { case { ticket { id } } } }",
            json!({"i": {"ticketId": ticket, "body": "Answered", "status": "OPEN"}}),
            Some(admin),
        )
        .await;
    server
        .gql_ok(
            "mutation($i: AddSupportNoteInput!) { addSupportNote(input: $i) { id } }",
            json!({"i": {"ticketId": ticket, "body": "Internal"}}),
            Some(admin),
        )
        .await;
    ticket
}

/// The flag every isolation case can see, overridden on for B only.
const ISO_FLAG: &str = "iso-flag";

async fn world() -> World {
    let server = TestServer::start().await;
    let admin = server.superadmin_token().await;
    free_plan(&server, &admin).await;
    let a = side(&server, &admin, "iso-a").await;
    let b = side(&server, &admin, "iso-b").await;
    let (pending, _, _) = server.signup("iso-pending").await;
    // B has a module on that A has off, so the tenants' module lists differ.
    server
        .gql_ok(
            SET_TENANT_MODULE,
            json!({"i": {"tenantId": b.t.id, "moduleKey": "orders", "enabled": true, "reason": "operator test"}}),
            Some(&admin),
        )
        .await;
    server
        .gql_ok(
            "mutation($i: NewFeatureFlagInput!) { createFeatureFlag(input: $i) { key } }",
            json!({"i": {"key": ISO_FLAG, "kind": "BOOLEAN", "defaultValue": "false", "reason": "isolation fixture"}}),
            Some(&admin),
        )
        .await;
    server
        .gql_ok(
            "mutation($i: SetTenantFeatureFlagInput!) { setTenantFeatureFlag(input: $i) { value } }",
            json!({"i": {"tenantId": b.t.id, "key": ISO_FLAG, "value": "true", "reason": "isolation fixture"}}),
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
    ("billing_plans", "to_jsonb(t)"),
    ("billing_plan_versions", "to_jsonb(t)"),
    ("billing_settings", "to_jsonb(t)"),
    ("billing_sequences", "to_jsonb(t)"),
    ("billing_subscriptions", "to_jsonb(t)"),
    ("billing_clocks", "to_jsonb(t)"),
    ("billing_invoices", "to_jsonb(t)"),
    ("billing_invoice_lines", "to_jsonb(t)"),
    ("billing_credit_notes", "to_jsonb(t)"),
    ("billing_webhook_events", "to_jsonb(t)"),
    ("announcements", "to_jsonb(t)"),
    ("announcement_dismissals", "to_jsonb(t)"),
    ("feature_flags", "to_jsonb(t)"),
    ("feature_flag_plan_values", "to_jsonb(t)"),
    ("maintenance_windows", "to_jsonb(t)"),
    ("impersonations", "to_jsonb(t)"),
    ("support_tickets", "to_jsonb(t)"),
    ("support_messages", "to_jsonb(t)"),
    ("support_attachments", "to_jsonb(t)"),
    ("support_sla_clocks", "to_jsonb(t)"),
    ("support_internal_notes", "to_jsonb(t)"),
    ("kitchen_stations", "to_jsonb(t)"),
    ("kitchen_routes", "to_jsonb(t)"),
    ("kitchen_items", "to_jsonb(t)"),
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
