//! Bingosync: bingo rooms on bingosync.com, made from presets — the game (and variant), lockout
//! or not, the card's seed, a hidden card, the room's name and password.
//!
//! How the pieces fit (a randomizer plugin is small; docs/plugins.md, "Writing a randomizer
//! plugin"):
//! - `plugin.toml` — the manifest: requires `presets`; the site's `base_url` and
//!   `timeout_seconds` settings (site administrators only: an organization cannot point the
//!   server elsewhere).
//! - [`rules`] — pure: the settings schema, the room form made from a preset (a password and a
//!   card seed drawn from the roll's random seed when the preset has none), and the room id
//!   read from the site's redirect.
//! - `service` (server) — [`service::Bingosync`], the `sdk::randomizer::Randomizer` given to
//!   the host in `on_load`: it makes the room through the site's own form (a CSRF token and
//!   cookie first), through `sdk::randomizer::upstream`, reading the form's token, cookies and
//!   errors with `sdk::randomizer::forms` (shared with CTJets).
//! - [`api`] — `/api/p/bingosync/generate`: the presets plugin's seed service, for Bingosync
//!   (rights, the seed history are decided there); `/api/p/bingosync/new_card`.
//! - [`ui`] — the "Make a Bingosync room" page (the presets plugin's roll form, for Bingosync).
//! - `commands` (server) — `/bingosync` on Discord, over the same seed service, and its
//!   "New card" button.
//!
//! A "seed" of this randomizer is a room: its URL, its id as the hash, and its password in the
//! settings kept with it (players need it to join). A new card in a room made before
//! (`service::new_card`: the API's `new_card`, the "New card" button under `/bingosync`'s
//! answer) joins the room again with that password and puts a card with the same game and a
//! new seed (the site's `api/new-card`, docs/upstreams/randomizers.md §8.2); no session or
//! other credential for the site is kept between calls.
//!
//! No tables of its own: rooms made are kept in the presets plugin's seed history.
// Page views are deep types; the full-type (release) wasm build, which hydrates them
// asynchronously, needs more than rustc's default limit of 128.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod commands;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

/// This plugin's id, as in `plugin.toml`; also the randomizer's id.
pub const PLUGIN_ID: &str = "bingosync";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The plugin object the registry loads (the app's generated list calls this).
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(ThePlugin)
}

#[cfg(feature = "ssr")]
struct ThePlugin;

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for ThePlugin {
    /// Gives the host the Bingosync randomizer; registers `/bingosync`.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        ctx.randomizer(std::sync::Arc::new(service::Bingosync))?;
        commands::register(ctx)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn manifest_is_valid() {
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(manifest.id, super::PLUGIN_ID);
    }
}
