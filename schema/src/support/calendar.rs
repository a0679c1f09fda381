//! The operator's business hours: when SLA clocks count. Weekly opening
//! intervals in one IANA zone, minus holidays; the arithmetic walks local
//! days, so a day of 23 or 25 hours counts the hours the desk was open.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use kernel::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How far ahead a due time is looked for: beyond this, a calendar with
/// nearly no open hours is refused rather than looped over.
const HORIZON_DAYS: i64 = 3 * 366;

/// One opening interval of a weekday, in minutes after local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    /// ISO weekday: Monday 1 ... Sunday 7.
    pub weekday: u8,
    pub opens: u16,
    pub closes: u16,
}

#[derive(Debug, Clone)]
pub struct Calendar {
    zone: Tz,
    /// Index 0 is Monday; intervals sorted and disjoint.
    week: [Vec<(u16, u16)>; 7],
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Checks and builds a calendar: a known zone, intervals within the day,
    /// opening before closing, no overlaps, and at least one open hour a week.
    pub fn new(zone: &str, openings: &[Opening], holidays: &[NaiveDate]) -> AppResult<Self> {
        let zone: Tz = zone
            .parse()
            .map_err(|_| AppError::invalid_field("timeZone", "is not an IANA time zone"))?;
        let mut week: [Vec<(u16, u16)>; 7] = Default::default();
        for o in openings {
            if !(1..=7).contains(&o.weekday) || o.opens >= o.closes || o.closes > 24 * 60 {
                return Err(AppError::invalid_field(
                    "hours",
                    "each opening is a weekday 1-7 and opens before it closes, within the day",
                ));
            }
            week[usize::from(o.weekday - 1)].push((o.opens, o.closes));
        }
        for day in &mut week {
            day.sort_unstable();
            if day.windows(2).any(|w| w[0].1 > w[1].0) {
                return Err(AppError::invalid_field(
                    "hours",
                    "openings of one day overlap",
                ));
            }
        }
        if week.iter().all(Vec::is_empty) {
            return Err(AppError::invalid_field(
                "hours",
                "the desk must open at least once a week",
            ));
        }
        Ok(Self {
            zone,
            week,
            holidays: holidays.iter().copied().collect(),
        })
    }

    /// The instants, in UTC, the desk is open on local `day`.
    fn open_on(&self, day: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&day) {
            return Vec::new();
        }
        let index = usize::try_from(day.weekday().number_from_monday() - 1).unwrap_or(0);
        self.week[index]
            .iter()
            .map(|&(opens, closes)| (self.instant(day, opens), self.instant(day, closes)))
            .filter(|(a, b)| a < b)
            .collect()
    }

    /// Local `day` at `minute` after midnight, in UTC. A time the clocks skip
    /// (spring forward) moves to the first instant after the gap; a time that
    /// happens twice (fall back) is its first occurrence.
    fn instant(&self, day: NaiveDate, minute: u16) -> DateTime<Utc> {
        let midnight = day.and_time(NaiveTime::MIN);
        let local = midnight + Duration::minutes(i64::from(minute));
        let mut probe = local;
        for _ in 0..=180 {
            if let Some(at) = self.zone.from_local_datetime(&probe).earliest() {
                return at.with_timezone(&Utc);
            }
            probe += Duration::minutes(1);
        }
        // No zone skips three hours; fall back to reading the time as UTC.
        Utc.from_utc_datetime(&local)
    }

    fn local_day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// Business seconds between `from` and `to` (zero when `to <= from`).
    pub fn seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut day = self.local_day(from) - Duration::days(1);
        let last = self.local_day(to) + Duration::days(1);
        while day <= last {
            for (opens, closes) in self.open_on(day) {
                let start = opens.max(from);
                let end = closes.min(to);
                if end > start {
                    total += (end - start).num_seconds();
                }
            }
            day += Duration::days(1);
        }
        total
    }

    /// The instant `seconds` business seconds after `from`; `from` itself
    /// when `seconds <= 0`.
    pub fn add(&self, from: DateTime<Utc>, seconds: i64) -> AppResult<DateTime<Utc>> {
        if seconds <= 0 {
            return Ok(from);
        }
        let mut left = seconds;
        let first = self.local_day(from) - Duration::days(1);
        for offset in 0..HORIZON_DAYS {
            for (opens, closes) in self.open_on(first + Duration::days(offset)) {
                let start = opens.max(from);
                if closes <= start {
                    continue;
                }
                let available = (closes - start).num_seconds();
                if left <= available {
                    return Ok(start + Duration::seconds(left));
                }
                left -= available;
            }
        }
        Err(AppError::validation(
            "the support calendar has too few open hours to reach this target",
        ))
    }
}

