//! [`Ctjets`]: the randomizer this plugin gives the host. `generate` rolls a seed through the
//! web generator's own form, as a browser would (docs/upstreams/randomizers.md §9.2):
//!
//! 1. `GET {base}/options/`: the options page. Django's CSRF protection needs two things from
//!    it, sent back with the form: the token in the form (`csrfmiddlewaretoken`) and the
//!    `csrftoken` cookie. The shared HTTP client keeps no cookies, so the `Set-Cookie` values
//!    are read here and sent back as `Cookie` by hand.
//! 2. `POST {base}/generate-rom/` with the complete form ([`crate::rules::generate_form`]),
//!    `Referer` (the options page) and `Origin`. The current generator answers a seed with a
//!    **302** to `/share/{share_id}`, read from `Location` (the client follows no redirects); an
//!    answer of 200 is read as the seed page SahasrahBot's flow got, whose "Seed share link"
//!    anchor holds the id. A 404 is the generator's error page listing the form fields it
//!    refused, a 403 the CSRF check failing.
//!
//! No ROM is sent or made: the share page is where players give their own ROM. The seed's hash
//! is its share id (the site's 5-symbol hash is an image only). A spoiler asked for (outside a
//! race) is the site's `spoiler_log/{id}.txt`.

use async_trait::async_trait;
use serde_json::{json, Value};

use sdk::{
    randomizer::{forms, upstream::Upstream, GenerateRequest, Randomizer, Seed},
    Error,
};

use crate::rules::{self, GenerateForm};

/// The site, when the site's administrators set no other.
pub const DEFAULT_BASE_URL: &str = "https://ctjot.com";

/// The Chrono Trigger: Jets of Time randomizer.
#[derive(Debug, Default)]
pub struct Ctjets;

impl Ctjets {
    fn site(config: &Value) -> Result<Upstream, Error> {
        Upstream::from_config("ctjot.com", config, "base_url", DEFAULT_BASE_URL)
    }

    /// Step 1: the CSRF token and the cookies to send back with it.
    async fn csrf(site: &Upstream) -> Result<(String, String), Error> {
        let page = site
            .send("the seed", "options/", |client, url| client.get(url))
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
                    "{}'s options page has no CSRF token (no `csrfmiddlewaretoken` in its form), so no seed can be rolled; the site may have changed.",
                    site.service()
                ),
            )
        })?;
        let cookies = cookies.ok_or_else(|| {
            Error::upstream(
                site.service(),
                format!(
                    "{} set no CSRF cookie with its options page, so no seed can be rolled; the site may have changed.",
                    site.service()
                ),
            )
        })?;
        Ok((token, cookies))
    }

    /// Step 2: posts the form; the seed's share id.
    async fn post(
        site: &Upstream,
        form: &GenerateForm,
        token: String,
        cookies: &str,
    ) -> Result<String, Error> {
        let referer = site.url("options/")?;
        let origin = referer.origin().ascii_serialization();
        let mut fields: Vec<(&str, String)> = vec![("csrfmiddlewaretoken", token)];
        fields.extend(form.fields.iter().cloned());
        // 403 (the CSRF check) and 404 (the generator's error page) are read here.
        let response = site
            .send_allowing("the seed", "generate-rom/", &[403, 404], |client, url| {
                client
                    .post(url)
                    .header("cookie", cookies)
                    .header("referer", referer.as_str())
                    .header("origin", origin.as_str())
                    .form(&fields)
            })
            .await?;
        let status = response.status();
        let no_seed = |what: String| {
            Error::upstream(
                site.service(),
                format!("{} did not roll the seed: {what}", site.service()),
            )
        };
        if status.is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            return rules::share_id(&location).ok_or_else(|| {
                no_seed(format!(
                    "it answered with a redirect to `{location}`, which is not a seed's share page."
                ))
            });
        }
        match status.as_u16() {
            403 => Err(Error::upstream(
                site.service(),
                format!(
                    "{} refused the seed: its CSRF check failed (HTTP 403). Try again; if it keeps failing, the site may have changed.",
                    site.service()
                ),
            )),
            404 => {
                let html = site.text(response).await.unwrap_or_default();
                Err(Error::upstream(
                    site.service(),
                    format!(
                        "{} refused the seed: {}",
                        site.service(),
                        rules::error_text(&html)
                            .unwrap_or_else(|| "its generator page was not found (HTTP 404); the site may have changed.".into())
                    ),
                ))
            }
            _ => {
                let html = site.text(response).await?;
                rules::share_link(&html)
                    .and_then(|link| rules::share_id(&link))
                    .ok_or_else(|| {
                        no_seed(format!(
                            "its answer (HTTP {}) has no seed share link.",
                            status.as_u16()
                        ))
                    })
            }
        }
    }
}

#[async_trait]
impl Randomizer for Ctjets {
    fn id(&self) -> &'static str {
        crate::PLUGIN_ID
    }

    fn name(&self) -> &'static str {
        "Chrono Trigger: Jets of Time"
    }

    fn settings_schema(&self) -> Value {
        rules::settings_schema()
    }

    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            return Err(Error::invalid(
                "yaml",
                "CTJets presets are not SahaBot mystery weightsets: set `mystery_seed: true` and the `mystery_…` weights to have ctjot.com roll a mystery seed.",
            ));
        }
        rules::check_preset(settings)
    }

    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
        // The preset first (as when it was saved): what the generator would refuse is reported
        // before any call.
        rules::check_preset(&request.settings)?;
        let form = rules::generate_form(
            &request.settings,
            request.options.spoiler,
            request.options.tournament,
        );
        let site = Self::site(&request.config)?;
        let (token, cookies) = Self::csrf(&site).await?;
        let share_id = Self::post(&site, &form, token, &cookies).await?;
        let url = site.url(&format!("share/{share_id}/"))?.to_string();
        let spoiler_url = if form.race_seed {
            None
        } else {
            Some(
                site.url(&format!("spoiler_log/{share_id}.txt"))?
                    .to_string(),
            )
        };
        Ok(Seed {
            url,
            hash: Some(share_id.clone()),
            permalink: None,
            spoiler_url,
            spoiler_log: None,
            file_select_code: None,
            metadata: json!({
                "share_id": share_id,
                "race_seed": form.race_seed,
                "generator": "web generator 3.2.0 form",
            }),
            settings: form.settings,
        })
    }
}
