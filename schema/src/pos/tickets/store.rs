//! Every statement on `pos_tickets`, `pos_ticket_lines` and
//! `pos_ticket_counters`, and the menu reads that price a line. The query
//! builder for plain reads and writes; bound SQL where PostgreSQL is needed
//! (numbering in one statement, positions, `unnest` bulk writes, joins).

use super::{AppliedDiscount, ChosenModifier, Ticket, TicketFilter, TicketLine};
use crate::pagination::PageRequest;
use crate::pos::pricing::LineOut;
use crate::store_support;
use chrono::{DateTime, Utc};
use entities::pos_ticket_lines as lines;
use entities::pos_tickets as tickets;
use kernel::db::sql;
use kernel::{
    AppError, AppResult, LineId, LocationId, MenuItemId, ModifierGroupId, ModifierId, TenantId,
    TicketId, UserId, VariantId,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, UpdateMany,
};

// ---------------------------------------------------------------- tickets

fn by_id(tenant: TenantId, id: TicketId) -> sea_orm::Select<tickets::Entity> {
    tickets::Entity::find_by_id((tenant.as_uuid(), id.as_uuid()))
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: TicketId,
) -> AppResult<Option<Ticket>> {
    Ok(by_id(tenant, id).one(conn).await?.map(Ticket::from))
}

/// The ticket, locked until the transaction ends (`FOR UPDATE`).
pub(crate) async fn find_for_update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: TicketId,
) -> AppResult<Option<Ticket>> {
    Ok(by_id(tenant, id)
        .lock_exclusive()
        .one(conn)
        .await?
        .map(Ticket::from))
}

/// A page of tickets by id (the keyset), filtered.
pub(crate) async fn list(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    filter: &TicketFilter,
    page: &PageRequest,
) -> AppResult<Vec<Ticket>> {
    let limit = u64::try_from(page.fetch_limit()).unwrap_or(1);
    let query = tickets::Entity::find()
        .filter(tickets::Column::TenantId.eq(tenant))
        .apply_if(filter.location_id, |q, l| {
            q.filter(tickets::Column::LocationId.eq(l))
        })
        .apply_if(filter.status, |q, s| {
            q.filter(tickets::Column::Status.eq(tickets::TicketStatus::from(s)))
        })
        .apply_if(filter.business_day, |q, d| {
            q.filter(tickets::Column::BusinessDay.eq(d))
        });
    store_support::page(conn, query, tickets::Column::Id, page.after, limit).await
}

pub(crate) struct Opening<'a> {
    pub tenant: TenantId,
    pub id: TicketId,
    pub location: LocationId,
    /// The location's IANA zone: the business day is local.
    pub timezone: &'a str,
    pub label: Option<String>,
    pub currency: Option<String>,
    pub service_charge_bp: i32,
    pub dining_option: super::DiningOption,
    pub opened_by: Option<UserId>,
    pub at: DateTime<Utc>,
}

/// Numbers the ticket for its business day and inserts it: one statement,
/// since the counter row is the one every till shares. The business day
/// turns at 04:00 local time, so a night's last orders belong to the
/// evening they started in.
pub(crate) async fn open(conn: &impl ConnectionTrait, row: Opening<'_>) -> AppResult<Ticket> {
    tickets::Entity::find()
        .from_raw_sql(sql(
            "WITH numbered AS (
               INSERT INTO pos_ticket_counters (tenant_id, business_day, last_number)
               VALUES ($1, (($8::timestamptz AT TIME ZONE $9) - interval '4 hours')::date, 1)
               ON CONFLICT (tenant_id, business_day)
               DO UPDATE SET last_number = pos_ticket_counters.last_number + 1
               RETURNING business_day, last_number
             )
             INSERT INTO pos_tickets (tenant_id, id, location_id, business_day, number, label, currency,
               service_charge_bp, opened_by, opened_at, updated_at, dining_option)
             SELECT $1, $2, $3, business_day, last_number, $4, $5, $6, $7, $8, $8, $10 FROM numbered
             RETURNING *",
            [
                row.tenant.as_uuid().into(),
                row.id.as_uuid().into(),
                row.location.as_uuid().into(),
                row.label.into(),
                row.currency.into(),
                row.service_charge_bp.into(),
                row.opened_by.map(|u| u.as_uuid()).into(),
                row.at.into(),
                row.timezone.to_owned().into(),
                tickets::DiningOption::from(row.dining_option).into(),
            ],
        ))
        .one(conn)
        .await?
        .map(Ticket::from)
        .ok_or_else(|| AppError::internal("ticket not inserted"))
}

