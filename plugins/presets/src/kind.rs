use serde::{Deserialize, Serialize};

/// What kind of preset a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresetKind {
    Standard,
    Mystery,
}

impl PresetKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Standard => "Standard",
            Self::Mystery => "Mystery",
        }
    }
}
