//! [`TimeText`]: an instant as a client writes it in a server function's argument.

use super::api_instant;

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

impl From<&str> for TimeText {
    fn from(text: &str) -> Self {
        Self(text.to_string())
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
