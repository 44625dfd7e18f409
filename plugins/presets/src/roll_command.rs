//! The Discord command every randomizer plugin registers to roll from presets (`/alttpr`,
//! `/smz3`, `/mystery`, …): a plugin describes it in a [`RollCommand`] — its name, its
//! randomizer, whether it offers `spoiler` and `race`, which preset kind it rolls, how the
//! answer reads — and [`RollCommand::build`] makes the [`BotCommand`].
//!
//! Every such command takes `preset` (suggested while typed from the organization's namespaces
//! and the global presets, as `namespace/name`) and an optional `namespace` (for typing a name
//! without picking). The roll goes through [`Presets::roll_seed`] as the Discord user's linked
//! SahaBot account, so the seed service decides the rights (`seed:roll`) and keeps the seed in
//! the organization's history; the bot defers the answer while the site works. The answer is
//! public — the seed is for the channel — and an embed ([`seed_reply`]).

use sdk::{
    bot::{
        autocomplete_handler, command_handler, BotCommand, Button, Choice, CommandContext,
        CommandOption, CommandReply, Completing, OptionKind,
    },
    Actor, Error,
};

use crate::{
    format::PresetKind,
    model::SeedRoll,
    rules::split_preset_key,
    service::{PresetService, Presets, RollRequest},
};

/// A randomizer plugin's roll command.
#[derive(Debug, Clone, Copy)]
pub struct RollCommand {
    /// The slash command's name, e.g. `alttpr`.
    pub name: &'static str,
    /// Shown in Discord's command picker.
    pub description: &'static str,
    /// The randomizer rolled (an id in the host's randomizer registry).
    pub randomizer: &'static str,
    /// Offer `spoiler` (keep a spoiler log), described so.
    pub spoiler: Option<&'static str>,
    /// Offer `race` (a race seed whatever the preset says), described so.
    pub race: Option<&'static str>,
    /// Roll only presets of this kind (`/mystery`: weightsets).
    pub kind: Option<PresetKind>,
    /// Buttons under the answer (Bingosync's "New card"), from the seed kept.
    pub buttons: Option<fn(&SeedRoll) -> Vec<Button>>,
    /// The answer's text: its first line (`**ALTTPR seed** (league/open)`) becomes the embed's
    /// title, the rest its description.
    pub message: fn(&SeedRoll) -> String,
}

impl RollCommand {
    /// The command, ready for `LoadContext::command`.
    pub fn build(self) -> BotCommand {
        let mut options = vec![
            CommandOption::new(
                "preset",
                "The preset: pick one, or type namespace/name",
                OptionKind::String,
                true,
            )
            .autocompleted(),
            CommandOption::new(
                "namespace",
                "The preset's namespace, when you typed only its name",
                OptionKind::String,
                false,
            ),
        ];
        if let Some(description) = self.spoiler {
            options.push(CommandOption::new(
                "spoiler",
                description,
                OptionKind::Boolean,
                false,
            ));
        }
        if let Some(description) = self.race {
            options.push(CommandOption::new(
                "race",
                description,
                OptionKind::Boolean,
                false,
            ));
        }
        BotCommand {
            name: self.name.into(),
            description: self.description.into(),
            options,
            // The seed service checks `seed:roll` (and answers why not).
            action: None,
            handler: command_handler(move |ctx| async move { self.roll(ctx).await }),
            autocomplete: Some(autocomplete_handler(move |ctx, completing| async move {
                self.suggest(ctx, completing).await
            })),
        }
    }

