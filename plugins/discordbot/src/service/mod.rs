//! The service every adapter goes through: the API (`api`), the link callback, the `/sahabot`
//! command (`commands`). One file per feature:
//! - [`guild_links`] — invites, the link callback, linking and unlinking servers;
//! - [`status`] — the organization's Discord page (settings, bot status, linked servers);
//! - [`about`] — what `/sahabot` answers.
//!
//! Rights are decided here: every guild-link method checks that the [`Actor`] holds
//! [`actions::LINK`] in the organization (the API's guard checked it too; the link callback and
//! tests come without one). Writes run in one transaction with their audit entry.
//!
//! The service is assembled per call from the [`Platform`] (database, authorizer, plugin host,
//! bot status) and the [`Settings`] published in `on_load`: `on_load` has no `Platform` yet, so
//! there is nothing more to keep.

use std::sync::Arc;

use sdk::{auth::CurrentUser, context::Platform, Actor, Error};

use crate::{actions, settings::Settings, PLUGIN_ID};

pub mod about;
pub mod guild_links;
pub mod status;

/// The Discord bot's service.
#[derive(Clone)]
pub struct DiscordBotService {
    platform: Platform,
    settings: Arc<Settings>,
}

impl DiscordBotService {
    pub fn new(platform: Platform, settings: Arc<Settings>) -> Self {
        Self { platform, settings }
    }

    /// The service with the settings this plugin published in `on_load`.
    pub fn from_platform(platform: &Platform) -> Result<Self, Error> {
        let settings = platform.plugins.service::<Settings>(PLUGIN_ID)?;
        Ok(Self::new(platform.clone(), settings))
    }

    /// The actor's user, when they may link servers to `org_id` (the organization exists and
    /// they hold [`actions::LINK`] there).
    async fn may_link<'a>(&self, actor: &'a Actor, org_id: i64) -> Result<&'a CurrentUser, Error> {
        let user = actor.require_user()?;
        sdk::auth::guard::authorize(
            &self.platform.db,
            self.platform.authorizer.as_ref(),
            user,
            org_id,
            actions::LINK,
        )
        .await?;
        Ok(user)
    }
}
