//! The ALTTPR "mystery" roller: from a SahasrahBot-format weightset and a seed, roll concrete
//! alttpr.com settings (docs/upstreams/randomizers.md §2).
//!
//! [`roll`] follows the upstream order (the doc's §2.2 steps), since the order decides which
//! choices exist:
//!
//! - step 1: `preset` — a named ALTTPR preset ends the roll; the caller rolls that preset;
//! - step 2: `subweights` are picked and merged, level by level (`weights.rs`);
//! - step 3: door-randomizer keys must roll vanilla, as door games have no web upstream here;
//! - step 4: every website setting is rolled (`settings.rs`);
//! - steps 5–6: with entrance shuffle off, the `customizer` section may turn the game into a
//!   customizer game, and its fix-ups are applied (`customizer.rs`);
//! - steps 7–9: fix-ups between settings, then the weightset's `rules` (`settings.rs`);
//! - step 10: the rolled settings are written over a base body (`base.rs`), with the caller's
//!   `tournament` and `spoilers`.
//!
//! The whole weightset is checked first (`validate.rs`), so a malformed weight is refused
//! whatever the seed. All randomness comes from one ChaCha8 generator seeded with the caller's
//! seed, and every map is walked in key order, so a seed reproduces its roll on any platform.

mod base;
mod customizer;
mod settings;
mod validate;
mod weights;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use settings::Rolled;
use weights::{refuse, Layer, Picker};

/// Which alttpr.com endpoint the payload is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /api/randomizer`.
    Randomizer,
    /// `POST /api/customizer`.
    Customizer,
}

/// What the caller decides rather than the weightset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollOptions {
    /// `on`, `off`, `generate` or `mystery` (hides the settings in the site's answer).
    pub spoilers: String,
    /// A race ROM.
    pub tournament: bool,
}

impl Default for RollOptions {
    fn default() -> Self {
        RollOptions {
            spoilers: "mystery".to_owned(),
            tournament: true,
        }
    }
}

const SPOILER_MODES: [&str; 4] = ["on", "off", "generate", "mystery"];

/// One rolled game.
#[derive(Debug, Clone, PartialEq)]
pub struct MysteryRoll {
    pub endpoint: Endpoint,
    /// The JSON body to POST; an empty object when `preset` is set.
    pub payload: Value,
    /// What each weight key rolled, by weight name (`goals`, `tower_open`, …), plus
    /// `subweights` (the names picked, outermost first), `preset`, `custom_instructions`, and
    /// `customizer.<section>.<key>` for customizer rolls. Values are after fix-ups and rules,
    /// so they describe the game as generated; shown as a spoiler after the race.
    pub rolled: BTreeMap<String, Value>,
    /// `preset` rolled a named ALTTPR preset: the caller rolls that preset instead.
    pub preset: Option<String>,
    /// Free text for the players, rolled from `custom_instructions`.
    pub custom_instructions: Option<String>,
}

/// A weightset the roller refuses, with the dotted path of the offending weight
/// (e.g. `subweights.friendly.weights.goals.fast_ganon`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MysteryError {
    pub key: String,
    pub message: String,
}

impl fmt::Display for MysteryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

impl std::error::Error for MysteryError {}

/// The `key` of errors about the weightset as a whole.
pub const ROOT_KEY: &str = "(root)";

/// Rolls one game from `weights` (a parsed weightset) with `seed`.
pub fn roll(
    weights: &Value,
    seed: u64,
    options: &RollOptions,
) -> Result<MysteryRoll, MysteryError> {
    if !SPOILER_MODES.contains(&options.spoilers.as_str()) {
        return Err(refuse(
            "spoilers",
            format!("expected one of {}", SPOILER_MODES.join(", ")),
        ));
    }
    let Some(root) = weights.as_object() else {
        return Err(refuse(ROOT_KEY, "a weightset must be a mapping"));
    };
    validate::document(root)?;

    let mut picker = Picker::new(seed);
    let mut rolled = Rolled::new();

    // Step 1: the preset's own custom instructions come from the top level, as upstream.
    if let Some(preset) = roll_preset(root, &mut picker, &mut rolled)? {
        let layer = Layer::root(root);
        let custom_instructions = roll_instructions(&layer, &mut picker, &mut rolled)?;
        return Ok(MysteryRoll {
            endpoint: Endpoint::Randomizer,
            payload: Value::Object(Map::new()),
            rolled,
            preset: Some(preset),
            custom_instructions,
        });
    }

    let mut layer = Layer::root(root);
    let picked = layer.resolve_subweights(&mut picker)?;
    if !picked.is_empty() {
        rolled.insert("subweights".to_owned(), Value::from(picked));
    }
    let defaulted_doors = settings::roll_doors(&layer, &mut picker, &mut rolled)?;
    let custom_instructions = roll_instructions(&layer, &mut picker, &mut rolled)?;
    settings::roll_website(&layer, &mut picker, &mut rolled)?;

    // Steps 5 and 6: the customizer only exists for games without entrance shuffle.
    let mut customizer_parts = None;
    if settings::text(&rolled, "entrance_shuffle") == Some("none") {
        if let Some(entry) = layer.get("customizer") {
            if let Some(section) = entry.value.as_object() {
                if let Some(customizer_roll) =
                    customizer::roll(section, &entry.path, &mut picker, &mut rolled)?
                {
                    let filler = fill_item(&layer);
                    customizer_parts = Some(customizer::apply(
                        customizer_roll,
                        section,
                        &entry.path,
                        &filler,
                        &mut picker,
                        &mut rolled,
                    )?);
                }
            }
        }
    }
    let (endpoint, mut payload) = match customizer_parts {
        Some(parts) => (Endpoint::Customizer, base::customizer_payload(parts)),
        None => (Endpoint::Randomizer, base::randomizer_payload()),
    };

    settings::apply_fixups(&mut rolled);
    let touched = settings::apply_rules(&layer, &mut picker, &mut rolled)?;
    settings::forget_defaults(&mut rolled, &defaulted_doors, &touched);
    settings::write_payload(&mut payload, &rolled, options);

    Ok(MysteryRoll {
        endpoint,
        payload,
        rolled,
        preset: None,
        custom_instructions,
    })
}

/// Rolls `preset`; `None` unless it names a preset (`none` means "roll the weights").
fn roll_preset(
    root: &Map<String, Value>,
    picker: &mut Picker,
    rolled: &mut Rolled,
) -> Result<Option<String>, MysteryError> {
    let Some(spec) = root.get("preset") else {
        return Ok(None);
    };
    let Some(value) = picker.pick(spec, "preset")? else {
        return Ok(None);
    };
    let name = display_text(&value);
    rolled.insert("preset".to_owned(), value);
    Ok((name != "none").then_some(name))
}

fn roll_instructions(
    layer: &Layer<'_>,
    picker: &mut Picker,
    rolled: &mut Rolled,
) -> Result<Option<String>, MysteryError> {
    let Some(entry) = layer.get("custom_instructions") else {
        return Ok(None);
    };
    let Some(value) = picker.pick(entry.value, &entry.path)? else {
        return Ok(None);
    };
    let text = display_text(&value);
    rolled.insert("custom_instructions".to_owned(), value);
    Ok(Some(text))
}

/// A rolled scalar as text; option conversion may have turned `"2024"` into a number.
fn display_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `options.FillItemPoolWith`: what pads the customizer pool to 216 items.
fn fill_item(layer: &Layer<'_>) -> String {
    layer
        .get("options")
        .and_then(|options| options.value.get("FillItemPoolWith"))
        .and_then(Value::as_str)
        .unwrap_or("Nothing")
        .to_owned()
}
