//! The pure rules of rolling on ctjot.com's web generator: the settings a preset may hold (its
//! JSON Schema, one table of the generator's form fields), SahasrahBot's older preset files
//! read into them, the complete form posted, and what is read out of the site's answers — the
//! share id, the seed page's share link, the error page's text. No I/O; unit tested below. The
//! CSRF token and the cookies to send back with the form are read by `sdk::randomizer::forms`
//! (Bingosync posts a Django form the same way), whose HTML readers the page readers here use.
//!
//! The fields are `GenerateForm` of the web generator for version 3.2.0
//! (`Anguirel86/ctjot_web_generator`, `generator/forms.py`, with the choices its options page
//! offers and the defaults its "Reset All" sets, `generator/static/generator/options.js`).
//! Many are required by the site — the tab ranges, the fragment counts, every mystery weight —
//! so the form always carries a complete set: the preset's values over these defaults.

use serde_json::{json, Map, Value};

#[cfg(feature = "ssr")]
use sdk::randomizer::forms;
use sdk::Error;

/// What a form field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A checkbox: sent as `on` when set, left out when not (Django reads any value but
    /// `false` as set, `off` included).
    Flag,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A whole number in this range (the options page's slider).
    Number(i64, i64),
    /// Seven pairs of hex digits: which characters each recruit may be (duplicate characters).
    CharChoices,
    /// Free text of at most this many characters.
    Text(u64),
}

/// The generator's form: name, kind, default (as the form sends it).
pub const FIELDS: &[(&str, Kind, &str)] = &[
    // General.
    (
        "game_mode",
        Kind::Choice(&[
            "standard",
            "lost_worlds",
            "ice_age",
            "legacy_of_cyrus",
            "vanilla_rando",
        ]),
        "standard",
    ),
    (
        "enemy_difficulty",
        Kind::Choice(&["normal", "hard"]),
        "normal",
    ),
    (
        "item_difficulty",
        Kind::Choice(&["easy", "normal", "hard"]),
        "normal",
    ),
    (
        "shop_prices",
        Kind::Choice(&["normal", "free", "mostly_random", "fully_random"]),
        "normal",
    ),
    (
        "tech_rando",
        Kind::Choice(&["normal", "balanced_random", "fully_random"]),
        "normal",
    ),
    ("disable_glitches", Kind::Flag, ""),
    ("boss_rando", Kind::Flag, ""),
    ("boss_scaling", Kind::Flag, ""),
    ("zeal", Kind::Flag, ""),
    ("early_pendant", Kind::Flag, ""),
    ("locked_chars", Kind::Flag, ""),
    ("unlocked_magic", Kind::Flag, ""),
    ("tab_treasures", Kind::Flag, ""),
    ("chronosanity", Kind::Flag, ""),
    ("duplicate_characters", Kind::Flag, ""),
    ("mystery_seed", Kind::Flag, ""),
    ("healing_item_rando", Kind::Flag, ""),
    ("gear_rando", Kind::Flag, ""),
    ("epoch_fail", Kind::Flag, ""),
    // Duplicate characters.
    (
        "duplicate_char_assignments",
        Kind::CharChoices,
        "7f7f7f7f7f7f7f",
    ),
    ("duplicate_duals", Kind::Flag, ""),
    // Boss rando.
    ("legacy_boss_placement", Kind::Flag, ""),
    ("boss_spot_hp", Kind::Flag, ""),
    // Tabs.
    ("power_tab_min", Kind::Number(1, 9), "2"),
    ("power_tab_max", Kind::Number(1, 9), "4"),
    ("magic_tab_min", Kind::Number(1, 9), "1"),
    ("magic_tab_max", Kind::Number(1, 9), "3"),
    ("speed_tab_min", Kind::Number(1, 9), "1"),
    ("speed_tab_max", Kind::Number(1, 9), "1"),
    // Quality of life.
    ("sightscope_always_on", Kind::Flag, ""),
    ("boss_sightscope", Kind::Flag, ""),
    ("fast_tabs", Kind::Flag, ""),
    ("free_menu_glitch", Kind::Flag, ""),
    // Extra.
    ("bucket_fragments", Kind::Flag, ""),
    ("fragments_required", Kind::Number(0, 50), "10"),
    ("extra_fragments", Kind::Number(0, 50), "5"),
    ("starters_sufficient", Kind::Flag, ""),
    ("use_antilife", Kind::Flag, ""),
    ("tackle_effects", Kind::Flag, ""),
    // The seed: blank lets the site draw one.
    ("seed", Kind::Text(25), ""),
    // Mystery weights (used when `mystery_seed` is set; required by the form either way).
    ("mystery_game_mode_standard", Kind::Number(0, 100), "75"),
    ("mystery_game_mode_lw", Kind::Number(0, 100), "25"),
    ("mystery_game_mode_loc", Kind::Number(0, 100), "0"),
    ("mystery_game_mode_ia", Kind::Number(0, 100), "0"),
    ("mystery_item_difficulty_easy", Kind::Number(0, 100), "15"),
    ("mystery_item_difficulty_normal", Kind::Number(0, 100), "70"),
    ("mystery_item_difficulty_hard", Kind::Number(0, 100), "15"),
    (
        "mystery_enemy_difficulty_normal",
        Kind::Number(0, 100),
        "75",
    ),
    ("mystery_enemy_difficulty_hard", Kind::Number(0, 100), "25"),
    ("mystery_tech_order_normal", Kind::Number(0, 100), "10"),
    ("mystery_tech_order_full_random", Kind::Number(0, 100), "80"),
    (
        "mystery_tech_order_balanced_random",
        Kind::Number(0, 100),
        "10",
    ),
    ("mystery_shop_prices_normal", Kind::Number(0, 100), "70"),
    ("mystery_shop_prices_random", Kind::Number(0, 100), "10"),
    (
        "mystery_shop_prices_mostly_random",
        Kind::Number(0, 100),
        "10",
    ),
    ("mystery_shop_prices_free", Kind::Number(0, 100), "10"),
    ("mystery_tab_treasures", Kind::Number(0, 100), "10"),
    ("mystery_unlock_magic", Kind::Number(0, 100), "50"),
    ("mystery_bucket_fragments", Kind::Number(0, 100), "15"),
    ("mystery_chronosanity", Kind::Number(0, 100), "30"),
    ("mystery_boss_rando", Kind::Number(0, 100), "50"),
    ("mystery_boss_scale", Kind::Number(0, 100), "30"),
    ("mystery_locked_characters", Kind::Number(0, 100), "25"),
    ("mystery_duplicate_characters", Kind::Number(0, 100), "25"),
    ("mystery_epoch_fail", Kind::Number(0, 100), "50"),
    ("mystery_gear_rando", Kind::Number(0, 100), "25"),
    ("mystery_heal_rando", Kind::Number(0, 100), "25"),
];

