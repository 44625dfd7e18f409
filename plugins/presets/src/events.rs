//! Events this plugin emits (`provides.events` in plugin.toml). Other plugins listen with
//! `LoadContext::listen::<PresetCreated, _, _>(…)`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PresetCreated {
    pub preset_id: i64,
    pub namespace: Option<String>,
    pub randomizer: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PresetUpdated {
    pub preset_id: i64,
    pub namespace: Option<String>,
    pub randomizer: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PresetDeleted {
    pub preset_id: i64,
    pub namespace: Option<String>,
    pub randomizer: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NamespaceCreated {
    pub namespace_id: i64,
    pub slug: String,
    pub owner_org_id: Option<i64>,
}

/// A seed was rolled for an organization (by a person or by the platform).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SeedRolled {
    pub seed_id: i64,
    pub randomizer: String,
    /// `namespace/name`, or empty for settings given with the roll.
    pub preset: String,
    pub url: String,
}

#[cfg(feature = "ssr")]
mod names {
    use super::*;
    use sdk::events::Event;

    impl Event for PresetCreated {
        const NAME: &'static str = "presets.preset_created";
    }
    impl Event for PresetUpdated {
        const NAME: &'static str = "presets.preset_updated";
    }
    impl Event for PresetDeleted {
        const NAME: &'static str = "presets.preset_deleted";
    }
    impl Event for NamespaceCreated {
        const NAME: &'static str = "presets.namespace_created";
    }
    impl Event for SeedRolled {
        const NAME: &'static str = "presets.seed_rolled";
    }
}
