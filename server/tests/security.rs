//! Attacks on the platform, each named after what it tries, on SQLite and PostgreSQL. Every one of
//! these worked before its fix.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{TestApp, TestUser};
use platform::{authorizer::Authorizer, authorizer::MAX_CACHED_ANSWERS};
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::json;
use testkit::both_backends;

/// Any signed-in user could name organization ids that do not exist to `leave_organization`;
/// each id left an answer in the authorizer's cache, forever growing the server's memory.
async fn check_leave_organization_with_made_up_ids_keeps_memory_flat(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.user("mallory", GlobalLevel::User).await;
    let authorizer = &app.server.platform.authorizer;
    let before = authorizer.cached_answers();
    for org_id in 1_000..1_050 {
        let (status, body) = app
            .fails(Some(&user), "leave_organization", json!({"org_id": org_id}))
            .await;
        assert_eq!((status, body["kind"].as_str()), (404, Some("NotFound")));
    }
    assert!(
        authorizer.cached_answers() <= before + 1,
        "{} answers cached for made-up organizations",
        authorizer.cached_answers() - before
    );
    app.stop().await;
}
both_backends!(
    leave_organization_with_made_up_ids_keeps_memory_flat,
    check_leave_organization_with_made_up_ids_keeps_memory_flat
);

/// However many (user, organization) pairs are looked up, the cache holds at most its limit.
async fn check_the_authorizer_cache_is_bounded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let authorizer = Authorizer::new(app.db().clone());
    let pairs = MAX_CACHED_ANSWERS + 50;
    for n in 0..pairs {
        let (user, org) = (1 + (n / 100) as i64, 1 + (n % 100) as i64);
        assert!(!authorizer.is_member(user, org).await.unwrap());
    }
    assert_eq!(authorizer.cached_answers(), MAX_CACHED_ANSWERS);
    app.stop().await;
}
both_backends!(
    authorizer_cache_is_bounded,
    check_the_authorizer_cache_is_bounded
);

/// A leaked API token could mint new tokens (which outlive its revocation), list them, or revoke
/// the owner's other tokens. Only a browser session manages tokens.
async fn check_an_api_token_cannot_manage_tokens(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.user("owner", GlobalLevel::User).await;
    let browser = app.signed_in("owner").await;
    let kept = app
        .ok_in_session(&browser, "create_api_token", json!({"name": "kept"}))
        .await;
    let kept_id = kept["token"]["id"].as_i64().unwrap();
    for (endpoint, body) in [
        ("create_api_token", json!({"name": "child"})),
        ("list_api_tokens", json!({})),
        ("revoke_api_token", json!({"token_id": kept_id})),
    ] {
        let (status, error) = app.fails(Some(&user), endpoint, body).await;
        assert_eq!(status, 403, "{endpoint}: {error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("An API token cannot"),
            "{endpoint}: {error}"
        );
    }
    // The refused calls changed nothing: still two tokens, and the kept one works.
    let listed = app
        .ok_in_session(&browser, "list_api_tokens", json!({}))
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2, "{listed}");
    let kept_user = TestUser {
        id: user.id,
        token: kept["secret"].as_str().unwrap().to_string(),
    };
    assert_eq!(
        app.ok(&kept_user, "whoami", json!({})).await["username"],
        "owner"
    );
    app.stop().await;
}
both_backends!(
    api_token_cannot_manage_tokens,
    check_an_api_token_cannot_manage_tokens
);

