//! Discord commands that plugins contribute, and the bot's shared state.
//!
//! A plugin registers [`BotCommand`]s in `on_load` (`LoadContext::command`). The bot (the global
//! `discordbot` plugin) turns every registered command into a slash command and, when one is
//! used, builds a [`CommandCall`] from the interaction and hands it to [`dispatch`]. `dispatch`
//! is where the platform's rules live, so they are tested without Discord:
//! the server must be linked to an organization (`discord_guilds`), the command's plugin must be
//! enabled there, and, when the command names an action, the Discord user must be a SahaBot user
//! holding it. Only then does the plugin's handler run; whatever it returns — or the message of
//! the error it fails with — is the reply.
//!
//! [`BotRuntime`] is the bot's state everybody may read (status for the admin page, the REST
//! client for posting messages): the bot plugin writes it, other plugins and the app read it, so
//! nobody depends on the bot crate.

use std::{
    collections::BTreeMap,
    sync::{Arc, RwLock},
};

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;

use crate::{
    auth::{authorizer::Decision, CurrentUser},
    context::Platform,
    db::Db,
    Error,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    String,
    Integer,
    Boolean,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommandOption {
    pub name: String,
    pub description: String,
    pub kind: OptionKind,
    pub required: bool,
}

/// One use of a command, as the bot read it from Discord.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CommandCall {
    /// None in a direct message.
    pub guild_id: Option<String>,
    pub channel_id: Option<String>,
    pub discord_user_id: String,
    pub discord_username: String,
    /// Option name → value (string, integer or boolean).
    pub options: BTreeMap<String, Value>,
}

impl CommandCall {
    pub fn string(&self, name: &str) -> Option<&str> {
        self.options.get(name).and_then(Value::as_str)
    }

    pub fn integer(&self, name: &str) -> Option<i64> {
        self.options.get(name).and_then(Value::as_i64)
    }
}

/// What a command's handler gets once the platform's checks passed.
#[derive(Debug, Clone)]
pub struct CommandContext {
    pub platform: Platform,
    /// The organization the Discord server is linked to.
    pub org_id: i64,
    /// The SahaBot user behind the Discord account, when there is one.
    pub user: Option<CurrentUser>,
    pub call: CommandCall,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandReply {
    pub content: String,
    /// Only the person who used the command sees it.
    pub ephemeral: bool,
}

impl CommandReply {
    pub fn public(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            ephemeral: false,
        }
    }

    pub fn private(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            ephemeral: true,
        }
    }
}

pub type CommandHandler =
    Arc<dyn Fn(CommandContext) -> BoxFuture<'static, Result<CommandReply, Error>> + Send + Sync>;

/// Wraps an async closure as a [`CommandHandler`].
pub fn command_handler<F, Fut>(f: F) -> CommandHandler
where
    F: Fn(CommandContext) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<CommandReply, Error>> + Send + 'static,
{
    Arc::new(move |ctx| Box::pin(f(ctx)))
}

/// A slash command a plugin contributes.
#[derive(Clone)]
pub struct BotCommand {
    /// The slash command's name: lower case letters, digits, `-` and `_`, at most 32.
    pub name: String,
    /// Shown in Discord's command picker (at most 100 characters).
    pub description: String,
    pub options: Vec<CommandOption>,
    /// The organization action the user must hold; `None` lets any member of the Discord server
    /// use it.
    pub action: Option<String>,
    pub handler: CommandHandler,
}

#[derive(Clone)]
pub struct RegisteredCommand {
    pub plugin_id: String,
    pub command: BotCommand,
}

/// Registered commands by name (names are global in Discord, so they are unique here).
#[derive(Default)]
pub struct CommandRegistry {
    commands: RwLock<BTreeMap<String, RegisteredCommand>>,
}

