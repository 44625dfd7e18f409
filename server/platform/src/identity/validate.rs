//! Parse, don't validate: user input becomes a clean value or an `Invalid` error naming the
//! field and saying what to fix.

use sdk::Error;

/// Trimmed, non-empty, at most `max` characters, no control characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    optional_text(field, value, max)
}

/// Like [`text`] but may be empty.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<String, Error> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(value.to_string())
}

pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 2000;

/// A username: 2–32 letters, digits, `_`, `.` or `-`.
pub fn username(value: &str) -> Result<String, Error> {
    let value = value.trim();
    let ok_len = (2..=32).contains(&value.chars().count());
    let ok_chars = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok_len && ok_chars {
        Ok(value.to_string())
    } else {
        Err(Error::invalid(
            "username",
            "must be 2 to 32 letters, digits, `_`, `.` or `-`",
        ))
    }
}

/// An invite slug: 3–64 lower-case letters, digits or `-`.
pub fn slug(field: &str, value: &str) -> Result<String, Error> {
    let value = value.trim();
    let ok = (3..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(value.to_string())
    } else {
        Err(Error::invalid(
            field,
            "must be 3 to 64 lower-case letters, digits or `-`",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(
            text("name", "  Alttp League ", 100).unwrap(),
            "Alttp League"
        );
        assert_eq!(text("name", "   ", 100).unwrap_err().field(), Some("name"));
        assert!(text("name", &"x".repeat(101), 100).is_err());
        assert!(text("name", &"é".repeat(100), 100).is_ok());
        assert!(text("name", "a\u{0}b", 100).is_err());
        assert_eq!(optional_text("d", "", 10).unwrap(), "");
    }

    #[test]
    fn usernames_and_slugs() {
        assert!(username("synack").is_ok());
        assert!(username("a").is_err());
        assert!(username("has space").is_err());
        assert!(slug("slug", "join-us-2026").is_ok());
        assert!(slug("slug", "Join").is_err());
        assert!(slug("slug", "../etc").is_err());
    }
}
