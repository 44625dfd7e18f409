//! Randomizers: the contract between the plugins that roll seeds on a randomizer's site and
//! everything that wants a seed (presets, tournaments, race rooms, Discord commands).
//!
//! How the pieces fit:
//! - a randomizer plugin (`plugins/alttpr`, `plugins/avianart`, …) implements [`Randomizer`]
//!   — an id, a display name, the JSON Schema its presets' settings must satisfy, and
//!   `generate` — and hands it to the host in `on_load` (`ctx.randomizer(…)`);
//! - the host keeps every loaded randomizer in one [`RandomizerRegistry`], reachable from any
//!   plugin as `platform.plugins.randomizers()`, each entry with the plugin that provides it (a
//!   randomizer is usable by an organization only while that plugin is on there);
//! - the `presets` plugin validates a preset against its randomizer's schema when it is saved,
//!   and its seed service rolls (`generate`), stores the seed in the organization's history and
//!   decides who sees the spoiler;
//! - every call to a randomizer's site goes through [`upstream::Upstream`] (server only): the
//!   shared HTTP client with the site's configured base URL, a time limit, bounded retries on
//!   5xx answers and timeouts only, and refusals turned into [`crate::Error::Upstream`] carrying
//!   the site's own message.
//!
//! [`Seed`] is what the browser and API clients see of a roll.

pub mod desktop;
#[cfg(feature = "ssr")]
pub mod forms;
#[cfg(feature = "ssr")]
mod registry;
#[cfg(feature = "ssr")]
pub mod upstream;

#[cfg(feature = "ssr")]
pub use registry::{validate_settings, GenerateRequest, Randomizer, RandomizerRegistry};

use serde::{Deserialize, Serialize};

/// A preset document's settings: the `settings` mapping of SahasrahBot's file format (which
/// wraps them with `goal_name`, `description`, …), or the whole document when it is plain
/// settings. Every randomizer reads its presets through this.
pub fn settings_of(document: &serde_json::Value) -> &serde_json::Value {
    match document.get("settings") {
        Some(settings @ serde_json::Value::Object(_)) => settings,
        _ => document,
    }
}

/// How the caller wants the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RollOptions {
    /// Ask the site for a spoiler log, when it can make one.
    pub spoiler: bool,
    /// A race seed: sites with a tournament mode hide what would let players cheat (ALTTPR's
    /// tournament flag).
    pub tournament: bool,
}

/// A randomizer in the host's registry: presets can be written for it and seeds rolled with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RegisteredRandomizer {
    /// e.g. `alttpr`
    pub id: String,
    /// e.g. "A Link to the Past Randomizer"
    pub name: String,
    /// The plugin that rolls it (it must be on for an organization to roll there).
    pub plugin_id: String,
    /// Whether it takes mystery weightsets as well as fixed settings.
    pub mystery: bool,
}

/// A rolled seed, as the randomizer's site described it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Seed {
    /// Where players get the seed (the site's page for it, or the generator link with the seed
    /// and flags for the sites that roll in the browser).
    pub url: String,
    /// The site's short identifier of the seed (ALTTPR's hash, OoTR's id, …), when it has one.
    pub hash: Option<String>,
    /// A link that rebuilds the same seed, when the site has one besides `url`.
    pub permalink: Option<String>,
    /// Where the spoiler log is on the randomizer's site, when it keeps one. Shown only to
    /// those allowed to see spoilers until the organization releases them.
    pub spoiler_url: Option<String>,
    /// The spoiler log itself, when the site hands it over only once (ALTTPR's answer): kept
    /// with the seed and shown under the same rule as `spoiler_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spoiler_log: Option<serde_json::Value>,
    /// The code players compare on the file-select screen (icon names, in order), when the
    /// game has one.
    pub file_select_code: Option<Vec<String>>,
    /// The settings the seed was rolled with (for a mystery weightset: what it rolled).
    pub settings: serde_json::Value,
    /// Anything else the site said that is worth keeping (version, generation time, …).
    pub metadata: serde_json::Value,
}
