//! What the service puts on Discord and answers there: the buttons' ids ([`Click`]), the
//! qualifier's embed with its Start button, the pools a Start click may choose from, and the
//! run's clock for "Get Timer" — under the same visibility rules as the web. The adapters that
//! receive the clicks and commands are in `crate::commands`.

use sdk::{
    bot::{Button, ButtonStyle, OutgoingMessage},
    context::Rights,
    Actor, Error,
};

use super::{pools::PoolWithLinks, views::setting, Qualifiers};
use crate::{
    repo::RaceRow,
    rules::{self, visibility::run_visibility, RaceStatus},
};

/// The pools Discord reads: the first page, of the maximum size.
const FIRST_PAGE_MAX: sdk::page::PageRequest = sdk::page::PageRequest {
    limit: Some(sdk::page::MAX_LIMIT),
    before_id: None,
};

/// The prefix of every button this plugin puts on Discord.
pub const PREFIX: &str = "async:";

/// A click on one of our buttons, read from its custom id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Click {
    /// The embed's button: start a run in the qualifier (choosing a pool when several have runs
    /// left).
    Start {
        qualifier_id: i64,
    },
    /// A pool chosen after Start.
    Pool {
        qualifier_id: i64,
        pool_id: i64,
    },
    Ready {
        race_id: i64,
    },
    Finish {
        race_id: i64,
    },
    /// Asks for confirmation first.
    Forfeit {
        race_id: i64,
    },
    ForfeitConfirmed {
        race_id: i64,
    },
    Timer {
        race_id: i64,
    },
}

impl Click {
    /// The custom id of the button for this click.
    pub fn custom_id(self) -> String {
        match self {
            Self::Start { qualifier_id } => format!("{PREFIX}start:{qualifier_id}"),
            Self::Pool {
                qualifier_id,
                pool_id,
            } => format!("{PREFIX}pool:{qualifier_id}:{pool_id}"),
            Self::Ready { race_id } => format!("{PREFIX}ready:{race_id}"),
            Self::Finish { race_id } => format!("{PREFIX}finish:{race_id}"),
            Self::Forfeit { race_id } => format!("{PREFIX}forfeit:{race_id}"),
            Self::ForfeitConfirmed { race_id } => format!("{PREFIX}forfeit_yes:{race_id}"),
            Self::Timer { race_id } => format!("{PREFIX}timer:{race_id}"),
        }
    }

    /// Reads a custom id written by [`Click::custom_id`]; `None` for anything else.
    pub fn parse(custom_id: &str) -> Option<Self> {
        let rest = custom_id.strip_prefix(PREFIX)?;
        let mut parts = rest.split(':');
        let kind = parts.next()?;
        let mut number = || parts.next()?.parse::<i64>().ok().filter(|n| *n > 0);
        let click = match kind {
            "start" => Self::Start {
                qualifier_id: number()?,
            },
            "pool" => Self::Pool {
                qualifier_id: number()?,
                pool_id: number()?,
            },
            "ready" => Self::Ready { race_id: number()? },
            "finish" => Self::Finish { race_id: number()? },
            "forfeit" => Self::Forfeit { race_id: number()? },
            "forfeit_yes" => Self::ForfeitConfirmed { race_id: number()? },
            "timer" => Self::Timer { race_id: number()? },
            _ => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(click)
    }

    /// A button that sends this click.
    pub fn button(self, label: &str, style: ButtonStyle) -> Button {
        Button::new(self.custom_id(), label, style)
    }
}

impl Qualifiers {
    /// Posts (or posts again) the qualifier's embed with the Start button in its Discord
    /// channel, only into a server still linked to the organization. Returns the message id.
    pub async fn post_embed(&self, org_id: i64, qualifier_id: i64) -> Result<String, Error> {
        let q = self.qualifier(org_id, qualifier_id).await?;
        let channel = q.discord_channel_id.clone().ok_or_else(|| {
            Error::invalid(
                "discord_channel_id",
                "Set the qualifier's Discord channel id first (under Settings), then post it.",
            )
        })?;
        // The embed lists the first page of the maximum size (200), oldest first; Discord cuts
        // a longer text.
        let mut pools = self
            .pools(org_id, qualifier_id, None, &FIRST_PAGE_MAX)
            .await?
            .items;
        pools.reverse();
        if pools.is_empty() {
            return Err(Error::invalid(
                "pools",
                "Add at least one pool with seeds before posting the qualifier to Discord.",
            ));
        }
        let mut description = String::new();
        if !q.description.trim().is_empty() {
            description.push_str(q.description.trim());
            description.push_str("\n\n");
        }
        description.push_str(&format!(
            "**Pools** (each player runs {} seed{} per pool):\n",
            q.runs_per_pool,
            if q.runs_per_pool == 1 { "" } else { "s" }
        ));
        for (pool, links, _) in &pools {
            description.push_str(&format!(
                "• {} — {} seed{}\n",
                pool.name,
                links.len(),
                if links.len() == 1 { "" } else { "s" }
            ));
        }
        description.push_str(
            "\nPress **Start New Async Run**: you get a private thread with your seed. Press Ready \
             there when you are set; the clock starts 10 seconds later.",
        );
        let message = OutgoingMessage {
            content: String::new(),
            embed: Some((format!("Async qualifier: {}", q.name), description)),
            buttons: vec![
                Click::Start { qualifier_id }.button("Start New Async Run", ButtonStyle::Primary)
            ],
        };
        sdk::bot::channels::checked_rest(
            &self.bot,
            &self.db,
            org_id,
            "discord_channel_id",
            &channel,
        )
        .await?
        .send(&channel, &message)
        .await
    }

