//! What a browser is told and what it may not do to a signed-in user from another site.
//!
//! - **Cross-site writes.** A browser sends the session cookie with a form post from any site
//!   (SameSite=Lax still allows some). A state-changing request (not GET, HEAD or OPTIONS) that
//!   carries the session cookie and no API token must come from this site: its `Origin` (or,
//!   without one, its `Referer`) must be the site's own base URL. A browser always names the
//!   origin of a cross-site post, so the check only lets through what a browser sent from our
//!   own pages, or what a program sent without a browser. API tokens are not sent by browsers on
//!   their own, so requests with one are left alone.
//! - **Headers on every answer:** no framing by other sites (`X-Frame-Options: DENY` and CSP
//!   `frame-ancestors 'none'`), no content sniffing, no full URLs in `Referer` to other sites, and
//!   a Content-Security-Policy that allows only this site's own scripts, styles and connections.
//!   Leptos hydrates with small inline scripts (the loader, streamed suspense chunks), so scripts
//!   allow `'unsafe-inline'` and WebAssembly compilation (`'wasm-unsafe-eval'`); everything
//!   loads from `'self'`, and nothing from another host can run.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use sdk::{error::ErrorBody, Error};

use crate::state::SESSION_COOKIE;

/// The policy every page is served with.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: https:; \
     font-src 'self' data:; \
     connect-src 'self'; \
     object-src 'none'; \
     base-uri 'self'; \
     frame-ancestors 'none'";

/// This site's origin (`scheme://host[:port]`), from its base URL.
#[derive(Debug, Clone)]
pub struct SiteOrigin(pub String);

impl SiteOrigin {
    pub fn from_base_url(base_url: &str) -> Self {
        Self(origin_of(base_url).unwrap_or_else(|| base_url.trim_end_matches('/').to_string()))
    }
}

/// `scheme://host[:port]` of a URL, lower-cased; None when it is not an http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    let host = match (scheme.as_str(), host.rsplit_once(':')) {
        ("http", Some((h, "80"))) | ("https", Some((h, "443"))) => h.to_string(),
        _ => host,
    };
    Some(format!("{scheme}://{host}"))
}

/// Refuses a cookie-authenticated state-changing request that another site's page sent.
pub async fn refuse_cross_site_writes(
    State(site): State<SiteOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(refusal) = cross_site_refusal(&site, &request) {
        tracing::warn!(
            method = %request.method(),
            path = %crate::deadline::loggable_path(request.uri().path()),
            from = %refusal,
            "refused a cross-site write with the session cookie"
        );
        return forbidden(request.uri().path().starts_with("/api/"));
    }
    next.run(request).await
}

/// The foreign origin when `request` is a cross-site write on the session cookie.
fn cross_site_refusal(site: &SiteOrigin, request: &Request) -> Option<String> {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return None;
    }
    let headers = request.headers();
    let has_token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("bearer "));
    let has_session = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| pair.trim_start().starts_with(&format!("{SESSION_COOKIE}=")));
    if has_token || !has_session {
        return None;
    }
    let named = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .map(|v| v.to_str().unwrap_or("(unreadable)").to_string())?;
    // "null" is what a browser sends from sandboxed or privacy-sensitive contexts: not us.
    match origin_of(&named) {
        Some(origin) if origin == site.0 => None,
        _ => Some(named),
    }
}

fn forbidden(api: bool) -> Response {
    let error = Error::forbidden(
        "This request came from another site. Use this site's own pages to make changes.",
    );
    if api {
        return (StatusCode::FORBIDDEN, Json(ErrorBody::from(error))).into_response();
    }
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Refused · SahaBot\
         </title></head><body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:4rem \
         auto;padding:0 1rem\"><h1>Refused</h1><p>{}</p><p><a href=\"/\">Go home</a></p></body></html>",
        error.message()
    );
    (
        StatusCode::FORBIDDEN,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page,
    )
        .into_response()
}

/// Adds the browser security headers to every answer that has none of its own, and
/// `Cache-Control: no-cache` to those that say nothing of caching: pages and API answers depend
/// on who asks, while the static files (`crate::assets`) set their own.
pub async fn security_headers(request: Request<Body>, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::CACHE_CONTROL, "no-cache"),
    ] {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn request(method: Method, headers: &[(&str, &str)]) -> Request {
        let mut builder = axum::http::Request::builder()
            .method(method)
            .uri("/api/core/create_organization");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            origin_of("https://Example.org:443/x?y").as_deref(),
            Some("https://example.org")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:3000").as_deref(),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("javascript:alert(1)"), None);
    }

    #[test]
    fn only_cross_site_cookie_writes_are_refused() {
        let site = SiteOrigin::from_base_url("https://saha.example/");
        let cookie = ("cookie", "sahabot_session=abc; theme=dark");
        let refused = |method: Method, headers: &[(&str, &str)]| {
            cross_site_refusal(&site, &request(method, headers)).is_some()
        };
        assert!(refused(
            Method::POST,
            &[cookie, ("origin", "https://evil.example")]
        ));
        assert!(refused(Method::POST, &[cookie, ("origin", "null")]));
        assert!(refused(
            Method::DELETE,
            &[cookie, ("referer", "https://evil.example/page")]
        ));
        // The site itself, reads, token calls and cookie-less calls go through.
        assert!(!refused(
            Method::POST,
            &[cookie, ("origin", "https://saha.example")]
        ));
        assert!(!refused(
            Method::POST,
            &[cookie, ("referer", "https://saha.example/org/1")]
        ));
        assert!(!refused(
            Method::GET,
            &[cookie, ("origin", "https://evil.example")]
        ));
        assert!(!refused(
            Method::POST,
            &[
                cookie,
                ("origin", "https://evil.example"),
                ("authorization", "Bearer t")
            ]
        ));
        assert!(!refused(
            Method::POST,
            &[("origin", "https://evil.example")]
        ));
        assert!(!refused(Method::POST, &[cookie]));
    }
}
