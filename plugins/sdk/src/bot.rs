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
//!
//! [`channels`] is the check every post to a channel an organization chose goes through
//! ([`channels::ensure_channel_in_org`]): the channel must be in a Discord server linked to that
//! organization.

pub mod channels;

use std::{
    collections::BTreeMap,
    sync::{Arc, RwLock},
};

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{auth::CurrentUser, context::Decision, context::Platform, db::Db, Error};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    String,
    Integer,
    Boolean,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommandOption {
    pub name: String,
    pub description: String,
    pub kind: OptionKind,
    pub required: bool,
}

/// One use of a command, as the bot read it from Discord.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommandCall {
    /// None in a direct message.
    pub guild_id: Option<String>,
    pub channel_id: Option<String>,
    pub discord_user_id: String,
    pub discord_username: String,
    /// Option name → value (string, integer or boolean).
    pub options: BTreeMap<String, Value>,
    /// For a button click: the button's `custom_id` (its prefix chose the handler).
    #[serde(default)]
    pub custom_id: Option<String>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommandReply {
    pub content: String,
    /// Only the person who used the command sees it.
    pub ephemeral: bool,
    /// Buttons under the reply (one row, at most five).
    #[serde(default)]
    pub buttons: Vec<Button>,
}

impl CommandReply {
    pub fn public(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            ephemeral: false,
            buttons: Vec::new(),
        }
    }

    pub fn private(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            ephemeral: true,
            buttons: Vec::new(),
        }
    }

    pub fn with_buttons(mut self, buttons: Vec<Button>) -> Self {
        self.buttons = buttons;
        self
    }
}

/// How a button looks (Discord's button styles 1–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Success,
    Danger,
}

impl ButtonStyle {
    /// Discord's number for the style.
    pub fn code(self) -> u8 {
        match self {
            Self::Primary => 1,
            Self::Secondary => 2,
            Self::Success => 3,
            Self::Danger => 4,
        }
    }
}

/// A button on a message. Its `custom_id` comes back when someone clicks it, so it carries what
/// the handler needs (e.g. `async:ready:42`): buttons keep working after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Button {
    /// At most 100 characters; starts with the prefix of a registered [`BotComponent`].
    pub custom_id: String,
    pub label: String,
    pub style: ButtonStyle,
}

impl Button {
    pub fn new(custom_id: impl Into<String>, label: impl Into<String>, style: ButtonStyle) -> Self {
        Self {
            custom_id: custom_id.into(),
            label: label.into(),
            style,
        }
    }
}

/// Discord's JSON for one row of buttons (an action row), empty when there are none.
pub fn components_json(buttons: &[Button]) -> Value {
    if buttons.is_empty() {
        return Value::Array(Vec::new());
    }
    let row: Vec<Value> = buttons
        .iter()
        .take(5)
        .map(|b| {
            serde_json::json!({
                "type": 2,
                "style": b.style.code(),
                "label": b.label.chars().take(80).collect::<String>(),
                "custom_id": b.custom_id,
            })
        })
        .collect();
    serde_json::json!([{ "type": 1, "components": row }])
}

/// A message with an embed and buttons, as plugins post it through [`DiscordRest::send`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutgoingMessage {
    pub content: String,
    /// An embed: title and description (Discord markdown).
    pub embed: Option<(String, String)>,
    pub buttons: Vec<Button>,
}

impl OutgoingMessage {
    /// Discord's JSON body for `POST /channels/{id}/messages`.
    pub fn to_json(&self) -> Value {
        let mut body = serde_json::json!({
            "content": self.content,
            "components": components_json(&self.buttons),
        });
        if let Some((title, description)) = &self.embed {
            body["embeds"] = serde_json::json!([{
                "title": title.chars().take(256).collect::<String>(),
                "description": description.chars().take(4096).collect::<String>(),
            }]);
        }
        body
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

/// Buttons a plugin answers: every click on a button whose `custom_id` starts with `prefix`.
/// The same checks as commands apply (linked server, plugin on, `action` held), then the
/// handler runs with the click in `ctx.call.custom_id`.
#[derive(Clone)]
pub struct BotComponent {
    /// E.g. `async:` — unique across plugins; the longest matching prefix wins.
    pub prefix: String,
    pub action: Option<String>,
    pub handler: CommandHandler,
}

#[derive(Clone)]
pub struct RegisteredComponent {
    pub plugin_id: String,
    pub component: BotComponent,
}

/// Registered button handlers by prefix.
#[derive(Default)]
pub struct ComponentRegistry {
    components: RwLock<BTreeMap<String, RegisteredComponent>>,
}

impl std::fmt::Debug for ComponentRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prefixes: Vec<String> = self
            .components
            .read()
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default();
        f.debug_list().entries(prefixes).finish()
    }
}

