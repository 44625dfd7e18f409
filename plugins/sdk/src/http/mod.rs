//! Outgoing HTTP: one client for every call the platform and its plugins make to other sites
//! (Discord, RaceTime.gg, randomizer APIs, …), and the OAuth2 authorization-code flow built on
//! it ([`oauth`]).
//!
//! Why one client: a `reqwest::Client` holds a connection pool and TLS state, so building one per
//! call throws both away; and the rules every outgoing call must follow live in one place:
//! - every call ends: a stalled upstream fails after [`TIMEOUT`] instead of holding the request
//!   or the task that made it;
//! - redirects are not followed: a token endpoint or an API answering with a redirect could
//!   otherwise send us (with credentials) somewhere the configuration never named;
//! - the user agent names SahaBot, as the public APIs we call ask their clients to;
//! - an answer is read with a budget ([`read_limited`]), never all at once whatever its size.
//!
//! Base URLs always come from configuration, so tests point them at the test kit's fakes.

pub mod oauth;

use std::{sync::LazyLock, time::Duration};

/// URLs as the client takes them, so callers need no HTTP crate of their own.
pub use reqwest::Url;

/// How long any outgoing call may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(15);

static CLIENT: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("SahaBot/", env!("CARGO_PKG_VERSION")))
        .build()
        // Only a broken TLS backend makes building fail; no request could be made then either.
        .unwrap_or_default()
});

/// The shared client. Cheap to call: clones share one connection pool.
pub fn client() -> reqwest::Client {
    CLIENT.clone()
}

/// An answer's body, read chunk by chunk up to `max_bytes`: a larger answer (announced by its
/// Content-Length or found while reading) is refused before it is all in memory. The error is a
/// short phrase for the caller's message ("SpeedGaming's answer: …").
pub async fn read_limited(
    mut response: reqwest::Response,
    max_bytes: usize,
) -> Result<Vec<u8>, String> {
    let too_large = || {
        format!(
            "it is larger than the {} accepted",
            size_in_words(max_bytes)
        )
    };
    if response
        .content_length()
        .is_some_and(|n| n > max_bytes as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > max_bytes {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) if e.is_timeout() => return Err("it did not arrive in time".into()),
            Err(_) => return Err("it broke off".into()),
        }
    }
}

/// `4 MiB`, `512 KiB`, `100 bytes`.
fn size_in_words(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_said_in_the_unit_they_were_set_in() {
        assert_eq!(size_in_words(4 << 20), "4 MiB");
        assert_eq!(size_in_words(512 << 10), "512 KiB");
        assert_eq!(size_in_words(1000), "1000 bytes");
    }

    #[tokio::test]
    async fn the_shared_client_does_not_follow_redirects() {
        use tokio::{
            io::{AsyncReadExt, AsyncWriteExt},
            net::TcpListener,
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let answer = "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            socket.write_all(answer.as_bytes()).await.unwrap();
        });
        let response = client()
            .get(format!("http://{addr}/token"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            302,
            "the redirect is returned, not followed"
        );
    }
}