fn kind_of(name: &str) -> Option<Kind> {
    FIELDS
        .iter()
        .find(|(field, _, _)| *field == name)
        .map(|(_, kind, _)| *kind)
}

/// The settings of a CTJets preset: every field of the generator's form but the CSRF token and
/// `spoiler_log` (set by the roll: a spoiler asked for). A setting not listed is refused by
/// name when the preset is saved.
pub fn settings_schema() -> Value {
    let properties: Map<String, Value> = FIELDS
        .iter()
        .map(|(name, kind, default)| {
            let schema = match kind {
                Kind::Flag => json!({"type": "boolean", "default": false}),
                Kind::Choice(values) => json!({"type": "string", "enum": values, "default": default}),
                Kind::Number(min, max) => json!({
                    "type": "integer", "minimum": min, "maximum": max,
                    "default": default.parse::<i64>().unwrap_or(*min)
                }),
                Kind::CharChoices => json!({
                    "type": "string", "pattern": "^[0-9a-fA-F]{14}$", "default": default,
                    "description": "For each of the seven characters, two hex digits: a bit for each character its recruit may be (7f = any)."
                }),
                Kind::Text(max) => json!({"type": "string", "maxLength": max}),
            };
            (name.to_string(), schema)
        })
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    })
}

/// The keys a preset file may have around `settings:` — SahasrahBot's CTJets files carry
/// `randomizer`, `version` and `description`. `version` (e.g. 3.1.0) is not used: the version
/// rolled is the one the configured site runs (SahasrahBot put it in the path of the older,
/// version-prefixed site, which also needed a ROM upload; see the crate's docs).
const WRAPPER_KEYS: &[&str] = &[
    "goal_name",
    "description",
    "randomizer",
    "version",
    "settings",
];

/// A preset document's settings (SahasrahBot's `settings:` mapping, or the whole document).
pub use sdk::randomizer::settings_of;

/// Refuses keys a preset file does not have around its `settings:`.
pub fn check_wrapper(document: &Value) -> Result<(), Error> {
    let Some(map) = document.as_object() else {
        return Err(Error::invalid(
            "settings",
            "The preset must be a mapping of settings.",
        ));
    };
    if matches!(map.get("settings"), Some(Value::Object(_))) {
        if let Some(key) = map.keys().find(|k| !WRAPPER_KEYS.contains(&k.as_str())) {
            return Err(Error::invalid(
                key.clone(),
                format!(
                    "`{key}` is not a key of a preset file (CTJets settings go under `settings:`)."
                ),
            ));
        }
    }
    Ok(())
}

