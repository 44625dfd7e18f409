//! Which preset a room's seed is rolled from ([`PresetRule`]): none, the tournament's own, a
//! fixed one, one per round (by the start of the match's title), or one drawn by weight. The
//! draw takes its random number from the caller, so the rule is testable and the pick is
//! recorded on the room.

use sdk::Error;

use crate::model::PresetRule;

/// At most this many presets in a per-round or weighted rule.
pub const MAX_CHOICES: usize = 50;

/// What to roll: a randomizer and a preset (`namespace/name` or a global preset's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub randomizer: String,
    pub preset: String,
}

/// The preset for a match titled `title` in a tournament whose own settings name
/// `tournament_preset` (randomizer, preset); `draw` is uniform in `[0, 1)`.
pub fn pick(
    rule: &PresetRule,
    title: &str,
    tournament_preset: Option<(&str, &str)>,
    draw: f64,
) -> Option<Pick> {
    let make = |randomizer: &str, preset: &str| Pick {
        randomizer: randomizer.to_string(),
        preset: preset.to_string(),
    };
    match rule {
        PresetRule::None => None,
        PresetRule::Tournament => tournament_preset
            .filter(|(r, p)| !r.trim().is_empty() && !p.trim().is_empty())
            .map(|(r, p)| make(r.trim(), p.trim())),
        PresetRule::Fixed { randomizer, preset } => Some(make(randomizer, preset)),
        PresetRule::PerRound {
            randomizer,
            rounds,
            fallback,
        } => {
            let title = title.trim().to_lowercase();
            rounds
                .iter()
                .find(|r| title.starts_with(&r.title_prefix.trim().to_lowercase()))
                .map(|r| r.preset.as_str())
                .or(fallback.as_deref())
                .map(|p| make(randomizer, p))
        }
        PresetRule::Weighted {
            randomizer,
            choices,
        } => {
            let total: u64 = choices.iter().map(|c| u64::from(c.weight)).sum();
            if total == 0 {
                return None;
            }
            let mut target = (draw.clamp(0.0, 0.999_999_999) * total as f64) as u64;
            for choice in choices {
                let weight = u64::from(choice.weight);
                if target < weight {
                    return Some(make(randomizer, &choice.preset));
                }
                target -= weight;
            }
            choices.last().map(|c| make(randomizer, &c.preset))
        }
    }
}

