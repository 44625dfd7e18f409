//! Quiet hours: a window of the user's local day (in their profile's time zone) when nothing
//! is delivered; a message due inside it waits for the window's end. Times of day are minutes
//! after local midnight; a window whose start is after its end crosses midnight (22:00–07:00).
//! The zone enters as `offset_at` (seconds east of UTC at an instant), so the rule stays pure
//! and daylight-saving switches are the caller's tz database's business.

use sdk::Error;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
const DAY_MINUTES: i64 = 1_440;

/// A user's quiet window: start inclusive, end exclusive, minutes after local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start_minute: i64,
    pub end_minute: i64,
}

/// `HH:MM` (24-hour) as minutes after midnight, or an error naming `field`.
pub fn parse_clock(field: &str, text: &str) -> Result<i64, Error> {
    let bad = || {
        Error::invalid(
            field,
            format!("`{}` is not a time of day like 22:30", text.trim()),
        )
    };
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: i64 = h.parse().map_err(|_| bad())?;
    let m: i64 = m.parse().map_err(|_| bad())?;
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Minutes after midnight as `HH:MM`.
pub fn format_clock(minute: i64) -> String {
    let minute = minute.rem_euclid(DAY_MINUTES);
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The quiet window from the settings form: both ends or neither (blank = none).
pub fn clean_quiet_hours(
    start: Option<&str>,
    end: Option<&str>,
) -> Result<Option<QuietHours>, Error> {
    let start = start.map(str::trim).filter(|s| !s.is_empty());
    let end = end.map(str::trim).filter(|s| !s.is_empty());
    match (start, end) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::invalid(
            "quiet_end",
            "Give the end of your quiet hours too (or clear both).",
        )),
        (None, Some(_)) => Err(Error::invalid(
            "quiet_start",
            "Give the start of your quiet hours too (or clear both).",
        )),
        (Some(start), Some(end)) => {
            let start_minute = parse_clock("quiet_start", start)?;
            let end_minute = parse_clock("quiet_end", end)?;
            if start_minute == end_minute {
                return Err(Error::invalid(
                    "quiet_end",
                    "Quiet hours must end at another time than they start.",
                ));
            }
            Ok(Some(QuietHours {
                start_minute,
                end_minute,
            }))
        }
    }
}

/// When a message due at `now` may go: `None` now, or the end of the quiet window `now` falls
/// in (the first instant after it, as a UTC epoch ms), in the zone with offsets `offset_at`.
pub fn quiet_until(
    quiet: Option<QuietHours>,
    now: i64,
    offset_at: impl Fn(i64) -> i32,
) -> Option<i64> {
    let quiet = quiet?;
    let (start, end) = (quiet.start_minute, quiet.end_minute);
    if start == end {
        return None;
    }
    let local = now + i64::from(offset_at(now)) * 1000;
    let midnight = local.div_euclid(DAY_MS) * DAY_MS;
    let minute = (local - midnight) / MINUTE_MS;
    let inside = if start < end {
        start <= minute && minute < end
    } else {
        minute >= start || minute < end
    };
    if !inside {
        return None;
    }
    // The window ends today, unless it crosses midnight and we are in its evening part.
    let end_day = if start > end && minute >= start {
        midnight + DAY_MS
    } else {
        midnight
    };
    let until = latest_instant_of(end_day + end * MINUTE_MS, &offset_at);
    (until > now).then_some(until)
}

