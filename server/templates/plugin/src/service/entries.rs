//! Adding and listing entries.

use sdk::{
    page::{Page, PageRequest},
    Actor, Error,
};

use super::Entries;
use crate::{actions, events::EntryAdded, model::Entry, repo, rules, PLUGIN_ID};

impl Entries {
    /// The organization's entries, newest first, a page at a time.
    pub async fn list(
        &self,
        org_id: i64,
        actor: &Actor,
        page: &PageRequest,
    ) -> Result<Page<Entry>, Error> {
        self.require(actor, org_id, actions::READ).await?;
        repo::list(&self.db, org_id, page).await
    }

    /// Adds an entry of at most the organization's `max_length` characters.
    pub async fn add(
        &self,
        org_id: i64,
        actor: &Actor,
        text: &str,
        now: i64,
    ) -> Result<Entry, Error> {
        self.require(actor, org_id, actions::WRITE).await?;
        let config = self.plugins.effective_config(org_id, PLUGIN_ID).await?;
        let text = rules::clean_text(text, rules::max_length(&config))?;
        let mut tx = self.db.begin().await?;
        let entry = repo::insert(&mut tx, org_id, &text, actor.user_id(), now).await?;
        let details = serde_json::json!({ "entry_id": entry.id });
        actor
            .audit(&mut tx, Some(org_id), "__ID__.add", details)
            .await?;
        tx.commit().await?;
        // After the commit: listeners never hear of an entry that was rolled back.
        self.events.emit(
            Some(org_id),
            actor.user_id(),
            EntryAdded { entry_id: entry.id },
        );
        Ok(entry)
    }
}
