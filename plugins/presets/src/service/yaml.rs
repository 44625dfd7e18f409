//! Checking a preset document without saving it (the form's inline check): the kind it is, or
//! the error with its line and column. Pure: the same parser every save goes through.

use sdk::Error;

use crate::{format, model::YamlCheck};

pub fn check_yaml(yaml: &str) -> Result<YamlCheck, Error> {
    let parsed = format::parse_yaml(yaml)?;
    let keys = if parsed.sahasrahbot_format {
        parsed.settings.get("settings")
    } else {
        Some(&parsed.settings)
    }
    .and_then(|v| v.as_object())
    .map(|m| m.len())
    .unwrap_or(0);
    Ok(YamlCheck {
        kind: parsed.kind,
        sahasrahbot_format: parsed.sahasrahbot_format,
        goal_name: parsed.goal_name,
        keys,
    })
}
