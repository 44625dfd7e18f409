//! Weight specs, the seeded picker, and subweight resolution.
//!
//! A *spec* is what a weightset says about one setting: a scalar (always that value), an
//! `{option: weight}` map (one weighted choice), or nothing (`null`, `{}`). [`Spec::parse`]
//! checks the shape; [`Picker`] turns a spec into a value with the seeded RNG. Every choice
//! walks options in key order, never in document order, so a roll depends only on the seed and
//! the weightset's content (serde_json's map order changes with its `preserve_order` feature).
//!
//! A [`Layer`] is the weightset as seen after subweights were merged into it: each top-level key
//! remembers the dotted path it came from, so errors can name the exact weight.

use std::collections::BTreeMap;

use rand::distributions::Standard;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

use super::MysteryError;

/// Subweights may nest this many levels; deeper documents are refused.
pub(crate) const MAX_SUBWEIGHT_DEPTH: usize = 8;

/// Joins a dotted error path; an empty prefix is the weightset's root.
pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

pub(crate) fn refuse(key: impl Into<String>, message: impl Into<String>) -> MysteryError {
    MysteryError {
        key: key.into(),
        message: message.into(),
    }
}

/// Option names are YAML mapping keys, so they always arrive as strings; the upstream roller
/// reads integer-looking ones as integers and `true`/`false` in any case as booleans, which is
/// how `"7"` becomes the `7` alttpr.com expects.
pub(crate) fn conv(value: &Value) -> Value {
    if let Value::String(text) = value {
        if let Ok(number) = text.parse::<i64>() {
            return Value::from(number);
        }
        if text.eq_ignore_ascii_case("true") {
            return Value::Bool(true);
        }
        if text.eq_ignore_ascii_case("false") {
            return Value::Bool(false);
        }
    }
    value.clone()
}

/// Python truthiness, which the upstream fix-ups use on customizer values.
pub(crate) fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(Value::Number(number)) => number.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(map)) => !map.is_empty(),
    }
}

/// A whole number, from a number or an integer-looking string.
pub(crate) fn as_int(value: &Value) -> Option<i64> {
    conv(value).as_i64()
}

/// One option of a weighted map: its name as written, its converted value, its weight.
pub(crate) struct Choice {
    pub(crate) key: String,
    pub(crate) value: Value,
    pub(crate) weight: f64,
}

pub(crate) enum Spec {
    /// `null` or `{}`: the upstream roller rolls "nothing" (Python `None`).
    Nothing,
    Fixed(Value),
    /// Sorted by option name; zero weights are kept so they can be checked, never picked.
    Weighted(Vec<Choice>),
}

impl Spec {
    pub(crate) fn parse(value: &Value, path: &str) -> Result<Spec, MysteryError> {
        match value {
            Value::Null => Ok(Spec::Nothing),
            Value::Object(map) if map.is_empty() => Ok(Spec::Nothing),
            Value::Object(map) => {
                let mut choices = Vec::with_capacity(map.len());
                for (key, weight) in map {
                    let weight = non_negative(weight).ok_or_else(|| {
                        refuse(join(path, key), "a weight must be a non-negative number")
                    })?;
                    choices.push(Choice {
                        key: key.clone(),
                        value: conv(&Value::String(key.clone())),
                        weight,
                    });
                }
                choices.sort_by(|a, b| a.key.cmp(&b.key));
                check_total(choices.iter().map(|choice| choice.weight), path, "weights")?;
                Ok(Spec::Weighted(choices))
            }
            Value::Array(_) => Err(refuse(
                path,
                "expected a value or an {option: weight} mapping, not a list",
            )),
            scalar => Ok(Spec::Fixed(conv(scalar))),
        }
    }

    /// Checks every value this spec could roll (zero-weight options included, since a typo
    /// there is still a typo); the error names the option that failed.
    pub(crate) fn check_values(
        &self,
        path: &str,
        check: impl Fn(&Value) -> Result<(), String>,
    ) -> Result<(), MysteryError> {
        match self {
            Spec::Nothing => Ok(()),
            Spec::Fixed(value) => check(value).map_err(|message| refuse(path, message)),
            Spec::Weighted(choices) => choices.iter().try_for_each(|choice| {
                check(&choice.value).map_err(|message| refuse(join(path, &choice.key), message))
            }),
        }
    }
}

pub(crate) fn non_negative(weight: &Value) -> Option<f64> {
    weight.as_f64().filter(|w| w.is_finite() && *w >= 0.0)
}

/// A map of weights (or of subweight chances) must be able to pick something.
pub(crate) fn check_total(
    weights: impl Iterator<Item = f64>,
    path: &str,
    what: &str,
) -> Result<(), MysteryError> {
    let total: f64 = weights.sum();
    if total == 0.0 {
        Err(refuse(path, format!("{what} sum to 0")))
    } else if !total.is_finite() {
        Err(refuse(path, format!("{what} are too large")))
    } else {
        Ok(())
    }
}

