//! Plugin configuration: the merge order and validation against the manifest's JSON Schema.
//!
//! Effective config = organization override ▸ install config ▸ schema defaults ▸ code defaults,
//! merged key by key (nested objects merge, everything else is replaced by the stronger layer).
//! Every write is validated as the effective result it would produce, and errors name the key
//! (`limits.max_items: 500 is greater than the maximum of 100`).

use serde_json::{Map, Value};

use super::model::{ConfigEntry, ConfigSource};
use crate::Error;

/// A schema problem: (JSON pointer into the schema or the defaults, message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem(pub String, pub String);

/// Checks that `schema` is a JSON Schema for an object (a form people fill in: required fields
/// need no defaults).
pub fn check_form_schema(schema: &Value) -> Result<(), SchemaProblem> {
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        return Err(SchemaProblem(
            ".type".into(),
            "the settings schema must have type = \"object\"".into(),
        ));
    }
    if let Err(e) = jsonschema::meta::validate(schema) {
        return Err(SchemaProblem(
            pointer_to_field(e.instance_path().as_str(), "."),
            format!("not valid JSON Schema: {e}"),
        ));
    }
    Ok(())
}

/// Checks that `schema` is a JSON Schema for an object and that its defaults satisfy it (plugin
/// configuration: what nobody set must still be valid).
pub fn check_schema(schema: &Value) -> Result<(), SchemaProblem> {
    check_form_schema(schema)?;
    let validator = jsonschema::validator_for(schema)
        .map_err(|e| SchemaProblem(String::new(), format!("not usable as JSON Schema: {e}")))?;
    let defaults = schema_defaults(schema);
    if let Some(e) = validator.iter_errors(&defaults).next() {
        let key = pointer_to_field(e.instance_path().as_str(), "");
        return Err(SchemaProblem(
            format!(".properties.{key}.default"),
            format!("the default does not satisfy the schema: {e}"),
        ));
    }
    Ok(())
}

/// The object of `default`s declared under `properties`, nested objects included.
pub fn schema_defaults(schema: &Value) -> Value {
    let mut out = Map::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (key, property) in properties {
            if let Some(default) = property.get("default") {
                out.insert(key.clone(), default.clone());
            } else if property.get("type").and_then(Value::as_str) == Some("object") {
                let nested = schema_defaults(property);
                if nested.as_object().is_some_and(|m| !m.is_empty()) {
                    out.insert(key.clone(), nested);
                }
            }
        }
    }
    Value::Object(out)
}

/// The top-level settings only the site's administrators set (`readOnly: true` in the schema):
/// an organization's layer never changes them — an address the server calls, a time limit.
pub fn site_only_keys(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .filter(|(_, p)| p.get("readOnly").and_then(Value::as_bool) == Some(true))
                .map(|(key, _)| key.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The top-level settings that are secrets (`writeOnly: true` in the schema: an API key): never
/// shown back — views show [`HIDDEN_SECRET`] for a secret that is set — nor written to the
/// audit log.
pub fn secret_keys(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .filter(|(_, p)| p.get("writeOnly").and_then(Value::as_bool) == Some(true))
                .map(|(key, _)| key.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// What a view shows instead of a secret that is set; saved back unchanged, it keeps the
/// stored secret.
pub const HIDDEN_SECRET: &str = "********";

/// `config` with every secret that is set shown as [`HIDDEN_SECRET`].
pub fn hide_secrets(schema: &Value, config: &Value) -> Value {
    let mut shown = config.clone();
    if let Some(map) = shown.as_object_mut() {
        for key in secret_keys(schema) {
            if let Some(value) = map.get_mut(&key) {
                if value.as_str().is_some_and(|s| !s.is_empty()) {
                    *value = Value::from(HIDDEN_SECRET);
                }
            }
        }
    }
    shown
}

/// `incoming` with each secret given as [`HIDDEN_SECRET`] replaced by the one in `stored`: a
/// form that showed the hidden value and was saved does not overwrite the secret with it.
pub fn keep_hidden_secrets(schema: &Value, incoming: &Value, stored: &Value) -> Value {
    let mut kept = incoming.clone();
    if let Some(map) = kept.as_object_mut() {
        for key in secret_keys(schema) {
            if map.get(&key).and_then(Value::as_str) == Some(HIDDEN_SECRET) {
                match stored.get(&key) {
                    Some(secret) => map.insert(key, secret.clone()),
                    None => map.remove(&key),
                };
            }
        }
    }
    kept
}

/// `value` without the site-only settings (what an organization's view and form hold); a
/// schema loses their properties.
pub fn without_site_only(schema: &Value, value: &Value) -> Value {
    let mut out = value.clone();
    let keys = site_only_keys(schema);
    if let Some(map) = out.as_object_mut() {
        for key in &keys {
            map.remove(key);
        }
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            for key in &keys {
                properties.remove(key);
            }
        }
        if let Some(Value::Array(required)) = map.get_mut("required") {
            required.retain(|r| !r.as_str().is_some_and(|r| keys.iter().any(|k| k == r)));
        }
    }
    out
}

/// `over` on top of `base`: objects merge key by key, anything else is replaced.
pub fn merge(base: &Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            let mut out = base.clone();
            for (key, value) in over {
                let merged = match out.get(key) {
                    Some(existing) => merge(existing, value),
                    None => value.clone(),
                };
                out.insert(key.clone(), merged);
            }
            Value::Object(out)
        }
        (_, over) => over.clone(),
    }
}

/// What `desired` sets differently from `inherited`, key by key: what an organization's
/// override has to store so that the result is `desired`.
pub fn diff(desired: &Value, inherited: &Value) -> Value {
    match (desired, inherited) {
        (Value::Object(desired), Value::Object(inherited)) => {
            let mut out = Map::new();
            for (key, value) in desired {
                match inherited.get(key) {
                    Some(base) if base == value => {}
                    Some(base @ Value::Object(_)) if value.is_object() => {
                        let nested = diff(value, base);
                        if nested.as_object().is_some_and(|m| !m.is_empty()) {
                            out.insert(key.clone(), nested);
                        }
                    }
                    _ => {
                        out.insert(key.clone(), value.clone());
                    }
                }
            }
            Value::Object(out)
        }
        (desired, _) => desired.clone(),
    }
}

/// The layers of one plugin's configuration, weakest first.
#[derive(Debug, Clone)]
pub struct Layers<'a> {
    pub code: &'a Value,
    pub schema: Option<&'a Value>,
    pub install: &'a Value,
    pub organization: &'a Value,
}

