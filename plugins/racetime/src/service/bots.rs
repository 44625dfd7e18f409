//! Category bots: registered and granted to organizations by site admins (the secret sealed,
//! never shown back), their tokens (client credentials, renewed at half-life, kept in memory
//! per instance) and their status for the admin page.

use sdk::{auth::GlobalLevel, Actor, Error};
use serde_json::json;

use super::{secrets, site, site::SiteError, HeldToken, Racetime};
use crate::{
    model::{Bot, BotInput, OrgBot},
    repo::{self, bots::BotSecret},
};

/// At most this many bots on a site (racetime.gg allows a few per category; the bots page and
/// the API list them whole).
pub const MAX_BOTS: i64 = 100;

fn require_site_admin(actor: &Actor) -> Result<(), Error> {
    if actor.user.is_none() || actor.is_at_least(GlobalLevel::Admin) {
        Ok(())
    } else {
        Err(Error::forbidden(
            "Only site admins manage RaceTime.gg bots.",
        ))
    }
}

fn check_input(input: &BotInput, new: bool) -> Result<(), Error> {
    let slug_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 50
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    if !slug_ok(input.category.trim()) {
        return Err(Error::invalid(
            "category",
            "Give the category's slug as in its racetime.gg address (lowercase letters, digits, - or _), e.g. alttpr.",
        ));
    }
    let name = input.name.trim();
    if name.chars().count() < 3 || name.chars().count() > 25 || name.contains(['@', '#']) {
        return Err(Error::invalid(
            "name",
            "Give the bot's name as on racetime.gg: 3 to 25 characters, no @ or #.",
        ));
    }
    if input.client_id.trim().is_empty() || input.client_id.len() > 200 {
        return Err(Error::invalid(
            "client_id",
            "Give the bot's client id from racetime.gg.",
        ));
    }
    if (new && input.client_secret.trim().is_empty()) || input.client_secret.len() > 500 {
        return Err(Error::invalid(
            "client_secret",
            "Give the bot's client secret from racetime.gg.",
        ));
    }
    Ok(())
}

impl Racetime {
    pub async fn bots(&self, actor: &Actor) -> Result<Vec<Bot>, Error> {
        require_site_admin(actor)?;
        repo::bots::list(self.db()).await
    }

    /// Registers a bot (`id` None) or changes one; an empty secret on a change keeps it.
    pub async fn save_bot(
        &self,
        actor: &Actor,
        id: Option<i64>,
        input: &BotInput,
        now: i64,
    ) -> Result<Bot, Error> {
        require_site_admin(actor)?;
        check_input(input, id.is_none())?;
        let sealed = match input.client_secret.trim() {
            "" => None,
            secret => Some(secrets::seal(&self.runtime.secret_key()?, secret)?),
        };
        let (category, name, client_id) = (
            input.category.trim(),
            input.name.trim(),
            input.client_id.trim(),
        );
        let mut tx = self.db().begin().await?;
        let id = match id {
            None => {
                if repo::bots::count(&mut tx).await? >= MAX_BOTS {
                    return Err(Error::conflict(format!(
                        "The site has {MAX_BOTS} RaceTime.gg bots already: change or switch off one instead."
                    )));
                }
                let sealed = sealed.as_deref().unwrap_or_default();
                repo::bots::insert(
                    &mut tx,
                    category,
                    name,
                    client_id,
                    sealed,
                    input.is_active,
                    now,
                )
                .await?
            }
            Some(id) => {
                if !repo::bots::update(
                    &mut tx,
                    id,
                    category,
                    name,
                    client_id,
                    sealed.as_deref(),
                    input.is_active,
                    now,
                )
                .await?
                {
                    return Err(Error::not_found(format!("There is no bot {id}.")));
                }
                id
            }
        };
        actor
            .audit(
                &mut tx,
                None,
                "racetime.bot_save",
                json!({"bot_id": id, "category": category, "name": name, "secret_changed": sealed.is_some(), "is_active": input.is_active}),
            )
            .await?;
        tx.commit().await?;
        self.forget_token(id);
        repo::bots::get(self.db(), id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no bot {id}.")))
    }

    /// Grants (or takes back) a bot to an organization.
    pub async fn grant_bot(
        &self,
        actor: &Actor,
        bot_id: i64,
        org_id: i64,
        granted: bool,
        now: i64,
    ) -> Result<Bot, Error> {
        require_site_admin(actor)?;
        let mut tx = self.db().begin().await?;
        if repo::bots::secret(&mut tx, bot_id).await?.is_none() {
            return Err(Error::not_found(format!("There is no bot {bot_id}.")));
        }
        if !repo::bots::org_exists(&mut tx, org_id).await? {
            return Err(Error::not_found(format!(
                "There is no organization {org_id}."
            )));
        }
        let changed = if granted {
            repo::bots::grant(&mut tx, bot_id, org_id, now).await?
        } else {
            repo::bots::revoke(&mut tx, bot_id, org_id).await?
        };
        if changed {
            let action = if granted {
                "racetime.bot_grant"
            } else {
                "racetime.bot_revoke"
            };
            actor
                .audit(&mut tx, Some(org_id), action, json!({"bot_id": bot_id}))
                .await?;
        }
        tx.commit().await?;
        repo::bots::get(self.db(), bot_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no bot {bot_id}.")))
    }

    /// The bots the organization may use.
    pub async fn org_bots(&self, org_id: i64, actor: &Actor) -> Result<Vec<OrgBot>, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, crate::actions::PROFILE_READ)
            .await?;
        repo::bots::granted(self.db(), org_id).await
    }