/// Refuses a rule that could never pick, naming what to fix.
pub fn check(rule: &PresetRule) -> Result<(), Error> {
    let randomizer_set = |r: &str| {
        if r.trim().is_empty() {
            Err(Error::invalid(
                "preset_rule.randomizer",
                "Name the randomizer the presets belong to.",
            ))
        } else {
            Ok(())
        }
    };
    let preset_set = |p: &str, field: &str| {
        if p.trim().is_empty() {
            Err(Error::invalid(field, "A preset name is missing."))
        } else {
            Ok(())
        }
    };
    match rule {
        PresetRule::None | PresetRule::Tournament => Ok(()),
        PresetRule::Fixed { randomizer, preset } => {
            randomizer_set(randomizer)?;
            preset_set(preset, "preset_rule.preset")
        }
        PresetRule::PerRound {
            randomizer,
            rounds,
            fallback,
        } => {
            randomizer_set(randomizer)?;
            if rounds.is_empty() || rounds.len() > MAX_CHOICES {
                return Err(Error::invalid(
                    "preset_rule.rounds",
                    format!("Give 1 to {MAX_CHOICES} rounds."),
                ));
            }
            for (i, r) in rounds.iter().enumerate() {
                if r.title_prefix.trim().is_empty() {
                    return Err(Error::invalid(
                        format!("preset_rule.rounds[{i}].title_prefix"),
                        "Give the start of the match titles of this round (\"Round 1\").",
                    ));
                }
                preset_set(&r.preset, &format!("preset_rule.rounds[{i}].preset"))?;
            }
            if let Some(f) = fallback {
                preset_set(f, "preset_rule.fallback")?;
            }
            Ok(())
        }
        PresetRule::Weighted {
            randomizer,
            choices,
        } => {
            randomizer_set(randomizer)?;
            if choices.is_empty() || choices.len() > MAX_CHOICES {
                return Err(Error::invalid(
                    "preset_rule.choices",
                    format!("Give 1 to {MAX_CHOICES} presets to draw from."),
                ));
            }
            for (i, c) in choices.iter().enumerate() {
                preset_set(&c.preset, &format!("preset_rule.choices[{i}].preset"))?;
                if c.weight == 0 || c.weight > 1000 {
                    return Err(Error::invalid(
                        format!("preset_rule.choices[{i}].weight"),
                        "A weight is 1 to 1000.",
                    ));
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{RoundPreset, WeightedPreset};

    #[test]
    fn each_rule_picks_as_documented() {
        assert_eq!(
            pick(&PresetRule::None, "", Some(("alttpr", "open")), 0.5),
            None
        );
        assert_eq!(
            pick(
                &PresetRule::Tournament,
                "",
                Some(("alttpr", "league/open")),
                0.5
            ),
            Some(Pick {
                randomizer: "alttpr".into(),
                preset: "league/open".into()
            })
        );
        assert_eq!(
            pick(&PresetRule::Tournament, "", Some(("alttpr", " ")), 0.5),
            None
        );
        assert_eq!(pick(&PresetRule::Tournament, "", None, 0.5), None);
        let rounds = PresetRule::PerRound {
            randomizer: "alttpr".into(),
            rounds: vec![
                RoundPreset {
                    title_prefix: "Round 1".into(),
                    preset: "r1".into(),
                },
                RoundPreset {
                    title_prefix: "Top 8".into(),
                    preset: "t8".into(),
                },
            ],
            fallback: Some("other".into()),
        };
        assert_eq!(
            pick(&rounds, "round 1 - A vs B", None, 0.0).unwrap().preset,
            "r1"
        );
        assert_eq!(
            pick(&rounds, "Top 8: C vs D", None, 0.0).unwrap().preset,
            "t8"
        );
        assert_eq!(pick(&rounds, "Final", None, 0.0).unwrap().preset, "other");
        let weighted = PresetRule::Weighted {
            randomizer: "alttpr".into(),
            choices: vec![
                WeightedPreset {
                    preset: "a".into(),
                    weight: 1,
                },
                WeightedPreset {
                    preset: "b".into(),
                    weight: 3,
                },
            ],
        };
        assert_eq!(pick(&weighted, "", None, 0.0).unwrap().preset, "a");
        assert_eq!(pick(&weighted, "", None, 0.24).unwrap().preset, "a");
        assert_eq!(pick(&weighted, "", None, 0.25).unwrap().preset, "b");
        assert_eq!(pick(&weighted, "", None, 0.999).unwrap().preset, "b");
        assert_eq!(
            pick(&weighted, "", None, 7.0).unwrap().preset,
            "b",
            "clamped"
        );
    }

    #[test]
    fn rules_that_cannot_pick_are_refused() {
        let e = check(&PresetRule::Fixed {
            randomizer: "".into(),
            preset: "x".into(),
        })
        .unwrap_err();
        assert_eq!(e.field(), Some("preset_rule.randomizer"));
        let e = check(&PresetRule::Weighted {
            randomizer: "a".into(),
            choices: vec![],
        })
        .unwrap_err();
        assert_eq!(e.field(), Some("preset_rule.choices"));
        let e = check(&PresetRule::Weighted {
            randomizer: "a".into(),
            choices: vec![WeightedPreset {
                preset: "p".into(),
                weight: 0,
            }],
        })
        .unwrap_err();
        assert_eq!(e.field(), Some("preset_rule.choices[0].weight"));
        let e = check(&PresetRule::PerRound {
            randomizer: "a".into(),
            rounds: vec![RoundPreset {
                title_prefix: " ".into(),
                preset: "p".into(),
            }],
            fallback: None,
        })
        .unwrap_err();
        assert_eq!(e.field(), Some("preset_rule.rounds[0].title_prefix"));
        assert!(check(&PresetRule::Tournament).is_ok());
    }
}

/// A preset rule as the settings form edits it: a kind, a randomizer, one preset (fixed, or a
/// per-round fallback) and lines (`prefix: preset` per round, `preset: weight` to draw).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleForm {
    pub kind: String,
    pub randomizer: String,
    pub preset: String,
    pub lines: String,
}

/// The form of `rule`.
pub fn to_form(rule: &PresetRule) -> RuleForm {
    match rule {
        PresetRule::None => RuleForm {
            kind: "none".into(),
            ..RuleForm::default()
        },
        PresetRule::Tournament => RuleForm {
            kind: "tournament".into(),
            ..RuleForm::default()
        },
        PresetRule::Fixed { randomizer, preset } => RuleForm {
            kind: "fixed".into(),
            randomizer: randomizer.clone(),
            preset: preset.clone(),
            lines: String::new(),
        },
        PresetRule::PerRound {
            randomizer,
            rounds,
            fallback,
        } => RuleForm {
            kind: "per_round".into(),
            randomizer: randomizer.clone(),
            preset: fallback.clone().unwrap_or_default(),
            lines: rounds
                .iter()
                .map(|r| format!("{}: {}", r.title_prefix, r.preset))
                .collect::<Vec<_>>()
                .join("\n"),
        },
        PresetRule::Weighted {
            randomizer,
            choices,
        } => RuleForm {
            kind: "weighted".into(),
            randomizer: randomizer.clone(),
            preset: String::new(),
            lines: choices
                .iter()
                .map(|c| format!("{}: {}", c.preset, c.weight))
                .collect::<Vec<_>>()
                .join("\n"),
        },
    }
}

/// The rule a form describes; a line that does not read names its number.
pub fn from_form(form: &RuleForm) -> Result<PresetRule, Error> {
    use crate::model::{RoundPreset, WeightedPreset};
    let pairs = || -> Result<Vec<(String, String)>, Error> {
        form.lines
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                l.rsplit_once(':')
                    .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                    .ok_or_else(|| {
                        Error::invalid(
                            "preset_rule.lines",
                            format!(
                                "Line {} needs a colon: `Round 1: preset` or `preset: 3`.",
                                i + 1
                            ),
                        )
                    })
            })
            .collect()
    };
    let rule = match form.kind.as_str() {
        "none" => PresetRule::None,
        "tournament" | "" => PresetRule::Tournament,
        "fixed" => PresetRule::Fixed {
            randomizer: form.randomizer.trim().to_string(),
            preset: form.preset.trim().to_string(),
        },
        "per_round" => PresetRule::PerRound {
            randomizer: form.randomizer.trim().to_string(),
            rounds: pairs()?
                .into_iter()
                .map(|(title_prefix, preset)| RoundPreset {
                    title_prefix,
                    preset,
                })
                .collect(),
            fallback: Some(form.preset.trim().to_string()).filter(|p| !p.is_empty()),
        },
        "weighted" => PresetRule::Weighted {
            randomizer: form.randomizer.trim().to_string(),
            choices: pairs()?
                .into_iter()
                .enumerate()
                .map(|(i, (preset, weight))| {
                    weight
                        .parse::<u32>()
                        .map(|weight| WeightedPreset { preset, weight })
                        .map_err(|_| {
                            Error::invalid(
                                format!("preset_rule.choices[{i}].weight"),
                                format!("The weight of {} is not a whole number.", i + 1),
                            )
                        })
                })
                .collect::<Result<_, _>>()?,
        },
        other => {
            return Err(Error::invalid(
                "preset_rule.kind",
                format!(
                "Unknown preset rule {other:?}: none, tournament, fixed, per_round or weighted."
            ),
            ))
        }
    };
    check(&rule)?;
    Ok(rule)
}

#[cfg(test)]
mod form_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn forms_read_back_what_they_show() {
        let form = RuleForm {
            kind: "weighted".into(),
            randomizer: "alttpr".into(),
            preset: String::new(),
            lines: "league/open: 3\n\nleague/mc: 1".into(),
        };
        let rule = from_form(&form).unwrap();
        assert_eq!(to_form(&rule).lines, "league/open: 3\nleague/mc: 1");
        let rounds = RuleForm {
            kind: "per_round".into(),
            randomizer: "alttpr".into(),
            preset: "other".into(),
            lines: "Round 1: r1\nTop 8: t8".into(),
        };
        assert_eq!(
            from_form(&to_form(&from_form(&rounds).unwrap())).unwrap(),
            from_form(&rounds).unwrap()
        );
        let bad = RuleForm {
            lines: "no colon".into(),
            ..form.clone()
        };
        assert_eq!(
            from_form(&bad).unwrap_err().field(),
            Some("preset_rule.lines")
        );
        let bad = RuleForm {
            lines: "p: lots".into(),
            ..form
        };
        assert_eq!(
            from_form(&bad).unwrap_err().field(),
            Some("preset_rule.choices[0].weight")
        );
        assert_eq!(
            from_form(&RuleForm::default()).unwrap(),
            PresetRule::Tournament
        );
    }
}
