//! Linking a Discord server: the invite's signed state, the invite URL, who may link a server,
//! what a link may replace, the callback's checks and where the browser goes afterwards.

use sdk::Error;
use serde_json::Value;

use crate::{
    model::{InviteLink, LinkOutcome},
    settings::Settings,
};

/// How long an invite's state is accepted.
pub const STATE_VALIDITY_MS: i64 = 15 * 60 * 1000;
/// Discord's ADMINISTRATOR permission bit.
pub const ADMINISTRATOR: u64 = 0x8;
/// What the bot asks for when invited: view channels (0x400), send messages (0x800), embed
/// links (0x4000), read message history (0x10000).
pub const BOT_PERMISSIONS: u64 = 0x400 | 0x800 | 0x4000 | 0x10000;

/// What a verified state says: who started adding the bot, for which organization, until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkState {
    pub org_id: i64,
    pub user_id: i64,
    pub expires_at: i64,
}

/// What the state's signature is for (`sdk::auth::signed`).
const STATE_PURPOSE: &str = "discordbot-link";

/// `org.user.expires.signature`: HMAC-SHA256 with the site's secret key over the three numbers.
pub fn sign_state(key: &str, state: LinkState) -> Result<String, Error> {
    sdk::auth::signed::sign(
        key,
        STATE_PURPOSE,
        &[state.org_id, state.user_id, state.expires_at],
    )
}

fn damaged() -> Error {
    Error::invalid(
        "state",
        "The answer from Discord does not carry a link this site issued (it is damaged or was \
         changed). Start again with \"Add the bot\" on the organization's Discord page.",
    )
}

/// Checks the signature and the expiry of a state.
pub fn verify_state(key: &str, text: &str, now: i64) -> Result<LinkState, Error> {
    let [org_id, user_id, expires_at] =
        sdk::auth::signed::verify(key, STATE_PURPOSE, text, 3).ok_or_else(damaged)?[..]
    else {
        return Err(damaged());
    };
    if now > expires_at {
        return Err(Error::invalid(
            "state",
            "Adding the bot took longer than 15 minutes, so the link expired. Start again with \
             \"Add the bot\" on the organization's Discord page.",
        ));
    }
    Ok(LinkState {
        org_id,
        user_id,
        expires_at,
    })
}

/// The organization a state names, unverified: only for where to send the browser back.
pub fn claimed_org(text: &str) -> Option<i64> {
    text.split('.').next()?.parse().ok()
}

/// The signed-in user must be the one the state was issued to.
pub fn check_state_user(state: &LinkState, user_id: i64) -> Result<(), Error> {
    if state.user_id == user_id {
        Ok(())
    } else {
        Err(Error::forbidden(
            "This link to add the bot was started by another SahaBot user. Sign in as that \
             person, or start again with \"Add the bot\" yourself.",
        ))
    }
}

/// Why the invite cannot work on this site, if it cannot.
pub fn invite_problem(settings: &Settings) -> Option<String> {
    if settings.client_id.is_none() || settings.client_secret.is_none() {
        Some(
            "This site has no Discord application configured (SAHABOT_DISCORD_CLIENT_ID and \
             SAHABOT_DISCORD_CLIENT_SECRET), so the bot cannot be invited from here."
                .into(),
        )
    } else if settings.secret_key.is_empty() {
        Some("This site has no secret key, so invite links cannot be signed.".into())
    } else if settings.base_url.is_empty() {
        Some("This site does not know its address (SAHABOT_BASE_URL).".into())
    } else {
        None
    }
}

/// The bot invite: Discord's consent screen for adding the bot (and its slash commands) to a
/// server, which also lets us list the user's servers (`guilds`) to check their rights there.
pub fn invite_url(settings: &Settings, state: &str) -> Result<String, Error> {
    // The site is not set up for it: a state of this site (409), not a failure of Discord's.
    if let Some(problem) = invite_problem(settings) {
        return Err(Error::conflict(problem));
    }
    settings.oauth_app()?.authorize_url(
        &["bot", "applications.commands", "guilds"],
        state,
        &[("permissions", &BOT_PERMISSIONS.to_string())],
    )
}

