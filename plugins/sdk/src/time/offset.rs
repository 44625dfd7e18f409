//! Wall-clock readings at a fixed offset east of UTC: labels (`UTC-04:00`), formatting an
//! instant as the viewer's clock shows it ([`TimeStyle`]), and `datetime-local` input values —
//! to them, and back through a zone's offsets ([`wall_to_utc`], which settles on the offset in
//! force across daylight-saving switches). Which offset a zone has is `zones`' job.

use super::{calendar::civil_from_days, parse_utc};

/// Which parts of an instant [`format_with_offset`] shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeStyle {
    /// `2026-03-08 03:30 UTC-04:00`
    #[default]
    DateTime,
    /// `03:30 UTC-04:00`
    Time,
    /// `2026-03-08`
    Date,
}

/// `UTC`, `UTC+05:30`, `UTC-04:00`: the label for an offset east of UTC in seconds.
pub fn offset_label(offset_secs: i32) -> String {
    if offset_secs == 0 {
        return "UTC".to_string();
    }
    let sign = if offset_secs < 0 { '-' } else { '+' };
    let abs = offset_secs.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
}

/// The wall-clock reading of `epoch_ms` at `offset_secs` east of UTC, labelled with the offset
/// (`2026-03-08 03:30 UTC-04:00`); the same text on the server and in the browser.
pub fn format_with_offset(epoch_ms: i64, offset_secs: i32, style: TimeStyle) -> String {
    let wall = epoch_ms.div_euclid(1000) + i64::from(offset_secs);
    let (y, m, d) = civil_from_days(wall.div_euclid(86_400));
    let rem = wall.rem_euclid(86_400);
    let date = format!("{y:04}-{m:02}-{d:02}");
    let time = format!("{:02}:{:02}", rem / 3600, (rem % 3600) / 60);
    let label = offset_label(offset_secs);
    match style {
        TimeStyle::DateTime => format!("{date} {time} {label}"),
        TimeStyle::Time => format!("{time} {label}"),
        TimeStyle::Date => date,
    }
}

/// `2026-03-08T03:30`: the value a `datetime-local` input shows for `epoch_ms` at `offset_secs`.
pub fn to_local_input(epoch_ms: i64, offset_secs: i32) -> String {
    let wall = epoch_ms.div_euclid(1000) + i64::from(offset_secs);
    let (y, m, d) = civil_from_days(wall.div_euclid(86_400));
    let rem = wall.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// The UTC instant of a wall-clock reading (`wall_ms`: the reading as if it were UTC) in a zone
/// whose offset at an instant is `offset_at`. Two steps settle on the offset in force at the
/// result, so readings next to a daylight-saving switch come out right; a reading the switch
/// skips (02:30 on a spring-forward night) lands after the gap, as clocks do.
pub fn wall_to_utc(wall_ms: i64, offset_at: impl Fn(i64) -> i32) -> i64 {
    let first = wall_ms - i64::from(offset_at(wall_ms)) * 1000;
    let second = wall_ms - i64::from(offset_at(first)) * 1000;
    if i64::from(offset_at(second)) * 1000 == wall_ms - second {
        second
    } else {
        first
    }
}

/// Reads a `datetime-local` input value (`2026-03-08T02:30`, seconds optional) entered in a zone
/// with offsets `offset_at` as a UTC instant in epoch milliseconds.
pub fn local_input_in(value: &str, offset_at: impl Fn(i64) -> i32) -> Result<i64, String> {
    let text = value.trim();
    if text.is_empty() || text.ends_with('Z') || text.ends_with("UTC") {
        return Err(format!(
            "`{text}` is not a date and time like 2026-11-22T14:05"
        ));
    }
    let wall = parse_utc(text)
        .map_err(|_| format!("`{text}` is not a date and time like 2026-11-22T14:05"))?;
    Ok(wall_to_utc(wall, offset_at))
}
