//! Fake randomizer sites for tests: real HTTP servers on random local ports that answer like
//! the real sites (docs/upstreams/randomizers.md, "what the test fake must answer") and record
//! every request. Point a randomizer plugin's `base_url` setting at [`FakeSite::url`].
//!
//! Every fake shares the scaffolding here: the request log ([`Recorded`]) and a queue of
//! scripted failures ([`Failure`]) that the next requests answer with instead of the site's
//! normal answer — a 500 page, a refusal, a stall past the client's time limit, a body that is
//! not JSON — so each plugin's handling of every failure mode can be tested.
//!
//! One module per site: [`alttpr`], [`avianart`], [`samus`] (samus.link: SMZ3 and SM "total"),
//! [`varia`], [`dash`], [`ootr`], [`bingosync`], [`ctjets`].

pub mod alttpr;
pub mod avianart;
pub mod bingosync;
pub mod ctjets;
pub mod dash;
pub mod ootr;
pub mod samus;
pub mod varia;

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::any,
    Router,
};

/// One request a fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Header names lowercase.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    /// The body read as JSON (Null when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An answer scripted for the next request, instead of the site's normal one.
#[derive(Debug, Clone)]
pub enum Failure {
    /// This status, content type and body.
    Status(u16, &'static str, String),
    /// A 200 whose body is cut short (not valid JSON).
    Garbage,
    /// No answer for this long (past the client's time limit), then a 500.
    Stall(Duration),
}

impl Failure {
    /// A 500 with an HTML error page, as a crashed PHP or Django site answers.
    pub fn server_error() -> Self {
        Self::Status(
            500,
            "text/html",
            "<html><body><h1>Server Error</h1></body></html>".into(),
        )
    }
}

/// What a site's handler gets: the request, and the fake's state to answer from.
pub(crate) struct Request {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: String,
}

type Handler<S> = fn(&Arc<Mutex<S>>, &Request) -> Response;

struct Shared<S> {
    site: Arc<Mutex<S>>,
    requests: Mutex<Vec<Recorded>>,
    failures: Mutex<VecDeque<Failure>>,
    handler: Handler<S>,
}

/// A running fake site with state `S`; stops when dropped.
pub struct FakeSite<S> {
    url: String,
    shared: Arc<Shared<S>>,
    server: tokio::task::JoinHandle<()>,
}

impl<S> Drop for FakeSite<S> {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<S: Send + 'static> FakeSite<S> {
    pub(crate) async fn start(state: S, handler: Handler<S>) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            site: Arc::new(Mutex::new(state)),
            requests: Mutex::default(),
            failures: Mutex::default(),
            handler,
        });
        let app = Router::new()
            .fallback(any(serve::<S>))
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        Ok(Self {
            url,
            shared,
            server,
        })
    }

    /// The base URL, for the plugin's `base_url` setting.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Everything received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.requests).clone()
    }

    /// The next request is answered with `failure` (failures queue up in order).
    pub fn fail_next(&self, failure: Failure) {
        lock(&self.shared.failures).push_back(failure);
    }

    /// Reads or changes the site's state.
    pub fn with_state<T>(&self, f: impl FnOnce(&mut S) -> T) -> T {
        f(&mut lock(&self.shared.site))
    }
}

async fn serve<S: Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = Request {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        body: String::from_utf8_lossy(&body).into_owned(),
        headers,
    };
    lock(&shared.requests).push(Recorded {
        method: request.method.clone(),
        path: request.path.clone(),
        query: request.query.clone(),
        headers: request
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        body: request.body.clone(),
    });
    let failure = lock(&shared.failures).pop_front();
    match failure {
        Some(Failure::Status(status, content_type, body)) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [("content-type", content_type)],
            body,
        )
            .into_response(),
        Some(Failure::Garbage) => (
            StatusCode::OK,
            [("content-type", "application/json")],
            r#"{"hash":"#,
        )
            .into_response(),
        Some(Failure::Stall(time)) => {
            tokio::time::sleep(time).await;
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        None => (shared.handler)(&shared.site, &request),
    }
}
