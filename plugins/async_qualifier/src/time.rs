//! RFC 3339 for the API: `2026-11-22T14:05:09.250Z` from and to epoch milliseconds.

/// Epoch milliseconds as RFC 3339 UTC with milliseconds.
pub fn rfc3339(epoch_ms: i64) -> String {
    // format_utc: `2026-11-22 14:05:09 UTC`
    let text = sdk::time::format_utc(epoch_ms);
    let base = text.trim_end_matches(" UTC").replacen(' ', "T", 1);
    format!("{base}.{:03}Z", epoch_ms.rem_euclid(1000))
}

/// Reads what [`rfc3339`] writes (fraction optional).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let text = text.trim().trim_end_matches('Z');
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    let base = sdk::time::parse_utc(whole).ok()?;
    let digits: String = fraction.chars().take(3).collect();
    let ms = if digits.is_empty() {
        0
    } else {
        format!("{digits:0<3}").parse::<i64>().ok()?
    };
    Some(base + ms)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let t = 1_795_356_309_250;
        let s = super::rfc3339(t);
        assert!(s.ends_with(".250Z"), "{s}");
        assert!(s.contains('T'));
        assert_eq!(super::parse_rfc3339(&s), Some(t));
        assert_eq!(super::parse_rfc3339("1970-01-01T00:00:01Z"), Some(1000));
    }
}
