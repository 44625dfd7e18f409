//! The HTTP surface: one axum router for pages, server functions, plugins' plain GET feeds
//! (`/p/{plugin}/…`, see `sdk::plugin::feeds`), `/health` and static files.
//!
//! Layers, outermost first: a request log (one line per request, secrets in paths redacted), the
//! browser security headers, the request time limit (`crate::deadline`: no request waits
//! forever), the refusal of cross-site writes (`crate::web_security`), sessions, the caller, then
//! the server-function error mapper, which gives error responses the HTTP status of their SDK
//! error kind (server_fn itself answers every error with 500).

use std::time::Duration;

use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{header, HeaderValue, Request, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use leptos::prelude::*;
use leptos_axum::{
    file_and_error_handler_with_context, generate_route_list, AxumRouteListing, LeptosRoutes,
};
use sdk::{error::ErrorBody, Error};
use serde::Serialize;
use std::sync::OnceLock;
use tower_http::trace::TraceLayer;
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tracing::Span;

use crate::{
    auth::{caller::resolve_caller, routes as auth_routes, session_store::DbSessionStore},
    migrate,
    state::{AppState, SESSION_COOKIE},
};

/// The app's page routes, listed once per process.
///
/// Leptos lists routes by rendering the whole app once while a *process-wide* flag
/// (`SuppressResourceLoad`) makes every resource created meanwhile wait forever instead of
/// loading. A page that another server in the same process was rendering at that moment never
/// finished streaming — how `make test` hung, where tests start many servers in one process.
/// Listing once, before the first server of the process serves, leaves no render to overlap:
/// later servers (other tests, or a restart in the same process) reuse the list.
fn app_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = app_routes();
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.to_string());
    // Values every page render and server function finds in its Leptos context.
    let context = {
        // The host for the core functions, and the same platform behind the SDK's traits for
        // the plugins'.
        let host = state.platform.clone();
        let contract = host.contract();
        let racetime = platform::identity::racetime::RacetimeLinking(state.racetime.clone());
        let discord_setup =
            platform::identity::discord_sign_in::DiscordSetupContext(state.discord_setup.clone());
        move || {
            provide_context(host.clone());
            provide_context(contract.clone());
            provide_context(racetime.clone());
            provide_context(discord_setup.clone());
        }
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.platform.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_secure(state.secure_cookies)
        .with_same_site(SameSite::Lax)
        .with_http_only(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(30)));
    Router::new()
        .route("/health", get(health))
        .route("/api/openapi.json", get(crate::openapi::serve_document))
        .route("/api/docs", get(crate::openapi::serve_docs_page))
        .route("/p/{plugin}/{*path}", get(plugin_feed))
        .nest_service("/pkg", crate::assets::pkg_service(&site_root))
        .nest_service(
            "/api-docs",
            crate::assets::site_folder(&site_root.join("api-docs")),
        )
        .merge(auth_routes::routes())
        .merge(crate::auth::racetime::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context,
            app::shell,
        ))
        .layer(axum::middleware::map_response(status_from_error_kind))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            org_plugins_snapshot,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::page_access::page_status,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            resolve_caller,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            crate::web_security::SiteOrigin::from_base_url(&state.platform.base_url),
            crate::web_security::refuse_cross_site_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            crate::deadline::RequestDeadline(state.request_timeout),
            crate::deadline::bound_request,
        ))
        .layer(axum::middleware::from_fn(
            crate::web_security::security_headers,
        ))
        .layer(crate::assets::compression())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let path = crate::deadline::loggable_path(req.uri().path());
                    tracing::info_span!("request", method = %req.method(), path = %path)
                })
                .on_request(())
                .on_response(|res: &Response, latency: Duration, _: &Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
                        "served"
                    );
                })
                .on_failure(()),
        )
        .with_state(state)
}

/// For a page under `/org/{org_id}/<plugin route>/…`, puts the organization's enabled plugins
/// into the request, so the plugin gate decides (and sets HTTP 404) during server rendering.
async fn org_plugins_snapshot(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    // Only for signed-in callers: anonymous requests cannot make the server look up (and cache)
    // arbitrary organization ids, and learn nothing about their plugins.
    let signed_in = req
        .extensions()
        .get::<sdk::auth::guard::Caller>()
        .is_some_and(|c| c.user.is_some());
    if signed_in && req.method() == axum::http::Method::GET {
        let mut segments = req.uri().path().trim_start_matches('/').split('/');
        if let (Some("org"), Some(org), Some(route)) =
            (segments.next(), segments.next(), segments.next())
        {
            let plugins = &state.platform.plugins;
            if let (Ok(org_id), Some(_)) = (org.parse::<i64>(), plugins.route_owner(route)) {
                match plugins.enabled_plugins(org_id).await {
                    Ok(enabled) => {
                        req.extensions_mut()
                            .insert(sdk::plugin::OrgPluginsSnapshot { org_id, enabled });
                    }
                    Err(e) => {
                        tracing::warn!(org_id, error = %e, "could not read plugin enablement")
                    }
                }
            }
        }
    }
    next.run(req).await
}

#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    database: &'static str,
    migrations: &'static str,
}

/// `200 {"status":"ok",…}` when the database answers and no migration has failed; 503 otherwise.
/// A plugin's plain GET endpoint: its answer with its content type, or the error's status with
/// the message as text (calendar apps and scripts show that, not JSON).
async fn plugin_feed(
    State(state): State<AppState>,
    Path((plugin, path)): Path<(String, String)>,
    Query(query): Query<std::collections::BTreeMap<String, String>>,
) -> Response {
    let request = sdk::plugin::feeds::FeedRequest {
        path,
        query,
        platform: state.platform.contract(),
    };
    match state.platform.plugins.feeds().serve(&plugin, request).await {
        Ok(feed) => {
            let content_type = HeaderValue::from_str(&feed.content_type)
                .unwrap_or(HeaderValue::from_static("text/plain; charset=utf-8"));
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                ],
                feed.body,
            )
                .into_response()
        }
        Err(error) => (
            error.status(),
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            )],
            error.message(),
        )
            .into_response(),
    }
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let db = &state.platform.db;
    let reachable = db.is_reachable(Duration::from_secs(3)).await;
    let migrations = if !reachable {
        "unknown"
    } else {
        match migrate::failed_count(db).await {
            Ok(0) => "ok",
            Ok(_) => "failed",
            Err(_) => "unknown",
        }
    };
    let healthy = reachable && migrations == "ok";
    let body = Health {
        status: if healthy { "ok" } else { "unavailable" },
        version: env!("CARGO_PKG_VERSION"),
        database: db.backend().name(),
        migrations,
    };
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// The largest error body we read back to find its kind; ours are a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Server functions answer every error with 500 and the encoded error in the body. This reads
/// the SDK error back and answers with the status of its kind (and `Retry-After` for rate
/// limits), so API clients can rely on the status code.
async fn status_from_error_kind(response: Response) -> Response {
    if !response
        .headers()
        .contains_key(server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let body = serde_json::to_vec(&ErrorBody::from(Error::internal(e))).unwrap_or_default();
            parts.status = StatusCode::INTERNAL_SERVER_ERROR;
            return Response::from_parts(parts, Body::from(body));
        }
    };
    if let Ok(error) = serde_json::from_slice::<Error>(&bytes) {
        parts.status = error.status();
        if let Some(seconds) = error.retry_after() {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(bytes))
}
