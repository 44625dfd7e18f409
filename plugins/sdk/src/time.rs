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

/// The signed-in viewer's profile time zone (IANA name; `None`: the browser's), put in the
/// request's extensions by the server next to the caller so server rendering can use it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewerTimeZone(pub Option<String>);

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

/// An instant as a client sends it in a server function's argument: RFC 3339 text, checked by
/// [`crate::input::optional_instant`] so a malformed one is an error naming its field (a typed
/// instant would fail while the body is read, naming no field). Documented as a `date-time`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct TimeText(pub String);

impl TimeText {
    /// The text for `epoch_ms`, as the API writes instants.
    pub fn of(epoch_ms: i64) -> Self {
        Self(api_instant(epoch_ms))
    }
}

impl std::ops::Deref for TimeText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for TimeText {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl schemars::JsonSchema for TimeText {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TimeText".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        crate::openapi::date_time(generator)
    }
}

/// Serde for instants in DTOs: epoch milliseconds in Rust, an RFC 3339 UTC string on the wire
/// (see [`api_instant`]); reading accepts any RFC 3339 offset. Use
/// `#[serde(with = "sdk::time::rfc3339")]`, or `sdk::time::rfc3339::option` for `Option<i64>`.
pub mod rfc3339 {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(epoch_ms: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::api_instant(*epoch_ms))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::parse_rfc3339(&text).map_err(D::Error::custom)
    }

    /// The same for an optional instant (`null` when absent).
    pub mod option {
        use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(
            epoch_ms: &Option<i64>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match epoch_ms {
                Some(ms) => serializer.serialize_str(&super::super::api_instant(*ms)),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<i64>, D::Error> {
            match Option::<String>::deserialize(deserializer)? {
                Some(text) => super::super::parse_rfc3339(&text)
                    .map(Some)
                    .map_err(D::Error::custom),
                None => Ok(None),
            }
        }
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

/// Checks an IANA time-zone name (`Europe/Berlin`) against the tz database.
#[cfg(feature = "ssr")]
pub fn parse_zone(name: &str) -> Result<chrono_tz::Tz, crate::Error> {
    name.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        crate::Error::invalid(
            "time_zone",
            format!(
                "`{}` is not a known time zone; pick one from the list (like Europe/Berlin)",
                name.trim()
            ),
        )
    })
}

/// Every IANA zone name the server knows, sorted, for the profile's select.
#[cfg(feature = "ssr")]
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_string())
        .collect();
    names.sort();
    names
}

/// Seconds east of UTC in force in `zone` at `epoch_ms` (tz database on the server).
#[cfg(feature = "ssr")]
pub fn offset_in_zone(zone: &chrono_tz::Tz, epoch_ms: i64) -> i32 {
    use chrono::{Offset, TimeZone};
    match chrono::DateTime::from_timestamp_millis(epoch_ms) {
        Some(utc) => zone
            .offset_from_utc_datetime(&utc.naive_utc())
            .fix()
            .local_minus_utc(),
        None => 0,
    }
}

/// `epoch_ms` in the IANA zone `tz` (`2026-03-08 03:30 UTC-04:00`); an unknown zone name shows
/// UTC (names are checked when they are saved).
#[cfg(feature = "ssr")]
pub fn format_in_zone(epoch_ms: i64, tz: &str, style: TimeStyle) -> String {
    let offset = parse_zone(tz).map_or(0, |zone| offset_in_zone(&zone, epoch_ms));
    format_with_offset(epoch_ms, offset, style)
}

/// Seconds east of UTC in `zone` at `epoch_ms`, where this build can tell: the tz database on
/// the server, the browser's `Intl` in wasm (`None` zone: the browser's own). `None` when the
/// zone is unknown here.
pub fn zone_offset(zone: Option<&str>, epoch_ms: i64) -> Option<i32> {
    #[cfg(target_arch = "wasm32")]
    {
        match zone {
            Some(zone) => browser::offset_in(zone, epoch_ms),
            None => Some(browser::local_offset(epoch_ms)),
        }
    }
    #[cfg(all(not(target_arch = "wasm32"), feature = "ssr"))]
    {
        let zone = parse_zone(zone?).ok()?;
        Some(offset_in_zone(&zone, epoch_ms))
    }
    #[cfg(all(not(target_arch = "wasm32"), not(feature = "ssr")))]
    {
        let _ = (zone, epoch_ms);
        None
    }
}

