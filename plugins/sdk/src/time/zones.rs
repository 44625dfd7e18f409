//! Time zones: the viewer's profile zone ([`ViewerTimeZone`]), IANA zones through the tz
//! database on the server (`ssr`) and through the browser's `Intl` in wasm, and the viewer's
//! `datetime-local` input read in their zone. The offsets found here feed `offset`'s formatting
//! and input reading.

#[cfg(target_arch = "wasm32")]
use super::calendar::days_from_civil;
use super::local_input_in;
#[cfg(feature = "ssr")]
use super::{format_with_offset, TimeStyle};

/// The signed-in viewer's profile time zone (IANA name; `None`: the browser's), put in the
/// request's extensions by the server next to the caller so server rendering can use it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewerTimeZone(pub Option<String>);

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
