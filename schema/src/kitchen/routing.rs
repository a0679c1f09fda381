//! Which stations a fired line goes to: rules on menu categories, items
//! and modifiers, per location, optionally for one dining option. Pure, so
//! the routing table is tested without a database; the result is frozen on
//! the kitchen items when a line is fired, so later edits move no work in
//! flight.
//!
//! For the line's item, the most specific rule wins, in this order: the
//! item's rule for the ticket's dining option, the item's rule for any,
//! the category's for the dining option, the category's for any. Children
//! inherit from their category until they have a rule of their own, and
//! a rule for a dining option overrides the one for any (a takeout order's
//! mains go to the pass, not the grill). Each chosen modifier with a rule
//! adds its stations (fries on the side reach the fryer). A station sends
//! its work on to expo, sends it to expo instead of itself, or skips expo.

use super::{DiningOption, ExpoMode, RouteTarget};
use kernel::StationId;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A routing rule: this target's lines go to `station`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub target: RouteTarget,
    pub target_id: Uuid,
    /// `None`: any dining option.
    pub dining_option: Option<DiningOption>,
    pub station: StationId,
}

/// What routing needs of a station.
#[derive(Debug, Clone)]
pub struct StationRoute {
    pub id: StationId,
    pub is_expo: bool,
    pub expo_mode: ExpoMode,
    pub active: bool,
}

/// What routing needs of a line.
#[derive(Debug, Clone)]
pub struct LineRoute {
    pub item: Uuid,
    pub category: Option<Uuid>,
    pub modifiers: Vec<Uuid>,
}

/// One station a line goes to, and whether expo sees it after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Routed {
    pub station: StationId,
    pub then_expo: bool,
}

/// The stations of the rules for (`target`, `id`): those for `dining`,
/// else those for any dining option.
fn rule_stations(
    rules: &[Rule],
    target: RouteTarget,
    id: Uuid,
    dining: DiningOption,
) -> Vec<StationId> {
    let of = |option: Option<DiningOption>| -> Vec<StationId> {
        rules
            .iter()
            .filter(|r| r.target == target && r.target_id == id && r.dining_option == option)
            .map(|r| r.station)
            .collect()
    };
    let exact = of(Some(dining));
    if exact.is_empty() { of(None) } else { exact }
}

