//! The serenity client with its poise framework: the bot runner (with `gateway`), not a set of
//! commands. It answers every plugin's commands; this plugin's own `/sahabot` is in `commands`.
//!
//! Commands are not written with `#[poise::command]`: every plugin's [`sdk::bot::BotCommand`]
//! becomes a `poise::Command` here, all sharing one slash action, [`run_slash`], which looks the
//! command up by name in the platform's registry and hands the call to [`sdk::bot::dispatch`]
//! (linked server, plugin on, action held — then the plugin's handler). Its
//! [`CommandReply`] is the answer, ephemeral when the reply says so.
//!
//! Slash commands are registered **globally** (one `PUT /applications/{id}/commands` when the
//! first READY arrives), not per linked server: the set is the same everywhere, linking and
//! unlinking a server needs no Discord call, and a server without a link gets a reply that says
//! so (instead of commands that silently do not exist).
//!
//! Status and events follow the connection: READY or RESUMED → connected, [`BotReady`]; a shard
//! leaving the connected stage → [`BotDisconnected`]. serenity reports a dropped-and-resumed
//! session only by its RESUMED, so a READY or RESUMED that arrives while we still believed we
//! were connected also emits [`BotDisconnected`] first: every drop is seen, in order.

use std::{sync::Arc, time::Duration};

use poise::serenity_prelude as serenity;
use sdk::{
    bot::{
        complete, dispatch, Button, ButtonStyle, Choice, CommandCall, CommandOption, CommandReply,
        Completing, OptionKind, RegisteredCommand,
    },
    context::Platform,
    time::now_ms,
};
use serde_json::Value;

use crate::{
    events::{BotDisconnected, BotReady},
    rules::{fit_embed, fit_reply},
    settings::Settings,
};

/// The framework's error type.
pub type Error = sdk::Error;
/// The framework's user data: the running bot.
pub type Data = Arc<Bot>;

/// A command's answer must start within 3 seconds; slower handlers get a deferral first.
const DEFER_AFTER: Duration = Duration::from_millis(2_000);

/// What the bot needs while it runs.
pub struct Bot {
    pub platform: Platform,
    pub settings: Arc<Settings>,
    /// This server's event-bus instance id (also the gateway lease holder id).
    pub instance: String,
}

impl Bot {
    /// A session is (again) ready: READY (`resumed` false) or RESUMED.
    pub fn connected(&self, user: Option<&str>, resumed: bool) {
        let runtime = self.platform.plugins.bot();
        let mut was_connected = false;
        let mut bot_user = String::new();
        runtime.update_status(|s| {
            was_connected = s.connected;
            s.connected = true;
            if let Some(user) = user {
                s.bot_user = Some(user.to_string());
            }
            s.ready_at = Some(now_ms());
            bot_user = s.bot_user.clone().unwrap_or_default();
        });
        if was_connected {
            self.emit_disconnected("the gateway connection dropped; the bot reconnected");
        }
        tracing::info!(bot_user = %bot_user, resumed, instance = %self.instance, "Discord bot ready");
        self.platform.events.emit(
            None,
            None,
            BotReady {
                bot_user,
                instance: self.instance.clone(),
                resumed,
            },
        );
    }

    /// The connection is gone (for now, or for good); emits [`BotDisconnected`] once.
    pub fn disconnected(&self, reason: &str) {
        let mut was_connected = false;
        self.platform.plugins.bot().update_status(|s| {
            was_connected = s.connected;
            s.connected = false;
        });
        if was_connected {
            self.emit_disconnected(reason);
        }
    }

    fn emit_disconnected(&self, reason: &str) {
        tracing::info!(reason, instance = %self.instance, "Discord bot disconnected");
        self.platform.events.emit(
            None,
            None,
            BotDisconnected {
                instance: self.instance.clone(),
                reason: reason.to_string(),
            },
        );
    }

    /// The answer to `/name` used as `call`.
    pub async fn answer(&self, name: &str, call: CommandCall) -> CommandReply {
        match self.platform.plugins.bot().commands.get(name) {
            Some(command) => dispatch(&self.platform, &command, call).await,
            None => CommandReply::private(format!(
                "/{name} is no longer available on this site; it will disappear from Discord \
                 when the bot restarts."
            )),
        }
    }

    /// The suggestions for the option being typed in `/name` (none for a command that is gone).
    pub async fn complete(
        &self,
        name: &str,
        call: CommandCall,
        completing: Completing,
    ) -> Vec<Choice> {
        match self.platform.plugins.bot().commands.get(name) {
            Some(command) => complete(&self.platform, &command, call, completing).await,
            None => Vec::new(),
        }
    }
}