impl ComponentRegistry {
    pub fn add(&self, plugin_id: &str, component: BotComponent) -> Result<(), Error> {
        if component.prefix.is_empty() || component.prefix.len() > 50 {
            return Err(Error::internal(format!(
                "plugin {plugin_id}: a button prefix must have 1 to 50 characters"
            )));
        }
        let mut components = self.components.write().map_err(Error::internal)?;
        if let Some(existing) = components.get(&component.prefix) {
            if existing.plugin_id != plugin_id {
                return Err(Error::internal(format!(
                    "plugin {plugin_id}: the button prefix `{}` is already registered by {}",
                    component.prefix, existing.plugin_id
                )));
            }
        }
        components.insert(
            component.prefix.clone(),
            RegisteredComponent {
                plugin_id: plugin_id.to_string(),
                component,
            },
        );
        Ok(())
    }

    pub fn remove_owner(&self, plugin_id: &str) {
        if let Ok(mut c) = self.components.write() {
            c.retain(|_, c| c.plugin_id != plugin_id);
        }
    }

    /// The handler for a clicked button: the longest registered prefix of `custom_id`.
    pub fn find(&self, custom_id: &str) -> Option<RegisteredComponent> {
        let components = self.components.read().ok()?;
        components
            .iter()
            .filter(|(prefix, _)| custom_id.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, c)| c.clone())
    }
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
    let org_id =
        sqlx::query_scalar("SELECT organization_id FROM discord_guilds WHERE guild_id = $1")
            .bind(guild_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(org_id)
}

/// Discord servers linked to organizations: all, or one organization's.
pub async fn linked_guilds(db: &Db, org_id: Option<i64>) -> Result<Vec<LinkedGuild>, Error> {
    let guilds = sqlx::query_as(
        "SELECT g.guild_id, g.guild_name, g.organization_id, o.name, g.linked_by, g.linked_at
         FROM discord_guilds g JOIN organizations o ON o.id = g.organization_id
         WHERE ($1 IS NULL OR g.organization_id = $1)
         ORDER BY o.name, g.guild_name",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    Ok(guilds)
}

/// The SahaBot user with this Discord account.
pub async fn user_by_discord_id(db: &Db, discord_id: &str) -> Result<Option<CurrentUser>, Error> {
    let row: Option<DiscordUserRow> = sqlx::query_as(
        "SELECT id, username, display_name, permission FROM users \
         WHERE discord_id = $1 AND is_active = $2",
    )
    .bind(discord_id)
    .bind(true)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|row| CurrentUser {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        level: crate::auth::GlobalLevel::from_value(row.permission),
        impersonated_by: None,
    }))
}

/// What `user_by_discord_id` reads.
#[derive(sqlx::FromRow)]
struct DiscordUserRow {
    id: i64,
    username: String,
    display_name: Option<String>,
    permission: i64,
}

/// Runs `command` for `call` after the platform's checks; always produces a reply.
pub async fn dispatch(
    platform: &Platform,
    command: &RegisteredCommand,
    call: CommandCall,
) -> CommandReply {
    run_checked(
        platform,
        &command.plugin_id,
        command.command.action.as_deref(),
        &command.command.handler,
        call,
    )
    .await
}

/// Runs the handler of a clicked button after the same checks as commands; always produces a
/// reply. A click on a button nobody handles (its plugin was removed) says so.
pub async fn dispatch_component(platform: &Platform, call: CommandCall) -> CommandReply {
    let custom_id = call.custom_id.clone().unwrap_or_default();
    let Some(registered) = platform.plugins.bot().components.find(&custom_id) else {
        return CommandReply::private(
            "This button no longer does anything on this site (its plugin is not installed).",
        );
    };
    run_checked(
        platform,
        &registered.plugin_id,
        registered.component.action.as_deref(),
        &registered.component.handler,
        call,
    )
    .await
}

