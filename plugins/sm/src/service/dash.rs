//! Rolling on DASH (docs/upstreams/randomizers.md §6): `GET /generate/{preset}?race=1
//! [&spoiler=1]` rolls the seed and answers **307** with `Location: {origin}/seed/{key}` — read
//! here, never followed (the shared client follows no redirects). Anything but a 307 is a
//! failure: a 422 names the valid presets, a 500 carries the exception's text. The seed page is
//! `/seed/{key}`, its spoiler `/seed/{key}/spoiler`; DASH gives no file-select code.

use serde_json::{json, Map, Value};

use sdk::{
    randomizer::{upstream::Upstream, Seed},
    Error,
};

use crate::rules::{self, Generator};

pub(super) async fn generate(
    site: &Upstream,
    settings: &Map<String, Value>,
    race: bool,
    spoiler: bool,
) -> Result<Seed, Error> {
    let preset = settings
        .get("preset")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid("settings.preset", "Say which DASH preset to roll."))?;
    let query = rules::dash_query(race, spoiler);
    let response = site
        .send_allowing(
            "the seed",
            &rules::dash_path(preset),
            &[307],
            |client, url| client.get(url).query(&query),
        )
        .await?;
    let status = response.status().as_u16();
    if status != 307 {
        return Err(Error::upstream(
            site.service(),
            format!(
                "{} answered without a seed link (HTTP {status}).",
                site.service()
            ),
        ));
    }
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let key = rules::dash_seed_key(&location).ok_or_else(|| {
        Error::upstream(
            site.service(),
            format!(
                "{} answered with a seed link we cannot read ({location:?}).",
                site.service()
            ),
        )
    })?;
    // The links are made under the configured address, the key coming from the answer.
    let url = site.url(&format!("seed/{key}"))?.to_string();
    let spoiler_url = if spoiler {
        Some(site.url(&format!("seed/{key}/spoiler"))?.to_string())
    } else {
        None
    };
    Ok(Seed {
        url,
        hash: Some(key),
        permalink: None,
        spoiler_url,
        spoiler_log: None,
        file_select_code: None,
        settings: json!({
            "generator": Generator::Dash.name(),
            "preset": preset,
            "race": race.to_string(),
        }),
        metadata: json!({
            "generator": Generator::Dash.name(),
            "preset": preset,
            "redirect": location,
        }),
    })
}
