//! SLA clocks: first reply, next reply and resolution, counted in the
//! operator's business hours. What happens to a ticket moves its clocks;
//! the rules are here, in memory, and the store only loads and saves them.
//!
//! - Opening a ticket starts `first_reply` and `resolution`.
//! - The operator's public reply meets `first_reply` and a running
//!   `next_reply`; the business's next reply starts a fresh `next_reply`.
//! - `pending` (waiting on the business) pauses every running clock; leaving
//!   it resumes them. `solved` stops them; reopening resumes `resolution`.
//! - A change of priority applies the new targets to clocks not yet stopped.

use super::calendar::Calendar;
use chrono::{DateTime, Utc};
use entities::support_sla_clocks::{Metric, Model};
use entities::support_sla_policies::Model as Policy;
use entities::support_tickets::Status;
use kernel::{AppResult, TenantId};
use serde::Serialize;
use uuid::Uuid;

/// What the clocks are measured against, at one instant.
pub struct Env<'a> {
    pub calendar: &'a Calendar,
    pub warn_percent: i32,
    pub now: DateTime<Utc>,
}

/// A ticket's clocks, as loaded, changed in memory, then saved.
#[derive(Debug, Clone)]
pub struct Clocks {
    pub tenant: TenantId,
    pub ticket: Uuid,
    pub rows: Vec<Model>,
}

fn target(policy: &Policy, metric: Metric) -> i32 {
    match metric {
        Metric::FirstReply => policy.first_reply_minutes,
        Metric::NextReply => policy.next_reply_minutes,
        Metric::Resolution => policy.resolution_minutes,
    }
}

fn running(m: &Model) -> bool {
    m.running_since.is_some()
}

fn stopped(m: &Model) -> bool {
    m.stopped_at.is_some()
}

/// Sets the due and warning times of a running clock.
fn schedule(m: &mut Model, env: &Env<'_>) -> AppResult<()> {
    let Some(since) = m.running_since else {
        m.due_at = None;
        m.warn_at = None;
        return Ok(());
    };
    let target = i64::from(m.target_minutes) * 60;
    m.due_at = Some(env.calendar.add(since, target - m.elapsed_seconds)?);
    m.warn_at = if m.warned_at.is_none() && m.breached_at.is_none() {
        let warn = target * i64::from(env.warn_percent) / 100;
        Some(env.calendar.add(since, warn - m.elapsed_seconds)?)
    } else {
        None
    };
    Ok(())
}

fn pause(m: &mut Model, env: &Env<'_>) {
    if let Some(since) = m.running_since.take() {
        m.elapsed_seconds += env.calendar.seconds_between(since, env.now);
        m.due_at = None;
        m.warn_at = None;
    }
}

fn resume(m: &mut Model, env: &Env<'_>) -> AppResult<()> {
    if !running(m) && !stopped(m) {
        m.running_since = Some(env.now);
        schedule(m, env)?;
    }
    Ok(())
}

/// Stops a clock; one that ran past its target without the scheduler
/// noticing yet is marked breached now. Returns whether it newly breached.
fn stop(m: &mut Model, env: &Env<'_>) -> bool {
    pause(m, env);
    if m.stopped_at.is_none() {
        m.stopped_at = Some(env.now);
    }
    if m.breached_at.is_none() && m.elapsed_seconds >= i64::from(m.target_minutes) * 60 {
        m.breached_at = Some(env.now);
        return true;
    }
    false
}

impl Clocks {
    fn fresh(&self, metric: Metric, policy: &Policy, env: &Env<'_>) -> AppResult<Model> {
        let mut m = Model {
            tenant_id: self.tenant.as_uuid(),
            ticket_id: self.ticket,
            metric,
            target_minutes: target(policy, metric),
            elapsed_seconds: 0,
            running_since: Some(env.now),
            due_at: None,
            warn_at: None,
            warned_at: None,
            breached_at: None,
            stopped_at: None,
        };
        schedule(&mut m, env)?;
        Ok(m)
    }

    fn get(&mut self, metric: Metric) -> Option<&mut Model> {
        self.rows.iter_mut().find(|m| m.metric == metric)
    }

    /// A new ticket: the first reply and the resolution clocks start.
    pub fn opened(&mut self, policy: &Policy, env: &Env<'_>) -> AppResult<()> {
        self.rows = vec![
            self.fresh(Metric::FirstReply, policy, env)?,
            self.fresh(Metric::Resolution, policy, env)?,
        ];
        Ok(())
    }

    /// The operator answered publicly: the reply clocks are met.
    pub fn operator_replied(&mut self, env: &Env<'_>) -> Vec<Metric> {
        let mut breached = Vec::new();
        for metric in [Metric::FirstReply, Metric::NextReply] {
            if let Some(m) = self.get(metric)
                && !stopped(m)
                && stop(m, env)
            {
                breached.push(metric);
            }
        }
        breached
    }

