//! Per-key rate limiting (GCRA, from `governor`). Limits are per process: with N processes a
//! key gets up to N times the limit.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter as Governor};

/// Forget idle keys every this many checks, so the table does not grow without bound.
const PRUNE_EVERY: u64 = 4_096;

/// Limits requests per caller.
pub struct RateLimiter {
    limiter: Governor<String, DefaultKeyedStateStore<String>, DefaultClock>,
    checks: AtomicU64,
}

impl RateLimiter {
    /// Allows `per_minute` requests a minute per key, in bursts of up to that many.
    pub fn per_minute(per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute.max(1)).expect("at least one");
        Self {
            limiter: Governor::keyed(Quota::per_minute(per_minute)),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one request of `key`; `Err` holds how long to wait before the next is allowed.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_its_burst_and_others_are_not() {
        let limiter = RateLimiter::per_minute(3);
        for _ in 0..3 {
            assert!(limiter.check("key:1").is_ok());
        }
        let wait = limiter.check("key:1").unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limiter.check("key:2").is_ok());
    }
}