/// Another site's page posting to ours with the visitor's session cookie (which SameSite=Lax
/// still sends from a sibling origin on the same site) is refused; our own pages are not.
async fn check_a_cross_site_write_with_the_session_cookie_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("victim", GlobalLevel::User).await;
    let browser = app.signed_in("victim").await;
    let whoami = |client: reqwest::Client| {
        let url = app.url("/api/core/whoami");
        async move {
            let res = client
                .post(url)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            res.json::<serde_json::Value>().await.unwrap()
        }
    };
    // A server function, from another origin: 403 with the error body.
    let res = browser
        .post(app.url("/api/core/leave_organization"))
        .header("content-type", "application/json")
        .header("origin", "http://evil.example")
        .body(json!({"org_id": 1}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "Forbidden", "{body}");
    // Sign-out posted by another site's form (Referer only): refused, still signed in.
    let res = browser
        .post(app.url("/auth/logout"))
        .header("referer", "http://127.0.0.1:9/attack.html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("came from another site"));
    assert_eq!(whoami(browser.clone()).await["username"], "victim");
    // Our own page's form (the site's origin) signs out.
    let res = browser
        .post(app.url("/auth/logout"))
        .header("origin", "http://127.0.0.1")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(whoami(browser).await.is_null());
    app.stop().await;
}
both_backends!(
    cross_site_write_with_the_session_cookie_is_refused,
    check_a_cross_site_write_with_the_session_cookie_is_refused
);

/// Pages, API answers and errors all tell the browser: no framing, no sniffing, our own scripts.
async fn check_every_answer_carries_the_browser_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for res in [
        app.get("/").await,
        app.get("/health").await,
        app.get("/no/such/page").await,
        app.post_json("/api/core/whoami", &json!({})).await,
    ] {
        let headers = res.headers();
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(
            headers["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("object-src 'none'"), "{csp}");
    }
    app.stop().await;
}
both_backends!(
    every_answer_carries_the_browser_security_headers,
    check_every_answer_carries_the_browser_security_headers
);

/// Crawlers and monitoring read the status line: a page the visitor may not see must not say 200.
async fn check_protected_pages_answer_401_403_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    app.user("member", GlobalLevel::User).await;
    app.user("outsider", GlobalLevel::User).await;
    let org = app
        .ok(
            &root,
            "create_organization",
            json!({"name": "Gated", "description": "d"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let member_id = platform::identity::users::find_by_username(app.db(), "member")
        .await
        .unwrap()
        .unwrap()
        .id;
    app.ok(
        &root,
        "add_member",
        json!({"org_id": org, "user_id": member_id}),
    )
    .await;
    let invite = app.ok(&root, "create_invite", json!({"org_id": org})).await["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let anonymous = common::browser_like_client();
    let member = app.signed_in("member").await;
    let outsider = app.signed_in("outsider").await;
    let admin = app.signed_in("root").await;
    let status = |client: &reqwest::Client, path: String| {
        let request = client.get(app.url(&path));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let cases: Vec<(&reqwest::Client, String, u16)> = vec![
        (&anonymous, "/admin".into(), 401),
        (&anonymous, "/admin/orgs".into(), 401),
        (&member, "/admin".into(), 403),
        (&admin, "/admin".into(), 200),
        (&anonymous, "/profile".into(), 401),
        (&member, "/profile".into(), 200),
        (&anonymous, format!("/org/{org}"), 401),
        (&anonymous, "/org/999999".into(), 401),
        (&member, "/org/999999".into(), 404),
        (&member, "/org/not-a-number".into(), 404),
        (&outsider, format!("/org/{org}"), 403),
        (&outsider, format!("/org/{org}/members"), 403),
        (&outsider, format!("/org/{org}/presets"), 403),
        (&anonymous, format!("/org/{org}/presets"), 401),
        (&member, format!("/org/{org}"), 200),
        (&member, format!("/org/{org}/presets"), 200),
        (&admin, format!("/org/{org}/members"), 200),
        (&anonymous, "/invite/no-such-invite".into(), 404),
        (&anonymous, format!("/invite/{invite}"), 200),
        (&anonymous, "/".into(), 200),
    ];
    for (client, path, expected) in cases {
        assert_eq!(status(client, path.clone()).await, expected, "{path}");
    }
    app.stop().await;
}
both_backends!(
    protected_pages_answer_401_403_404,
    check_protected_pages_answer_401_403_404
);
