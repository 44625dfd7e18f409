//! iCalendar (RFC 5545) text for the calendar feeds: escaping, line folding at 75 octets and CRLF
//! line ends, so Google Calendar, Outlook and Apple Calendar read what we write. Instants are
//! written in UTC (`…Z`), so no time-zone definitions are needed.

/// One event of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across refreshes, so calendar apps update the event instead of adding another.
    pub uid: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub summary: String,
    pub description: String,
    pub url: String,
    pub location: Option<String>,
    pub cancelled: bool,
}

/// `20261122T140509Z`
fn stamp(epoch_ms: i64) -> String {
    sdk::time::rfc3339_utc(epoch_ms).replace(['-', ':'], "")
}

/// TEXT escaping: backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line to at most 75 octets per line (continuations start with a space),
/// never splitting a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// A whole calendar named `name` with `events`.
pub fn calendar(name: &str, events: &[CalendarEvent]) -> String {
    let mut out = String::new();
    let mut line = |text: String| fold(&text, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//SahaBot//Tournament schedule//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    line("REFRESH-INTERVAL;VALUE=DURATION:PT1H".into());
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&e.uid)));
        line(format!("DTSTAMP:{}", stamp(sdk::time::now_ms())));
        line(format!("DTSTART:{}", stamp(e.start_ms)));
        line(format!("DTEND:{}", stamp(e.end_ms)));
        line(format!("SUMMARY:{}", escape(&e.summary)));
        if !e.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape(&e.description)));
        }
        if let Some(location) = &e.location {
            line(format!("LOCATION:{}", escape(location)));
        }
        line(format!("URL:{}", e.url));
        line(format!(
            "STATUS:{}",
            if e.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_folds_and_ends_lines_with_crlf() {
        let event = CalendarEvent {
            uid: "match-1@sahabot".into(),
            start_ms: 1_795_356_300_000,
            end_ms: 1_795_363_500_000,
            summary: "Finals; Ada, Bob".into(),
            description: format!("line one\nline two {}", "é".repeat(60)),
            url: "http://localhost/org/1/tournaments/match/1".into(),
            location: None,
            cancelled: false,
        };
        let text = calendar("League, schedule", &[event]);
        assert!(text.contains("SUMMARY:Finals\\; Ada\\, Bob\r\n"));
        assert!(text.contains("DTSTART:20261122T140500Z\r\n"));
        assert!(text.contains("X-WR-CALNAME:League\\, schedule\r\n"));
        assert!(text.contains("line one\\nline two"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
            assert!(!line.contains('\n'));
        }
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }
}