    /// The business wrote: once the operator has answered, a fresh
    /// `next_reply` clock starts unless one already runs. `status` is the
    /// ticket's status after the reply (a paused ticket keeps it paused).
    pub fn tenant_replied(
        &mut self,
        policy: &Policy,
        status: Status,
        env: &Env<'_>,
    ) -> AppResult<()> {
        let answered = self
            .rows
            .iter()
            .any(|m| m.metric == Metric::FirstReply && stopped(m));
        let waiting = self
            .rows
            .iter()
            .any(|m| m.metric == Metric::NextReply && !stopped(m));
        if answered && !waiting {
            let mut fresh = self.fresh(Metric::NextReply, policy, env)?;
            if status == Status::Pending {
                pause(&mut fresh, env);
            }
            self.rows.retain(|m| m.metric != Metric::NextReply);
            self.rows.push(fresh);
        }
        Ok(())
    }

    /// The ticket moved from `from` to `to`. Returns the clocks that
    /// breached on the way (when stopping found them late).
    pub fn status_changed(
        &mut self,
        from: Status,
        to: Status,
        env: &Env<'_>,
    ) -> AppResult<Vec<Metric>> {
        let mut breached = Vec::new();
        match to {
            Status::Pending => self.rows.iter_mut().for_each(|m| pause(m, env)),
            Status::Solved | Status::Closed => {
                for m in &mut self.rows {
                    if !stopped(m) && stop(m, env) {
                        breached.push(m.metric);
                    }
                }
            }
            Status::New | Status::Open | Status::OnHold => {
                if matches!(from, Status::Solved | Status::Closed)
                    && let Some(m) = self.get(Metric::Resolution)
                {
                    m.stopped_at = None;
                }
                for m in &mut self.rows {
                    resume(m, env)?;
                }
            }
        }
        Ok(breached)
    }

    /// New targets from the policy of a new priority, for clocks not stopped.
    pub fn retarget(&mut self, policy: &Policy, env: &Env<'_>) -> AppResult<()> {
        for m in &mut self.rows {
            if stopped(m) {
                continue;
            }
            m.target_minutes = target(policy, m.metric);
            if running(m) {
                pause(m, env);
                m.running_since = Some(env.now);
                schedule(m, env)?;
            }
        }
        Ok(())
    }

    /// A new calendar: what ran so far is counted under `old`, the rest
    /// is timed under `new`.
    pub fn retime(&mut self, old: &Env<'_>, new: &Env<'_>) -> AppResult<()> {
        for m in &mut self.rows {
            if running(m) {
                pause(m, old);
                m.running_since = Some(new.now);
                schedule(m, new)?;
            }
        }
        Ok(())
    }

    /// The earliest due time of a running clock: the queue's sort key.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.rows.iter().filter_map(|m| m.due_at).min()
    }

    pub fn any_breached(&self) -> bool {
        self.rows.iter().any(|m| m.breached_at.is_some())
    }
}

/// Where a clock stands, as the operator's queue shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, async_graphql::Enum, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "SlaClockState")]
pub enum ClockState {
    Running,
    /// Waiting on the business (`PENDING`).
    Paused,
    /// Stopped in time.
    Met,
    /// Ran past its target (running or not).
    Breached,
}

/// Which promise a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, async_graphql::Enum, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "SlaMetric")]
pub enum SlaMetric {
    FirstReply,
    NextReply,
    Resolution,
}

crate::wire::wire_enum!(
    SlaMetric,
    Metric {
        FirstReply,
        NextReply,
        Resolution
    }
);

/// One SLA clock of a ticket.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[graphql(name = "SlaClock")]
pub struct SlaClock {
    pub metric: SlaMetric,
    pub state: ClockState,
    pub target_minutes: i32,
    /// Business minutes counted so far.
    pub elapsed_minutes: i64,
    /// While running: when the target is reached.
    pub due_at: Option<DateTime<Utc>>,
    /// Past the warning share of the target (and not yet breached).
    pub near_breach: bool,
    pub breached_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
}

impl SlaClock {
    pub fn of(m: &Model, calendar: &Calendar, now: DateTime<Utc>) -> Self {
        let elapsed = m.elapsed_seconds
            + m.running_since
                .map(|since| calendar.seconds_between(since, now))
                .unwrap_or(0);
        let state = if m.breached_at.is_some() {
            ClockState::Breached
        } else if stopped(m) {
            ClockState::Met
        } else if running(m) {
            ClockState::Running
        } else {
            ClockState::Paused
        };
        Self {
            metric: m.metric.into(),
            state,
            target_minutes: m.target_minutes,
            elapsed_minutes: elapsed / 60,
            due_at: m.due_at,
            near_breach: m.warned_at.is_some() && m.breached_at.is_none() && !stopped(m),
            breached_at: m.breached_at,
            stopped_at: m.stopped_at,
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use crate::support::calendar::fixtures::at;

    fn office() -> Calendar {
        crate::support::calendar::fixtures::office("UTC", &[])
    }

    fn policy() -> Policy {
        Policy {
            priority: entities::support_tickets::Priority::High,
            first_reply_minutes: 60,
            next_reply_minutes: 120,
            resolution_minutes: 480,
            updated_at: at("2027-01-01T00:00:00Z"),
        }
    }

    fn env<'a>(calendar: &'a Calendar, now: &str) -> Env<'a> {
        Env {
            calendar,
            warn_percent: 80,
            now: at(now),
        }
    }