/// A word as the generator's selects spell it: `Fully Random` → `fully_random`.
fn word(text: &str) -> String {
    text.trim().to_lowercase().replace([' ', '-'], "_")
}

fn truthy(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match word(s).as_str() {
            "on" | "true" | "yes" | "1" => Some(true),
            "off" | "false" | "no" | "0" | "" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        _ => None,
    }
}

/// The settings as the schema reads them. SahasrahBot's preset files were written for the
/// older generator (3.1.0) and read here: checkboxes as `"on"`, select values as their labels
/// (`Fully Random`), one `difficulty` (easy = easy items, normal enemies, as the current
/// "New Player" preset; hard = both hard) and `lost_worlds` as a flag (now a game mode).
/// Values it cannot read are left as they are, so the schema names them.
pub fn normalize(settings: &Value) -> Value {
    let Some(map) = settings.as_object() else {
        return settings.clone();
    };
    let mut out = map.clone();
    if let Some(difficulty) = map.get("difficulty").and_then(Value::as_str) {
        let (items, enemies) = match word(difficulty).as_str() {
            "easy" => ("easy", "normal"),
            "normal" => ("normal", "normal"),
            "hard" => ("hard", "hard"),
            _ => ("", ""),
        };
        if !items.is_empty() {
            out.remove("difficulty");
            out.entry("item_difficulty").or_insert(json!(items));
            out.entry("enemy_difficulty").or_insert(json!(enemies));
        }
    }
    if let Some(lost_worlds) = map.get("lost_worlds").and_then(truthy) {
        out.remove("lost_worlds");
        if lost_worlds {
            out.entry("game_mode").or_insert(json!("lost_worlds"));
        }
    }
    for (name, value) in out.iter_mut() {
        let read = match (kind_of(name), &*value) {
            (Some(Kind::Flag), v) => truthy(v).map(Value::Bool),
            (Some(Kind::Choice(_)), Value::String(s)) => Some(json!(word(s))),
            (Some(Kind::Number(..)), Value::String(s)) => {
                s.trim().parse::<i64>().ok().map(|n| json!(n))
            }
            (Some(Kind::Text(_)), Value::Number(n)) => Some(json!(n.to_string())),
            _ => None,
        };
        if let Some(read) = read {
            *value = read;
        }
    }
    Value::Object(out)
}

/// Checks a preset when it is saved (and before a roll): the wrapper, then the (read) settings
/// against the schema, then what the schema cannot say. Server only: the schema check is.
#[cfg(feature = "ssr")]
pub fn check_preset(document: &Value) -> Result<(), Error> {
    check_wrapper(document)?;
    let settings = normalize(settings_of(document));
    sdk::randomizer::validate_settings(&settings_schema(), &settings)?;
    for tab in ["power", "magic", "speed"] {
        let bound = |end: &str| {
            let name = format!("{tab}_tab_{end}");
            settings
                .get(&name)
                .and_then(Value::as_i64)
                .or_else(|| {
                    FIELDS
                        .iter()
                        .find(|(n, _, _)| *n == name)
                        .and_then(|(_, _, d)| d.parse().ok())
                })
                .unwrap_or(0)
        };
        if bound("min") > bound("max") {
            return Err(Error::invalid(
                format!("settings.{tab}_tab_min"),
                format!(
                    "`{tab}_tab_min` ({}) is above `{tab}_tab_max` ({}).",
                    bound("min"),
                    bound("max")
                ),
            ));
        }
    }
    Ok(())
}

/// The form to post (without the CSRF token), and what it holds, for the seed history.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateForm {
    pub fields: Vec<(&'static str, String)>,
    /// No spoiler log: the share page shows none, and `spoiler_log/{id}.txt` is refused.
    pub race_seed: bool,
    /// Every setting sent (defaults included), typed, as the seed history keeps them.
    pub settings: Value,
}