/// The serenity client for `bot`, with every registered command. Building it asks Discord for
/// the gateway URL (`GET /gateway`); starting it connects.
pub async fn client(bot: Arc<Bot>) -> Result<serenity::Client, String> {
    let token = bot
        .settings
        .token
        .clone()
        .ok_or_else(|| "no DISCORD_TOKEN is configured".to_string())?;
    let mut http = serenity::HttpBuilder::new(token);
    if let Some(proxy) = bot.settings.serenity_proxy()? {
        // serenity's own rate limiter sends its requests to discord.com whatever the proxy
        // (it builds them without it), so with another base URL the limiter is off: a proxy in
        // front of Discord limits, and the fake does not.
        http = http.proxy(proxy).ratelimiter_disabled(true);
    }
    let commands: Vec<poise::Command<Data, Error>> = bot
        .platform
        .plugins
        .bot()
        .commands
        .all()
        .iter()
        .map(slash_command)
        .collect();
    let options = poise::FrameworkOptions {
        commands,
        event_handler: |framework, event| Box::pin(on_event(framework, event)),
        on_error: |error| Box::pin(on_error(error)),
        initialize_owners: false,
        ..Default::default()
    };
    let data = Arc::clone(&bot);
    let framework = poise::Framework::new(options, move |ctx, _ready, framework| {
        Box::pin(async move {
            register(ctx, framework, &data).await;
            Ok(data)
        })
    });
    serenity::ClientBuilder::new_with_http(http.build(), serenity::GatewayIntents::GUILDS)
        .framework(framework)
        .event_handler(StageWatcher { bot })
        .await
        .map_err(|e| format!("the Discord client could not be built: {e}"))
}

/// Registers the framework's commands globally; the status lists them (or says why not).
async fn register(ctx: &serenity::Context, framework: &poise::Framework<Data, Error>, bot: &Bot) {
    let commands = &framework.options().commands;
    let names: Vec<String> = commands.iter().map(|c| c.name.to_string()).collect();
    match poise::builtins::register_globally(ctx, commands).await {
        Ok(()) => {
            tracing::info!(commands = ?names, "slash commands registered with Discord");
            bot.platform
                .plugins
                .bot()
                .update_status(|s| s.commands_registered = names);
        }
        Err(e) => {
            tracing::warn!(error = %e, "registering slash commands with Discord failed");
            bot.platform.plugins.bot().update_status(|s| {
                s.commands_registered = Vec::new();
                s.last_error = Some(format!(
                    "Registering slash commands with Discord failed: {e}"
                ));
            });
        }
    }
}

async fn on_event(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let bot = framework.user_data;
    match event {
        serenity::FullEvent::Ready { data_about_bot } => {
            bot.connected(Some(&data_about_bot.user.name), false)
        }
        serenity::FullEvent::Resume { .. } => bot.connected(None, true),
        // poise answers slash commands; button clicks are ours.
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(click),
        } => answer_click(framework.serenity_context, bot, click).await,
        _ => {}
    }
    Ok(())
}

async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    tracing::warn!(error = %error, "the Discord bot could not handle an event");
    if let Err(e) = poise::builtins::on_error(error).await {
        tracing::warn!(error = %e, "the Discord bot could not report an error");
    }
}

/// Watches the shard's connection stage (serenity gives this to event handlers, not to
/// frameworks).
struct StageWatcher {
    bot: Arc<Bot>,
}

#[serenity::async_trait]
impl serenity::EventHandler for StageWatcher {
    async fn shard_stage_update(
        &self,
        _ctx: serenity::Context,
        event: serenity::ShardStageUpdateEvent,
    ) {
        if event.new != serenity::ConnectionStage::Connected
            && event.old == serenity::ConnectionStage::Connected
        {
            self.bot
                .disconnected(&format!("the gateway connection is {:?}", event.new).to_lowercase());
        }
    }
}

/// A plugin's command as a poise slash command whose action is [`run_slash`].
pub fn slash_command(registered: &RegisteredCommand) -> poise::Command<Data, Error> {
    let command = &registered.command;
    let description: String = command.description.chars().take(100).collect();
    poise::Command {
        name: command.name.clone().into(),
        qualified_name: command.name.clone().into(),
        identifying_name: command.name.clone().into(),
        source_code_name: command.name.clone().into(),
        category: Some(registered.plugin_id.clone().into()),
        description: Some(description.into()),
        slash_action: Some(run_slash),
        parameters: command.options.iter().map(parameter).collect(),
        ..Default::default()
    }
}

