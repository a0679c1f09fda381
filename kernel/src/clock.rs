//! The one clock domain logic reads.
//!
//! Services take the time from [`RequestContext::now`](crate::RequestContext::now)
//! (and jobs from their context), never from `Utc::now()` or SQL `now()`
//! directly, so a test, or the sandbox billing clock an operator advances,
//! can move time for everything a request does: trial ends, renewals, windows,
//! course firing.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The machine's clock.
    #[default]
    System,
    /// Time stands still at this instant.
    Fixed(DateTime<Utc>),
    /// The machine's clock moved by this much (forwards or back).
    Offset(Duration),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Fixed(at) => *at,
            Self::Offset(by) => Utc::now() + *by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stands_still_and_an_offset_moves_with_the_machine() {
        let at = DateTime::<Utc>::from_timestamp(1_774_744_200, 0).unwrap_or_default();
        assert_eq!(Clock::Fixed(at).now(), at);
        let ahead = Clock::Offset(Duration::days(30)).now() - Utc::now();
        assert!(ahead > Duration::days(29) && ahead <= Duration::days(30));
    }
}
