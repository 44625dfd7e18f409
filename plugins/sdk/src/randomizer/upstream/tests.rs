//! [`Upstream`] against a scripted local HTTP server: retries only when the site cannot answer,
//! refusals with the site's message, time limits, unreadable answers.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use super::*;

/// One scripted answer: status, content type, body, and a delay before answering.
#[derive(Clone)]
struct Reply(u16, &'static str, String, Duration);

fn reply(status: u16, content_type: &'static str, body: &str) -> Reply {
    Reply(status, content_type, body.to_string(), Duration::ZERO)
}

/// Serves `script` in order (the last answer repeats); counts the requests.
async fn serve(script: Vec<Reply>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let Reply(status, content_type, body, delay) = script[n.min(script.len() - 1)].clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = socket.read(&mut buf).await;
                tokio::time::sleep(delay).await;
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    (base, hits)
}

fn site(base: &str) -> Upstream {
    Upstream::new("example.test", base)
        .unwrap()
        .with_backoff(Duration::from_millis(10))
        .with_timeout(Duration::from_secs(2))
}

fn upstream_message(err: Error) -> String {
    match err {
        Error::Upstream { service, message } => {
            assert_eq!(service, "example.test");
            message
        }
        other => panic!("expected an upstream error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_5xx_is_tried_again_and_the_later_answer_counts() {
    let (base, hits) = serve(vec![
        reply(502, "text/plain", "bad gateway"),
        reply(503, "text/plain", "busy"),
        reply(200, "application/json", r#"{"hash":"abc"}"#),
    ])
    .await;
    let answer: Value = site(&base).get_json("the seed", "api/seed").await.unwrap();
    assert_eq!(answer["hash"], "abc");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_are_bounded_and_the_error_says_what_failed() {
    let (base, hits) = serve(vec![reply(
        500,
        "application/json",
        r#"{"error":"generator crashed"}"#,
    )])
    .await;
    let err = site(&base)
        .post_json::<Value>("the seed", "api/seed", &json!({}))
        .await
        .unwrap_err();
    let message = upstream_message(err);
    assert_eq!(hits.load(Ordering::SeqCst), DEFAULT_ATTEMPTS as usize);
    assert!(message.contains("HTTP 500"), "{message}");
    assert!(message.contains("generator crashed"), "{message}");
    assert!(message.contains("3 attempts"), "{message}");
}

#[tokio::test]
async fn a_refusal_is_not_tried_again_and_carries_the_sites_message() {
    let (base, hits) = serve(vec![reply(
        422,
        "application/json",
        r#"{"message":"The given data was invalid.","errors":{"goal":["The selected goal is invalid."]}}"#,
    )])
    .await;
    let err = site(&base)
        .post_json::<Value>("the seed", "api/seed", &json!({"goal": "x"}))
        .await
        .unwrap_err();
    let message = upstream_message(err);
    assert_eq!(hits.load(Ordering::SeqCst), 1, "a 4xx is final");
    assert_eq!(
        message,
        "example.test refused the seed: The given data was invalid."
    );

    let (base, _) = serve(vec![reply(
        400,
        "application/json",
        r#"{"errors":{"goal":["The selected goal is invalid."],"mode":["Pick a mode."]}}"#,
    )])
    .await;
    let message = upstream_message(
        site(&base)
            .get_json::<Value>("the seed", "x")
            .await
            .unwrap_err(),
    );
    assert!(
        message.contains("goal: The selected goal is invalid.; mode: Pick a mode."),
        "{message}"
    );

    let (base, _) = serve(vec![reply(
        404,
        "text/html",
        "<html><body>Not Found</body></html>",
    )])
    .await;
    let message = upstream_message(
        site(&base)
            .get_json::<Value>("the seed", "x")
            .await
            .unwrap_err(),
    );
    assert_eq!(message, "example.test refused the seed: HTTP 404");
}

#[tokio::test]
async fn a_stalled_site_fails_after_the_time_limit() {
    let (base, hits) = serve(vec![Reply(
        200,
        "application/json",
        "{}".into(),
        Duration::from_secs(5),
    )])
    .await;
    let started = std::time::Instant::now();
    let err = site(&base)
        .with_timeout(Duration::from_millis(200))
        .with_attempts(2)
        .get_json::<Value>("the seed", "x")
        .await
        .unwrap_err();
    let message = upstream_message(err);
    assert!(message.contains("did not answer within"), "{message}");
    assert_eq!(hits.load(Ordering::SeqCst), 2, "a timeout is tried again");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "it did not wait for the site"
    );
}

#[tokio::test]
async fn an_unreadable_answer_is_an_upstream_error() {
    let (base, _) = serve(vec![reply(200, "application/json", "{not json")]).await;
    let message = upstream_message(
        site(&base)
            .get_json::<Value>("the seed", "x")
            .await
            .unwrap_err(),
    );
    assert!(message.contains("cannot read"), "{message}");

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Answer {
        hash: String,
    }
    let (base, _) = serve(vec![reply(200, "application/json", r#"{"hsh":"x"}"#)]).await;
    let message = upstream_message(
        site(&base)
            .get_json::<Answer>("the seed", "x")
            .await
            .unwrap_err(),
    );
    assert!(message.contains("missing field `hash`"), "{message}");
}

#[tokio::test]
async fn nobody_listening_is_tried_again_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let message = upstream_message(
        site(&base)
            .get_json::<Value>("the seed", "x")
            .await
            .unwrap_err(),
    );
    assert!(
        message.contains("could not be reached (3 attempts)"),
        "{message}"
    );
}

#[test]
fn base_urls_are_checked_and_keep_their_path() {
    for bad in [
        "alttpr.com",
        "ftp://alttpr.com",
        "https://alttpr.com/?x=1",
        "",
    ] {
        let err = Upstream::new("alttpr.com", bad).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "base_url"),
            "{bad}: {err:?}"
        );
    }
    let site = Upstream::new("x", "http://127.0.0.1:9/prefix").unwrap();
    assert_eq!(
        site.url("/api/randomizer").unwrap().as_str(),
        "http://127.0.0.1:9/prefix/api/randomizer"
    );
    let configured = Upstream::from_config(
        "x",
        &json!({"base_url": " "}),
        "base_url",
        "https://alttpr.com",
    )
    .unwrap();
    assert_eq!(
        configured.url("a").unwrap().as_str(),
        "https://alttpr.com/a"
    );
}
