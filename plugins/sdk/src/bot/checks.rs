//! The platform's rules for anything a plugin answers on Discord, and the lookups they make.
//! [`dispatch`] (a command) and [`dispatch_component`] (a button click) run a handler only after
//! [`checked_for`]: the server is linked to an organization ([`linked_org`]), the plugin is
//! enabled there, and a named action is held by the SahaBot user behind the Discord account
//! ([`user_by_discord_id`]). A refusal or a handler's error becomes a private reply.

use super::{
    Choice, CommandCall, CommandContext, CommandHandler, CommandReply, Completing,
    RegisteredCommand, MAX_CHOICES,
};
use crate::{
    auth::CurrentUser, context::Decision, context::Platform, db::Db, runtime::LinkedGuild, Error,
};

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

/// The suggestions for the option being typed in `command`, after the same checks as a use of
/// it: a refusal or a failing handler suggests nothing (Discord then shows no choices; the
/// refusal's message comes when the command is sent). At most [`MAX_CHOICES`], each name and
/// value cut to Discord's 100 characters.
pub async fn complete(
    platform: &Platform,
    command: &RegisteredCommand,
    call: CommandCall,
    completing: Completing,
) -> Vec<Choice> {
    let Some(handler) = &command.command.autocomplete else {
        return Vec::new();
    };
    let Ok(ctx) = checked(platform, command, call).await else {
        return Vec::new();
    };
    match handler(ctx, completing).await {
        Ok(choices) => choices
            .into_iter()
            // A value longer than Discord takes would be sent back cut: leave it out instead.
            .filter(|c| !c.value.is_empty() && c.value.chars().count() <= 100)
            .take(MAX_CHOICES)
            .map(|c| Choice {
                name: c.name.chars().take(100).collect(),
                value: c.value,
            })
            .collect(),
        Err(e) => {
            tracing::debug!(error = %e, command = %command.command.name, "autocomplete failed");
            Vec::new()
        }
    }
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
