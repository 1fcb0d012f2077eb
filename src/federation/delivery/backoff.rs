//! When to try a failing host again: exponential backoff with jitter, capped; rarer for a
//! host that has failed for days.

use std::time::Duration;

/// First retry after a minute.
const BASE: Duration = Duration::from_secs(60);
/// Never wait more than six hours between attempts while a host is merely failing...
const CAP: Duration = Duration::from_secs(6 * 3600);
/// ...and a day once it is marked unavailable.
const UNAVAILABLE: Duration = Duration::from_secs(24 * 3600);

/// The delay before attempt `failures + 1`, given `jitter` in [0, 1) (±20%).
pub(crate) fn delay(failures: u32, unavailable: bool, jitter: f64) -> Duration {
    let base = if unavailable {
        UNAVAILABLE
    } else {
        let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(20));
        BASE.saturating_mul(factor).min(CAP)
    };
    base.mul_f64(0.8 + 0.4 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps() {
        assert_eq!(delay(1, false, 0.5), Duration::from_secs(60));
        assert_eq!(delay(2, false, 0.5), Duration::from_secs(120));
        assert_eq!(delay(5, false, 0.5), Duration::from_secs(960));
        assert_eq!(delay(40, false, 0.5), CAP);
        assert_eq!(delay(3, true, 0.5), UNAVAILABLE);
    }

    #[test]
    fn jitter_spreads_by_a_fifth() {
        assert_eq!(delay(1, false, 0.0), Duration::from_secs(48));
        assert_eq!(delay(1, false, 1.0), Duration::from_secs(72));
    }

    #[test]
    fn thirty_attempts_span_more_than_three_days() {
        // Deliveries are kept for 14 days (see `EXPIRE_AFTER`): the host is tried throughout.
        let total: Duration = (1..=30).map(|n| delay(n, false, 0.0)).sum();
        assert!(total > Duration::from_secs(3 * 24 * 3600), "{total:?}");
    }
}
