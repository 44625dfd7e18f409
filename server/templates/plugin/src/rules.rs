//! The plugin's rules, pure: no database, no clock (callers pass `now` where time matters), so
//! they are unit tested here and every adapter gets the same answer.

use sdk::Error;
use serde_json::Value;

/// The longest entry when the organization has not set `max_length`.
pub const DEFAULT_MAX_LENGTH: usize = 200;

/// The text as it will be stored, or an error naming the field.
pub fn clean_text(text: &str, max_length: usize) -> Result<String, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("text", "Write something first."));
    }
    let length = text.chars().count();
    if length > max_length {
        return Err(Error::invalid(
            "text",
            format!("At most {max_length} characters, this has {length}."),
        ));
    }
    Ok(text.to_string())
}

/// The organization's `max_length` from its effective configuration.
pub fn max_length(config: &Value) -> usize {
    config
        .get("max_length")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_MAX_LENGTH)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn text_is_trimmed_and_limited() {
        assert_eq!(clean_text("  hello ", 10).unwrap(), "hello");
        assert_eq!(clean_text("   ", 10).unwrap_err().field(), Some("text"));
        let err = clean_text("abcdef", 5).unwrap_err();
        assert!(err.message().contains("At most 5"), "{}", err.message());
    }

    #[test]
    fn max_length_comes_from_the_config_or_the_default() {
        assert_eq!(max_length(&serde_json::json!({"max_length": 12})), 12);
        assert_eq!(max_length(&serde_json::json!({})), DEFAULT_MAX_LENGTH);
        assert_eq!(
            max_length(&serde_json::json!({"max_length": "x"})),
            DEFAULT_MAX_LENGTH
        );
    }
}
