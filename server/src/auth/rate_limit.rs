//! Per-user sliding-window rate limit for API token requests.
//!
//! A sliding log: the times of each user's requests in the last minute. A request is allowed
//! while fewer than the user's limit are in the window; otherwise the answer says how long until
//! the oldest one leaves it. One limiter lives for the whole process (SahaBot2 made a new one per
//! request, so it never triggered). With several instances each counts its own requests.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

pub const DEFAULT_PER_MINUTE: u32 = 60;
const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct RateLimiter {
    log: Mutex<HashMap<i64, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Ok when the request may go ahead (and counts it); Err(seconds to wait) when it may not.
    pub fn check(&self, user_id: i64, limit_per_minute: u32, now: Instant) -> Result<(), u64> {
        let Ok(mut log) = self.log.lock() else {
            // A poisoned lock means a panic elsewhere; do not lock everyone out over it.
            return Ok(());
        };
        let times = log.entry(user_id).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= limit_per_minute.max(1) as usize {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = WINDOW.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_plus_one_is_refused_until_the_window_slides() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for i in 0..60 {
            assert!(
                limiter
                    .check(1, 60, start + Duration::from_millis(i * 10))
                    .is_ok(),
                "request {i}"
            );
        }
        let wait = limiter
            .check(1, 60, start + Duration::from_secs(1))
            .unwrap_err();
        assert_eq!(wait, 59);
        // Other users are not affected.
        assert!(limiter.check(2, 60, start + Duration::from_secs(1)).is_ok());
        // Once the first request is a minute old, one more fits.
        assert!(limiter
            .check(1, 60, start + Duration::from_secs(60))
            .is_ok());
        assert!(limiter
            .check(1, 60, start + Duration::from_secs(60))
            .is_err());
    }

    #[test]
    fn a_per_user_override_changes_the_limit() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        for _ in 0..5 {
            assert!(limiter.check(7, 5, now).is_ok());
        }
        assert!(limiter.check(7, 5, now).is_err());
    }
}
