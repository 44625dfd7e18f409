//! The randomizers presets can be written for: a registry this plugin publishes as a service,
//! filled with the known randomizers at load. A randomizer plugin that requires `presets`
//! adds its own (`service::<RandomizerRegistry>(…)?.register(…)`) — no enum to edit. Also
//! reachable as `presets::randomizers` (the path in plugin.toml).
//!
//! [`Presets`] reads the published registry (so what other plugins added counts) to list the
//! randomizers and to refuse a preset for an unknown one.

use std::sync::{Arc, RwLock};

use sdk::Error;

use super::Presets;
use crate::{model::RandomizerInfo, PLUGIN_ID};

/// The randomizers SahasrahBot and SahaBot2 supported.
pub const KNOWN: &[(&str, &str)] = &[
    ("alttpr", "A Link to the Past Randomizer"),
    ("sm", "Super Metroid Randomizer"),
    ("smz3", "SMZ3 (Super Metroid + A Link to the Past)"),
    ("ootr", "Ocarina of Time Randomizer"),
    ("aosr", "Aria of Sorrow Randomizer"),
    ("z1r", "Zelda 1 Randomizer"),
    ("ffr", "Final Fantasy Randomizer"),
    ("smb3r", "Super Mario Bros. 3 Randomizer"),
    ("ctjets", "Chrono Trigger: Jets of Time"),
    ("bingosync", "Bingosync"),
];

#[derive(Debug, Default)]
pub struct RandomizerRegistry {
    entries: RwLock<Vec<RandomizerInfo>>,
}

impl RandomizerRegistry {
    pub fn with_known() -> Self {
        let registry = Self::default();
        for (id, name) in KNOWN {
            registry.register(id, name);
        }
        registry
    }

    /// Adds a randomizer, or renames it when the id is known.
    pub fn register(&self, id: &str, name: &str) {
        if let Ok(mut entries) = self.entries.write() {
            match entries.iter_mut().find(|e| e.id == id) {
                Some(entry) => entry.name = name.to_string(),
                None => entries.push(RandomizerInfo {
                    id: id.to_string(),
                    name: name.to_string(),
                }),
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<RandomizerInfo> {
        self.entries
            .read()
            .ok()?
            .iter()
            .find(|e| e.id == id)
            .cloned()
    }

    pub fn all(&self) -> Vec<RandomizerInfo> {
        self.entries.read().map(|e| e.clone()).unwrap_or_default()
    }
}

impl Presets {
    /// The registry as published, with what other plugins registered.
    fn registry(&self) -> Result<Arc<RandomizerRegistry>, Error> {
        self.platform
            .plugins
            .service::<RandomizerRegistry>(PLUGIN_ID)
    }

    /// Randomizers presets can be written for.
    pub fn randomizers(&self) -> Result<Vec<RandomizerInfo>, Error> {
        Ok(self.registry()?.all())
    }

    /// The randomizer id as stored (trimmed, lowercase), or Invalid naming the known ones.
    pub(super) fn known_randomizer(&self, id: &str) -> Result<String, Error> {
        let registry = self.registry()?;
        let id = id.trim().to_lowercase();
        if registry.get(&id).is_some() {
            Ok(id)
        } else {
            let known: Vec<String> = registry.all().into_iter().map(|r| r.id).collect();
            Err(Error::invalid(
                "randomizer",
                format!(
                    "`{id}` is not a randomizer here; choose one of {}.",
                    known.join(", ")
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugins_extend_the_list() {
        let registry = RandomizerRegistry::with_known();
        assert!(registry.get("alttpr").is_some());
        assert!(registry.get("pokemon").is_none());
        registry.register("pokemon", "Pokémon Randomizer");
        assert_eq!(registry.all().len(), KNOWN.len() + 1);
    }
}
