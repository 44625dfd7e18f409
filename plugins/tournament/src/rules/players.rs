//! A match's players.

use sdk::Error;

use super::PLAYERS_MAX;

/// Players of a match: at least two, at most [`PLAYERS_MAX`], no one twice.
pub fn check_players(player_ids: &[i64]) -> Result<Vec<i64>, Error> {
    // First, before any work proportional to the list (sorting, looking the ids up).
    if player_ids.len() > PLAYERS_MAX {
        return Err(Error::invalid(
            "player_ids",
            format!(
                "A match has at most {PLAYERS_MAX} players (this lists {}).",
                player_ids.len()
            ),
        ));
    }
    let mut ids = player_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != player_ids.len() {
        return Err(Error::invalid(
            "player_ids",
            "A player is listed twice; list each player once.",
        ));
    }
    if ids.len() < 2 {
        return Err(Error::invalid(
            "player_ids",
            "A match needs at least two players.",
        ));
    }
    Ok(player_ids.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn players_at_least_two_and_distinct() {
        assert!(check_players(&[1, 2]).is_ok());
        assert!(check_players(&[1]).is_err());
        assert!(check_players(&[1, 1, 2])
            .unwrap_err()
            .message()
            .contains("twice"));
    }
}