/// The UTC instant of a local wall-clock reading (`wall`: the reading as if it were UTC). A
/// reading that happens twice (the hour clocks fall back) gives the later instant, so quiet
/// hours never end early; one the clocks skip (spring forward) lands after the gap.
fn latest_instant_of(wall: i64, offset_at: impl Fn(i64) -> i32) -> i64 {
    let candidate = |probe: i64| wall - i64::from(offset_at(probe)) * 1000;
    let first = candidate(wall);
    let second = candidate(first);
    let third = candidate(second);
    let all = [
        first,
        second,
        third,
        candidate(wall - DAY_MS),
        candidate(wall + DAY_MS),
    ];
    let valid = all
        .iter()
        .copied()
        .filter(|t| i64::from(offset_at(*t)) * 1000 == wall - t)
        .max();
    valid.unwrap_or_else(|| all.into_iter().max().unwrap_or(first))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn zone(name: &str) -> impl Fn(i64) -> i32 {
        let tz = sdk::time::parse_zone(name).unwrap();
        move |at| sdk::time::offset_in_zone(&tz, at)
    }

    fn at(text: &str) -> i64 {
        sdk::time::parse_rfc3339(text).unwrap()
    }

    fn window(start: &str, end: &str) -> Option<QuietHours> {
        clean_quiet_hours(Some(start), Some(end)).unwrap()
    }

    #[test]
    fn clock_times_are_checked_and_named() {
        assert_eq!(parse_clock("quiet_start", "22:30").unwrap(), 1350);
        assert_eq!(parse_clock("quiet_start", " 7:05 ").unwrap(), 425);
        assert_eq!(format_clock(425), "07:05");
        for bad in ["24:00", "12:60", "noon", "12", "1:5", "-1:00"] {
            assert_eq!(
                parse_clock("quiet_start", bad).unwrap_err().field(),
                Some("quiet_start"),
                "{bad}"
            );
        }
    }

    #[test]
    fn both_ends_or_neither() {
        assert_eq!(clean_quiet_hours(None, Some(" ")).unwrap(), None);
        assert_eq!(
            clean_quiet_hours(Some("22:00"), None).unwrap_err().field(),
            Some("quiet_end")
        );
        assert_eq!(
            clean_quiet_hours(None, Some("07:00")).unwrap_err().field(),
            Some("quiet_start")
        );
        assert_eq!(
            clean_quiet_hours(Some("07:00"), Some("07:00"))
                .unwrap_err()
                .field(),
            Some("quiet_end")
        );
    }

    #[test]
    fn outside_the_window_nothing_waits() {
        let utc = |_| 0;
        assert_eq!(quiet_until(None, at("2026-05-01T03:00:00Z"), utc), None);
        let day = window("09:00", "17:00");
        assert_eq!(quiet_until(day, at("2026-05-01T08:59:00Z"), utc), None);
        assert_eq!(quiet_until(day, at("2026-05-01T17:00:00Z"), utc), None);
        assert_eq!(
            quiet_until(day, at("2026-05-01T09:00:00Z"), utc),
            Some(at("2026-05-01T17:00:00Z"))
        );
    }

    #[test]
    fn a_window_across_midnight_ends_the_next_morning_in_the_users_zone() {
        // New York in May is UTC-4: 23:30 local is 03:30 UTC the next day.
        let ny = zone("America/New_York");
        let night = window("22:00", "07:00");
        assert_eq!(
            quiet_until(night, at("2026-05-02T03:30:00Z"), &ny),
            Some(at("2026-05-02T11:00:00Z"))
        );
        // 01:00 local, after midnight: the same morning.
        assert_eq!(
            quiet_until(night, at("2026-05-02T05:00:00Z"), &ny),
            Some(at("2026-05-02T11:00:00Z"))
        );
        // 21:59 local is not quiet yet; 07:00 local is over.
        assert_eq!(quiet_until(night, at("2026-05-02T01:59:00Z"), &ny), None);
        assert_eq!(quiet_until(night, at("2026-05-02T11:00:00Z"), &ny), None);
    }

    #[test]
    fn daylight_saving_switches_move_the_end_in_utc() {
        let berlin = zone("Europe/Berlin");
        // Spring forward on 2026-03-29: 02:00 CET becomes 03:00 CEST. 01:30 CET (00:30 UTC)
        // is inside 01:00–04:00, which ends at 04:00 CEST = 02:00 UTC (two hours later, not
        // two and a half).
        assert_eq!(
            quiet_until(
                window("01:00", "04:00"),
                at("2026-03-29T00:30:00Z"),
                &berlin
            ),
            Some(at("2026-03-29T02:00:00Z"))
        );
        // A window ending inside the skipped hour (02:30 never shows) ends after the gap, at
        // 03:30 CEST.
        assert_eq!(
            quiet_until(
                window("01:00", "02:30"),
                at("2026-03-29T00:30:00Z"),
                &berlin
            ),
            Some(at("2026-03-29T01:30:00Z"))
        );
        // Fall back on 2026-10-25: 03:00 CEST becomes 02:00 CET. 23:00 CEST (21:00 UTC) is
        // inside 22:00–06:00, which ends at 06:00 CET = 05:00 UTC.
        assert_eq!(
            quiet_until(
                window("22:00", "06:00"),
                at("2026-10-24T21:00:00Z"),
                &berlin
            ),
            Some(at("2026-10-25T05:00:00Z"))
        );
        // 02:30 happens twice that night (00:30 UTC in CEST, 01:30 UTC in CET): the later.
        assert_eq!(
            quiet_until(
                window("22:00", "02:30"),
                at("2026-10-24T21:00:00Z"),
                &berlin
            ),
            Some(at("2026-10-25T01:30:00Z"))
        );
    }
}
