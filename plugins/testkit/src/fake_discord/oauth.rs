//! The fake's OAuth endpoints: the token exchange and `users/@me` for the login and
//! server-linking flows.

use super::*;

pub(super) fn oauth_token(shared: &Shared, body: &Value) -> Response {
    let code = body.get("code").and_then(Value::as_str).unwrap_or_default();
    let known = shared.with(|i| i.oauth_codes.contains_key(code));
    if !known {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant", "error_description": "Invalid \"code\" in request." })),
        )
            .into_response();
    }
    let token = format!("user-access-{}", shared.next_id());
    shared.with(|i| i.access_tokens.insert(token.clone(), code.to_string()));
    Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 604_800,
        "refresh_token": format!("refresh-{token}"),
        "scope": "bot applications.commands guilds",
    }))
    .into_response()
}

pub(super) fn oauth_user(shared: &Shared, authorization: Option<&str>) -> Option<OauthUser> {
    let token = authorization?.strip_prefix("Bearer ")?;
    shared.with(|i| {
        let code = i.access_tokens.get(token)?;
        i.oauth_codes.get(code).cloned()
    })
}
