//! Which organization may make the bot post where: the one check every plugin goes through
//! before the site-wide bot posts to a Discord channel an organization chose.
//!
//! The bot is one Discord application for the whole site, present in every organization's
//! Discord server. A channel id typed into a setting is only digits, so without a check org A
//! could make the bot post into org B's server. [`ensure_channel_in_org`] resolves the channel
//! to its server through Discord (`GET /channels/{id}` answers its `guild_id`) and accepts it
//! only when that server is linked to this organization (`discord_guilds`, see
//! [`super::linked_org`]).
//!
//! It runs twice:
//! - **when the channel is saved** — by the platform for every config property whose schema says
//!   `"format": "discord_channel"` (plugin settings in the plugin host, organization task
//!   config in the tasks engine, both through [`check_config_channels`]), and by plugins that
//!   keep channels in their own tables (async qualifiers);
//! - **right before posting** ([`checked_rest`]), so a server unlinked (or linked to another
//!   organization) after the channel was saved stops receiving posts at once.
//!
//! Rule when the site has no bot: nothing can be posted at all, and a channel cannot be checked,
//! so saving one is accepted unchecked ([`check_channel_on_save`]). That is safe because the
//! post-time check is the one that guards: once a bot is configured, a channel saved meanwhile
//! gets nothing unless it is in one of the organization's linked servers. (Refusing instead
//! would stop organizations from preparing their settings and tasks before the site admin sets
//! up the bot.) Posting without a bot fails with a clear message.
//!
//! Discord never moves a channel to another server, so channel → server answers are cached
//! briefly ([`CACHE_TTL`], at most [`CACHE_MAX`] entries); the server → organization link is
//! read from the database every time, so unlinking takes effect on the next post.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use serde_json::Value;

use super::{linked_org, BotRuntime, DiscordRest};
use crate::{db::Db, Error};

/// The JSON Schema `format` that marks a config property as a Discord channel id.
pub const CHANNEL_FORMAT: &str = "discord_channel";
/// How long a channel → server answer is reused.
pub const CACHE_TTL: Duration = Duration::from_secs(10 * 60);
/// How many channel → server answers are kept.
pub const CACHE_MAX: usize = 1024;

/// Channel id → (server id, when Discord said so). Bounded; see the module docs.
#[derive(Debug, Default)]
pub struct GuildCache {
    entries: Mutex<HashMap<String, (String, Instant)>>,
}

impl GuildCache {
    fn get(&self, channel_id: &str) -> Option<String> {
        let entries = self.entries.lock().ok()?;
        let (guild, at) = entries.get(channel_id)?;
        (at.elapsed() < CACHE_TTL).then(|| guild.clone())
    }

    fn put(&self, channel_id: &str, guild_id: &str) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CACHE_MAX {
            entries.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
        }
        if entries.len() >= CACHE_MAX {
            entries.clear();
        }
        entries.insert(
            channel_id.to_string(),
            (guild_id.to_string(), Instant::now()),
        );
    }

    /// Forgets everything (the bot's token or Discord URL changed).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A Discord id as users paste it: 5 to 25 digits.