async fn run_checked(
    platform: &Platform,
    plugin_id: &str,
    action: Option<&str>,
    handler: &CommandHandler,
    call: CommandCall,
) -> CommandReply {
    match checked_for(platform, plugin_id, action, call).await {
        Ok(ctx) => match handler(ctx).await {
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
    checked_for(
        platform,
        &command.plugin_id,
        command.command.action.as_deref(),
        call,
    )
    .await
}

/// The checks for something `plugin_id` answers on Discord, needing `action` when given.
pub async fn checked_for(
    platform: &Platform,
    plugin_id: &str,
    action: Option<&str>,
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
    if !platform.plugins.is_enabled(org_id, plugin_id).await? {
        let org_name = org_name(&platform.db, org_id).await?;
        return Err(Error::NotEnabled {
            plugin: plugin_id.to_string(),
            message: format!(
                "{} is not enabled for {org_name}. An organization admin can switch it on under \
                 Plugins.",
                platform.plugins.name_of(plugin_id)
            ),
        });
    }
    let user = user_by_discord_id(&platform.db, &call.discord_user_id).await?;
    if let Some(action) = action {
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
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(name.unwrap_or_else(|| format!("organization {org_id}")))
}

pub use crate::runtime::{BotStatus, LinkedGuild};

fn id_of(value: &Value) -> String {
    value
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

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
            // The shared client: every call to Discord ends (a stalled connection fails instead
            // of holding the request or task that made it), and redirects are not followed.
            client: crate::http::client(),
        }
    }

    /// `POST /channels/{channel_id}/messages` with text content.
    pub async fn post_message(&self, channel_id: &str, content: &str) -> Result<String, Error> {
        self.post(
            &format!("/channels/{channel_id}/messages"),
            &serde_json::json!({ "content": content }),
        )
        .await
        .map(|v| id_of(&v))
    }

    /// Posts a message with an embed and buttons; returns the message id.
    pub async fn send(&self, channel_id: &str, message: &OutgoingMessage) -> Result<String, Error> {
        let posted = self
            .post(
                &format!("/channels/{channel_id}/messages"),
                &message.to_json(),
            )
            .await?;
        Ok(id_of(&posted))
    }

    /// Creates a private thread in a text channel (only invited members and moderators see
    /// it); returns the thread's channel id.
    pub async fn create_private_thread(
        &self,
        channel_id: &str,
        name: &str,
    ) -> Result<String, Error> {
        let body = serde_json::json!({
            "name": name.chars().take(100).collect::<String>(),
            // 12: PRIVATE_THREAD; members cannot invite others.
            "type": 12,
            "invitable": false,
            "auto_archive_duration": 1440,
        });
        let thread = self
            .post(&format!("/channels/{channel_id}/threads"), &body)
            .await?;
        Ok(id_of(&thread))
    }

    /// Adds a Discord user to a thread.
    pub async fn add_thread_member(&self, thread_id: &str, user_id: &str) -> Result<(), Error> {
        self.request(
            reqwest::Method::PUT,
            &format!("/channels/{thread_id}/thread-members/{user_id}"),
            None,
        )
        .await
        .map(|_| ())
    }

    /// A JSON POST as the bot; Discord's error becomes an Upstream error with its message.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.request(reqwest::Method::POST, path, Some(body)).await
    }

    /// `GET /channels/{channel_id}`: the id of the Discord server the channel (or thread) is
    /// in; None when Discord does not know it or the bot cannot see it (404 / 403) or it is not
    /// in a server (a direct message). `channel_id` must be digits (it goes into the path).
    pub async fn channel_guild(&self, channel_id: &str) -> Result<Option<String>, Error> {
        if !channels::is_discord_id(channel_id) {
            return Ok(None);
        }
        let (status, value) = self
            .exchange(
                reqwest::Method::GET,
                &format!("/channels/{channel_id}"),
                None,
            )
            .await?;
        if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::FORBIDDEN {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(refused(status, &value));
        }
        Ok(value
            .get("guild_id")
            .and_then(Value::as_str)
            .filter(|g| channels::is_discord_id(g))
            .map(str::to_string))
    }

    async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        let (status, value) = self.exchange(method, path, body).await?;
        if status.is_success() {
            Ok(value)
        } else {
            Err(refused(status, &value))
        }
    }

    /// One call as the bot: Discord's status and JSON answer (Null when it sent none).
    async fn exchange(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(reqwest::StatusCode, Value), Error> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base_url));
        request = match body {
            Some(body) => request.json(body),
            None => request.header("Content-Length", "0"),
        };
        let response = request
            .header("Authorization", format!("Bot {}", self.token))
            .send()
            .await
            .map_err(|e| {
                Error::upstream("Discord", format!("Discord could not be reached: {e}"))
            })?;
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        Ok((status, value))
    }
}

/// Discord's refusal as an Upstream error with its message.
fn refused(status: reqwest::StatusCode, value: &Value) -> Error {
    let detail = value
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("no details")
        .to_string();
    Error::upstream(
        "Discord",
        format!("Discord refused the request ({status}): {detail}"),
    )
}

/// The bot's state shared with the platform: commands, status, and the REST client once a token
/// is configured.
#[derive(Debug, Default)]
pub struct BotRuntime {
    pub commands: CommandRegistry,
    pub components: ComponentRegistry,
    status: RwLock<BotStatus>,
    rest: RwLock<Option<DiscordRest>>,
    /// Channel → server answers for [`channels::ensure_channel_in_org`].
    pub channel_guilds: channels::GuildCache,
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
        self.channel_guilds.clear();
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