    async fn roll(self, ctx: CommandContext) -> Result<CommandReply, Error> {
        let typed = ctx
            .call
            .string("preset")
            .filter(|p| !p.trim().is_empty())
            .ok_or_else(|| Error::invalid("preset", "Say which preset to roll."))?
            .to_string();
        let user = ctx.user.clone().ok_or_else(|| {
            Error::unauthenticated(
                "Sign in to SahaBot with this Discord account to roll seeds for this server's \
                 organization.",
            )
        })?;
        let actor = Actor::user(user);
        let flag = |name: &str| {
            ctx.call
                .options
                .get(name)
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false)
        };
        let (spoiler, race) = (flag("spoiler"), flag("race"));
        let ((namespace, name), global) = split_preset_key(&typed, ctx.call.string("namespace"));
        let presets = Presets::new(ctx.platform.clone());
        let org_id = ctx.org_id;
        let roll = |namespace: Option<String>, name: String| {
            let presets = presets.clone();
            let actor = actor.clone();
            async move {
                self.check_kind(&presets, org_id, namespace.as_deref(), &name)
                    .await?;
                presets
                    .roll_seed(
                        org_id,
                        &actor,
                        RollRequest {
                            randomizer: self.randomizer.into(),
                            namespace,
                            preset: Some(name),
                            settings: None,
                            spoiler,
                            tournament: race,
                            source: "discord".into(),
                        },
                        sdk::time::now_ms(),
                    )
                    .await
            }
        };
        let seed = match roll(namespace, name).await {
            // `a/b` typed, and no namespace `a` has `b`: a global preset named `a/b`, maybe.
            Err(Error::NotFound { message }) => match global {
                Some(whole) => roll(None, whole)
                    .await
                    .map_err(|_| Error::NotFound { message })?,
                None => return Err(Error::NotFound { message }),
            },
            other => other?,
        };
        let reply = seed_reply(&(self.message)(&seed));
        Ok(match self.buttons {
            Some(buttons) => reply.with_buttons(buttons(&seed)),
            None => reply,
        })
    }

    /// Refuses a preset of another kind than the command rolls, before anything is rolled.
    async fn check_kind(
        &self,
        presets: &Presets,
        org_id: i64,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<(), Error> {
        let Some(wanted) = self.kind else {
            return Ok(());
        };
        let (kind, _) = PresetService::new(presets.db().clone())
            .settings(Some(org_id), namespace, self.randomizer, name)
            .await?;
        if kind == wanted {
            Ok(())
        } else {
            Err(Error::invalid(
                "preset",
                format!(
                    "\"{name}\" is a {} preset; /{} rolls {} presets only.",
                    kind.label().to_lowercase(),
                    self.name,
                    wanted.label().to_lowercase()
                ),
            ))
        }
    }

    /// Presets to pick while `preset` is typed; with `namespace` filled in, that namespace's
    /// presets by name.
    async fn suggest(
        self,
        ctx: CommandContext,
        completing: Completing,
    ) -> Result<Vec<Choice>, Error> {
        if completing.option != "preset" {
            return Ok(Vec::new());
        }
        preset_suggestions(&ctx, self.randomizer, completing.typed, self.kind, true).await
    }
}

/// The presets of `randomizer` to pick while `typed` is typed into a command's preset option
/// (`kind`: of that kind only; `for_roll`: what the user may roll, else what they may read):
/// `namespace/name`, or only names when the command's `namespace` option is filled in.
pub(crate) async fn preset_suggestions(
    ctx: &CommandContext,
    randomizer: &str,
    typed: String,
    kind: Option<PresetKind>,
    for_roll: bool,
) -> Result<Vec<Choice>, Error> {
    let actor = ctx.user.clone().map(Actor::user).unwrap_or_default();
    let namespace = ctx
        .call
        .string("namespace")
        .map(|ns| ns.trim().to_lowercase())
        .filter(|ns| !ns.is_empty());
    let typed = match &namespace {
        Some(ns) => format!("{ns}/{}", typed.trim()),
        None => typed,
    };
    let keys = Presets::new(ctx.platform.clone())
        .preset_choices(ctx.org_id, &actor, randomizer, &typed, kind, for_roll)
        .await?;
    Ok(keys
        .into_iter()
        .filter_map(|key| match &namespace {
            Some(ns) => key.strip_prefix(&format!("{ns}/")).map(Choice::same),
            None => Some(Choice::same(key)),
        })
        .collect())
}

/// The answer posted for everyone in the channel: an embed whose title is the message's first
/// line (without its bold marks) and whose description is the rest.
pub fn seed_reply(message: &str) -> CommandReply {
    let (title, description) = message.split_once('\n').unwrap_or((message, ""));
    CommandReply::public("").with_embed(title.replace("**", ""), description)
}

/// The usual answer: `**{title}** (preset)`, the link, the file-select code (`code_label`:
/// `File select`, `Hash`…), and whether the rolled settings or a spoiler are kept.
pub fn seed_message(title: &str, code_label: &str, seed: &SeedRoll) -> String {
    let mut text = format!(
        "**{title}** ({})\n<{}>",
        if seed.preset.is_empty() {
            "settings given"
        } else {
            &seed.preset
        },
        seed.url
    );
    if let Some(code) = &seed.file_select_code {
        text += &format!("\n{code_label}: {}", code.join(" / "));
    }
    if seed.mystery {
        text += "\nMystery: the rolled settings stay hidden until the spoiler is released.";
    }
    if seed.has_spoiler {
        text += "\nA spoiler log is kept with the seed.";
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_is_an_embed_titled_by_the_first_line() {
        let reply = seed_reply(
            "**ALTTPR seed** (league/open)\n<https://alttpr.test/h/x>\nFile select: A / B",
        );
        assert!(!reply.ephemeral);
        assert_eq!(reply.content, "");
        assert_eq!(
            reply.embed,
            Some((
                "ALTTPR seed (league/open)".into(),
                "<https://alttpr.test/h/x>\nFile select: A / B".into()
            ))
        );
        assert_eq!(
            seed_reply("one line").embed,
            Some(("one line".into(), String::new()))
        );
    }
}
