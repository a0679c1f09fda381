//! A ticket's lines: add one (priced from the menu, checked against it),
//! change one the kitchen has not seen, void one.

use super::change::{begin_change, reprice, ticket_event};
use super::store::{self, LineUpdate, NewLineRow};
use super::{ChosenModifier, LinePatch, LineStatus, LineVoid, NewLine, Ticket, TicketLine};
use crate::command::Unit;
use crate::pos::{VOID, WRITE, check_text};
use kernel::{
    AppError, AppResult, Db, LineId, LocationId, MenuItemId, ModifierGroupId, ModifierId,
    RequestContext, TenantId, TicketId,
};
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::collections::{HashMap, HashSet};

fn check_quantity(quantity: i32) -> AppResult<i32> {
    if !(1..=999).contains(&quantity) {
        return Err(AppError::invalid_field(
            "quantity",
            "must be between 1 and 999",
        ));
    }
    Ok(quantity)
}

pub(crate) fn check_course(course: i32) -> AppResult<i32> {
    if !(1..=9).contains(&course) {
        return Err(AppError::invalid_field("course", "must be between 1 and 9"));
    }
    Ok(course)
}

fn check_seat(seat: Option<i32>) -> AppResult<Option<i32>> {
    if seat.is_some_and(|s| !(1..=99).contains(&s)) {
        return Err(AppError::invalid_field("seat", "must be between 1 and 99"));
    }
    Ok(seat)
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
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    location: LocationId,
    line: &NewLine,
) -> AppResult<Priced> {
    let item = store::item_for_sale(conn, tenant, line.menu_item_id, location)
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
        let (name, delta) = store::variant_of(conn, tenant, line.menu_item_id, variant)
            .await?
            .ok_or_else(|| AppError::invalid_field("variantId", "not a variant of this item"))?;
        unit += delta;
        variant_name = Some(name);
    }
    let modifiers = choose_modifiers(conn, tenant, line.menu_item_id, &line.modifier_ids).await?;
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
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: MenuItemId,
    chosen: &[ModifierId],
) -> AppResult<Vec<ChosenModifier>> {
    let mut seen = HashSet::new();
    for id in chosen {
        if !seen.insert(*id) {
            return Err(AppError::invalid_field(
                "modifierIds",
                "a modifier appears twice",
            ));
        }
    }
    let offered = store::modifiers_offered(conn, tenant, item).await?;
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
    let mut groups: HashMap<ModifierGroupId, (&str, i32, i32)> = HashMap::new();
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
    id: TicketId,
    line: NewLine,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    check_quantity(line.quantity)?;
    let course = check_course(line.course)?;
    let seat = check_seat(line.seat)?;
    let note = check_text("note", line.note.as_deref(), false)?;
    let mut ticket = begin_change(&*unit, unit.tenant, id, line.expected_version).await?;
    let priced = price_item(&*unit, unit.tenant, ticket.location_id, &line).await?;
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
        // The first line fixes the currency; the reprice writes it.
        None => ticket.currency = Some(priced.currency.clone()),
    }
    let line_id = LineId::new();
    store::insert_line(
        &*unit,
        NewLineRow {
            tenant: unit.tenant,
            id: line_id,
            ticket: id,
            menu_item: line.menu_item_id,
            variant: line.variant_id,
            sku: &priced.sku,
            name: &priced.name,
            variant_name: priced.variant_name.as_deref(),
            quantity: line.quantity,
            unit_price_minor: priced.unit_price_minor,
            modifiers: &priced.modifiers,
            tax_rate_bp: priced.tax_rate_bp,
            note,
            course,
            seat,
            at: unit.now(),
        },
    )
    .await?;
    let after = reprice(&*unit, unit.tenant, &ticket, unit.now()).await?;
    unit.commit_with(ticket_event(
        "pos.ticket.updated",
        &after,
        json!({ "change": "line_added", "lineId": line_id, "name": priced.name, "quantity": line.quantity }),
    ), after).await
}

/// The line of this ticket; `NOT_FOUND` otherwise.
pub(crate) async fn find_line(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: TicketId,
    line: LineId,
) -> AppResult<TicketLine> {
    store::lines_of(conn, tenant, &[ticket])
        .await?
        .into_iter()
        .find(|l| l.id == line)
        .ok_or_else(|| AppError::not_found("ticket line"))
}

/// Changes a line not yet sent to the kitchen (a sent line is voided instead).
pub async fn update_line(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: TicketId,
    line_id: LineId,
    patch: LinePatch,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    if let Some(q) = patch.quantity {
        check_quantity(q)?;
    }
    let course = patch.course.map(check_course).transpose()?;
    let seat = match patch.seat {
        async_graphql::MaybeUndefined::Undefined => None,
        async_graphql::MaybeUndefined::Null => Some(None),
        async_graphql::MaybeUndefined::Value(s) => Some(check_seat(Some(s))?),
    };
    let note = check_text("note", patch.note.as_deref(), false)?;
    let ticket = begin_change(&*unit, unit.tenant, ticket_id, patch.expected_version).await?;
    let line = find_line(&*unit, unit.tenant, ticket_id, line_id).await?;
    if line.status == LineStatus::Voided {
        return Err(AppError::conflict("the line is voided"));
    }
    if line.sent_at.is_some() {
        return Err(AppError::conflict(
            "the line went to the kitchen; void it and add a new one",
        ));
    }
    let modifiers = match &patch.modifier_ids {
        Some(ids) => Some(choose_modifiers(&*unit, unit.tenant, line.menu_item_id, ids).await?),
        None => None,
    };
    let change = LineUpdate::Changed {
        quantity: patch.quantity,
        note: patch.note.is_some().then_some(note),
        modifiers: modifiers.as_deref(),
        course,
        seat,
    };
    store::update_line(&*unit, unit.tenant, line_id, change).await?;
    let after = reprice(&*unit, unit.tenant, &ticket, unit.now()).await?;
    unit.commit_with(
        ticket_event(
            "pos.ticket.updated",
            &after,
            json!({ "change": "line_changed", "lineId": line_id }),
        ),
        after,
    )
    .await
}

/// Voids a line. Once the kitchen has it, that takes `pos.ticket.void`.
pub async fn void_line(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: TicketId,
    line_id: LineId,
    input: LineVoid,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let reason = check_text("reason", input.reason.as_deref(), false)?;
    let ticket = begin_change(&*unit, unit.tenant, ticket_id, input.expected_version).await?;
    let line = find_line(&*unit, unit.tenant, ticket_id, line_id).await?;
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
    let change = LineUpdate::Voided {
        reason: reason.clone(),
    };
    store::update_line(&*unit, unit.tenant, line_id, change).await?;
    if line.sent_at.is_some() {
        // Every station that has it shows it voided.
        crate::kitchen::fire::void_lines(&*unit, unit.tenant, &[line_id.as_uuid()], unit.now())
            .await?;
    }
    let after = reprice(&*unit, unit.tenant, &ticket, unit.now()).await?;
    unit.commit_with(ticket_event(
        "pos.ticket.updated",
        &after,
        json!({ "change": "line_voided", "lineId": line_id, "name": line.name, "quantity": line.quantity,
                "reason": reason, "wasSent": line.sent_at.is_some() }),
    ), after).await
}
