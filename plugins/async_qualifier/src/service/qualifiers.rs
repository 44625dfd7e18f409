//! A qualifier's settings: create, change, read (one, a page, or the one posted in a Discord
//! channel).

use sdk::{Actor, Error};
use serde_json::json;

use super::Qualifiers;
use crate::{
    repo::{self, QualifierFields, QualifierRow},
    rules,
};

/// What a qualifier is created or changed with.
#[derive(Debug, Clone)]
pub struct QualifierInput {
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub hide_results: bool,
    pub discord_channel_id: String,
    pub runs_per_pool: i64,
    pub max_reattempts: i64,
    pub require_racetime: bool,
}

impl QualifierInput {
    fn clean(&self) -> Result<QualifierFields, Error> {
        rules::check_limits(self.runs_per_pool, self.max_reattempts)?;
        Ok(QualifierFields {
            name: rules::clean_name("name", &self.name, 100)?,
            description: rules::clean_text("description", &self.description, rules::NOTES_MAX)?,
            is_active: self.is_active,
            hide_results: self.hide_results,
            discord_channel_id: rules::clean_channel(&self.discord_channel_id)?,
            runs_per_pool: self.runs_per_pool,
            max_reattempts: self.max_reattempts,
            require_racetime: self.require_racetime,
        })
    }
}

impl Qualifiers {
    pub async fn qualifier(&self, org_id: i64, id: i64) -> Result<QualifierRow, Error> {
        repo::qualifier(&mut *self.conn().await?, org_id, id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no async qualifier {id} here.")))
    }

    /// One page of the organization's qualifiers, newest first.
    pub async fn qualifiers(
        &self,
        org_id: i64,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<QualifierRow>, Error> {
        repo::qualifiers(&mut *self.conn().await?, org_id, page).await
    }

    pub async fn create_qualifier(
        &self,
        org_id: i64,
        actor: &Actor,
        input: &QualifierInput,
        now: i64,
    ) -> Result<QualifierRow, Error> {
        let fields = input.clean()?;
        self.check_channel(org_id, fields.discord_channel_id.as_deref(), None)
            .await?;
        let mut tx = self.begin().await?;
        let id = repo::insert_qualifier(&mut tx, org_id, &fields, actor.id()?, now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "async_qualifier.create",
                json!({"qualifier_id": id, "name": fields.name}),
            )
            .await?;
        tx.commit().await?;
        self.qualifier(org_id, id).await
    }

    pub async fn update_qualifier(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        input: &QualifierInput,
        now: i64,
    ) -> Result<QualifierRow, Error> {
        let fields = input.clean()?;
        let before = self.qualifier(org_id, id).await?;
        self.check_channel(
            org_id,
            fields.discord_channel_id.as_deref(),
            before.discord_channel_id.as_deref(),
        )
        .await?;
        let mut tx = self.begin().await?;
        repo::update_qualifier(&mut tx, org_id, id, &fields, now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "async_qualifier.update",
                json!({"qualifier_id": id, "name": fields.name, "was_active": before.is_active,
                   "is_active": fields.is_active, "runs_per_pool": fields.runs_per_pool,
                   "max_reattempts": fields.max_reattempts, "hide_results": fields.hide_results}),
            )
            .await?;
        tx.commit().await?;
        self.qualifier(org_id, id).await
    }

    /// The qualifier posted in a Discord channel (for the "Start New Async Run" button).
    pub async fn qualifier_by_channel(
        &self,
        org_id: i64,
        channel_id: &str,
    ) -> Result<QualifierRow, Error> {
        repo::qualifier_by_channel(&mut *self.conn().await?, org_id, channel_id)
            .await?
            .ok_or_else(|| Error::not_found("No async qualifier is posted in this channel."))
    }
}
