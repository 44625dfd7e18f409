//! A form generated from a JSON Schema: plugin settings, and later tournament settings forms.
//!
//! Supported property shapes: boolean (checkbox), integer/number with minimum/maximum (number
//! input), string (text input, with `pattern`), string with `enum` (select), array of strings
//! (one item per line), and nested objects (a fieldset, recursively). The form edits one JSON
//! object held in a signal; the server validates and answers with an error whose `field` is the
//! dotted key (`limits.per_day`), shown under that field.

use leptos::prelude::*;
use serde_json::{Map, Value};

use super::forms::{field_error, INPUT, INPUT_INVALID};
use crate::Error;

/// The value at a dotted path.
pub fn value_at<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter()
        .try_fold(value, |node, key| node.as_object()?.get(key))
}

/// Sets the value at a dotted path, creating objects on the way.
pub fn set_at(value: &mut Value, path: &[String], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        *value = new;
        return;
    };
    let mut node = value;
    for key in parents {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Some(map) = node.as_object_mut() else {
            return;
        };
        node = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let Some(map) = node.as_object_mut() {
        map.insert(last.clone(), new);
    }
}

/// Turns what the user typed into the JSON value the schema asks for. Unparseable numbers stay
/// strings, so the server's validation names the field instead of the form silently dropping it.
pub fn coerce(property: &Value, text: &str) -> Value {
    match property.get("type").and_then(Value::as_str) {
        Some("integer") => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_string())),
        Some("number") => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
            .unwrap_or_else(|| Value::String(text.to_string())),
        Some("array") => Value::Array(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Value::String(l.to_string()))
                .collect(),
        ),
        _ => Value::String(text.to_string()),
    }
}

fn display(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Some(other) => other.to_string(),
    }
}

/// This field's part of a validation error. The server lists every problem as
/// `key: message; key: message`; an item of an array (`tags.0`) belongs to its array's field.
pub fn message_for(error: &Error, dotted: &str) -> Option<String> {
    if !matches!(error, Error::Invalid { .. }) {
        return None;
    }
    let belongs = |key: &str| {
        key == dotted
            || key
                .strip_prefix(dotted)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
    };
    let parts: Vec<String> = error
        .message()
        .split("; ")
        .filter_map(|part| {
            let (key, message) = part.split_once(": ")?;
            belongs(key).then(|| message.to_string())
        })
        .collect();
    if !parts.is_empty() {
        return Some(parts.join("; "));
    }
    field_error(Some(error.clone()), dotted)
}

/// The generated form. `value` is the object being edited.
#[component]
pub fn SchemaForm(
    schema: Value,
    value: RwSignal<Value>,
    #[prop(optional, into)] error: Signal<Option<Error>>,
) -> impl IntoView {
    view! { <SchemaFields schema path=vec![] value error/> }
}

#[component]
fn SchemaFields(
    schema: Value,
    path: Vec<String>,
    value: RwSignal<Value>,
    error: Signal<Option<Error>>,
) -> impl IntoView {
    let properties: Vec<(String, Value)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    if properties.is_empty() && path.is_empty() {
        return view! { <p class="text-sm text-slate-500">"This plugin has no settings."</p> }
            .into_any();
    }
    properties
        .into_iter()
        .map(|(key, property)| {
            let mut field_path = path.clone();
            field_path.push(key.clone());
            view! { <SchemaField key property path=field_path value error/> }
        })
        .collect_view()
        .into_any()
}

