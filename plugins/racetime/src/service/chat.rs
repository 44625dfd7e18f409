//! Answers to the `!commands` typed in a room (`rules::chat` reads them). Randomizer commands
//! roll from the organization's presets through the presets plugin, only when that
//! randomizer's plugin is on for the organization, at most one roll per room every 30 seconds
//! (anyone in the chat can type them, and each roll calls the randomizer's site).

use presets::service::RollRequest;
use sdk::Actor;

use super::Racetime;
use crate::{
    repo::rooms::RoomRow,
    rules::{
        chat::{ChatCommand, ROLL_COMMANDS},
        race::RaceData,
    },
};

/// The shortest time between two rolls in one room.
pub const ROLL_COOLDOWN_MS: i64 = 30_000;

fn status_words(status: &str) -> &str {
    match status {
        "open" => "open",
        "invitational" => "invitational (invited players only)",
        "pending" => "counting down",
        "in_progress" => "in progress",
        "finished" => "finished",
        "cancelled" => "cancelled",
        other => other,
    }
}

fn clock(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

impl Racetime {
    /// The line to post for `command` in the room.
    pub(super) async fn answer(
        &self,
        row: &RoomRow,
        command: ChatCommand,
        last_roll: &mut i64,
        now: i64,
    ) -> String {
        let race: RaceData = row.race().unwrap_or_default();
        match command {
            ChatCommand::Help => {
                let mut rolls: Vec<&str> = Vec::new();
                for (word, plugin) in ROLL_COMMANDS {
                    if self
                        .platform
                        .plugins
                        .is_enabled(row.organization_id, plugin)
                        .await
                        .unwrap_or(false)
                    {
                        rolls.push(word);
                    }
                }
                let rolls = if rolls.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; rolls: {}",
                        rolls
                            .iter()
                            .map(|w| format!("!{w} <preset>"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                format!("Commands: !seed (the seed again), !status, !time, !entrants{rolls}.")
            }
            ChatCommand::Status => {
                let what = if row.title.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", row.title)
                };
                format!("{what}the race is {}.", status_words(&row.race_status))
            }
            ChatCommand::Seed => match &row.seed_url {
                Some(url) => format!("Seed: {url}"),
                None => "This room has no seed.".into(),
            },
            ChatCommand::Time => match (race.started_at, race.status.value.as_str()) {
                (Some(start), "in_progress") if start <= now => {
                    format!("Race time: {}", clock(now - start))
                }
                (Some(start), "pending") => format!(
                    "The race starts in {} seconds.",
                    ((start - now) / 1000).max(0)
                ),
                (Some(start), _) if race.ended_at.is_some() => {
                    format!(
                        "The race ran {}.",
                        clock(race.ended_at.unwrap_or(start) - start)
                    )
                }
                _ => "The race has not started.".into(),
            },
            ChatCommand::Entrants => {
                if race.entrants.is_empty() {
                    return "No entrants yet.".into();
                }
                let list: Vec<String> = race
                    .entrants
                    .iter()
                    .filter_map(|e| {
                        let user = e.user.as_ref()?;
                        Some(format!(
                            "{} ({})",
                            user.name,
                            e.status.value.replace('_', " ")
                        ))
                    })
                    .collect();
                format!("Entrants: {}", list.join(", "))
            }
            ChatCommand::Roll {
                randomizer,
                mystery,
                args,
            } => {
                self.chat_roll(row, &randomizer, mystery, &args, last_roll, now)
                    .await
            }
            ChatCommand::Unknown(word) => format!("There is no command !{word}: try !help."),
        }
    }

    async fn chat_roll(
        &self,
        row: &RoomRow,
        randomizer: &str,
        mystery: bool,
        preset: &str,
        last_roll: &mut i64,
        now: i64,
    ) -> String {
        let org = row.organization_id;
        if !self
            .platform
            .plugins
            .is_enabled(org, randomizer)
            .await
            .unwrap_or(false)
        {
            return format!(
                "The {randomizer} randomizer is not switched on for this organization."
            );
        }
        let preset = preset.trim();
        if preset.is_empty() {
            let what = if mystery { "weightset" } else { "preset" };
            return format!(
                "Name a {what}: !{} <{what}>.",
                if mystery { "mystery" } else { randomizer }
            );
        }
        if now - *last_roll < ROLL_COOLDOWN_MS {
            return "One roll every 30 seconds in a room: try again in a moment.".into();
        }
        let previous = std::mem::replace(last_roll, now);
        let (namespace, name) = match preset.split_once('/') {
            Some((ns, name)) => (Some(ns.to_string()), name.to_string()),
            None => (None, preset.to_string()),
        };
        let rolled = presets::service::Presets::new(self.platform.clone())
            .roll_seed_for(
                org,
                &Actor::system(),
                RollRequest {
                    randomizer: randomizer.to_string(),
                    namespace,
                    preset: Some(name),
                    settings: None,
                    spoiler: false,
                    tournament: true,
                    source: "racetime".into(),
                },
                Some(presets::model::SeedUse {
                    kind: "race".into(),
                    id: Some(row.id),
                    label: if row.title.is_empty() {
                        format!("Race room {}", row.id)
                    } else {
                        row.title.clone()
                    },
                    path: None,
                }),
                now,
            )
            .await;
        match rolled {
            Ok(seed) => {
                let code = seed
                    .file_select_code
                    .map(|c| format!(" ({})", c.join("/")))
                    .unwrap_or_default();
                format!("{} seed ({}): {}{code}", randomizer, seed.preset, seed.url)
            }
            Err(e) => {
                // A preset that is not there or not allowed never reached the site: no wait.
                if matches!(
                    e.kind(),
                    "NotFound" | "Invalid" | "Forbidden" | "NotEnabled"
                ) {
                    *last_roll = previous;
                }
                format!("No seed: {}", e.message())
            }
        }
    }
}
