//! Checks a whole weightset before anything is rolled, subweights included, so a mistake in a
//! rarely picked branch is found on the first roll rather than on race day. Only keys the
//! roller reads are checked; door-only and unknown keys are left alone, as upstream does.

use serde_json::{Map, Value};

use super::customizer;
use super::settings::{is_rolled, validate_rules};
use super::weights::{
    check_total, join, non_negative, refuse, too_deep, Spec, MAX_SUBWEIGHT_DEPTH,
};
use super::MysteryError;

pub(crate) fn document(root: &Map<String, Value>) -> Result<(), MysteryError> {
    level(root, "", 0)
}

/// One level of weights: the root (depth 0) or a subweight's `weights`.
fn level(weights: &Map<String, Value>, prefix: &str, depth: usize) -> Result<(), MysteryError> {
    // Sorted, so the first error reported does not depend on the map's order.
    let mut keys: Vec<&String> = weights.keys().collect();
    keys.sort();
    for key in keys {
        let Some(value) = weights.get(key.as_str()) else {
            continue;
        };
        let path = join(prefix, key);
        match key.as_str() {
            "subweights" => subweights(value, &path, depth)?,
            "customizer" => customizer::validate(value, &path)?,
            "rules" => validate_rules(value, &path)?,
            "options" => options(value, &path)?,
            "preset" | "custom_instructions" => {
                Spec::parse(value, &path)?;
            }
            setting if is_rolled(setting) => {
                Spec::parse(value, &path)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn subweights(value: &Value, path: &str, depth: usize) -> Result<(), MysteryError> {
    let entries = match value {
        Value::Null => return Ok(()),
        Value::Object(entries) => entries,
        _ => {
            return Err(refuse(
                path,
                "expected a mapping of {name: {chance, weights}}",
            ))
        }
    };
    if depth >= MAX_SUBWEIGHT_DEPTH {
        return Err(refuse(path, too_deep()));
    }
    let mut chances = Vec::with_capacity(entries.len());
    let mut names: Vec<&String> = entries.keys().collect();
    names.sort();
    for name in names {
        let entry_path = join(path, name);
        let Some(entry) = entries.get(name.as_str()).and_then(Value::as_object) else {
            return Err(refuse(
                entry_path,
                "expected a mapping with `chance` and `weights`",
            ));
        };
        let chance_path = join(&entry_path, "chance");
        let Some(chance) = entry.get("chance") else {
            return Err(refuse(chance_path, "every subweight needs a `chance`"));
        };
        let chance = non_negative(chance)
            .ok_or_else(|| refuse(&chance_path, "a chance must be a non-negative number"))?;
        chances.push(chance);
        match entry.get("weights") {
            None | Some(Value::Null) => {}
            Some(Value::Object(weights)) => {
                level(weights, &join(&entry_path, "weights"), depth + 1)?;
            }
            Some(_) => return Err(refuse(join(&entry_path, "weights"), "expected a mapping")),
        }
    }
    if chances.is_empty() {
        return Ok(());
    }
    check_total(chances.into_iter(), path, "chances")
}

fn options(value: &Value, path: &str) -> Result<(), MysteryError> {
    let options = match value {
        Value::Null => return Ok(()),
        Value::Object(options) => options,
        _ => return Err(refuse(path, "expected a mapping")),
    };
    match options.get("FillItemPoolWith") {
        None | Some(Value::Null | Value::String(_)) => Ok(()),
        Some(_) => Err(refuse(
            join(path, "FillItemPoolWith"),
            "expected an item name",
        )),
    }
}