fn parameter(option: &CommandOption) -> poise::CommandParameter<Data, Error> {
    let type_setter: fn(serenity::CreateCommandOption) -> serenity::CreateCommandOption =
        match option.kind {
            OptionKind::String => |b| b.kind(serenity::CommandOptionType::String),
            OptionKind::Integer => |b| b.kind(serenity::CommandOptionType::Integer),
            OptionKind::Boolean => |b| b.kind(serenity::CommandOptionType::Boolean),
        };
    let description: String = option.description.chars().take(100).collect();
    poise::CommandParameter {
        name: option.name.clone().into(),
        name_localizations: Vec::new().into(),
        description: Some(description.into()),
        description_localizations: Vec::new().into(),
        required: option.required,
        channel_types: None,
        choices: Vec::new().into(),
        type_setter: Some(type_setter),
        autocomplete_callback: option
            .autocomplete
            .then_some(suggest as AutocompleteCallback),
        __non_exhaustive: (),
    }
}

type AutocompleteCallback =
    for<'a> fn(
        poise::ApplicationContext<'a, Data, Error>,
        &'a str,
    ) -> poise::BoxFuture<'a, serenity::CreateAutocompleteResponse>;

/// The one autocomplete callback of every option that has suggestions: the command's plugin
/// answers through [`Bot::complete`] (Discord wants them within 3 seconds; they are one query).
fn suggest<'a>(
    ctx: poise::ApplicationContext<'a, Data, Error>,
    typed: &'a str,
) -> poise::BoxFuture<'a, serenity::CreateAutocompleteResponse> {
    Box::pin(async move {
        let option = ctx
            .args
            .iter()
            .find(|o| matches!(o.value, serenity::ResolvedValue::Autocomplete { .. }))
            .map(|o| o.name.to_string())
            .unwrap_or_default();
        let call = command_call(ctx.interaction, ctx.args);
        let choices = ctx
            .data()
            .complete(
                &ctx.interaction.data.name,
                call,
                Completing {
                    option,
                    typed: typed.to_string(),
                },
            )
            .await;
        choices.into_iter().fold(
            serenity::CreateAutocompleteResponse::new(),
            |response, choice| response.add_string_choice(choice.name, choice.value),
        )
    })
}

/// The one slash action of every command.
fn run_slash(
    ctx: poise::ApplicationContext<'_, Data, Error>,
) -> poise::BoxFuture<'_, Result<(), poise::FrameworkError<'_, Data, Error>>> {
    Box::pin(async move {
        let bot = Arc::clone(ctx.data());
        let call = command_call(ctx.interaction, ctx.args);
        let name = ctx.interaction.data.name.clone();
        let work = async move { bot.answer(&name, call).await };
        tokio::pin!(work);
        let reply = match tokio::time::timeout(DEFER_AFTER, &mut work).await {
            Ok(reply) => reply,
            Err(_) => {
                if let Err(e) = ctx.defer_response(false).await {
                    tracing::warn!(error = %e, "could not defer a slow command's answer");
                }
                work.await
            }
        };
        let mut builder = poise::CreateReply::default()
            .content(fit_reply(&reply.content))
            .ephemeral(reply.ephemeral)
            .components(button_rows(&reply.buttons));
        if let Some(embed) = embed_of(&reply) {
            builder = builder.embed(embed);
        }
        if let Err(e) = poise::send_application_reply(ctx, builder).await {
            tracing::warn!(error = %e, command = %ctx.interaction.data.name, "could not answer a command on Discord");
        }
        Ok(())
    })
}

