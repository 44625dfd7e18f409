//! The [`Randomizer`] trait a randomizer plugin implements, what `generate` receives, and the
//! host's [`RandomizerRegistry`] of every loaded randomizer.

use std::{
    collections::BTreeMap,
    sync::{Arc, RwLock},
};

use async_trait::async_trait;
use serde_json::Value;

use super::{RegisteredRandomizer, RollOptions, Seed};
use crate::Error;

/// One roll: the settings (a preset's, or the caller's own) and how to roll them.
#[derive(Debug, Clone)]
pub struct GenerateRequest {
    /// The organization the seed is rolled for.
    pub org_id: i64,
    /// A preset's settings, already checked by [`Randomizer::check_settings`].
    pub settings: Value,
    /// `settings` is a mystery weightset: roll concrete settings from it first.
    pub mystery: bool,
    pub options: RollOptions,
    /// The randomizer plugin's configuration for this organization (the site's base URL, an
    /// API key, …), as `platform.plugins.effective_config` gives it.
    pub config: Value,
    /// Seeds every random choice made here (a mystery roll), so a roll can be reproduced.
    pub rng_seed: u64,
}

/// What a randomizer plugin implements.
#[async_trait]
pub trait Randomizer: Send + Sync + 'static {
    /// Unique on the site, lowercase, e.g. `alttpr`; presets name it.
    fn id(&self) -> &'static str;

    /// e.g. "A Link to the Past Randomizer".
    fn name(&self) -> &'static str;

    /// The JSON Schema a preset's fixed settings must satisfy (an object schema; list the
    /// settings under `properties` and set `additionalProperties: false` so a misspelt setting
    /// is refused by name).
    fn settings_schema(&self) -> Value;

    /// Whether presets may be mystery weightsets.
    fn takes_mystery(&self) -> bool {
        false
    }

    /// Checks a mystery weightset when a preset is saved (only called when
    /// [`Randomizer::takes_mystery`]).
    fn check_mystery(&self, _weights: &Value) -> Result<(), Error> {
        Ok(())
    }

    /// Checks a preset's settings when it is saved: fixed settings against the schema, mystery
    /// weightsets with [`Randomizer::check_mystery`]. The error names the setting to fix.
    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            if self.takes_mystery() {
                self.check_mystery(settings)
            } else {
                Err(Error::invalid(
                    "yaml",
                    format!("{} does not take mystery weightsets.", self.name()),
                ))
            }
        } else {
            validate_settings(&self.settings_schema(), settings)
        }
    }

    /// Rolls a seed on the randomizer's site (or builds its link, for randomizers that roll in
    /// the browser). A refusal or failure of the site is [`Error::Upstream`] with its message.
    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error>;
}

/// Checks `settings` against a randomizer's schema. The error's field is the first setting at
/// fault, written as a dotted path under `settings` (`settings.crystals.tower`), a setting the
/// schema does not know included; the message lists every problem.
pub fn validate_settings(schema: &Value, settings: &Value) -> Result<(), Error> {
    if !settings.is_object() {
        return Err(Error::invalid(
            "settings",
            "The settings must be a mapping of setting names to values.",
        ));
    }
    let validator = jsonschema::validator_for(schema).map_err(Error::internal)?;
    let problems: Vec<(String, String)> = validator
        .iter_errors(settings)
        .take(10)
        .map(|e| {
            let mut path = crate::plugin::config::pointer_segments(e.instance_path().as_str());
            let message = match e.kind() {
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                    let first = unexpected.first().cloned().unwrap_or_default();
                    path.push(first.clone());
                    format!("`{first}` is not a setting this randomizer knows")
                }
                _ => e.to_string(),
            };
            let field = std::iter::once("settings".to_string())
                .chain(path)
                .collect::<Vec<_>>()
                .join(".");
            (field, message)
        })
        .collect();
    match problems.first() {
        None => Ok(()),
        Some((field, _)) => Err(Error::invalid(
            field.clone(),
            problems
                .iter()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}

struct Entry {
    plugin_id: String,
    randomizer: Arc<dyn Randomizer>,
}

/// Every loaded randomizer, by id, with the plugin that provides it. Kept by the host; plugins
/// add theirs in `on_load` and read it through `platform.plugins.randomizers()`.
#[derive(Default)]
pub struct RandomizerRegistry {
    entries: RwLock<BTreeMap<String, Entry>>,
}

impl std::fmt::Debug for RandomizerRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.all().into_iter().map(|r| r.id))
            .finish()
    }
}

