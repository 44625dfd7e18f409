//! What a user can be notified of ([`EventType`]) and how ([`Channel`]), with the defaults a
//! user who never chose gets.

use sdk::Error;

/// A kind of notification. The key is what the tables and the API store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A match of yours got a time.
    MatchScheduled,
    /// A match of yours moved to another time.
    MatchRescheduled,
    /// A match of yours starts in a few minutes (the organization's reminder settings).
    MatchStartingSoon,
    /// A manager approved you as crew (commentator, tracker, restreamer) of a match.
    CrewApproved,
    /// The seed of a match of yours is ready.
    SeedReady,
    /// A reviewer looked at your async qualifier run.
    AsyncRaceReviewed,
    /// Your pending async qualifier run times out soon.
    AsyncTimeoutWarning,
    /// A message you asked for from your notification settings.
    Test,
}

impl EventType {
    /// Every kind, in the order the settings page lists them.
    pub const ALL: [EventType; 8] = [
        EventType::MatchScheduled,
        EventType::MatchRescheduled,
        EventType::MatchStartingSoon,
        EventType::CrewApproved,
        EventType::SeedReady,
        EventType::AsyncRaceReviewed,
        EventType::AsyncTimeoutWarning,
        EventType::Test,
    ];

    pub fn key(self) -> &'static str {
        match self {
            EventType::MatchScheduled => "match_scheduled",
            EventType::MatchRescheduled => "match_rescheduled",
            EventType::MatchStartingSoon => "match_starting_soon",
            EventType::CrewApproved => "crew_approved",
            EventType::SeedReady => "seed_ready",
            EventType::AsyncRaceReviewed => "async_race_reviewed",
            EventType::AsyncTimeoutWarning => "async_timeout_warning",
            EventType::Test => "test",
        }
    }

    pub fn from_key(key: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.key() == key)
    }

    /// The key checked, or an error naming `field`.
    pub fn parse(field: &str, key: &str) -> Result<EventType, Error> {
        EventType::from_key(key.trim()).ok_or_else(|| {
            Error::invalid(
                field,
                format!("`{}` is not a kind of notification", key.trim()),
            )
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            EventType::MatchScheduled => "Match scheduled",
            EventType::MatchRescheduled => "Match rescheduled",
            EventType::MatchStartingSoon => "Match starting soon",
            EventType::CrewApproved => "Crew approved",
            EventType::SeedReady => "Seed ready",
            EventType::AsyncRaceReviewed => "Async run reviewed",
            EventType::AsyncTimeoutWarning => "Async run about to time out",
            EventType::Test => "Test notification",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            EventType::MatchScheduled => "A match you play or crew got a time.",
            EventType::MatchRescheduled => "A match you play or crew moved to another time.",
            EventType::MatchStartingSoon => {
                "A reminder before a match you play or crew starts (the organization sets how long before)."
            }
            EventType::CrewApproved => "You were approved as commentator, tracker or restreamer of a match.",
            EventType::SeedReady => "The seed of a match you play is ready.",
            EventType::AsyncRaceReviewed => "A reviewer accepted or rejected your async qualifier run.",
            EventType::AsyncTimeoutWarning => {
                "A run you opened in an async qualifier but have not started will be forfeited soon."
            }
            EventType::Test => "Sent only when you ask for one.",
        }
    }

    /// Whether a user who never chose gets it. Everything here is about the user's own
    /// matches and crew slots, so it is on until they opt out; the test message is sent only
    /// on request, so subscriptions do not apply to it.
    pub fn default_on(self) -> bool {
        true
    }

    /// Whether users choose it on the settings page (the test message is always sent when
    /// asked for).
    pub fn subscribable(self) -> bool {
        self != EventType::Test
    }

    /// Whether quiet hours hold it back (a test the user just asked for is sent at once).
    pub fn respects_quiet_hours(self) -> bool {
        self != EventType::Test
    }
}

/// How a notification reaches the user. A value, so e-mail and webhooks can join as more
/// variants with their own sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Channel {
    /// A direct message from the site's Discord bot to the user's linked Discord account.
    #[default]
    DiscordDm,
}

impl Channel {
    pub const ALL: [Channel; 1] = [Channel::DiscordDm];

    pub fn key(self) -> &'static str {
        match self {
            Channel::DiscordDm => "discord_dm",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::DiscordDm => "Discord direct message",
        }
    }

    pub fn from_key(key: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The key checked, or an error naming `field`.
    pub fn parse(field: &str, key: &str) -> Result<Channel, Error> {
        Channel::from_key(key.trim()).ok_or_else(|| {
            Error::invalid(
                field,
                format!("`{}` is not a way to be notified here", key.trim()),
            )
        })
    }
}

/// A subscription as stored: `None` (never chosen) falls back to the default.
pub fn is_subscribed(event_type: EventType, stored: Option<bool>) -> bool {
    stored.unwrap_or_else(|| event_type.default_on())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn keys_round_trip_and_unknown_ones_name_the_field() {
        for t in EventType::ALL {
            assert_eq!(EventType::from_key(t.key()), Some(t));
        }
        assert_eq!(
            EventType::parse("event_type", " crew_approved ").unwrap(),
            EventType::CrewApproved
        );
        let err = EventType::parse("event_type", "nope").unwrap_err();
        assert_eq!(err.field(), Some("event_type"));
        assert_eq!(
            Channel::parse("channel", "discord_dm").unwrap(),
            Channel::DiscordDm
        );
        assert_eq!(
            Channel::parse("channel", "email").unwrap_err().field(),
            Some("channel")
        );
    }

    #[test]
    fn players_get_match_news_until_they_opt_out() {
        assert!(is_subscribed(EventType::MatchRescheduled, None));
        assert!(!is_subscribed(EventType::MatchRescheduled, Some(false)));
        assert!(is_subscribed(EventType::CrewApproved, Some(true)));
        assert!(!EventType::Test.subscribable());
        assert!(!EventType::Test.respects_quiet_hours());
        assert!(EventType::MatchStartingSoon.respects_quiet_hours());
    }
}
