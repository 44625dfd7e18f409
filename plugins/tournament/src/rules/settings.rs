//! Settings forms (server side: the JSON Schema checks live there): a tournament's form, and a
//! player's settings for one game against it.

use sdk::Error;
use serde_json::Value;

use super::{GAME_NUMBER_MAX, SETTINGS_MAX_BYTES};

/// A tournament's settings form: a JSON Schema describing an object. Checked against the
/// meta-schema so a broken form never reaches players.
pub fn check_settings_schema(schema: &Value) -> Result<(), Error> {
    sdk::input::check_document_budget("settings_form_schema", schema)?;
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        return Err(Error::invalid(
            "settings_form_schema",
            "The settings form must be a JSON Schema with \"type\": \"object\" and its \"properties\".",
        ));
    }
    sdk::plugin::config::check_form_schema(schema).map_err(|problem| {
        let at = if problem.0.is_empty() {
            String::new()
        } else {
            format!(" (at {})", problem.0)
        };
        Error::invalid(
            "settings_form_schema",
            format!("The settings form is not usable{at}: {}", problem.1),
        )
    })
}

/// A player's settings for one game, against the tournament's form. Errors name the setting
/// (`settings.mode`) so the form shows them on that field.
pub fn check_settings(schema: &Value, game_number: i64, settings: &Value) -> Result<(), Error> {
    if !(1..=GAME_NUMBER_MAX).contains(&game_number) {
        return Err(Error::invalid(
            "game_number",
            format!("Games are numbered from 1 to {GAME_NUMBER_MAX}."),
        ));
    }
    sdk::input::check_document_budget("settings", settings)?;
    // Within the budget the JSON text is bounded, so measuring it is cheap.
    let size = settings.to_string().len();
    if size > SETTINGS_MAX_BYTES {
        return Err(Error::invalid(
            "settings",
            format!(
                "These settings take {} KB; a submission holds at most {} KB. Keep to the form's choices.",
                size.div_ceil(1024),
                SETTINGS_MAX_BYTES / 1024
            ),
        ));
    }
    sdk::plugin::config::validate(schema, settings).map_err(|e| match e {
        Error::Invalid { field, message } => Error::Invalid {
            field: if field == "config" {
                "settings".to_string()
            } else {
                format!("settings.{field}")
            },
            message,
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deeply_nested_settings_are_refused() {
        let deep =
            |levels: usize| (0..levels).fold(json!("open"), |inner, _| json!({ "mode": inner }));
        // A form that accepts anything would store whatever comes: the budget stops it first.
        let anything = json!({"type": "object"});
        assert!(check_settings(&anything, 1, &deep(5)).is_ok());
        let e = check_settings(&anything, 1, &deep(40)).unwrap_err();
        assert_eq!(e.field(), Some("settings"), "{e}");
        assert!(e.message().contains("nested more than 32 levels"), "{e}");
        let many = json!({ "list": vec![1; 20_000] });
        let e = check_settings(&anything, 1, &many).unwrap_err();
        assert!(e.message().contains("more than 10000 values"), "{e}");
        let mut schema = json!({"type": "object", "properties": {}});
        schema["properties"]["x"] = deep(40);
        let e = check_settings_schema(&schema).unwrap_err();
        assert_eq!(e.field(), Some("settings_form_schema"), "{e}");
        assert!(e.message().contains("nested more than 32 levels"), "{e}");
    }

    #[test]
    fn settings_forms_and_submissions() {
        let schema = json!({
            "type": "object",
            "properties": {
                "mode": {"type": "string", "enum": ["open", "standard", "inverted"]},
                "swords": {"type": "string"}
            },
            "required": ["mode"],
            "additionalProperties": false
        });
        assert!(check_settings_schema(&schema).is_ok());
        assert!(check_settings_schema(&json!({"type": "array"})).is_err());
        assert!(check_settings_schema(
            &json!({"type": "object", "properties": {"x": {"type": "nonsense"}}})
        )
        .is_err());
        assert!(check_settings(&schema, 1, &json!({"mode": "open"})).is_ok());
        let wrong = check_settings(&schema, 1, &json!({"mode": "sideways"})).unwrap_err();
        assert_eq!(wrong.field(), Some("settings.mode"), "{wrong}");
        let missing = check_settings(&schema, 1, &json!({})).unwrap_err();
        assert!(missing.message().contains("mode"), "{missing}");
        assert_eq!(
            check_settings(&schema, 0, &json!({"mode": "open"}))
                .unwrap_err()
                .field(),
            Some("game_number")
        );
        assert_eq!(
            check_settings(&schema, 1, &json!("open"))
                .unwrap_err()
                .field(),
            Some("settings")
        );
    }
}
