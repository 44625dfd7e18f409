//! What the bot says: the [`CommandReply`] to a command or click, the [`OutgoingMessage`] a
//! plugin posts through [`DiscordRest::send`](super::DiscordRest::send), and the [`Button`]s
//! under either, with Discord's JSON for them ([`components_json`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommandReply {
    pub content: String,
    /// Only the person who used the command sees it.
    pub ephemeral: bool,
    /// Buttons under the reply (one row, at most five).
    #[serde(default)]
    pub buttons: Vec<Button>,
    /// An embed under the text: title and description (Discord markdown).
    #[serde(default)]
    pub embed: Option<(String, String)>,
}

impl CommandReply {
    pub fn public(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            ephemeral: false,
            buttons: Vec::new(),
            embed: None,
        }
    }

    pub fn private(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            ephemeral: true,
            buttons: Vec::new(),
            embed: None,
        }
    }

    pub fn with_buttons(mut self, buttons: Vec<Button>) -> Self {
        self.buttons = buttons;
        self
    }

    pub fn with_embed(mut self, title: impl Into<String>, description: impl Into<String>) -> Self {
        self.embed = Some((title.into(), description.into()));
        self
    }
}

/// How a button looks (Discord's button styles 1–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Success,
    Danger,
}

impl ButtonStyle {
    /// Discord's number for the style.
    pub fn code(self) -> u8 {
        match self {
            Self::Primary => 1,
            Self::Secondary => 2,
            Self::Success => 3,
            Self::Danger => 4,
        }
    }
}

/// A button on a message. Its `custom_id` comes back when someone clicks it, so it carries what
/// the handler needs (e.g. `async:ready:42`): buttons keep working after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Button {
    /// At most 100 characters; starts with the prefix of a registered
    /// [`BotComponent`](super::BotComponent).
    pub custom_id: String,
    pub label: String,
    pub style: ButtonStyle,
}

impl Button {
    pub fn new(custom_id: impl Into<String>, label: impl Into<String>, style: ButtonStyle) -> Self {
        Self {
            custom_id: custom_id.into(),
            label: label.into(),
            style,
        }
    }
}

/// Discord's JSON for one row of buttons (an action row), empty when there are none.
pub fn components_json(buttons: &[Button]) -> Value {
    if buttons.is_empty() {
        return Value::Array(Vec::new());
    }
    let row: Vec<Value> = buttons
        .iter()
        .take(5)
        .map(|b| {
            serde_json::json!({
                "type": 2,
                "style": b.style.code(),
                "label": b.label.chars().take(80).collect::<String>(),
                "custom_id": b.custom_id,
            })
        })
        .collect();
    serde_json::json!([{ "type": 1, "components": row }])
}

/// A message with an embed and buttons, as plugins post it through
/// [`DiscordRest::send`](super::DiscordRest::send).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutgoingMessage {
    pub content: String,
    /// An embed: title and description (Discord markdown).
    pub embed: Option<(String, String)>,
    pub buttons: Vec<Button>,
}

impl OutgoingMessage {
    /// Discord's JSON body for `POST /channels/{id}/messages`.
    pub fn to_json(&self) -> Value {
        let mut body = serde_json::json!({
            "content": self.content,
            "components": components_json(&self.buttons),
        });
        if let Some((title, description)) = &self.embed {
            body["embeds"] = serde_json::json!([{
                "title": title.chars().take(256).collect::<String>(),
                "description": description.chars().take(4096).collect::<String>(),
            }]);
        }
        body
    }
}