/// The stations `line` goes to at a location with these `stations` and
/// `rules`, in a stable order; none when nothing routes it (retail items).
pub fn resolve(
    rules: &[Rule],
    stations: &[StationRoute],
    line: &LineRoute,
    dining: DiningOption,
) -> Vec<Routed> {
    let mut chosen = rule_stations(rules, RouteTarget::Item, line.item, dining);
    if chosen.is_empty()
        && let Some(category) = line.category
    {
        chosen = rule_stations(rules, RouteTarget::Category, category, dining);
    }
    for modifier in &line.modifiers {
        chosen.extend(rule_stations(
            rules,
            RouteTarget::Modifier,
            *modifier,
            dining,
        ));
    }
    let expo = stations
        .iter()
        .find(|s| s.is_expo && s.active)
        .map(|s| s.id);
    let mut routed: BTreeMap<StationId, bool> = BTreeMap::new();
    for id in chosen {
        let Some(station) = stations.iter().find(|s| s.id == id && s.active) else {
            continue;
        };
        let (target, then_expo) = match (station.is_expo, station.expo_mode, expo) {
            (true, _, _) => (station.id, false),
            (false, ExpoMode::ExpoOnly, Some(expo)) => (expo, false),
            (false, ExpoMode::SendToExpo, Some(_)) => (station.id, true),
            _ => (station.id, false),
        };
        let entry = routed.entry(target).or_insert(false);
        *entry |= then_expo;
    }
    routed
        .into_iter()
        .map(|(station, then_expo)| Routed { station, then_expo })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Kitchen {
        grill: StationId,
        fry: StationId,
        bar: StationId,
        pass: StationId,
        expo: StationId,
        stations: Vec<StationRoute>,
    }

    fn kitchen() -> Kitchen {
        let ids: Vec<StationId> = (0..5).map(|_| StationId::new()).collect();
        let station = |id, is_expo, expo_mode| StationRoute {
            id,
            is_expo,
            expo_mode,
            active: true,
        };
        Kitchen {
            grill: ids[0],
            fry: ids[1],
            bar: ids[2],
            pass: ids[3],
            expo: ids[4],
            stations: vec![
                station(ids[0], false, ExpoMode::SendToExpo),
                station(ids[1], false, ExpoMode::SendToExpo),
                station(ids[2], false, ExpoMode::SkipExpo),
                station(ids[3], false, ExpoMode::ExpoOnly),
                station(ids[4], true, ExpoMode::SkipExpo),
            ],
        }
    }

    fn rule(
        target: RouteTarget,
        id: Uuid,
        dining: Option<DiningOption>,
        station: StationId,
    ) -> Rule {
        Rule {
            target,
            target_id: id,
            dining_option: dining,
            station,
        }
    }

    fn stations_of(routed: &[Routed]) -> Vec<(StationId, bool)> {
        let mut v: Vec<_> = routed.iter().map(|r| (r.station, r.then_expo)).collect();
        v.sort();
        v
    }

    fn sorted(mut v: Vec<(StationId, bool)>) -> Vec<(StationId, bool)> {
        v.sort();
        v
    }

    #[test]
    fn the_routing_table() {
        use DiningOption::*;
        use RouteTarget::*;
        let k = kitchen();
        let (mains, drinks) = (Uuid::now_v7(), Uuid::now_v7());
        let (burger, steak, cola, salad) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let fries = Uuid::now_v7();
        let rules = vec![
            rule(Category, mains, None, k.grill),
            // A takeout main goes to the pass (which hands it to expo).
            rule(Category, mains, Some(Takeout), k.pass),
            rule(Category, drinks, None, k.bar),
            // The steak overrides its category: grill and fry (its chips).
            rule(Item, steak, None, k.grill),
            rule(Item, steak, None, k.fry),
            rule(Modifier, fries, None, k.fry),
        ];
        let line = |item, category, modifiers: Vec<Uuid>| LineRoute {
            item,
            category: Some(category),
            modifiers,
        };
        let go = |l: &LineRoute, d| stations_of(&resolve(&rules, &k.stations, l, d));

        // Inherited from the category; sent on to expo.
        assert_eq!(
            go(&line(burger, mains, vec![]), DineIn),
            vec![(k.grill, true)]
        );
        // A modifier adds its station.
        assert_eq!(
            go(&line(burger, mains, vec![fries]), DineIn),
            sorted(vec![(k.grill, true), (k.fry, true)])
        );
        // The item's own rules override its category's, one line on two stations.
        assert_eq!(
            go(&line(steak, mains, vec![]), DineIn),
            sorted(vec![(k.grill, true), (k.fry, true)])
        );
        // Rerouted by dining option: the pass is expo-only, so expo gets it.
        assert_eq!(
            go(&line(burger, mains, vec![]), Takeout),
            vec![(k.expo, false)]
        );
        // The item's rule for any dining option still beats the category's takeout rule.
        assert_eq!(
            go(&line(steak, mains, vec![]), Takeout),
            sorted(vec![(k.grill, true), (k.fry, true)])
        );
        // Skip expo: the bar's drinks never reach expo.
        assert_eq!(
            go(&line(cola, drinks, vec![]), Delivery),
            vec![(k.bar, false)]
        );
        // Nothing routes a salad with no rule anywhere.
        assert!(go(&line(salad, Uuid::now_v7(), vec![]), DineIn).is_empty());
    }

    #[test]
    fn without_an_expo_station_nothing_waits_for_one() {
        let mut k = kitchen();
        k.stations.retain(|s| !s.is_expo);
        let mains = Uuid::now_v7();
        let rules = vec![
            rule(RouteTarget::Category, mains, None, k.grill),
            rule(
                RouteTarget::Category,
                mains,
                Some(DiningOption::Takeout),
                k.pass,
            ),
        ];
        let l = LineRoute {
            item: Uuid::now_v7(),
            category: Some(mains),
            modifiers: vec![],
        };
        assert_eq!(
            stations_of(&resolve(&rules, &k.stations, &l, DiningOption::DineIn)),
            vec![(k.grill, false)]
        );
        assert_eq!(
            stations_of(&resolve(&rules, &k.stations, &l, DiningOption::Takeout)),
            vec![(k.pass, false)]
        );
    }

    #[test]
    fn a_closed_station_takes_no_work() {
        let mut k = kitchen();
        k.stations[0].active = false;
        let mains = Uuid::now_v7();
        let rules = vec![rule(RouteTarget::Category, mains, None, k.grill)];
        let l = LineRoute {
            item: Uuid::now_v7(),
            category: Some(mains),
            modifiers: vec![],
        };
        assert!(resolve(&rules, &k.stations, &l, DiningOption::DineIn).is_empty());
    }
}
