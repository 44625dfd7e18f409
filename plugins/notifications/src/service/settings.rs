//! A user's own settings in an organization: which notifications they get and by which
//! channel, their quiet hours (read in their profile's time zone), and the test message.

use sdk::{Actor, Error};
use serde_json::json;

use super::{queue, Notifications};
use crate::{
    actions,
    model::{ChannelOption, Delivery, MySettings, Rights, Subscription, SubscriptionInput},
    repo::{self, settings::StoredSubscription},
    rules::{self, messages, Channel, EventType},
};

impl Notifications {
    /// What the caller may do here.
    pub async fn rights(&self, org_id: i64, actor: &Actor) -> Result<Rights, Error> {
        self.require(actor, org_id, actions::SUBSCRIBE).await?;
        let admin = self.require(actor, org_id, actions::ADMIN).await.is_ok();
        Ok(Rights { admin })
    }

    /// The caller's settings, defaults filled in.
    pub async fn my_settings(&self, org_id: i64, actor: &Actor) -> Result<MySettings, Error> {
        self.require(actor, org_id, actions::SUBSCRIBE).await?;
        let user_id = actor.id()?;
        let mut conn = self.db().pool().acquire().await?;
        let stored = repo::settings::subscriptions(&mut conn, org_id, user_id).await?;
        let quiet = repo::settings::quiet_hours(&mut conn, org_id, user_id).await?;
        let recipient = repo::sources::recipient(&mut conn, user_id).await?;
        let subscriptions = EventType::ALL
            .into_iter()
            .filter(|t| t.subscribable())
            .map(|t| {
                let choice = stored.iter().find(|s| s.event_type == t.key());
                Subscription {
                    event_type: t.key().into(),
                    label: t.label().into(),
                    description: t.description().into(),
                    enabled: rules::is_subscribed(t, choice.map(|c| c.enabled)),
                    channel: choice
                        .and_then(|c| Channel::from_key(&c.channel))
                        .unwrap_or_default()
                        .key()
                        .into(),
                }
            })
            .collect();
        Ok(MySettings {
            subscriptions,
            channels: Channel::ALL
                .into_iter()
                .map(|c| ChannelOption {
                    key: c.key().into(),
                    label: c.label().into(),
                })
                .collect(),
            quiet_start: quiet.map(|q| rules::format_clock(q.start_minute)),
            quiet_end: quiet.map(|q| rules::format_clock(q.end_minute)),
            time_zone: recipient.time_zone,
            discord_linked: recipient.discord_id.is_some_and(|d| !d.is_empty()),
        })
    }

    /// Saves the caller's choices (the kinds they list; others keep theirs) and quiet hours.
    pub async fn save_settings(
        &self,
        org_id: i64,
        actor: &Actor,
        subscriptions: &[SubscriptionInput],
        quiet_start: Option<&str>,
        quiet_end: Option<&str>,
        now: i64,
    ) -> Result<MySettings, Error> {
        self.require(actor, org_id, actions::SUBSCRIBE).await?;
        let user_id = actor.id()?;
        if subscriptions.len() > EventType::ALL.len() {
            return Err(Error::invalid("subscriptions", "Too many subscriptions."));
        }
        let mut choices: Vec<StoredSubscription> = Vec::new();
        for input in subscriptions {
            let event_type = EventType::parse("event_type", &input.event_type)?;
            if !event_type.subscribable() {
                return Err(Error::invalid(
                    "event_type",
                    format!("{} cannot be switched off or on.", event_type.label()),
                ));
            }
            let channel = Channel::parse("channel", &input.channel)?;
            if choices.iter().any(|c| c.event_type == event_type.key()) {
                return Err(Error::invalid(
                    "event_type",
                    format!("{} is listed twice.", event_type.label()),
                ));
            }
            choices.push(StoredSubscription {
                event_type: event_type.key().into(),
                enabled: input.enabled,
                channel: channel.key().into(),
            });
        }
        let quiet = rules::clean_quiet_hours(quiet_start, quiet_end)?;
        let mut tx = self.db().begin().await?;
        for choice in &choices {
            repo::settings::save_subscription(&mut tx, org_id, user_id, choice, now).await?;
        }
        repo::settings::save_quiet_hours(&mut tx, org_id, user_id, quiet, now).await?;
        let details = json!({
            "subscriptions": choices.iter().map(|c| json!({"event_type": c.event_type, "enabled": c.enabled, "channel": c.channel})).collect::<Vec<_>>(),
            "quiet_start": quiet.map(|q| rules::format_clock(q.start_minute)),
            "quiet_end": quiet.map(|q| rules::format_clock(q.end_minute)),
        });
        actor
            .audit(&mut tx, Some(org_id), "notifications.settings", details)
            .await?;
        tx.commit().await?;
        self.my_settings(org_id, actor).await
    }

    /// Queues a test message to the caller and tries it at once (quiet hours do not hold it
    /// back: they asked for it now). The delivery as it stands after that try: sent, or
    /// pending/dead with the reason.
    pub async fn send_test(&self, org_id: i64, actor: &Actor, now: i64) -> Result<Delivery, Error> {
        self.require(actor, org_id, actions::SUBSCRIBE).await?;
        let user_id = actor.id()?;
        let mut tx = self.db().begin().await?;
        let recipient = repo::sources::recipient(&mut tx, user_id).await?;
        if recipient.discord_id.is_none_or(|d| d.is_empty()) {
            return Err(Error::invalid(
                "discord",
                "You have no Discord account linked, so no direct message can reach you. Sign in with Discord once to link it, then try again.",
            ));
        }
        let organization = repo::sources::organization_name(&mut tx, org_id).await?;
        let message = messages::test(&organization);
        let key = rules::test_key(user_id, now, rand_nonce());
        let item = queue::Item {
            org_id,
            user_id,
            event_type: EventType::Test,
            key: &key,
            message: &message,
            expires_at: None,
        };
        let id = queue::queue_one(&mut tx, &item, now)
            .await?
            .ok_or_else(|| Error::conflict("That test message is queued already."))?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "notifications.test",
                json!({"delivery_id": id}),
            )
            .await?;
        tx.commit().await?;
        self.deliver_one(id, now).await?;
        repo::outbox::get(self.db(), org_id, id)
            .await?
            .ok_or_else(|| Error::not_found("The test message is gone."))
    }
}

/// A random part for keys that must never repeat (two clicks in the same millisecond).
fn rand_nonce() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    hasher.finish()
}
