//! The fake's Guild Scheduled Event API (`/guilds/{guild}/scheduled-events[/{id}]`): list,
//! create, modify, delete — in servers the bot is in ([`FakeDiscord::add_guild`] or a channel's),
//! checking the fields Discord requires (name 1–100 characters, `privacy_level` 2, an RFC 3339
//! `scheduled_start_time`, an `entity_type`, and for EXTERNAL (3) an `entity_metadata.location`
//! of 1–100 characters and a `scheduled_end_time` after the start; a description of at most
//! 1000) and answering 400 "Invalid Form Body" otherwise, 404 "Unknown Guild Scheduled Event"
//! (code 10070) for an id it does not have. Tests read the events with
//! [`FakeDiscord::scheduled_events`], delete one behind the app's back with
//! [`FakeDiscord::delete_scheduled_event`], and add one made by someone with
//! [`FakeDiscord::add_scheduled_event`].

use super::{rest::error, *};

/// A scheduled event in a fake server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledEvent {
    pub id: String,
    pub guild_id: String,
    pub name: String,
    pub description: String,
    /// `entity_metadata.location` (EXTERNAL events).
    pub location: String,
    /// As sent (RFC 3339).
    pub scheduled_start_time: String,
    pub scheduled_end_time: String,
    pub privacy_level: u64,
    pub entity_type: u64,
    /// Who made it: [`BOT_USER_ID`] for the app's.
    pub creator_id: String,
}

impl ScheduledEvent {
    fn json(&self) -> Value {
        json!({
            "id": self.id,
            "guild_id": self.guild_id,
            "channel_id": null,
            "creator_id": self.creator_id,
            "name": self.name,
            "description": self.description,
            "scheduled_start_time": self.scheduled_start_time,
            "scheduled_end_time": self.scheduled_end_time,
            "privacy_level": self.privacy_level,
            "status": 1,
            "entity_type": self.entity_type,
            "entity_id": null,
            "entity_metadata": { "location": self.location },
        })
    }

    /// Applies the fields a create or modify body sets.
    fn apply(&mut self, body: &Value) {
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
        if let Some(v) = text("name") {
            self.name = v;
        }
        if let Some(v) = text("description") {
            self.description = v;
        }
        if let Some(v) = text("scheduled_start_time") {
            self.scheduled_start_time = v;
        }
        if let Some(v) = text("scheduled_end_time") {
            self.scheduled_end_time = v;
        }
        if let Some(v) = body
            .pointer("/entity_metadata/location")
            .and_then(Value::as_str)
        {
            self.location = v.to_string();
        }
        if let Some(v) = body.get("privacy_level").and_then(Value::as_u64) {
            self.privacy_level = v;
        }
        if let Some(v) = body.get("entity_type").and_then(Value::as_u64) {
            self.entity_type = v;
        }
    }

    /// What Discord would refuse, as its error message.
    fn problem(&self) -> Option<String> {
        let chars = |s: &str| s.chars().count();
        let time = |s: &str| sdk::time::parse_rfc3339(s).ok();
        if !(1..=100).contains(&chars(&self.name)) {
            return Some("name: Must be between 1 and 100 in length.".into());
        }
        if chars(&self.description) > 1000 {
            return Some("description: Must be 1000 or fewer in length.".into());
        }
        if self.privacy_level != 2 {
            return Some("privacy_level: Value must be one of {2}.".into());
        }
        if !(1..=3).contains(&self.entity_type) {
            return Some("entity_type: Value must be one of {1, 2, 3}.".into());
        }
        let Some(start) = time(&self.scheduled_start_time) else {
            return Some("scheduled_start_time: This field is required (an ISO8601 time).".into());
        };
        if self.entity_type == 3 {
            if !(1..=100).contains(&chars(&self.location)) {
                return Some(
                    "entity_metadata.location: Required for EXTERNAL events, 1 to 100 long.".into(),
                );
            }
            match time(&self.scheduled_end_time) {
                None => {
                    return Some(
                        "scheduled_end_time: Required for EXTERNAL events (an ISO8601 time)."
                            .into(),
                    )
                }
                Some(end) if end <= start => {
                    return Some("scheduled_end_time: Must be after the start time.".into())
                }
                Some(_) => {}
            }
        }
        None
    }
}

