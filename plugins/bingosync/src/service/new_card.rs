//! A new card in a room a roll made (docs/upstreams/randomizers.md §8.2): the site takes
//! `PUT /api/new-card` only from a player in the room, so the bot joins it again first —
//! `POST /api/join-room` with the room's password (kept with the seed: players need it too)
//! as a spectator, whose answer sets the `sessionid` cookie — and sends the card with that
//! cookie. Nothing is kept between calls: no session, no credential for the site.
//!
//! [`new_card`] is what the API and the Discord button call: the caller must hold `seed:roll`
//! in the organization whose seed history has the room, Bingosync must be on there, and the
//! card is audited (`bingosync.new_card`) once the site took it.

use serde_json::{json, Value};

use sdk::{context::Platform, randomizer::forms, Actor, Error};

use super::Bingosync;
use crate::{api::NewCardMade, rules};

impl Bingosync {
    /// Joins the card's room and puts the new `card` in it.
    pub async fn put_new_card(config: &Value, card: &rules::NewCard) -> Result<(), Error> {
        let site = Self::site(config)?;
        let room = card.body["room"].as_str().unwrap_or_default().to_string();
        // A 302 to the socket-key page is a joined room; a 400 says why not (wrong password).
        let joined = site
            .send_allowing("the room", "api/join-room", &[400], |client, url| {
                client.post(url).json(&json!({
                    "room": room,
                    "nickname": card.nickname,
                    "password": card.password,
                    // The site reads this misspelt key.
                    "is_specator": true,
                }))
            })
            .await?;
        if joined.status().as_u16() == 400 {
            let text = site.text(joined).await.unwrap_or_default();
            let said = site_said(text);
            return Err(Error::upstream(
                site.service(),
                format!(
                    "{} did not let the bot into the room: {said}",
                    site.service()
                ),
            ));
        }
        let session = forms::cookie_header(
            joined
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter(|c| c.trim_start().starts_with("sessionid=")),
        )
        .ok_or_else(|| {
            Error::upstream(
                site.service(),
                format!(
                    "{} let the bot join the room without a session, so no new card can be put in it; the site may have changed.",
                    site.service()
                ),
            )
        })?;
        let answer = site
            .send_allowing(
                "the new card",
                "api/new-card",
                &[400, 403, 404],
                |client, url| {
                    client
                        .put(url)
                        .header("cookie", session.as_str())
                        .json(&card.body)
                },
            )
            .await?;
        let status = answer.status().as_u16();
        if status == 200 {
            return Ok(());
        }
        let text = site.text(answer).await.unwrap_or_default();
        let said = site_said(text);
        Err(Error::upstream(
            site.service(),
            match status {
                404 => format!("{} no longer has this room.", site.service()),
                403 => format!(
                    "{} refused the new card: the bot is not in the room (HTTP 403).",
                    site.service()
                ),
                _ => format!("{} refused the new card: {said}", site.service()),
            },
        ))
    }
}

/// What the site said in a refusal: the `error` of its JSON answer, else the text as it came.
fn site_said(text: String) -> String {
    serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string))
        .unwrap_or(text)
}

/// Puts a new card in the room of seed `seed_id` of organization `org_id`, as `actor`.
pub async fn new_card(
    platform: &Platform,
    org_id: i64,
    actor: &Actor,
    seed_id: i64,
) -> Result<NewCardMade, Error> {
    platform
        .plugins
        .ensure_enabled(org_id, crate::PLUGIN_ID)
        .await?;
    let Some(user) = &actor.user else {
        return Err(Error::unauthenticated(
            "Sign in to put a new card in a room.",
        ));
    };
    if !platform
        .authorizer
        .allowed(user, org_id, presets::actions::SEED_ROLL)
        .await?
    {
        return Err(Error::forbidden(
            "You may not roll seeds (or make new cards) for this organization.",
        ));
    }
    let seed = presets::service::Presets::new(platform.clone())
        .seed(org_id, actor, seed_id)
        .await?;
    if seed.randomizer != crate::PLUGIN_ID {
        return Err(Error::invalid(
            "seed_id",
            format!("Seed #{seed_id} is not a Bingosync room."),
        ));
    }
    let settings = seed.settings.clone().unwrap_or(Value::Null);
    let room_id = seed.hash.clone().unwrap_or_default();
    let card = rules::new_card(&room_id, &settings, rand::random())?;
    let config = platform
        .plugins
        .effective_config(org_id, crate::PLUGIN_ID)
        .await?;
    Bingosync::put_new_card(&config, &card).await?;
    let mut tx = platform.db.begin().await?;
    actor
        .audit(
            &mut tx,
            Some(org_id),
            "bingosync.new_card",
            json!({"seed_id": seed_id, "room": room_id, "card_seed": card.seed}),
        )
        .await?;
    tx.commit().await?;
    Ok(NewCardMade {
        seed_id,
        url: seed.url,
        card_seed: card.seed,
    })
}
