//! What the organization's seed history says a match's rolled seed was for.

use presets::rules::SEED_USE_LABEL_MAX;

/// The label a match's seed is kept with: "Match 12: Final — ada vs bob" (`name` as the match
/// page shows it), cut to what the seed history keeps with a `…`.
pub fn seed_use_label(match_id: i64, name: &str) -> String {
    let label = match name.trim() {
        "" => format!("Match {match_id}"),
        name => format!("Match {match_id}: {name}"),
    };
    if label.chars().count() <= SEED_USE_LABEL_MAX {
        return label;
    }
    let mut cut: String = label.chars().take(SEED_USE_LABEL_MAX - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_names_the_match_within_the_historys_limit() {
        assert_eq!(
            seed_use_label(12, "Final — ada vs bob"),
            "Match 12: Final — ada vs bob"
        );
        assert_eq!(seed_use_label(3, " "), "Match 3");
        let long = seed_use_label(7, &"x".repeat(300));
        assert_eq!(long.chars().count(), SEED_USE_LABEL_MAX);
        assert!(long.starts_with("Match 7: xxx") && long.ends_with('…'));
    }
}
