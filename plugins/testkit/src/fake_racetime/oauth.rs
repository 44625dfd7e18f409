//! `/o/token` and `/o/userinfo`: the authorization-code grant of account links (unchanged since
//! the fake first served it) and the client-credentials grant of category bots (§2.2), and the
//! bot-token checks the other endpoints share.

use axum::{
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use super::{
    lock,
    state::{Bot, BotToken},
    wire, Inner, Shared, CLIENT_ID, CLIENT_SECRET, DEFAULT_TOKEN_LIFETIME,
};

/// Every scope a bot token carries when it asks for none (§2.2).
const BOT_SCOPES: &str = "read chat_message race_action create_race";

pub(super) fn token(inner: &Shared, headers: &HeaderMap, body: &str) -> Response {
    match wire::form_value(body, "grant_type").as_deref() {
        Some("authorization_code") => authorization_code(inner, body),
        Some("client_credentials") => client_credentials(inner, headers, body),
        _ => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unsupported_grant_type"})),
        )
            .into_response(),
    }
}

/// The account-link exchange, exactly as before bots existed (the server's link tests rely on
/// it): a bad client is 400 `invalid_client`, a code is good once.
fn authorization_code(inner: &Shared, body: &str) -> Response {
    let field = |k: &str| wire::form_value(body, k).unwrap_or_default();
    if field("grant_type") != "authorization_code"
        || field("client_id") != CLIENT_ID
        || field("client_secret") != CLIENT_SECRET
        || field("redirect_uri").is_empty()
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let mut inner = lock(inner);
    // A code is good once.
    let Some(user) = inner.codes.remove(&field("code")) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    inner.issued += 1;
    let token = format!("rt-access-{}", inner.issued);
    inner.tokens.insert(token.clone(), user);
    Json(json!({
        "access_token": token,
        "refresh_token": format!("rt-refresh-{}", inner.issued),
        "token_type": "Bearer",
        "expires_in": 36000,
        "scope": "read",
    }))
    .into_response()
}

/// A bot's token: credentials from HTTP Basic or the form; an unknown or deactivated bot is
/// 401 `invalid_client`. No refresh token; an earlier token stays valid until it expires.
fn client_credentials(inner: &Shared, headers: &HeaderMap, body: &str) -> Response {
    let mut inner = lock(inner);
    if let Some(status) = inner.faults.token_status.take() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
        return wire::html(status, "<h1>Server Error</h1>");
    }
    let (id, secret) = wire::basic(headers).unwrap_or_else(|| {
        (
            wire::form_value(body, "client_id").unwrap_or_default(),
            wire::form_value(body, "client_secret").unwrap_or_default(),
        )
    });
    let known = inner
        .bots
        .iter()
        .any(|b| b.active && b.client_id == id && b.client_secret == secret);
    if !known {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let lifetime = inner.token_lifetime.unwrap_or(DEFAULT_TOKEN_LIFETIME);
    let token = format!("rtbot-{}{}", wire::hashid(), wire::hashid());
    inner.bot_tokens.insert(
        token.clone(),
        BotToken {
            client_id: id,
            expires_at_ms: wire::now_ms() + lifetime * 1000,
        },
    );
    Json(json!({
        "access_token": token,
        "expires_in": lifetime,
        "token_type": "Bearer",
        "scope": BOT_SCOPES,
    }))
    .into_response()
}

pub(super) fn userinfo(inner: &Shared, token: Option<&str>) -> Response {
    match lock(inner).tokens.get(token.unwrap_or_default()) {
        Some(user) => Json(json!({
            "id": user.id,
            "name": user.name,
            "discriminator": user.discriminator,
            "full_name": user.full_name,
        }))
        .into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_token"})),
        )
            .into_response(),
    }
}

impl Inner {
    /// The active bot a token belongs to, while the token is valid.
    pub(super) fn bot_for(&self, token: Option<&str>) -> Option<&Bot> {
        let granted = self.bot_tokens.get(token?)?;
        if granted.expires_at_ms <= wire::now_ms() {
            return None;
        }
        self.bots
            .iter()
            .find(|b| b.active && b.client_id == granted.client_id)
    }

    /// The name of the bot a token belongs to when it is an active bot of `category` (what
    /// every bot-only view and socket action asks, §2.1).
    pub(super) fn bot_of(&self, token: Option<&str>, category: &str) -> Option<String> {
        self.bot_for(token)
            .filter(|b| b.category == category)
            .map(|b| b.name.clone())
    }
}
