//! A fake ctjot.com, the Jets of Time web generator (docs/upstreams/randomizers.md §9.2-9.3,
//! from `Anguirel86/ctjot_web_generator`'s `GenerateForm` for version 3.2.0): `GET /options/`
//! is the options page, with Django's CSRF token in the form and the `csrftoken` cookie;
//! `POST /generate-rom/` checks the token, the cookie and the Referer (403 page otherwise), then
//! the form: a required field missing or not a whole number is the site's error page, status
//! **404**, listing the fields ("Errors in the following form fields:"); a select value the site
//! does not map (`enemy_difficulty: impossible`) is a 500, as the real site's `KeyError` is.
//! A seed is answered as the current site does, 302 `Location: /share/{share_id}` (15
//! characters of `[0-9A-Za-z]`), or — [`CtjetsState::share_page`] — with the seed page itself,
//! holding the "Seed share link" anchor, as SahasrahBot's older flow read it.
//!
//! Site-specific failures besides [`super::Failure`]: [`CtjetsState::without_token`],
//! [`CtjetsState::also_required`] (a newer generator requiring fields not sent) and
//! [`CtjetsState::post_answers`] (the next POSTs answer this instead).

use std::{
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex},
};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::{
    bingosync::{csrf_failure, csrf_ok, form_fields, html},
    lock, FakeSite, Request,
};

/// The CSRF token the fake hands out (page and cookie).
pub const TOKEN: &str = "fake-ctjot-csrf-token";

/// The fields `GenerateForm` requires (version 3.2.0): selects, then whole numbers.
pub const REQUIRED_CHOICES: &[(&str, &[&str])] = &[
    ("enemy_difficulty", &["easy", "normal", "hard"]),
    ("item_difficulty", &["easy", "normal", "hard"]),
    (
        "shop_prices",
        &["normal", "free", "mostly_random", "fully_random"],
    ),
    ("tech_rando", &["normal", "fully_random", "balanced_random"]),
    (
        "game_mode",
        &[
            "standard",
            "lost_worlds",
            "ice_age",
            "legacy_of_cyrus",
            "vanilla_rando",
        ],
    ),
];
pub const REQUIRED_NUMBERS: &[&str] = &[
    "power_tab_min",
    "power_tab_max",
    "magic_tab_min",
    "magic_tab_max",
    "speed_tab_min",
    "speed_tab_max",
    "fragments_required",
    "extra_fragments",
    "mystery_game_mode_standard",
    "mystery_game_mode_lw",
    "mystery_game_mode_loc",
    "mystery_game_mode_ia",
    "mystery_item_difficulty_easy",
    "mystery_item_difficulty_normal",
    "mystery_item_difficulty_hard",
    "mystery_enemy_difficulty_normal",
    "mystery_enemy_difficulty_hard",
    "mystery_tech_order_normal",
    "mystery_tech_order_full_random",
    "mystery_tech_order_balanced_random",
    "mystery_shop_prices_normal",
    "mystery_shop_prices_random",
    "mystery_shop_prices_mostly_random",
    "mystery_shop_prices_free",
    "mystery_tab_treasures",
    "mystery_unlock_magic",
    "mystery_bucket_fragments",
    "mystery_chronosanity",
    "mystery_boss_rando",
    "mystery_boss_scale",
    "mystery_locked_characters",
    "mystery_duplicate_characters",
    "mystery_epoch_fail",
    "mystery_gear_rando",
    "mystery_heal_rando",
];

/// A seed the fake generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Game {
    pub share_id: String,
    /// No spoiler log: the `spoiler_log` checkbox was not sent.
    pub race_seed: bool,
    /// The form as received (token included).
    pub form: BTreeMap<String, String>,
}

