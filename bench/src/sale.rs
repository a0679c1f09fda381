//! `bench sale`: the POS sale flow over HTTP (open a ticket, add three
//! lines, pay by card, settle) from N concurrent terminals, with audit,
//! outbox, the relay and the stock-deduction consumer running in the
//! server; then the same SQL statements replayed by pgbench on the same
//! database, as the ceiling PostgreSQL allows on this machine.

use crate::{Client, setup, str_at};
use anyhow::{Context, Result, anyhow};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

// The command line of `bench sale`.
#[derive(clap::Args)]
pub struct Options {
    #[command(flatten)]
    pub server: crate::Server,
    /// The server's database, for pgbench and for watching the stock consumer.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// Concurrent terminals (and pgbench clients).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
}

struct Shop {
    tenant: String,
    user: String,
    token: String,
    location: String,
    items: [String; 3],
    stock: [String; 4],
}

async fn id(
    client: &Client,
    token: &str,
    query: &str,
    variables: Value,
    path: &[&str],
) -> Result<String> {
    let data = client.gql(query, variables, Some(token)).await?;
    Ok(str_at(&data, path)?.to_owned())
}

async fn shop(client: &Client, o: &Options) -> Result<Shop> {
    let (tenant, _, _, token) = setup(
        client,
        &o.server.superadmin_email,
        &o.server.superadmin_password,
    )
    .await?;
    let t = token.as_str();
    let user = id(client, t, "{ me { id } }", json!({}), &["me", "id"]).await?;
    let location = id(
        client,
        t,
        "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
        json!({"i": {"name": "Bench", "timezone": "Europe/Paris"}}),
        &["createLocation", "id"],
    )
    .await?;
    let category = id(
        client,
        t,
        "mutation { createMenuCategory(input: {name: \"Bench\"}) { id } }",
        json!({}),
        &["createMenuCategory", "id"],
    )
    .await?;
    let mut items = Vec::new();
    for (sku, price) in [("B1", 350), ("B2", 300), ("B3", 250)] {
        items.push(
            id(
                client,
                t,
                "mutation($i: CreateMenuItemInput!) { createMenuItem(input: $i) { id } }",
                json!({"i": {"categoryId": category, "sku": sku, "name": sku, "priceMinor": price, "currency": "EUR", "taxRateBp": 1000}}),
                &["createMenuItem", "id"],
            )
            .await?,
        );
    }
    let mut stock = Vec::new();
    for (sku, unit, menu_item) in [
        ("BEANS", "G", None),
        ("MILK", "ML", None),
        ("CROISSANT", "EACH", Some(&items[1])),
        ("JUICE", "EACH", Some(&items[2])),
    ] {
        let stock_id = id(
            client,
            t,
            "mutation($i: CreateStockItemInput!) { createStockItem(input: $i) { id } }",
            json!({"i": {"sku": sku, "name": sku, "unit": unit, "menuItemId": menu_item}}),
            &["createStockItem", "id"],
        )
        .await?;
        client
            .gql(
                "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { level { onHand } } }",
                json!({"i": {"stockItemId": stock_id, "locationId": location, "kind": "RECEIVED", "quantity": "100000000"}}),
                Some(t),
            )
            .await?;
        stock.push(stock_id);
    }
    client
        .gql(
            "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId } }",
            json!({"i": {"menuItemId": items[0], "components": [
                {"stockItemId": stock[0], "quantity": "18"}, {"stockItemId": stock[1], "quantity": "150"}]}}),
            Some(t),
        )
        .await?;
    let items: [String; 3] = items.try_into().map_err(|_| anyhow!("three items"))?;
    let stock: [String; 4] = stock.try_into().map_err(|_| anyhow!("four stock items"))?;
    Ok(Shop {
        tenant,
        user,
        token,
        location,
        items,
        stock,
    })
}

