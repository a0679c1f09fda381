//! Tickets and their lines: open, add and change lines with modifiers and
//! notes, discount, send to the kitchen, void. Payments live in
//! `payments.rs`; the arithmetic in `pricing.rs`.

use super::pricing::{self, Discount, LineIn};
use super::{DISCOUNT, READ, VOID, WRITE, check_amount, check_text};
use crate::audit::service::{Change, record_change};
use crate::pagination::{Page, PageRequest};
use chrono::{DateTime, NaiveDate, Utc};
use kernel::db::sql;
use kernel::{AppError, AppResult, Currency, Db, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketStatus {
    Open,
    Settled,
    Voided,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Settled => "settled",
            Self::Voided => "voided",
        }
    }

    fn parse(raw: &str) -> AppResult<Self> {
        Ok(match raw {
            "open" => Self::Open,
            "settled" => Self::Settled,
            "voided" => Self::Voided,
            other => return Err(AppError::internal(format!("unknown ticket status {other}"))),
        })
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiscountKind {
    /// `value` is basis points: 1000 = 10 %.
    Percent,
    /// `value` is minor units off.
    Amount,
}

/// A discount on a line or a ticket, with why it was given.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppliedDiscount {
    pub kind: DiscountKind,
    pub value: i64,
    pub reason: Option<String>,
}

impl AppliedDiscount {
    fn from_columns(
        kind: Option<String>,
        value: Option<i64>,
        reason: Option<String>,
    ) -> Option<Self> {
        let kind = match kind.as_deref() {
            Some("percent") => DiscountKind::Percent,
            Some("amount") => DiscountKind::Amount,
            _ => return None,
        };
        Some(Self {
            kind,
            value: value?,
            reason,
        })
    }

