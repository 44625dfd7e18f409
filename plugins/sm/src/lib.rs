//! Super Metroid: one randomizer, `sm`, rolled from presets in one of three ways, chosen by the
//! preset's `generator` setting (docs/upstreams/randomizers.md):
//! - `total` (the default, as SahasrahBot's `presets/sm/*.yaml` are) — the Super Metroid
//!   randomizer of the samus.link app at sm.samus.link, SahasrahBot's "SM Total Randomizer"
//!   (§4, §6.5): the same app as SMZ3, so its client is the `smz3` crate's;
//! - `varia` — the VARIA web randomizer (§5): a settings preset and a skills preset fetched,
//!   merged with the preset's overrides, and posted as one form;
//! - `dash` — DASH on dashrando.net (§6): a GET that answers with a redirect to the seed.
//!
//! How the pieces fit (a randomizer plugin is small; docs/plugins.md, "Writing a randomizer
//! plugin"):
//! - `plugin.toml` — the manifest: requires `presets`; one site-only address per generator
//!   (`varia_url`, `dash_url`, `total_url`) and `timeout_seconds` (site administrators only: an
//!   organization cannot point the server elsewhere).
//! - [`rules`] — pure: the settings schema, which generator a preset uses and which settings
//!   belong to it, VARIA's form and answers, DASH's redirect.
//! - `service` (server) — [`service::Sm`], the `sdk::randomizer::Randomizer` given to the host
//!   in `on_load`: it calls the generator's site through `sdk::randomizer::upstream`.
//! - [`api`] — `/api/p/sm/generate`: the presets plugin's seed service, for Super Metroid
//!   (rights, the seed history and spoilers are decided there).
//! - [`ui`] — the "Roll a Super Metroid seed" page (the presets plugin's roll form).
//! - `commands` (server) — `/sm` on Discord, over the same seed service.
//!
//! No tables of its own: rolled seeds are kept in the presets plugin's seed history.
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
pub const PLUGIN_ID: &str = "sm";

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
    /// Gives the host the Super Metroid randomizer; registers `/sm`.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        ctx.randomizer(std::sync::Arc::new(service::Sm))?;
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