async fn sale(client: &Client, shop: &Shop) -> Result<()> {
    let t = Some(shop.token.as_str());
    let ticket = client
        .gql(
            "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
            json!({"i": {"locationId": shop.location, "label": "Bench"}}),
            t,
        )
        .await?;
    let ticket = str_at(&ticket, &["openTicket", "id"])?.to_owned();
    for item in &shop.items {
        client
            .gql(
                "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { version totalMinor } }",
                json!({"i": {"ticketId": ticket, "menuItemId": item}}),
                t,
            )
            .await?;
    }
    client
        .gql(
            "mutation($i: TakePaymentInput!) { takePayment(input: $i) { ticket { balanceMinor } } }",
            json!({"i": {"ticketId": ticket, "method": "CARD", "cardToken": "tok_visa", "idempotencyKey": ticket}}),
            t,
        )
        .await?;
    client
        .gql(
            "mutation($i: SettleTicketInput!) { settleTicket(input: $i) { status } }",
            json!({"i": {"ticketId": ticket}}),
            t,
        )
        .await?;
    Ok(())
}

async fn deducted(pool: &sqlx::PgPool, tenant: &str) -> Result<(i64, i64)> {
    let tenant: uuid::Uuid = tenant.parse()?;
    let row: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM pos_tickets WHERE tenant_id = $1 AND status = 'settled'),
                (SELECT count(*) FROM consumed_events WHERE tenant_id = $1 AND consumer = 'inventory-stock-deduction')",
    )
    .bind(tenant)
    .fetch_one(pool)
    .await?;
    Ok(row)
}

fn pgbench(o: &Options, shop: &Shop) -> Result<(f64, f64)> {
    let vars = [
        ("tenant", shop.tenant.as_str()),
        ("user", &shop.user),
        ("location", &shop.location),
        ("item1", &shop.items[0]),
        ("item2", &shop.items[1]),
        ("item3", &shop.items[2]),
        ("stock1", &shop.stock[0]),
        ("stock2", &shop.stock[1]),
        ("stock3", &shop.stock[2]),
        ("stock4", &shop.stock[3]),
    ];
    crate::pgbench(
        &o.database_url,
        "sale.pgbench",
        o.concurrency,
        o.seconds,
        &vars,
    )
}

pub async fn run(o: Options) -> Result<()> {
    let client = Arc::new(Client {
        http: reqwest::Client::new(),
        url: format!("{}/graphql", o.server.base_url),
    });
    let pool = sqlx::PgPool::connect(&o.database_url).await?;
    let shop = Arc::new(shop(&client, &o).await.context("setting up the shop")?);
    for _ in 0..20 {
        sale(&client, &shop).await.context("warm-up sale")?;
    }
    println!(
        "method: {} terminals, each looping open → 3 lines → card payment → settle over HTTP for {} s; \
         audit, outbox, relay and stock deduction run in the server",
        o.concurrency, o.seconds
    );
    let (c, s) = (client.clone(), shop.clone());
    let (rate, p50, p99, errors) =
        crate::load(Duration::from_secs(o.seconds), o.concurrency, move || {
            let (c, s) = (c.clone(), s.clone());
            async move { sale(&c, &s).await }
        })
        .await;
    println!(
        "server: {rate:.1} sales/s, p50 {p50:.1} ms, p99 {p99:.1} ms per sale (6 requests), {errors} errors"
    );
    let drain = Instant::now();
    loop {
        let (settled, applied) = deducted(&pool, &shop.tenant).await?;
        if applied >= settled {
            println!(
                "stock deduction: all {settled} settled tickets deducted {:.1} s after the load stopped",
                drain.elapsed().as_secs_f64()
            );
            break;
        }
        if drain.elapsed() > Duration::from_secs(120) {
            println!("stock deduction: {applied} of {settled} tickets deducted after 120 s");
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (tps, latency) = pgbench(&o, &shop)?;
    println!(
        "pgbench ceiling (same statements, {} clients, -M prepared): {tps:.1} sales/s, {latency:.1} ms average per sale",
        o.concurrency
    );
    println!("server / ceiling: {:.0} %", rate / tps * 100.0);
    Ok(())
}