pub fn is_discord_id(text: &str) -> bool {
    (5..=25).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

fn not_linked(field: &str, channel_id: &str) -> Error {
    // The same answer whether Discord does not know the channel, the bot cannot see it, or it is
    // in a server of no / another organization: nobody learns who owns a channel.
    Error::invalid(
        field,
        format!(
            "The Discord channel {channel_id} is not in a Discord server linked to this \
             organization. Link the server first on the organization's Discord page, and check \
             that the bot can see the channel."
        ),
    )
}

fn no_bot(field: &str) -> Error {
    Error::invalid(
        field,
        "The Discord bot is not configured on this site, so SahaBot cannot check that this \
         channel is in your organization's Discord server. Leave the channel empty, or ask a \
         site admin to set up the bot.",
    )
}

/// Accepts `channel_id` only when it is a channel (or thread) of a Discord server linked to
/// organization `org_id`; otherwise an [`Error::Invalid`] on `field` that says what to do.
/// Discord being unreachable is an [`Error::Upstream`].
pub async fn ensure_channel_in_org(
    bot: &BotRuntime,
    db: &Db,
    org_id: i64,
    field: &str,
    channel_id: &str,
) -> Result<(), Error> {
    let channel_id = channel_id.trim();
    if !is_discord_id(channel_id) {
        return Err(Error::invalid(
            field,
            "Paste the channel's id (digits only; in Discord: right-click the channel → Copy \
             Channel ID).",
        ));
    }
    let rest = bot.rest().map_err(|_| no_bot(field))?;
    let guild = match bot.channel_guilds.get(channel_id) {
        Some(guild) => guild,
        None => match rest.channel_guild(channel_id).await? {
            Some(guild) => {
                bot.channel_guilds.put(channel_id, &guild);
                guild
            }
            None => return Err(not_linked(field, channel_id)),
        },
    };
    match linked_org(db, &guild).await? {
        Some(owner) if owner == org_id => Ok(()),
        _ => Err(not_linked(field, channel_id)),
    }
}

/// The save-time check of a channel an organization chose: [`ensure_channel_in_org`] when the
/// site has a bot; without one nothing can be posted or checked, so only the id's shape is
/// checked (see the module docs for why that is safe).
pub async fn check_channel_on_save(
    bot: &BotRuntime,
    db: &Db,
    org_id: i64,
    field: &str,
    channel_id: &str,
) -> Result<(), Error> {
    if bot.rest().is_err() {
        return if is_discord_id(channel_id.trim()) {
            Ok(())
        } else {
            Err(Error::invalid(
                field,
                "Paste the channel's id (digits only; in Discord: right-click the channel → \
                 Copy Channel ID).",
            ))
        };
    }
    ensure_channel_in_org(bot, db, org_id, field, channel_id).await
}

/// The bot's REST client for posting to `channel_id` on behalf of `org_id`, after
/// [`ensure_channel_in_org`]: what every post to a channel an organization chose goes through.
pub async fn checked_rest(
    bot: &BotRuntime,
    db: &Db,
    org_id: i64,
    field: &str,
    channel_id: &str,
) -> Result<DiscordRest, Error> {
    ensure_channel_in_org(bot, db, org_id, field, channel_id).await?;
    bot.rest()
}

/// Dotted paths of the properties of `schema` (nested objects included) whose `format` is
/// [`CHANNEL_FORMAT`].
pub fn channel_fields(schema: &Value) -> Vec<String> {
    fn walk(schema: &Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (key, property) in properties {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if property.get("format").and_then(Value::as_str) == Some(CHANNEL_FORMAT) {
                out.push(path.clone());
            }
            // Schemas come from plugin code, but stay bounded anyway.
            if depth < 8 {
                walk(property, &path, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(schema, "", 0, &mut out);
    out
}

fn text_at<'v>(config: &'v Value, dotted: &str) -> Option<&'v str> {
    dotted
        .split('.')
        .try_fold(config, |node, key| node.as_object()?.get(key))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The save-time check of a configuration: every Discord channel property of `schema` that
/// `after` sets to a new, non-empty value (compared with `before`, the configuration in force
/// until now) must pass [`check_channel_on_save`]. Unchanged channels are not checked again
/// here — the post-time check covers them — so saving other settings never depends on Discord.
pub async fn check_config_channels(
    bot: &BotRuntime,
    db: &Db,
    org_id: i64,
    schema: &Value,
    before: Option<&Value>,
    after: &Value,
) -> Result<(), Error> {
    for field in channel_fields(schema) {
        let Some(channel) = text_at(after, &field) else {
            continue;
        };
        if before.and_then(|b| text_at(b, &field)) == Some(channel) {
            continue;
        }
        check_channel_on_save(bot, db, org_id, &field, channel).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn channel_fields_are_found_by_format() {
        let schema = json!({
            "type": "object",
            "properties": {
                "announce": {"type": "string", "format": "discord_channel"},
                "other": {"type": "string"},
                "nested": {"type": "object", "properties": {
                    "log": {"type": "string", "format": "discord_channel"}
                }}
            }
        });
        let mut fields = channel_fields(&schema);
        fields.sort();
        assert_eq!(
            fields,
            vec!["announce".to_string(), "nested.log".to_string()]
        );
        let config = json!({"announce": " 123456 ", "nested": {"log": ""}});
        assert_eq!(text_at(&config, "announce"), Some("123456"));
        assert_eq!(text_at(&config, "nested.log"), None);
        assert_eq!(text_at(&config, "missing.key"), None);
    }

    #[test]
    fn ids_are_digits() {
        assert!(is_discord_id("12345"));
        assert!(!is_discord_id("1234"));
        assert!(!is_discord_id("12345/../x"));
        assert!(!is_discord_id(&"1".repeat(26)));
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = GuildCache::default();
        for i in 0..(CACHE_MAX + 10) {
            cache.put(&i.to_string(), "1");
        }
        assert!(cache.len() <= CACHE_MAX, "{}", cache.len());
        assert_eq!(
            cache.get(&(CACHE_MAX + 9).to_string()).as_deref(),
            Some("1")
        );
    }
}
