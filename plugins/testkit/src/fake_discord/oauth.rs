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