/// What the calendar's and the clocks' unit tests share.
#[cfg(test)]
#[allow(clippy::expect_used)]
pub(crate) mod fixtures {
    use super::*;

    pub(crate) fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("an instant")
            .with_timezone(&Utc)
    }

    /// Monday to Friday, 09:00-17:00.
    pub(crate) fn office(zone: &str, holidays: &[NaiveDate]) -> Calendar {
        let openings: Vec<Opening> = (1..=5)
            .map(|weekday| Opening {
                weekday,
                opens: 9 * 60,
                closes: 17 * 60,
            })
            .collect();
        Calendar::new(zone, &openings, holidays).expect("a calendar")
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::fixtures::{at, office};
    use super::*;

    #[test]
    fn time_counts_only_while_the_desk_is_open() {
        let cal = office("UTC", &[]);
        // Friday 16:00 + 2 business hours = Monday 10:00.
        let due = cal.add(at("2027-01-08T16:00:00Z"), 2 * 3600).expect("due");
        assert_eq!(due, at("2027-01-11T10:00:00Z"));
        assert_eq!(
            cal.seconds_between(at("2027-01-08T16:00:00Z"), at("2027-01-11T10:00:00Z")),
            2 * 3600
        );
        // Opened on Saturday: the clock starts Monday 09:00.
        let due = cal.add(at("2027-01-09T12:00:00Z"), 60).expect("due");
        assert_eq!(due, at("2027-01-11T09:01:00Z"));
        // An exact close lands on the close, not the next opening.
        let due = cal.add(at("2027-01-11T09:00:00Z"), 8 * 3600).expect("due");
        assert_eq!(due, at("2027-01-11T17:00:00Z"));
    }

    #[test]
    fn holidays_are_closed_days() {
        let holiday = NaiveDate::from_ymd_opt(2027, 1, 11).expect("a date");
        let cal = office("UTC", &[holiday]);
        let due = cal.add(at("2027-01-08T16:00:00Z"), 2 * 3600).expect("due");
        assert_eq!(due, at("2027-01-12T10:00:00Z"));
    }

    #[test]
    fn local_hours_hold_across_daylight_saving_changes() {
        let cal = office("Europe/Paris", &[]);
        // Friday 26 March 2027 16:00 Paris (15:00Z, CET). Summer time starts
        // on Sunday 28 March; Monday 09:00 Paris is 07:00Z.
        let due = cal.add(at("2027-03-26T15:00:00Z"), 2 * 3600).expect("due");
        assert_eq!(due, at("2027-03-29T08:00:00Z"));
        // Over the short weekend only the two open hours count.
        assert_eq!(
            cal.seconds_between(at("2027-03-26T15:00:00Z"), at("2027-03-29T08:00:00Z")),
            2 * 3600
        );
        // A desk open around the clock on a 25-hour day counts 25 hours.
        let always: Vec<Opening> = (1..=7)
            .map(|weekday| Opening {
                weekday,
                opens: 0,
                closes: 24 * 60,
            })
            .collect();
        let cal = Calendar::new("Europe/Paris", &always, &[]).expect("a calendar");
        // 31 October 2027, Paris: 00:00 CEST (22:00Z the day before) to
        // 00:00 CET (23:00Z).
        assert_eq!(
            cal.seconds_between(at("2027-10-30T22:00:00Z"), at("2027-10-31T23:00:00Z")),
            25 * 3600
        );
        assert_eq!(
            cal.seconds_between(at("2027-03-27T23:00:00Z"), at("2027-03-28T22:00:00Z")),
            23 * 3600
        );
    }

    #[test]
    fn bad_calendars_are_refused() {
        let open = |weekday, opens, closes| Opening {
            weekday,
            opens,
            closes,
        };
        assert!(Calendar::new("Mars/Olympus", &[open(1, 0, 60)], &[]).is_err());
        assert!(Calendar::new("UTC", &[], &[]).is_err());
        assert!(Calendar::new("UTC", &[open(8, 0, 60)], &[]).is_err());
        assert!(Calendar::new("UTC", &[open(1, 60, 60)], &[]).is_err());
        assert!(Calendar::new("UTC", &[open(1, 0, 1441)], &[]).is_err());
        assert!(Calendar::new("UTC", &[open(1, 0, 120), open(1, 60, 180)], &[]).is_err());
        // One open minute a week: a target beyond the horizon is refused,
        // never looped over forever.
        let cal = Calendar::new("UTC", &[open(1, 0, 1)], &[]).expect("a calendar");
        assert!(cal.add(at("2027-01-01T00:00:00Z"), 10_000 * 60).is_err());
    }
}
