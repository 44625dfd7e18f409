//! The fake's OAuth endpoints: the token exchange and `users/@me` for the login and
//! server-linking flows.

use super::*;

pub(super) fn oauth_token(shared: &Shared, body: &Value) -> Response {
    if body.get("grant_type").and_then(Value::as_str) == Some("client_credentials") {
        return application_token(shared, body);
    }
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

/// The client-credentials grant: a token for the application itself, when the form carries
/// its id and secret (as Discord, it answers 401 `invalid_client` otherwise).
fn application_token(shared: &Shared, body: &Value) -> Response {
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
    if field("client_id") != APPLICATION_ID || field("client_secret") != CLIENT_SECRET {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    let token = format!("application-access-{}", shared.next_id());
    shared.with(|i| i.application_tokens.push(token.clone()));
    Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 604_800,
        "scope": field("scope"),
    }))
    .into_response()
}

/// `GET /api/oauth2/@me` with an application token: the authorization and its application.
pub(super) fn current_authorization(shared: &Shared, authorization: Option<&str>) -> Response {
    let token = authorization
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !shared.with(|i| i.application_tokens.iter().any(|t| t == token)) {
        return super::rest::error(StatusCode::UNAUTHORIZED, "401: Unauthorized");
    }
    Json(json!({
        "application": {
            "id": APPLICATION_ID,
            "name": APPLICATION_NAME,
            "icon": null,
            "description": "",
            "bot_public": false,
            "bot_require_code_grant": false,
        },
        "scopes": ["identify"],
        "expires": "2099-01-01T00:00:00+00:00",
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[tokio::test]
    async fn oauth_users_see_their_guilds() {
        let fake = FakeDiscord::start().await;
        fake.add_oauth_user(
            "code-1",
            "42",
            "speedy",
            vec![FakeGuild::new("7", "Speedruns", false, 0x8)],
        );
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap();
        let refused = client
            .post(fake.token_url())
            .form(&[("grant_type", "authorization_code"), ("code", "nope")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400);
        let token: Value = client
            .post(fake.token_url())
            .form(&[("grant_type", "authorization_code"), ("code", "code-1")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let access = token["access_token"].as_str().unwrap();
        let guilds: Value = client
            .get(format!("{}/users/@me/guilds", fake.api_url()))
            .bearer_auth(access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(guilds[0]["id"], "7");
        assert_eq!(guilds[0]["permissions"], "8");
        let recorded = fake.requests_to("POST", "/api/oauth2/token");
        assert_eq!(recorded.len(), 2);
        assert_eq!(recorded[1].body["code"], "code-1");
    }
}