impl Layers<'_> {
    /// The organization's overrides without the site-only settings (an override stored before
    /// a setting became site-only does not count either).
    fn organization_layer(&self) -> Value {
        let mut layer = self.organization.clone();
        if let (Some(schema), Some(map)) = (self.schema, layer.as_object_mut()) {
            for key in site_only_keys(schema) {
                map.remove(&key);
            }
        }
        layer
    }

    fn ordered(&self) -> [(ConfigSource, Value); 4] {
        [
            (ConfigSource::Code, self.code.clone()),
            (
                ConfigSource::Schema,
                self.schema.map(schema_defaults).unwrap_or(Value::Null),
            ),
            (ConfigSource::Install, self.install.clone()),
            (ConfigSource::Organization, self.organization_layer()),
        ]
    }

    pub fn effective(&self) -> Value {
        self.ordered()
            .iter()
            .filter(|(_, v)| v.is_object())
            .fold(Value::Object(Map::new()), |acc, (_, layer)| {
                merge(&acc, layer)
            })
    }

    /// Every leaf of the effective config with the layer it came from.
    pub fn entries(&self) -> Vec<ConfigEntry> {
        let mut leaves = Vec::new();
        flatten("", &self.effective(), &mut leaves);
        let ordered = self.ordered();
        leaves
            .into_iter()
            .map(|(key, value)| {
                let source = ordered
                    .iter()
                    .rev()
                    .find(|(_, layer)| lookup(layer, &key).is_some())
                    .map(|(source, _)| *source)
                    .unwrap_or(ConfigSource::Code);
                ConfigEntry { key, value, source }
            })
            .collect()
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, value, out);
            }
        }
        _ if !prefix.is_empty() => out.push((prefix.to_string(), value.clone())),
        _ => {}
    }
}

fn lookup<'v>(value: &'v Value, dotted: &str) -> Option<&'v Value> {
    dotted
        .split('.')
        .try_fold(value, |node, key| node.as_object()?.get(key))
}

