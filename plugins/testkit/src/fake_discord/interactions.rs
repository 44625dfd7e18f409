//! What a person does in Discord, simulated against the bot connected to the fake: using a
//! slash command, typing into an autocompleted option, clicking a button — each sent over the
//! gateway as an interaction, then waiting for the bot's answer.

use super::*;

impl FakeDiscord {
    /// Uses the slash command `name` in server `guild_id` as Discord user `user_id`, with
    /// `options` (a JSON object of option name → string, integer, boolean or number), and waits
    /// for the bot's answer (up to 15 seconds). A deferred answer waits for the follow-up.
    pub async fn use_command(
        &self,
        guild_id: &str,
        user_id: &str,
        name: &str,
        options: Value,
    ) -> Result<InteractionReply, String> {
        let interaction_id = self.shared.next_id();
        let token = format!("interaction-token-{interaction_id}");
        let payload = interaction_payload(&InteractionSpec {
            interaction_id: &interaction_id,
            token: &token,
            command_id: &self.shared.next_id(),
            guild_id,
            channel_id: "1100000000000000001",
            user_id,
            name,
            options: &options,
        });
        self.interact(&token, payload, &format!("/{name}")).await
    }

    /// Types `typed` into option `focused` of `/name` in server `guild_id` as Discord user
    /// `user_id`, with the other `options` filled in (a JSON object), and waits for the bot's
    /// suggestions (an APPLICATION_COMMAND_AUTOCOMPLETE interaction, answered with type 8).
    pub async fn autocomplete(
        &self,
        guild_id: &str,
        user_id: &str,
        name: &str,
        options: Value,
        focused: &str,
        typed: &str,
    ) -> Result<InteractionReply, String> {
        let interaction_id = self.shared.next_id();
        let token = format!("interaction-token-{interaction_id}");
        let mut payload = interaction_payload(&InteractionSpec {
            interaction_id: &interaction_id,
            token: &token,
            command_id: &self.shared.next_id(),
            guild_id,
            channel_id: "1100000000000000001",
            user_id,
            name,
            options: &options,
        });
        payload["type"] = json!(4);
        let typing = json!({ "name": focused, "type": 3, "value": typed, "focused": true });
        match payload["data"]["options"].as_array_mut() {
            Some(list) => list.push(typing),
            None => payload["data"]["options"] = json!([typing]),
        }
        self.interact(
            &token,
            payload,
            &format!("autocomplete of /{name} {focused}"),
        )
        .await
    }

    /// Clicks the button `custom_id` on a message in `channel_id` of server `guild_id` as
    /// Discord user `user_id`, and waits for the bot's answer (a deferred one waits for the
    /// follow-up).
    pub async fn click_button(
        &self,
        guild_id: &str,
        channel_id: &str,
        user_id: &str,
        custom_id: &str,
    ) -> Result<InteractionReply, String> {
        let interaction_id = self.shared.next_id();
        let token = format!("interaction-token-{interaction_id}");
        let message_id = self.shared.next_id();
        let mut message = message_json(&message_id, channel_id, "", 0);
        message["components"] = json!([{ "type": 1, "components": [
            { "type": 2, "style": 1, "label": "button", "custom_id": custom_id }
        ]}]);
        let mut payload = interaction_payload(&InteractionSpec {
            interaction_id: &interaction_id,
            token: &token,
            command_id: "",
            guild_id,
            channel_id,
            user_id,
            name: "",
            options: &Value::Null,
        });
        payload["type"] = json!(3);
        payload["data"] = json!({ "custom_id": custom_id, "component_type": 2 });
        payload["message"] = message;
        self.interact(&token, payload, &format!("the button {custom_id}"))
            .await
    }

    /// Sends an interaction and waits (up to 15 seconds) for the bot's answer to it.
    async fn interact(
        &self,
        token: &str,
        payload: Value,
        what: &str,
    ) -> Result<InteractionReply, String> {
        let (done, answered) = oneshot::channel();
        let sent = self.shared.with(|i| {
            i.pending.insert(
                token.to_string(),
                Pending {
                    callback: None,
                    done: Some(done),
                },
            );
            dispatch(i, "INTERACTION_CREATE", payload)
        });
        if !sent {
            return Err("no bot is connected to the fake gateway".into());
        }
        match tokio::time::timeout(Duration::from_secs(15), answered).await {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(_)) => Err("the interaction was dropped".into()),
            Err(_) => Err(format!(
                "the bot did not answer {what} within 15 seconds; requests seen: {:?}",
                self.requests()
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.path))
                    .collect::<Vec<_>>()
            )),
        }
    }
}

pub(super) struct InteractionSpec<'a> {
    pub(super) interaction_id: &'a str,
    pub(super) token: &'a str,
    pub(super) command_id: &'a str,
    pub(super) guild_id: &'a str,
    pub(super) channel_id: &'a str,
    pub(super) user_id: &'a str,
    pub(super) name: &'a str,
    pub(super) options: &'a Value,
}
