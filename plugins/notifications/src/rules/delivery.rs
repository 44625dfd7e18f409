//! The outbox's rules: the idempotency key of each cause, what happens after a failed attempt
//! (exponential back-off, then the dead letter), and which "starting soon" reminder is due.

use serde_json::Value;

use super::EventType;

/// Attempts before a message is dead-lettered (kept with its last error for an admin's retry).
pub const MAX_ATTEMPTS: i64 = 5;
/// The wait after the first failure; each further failure doubles it.
pub const FIRST_RETRY_MS: i64 = 30_000;
/// The longest wait between attempts.
pub const MAX_RETRY_MS: i64 = 3_600_000;
/// How long a worker holds a claimed message before another instance may take it over (a
/// worker that died mid-send): longer than one send can take.
pub const LEASE_MS: i64 = 120_000;
/// Whether a lease that runs until `lease_until` still holds at `now`, with a margin for the
/// send itself: a worker starts a send only while this is true, so it never sends a row whose
/// lease another instance may have taken over.
pub fn lease_holds(lease_until: i64, now: i64) -> bool {
    now + SEND_MARGIN_MS < lease_until
}
/// The time a send is given before its lease runs out: a DM's whole exchange, rate-limit waits
/// included, ends within 25 s (`sdk::bot::ratelimit::DEFAULT_MAX_WAIT`).
pub const SEND_MARGIN_MS: i64 = 30_000;
const _: () = assert!(
    SEND_MARGIN_MS < LEASE_MS,
    "a lease must leave room for a send"
);
/// The reminder minutes an organization gets when it set none.
pub const DEFAULT_REMINDERS: [i64; 2] = [30, 5];

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this instant.
    RetryAt(i64),
    /// Give up: the message is dead-lettered.
    Dead,
}

/// The wait before the next attempt once `attempts` have failed (1 → 30 s, 2 → 60 s, …, at
/// most an hour).
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(0);
    FIRST_RETRY_MS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_RETRY_MS)
}

/// After the `attempts`-th attempt failed at `now` (`permanent`: retrying cannot help, like a
/// user with no Discord account).
pub fn after_failure(attempts: i64, permanent: bool, now: i64) -> AfterFailure {
    if permanent || attempts >= MAX_ATTEMPTS {
        AfterFailure::Dead
    } else {
        AfterFailure::RetryAt(now + retry_delay_ms(attempts))
    }
}

/// The organization's reminder offsets in minutes (its `first_reminder_minutes` and
/// `second_reminder_minutes`; 0 = none), largest first, without repeats.
pub fn reminder_offsets(config: &Value) -> Vec<i64> {
    let read = |name: &str, default: i64| {
        config
            .get(name)
            .map_or(Some(default), Value::as_i64)
            .unwrap_or(default)
    };
    let mut offsets: Vec<i64> = [
        read("first_reminder_minutes", DEFAULT_REMINDERS[0]),
        read("second_reminder_minutes", DEFAULT_REMINDERS[1]),
    ]
    .into_iter()
    .filter(|m| (1..=1440).contains(m))
    .collect();
    offsets.sort_unstable_by(|a, b| b.cmp(a));
    offsets.dedup();
    offsets
}

/// The reminder due at `now` for a match at `scheduled_at`: the smallest offset whose moment
/// has come, while the match has not begun. A match made three minutes before its start gets
/// the 5-minute reminder only, not a late 30-minute one too.
pub fn due_reminder(offsets: &[i64], scheduled_at: i64, now: i64) -> Option<i64> {
    if now >= scheduled_at {
        return None;
    }
    offsets
        .iter()
        .copied()
        .filter(|m| *m > 0 && scheduled_at - m * 60_000 <= now)
        .min()
}

/// The largest offset, for the reminder task's look-ahead.
pub fn look_ahead_ms(offsets: &[i64]) -> i64 {
    offsets.iter().copied().max().unwrap_or(0) * 60_000
}

/// The idempotency key of a match's news for one user: the kind, the match, the time it moved
/// from and to, the instant of the cause (`at`, the envelope's), and the user. The cause's
/// instant makes each move news of its own — a match moved 20:00 → 21:00 → 20:00 → 21:00
/// tells its people every time — while a replay of the same event queues nothing.
pub fn match_key(
    kind: EventType,
    match_id: i64,
    (previous, scheduled_at): (Option<i64>, i64),
    at: i64,
    user_id: i64,
) -> String {
    let previous = previous.map_or_else(|| "-".to_string(), |p| p.to_string());
    format!(
        "{}:{match_id}:{previous}:{scheduled_at}:{at}:{user_id}",
        kind.key()
    )
}

/// The start of every key of a match's news of `kind` (`match_key`, `reminder_key`): a LIKE
/// prefix that names exactly that match (ids are digits, the colon ends the id).
pub fn match_key_prefix(kind: EventType, match_id: i64) -> String {
    format!("{}:{match_id}:", kind.key())
}

/// A reminder: unique per match, offset, scheduled time and user, so a moved match reminds
/// again and no instance reminds twice.
pub fn reminder_key(match_id: i64, offset_minutes: i64, scheduled_at: i64, user_id: i64) -> String {
    format!(
        "{}:{match_id}:{offset_minutes}:{scheduled_at}:{user_id}",
        EventType::MatchStartingSoon.key()
    )
}

/// A crew approval: once per crew slot (an approval withdrawn and given again is not news).
pub fn crew_key(crew_id: i64, user_id: i64) -> String {
    format!("{}:{crew_id}:{user_id}", EventType::CrewApproved.key())
}