impl std::fmt::Debug for CommandRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl CommandRegistry {
    pub fn add(&self, plugin_id: &str, command: BotCommand) -> Result<(), Error> {
        validate_command_name(&command.name)
            .map_err(|m| Error::internal(format!("plugin {plugin_id}: {m}")))?;
        let mut commands = self.commands.write().map_err(Error::internal)?;
        if let Some(existing) = commands.get(&command.name) {
            if existing.plugin_id != plugin_id {
                return Err(Error::internal(format!(
                    "plugin {plugin_id}: the command /{} is already registered by {}",
                    command.name, existing.plugin_id
                )));
            }
        }
        commands.insert(
            command.name.clone(),
            RegisteredCommand {
                plugin_id: plugin_id.to_string(),
                command,
            },
        );
        Ok(())
    }

    pub fn remove_owner(&self, plugin_id: &str) {
        if let Ok(mut c) = self.commands.write() {
            c.retain(|_, c| c.plugin_id != plugin_id);
        }
    }

    pub fn get(&self, name: &str) -> Option<RegisteredCommand> {
        self.commands.read().ok()?.get(name).cloned()
    }

    pub fn all(&self) -> Vec<RegisteredCommand> {
        self.commands
            .read()
            .map(|c| c.values().cloned().collect())
            .unwrap_or_default()
    }

    pub fn names(&self) -> Vec<String> {
        self.commands
            .read()
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default()
    }
}

fn validate_command_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid slash command name (lower case letters, digits, - and _, at most 32)"
        ))
    }
}

/// The organization a Discord server is linked to.
pub async fn linked_org(db: &Db, guild_id: &str) -> Result<Option<i64>, Error> {
    let row = sqlx::query("SELECT organization_id FROM discord_guilds WHERE guild_id = $1")
        .bind(guild_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get::<i64, _>(0)?),
        None => None,
    })
}

/// Discord servers linked to organizations: all, or one organization's.
pub async fn linked_guilds(db: &Db, org_id: Option<i64>) -> Result<Vec<LinkedGuild>, Error> {
    let rows = sqlx::query(
        "SELECT g.guild_id, g.guild_name, g.organization_id, o.name, g.linked_by, g.linked_at
         FROM discord_guilds g JOIN organizations o ON o.id = g.organization_id
         WHERE ($1 IS NULL OR g.organization_id = $1)
         ORDER BY o.name, g.guild_name",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LinkedGuild {
                guild_id: row.try_get(0)?,
                guild_name: row.try_get(1)?,
                org_id: row.try_get(2)?,
                org_name: row.try_get(3)?,
                linked_by: row.try_get(4)?,
                linked_at: row.try_get(5)?,
            })
        })
        .collect()
}

/// The SahaBot user with this Discord account.
pub async fn user_by_discord_id(db: &Db, discord_id: &str) -> Result<Option<CurrentUser>, Error> {
    let row = sqlx::query(
        "SELECT id, username, display_name, permission FROM users \
         WHERE discord_id = $1 AND is_active = $2",
    )
    .bind(discord_id)
    .bind(true)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let permission: i64 = row.try_get(3)?;
    Ok(Some(CurrentUser {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        level: crate::auth::GlobalLevel::from_value(permission),
        impersonated_by: None,
    }))
}

/// Runs `command` for `call` after the platform's checks; always produces a reply.
pub async fn dispatch(
    platform: &Platform,
    command: &RegisteredCommand,
    call: CommandCall,
) -> CommandReply {
    match checked(platform, command, call).await {
        Ok(ctx) => match (command.command.handler)(ctx).await {
            Ok(reply) => reply,
            Err(e) => CommandReply::private(e.message()),
        },
        Err(e) => CommandReply::private(e.message()),
    }
}