    fn rule(&self) -> Discount {
        match self.kind {
            DiscountKind::Percent => Discount::Percent(self.value),
            DiscountKind::Amount => Discount::Amount(self.value),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
#[schema(as = TicketHeader)]
pub struct Ticket {
    pub id: Uuid,
    pub location_id: Uuid,
    /// The local date the ticket belongs to; the day turns at 04:00 local time.
    pub business_day: NaiveDate,
    /// 1, 2, 3… per business per business day.
    pub number: i32,
    /// A table, a name, a buzzer number.
    pub label: Option<String>,
    pub status: TicketStatus,
    /// Fixed by the first line when not given at opening.
    pub currency: Option<String>,
    pub discount: Option<AppliedDiscount>,
    pub service_charge_bp: i32,
    /// Sum of the lines' gross amounts.
    pub subtotal_minor: i64,
    /// Line and ticket discounts.
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub service_charge_minor: i64,
    /// What is owed: net subtotal + tax + service charge (tips are extra).
    pub total_minor: i64,
    pub paid_minor: i64,
    pub tip_minor: i64,
    pub refunded_minor: i64,
    /// Still to pay.
    pub balance_minor: i64,
    pub opened_by: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    /// Bumped by every change; pass it back to change against what you saw.
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct TicketRow {
    id: Uuid,
    location_id: Uuid,
    business_day: NaiveDate,
    number: i32,
    label: Option<String>,
    status: String,
    currency: Option<String>,
    discount_kind: Option<String>,
    discount_value: Option<i64>,
    discount_reason: Option<String>,
    service_charge_bp: i32,
    subtotal_minor: i64,
    discount_minor: i64,
    tax_minor: i64,
    service_charge_minor: i64,
    total_minor: i64,
    paid_minor: i64,
    tip_minor: i64,
    refunded_minor: i64,
    opened_by: Option<Uuid>,
    opened_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    settled_at: Option<DateTime<Utc>>,
    voided_at: Option<DateTime<Utc>>,
    void_reason: Option<String>,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl TryFrom<TicketRow> for Ticket {
    type Error = AppError;
    fn try_from(r: TicketRow) -> AppResult<Self> {
        Ok(Self {
            status: TicketStatus::parse(&r.status)?,
            discount: AppliedDiscount::from_columns(
                r.discount_kind,
                r.discount_value,
                r.discount_reason,
            ),
            balance_minor: r.total_minor - r.paid_minor,
            id: r.id,
            location_id: r.location_id,
            business_day: r.business_day,
            number: r.number,
            label: r.label,
            currency: r.currency,
            service_charge_bp: r.service_charge_bp,
            subtotal_minor: r.subtotal_minor,
            discount_minor: r.discount_minor,
            tax_minor: r.tax_minor,
            service_charge_minor: r.service_charge_minor,
            total_minor: r.total_minor,
            paid_minor: r.paid_minor,
            tip_minor: r.tip_minor,
            refunded_minor: r.refunded_minor,
            opened_by: r.opened_by,
            opened_at: r.opened_at,
            sent_at: r.sent_at,
            settled_at: r.settled_at,
            voided_at: r.voided_at,
            void_reason: r.void_reason,
            version: r.version,
            updated_at: r.updated_at,
        })
    }
}

const TICKET_COLUMNS: &str = "id, location_id, business_day, number, label, status, currency, discount_kind,
  discount_value, discount_reason, service_charge_bp, subtotal_minor, discount_minor, tax_minor,
  service_charge_minor, total_minor, paid_minor, tip_minor, refunded_minor, opened_by, opened_at, sent_at,
  settled_at, voided_at, void_reason, version, updated_at";

/// A modifier as it was chosen for a line (names and prices kept as sold).
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    async_graphql::SimpleObject,
    utoipa::ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct ChosenModifier {
    pub modifier_id: Uuid,
    pub group_id: Uuid,
    pub name: String,
    pub price_delta_minor: i64,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LineStatus {
    Active,
    Voided,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct TicketLine {
    pub id: Uuid,
    #[graphql(skip)]
    pub ticket_id: Uuid,
    pub position: i32,
    pub menu_item_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub sku: String,
    pub name: String,
    pub variant_name: Option<String>,
    pub quantity: i32,
    /// The item's price with its variant, when added.
    pub unit_price_minor: i64,
    pub modifiers: Vec<ChosenModifier>,
    pub tax_rate_bp: i32,
    pub note: Option<String>,
    pub discount: Option<AppliedDiscount>,
    pub status: LineStatus,
    pub void_reason: Option<String>,
    pub gross_minor: i64,
    /// Its own discount and its share of the ticket's.
    pub discount_minor: i64,
    pub net_minor: i64,
    pub tax_minor: i64,
    /// How many were refunded and put back in stock.
    pub returned: i32,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl TicketLine {
    fn unit_with_modifiers(&self) -> i64 {
        self.unit_price_minor
            + self
                .modifiers
                .iter()
                .map(|m| m.price_delta_minor)
                .sum::<i64>()
    }
}

#[derive(FromQueryResult)]
struct LineRow {
    id: Uuid,
    ticket_id: Uuid,
    position: i32,
    menu_item_id: Uuid,
    variant_id: Option<Uuid>,
    sku: String,
    name: String,
    variant_name: Option<String>,
    quantity: i32,
    unit_price_minor: i64,
    modifiers: Value,
    tax_rate_bp: i32,
    note: Option<String>,
    discount_kind: Option<String>,
    discount_value: Option<i64>,
    discount_reason: Option<String>,
    status: entities::pos_ticket_lines::LineStatus,
    void_reason: Option<String>,
    gross_minor: i64,
    discount_minor: i64,
    net_minor: i64,
    tax_minor: i64,
    returned: i32,
    sent_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl TryFrom<LineRow> for TicketLine {
    type Error = AppError;
    fn try_from(r: LineRow) -> AppResult<Self> {
        Ok(Self {
            modifiers: serde_json::from_value(r.modifiers)?,
            discount: AppliedDiscount::from_columns(
                r.discount_kind,
                r.discount_value,
                r.discount_reason,
            ),
            // Read through the entity's enum: an unknown status is an error.
            status: match r.status {
                entities::pos_ticket_lines::LineStatus::Active => LineStatus::Active,
                entities::pos_ticket_lines::LineStatus::Voided => LineStatus::Voided,
            },
            id: r.id,
            ticket_id: r.ticket_id,
            position: r.position,
            menu_item_id: r.menu_item_id,
            variant_id: r.variant_id,
            sku: r.sku,
            name: r.name,
            variant_name: r.variant_name,
            quantity: r.quantity,
            unit_price_minor: r.unit_price_minor,
            tax_rate_bp: r.tax_rate_bp,
            note: r.note,
            void_reason: r.void_reason,
            gross_minor: r.gross_minor,
            discount_minor: r.discount_minor,
            net_minor: r.net_minor,
            tax_minor: r.tax_minor,
            returned: r.returned,
            sent_at: r.sent_at,
            created_at: r.created_at,
        })
    }
}

const LINE_COLUMNS: &str = "id, ticket_id, position, menu_item_id, variant_id, sku, name, variant_name, quantity,
  unit_price_minor, modifiers, tax_rate_bp, note, discount_kind, discount_value, discount_reason, status,
  void_reason, gross_minor, discount_minor, net_minor, tax_minor, returned, sent_at, created_at";

// ---------------------------------------------------------------- reading

pub(crate) async fn find(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> AppResult<Ticket> {
    TicketRow::find_by_statement(sql(
        &format!(
            "SELECT {TICKET_COLUMNS} FROM pos_tickets WHERE tenant_id = $1 AND id = $2{}",
            if lock { " FOR UPDATE" } else { "" }
        ),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("ticket"))?
    .try_into()
}

/// Lines of many tickets, in ticket order (dataloader and repricing).
pub(crate) async fn lines_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    tickets: &[Uuid],
) -> AppResult<Vec<TicketLine>> {
    LineRow::find_by_statement(sql(
        &format!(
            "SELECT {LINE_COLUMNS} FROM pos_ticket_lines WHERE tenant_id = $1 AND ticket_id = ANY($2)
             ORDER BY ticket_id, position"
        ),
        [tenant.as_uuid().into(), tickets.to_vec().into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(TicketLine::try_from)
    .collect()
}

pub async fn lines_of_tickets(
    db: &Db,
    tenant: TenantId,
    tickets: &[Uuid],
) -> AppResult<Vec<TicketLine>> {
    let tx = db.tenant_tx(tenant).await?;
    let lines = lines_of(&tx, tenant, tickets).await?;
    tx.commit().await?;
    Ok(lines)
}

pub async fn get(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<Ticket> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let ticket = find(&tx, tenant, id, false).await?;
    tx.commit().await?;
    Ok(ticket)
}

#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub location_id: Option<Uuid>,
    pub status: Option<TicketStatus>,
    pub business_day: Option<NaiveDate>,
}

pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    filter: TicketFilter,
    page: PageRequest,
) -> AppResult<Page<Ticket>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = TicketRow::find_by_statement(sql(
        &format!(
            "SELECT {TICKET_COLUMNS} FROM pos_tickets WHERE tenant_id = $1
               AND ($2::uuid IS NULL OR location_id = $2) AND ($3::text IS NULL OR status = $3)
               AND ($4::date IS NULL OR business_day = $4) AND ($5::uuid IS NULL OR id > $5)
             ORDER BY id LIMIT $6"
        ),
        [
            tenant.as_uuid().into(),
            filter.location_id.into(),
            filter.status.map(TicketStatus::as_str).into(),
            filter.business_day.into(),
            page.after.into(),
            page.fetch_limit().into(),
        ],
    ))
    .all(&tx)
    .await?
    .into_iter()
    .map(Ticket::try_from)
    .collect::<AppResult<Vec<_>>>()?;
    tx.commit().await?;
    Ok(page.finish(rows, |t| t.id))
}

// ---------------------------------------------------------------- changing

/// What every `pos.ticket.*` event carries, so a screen can redraw a
/// ticket's header without fetching it.
pub(crate) fn summary(ticket: &Ticket) -> Value {
    json!({
        "ticketId": ticket.id,
        "locationId": ticket.location_id,
        "number": ticket.number,
        "businessDay": ticket.business_day,
        "label": ticket.label,
        "status": ticket.status,
        "version": ticket.version,
        "currency": ticket.currency,
        "totalMinor": ticket.total_minor,
        "paidMinor": ticket.paid_minor,
        "tipMinor": ticket.tip_minor,
        "balanceMinor": ticket.balance_minor,
    })
}

/// Records `action` on `ticket`: the audit row (with `detail`) and the
/// `pos.ticket.*` event (the summary plus `detail`).
pub(crate) async fn publish(
    tx: &DatabaseTransaction,
    ctx: &RequestContext,
    tenant: TenantId,
    action: &'static str,
    ticket: &Ticket,
    detail: Value,
) -> AppResult<()> {
    let mut event = summary(ticket);
    if let (Some(fields), Value::Object(extra)) = (event.as_object_mut(), &detail) {
        fields.extend(extra.clone());
    }
    record_change(
        tx,
        ctx,
        tenant,
        Change {
            action,
            entity: "pos_ticket",
            id: ticket.id,
            before: None,
            after: Some(detail),
            event: Some(event),
            version: ticket.version,
        },
    )
    .await
}

/// Updates a ticket with `assignments` (parameters from `$3`, after the
/// tenant and id), bumps its version, and returns it: one statement.
pub(crate) async fn change(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    assignments: &str,
    values: Vec<sea_orm::Value>,
) -> AppResult<Ticket> {
    let mut params: Vec<sea_orm::Value> = vec![tenant.as_uuid().into(), id.into()];
    params.extend(values);
    TicketRow::find_by_statement(sql(
        &format!(
            "UPDATE pos_tickets SET {assignments}, version = version + 1, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 RETURNING {TICKET_COLUMNS}"
        ),
        params,
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::internal("ticket vanished"))?
    .try_into()
}

/// Locks an open ticket for a change made against `expected` (if given).
pub(crate) async fn begin_change(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    expected: Option<i64>,
) -> AppResult<Ticket> {
    let ticket = find(tx, tenant, id, true).await?;
    if let Some(expected) = expected
        && expected != ticket.version
    {
        return Err(
            AppError::conflict("the ticket changed since you read it").with_details(
                json!({ "expectedVersion": expected, "currentVersion": ticket.version }),
            ),
        );
    }
    if ticket.status != TicketStatus::Open {
        return Err(
            AppError::conflict(format!("the ticket is {}", ticket.status.as_str()))
                .with_details(json!({ "status": ticket.status })),
        );
    }
    Ok(ticket)
}

/// Recomputes every line and the ticket's totals, bumps the version, and
/// returns the ticket as it now is.
pub(crate) async fn reprice(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    ticket: &Ticket,
) -> AppResult<Ticket> {
    let lines: Vec<TicketLine> = lines_of(tx, tenant, &[ticket.id])
        .await?
        .into_iter()
        .filter(|l| l.status == LineStatus::Active)
        .collect();
    let inputs: Vec<LineIn> = lines
        .iter()
        .map(|l| LineIn {
            quantity: i64::from(l.quantity),
            unit_minor: l.unit_with_modifiers(),
            tax_rate_bp: i64::from(l.tax_rate_bp),
            discount: l.discount.as_ref().map(AppliedDiscount::rule),
        })
        .collect();
    let totals = pricing::price(
        &inputs,
        ticket.discount.as_ref().map(AppliedDiscount::rule),
        i64::from(ticket.service_charge_bp),
    );
    if totals.total < ticket.paid_minor {
        return Err(AppError::conflict(
            "the ticket would come to less than has been paid; refund first",
        )
        .with_details(json!({ "paidMinor": ticket.paid_minor, "newTotalMinor": totals.total })));
    }
    if !lines.is_empty() {
        let ids: Vec<Uuid> = lines.iter().map(|l| l.id).collect();
        let pick =
            |f: fn(&pricing::LineOut) -> i64| totals.lines.iter().map(f).collect::<Vec<i64>>();
        tx.execute_raw(sql(
            "UPDATE pos_ticket_lines l SET gross_minor = v.gross, discount_minor = v.discount,
               net_minor = v.net, tax_minor = v.tax
             FROM unnest($2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
               AS v(id, gross, discount, net, tax)
             WHERE l.tenant_id = $1 AND l.id = v.id",
            [
                tenant.as_uuid().into(),
                ids.into(),
                pick(|l| l.gross).into(),
                pick(|l| l.discount).into(),
                pick(|l| l.net).into(),
                pick(|l| l.tax).into(),
            ],
        ))
        .await?;
    }
    TicketRow::find_by_statement(sql(
        &format!(
            "UPDATE pos_tickets SET subtotal_minor = $3, discount_minor = $4, tax_minor = $5,
               service_charge_minor = $6, total_minor = $7, version = version + 1, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 RETURNING {TICKET_COLUMNS}"
        ),
        [
            tenant.as_uuid().into(),
            ticket.id.into(),
            totals.subtotal.into(),
            totals.discount.into(),
            totals.tax.into(),
            totals.service_charge.into(),
            totals.total.into(),
        ],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::internal("ticket vanished"))?
    .try_into()
}

fn check_label(label: Option<&str>) -> AppResult<Option<String>> {
    let value = label.map(str::trim).filter(|s| !s.is_empty());
    if value.is_some_and(|v| v.chars().count() > 100) {
        return Err(AppError::invalid_field(
            "label",
            "must be at most 100 characters",
        ));
    }
    Ok(value.map(str::to_owned))
}

fn check_service(bp: i32) -> AppResult<i32> {
    if !(0..=10_000).contains(&bp) {
        return Err(AppError::invalid_field(
            "serviceChargeBp",
            "must be between 0 and 10000 basis points",
        ));
    }
    Ok(bp)
}

#[derive(Debug, Clone, Default)]
pub struct NewTicket {
    pub location_id: Uuid,
    pub label: Option<String>,
    pub currency: Option<String>,
    pub service_charge_bp: i32,
}

pub async fn open(db: &Db, ctx: &RequestContext, input: NewTicket) -> AppResult<Ticket> {
    let tenant = ctx.require(WRITE)?;
    let label = check_label(input.label.as_deref())?;
    let service = check_service(input.service_charge_bp)?;
    let currency = input
        .currency
        .as_deref()
        .map(|c| Currency::parse("currency", c))
        .transpose()?;
    let tx = db.tenant_tx(tenant).await?;
    let location =
        crate::locations::service::referenced(&tx, tenant, "locationId", input.location_id.into())
            .await?;
    if !location.active {
        return Err(AppError::invalid_field(
            "locationId",
            "the location is closed",
        ));
    }
    // The business day turns at 04:00 local time, so a night's last orders
    // belong to the evening they started in.
    // The business day turns at 04:00 local time, so a night's last orders
    // belong to the evening they started in. Numbering and inserting are one
    // statement: the counter row is the one every till shares.
    let ticket: Ticket = TicketRow::find_by_statement(sql(
        &format!(
            "WITH numbered AS (
               INSERT INTO pos_ticket_counters (tenant_id, business_day, last_number)
               VALUES ($1, ((now() AT TIME ZONE $8) - interval '4 hours')::date, 1)
               ON CONFLICT (tenant_id, business_day)
               DO UPDATE SET last_number = pos_ticket_counters.last_number + 1
               RETURNING business_day, last_number
             )
             INSERT INTO pos_tickets (tenant_id, id, location_id, business_day, number, label, currency,
               service_charge_bp, opened_by)
             SELECT $1, $2, $3, business_day, last_number, $4, $5, $6, $7 FROM numbered
             RETURNING {TICKET_COLUMNS}"
        ),
        [
            tenant.as_uuid().into(),
            Uuid::now_v7().into(),
            input.location_id.into(),
            label.into(),
            currency.map(|c| c.as_str().to_owned()).into(),
            service.into(),
            ctx.user_id().map(|u| u.as_uuid()).into(),
            location.timezone.clone().into(),
        ],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::internal("ticket not inserted"))?
    .try_into()?;
    publish(&tx, ctx, tenant, "pos.ticket.opened", &ticket, json!({})).await?;
    tx.commit().await?;
    Ok(ticket)
}

#[derive(Debug, Clone, Default)]
pub struct NewLine {
    pub menu_item_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub modifier_ids: Vec<Uuid>,
    pub quantity: i32,
    pub note: Option<String>,
}

fn check_quantity(quantity: i32) -> AppResult<i32> {
    if !(1..=999).contains(&quantity) {
        return Err(AppError::invalid_field(
            "quantity",
            "must be between 1 and 999",
        ));
    }
    Ok(quantity)
}

/// The menu item as a line will sell it, checked against the menu: on
/// sale here, the variant its own, the modifiers from its groups within
/// their limits.
struct Priced {
    sku: String,
    name: String,
    currency: String,
    unit_price_minor: i64,
    tax_rate_bp: i32,
    variant_name: Option<String>,
    modifiers: Vec<ChosenModifier>,
}

async fn price_item(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    location: Uuid,
    line: &NewLine,
) -> AppResult<Priced> {
    #[derive(FromQueryResult)]
    struct ItemRow {
        sku: String,
        name: String,
        currency: String,
        price_minor: i64,
        tax_rate_bp: i32,
        active: bool,
        sold_out: bool,
        sold_out_here: bool,
    }
    let item = ItemRow::find_by_statement(sql(
        "SELECT i.sku, i.name, i.currency, i.price_minor, i.tax_rate_bp, i.active, i.sold_out,
                COALESCE((SELECT sold_out FROM menu_item_locations
                          WHERE tenant_id = $1 AND item_id = i.id AND location_id = $3), false) AS sold_out_here
         FROM menu_items i WHERE i.tenant_id = $1 AND i.id = $2 AND i.deleted_at IS NULL",
        [tenant.as_uuid().into(), line.menu_item_id.into(), location.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::invalid_field("menuItemId", "no such menu item"))?;
    if !item.active {
        return Err(AppError::invalid_field(
            "menuItemId",
            "the item is not on sale",
        ));
    }
    if item.sold_out || item.sold_out_here {
        return Err(AppError::conflict(format!("{} is sold out", item.name))
            .with_details(json!({ "menuItemId": line.menu_item_id, "soldOut": true })));
    }
    let mut unit = item.price_minor;
    let mut variant_name = None;
    if let Some(variant) = line.variant_id {
        let row = tx
            .query_one_raw(sql(
                "SELECT name, price_delta_minor FROM menu_item_variants WHERE tenant_id = $1 AND id = $2 AND item_id = $3",
                [tenant.as_uuid().into(), variant.into(), line.menu_item_id.into()],
            ))
            .await?
            .ok_or_else(|| AppError::invalid_field("variantId", "not a variant of this item"))?;
        unit += row.try_get::<i64>("", "price_delta_minor")?;
        variant_name = Some(row.try_get::<String>("", "name")?);
    }
    let modifiers = choose_modifiers(tx, tenant, line.menu_item_id, &line.modifier_ids).await?;
    Ok(Priced {
        sku: item.sku,
        name: item.name,
        currency: item.currency,
        unit_price_minor: unit,
        tax_rate_bp: item.tax_rate_bp,
        variant_name,
        modifiers,
    })
}

/// Checks a choice of modifiers against the item's groups: each one from a
/// group of the item, each group within its min and max.
async fn choose_modifiers(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    item: Uuid,
    chosen: &[Uuid],
) -> AppResult<Vec<ChosenModifier>> {
    #[derive(FromQueryResult)]
    struct Offered {
        modifier_id: Uuid,
        group_id: Uuid,
        group_name: String,
        name: String,
        price_delta_minor: i64,
        min_select: i32,
        max_select: i32,
    }
    let mut seen = HashSet::new();
    for id in chosen {
        if !seen.insert(*id) {
            return Err(AppError::invalid_field(
                "modifierIds",
                "a modifier appears twice",
            ));
        }
    }
    let offered = Offered::find_by_statement(sql(
        "SELECT m.id AS modifier_id, g.id AS group_id, g.name AS group_name, m.name, m.price_delta_minor,
                g.min_select, g.max_select
         FROM menu_item_modifier_groups ig
         JOIN modifier_groups g ON g.tenant_id = ig.tenant_id AND g.id = ig.group_id
         JOIN modifiers m ON m.tenant_id = g.tenant_id AND m.group_id = g.id
         WHERE ig.tenant_id = $1 AND ig.item_id = $2",
        [tenant.as_uuid().into(), item.into()],
    ))
    .all(tx)
    .await?;
    let mut out = Vec::with_capacity(chosen.len());
    for id in chosen {
        let m = offered
            .iter()
            .find(|o| o.modifier_id == *id)
            .ok_or_else(|| {
                AppError::invalid_field("modifierIds", "unknown modifier for this item")
                    .with_details(json!({ "fields": { "modifierIds": "unknown modifier for this item" }, "modifierId": id }))
            })?;
        out.push(ChosenModifier {
            modifier_id: m.modifier_id,
            group_id: m.group_id,
            name: m.name.clone(),
            price_delta_minor: m.price_delta_minor,
        });
    }
    let mut groups: HashMap<Uuid, (&str, i32, i32)> = HashMap::new();
    for o in &offered {
        groups.insert(o.group_id, (&o.group_name, o.min_select, o.max_select));
    }
    for (group, (name, min, max)) in groups {
        let picked =
            i32::try_from(out.iter().filter(|m| m.group_id == group).count()).unwrap_or(i32::MAX);
        if picked > max || picked < min {
            return Err(AppError::invalid_field(
                "modifierIds",
                format!("choose between {min} and {max} from {name}"),
            )
            .with_details(json!({
                "fields": { "modifierIds": format!("choose between {min} and {max} from {name}") },
                "groupId": group, "chosen": picked, "minSelect": min, "maxSelect": max
            })));
        }
    }
    Ok(out)
}

pub async fn add_line(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: Uuid,
    expected: Option<i64>,
    line: NewLine,
) -> AppResult<Ticket> {
    let tenant = ctx.require(WRITE)?;
    check_quantity(line.quantity)?;
    let note = check_text("note", line.note.as_deref(), false)?;
    let tx = db.tenant_tx(tenant).await?;
    let ticket = begin_change(&tx, tenant, ticket_id, expected).await?;
    let priced = price_item(&tx, tenant, ticket.location_id, &line).await?;
    match &ticket.currency {
        Some(c) if *c != priced.currency => {
            return Err(AppError::invalid_field(
                "menuItemId",
                format!(
                    "the item is priced in {}, the ticket in {c}",
                    priced.currency
                ),
            )
            .with_details(json!({ "fields": { "menuItemId": "currency mismatch" },
                                  "ticketCurrency": c, "itemCurrency": priced.currency })));
        }
        Some(_) => {}
        None => {
            tx.execute_raw(sql(
                "UPDATE pos_tickets SET currency = $3 WHERE tenant_id = $1 AND id = $2",
                [
                    tenant.as_uuid().into(),
                    ticket_id.into(),
                    priced.currency.clone().into(),
                ],
            ))
            .await?;
        }
    }
    let line_id = Uuid::now_v7();
    tx.execute_raw(sql(
        "INSERT INTO pos_ticket_lines (tenant_id, id, ticket_id, position, menu_item_id, variant_id, sku, name,
           variant_name, quantity, unit_price_minor, modifiers, tax_rate_bp, note)
         VALUES ($1, $2, $3,
           (SELECT COALESCE(max(position), 0) + 1 FROM pos_ticket_lines WHERE tenant_id = $1 AND ticket_id = $3),
           $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        [
            tenant.as_uuid().into(),
            line_id.into(),
            ticket_id.into(),
            line.menu_item_id.into(),
            line.variant_id.into(),
            priced.sku.into(),
            priced.name.clone().into(),
            priced.variant_name.into(),
            line.quantity.into(),
            priced.unit_price_minor.into(),
            serde_json::to_value(&priced.modifiers)?.into(),
            priced.tax_rate_bp.into(),
            note.into(),
        ],
    ))
    .await?;
    let mut ticket = ticket;
    ticket.currency = ticket.currency.or(Some(priced.currency));
    let after = reprice(&tx, tenant, &ticket).await?;
    publish(
        &tx,
        ctx,
        tenant,
        "pos.ticket.updated",
        &after,
        json!({ "change": "line_added", "lineId": line_id, "name": priced.name, "quantity": line.quantity }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

async fn find_line(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    ticket: Uuid,
    line: Uuid,
) -> AppResult<TicketLine> {
    lines_of(tx, tenant, &[ticket])
        .await?
        .into_iter()
        .find(|l| l.id == line)
        .ok_or_else(|| AppError::not_found("ticket line"))
}

#[derive(Debug, Clone, Default)]
pub struct LinePatch {
    pub quantity: Option<i32>,
    pub note: Option<String>,
    pub modifier_ids: Option<Vec<Uuid>>,
}

/// Changes a line not yet sent to the kitchen (a sent line is voided instead).
pub async fn update_line(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: Uuid,
    line_id: Uuid,
    expected: Option<i64>,
    patch: LinePatch,
) -> AppResult<Ticket> {
    let tenant = ctx.require(WRITE)?;
    if let Some(q) = patch.quantity {
        check_quantity(q)?;
    }
    let note = check_text("note", patch.note.as_deref(), false)?;
    let tx = db.tenant_tx(tenant).await?;
    let ticket = begin_change(&tx, tenant, ticket_id, expected).await?;
    let line = find_line(&tx, tenant, ticket_id, line_id).await?;
    if line.status == LineStatus::Voided {
        return Err(AppError::conflict("the line is voided"));
    }
    if line.sent_at.is_some() {
        return Err(AppError::conflict(
            "the line went to the kitchen; void it and add a new one",
        ));
    }
    let modifiers = match &patch.modifier_ids {
        Some(ids) => Some(serde_json::to_value(
            choose_modifiers(&tx, tenant, line.menu_item_id, ids).await?,
        )?),
        None => None,
    };
    tx.execute_raw(sql(
        "UPDATE pos_ticket_lines SET quantity = COALESCE($3, quantity), note = CASE WHEN $4 THEN $5 ELSE note END,
           modifiers = COALESCE($6, modifiers)
         WHERE tenant_id = $1 AND id = $2",
        [
            tenant.as_uuid().into(),
            line_id.into(),
            patch.quantity.into(),
            patch.note.is_some().into(),
            note.into(),
            modifiers.into(),
        ],
    ))
    .await?;
    let after = reprice(&tx, tenant, &ticket).await?;
    publish(
        &tx,
        ctx,
        tenant,
        "pos.ticket.updated",
        &after,
        json!({ "change": "line_changed", "lineId": line_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Voids a line. Once the kitchen has it, that takes `pos.ticket.void`.
pub async fn void_line(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: Uuid,
    line_id: Uuid,
    expected: Option<i64>,
    reason: Option<&str>,
) -> AppResult<Ticket> {
    let tenant = ctx.require(WRITE)?;
    let reason = check_text("reason", reason, false)?;
    let tx = db.tenant_tx(tenant).await?;
    let ticket = begin_change(&tx, tenant, ticket_id, expected).await?;
    let line = find_line(&tx, tenant, ticket_id, line_id).await?;
    if line.status == LineStatus::Voided {
        return Err(AppError::conflict("the line is already voided"));
    }
    if line.sent_at.is_some() {
        ctx.require(VOID)?;
        if reason.is_none() {
            return Err(AppError::invalid_field(
                "reason",
                "is required to void what the kitchen has",
            ));
        }
    }
    tx.execute_raw(sql(
        "UPDATE pos_ticket_lines SET status = 'voided', void_reason = $3 WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), line_id.into(), reason.clone().into()],
    ))
    .await?;
    let after = reprice(&tx, tenant, &ticket).await?;
    publish(
        &tx,
        ctx,
        tenant,
        "pos.ticket.updated",
        &after,
        json!({ "change": "line_voided", "lineId": line_id, "name": line.name, "quantity": line.quantity,
                "reason": reason, "wasSent": line.sent_at.is_some() }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A discount as asked for: a percentage or an amount, with a reason.
#[derive(Debug, Clone, Default)]
pub struct DiscountInput {
    pub percent_bp: Option<i64>,
    pub amount_minor: Option<i64>,
    pub reason: Option<String>,
}

impl DiscountInput {
    /// `None` removes the discount.
    fn check(&self) -> AppResult<Option<AppliedDiscount>> {
        let reason = check_text("reason", self.reason.as_deref(), false)?;
        match (self.percent_bp, self.amount_minor) {
            (None, None) => Ok(None),
            (Some(bp), None) => {
                if !(1..=10_000).contains(&bp) {
                    return Err(AppError::invalid_field(
                        "percentBp",
                        "must be between 1 and 10000 basis points",
                    ));
                }
                Ok(Some(AppliedDiscount {
                    kind: DiscountKind::Percent,
                    value: bp,
                    reason,
                }))
            }
            (None, Some(minor)) => Ok(Some(AppliedDiscount {
                kind: DiscountKind::Amount,
                value: check_amount("amountMinor", minor, false)?,
                reason,
            })),
            (Some(_), Some(_)) => Err(AppError::validation(
                "give a percentage or an amount, not both",
            )),
        }
    }
}

fn discount_columns(
    d: &Option<AppliedDiscount>,
) -> (Option<&'static str>, Option<i64>, Option<String>) {
    match d {
        None => (None, None, None),
        Some(d) => (
            Some(match d.kind {
                DiscountKind::Percent => "percent",
                DiscountKind::Amount => "amount",
            }),
            Some(d.value),
            d.reason.clone(),
        ),
    }
}

/// Discounts one line (`line` given) or the whole ticket. Needs `pos.ticket.discount`.
pub async fn set_discount(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: Uuid,
    line_id: Option<Uuid>,
    expected: Option<i64>,
    input: DiscountInput,
) -> AppResult<Ticket> {
    let tenant = ctx.require(DISCOUNT)?;
    let discount = input.check()?;
    let tx = db.tenant_tx(tenant).await?;
    let ticket = begin_change(&tx, tenant, ticket_id, expected).await?;
    let (kind, value, reason) = discount_columns(&discount);
    match line_id {
        Some(line_id) => {
            let line = find_line(&tx, tenant, ticket_id, line_id).await?;
            if line.status == LineStatus::Voided {
                return Err(AppError::conflict("the line is voided"));
            }
            tx.execute_raw(sql(
                "UPDATE pos_ticket_lines SET discount_kind = $3, discount_value = $4, discount_reason = $5
                 WHERE tenant_id = $1 AND id = $2",
                [tenant.as_uuid().into(), line_id.into(), kind.into(), value.into(), reason.into()],
            ))
            .await?;
        }
        None => {
            tx.execute_raw(sql(
                "UPDATE pos_tickets SET discount_kind = $3, discount_value = $4, discount_reason = $5
                 WHERE tenant_id = $1 AND id = $2",
                [tenant.as_uuid().into(), ticket_id.into(), kind.into(), value.into(), reason.into()],
            ))
            .await?;
        }
    }
    let mut ticket = ticket;
    if line_id.is_none() {
        ticket.discount = discount.clone();
    }
    let after = reprice(&tx, tenant, &ticket).await?;
    publish(
        &tx,
        ctx,
        tenant,
        "pos.ticket.updated",
        &after,
        json!({ "change": "discount", "lineId": line_id, "discount": discount }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Relabels the ticket or changes its service charge.
pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: Uuid,
    expected: Option<i64>,
    label: Option<Option<String>>,
    service_charge_bp: Option<i32>,
) -> AppResult<Ticket> {
    let tenant = ctx.require(WRITE)?;
    let label = label.map(|l| check_label(l.as_deref())).transpose()?;
    let service = service_charge_bp.map(check_service).transpose()?;
    let tx = db.tenant_tx(tenant).await?;
    let ticket = begin_change(&tx, tenant, ticket_id, expected).await?;
    tx.execute_raw(sql(
        "UPDATE pos_tickets SET label = CASE WHEN $3 THEN $4 ELSE label END,
           service_charge_bp = COALESCE($5, service_charge_bp) WHERE tenant_id = $1 AND id = $2",
        [
            tenant.as_uuid().into(),
            ticket_id.into(),
            label.is_some().into(),
            label.flatten().into(),
            service.into(),
        ],
    ))
    .await?;
    let mut ticket = ticket;
    if let Some(s) = service {
        ticket.service_charge_bp = s;
    }
    let after = reprice(&tx, tenant, &ticket).await?;
    publish(
        &tx,
        ctx,
        tenant,
        "pos.ticket.updated",
        &after,
        json!({ "change": "details" }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Sends the lines the kitchen has not seen yet (`pos.ticket.sent`).
pub async fn send(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: Uuid,
    expected: Option<i64>,
) -> AppResult<Ticket> {
    let tenant = ctx.require(WRITE)?;
    let tx = db.tenant_tx(tenant).await?;
    begin_change(&tx, tenant, ticket_id, expected).await?;
    let fresh: Vec<TicketLine> = lines_of(&tx, tenant, &[ticket_id])
        .await?
        .into_iter()
        .filter(|l| l.status == LineStatus::Active && l.sent_at.is_none())
        .collect();
    if fresh.is_empty() {
        return Err(AppError::conflict("nothing new to send to the kitchen"));
    }
    let ids: Vec<Uuid> = fresh.iter().map(|l| l.id).collect();
    tx.execute_raw(sql(
        "UPDATE pos_ticket_lines SET sent_at = now() WHERE tenant_id = $1 AND id = ANY($2)",
        [tenant.as_uuid().into(), ids.into()],
    ))
    .await?;
    let after = change(
        &tx,
        tenant,
        ticket_id,
        "sent_at = COALESCE(sent_at, now())",
        vec![],
    )
    .await?;
    let kitchen: Vec<Value> = fresh
        .iter()
        .map(|l| {
            json!({
                "lineId": l.id, "menuItemId": l.menu_item_id, "name": l.name, "variant": l.variant_name,
                "quantity": l.quantity, "modifiers": l.modifiers.iter().map(|m| &m.name).collect::<Vec<_>>(),
                "note": l.note,
            })
        })
        .collect();
    publish(
        &tx,
        ctx,
        tenant,
        "pos.ticket.sent",
        &after,
        json!({ "lines": kitchen }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Voids an unpaid ticket. Needs `pos.ticket.void` and a reason.
pub async fn void(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: Uuid,
    expected: Option<i64>,
    reason: Option<&str>,
) -> AppResult<Ticket> {
    let tenant = ctx.require(VOID)?;
    let reason = check_text("reason", reason, true)?;
    let tx = db.tenant_tx(tenant).await?;
    let ticket = begin_change(&tx, tenant, ticket_id, expected).await?;
    if ticket.paid_minor > 0 {
        return Err(AppError::conflict(
            "the ticket has payments; settle and refund it instead",
        ));
    }
    let after = change(
        &tx,
        tenant,
        ticket_id,
        "status = 'voided', voided_at = now(), void_reason = $3",
        vec![reason.clone().into()],
    )
    .await?;
    publish(
        &tx,
        ctx,
        tenant,
        "pos.ticket.voided",
        &after,
        json!({ "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
