//! The fake's direct messages: opening the DM channel with a user (`POST /users/@me/channels`,
//! the same channel each time), messages to it (recorded in [`FakeDiscord::dms`], or refused
//! while [`FakeDiscord::fail_next_dms`] says so). `rest` routes both here.

use super::rest::{custom_ids, embed_of, error, message_json, user_json};
use super::*;

/// A direct message the app sent (`POST /users/@me/channels`, then
/// `POST /channels/{dm}/messages`), as [`FakeDiscord::dms`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentDm {
    /// The message's id (as the fake answered it).
    pub id: String,
    /// The Discord user it went to.
    pub user_id: String,
    /// The DM channel the fake opened for that user.
    pub channel_id: String,
    pub content: String,
    /// The first embed's title and description, when it had one.
    pub embed: Option<(String, String)>,
    /// The custom ids of its buttons, in order.
    pub custom_ids: Vec<String>,
}

impl FakeDiscord {
    /// Direct messages sent to users, oldest first. Refused ones ([`FakeDiscord::fail_next_dms`])
    /// are not listed (they are in [`FakeDiscord::requests`]).
    pub fn dms(&self) -> Vec<SentDm> {
        self.shared.with(|i| i.dms.clone())
    }

    /// Refuses the next `n` direct messages (the `POST /channels/{dm}/messages` after opening
    /// the DM channel) with `status`: 403 answers Discord's "Cannot send messages to this user"
    /// (code 50007), anything else a generic error with that status. Opening the DM channel
    /// still succeeds, as on Discord.
    pub fn fail_next_dms(&self, n: usize, status: u16) {
        self.shared
            .with(|i| i.failing_dms = (n > 0).then_some((n, status)));
    }
}

/// `POST /users/@me/channels`: the DM channel with `recipient_id`.
pub(super) fn open_channel(shared: &Shared, body: &Value) -> Response {
    let Some(user) = body
        .get("recipient_id")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty() && u.bytes().all(|b| b.is_ascii_digit()))
    else {
        return error(StatusCode::BAD_REQUEST, "Invalid Form Body: recipient_id");
    };
    let existing = shared.with(|i| {
        i.dm_channels
            .iter()
            .find(|(_, u)| u.as_str() == user)
            .map(|(c, _)| c.clone())
    });
    let channel = existing.unwrap_or_else(|| {
        let id = shared.next_id();
        shared.with(|i| i.dm_channels.insert(id.clone(), user.to_string()));
        id
    });
    Json(json!({
        "id": channel, "type": 1, "last_message_id": null,
        "recipients": [user_json(user, "recipient", false)],
    }))
    .into_response()
}

/// A message to a DM channel: refused while [`FakeDiscord::fail_next_dms`] says so, otherwise
/// recorded in `dms`.
pub(super) fn direct_message(shared: &Shared, channel: &str, body: &Value) -> Response {
    let failing = shared.with(|i| match i.failing_dms {
        Some((n, status)) => {
            i.failing_dms = (n > 1).then_some((n - 1, status));
            Some(status)
        }
        None => None,
    });
    if let Some(status) = failing {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status == StatusCode::FORBIDDEN {
            return (
                status,
                Json(json!({ "message": "Cannot send messages to this user", "code": 50007 })),
            )
                .into_response();
        }
        return error(status, "The fake Discord refused this direct message");
    }
    let content = body
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let id = shared.next_id();
    shared.with(|i| {
        let user_id = i.dm_channels.get(channel).cloned().unwrap_or_default();
        i.dms.push(SentDm {
            id: id.clone(),
            user_id,
            channel_id: channel.to_string(),
            content: content.clone(),
            embed: embed_of(body),
            custom_ids: custom_ids(body),
        })
    });
    Json(message_json(&id, channel, &content, 0)).into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn direct_messages_are_recorded_and_can_fail() {
        let fake = FakeDiscord::start().await;
        let rest = sdk::bot::DiscordRest::new(format!("{}/v10", fake.api_url()), "token");
        let message = sdk::bot::OutgoingMessage {
            content: "Your match starts soon".into(),
            embed: Some(("Match".into(), "In 30 minutes".into())),
            buttons: Vec::new(),
        };
        let id = rest.send_dm("4200000000000001", &message).await.unwrap();
        rest.send_dm("4200000000000001", &message).await.unwrap();
        let dms = fake.dms();
        assert_eq!(dms.len(), 2);
        assert_eq!(dms[0].id, id);
        assert_eq!(dms[0].user_id, "4200000000000001");
        assert_eq!(dms[0].content, "Your match starts soon");
        assert_eq!(dms[0].embed, Some(("Match".into(), "In 30 minutes".into())));
        // The same DM channel both times, and DMs are not channel messages.
        assert_eq!(dms[0].channel_id, dms[1].channel_id);
        assert!(fake.messages().is_empty());
        // Refusals: 403 with Discord's message, then 500, then it works again.
        fake.fail_next_dms(2, 403);
        let e = rest
            .send_dm("4200000000000002", &message)
            .await
            .unwrap_err();
        assert!(
            e.message().contains("Cannot send messages to this user"),
            "{e}"
        );
        assert!(rest.send_dm("4200000000000002", &message).await.is_err());
        fake.fail_next_dms(1, 500);
        let e = rest
            .send_dm("4200000000000002", &message)
            .await
            .unwrap_err();
        assert!(e.message().contains("500"), "{e}");
        rest.send_dm("4200000000000002", &message).await.unwrap();
        assert_eq!(fake.dms().len(), 3);
        // A user id that is not a snowflake never reaches Discord.
        let before = fake.requests().len();
        assert!(rest.send_dm("../x", &message).await.is_err());
        assert_eq!(fake.requests().len(), before);
    }
}