/// Validates a would-be effective configuration. The error's field is the first bad key; its
/// message lists every problem.
pub fn validate(schema: &Value, config: &Value) -> Result<(), Error> {
    if !config.is_object() {
        return Err(Error::invalid(
            "config",
            "Settings must be an object of keys and values.",
        ));
    }
    let validator = jsonschema::validator_for(schema).map_err(Error::internal)?;
    let problems: Vec<(String, String)> = validator
        .iter_errors(config)
        .map(|e| {
            let key = pointer_to_field(e.instance_path().as_str(), "");
            (key, e.to_string())
        })
        .collect();
    match problems.first() {
        None => Ok(()),
        Some((first, _)) => {
            let message = problems
                .iter()
                .map(|(key, message)| {
                    if key.is_empty() {
                        message.clone()
                    } else {
                        format!("{key}: {message}")
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            let field = if first.is_empty() {
                "config".to_string()
            } else {
                first.clone()
            };
            Err(Error::invalid(field, message))
        }
    }
}

/// `/limits/max_items` → `["limits", "max_items"]` (JSON Pointer escapes undone).
pub(crate) fn pointer_segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `/limits/max_items` → `limits.max_items` (with `prefix` before a non-empty result).
fn pointer_to_field(pointer: &str, prefix: &str) -> String {
    let dotted = pointer_segments(pointer).join(".");
    if dotted.is_empty() {
        dotted
    } else {
        format!("{prefix}{dotted}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "max_items": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
                "mode": {"type": "string", "enum": ["open", "closed"], "default": "open"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "limits": {
                    "type": "object",
                    "properties": {
                        "per_day": {"type": "integer", "default": 3},
                        "per_week": {"type": "integer", "default": 10}
                    }
                }
            },
            "additionalProperties": false
        })
    }

    #[test]
    fn merge_order_is_org_install_schema_code() {
        let schema = schema();
        let code =
            json!({"max_items": 1, "mode": "closed", "code_only": true, "limits": {"per_week": 1}});
        let install = json!({"max_items": 20, "limits": {"per_day": 5}});
        let org = json!({"max_items": 30});
        let layers = Layers {
            code: &code,
            schema: Some(&schema),
            install: &install,
            organization: &org,
        };
        let effective = layers.effective();
        assert_eq!(effective["max_items"], 30, "org wins");
        assert_eq!(
            effective["mode"], "open",
            "schema default beats code default"
        );
        assert_eq!(
            effective["code_only"], true,
            "code default when nothing else says"
        );
        assert_eq!(
            effective["limits"]["per_day"], 5,
            "install merges into nested object"
        );
        assert_eq!(
            effective["limits"]["per_week"], 10,
            "nested schema default kept"
        );

        let entries = layers.entries();
        let source = |key: &str| {
            entries
                .iter()
                .find(|e| e.key == key)
                .map(|e| e.source)
                .unwrap()
        };
        assert_eq!(source("max_items"), ConfigSource::Organization);
        assert_eq!(source("limits.per_day"), ConfigSource::Install);
        assert_eq!(source("limits.per_week"), ConfigSource::Schema);
        assert_eq!(source("code_only"), ConfigSource::Code);
    }

    #[test]
    fn overrides_keep_only_what_differs() {
        let inherited = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1]});
        let desired = json!({"a": 1, "b": {"c": 2, "d": 4}, "e": [1, 2], "f": true});
        assert_eq!(
            diff(&desired, &inherited),
            json!({"b": {"d": 4}, "e": [1, 2], "f": true})
        );
        assert_eq!(diff(&inherited, &inherited), json!({}));
    }

    #[test]
    fn defaults_come_from_the_schema() {
        assert_eq!(
            schema_defaults(&schema()),
            json!({"max_items": 10, "mode": "open", "limits": {"per_day": 3, "per_week": 10}})
        );
    }

    #[test]
    fn validation_errors_name_the_key() {
        let schema = schema();
        let err = validate(&schema, &json!({"max_items": 500})).unwrap_err();
        assert_eq!(err.field(), Some("max_items"));
        assert!(err.message().contains("100"), "{}", err.message());

        let err = validate(&schema, &json!({"limits": {"per_day": "x"}})).unwrap_err();
        assert_eq!(err.field(), Some("limits.per_day"));

        let err = validate(&schema, &json!({"mode": "maybe", "tags": [1]})).unwrap_err();
        assert!(err.message().contains("mode:"), "{}", err.message());
        assert!(err.message().contains("tags.0:"), "{}", err.message());

        let err = validate(&schema, &json!({"colour": "red"})).unwrap_err();
        assert!(err.message().contains("colour"), "{}", err.message());

        assert!(validate(&schema, &json!({"max_items": 5, "tags": ["a"]})).is_ok());
        assert_eq!(
            validate(&schema, &json!([1])).unwrap_err().field(),
            Some("config")
        );
    }

    #[test]
    fn schemas_are_checked() {
        assert!(check_schema(&schema()).is_ok());
        let not_object = json!({"type": "string"});
        assert_eq!(check_schema(&not_object).unwrap_err().0, ".type");
        let bad = json!({"type": "object", "properties": {"n": {"type": "integr"}}});
        let problem = check_schema(&bad).unwrap_err();
        assert!(problem.0.contains("properties.n"), "{problem:?}");
        let bad_default =
            json!({"type": "object", "properties": {"n": {"type": "integer", "default": "x"}}});
        let problem = check_schema(&bad_default).unwrap_err();
        assert_eq!(problem.0, ".properties.n.default");
    }
}
