//! Every request ends: a time limit from arrival to the last byte of a page or an API answer.
//!
//! A handler that has not answered by the limit is dropped and the caller gets 503: the JSON
//! error body (`{"kind":"TimedOut",…}`) under `/api/`, a small HTML page elsewhere. A page that
//! had started streaming (server rendering sends the shell first and each `<Suspense>` chunk when
//! it resolves) can no longer change its status, so when its body has not finished by the limit
//! the connection is closed instead: the browser shows what it got, and a client sees an error
//! rather than waiting forever. Both are logged with the route and the time it took.
//!
//! Static files (the wasm bundle, CSS, images) are exempt from the body limit: their size, not
//! the server, decides how long a slow connection needs. Nothing in the app streams on purpose
//! today; a route that will (a websocket, server-sent events) must be exempted here by path.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use http_body::{Frame, SizeHint};
use sdk::{error::ErrorBody, Error};
use tokio::time::{Instant, Sleep};

/// The time limit of one request (`Config::request_timeout`).
#[derive(Debug, Clone, Copy)]
pub struct RequestDeadline(pub Duration);

/// The middleware: bounds the handler, then the streamed body of a page.
pub async fn bound_request(
    State(RequestDeadline(limit)): State<RequestDeadline>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let deadline = started + limit;
    let method = request.method().clone();
    let route = loggable_path(request.uri().path());
    let api = route.starts_with("/api/");
    match tokio::time::timeout_at(deadline, next.run(request)).await {
        Ok(response) if streams_a_page(&response) => response.map(|body| {
            Body::new(DeadlineBody {
                inner: body,
                deadline: Box::pin(tokio::time::sleep_until(deadline)),
                route,
                started,
                closed: false,
            })
        }),
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                %method,
                route = %route,
                ms = elapsed_ms(started),
                "request timed out before answering: 503"
            );
            timed_out(api, limit)
        }
    }
}

/// The path as it may appear in the log. Paths that carry a secret (one-time sign-in links,
/// invites, plugins' feeds such as the calendars `/p/{plugin}/calendar/{token}.ics` and
/// `/p/{plugin}/calendar/{org}/{token}.ics`) keep their shape but not the secret. A feed is
/// fetched without a session, so whatever follows its kind may be the secret that grants it:
/// only plain numbers (an organization id) stay.
pub fn loggable_path(path: &str) -> String {
    let mut segments: Vec<&str> = path.split('/').collect();
    let feed = segments.get(1) == Some(&"p");
    for i in 1..segments.len() {
        let secret = matches!(segments[i - 1], "link" | "invite")
            || (feed && i >= 4 && !segments[i].bytes().all(|b| b.is_ascii_digit()));
        if secret && !segments[i].is_empty() {
            segments[i] = "…";
        }
    }
    segments.join("/")
}

/// A server-rendered page: HTML that leptos streams. Static files are served by the file
/// handler with their own types (and `text/html` files do not exist under `public/`).
fn streams_a_page(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// 503 with the API's error body, or a page a person can read.
fn timed_out(api: bool, limit: Duration) -> Response {
    let error = Error::timed_out(limit.as_secs().max(1));
    let mut response = if api {
        Json(ErrorBody::from(error)).into_response()
    } else {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Try again · SahaBot</title></head><body style=\"font-family:system-ui,sans-serif;\
             max-width:36rem;margin:4rem auto;padding:0 1rem\"><h1>This page took too long</h1>\
             <p>{}</p><p><a href=\"\">Try again</a> or go <a href=\"/\">home</a>.</p></body></html>",
            error.message()
        );
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            page,
        )
            .into_response()
    };
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

