//! Lists hold only the caller's rows.

use super::*;

/// One list query, and what of it must be exactly tenant A's.
struct List {
    name: &'static str,
    document: &'static str,
    check: Check,
}

/// How a list's answer is checked to hold A's rows and only those.
enum Check {
    /// The ids in the field named like the list (a connection's `nodes`, or
    /// the list itself) are exactly these of A's.
    Exactly(fn(&Side) -> BTreeSet<Uuid>),
    /// Anything more a list needs.
    With(fn(&World, &Value, &Truth)),
}

impl List {
    fn exactly(
        name: &'static str,
        document: &'static str,
        mine: fn(&Side) -> BTreeSet<Uuid>,
    ) -> Self {
        Self {
            name,
            document,
            check: Check::Exactly(mine),
        }
    }

    fn with(name: &'static str, document: &'static str, check: fn(&World, &Value, &Truth)) -> Self {
        Self {
            name,
            document,
            check: Check::With(check),
        }
    }

    fn check(&self, w: &World, data: &Value, truth: &Truth) {
        match self.check {
            Check::Exactly(mine) => {
                let field = &data[self.name];
                let items = field.get("nodes").unwrap_or(field);
                assert_eq!(ids_at(items), mine(&w.a), "{}: {data}", self.name);
            }
            Check::With(check) => check(w, data, truth),
        }
    }
}

/// What the database says tenant A has.
struct Truth {
    users: BTreeSet<Uuid>,
    roles: BTreeSet<Uuid>,
    audit: BTreeSet<Uuid>,
    invoices: BTreeSet<Uuid>,
    subscription: BTreeSet<Uuid>,
    /// What each plan limit counts, as the database says.
    usage: Vec<(&'static str, usize)>,
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
        invoices: ids_in_db(
            db,
            "SELECT id FROM billing_invoices WHERE tenant_id = $1",
            tenant,
        )
        .await,
        subscription: ids_in_db(
            db,
            "SELECT id FROM billing_subscriptions WHERE tenant_id = $1",
            tenant,
        )
        .await,
        usage: usage_in_db(db, tenant).await,
    }
}

/// The rows each plan limit counts (the services' own rules).
async fn usage_in_db(db: &TestDb, tenant: Uuid) -> Vec<(&'static str, usize)> {
    let mut usage = Vec::new();
    for (limit, sql) in [
        (
            "LOCATIONS",
            "SELECT id FROM locations WHERE tenant_id = $1 AND active",
        ),
        (
            "USERS",
            "SELECT id FROM users WHERE tenant_id = $1 AND deleted_at IS NULL AND status <> 'deactivated'",
        ),
        (
            "API_KEYS",
            "SELECT id FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())",
        ),
        (
            "OPEN_SHIFTS",
            "SELECT id FROM pos_shifts WHERE tenant_id = $1 AND status = 'open'",
        ),
        (
            "MONTHLY_TICKETS",
            "SELECT id FROM pos_tickets WHERE tenant_id = $1 AND opened_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
        ),
    ] {
        usage.push((limit, ids_in_db(db, sql, tenant).await.len()));
    }
    usage
}

