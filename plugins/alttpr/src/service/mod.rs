//! [`Alttpr`]: the randomizer this plugin gives the host. `generate` turns a preset into
//! alttpr.com's request body ([`crate::rules::request_body`]; a mystery weightset is first
//! rolled into concrete settings by [`crate::mystery`]), posts it, and reads the seed: the
//! permalink is built from the hash (the answer has no link), the file-select code is read out
//! of the patch, and when a spoiler was asked for, the spoiler in the answer is kept — alttpr.com
//! hands it over in this answer only.
//!
//! A 409 from alttpr.com means the settings made an unwinnable world: a fixed preset reports it,
//! a mystery weightset is rolled again (at most [`MYSTERY_ATTEMPTS`] times), as SahasrahBot did.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use sdk::{
    randomizer::{upstream::Upstream, GenerateRequest, Randomizer, RollOptions, Seed},
    Error,
};

use crate::{
    mystery,
    rules::{self, Endpoint},
};

/// The site, when the site's administrators set no other.
pub const DEFAULT_BASE_URL: &str = "https://alttpr.com";
/// How many weightset rolls a mystery seed may take when alttpr.com finds them unwinnable.
pub const MYSTERY_ATTEMPTS: u64 = 5;

/// The ALTTPR randomizer.
#[derive(Debug, Default)]
pub struct Alttpr;

/// What alttpr.com answers with a seed (the fields read here).
#[derive(Debug, Deserialize)]
struct Answer {
    hash: String,
    #[serde(default)]
    patch: Value,
    #[serde(default)]
    spoiler: Option<Value>,
    #[serde(default)]
    logic: Option<String>,
    #[serde(default)]
    generated: Option<String>,
    #[serde(default)]
    size: Option<u64>,
}

/// One body to post, with what a mystery roll chose (for the seed's hidden settings).
struct Prepared {
    endpoint: Endpoint,
    body: Value,
    rolled: Option<Value>,
    custom_instructions: Option<String>,
}

fn prepare(request: &GenerateRequest, attempt: u64) -> Result<Prepared, Error> {
    if !request.mystery {
        let (endpoint, body) = rules::request_body(&request.settings, request.options)?;
        return Ok(Prepared {
            endpoint,
            body,
            rolled: None,
            custom_instructions: None,
        });
    }
    let options = mystery::RollOptions {
        spoilers: if request.options.spoiler {
            "generate".into()
        } else {
            "mystery".into()
        },
        tournament: true,
    };
    let roll = mystery::roll(
        mystery_weights(&request.settings),
        request.rng_seed.wrapping_add(attempt),
        &options,
    )
    .map_err(|e| Error::invalid(format!("weights.{}", e.key), e.message))?;
    if let Some(preset) = roll.preset {
        return Err(Error::invalid(
            "weights.preset",
            format!("The weightset picked the ALTTPR preset `{preset}`; weightsets that pick named presets are not supported here. Give the settings as weights instead."),
        ));
    }
    let endpoint = match roll.endpoint {
        mystery::Endpoint::Randomizer => Endpoint::Randomizer,
        mystery::Endpoint::Customizer => Endpoint::Customizer,
    };
    Ok(Prepared {
        endpoint,
        body: roll.payload,
        rolled: Some(json!(roll.rolled)),
        custom_instructions: roll.custom_instructions,
    })
}

/// A mystery preset's weights: SahasrahBot's weightset as written, or under `weights:` when the
/// file wraps it.
fn mystery_weights(document: &Value) -> &Value {
    match document.get("weights") {
        Some(weights @ Value::Object(_)) => weights,
        _ => document,
    }
}

impl Alttpr {
    fn site(config: &Value) -> Result<Upstream, Error> {
        Upstream::from_config("alttpr.com", config, "base_url", DEFAULT_BASE_URL)
    }