/// A fresh invite for `user_id` in `org_id`, valid for [`STATE_VALIDITY_MS`] from `now`.
pub fn new_invite(
    settings: &Settings,
    org_id: i64,
    user_id: i64,
    now: i64,
) -> Result<InviteLink, Error> {
    let expires_at = now + STATE_VALIDITY_MS;
    let state = sign_state(
        &settings.secret_key,
        LinkState {
            org_id,
            user_id,
            expires_at,
        },
    )?;
    Ok(InviteLink {
        url: invite_url(settings, &state)?,
        expires_at,
    })
}

/// A server as Discord lists it for the signed-in user (`GET /users/@me/guilds`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserGuild {
    pub id: String,
    pub name: String,
    pub owner: bool,
    pub permissions: u64,
}

impl UserGuild {
    /// From Discord's JSON; `permissions` is a decimal string (a number is accepted too).
    pub fn from_json(value: &Value) -> Option<Self> {
        let permissions = match value.get("permissions") {
            Some(Value::String(s)) => s.parse().unwrap_or(0),
            Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
            _ => 0,
        };
        Some(Self {
            id: value.get("id")?.as_str()?.to_string(),
            name: value
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            owner: value.get("owner").and_then(Value::as_bool).unwrap_or(false),
            permissions,
        })
    }

    /// The owner, or anyone with ADMINISTRATOR, administers the server.
    pub fn administers(&self) -> bool {
        self.owner || self.permissions & ADMINISTRATOR == ADMINISTRATOR
    }
}

/// The server the bot was added to, if the user administers it; the refusal says why not.
pub fn guild_to_link<'a>(guilds: &'a [UserGuild], guild_id: &str) -> Result<&'a UserGuild, Error> {
    let Some(guild) = guilds.iter().find(|g| g.id == guild_id) else {
        return Err(Error::forbidden(
            "Your Discord account is not a member of the server the bot was added to, so it \
             cannot be linked by you.",
        ));
    };
    if guild.administers() {
        Ok(guild)
    } else {
        Err(Error::forbidden(format!(
            "You need the Administrator permission in the Discord server {} (or to own it) to \
             link it. Ask one of its administrators to add the bot.",
            guild.name
        )))
    }
}

/// A server is linked to one organization at most. When linking `guild_name` to `org_id` finds
/// it already linked (`current`: the organization and its name), Ok means it is ours and only its
/// name is refreshed; another organization's server is a Conflict naming it; a link that vanished
/// in between is a Conflict asking to try again.
pub fn relink(org_id: i64, guild_name: &str, current: Option<(i64, &str)>) -> Result<(), Error> {
    match current {
        Some((owner, _)) if owner == org_id => Ok(()),
        Some((_, other)) => Err(Error::conflict(format!(
            "The Discord server {guild_name} is already linked to the organization {other}. An \
             admin of {other} must unlink it there first."
        ))),
        None => Err(Error::conflict(
            "The Discord server changed while it was being linked. Try again.",
        )),
    }
}

/// What Discord sends back to the link callback.
#[derive(Debug, Clone, Default)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub guild_id: Option<String>,
    /// Set when the user cancelled on Discord (`access_denied`).
    pub error: Option<String>,
    pub error_description: Option<String>,
}

impl Callback {
    /// The state, which every answer of ours carries.
    pub fn state(&self) -> Result<&str, Error> {
        self.state.as_deref().ok_or_else(|| {
            Error::invalid(
                "state",
                "Discord's answer carries no state, so it cannot be matched to an organization. \
                 Start again with \"Add the bot\" on the organization's Discord page.",
            )
        })
    }

    /// Refused when the user cancelled on Discord.
    pub fn not_cancelled(&self) -> Result<(), Error> {
        match &self.error {
            Some(error) => Err(Error::forbidden(format!(
                "Adding the bot was cancelled on Discord ({}).",
                self.error_description.as_deref().unwrap_or(error)
            ))),
            None => Ok(()),
        }
    }

    /// The authorization code and the server the bot was added to.
    pub fn code_and_guild(&self) -> Result<(&str, &str), Error> {
        match (&self.code, &self.guild_id) {
            (Some(code), Some(guild_id)) => Ok((code, guild_id)),
            _ => Err(Error::invalid(
                "code",
                "Discord's answer lacks the authorization code or the server. Add the bot again \
                 from the organization's Discord page.",
            )),
        }
    }
}