/// A response body that fails (so the connection closes) when it has not finished by the
/// request's deadline.
struct DeadlineBody {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
    route: String,
    started: Instant,
    closed: bool,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        if this.closed {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.closed = true;
                tracing::warn!(
                    route = %this.route,
                    ms = elapsed_ms(this.started),
                    "page stopped streaming before its time limit: connection closed"
                );
                Poll::Ready(Some(Err(axum::Error::new(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the page did not finish within the request time limit",
                )))))
            }
            ready => ready,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.closed || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::convert::Infallible;

    use axum::{routing::get, Router};

    use super::*;

    /// A server with the layer (limit 1 s) in front of handlers that answer, hang, or stream a
    /// page and then stall.
    async fn serve() -> String {
        let stalled_page = || async {
            let first = futures::stream::once(async {
                Ok::<_, Infallible>(Bytes::from_static(b"<!DOCTYPE html><html><body>shell"))
            });
            let never = futures::stream::pending::<Result<Bytes, Infallible>>();
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                Body::from_stream(futures::StreamExt::chain(first, never)),
            )
        };
        // A slow download that is not a page: a large file over a slow link takes its time.
        let slow_file = || async {
            let chunks = futures::stream::unfold(0u8, |n| async move {
                if n == 3 {
                    return None;
                }
                tokio::time::sleep(Duration::from_millis(600)).await;
                Some((Ok::<_, Infallible>(Bytes::from(vec![b'x'; 10])), n + 1))
            });
            (
                [(header::CONTENT_TYPE, "application/wasm")],
                Body::from_stream(chunks),
            )
        };
        let router = Router::new()
            .route("/api/fast", get(|| async { "ok" }))
            .route("/api/hangs", get(std::future::pending::<&'static str>))
            .route("/page/hangs", get(std::future::pending::<&'static str>))
            .route("/page/stalls", get(stalled_page))
            .route("/pkg/big.wasm", get(slow_file))
            .layer(axum::middleware::from_fn_with_state(
                RequestDeadline(Duration::from_secs(1)),
                bound_request,
            ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{addr}")
    }

    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn a_hanging_api_call_answers_503_with_the_error_body() {
        let base = serve().await;
        let started = std::time::Instant::now();
        let res = client()
            .get(format!("{base}/api/hangs"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()["retry-after"], "5");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["kind"], "TimedOut");
        assert!(body["message"].as_str().unwrap().contains("1 seconds"));
        assert!(started.elapsed() < Duration::from_secs(10));
        let fast = client()
            .get(format!("{base}/api/fast"))
            .send()
            .await
            .unwrap();
        assert_eq!(fast.status(), 200);
    }

    #[tokio::test]
    async fn a_hanging_page_answers_503_with_an_error_page() {
        let base = serve().await;
        let res = client()
            .get(format!("{base}/page/hangs"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 503);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("This page took too long"));
    }

    #[tokio::test]
    async fn a_page_that_stops_streaming_is_closed_at_the_limit() {
        let base = serve().await;
        let started = std::time::Instant::now();
        let res = client()
            .get(format!("{base}/page/stalls"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "the shell was already on its way");
        let body = res.text().await;
        assert!(body.is_err(), "the stalled body ends in an error: {body:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test]
    async fn a_slow_static_file_is_not_cut_off() {
        let base = serve().await;
        let res = client()
            .get(format!("{base}/pkg/big.wasm"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.bytes().await.unwrap().len(),
            30,
            "1.8 s for the whole file"
        );
    }

    #[test]
    fn secrets_in_paths_stay_out_of_the_log() {
        assert_eq!(loggable_path("/auth/link/abc123"), "/auth/link/…");
        assert_eq!(loggable_path("/invite/s3cret"), "/invite/…");
        assert_eq!(
            loggable_path("/p/tournament/calendar/3/tok.ics"),
            "/p/tournament/calendar/3/…"
        );
        assert_eq!(loggable_path("/org/3/members"), "/org/3/members");
        assert_eq!(loggable_path("/"), "/");
    }

    /// A tournament's public feed carries its token right after `calendar`, and a feed address
    /// may grow more segments: none of them reaches the log.
    #[test]
    fn calendar_token_stays_out_of_the_log() {
        let token = "q8Vb-3kM_x2LwT0aZ9yN4cR7sE1uJ6hG5fD0pO2iU3y";
        for (path, logged) in [
            (
                format!("/p/tournament/calendar/{token}.ics"),
                "/p/tournament/calendar/…",
            ),
            (
                format!("/p/tournament/calendar/{token}"),
                "/p/tournament/calendar/…",
            ),
            (
                format!("/p/tournament/calendar/7/{token}.ics"),
                "/p/tournament/calendar/7/…",
            ),
            (
                format!("/p/tournament/calendar/7/{token}.ics/x"),
                "/p/tournament/calendar/7/…/…",
            ),
            (
                format!("/p/tournament/calendar/public/{token}.ics"),
                "/p/tournament/calendar/…/…",
            ),
        ] {
            assert_eq!(loggable_path(&path), logged, "{path}");
        }
    }
}
