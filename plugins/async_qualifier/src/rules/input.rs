//! Settings and text checks, and how durations read.

use super::*;

// The input checks every plugin shares.
pub use sdk::input::{clean_name, clean_text, clean_url};

/// Qualifier settings: runs per pool 1..=20, reattempts −1 (unlimited) .. 100.
pub fn check_limits(runs_per_pool: i64, max_reattempts: i64) -> Result<(), Error> {
    if !(1..=20).contains(&runs_per_pool) {
        return Err(Error::invalid(
            "runs_per_pool",
            "Runs per pool must be between 1 and 20.",
        ));
    }
    if !(-1..=100).contains(&max_reattempts) {
        return Err(Error::invalid(
            "max_reattempts",
            "Use -1 for unlimited reattempts, 0 for none, or a number up to 100.",
        ));
    }
    Ok(())
}

/// A Discord channel id (digits) or nothing.
pub fn clean_channel(channel: &str) -> Result<Option<String>, Error> {
    let channel = channel.trim();
    if channel.is_empty() {
        return Ok(None);
    }
    if (5..=25).contains(&channel.len()) && channel.chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(channel.to_string()))
    } else {
        Err(Error::invalid(
            "discord_channel_id",
            "Paste the channel's id (digits only; Discord: right-click the channel → Copy Channel ID).",
        ))
    }
}

/// H:MM:SS for a number of seconds (negative counts as 0).
pub fn hms(seconds: f64) -> String {
    let total = if seconds.is_finite() && seconds > 0.0 {
        seconds.floor() as i64
    } else {
        0
    };
    format!(
        "{}:{:02}:{:02}",
        total / 3600,
        (total % 3600) / 60,
        total % 60
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn inputs_are_checked() {
        assert!(clean_text("notes", &"x".repeat(4000), NOTES_MAX).is_ok());
        assert_eq!(
            clean_text("notes", &"x".repeat(4001), NOTES_MAX)
                .unwrap_err()
                .field(),
            Some("notes")
        );
        assert!(clean_url("vod_url", "", true).unwrap().is_empty());
        assert!(clean_url("url", "", false).is_err());
        assert!(clean_url("url", "ftp://x", false).is_err());
        assert!(clean_url("url", "https://alttpr.com/h/x", false).is_ok());
        assert!(check_limits(1, -1).is_ok());
        assert!(check_limits(0, -1).is_err());
        assert!(check_limits(1, -2).is_err());
        assert_eq!(clean_channel(" ").unwrap(), None);
        assert!(clean_channel("abc").is_err());
        assert_eq!(hms(3723.9), "1:02:03");
        assert_eq!(hms(-1.0), "0:00:00");
    }
}