/// A seed: once per match, seed, cause (`at`, the envelope's instant) and user, so a new
/// seed is news again even when it is a link the match had before.
pub fn seed_key(match_id: i64, seed_url: &str, at: i64, user_id: i64) -> String {
    format!(
        "{}:{match_id}:{seed_url}:{at}:{user_id}",
        EventType::SeedReady.key()
    )
}

/// An async run's review: once per run, outcome, cause (`at`, the envelope's instant) and
/// user, so a changed verdict is news again even when it changes back.
pub fn async_review_key(race_id: i64, review_status: &str, at: i64, user_id: i64) -> String {
    format!(
        "{}:{race_id}:{review_status}:{at}:{user_id}",
        EventType::AsyncRaceReviewed.key()
    )
}

/// An async run's timeout warning: once per run and deadline.
pub fn async_timeout_key(race_id: i64, timeout_at: i64, user_id: i64) -> String {
    format!(
        "{}:{race_id}:{timeout_at}:{user_id}",
        EventType::AsyncTimeoutWarning.key()
    )
}

/// A test message: each click is its own cause.
pub fn test_key(user_id: i64, now: i64, nonce: u64) -> String {
    format!("{}:{user_id}:{now}:{nonce:016x}", EventType::Test.key())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn failures_back_off_exponentially_then_die() {
        assert_eq!(retry_delay_ms(1), 30_000);
        assert_eq!(retry_delay_ms(2), 60_000);
        assert_eq!(retry_delay_ms(4), 240_000);
        assert_eq!(retry_delay_ms(40), MAX_RETRY_MS);
        assert_eq!(
            after_failure(1, false, 1_000),
            AfterFailure::RetryAt(31_000)
        );
        assert_eq!(
            after_failure(MAX_ATTEMPTS - 1, false, 0),
            AfterFailure::RetryAt(240_000)
        );
        assert_eq!(after_failure(MAX_ATTEMPTS, false, 0), AfterFailure::Dead);
        assert_eq!(after_failure(1, true, 0), AfterFailure::Dead);
    }

    #[test]
    fn a_send_starts_only_while_the_lease_has_room_for_it() {
        let lease = 1_000_000;
        assert!(lease_holds(lease, lease - SEND_MARGIN_MS - 1));
        assert!(!lease_holds(lease, lease - SEND_MARGIN_MS));
        assert!(!lease_holds(lease, lease + 1));
    }

    #[test]
    fn reminder_offsets_come_from_the_config() {
        assert_eq!(reminder_offsets(&json!({})), vec![30, 5]);
        assert_eq!(
            reminder_offsets(&json!({"first_reminder_minutes": 10, "second_reminder_minutes": 0})),
            vec![10]
        );
        assert_eq!(
            reminder_offsets(&json!({"first_reminder_minutes": 5, "second_reminder_minutes": 60})),
            vec![60, 5]
        );
        assert_eq!(
            reminder_offsets(&json!({"first_reminder_minutes": 5, "second_reminder_minutes": 5})),
            vec![5]
        );
    }

    #[test]
    fn the_smallest_due_reminder_wins_until_the_match_begins() {
        let at = 100 * 60_000;
        let offsets = [30, 5];
        assert_eq!(due_reminder(&offsets, at, at - 31 * 60_000), None);
        assert_eq!(due_reminder(&offsets, at, at - 30 * 60_000), Some(30));
        assert_eq!(due_reminder(&offsets, at, at - 6 * 60_000), Some(30));
        assert_eq!(due_reminder(&offsets, at, at - 5 * 60_000), Some(5));
        assert_eq!(due_reminder(&offsets, at, at - 1), Some(5));
        assert_eq!(due_reminder(&offsets, at, at), None);
        assert_eq!(due_reminder(&[], at, at - 1), None);
        assert_eq!(look_ahead_ms(&offsets), 30 * 60_000);
    }

    #[test]
    fn keys_name_the_cause_and_the_recipient() {
        assert_eq!(
            match_key(EventType::MatchRescheduled, 7, (Some(500), 1_000), 40, 3),
            "match_rescheduled:7:500:1000:40:3"
        );
        assert_eq!(
            match_key(EventType::MatchScheduled, 7, (None, 1_000), 40, 3),
            "match_scheduled:7:-:1000:40:3"
        );
        // Moved back and forth: each move is its own cause.
        let kind = EventType::MatchRescheduled;
        assert_ne!(
            match_key(kind, 7, (Some(500), 1_000), 40, 3),
            match_key(kind, 7, (Some(500), 1_000), 90, 3)
        );
        assert_ne!(seed_key(7, "u", 40, 3), seed_key(7, "u", 90, 3));
        assert_ne!(
            async_review_key(7, "accepted", 40, 3),
            async_review_key(7, "accepted", 90, 3)
        );
        assert_ne!(reminder_key(7, 30, 1_000, 3), reminder_key(7, 30, 2_000, 3));
        assert_ne!(reminder_key(7, 30, 1_000, 3), reminder_key(7, 5, 1_000, 3));
        assert_eq!(crew_key(4, 9), "crew_approved:4:9");
        let prefix = match_key_prefix(EventType::MatchStartingSoon, 7);
        assert!(reminder_key(7, 30, 1_000, 3).starts_with(&prefix));
        assert!(!reminder_key(70, 30, 1_000, 3).starts_with(&prefix));
        let prefix = match_key_prefix(EventType::MatchScheduled, 7);
        assert!(match_key(EventType::MatchScheduled, 7, (None, 1), 2, 3).starts_with(&prefix));
        assert_ne!(test_key(1, 5, 1), test_key(1, 5, 2));
    }
}
