//! Courses and pacing. A ticket's lines carry a course; when the ticket is
//! sent, a course is held while an earlier course is still in the kitchen
//! (fired automatically once every item of the courses before it is bumped,
//! handed out at expo or voided), until a time, or until someone fires it
//! (`fireCourse`). Sent with `fireByPrepTime`, the items of a course that
//! fire together are spread so they finish together: the slowest at once,
//! each other one its prep time minus theirs later. Held items are routed
//! when sent and frozen like the rest; the scheduler fires timed ones.
//!
//! `place` and `spread` are the rules, pure and table-tested; the rest
//! applies them.

use super::fire::announce;
use super::store::{self, Move};
use super::{Hold, KitchenItem, KitchenStatus, TicketHead};
use chrono::{DateTime, Duration, Utc};
use kernel::{AppError, AppResult, Db, KitchenItemId, RequestContext, TenantId, TicketId};
use sea_orm::ConnectionTrait;
use serde::Deserialize;
use std::collections::BTreeMap;

/// How long ahead a course may be timed.
pub const MAX_DELAY_HOURS: i64 = 24;

/// How one course of a ticket being sent is held.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CourseTimingInput")]
#[schema(as = CourseTimingBody)]
#[serde(rename_all = "camelCase")]
pub struct CourseTiming {
    /// 1 to 9.
    pub course: i32,
    /// `COURSE` (what a course does when not named here: held while an
    /// earlier course is in the kitchen), `TIME` (until `fireAt`) or `HAND`
    /// (until `fireCourse`).
    pub hold: Hold,
    /// With `TIME` only: when, within the next 24 hours.
    pub fire_at: Option<DateTime<Utc>>,
}

