//! The gateway runtime's decisions: what the supervisor does after looking at the lease, how
//! long it waits after a failed connection, whether the bot counts as online, and how long a
//! reply may be.

use crate::model::Lease;

/// Discord's longest message.
pub const MAX_REPLY_CHARS: usize = 2000;

/// What the gateway supervisor does after looking at the lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseStep {
    /// We hold the lease and have no client: connect.
    Connect,
    /// We hold it and are connected (or waiting to retry a failed connection): carry on.
    Keep,
    /// Someone else holds it but our client still runs: shut it down now.
    Disconnect,
    /// Someone else holds it and we are idle: wait and look again.
    Wait,
}

/// `holds`: the claim succeeded; `running`: our client is up; `may_retry`: the back-off after a
/// failed connection has passed.
pub fn lease_step(holds: bool, running: bool, may_retry: bool) -> LeaseStep {
    match (holds, running) {
        (true, false) if may_retry => LeaseStep::Connect,
        (true, _) => LeaseStep::Keep,
        (false, true) => LeaseStep::Disconnect,
        (false, false) => LeaseStep::Wait,
    }
}

/// What the claim statement (`repo::claim_lease`) decides, in Rust: may `me` take the lease at
/// `now`?
pub fn may_take_lease(current: Option<&Lease>, me: &str, now: i64) -> bool {
    match current {
        None => true,
        Some(lease) => lease.holder == me || lease.expires_at <= now,
    }
}

/// Wait before reconnecting after the `failures`-th failed connection in a row: 5 s, doubling,
/// at most 5 minutes.
pub fn retry_delay_ms(failures: u32) -> i64 {
    let doubled = 5_000_i64.saturating_mul(1_i64 << failures.saturating_sub(1).min(6));
    doubled.min(300_000)
}

/// The bot counts as online when this instance is connected, or, with a token configured, when
/// some instance holds an unexpired lease (it is that one that is connected).
pub fn bot_online(connected_here: bool, configured: bool, lease: Option<&Lease>, now: i64) -> bool {
    connected_here || (configured && lease.is_some_and(|l| l.expires_at > now))
}

/// A reply cut to Discord's 2000 characters.
pub fn fit_reply(content: &str) -> String {
    fit_to(content, MAX_REPLY_CHARS)
}

/// An embed's title and description cut to Discord's 256 and 4096 characters.
pub fn fit_embed(title: &str, description: &str) -> (String, String) {
    (fit_to(title, 256), fit_to(description, 4096))
}

/// `text` cut to `max` characters, the last one an ellipsis when cut.
fn fit_to(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_are_cut_to_discords_limits() {
        let (title, description) = fit_embed(&"t".repeat(300), &"d".repeat(5000));
        assert_eq!(title.chars().count(), 256);
        assert!(title.ends_with('…'));
        assert_eq!(description.chars().count(), 4096);
        assert_eq!(fit_embed("Seed", "link"), ("Seed".into(), "link".into()));
    }

    fn lease(holder: &str, expires_at: i64) -> Lease {
        Lease {
            holder: holder.into(),
            acquired_at: 0,
            heartbeat_at: 0,
            expires_at,
        }
    }

    #[test]
    fn lease_decisions() {
        use LeaseStep::*;
        assert_eq!(lease_step(true, false, true), Connect);
        assert_eq!(
            lease_step(true, false, false),
            Keep,
            "back-off after a failure"
        );
        assert_eq!(lease_step(true, true, true), Keep);
        assert_eq!(lease_step(false, true, true), Disconnect);
        assert_eq!(lease_step(false, false, true), Wait);
    }

    #[test]
    fn a_lease_is_taken_when_free_ours_or_run_out() {
        assert!(may_take_lease(None, "a", 5));
        assert!(may_take_lease(Some(&lease("a", 10)), "a", 5), "renewal");
        assert!(!may_take_lease(Some(&lease("b", 10)), "a", 5), "held");
        assert!(may_take_lease(Some(&lease("b", 10)), "a", 10), "ran out");
        assert!(may_take_lease(Some(&lease("b", 0)), "a", 5), "released");
    }

    #[test]
    fn reconnecting_backs_off_up_to_five_minutes() {
        assert_eq!(retry_delay_ms(1), 5_000);
        assert_eq!(retry_delay_ms(2), 10_000);
        assert_eq!(retry_delay_ms(4), 40_000);
        assert_eq!(retry_delay_ms(30), 300_000);
    }

    #[test]
    fn the_bot_is_online_where_some_instance_holds_the_lease() {
        assert!(bot_online(true, true, None, 5), "connected here");
        assert!(bot_online(false, true, Some(&lease("b", 10)), 5), "held");
        assert!(!bot_online(false, true, Some(&lease("b", 5)), 5), "ran out");
        assert!(!bot_online(false, true, None, 5), "nobody");
        assert!(
            !bot_online(false, false, Some(&lease("b", 10)), 5),
            "a lease left from when a token was set"
        );
    }

    #[test]
    fn replies_fit_discord() {
        assert_eq!(fit_reply("short"), "short");
        let long = "é".repeat(2500);
        let fitted = fit_reply(&long);
        assert_eq!(fitted.chars().count(), MAX_REPLY_CHARS);
        assert!(fitted.ends_with('…'));
    }
}
