//! Instants as the platform stores them: i64 milliseconds since the Unix epoch, UTC.
//!
//! Formatting here is plain arithmetic so it works the same in the server and in the browser
//! without a date library in the wasm bundle.
//!
//! The pieces: `utc` (UTC text: format, parse, relative hints), [`rfc3339`] (serde for DTOs),
//! `text` ([`TimeText`], a time argument as the client wrote it),
//! `offset` (wall-clock readings at an offset east of UTC, `datetime-local` inputs), `zones`
//! (the viewer's zone, IANA zones on the server and in the browser), `calendar` (the date
//! arithmetic under all of them). Everything is re-exported here, so paths stay `sdk::time::X`.

mod calendar;
mod offset;
pub mod rfc3339;
#[cfg(test)]
mod tests;
mod text;
mod utc;
mod zones;

pub use offset::{
    format_with_offset, local_input_in, offset_label, to_local_input, wall_to_utc, TimeStyle,
};
pub use text::TimeText;
pub use utc::{
    api_instant, describe_seconds, format_utc, parse_rfc3339, parse_utc, relative, rfc3339_utc,
};
pub use zones::{browser_zone, local_input_to_utc, zone_offset, ViewerTimeZone};
#[cfg(feature = "ssr")]
pub use zones::{format_in_zone, offset_in_zone, parse_zone, zone_names};

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
