//! Every statement of the kitchen: stations, routing rules, kitchen items.

use super::pacing::Placement;
use super::{DiningOption, Hold, KitchenItem, KitchenStatus, Route, Station, TicketHead};
use crate::store_support;
use chrono::{DateTime, Utc};
use entities::kitchen_items as items;
use entities::kitchen_routes as routes;
use entities::kitchen_stations as stations;
use kernel::{AppResult, KitchenItemId, LocationId, StationId, TicketId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

pub(super) async fn station(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    id: StationId,
) -> AppResult<Option<Station>> {
    store_support::find::<stations::Entity, _>(conn, tenant, id).await
}

/// A location's stations (every location's when `None`), by name.
pub(super) async fn stations_of(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    location: Option<LocationId>,
) -> AppResult<Vec<Station>> {
    let mut query = stations::Entity::find().filter(stations::Column::TenantId.eq(tenant));
    if let Some(location) = location {
        query = query.filter(stations::Column::LocationId.eq(location));
    }
    Ok(query
        .order_by_asc(stations::Column::LocationId)
        .order_by_asc(stations::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(Station::from)
        .collect())
}

pub(super) async fn insert_station(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    station: &Station,
) -> AppResult<Station> {
    Ok(stations::Entity::insert(stations::ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        id: Set(station.id.as_uuid()),
        location_id: Set(station.location_id.as_uuid()),
        name: Set(station.name.clone()),
        is_expo: Set(station.is_expo),
        expo_mode: Set(station.expo_mode.into()),
        prep_target_secs: Set(station.prep_target_secs),
        warn_after_secs: Set(station.warn_after_secs),
        late_after_secs: Set(station.late_after_secs),
        active: Set(station.active),
        created_at: Set(station.created_at),
        updated_at: Set(station.updated_at),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// Writes every field of `station` over its row.
pub(super) async fn save_station(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    station: &Station,
) -> AppResult<Station> {
    let row = stations::Model {
        tenant_id: tenant.as_uuid(),
        id: station.id.as_uuid(),
        location_id: station.location_id.as_uuid(),
        name: station.name.clone(),
        is_expo: station.is_expo,
        expo_mode: station.expo_mode.into(),
        prep_target_secs: station.prep_target_secs,
        warn_after_secs: station.warn_after_secs,
        late_after_secs: station.late_after_secs,
        active: station.active,
        created_at: station.created_at,
        updated_at: station.updated_at,
    };
    Ok(store_support::overwrite::<stations::ActiveModel>(conn, row)
        .await?
        .into())
}

fn route_option(d: Option<DiningOption>) -> routes::RouteDiningOption {
    use routes::RouteDiningOption as R;
    match d {
        None => R::Any,
        Some(DiningOption::DineIn) => R::DineIn,
        Some(DiningOption::Takeout) => R::Takeout,
        Some(DiningOption::Delivery) => R::Delivery,
    }
}

fn dining_of(d: routes::RouteDiningOption) -> Option<DiningOption> {
    use routes::RouteDiningOption as R;
    match d {
        R::Any => None,
        R::DineIn => Some(DiningOption::DineIn),
        R::Takeout => Some(DiningOption::Takeout),
        R::Delivery => Some(DiningOption::Delivery),
    }
}

/// A location's rules (every location's when `None`), one per target and
/// dining option with its stations.
pub(super) async fn routes_of(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    location: Option<LocationId>,
) -> AppResult<Vec<Route>> {
    let mut query = routes::Entity::find().filter(routes::Column::TenantId.eq(tenant));
    if let Some(location) = location {
        query = query.filter(routes::Column::LocationId.eq(location));
    }
    let rows = query
        .order_by_asc(routes::Column::LocationId)
        .order_by_asc(routes::Column::TargetKind)
        .order_by_asc(routes::Column::TargetId)
        .order_by_asc(routes::Column::DiningOption)
        .order_by_asc(routes::Column::StationId)
        .all(conn)
        .await?;
    // Ordered by rule, then station: each rule's rows are consecutive.
    let mut rules: Vec<Route> = Vec::new();
    for r in rows {
        let rule = Route {
            location_id: r.location_id.into(),
            target: r.target_kind.into(),
            target_id: r.target_id,
            dining_option: dining_of(r.dining_option),
            station_ids: vec![r.station_id.into()],
        };
        match rules.last_mut() {
            Some(last)
                if last.location_id == rule.location_id
                    && last.target == rule.target
                    && last.target_id == rule.target_id
                    && last.dining_option == rule.dining_option =>
            {
                last.station_ids.extend(rule.station_ids);
            }
            _ => rules.push(rule),
        }
    }
    Ok(rules)
}

/// Replaces the stations of one rule.
pub(super) async fn replace_route(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    route: &Route,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let option = route_option(route.dining_option);
    let target: routes::TargetKind = route.target.into();
    routes::Entity::delete_many()
        .filter(routes::Column::TenantId.eq(tenant))
        .filter(routes::Column::LocationId.eq(route.location_id))
        .filter(routes::Column::TargetKind.eq(target))
        .filter(routes::Column::TargetId.eq(route.target_id))
        .filter(routes::Column::DiningOption.eq(option))
        .exec(conn)
        .await?;
    if route.station_ids.is_empty() {
        return Ok(());
    }
    routes::Entity::insert_many(route.station_ids.iter().map(|s| routes::ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        location_id: Set(route.location_id.as_uuid()),
        target_kind: Set(target),
        target_id: Set(route.target_id),
        dining_option: Set(option),
        station_id: Set(s.as_uuid()),
        created_at: Set(at),
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A kitchen item to insert, fired or held.
pub(super) struct Sent<'a> {
    pub id: KitchenItemId,
    pub location: LocationId,
    pub station: StationId,
    pub head: &'a TicketHead,
    pub line: &'a crate::pos::tickets::TicketLine,
    pub then_expo: bool,
    pub prep_secs: i32,
    pub paced: bool,
    pub placement: Placement,
    pub at: DateTime<Utc>,
}

pub(super) async fn insert_items(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    sent: &[Sent<'_>],
) -> AppResult<Vec<KitchenItem>> {
    if sent.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sent.iter().map(|f| {
        let (status, fired_at, hold, fire_at) = match f.placement {
            Placement::Fire => (items::KitchenStatus::Fired, Some(f.at), None, None),
            Placement::Hold { hold, fire_at } => {
                (items::KitchenStatus::Held, None, Some(hold.into()), fire_at)
            }
        };
        items::ActiveModel {
            tenant_id: Set(tenant.as_uuid()),
            id: Set(f.id.as_uuid()),
            location_id: Set(f.location.as_uuid()),
            station_id: Set(f.station.as_uuid()),
            ticket_id: Set(f.head.id.as_uuid()),
            line_id: Set(f.line.id.as_uuid()),
            ticket_number: Set(f.head.number),
            ticket_label: Set(f.head.label.clone()),
            dining_option: Set(f.head.dining_option.into()),
            name: Set(f.line.name.clone()),
            variant_name: Set(f.line.variant_name.clone()),
            modifiers: Set(f.line.modifiers.iter().map(|m| m.name.clone()).collect()),
            note: Set(f.line.note.clone()),
            quantity: Set(f.line.quantity),
            then_expo: Set(f.then_expo),
            status: Set(status),
            fired_at: Set(fired_at),
            started_at: Set(None),
            ready_at: Set(None),
            bumped_at: Set(None),
            recalled_at: Set(None),
            voided_at: Set(None),
            expo_bumped_at: Set(None),
            version: Set(1),
            course: Set(f.line.course),
            sent_at: Set(f.at),
            hold: Set(hold),
            fire_at: Set(fire_at),
            paced: Set(f.paced),
            prep_secs: Set(f.prep_secs),
        }
    });
    Ok(items::Entity::insert_many(rows)
        .exec_with_returning(conn)
        .await?
        .into_iter()
        .map(KitchenItem::from)
        .collect())
}

/// Items with their tickets' heads and locations.
pub(super) type Rows = Vec<(TicketHead, LocationId, KitchenItem)>;

fn split(rows: Vec<items::Model>) -> Rows {
    rows.into_iter().map(KitchenItem::split).collect()
}

/// One item, locked.
pub(super) async fn item_locked(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    id: KitchenItemId,
) -> AppResult<Option<(TicketHead, LocationId, KitchenItem)>> {
    Ok(items::Entity::find_by_id((tenant.as_uuid(), id.as_uuid()))
        .lock_exclusive()
        .one(conn)
        .await?
        .map(KitchenItem::split))
}

/// A ticket's items (on one station when given), locked, oldest first.
pub(super) async fn ticket_items_locked(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    ticket: TicketId,
    station: Option<StationId>,
) -> AppResult<Rows> {
    let mut query = items::Entity::find()
        .filter(items::Column::TenantId.eq(tenant))
        .filter(items::Column::TicketId.eq(ticket));
    if let Some(station) = station {
        query = query.filter(items::Column::StationId.eq(station));
    }
    Ok(split(
        query
            .order_by_asc(items::Column::SentAt)
            .order_by_asc(items::Column::Id)
            .lock_exclusive()
            .all(conn)
            .await?,
    ))
}

/// The items of the given lines that are still on a screen, locked.
pub(super) async fn live_items_of_lines(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    lines: &[Uuid],
) -> AppResult<Rows> {
    Ok(split(
        items::Entity::find()
            .filter(items::Column::TenantId.eq(tenant))
            .filter(items::Column::LineId.is_in(lines.iter().copied()))
            .filter(items::Column::Status.is_in([
                items::KitchenStatus::Held,
                items::KitchenStatus::Fired,
                items::KitchenStatus::Started,
                items::KitchenStatus::Ready,
                items::KitchenStatus::Recalled,
            ]))
            .lock_exclusive()
            .all(conn)
            .await?,
    ))
}

/// Every item of the tickets that have live work on `stations` (or that
/// expo waits for, with `expo`), oldest first: one statement per screen.
pub(super) async fn screen_items(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    station: StationId,
    expo_of: Option<LocationId>,
) -> AppResult<Rows> {
    let live = [
        items::KitchenStatus::Fired,
        items::KitchenStatus::Started,
        items::KitchenStatus::Ready,
        items::KitchenStatus::Recalled,
    ];
    // Live work, and voided work nobody has acknowledged (bumped) yet: a
    // void after firing shows, marked, until the screen bumps it.
    // What is coming (held) shows apart.
    let on_screen = items::Column::Status
        .is_in(live)
        .or(items::Column::Status.eq(items::KitchenStatus::Held))
        .or(items::Column::Status
            .eq(items::KitchenStatus::Voided)
            .and(items::Column::BumpedAt.is_null()));
    let mut query = items::Entity::find().filter(items::Column::TenantId.eq(tenant));
    query = match expo_of {
        // Expo: its own items, and the work stations send on that it has
        // not handed out yet.
        Some(location) => query.filter(
            items::Column::StationId
                .eq(station)
                .and(on_screen)
                .or(items::Column::LocationId
                    .eq(location)
                    .and(items::Column::ThenExpo.eq(true))
                    .and(items::Column::ExpoBumpedAt.is_null())),
        ),
        None => query
            .filter(items::Column::StationId.eq(station))
            .filter(on_screen),
    };
    Ok(split(
        query
            .order_by_asc(items::Column::SentAt)
            .order_by_asc(items::Column::Id)
            .limit(2000)
            .all(conn)
            .await?,
    ))
}

/// How an item's row changes.
pub(super) enum Move {
    To(KitchenStatus),
    /// A voided item bumped off a screen: seen, it stays voided.
    Acknowledged,
    /// Handed out at expo.
    ExpoBumped,
    /// Back on expo's screen.
    ExpoRecalled,
    /// Held until this time (a paced item of a released course).
    Delay(DateTime<Utc>),
}

/// Applies `change` to items `ids` at `at`, keeping the timings in order
/// (a bump stamps the ready and start times it skipped), bumping versions.
pub(super) async fn apply(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    ids: &[KitchenItemId],
    change: Move,
    at: DateTime<Utc>,
) -> AppResult<Vec<KitchenItem>> {
    use items::Column as C;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stamp = |col: C| -> sea_orm::sea_query::SimpleExpr {
        Func::coalesce([Expr::col(col), Expr::value(at)]).into()
    };
    let mut query = items::Entity::update_many()
        .filter(C::TenantId.eq(tenant))
        .filter(C::Id.is_in(ids.iter().map(|i| i.as_uuid())))
        .col_expr(C::Version, Expr::col(C::Version).add(1));
    query = match change {
        Move::To(status) => {
            let q = query.col_expr(C::Status, Expr::value(items::KitchenStatus::from(status)));
            match status {
                KitchenStatus::Started => q.col_expr(C::StartedAt, stamp(C::StartedAt)),
                KitchenStatus::Ready => q
                    .col_expr(C::StartedAt, stamp(C::StartedAt))
                    .col_expr(C::ReadyAt, Expr::value(at)),
                KitchenStatus::Bumped => q
                    .col_expr(C::StartedAt, stamp(C::StartedAt))
                    .col_expr(C::ReadyAt, stamp(C::ReadyAt))
                    .col_expr(C::BumpedAt, Expr::value(at)),
                // Back on the screen until bumped again (the recall's
                // time is kept; the next bump sets the bump time anew).
                KitchenStatus::Recalled => q
                    .col_expr(C::RecalledAt, Expr::value(at))
                    .col_expr(C::BumpedAt, Expr::value(Option::<DateTime<Utc>>::None)),
                KitchenStatus::Voided => q.col_expr(C::VoidedAt, Expr::value(at)),
                KitchenStatus::Fired => q.col_expr(C::FiredAt, Expr::value(at)),
                KitchenStatus::Held => q,
            }
        }
        Move::Acknowledged => query.col_expr(C::BumpedAt, Expr::value(at)),
        Move::ExpoBumped => query.col_expr(C::ExpoBumpedAt, Expr::value(at)),
        Move::ExpoRecalled => {
            query.col_expr(C::ExpoBumpedAt, Expr::value(Option::<DateTime<Utc>>::None))
        }
        Move::Delay(until) => query
            .col_expr(C::Hold, Expr::value(items::Hold::from(Hold::Time)))
            .col_expr(C::FireAt, Expr::value(until)),
    };
    Ok(query
        .exec_with_returning(conn)
        .await?
        .into_iter()
        .map(KitchenItem::from)
        .collect())
}

/// Held items due by now, on every tenant (a system transaction), claimed
/// so another replica's scheduler skips them; a few hundred a tick.
pub(super) async fn due_items(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Vec<(kernel::TenantId, TicketHead, KitchenItem)>> {
    Ok(items::Entity::find()
        .filter(items::Column::Status.eq(items::KitchenStatus::Held))
        .filter(items::Column::Hold.eq(items::Hold::Time))
        .filter(items::Column::FireAt.lte(now))
        .order_by_asc(items::Column::FireAt)
        .limit(500)
        .lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|m| {
            let tenant = kernel::TenantId(m.tenant_id);
            let (head, _, item) = KitchenItem::split(m);
            (tenant, head, item)
        })
        .collect())
}

/// Puts the kitchen items of `lines` under ticket `head` (its id, number and
/// label) as they are: nothing is fired again, nothing is lost.
pub(super) async fn retarget(
    conn: &impl ConnectionTrait,
    tenant: kernel::TenantId,
    lines: &[Uuid],
    head: &TicketHead,
) -> AppResult<Vec<KitchenItem>> {
    use items::Column as C;
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    Ok(items::Entity::update_many()
        .filter(C::TenantId.eq(tenant))
        .filter(C::LineId.is_in(lines.iter().copied()))
        .col_expr(C::TicketId, Expr::value(head.id.as_uuid()))
        .col_expr(C::TicketNumber, Expr::value(head.number))
        .col_expr(C::TicketLabel, Expr::value(head.label.clone()))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .exec_with_returning(conn)
        .await?
        .into_iter()
        .map(KitchenItem::from)
        .collect())
}