/// The checks of [`dispatch`], returning the handler's context or the refusal.
pub async fn checked(
    platform: &Platform,
    command: &RegisteredCommand,
    call: CommandCall,
) -> Result<CommandContext, Error> {
    let Some(guild_id) = call.guild_id.clone() else {
        return Err(Error::forbidden(
            "Use this command in a Discord server that is linked to an organization.",
        ));
    };
    let Some(org_id) = linked_org(&platform.db, &guild_id).await? else {
        return Err(Error::not_found(
            "This Discord server is not linked to an organization. An organization admin can \
             link it from the organization's Discord page.",
        ));
    };
    if !platform
        .plugins
        .is_enabled(org_id, &command.plugin_id)
        .await?
    {
        let org_name = org_name(&platform.db, org_id).await?;
        return Err(Error::NotEnabled {
            plugin: command.plugin_id.clone(),
            message: format!(
                "{} is not enabled for {org_name}. An organization admin can switch it on under \
                 Plugins.",
                platform.plugins.name_of(&command.plugin_id)
            ),
        });
    }
    let user = user_by_discord_id(&platform.db, &call.discord_user_id).await?;
    if let Some(action) = &command.command.action {
        let Some(user) = &user else {
            return Err(Error::unauthenticated(format!(
                "Sign in to {} with Discord once, so we know who you are; then try again.",
                platform.base_url
            )));
        };
        match platform.authorizer.decide(user, org_id, action).await? {
            Decision::Allowed => {}
            Decision::NotMember => {
                return Err(Error::forbidden(
                    "You are not a member of this server's organization.",
                ))
            }
            Decision::Denied => {
                return Err(Error::forbidden(format!(
                    "You do not have permission for `{action}` in this organization."
                )))
            }
        }
    }
    Ok(CommandContext {
        platform: platform.clone(),
        org_id,
        user,
        call,
    })
}

async fn org_name(db: &Db, org_id: i64) -> Result<String, Error> {
    let row = sqlx::query("SELECT name FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) => row.try_get(0)?,
        None => format!("organization {org_id}"),
    })
}

pub use crate::runtime::{BotStatus, LinkedGuild};

/// Posts to Discord's REST API as the bot. The base URL is configuration so tests use a fake.
#[derive(Debug, Clone)]
pub struct DiscordRest {
    /// Up to and including the version, e.g. `https://discord.com/api/v10`.
    pub base_url: String,
    token: String,
    client: reqwest::Client,
}

impl DiscordRest {
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            token: token.into(),
            client: reqwest::Client::new(),
        }
    }

    /// `POST /channels/{channel_id}/messages` with text content.
    pub async fn post_message(&self, channel_id: &str, content: &str) -> Result<String, Error> {
        self.post(
            &format!("/channels/{channel_id}/messages"),
            &serde_json::json!({ "content": content }),
        )
        .await
        .map(|v| {
            v.get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
    }

    /// A JSON POST as the bot; Discord's error becomes an Upstream error with its message.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, Error> {
        let response = self
            .client
            .post(format!("{}{path}", self.base_url))
            .header("Authorization", format!("Bot {}", self.token))
            .json(body)
            .send()
            .await
            .map_err(|e| {
                Error::upstream("Discord", format!("Discord could not be reached: {e}"))
            })?;
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(value)
        } else {
            let detail = value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("no details")
                .to_string();
            Err(Error::upstream(
                "Discord",
                format!("Discord refused the request ({status}): {detail}"),
            ))
        }
    }
}

/// The bot's state shared with the platform: commands, status, and the REST client once a token
/// is configured.
#[derive(Debug, Default)]
pub struct BotRuntime {
    pub commands: CommandRegistry,
    status: RwLock<BotStatus>,
    rest: RwLock<Option<DiscordRest>>,
}

impl BotRuntime {
    pub fn status(&self) -> BotStatus {
        self.status.read().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn update_status(&self, change: impl FnOnce(&mut BotStatus)) {
        if let Ok(mut status) = self.status.write() {
            change(&mut status);
        }
    }

    /// Set by the bot plugin when a token is configured.
    pub fn set_rest(&self, rest: Option<DiscordRest>) {
        if let Ok(mut r) = self.rest.write() {
            *r = rest;
        }
    }

    /// The REST client, or a clear error when the site has no bot.
    pub fn rest(&self) -> Result<DiscordRest, Error> {
        self.rest
            .read()
            .ok()
            .and_then(|r| r.clone())
            .ok_or_else(|| {
                Error::upstream(
                    "Discord",
                    "The Discord bot is not configured on this site (no DISCORD_TOKEN).",
                )
            })
    }
}