/// The platform's view of one use of a command (or, while an option is typed, of the options
/// filled in so far: the typed one is left out).
pub fn command_call(
    interaction: &serenity::CommandInteraction,
    args: &[serenity::ResolvedOption<'_>],
) -> CommandCall {
    let options = args
        .iter()
        .filter_map(|option| {
            let value = match &option.value {
                serenity::ResolvedValue::String(s) => Value::from(*s),
                serenity::ResolvedValue::Integer(n) => Value::from(*n),
                serenity::ResolvedValue::Boolean(b) => Value::from(*b),
                serenity::ResolvedValue::Number(x) => Value::from(*x),
                _ => return None,
            };
            Some((option.name.to_string(), value))
        })
        .collect();
    CommandCall {
        guild_id: interaction.guild_id.map(|g| g.to_string()),
        channel_id: Some(interaction.channel_id.to_string()),
        discord_user_id: interaction.user.id.to_string(),
        discord_username: interaction.user.name.clone(),
        options,
        custom_id: None,
    }
}

/// The platform's view of a button click.
pub fn component_call(interaction: &serenity::ComponentInteraction) -> CommandCall {
    CommandCall {
        guild_id: interaction.guild_id.map(|g| g.to_string()),
        channel_id: Some(interaction.channel_id.to_string()),
        discord_user_id: interaction.user.id.to_string(),
        discord_username: interaction.user.name.clone(),
        options: Default::default(),
        custom_id: Some(interaction.data.custom_id.clone()),
    }
}

/// Serenity's builder for a reply's embed, when it has one.
fn embed_of(reply: &CommandReply) -> Option<serenity::CreateEmbed> {
    let (title, description) = reply.embed.as_ref()?;
    let (title, description) = fit_embed(title, description);
    Some(
        serenity::CreateEmbed::new()
            .title(title)
            .description(description),
    )
}

/// Serenity's builder for a reply's buttons (one action row).
fn button_rows(buttons: &[Button]) -> Vec<serenity::CreateActionRow> {
    if buttons.is_empty() {
        return Vec::new();
    }
    let row = buttons
        .iter()
        .take(5)
        .map(|b| {
            let style = match b.style {
                ButtonStyle::Primary => serenity::ButtonStyle::Primary,
                ButtonStyle::Secondary => serenity::ButtonStyle::Secondary,
                ButtonStyle::Success => serenity::ButtonStyle::Success,
                ButtonStyle::Danger => serenity::ButtonStyle::Danger,
            };
            serenity::CreateButton::new(b.custom_id.clone())
                .label(b.label.chars().take(80).collect::<String>())
                .style(style)
        })
        .collect();
    vec![serenity::CreateActionRow::Buttons(row)]
}

/// Answers a button click: the plugin's handler behind [`sdk::bot::dispatch_component`]; a slow
/// handler gets a deferral first (Discord wants an answer within 3 seconds).
async fn answer_click(
    ctx: &serenity::Context,
    bot: &Bot,
    interaction: &serenity::ComponentInteraction,
) {
    let call = component_call(interaction);
    let work = sdk::bot::dispatch_component(&bot.platform, call);
    tokio::pin!(work);
    let result = match tokio::time::timeout(DEFER_AFTER, &mut work).await {
        Ok(reply) => {
            let mut message = serenity::CreateInteractionResponseMessage::new()
                .content(fit_reply(&reply.content))
                .ephemeral(reply.ephemeral)
                .components(button_rows(&reply.buttons));
            if let Some(embed) = embed_of(&reply) {
                message = message.embed(embed);
            }
            interaction
                .create_response(ctx, serenity::CreateInteractionResponse::Message(message))
                .await
        }
        Err(_) => {
            let deferred = serenity::CreateInteractionResponse::Defer(
                serenity::CreateInteractionResponseMessage::new().ephemeral(true),
            );
            if let Err(e) = interaction.create_response(ctx, deferred).await {
                tracing::warn!(error = %e, "could not defer a slow button's answer");
            }
            let reply = work.await;
            let mut followup = serenity::CreateInteractionResponseFollowup::new()
                .content(fit_reply(&reply.content))
                .ephemeral(reply.ephemeral)
                .components(button_rows(&reply.buttons));
            if let Some(embed) = embed_of(&reply) {
                followup = followup.embed(embed);
            }
            interaction.create_followup(ctx, followup).await.map(|_| ())
        }
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, custom_id = %interaction.data.custom_id, "could not answer a button on Discord");
    }
}

/// What the admin reads when the client stopped with an error.
pub fn describe_client_error(error: &serenity::Error) -> String {
    match error {
        serenity::Error::Gateway(serenity::GatewayError::InvalidAuthentication) => {
            "Discord refused the bot token (DISCORD_TOKEN). Copy the token again from the Discord \
             developer portal."
                .to_string()
        }
        serenity::Error::Gateway(serenity::GatewayError::DisallowedGatewayIntents) => {
            "Discord refused the bot's gateway intents; enable them for the bot in the Discord \
             developer portal."
                .to_string()
        }
        other => format!("The Discord gateway connection ended: {other}"),
    }
}
