//! Instants as the platform stores them: i64 milliseconds since the Unix epoch, UTC.
//!
//! Formatting here is plain arithmetic so it works the same in the server and in the browser
//! without a date library in the wasm bundle.

/// Now, in epoch milliseconds, wherever this runs (the browser has no system clock API in wasm).
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
    }
}

/// `2026-11-22 14:05:09 UTC` for an epoch-millisecond instant.
pub fn format_utc(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// "in 2 h 10 min", "3 min ago", "just now": how far `epoch_ms` is from `now_ms`.
pub fn relative(epoch_ms: i64, now_ms: i64) -> String {
    let delta = (epoch_ms - now_ms) / 1000;
    let span = delta.unsigned_abs();
    if span < 45 {
        return "just now".to_string();
    }
    let text = if span < 3600 {
        format!("{} min", span.div_ceil(60).max(1))
    } else if span < 86_400 {
        let (h, m) = (span / 3600, (span % 3600) / 60);
        if m == 0 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        }
    } else {
        let days = span / 86_400;
        format!("{days} day{}", if days == 1 { "" } else { "s" })
    };
    if delta > 0 {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// "5 minutes", "1 hour", "90 seconds": a duration in whole units where it divides evenly.
pub fn describe_seconds(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match seconds {
        s if s > 0 && s % 86_400 == 0 => plural(s / 86_400, "day"),
        s if s > 0 && s % 3600 == 0 => plural(s / 3600, "hour"),
        s if s > 0 && s % 60 == 0 => plural(s / 60, "minute"),
        s => plural(s, "second"),
    }
}

/// Reads `2026-11-22 14:05` (or `2026-11-22T14:05:09`, seconds optional) as a UTC instant in
/// epoch milliseconds; the error says what the text should look like.
pub fn parse_utc(text: &str) -> Result<i64, String> {
    let hint = || {
        format!(
            "`{}` is not a date and time like 2026-11-22 14:05 (UTC)",
            text.trim()
        )
    };
    let text = text
        .trim()
        .trim_end_matches("UTC")
        .trim()
        .trim_end_matches('Z');
    let (date, time) = text.split_once([' ', 'T']).ok_or_else(hint)?;
    let num = |s: &str| s.trim().parse::<i64>().map_err(|_| hint());
    let d: Vec<&str> = date.split('-').collect();
    let t: Vec<&str> = time.trim().split(':').collect();
    if d.len() != 3 || !(2..=3).contains(&t.len()) {
        return Err(hint());
    }
    let (y, m, day) = (num(d[0])?, num(d[1])?, num(d[2])?);
    let (h, min) = (num(t[0])?, num(t[1])?);
    let sec = if t.len() == 3 { num(t[2])? } else { 0 };
    let valid = (1..=12).contains(&m)
        && (1..=31).contains(&day)
        && (0..24).contains(&h)
        && (0..60).contains(&min)
        && (0..60).contains(&sec);
    if !valid {
        return Err(hint());
    }
    let days = days_from_civil(y, m, day);
    // 31 February and friends come back as another date: refuse them.
    if civil_from_days(days) != (y, m as u32, day as u32) {
        return Err(hint());
    }
    Ok(((days * 86_400) + h * 3600 + min * 60 + sec) * 1000)
}

/// (year, month, day) to days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    #[test]
    #[allow(clippy::unwrap_used)]
    fn parses_what_it_formats() {
        for instant in [0, 951_782_400_000, 1_795_356_300_000, 1_795_356_309_000] {
            let text = format_utc(instant);
            assert_eq!(parse_utc(&text), Ok(instant), "{text}");
        }
        assert_eq!(parse_utc("2026-11-22T14:05"), Ok(1_795_356_300_000));
        for bad in [
            "",
            "tomorrow",
            "2026-02-30 10:00",
            "2026-11-22 25:00",
            "2026-11-22",
        ] {
            assert!(
                parse_utc(bad)
                    .unwrap_err()
                    .contains("like 2026-11-22 14:05"),
                "{bad}"
            );
        }
        assert_eq!(describe_seconds(300), "5 minutes");
        assert_eq!(describe_seconds(3600), "1 hour");
        assert_eq!(describe_seconds(90), "90 seconds");
    }

    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(1_795_356_309_000), "2026-11-22 14:05:09 UTC");
        assert_eq!(format_utc(-1000), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn relative_hints() {
        let now = 1_000_000_000_000;
        assert_eq!(relative(now + 10_000, now), "just now");
        assert_eq!(
            relative(now + (2 * 3600 + 600) * 1000, now),
            "in 2 h 10 min"
        );
        assert_eq!(relative(now - 180_000, now), "3 min ago");
        assert_eq!(relative(now + 3 * 86_400_000, now), "in 3 days");
        assert_eq!(relative(now - 3600 * 1000, now), "1 h ago");
    }
}