fn lists() -> Vec<List> {
    vec![
        List::with(
            "users",
            "{ users(first: 100) { nodes { id email roles { id } } } }",
            |_, data, truth| {
                assert_eq!(ids_at(&data["users"]["nodes"]), truth.users);
                for user in data["users"]["nodes"].as_array().unwrap() {
                    assert!(ids_at(&user["roles"]).is_subset(&truth.roles), "{user}");
                }
            },
        ),
        List::with("roles", "{ roles { id name } }", |_, data, truth| {
            assert_eq!(ids_at(&data["roles"]), truth.roles)
        }),
        List::with(
            "menuItems",
            "{ menuItems(first: 100) { nodes { id variants { id } modifierGroups { id } } } }",
            |w, data, _| {
                assert_eq!(
                    ids_at(&data["menuItems"]["nodes"]),
                    BTreeSet::from([w.a.menu_item])
                );
                let groups = &data["menuItems"]["nodes"][0]["modifierGroups"];
                assert_eq!(ids_at(groups), BTreeSet::from([w.a.modifier_group]));
            },
        ),
        List::exactly("menuCategories", "{ menuCategories { id } }", |a| {
            BTreeSet::from([a.menu_category])
        }),
        List::exactly("modifierGroups", "{ modifierGroups { id } }", |a| {
            BTreeSet::from([a.modifier_group])
        }),
        List::exactly("locations", "{ locations { id } }", |a| {
            BTreeSet::from([a.location, a.depot])
        }),
        List::exactly(
            "stockItems",
            "{ stockItems(first: 100) { nodes { id } } }",
            |a| BTreeSet::from([a.stock_item]),
        ),
        List::with(
            "stockLevels",
            "{ stockLevels { stockItemId locationId } }",
            |w, data, _| {
                for level in data["stockLevels"].as_array().unwrap() {
                    assert_eq!(level["stockItemId"], json!(w.a.stock_item));
                }
                assert_eq!(data["stockLevels"].as_array().unwrap().len(), 2);
            },
        ),
        List::with(
            "stockMovements",
            "{ stockMovements(first: 100) { nodes { id stockItemId } } }",
            |w, data, _| {
                let nodes = data["stockMovements"]["nodes"].as_array().unwrap();
                // Two deliveries and the transfer out, then the sale's
                // deduction once the consumer has run.
                assert!(nodes.len() >= 3, "{nodes:?}");
                for m in nodes {
                    assert_eq!(m["stockItemId"], json!(w.a.stock_item));
                }
            },
        ),
        List::exactly("stockCounts", "{ stockCounts { id } }", |a| {
            BTreeSet::from([a.stock_count])
        }),
        List::exactly("stockTransfers", "{ stockTransfers { id } }", |a| {
            BTreeSet::from([a.transfer])
        }),
        List::exactly(
            "tickets",
            "{ tickets(first: 100) { nodes { id lines { id menuItem { id } } payments { id } refunds { id } } } }",
            |a| BTreeSet::from([a.ticket, a.settled]),
        ),
        List::exactly("shifts", "{ shifts { id } }", |a| BTreeSet::from([a.shift])),
        List::exactly("apiKeys", "{ apiKeys { id } }", |a| BTreeSet::from([a.key])),
        List::with(
            "auditEvents",
            "{ auditEvents(first: 100) { nodes { id tenantId } pageInfo { hasNextPage } } }",
            |w, data, truth| {
                assert_eq!(data["auditEvents"]["pageInfo"]["hasNextPage"], false);
                assert_eq!(ids_at(&data["auditEvents"]["nodes"]), truth.audit);
                for event in data["auditEvents"]["nodes"].as_array().unwrap() {
                    assert_eq!(event["tenantId"], json!(w.a.t.id));
                }
            },
        ),
        List::with("modules", "{ modules { key enabled } }", |_, data, _| {
            let modules = data["modules"].as_array().unwrap();
            let orders = modules.iter().find(|m| m["key"] == "orders").unwrap();
            assert_eq!(orders["enabled"], false, "B switched orders on, not A");
            assert!(
                modules
                    .iter()
                    .any(|m| m["key"] == "pos" && m["enabled"] == true)
            );
        }),
        List::with(
            "invoices",
            "{ invoices(first: 100) { nodes { id tenantId number } pageInfo { hasNextPage } } }",
            |w, data, truth| {
                assert_eq!(data["invoices"]["pageInfo"]["hasNextPage"], false);
                assert_eq!(ids_at(&data["invoices"]["nodes"]), truth.invoices);
                assert!(truth.invoices.contains(&w.a.invoice), "{data}");
                for invoice in data["invoices"]["nodes"].as_array().unwrap() {
                    assert_eq!(invoice["tenantId"], json!(w.a.t.id));
                }
            },
        ),
        List::with(
            "billing",
            "{ billing { subscription { id status plan { planCode } } usage { limit max used } upcomingInvoice { totalMinor } billingTime } }",
            |w, data, truth| {
                let billing = &data["billing"];
                assert_eq!(billing["subscription"]["id"], json!(w.a.subscription));
                assert_eq!(truth.subscription, BTreeSet::from([w.a.subscription]));
                assert_eq!(billing["upcomingInvoice"]["totalMinor"], 0, "{data}");
                let usage = billing["usage"].as_array().unwrap();
                assert_eq!(usage.len(), truth.usage.len(), "{data}");
                for (limit, used) in &truth.usage {
                    let seen = usage.iter().find(|u| u["limit"] == *limit).unwrap();
                    assert_eq!(
                        seen["used"],
                        json!(used),
                        "{limit} counts A's alone: {data}"
                    );
                }
            },
        ),
        List::exactly(
            "impersonations",
            "{ impersonations { id tenantId } }",
            |_| BTreeSet::new(),
        ),
        List::exactly("announcements", "{ announcements { id title } }", |a| {
            BTreeSet::from([a.announcement])
        }),
        List::exactly(
            "supportTickets",
            "{ supportTickets { nodes { id subject } } }",
            |a| BTreeSet::from([a.support_ticket]),
        ),
        List::with(
            "featureFlags",
            "{ featureFlags { key value reason source } }",
            |_, data, _| {
                let flags = data["featureFlags"].as_array().unwrap();
                let iso = flags.iter().find(|f| f["key"] == ISO_FLAG).unwrap();
                assert_eq!(iso["value"], "false", "B's override is B's: {data}");
                assert_eq!(iso["source"], "DEFAULT", "{data}");
            },
        ),
        List::with(
            "entitlements",
            "{ entitlements { tenantId plan { code } modules { key enabled source } limits { limit used } flags { key value source } } }",
            |w, data, truth| {
                let e = &data["entitlements"];
                assert_eq!(e["tenantId"], json!(w.a.t.id));
                let orders = e["modules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["key"] == "orders")
                    .unwrap();
                assert_eq!(orders["enabled"], false, "B switched orders on, not A");
                let iso = e["flags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["key"] == ISO_FLAG)
                    .unwrap();
                assert_eq!(iso["source"], "DEFAULT", "{data}");
                for (limit, used) in &truth.usage {
                    let seen = e["limits"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|u| u["limit"] == *limit)
                        .unwrap();
                    assert_eq!(
                        seen["used"],
                        json!(used),
                        "{limit} counts A's alone: {data}"
                    );
                }
            },
        ),
        List::with("tenant", "{ tenant { id slug name } }", |w, data, _| {
            assert_eq!(data["tenant"]["id"], json!(w.a.t.id));
            assert_eq!(data["tenant"]["slug"], json!(w.a.t.slug));
        }),
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
        "SELECT id FROM billing_subscriptions WHERE tenant_id = $1",
        "SELECT id FROM billing_invoices WHERE tenant_id = $1",
        "SELECT id FROM billing_invoice_lines WHERE tenant_id = $1",
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
    foreign.insert(w.b.announcement.to_string());
    foreign.insert(w.b.t.slug.clone());
    foreign.insert(w.b.t.owner_email.clone());
    foreign.insert(w.b.key_secret[..15].to_owned());
    // B's invoice numbers (fixed width: none is part of another).
    let mut conn = db.owner().await;
    let numbers: Vec<String> = sqlx::query_scalar(
        "SELECT number FROM billing_invoices WHERE tenant_id = $1 AND number IS NOT NULL",
    )
    .bind(w.b.t.id)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        numbers.len(),
        2,
        "B's plan invoice and manual one: {numbers:?}"
    );
    foreign.extend(numbers);

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
            list.check(&w, &data, &truth);
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
        .gql_ok(
            "{ invoices(first: 100) { nodes { id } } }",
            json!({}),
            b_owner,
        )
        .await;
    let invoices = ids_at(&data["invoices"]["nodes"]);
    assert!(invoices.contains(&w.b.invoice) && !invoices.contains(&w.a.invoice));
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