/// The complete form for a preset (checked with `check_preset`): its settings over the
/// defaults of [`FIELDS`]. The spoiler log is asked for only when the roll asks for a `spoiler`
/// and is not a race (`tournament`): ctjot.com shows a seed's spoiler on its share page, to
/// anyone with the link, so a race seed never has one.
pub fn generate_form(document: &Value, spoiler: bool, tournament: bool) -> GenerateForm {
    let settings = normalize(settings_of(document));
    let mut fields = Vec::with_capacity(FIELDS.len() + 1);
    let mut sent = Map::new();
    for (name, kind, default) in FIELDS {
        let value = settings.get(*name);
        match kind {
            Kind::Flag => {
                let on = value.and_then(Value::as_bool).unwrap_or(false);
                if on {
                    fields.push((*name, "on".to_string()));
                }
                sent.insert(name.to_string(), json!(on));
            }
            Kind::Number(..) => {
                let number = value
                    .and_then(Value::as_i64)
                    .or_else(|| default.parse().ok())
                    .unwrap_or(0);
                fields.push((*name, number.to_string()));
                sent.insert(name.to_string(), json!(number));
            }
            Kind::Choice(_) | Kind::CharChoices | Kind::Text(_) => {
                let text = value
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .unwrap_or(default)
                    .to_string();
                fields.push((*name, text.clone()));
                sent.insert(name.to_string(), json!(text));
            }
        }
    }
    let race_seed = !spoiler || tournament;
    if !race_seed {
        fields.push(("spoiler_log", "on".to_string()));
    }
    sent.insert("spoiler_log".into(), json!(!race_seed));
    GenerateForm {
        fields,
        race_seed,
        settings: Value::Object(sent),
    }
}

/// The share id at the end of a share link (`/share/{id}`, `/share/{id}/`, or an absolute URL
/// ending so): the generator's ids are 15 characters of `[0-9A-Za-z]`.
pub fn share_id(link: &str) -> Option<String> {
    let path = link.split(['?', '#']).next().unwrap_or("");
    let (_, id) = path.rsplit_once("/share/")?;
    let id = id.trim_end_matches('/');
    let valid = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then(|| id.to_string())
}

/// The `href` of the page's "Seed share link" anchor (the seed page, as SahasrahBot read it).
/// Server only, as the HTML readers it uses are.
#[cfg(feature = "ssr")]
pub fn share_link(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<a") {
        let start = from + found;
        from = start + 2;
        if !lower[from..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>') {
            continue;
        }
        let Some(tag_len) = lower[start..].find('>') else {
            break;
        };
        let tag_end = start + tag_len;
        let Some(close) = lower[tag_end..].find("</a>") else {
            break;
        };
        let text = forms::text_of(&html[tag_end + 1..tag_end + close]);
        if text.eq_ignore_ascii_case("Seed share link") {
            return forms::attribute(&html[start..tag_end], "href");
        }
        from = tag_end;
    }
    None
}

