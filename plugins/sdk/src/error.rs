//! The one error type of SahaBot.
//!
//! Every server function, service and repo returns [`Error`]. Each variant is a *kind* that
//! decides two things at once: the HTTP status the API answers with ([`Error::status`]) and the
//! sentence a user reads. The wire form is a small JSON object,
//! `{"kind": "Invalid", "message": "…", "field": "name"}`, the same for the browser (which
//! decodes it back into this type) and for API clients.
//!
//! "The caller's fault" kinds carry a message written for the user. [`Error::Internal`] is "ours":
//! it is built with [`Error::internal`], which logs the cause and keeps only a generic sentence,
//! so no SQL, path or stack detail ever reaches a response.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

/// The generic sentence every internal error shows; the details are in the server log.
pub const INTERNAL_MESSAGE: &str =
    "Something went wrong on our side. Please try again; if it keeps happening, tell the site admins.";

#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(into = "ErrorBody", from = "ErrorBody")]
pub enum Error {
    /// The thing asked for does not exist (or the caller may not know that it exists).
    #[error("{message}")]
    NotFound { message: String },
    /// Nobody is signed in, or the token is unknown, revoked or expired.
    #[error("{message}")]
    Unauthenticated { message: String },
    /// Signed in, but not allowed to do this.
    #[error("{message}")]
    Forbidden { message: String },
    /// The organization has not switched on the plugin this belongs to.
    #[error("{message}")]
    NotEnabled { plugin: String, message: String },
    /// The input is wrong; `field` names what to fix.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The change clashes with what exists (a duplicate name, a stale state).
    #[error("{message}")]
    Conflict { message: String },
    /// Too many requests; try again after `retry_after` seconds.
    #[error("{message}")]
    RateLimited { retry_after: u64, message: String },
    /// An outside service (Discord, RaceTime, a randomizer site, the server itself as seen from
    /// the browser) failed or could not be reached.
    #[error("{message}")]
    Upstream { service: String, message: String },
    /// The server did not finish the request within its time limit (HTTP 503); trying again
    /// later may work.
    #[error("{message}")]
    TimedOut { message: String },
    /// Our fault. The message is always [`INTERNAL_MESSAGE`].
    #[error("{}", INTERNAL_MESSAGE)]
    Internal,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound {
            message: message.into(),
        }
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::Unauthenticated {
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden {
            message: message.into(),
        }
    }

    /// `plugin_id` (`async_qualifier`) is for API clients; the message uses `plugin_name`, the
    /// name a user knows ("Async Qualifiers").
    pub fn not_enabled(plugin_id: impl Into<String>, plugin_name: &str) -> Self {
        Self::NotEnabled {
            message: format!("This organization has not enabled {plugin_name}."),
            plugin: plugin_id.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
        }
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        Self::RateLimited {
            retry_after,
            message: format!(
                "Too many requests. Try again in {retry_after} second{}.",
                if retry_after == 1 { "" } else { "s" }
            ),
        }
    }

    /// The request took longer than the server allows (`seconds`).
    pub fn timed_out(seconds: u64) -> Self {
        Self::TimedOut {
            message: format!(
                "The server did not finish this request within {seconds} seconds. Please try again in a moment."
            ),
        }
    }

    pub fn upstream(service: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Upstream {
            service: service.into(),
            message: message.into(),
        }
    }