impl RandomizerRegistry {
    /// Adds `plugin_id`'s randomizer. Two plugins cannot roll the same randomizer: the second
    /// is refused (a plugin reloading replaces its own).
    pub fn add(&self, plugin_id: &str, randomizer: Arc<dyn Randomizer>) -> Result<(), Error> {
        let id = randomizer.id().to_string();
        let mut entries = self.entries.write().map_err(Error::internal)?;
        if let Some(existing) = entries.get(&id) {
            if existing.plugin_id != plugin_id {
                return Err(Error::conflict(format!(
                    "The randomizer `{id}` is already provided by the plugin `{}`.",
                    existing.plugin_id
                )));
            }
        }
        entries.insert(
            id,
            Entry {
                plugin_id: plugin_id.to_string(),
                randomizer,
            },
        );
        Ok(())
    }

    /// The randomizer `id` and the plugin that provides it.
    pub fn get(&self, id: &str) -> Option<(String, Arc<dyn Randomizer>)> {
        let entries = self.entries.read().ok()?;
        let entry = entries.get(id)?;
        Some((entry.plugin_id.clone(), Arc::clone(&entry.randomizer)))
    }

    /// Every randomizer, by id.
    pub fn all(&self) -> Vec<RegisteredRandomizer> {
        self.entries
            .read()
            .map(|entries| {
                entries
                    .iter()
                    .map(|(id, entry)| RegisteredRandomizer {
                        id: id.clone(),
                        name: entry.randomizer.name().to_string(),
                        plugin_id: entry.plugin_id.clone(),
                        mystery: entry.randomizer.takes_mystery(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Drops what `plugin_id` added (before a reload, or when its `on_load` failed).
    pub fn remove_owner(&self, plugin_id: &str) {
        if let Ok(mut entries) = self.entries.write() {
            entries.retain(|_, entry| entry.plugin_id != plugin_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    struct Fixed(&'static str);

    #[async_trait]
    impl Randomizer for Fixed {
        fn id(&self) -> &'static str {
            self.0
        }
        fn name(&self) -> &'static str {
            "Fixed"
        }
        fn settings_schema(&self) -> Value {
            json!({
                "type": "object",
                "properties": {
                    "goal": {"type": "string", "enum": ["ganon", "fast_ganon"]},
                    "crystals": {
                        "type": "object",
                        "properties": {"tower": {"type": "integer", "minimum": 0, "maximum": 7}},
                        "additionalProperties": false
                    }
                },
                "additionalProperties": false
            })
        }
        async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
            Ok(Seed {
                url: format!("https://example.test/{}", self.0),
                hash: None,
                permalink: None,
                spoiler_url: None,
                spoiler_log: None,
                file_select_code: None,
                settings: request.settings,
                metadata: Value::Null,
            })
        }
    }

    #[test]
    fn an_unknown_setting_is_refused_by_name() {
        let err = Fixed("a")
            .check_settings(&json!({"goal": "ganon", "gaol": "x"}), false)
            .unwrap_err();
        match err {
            Error::Invalid { field, message } => {
                assert_eq!(field, "settings.gaol");
                assert!(message.contains("`gaol` is not a setting"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let err = Fixed("a")
            .check_settings(&json!({"crystals": {"tower": 9}}), false)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "settings.crystals.tower"),
            "{err:?}"
        );
        let err = Fixed("a")
            .check_settings(&json!({"crystals": {"towr": 1}}), false)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "settings.crystals.towr"),
            "{err:?}"
        );
        assert!(Fixed("a")
            .check_settings(&json!({"goal": "ganon"}), false)
            .is_ok());
        assert!(Fixed("a").check_settings(&json!(["goal"]), false).is_err());
    }

    #[test]
    fn mystery_is_refused_unless_the_randomizer_takes_it() {
        let err = Fixed("a").check_settings(&json!({}), true).unwrap_err();
        assert!(err.to_string().contains("does not take mystery"), "{err}");
    }

    #[test]
    fn one_plugin_per_randomizer() {
        let registry = RandomizerRegistry::default();
        registry.add("one", Arc::new(Fixed("a"))).unwrap();
        registry.add("one", Arc::new(Fixed("a"))).unwrap();
        assert!(matches!(
            registry.add("two", Arc::new(Fixed("a"))),
            Err(Error::Conflict { .. })
        ));
        registry.add("two", Arc::new(Fixed("b"))).unwrap();
        assert_eq!(
            registry
                .all()
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(registry.get("b").map(|(p, _)| p).as_deref(), Some("two"));
        registry.remove_owner("two");
        assert!(registry.get("b").is_none());
    }
}
