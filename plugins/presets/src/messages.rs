//! The texts the bot posts for presets — a preset's summary (`/preset`), a namespace's list
//! (the `post_list` task) and the new-preset announcement — built by pure functions, unit
//! tested below, and cut to Discord's limit.

use serde_json::Value;

/// Discord refuses messages longer than this.
pub const DISCORD_MESSAGE_LIMIT: usize = 2000;

/// "**Open** (alttpr, namespace `league`, standard): 3 settings — goal, mode, swords".
pub fn preset_summary(
    name: &str,
    randomizer: &str,
    namespace: Option<&str>,
    kind: &str,
    settings: &Value,
) -> String {
    let keys: Vec<&str> = settings
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let place = namespace
        .map(|n| format!("namespace `{n}`"))
        .unwrap_or_else(|| "global".into());
    let text = format!(
        "**{name}** ({randomizer}, {place}, {kind}): {} setting{}{}",
        keys.len(),
        if keys.len() == 1 { "" } else { "s" },
        if keys.is_empty() {
            String::new()
        } else {
            format!(" — {}", keys.join(", "))
        }
    );
    truncate(text)
}

/// The list the task posts; cut to Discord's limit with a note of how many were left out.
pub fn catalog_message(namespace: &str, presets: &[(String, String)]) -> String {
    if presets.is_empty() {
        return format!("Namespace `{namespace}` has no presets yet.");
    }
    let mut text = format!("Presets in `{namespace}` ({}):", presets.len());
    for (i, (randomizer, name)) in presets.iter().enumerate() {
        let line = format!("\n• {name} ({randomizer})");
        let rest = presets.len() - i;
        let note = format!("\n… and {rest} more");
        if text.len() + line.len() + note.len() > DISCORD_MESSAGE_LIMIT {
            text.push_str(&note);
            return text;
        }
        text.push_str(&line);
    }
    text
}

/// "New preset **Open** (alttpr) in `league`."
pub fn announcement(name: &str, randomizer: &str, namespace: Option<&str>) -> String {
    truncate(match namespace {
        Some(ns) => format!("New preset **{name}** ({randomizer}) in `{ns}`."),
        None => format!("New global preset **{name}** ({randomizer})."),
    })
}

/// Cuts `text` to Discord's limit, which counts characters.
fn truncate(text: String) -> String {
    if text.chars().count() <= DISCORD_MESSAGE_LIMIT {
        return text;
    }
    let mut cut: String = text.chars().take(DISCORD_MESSAGE_LIMIT - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn summary_lists_settings() {
        let s = preset_summary(
            "Open",
            "alttpr",
            Some("league"),
            "standard",
            &json!({"goal": "ganon", "mode": "open"}),
        );
        assert_eq!(
            s,
            "**Open** (alttpr, namespace `league`, standard): 2 settings — goal, mode"
        );
        let g = preset_summary("Any", "smz3", None, "mystery", &json!({"weights": {}}));
        assert_eq!(g, "**Any** (smz3, global, mystery): 1 setting — weights");
    }

    #[test]
    fn catalog_fits_discord() {
        assert_eq!(
            catalog_message("x", &[]),
            "Namespace `x` has no presets yet."
        );
        let two = vec![
            ("alttpr".into(), "Open".into()),
            ("smz3".into(), "Normal".into()),
        ];
        assert_eq!(
            catalog_message("league", &two),
            "Presets in `league` (2):\n• Open (alttpr)\n• Normal (smz3)"
        );
        let many: Vec<(String, String)> = (0..400)
            .map(|i| ("alttpr".to_string(), format!("Preset number {i}")))
            .collect();
        let text = catalog_message("big", &many);
        assert!(text.len() <= DISCORD_MESSAGE_LIMIT, "{}", text.len());
        assert!(text.contains("more"), "{text}");
    }

    #[test]
    fn announcements_and_long_names() {
        assert_eq!(
            announcement("Open", "alttpr", Some("league")),
            "New preset **Open** (alttpr) in `league`."
        );
        let long = "é".repeat(3000);
        assert_eq!(
            announcement(&long, "alttpr", None).chars().count(),
            DISCORD_MESSAGE_LIMIT
        );
    }
}
