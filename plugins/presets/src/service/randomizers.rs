//! The randomizers presets can be written for: every randomizer a plugin provides (the host's
//! registry, `sdk::randomizer`), plus the names SahasrahBot and SahaBot2 knew whose plugin does
//! not exist yet — presets can be kept for those, seeds not rolled.
//!
//! A preset for a randomizer a plugin provides is checked against that randomizer when it is
//! saved (its settings schema, or its mystery check), so a misspelt setting is refused by name
//! then, not when a seed is rolled in the middle of a race.

use std::sync::Arc;

use sdk::{randomizer::Randomizer, Error};
use serde_json::Value;

use super::Presets;
use crate::{format::PresetKind, model::RandomizerInfo};

/// The randomizers SahasrahBot and SahaBot2 supported, for those no plugin provides yet.
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

impl Presets {
    /// The randomizer `id` as a plugin provides it, if one does.
    pub(super) fn provided_randomizer(&self, id: &str) -> Option<Arc<dyn Randomizer>> {
        self.platform
            .plugins
            .randomizers()
            .get(id)
            .map(|(_, randomizer)| randomizer)
    }

    /// Randomizers presets can be written for, by id.
    pub fn randomizers(&self) -> Result<Vec<RandomizerInfo>, Error> {
        let mut list: Vec<RandomizerInfo> = self
            .platform
            .plugins
            .randomizers()
            .all()
            .into_iter()
            .map(|r| RandomizerInfo {
                id: r.id,
                name: r.name,
                can_roll: true,
            })
            .collect();
        for (id, name) in KNOWN {
            if !list.iter().any(|r| r.id == *id) {
                list.push(RandomizerInfo {
                    id: id.to_string(),
                    name: name.to_string(),
                    can_roll: false,
                });
            }
        }
        list.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(list)
    }

    /// The randomizer id as stored (trimmed, lowercase), or Invalid naming the known ones.
    pub(super) fn known_randomizer(&self, id: &str) -> Result<String, Error> {
        let id = id.trim().to_lowercase();
        let known = self.randomizers()?;
        if known.iter().any(|r| r.id == id) {
            Ok(id)
        } else {
            let ids: Vec<String> = known.into_iter().map(|r| r.id).collect();
            Err(Error::invalid(
                "randomizer",
                format!(
                    "`{id}` is not a randomizer here; choose one of {}.",
                    ids.join(", ")
                ),
            ))
        }
    }

    /// Checks a preset's settings against its randomizer, when a plugin provides it.
    pub(super) fn check_settings(
        &self,
        randomizer: &str,
        kind: PresetKind,
        settings: &Value,
    ) -> Result<(), Error> {
        match self.provided_randomizer(randomizer) {
            Some(r) => r.check_settings(settings, kind == PresetKind::Mystery),
            None => Ok(()),
        }
    }
}
