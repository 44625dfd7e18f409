//! Resolves who is calling, once per request, and hands it to the guard; and counts the request
//! against the caller's rate limit (`super::rate_limit`): the token's user, the session's user,
//! or, for anonymous requests and unknown tokens, the client's address (`super::client_ip`).

use std::net::SocketAddr;

use axum::{
    body::Body,
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};
use platform::{identity::tokens, identity::users};
use sdk::{
    auth::guard::Caller, auth::guard::Via, db::now_ms, error::ErrorBody, time::ViewerTimeZone,
    Error,
};
use tower_sessions::Session;

use super::{
    client_ip::bucket_key, rate_limit::Bucket, SESSION_DISCORD_EXPIRES, SESSION_IMPERSONATING,
    SESSION_USER,
};
use crate::state::AppState;

/// An SDK error as an HTTP response: its status, `Retry-After` when rate limited, JSON body.
pub fn error_response(error: Error) -> Response {
    let mut response = (
        error.status(),
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        Body::from(serde_json::to_vec(&ErrorBody::from(error.clone())).unwrap_or_default()),
    )
        .into_response();
    if let Some(seconds) = error.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn bearer(req: &Request) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Static build output and public files need no caller; skipping them saves a session and user
/// lookup per asset. They are not rate limited either: a page load fetches several.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/assets/")
        || matches!(path, "/favicon.svg" | "/favicon.ico" | "/robots.txt")
}

/// The answer to a rate-limited request: the JSON error body for the API (server functions
/// under `/api/`), a small page for everything a browser shows; both with `Retry-After`.
fn rate_limited_response(path: &str, wait: u64) -> Response {
    let error = Error::rate_limited(wait);
    if path.starts_with("/api/") {
        return error_response(error);
    }
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many requests</title></head>\
         <body><h1>Too many requests</h1><p>{}</p></body></html>",
        error.message()
    );
    (
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::RETRY_AFTER, HeaderValue::from(wait)),
        ],
        page,
    )
        .into_response()
}

/// Counts the request against `bucket`; the refusal to send when it is over its limit.
async fn over_limit(state: &AppState, path: &str, bucket: Bucket, limit: u32) -> Option<Response> {
    let now = now_ms() / 1000;
    match state.limiter.check(&bucket, limit, now).await {
        Ok(()) => None,
        Err(wait) => Some(rate_limited_response(path, wait)),
    }
}

pub async fn resolve_caller(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if is_static_asset(&path) {
        return next.run(req).await;
    }
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| state.trusted_proxies.client_ip(info.0.ip(), req.headers()));
    let ip = client.map(|ip| ip.to_string());
    let address = Bucket::Address(client.map_or_else(|| "unknown".to_string(), bucket_key));
    let limits = state.rate_limits;
    let caller = match bearer(&req) {
        Some(secret) => match tokens::authenticate(&state.platform.db, &secret).await {
            Ok(Some((token_id, user))) => {
                let limit = user
                    .api_rate_limit_per_minute
                    .and_then(|l| u32::try_from(l).ok())
                    .unwrap_or(limits.token_per_minute);
                let bucket = Bucket::Token { user_id: user.id };
                if let Some(refused) = over_limit(&state, &path, bucket, limit).await {
                    return refused;
                }
                req.extensions_mut()
                    .insert(ViewerTimeZone(user.time_zone.clone()));
                Caller {
                    user: Some(user.to_current(None)),
                    via: Via::Token { token_id },
                    ip,
                }
            }
            Ok(None) => {
                // Guessing tokens counts against the address like any anonymous request.
                if let Some(refused) =
                    over_limit(&state, &path, address, limits.anonymous_per_minute).await
                {
                    return refused;
                }
                return error_response(Error::unauthenticated(
                    "This API token is invalid, revoked or expired. Create a new one on your API keys page.",
                ));
            }
            Err(error) => return error_response(error),
        },
        None => {
            let (caller, zone) = session_caller(&state, &session, ip).await;
            // A SUPERADMIN acting as someone is counted as themselves.
            let (bucket, limit) = match &caller.user {
                Some(user) => (
                    Bucket::Session {
                        user_id: user.impersonated_by.unwrap_or(user.id),
                    },
                    limits.session_per_minute,
                ),
                None => (address, limits.anonymous_per_minute),
            };
            if let Some(refused) = over_limit(&state, &path, bucket, limit).await {
                return refused;
            }
            req.extensions_mut().insert(ViewerTimeZone(zone));
            caller
        }
    };
    // Audit entries written for this request name the impersonating SUPERADMIN, if any.
    let impersonated_by = caller.user.as_ref().and_then(|u| u.impersonated_by);
    req.extensions_mut().insert(caller);
    sdk::audit::acting_for(impersonated_by, next.run(req)).await
}

/// The session's user (or the one a SUPERADMIN impersonates) and their profile time zone.
async fn session_caller(
    state: &AppState,
    session: &Session,
    ip: Option<String>,
) -> (Caller, Option<String>) {
    let anonymous = (
        Caller {
            ip: ip.clone(),
            ..Caller::anonymous()
        },
        None,
    );
    let Ok(Some(user_id)) = session.get::<i64>(SESSION_USER).await else {
        return anonymous;
    };
    let db = &state.platform.db;
    let real = match users::active(db, user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            // Deactivated or deleted: end the session.
            session.flush().await.ok();
            return anonymous;
        }
        Err(_) => return anonymous,
    };
    refresh_discord_token_if_due(state, session, real.id).await;
    let mut current = real.to_current(None);
    let mut zone = real.time_zone.clone();
    if let Ok(Some(target)) = session.get::<i64>(SESSION_IMPERSONATING).await {
        // Only honoured while the real user is still a SUPERADMIN.
        if current.is_at_least(sdk::auth::GlobalLevel::Superadmin) {
            if let Ok(Some(target)) = users::active(db, target).await {
                current = target.to_current(Some(real.id));
                zone = target.time_zone.clone();
            }
        } else {
            session.remove_value(SESSION_IMPERSONATING).await.ok();
        }
    }
    (
        Caller {
            user: Some(current),
            via: Via::Session,
            ip,
        },
        zone,
    )
}

/// Discord tokens are refreshed when they expire within five minutes. The expiry is kept in the
/// session so ordinary requests cost nothing extra.
async fn refresh_discord_token_if_due(state: &AppState, session: &Session, user_id: i64) {
    let Some(discord) = &state.discord else {
        return;
    };
    let Ok(Some(expires_at)) = session.get::<i64>(SESSION_DISCORD_EXPIRES).await else {
        return;
    };
    if expires_at - now_ms() > super::discord::REFRESH_MARGIN_MS {
        return;
    }
    let db = &state.platform.db;
    let Ok(Some(stored)) = users::discord_tokens(db, user_id).await else {
        return;
    };
    let Some(refresh_token) = stored.refresh_token else {
        session.remove_value(SESSION_DISCORD_EXPIRES).await.ok();
        return;
    };
    match discord.refresh(&refresh_token).await {
        Ok(tokens) => {
            if users::store_discord_tokens(db, user_id, &tokens)
                .await
                .is_ok()
            {
                match tokens.expires_at {
                    Some(at) => session.insert(SESSION_DISCORD_EXPIRES, at).await.ok(),
                    None => session
                        .remove_value(SESSION_DISCORD_EXPIRES)
                        .await
                        .ok()
                        .map(|_| ()),
                };
                tracing::info!(user_id, "refreshed the Discord token");
            }
        }
        // Not fatal: the user stays signed in; the next request tries again.
        Err(error) => tracing::warn!(user_id, %error, "could not refresh the Discord token"),
    }
}
