//! `sahabot import feature-flags <file.json>`: SahaBot2's `organization_feature_flags` rows
//! become plugin enablement.
//!
//! The file is a JSON array of rows as exported from SahaBot2, e.g.
//! `{"organization_id": 3, "feature_key": "LIVE_RACES", "enabled": true}`; `feature_key` may also
//! be the stored number (LIVE_RACES=1, ADVANCED_PRESETS=2, RACETIME_BOT=3, SCHEDULED_TASKS=4,
//! DISCORD_EVENTS=5) and `enabled` a 0/1. Two flags that map to one plugin (LIVE_RACES and
//! RACETIME_BOT → racetime) switch it on when either was on. Every row gets a line in the report.

use std::collections::BTreeMap;

use platform::Host;
use sdk::Actor;
use serde_json::Value;

/// SahaBot2's flag → our plugin (`None`: built into the platform, nothing to switch).
pub fn plugin_for(flag: &str) -> Option<Option<&'static str>> {
    match flag {
        "LIVE_RACES" | "RACETIME_BOT" => Some(Some("racetime")),
        "DISCORD_EVENTS" => Some(Some("discord_events")),
        "ADVANCED_PRESETS" => Some(Some("presets")),
        "SCHEDULED_TASKS" => Some(None),
        _ => None,
    }
}

fn flag_name(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_ascii_uppercase()),
        Value::Number(n) => Some(
            match n.as_i64()? {
                1 => "LIVE_RACES",
                2 => "ADVANCED_PRESETS",
                3 => "RACETIME_BOT",
                4 => "SCHEDULED_TASKS",
                5 => "DISCORD_EVENTS",
                _ => return Some(format!("#{n}")),
            }
            .to_string(),
        ),
        _ => None,
    }
}

fn truthy(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "t" | "yes" => Some(true),
            "false" | "0" | "f" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Applies the export; returns one line per row (and per plugin change) for the report.
pub async fn import(platform: &Host, json: &str) -> Result<Vec<String>, String> {
    let rows: Vec<Value> = serde_json::from_str(json)
        .map_err(|e| format!("the file is not a JSON array of rows: {e}"))?;
    let mut report = Vec::new();
    // (org, plugin) → enabled; applied in (org, plugin) order.
    let mut wanted: BTreeMap<(i64, &'static str), bool> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let line = i + 1;
        let org = row
            .get("organization_id")
            .or_else(|| row.get("organization"))
            .and_then(Value::as_i64);
        let flag = row.get("feature_key").and_then(flag_name);
        let enabled = truthy(row.get("enabled"));
        let (Some(org), Some(flag), Some(enabled)) = (org, flag, enabled) else {
            report.push(format!(
                "row {line}: skipped: needs organization_id (number), feature_key and enabled (true/false)"
            ));
            continue;
        };
        match plugin_for(&flag) {
            None => report.push(format!(
                "row {line}: org {org} {flag}: unknown flag, skipped"
            )),
            Some(None) => report.push(format!(
                "row {line}: org {org} {flag}: built into the platform, nothing to do"
            )),
            Some(Some(plugin)) => {
                if platform.plugins.manifest(plugin).is_none() {
                    report.push(format!(
                        "row {line}: org {org} {flag}: maps to plugin {plugin}, which is not installed; skipped"
                    ));
                    continue;
                }
                let entry = wanted.entry((org, plugin)).or_insert(false);
                *entry |= enabled;
                report.push(format!("row {line}: org {org} {flag} → {plugin}"));
            }
        }
    }
    for ((org, plugin), enabled) in wanted {
        let result = platform
            .plugins
            .set_enabled(org, plugin, enabled, true, &Actor::default())
            .await;
        report.push(match result {
            Ok(change) if change.changed.is_empty() => format!(
                "org {org}: {plugin} already {}",
                if enabled { "on" } else { "off" }
            ),
            Ok(change) => format!(
                "org {org}: switched {} {}",
                if enabled { "on" } else { "off" },
                change.changed.join(", ")
            ),
            Err(e) => format!("org {org}: {plugin} not changed: {}", e.message()),
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flags_map_to_plugins() {
        assert_eq!(plugin_for("LIVE_RACES"), Some(Some("racetime")));
        assert_eq!(plugin_for("RACETIME_BOT"), Some(Some("racetime")));
        assert_eq!(plugin_for("ADVANCED_PRESETS"), Some(Some("presets")));
        assert_eq!(plugin_for("DISCORD_EVENTS"), Some(Some("discord_events")));
        assert_eq!(plugin_for("SCHEDULED_TASKS"), Some(None));
        assert_eq!(plugin_for("TELEPORT"), None);
        assert_eq!(flag_name(&json!(2)).as_deref(), Some("ADVANCED_PRESETS"));
        assert_eq!(
            flag_name(&json!("live_races")).as_deref(),
            Some("LIVE_RACES")
        );
        assert_eq!(truthy(Some(&json!(1))), Some(true));
        assert_eq!(truthy(Some(&json!("f"))), Some(false));
    }
}