/// The fake site's state.
#[derive(Debug)]
pub struct CtjetsState {
    pub token: String,
    /// The options page comes without the CSRF input.
    pub without_token: bool,
    /// Answer a seed with the seed page (200, "Seed share link" anchor) instead of a redirect.
    pub share_page: bool,
    /// Fields required beyond version 3.2.0's (as a newer generator would).
    pub also_required: Vec<&'static str>,
    /// The next POSTs to `/generate-rom/` are answered with (status, content type, body).
    pub post_answers: VecDeque<(u16, &'static str, String)>,
    pub games: Vec<Game>,
}

impl Default for CtjetsState {
    fn default() -> Self {
        Self {
            token: TOKEN.into(),
            without_token: false,
            share_page: false,
            also_required: Vec::new(),
            post_answers: VecDeque::new(),
            games: Vec::new(),
        }
    }
}

pub type FakeCtjets = FakeSite<CtjetsState>;

impl FakeSite<CtjetsState> {
    pub async fn ctjets() -> std::io::Result<Self> {
        FakeSite::start(CtjetsState::default(), handle).await
    }
}

fn handle(site: &Arc<Mutex<CtjetsState>>, request: &Request) -> Response {
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/options/") => {
            let state = lock(site);
            let token = if state.without_token {
                String::new()
            } else {
                format!(
                    r#"<input type="hidden" name="csrfmiddlewaretoken" value="{}">"#,
                    state.token
                )
            };
            let page = format!(
                r#"<!DOCTYPE html><html><head><title>Jets of Time</title></head><body><div class="container">
<h1>Chrono Trigger Jets of Time Randomizer</h1><h4>Version 3.2.0</h4>
<form name="game_options_form" id="game_options_form" action="/generate-rom/" method="post" enctype="multipart/form-data">
{token}<select class="form-control" name="enemy_difficulty" id="id_enemy_difficulty"><option value="normal" selected>Normal</option></select>
</form></div></body></html>"#
            );
            (
                StatusCode::OK,
                [
                    ("content-type", "text/html; charset=utf-8".to_string()),
                    (
                        "set-cookie",
                        format!(
                            "csrftoken={}; expires=Thu, 01 Jan 2099 00:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax",
                            state.token
                        ),
                    ),
                ],
                page,
            )
                .into_response()
        }
        ("POST", "/generate-rom/") => generate(site, request),
        _ => error_page(StatusCode::NOT_FOUND, "Seed does not exist."),
    }
}

/// The generator's error page (`generator/error.html`).
fn error_page(status: StatusCode, text: &str) -> Response {
    html(
        status,
        format!(
            r#"<!DOCTYPE html><html><head><title>Jets of Time</title></head><body>
    <div class="container">
      <div class="pt-2 pb-2">
        <h1>Error</h1>
	<p>{text}</p>
      </div>
    </div>
</body></html>"#
        ),
    )
}

fn generate(site: &Arc<Mutex<CtjetsState>>, request: &Request) -> Response {
    let mut state = lock(site);
    if let Some((status, content_type, body)) = state.post_answers.pop_front() {
        return (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [("content-type", content_type)],
            body,
        )
            .into_response();
    }
    let form = form_fields(&request.body);
    if !csrf_ok(request, &form, &state.token) {
        return csrf_failure();
    }
    let present = |name: &str| form.get(name).is_some_and(|v| !v.trim().is_empty());
    let mut bad: Vec<&str> = REQUIRED_CHOICES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !present(name))
        .collect();
    bad.extend(REQUIRED_NUMBERS.iter().copied().filter(|name| {
        form.get(*name)
            .is_none_or(|v| v.trim().parse::<i64>().is_err())
    }));
    bad.extend(state.also_required.iter().copied().filter(|n| !present(n)));
    if !bad.is_empty() {
        let mut text = String::from("Errors in the following form fields:\n");
        for name in bad {
            text += name;
            text += "\n";
        }
        return error_page(StatusCode::NOT_FOUND, &text);
    }
    let unmapped = REQUIRED_CHOICES.iter().any(|(name, values)| {
        let value = form.get(*name).map(String::as_str).unwrap_or_default();
        !values.contains(&value)
    });
    let assignments = form
        .get("duplicate_char_assignments")
        .map(String::as_str)
        .unwrap_or_default();
    let assignments_ok =
        assignments.len() >= 14 && assignments.chars().all(|c| c.is_ascii_hexdigit());
    if unmapped || !assignments_ok {
        // The real site maps these without checking: a KeyError / ValueError, Django's 500.
        return html(
            StatusCode::INTERNAL_SERVER_ERROR,
            "<h1>Server Error (500)</h1>".into(),
        );
    }
    let share_id = format!("fake{:011}", state.games.len() + 1);
    let race_seed = form.get("spoiler_log").is_none_or(|v| v == "false");
    state.games.push(Game {
        share_id: share_id.clone(),
        race_seed,
        form,
    });
    if state.share_page {
        return html(
            StatusCode::OK,
            format!(
                r#"<!DOCTYPE html><html><body><div class="container">
	<h3 class="pb-2"><a id="seed_share" target="_blank" href="/share/{share_id}/">Seed share link</a> &middot;&middot;&middot; <a id="seed_practice" target="_blank" href="/practice/{share_id}/">(create practice seed)</a></h3>
</div></body></html>"#
            ),
        );
    }
    (
        StatusCode::FOUND,
        [
            ("location", format!("/share/{share_id}")),
            ("content-type", "text/html; charset=utf-8".into()),
        ],
        "",
    )
        .into_response()
}
