//! The bot's websocket to one room (`/ws/o/bot/<slug>`, docs/upstreams/racetime.md §5): the
//! token goes in the `Authorization` header of the handshake; frames are JSON objects with a
//! `type`; actions go out as `{"action", "data"}` with `data` always an object.

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, http::HeaderValue, Message},
    MaybeTlsStream, WebSocketStream,
};

use super::site::SiteError;

pub type Stream = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// `http(s)://host` + `/ws/o/bot/<slug>` → `ws(s)://host/ws/o/bot/<slug>`.
pub fn socket_url(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    let base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_string()
    };
    format!("{base}{path}")
}

/// Opens the room's socket with the bot's token; at most `sdk::http::TIMEOUT` for the handshake.
pub async fn connect(base: &str, path: &str, token: &str) -> Result<Stream, SiteError> {
    let mut request = socket_url(base, path)
        .into_client_request()
        .map_err(|e| SiteError::Unavailable(format!("bad room socket address: {e}")))?;
    let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|e| SiteError::Unavailable(format!("unusable token: {e}")))?;
    request.headers_mut().insert("Authorization", bearer);
    let connecting = tokio_tungstenite::connect_async(request);
    match tokio::time::timeout(sdk::http::TIMEOUT, connecting).await {
        Ok(Ok((stream, _))) => Ok(stream),
        Ok(Err(e)) => Err(SiteError::Unavailable(format!(
            "the room socket did not open: {e}"
        ))),
        Err(_) => Err(SiteError::Unavailable(
            "the room socket did not open in time".into(),
        )),
    }
}

/// Sends one action.
pub async fn send(stream: &mut Stream, action: &str, data: Value) -> Result<(), SiteError> {
    let frame = json!({"action": action, "data": data}).to_string();
    stream
        .send(Message::text(frame))
        .await
        .map_err(|e| SiteError::Unavailable(format!("the room socket dropped: {e}")))
}

/// The next JSON frame; None when the socket closed. Pings, pongs and unreadable frames are
/// skipped (a frame we cannot read must not end the watch).
pub async fn next(stream: &mut Stream) -> Option<Value> {
    loop {
        match stream.next().await? {
            Ok(Message::Text(text)) => {
                if let Ok(value) = serde_json::from_str::<Value>(text.as_str()) {
                    return Some(value);
                }
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_urls_follow_the_site_scheme() {
        assert_eq!(
            socket_url("https://racetime.gg", "/ws/o/bot/a-b-1"),
            "wss://racetime.gg/ws/o/bot/a-b-1"
        );
        assert_eq!(
            socket_url("http://127.0.0.1:9/", "/ws/o/bot/x"),
            "ws://127.0.0.1:9/ws/o/bot/x"
        );
    }
}
