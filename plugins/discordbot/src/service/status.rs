//! The organization's Discord page: whether the site has a bot, whether it is online, whether
//! invites can work, and the linked servers.

use sdk::{Actor, Error};

use super::DiscordBotService;
use crate::{model::DiscordPage, repo, rules};

impl DiscordBotService {
    /// The page for `org_id` as seen at `now`.
    pub async fn page(&self, actor: &Actor, org_id: i64, now: i64) -> Result<DiscordPage, Error> {
        self.may_link(actor, org_id).await?;
        let status = self.platform.plugins.bot().status();
        let lease = repo::lease(&self.platform.db).await?;
        let configured = self.settings.token.is_some();
        Ok(DiscordPage {
            org_id,
            bot_configured: configured,
            bot_online: rules::bot_online(status.connected, configured, lease.as_ref(), now),
            bot_user: status.bot_user,
            invite_problem: rules::invite_problem(&self.settings),
            servers: repo::guilds::linked_servers(&self.platform.db, org_id).await?,
        })
    }
}
