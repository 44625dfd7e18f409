//! What a plugin contributes to Discord and what its handler is given: the slash command
//! ([`BotCommand`], its [`CommandOption`]s), the button handler ([`BotComponent`]), one use of
//! either as the bot read it ([`CommandCall`]) and the context the handler runs with once the
//! platform's checks passed ([`CommandContext`], built in `checks`). The handler answers with a
//! [`CommandReply`](super::CommandReply) (`message`).
//!
//! An option marked `autocomplete` gets suggestions while the user types it: Discord asks, the
//! bot hands the question ([`Completing`], with the options filled in so far in the call) to the
//! command's [`AutocompleteHandler`] after the same checks as a use of the command, and offers
//! its [`Choice`]s (at most [`MAX_CHOICES`]).

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
    /// Discord asks the command's [`AutocompleteHandler`] for suggestions while it is typed
    /// (string options only).
    #[serde(default)]
    pub autocomplete: bool,
}

impl CommandOption {
    pub fn new(name: &str, description: &str, kind: OptionKind, required: bool) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            kind,
            required,
            autocomplete: false,
        }
    }

    /// The same option, with suggestions while it is typed.
    pub fn autocompleted(mut self) -> Self {
        self.autocomplete = true;
        self
    }
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

/// Discord shows at most this many suggestions.
pub const MAX_CHOICES: usize = 25;

/// The option being typed, and what is typed so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completing {
    pub option: String,
    pub typed: String,
}

/// One suggestion: shown as `name`, sent as `value` when picked (each at most 100 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

impl Choice {
    /// A suggestion shown as what it sends.
    pub fn same(value: impl Into<String>) -> Self {
        let value = value.into();
        Self {
            name: value.clone(),
            value,
        }
    }
}

pub type AutocompleteHandler = Arc<
    dyn Fn(CommandContext, Completing) -> BoxFuture<'static, Result<Vec<Choice>, Error>>
        + Send
        + Sync,
>;

/// Wraps an async closure as an [`AutocompleteHandler`].
pub fn autocomplete_handler<F, Fut>(f: F) -> AutocompleteHandler
where
    F: Fn(CommandContext, Completing) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Vec<Choice>, Error>> + Send + 'static,
{
    Arc::new(move |ctx, completing| Box::pin(f(ctx, completing)))
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
    /// Suggestions for the options marked `autocomplete`; None: the command has none.
    pub autocomplete: Option<AutocompleteHandler>,
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