/// The browser's IANA zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`); `None` outside
/// the browser.
pub fn browser_zone() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        browser::zone()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// A `datetime-local` value entered by the viewer as UTC epoch ms: in `zone` (their profile's)
/// or, when `None`, the browser's own zone (the server, with no browser, reads UTC).
pub fn local_input_to_utc(value: &str, zone: Option<&str>) -> Result<i64, String> {
    local_input_in(value, |at| zone_offset(zone, at).unwrap_or(0))
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use js_sys::{Array, Date, Object, Reflect};
    use wasm_bindgen::JsValue;

    /// The browser's offset in seconds east of UTC at `epoch_ms` (`Date#getTimezoneOffset`).
    pub fn local_offset(epoch_ms: i64) -> i32 {
        let date = Date::new(&JsValue::from_f64(epoch_ms as f64));
        (-date.get_timezone_offset() * 60.0) as i32
    }

    fn intl_formatter(options: &Object) -> Option<js_sys::Intl::DateTimeFormat> {
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let ctor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.into();
        let args = Array::of2(&Array::of1(&"en-US".into()), options);
        // A constructor call that may throw (RangeError for an unknown zone).
        Reflect::construct(&ctor, &args).ok().map(Into::into)
    }

    pub fn zone() -> Option<String> {
        let formatter = intl_formatter(&Object::new())?;
        Reflect::get(&formatter.resolved_options(), &"timeZone".into())
            .ok()?
            .as_string()
    }

    /// The offset of IANA `zone` at `epoch_ms`, from the wall-clock parts `Intl` gives for it.
    pub fn offset_in(zone: &str, epoch_ms: i64) -> Option<i32> {
        let options = Object::new();
        let set = |k: &str, v: &str| Reflect::set(&options, &k.into(), &v.into()).ok();
        set("timeZone", zone)?;
        set("hourCycle", "h23")?;
        for key in ["year", "month", "day", "hour", "minute", "second"] {
            set(key, "numeric")?;
        }
        let formatter = intl_formatter(&options)?;
        let date = Date::new(&JsValue::from_f64(epoch_ms as f64));
        let parts = formatter.format_to_parts(&date);
        let mut fields = [0i64; 6];
        for part in parts.iter() {
            let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
            let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
            let slot = match kind.as_str() {
                "year" => 0,
                "month" => 1,
                "day" => 2,
                "hour" => 3,
                "minute" => 4,
                "second" => 5,
                _ => continue,
            };
            fields[slot] = value.parse().ok()?;
        }
        let [y, mo, d, h, mi, s] = fields;
        let wall = super::days_from_civil(y, mo, d) * 86_400 + (h % 24) * 3600 + mi * 60 + s;
        Some((wall - epoch_ms.div_euclid(1000)) as i32)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_with_zulu_offsets_and_fractions() {
        use super::{parse_rfc3339, rfc3339_utc};
        let t = 1_795_356_309_000;
        assert_eq!(parse_rfc3339(&rfc3339_utc(t)), Ok(t));
        assert_eq!(parse_rfc3339("2026-11-22T14:05:09.25Z"), Ok(t + 250));
        assert_eq!(parse_rfc3339("2026-11-22T15:05:09+01:00"), Ok(t));
        assert_eq!(parse_rfc3339("2026-11-22T09:35:09-04:30"), Ok(t));
        for bad in [
            "2026-11-22",
            "2026-11-22T14:05Z",
            "tomorrow",
            "2026-11-22T14:05:09",
            "2026-02-30T00:00:00Z",
        ] {
            let error = parse_rfc3339(bad).unwrap_err();
            assert!(error.contains("RFC 3339"), "{bad}: {error}");
        }
    }

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

    /// 2026-03-08 07:30 UTC: 30 minutes after New York springs forward (07:00 UTC, 02:00 EST).
    const DST_DAY: i64 = 1_772_955_000_000;

    #[test]
    fn formats_a_fixed_instant_in_zones() {
        assert_eq!(format_utc(DST_DAY), "2026-03-08 07:30:00 UTC");
        assert_eq!(
            format_with_offset(DST_DAY, 0, TimeStyle::DateTime),
            "2026-03-08 07:30 UTC"
        );
        assert_eq!(
            format_with_offset(DST_DAY, 19_800, TimeStyle::Time),
            "13:00 UTC+05:30"
        );
        assert_eq!(
            format_with_offset(DST_DAY, -18_000, TimeStyle::Date),
            "2026-03-08"
        );
        assert_eq!(rfc3339_utc(DST_DAY), "2026-03-08T07:30:00Z");
        assert_eq!(to_local_input(DST_DAY, 3600), "2026-03-08T08:30");
    }

    #[test]
    fn wall_to_utc_with_fixed_offsets() {
        // Kolkata has no DST: 13:00 there is 07:30 UTC.
        let wall = parse_utc("2026-03-08T13:00").unwrap_or_default();
        assert_eq!(wall_to_utc(wall, |_| 19_800), DST_DAY);
        assert_eq!(local_input_in("2026-03-08T13:00", |_| 19_800), Ok(DST_DAY));
        assert!(local_input_in("soon", |_| 0).is_err());
        assert!(local_input_in("2026-03-08T13:00Z", |_| 0).is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn formats_in_iana_zones_across_dst() {
        // An hour earlier New York was on EST (-05:00): 01:30.
        assert_eq!(
            format_in_zone(DST_DAY - 3_600_000, "America/New_York", TimeStyle::DateTime),
            "2026-03-08 01:30 UTC-05:00"
        );
        // An hour later clocks read 03:30 EDT: 02:00-03:00 never happened there.
        assert_eq!(
            format_in_zone(DST_DAY, "America/New_York", TimeStyle::DateTime),
            "2026-03-08 03:30 UTC-04:00"
        );
        assert_eq!(
            format_in_zone(DST_DAY, "Europe/Berlin", TimeStyle::DateTime),
            "2026-03-08 08:30 UTC+01:00"
        );
        // Berlin in summer: +02:00.
        assert_eq!(
            format_in_zone(1_783_159_200_000, "Europe/Berlin", TimeStyle::Time),
            "12:00 UTC+02:00"
        );
        assert_eq!(
            format_in_zone(DST_DAY, "Asia/Kolkata", TimeStyle::DateTime),
            "2026-03-08 13:00 UTC+05:30"
        );
        assert_eq!(
            format_in_zone(DST_DAY, "Mars/Olympus", TimeStyle::DateTime),
            "2026-03-08 07:30 UTC"
        );
        let err = parse_zone("Mars/Olympus").unwrap_err();
        assert_eq!(err.field(), Some("time_zone"));
        assert!(zone_names().iter().any(|n| n == "Asia/Kolkata"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn local_inputs_in_iana_zones() {
        let ny = |at| zone_offset(Some("America/New_York"), at).unwrap_or(99);
        // 01:30 EST = 06:30 UTC; 04:30 EDT = 08:30 UTC; 02:30 is skipped and lands after the gap.
        assert_eq!(
            local_input_in("2026-03-08T01:30", ny),
            Ok(DST_DAY - 3_600_000)
        );
        assert_eq!(
            local_input_in("2026-03-08T04:30", ny),
            Ok(DST_DAY + 3_600_000)
        );
        let skipped = local_input_in("2026-03-08T02:30", ny).unwrap_or_default();
        assert_eq!(
            format_in_zone(skipped, "America/New_York", TimeStyle::Time),
            "03:30 UTC-04:00"
        );
        // November's repeated hour 01:30 resolves to one of its two instants.
        let back = local_input_in("2026-11-01T01:30", ny).unwrap_or_default();
        assert!(format_in_zone(back, "America/New_York", TimeStyle::Time).starts_with("01:30"));
        assert_eq!(
            local_input_to_utc("2026-03-08T08:30", Some("Europe/Berlin")),
            Ok(DST_DAY)
        );
        assert_eq!(
            local_input_to_utc("2026-03-08T13:00", Some("Asia/Kolkata")),
            Ok(DST_DAY)
        );
    }

    #[test]
    fn api_instants_round_trip_through_serde() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug, schemars::JsonSchema)]
        struct Dto {
            #[serde(with = "super::rfc3339")]
            at: i64,
            #[serde(with = "super::rfc3339::option", default)]
            until: Option<i64>,
        }
        for at in [0, 1_764_892_800_000, 1_764_892_800_250, -1_500] {
            let dto = Dto {
                at,
                until: Some(at + 1),
            };
            let json = serde_json::to_string(&dto).unwrap();
            assert!(json.contains('Z'), "{json}");
            assert_eq!(serde_json::from_str::<Dto>(&json).unwrap(), dto, "{json}");
        }
        assert_eq!(
            super::api_instant(1_764_892_800_250),
            "2025-12-05T00:00:00.250Z"
        );
        let none = serde_json::to_string(&Dto { at: 0, until: None }).unwrap();
        assert_eq!(none, r#"{"at":"1970-01-01T00:00:00Z","until":null}"#);
        let offset: Dto = serde_json::from_str(r#"{"at":"2025-12-05T01:00:00+01:00"}"#).unwrap();
        assert_eq!(offset.at, 1_764_892_800_000);
        let wrong = serde_json::from_str::<Dto>(r#"{"at":"yesterday"}"#).unwrap_err();
        assert!(wrong.to_string().contains("RFC 3339"), "{wrong}");
    }
}