    /// Logs `cause` with its context and returns the generic internal error. Use this for
    /// everything that is not the caller's fault.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(%at, "internal error: {cause}");
        Self::Internal
    }

    /// The stable name of the kind, as it appears in the JSON body.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "NotFound",
            Self::Unauthenticated { .. } => "Unauthenticated",
            Self::Forbidden { .. } => "Forbidden",
            Self::NotEnabled { .. } => "NotEnabled",
            Self::Invalid { .. } => "Invalid",
            Self::Conflict { .. } => "Conflict",
            Self::RateLimited { .. } => "RateLimited",
            Self::Upstream { .. } => "Upstream",
            Self::TimedOut { .. } => "TimedOut",
            Self::Internal => "Internal",
        }
    }

    /// The HTTP status the API answers with for this kind.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Self::NotFound { .. } | Self::NotEnabled { .. } => S::NOT_FOUND,
            Self::Unauthenticated { .. } => S::UNAUTHORIZED,
            Self::Forbidden { .. } => S::FORBIDDEN,
            Self::Invalid { .. } => S::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => S::CONFLICT,
            Self::RateLimited { .. } => S::TOO_MANY_REQUESTS,
            Self::Upstream { .. } => S::BAD_GATEWAY,
            Self::TimedOut { .. } => S::SERVICE_UNAVAILABLE,
            Self::Internal => S::INTERNAL_SERVER_ERROR,
        }
    }

    /// The sentence to show a user.
    pub fn message(&self) -> String {
        match self {
            Self::Invalid { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// The field to highlight in a form, when the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Seconds a client should wait, for [`Error::RateLimited`].
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }
}

/// The JSON body of an error response. Optional members appear only for the kinds that have them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ErrorBody {
    pub kind: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
}

impl From<Error> for ErrorBody {
    fn from(error: Error) -> Self {
        let kind = error.kind().to_string();
        let message = error.message();
        let mut body = ErrorBody {
            kind,
            message,
            field: None,
            retry_after: None,
            service: None,
            plugin: None,
        };
        match error {
            Error::Invalid { field, .. } => body.field = Some(field),
            Error::RateLimited { retry_after, .. } => body.retry_after = Some(retry_after),
            Error::Upstream { service, .. } => body.service = Some(service),
            Error::NotEnabled { plugin, .. } => body.plugin = Some(plugin),
            _ => {}
        }
        body
    }
}

impl From<ErrorBody> for Error {
    /// Decoding is lenient: a body from a newer server with an unknown kind is still shown to the
    /// user rather than turned into a decoding failure.
    fn from(body: ErrorBody) -> Self {
        let ErrorBody {
            kind,
            message,
            field,
            retry_after,
            service,
            plugin,
        } = body;
        match kind.as_str() {
            "NotFound" => Error::NotFound { message },
            "Unauthenticated" => Error::Unauthenticated { message },
            "Forbidden" => Error::Forbidden { message },
            "NotEnabled" => Error::NotEnabled {
                plugin: plugin.unwrap_or_default(),
                message,
            },
            "Invalid" => Error::Invalid {
                field: field.unwrap_or_default(),
                message,
            },
            "Conflict" => Error::Conflict { message },
            "RateLimited" => Error::RateLimited {
                retry_after: retry_after.unwrap_or(60),
                message,
            },
            "TimedOut" => Error::TimedOut { message },
            "Internal" => Error::Internal,
            _ => Error::Upstream {
                service: service.unwrap_or_else(|| "server".to_string()),
                message,
            },
        }
    }
}

impl FromServerFnError for Error {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request the caller sent could not be read: their fault, say what was wrong.
            ServerFnErrorErr::Args(detail) => unreadable_body(&detail),
            // On the server, a body that does not decode (malformed JSON) is reported as
            // Deserialization; in the browser the same variant means our response did not decode.
            ServerFnErrorErr::Deserialization(detail) if cfg!(feature = "ssr") => {
                unreadable_body(&detail)
            }
            ServerFnErrorErr::MissingArg(arg) => {
                Error::invalid(arg.clone(), format!("The argument `{arg}` is missing."))
            }
            // In the browser: the server could not be reached at all.
            ServerFnErrorErr::Request(detail) => Error::upstream(
                "server",
                format!(
                    "Could not reach the server ({detail}). Check your connection and try again."
                ),
            ),
            other => Error::internal(other),
        }
    }
}

fn unreadable_body(detail: &str) -> Error {
    Error::invalid(
        "body",
        format!("The request body could not be read: {detail}"),
    )
}