/// The message of the generator's error page (`<h1>Error</h1>` then `<p>…</p>`), on one line.
/// Server only, as the HTML readers it uses are.
#[cfg(feature = "ssr")]
pub fn error_text(html: &str) -> Option<String> {
    let after = html.find("Error</h1>").map_or(html, |at| &html[at..]);
    let start = after.find("<p>")? + "<p>".len();
    let len = after[start..].find("</p>")?;
    let text = forms::text_of(&after[start..start + len]);
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(form: &'a GenerateForm, name: &str) -> Option<&'a str> {
        form.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_preset_becomes_a_complete_form_over_the_defaults() {
        let form = generate_form(
            &json!({"zeal": true, "early_pendant": true, "tech_rando": "fully_random", "power_tab_max": 6}),
            false,
            false,
        );
        // Every required field is there, with the options page's defaults.
        for (name, kind, _) in FIELDS {
            if *kind != Kind::Flag && *name != "seed" {
                assert!(field(&form, name).is_some_and(|v| !v.is_empty()), "{name}");
            }
        }
        assert_eq!(field(&form, "zeal"), Some("on"));
        assert_eq!(field(&form, "early_pendant"), Some("on"));
        assert_eq!(
            field(&form, "boss_rando"),
            None,
            "an unset checkbox is not sent"
        );
        assert_eq!(field(&form, "tech_rando"), Some("fully_random"));
        assert_eq!(field(&form, "power_tab_max"), Some("6"));
        assert_eq!(field(&form, "power_tab_min"), Some("2"));
        assert_eq!(field(&form, "mystery_tech_order_full_random"), Some("80"));
        assert_eq!(
            field(&form, "duplicate_char_assignments"),
            Some("7f7f7f7f7f7f7f")
        );
        assert_eq!(field(&form, "seed"), Some(""));
        // A race seed: no spoiler log.
        assert!(form.race_seed);
        assert_eq!(field(&form, "spoiler_log"), None);
        assert_eq!(form.settings["zeal"], true);
        assert_eq!(form.settings["boss_rando"], false);
        assert_eq!(form.settings["power_tab_max"], 6);
        assert_eq!(form.settings["spoiler_log"], false);
    }

    #[test]
    fn a_spoiler_is_asked_for_only_outside_races() {
        let form = generate_form(&json!({}), true, false);
        assert!(!form.race_seed);
        assert_eq!(field(&form, "spoiler_log"), Some("on"));
        let form = generate_form(&json!({}), true, true);
        assert!(
            form.race_seed,
            "the share page would show the spoiler to the racers"
        );
        assert_eq!(field(&form, "spoiler_log"), None);
    }

    #[test]
    fn sahasrahbots_preset_files_are_read() {
        // presets/ctjets/newplayers.yaml in SahasrahBot.
        let preset = json!({
            "randomizer": "ctjets", "version": "3.1.0", "description": "New Players",
            "settings": {
                "difficulty": "easy", "disable_glitches": "on", "early_pendant": "on",
                "unlocked_magic": "on", "zeal": "on",
                "duplicate_char_assignments": "7f7f7f7f7f7f7f",
                "shop_prices": "Normal", "tech_rando": "Fully Random"
            }
        });
        #[cfg(feature = "ssr")]
        check_preset(&preset).unwrap();
        let form = generate_form(&preset, false, false);
        assert_eq!(field(&form, "item_difficulty"), Some("easy"));
        assert_eq!(field(&form, "enemy_difficulty"), Some("normal"));
        assert_eq!(field(&form, "tech_rando"), Some("fully_random"));
        assert_eq!(field(&form, "shop_prices"), Some("normal"));
        assert_eq!(field(&form, "disable_glitches"), Some("on"));
        // lostworlds.yaml and hard.yaml.
        let lost =
            normalize(&json!({"lost_worlds": "on", "difficulty": "normal", "boss_scaling": "off"}));
        assert_eq!(
            lost,
            json!({"game_mode": "lost_worlds", "item_difficulty": "normal", "enemy_difficulty": "normal", "boss_scaling": false})
        );
        let hard = normalize(&json!({"difficulty": "hard", "tech_rando": "Balanced Random"}));
        assert_eq!(hard["enemy_difficulty"], "hard");
        assert_eq!(hard["tech_rando"], "balanced_random");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn presets_are_checked_by_name() {
        for (preset, expected) in [
            (json!({"zeel": true}), "settings.zeel"),
            (json!({"game_mode": "ice age 2"}), "settings.game_mode"),
            (
                json!({"enemy_difficulty": "easy"}),
                "settings.enemy_difficulty",
            ),
            (json!({"power_tab_max": 12}), "settings.power_tab_max"),
            (
                json!({"duplicate_char_assignments": "7f7f"}),
                "settings.duplicate_char_assignments",
            ),
            (json!({"difficulty": "nightmare"}), "settings.difficulty"),
            (json!({"zeal": "maybe"}), "settings.zeal"),
            (json!({"magic_tab_min": 5}), "settings.magic_tab_min"),
            (json!({"settings": {}, "flags": "x"}), "flags"),
        ] {
            let err = check_preset(&preset).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field, .. } if field == expected),
                "{preset}: {err:?}"
            );
        }
        assert!(
            check_preset(&json!({"seed": 12345, "magic_tab_min": 3, "magic_tab_max": 3})).is_ok()
        );
    }

    #[test]
    fn the_share_id_is_read_from_the_redirect_or_the_seed_page() {
        assert_eq!(
            share_id("/share/AbC123xyz456789").as_deref(),
            Some("AbC123xyz456789")
        );
        assert_eq!(
            share_id("https://ctjot.com/share/abc/").as_deref(),
            Some("abc")
        );
        assert_eq!(share_id("/options/"), None);
        assert_eq!(share_id("/share/a_b"), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_share_link_is_read_from_the_seed_page() {
        let page = r#"<h3><a id="seed_share" target="_blank" href="/share/abcdefghijklmno/">Seed share link</a> &middot; <a href="/practice/abcdefghijklmno/">(create practice seed)</a></h3>"#;
        assert_eq!(share_link(page).as_deref(), Some("/share/abcdefghijklmno/"));
        assert_eq!(
            share_link(r#"<abbr>Seed share link</abbr><a href="/x">Other</a>"#),
            None
        );
        assert_eq!(share_link(r#"{"hash":"#), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_error_page_is_read() {
        let page = "<div class=\"pt-2 pb-2\">\n<h1>Error</h1>\n\t<p>Errors in the following form fields:\nenemy_difficulty\npower_tab_min\n</p></div>";
        assert_eq!(
            error_text(page).as_deref(),
            Some("Errors in the following form fields: enemy_difficulty power_tab_min")
        );
        assert_eq!(error_text("<h1>Server Error (500)</h1>"), None);
    }
}
