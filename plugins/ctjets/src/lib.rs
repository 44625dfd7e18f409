//! CTJets: seeds of Chrono Trigger: Jets of Time, rolled on ctjot.com's web generator from
//! presets.
//!
//! Which site flow (docs/upstreams/randomizers.md §9): this plugin follows **§9.2, the current
//! web generator** (`Anguirel86/ctjot_web_generator`, `generator/urls.py`, `views.py`,
//! `forms.py` — verified against those sources): `GET /options/` for the CSRF token and cookie,
//! `POST /generate-rom/` with the complete `GenerateForm` (version 3.2.0 of the randomizer), a
//! 302 to `/share/{share_id}` for the seed. It does not need the Chrono Trigger ROM, which
//! SahasrahBot's older flow (§9.1, `/{version}/options/` and a ROM upload) did — we have no ROM
//! to upload. What could not be verified offline: whether ctjot.com still serves
//! version-prefixed paths (`base_url` may carry such a prefix; paths are joined under it), and
//! which generator version the live site runs (its `beta_integration` branch, 3.3.0, requires
//! more fields; the site's error page naming them is reported as is). SahasrahBot's 3.1.0
//! preset files are read into the current fields (`rules::normalize`); an answer of 200 is read
//! as the seed page SahasrahBot scraped ("Seed share link").
//!
//! How the pieces fit (a randomizer plugin is small; docs/plugins.md, "Writing a randomizer
//! plugin"):
//! - `plugin.toml` — the manifest: requires `presets`; the site's `base_url` and
//!   `timeout_seconds` settings (site administrators only: an organization cannot point the
//!   server elsewhere).
//! - [`rules`] — pure: the generator's form fields (schema, defaults), the form made from a
//!   preset, and what is read from the site's answers (the share id, the error page).
//! - `service` (server) — [`service::Ctjets`], the `sdk::randomizer::Randomizer` given to the
//!   host in `on_load`: it calls ctjot.com through `sdk::randomizer::upstream`, reading the
//!   CSRF token and cookie with `sdk::randomizer::forms` (shared with Bingosync).
//! - [`api`] — `/api/p/ctjets/generate`: the presets plugin's seed service, for CTJets (rights,
//!   the seed history and spoilers are decided there).
//! - [`ui`] — the "Roll a CTJets seed" page (the presets plugin's roll form, for CTJets).
//! - `commands` (server) — `/ctjets` on Discord, over the same seed service.
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
pub const PLUGIN_ID: &str = "ctjets";

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
    /// Gives the host the CTJets randomizer; registers `/ctjets`.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        ctx.randomizer(std::sync::Arc::new(service::Ctjets))?;
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