    /// The pools a Start click offers the actor: those with seeds and runs left, oldest first
    /// (from the first page of the maximum size).
    pub async fn open_pools(
        &self,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
    ) -> Result<Vec<PoolWithLinks>, Error> {
        let user = actor.id()?;
        Ok(self
            .pools(org_id, qualifier_id, Some(user), &FIRST_PAGE_MAX)
            .await?
            .items
            .into_iter()
            .rev()
            .filter(|(_, links, left)| *left > 0 && !links.is_empty())
            .collect())
    }

    /// What the "Get Timer" button answers the actor about a run at `now`: its clock, when they
    /// may see the run's results (their own run, or results not hidden from them).
    pub async fn timer(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        now: i64,
    ) -> Result<String, Error> {
        if actor.user.is_none() {
            return Err(Error::unauthenticated(
                "Link your Discord account on the site first.",
            ));
        }
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        let r = self.race(org_id, race_id).await?;
        let q = self.qualifier(org_id, r.qualifier_id).await?;
        if !run_visibility(setting(&q), &viewer, r.user_id).results {
            return Err(Error::forbidden(
                "This qualifier hides others' results until it closes; Get Timer shows your own runs.",
            ));
        }
        Ok(timer_text(&r, now))
    }
}

/// What "Get Timer" answers at `now`.
pub fn timer_text(race: &RaceRow, now: i64) -> String {
    match (race.status, race.start_time) {
        (RaceStatus::Pending, _) => "You have not pressed Ready yet.".to_string(),
        (RaceStatus::InProgress, Some(start)) if now < start => format!(
            "The clock starts in {} s.",
            (start - now + 999).div_euclid(1000)
        ),
        (RaceStatus::InProgress, Some(start)) => {
            format!("Running: **{}**", rules::hms((now - start) as f64 / 1000.0))
        }
        (status, _) => match race.elapsed_seconds() {
            Some(elapsed) => format!("{}: **{}**", status.label(), rules::hms(elapsed)),
            None => format!("This run is {}.", status.label().to_lowercase()),
        },
    }
}
#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Click;

    #[test]
    fn custom_ids_round_trip() {
        let clicks = [
            Click::Start { qualifier_id: 3 },
            Click::Pool {
                qualifier_id: 3,
                pool_id: 9,
            },
            Click::Ready { race_id: 12 },
            Click::Finish { race_id: 12 },
            Click::Forfeit { race_id: 12 },
            Click::ForfeitConfirmed { race_id: 12 },
            Click::Timer { race_id: 12 },
        ];
        for click in clicks {
            let id = click.custom_id();
            assert!(id.len() <= 100, "{id}");
            assert_eq!(Click::parse(&id), Some(click), "{id}");
        }
        assert_eq!(
            Click::Pool {
                qualifier_id: 3,
                pool_id: 9
            }
            .custom_id(),
            "async:pool:3:9"
        );
    }

    #[test]
    fn foreign_or_damaged_ids_are_not_clicks() {
        for id in [
            "",
            "async:",
            "async:ready",
            "async:ready:x",
            "async:ready:0",
            "async:ready:-4",
            "async:ready:4:5",
            "async:pool:3",
            "async:fly:3",
            "presets:ready:3",
        ] {
            assert_eq!(Click::parse(id), None, "{id}");
        }
    }
}
