//! Rolling on VARIA (docs/upstreams/randomizers.md §5), as pyz3r does it: every call is a
//! form-encoded POST whose answer is JSON served as `text/html`.
//! 1. `randoPresetWebService` with `randoPreset=default` — VARIA checks that every setting is
//!    in the final form, so the site's own defaults are the base;
//! 2. the same for the preset's settings preset, unless it is `default`;
//! 3. `presetWebService` for the skills preset;
//! 4. `randomizerWebService` with the merged form ([`crate::rules::varia_form`]).
//!
//! A refusal is HTTP 400 with the reason as text (a JSON-quoted string from the randomizer),
//! which the shared client cannot read from an HTML answer, so it is read here; a failed
//! generation is HTTP 200 with `status: NOK` and the reason in `errorMsg`, so the status alone
//! says nothing. The seed is `seedKey`, its page `/customizer/{seedKey}`; VARIA gives no
//! file-select code and no spoiler link.

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use sdk::{
    randomizer::{upstream::Upstream, Seed},
    Error,
};

use crate::rules::{self, Generator};

/// POSTs `form` to `path` and reads the answer as `T`; a 400 is VARIA refusing `what`.
async fn post<T: DeserializeOwned>(
    site: &Upstream,
    what: &str,
    path: &str,
    form: &[(String, String)],
) -> Result<T, Error> {
    let response = site
        .send_allowing(what, path, &[400], |client, url| {
            client.post(url).form(form)
        })
        .await?;
    if response.status().as_u16() == 400 {
        let text = site.text(response).await.unwrap_or_default();
        return Err(Error::upstream(
            site.service(),
            format!(
                "{} refused {what}: {}",
                site.service(),
                rules::varia_refusal(&text)
            ),
        ));
    }
    site.json(response).await
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A settings ("rando") preset, as VARIA serves it to its extended-stats page.
async fn settings_preset(site: &Upstream, name: &str) -> Result<Map<String, Value>, Error> {
    post(
        site,
        &format!("the settings preset `{name}`"),
        "randoPresetWebService",
        &pairs(&[("randoPreset", name), ("origin", "extStats")]),
    )
    .await
}

/// A skills preset.
async fn skills_preset(site: &Upstream, name: &str) -> Result<Map<String, Value>, Error> {
    post(
        site,
        &format!("the skills preset `{name}`"),
        "presetWebService",
        &pairs(&[("preset", name)]),
    )
    .await
}

pub(super) async fn generate(
    site: &Upstream,
    settings: &Map<String, Value>,
    race: bool,
) -> Result<Seed, Error> {
    let choice = rules::varia_choice(settings);
    let default = settings_preset(site, rules::DEFAULT_SETTINGS_PRESET).await?;
    let named = if choice.settings_preset == rules::DEFAULT_SETTINGS_PRESET {
        None
    } else {
        Some(settings_preset(site, &choice.settings_preset).await?)
    };
    let skills = skills_preset(site, &choice.skills_preset).await?;
    let form = rules::varia_form(
        &default,
        named.as_ref(),
        &choice.overrides,
        &choice.skills_preset,
        &Value::Object(skills),
        race,
    );
    let answer: rules::VariaAnswer = post(site, "the seed", "randomizerWebService", &form).await?;
    let warnings = answer
        .error_msg
        .as_deref()
        .map(rules::plain_text)
        .filter(|w| !w.is_empty());
    if answer.status != "OK" {
        return Err(Error::upstream(
            site.service(),
            format!(
                "{} could not generate the seed: {}",
                site.service(),
                warnings.unwrap_or_else(|| "no reason given".into())
            ),
        ));
    }
    let key = answer
        .seed_key
        .filter(|k| rules::is_varia_seed_key(k))
        .ok_or_else(|| {
            Error::upstream(
                site.service(),
                format!("{} answered without a seed id we can read.", site.service()),
            )
        })?;
    // The skills preset's content is long and is named by `preset`: kept out of the settings.
    let settings: Map<String, Value> = form
        .into_iter()
        .filter(|(k, _)| k != "paramsFileTarget")
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    Ok(Seed {
        url: site.url(&format!("customizer/{key}"))?.to_string(),
        hash: Some(key),
        permalink: None,
        spoiler_url: None,
        spoiler_log: None,
        file_select_code: None,
        settings: Value::Object(settings),
        metadata: json!({
            "generator": Generator::Varia.name(),
            "settings_preset": choice.settings_preset,
            "skills_preset": choice.skills_preset,
            "file_name": answer.file_name,
            "warnings": warnings,
        }),
    })
}