#[component]
fn SchemaField(
    key: String,
    property: Value,
    path: Vec<String>,
    value: RwSignal<Value>,
    error: Signal<Option<Error>>,
) -> impl IntoView {
    let dotted = path.join(".");
    let id = format!("field-{}", dotted.replace('.', "-"));
    let label = property
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| key.replace('_', " "));
    let help = property
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_string);
    let message = {
        let dotted = dotted.clone();
        Signal::derive(move || error.get().and_then(|e| message_for(&e, &dotted)))
    };
    let kind = property
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string")
        .to_string();
    let class = move || {
        if message.get().is_some() {
            format!("{INPUT} {INPUT_INVALID}")
        } else {
            INPUT.to_string()
        }
    };
    let current = {
        let path = path.clone();
        move || value.with(|v| value_at(v, &path).cloned())
    };
    let control = match kind.as_str() {
        "object" => {
            return view! {
                <fieldset class="flex flex-col gap-3 rounded-md border border-slate-200 p-3 dark:border-slate-700">
                    <legend class="px-1 text-sm font-semibold">{label}</legend>
                    {help.map(|h| view! { <p class="text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
                    <SchemaFields schema=property path value error/>
                </fieldset>
            }
            .into_any();
        }
        "boolean" => {
            let path = path.clone();
            let checked = move || current().and_then(|v| v.as_bool()).unwrap_or(false);
            view! {
                <input id=id.clone() type="checkbox" class="h-4 w-4 rounded border-slate-300"
                    prop:checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        value.update(|v| set_at(v, &path, Value::Bool(on)));
                    }/>
            }
            .into_any()
        }
        _ if property.get("enum").is_some() => {
            let options: Vec<String> = property
                .get("enum")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|o| display(Some(o))).collect())
                .unwrap_or_default();
            let path = path.clone();
            let property = property.clone();
            view! {
                <select id=id.clone() class=class
                    prop:value=move || display(current().as_ref())
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        value.update(|v| set_at(v, &path, coerce(&property, &text)));
                    }>
                    {options.into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
                </select>
            }
            .into_any()
        }
        "array" => {
            let path = path.clone();
            let property = property.clone();
            view! {
                <textarea id=id.clone() rows="3" class=class
                    prop:value=move || display(current().as_ref())
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        value.update(|v| set_at(v, &path, coerce(&property, &text)));
                    }></textarea>
            }
            .into_any()
        }
        "integer" | "number" => {
            let min = property.get("minimum").map(|m| m.to_string());
            let max = property.get("maximum").map(|m| m.to_string());
            let step = if kind == "integer" { "1" } else { "any" };
            let path = path.clone();
            let property = property.clone();
            view! {
                <input id=id.clone() type="number" min=min max=max step=step class=class
                    prop:value=move || display(current().as_ref())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        value.update(|v| set_at(v, &path, coerce(&property, &text)));
                    }/>
            }
            .into_any()
        }
        _ => {
            let pattern = property
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_string);
            let path = path.clone();
            let property = property.clone();
            view! {
                <input id=id.clone() type="text" pattern=pattern class=class
                    prop:value=move || display(current().as_ref())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        value.update(|v| set_at(v, &path, coerce(&property, &text)));
                    }/>
            }
            .into_any()
        }
    };
    view! {
        <div class="flex flex-col gap-1" data-field=dotted.clone()>
            <label for=id class="text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            {control}
            {help.map(|h| view! { <p class="text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
            <Show when=move || message.get().is_some()>
                <p class="field-error text-xs font-medium text-red-600 dark:text-red-400" role="alert">{move || message.get()}</p>
            </Show>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_and_read_nested_paths() {
        let mut v = json!({});
        let path = vec!["limits".to_string(), "per_day".to_string()];
        set_at(&mut v, &path, json!(4));
        assert_eq!(v, json!({"limits": {"per_day": 4}}));
        assert_eq!(value_at(&v, &path), Some(&json!(4)));
        set_at(&mut v, &["limits".to_string()], json!(1));
        assert_eq!(v, json!({"limits": 1}));
    }

    #[test]
    fn each_field_gets_its_part_of_the_error() {
        let e = Error::invalid(
            "max_items",
            "max_items: 500 is too big; tags.0: 1 is not a string; mode: bad",
        );
        assert_eq!(
            message_for(&e, "max_items").as_deref(),
            Some("500 is too big")
        );
        assert_eq!(
            message_for(&e, "tags").as_deref(),
            Some("1 is not a string")
        );
        assert_eq!(message_for(&e, "mode").as_deref(), Some("bad"));
        assert_eq!(message_for(&e, "limits"), None);
        assert_eq!(message_for(&Error::conflict("x: y"), "x"), None);
    }

    #[test]
    fn typed_input_becomes_schema_values() {
        assert_eq!(coerce(&json!({"type": "integer"}), " 12 "), json!(12));
        assert_eq!(
            coerce(&json!({"type": "integer"}), "twelve"),
            json!("twelve")
        );
        assert_eq!(coerce(&json!({"type": "number"}), "1.5"), json!(1.5));
        assert_eq!(
            coerce(&json!({"type": "array"}), "a\n\n b \n"),
            json!(["a", "b"])
        );
        assert_eq!(coerce(&json!({"type": "string"}), "x"), json!("x"));
    }
}