    fn clock(clocks: &Clocks, metric: Metric) -> Model {
        clocks
            .rows
            .iter()
            .find(|m| m.metric == metric)
            .cloned()
            .expect("the clock")
    }

    #[test]
    fn pending_pauses_the_clocks_and_leaving_it_resumes_them() {
        let cal = office();
        let mut clocks = Clocks {
            tenant: TenantId::new(),
            ticket: Uuid::now_v7(),
            rows: Vec::new(),
        };
        // Monday 09:00: first reply due 10:00 (warned at 09:48).
        clocks
            .opened(&policy(), &env(&cal, "2027-01-11T09:00:00Z"))
            .expect("open");
        let first = clock(&clocks, Metric::FirstReply);
        assert_eq!(first.due_at, Some(at("2027-01-11T10:00:00Z")));
        assert_eq!(first.warn_at, Some(at("2027-01-11T09:48:00Z")));
        // 09:30: waiting on the business; nothing counts until 14:00.
        clocks
            .status_changed(
                Status::New,
                Status::Pending,
                &env(&cal, "2027-01-11T09:30:00Z"),
            )
            .expect("pause");
        let paused = clock(&clocks, Metric::FirstReply);
        assert_eq!((paused.elapsed_seconds, paused.due_at), (30 * 60, None));
        assert_eq!(clocks.next_due(), None);
        clocks
            .status_changed(
                Status::Pending,
                Status::Open,
                &env(&cal, "2027-01-11T14:00:00Z"),
            )
            .expect("resume");
        // 30 minutes left: due 14:30, and the resolution clock moved too.
        assert_eq!(
            clock(&clocks, Metric::FirstReply).due_at,
            Some(at("2027-01-11T14:30:00Z"))
        );
        assert_eq!(
            clock(&clocks, Metric::Resolution).due_at,
            Some(at("2027-01-12T13:30:00Z"))
        );
        assert_eq!(clocks.next_due(), Some(at("2027-01-11T14:30:00Z")));
    }

    #[test]
    fn replies_meet_and_start_the_reply_clocks_and_solving_stops_them() {
        let cal = office();
        let mut clocks = Clocks {
            tenant: TenantId::new(),
            ticket: Uuid::now_v7(),
            rows: Vec::new(),
        };
        clocks
            .opened(&policy(), &env(&cal, "2027-01-11T09:00:00Z"))
            .expect("open");
        // Answered late, at 10:15: the first reply clock breached on stopping.
        let late = clocks.operator_replied(&env(&cal, "2027-01-11T10:15:00Z"));
        assert_eq!(late, vec![Metric::FirstReply]);
        // The business writes back at 11:00: next reply due 13:00.
        clocks
            .tenant_replied(&policy(), Status::Open, &env(&cal, "2027-01-11T11:00:00Z"))
            .expect("reply");
        assert_eq!(
            clock(&clocks, Metric::NextReply).due_at,
            Some(at("2027-01-11T13:00:00Z"))
        );
        // Answered in time; solved at 12:00: every clock stops.
        assert!(
            clocks
                .operator_replied(&env(&cal, "2027-01-11T11:30:00Z"))
                .is_empty()
        );
        clocks
            .status_changed(
                Status::Open,
                Status::Solved,
                &env(&cal, "2027-01-11T12:00:00Z"),
            )
            .expect("solve");
        assert_eq!(clocks.next_due(), None);
        let resolution = clock(&clocks, Metric::Resolution);
        assert_eq!(resolution.elapsed_seconds, 3 * 3600);
        let states: Vec<ClockState> = clocks
            .rows
            .iter()
            .map(|m| SlaClock::of(m, &cal, at("2027-01-11T12:00:00Z")).state)
            .collect();
        assert_eq!(
            states,
            vec![ClockState::Breached, ClockState::Met, ClockState::Met]
        );
        // Reopened the next morning: resolution resumes where it stopped.
        clocks
            .status_changed(
                Status::Solved,
                Status::Open,
                &env(&cal, "2027-01-12T09:00:00Z"),
            )
            .expect("reopen");
        assert_eq!(
            clock(&clocks, Metric::Resolution).due_at,
            Some(at("2027-01-12T14:00:00Z"))
        );
        assert_eq!(clock(&clocks, Metric::FirstReply).due_at, None);
    }

    #[test]
    fn a_new_priority_retargets_running_clocks() {
        let cal = office();
        let mut clocks = Clocks {
            tenant: TenantId::new(),
            ticket: Uuid::now_v7(),
            rows: Vec::new(),
        };
        clocks
            .opened(&policy(), &env(&cal, "2027-01-11T09:00:00Z"))
            .expect("open");
        let urgent = Policy {
            first_reply_minutes: 30,
            ..policy()
        };
        clocks
            .retarget(&urgent, &env(&cal, "2027-01-11T09:10:00Z"))
            .expect("retarget");
        assert_eq!(
            clock(&clocks, Metric::FirstReply).due_at,
            Some(at("2027-01-11T09:30:00Z"))
        );
    }
}
