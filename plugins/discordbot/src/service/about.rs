//! What `/sahabot` answers: which organization the Discord server belongs to, and the commands
//! it can use there (those of the plugins the organization has on).

use sdk::{Actor, Error};

use super::DiscordBotService;
use crate::repo;

impl DiscordBotService {
    /// The answer for a server linked to `org_id`. Anyone in a linked server may ask (the
    /// command needs no action), so the actor is not checked.
    pub async fn about_server(&self, _actor: &Actor, org_id: i64) -> Result<String, Error> {
        let platform = &self.platform;
        let name = repo::orgs::org_name(&platform.db, org_id)
            .await?
            .unwrap_or_else(|| format!("organization {org_id}"));
        let enabled = platform.plugins.enabled_plugins(org_id).await?;
        let mut commands: Vec<String> = platform
            .plugins
            .bot()
            .commands
            .all()
            .into_iter()
            .filter(|c| enabled.contains(&c.plugin_id))
            .map(|c| format!("/{}", c.command.name))
            .collect();
        commands.sort();
        Ok(format!(
            "This Discord server belongs to {name} on {}. Commands here: {}.",
            platform.base_url,
            commands.join(", ")
        ))
    }
}