    /// Posts one body. `Ok(Err(text))`: alttpr.com found the settings unwinnable (409).
    async fn post(site: &Upstream, prepared: &Prepared) -> Result<Result<Answer, String>, Error> {
        let response = site
            .send_allowing(
                "the seed",
                prepared.endpoint.path(),
                &[409],
                |client, url| {
                    client
                        .post(url)
                        .header("accept", "application/json")
                        .json(&prepared.body)
                },
            )
            .await?;
        if response.status().as_u16() == 409 {
            let text = site.text(response).await.unwrap_or_default();
            let reason = text.lines().next().unwrap_or("").trim().to_string();
            return Ok(Err(if reason.is_empty() {
                "Game Unwinnable".to_string()
            } else {
                reason
            }));
        }
        Ok(Ok(site.json(response).await?))
    }
}

#[async_trait]
impl Randomizer for Alttpr {
    fn id(&self) -> &'static str {
        crate::PLUGIN_ID
    }

    fn name(&self) -> &'static str {
        "A Link to the Past Randomizer"
    }

    fn settings_schema(&self) -> Value {
        rules::settings_schema()
    }

    fn takes_mystery(&self) -> bool {
        true
    }

    /// A weightset is checked whole (the roller checks every branch before it rolls; what a
    /// malformed one gets wrong is named), and may not pick named presets, which `generate`
    /// refuses.
    fn check_mystery(&self, weights: &Value) -> Result<(), Error> {
        let weights = mystery_weights(weights);
        mystery::roll(weights, 0, &mystery::RollOptions::default())
            .map_err(|e| Error::invalid(format!("weights.{}", e.key), e.message))?;
        let picks_a_preset = weights
            .get("preset")
            .and_then(Value::as_object)
            .is_some_and(|options| {
                options
                    .iter()
                    .any(|(name, weight)| name != "none" && weight.as_f64().unwrap_or(0.0) > 0.0)
            });
        if picks_a_preset {
            return Err(Error::invalid(
                "weights.preset",
                "Weightsets that pick named ALTTPR presets are not supported here; give the settings as weights (or only `none`).",
            ));
        }
        Ok(())
    }

    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            return self.check_mystery(settings);
        }
        if let Some(key) = ["glitches_required", "world_state", "goals"]
            .into_iter()
            .find(|key| settings.get(*key).is_some())
        {
            return Err(Error::invalid(
                key,
                format!("`{key}` is a mystery weight, not an alttpr.com setting: if this is a mystery weightset, add `preset_type: mystery` at the top."),
            ));
        }
        rules::check_wrapper(settings)?;
        sdk::randomizer::validate_settings(&self.settings_schema(), rules::settings_of(settings))
    }

    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
        let site = Self::site(&request.config)?;
        let attempts = if request.mystery { MYSTERY_ATTEMPTS } else { 1 };
        let mut last_refusal = String::new();
        for attempt in 0..attempts {
            let prepared = prepare(&request, attempt)?;
            match Self::post(&site, &prepared).await? {
                Ok(answer) => return Ok(seed(&site, answer, prepared, request.options)),
                Err(reason) => last_refusal = reason,
            }
        }
        Err(Error::upstream(
            site.service(),
            if request.mystery {
                format!("alttpr.com could not make a winnable seed from {attempts} rolls of this weightset ({last_refusal}).")
            } else {
                format!("alttpr.com could not make a winnable seed from these settings ({last_refusal}).")
            },
        ))
    }
}

fn seed(site: &Upstream, answer: Answer, prepared: Prepared, options: RollOptions) -> Seed {
    let url = site
        .url(&format!("h/{}", answer.hash))
        .map(|u| u.to_string())
        .unwrap_or_default();
    Seed {
        url,
        hash: Some(answer.hash),
        permalink: None,
        spoiler_url: None,
        // Only a spoiler asked for is kept; without, the answer holds the meta only.
        spoiler_log: answer.spoiler.filter(|_| options.spoiler),
        file_select_code: rules::file_select_code(&answer.patch),
        settings: prepared.body,
        metadata: json!({
            "logic": answer.logic,
            "generated": answer.generated,
            "size": answer.size,
            "endpoint": prepared.endpoint.path(),
            "mystery": prepared.rolled.map(|rolled| json!({
                "rolled": rolled,
                "custom_instructions": prepared.custom_instructions,
            })),
        }),
    }
}
