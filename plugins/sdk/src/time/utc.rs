//! Instants in UTC as text: formatting (`2026-11-22 14:05:09 UTC`, RFC 3339 and the API's
//! format), relative hints and durations, and reading typed UTC times and RFC 3339 instants
//! back, each refusal saying what the text should look like.

use super::calendar::{civil_from_days, days_from_civil};

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

/// Reads an RFC 3339 instant as the API takes it — `2026-12-01T18:00:00Z`,
/// `2026-12-01T19:00:00.250+01:00` — into epoch milliseconds UTC. The error says what to send.
pub fn parse_rfc3339(text: &str) -> Result<i64, String> {
    let hint = || {
        format!(
            "`{}` is not an RFC 3339 instant like 2026-12-01T18:00:00Z (or with an offset, +01:00)",
            text.trim()
        )
    };
    let text = text.trim();
    let (date, rest) = text.split_once(['T', 't', ' ']).ok_or_else(hint)?;
    // The offset: `Z`, or the last `+`/`-` in the time part.
    let (clock, offset_secs) = if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else {
        let at = rest.rfind(['+', '-']).ok_or_else(hint)?;
        let (clock, offset) = rest.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (h, m) = offset[1..].split_once(':').ok_or_else(hint)?;
        let (h, m) = (
            h.parse::<i64>().map_err(|_| hint())?,
            m.parse::<i64>().map_err(|_| hint())?,
        );
        if h > 23 || m > 59 {
            return Err(hint());
        }
        (clock, sign * (h * 3600 + m * 60))
    };
    let (whole, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    if whole.split(':').count() != 3 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(hint());
    }
    let base = parse_utc(&format!("{date}T{whole}")).map_err(|_| hint())?;
    let digits: String = fraction.chars().take(3).collect();
    let ms = if digits.is_empty() {
        0
    } else {
        format!("{digits:0<3}").parse::<i64>().map_err(|_| hint())?
    };
    Ok(base + ms - offset_secs * 1000)
}

/// `2026-11-22T14:05:09Z`, for `<time datetime>`.
pub fn rfc3339_utc(epoch_ms: i64) -> String {
    let text = format_utc(epoch_ms);
    format!("{}Z", text.trim_end_matches(" UTC").replacen(' ', "T", 1))
}

/// The API's one time format: `2026-11-22T14:05:09Z`, or `2026-11-22T14:05:09.250Z` when the
/// instant has milliseconds, so what the server sends reads back to the same instant.
pub fn api_instant(epoch_ms: i64) -> String {
    let millis = epoch_ms.rem_euclid(1000);
    let seconds = rfc3339_utc(epoch_ms);
    if millis == 0 {
        seconds
    } else {
        format!("{}.{millis:03}Z", seconds.trim_end_matches('Z'))
    }
}