/// Where the browser goes after the callback: the organization's Discord page with the outcome
/// (`?linked=` or `?error=`), or the home page when no organization can be told.
pub fn page_after_link(outcome: &LinkOutcome) -> String {
    let (key, value) = if outcome.linked {
        ("linked", &outcome.message)
    } else {
        ("error", &outcome.message)
    };
    match outcome.org_id {
        Some(org) => format!("/org/{org}/discord?{key}={}", encode_query(value)),
        None => format!("/?discord_{key}={}", encode_query(value)),
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const KEY: &str = "test-secret-key-test-secret-key-0123456789";

    fn settings() -> Settings {
        Settings::from_lookup(|name| {
            Some(
                match name {
                    "DISCORD_CLIENT_ID" => "1234",
                    "DISCORD_CLIENT_SECRET" => "shh",
                    "SECRET_KEY" => KEY,
                    "BASE_URL" => "https://sahabot.example",
                    "DISCORD_AUTHORIZE_URL" => "https://discord.com/oauth2/authorize",
                    _ => return None,
                }
                .to_string(),
            )
        })
    }

    #[test]
    fn a_signed_state_verifies_until_it_expires() {
        let state = LinkState {
            org_id: 7,
            user_id: 42,
            expires_at: 10_000,
        };
        let text = sign_state(KEY, state).unwrap();
        assert!(text.starts_with("7.42.10000."));
        assert_eq!(verify_state(KEY, &text, 9_999).unwrap(), state);
        assert_eq!(verify_state(KEY, &text, 10_000).unwrap(), state);
        let late = verify_state(KEY, &text, 10_001).unwrap_err();
        assert!(late.message().contains("expired"), "{late:?}");
        assert_eq!(claimed_org(&text), Some(7));
    }

    #[test]
    fn a_changed_or_foreign_state_is_refused() {
        let text = sign_state(
            KEY,
            LinkState {
                org_id: 7,
                user_id: 42,
                expires_at: 10_000,
            },
        )
        .unwrap();
        // Another organization, user or expiry with the same signature.
        for forged in [
            text.replacen("7.", "8.", 1),
            text.replacen(".42.", ".43.", 1),
            text.replacen(".10000.", ".99999.", 1),
        ] {
            let err = verify_state(KEY, &forged, 0).unwrap_err();
            assert!(err.message().contains("damaged"), "{forged}: {err:?}");
        }
        // Signed with another key, cut short, not hex, nonsense.
        let other = sign_state(
            "another-key",
            LinkState {
                org_id: 7,
                user_id: 42,
                expires_at: 10_000,
            },
        )
        .unwrap();
        for bad in [
            other.as_str(),
            &text[..text.len() - 2],
            "7.42.10000.zz",
            "",
            "a.b.c.d",
        ] {
            assert!(verify_state(KEY, bad, 0).is_err(), "{bad}");
        }
        assert_eq!(claimed_org("nonsense"), None);
    }

    #[test]
    fn the_state_belongs_to_the_user_who_started() {
        let state = LinkState {
            org_id: 1,
            user_id: 5,
            expires_at: 0,
        };
        assert!(check_state_user(&state, 5).is_ok());
        let err = check_state_user(&state, 6).unwrap_err();
        assert_eq!(err.kind(), "Forbidden");
        assert!(err.message().contains("another SahaBot user"));
    }

    #[test]
    fn the_invite_asks_discord_for_the_bot_and_the_users_servers() {
        let invite = new_invite(&settings(), 7, 42, 1_000).unwrap();
        let url = reqwest::Url::parse(&invite.url).unwrap();
        assert_eq!(url.host_str(), Some("discord.com"));
        assert_eq!(url.path(), "/oauth2/authorize");
        let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(query["client_id"], "1234");
        assert_eq!(query["scope"], "bot applications.commands guilds");
        assert!(invite
            .url
            .contains("scope=bot+applications.commands+guilds"));
        assert_eq!(query["permissions"], BOT_PERMISSIONS.to_string());
        assert_eq!(query["response_type"], "code");
        assert_eq!(
            query["redirect_uri"],
            "https://sahabot.example/api/p/discordbot/link_callback"
        );
        assert_eq!(invite.expires_at, 1_000 + STATE_VALIDITY_MS);
        let state = verify_state(KEY, &query["state"], 1_000).unwrap();
        assert_eq!((state.org_id, state.user_id), (7, 42));
    }

    #[test]
    fn without_an_application_the_invite_says_what_is_missing() {
        let mut s = settings();
        s.client_secret = None;
        let err = new_invite(&s, 1, 1, 0).unwrap_err();
        assert!(
            err.message().contains("SAHABOT_DISCORD_CLIENT_SECRET"),
            "{err:?}"
        );
        assert!(invite_problem(&settings()).is_none());
    }

    #[test]
    fn owners_and_administrators_may_link() {
        let json = serde_json::json!([
            {"id": "1", "name": "Mine", "owner": true, "permissions": "0"},
            {"id": "2", "name": "Admin", "owner": false, "permissions": "2147483656"},
            {"id": "3", "name": "Moderator", "owner": false, "permissions": "8192"},
            {"id": "4", "name": "Numeric", "owner": false, "permissions": 8},
            {"name": "no id"}
        ]);
        let guilds: Vec<UserGuild> = json
            .as_array()
            .unwrap()
            .iter()
            .filter_map(UserGuild::from_json)
            .collect();
        assert_eq!(guilds.len(), 4);
        assert!(guilds[0].administers(), "owner");
        assert!(guilds[1].administers(), "ADMINISTRATOR among other bits");
        assert!(!guilds[2].administers(), "MANAGE_MESSAGES only");
        assert!(guilds[3].administers(), "permissions as a number");
        assert_eq!(guild_to_link(&guilds, "2").unwrap().name, "Admin");
        let err = guild_to_link(&guilds, "3").unwrap_err();
        assert!(err
            .message()
            .contains("Administrator permission in the Discord server Moderator"));
        let err = guild_to_link(&guilds, "99").unwrap_err();
        assert!(err.message().contains("not a member"));
    }

    #[test]
    fn linking_a_server_again_only_refreshes_it_for_its_own_organization() {
        assert!(relink(1, "Speedruns", Some((1, "Org A"))).is_ok());
        let err = relink(2, "Speedruns", Some((1, "Org A"))).unwrap_err();
        assert_eq!(err.kind(), "Conflict");
        assert!(
            err.message()
                .contains("Speedruns is already linked to the organization Org A"),
            "{err:?}"
        );
        let err = relink(1, "Speedruns", None).unwrap_err();
        assert_eq!(err.kind(), "Conflict");
        assert!(err.message().contains("Try again"), "{err:?}");
    }

    #[test]
    fn the_callback_needs_a_state_a_code_and_a_server() {
        let full = Callback {
            code: Some("c".into()),
            state: Some("s".into()),
            guild_id: Some("g".into()),
            ..Default::default()
        };
        assert_eq!(full.state().unwrap(), "s");
        assert!(full.not_cancelled().is_ok());
        assert_eq!(full.code_and_guild().unwrap(), ("c", "g"));

        let empty = Callback::default();
        assert_eq!(empty.state().unwrap_err().kind(), "Invalid");
        let no_guild = Callback {
            guild_id: None,
            ..full.clone()
        };
        assert!(no_guild.code_and_guild().is_err());
    }

    #[test]
    fn a_cancelled_callback_says_why() {
        let cancelled = Callback {
            error: Some("access_denied".into()),
            ..Default::default()
        };
        let err = cancelled.not_cancelled().unwrap_err();
        assert_eq!(err.kind(), "Forbidden");
        assert!(err.message().contains("(access_denied)"), "{err:?}");
        let described = Callback {
            error_description: Some("The user said no".into()),
            ..cancelled
        };
        assert!(described
            .not_cancelled()
            .unwrap_err()
            .message()
            .contains("(The user said no)"));
    }

    #[test]
    fn the_callback_returns_to_the_organizations_page() {
        let outcome = LinkOutcome {
            linked: false,
            org_id: Some(3),
            guild_id: None,
            message: "Ça n'a pas marché & co".into(),
        };
        assert_eq!(
            page_after_link(&outcome),
            "/org/3/discord?error=%C3%87a%20n%27a%20pas%20march%C3%A9%20%26%20co"
        );
        let linked = LinkOutcome {
            linked: true,
            message: "ok".into(),
            ..outcome.clone()
        };
        assert_eq!(page_after_link(&linked), "/org/3/discord?linked=ok");
        let lost = LinkOutcome {
            org_id: None,
            ..outcome
        };
        assert!(page_after_link(&lost).starts_with("/?discord_error="));
    }
}
