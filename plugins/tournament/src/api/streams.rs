//! Stream channels.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::StreamChannel;
#[cfg(feature = "ssr")]
use {super::guard::*, crate::actions};

#[server(prefix = "/api/p/tournament", endpoint = "list_stream_channels", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_stream_channels(
    org_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<StreamChannel>, sdk::Error> {
    let g = guard(org_id, actions::MATCH_READ).await?;
    g.service.stream_channels(g.org_id, &page).await
}
sdk::api_doc!(
    ListStreamChannels,
    "`match:read` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "create_stream_channel", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_stream_channel(
    org_id: i64,
    name: String,
    stream_url: String,
    #[server(default)] is_active: Option<bool>,
) -> Result<StreamChannel, sdk::Error> {
    let g = guard(org_id, actions::STREAMS).await?;
    g.service
        .save_stream_channel(
            g.org_id,
            &g.actor,
            None,
            &crate::service::StreamChannelInput {
                name,
                stream_url,
                is_active: is_active.unwrap_or(true),
            },
            now(),
        )
        .await
}
sdk::api_doc!(
    CreateStreamChannel,
    "`tournament:streams` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "update_stream_channel", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn update_stream_channel(
    org_id: i64,
    stream_channel_id: i64,
    name: String,
    stream_url: String,
    is_active: bool,
) -> Result<StreamChannel, sdk::Error> {
    let g = guard(org_id, actions::STREAMS).await?;
    g.service
        .save_stream_channel(
            g.org_id,
            &g.actor,
            Some(stream_channel_id),
            &crate::service::StreamChannelInput {
                name,
                stream_url,
                is_active,
            },
            now(),
        )
        .await
}
sdk::api_doc!(
    UpdateStreamChannel,
    "`tournament:streams` in the organization, with tournament enabled"
);