/// One change to a ticket's row. Every variant is one fixed `UPDATE` that
/// also bumps the version and `updated_at`, returning the row.
pub(crate) enum TicketUpdate<'a> {
    /// New totals, with the header the totals were computed from (currency,
    /// ticket discount, label, service charge) as the command left it.
    Repriced {
        ticket: &'a Ticket,
        totals: &'a crate::pos::pricing::Totals,
    },
    /// New lines went to the kitchen; the first send is kept.
    Sent,
    Voided {
        reason: Option<String>,
    },
    Settled,
    Paid {
        amount_minor: i64,
        tip_minor: i64,
    },
    Refunded {
        amount_minor: i64,
    },
    /// Its lines went to `into`.
    Merged {
        into: TicketId,
    },
}

pub(crate) async fn update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: TicketId,
    change: TicketUpdate<'_>,
    at: DateTime<Utc>,
) -> AppResult<Ticket> {
    use tickets::Column as C;
    let add = |col: C, n: i64| Expr::col(col).add(n);
    let base = tickets::Entity::update_many()
        .filter(C::TenantId.eq(tenant))
        .filter(C::Id.eq(id))
        .col_expr(C::Version, add(C::Version, 1))
        .col_expr(C::UpdatedAt, Expr::value(at));
    let query = match change {
        TicketUpdate::Repriced { ticket, totals } => {
            let discount = [C::DiscountKind, C::DiscountValue, C::DiscountReason];
            set_discount(base, discount, ticket.discount.as_ref())
                .col_expr(C::Currency, Expr::value(ticket.currency.clone()))
                .col_expr(C::Label, Expr::value(ticket.label.clone()))
                .col_expr(C::ServiceChargeBp, Expr::value(ticket.service_charge_bp))
                .col_expr(
                    C::DiningOption,
                    Expr::value(tickets::DiningOption::from(ticket.dining_option)),
                )
                .col_expr(C::SubtotalMinor, Expr::value(totals.subtotal))
                .col_expr(C::DiscountMinor, Expr::value(totals.discount))
                .col_expr(C::TaxMinor, Expr::value(totals.tax))
                .col_expr(C::ServiceChargeMinor, Expr::value(totals.service_charge))
                .col_expr(C::TotalMinor, Expr::value(totals.total))
        }
        TicketUpdate::Sent => base.col_expr(
            C::SentAt,
            Func::coalesce([Expr::col(C::SentAt), Expr::value(at)]).into(),
        ),
        TicketUpdate::Voided { reason } => base
            .col_expr(C::Status, Expr::value(tickets::TicketStatus::Voided))
            .col_expr(C::VoidedAt, Expr::value(at))
            .col_expr(C::VoidReason, Expr::value(reason)),
        TicketUpdate::Settled => base
            .col_expr(C::Status, Expr::value(tickets::TicketStatus::Settled))
            .col_expr(C::SettledAt, Expr::value(at)),
        TicketUpdate::Paid {
            amount_minor,
            tip_minor,
        } => base
            .col_expr(C::PaidMinor, add(C::PaidMinor, amount_minor))
            .col_expr(C::TipMinor, add(C::TipMinor, tip_minor)),
        TicketUpdate::Refunded { amount_minor } => {
            base.col_expr(C::RefundedMinor, add(C::RefundedMinor, amount_minor))
        }
        TicketUpdate::Merged { into } => base
            .col_expr(C::Status, Expr::value(tickets::TicketStatus::Merged))
            .col_expr(C::MergedInto, Expr::value(into.as_uuid())),
    };
    query
        .exec_with_returning(conn)
        .await?
        .into_iter()
        .next()
        .map(Ticket::from)
        .ok_or_else(|| AppError::internal("ticket vanished"))
}

// ---------------------------------------------------------------- lines

/// Lines of many tickets, in ticket order (dataloader and repricing).
pub(crate) async fn lines_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    tickets: &[TicketId],
) -> AppResult<Vec<TicketLine>> {
    lines::Entity::find()
        .filter(lines::Column::TenantId.eq(tenant))
        .filter(lines::Column::TicketId.is_in(tickets.iter().copied()))
        .order_by_asc(lines::Column::TicketId)
        .order_by_asc(lines::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(TicketLine::try_from)
        .collect()
}

pub(crate) struct NewLineRow<'a> {
    pub tenant: TenantId,
    pub id: LineId,
    pub ticket: TicketId,
    pub menu_item: MenuItemId,
    pub variant: Option<VariantId>,
    pub sku: &'a str,
    pub name: &'a str,
    pub variant_name: Option<&'a str>,
    pub quantity: i32,
    pub unit_price_minor: i64,
    pub modifiers: &'a [ChosenModifier],
    pub tax_rate_bp: i32,
    pub note: Option<String>,
    pub course: i32,
    pub seat: Option<i32>,
    pub at: DateTime<Utc>,
}

