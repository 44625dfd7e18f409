//! Checks for what users type into forms and API calls, shared by every plugin so the same
//! mistake gets the same message everywhere. Each returns the cleaned value or an
//! [`Error::Invalid`] naming the field.

use crate::Error;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
