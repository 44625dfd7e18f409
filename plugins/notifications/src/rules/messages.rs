//! The text of each notification: a subject (the embed's title) and a body. Times are
//! Discord timestamps (`<t:SECONDS:F>`), which every reader's Discord shows in their own
//! time zone, with a relative hint (`<t:SECONDS:R>`: "in 2 hours").

/// What a notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub body: String,
}

/// A match as a message names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchRef<'a> {
    pub title: &'a str,
    pub tournament: &'a str,
    pub organization: &'a str,
}

impl MatchRef<'_> {
    fn name(&self) -> String {
        let title = self.title.trim();
        if title.is_empty() {
            format!("Your {} match", self.tournament)
        } else {
            format!("{} ({})", title, self.tournament)
        }
    }
}

/// `<t:..:F> (<t:..:R>)` for an instant in epoch ms.
pub fn discord_time(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    format!("<t:{secs}:F> (<t:{secs}:R>)")
}

fn footer(m: &MatchRef<'_>) -> String {
    format!(
        "\n\n{} · change what you get under Notifications there.",
        m.organization
    )
}

pub fn match_scheduled(m: &MatchRef<'_>, at: i64) -> Message {
    Message {
        subject: format!("Match scheduled: {}", m.name()),
        body: format!(
            "{} is scheduled for {}.{}",
            m.name(),
            discord_time(at),
            footer(m)
        ),
    }
}

pub fn match_rescheduled(m: &MatchRef<'_>, at: i64, previous: i64) -> Message {
    Message {
        subject: format!("Match moved: {}", m.name()),
        body: format!(
            "{} moved to {} (it was {}).{}",
            m.name(),
            discord_time(at),
            discord_time(previous),
            footer(m)
        ),
    }
}

pub fn starting_soon(m: &MatchRef<'_>, at: i64, minutes: i64) -> Message {
    Message {
        subject: format!("Starting in {minutes} minutes: {}", m.name()),
        body: format!("{} starts {}.{}", m.name(), discord_time(at), footer(m)),
    }
}

pub fn crew_approved(m: &MatchRef<'_>, role: &str, at: Option<i64>) -> Message {
    let when = at.map_or_else(
        || " (not scheduled yet)".to_string(),
        |at| format!(", {}", discord_time(at)),
    );
    Message {
        subject: format!("You are {role} for {}", m.name()),
        body: format!(
            "A manager approved you as {role} for {}{when}.{}",
            m.name(),
            footer(m)
        ),
    }
}

pub fn seed_ready(m: &MatchRef<'_>, seed_url: &str) -> Message {
    Message {
        subject: format!("Seed ready: {}", m.name()),
        body: format!("The seed of {} is ready: {seed_url}{}", m.name(), footer(m)),
    }
}

/// A review of an async run (`review_status`: accepted, rejected, …).
pub fn async_reviewed(qualifier: &str, organization: &str, review_status: &str) -> Message {
    Message {
        subject: format!("Your {qualifier} run was reviewed"),
        body: format!(
            "A reviewer marked your run in {qualifier} as {review_status}.\n\n{organization} · change what you get under Notifications there."
        ),
    }
}

/// A pending async run times out at `timeout_at`.
pub fn async_timeout(qualifier: &str, organization: &str, timeout_at: i64) -> Message {
    Message {
        subject: format!("Your {qualifier} run times out soon"),
        body: format!(
            "Start your run in {qualifier} before {}, or it is forfeited.\n\n{organization} · change what you get under Notifications there.",
            discord_time(timeout_at)
        ),
    }
}

pub fn test(organization: &str) -> Message {
    Message {
        subject: "Test notification".to_string(),
        body: format!(
            "This is the test notification you asked for in {organization}. Notifications reach you here."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_match_and_show_discord_times() {
        let m = MatchRef {
            title: "Final",
            tournament: "Spring Cup",
            organization: "League",
        };
        let moved = match_rescheduled(&m, 1_000_000, 2_000_000);
        assert_eq!(moved.subject, "Match moved: Final (Spring Cup)");
        assert!(
            moved.body.contains("<t:1000:F>") && moved.body.contains("<t:2000:F>"),
            "{}",
            moved.body
        );
        let untitled = MatchRef { title: " ", ..m };
        assert_eq!(
            starting_soon(&untitled, 0, 5).subject,
            "Starting in 5 minutes: Your Spring Cup match"
        );
        assert!(crew_approved(&m, "commentator", None)
            .body
            .contains("not scheduled yet"));
    }
}
