//! Checks for what users type into forms and API calls, shared by every plugin so the same
//! mistake gets the same message everywhere. Each returns the cleaned value or an
//! [`Error::Invalid`] naming the field.

use serde_json::Value;

use crate::Error;

/// How deep lists and objects may sit inside each other in a stored JSON/YAML document.
pub const MAX_DOCUMENT_DEPTH: usize = 32;
/// How many values (objects, lists, texts, numbers, …) a stored document may hold.
pub const MAX_DOCUMENT_NODES: usize = 10_000;
/// How much text (keys and texts, in bytes) a stored document may hold.
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// Trimmed text of at most `max` characters.
pub fn clean_text(field: &str, text: &str, max: usize) -> Result<String, Error> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!(
                "At most {max} characters (this is {}).",
                text.chars().count()
            ),
        ));
    }
    Ok(text.to_string())
}

/// A required one-line name of 1 to `max` characters.
pub fn clean_name(field: &str, name: &str, max: usize) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(field, "Give it a name."));
    }
    if name.chars().count() > max {
        return Err(Error::invalid(field, format!("At most {max} characters.")));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(field, "Keep the name on one line."));
    }
    Ok(name.to_string())
}

/// An optional instant sent by a client as an RFC 3339 string (any offset; the API's one time
/// format); empty or absent means none. A malformed one is an error on `field` saying how to
/// write it.
pub fn optional_instant(field: &str, text: Option<&str>) -> Result<Option<i64>, Error> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => crate::time::parse_rfc3339(text)
            .map(Some)
            .map_err(|message| Error::invalid(field, message)),
    }
}

/// An http(s) URL (or, when `optional`, nothing).
pub fn clean_url(field: &str, url: &str, optional: bool) -> Result<String, Error> {
    let url = url.trim();
    if url.is_empty() && optional {
        return Ok(String::new());
    }
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && url.len() <= 2000
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(url.to_string())
    } else {
        Err(Error::invalid(
            field,
            "Give a full link starting with https:// (e.g. https://alttpr.com/h/AbCdEf).",
        ))
    }
}

/// The budget on every user-supplied JSON (or YAML) document that is stored: settings forms and
/// submissions, plugin and task config, role statements. Refuses a document nested deeper than
/// [`MAX_DOCUMENT_DEPTH`], holding more than [`MAX_DOCUMENT_NODES`] values or more than
/// [`MAX_DOCUMENT_BYTES`] of text, with an [`Error::Invalid`] on `field` that says what to cut.
/// The walk stops at the first limit passed, so its cost is bounded whatever the document.
pub fn check_document_budget(field: &str, document: &Value) -> Result<(), Error> {
    let mut nodes = 0usize;
    let mut bytes = 0usize;
    // Depth counts lists and objects: the document's top object is level 1.
    let mut stack: Vec<(&Value, usize)> = vec![(document, 1)];
    while let Some((value, depth)) = stack.pop() {
        nodes += 1;
        if nodes > MAX_DOCUMENT_NODES {
            return Err(Error::invalid(
                field,
                format!(
                    "This holds more than {MAX_DOCUMENT_NODES} values (the limit); \
                     remove some entries."
                ),
            ));
        }
        if depth > MAX_DOCUMENT_DEPTH && (value.is_array() || value.is_object()) {
            return Err(Error::invalid(
                field,
                format!(
                    "This is nested more than {MAX_DOCUMENT_DEPTH} levels deep (lists and \
                     objects inside each other; the limit is {MAX_DOCUMENT_DEPTH}): flatten it."
                ),
            ));
        }
        match value {
            Value::String(text) => bytes += text.len(),
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            Value::Object(map) => {
                for (key, v) in map {
                    bytes += key.len();
                    stack.push((v, depth + 1));
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
        if bytes > MAX_DOCUMENT_BYTES {
            return Err(Error::invalid(
                field,
                format!(
                    "This holds more than {} KB of text (the limit); shorten it.",
                    MAX_DOCUMENT_BYTES / 1024
                ),
            ));
        }
    }
    Ok(())
}

/// `text` cut to at most `max_chars` characters, with "…" after a cut: for a message that
/// repeats what a user or a site sent, so a huge value does not come back whole.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_counts_characters_and_marks_a_cut() {
        assert_eq!(shorten("short", 5), "short");
        assert_eq!(shorten("longer", 4), "long…");
        assert_eq!(shorten("ééé", 2), "éé…");
        assert_eq!(shorten("", 0), "");
    }

    #[test]
    fn names_text_and_links() {
        assert_eq!(clean_name("name", "  Open  ", 10).ok(), Some("Open".into()));
        assert_eq!(
            clean_name("name", " ", 10).unwrap_err().field(),
            Some("name")
        );
        assert!(clean_name("name", "a\nb", 10).is_err());
        assert!(clean_name("name", "abcdefghijk", 10).is_err());
        assert!(clean_text("notes", "abc", 2)
            .unwrap_err()
            .message()
            .contains("At most 2"));
        assert_eq!(clean_url("url", "", true).ok(), Some(String::new()));
        assert!(clean_url("url", "", false).is_err());
        assert!(clean_url("url", "alttpr.com/h/x", false).is_err());
        assert!(clean_url("url", "https://alttpr.com/h/x y", false).is_err());
        assert!(clean_url("url", "https://alttpr.com/h/x", false).is_ok());
    }

    fn nested(depth: usize) -> Value {
        (0..depth).fold(
            serde_json::json!(1),
            |inner, _| serde_json::json!({ "a": inner }),
        )
    }

    #[test]
    fn documents_within_budget_pass() {
        let ordinary = serde_json::json!({
            "goal": "ganon", "swords": [1, 2, {"x": null, "y": true}], "note": "a & b"
        });
        assert!(check_document_budget("config", &ordinary).is_ok());
        assert!(check_document_budget("config", &nested(MAX_DOCUMENT_DEPTH)).is_ok());
        let wide = Value::Array(vec![Value::Null; MAX_DOCUMENT_NODES - 1]);
        assert!(check_document_budget("config", &wide).is_ok());
    }

    #[test]
    fn deeply_nested_document_is_refused() {
        let e = check_document_budget("config", &nested(MAX_DOCUMENT_DEPTH + 1)).unwrap_err();
        assert_eq!(e.field(), Some("config"));
        assert!(e.message().contains("nested more than 32 levels"), "{e}");
        // A document nested far past serde_json's own parser limit, built in code: no stack
        // overflow, the same refusal.
        let mut deep = serde_json::json!(1);
        for _ in 0..100_000 {
            deep = Value::Array(vec![deep]);
        }
        assert!(check_document_budget("config", &deep).is_err());
        // Dropping such a value recurses in serde_json; take it apart by hand.
        while let Value::Array(mut items) = deep {
            deep = items.pop().unwrap_or(Value::Null);
        }
    }

    #[test]
    fn huge_documents_are_refused() {
        let wide = Value::Array(vec![Value::Null; MAX_DOCUMENT_NODES]);
        let e = check_document_budget("settings", &wide).unwrap_err();
        assert_eq!(e.field(), Some("settings"));
        assert!(e.message().contains("more than 10000 values"), "{e}");
        let long = serde_json::json!({ "notes": "x".repeat(MAX_DOCUMENT_BYTES + 1) });
        let e = check_document_budget("settings", &long).unwrap_err();
        assert!(e.message().contains("KB of text"), "{e}");
    }
}
