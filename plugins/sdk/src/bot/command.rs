//! What a plugin contributes to Discord and what its handler is given: the slash command
//! ([`BotCommand`], its [`CommandOption`]s), the button handler ([`BotComponent`]), one use of
//! either as the bot read it ([`CommandCall`]) and the context the handler runs with once the
//! platform's checks passed ([`CommandContext`], built in `checks`). The handler answers with a
//! [`CommandReply`](super::CommandReply) (`message`).

use std::{collections::BTreeMap, sync::Arc};

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::CommandReply;
use crate::{auth::CurrentUser, context::Platform, Error};

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