/// Reads `n` or `[min, max]` (both inclusive), the shape of the customizer's numeric ranges.
pub(crate) fn parse_range(value: &Value, path: &str) -> Result<(i64, i64), MysteryError> {
    const SHAPE: &str = "expected a whole number or a [min, max] range";
    match value {
        Value::Array(bounds) => {
            let [low, high] = bounds.as_slice() else {
                return Err(refuse(path, SHAPE));
            };
            let (Some(low), Some(high)) = (as_int(low), as_int(high)) else {
                return Err(refuse(path, SHAPE));
            };
            if low > high {
                return Err(refuse(path, "the range's min is greater than its max"));
            }
            Ok((low, high))
        }
        single => as_int(single)
            .map(|n| (n, n))
            .ok_or_else(|| refuse(path, SHAPE)),
    }
}

/// The one source of randomness of a roll.
pub(crate) struct Picker {
    rng: ChaCha8Rng,
}

impl Picker {
    pub(crate) fn new(seed: u64) -> Self {
        Picker {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// Rolls a spec: `None` when it says nothing (the caller decides the default).
    pub(crate) fn pick(&mut self, spec: &Value, path: &str) -> Result<Option<Value>, MysteryError> {
        Ok(match Spec::parse(spec, path)? {
            Spec::Nothing => None,
            Spec::Fixed(value) => Some(value),
            Spec::Weighted(choices) => self.choose(&choices).map(|choice| choice.value.clone()),
        })
    }

    pub(crate) fn choose<'c>(&mut self, choices: &'c [Choice]) -> Option<&'c Choice> {
        let total: f64 = choices.iter().map(|choice| choice.weight).sum();
        if total <= 0.0 || !total.is_finite() {
            return None;
        }
        let draw: f64 = self.rng.sample(Standard);
        let mut remaining = draw * total;
        let mut last_pickable = None;
        for choice in choices.iter().filter(|choice| choice.weight > 0.0) {
            if remaining < choice.weight {
                return Some(choice);
            }
            remaining -= choice.weight;
            last_pickable = Some(choice);
        }
        // Rounding can leave a sliver past the last option; it belongs to that option.
        last_pickable
    }

    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        if low >= high {
            low
        } else {
            self.rng.gen_range(low..=high)
        }
    }

    pub(crate) fn range(&mut self, spec: &Value, path: &str) -> Result<i64, MysteryError> {
        let (low, high) = parse_range(spec, path)?;
        Ok(self.between(low, high))
    }
}

/// One top-level key of the merged weightset, with the path it was written at.
pub(crate) struct Entry<'a> {
    pub(crate) value: &'a Value,
    pub(crate) path: String,
}

/// The weightset after subweights were merged in (one key deep, as upstream does).
pub(crate) struct Layer<'a> {
    entries: BTreeMap<&'a str, Entry<'a>>,
}

impl<'a> Layer<'a> {
    pub(crate) fn root(root: &'a Map<String, Value>) -> Self {
        let mut layer = Layer {
            entries: BTreeMap::new(),
        };
        layer.merge(root, "");
        layer
    }

    /// A key that is absent or `null` (how a subweight cancels a parent key) reads as absent.
    pub(crate) fn get(&self, key: &str) -> Option<&Entry<'a>> {
        self.entries.get(key).filter(|entry| !entry.value.is_null())
    }

    fn merge(&mut self, weights: &'a Map<String, Value>, prefix: &str) {
        for (key, value) in weights {
            let path = join(prefix, key);
            self.entries.insert(key.as_str(), Entry { value, path });
        }
    }

    /// Picks a subweight by `chance`, merges its `weights`, and repeats with the picked entry's
    /// own `subweights` until a level has none. Returns the names picked, outermost first.
    pub(crate) fn resolve_subweights(
        &mut self,
        picker: &mut Picker,
    ) -> Result<Vec<String>, MysteryError> {
        let mut picked = Vec::new();
        while let Some(entry) = self.entries.remove("subweights") {
            let Some(options) = entry.value.as_object() else {
                if entry.value.is_null() {
                    break;
                }
                return Err(refuse(
                    entry.path,
                    "expected a mapping of {name: {chance, weights}}",
                ));
            };
            if picked.len() >= MAX_SUBWEIGHT_DEPTH {
                return Err(refuse(entry.path, too_deep()));
            }
            let mut choices = Vec::with_capacity(options.len());
            for (name, option) in options {
                let chance_path = join(&join(&entry.path, name), "chance");
                let chance = option
                    .get("chance")
                    .and_then(non_negative)
                    .ok_or_else(|| refuse(chance_path, "a chance must be a non-negative number"))?;
                choices.push(Choice {
                    key: name.clone(),
                    value: Value::String(name.clone()),
                    weight: chance,
                });
            }
            choices.sort_by(|a, b| a.key.cmp(&b.key));
            let Some(choice) = picker.choose(&choices) else {
                break;
            };
            let name = choice.key.clone();
            let entry_path = join(&entry.path, &name);
            // An entry without `weights` keeps the parent as it is (minus its subweights).
            if let Some(weights) = options
                .get(&name)
                .and_then(|option| option.get("weights"))
                .and_then(Value::as_object)
            {
                self.merge(weights, &join(&entry_path, "weights"));
            }
            picked.push(name);
        }
        Ok(picked)
    }
}

pub(crate) fn too_deep() -> String {
    format!("subweights are nested deeper than {MAX_SUBWEIGHT_DEPTH} levels")
}