fn invalid(problem: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "message": format!("Invalid Form Body ({problem})"), "code": 50035 })),
    )
        .into_response()
}

fn unknown_event() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "message": "Unknown Guild Scheduled Event", "code": 10070 })),
    )
        .into_response()
}

fn knows_guild(i: &Inner, guild: &str) -> bool {
    i.guilds.iter().any(|g| g == guild) || i.channels.values().any(|g| g == guild)
}

/// `…/guilds/{guild}/scheduled-events[/{id}]`; None when the path is not one of these.
pub(super) fn scheduled_api(
    shared: &Shared,
    method: &Method,
    path: &[&str],
    body: &Value,
) -> Option<Response> {
    let (guild, id) = match path {
        ["guilds", guild, "scheduled-events"] => (*guild, None),
        ["guilds", guild, "scheduled-events", id] => (*guild, Some(*id)),
        _ => return None,
    };
    if !shared.with(|i| knows_guild(i, guild)) {
        return Some(error(StatusCode::NOT_FOUND, "Unknown Guild"));
    }
    Some(match (method.as_str(), id) {
        ("GET", None) => Json(shared.with(|i| {
            i.scheduled_events
                .iter()
                .filter(|e| e.guild_id == guild)
                .map(ScheduledEvent::json)
                .collect::<Vec<_>>()
        }))
        .into_response(),
        ("POST", None) => {
            let mut event = ScheduledEvent {
                id: shared.next_id(),
                guild_id: guild.to_string(),
                name: String::new(),
                description: String::new(),
                location: String::new(),
                scheduled_start_time: String::new(),
                scheduled_end_time: String::new(),
                privacy_level: 0,
                entity_type: 0,
                creator_id: BOT_USER_ID.to_string(),
            };
            event.apply(body);
            if let Some(problem) = event.problem() {
                return Some(invalid(&problem));
            }
            let answer = event.json();
            shared.with(|i| i.scheduled_events.push(event));
            Json(answer).into_response()
        }
        ("GET", Some(id)) => match shared.with(|i| {
            i.scheduled_events
                .iter()
                .find(|e| e.guild_id == guild && e.id == id)
                .map(ScheduledEvent::json)
        }) {
            Some(event) => Json(event).into_response(),
            None => unknown_event(),
        },
        ("PATCH", Some(id)) => shared.with(|i| {
            let Some(event) = i
                .scheduled_events
                .iter_mut()
                .find(|e| e.guild_id == guild && e.id == id)
            else {
                return unknown_event();
            };
            let mut changed = event.clone();
            changed.apply(body);
            if let Some(problem) = changed.problem() {
                return invalid(&problem);
            }
            *event = changed;
            Json(event.json()).into_response()
        }),
        ("DELETE", Some(id)) => shared.with(|i| {
            let before = i.scheduled_events.len();
            i.scheduled_events
                .retain(|e| !(e.guild_id == guild && e.id == id));
            if i.scheduled_events.len() < before {
                StatusCode::NO_CONTENT.into_response()
            } else {
                unknown_event()
            }
        }),
        _ => error(StatusCode::METHOD_NOT_ALLOWED, "405: Method Not Allowed"),
    })
}

impl FakeDiscord {
    /// The scheduled events in server `guild_id`, oldest first.
    pub fn scheduled_events(&self, guild_id: &str) -> Vec<ScheduledEvent> {
        self.shared.with(|i| {
            i.scheduled_events
                .iter()
                .filter(|e| e.guild_id == guild_id)
                .cloned()
                .collect()
        })
    }

    /// Deletes an event as someone in Discord would, behind the app's back; false when there
    /// was none with that id.
    pub fn delete_scheduled_event(&self, guild_id: &str, event_id: &str) -> bool {
        self.shared.with(|i| {
            let before = i.scheduled_events.len();
            i.scheduled_events
                .retain(|e| !(e.guild_id == guild_id && e.id == event_id));
            i.scheduled_events.len() < before
        })
    }