#[cfg(feature = "ssr")]
impl Error {
    /// For a write that may hit a unique constraint: that case becomes a Conflict saying which
    /// value clashed; any other database error goes through `From<sqlx::Error>`.
    /// `.map_err(Error::conflict_if_duplicate(format!("The name “{name}” is taken.")))`
    pub fn conflict_if_duplicate(message: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Error {
        let message = message.into();
        move |error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Error::conflict(message),
            _ => error.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for Error {
    /// Database errors are never shown. A missing row is the caller's NotFound; a unique
    /// violation is a Conflict (repos that know which field clashed should map it themselves
    /// with a better message); everything else is logged as internal.
    #[track_caller]
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => Error::not_found("That item does not exist."),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Error::conflict("An item with these values already exists.")
            }
            _ => Error::internal(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<Error> {
        vec![
            Error::not_found("no such tournament"),
            Error::unauthenticated("sign in first"),
            Error::forbidden("you may not"),
            Error::not_enabled("async_qualifier", "Async Qualifiers"),
            Error::invalid("name", "must not be empty"),
            Error::conflict("name taken"),
            Error::rate_limited(12),
            Error::upstream("racetime", "racetime.gg did not answer"),
            Error::timed_out(30),
            Error::Internal,
        ]
    }

    #[test]
    fn statuses_follow_the_kind() {
        let statuses: Vec<u16> = every_kind().iter().map(|e| e.status().as_u16()).collect();
        assert_eq!(
            statuses,
            vec![404, 401, 403, 404, 422, 409, 429, 502, 503, 500]
        );
    }

    #[test]
    fn json_round_trip_keeps_every_kind() {
        for error in every_kind() {
            let json = serde_json::to_string(&error).unwrap();
            let back: Error = serde_json::from_str(&json).unwrap();
            assert_eq!(back, error, "{json}");
        }
    }

    #[test]
    fn body_has_kind_message_and_the_kinds_extra_member() {
        let json = serde_json::to_value(Error::invalid("name", "must not be empty")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "Invalid", "message": "must not be empty", "field": "name"})
        );
        let json = serde_json::to_value(Error::rate_limited(3)).unwrap();
        assert_eq!(json["retry_after"], 3);
        assert_eq!(json["kind"], "RateLimited");
    }

    #[test]
    fn internal_never_carries_the_cause() {
        let error = Error::internal("relation \"users\" does not exist at /srv/secret.sql");
        let json = serde_json::to_string(&error).unwrap();
        assert!(!json.contains("users"));
        assert!(!json.contains("secret"));
        assert!(json.contains(INTERNAL_MESSAGE));
    }

    #[test]
    fn not_enabled_names_the_plugin() {
        let error = Error::not_enabled("async_qualifier", "Async Qualifiers");
        assert_eq!(
            error.message(),
            "This organization has not enabled Async Qualifiers."
        );
        assert!(matches!(error, Error::NotEnabled { plugin, .. } if plugin == "async_qualifier"));
    }

    #[test]
    fn unreadable_arguments_are_the_callers_fault() {
        let error = Error::from_server_fn_error(ServerFnErrorErr::Args("expected value".into()));
        assert_eq!(error.status().as_u16(), 422);
        assert_eq!(error.field(), Some("body"));
        if cfg!(feature = "ssr") {
            let error = Error::from_server_fn_error(ServerFnErrorErr::Deserialization(
                "key must be a string at line 1 column 2".into(),
            ));
            assert_eq!(error.status().as_u16(), 422);
            assert!(error.message().contains("line 1 column 2"));
        }
        let error = Error::from_server_fn_error(ServerFnErrorErr::Response("boom".into()));
        assert_eq!(error, Error::Internal);
    }

    #[test]
    fn unknown_kind_from_a_newer_server_is_still_readable() {
        let error: Error =
            serde_json::from_str(r#"{"kind":"Teapot","message":"I am a teapot"}"#).unwrap();
        assert_eq!(error.message(), "I am a teapot");
    }
}
