//! The time functions on known instants, zones across daylight-saving switches, and serde.

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
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
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