    /// Adds an EXTERNAL event made by `creator_id` (the bot's [`BOT_USER_ID`], or a person's)
    /// in server `guild_id`, starting in a day; returns its id.
    pub fn add_scheduled_event(&self, guild_id: &str, name: &str, creator_id: &str) -> String {
        self.add_scheduled_event_described(guild_id, name, creator_id, "")
    }

    /// [`Self::add_scheduled_event`] with a description (e.g. the footer a plugin marks its
    /// events with).
    pub fn add_scheduled_event_described(
        &self,
        guild_id: &str,
        name: &str,
        creator_id: &str,
        description: &str,
    ) -> String {
        let id = self.shared.next_id();
        let start = sdk::time::now_ms() + 86_400_000;
        let event = ScheduledEvent {
            id: id.clone(),
            guild_id: guild_id.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            location: "somewhere".into(),
            scheduled_start_time: sdk::time::rfc3339_utc(start),
            scheduled_end_time: sdk::time::rfc3339_utc(start + 3_600_000),
            privacy_level: 2,
            entity_type: 3,
            creator_id: creator_id.to_string(),
        };
        self.shared.with(|i| i.scheduled_events.push(event));
        id
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const GUILD: &str = "7000000000000001";

    #[tokio::test]
    async fn scheduled_events_are_checked_like_discord_checks_them() {
        let fake = FakeDiscord::start().await;
        fake.add_guild(GUILD);
        let rest = sdk::bot::DiscordRest::new(format!("{}/v10", fake.api_url()), "token");
        let path = format!("/guilds/{GUILD}/scheduled-events");
        let good = json!({
            "name": "Round 1", "privacy_level": 2, "entity_type": 3,
            "entity_metadata": {"location": "https://twitch.tv/x"},
            "scheduled_start_time": "2030-01-01T10:00:00Z",
            "scheduled_end_time": "2030-01-01T11:00:00Z",
        });
        let created = rest.post(&path, &good).await.unwrap();
        let id = created["id"].as_str().unwrap().to_string();
        assert_eq!(created["creator_id"], BOT_USER_ID);
        // Each missing requirement is refused, naming the field.
        for (key, value) in [
            ("name", json!("")),
            ("privacy_level", json!(1)),
            ("scheduled_start_time", json!("tomorrow")),
            ("scheduled_end_time", json!("2029-01-01T10:00:00Z")),
            ("entity_metadata", json!({})),
        ] {
            let mut body = good.clone();
            body[key] = value;
            let e = rest.post(&path, &body).await.unwrap_err();
            assert!(e.message().contains("Invalid Form Body"), "{key}: {e}");
        }
        // Modify, list, delete; an unknown id is Discord's 404.
        rest.patch(&format!("{path}/{id}"), &json!({"name": "Round 2"}))
            .await
            .unwrap();
        assert_eq!(fake.scheduled_events(GUILD)[0].name, "Round 2");
        let listed = rest.get(&path).await.unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1);
        let (status, _) = rest
            .call(reqwest::Method::DELETE, &format!("{path}/{id}"), None)
            .await
            .unwrap();
        assert_eq!(status, 204);
        let e = rest
            .patch(&format!("{path}/{id}"), &json!({"name": "x"}))
            .await
            .unwrap_err();
        assert!(e.message().contains("Unknown Guild Scheduled Event"), "{e}");
        // A server the bot is not in.
        let e = rest
            .get("/guilds/7000000000000009/scheduled-events")
            .await
            .unwrap_err();
        assert!(e.message().contains("Unknown Guild"), "{e}");
        // Behind the app's back.
        let other = fake.add_scheduled_event(GUILD, "Movie night", "4200000000000001");
        assert!(fake.delete_scheduled_event(GUILD, &other));
        assert!(fake.scheduled_events(GUILD).is_empty());
    }
}
