//! The pages under `/org/{org_id}/discord`, one file each: [`discord_page`] (the bot's status,
//! the organization's linked servers, "Add the bot").

use leptos::prelude::*;
use leptos_router::{components::Route, Lazy, StaticSegment};

mod discord_page;

use discord_page::DiscordServersPage;

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(discordbot_pages: DiscordServersRoute => DiscordServersPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<DiscordServersRoute>::new()}/> }.into_inner()
}
