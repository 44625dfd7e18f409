//! [`Bingosync`]: the randomizer this plugin gives the host. A "seed" here is a Bingosync room:
//! `generate` makes one through the site's own room form, as a browser would
//! (docs/upstreams/randomizers.md §8.1) — Bingosync has no API for it:
//!
//! 1. `GET {base}/`: the page with the room form. Django's CSRF protection needs two things
//!    from it, sent back with the form: the token in the form (`csrfmiddlewaretoken`) and the
//!    `csrftoken` cookie. The shared HTTP client keeps no cookies, so the `Set-Cookie` values
//!    are read here and sent back as `Cookie` by hand.
//! 2. `POST {base}/` with the form ([`crate::rules::room_form`]), `Referer` and `Origin` (Django
//!    checks the Referer on HTTPS). A room made is a **302** to `/room/{id}`, read from
//!    `Location` (the client follows no redirects); a 200 is the form again — the room was
//!    refused, and the page says why; a 403 is the CSRF check failing.
//!
//! The room's password is the preset's, or one drawn from the roll's random seed: Bingosync
//! requires one, and players need it to join, so it is kept in the seed's settings (shown with
//! the seed) and metadata. The creator's `sessionid` cookie that the POST sets is not kept: it
//! is a credential for the room; a new card (`new_card`) joins the room again with its password.

use async_trait::async_trait;
use serde_json::{json, Value};

use sdk::{
    randomizer::{forms, upstream::Upstream, GenerateRequest, Randomizer, Seed},
    Error,
};

use crate::rules::{self, RoomForm};

mod new_card;

pub use new_card::new_card;

/// The site, when the site's administrators set no other.
pub const DEFAULT_BASE_URL: &str = "https://bingosync.com";

/// The Bingosync "randomizer": rooms with a bingo card.
#[derive(Debug, Default)]
pub struct Bingosync;

impl Bingosync {
    fn site(config: &Value) -> Result<Upstream, Error> {
        Upstream::from_config("bingosync.com", config, "base_url", DEFAULT_BASE_URL)
    }

    /// Step 1: the CSRF token and the cookies to send back with it.
    async fn csrf(site: &Upstream) -> Result<(String, String), Error> {
        let page = site
            .send("the room", "", |client, url| client.get(url))
            .await?;
        let cookies = forms::cookie_header(
            page.headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok()),
        );
        let html = site.text(page).await?;
        let token = forms::csrf_token(&html).ok_or_else(|| {
            Error::upstream(
                site.service(),
                format!(
                    "{}'s room page has no CSRF token (no `csrfmiddlewaretoken` in its form), so no room can be made; the site may have changed.",
                    site.service()
                ),
            )
        })?;
        let cookies = cookies.ok_or_else(|| {
            Error::upstream(
                site.service(),
                format!(
                    "{} set no CSRF cookie with its room page, so no room can be made; the site may have changed.",
                    site.service()
                ),
            )
        })?;
        Ok((token, cookies))
    }

    /// Step 2: posts the room form; the room's id.
    async fn create_room(
        site: &Upstream,
        form: &RoomForm,
        token: String,
        cookies: &str,
    ) -> Result<String, Error> {
        let home = site.url("")?;
        let origin = home.origin().ascii_serialization();
        let mut fields: Vec<(&str, String)> = vec![("csrfmiddlewaretoken", token)];
        fields.extend(form.fields.iter().cloned());
        // A 403 is read here (the CSRF check), a 200 too (any 2xx or 3xx is returned).
        let response = site
            .send_allowing("the room", "", &[403], |client, url| {
                client
                    .post(url)
                    .header("cookie", cookies)
                    .header("referer", home.as_str())
                    .header("origin", origin.as_str())
                    .form(&fields)
            })
            .await?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            return rules::room_id(location).ok_or_else(|| {
                Error::upstream(
                    site.service(),
                    format!(
                        "{} answered the room form with a redirect to `{location}`, which is not a room.",
                        site.service()
                    ),
                )
            });
        }
        if status.as_u16() == 403 {
            return Err(Error::upstream(
                site.service(),
                format!(
                    "{} refused the room: its CSRF check failed (HTTP 403). Try again; if it keeps failing, the site may have changed.",
                    site.service()
                ),
            ));
        }
        // "200 means it failed": the form came back, with its errors.
        let html = site.text(response).await.unwrap_or_default();
        let errors = forms::form_errors(&html);
        Err(Error::upstream(
            site.service(),
            if errors.is_empty() {
                format!(
                    "{} did not make the room: it answered with its room form again (HTTP {}) without saying why.",
                    site.service(),
                    status.as_u16()
                )
            } else {
                format!(
                    "{} did not make the room: {}",
                    site.service(),
                    errors.join("; ")
                )
            },
        ))
    }
}

#[async_trait]
impl Randomizer for Bingosync {
    fn id(&self) -> &'static str {
        crate::PLUGIN_ID
    }

    fn name(&self) -> &'static str {
        "Bingosync"
    }

    fn settings_schema(&self) -> Value {
        rules::settings_schema()
    }

    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            return Err(Error::invalid(
                "yaml",
                "Bingosync does not take mystery weightsets.",
            ));
        }
        rules::check_preset(settings)
    }

    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
        // The preset first (as when it was saved) and the form: what Bingosync would refuse is
        // reported before any call.
        rules::check_preset(&request.settings)?;
        let form = rules::room_form(rules::settings_of(&request.settings), request.rng_seed)?;
        let site = Self::site(&request.config)?;
        let (token, cookies) = Self::csrf(&site).await?;
        let room_id = Self::create_room(&site, &form, token, &cookies).await?;
        let url = site.url(&format!("room/{room_id}"))?.to_string();
        Ok(Seed {
            url,
            hash: Some(room_id.clone()),
            permalink: None,
            spoiler_url: None,
            spoiler_log: None,
            file_select_code: None,
            metadata: json!({
                "room_id": room_id,
                "password": form.passphrase,
                "room_name": form.room_name,
                "seed": form.seed,
            }),
            settings: form.settings,
        })
    }
}