/// Checks a send's course timings against the clock.
pub(crate) fn check_timings(timings: &[CourseTiming], now: DateTime<Utc>) -> AppResult<()> {
    let mut seen = std::collections::BTreeSet::new();
    for t in timings {
        crate::pos::tickets::check_course(t.course)?;
        if !seen.insert(t.course) {
            return Err(AppError::invalid_field(
                "courses",
                format!("course {} is timed twice", t.course),
            ));
        }
        match (t.hold, t.fire_at) {
            (Hold::Time, None) => {
                return Err(AppError::invalid_field(
                    "fireAt",
                    "is required to hold a course until a time",
                ));
            }
            (Hold::Time, Some(at)) if at <= now || at > now + Duration::hours(MAX_DELAY_HOURS) => {
                return Err(AppError::invalid_field(
                    "fireAt",
                    format!("must be in the next {MAX_DELAY_HOURS} hours"),
                ));
            }
            (Hold::Course | Hold::Hand, Some(_)) => {
                return Err(AppError::invalid_field(
                    "fireAt",
                    "is only for a course held until a time",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// What the ticket's kitchen already has of a course.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CourseState {
    /// Some of it was fired (and not voided).
    pub fired: bool,
    /// Some of it is held or still in the kitchen.
    pub open: bool,
}

/// Where a new item goes: fired now, or held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Fire,
    Hold {
        hold: Hold,
        fire_at: Option<DateTime<Utc>>,
    },
}

/// An item being sent: its course and prep time.
#[derive(Debug, Clone, Copy)]
pub struct Sending {
    pub course: i32,
    pub prep_secs: i32,
}

/// Places the items being sent (in order), given what the ticket's kitchen
/// already has per course, the timings asked for and whether to pace.
pub fn place(
    existing: &BTreeMap<i32, CourseState>,
    sending: &[Sending],
    timings: &[CourseTiming],
    pace: bool,
    now: DateTime<Utc>,
) -> Vec<Placement> {
    let open_before = |course: i32| {
        existing.range(..course).any(|(_, s)| s.open) || sending.iter().any(|s| s.course < course)
    };
    let course_placement = |course: i32| -> Placement {
        let timing = timings.iter().find(|t| t.course == course);
        match timing.map(|t| (t.hold, t.fire_at)) {
            Some((Hold::Hand, _)) => Placement::Hold {
                hold: Hold::Hand,
                fire_at: None,
            },
            Some((Hold::Time, at)) => Placement::Hold {
                hold: Hold::Time,
                fire_at: at,
            },
            // Part of the course is cooking already: the rest joins it.
            _ if existing.get(&course).is_some_and(|s| s.fired) => Placement::Fire,
            _ if open_before(course) => Placement::Hold {
                hold: Hold::Course,
                fire_at: None,
            },
            _ => Placement::Fire,
        }
    };
    let mut placed: Vec<Placement> = sending.iter().map(|s| course_placement(s.course)).collect();
    if pace {
        // Spread each course's items that fire now, or at one time.
        let courses: std::collections::BTreeSet<i32> = sending.iter().map(|s| s.course).collect();
        for course in courses {
            let members: Vec<usize> = (0..sending.len())
                .filter(|i| sending[*i].course == course)
                .collect();
            let start = match placed[members[0]] {
                Placement::Fire => now,
                Placement::Hold {
                    hold: Hold::Time,
                    fire_at: Some(at),
                } => at,
                // Spread when it is released.
                Placement::Hold { .. } => continue,
            };
            let preps: Vec<i32> = members.iter().map(|i| sending[*i].prep_secs).collect();
            for (i, at) in members.iter().zip(spread(&preps, start)) {
                placed[*i] = if at <= now {
                    Placement::Fire
                } else {
                    Placement::Hold {
                        hold: Hold::Time,
                        fire_at: Some(at),
                    }
                };
            }
        }
    }
    placed
}

/// When each of a group of items starts so all finish together: the
/// slowest at `start`, each other one its prep time minus theirs later.
pub fn spread(preps: &[i32], start: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let slowest = preps.iter().copied().max().unwrap_or(0);
    preps
        .iter()
        .map(|p| start + Duration::seconds(i64::from(slowest - p)))
        .collect()
}

/// Done, as far as the next course is concerned: voided, handed out at
/// expo, or bumped where expo does not wait for it.
fn done(item: &KitchenItem) -> bool {
    item.status == KitchenStatus::Voided
        || item.expo_bumped_at.is_some()
        || (item.status == KitchenStatus::Bumped && !item.then_expo)
}

/// What a ticket's kitchen has, per course.
pub(super) fn courses_of(items: &[&KitchenItem]) -> BTreeMap<i32, CourseState> {
    let mut courses: BTreeMap<i32, CourseState> = BTreeMap::new();
    for item in items {
        let state = courses.entry(item.course).or_default();
        state.fired |= item.fired_at.is_some() && item.status != KitchenStatus::Voided;
        state.open |= !done(item);
    }
    courses
}

/// Fires `group` (held items of one ticket) now, spread by prep time when
/// they were sent paced; announces what changed.
async fn release(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    head: &TicketHead,
    group: &[&KitchenItem],
    now: DateTime<Utc>,
) -> AppResult<Vec<KitchenItem>> {
    let paced: Vec<&KitchenItem> = group.iter().copied().filter(|i| i.paced).collect();
    let preps: Vec<i32> = paced.iter().map(|i| i.prep_secs).collect();
    let mut later: BTreeMap<DateTime<Utc>, Vec<KitchenItemId>> = BTreeMap::new();
    for (item, at) in paced.iter().zip(spread(&preps, now)) {
        if at > now {
            later.entry(at).or_default().push(item.id);
        }
    }
    let delayed: Vec<KitchenItemId> = later.values().flatten().copied().collect();
    let now_ids: Vec<KitchenItemId> = group
        .iter()
        .map(|i| i.id)
        .filter(|id| !delayed.contains(id))
        .collect();
    let mut changed =
        store::apply(conn, tenant, &now_ids, Move::To(KitchenStatus::Fired), now).await?;
    for (at, ids) in later {
        changed.extend(store::apply(conn, tenant, &ids, Move::Delay(at), now).await?);
    }
    if !changed.is_empty() {
        announce(conn, tenant, "kitchen.items.fired", head, &changed).await?;
    }
    Ok(changed)
}

/// Fires the next course of `ticket` when it waits only for the courses
/// before it and they are done (after a bump, a hand-out or a void).
pub(super) async fn advance(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: TicketId,
    now: DateTime<Utc>,
) -> AppResult<Vec<KitchenItem>> {
    let rows = store::ticket_items_locked(conn, tenant, ticket, None).await?;
    let Some((head, _, _)) = rows.first() else {
        return Ok(Vec::new());
    };
    let items: Vec<&KitchenItem> = rows.iter().map(|(_, _, i)| i).collect();
    let waiting =
        |i: &&&KitchenItem| i.status == KitchenStatus::Held && i.hold == Some(Hold::Course);
    let Some(next) = items.iter().filter(waiting).map(|i| i.course).min() else {
        return Ok(Vec::new());
    };
    if !items.iter().filter(|i| i.course < next).all(|i| done(i)) {
        return Ok(Vec::new());
    }
    let group: Vec<&KitchenItem> = items
        .iter()
        .filter(waiting)
        .filter(|i| i.course == next)
        .copied()
        .collect();
    release(conn, tenant, &head.clone(), &group, now).await
}

/// Fires whatever of `course` is held on `ticket`, whatever it waits for:
/// the server fires the mains. `CONFLICT` when nothing of it is held.
pub(crate) async fn fire_course(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: TicketId,
    course: i32,
    now: DateTime<Utc>,
) -> AppResult<Vec<KitchenItem>> {
    let rows = store::ticket_items_locked(conn, tenant, ticket, None).await?;
    let group: Vec<&KitchenItem> = rows
        .iter()
        .map(|(_, _, i)| i)
        .filter(|i| i.status == KitchenStatus::Held && i.course == course)
        .collect();
    let Some((head, _, _)) = rows.first().filter(|_| !group.is_empty()) else {
        return Err(AppError::conflict(format!(
            "nothing of course {course} is held in the kitchen"
        )));
    };
    release(conn, tenant, &head.clone(), &group, now).await
}

/// The scheduler's part: fires every held item whose time has come, on
/// every tenant, each claimed with `SKIP LOCKED` and fired in the
/// transaction that records its event. Answers how many it fired.
pub async fn fire_due(db: &Db, ctx: &RequestContext) -> AppResult<usize> {
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let due = store::due_items(&tx, now).await?;
    let mut fired = 0;
    let mut by_ticket: BTreeMap<(TenantId, TicketId), (TicketHead, Vec<KitchenItemId>)> =
        BTreeMap::new();
    for (tenant, head, item) in due {
        by_ticket
            .entry((tenant, head.id))
            .or_insert_with(|| (head, Vec::new()))
            .1
            .push(item.id);
    }
    for ((tenant, _), (head, ids)) in by_ticket {
        let changed = store::apply(&tx, tenant, &ids, Move::To(KitchenStatus::Fired), now).await?;
        fired += changed.len();
        announce(&tx, tenant, "kitchen.items.fired", &head, &changed).await?;
    }
    tx.commit().await?;
    Ok(fired)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(1_800_000_000 + secs)
    }

    fn sending(items: &[(i32, i32)]) -> Vec<Sending> {
        items
            .iter()
            .map(|(course, prep_secs)| Sending {
                course: *course,
                prep_secs: *prep_secs,
            })
            .collect()
    }

    const COURSE: Placement = Placement::Hold {
        hold: Hold::Course,
        fire_at: None,
    };

    fn timed(secs: i64) -> Placement {
        Placement::Hold {
            hold: Hold::Time,
            fire_at: Some(at(secs)),
        }
    }

    #[test]
    fn a_later_course_waits_for_the_earlier_one() {
        let none = BTreeMap::new();
        let placed = place(
            &none,
            &sending(&[(1, 300), (2, 600), (3, 60)]),
            &[],
            false,
            at(0),
        );
        assert_eq!(placed, vec![Placement::Fire, COURSE, COURSE]);
        // Sent alone, with nothing earlier in the kitchen, course 2 fires.
        assert_eq!(
            place(&none, &sending(&[(2, 600)]), &[], false, at(0)),
            vec![Placement::Fire]
        );
    }

    #[test]
    fn what_the_kitchen_has_decides_for_a_later_send() {
        let mut existing = BTreeMap::new();
        existing.insert(
            1,
            CourseState {
                fired: true,
                open: true,
            },
        );
        // Mains added while starters cook wait; another starter joins them.
        assert_eq!(
            place(&existing, &sending(&[(2, 600), (1, 60)]), &[], false, at(0)),
            vec![COURSE, Placement::Fire]
        );
        // Starters done: dessert fires at once.
        existing.insert(
            1,
            CourseState {
                fired: true,
                open: false,
            },
        );
        assert_eq!(
            place(&existing, &sending(&[(3, 60)]), &[], false, at(0)),
            vec![Placement::Fire]
        );
        // Mains already fired by hand while starters cook: a late main joins.
        existing.insert(
            1,
            CourseState {
                fired: true,
                open: true,
            },
        );
        existing.insert(
            2,
            CourseState {
                fired: true,
                open: true,
            },
        );
        assert_eq!(
            place(&existing, &sending(&[(2, 600)]), &[], false, at(0)),
            vec![Placement::Fire]
        );
    }

    #[test]
    fn timings_hold_a_course_by_hand_or_until_a_time() {
        let none = BTreeMap::new();
        let timings = [
            CourseTiming {
                course: 1,
                hold: Hold::Hand,
                fire_at: None,
            },
            CourseTiming {
                course: 2,
                hold: Hold::Time,
                fire_at: Some(at(900)),
            },
        ];
        let placed = place(
            &none,
            &sending(&[(1, 300), (2, 600)]),
            &timings,
            false,
            at(0),
        );
        assert_eq!(
            placed,
            vec![
                Placement::Hold {
                    hold: Hold::Hand,
                    fire_at: None
                },
                timed(900)
            ]
        );
    }

    #[test]
    fn pacing_starts_the_slowest_first_so_all_finish_together() {
        let none = BTreeMap::new();
        // Steak 12 min, fries 5, salad 3: the steak now, fries after 7
        // minutes, salad after 9; all ready at 12.
        let placed = place(
            &none,
            &sending(&[(1, 720), (1, 300), (1, 180)]),
            &[],
            true,
            at(0),
        );
        assert_eq!(placed, vec![Placement::Fire, timed(420), timed(540)]);
        // A timed course is spread from its time; a course held for the
        // previous one is spread when it is released.
        let timings = [CourseTiming {
            course: 1,
            hold: Hold::Time,
            fire_at: Some(at(600)),
        }];
        let placed = place(
            &none,
            &sending(&[(1, 300), (1, 600), (2, 60), (2, 30)]),
            &timings,
            true,
            at(0),
        );
        assert_eq!(placed, vec![timed(900), timed(600), COURSE, COURSE]);
        assert_eq!(spread(&[60, 30], at(0)), vec![at(0), at(30)]);
    }

    #[test]
    fn timings_are_checked() {
        let now = at(0);
        let t = |course, hold, fire_at| CourseTiming {
            course,
            hold,
            fire_at,
        };
        assert!(check_timings(&[t(2, Hold::Time, Some(at(60)))], now).is_ok());
        for bad in [
            vec![t(0, Hold::Hand, None)],
            vec![t(10, Hold::Hand, None)],
            vec![t(2, Hold::Time, None)],
            vec![t(2, Hold::Time, Some(at(-1)))],
            vec![t(2, Hold::Time, Some(at(25 * 3600)))],
            vec![t(2, Hold::Hand, Some(at(60)))],
            vec![t(2, Hold::Hand, None), t(2, Hold::Course, None)],
        ] {
            let code = check_timings(&bad, now).err().map(|e| e.code());
            assert_eq!(code, Some(kernel::ErrorCode::Validation), "{bad:?}");
        }
    }
}
