//! Encodings as racetime.gg (Django) writes and reads them: url-encoded forms and queries,
//! bearer and Basic credentials, timestamps, durations, timers and ordinals, and the bare
//! answers (empty, HTML 404) its views give.

use std::collections::BTreeMap;

use axum::{
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use rand::Rng;

/// The first value of `key` in a url-encoded body (the account-link path reads it this way).
pub(super) fn form_value(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| {
            let v = v.replace('+', " ");
            percent_decode(&v)
        })
    })
}

/// A url-encoded body or query as a map; a repeated key keeps its last value, as Django's
/// `QueryDict.get` does.
pub(super) fn parse_form(text: &str) -> BTreeMap<String, String> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The token of an `Authorization: Bearer …` header.
pub(super) fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

/// The client id and secret of an `Authorization: Basic …` header (each percent-decoded, as
/// oauthlib reads them).
pub(super) fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(base64_decode(encoded.trim())?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((percent_decode(id), percent_decode(secret)))
}

/// Standard base64 (padding optional); `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

pub(super) fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub(super) fn now_ms() -> i64 {
    now_us() / 1000
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's civil-from-days).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn date_time(secs: i64) -> String {
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// A timestamp in a JSON body, as `DjangoJSONEncoder` writes it: milliseconds and `Z`
/// (`2025-05-01T18:00:00.123Z`), no fraction when the time is on a whole second.
pub(super) fn iso_ms(ms: i64) -> String {
    let frac = ms.rem_euclid(1000);
    let base = date_time(ms.div_euclid(1000));
    if frac == 0 {
        format!("{base}Z")
    } else {
        format!("{base}.{frac:03}Z")
    }
}

/// A frame's `date` or a message's `posted_at`, as Python's `isoformat()` writes it:
/// microseconds and `+00:00` (`2025-05-01T18:20:00.004512+00:00`), no fraction on a whole second.
pub(super) fn iso_us(us: i64) -> String {
    let frac = us.rem_euclid(1_000_000);
    let base = date_time(us.div_euclid(1_000_000));
    if frac == 0 {
        format!("{base}+00:00")
    } else {
        format!("{base}.{frac:06}+00:00")
    }
}

/// A duration as Django serializes one: `P0DT00H00M15S`, `P0DT01H32M07.412000S`,
/// `P1DT00H00M00S`.
pub(super) fn duration_iso(ms: i64) -> String {
    let (sign, ms) = if ms < 0 { ("-", -ms) } else { ("", ms) };
    let secs = ms / 1000;
    let micros = ms % 1000 * 1000;
    let frac = if micros == 0 {
        String::new()
    } else {
        format!(".{micros:06}")
    };
    format!(
        "{sign}P{}DT{:02}H{:02}M{:02}{frac}S",
        secs / 86_400,
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}

/// A race timer as the site's chat writes it: `1:32:07`, or `1:32:07.4` with deciseconds.
pub(super) fn timer(ms: i64, deciseconds: bool) -> String {
    let ms = ms.max(0);
    let secs = ms / 1000;
    let base = format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if deciseconds {
        // Python: min(round(microseconds / 100000), 9).
        let tenth = ((ms % 1000) as f64 / 100.0).round().min(9.0) as i64;
        format!("{base}.{tenth}")
    } else {
        base
    }
}

/// 1st, 2nd, 3rd, 4th, 11th, 21st …
pub(super) fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A number of seconds as Python prints a `timedelta`: `0:00:10`, `1 day, 0:00:00`,
/// `3 days, 0:00:00` (the range errors of the room form quote limits this way).
pub(super) fn python_timedelta(secs: i64) -> String {
    let days = secs / 86_400;
    let rest = secs % 86_400;
    let clock = format!("{}:{:02}:{:02}", rest / 3600, rest / 60 % 60, rest % 60);
    match days {
        0 => clock,
        1 => format!("1 day, {clock}"),
        n => format!("{n} days, {clock}"),
    }
}

/// A message without its `##style##text##` markers (the site's `message_plain`).
pub(super) fn plain(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find("##") {
        let after = &rest[start + 2..];
        let styled = after.find("##").and_then(|style_end| {
            let style = &after[..style_end];
            let text_start = style_end + 2;
            let text_len = after[text_start..].find("##")?;
            let ok = !style.is_empty()
                && style.chars().all(|c| c.is_alphanumeric() || c == '_')
                && text_len > 0;
            ok.then_some((text_start, text_len))
        });
        match styled {
            Some((text_start, text_len)) => {
                out.push_str(&rest[..start]);
                out.push_str(&after[text_start..text_start + text_len]);
                rest = &after[text_start + text_len + 2..];
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A hashid-like id: 16 letters and digits.
pub(super) fn hashid() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// A room slug the site's way: `adjective-noun-NNNN`.
pub(super) fn room_slug() -> String {
    const ADJECTIVES: &[&str] = &[
        "clever",
        "lucky",
        "speedy",
        "sleepy",
        "daring",
        "crafty",
        "mysterious",
        "odd",
        "brave",
        "quiet",
    ];
    const NOUNS: &[&str] = &[
        "link", "zelda", "ganon", "sheik", "epona", "navi", "kirby", "samus", "mario", "yoshi",
    ];
    let mut rng = rand::thread_rng();
    format!(
        "{}-{}-{:04}",
        ADJECTIVES[rng.gen_range(0..ADJECTIVES.len())],
        NOUNS[rng.gen_range(0..NOUNS.len())],
        rng.gen_range(1..=9999)
    )
}

/// A status with an empty body (the site's bare 403s, the edit's 200).
pub(super) fn empty(status: StatusCode) -> Response {
    status.into_response()
}

/// Django's 404 page: HTML, not JSON.
pub(super) fn html_404() -> Response {
    html(
        StatusCode::NOT_FOUND,
        "<!doctype html><html><head><title>Not Found</title></head><body><h1>Not Found</h1>\
         <p>The requested resource was not found on this server.</p></body></html>",
    )
}

pub(super) fn html(status: StatusCode, body: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_durations_read_like_djangos() {
        assert_eq!(iso_ms(1_746_122_400_123), "2025-05-01T18:00:00.123Z");
        assert_eq!(iso_ms(1_746_122_400_000), "2025-05-01T18:00:00Z");
        assert_eq!(
            iso_us(1_746_123_600_004_512),
            "2025-05-01T18:20:00.004512+00:00"
        );
        assert_eq!(duration_iso(15_000), "P0DT00H00M15S");
        assert_eq!(duration_iso(24 * 3_600_000), "P1DT00H00M00S");
        assert_eq!(duration_iso(5_527_412), "P0DT01H32M07.412000S");
        assert_eq!(timer(5_527_412, false), "1:32:07");
        assert_eq!(timer(5_527_412, true), "1:32:07.4");
        assert_eq!(python_timedelta(10), "0:00:10");
        assert_eq!(python_timedelta(72 * 3600), "3 days, 0:00:00");
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(22), "22nd");
    }

    #[test]
    fn forms_markup_and_basic_auth_decode() {
        let form = parse_form("goal=Beat+the+game&info_user=a%26b&x=1&x=2&flag");
        assert_eq!(form["goal"], "Beat the game");
        assert_eq!(form["info_user"], "a&b");
        assert_eq!(form["x"], "2");
        assert_eq!(form["flag"], "");
        assert_eq!(
            plain("Alice has ##good##finished## in 1st"),
            "Alice has finished in 1st"
        );
        assert_eq!(plain("a ## b"), "a ## b");
        let mut headers = HeaderMap::new();
        // "bot-id:bot-secret"
        headers.insert(
            header::AUTHORIZATION,
            "Basic Ym90LWlkOmJvdC1zZWNyZXQ=".parse().unwrap(),
        );
        assert_eq!(
            basic(&headers),
            Some(("bot-id".to_string(), "bot-secret".to_string()))
        );
    }
}
