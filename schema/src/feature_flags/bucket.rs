//! Sticky rollout buckets, as Unleash computes them: MurmurHash3 (x86,
//! 32-bit, seed 0) of `"{flag}:{tenant}"`, modulo 100. A business keeps its
//! bucket for a flag forever, so raising a rollout from 10 % to 30 % only
//! adds businesses; and flags hash apart, so the first 10 % of one flag are
//! not the first 10 % of every flag.

use kernel::TenantId;
use std::io::Cursor;

/// The tenant's bucket (0 to 99) for `flag`.
pub fn of(flag: &str, tenant: TenantId) -> u32 {
    let key = format!("{flag}:{tenant}");
    // Reading from memory cannot fail; a failure would only mean bucket 0.
    murmur3::murmur3_32(&mut Cursor::new(key.as_bytes()), 0).unwrap_or_default() % 100
}

/// Whether the tenant is inside a rollout of `percent` (0 to 100).
pub fn inside(flag: &str, tenant: TenantId, percent: i32) -> bool {
    percent > 0 && i64::from(of(flag, tenant)) < i64::from(percent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn tenants(n: usize) -> Vec<TenantId> {
        (0..n).map(|_| TenantId(Uuid::new_v4())).collect()
    }

    #[test]
    fn matches_unleash_for_a_known_input() {
        // Unleash's SDKs' own tests: normalized("123", "gr1") is 73 and
        // normalized("999", "groupX") 25, which is this hash modulo 100, plus one.
        for (input, normalized) in [("gr1:123", 73), ("groupX:999", 25)] {
            let hash =
                murmur3::murmur3_32(&mut Cursor::new(input.as_bytes()), 0).unwrap_or(u32::MAX);
            assert_eq!(hash % 100 + 1, normalized, "{input}");
        }
    }

    #[test]
    fn shares_land_within_two_points_over_ten_thousand_tenants() {
        let all = tenants(10_000);
        for percent in [1, 10, 25, 30, 50, 90] {
            let inside = all
                .iter()
                .filter(|t| inside("new-checkout", **t, percent))
                .count();
            let share = inside as f64 / all.len() as f64 * 100.0;
            assert!(
                (share - f64::from(percent)).abs() <= 2.0,
                "{percent} % rolled out to {share:.2} %"
            );
        }
    }

    #[test]
    fn raising_a_rollout_never_turns_a_tenant_off() {
        let all = tenants(10_000);
        for t in &all {
            let mut was_inside = false;
            for percent in 0..=100 {
                let now_inside = inside("kds.beta", *t, percent);
                assert!(
                    !was_inside || now_inside,
                    "{t} left the rollout at {percent} %"
                );
                was_inside = now_inside;
            }
            assert!(inside("kds.beta", *t, 100));
            assert!(!inside("kds.beta", *t, 0));
        }
    }

    #[test]
    fn flags_bucket_independently() {
        let all = tenants(10_000);
        let both = all
            .iter()
            .filter(|t| inside("a-flag", **t, 10) && inside("b-flag", **t, 10))
            .count();
        // Independent 10 % shares overlap on about 1 %, not 10 %.
        assert!(both < 250, "{both} tenants are in both first tenths");
    }
}