    /// Asks racetime.gg for a token now and reports the bot's status (the admin's "Test").
    pub async fn check_bot(&self, actor: &Actor, bot_id: i64, now: i64) -> Result<Bot, Error> {
        require_site_admin(actor)?;
        self.forget_token(bot_id);
        let _ = self.token(bot_id, now).await;
        repo::bots::get(self.db(), bot_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no bot {bot_id}.")))
    }

    pub(super) fn forget_token(&self, bot_id: i64) {
        if let Ok(mut tokens) = self.runtime.tokens.lock() {
            tokens.remove(&bot_id);
        }
    }

    /// The bot and a good token for it: the held one before half its life, else a new one. A
    /// refusal marks the bot `auth_failed` (a site admin must act); an unreachable site
    /// `error`.
    pub(super) async fn token(&self, bot_id: i64, now: i64) -> Result<(BotSecret, String), Error> {
        let bot = {
            let mut conn = self.db().pool().acquire().await?;
            repo::bots::secret(&mut conn, bot_id)
                .await?
                .ok_or_else(|| Error::not_found(format!("There is no bot {bot_id}.")))?
        };
        if !bot.is_active {
            return Err(Error::conflict(format!(
                "The RaceTime.gg bot {} is switched off.",
                bot.name
            )));
        }
        let held = self
            .runtime
            .tokens
            .lock()
            .ok()
            .and_then(|t| t.get(&bot_id).cloned())
            .filter(|t| t.renew_at > sdk::time::now_ms());
        if let Some(held) = held {
            return Ok((bot, held.access_token));
        }
        let secret = match secrets::open(&self.runtime.secret_key()?, &bot.client_secret_sealed) {
            Ok(secret) => secret,
            Err(e) => {
                repo::bots::set_status(
                    self.db(),
                    bot_id,
                    "auth_failed",
                    Some(&e.message()),
                    None,
                    now,
                )
                .await?;
                return Err(e);
            }
        };
        match site::token(&self.runtime.base_url(), &bot.client_id, &secret).await {
            Ok(token) => {
                let issued = sdk::time::now_ms();
                let expires_at = issued + token.expires_in * 1000;
                if let Ok(mut tokens) = self.runtime.tokens.lock() {
                    tokens.insert(
                        bot_id,
                        HeldToken {
                            access_token: token.access_token.clone(),
                            renew_at: issued + token.expires_in * 500,
                        },
                    );
                }
                repo::bots::set_status(self.db(), bot_id, "connected", None, Some(expires_at), now)
                    .await?;
                Ok((bot, token.access_token))
            }
            Err(e) => {
                let status = if matches!(e, SiteError::Refused(_)) {
                    "auth_failed"
                } else {
                    "error"
                };
                repo::bots::set_status(self.db(), bot_id, status, Some(&e.to_string()), None, now)
                    .await?;
                Err(e.into())
            }
        }
    }
}
