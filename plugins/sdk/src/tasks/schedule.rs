//! When a task is due: every N seconds, a cron expression, or once at an instant.
//!
//! Cron expressions are read as UTC and take **5 fields** (`minute hour day month weekday`, what
//! a crontab line starts with) or **6 fields** with seconds first (`second minute hour day month
//! weekday`). `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly` and names such as `MON` or
//! `JAN` work as in crontab. A pasted crontab line that still carries its command is refused with
//! a message saying to keep only the schedule.
//!
//! Due times are computed from the stored schedule, never from when an instance woke up, so every
//! instance agrees on them — that is what makes the (task, due time) claim work.

use chrono::{DateTime, TimeZone, Utc};
use croner::{
    parser::{CronParser, Seconds, Year},
    Cron,
};

use super::model::{Schedule, MIN_INTERVAL_SECONDS, MIN_ORG_INTERVAL_SECONDS};
use crate::Error;

impl Schedule {
    /// Checks the schedule; the error names the field to fix.
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Schedule::Interval { seconds } if *seconds < MIN_INTERVAL_SECONDS => {
                Err(Error::invalid(
                    "interval_seconds",
                    "The interval must be at least 1 second.",
                ))
            }
            Schedule::Interval { .. } => Ok(()),
            Schedule::Cron { expression } => parse_cron(expression).map(|_| ()),
            Schedule::Once { .. } => Ok(()),
        }
    }

    /// Checks an organization task's schedule: valid, and due at most once a minute — an
    /// interval of at least [`MIN_ORG_INTERVAL_SECONDS`], a cron expression whose seconds field
    /// (when it has one) is a single second (5 fields and `@hourly`… fire at most once a
    /// minute already).
    pub fn validate_for_organization(&self) -> Result<(), Error> {
        if !matches!(self, Schedule::Interval { .. }) {
            self.validate()?;
        }
        match self {
            Schedule::Interval { seconds } if *seconds < MIN_ORG_INTERVAL_SECONDS => {
                Err(Error::invalid(
                    "interval_seconds",
                    format!(
                        "The interval must be at least {MIN_ORG_INTERVAL_SECONDS} seconds (1 \
                         minute): organization tasks run at most once a minute."
                    ),
                ))
            }
            Schedule::Cron { expression } => {
                let expression = expression.trim();
                let fields: Vec<&str> = expression.split_whitespace().collect();
                let once_a_minute = expression.starts_with('@')
                    || fields.len() != 6
                    || fields[0].parse::<u8>().is_ok_and(|s| s < 60);
                if once_a_minute {
                    Ok(())
                } else {
                    Err(cron_error(format!(
                        "`{expression}` runs more than once a minute; organization tasks run at \
                         most once a minute. Use 5 fields (minute hour day month weekday), or \
                         give the seconds field a single second such as `0`."
                    )))
                }
            }
            _ => Ok(()),
        }
    }

    /// The first due time after `now` for a task that has not run yet: an interval task first
    /// runs one interval from now, a cron task at its next matching second, a one-time task at its
    /// instant (even when that is already past: it still runs once).
    pub fn first_due(&self, now: i64) -> Result<Option<i64>, Error> {
        match self {
            Schedule::Interval { seconds } => Ok(Some(now + seconds * 1000)),
            Schedule::Cron { expression } => next_cron(&parse_cron(expression)?, now).map(Some),
            Schedule::Once { at } => Ok(Some(*at)),
        }
    }

    /// The due time after a run that was due at `due` finished or failed, with the clock at
    /// `now`: the next slot of the schedule strictly after `now` (missed slots are skipped, never
    /// run in a burst). One-time tasks have none.
    pub fn next_due(&self, due: i64, now: i64) -> Result<Option<i64>, Error> {
        match self {
            Schedule::Interval { seconds } => {
                let step = seconds.max(&MIN_INTERVAL_SECONDS) * 1000;
                if now < due {
                    return Ok(Some(due + step));
                }
                let missed = (now - due) / step;
                Ok(Some(due + (missed + 1) * step))
            }
            Schedule::Cron { expression } => {
                next_cron(&parse_cron(expression)?, now.max(due)).map(Some)
            }
            Schedule::Once { .. } => Ok(None),
        }
    }
}

/// Parses a 5- or 6-field cron expression (see the module docs) with an error a user can act on.
pub fn parse_cron(expression: &str) -> Result<Cron, Error> {
    let expression = expression.trim();
    if expression.is_empty() {
        return Err(cron_error(
            "Enter a cron expression such as `*/5 * * * *` (every 5 minutes).",
        ));
    }
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if !expression.starts_with('@') && fields.len() > 6 {
        return Err(cron_error(format!(
            "`{expression}` has {} fields. Use 5 (minute hour day month weekday) or 6 (second \
             minute hour day month weekday); if you pasted a crontab line, keep only the schedule, \
             not the command.",
            fields.len()
        )));
    }
    if !expression.starts_with('@') && fields.len() < 5 {
        return Err(cron_error(format!(
            "`{expression}` has {} field{}. Use 5 (minute hour day month weekday) or 6 (second \
             minute hour day month weekday), e.g. `0 3 * * *` for 03:00 UTC every day.",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        )));
    }
    if fields.len() == 6 && fields[5].starts_with('/') {
        return Err(cron_error(
            "This looks like a crontab line with its command. Keep only the schedule fields.",
        ));
    }
    let parser = CronParser::builder()
        .seconds(Seconds::Optional)
        .year(Year::Disallowed)
        .build();
    let cron = parser.parse(expression).map_err(|e| {
        cron_error(format!(
            "`{expression}` is not a valid cron expression ({}). Fields: [second] minute hour day \
             month weekday, in UTC.",
            describe_cron_error(&e)
        ))
    })?;
    // A pattern that never matches (31 February) is refused now, not at its first run.
    next_cron(&cron, crate::time::now_ms())?;
    Ok(cron)
}

