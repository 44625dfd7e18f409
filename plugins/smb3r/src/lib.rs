//! SMB3R: Super Mario Bros. 3 Randomizer seeds from presets. SMB3R is a Windows program with no
//! site to ask: players type a seed number and the flags into it and randomize their own ROM.
//! So "rolling" is choosing the number (from the roll's random number, so it can be reproduced)
//! and handing it out with the preset's flags; nothing is called. The seed's link is the
//! program's home page (there are no seed pages), and its settings are the number and flags.
//!
//! How the pieces fit (a randomizer plugin is small; docs/plugins.md, "Writing a randomizer
//! plugin"):
//! - `plugin.toml` — the manifest: requires `presets`; the home page's `base_url` setting (site
//!   administrators only: an organization cannot point the links elsewhere).
//! - [`rules`] — pure: the program described ([`rules::SMB3R`]: names, flag alphabet and length,
//!   seed range) for `sdk::randomizer::desktop`, which makes the settings schema, checks the
//!   flag string, chooses the seed number and makes the seed players are given.
//! - `service` (server) — [`service::Smb3r`], the `sdk::randomizer::Randomizer` given to the
//!   host in `on_load`.
//! - [`api`] — `/api/p/smb3r/generate`: the presets plugin's seed service, for SMB3R (rights,
//!   the seed history and the audit entry are decided there).
//! - [`ui`] — the "Roll an SMB3R seed" page (the presets plugin's roll form, for SMB3R).
//! - `commands` (server) — `/smb3r` on Discord, over the same seed service.
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
pub const PLUGIN_ID: &str = "smb3r";

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
    /// Gives the host the SMB3R randomizer; registers `/smb3r`.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        ctx.randomizer(std::sync::Arc::new(service::Smb3r))?;
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
