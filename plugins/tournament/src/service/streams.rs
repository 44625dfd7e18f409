//! The organization's stream channels, which matches are assigned to.

use sdk::{Actor, Error};
use serde_json::json;

use super::Tournaments;
use crate::{model::StreamChannel, repo, rules};

/// What a stream channel is created or changed with.
#[derive(Debug, Clone)]
pub struct StreamChannelInput {
    pub name: String,
    pub stream_url: String,
    pub is_active: bool,
}

impl Tournaments {
    /// One page of the organization's stream channels, newest first.
    pub async fn stream_channels(
        &self,
        org_id: i64,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<StreamChannel>, Error> {
        repo::stream_channels_page(&mut *self.conn().await?, org_id, page).await
    }

    /// Creates a stream channel (`id` None) or changes one.
    pub async fn save_stream_channel(
        &self,
        org_id: i64,
        actor: &Actor,
        id: Option<i64>,
        channel: &StreamChannelInput,
        now: i64,
    ) -> Result<StreamChannel, Error> {
        let name = rules::clean_name("name", &channel.name, rules::NAME_MAX)?;
        let url = rules::clean_url("stream_url", &channel.stream_url, false)?;
        let is_active = channel.is_active;
        let mut tx = self.begin().await?;
        let id = match id {
            None => {
                repo::insert_stream_channel(&mut tx, org_id, &name, &url, is_active, now).await?
            }
            Some(id) => {
                if !repo::update_stream_channel(&mut tx, org_id, id, &name, &url, is_active).await?
                {
                    return Err(Error::not_found(format!(
                        "There is no stream channel {id} here."
                    )));
                }
                id
            }
        };
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "tournament.stream_channel",
                json!({"stream_channel_id": id, "name": name, "is_active": is_active}),
            )
            .await?;
        tx.commit().await?;
        repo::stream_channel(&mut *self.conn().await?, org_id, id)
            .await?
            .ok_or_else(|| Error::internal("stream channel vanished after saving"))
    }
}