fn describe_cron_error(e: &croner::errors::CronError) -> String {
    use croner::errors::CronError as E;
    match e {
        E::InvalidPattern(m) | E::IllegalCharacters(m) => m.trim_end_matches('.').to_string(),
        E::EmptyPattern => "it is empty".to_string(),
        other => other.to_string(),
    }
}

fn cron_error(message: impl Into<String>) -> Error {
    Error::invalid("cron", message)
}

fn next_cron(cron: &Cron, after_ms: i64) -> Result<i64, Error> {
    let after: DateTime<Utc> = Utc
        .timestamp_millis_opt(after_ms)
        .single()
        .ok_or_else(|| Error::internal(format!("{after_ms} is not a valid instant")))?;
    cron.find_next_occurrence(&after, false)
        .map(|t| t.timestamp_millis())
        .map_err(|_| {
            cron_error("This cron expression never matches a real date (e.g. 31 February).")
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn at(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    #[test]
    fn five_fields_are_crontab_and_six_start_with_seconds() {
        let five = Schedule::Cron {
            expression: "30 3 * * *".into(),
        };
        assert_eq!(
            five.first_due(at("2026-01-01T00:00:00Z")).unwrap(),
            Some(at("2026-01-01T03:30:00Z"))
        );
        let six = Schedule::Cron {
            expression: "15 30 3 * * *".into(),
        };
        assert_eq!(
            six.first_due(at("2026-01-01T00:00:00Z")).unwrap(),
            Some(at("2026-01-01T03:30:15Z"))
        );
        let nick = Schedule::Cron {
            expression: "@hourly".into(),
        };
        assert_eq!(
            nick.first_due(at("2026-01-01T00:10:00Z")).unwrap(),
            Some(at("2026-01-01T01:00:00Z"))
        );
        let names = Schedule::Cron {
            expression: "0 9 * * MON".into(),
        };
        // 2026-01-01 is a Thursday; the next Monday is the 5th.
        assert_eq!(
            names.first_due(at("2026-01-01T00:00:00Z")).unwrap(),
            Some(at("2026-01-05T09:00:00Z"))
        );
    }

    #[test]
    fn cron_errors_say_what_to_write() {
        for (input, expected) in [
            ("", "Enter a cron expression"),
            ("* * *", "has 3 fields. Use 5"),
            ("0 3 * * * /usr/bin/backup --all", "keep only the schedule"),
            ("0 3 * * * /usr/bin/backup", "crontab line with its command"),
            ("61 * * * *", "not a valid cron expression"),
            ("0 0 31 2 *", "never matches"),
        ] {
            let err = Schedule::Cron {
                expression: input.into(),
            }
            .validate()
            .unwrap_err();
            assert_eq!(err.field(), Some("cron"), "{input}");
            assert!(
                err.message().contains(expected),
                "{input}: {}",
                err.message()
            );
        }
        assert!(Schedule::Interval { seconds: 0 }.validate().is_err());
        assert!(Schedule::Cron {
            expression: "*/5 * * * *".into()
        }
        .validate()
        .is_ok());
        assert!(Schedule::Cron {
            expression: "  0 3 * * *\t".into()
        }
        .validate()
        .is_ok());
    }

    #[test]
    fn organization_tasks_run_at_most_once_a_minute() {
        for (schedule, field) in [
            (Schedule::Interval { seconds: 1 }, "interval_seconds"),
            (Schedule::Interval { seconds: 59 }, "interval_seconds"),
            (
                Schedule::Cron {
                    expression: "* * * * * *".into(),
                },
                "cron",
            ),
            (
                Schedule::Cron {
                    expression: "*/5 * * * * *".into(),
                },
                "cron",
            ),
            (
                Schedule::Cron {
                    expression: "0,30 * * * * *".into(),
                },
                "cron",
            ),
        ] {
            let e = schedule.validate_for_organization().unwrap_err();
            assert_eq!(e.field(), Some(field), "{schedule:?}");
            assert!(e.message().contains("once a minute"), "{}", e.message());
            // Plugins' own built-in tasks may still run that often.
            assert!(schedule.validate().is_ok(), "{schedule:?}");
        }
        for schedule in [
            Schedule::Interval { seconds: 60 },
            Schedule::Cron {
                expression: "* * * * *".into(),
            },
            Schedule::Cron {
                expression: "30 * * * * *".into(),
            },
            Schedule::Cron {
                expression: "@hourly".into(),
            },
            Schedule::Once { at: 0 },
        ] {
            assert!(schedule.validate_for_organization().is_ok(), "{schedule:?}");
        }
    }

    #[test]
    fn missed_slots_are_skipped_not_replayed() {
        let every_minute = Schedule::Interval { seconds: 60 };
        let due = at("2026-01-01T00:00:00Z");
        // Finished in time: the next slot.
        assert_eq!(
            every_minute.next_due(due, due + 5_000).unwrap(),
            Some(due + 60_000)
        );
        // The run took 2.5 minutes: the slots at +1 and +2 are gone, the next is +3.
        assert_eq!(
            every_minute.next_due(due, due + 150_000).unwrap(),
            Some(due + 180_000)
        );
        let cron = Schedule::Cron {
            expression: "*/10 * * * *".into(),
        };
        assert_eq!(
            cron.next_due(due, at("2026-01-01T00:25:00Z")).unwrap(),
            Some(at("2026-01-01T00:30:00Z"))
        );
        assert_eq!(Schedule::Once { at: due }.next_due(due, due).unwrap(), None);
    }
}