/// Inserts a line after the ticket's last one.
pub(crate) async fn insert_line(conn: &impl ConnectionTrait, row: NewLineRow<'_>) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO pos_ticket_lines (tenant_id, id, ticket_id, position, menu_item_id, variant_id, sku, name,
           variant_name, quantity, unit_price_minor, modifiers, tax_rate_bp, note, created_at, course, seat)
         VALUES ($1, $2, $3,
           (SELECT COALESCE(max(position), 0) + 1 FROM pos_ticket_lines WHERE tenant_id = $1 AND ticket_id = $3),
           $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        [
            row.tenant.as_uuid().into(),
            row.id.as_uuid().into(),
            row.ticket.as_uuid().into(),
            row.menu_item.as_uuid().into(),
            row.variant.map(|v| v.as_uuid()).into(),
            row.sku.to_owned().into(),
            row.name.to_owned().into(),
            row.variant_name.map(str::to_owned).into(),
            row.quantity.into(),
            row.unit_price_minor.into(),
            serde_json::to_value(row.modifiers)?.into(),
            row.tax_rate_bp.into(),
            row.note.into(),
            row.at.into(),
            row.course.into(),
            row.seat.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// One change to a line's row, each a fixed `UPDATE`.
pub(crate) enum LineUpdate<'a> {
    /// What a waiter may change before the kitchen has it; `None` keeps.
    Changed {
        quantity: Option<i32>,
        /// `Some(None)` clears the note.
        note: Option<Option<String>>,
        modifiers: Option<&'a [ChosenModifier]>,
        course: Option<i32>,
        /// `Some(None)` clears the seat.
        seat: Option<Option<i32>>,
    },
    Voided {
        reason: Option<String>,
    },
    Discount(Option<&'a AppliedDiscount>),
    /// This many more went back on the shelf.
    Returned(i32),
}

/// Sets a ticket's or a line's discount columns (kind, value, reason) to
/// `discount`, or clears them.
fn set_discount<E: EntityTrait>(
    query: UpdateMany<E>,
    [kind, value, reason]: [E::Column; 3],
    discount: Option<&AppliedDiscount>,
) -> UpdateMany<E> {
    query
        .col_expr(
            kind,
            Expr::value(discount.map(|d| tickets::DiscountKind::from(d.kind))),
        )
        .col_expr(value, Expr::value(discount.map(|d| d.value)))
        .col_expr(reason, Expr::value(discount.and_then(|d| d.reason.clone())))
}

pub(crate) async fn update_line(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: LineId,
    change: LineUpdate<'_>,
) -> AppResult<()> {
    use lines::Column as C;
    let base = lines::Entity::update_many()
        .filter(C::TenantId.eq(tenant))
        .filter(C::Id.eq(id));
    let query = match change {
        LineUpdate::Changed {
            quantity,
            note,
            modifiers,
            course,
            seat,
        } => {
            let modifiers = modifiers.map(serde_json::to_value).transpose()?;
            base.apply_if(quantity, |q, n| q.col_expr(C::Quantity, Expr::value(n)))
                .apply_if(course, |q, c| q.col_expr(C::Course, Expr::value(c)))
                .apply_if(seat, |q, s| q.col_expr(C::Seat, Expr::value(s)))
                .apply_if(note, |q, n| q.col_expr(C::Note, Expr::value(n)))
                .apply_if(modifiers, |q, m| q.col_expr(C::Modifiers, Expr::value(m)))
        }
        LineUpdate::Voided { reason } => base
            .col_expr(C::Status, Expr::value(lines::LineStatus::Voided))
            .col_expr(C::VoidReason, Expr::value(reason)),
        LineUpdate::Discount(discount) => set_discount(
            base,
            [C::DiscountKind, C::DiscountValue, C::DiscountReason],
            discount,
        ),
        LineUpdate::Returned(n) => base.col_expr(C::Returned, Expr::col(C::Returned).add(n)),
    };
    query.exec(conn).await?;
    Ok(())
}

/// Marks lines as sent to the kitchen.
pub(crate) async fn mark_sent(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[LineId],
    at: DateTime<Utc>,
) -> AppResult<()> {
    lines::Entity::update_many()
        .filter(lines::Column::TenantId.eq(tenant))
        .filter(lines::Column::Id.is_in(ids.iter().copied()))
        .col_expr(lines::Column::SentAt, Expr::value(at))
        .exec(conn)
        .await?;
    Ok(())
}

/// Writes every line's computed amounts in one statement.
pub(crate) async fn write_line_amounts(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[LineId],
    amounts: &[LineOut],
) -> AppResult<()> {
    let pick = |f: fn(&LineOut) -> i64| amounts.iter().map(f).collect::<Vec<i64>>();
    conn.execute_raw(sql(
        "UPDATE pos_ticket_lines l SET gross_minor = v.gross, discount_minor = v.discount,
           net_minor = v.net, tax_minor = v.tax
         FROM unnest($2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
           AS v(id, gross, discount, net, tax)
         WHERE l.tenant_id = $1 AND l.id = v.id",
        [
            tenant.as_uuid().into(),
            LineId::uuids(ids).into(),
            pick(|l| l.gross).into(),
            pick(|l| l.discount).into(),
            pick(|l| l.net).into(),
            pick(|l| l.tax).into(),
        ],
    ))
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- the menu, as a line sells it

#[derive(FromQueryResult)]
pub(crate) struct ItemForSale {
    pub sku: String,
    pub name: String,
    pub currency: String,
    pub price_minor: i64,
    pub tax_rate_bp: i32,
    pub active: bool,
    pub sold_out: bool,
    /// Sold out at this location.
    pub sold_out_here: bool,
}

pub(crate) async fn item_for_sale(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: MenuItemId,
    location: LocationId,
) -> AppResult<Option<ItemForSale>> {
    Ok(ItemForSale::find_by_statement(sql(
        "SELECT i.sku, i.name, i.currency, i.price_minor, i.tax_rate_bp, i.active, i.sold_out,
                COALESCE((SELECT sold_out FROM menu_item_locations
                          WHERE tenant_id = $1 AND item_id = i.id AND location_id = $3), false) AS sold_out_here
         FROM menu_items i WHERE i.tenant_id = $1 AND i.id = $2 AND i.deleted_at IS NULL",
        [
            tenant.as_uuid().into(),
            item.as_uuid().into(),
            location.as_uuid().into(),
        ],
    ))
    .one(conn)
    .await?)
}

/// The variant's name and price difference, when it is one of `item`'s.
pub(crate) async fn variant_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: MenuItemId,
    variant: VariantId,
) -> AppResult<Option<(String, i64)>> {
    use entities::menu_item_variants::{Column, Entity};
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.eq(variant))
        .filter(Column::ItemId.eq(item))
        .one(conn)
        .await?
        .map(|v| (v.name, v.price_delta_minor)))
}

/// A modifier offered on an item, with its group's limits.
#[derive(FromQueryResult)]
pub(crate) struct Offered {
    pub modifier_id: ModifierId,
    pub group_id: ModifierGroupId,
    pub group_name: String,
    pub name: String,
    pub price_delta_minor: i64,
    pub min_select: i32,
    pub max_select: i32,
}

pub(crate) async fn modifiers_offered(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: MenuItemId,
) -> AppResult<Vec<Offered>> {
    Ok(Offered::find_by_statement(sql(
        "SELECT m.id AS modifier_id, g.id AS group_id, g.name AS group_name, m.name, m.price_delta_minor,
                g.min_select, g.max_select
         FROM menu_item_modifier_groups ig
         JOIN modifier_groups g ON g.tenant_id = ig.tenant_id AND g.id = ig.group_id
         JOIN modifiers m ON m.tenant_id = g.tenant_id AND m.group_id = g.id
         WHERE ig.tenant_id = $1 AND ig.item_id = $2",
        [tenant.as_uuid().into(), item.as_uuid().into()],
    ))
    .all(conn)
    .await?)
}

// ---------------------------------------------------------------- receipts

#[derive(FromQueryResult)]
pub(crate) struct ReceiptNames {
    pub business: String,
    pub location: String,
}

/// The business's and the location's names, for a receipt's header.
pub(crate) async fn receipt_names(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    location: LocationId,
) -> AppResult<Option<ReceiptNames>> {
    Ok(ReceiptNames::find_by_statement(sql(
        "SELECT t.name AS business, l.name AS location FROM tenants t JOIN locations l ON l.tenant_id = t.id
         WHERE t.id = $1 AND l.id = $2",
        [tenant.as_uuid().into(), location.as_uuid().into()],
    ))
    .one(conn)
    .await?)
}

/// Moves `lines` to ticket `to`, after its own lines, in their order.
pub(crate) async fn move_lines(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    lines: &[LineId],
    to: TicketId,
) -> AppResult<()> {
    let ids: Vec<uuid::Uuid> = lines.iter().map(|l| l.as_uuid()).collect();
    conn.execute_raw(sql(
        "UPDATE pos_ticket_lines l SET ticket_id = $3, position = base.n + moved.n
         FROM (SELECT id, row_number() OVER (ORDER BY ticket_id, position) AS n
                 FROM pos_ticket_lines WHERE tenant_id = $1 AND id = ANY($2)) moved,
              (SELECT COALESCE(max(position), 0) AS n
                 FROM pos_ticket_lines WHERE tenant_id = $1 AND ticket_id = $3) base
         WHERE l.tenant_id = $1 AND l.id = moved.id",
        [tenant.as_uuid().into(), ids.into(), to.as_uuid().into()],
    ))
    .await?;
    Ok(())
}
